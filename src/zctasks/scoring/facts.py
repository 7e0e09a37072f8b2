"""What a score is counted from: when reports arrived, which cycles went unreported, the
light of a task at each cycle end, and how units answered their 催办单.

Each question is one small function over what the ledger holds today, so that a richer
source can take its place without touching the engine:

- ``arrival``: the day a report reached the office — today the moment it was recorded
  (``at``); a ``received`` field would replace it.
- ``lacks_substance``: a report that says nothing measurable — today one without figures on
  a task that has targets, not reporting it done; a report state for that would replace it.
- ``light_at``: a task's light at a day — today computed again by ``judge.schedule`` from
  the entries dated up to that day; a recorded light history would replace it.
- ``slips`` and ``answer``: the issued 催办单 and how each matter on one was answered —
  today ``log/urges.py``'s register and its rule (a later report by the unit answers).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from zctasks.judge.cycles import Calendar
from zctasks.judge.schedule import TaskState, task_state
from zctasks.log.store import FIX, Progress
from zctasks.log.urges import Answer, Slip
from zctasks.plan.ledger import Ledger
from zctasks.plan.models import Entry, Task


def arrival(progress: Progress, i: int) -> date:
    """The day report ``i`` reached the office. A correction keeps the day of the report it
    corrects: correcting an on-time report does not make it late."""
    seen: set[int] = set()
    while progress.kind[i] == FIX and i not in seen:
        seen.add(i)
        earlier = progress.index_of_id(progress.entry(i).fixes)
        if earlier is None:
            break
        i = earlier
    return progress.recorded_on(i)


def lacks_substance(task: Task, entry: Entry) -> bool:
    """A report with nothing to measure: no figures on a task that has targets, and not
    reporting the task done."""
    return bool(task.targets) and not entry.values and entry.status != "已完成"


def light_at(
    ledger: Ledger, progress: Progress, task: Task, day: date, calendar: Calendar
) -> TaskState:
    """The task's light as at the end of ``day``."""
    return task_state(ledger, progress, task, day, calendar)


def slips(ledger: Ledger, root: Path) -> list[Slip]:
    """Every issued 催办单 (a register with errors is refused)."""
    from zctasks.log.urges import load_register

    return load_register(ledger, root)


@dataclass(frozen=True)
class ItemAnswer:
    """How one matter on a slip was answered by a day."""

    slip: Slip
    task: int
    answer: Answer
    day: date | None
    """The day of the answering report, if any."""
    entry: Entry | None
    """The first report that answered it."""


def answers(slip: Slip, reports: dict[int, list[Entry]], as_of: date) -> list[ItemAnswer]:
    """Each matter of ``slip`` and how it was answered by ``as_of`` (the register's rule,
    matter by matter)."""
    from zctasks.log.urges import answered

    found = []
    for item in slip.items:
        alone = replace(slip, items=(item,))
        answer, day, _ = answered(alone, reports, as_of)
        entry = None
        if day is not None:
            entry = min(
                (e for e in reports.get(item.task, []) if e.by == slip.unit and e.date == day),
                key=lambda e: (e.date, e.at.timestamp() if e.at else 0.0),
                default=None,
            )
        found.append(ItemAnswer(slip, item.task, answer, day, entry))
    return found


@dataclass(frozen=True)
class Cycle:
    """One reporting cycle of a task: due on ``due``, answered by the reports dated within it
    (after ``start``, up to ``due``) that arrived by ``judged`` (the day before the next due
    date, or as-of)."""

    task: int
    due: date
    start: date | None
    judged: date
    entries: tuple[str, ...]
    """The answering reports (ids), the first to arrive first."""
    arrived: date | None
    """When the first of them arrived; None when the cycle went unreported."""


def cycles(
    ledger: Ledger, progress: Progress, task: Task, as_of: date, calendar: Calendar
) -> list[Cycle]:
    """Every cycle of ``task`` whose due date has passed by ``as_of``, judged the day before
    the next due date: answered by a report dated within the cycle (its figures stand at a
    day of it), late by the days the first of them arrived after the due date. A report dated
    after the due date belongs to the next cycle (``status --by unit`` is more lenient about
    the cycle just due: it counts such a report as a late answer)."""
    found = []
    for n, due in enumerate(calendar.dues):
        if due > as_of:
            break
        start = calendar.dues[n - 1] if n else None
        following = calendar.dues[n + 1] if n + 1 < len(calendar.dues) else None
        judged = min(as_of, following - timedelta(days=1)) if following else as_of
        answering = [
            i for i in progress.dated_after(task.id, start, due) if arrival(progress, i) <= judged
        ]
        answering.sort(key=lambda i: (arrival(progress, i), progress.day[i]))
        arrived = arrival(progress, answering[0]) if answering else None
        ids = tuple(progress.ids[i] for i in answering)
        found.append(Cycle(task.id, due, start, judged, ids, arrived))
    return found
