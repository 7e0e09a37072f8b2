"""Where each task stands against the time-proportional schedule (序时进度), as lights.

序时进度 at a date is the share of the plan period elapsed by the end of that day. An
accruing target keeps pace when its completion ratio is at least that share; a level or
rate is compared with its value directly. How far behind turns yellow or red, when a task
counts as unreported, and the tolerance of 左右 targets come from the ledger's settings.
"""

from __future__ import annotations

from datetime import date
from typing import Literal, NamedTuple

from zctasks.judge.cycles import Calendar
from zctasks.log.store import Progress
from zctasks.plan.ledger import Ledger
from zctasks.plan.models import Entry, Number, ScheduleSettings, Target, Task

Light = Literal["done", "green", "yellow", "red", "grey"]
LIGHTS: tuple[Light, ...] = ("done", "green", "yellow", "red", "grey")
LIGHT_NAMES: dict[Light, str] = {
    "done": "已完成",
    "green": "序时推进",
    "yellow": "滞后",
    "red": "严重滞后",
    "grey": "未报送",
}
_SEVERITY: dict[Light, int] = {"done": 0, "green": 1, "yellow": 2, "red": 3, "grey": 4}


def elapsed_share(as_of: date, start: date, end: date) -> float:
    """The share of [start, end] elapsed at the end of ``as_of``, between 0 and 1."""
    total = (end - start).days + 1
    return min(max(((as_of - start).days + 1) / total, 0.0), 1.0)


class TargetState(NamedTuple):
    target: Target
    actual: Number
    reported_on: date
    light: Light
    reason: str
    share: float | None = None
    """The completion held against 序时进度, or None where the target is not judged by it
    (a cap that is a level, a level without its 基数 before the deadline)."""
    planned: float | None = None
    """The share it was held against when that is not the straight 序时进度 line: the
    latest milestone passed (节点), as a share of the target (or of the increase from the
    基数). None where 序时进度 applies."""


class Pace(NamedTuple):
    """What a target is held against at a date: a share of the target, and its words."""

    share: float
    words: str
    milestone: bool = False


def pace(target: Target, as_of: date | None, elapsed: float) -> Pace:
    """The straight 序时进度 line, or — for a target with milestones, before its deadline —
    the figure planned by the latest milestone passed, as a share of the target. Nothing
    planned yet means nothing is owed yet: a target planned for the third quarter is not
    behind in June."""
    straight = Pace(elapsed, f"序时进度{_pct(elapsed)}")
    if not target.milestones or as_of is None or elapsed >= 1:
        return straight
    passed = [m for m in target.milestones if m.by <= as_of and m.value is not None]
    upcoming = next((m for m in target.milestones if m.by > as_of), None)
    start = target.base if target.base is not None and not target.accrues else 0
    planned = passed[-1].value if passed else start
    assert planned is not None
    span = target.value - start
    share = (planned - start) / span if span else 1.0
    if passed and not target.accrues and target.base is None:
        words = f"{_short(passed[-1].by)}节点应达{_num(planned)}{target.unit}"
    elif passed:
        last = passed[-1]
        words = f"计划进度{_pct(share)}（{_short(last.by)}节点{_num(planned)}{target.unit}）"
    elif upcoming is not None and upcoming.value is not None:
        words = f"首个节点{_short(upcoming.by)}{_num(upcoming.value)}{target.unit}，此前不计滞后"
    else:
        words = "尚无节点到期"
    return Pace(min(max(share, 0.0), 1.0) if target.accrues else share, words, True)


def _short(day: date) -> str:
    return f"{day.month}月{day.day}日"


class TaskState(NamedTuple):
    task: Task
    light: Light
    reason: str
    targets: list[TargetState]
    latest: Entry | None
    said: str = ""
    """How documents word the light where it was decided outside the log (a roll-up: which
    member holds the task back); empty where the targets and reports say it."""
    figures: dict[str, str] | None = None
    """How a table cell words the targets that have no figure of their own (a roll-up's
    最差 targets: each member's figure), by target id."""


def _day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _pct(share: float) -> str:
    return f"{share * 100:.0f}%"


def _num(value: Number) -> str:
    return f"{value:g}"


def _behind(gap_points: float, settings: ScheduleSettings) -> Light:
    if gap_points > settings.red_gap:
        return "red"
    if gap_points > settings.yellow_gap:
        return "yellow"
    return "green"


def target_state(
    target: Target,
    actual: Number,
    reported_on: date,
    elapsed: float,
    settings: ScheduleSettings,
    as_of: date | None = None,
) -> TargetState:
    """The light of one target with its latest actual (cumulative, or the current level).

    ``elapsed`` is the task's 序时进度; at 1 the deadline has come and every target is
    judged against its full value. With ``as_of``, a target with milestones is held against
    the latest one passed instead (see ``pace``).
    """
    held = pace(target, as_of, elapsed)
    state = _judged(target, actual, reported_on, held, settings)
    return state._replace(planned=held.share) if held.milestone else state


def _judged(
    target: Target, actual: Number, reported_on: date, held: Pace, settings: ScheduleSettings
) -> TargetState:
    if target.op in ("<=", "<"):
        return _upper_bound(target, actual, reported_on, held, settings)
    if not target.accrues:
        return _level(target, actual, reported_on, held, settings)
    label = f"{target.id} {target.name}"
    value = target.value
    goal = value * (1 - settings.approx_tolerance / 100) if target.op == "~" else value
    met = actual > value if target.op == ">" else actual >= goal
    ratio = actual / value if value else 1.0
    reason = f"{label} {_num(actual)}/{_goal(target)}，完成{_pct(ratio)}，{held.words}"
    if met:
        if target.op == "between" and target.max is not None and actual > target.max:
            reason += "，已超过区间上限"
        return TargetState(target, actual, reported_on, "done", reason, ratio)
    return _paced(target, actual, reported_on, ratio, held.share, settings, reason)


def _goal(target: Target) -> str:
    if target.op == "between" and target.max is not None:
        return f"{_num(target.value)}—{_num(target.max)}{target.unit}"
    return f"{_num(target.value)}{target.unit}"


def _paced(
    target: Target,
    actual: Number,
    reported_on: date,
    share: float,
    elapsed: float,
    settings: ScheduleSettings,
    reason: str,
) -> TargetState:
    gap = (elapsed - share) * 100
    light = _behind(gap, settings)
    if light != "green":
        reason += f"，落后{gap:.0f}个百分点"
    return TargetState(target, actual, reported_on, light, reason, share)


def _level(
    target: Target, actual: Number, reported_on: date, held: Pace, settings: ScheduleSettings
) -> TargetState:
    """A level or rate: met or not, whatever the date. Below it, progress from the 基数
    keeps pace with 序时进度 when the 基数 is known; without it the level is only judged
    against the full target at the deadline."""
    label = f"{target.id} {target.name}"
    value, unit = target.value, target.unit
    tolerance = settings.approx_tolerance / 100
    if target.op == "~":
        off = abs(actual - value) / value if value else 0.0
        met = off <= tolerance + 1e-9
        shortfall = off
    else:
        met = actual > value if target.op == ">" else actual >= value
        shortfall = 1 - (actual / value if value else 1.0)
    head = f"{label} {_num(actual)}{unit}"
    goal = (
        f"约{_num(value)}{unit}（±{settings.approx_tolerance:g}%）"
        if target.op == "~"
        else _goal(target)
    )
    if met:
        return TargetState(target, actual, reported_on, "done", f"{head}，目标{goal}，已达到")
    elapsed = held.share
    base = target.base
    if base is not None and base != value:
        share = (actual - base) / (value - base)
        reason = (
            f"{head}，基数{_num(base)}{unit}，目标{goal}，完成目标增幅的{_pct(share)}，{held.words}"
        )
        return _paced(target, actual, reported_on, share, elapsed, settings, reason)
    reached = f"{head}，目标{goal}" + (
        "" if target.op == "~" else f"，达到目标的{_pct(1 - shortfall)}"
    )
    if held.milestone:
        planned = value * held.share
        behind = 1 - actual / planned if planned and actual < planned else 0.0
        light = _behind(behind * 100, settings)
        return TargetState(target, actual, reported_on, light, f"{reached}，{held.words}")
    if elapsed >= 1:
        return TargetState(
            target,
            actual,
            reported_on,
            _behind(shortfall * 100, settings),
            reached + "，期限已到未达到",
        )
    return TargetState(
        target,
        actual,
        reported_on,
        "green",
        reached + "（水平指标，未设基数，期限前不判断滞后）",
    )


def _upper_bound(
    target: Target, actual: Number, reported_on: date, held: Pace, settings: ScheduleSettings
) -> TargetState:
    label = f"{target.id} {target.name}"
    value, unit = target.value, target.unit
    over = actual > value if target.op == "<=" else actual >= value
    ratio = actual / value if value else 0.0
    if not target.accrues:
        light: Light = "red" if over else "done"
        reason = f"{label} {_num(actual)}{unit}，上限{_num(value)}{unit}" + (
            "，已超限" if over else ""
        )
        return TargetState(target, actual, reported_on, light, reason)
    elapsed = held.share
    reason = f"{label} {_num(actual)}/{_num(value)}{unit}（上限），已用{_pct(ratio)}，{held.words}"
    if over:
        return TargetState(target, actual, reported_on, "red", reason + "，已超过全年上限", ratio)
    if elapsed >= 1:
        return TargetState(target, actual, reported_on, "done", reason, ratio)
    gap = (ratio - elapsed) * 100
    light = _behind(gap, settings)
    if light != "green":
        reason += f"，超出序时{gap:.0f}个百分点"
    return TargetState(target, actual, reported_on, light, reason, ratio)


def task_state(
    ledger: Ledger,
    progress: Progress,
    task: Task,
    as_of: date,
    calendar: Calendar | None = None,
) -> TaskState:
    """A task's light: its worst target, or its reported status, then its deadline and the
    reporting calendar.

    序时进度 runs from the start of the period to the task's own deadline. A task is grey
    (未报送) only when a due date of the calendar has passed with nothing reported for its
    cycle; before the first due date a task without reports owes nothing yet.
    """
    decided = progress.decided(task.id, as_of)
    if isinstance(decided, TaskState):
        return decided
    settings = ledger.settings
    period = ledger.plan.period
    calendar = calendar or Calendar.of(ledger)
    due = task.due or period.end
    elapsed = elapsed_share(as_of, period.start, due)
    found = progress.task_indexes(task.id, as_of)
    missed = calendar.last_due(as_of)
    if not found:
        if as_of > due:
            return TaskState(task, "red", f"已过完成期限{_day(due)}，尚无进展报送", [], None)
        if missed is None:
            first = calendar.dues[0]
            return TaskState(task, "green", f"尚未到首次报送截止日{_day(first)}", [], None)
        return TaskState(
            task,
            "grey",
            f"{_day(missed)}应报未报，已逾期{(as_of - missed).days}天，尚无进展报送",
            [],
            None,
        )
    latest = progress.entry(found[-1])
    figures = progress.figures(task.id, as_of, {t.id for t in task.targets})
    states = [
        target_state(
            target, figures[target.id].value, figures[target.id].day, elapsed, settings, as_of
        )
        for target in task.targets
        if target.id in figures
    ]
    light, reason = _combine(task, states, latest, as_of)
    if light == "done":
        return TaskState(task, light, reason, states, latest)
    if as_of > due:
        reason = f"已过完成期限{_day(due)}，尚未完成；{reason}"
        return TaskState(task, "red", reason, states, latest)
    start = calendar.window_start(missed) if missed is not None else None
    if missed is not None and start is not None and latest.date <= start:
        overdue = (as_of - missed).days
        reason = f"{_day(missed)}应报未报，已逾期{overdue}天（最近一次报送为{_day(latest.date)}）"
        return TaskState(task, "grey", reason, states, latest)
    return TaskState(task, light, reason, states, latest)


def _combine(
    task: Task, states: list[TargetState], latest: Entry, as_of: date
) -> tuple[Light, str]:
    """A task's light from its targets' lights; from the reported status only where the
    task has no numeric target. A task with targets and no figure at all is never lit
    序时推进 or 已完成 by words alone: it is 未报数, counted with 未报送 (unless its words
    say it is behind: 受阻 or 未启动 is 滞后). A task without targets reported 未启动
    before its first milestone is on schedule: nothing is due yet (倒排工期)."""
    if states:
        worst = max(states, key=lambda s: _SEVERITY[s.light])
        if worst.light == "done" and len(states) < len(task.targets):
            missing = len(task.targets) - len(states)
            return "green", f"已报指标均已完成，另有{missing}项指标未报数"
        if worst.light == "done":
            return "done", "全部指标已完成"
        reason = worst.reason
        if worst.reported_on < latest.date:
            reason += f"（数值为{_day(worst.reported_on)}所报，{_day(latest.date)}的报送未报数）"
        return worst.light, reason
    status_light: dict[str, Light] = {
        "已完成": "done",
        "推进中": "green",
        "受阻": "yellow",
        "未启动": "yellow",
    }
    reason = f"最新状态：{latest.status}（{_day(latest.date)}）"
    if latest.problems:
        reason += f"，存在问题：{latest.problems}"
    light = status_light[latest.status or "推进中"]
    first = task.milestones[0] if task.milestones else None
    if latest.status == "未启动" and first is not None and first.by > as_of:
        light = "green"  # nothing is due before the first node (倒排工期)
        reason += f"，首个节点{_short(first.by)}：{first.text}"
    if task.targets and light in ("done", "green"):
        return "grey", (
            f"未报数：{len(task.targets)}项量化指标均未报送数值，"
            f"不能按序时进度判断（最近报送为{_day(latest.date)}，状态{latest.status}）"
        )
    return light, reason


class StatusReport(NamedTuple):
    as_of: date
    elapsed: float
    states: list[TaskState]

    def counts(self, states: list[TaskState] | None = None) -> dict[Light, int]:
        counts: dict[Light, int] = dict.fromkeys(LIGHTS, 0)
        for state in self.states if states is None else states:
            counts[state.light] += 1
        return counts


def lead_groups(ledger: Ledger, states: list[TaskState]) -> list[tuple[str, list[TaskState]]]:
    """Tasks grouped by each lead (or responsible) unit, the busiest unit first."""
    groups: dict[str, list[TaskState]] = {}
    for state in states:
        for unit in state.task.lead or state.task.responsible:
            if unit in ledger.units:
                groups.setdefault(unit, []).append(state)
    return sorted(groups.items(), key=lambda item: -len(item[1]))


def status_report(
    ledger: Ledger, progress: Progress, tasks: list[Task], as_of: date
) -> StatusReport:
    period = ledger.plan.period
    calendar = Calendar.of(ledger)
    return StatusReport(
        as_of,
        elapsed_share(as_of, period.start, period.end),
        [task_state(ledger, progress, task, as_of, calendar) for task in tasks],
    )


def default_as_of(ledger: Ledger, today: date | None = None) -> date:
    """Today (in the plan's time zone), held inside the plan period (a closed plan is seen
    as at its last day)."""
    from zctasks.plan.zones import plan_today

    period = ledger.plan.period
    return min(max(today or plan_today(ledger.reporting.time_zone), period.start), period.end)
