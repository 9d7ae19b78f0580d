"""Checks on a built release before it is published: nothing missing, nothing broken."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from .fulltext import FulltextIndex
from .language import SOURCE, language
from .plan import is_listed
from .records import Casebook
from .static_search import FOLDER as STATIC_FOLDER

_TAG = re.compile(r"<[a-zA-Z][^>]*>")  # text never holds a raw "<", so this finds only real tags
_LINK = re.compile(r'\s(?:href|src)="([^"]*)"')


def verify_release(release: Path, casebook: Casebook, languages: tuple[str, ...] = (SOURCE,)) -> list[str]:
    """Every problem found, in Chinese; an empty list means the release may be published.

    ``languages`` are the codes of the languages built; each has all case pages and its own
    static search index in its folder of the site.
    """
    site = release / "site"
    problems = []
    for code in languages:
        prefix = language(code).prefix
        problems += _case_page_problems(site, casebook, prefix) + _static_search_problems(site / prefix, casebook)
    return problems + _index_problems(release, casebook) + _link_problems(site)


def _case_page_problems(site: Path, casebook: Casebook, prefix: str) -> list[str]:
    expected = {case.id for case in casebook.cases}
    built = {page.parent.name for page in (site / prefix).glob("cases/*/index.html")}
    problems = [f"缺少案例页 /{prefix}cases/{case_id}/" for case_id in sorted(expected - built)]
    problems += [f"多出了没有记录的案例页 /{prefix}cases/{case_id}/" for case_id in sorted(built - expected)]
    return problems


def _static_search_problems(site: Path, casebook: Casebook) -> list[str]:
    meta_path = site / STATIC_FOLDER / "meta.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        shards = [json.loads((site / STATIC_FOLDER / "shards" / f"{n}.json").read_text(encoding="utf-8"))
                  for n in range(meta["shards"])]
    except (OSError, ValueError, KeyError) as error:
        return [f"静态检索索引 {meta_path.relative_to(site).parent} 无法读取：{error}"]
    expected = sum(1 for case in casebook.cases if is_listed(case))
    problems = [] if meta["documents"] == expected else [f"静态检索索引中有 {meta['documents']} 条案例，应为 {expected} 条"]
    return problems + ([] if any(shards) else ["静态检索索引是空的"])


def _index_problems(release: Path, casebook: Casebook) -> list[str]:
    expected = sum(1 for case in casebook.cases if is_listed(case))
    try:
        count = FulltextIndex(release / "index").document_count
    except Exception as error:  # noqa: BLE001 - any failure to open it is the finding
        return [f"检索索引无法打开：{error}"]
    return [] if count == expected else [f"检索索引中有 {count} 条案例，应为 {expected} 条"]


def _link_problems(site: Path) -> list[str]:
    problems = []
    for page in sorted(site.rglob("*.html")):
        address = "/" + page.relative_to(site).as_posix()
        tags = _TAG.findall(page.read_text(encoding="utf-8"))
        for link in {link for tag in tags for link in _LINK.findall(tag)}:
            target = _local_target(site, address, link)
            if target is not None and not target.is_file():
                problems.append(f"{address} 中的链接 {link} 指向不存在的文件")
    return problems


def _local_target(site: Path, address: str, link: str) -> Path | None:
    """The file a relative link on this site points at, or None for any other kind of link."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    path = unquote(urlsplit(urljoin(address, parts.path)).path)
    target = site / path.lstrip("/")
    return target / "index.html" if path.endswith("/") or target.is_dir() else target
