"""第十四条: one rebuild after revoking a case removes it everywhere, and its address shows the notice."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from casebook.build import build_site
from casebook.fulltext import FulltextIndex

ROOT = Path(__file__).parent.parent
REVOKED = "SC-2021-003"
NOTICE = "川经信质量〔2026〕示例099号"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    cases = tmp_path_factory.mktemp("revocation") / "cases"
    shutil.copytree(ROOT / "cases", cases, ignore=shutil.ignore_patterns("README.md"))
    record = cases / "2021" / f"{REVOKED}.yaml"
    text = record.read_text(encoding="utf-8").replace("  status: 已认定", "  status: 已撤销")
    text = text.replace("\nsharing:", f"""
  revocation:
    date: 2026-06-01
    reason: 重大安全事故
    notice: {{number: {NOTICE}, date: 2026-06-01}}
    note: 发生重大安全责任事故
sharing:""", 1)
    record.write_text(text, encoding="utf-8")
    return build_site(cases, cases.parent / "out", ROOT / "mkdocs.yml")


def test_its_address_shows_the_revocation_notice(site):
    html = (site / "cases" / REVOKED / "index.html").read_text(encoding="utf-8")
    assert "已撤销" in html and NOTICE in html and "重大安全事故" in html
    assert 'id="summary"' not in html
    assert f'href="../cases/{REVOKED}/"' in (site / "revocations" / "index.html").read_text(encoding="utf-8")


def test_no_other_page_links_to_it_or_counts_it(site):
    linking = [page.relative_to(site).as_posix() for page in site.rglob("*.html")
               if f"{REVOKED}/" in page.read_text(encoding="utf-8")
               and page.parent.name not in (REVOKED, "revocations")]
    assert linking == []
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "目前收录 <strong>22</strong> 条典型经验" in home  # 24 records, 2 of them now revoked


def test_it_is_in_no_data_file_feed_or_sitemap(site):
    data = [*(site / "api").glob("*.json"), *(site / "years").glob("*.*"), *(site / "feeds").glob("*.xml"),
            site / "sitemap.xml"]
    found = [path.name for path in data if REVOKED in path.read_text(encoding="utf-8-sig")]
    assert len(data) > 10 and found == ["atom.xml", "rss.xml"]  # only as the news of its revocation
    feed = (site / "feeds" / "atom.xml").read_text(encoding="utf-8")
    assert feed.count(REVOKED) == 2 and f"#revoked/{REVOKED}" in feed and f"#recognised/{REVOKED}" not in feed


def test_neither_search_index_finds_it(site):
    rows = [row for path in (site / "search-index" / "docs").glob("*.json")
            for row in json.loads(path.read_text(encoding="utf-8"))]
    assert REVOKED not in [row[0] for row in rows] and len(rows) == 22
    index = FulltextIndex(site.resolve().parent / "index")
    assert index.document_count == 22
    assert REVOKED not in [hit.id for hit in index.search("三江醇酒业").hits]
    assert not any(re.fullmatch(REVOKED, text) for text in index.contents())
