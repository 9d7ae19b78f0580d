"""``casebook build``: check the records, build a release, verify it, then publish it in one switch."""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from .fulltext import build_index, related_cases
from .headers import write_nginx_snippet
from .language import SOURCE, language
from .publish import Output
from .records import Casebook, load_casebook
from .searchterms import load_search_terms
from .stopwatch import Stopwatch
from .verify import verify_release


INDEX = "index"


class BuildFailed(Exception):
    """The site could not be built; the published site is untouched."""


def build_site(cases: Path, out: Path, config_file: Path = Path("mkdocs.yml"), stopwatch: Stopwatch | None = None) -> Path:
    """Build into a new release under ``out`` and publish it; returns the live ``OUT/site``."""
    stopwatch = stopwatch or Stopwatch()
    with stopwatch.stage("检查记录"):
        casebook = load_casebook(cases)
    output = Output(out)
    with output.locked():
        release = output.new_release()
        previous = output.active_release()
        try:
            _build_release(casebook, release, config_file, previous, stopwatch)
        except BaseException:
            output.discard(release)
            raise
        output.publish(release)
    return output.site


def rollback(out: Path) -> Path:
    """Publish the previous release again; returns it."""
    output = Output(out)
    with output.locked():
        return output.rollback()


def _build_release(casebook: Casebook, release: Path, config_file: Path, previous: Path | None,
                   stopwatch: Stopwatch) -> None:
    site = release / "site"
    try:
        languages = language_configs(config_file)
        configs = [load_config(str(path), site_dir=str(site / language(code).prefix), strict=True)
                   for code, path in languages.items()]
        plugins = [config.plugins["casebook"] for config in configs]
        terms = load_search_terms(Path(configs[0].config_file_path).parent / plugins[0].config.search_vocabulary,
                                  casebook.vocabularies)
        with stopwatch.stage("检索索引"):
            print(build_index(casebook.cases, release / INDEX, terms, previous / INDEX if previous else None))
        with stopwatch.stage("相关案例"):
            related = related_cases(release / INDEX)
        _show_mkdocs_warnings()
        # The Chinese site first: building a site empties its folder, and the others live inside it.
        for config, plugin in zip(configs, plugins):
            plugin.casebook, plugin.related, plugin.stopwatch = casebook, related, stopwatch
            with stopwatch.stage("MkDocs 生成"):
                mkdocs_build(config)
        # The plugin's own stages ran inside MkDocs' build; count them once.
        stopwatch.stages["MkDocs 生成"] -= stopwatch.stages["页面规划和渲染"] + stopwatch.stages["静态检索索引"]
    except MkDocsException as error:
        raise BuildFailed(f"网站生成失败，已发布的网站保持不变：{error}") from None
    with stopwatch.stage("发布前检查"):
        write_nginx_snippet(release, plugins[0].config.frame_ancestors)
        problems = verify_release(release, casebook, list(languages))
    if problems:
        raise BuildFailed("网站生成后检查未通过，已发布的网站保持不变：\n" + "\n".join(problems))


def language_configs(config_file: Path) -> dict[str, Path]:
    """The configuration of each of the site's languages: ``mkdocs.yml`` for Chinese, and for
    each other language it names, ``mkdocs.<code>.yml`` beside it, which inherits it."""
    plugin = load_config(str(config_file)).plugins["casebook"]
    configs = {SOURCE: config_file}
    for code in plugin.config.languages:
        path = config_file.with_name(f"{config_file.stem}.{code}{config_file.suffix}")
        if code != SOURCE and not path.is_file():
            raise BuildFailed(f"{config_file.name} 中的 languages 包括 {code}，但缺少它的配置文件 {path.name}")
        configs.setdefault(code, path)
    return configs


def _show_mkdocs_warnings() -> None:
    logger = logging.getLogger("mkdocs")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s - %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING)
