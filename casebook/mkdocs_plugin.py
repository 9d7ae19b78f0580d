"""The one place that knows MkDocs: hands the rendered pages to it as in-memory files."""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel

from .plan import plan_pages
from .problems import ProblemsFound
from .records import Casebook, load_casebook
from .render import render_pages


class CasebookConfig(Config):
    cases = config_options.Type(str, default="cases")


class CasebookPlugin(BasePlugin[CasebookConfig]):
    casebook: Casebook | None = None
    """Set by ``casebook build``, which has loaded the records already; otherwise loaded here."""

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        # jieba (used by the theme's search) reports its dictionary loading at DEBUG on stderr.
        logging.getLogger("jieba").setLevel(logging.WARNING)
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        casebook = self.casebook or self._load(Path(config.config_file_path).parent / self.config.cases)
        for page in render_pages(plan_pages(casebook)):
            # Generated pages never warn for being left out of the nav: most of them are meant to be.
            files.append(File.generated(config, page.uri, content=page.markdown, inclusion=InclusionLevel.NOT_IN_NAV))
        return files

    @staticmethod
    def _load(folder: Path) -> Casebook:
        try:
            return load_casebook(folder)
        except ProblemsFound as found:
            raise PluginError("案例记录有问题：\n" + found.report()) from None
