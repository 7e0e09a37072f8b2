"""Working days of the official calendar (国务院办公厅 放假安排, with its 调休 make-up
working days), for the deadlines documents set.

The calendar comes from ``chinesecalendar`` (imported as ``chinese_calendar``), which is
updated every year once the State Council publishes the next year's holidays. Beyond the
years it knows, a deadline still skips weekends, and comes with a warning that names the
date to check: never a silent guess.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple


class Deadline(NamedTuple):
    day: date
    warning: str
    """Empty when the official calendar covers the day; otherwise what to check."""


def known_until() -> int:
    """The last year whose holidays the calendar library knows."""
    from chinese_calendar import constants

    years: int = max(day.year for day in constants.holidays)
    return years


def is_working_day(day: date) -> bool | None:
    """Whether ``day`` is a working day; None beyond the years the calendar knows."""
    import chinese_calendar

    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


def working_day_from(day: date) -> Deadline:
    """``day`` if it is a working day, else the next one."""
    guessed = False
    while True:
        working = is_working_day(day)
        if working is None:
            guessed = True
            working = day.weekday() < 5
        if working:
            break
        day += timedelta(days=1)
    if not guessed:
        return Deadline(day, "")
    return Deadline(
        day,
        f"注意：法定节假日和调休安排只收录到{known_until()}年，"
        f"{day.year}年{day.month}月{day.day}日这一期限只避开了周末，"
        "请对照国务院办公厅公布的放假安排核对",
    )


def deadline(start: date, days: int) -> Deadline:
    """``days`` calendar days after ``start``, moved on to a working day: a deadline that
    would fall on a weekend or a holiday falls on the next working day (a 调休 Saturday is
    one)."""
    return working_day_from(start + timedelta(days=days))
