"""The reporting calendar (报送周期): when units owe a report, and who has sent theirs.

Units report on a rhythm — weekly, twice a month or monthly, by a due day — starting from
the first due date after the plan was issued. A cycle is the window of progress dates
after one due date up to and including the next. A task counts as unreported (未报送) only
once a due date has passed with nothing reported for its window; before the first due
date nothing is owed yet.
"""

from __future__ import annotations

import calendar as _days
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Literal

from zctasks.log.store import Progress
from zctasks.plan.ledger import Ledger
from zctasks.plan.models import ReportingSettings


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

    @classmethod
    def of(cls, ledger: Ledger) -> Calendar:
        settings = ledger.reporting
        plan = ledger.plan
        due = settings.first_due or due_on_or_after(settings, plan.issued)
        dues = [due]
        while due <= plan.period.end:
            due = due_on_or_after(settings, due + timedelta(days=1))
            dues.append(due)
        return cls(tuple(dues), settings)

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

    def describe(self) -> str:
        """每月25日, 每周五, 每半月（10日、25日）."""
        settings = self.settings
        if settings.cycle == "weekly":
            return f"每周{'一二三四五六日'[settings.due_day - 1]}"
        if settings.cycle == "semi-monthly":
            return f"每半月（{settings.due_day}日、{settings.due_day + 15}日或月末）"
        return "每月月末" if settings.due_day >= 31 else f"每月{settings.due_day}日"


UnitState = Literal["reported", "late", "partial", "missing", "not-due"]
UNIT_STATE_NAMES: dict[UnitState, str] = {
    "reported": "已按时报送",
    "late": "已报送（逾期）",
    "partial": "部分未报",
    "missing": "未报送",
    "not-due": "未到截止日",
}


@dataclass(frozen=True)
class UnitCycle:
    unit: str
    tasks: tuple[int, ...]
    """The tasks the unit leads or is solely responsible for: the ones it must report on."""
    reported: tuple[int, ...]
    missing: tuple[int, ...]
    days_late: int
    """For reports sent after the due date: the most days late; for missing ones, the
    days since the due date."""
    last_report: date | None
    state: UnitState


@dataclass(frozen=True)
class CycleStatus:
    as_of: date
    due: date | None
    """The due date the status is about: the latest one passed (or, before the first, the
    first one)."""
    start: date | None
    """The due date before it (the window is after ``start`` up to ``due``)."""
    next_due: date | None
    units: list[UnitCycle]


def _recorded_on(progress: Progress, i: int, zone: tzinfo) -> date:
    """The day an entry reached the ledger in the plan's time zone (its ``at`` carries the
    writer's offset); for entries written before 0.2, without ``at``, its date."""
    at = progress.at[i]
    if at != at:  # NaN: no moment recorded
        return date.fromordinal(progress.day[i])
    return datetime.fromtimestamp(at, zone).date()


def unit_status(ledger: Ledger, progress: Progress, as_of: date) -> CycleStatus:
    """For the cycle of the latest due date on or before ``as_of``: which units reported on
    the tasks they lead or are responsible for, which did not, and how late."""
    from zctasks.plan.zones import plan_zone

    zone = plan_zone(ledger.reporting.time_zone)
    cal = Calendar.of(ledger)
    due = cal.last_due(as_of)
    owed = due is not None
    if due is None:
        due = cal.dues[0]
    start = cal.window_start(due)
    rows = []
    for unit in ledger.units:
        tasks = tuple(t.id for t in ledger.tasks.values() if unit in t.lead + t.responsible)
        if not tasks:
            continue
        reported, missing, late, last = [], [], 0, None
        for task_id in tasks:
            found = progress.task_indexes(task_id, as_of)
            if found:
                day = date.fromordinal(progress.day[found[-1]])
                last = max(last or day, day)
            answering = progress.dated_after(task_id, start, as_of)
            if answering:
                reported.append(task_id)
                first = min(_recorded_on(progress, i, zone) for i in answering)
                late = max(late, (first - due).days)
            else:
                missing.append(task_id)
        state: UnitState
        if not owed:
            state = "not-due"
        elif missing:
            state = "missing" if not reported else "partial"
            late = max(late, (as_of - due).days)
        else:
            state = "late" if late > 0 else "reported"
        rows.append(
            UnitCycle(unit, tasks, tuple(reported), tuple(missing), max(late, 0), last, state)
        )
    return CycleStatus(as_of, due, start, cal.next_due(as_of), rows)
