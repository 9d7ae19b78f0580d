"""``casebook build``: check the records, build a release, verify it, then publish it in one switch."""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException

from . import cache
from .fulltext import IndexChanges, build_index
from .headers import write_nginx_snippet
from .language import SOURCE, language
from .mkdocs_plugin import CasebookPlugin
from .publish import Output
from .records import Casebook, load_casebook
from .related import related_cases
from .searchterms import SearchTerms, load_search_terms
from .stopwatch import Stopwatch
from .tokens import Segmenter
from .verify import PagesWritten, verify_release


INDEX = "index"
CACHE = "cache"


class BuildFailed(Exception):
    """The site could not be built; the published site is untouched."""


def build_site(cases: Path, out: Path, config_file: Path = Path("mkdocs.yml"), stopwatch: Stopwatch | None = None,
               built: Callable[[Casebook, list[CasebookPlugin]], None] | None = None) -> Path:
    """Build into a new release under ``out`` and publish it; returns the live ``OUT/site``.

    With ``built`` (the preview), every language builds in this process, and once published,
    ``built`` is given the records and each language's plugin, which can write a page again.
    """
    stopwatch = stopwatch or Stopwatch()
    # This process builds the Chinese site: its cache keeps the checked records too.
    with stopwatch.stage("检查记录"), cache.kept_in(cache.language_file(out / CACHE, SOURCE), save=False):
        casebook = load_casebook(cases)
    output = Output(out)
    with output.locked():
        release = output.new_release()
        previous = output.active_release()
        try:
            plugins = _build_release(casebook, release, config_file, previous, stopwatch, out / CACHE,
                                     in_process=built is not None)
        except BaseException:
            output.discard(release)
            raise
        output.publish(release)
    if built is not None:
        built(casebook, plugins)
    return output.site


def rollback(out: Path) -> Path:
    """Publish the previous release again; returns it."""
    output = Output(out)
    with output.locked():
        return output.rollback()


def _build_release(casebook: Casebook, release: Path, config_file: Path, previous: Path | None,
                   stopwatch: Stopwatch, kept: Path, in_process: bool) -> list[CasebookPlugin]:
    try:
        configs = load_language_configs(config_file)
        plugin = configs[SOURCE].plugins["casebook"]
        terms = load_search_terms(Path(configs[SOURCE].config_file_path).parent / plugin.config.search_vocabulary,
                                  casebook.vocabularies)
        # The pages need nothing from the search index: a child process writes it meanwhile.
        indexing = _Work(lambda: _build_index(casebook, release / INDEX, terms, previous, kept))
        try:
            # This process builds the Chinese site: its cache keeps the key terms too.
            with stopwatch.stage("相关案例"), cache.kept_in(cache.language_file(kept, SOURCE), save=False):
                related = related_cases(casebook.cases, Segmenter(terms))
            _show_mkdocs_warnings()
            with stopwatch.stage("MkDocs 生成"):
                written = _build_sites(configs, release / "site", _SiteInputs(casebook, related, stopwatch, kept),
                                       in_process)
            with stopwatch.stage("检索索引（生成网站之后还要等的时间）"):
                print(indexing.result())
        finally:
            indexing.stop()
        # The plugin's own stages ran inside MkDocs' build; count them once.
        stopwatch.stages["MkDocs 生成"] -= stopwatch.stages["页面规划和渲染"] + stopwatch.stages["静态检索索引"]
    except MkDocsException as error:
        raise BuildFailed(f"网站生成失败，已发布的网站保持不变：{error}") from None
    with stopwatch.stage("发布前检查"):
        write_nginx_snippet(release, plugin.config.frame_ancestors, written.inline)
        problems = verify_release(release, casebook, tuple(configs), written.links)
    if problems:
        raise BuildFailed("网站生成后检查未通过，已发布的网站保持不变：\n" + "\n".join(problems))
    return [config.plugins["casebook"] for config in configs.values()]


@dataclass(frozen=True)
class _SiteInputs:
    """What every language's build takes from the one check and index of the records."""

    casebook: Casebook
    related: dict[str, list[str]]
    stopwatch: Stopwatch
    kept: Path | None = None
    """Where each language keeps its work for the next build (``cache``)."""


def _build_sites(configs: dict[str, MkDocsConfig], site: Path, inputs: _SiteInputs,
                 in_process: bool = False) -> PagesWritten:
    """The Chinese site into ``site``, each other language into its folder inside it; returns
    what all their pages link to and run inline.

    Unless ``in_process``, the other languages build in child processes while this one builds
    Chinese: MkDocs is single threaded. Each builds beside ``site`` first, because building a
    site empties its folder.
    """
    if in_process:
        written = PagesWritten()
        for code, config in configs.items():
            written |= _build_one(config, site / language(code).prefix, inputs)
        return written
    others = {code: site.with_name(f"{site.name}.{code}") for code in configs if code != SOURCE}
    builds = {code: _Work(lambda code=code, folder=folder: _build_one(configs[code], folder,
                                                                       replace(inputs, stopwatch=Stopwatch())))
              for code, folder in others.items()}
    try:
        written = _build_one(configs[SOURCE], site, inputs)
        for code, folder in others.items():
            written |= builds[code].result()
            folder.rename(site / language(code).prefix)
    finally:
        for build in builds.values():
            build.stop()
    return written


def _build_one(config: MkDocsConfig, folder: Path, inputs: _SiteInputs) -> PagesWritten:
    config["site_dir"] = str(folder)
    plugin = config.plugins["casebook"]
    plugin.casebook, plugin.related, plugin.stopwatch = inputs.casebook, inputs.related, inputs.stopwatch
    if inputs.kept is None:
        mkdocs_build(config)
    else:
        with cache.kept_in(cache.language_file(inputs.kept, plugin.config.language)):
            mkdocs_build(config)
    return plugin.written


def _build_index(casebook: Casebook, index: Path, terms: SearchTerms, previous: Path | None, kept: Path) -> IndexChanges:
    # The texts are those of the Chinese site: its cache has them as HTML already.
    with cache.kept_in(cache.language_file(kept, SOURCE), save=False):
        return build_index(casebook.cases, index, terms, previous / INDEX if previous else None)


class _Work:
    """Work done in a forked child process, which shares this one's records and settings as they
    are; done here, when asked for its result, where there is no fork or only one core."""

    _PARALLEL = "fork" in multiprocessing.get_all_start_methods() and (os.cpu_count() or 1) > 1

    def __init__(self, work: Callable[[], Any]):
        self._work, self._process = work, None
        if self._PARALLEL:
            context = multiprocessing.get_context("fork")
            self._receiving, sending = context.Pipe(duplex=False)
            # Not a daemon: the index writer starts processes of its own.
            self._process = context.Process(target=_report_to, args=(work, sending))
            self._process.start()
            sending.close()

    def result(self) -> Any:
        if self._process is None:
            return self._work()
        try:
            kind, value = self._receiving.recv()
        except EOFError:
            kind, value = "crash", f"子进程意外退出（退出码 {self._process.exitcode}）"
        self._process.join()
        if kind == "mkdocs":
            raise MkDocsException(value)
        if kind == "crash":
            raise RuntimeError(value)
        return value

    def stop(self) -> None:
        if self._process is not None and self._process.is_alive():
            self._process.kill()
            self._process.join()


def _report_to(work: Callable[[], Any], sending) -> None:
    _end_with_parent()
    try:
        sending.send(("done", work()))
    except MkDocsException as error:
        sending.send(("mkdocs", str(error)))
    except BaseException:  # noqa: BLE001 - whatever stopped the child is reported by the parent
        sending.send(("crash", traceback.format_exc()))


def _end_with_parent() -> None:
    """A build killed outright must not leave its children writing into the discarded release."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


PR_SET_PDEATHSIG = 1


def load_language_configs(config_file: Path) -> dict[str, MkDocsConfig]:
    """The configuration of each of the site's languages, Chinese first: ``mkdocs.yml``, and for
    each other language it names, ``mkdocs.<code>.yml`` beside it, which inherits it."""
    configs = {SOURCE: load_config(str(config_file), strict=True)}
    for code in configs[SOURCE].plugins["casebook"].config.languages:
        path = config_file.with_name(f"{config_file.stem}.{code}{config_file.suffix}")
        if code in configs:
            continue
        if not path.is_file():
            raise BuildFailed(f"{config_file.name} 中的 languages 包括 {code}，但缺少它的配置文件 {path.name}")
        configs[code] = load_config(str(path), strict=True)
    return configs


def _show_mkdocs_warnings() -> None:
    logger = logging.getLogger("mkdocs")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s - %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING)
