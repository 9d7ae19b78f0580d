"""第十条: 10 working days of publicity, across holidays and make-up working days."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from casebook.records import check_casebook
from casebook.workdays import CalendarMissing, is_working_day, publicity_end


@pytest.mark.parametrize("start, end", [
    (date(2026, 11, 16), date(2026, 11, 27)),  # two ordinary weeks
    # Spring Festival 2026: 15–23 February off; Saturday 14 February is a make-up working day.
    (date(2026, 2, 9), date(2026, 2, 27)),  # 9–13, 14 (make-up), then 24–27
    # National Day 2025: 1–8 October off; Sunday 28 September and Saturday 11 October are worked.
    (date(2025, 9, 24), date(2025, 10, 13)),  # 24–26, 28, 29, 30, 9, 10, 11 (make-up), 13
    (date(2024, 12, 30), date(2025, 1, 13)),  # New Year's Day off, across the turn of the year
])
def test_publicity_ends_after_ten_working_days(start, end):
    assert publicity_end(start) == end


def test_a_period_starting_on_a_holiday_counts_from_the_next_working_day():
    assert publicity_end(date(2025, 10, 1)) == publicity_end(date(2025, 10, 9))


def test_make_up_days_work_and_holidays_rest():
    assert is_working_day(date(2026, 2, 14))  # a Saturday, made a working day
    assert not is_working_day(date(2026, 2, 16))  # a Monday in the Spring Festival
    assert not is_working_day(date(2025, 10, 6))


def test_a_year_without_a_published_calendar_is_a_clear_error():
    with pytest.raises(CalendarMissing, match="还没有 2027 年的法定节假日安排"):
        publicity_end(date(2026, 12, 28))  # the period runs into 2027


FIXTURE = Path(__file__).parent / "fixtures" / "casebook"


def check_publicity(tmp_path: Path, publicity: str) -> list[str]:
    cases = tmp_path / "cases"
    shutil.copytree(FIXTURE, cases)
    record = cases / "2022" / "SC-2022-001.yaml"
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("  publicity: {start: 2022-11-14, end: 2022-11-25}", publicity), encoding="utf-8")
    return [str(problem).split("/cases/", 1)[-1] for problem in check_casebook(cases)[1]]


def test_a_recorded_end_that_is_not_ten_working_days_is_reported(tmp_path):
    assert check_publicity(tmp_path, "  publicity: {start: 2022-11-14, end: 2022-11-24}") == [
        "2022/SC-2022-001.yaml:18:39: 公示期为 10 个工作日：从 2022-11-14 开始应到 2022-11-25 结束（已跳过周末和法定节假日，计入调休上班日）"
    ]


def test_an_end_may_be_left_out_and_is_computed(tmp_path):
    assert check_publicity(tmp_path, "  publicity: {start: 2022-11-14}") == []


def test_a_period_the_calendar_cannot_compute_needs_its_end_written(tmp_path):
    assert check_publicity(tmp_path, "  publicity: {start: 2027-03-01}") == [
        "2022/SC-2022-001.yaml:18:22: 还没有 2027 年的法定节假日安排，无法计算工作日：国务院办公厅公布后请升级 chinesecalendar 软件包"
    ]
    assert check_publicity(tmp_path / "again", "  publicity: {start: 2027-03-01, end: 2027-03-12}") == []
