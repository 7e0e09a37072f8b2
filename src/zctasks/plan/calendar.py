"""The reporting calendar (报送周期): the due dates of a plan, and the cycle a day belongs to.

Units report on a rhythm — weekly, twice a month or monthly, by a due day — starting from
the first due date after the plan was issued. A cycle is the window of progress dates
after one due date up to and including the next; it *ends* at its due date, or at the end
of the plan period for the year-end cycle, whose due date falls after it (the December
report is due in January and still belongs to the plan's year). A unit's report is one per
task and cycle: the calendar is what says which cycle a report is for.
"""

from __future__ import annotations

import calendar as _days
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo

from zctasks.plan.ledger import Ledger
from zctasks.plan.models import CHINA, ReportingSettings
from zctasks.plan.zones import plan_zone


def _month_end(year: int, month: int) -> int:
    return _days.monthrange(year, month)[1]


def due_on_or_after(settings: ReportingSettings, day: date) -> date:
    """The first due day of the cycle on or after ``day``."""
    if settings.cycle == "weekly":
        return day + timedelta(days=(settings.due_day - day.isoweekday()) % 7)
    year, month = day.year, day.month
    while True:
        end = _month_end(year, month)
        candidates = [min(settings.due_day, end)]
        if settings.cycle == "semi-monthly":
            candidates.append(min(settings.due_day + 15, end))
        for candidate in candidates:
            if candidate >= day.day or (year, month) != (day.year, day.month):
                return date(year, month, candidate)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


@dataclass(frozen=True)
class Calendar:
    """Every due date of a plan, from the first after its issue to the first after its end."""

    dues: tuple[date, ...]
    settings: ReportingSettings
    period_end: date
    zone: tzinfo = CHINA
    """The plan's time zone: the day a report arrived is counted in it."""

    @classmethod
    def of(cls, ledger: Ledger) -> Calendar:
        settings = ledger.reporting
        plan = ledger.plan
        due = settings.first_due or due_on_or_after(settings, plan.issued)
        dues = [due]
        while due <= plan.period.end:
            due = due_on_or_after(settings, due + timedelta(days=1))
            dues.append(due)
        return cls(tuple(dues), settings, plan.period.end, plan_zone(settings.time_zone))

    def last_due(self, as_of: date) -> date | None:
        """The latest due date on or before ``as_of``; None before the first."""
        passed = [due for due in self.dues if due <= as_of]
        return passed[-1] if passed else None

    def next_due(self, as_of: date) -> date | None:
        return next((due for due in self.dues if due > as_of), None)

    def window_start(self, due: date) -> date | None:
        """The due date before ``due``: a cycle holds the progress dates after it."""
        index = self.dues.index(due)
        return self.dues[index - 1] if index else None

    def cycle_of(self, day: date) -> date:
        """The due date of the cycle that holds reports dated ``day``: the first due date
        on or after it (the last one for a day after every due date)."""
        index = bisect_left(self.dues, day)
        return self.dues[min(index, len(self.dues) - 1)]

    def cycle_end(self, due: date) -> date:
        """The day a cycle's reports stand at (截至): its due date, or the end of the plan
        period for the year-end cycle that is due after it."""
        return min(due, self.period_end)

    def describe(self) -> str:
        """每月25日, 每周五, 每半月（10日、25日）."""
        settings = self.settings
        if settings.cycle == "weekly":
            return f"每周{'一二三四五六日'[settings.due_day - 1]}"
        if settings.cycle == "semi-monthly":
            return f"每半月（{settings.due_day}日、{settings.due_day + 15}日或月末）"
        return "每月月末" if settings.due_day >= 31 else f"每月{settings.due_day}日"
