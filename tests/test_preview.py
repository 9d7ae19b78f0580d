"""The preview (``casebook serve --watch``): a failed rebuild keeps the last good site and shows its
problems on every page and in the terminal; a fix, saved, rebuilds it."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from support import NEW_TITLE, OLD_TITLE

from casebook.api import create_app
from casebook.preview import PROBLEMS_TITLE, PreviewApp, Rebuilder, with_problems_banner

ROOT = Path(__file__).parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "casebook"
RECORD = "2021/SC-2021-001.yaml"


@pytest.fixture
def preview(tmp_path):
    cases = tmp_path / "cases"
    shutil.copytree(FIXTURE, cases)
    said: list[str] = []
    rebuilder = Rebuilder(cases, tmp_path / "out", ROOT / "mkdocs.yml", report=said.append)
    return rebuilder, cases, said


def _break(cases: Path) -> str:
    record = cases / RECORD
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("year: 2021", "year: 二〇二一", 1), encoding="utf-8")
    return text


def test_a_failed_rebuild_keeps_the_site_and_reports_each_problem(preview):
    rebuilder, cases, said = preview
    assert rebuilder.rebuild() and rebuilder.problems == []
    home = (rebuilder.out / "site" / "index.html").read_text(encoding="utf-8")
    original = _break(cases)
    assert not rebuilder.rebuild()
    assert len(rebuilder.problems) == 1
    assert rebuilder.problems[0].endswith(f"{RECORD}:5:7: 字段 year：应为整数")
    assert "共发现 1 个问题" in said[-1]
    assert (rebuilder.out / "site" / "index.html").read_text(encoding="utf-8") == home
    (cases / RECORD).write_text(original, encoding="utf-8")
    assert rebuilder.rebuild() and rebuilder.problems == []


def test_every_page_shows_the_problems_until_they_are_fixed(preview):
    rebuilder, cases, _ = preview
    rebuilder.rebuild()
    client = TestClient(PreviewApp(rebuilder, lambda: create_app(rebuilder.out)))
    assert PROBLEMS_TITLE not in client.get("/cases/SC-2021-001/").text
    original = _break(cases)
    rebuilder.rebuild()
    for address in ("/", "/cases/SC-2021-001/", "/en/methods/"):
        page = client.get(address)
        assert page.status_code == 200
        assert PROBLEMS_TITLE in page.text and rebuilder.problems[0].split(": ", 1)[1] in page.text
        assert int(page.headers["content-length"]) == len(page.content)
    assert client.get("/api/search", params={"q": "六西格玛"}).json()["total"] >= 1  # search keeps working
    (cases / RECORD).write_text(original, encoding="utf-8")
    rebuilder.rebuild()
    assert PROBLEMS_TITLE not in client.get("/cases/SC-2021-001/").text


def test_without_any_site_yet_the_problems_are_the_page(preview):
    rebuilder, cases, _ = preview
    _break(cases)
    assert not rebuilder.rebuild()
    client = TestClient(PreviewApp(rebuilder, lambda: create_app(rebuilder.out)))
    page = client.get("/")
    assert PROBLEMS_TITLE in page.text and RECORD in page.text


def test_the_banner_is_the_first_thing_in_the_body_and_escapes_the_problem():
    page = with_problems_banner('<html><body class="x"><h1>t</h1></body></html>', ["a.yaml:1:1: <b>坏</b>"])
    assert page.startswith('<html><body class="x"><div class="cb-preview-problems" role="alert">')
    assert "&lt;b&gt;坏&lt;/b&gt;" in page and "<b>坏" not in page


def test_saving_a_record_rebuilds_the_site(preview):
    rebuilder, cases, said = preview
    rebuilder.rebuild()
    stop = threading.Event()
    watcher = threading.Thread(target=rebuilder.watch, args=(stop,), daemon=True)
    watcher.start()
    try:
        time.sleep(1)  # the watcher is listening
        _break(cases)
        deadline = time.monotonic() + 60
        while not rebuilder.problems and time.monotonic() < deadline:
            time.sleep(0.2)
        assert rebuilder.problems, said
        assert "检测到修改，正在重新生成……" in said
    finally:
        stop.set()
        watcher.join(10)


def test_an_edited_record_shows_on_its_case_pages_at_once_and_everywhere_after_the_rebuild(preview):
    rebuilder, cases, said = preview
    rebuilder.rebuild()
    site = rebuilder.out / "site"
    pages = [site / "cases" / "SC-2021-001" / "index.html", site / "en" / "cases" / "SC-2021-001" / "index.html"]
    listing = (site / "cases" / "index.html").read_text(encoding="utf-8")
    record = cases / RECORD
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("summary: |\n", "summary: |\n  预览中新写的一句。\n", 1).replace(
        'highlights: ["', 'highlights: ["预览中新加的一条亮点", "', 1), encoding="utf-8")

    assert rebuilder.show_edits([record]) == ["SC-2021-001"]
    assert said[-1] == "已更新显示这些案例的页面：SC-2021-001（检索稍后更新）。"
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "<p>预览中新写的一句。" in html and "预览中新加的一条亮点" in html
        assert html.count("</html>") == 1  # the theme's whole page, not a fragment
    assert (site / "cases" / "index.html").read_text(encoding="utf-8") == listing  # until the rebuild
    assert rebuilder.rebuild()
    assert "预览中新写的一句。" in (site / "en" / "cases" / "SC-2021-001" / "index.html").read_text(encoding="utf-8")


def test_an_edited_title_shows_at_once_on_every_page_that_lists_the_case(preview):
    rebuilder, cases, _ = preview
    rebuilder.rebuild()
    site = rebuilder.out / "site"
    listing = ["cases/index.html", "methods/spc/index.html", "cases/SC-2022-001/index.html"]
    unrelated = site / "events" / "index.html"
    before = {name: (site / prefix / name).read_text(encoding="utf-8") for prefix in ("", "en/") for name in listing}
    untouched = unrelated.stat().st_mtime_ns
    record = cases / "2022" / "SC-2022-001.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace(OLD_TITLE, NEW_TITLE), encoding="utf-8")

    assert rebuilder.show_edits([record]) == ["SC-2022-001"]
    for prefix in ("", "en/"):
        for name in listing:
            html = (site / prefix / name).read_text(encoding="utf-8")
            assert NEW_TITLE in html and OLD_TITLE not in html, prefix + name
    assert unrelated.stat().st_mtime_ns == untouched  # it does not show the case: not written again
    assert all(OLD_TITLE in html and NEW_TITLE not in html for html in before.values())


def test_a_page_the_edit_adds_waits_for_the_whole_build(preview):
    rebuilder, cases, _ = preview
    rebuilder.rebuild()
    new_page = rebuilder.out / "site" / "directions" / "unused" / "index.html"
    assert not new_page.exists()  # no case has this direction yet
    record = cases / "2022" / "SC-2022-001.yaml"
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("directions: [新一代信息技术应用, 全面质量管理]",
                                   "directions: [新一代信息技术应用, 全面质量管理, 未使用的方向]"), encoding="utf-8")

    assert rebuilder.show_edits([record]) == ["SC-2022-001"]
    assert "未使用的方向" in (rebuilder.out / "site" / "cases" / "SC-2022-001" / "index.html").read_text(encoding="utf-8")
    assert not new_page.exists()
    assert rebuilder.rebuild() and new_page.is_file()


def test_an_edit_only_the_whole_build_can_show_waits_for_it(preview):
    rebuilder, cases, _ = preview
    assert rebuilder.show_edits([cases / RECORD]) == []  # no site yet
    rebuilder.rebuild()
    page = rebuilder.out / "site" / "cases" / "SC-2021-001" / "index.html"
    before = page.read_text(encoding="utf-8")
    _break(cases)
    assert rebuilder.show_edits([cases / RECORD]) == []  # a problem: the page stays as it was
    assert page.read_text(encoding="utf-8") == before
    new = cases / "2021" / "SC-2021-099.yaml"
    shutil.copy(cases / "2021" / "SC-2021-002.yaml", new)
    assert rebuilder.show_edits([new]) == []  # not a record of the site yet
    assert rebuilder.show_edits([cases / "vocabularies" / "cities.yaml"]) == []


def test_records_saved_together_show_on_their_pages_together(preview):
    rebuilder, cases, _ = preview
    rebuilder.rebuild()
    records = {cases / "2021" / "SC-2021-001.yaml": "summary: |\n  ", cases / "2022" / "SC-2022-001.yaml": "summary: "}
    for record, summary in records.items():  # a block summary, and a one-line one
        text = record.read_text(encoding="utf-8")
        record.write_text(text.replace(summary, f"{summary}{record.stem} 新写的一句。", 1), encoding="utf-8")
    assert rebuilder.show_edits(list(records)) == ["SC-2021-001", "SC-2022-001"]
    for record in records:
        for prefix in ("", "en/"):
            page = rebuilder.out / "site" / prefix / "cases" / record.stem / "index.html"
            assert f"<p>{record.stem} 新写的一句。" in page.read_text(encoding="utf-8")
