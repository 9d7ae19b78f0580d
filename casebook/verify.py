"""Checks on a built release before it is published: nothing missing, nothing broken."""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from .fulltext import FulltextIndex
from .headers import InlineCode
from .language import language
from .model import is_listed
from .records import Casebook
from .static_search import FOLDER as STATIC_FOLDER

# Text never holds a raw "<", so this finds only real tags: those with a link.
_TAG = re.compile(r"<[a-zA-Z][^>]*\s(?:href|src)=[^>]*>")
_LINK = re.compile(r'\s(?:href|src)="([^"]*)"')


SiteLinks = dict[str, tuple[str, str]]
"""What the links of a site's pages point at, each with the first page and link that does.

A target is a path in the site; one ending in "/" (or empty) is a folder, whose index.html the
link opens; another may be a folder too, linked without its slash.
"""


@dataclass
class PagesWritten:
    """What the release needs to know of the pages a build wrote, gathered from the HTML in hand as
    each is written (reading ten thousand pages back took seconds, on one core)."""

    links: SiteLinks = field(default_factory=dict)
    inline: InlineCode = field(default_factory=InlineCode)

    def add(self, html: str, page: str) -> None:
        """The page written at ``page``, a path in the site."""
        for target, link in page_links(html, page).items():
            self.links.setdefault(target, (page, link))
        self.inline.add_page(html)

    def __or__(self, later: PagesWritten) -> PagesWritten:
        """Both; each target is shown with the link that pointed at it first."""
        return PagesWritten(later.links | self.links, self.inline | later.inline)


def verify_release(release: Path, casebook: Casebook, languages: tuple[str, ...], links: SiteLinks) -> list[str]:
    """Every problem found, in Chinese; an empty list means the release may be published.

    ``languages`` are the codes of the languages built; each has all case pages and its own
    static search index in its folder of the site. ``links`` are those of the pages as they
    were written (``PagesWritten``).
    """
    site = release / "site"
    problems = []
    for code in languages:
        prefix = language(code).prefix
        problems += _case_page_problems(site, casebook, prefix) + _static_search_problems(site / prefix, casebook)
    return problems + _index_problems(release, casebook) + _link_problems(site, links)


def _case_page_problems(site: Path, casebook: Casebook, prefix: str) -> list[str]:
    expected = {case.id for case in casebook.cases}
    built = {page.parent.name for page in (site / prefix).glob("cases/*/index.html")}
    problems = [f"缺少案例页 /{prefix}cases/{case_id}/" for case_id in sorted(expected - built)]
    problems += [f"多出了没有记录的案例页 /{prefix}cases/{case_id}/" for case_id in sorted(built - expected)]
    return problems


def _static_search_problems(site: Path, casebook: Casebook) -> list[str]:
    folder = site / STATIC_FOLDER
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        # Their sizes, not their contents: reading thousands of shards back took seconds.
        sizes = [(folder / "shards" / f"{n}.json").stat().st_size for n in range(meta["shards"])]
    except (OSError, ValueError, KeyError) as error:
        return [f"静态检索索引 {folder.relative_to(site)} 无法读取：{error}"]
    expected = sum(1 for case in casebook.cases if is_listed(case))
    problems = [] if meta["documents"] == expected else [f"静态检索索引中有 {meta['documents']} 条案例，应为 {expected} 条"]
    return problems + ([] if any(size > len("{}") for size in sizes) else ["静态检索索引是空的"])


def _index_problems(release: Path, casebook: Casebook) -> list[str]:
    expected = sum(1 for case in casebook.cases if is_listed(case))
    try:
        count = FulltextIndex(release / "index").document_count
    except Exception as error:  # noqa: BLE001 - any failure to open it is the finding
        return [f"检索索引无法打开：{error}"]
    return [] if count == expected else [f"检索索引中有 {count} 条案例，应为 {expected} 条"]


def page_links(html: str, page: str) -> dict[str, str]:
    """The targets in the site (``SiteLinks``) of the links of a page at ``page``, each with its
    link as written; links to other sites, and to a place in the page itself, are not there."""
    found: dict[str, str] = {}
    folder = posixpath.dirname(page)
    for tag in _TAG.findall(html):
        for link in _LINK.findall(tag):
            target = _link_target(folder, link)
            if target is not None:
                found.setdefault(target, link)
    return found


def pages_in_site(site: Path) -> PagesWritten:
    """What the HTML pages of a built site hold, read from their files."""
    written = PagesWritten()
    for path in sorted(site.rglob("*.html")):
        written.add(path.read_text(encoding="utf-8"), path.relative_to(site).as_posix())
    return written


def _link_target(folder: str, link: str) -> str | None:
    path = unquote(link.partition("#")[0].partition("?")[0])
    if not path or _OTHER_SITE.match(path):
        return None
    joined = posixpath.normpath(posixpath.join("/" + folder, path)).lstrip("/")
    return joined + "/" if joined and path.endswith("/") else joined


_OTHER_SITE = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:|//")  # a scheme, or an address without one


def _link_problems(site: Path, links: SiteLinks) -> list[str]:
    files = {path.relative_to(site).as_posix() for path in site.rglob("*") if path.is_file()}
    folders = {folder.as_posix() for name in files for folder in PurePosixPath(name).parents}
    problems = []
    for target, (page, link) in links.items():
        opened = posixpath.join(target, "index.html") if not target or target.endswith("/") or target in folders \
            else target
        if opened not in files:
            problems.append(f"/{page} 中的链接 {link} 指向不存在的文件")
    return sorted(problems)
