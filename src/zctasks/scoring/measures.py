"""A target's figure as at a day, its completion, and measures built of figures — each with
the words that show how it was reached."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from zctasks.judge.schedule import elapsed_share
from zctasks.log.figures import number
from zctasks.log.store import Progress
from zctasks.plan.ledger import Ledger
from zctasks.plan.models import Number, Target, Task
from zctasks.scoring.rules import Term, canonical
from zctasks.scoring.sheet import rounded
from zctasks.scoring.whatif import WhatIf


@dataclass(frozen=True)
class Reading:
    """The latest figure of a target as at a day, and the report it came from."""

    task: Task
    target: Target
    value: Number | None
    entry: str | None
    """The id of the report that gave the figure; None when hypothetical or unreported."""
    hypothetical: bool = False

    @property
    def label(self) -> str:
        return f"{self.target.id} {self.target.name}"


def reading(progress: Progress, task: Task, target: Target, day: date) -> Reading:
    if isinstance(progress, WhatIf):
        value = progress.override(target.id, day)
        if value is not None:
            return Reading(task, target, value, None, True)
    for i in reversed(progress.task_indexes(task.id, day)):
        value = progress.values_of(i).get(target.id)
        if value is not None:
            return Reading(task, target, value, progress.ids[i])
    return Reading(task, target, None, None)


def q(value: float, places: int) -> float:
    """``value`` as shown with ``places`` decimals: every step of the arithmetic goes on from
    the figure it shows, so a sheet can be worked again by hand."""
    return float(rounded(value, places))


def pct(value: float) -> str:
    return f"{value:.2f}%"


def num(value: float) -> str:
    """A number in arithmetic: at most four decimals, no trailing zeros."""
    text = f"{abs(value):.4f}".rstrip("0").rstrip(".")
    if text in ("0", ""):
        return "0"
    return f"−{text}" if value < 0 else text


@dataclass(frozen=True)
class Completion:
    reading: Reading
    percent: float
    """Completion in percent, after 序时进度 and the cap; 0 when unreported."""
    text: str

    @property
    def short(self) -> str:
        """7.1 96.05%"""
        return f"{self.reading.target.id} {pct(self.percent)}"


def completion(ledger: Ledger, found: Reading, day: date, pace: bool, cap: Number) -> Completion:
    """How far a target is complete as at ``day``, in percent of its goal.

    Accruing targets: actual ÷ goal; levels with a 基数: the share of the rise from the 基数;
    levels without: actual ÷ goal; caps (≤): 100% within the allowance, else allowance ÷
    actual. With ``pace`` an accruing target (or a level with its 基数) is held against
    序时进度 — a level without 基数 never is. The result is kept between 0 and ``cap``.
    """
    target = found.target
    unit = target.unit
    if found.value is None:
        return Completion(found, 0.0, f"{found.label} 未报数，完成0%")
    actual = float(found.value)
    goal = float(target.value)
    period = ledger.plan.period
    elapsed = elapsed_share(day, period.start, found.task.due or period.end)
    shown = f"{found.label} {number(found.value)}{unit}" + (
        "（假设）" if found.hypothetical else ""
    )
    paced = pace and elapsed > 0 and (target.accrues or target.base is not None)
    if target.op in ("<=", "<"):
        paced_cap = pace and target.accrues and 0 < elapsed < 1
        allowed = goal * q(elapsed * 100, 2) / 100 if paced_cap else goal
        within = actual <= allowed if target.op == "<=" else actual < allowed
        allowed = q(allowed, 4)
        share = 1.0 if within or actual <= 0 else allowed / actual
        text = f"{shown}，上限{number(target.value)}{unit}"
        if allowed != goal:
            text += f"，序时允许{num(allowed)}{unit}"
        percent = q(share * 100, 2)
        text += (
            "，未超限" if within else f"，超限，按{num(allowed)}÷{num(actual)}＝{pct(percent)}计"
        )
    else:
        base = target.base if not target.accrues else None
        if base is not None and base != target.value:
            percent = q((actual - base) / (goal - base) * 100, 2)
            text = f"{shown}，基数{number(base)}{unit}，目标{number(target.value)}{unit}，完成增幅的{pct(percent)}"
        else:
            percent = q(actual / goal * 100, 2) if goal else 100.0
            text = f"{shown}/{number(target.value)}{unit}，完成{pct(percent)}"
        if paced and elapsed < 1:
            schedule = q(elapsed * 100, 2)
            percent = q(percent / schedule * 100, 2)
            text += f"，序时进度{pct(schedule)}，按序时折算{pct(percent)}"
    kept = min(max(percent, 0.0), float(cap))
    if kept != percent:
        text += f"，按{pct(kept)}计"
    return Completion(found, kept, text)


def scope(
    ledger: Ledger, unit: str, roles: tuple[str, ...], tasks: tuple[int, ...] = ()
) -> list[Task]:
    """The unit's tasks in ``roles`` (written either way), in task order."""
    wanted = {canonical(r) for r in roles}
    return [
        t
        for t in ledger.tasks.values()
        if (not tasks or t.id in tasks) and any(unit in getattr(t, role) for role in wanted)
    ]


@dataclass(frozen=True)
class TermValue:
    value: float
    text: str
    readings: tuple[Reading, ...]


def find_target(tasks: list[Task], wanted: str) -> tuple[Task, Target] | None:
    """The target named (or numbered) ``wanted`` among ``tasks``; the first by task order."""
    for task in tasks:
        for target in task.targets:
            if wanted in (target.id, target.name):
                return task, target
    return None


def term_value(
    ledger: Ledger,
    progress: Progress,
    tasks: list[Task],
    term: Term,
    day: date,
    pace: bool,
    cap: Number,
) -> TermValue | None:
    """One term of a measure for a unit, or None when the unit has no such target or no
    figure for it."""
    located = find_target(tasks, term.target)
    if located is None:
        return None
    found = reading(progress, located[0], located[1], day)
    if found.value is None:
        return None
    use = canonical(term.use)
    readings = [found]
    if use == "completion":
        value = completion(ledger, found, day, pace, cap).percent
        inner = f"{found.target.name}完成{pct(value)}"
    elif use == "gap":
        value = float(found.value) - float(found.target.value)
        inner = f"{found.target.name}{number(found.value)}−目标{number(found.target.value)}"
    else:
        value = float(found.value)
        inner = f"{found.target.name}{number(found.value)}"
    if term.minus is not None:
        other = find_target(tasks, term.minus)
        if other is None:
            return None
        second = reading(progress, other[0], other[1], day)
        if second.value is None:
            return None
        readings.append(second)
        value -= float(second.value)
        inner += f"−{second.target.name}{number(second.value)}"
    result = q(value * float(term.times), 4)
    if term.times != 1:
        text = f"（{inner}）×{number(term.times)}＝{num(result)}"
    elif len(readings) > 1 or use == "gap":
        text = f"（{inner}）＝{num(result)}"
    else:
        text = inner
    return TermValue(result, text, tuple(readings))
