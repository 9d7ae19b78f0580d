"""第十二条: featured cases and exchange events, kept as data and checked like the records."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from casebook.plan import plan_pages
from casebook.records import check_casebook, load_casebook

ROOT = Path(__file__).parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "casebook"


def with_promotion(tmp_path: Path, featured: str, events: str) -> Path:
    cases = tmp_path / "cases"
    shutil.copytree(FIXTURE, cases)
    (cases / "promotion").mkdir()
    (cases / "promotion" / "featured.yaml").write_text(featured, encoding="utf-8")
    (cases / "promotion" / "events.yaml").write_text(events, encoding="utf-8")
    return cases


EVENTS = """\
- {date: 2026-12-01, topic: 下月的交流会, place: 成都市, host: 成都丁科技有限公司, cases: [SC-2022-001]}
- {date: 2025-03-01, topic: 去年的现场会, place: 德阳市, host: 某公司}
- {date: 2026-11-25, topic: 今天的分享会, place: 宜宾市, host: 某公司}
"""


def test_unknown_and_revoked_cases_are_reported_where_they_are_named(tmp_path):
    cases = with_promotion(tmp_path, "- SC-2021-001\n- SC-2021-002\n- SC-2099-001\n",
                           "- {date: 2026-12-01, topic: 会, place: 成都市, host: 甲, cases: [SC-2021-001, SC-2021-009]}\n")
    problems = [str(p).split("/cases/", 1)[1] for p in check_casebook(cases)[1]]
    assert problems == [
        "promotion/events.yaml:1:74: 案例“SC-2021-009”不存在或已撤销",
        "promotion/featured.yaml:2:3: 案例“SC-2021-002”不存在或已撤销",  # revoked
        "promotion/featured.yaml:3:3: 案例“SC-2099-001”不存在或已撤销",
    ]


def test_a_mistyped_event_gets_a_schema_problem(tmp_path):
    cases = with_promotion(tmp_path, "# 暂无\n", "- {date: 2026/12/01, topic: 会, place: 成都市, host: 甲}\n")
    [problem] = check_casebook(cases)[1]  # the emptied featured list is fine
    assert str(problem).endswith("events.yaml:1:10: 字段 [1].date：日期格式应为 YYYY-MM-DD，例如 2021-12-10")


def test_featured_cases_lead_the_home_page_and_events_split_at_today(tmp_path):
    casebook = load_casebook(with_promotion(tmp_path, "- SC-2022-001\n- SC-2021-001\n", EVENTS))
    pages = {page.uri: page for page in plan_pages(casebook, today=date(2026, 11, 25))}
    assert [case.id for case in pages["index.md"].context["featured"]] == ["SC-2022-001", "SC-2021-001"]
    events = pages["events.md"].context
    assert [event.topic for event, _ in events["upcoming"]] == ["今天的分享会", "下月的交流会"]
    assert [event.topic for event, _ in events["past"]] == ["去年的现场会"]
    assert [case.id for case in events["upcoming"][1][1]] == ["SC-2022-001"]


def test_the_sample_site_shows_them(sample_site):
    home = (sample_site / "index.html").read_text(encoding="utf-8")
    assert home.index('<h2 id="重点推荐"') < home.index('href="cases/SC-2023-002/"') < home.index('<h2 id="浏览"')
    events = (sample_site / "events" / "index.html").read_text(encoding="utf-8")
    assert events.count('<h3 id=') == 3 and 'href="../cases/SC-2025-001/"' in events
