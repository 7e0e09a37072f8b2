"""The reporting calendar (报送周期): when units owe a report, and who has sent theirs.

Units report on a rhythm — weekly, twice a month or monthly, by a due day — starting from
the first due date after the plan was issued. A cycle is the window of progress dates
after one due date up to and including the next. A task counts as unreported (未报送) only
once a due date has passed with nothing reported for its window; before the first due
date nothing is owed yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from zctasks.log.store import Progress
from zctasks.plan.calendar import Calendar, due_on_or_after
from zctasks.plan.ledger import Ledger

__all__ = ["Calendar", "CycleStatus", "UnitCycle", "due_on_or_after", "unit_status"]


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
            if answering and ledger.tasks[task_id].targets and not progress.figures(task_id, as_of):
                answering = []  # 未报数: words alone, on a task with targets, are not a report
            if answering:
                reported.append(task_id)
                first = min(e.arrived(zone) for e in progress.entries_at(answering))
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
