"""``casebook build``: check the records, build a release, verify it, then publish it in one switch."""

from __future__ import annotations

import logging
import multiprocessing
import os
import traceback
from dataclasses import dataclass, replace
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
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
    try:
        languages = language_configs(config_file)
        configs = {code: load_config(str(path), strict=True) for code, path in languages.items()}
        plugin = configs[SOURCE].plugins["casebook"]
        terms = load_search_terms(Path(configs[SOURCE].config_file_path).parent / plugin.config.search_vocabulary,
                                  casebook.vocabularies)
        with stopwatch.stage("检索索引"):
            print(build_index(casebook.cases, release / INDEX, terms, previous / INDEX if previous else None))
        with stopwatch.stage("相关案例"):
            related = related_cases(release / INDEX)
        _show_mkdocs_warnings()
        with stopwatch.stage("MkDocs 生成"):
            _build_sites(configs, release / "site", _SiteInputs(casebook, related, stopwatch))
        # The plugin's own stages ran inside MkDocs' build; count them once.
        stopwatch.stages["MkDocs 生成"] -= stopwatch.stages["页面规划和渲染"] + stopwatch.stages["静态检索索引"]
    except MkDocsException as error:
        raise BuildFailed(f"网站生成失败，已发布的网站保持不变：{error}") from None
    with stopwatch.stage("发布前检查"):
        write_nginx_snippet(release, plugin.config.frame_ancestors)
        problems = verify_release(release, casebook, list(languages))
    if problems:
        raise BuildFailed("网站生成后检查未通过，已发布的网站保持不变：\n" + "\n".join(problems))


@dataclass(frozen=True)
class _SiteInputs:
    """What every language's build takes from the one check and index of the records."""

    casebook: Casebook
    related: dict[str, list[str]]
    stopwatch: Stopwatch


def _build_sites(configs: dict[str, MkDocsConfig], site: Path, inputs: _SiteInputs) -> None:
    """The Chinese site into ``site``, each other language into its folder inside it.

    The other languages build in child processes while this one builds Chinese: MkDocs is single
    threaded, and two cores build two languages in the time of one. Each builds beside ``site``
    first, because building a site empties its folder.
    """
    others = {code: site.with_name(f"{site.name}.{code}") for code in configs if code != SOURCE}
    parallel = _CAN_FORK and (os.cpu_count() or 1) > 1
    children = {code: _start_child(configs[code], folder, inputs) for code, folder in others.items()} if parallel else {}
    try:
        _build_one(configs[SOURCE], site, inputs)
        for code, folder in others.items():
            if code in children:
                _wait_for_child(*children.pop(code))
            else:
                _build_one(configs[code], folder, inputs)
            folder.rename(site / language(code).prefix)
    finally:
        for process, _ in children.values():
            process.kill()


def _build_one(config: MkDocsConfig, folder: Path, inputs: _SiteInputs) -> None:
    config["site_dir"] = str(folder)
    plugin = config.plugins["casebook"]
    plugin.casebook, plugin.related, plugin.stopwatch = inputs.casebook, inputs.related, inputs.stopwatch
    mkdocs_build(config)


_CAN_FORK = "fork" in multiprocessing.get_all_start_methods()


def _start_child(config: MkDocsConfig, folder: Path, inputs: _SiteInputs):
    """A forked process building one language; it shares the parent's records and index as they are."""
    receiving, sending = multiprocessing.get_context("fork").Pipe(duplex=False)
    process = multiprocessing.get_context("fork").Process(target=_child, args=(config, folder, inputs, sending),
                                                          daemon=True)
    process.start()
    sending.close()
    return process, receiving


def _child(config: MkDocsConfig, folder: Path, inputs: _SiteInputs, sending) -> None:
    try:
        _build_one(config, folder, replace(inputs, stopwatch=Stopwatch()))
        sending.send(None)
    except MkDocsException as error:
        sending.send(("mkdocs", str(error)))
    except BaseException:  # noqa: BLE001 - whatever stopped the child is reported by the parent
        sending.send(("crash", traceback.format_exc()))


def _wait_for_child(process, receiving) -> None:
    try:
        failure = receiving.recv()
    except EOFError:
        failure = ("crash", f"生成进程意外退出（退出码 {process.exitcode}）")
    process.join()
    if failure is None:
        return
    kind, message = failure
    if kind == "mkdocs":
        raise MkDocsException(message)
    raise RuntimeError(message)


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
