"""The one place that knows MkDocs: hands the rendered pages to it as in-memory files, keeps
their conversions between builds, and writes pages again for the preview."""

from __future__ import annotations

import html
import json
import os
import posixpath
import re
from datetime import date
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader
# MkDocs' own steps for one page, to write a page again as a build would. Private names, but
# MkDocs is pinned below its next major version and frozen upstream.
from mkdocs.commands.build import _build_page, _populate_page
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents, get_toc

from .cache import current
from .feeds import feed_files
from .language import LANGUAGE_CODES, SOURCE, Language, language, theme_globals
from .opendata import data_files
from .plan import plan_pages, shows_any
from .problems import ProblemsFound
from .records import Casebook, load_casebook
from .render import RenderedPage, page_environment, render_pages, sanitised_page
from .searchterms import load_search_terms
from .static_search import FOLDER as STATIC_FOLDER
from .static_search import write_static_index
from .stopwatch import Stopwatch
from .verify import PagesWritten


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
    """Related cases by case id, which ``casebook build`` computes from the records first."""
    stopwatch: Stopwatch | None = None
    """Where ``casebook build`` wants the plugin's stages timed."""

    def __init__(self) -> None:
        self.generated: dict[str, RenderedPage] = {}
        """Every generated page by its source path."""
        self._built: tuple[MkDocsConfig, Files, Navigation] | None = None
        """MkDocs' own view of the latest build, to build pages of it again (``rebuild_pages``)."""
        self.written = PagesWritten()
        """What the pages written link to and run inline, for the release's check and headers."""

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        self.written = PagesWritten()
        self.casebook = self.casebook or self._load(_beside_config(config, self.config.cases))
        self.stopwatch = self.stopwatch or Stopwatch()
        with self.stopwatch.stage("页面规划和渲染"):
            self._page_templates = page_environment(self.language, self.casebook.vocabularies)
            self.generated = {page.uri: page for page in render_pages(self._plan(config), self._page_templates)}
            titles, setup = _nav_titles(config.nav), _markdown_setup(config)
            for page in self.generated.values():
                file = self._page_file(page, config)
                files.append(file)
                _KeptPage(titles.get(page.uri), file, config, setup)
            for path, content in self._data_files(config).items():
                files.append(File.generated(config, path, content=content))
            for case_id, images in self.casebook.images.items():
                for image in images:  # beside the case page, where its text refers to them
                    files.append(File.generated(config, f"cases/{case_id}/{image.name}", abs_src_path=str(image)))
        return files

    def _plan(self, config: MkDocsConfig) -> list:
        return plan_pages(self.casebook, self.related, self._guides(config), date.today())

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        self._built = (config, files, nav)
        return nav

    def rebuild_pages(self, casebook: Casebook, case_ids: set[str]) -> None:
        """Write again, into the site this plugin built last, the generated pages that show these
        cases and now read differently with ``casebook``: how the preview shows edited cases at
        once. Everything else stays as it was until the next whole build: the search indexes,
        open data and feeds, and pages the edit adds (a case's first browse value of its kind)."""
        config, files, nav = self._built
        self.casebook = casebook
        showing = [page for page in self._plan(config) if page.uri in self.generated and shows_any(page, case_ids)]
        included = files.documentation_pages(inclusion=InclusionLevel.is_included)
        changed = [page for page in render_pages(showing, self._page_templates)
                   if page.shown != self.generated[page.uri].shown]
        for page in changed:
            self.generated[page.uri] = page
            file = files.get_file_from_path(page.uri)
            file.content_string = page.skeleton
            _populate_page(file.page, config, files)
            _build_page(file.page, config, included, nav, self._theme_templates)

    def _page_file(self, page: RenderedPage, config: MkDocsConfig) -> File:
        # Generated pages never warn for being left out of the nav: most of them are meant to be.
        file = File.generated(config, page.uri, content=page.skeleton, inclusion=InclusionLevel.NOT_IN_NAV)
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

    def on_env(self, env: Environment, config: MkDocsConfig, files: Files) -> Environment:
        """The theme's own words in this build's language, and the same page in the other languages."""
        env.globals.update(theme_globals(self.language, config.site_url, self.config.languages))
        _share_nav(env, self._built[2])
        self._theme_templates = env
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
        generated = self.generated.get(page.file.src_uri)
        return sanitised_page(generated.filled(content)) if generated else content

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        self.written.add(output, self.language.prefix + page.file.dest_uri)
        return output

    def on_post_template(self, output_content: str, template_name: str, config: MkDocsConfig) -> str:
        self.written.add(output_content, self.language.prefix + template_name)
        return output_content

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


def _share_nav(env: Environment, nav: Navigation) -> None:
    """What the theme's partials/nav.html needs to draw the navigation once for all the pages
    outside it in one folder: the theme's own template under ``material/``, and a memory."""
    env.loader = ChoiceLoader([env.loader, PrefixLoader({"material": PackageLoader("material", "templates")})])
    in_nav = {page.url for page in nav.pages}
    drawn: dict[str, str] = {}

    def remember(folder: str, html: str) -> str:
        drawn[folder] = html
        return html

    env.globals.update(shared_navs=drawn, remember_nav=remember,
                       shared_nav_folder=lambda page: _nav_folder(page, in_nav))


def _nav_folder(page: Page | None, in_nav: set[str]) -> str | None:
    """The folder whose pages share this page's navigation; None when it is drawn for it alone."""
    return None if page is None or page.url in in_nav else posixpath.dirname(page.url.rstrip("/"))


class _KeptPage(Page):
    """A generated page that takes the HTML of its Markdown from an earlier build when it can.

    Converting Markdown is most of MkDocs' time and most pages are as they were; links in kept
    HTML are checked again on the built site (``verify``).
    """

    def __init__(self, title: str | None, file: File, config: MkDocsConfig, markdown_setup: str):
        super().__init__(title, file, config)
        self._markdown_setup = markdown_setup

    def render(self, config: MkDocsConfig, files: Files) -> None:
        inputs = (self.file.src_uri, self.markdown, self._markdown_setup)
        content, toc, title, anchors, links = current().get("page", inputs, lambda: self._converted(config, files))
        self.content, self.toc, self._title_from_render = content, get_toc(toc), title
        self.present_anchor_ids = set(anchors)
        self.links_to_anchors = {target: found for uri, found in links.items()
                                 if (target := files.get_file_from_path(uri)) is not None}

    def _converted(self, config: MkDocsConfig, files: Files) -> tuple:
        super().render(config, files)
        links = {file.src_uri: found for file, found in (self.links_to_anchors or {}).items()}
        return self.content, _toc_tokens(self.toc), self._title_from_render, sorted(self.present_anchor_ids), links


def _toc_tokens(toc: TableOfContents | list) -> list[dict]:
    """A table of contents as the tokens MkDocs made it from."""
    return [{"level": item.level, "id": item.id, "name": item.title, "children": _toc_tokens(item.children)}
            for item in toc]


def _markdown_setup(config: MkDocsConfig) -> str:
    """The Markdown extensions and their settings, the same from one run to the next; once per
    build, not once per page."""
    setup = json.dumps([config.markdown_extensions, config.mdx_configs], sort_keys=True, default=repr)
    return _ADDRESS.sub("", setup)  # settings may hold functions, whose repr has an address


_ADDRESS = re.compile(r" at 0x[0-9a-f]+")


def _nav_titles(nav: list | dict | str | None) -> dict[str, str]:
    """The title the configuration's nav gives each page, by its source path."""
    titles: dict[str, str] = {}
    for item in nav if isinstance(nav, list) else [nav] if nav else []:
        for title, value in item.items() if isinstance(item, dict) else []:
            if isinstance(value, str):
                titles[value] = title
            else:
                titles |= _nav_titles(value)
    return titles


def _beside_config(config: MkDocsConfig, relative: str) -> Path:
    return Path(config.config_file_path).parent / relative
