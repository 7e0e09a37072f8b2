"""Light history: each task's light at the end of every reporting cycle, and what changed.

"Newly red", "recovered" and "red for three cycles" are computed from the lights at the
cycles' due dates, never guessed from two dates alone. A light at a past date is judged as
the ledger knows it now: reports dated up to that day, corrections applied (the audit trail
of what was recorded when is git's).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from zctasks.judge.cycles import Calendar
from zctasks.judge.schedule import Light, TaskState, task_state
from zctasks.log.store import Progress
from zctasks.plan.ledger import Ledger
from zctasks.plan.models import Task

Change = Literal[
    "done", "behind", "worse", "better", "recovered", "silent", "first", "resumed", "reopened"
]
CHANGE_NAMES: dict[Change, str] = {
    "done": "新完成",
    "behind": "新增滞后",
    "worse": "转为严重滞后",
    "better": "由严重滞后转为滞后",
    "recovered": "恢复序时进度",
    "silent": "新增未报送",
    "first": "首次报送",
    "resumed": "恢复报送",
    "reopened": "由已完成转为未完成",
}
BEHIND: tuple[Light, ...] = ("yellow", "red")


def change_kind(old: Light, new: Light, reported_before: bool) -> Change | None:
    """What a change of light from ``old`` to ``new`` means for a supervisor; None when the
    light stayed. ``reported_before``: whether the task had any report at the earlier date
    (a grey task turning green has either reported for the first time or resumed)."""
    if old == new:
        return None
    if new == "done":
        return "done"
    if new == "grey":
        return "silent"
    if new in BEHIND and old in ("done", "green", "grey"):
        return "behind"
    if old == "yellow" and new == "red":
        return "worse"
    if old == "red" and new == "yellow":
        return "better"
    if new == "green" and old in BEHIND:
        return "recovered"
    if old == "grey":
        return "resumed" if reported_before else "first"
    return "reopened"


def checkpoints(ledger: Ledger, as_of: date) -> list[date]:
    """The ends of the reporting cycles up to ``as_of`` (their due dates), then ``as_of``
    itself when it is not one."""
    days = [due for due in Calendar.of(ledger).dues if due <= as_of]
    if not days or days[-1] != as_of:
        days.append(as_of)
    return days


@dataclass(frozen=True)
class Transition:
    day: date
    old: Light
    new: Light
    change: Change
    reason: str
    """Why the task has its new light (the reason of the light on ``day``)."""


@dataclass(frozen=True)
class TaskHistory:
    task: Task
    days: tuple[date, ...]
    states: tuple[TaskState, ...]
    """The task's state at each of ``days``."""

    @property
    def lights(self) -> list[Light]:
        return [s.light for s in self.states]

    def transitions(self) -> list[Transition]:
        found = []
        for k in range(1, len(self.states)):
            old, new = self.states[k - 1], self.states[k]
            change = change_kind(old.light, new.light, old.latest is not None)
            if change is not None:
                found.append(Transition(self.days[k], old.light, new.light, change, new.reason))
        return found

    def streak(self) -> int:
        """For how many points, up to the last, the task has had its current light."""
        lights = self.lights
        count = 0
        for light in reversed(lights):
            if light != lights[-1]:
                break
            count += 1
        return count


@dataclass(frozen=True)
class History:
    days: tuple[date, ...]
    tasks: list[TaskHistory]


def light_history(
    ledger: Ledger, progress: Progress, tasks: list[Task], days: list[date]
) -> History:
    """Each task's state at each of ``days`` (in order)."""
    calendar = Calendar.of(ledger)
    found = [
        TaskHistory(
            task,
            tuple(days),
            tuple(task_state(ledger, progress, task, day, calendar) for day in days),
        )
        for task in tasks
    ]
    return History(tuple(days), found)


def streaks(history: History, light: Light, cycles: int) -> list[TaskHistory]:
    """The tasks that have had ``light`` at each of the last ``cycles`` points or more."""
    return [t for t in history.tasks if t.lights[-1] == light and t.streak() >= cycles]
