"""Working days in mainland China: weekends, public holidays and official make-up working days.

The calendar comes from the maintained ``chinesecalendar`` package, updated each year when the
State Council publishes the next year's holiday arrangements. A year it does not know yet is an
error, never a guess.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar

PUBLICITY_WORKING_DAYS = 10
"""第十条: the proposed list is publicised for 10 working days."""


class CalendarMissing(Exception):
    """The holiday arrangements of a year are not known yet."""


def is_working_day(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        raise CalendarMissing(
            f"还没有 {day.year} 年的法定节假日安排，无法计算工作日：国务院办公厅公布后请升级 chinesecalendar 软件包"
        ) from None


def publicity_end(start: date, working_days: int = PUBLICITY_WORKING_DAYS) -> date:
    """The last day of a publicity period that starts on ``start`` (day 1 if it is a working day)."""
    day, counted = start, 0
    while True:
        if is_working_day(day):
            counted += 1
            if counted == working_days:
                return day
        day += timedelta(days=1)


def publicity_period(start: date, end: date | None) -> tuple[date, date]:
    """The period as published: the end as recorded, or computed when the record has none."""
    return start, end or publicity_end(start)
