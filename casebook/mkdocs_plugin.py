"""The one place that knows MkDocs: hands the rendered pages to it as in-memory files."""

from __future__ import annotations

import html
import os
from datetime import date
from pathlib import Path

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from .feeds import feed_files
from .language import LANGUAGE_CODES, SOURCE, Language, language, theme_globals
from .opendata import data_files
from .plan import plan_pages
from .problems import ProblemsFound
from .records import Casebook, load_casebook
from .render import RenderedPage, page_environment, render_pages, sanitised_page
from .searchterms import load_search_terms
from .static_search import FOLDER as STATIC_FOLDER
from .static_search import write_static_index
from .stopwatch import Stopwatch


class CasebookConfig(Config):
    cases = config_options.Type(str, default="cases")
    language = config_options.Choice(LANGUAGE_CODES, default=SOURCE)
    """The language of this build; each language is one build, into its own folder of the site."""
    languages = config_options.ListOfItems(config_options.Choice(LANGUAGE_CODES), default=[SOURCE])
    """Every language of the site; each but Chinese has its configuration ``mkdocs.<code>.yml``."""
    guides = config_options.Type(str, default="content/guides")
    search_vocabulary = config_options.Type(str, default="search")
    frame_ancestors = config_options.ListOfItems(config_options.Type(str), default=["'self'"])
    """Who may show the site in a frame (Content-Security-Policy frame-ancestors), e.g. the portal."""


class CasebookPlugin(BasePlugin[CasebookConfig]):
    casebook: Casebook | None = None
    """Set by ``casebook build``, which has loaded the records already; otherwise loaded here."""
    related: dict[str, list[str]] | None = None
    """Related cases by case id, from the search index that ``casebook build`` builds first."""
    stopwatch: Stopwatch | None = None
    """Where ``casebook build`` wants the plugin's stages timed."""

    def __init__(self) -> None:
        self.generated: dict[str, RenderedPage] = {}
        """Every generated page by its source path."""

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        self.casebook = self.casebook or self._load(_beside_config(config, self.config.cases))
        self.stopwatch = self.stopwatch or Stopwatch()
        with self.stopwatch.stage("页面规划和渲染"):
            pages = plan_pages(self.casebook, self.related, self._guides(config), date.today())
            self.generated = {page.uri: page for page in render_pages(pages, page_environment(
                self.language, self.casebook.vocabularies))}
            for page in self.generated.values():
                files.append(self._page_file(page, config))
            for path, content in self._data_files(config).items():
                files.append(File.generated(config, path, content=content))
            for case_id, images in self.casebook.images.items():
                for image in images:  # beside the case page, where its text refers to them
                    files.append(File.generated(config, f"cases/{case_id}/{image.name}", abs_src_path=str(image)))
        return files

    def _page_file(self, page: RenderedPage, config: MkDocsConfig) -> File:
        # Generated pages never warn for being left out of the nav: most of them are meant to be.
        file = File.generated(config, page.uri, content=page.markdown, inclusion=InclusionLevel.NOT_IN_NAV)
        file.edit_uri = self._record_edit_uri(page, config)
        return file

    def _record_edit_uri(self, page: RenderedPage, config: MkDocsConfig) -> str | None:
        """A case page is edited in its record: the path MkDocs joins to repo_url and edit_uri."""
        case = page.planned.context.get("case")
        if case is None:
            return None
        record = _beside_config(config, self.config.cases) / str(case.year) / f"{case.id}.yaml"
        return Path(os.path.relpath(record, config.docs_dir)).as_posix()

    @property
    def language(self) -> Language:
        return language(self.config.language)

    def _data_files(self, config: MkDocsConfig) -> dict[str, str]:
        """Feeds and open data, once per site: the Chinese build has them, other languages link there."""
        if not self.language.is_source:
            return {}
        generated_files = data_files(self.casebook.cases)
        if config.site_url:  # feeds need absolute addresses
            generated_files |= feed_files(self.casebook.cases, self.casebook.promotion.events, config.site_url)
        return generated_files

    def on_env(self, env, config: MkDocsConfig, files: Files):
        """The theme's own words in this build's language, and the same page in the other languages."""
        env.globals.update(theme_globals(self.language, config.site_url, self.config.languages))
        return env

    def on_page_markdown(self, markdown: str, page: Page, **_) -> str:
        generated = self.generated.get(page.file.src_uri)
        if generated:
            if generated.description:
                # The theme prints the description into an attribute without escaping it.
                page.meta["description"] = html.escape(generated.description)
            page.meta["unlisted"] = not generated.planned.listed
            page.meta["updated"] = generated.planned.updated
        return markdown

    def on_page_content(self, content: str, page: Page, **_) -> str:
        return sanitised_page(content) if page.file.src_uri in self.generated else content

    def on_post_build(self, config: MkDocsConfig) -> None:
        with self.stopwatch.stage("静态检索索引"):
            terms = load_search_terms(_beside_config(config, self.config.search_vocabulary), self.casebook.vocabularies)
            write_static_index(self.casebook.cases, terms, Path(config.site_dir) / STATIC_FOLDER, self.language,
                               self.casebook.vocabularies)

    @staticmethod
    def _load(folder: Path) -> Casebook:
        try:
            return load_casebook(folder)
        except ProblemsFound as found:
            raise PluginError("案例记录有问题：\n" + found.report()) from None

    def _guides(self, config: MkDocsConfig) -> dict[str, str]:
        """Hand-written method explanations, content/guides/<slug>.md, by the method's slug."""
        folder = _beside_config(config, self.config.guides)
        return {path.stem: path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.md"))}


def _beside_config(config: MkDocsConfig, relative: str) -> Path:
    return Path(config.config_file_path).parent / relative
