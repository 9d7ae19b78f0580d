"""Hostile enterprise text in every field of a record, loaded page by page in headless Chromium.

Record k carries payload k in every text field it has (single-line fields get it on one line, the
unit field its first 20 characters). Every payload calls ``alert`` if it ever runs.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import sync_playwright
from support import launch_chromium, serve_folder

from casebook.build import build_site

ROOT = Path(__file__).parent.parent
VOCABULARIES = ROOT / "tests" / "fixtures" / "casebook" / "vocabularies"

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "<svg onload=alert(3)>",
    "<body onload=alert(4)>",
    '<iframe src="javascript:alert(5)"></iframe>',
    "[点我](javascript:alert(6))",
    "[点我](JaVaScRiPt:alert(7))",
    "[点我](java&#115;cript:alert(8))",
    "[点我](&#106;avascript:alert(9))",
    "[点我](javascript&colon;alert(10))",
    "[点我](data:text/html;base64,PHNjcmlwdD5hbGVydCgxMSk8L3NjcmlwdD4=)",
    "[点我]( javascript:alert(12))",
    "<javascript:alert(13)>",
    "![图](javascript:alert(14))",
    '![图](x" onerror="alert(15))',
    '{: onclick="alert(16)" }',
    "文字 {: onmouseover=alert(17) }",
    "</title><script>alert(18)</script>",
    "&lt;/title&gt;&lt;script&gt;alert(19)&lt;/script&gt;",
    "&#60;script&#62;alert(20)&#60;/script&#62;",
    "# 注入标题 <script>alert(21)</script>",
    '!!! danger "注入"\n    <script>alert(22)</script>',
    "| a | b |\n|---|---|\n| <img src=x onerror=alert(23)> | 2 |",
    "---\ntitle: 注入<script>alert(24)</script>\n---",
    '<a href="javascript:alert(25)">链接</a>',
    '<div onmouseover="alert(26)">悬停</div>',
    "<style>*{background:url(javascript:alert(27))}</style>",
    '<math><mi xlink:href="javascript:alert(28)">x</mi></math>',
    "<details open ontoggle=alert(29)>",
    '"><script>alert(30)</script>',
    "'><img src=x onerror=alert(31)>",
    "[x](vbscript:alert(32))",
    '<object data="javascript:alert(33)">',
    "<input autofocus onfocus=alert(34)>",
    "[<script>alert(35)</script>](https://example.com)",
    "[x](#\" onclick=\"alert(36))",
    "<p markdown=\"1\">*x*<script>alert(37)</script></p>",
]
REVOKED_EVERY = 6  # every sixth record is revoked, so the revocation page meets its payload too


def one_line(payload: str) -> str:
    return " ".join(payload.split())


def hostile_record(number: int, payload: str) -> dict:
    line = one_line(payload)
    name = f"示例{number}号{line}公司"
    record = {
        "id": f"SC-2021-{number:03d}",
        "sample": "true",
        "title": f"{name}实施六西格玛的经验",
        "enterprise": {"name": name, "short_name": f"{line}{number}", "city": "成都市", "size": "中型"},
        "year": "2021",
        "directions": ["全面质量管理"],
        "industries": ["装备制造"],
        "methods": ["六西格玛"],
        **{part: f"第一段 {payload}\n\n第二段 {payload}\n"
           for part in ("summary", "profile", "background", "overview", "implementation", "effects", "promotion")},
        "highlights": [line, f"亮点 {line}"],
        "metrics": [{"indicator": line, "unit": line[:20], "baseline": {"value": "1", "year": "2019"},
                     "result": {"value": "2", "year": "2020"}}],
        "recognition": {
            "status": "已认定",
            "recognized_on": "2021-12-20",
            "notice": {"number": line, "publisher": line},
            "recommended_by": line,
        },
        "sharing": {"consent": "true", "contact": {"channel": "网站", "value": line}, "topics": [line]},
        "updated": "2024-01-01",
        "translations": {"en": {"title": line, "summary": payload, "highlights": [line]}},
    }
    if number % REVOKED_EVERY == 0:
        record["recognition"]["status"] = "已撤销"
        record["recognition"]["revocation"] = {"date": "2023-01-01", "reason": "其他", "note": line,
                                               "notice": {"number": line, "publisher": line}}
    return record


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    cases = tmp_path_factory.mktemp("hostile-cases")
    shutil.copytree(VOCABULARIES, cases / "vocabularies")
    (cases / "2021").mkdir()
    for number, payload in enumerate(PAYLOADS, start=1):
        text = yaml.safe_dump(hostile_record(number, payload), allow_unicode=True, sort_keys=False, width=10000)
        (cases / "2021" / f"SC-2021-{number:03d}.yaml").write_text(text, encoding="utf-8")
    return build_site(cases, tmp_path_factory.mktemp("hostile-out"), ROOT / "mkdocs.yml")


# Every attribute that runs script, and every URL attribute with a scheme that can.
DANGEROUS_DOM = """() => {
  const found = [];
  for (const element of document.querySelectorAll('*')) {
    for (const attribute of element.attributes) {
      const name = attribute.name.toLowerCase();
      const value = attribute.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
      if (name.startsWith('on')) found.push(`${element.tagName} ${name}=${attribute.value}`);
      if (/^(javascript|vbscript|data):/.test(value)) found.push(`${element.tagName} ${name}=${attribute.value}`);
    }
  }
  return found;
}"""


def test_hostile_text_never_runs_and_stays_visible_as_text(hostile_site):
    assert len(PAYLOADS) >= 30
    pages = sorted(p.relative_to(hostile_site).parent.as_posix() for p in hostile_site.rglob("index.html"))
    listed = [n for n in range(1, len(PAYLOADS) + 1) if n % REVOKED_EVERY]
    dialogs, dangerous, loaded, shown_as_text, searched, shown_in_results = [], [], 0, 0, 0, []
    with serve_folder(hostile_site) as base, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page()
        page.on("dialog", lambda dialog: (dialogs.append((page.url, dialog.message)), dialog.dismiss()))
        for address in pages:
            page.goto(base + ("" if address == "." else address + "/"), wait_until="load")
            page.wait_for_timeout(50)  # time for a delayed handler such as ontoggle to fire
            loaded += 1
            dangerous += [(address, item) for item in page.evaluate(DANGEROUS_DOM)]
        for number in listed:
            page.goto(f"{base}cases/SC-2021-{number:03d}/", wait_until="load")
            expected = one_line(PAYLOADS[number - 1])
            if expected in page.inner_text("article") and expected in page.title():
                shown_as_text += 1
        page.goto(base + "search/?q=示例", wait_until="networkidle")  # every hostile title has 示例
        page.locator(".cb-hit").first.wait_for()
        searched = page.locator(".cb-hit").count()
        shown_in_results = [one_line(p) in page.inner_text("#cb-results") for p in PAYLOADS]
        dangerous += [("search", item) for item in page.evaluate(DANGEROUS_DOM)]
        browser.close()
    # every case page; home, about, integration, the two guides, search, statistics, events, publicity,
    # national, revocations, all cases; an index and a value page per dimension; all of them in both languages
    assert loaded == len(pages) == 2 * (len(PAYLOADS) + 12 + 5 * 2)
    assert dialogs == []
    assert dangerous == []
    assert shown_as_text == len(listed) == 31
    assert searched == 10 and shown_in_results.count(True) == 10  # the first page of results, as text


def test_the_search_index_holds_the_text_only_as_data(hostile_site):
    """The static index holds record text as JSON strings, which the page inserts as text nodes."""
    rows = [row for path in (hostile_site / "search-index" / "docs").glob("*.json")
            for row in json.loads(path.read_text(encoding="utf-8"))]
    assert len(rows) == 31 and any("<script>alert(1)</script>" in row[1] for row in rows)
    script = (hostile_site / "assets" / "javascripts" / "casebook-search.js").read_text(encoding="utf-8")
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script and "document.write" not in script
