"""From the rules and the facts to a score sheet: every point a line that names its rule,
what it was counted from and the arithmetic.

The order is the 办法's: each unit starts at 起评分; in each 考评期, every indicator is
scored within the unit's series by its method, every event rule adds or deducts per event,
a rule's ``max`` and the caps across rules are applied, and the total is kept above the
floor; the periods are weighted into the total; 一票否决 then sets or limits the grade, and
units are ranked and graded within their series. A line's points are rounded once (half
up); subtotals and totals are the exact sums of the lines shown, so a sheet always adds up.
"""

from __future__ import annotations

import calendar as _days
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from zctasks.judge.cycles import Calendar
from zctasks.judge.schedule import TaskState
from zctasks.log.figures import number
from zctasks.log.store import Progress
from zctasks.log.urges import Slip
from zctasks.plan.ledger import Ledger
from zctasks.plan.models import Entry, Task
from zctasks.scoring import facts
from zctasks.scoring.measures import (
    Completion,
    Reading,
    completion,
    num,
    pct,
    q,
    reading,
    scope,
    term_value,
)
from zctasks.scoring.reading import Rules
from zctasks.scoring.rules import EventRule, Indicator, ScoringFile, Veto, canonical
from zctasks.scoring.sheet import (
    WIDE,
    Line,
    PeriodScore,
    ScoreSheet,
    UnitScore,
    VetoHit,
    rounded,
)
from zctasks.scoring.whatif import WhatIf


def cn_day(day: date) -> str:
    return f"{day.month}月{day.day}日"


def tasks_text(ids: list[int] | tuple[int, ...]) -> str:
    return "第" + "、".join(str(i) for i in ids) + "项" if ids else ""


@dataclass(frozen=True)
class Window:
    name: str
    start: date
    end: date
    """The day it is scored at."""
    weight: float


def windows(ledger: Ledger, file: ScoringFile, as_of: date) -> list[Window]:
    """The periods begun by ``as_of``, each scored at its end or at ``as_of``."""
    start = ledger.plan.period.start
    if not file.periods:
        return [Window("", start, as_of, 1.0)]
    found = []
    for period in file.periods:
        if start > as_of:
            break
        found.append(Window(period.name, start, min(period.end, as_of), float(period.weight)))
        start = period.end + timedelta(days=1)
    return found or [Window(file.periods[0].name, start, as_of, float(file.periods[0].weight))]


def sub_days(start: date, end: date, every: str) -> list[date]:
    """Month or quarter ends from ``start`` to ``end``, and ``end`` itself."""
    days = []
    year, month = start.year, start.month
    while True:
        last = date(year, month, _days.monthrange(year, month)[1])
        if last >= end:
            break
        if every == "month" or month % 3 == 0:
            days.append(last)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return [*days, end]


@dataclass
class Event:
    """One or more events of a rule for a unit, grouped as one line."""

    rule: EventRule
    day: date
    count: int
    what: str
    points: float | None = None
    """Points of the whole group when they are not count × rule.points (a record's own)."""
    tasks: tuple[int, ...] = ()
    entries: tuple[str, ...] = ()
    slips: tuple[str, ...] = ()
    records: tuple[int, ...] = ()


@dataclass
class Context:
    ledger: Ledger
    progress: Progress
    rules: Rules
    as_of: date
    slips: list[Slip]
    calendar: Calendar
    lights: dict[tuple[int, date], TaskState] = field(default_factory=dict)
    reports: dict[int, list[Entry]] = field(default_factory=dict)
    cycles: dict[int, list[facts.Cycle]] = field(default_factory=dict)

    @property
    def file(self) -> ScoringFile:
        return self.rules.file

    def light(self, task: Task, day: date) -> TaskState:
        key = (task.id, day)
        if key not in self.lights:
            self.lights[key] = facts.light_at(self.ledger, self.progress, task, day, self.calendar)
        return self.lights[key]

    def task_reports(self, task_id: int) -> list[Entry]:
        if task_id not in self.reports:
            self.reports[task_id] = self.progress.of_task(task_id, self.as_of)
        return self.reports[task_id]

    def task_cycles(self, task: Task) -> list[facts.Cycle]:
        if task.id not in self.cycles:
            self.cycles[task.id] = facts.cycles(
                self.ledger, self.progress, task, self.as_of, self.calendar
            )
        return self.cycles[task.id]

    def round(self, value: float | Decimal) -> Decimal:
        return rounded(value, self.file.decimals)


def assessed_units(ledger: Ledger, rules: Rules) -> dict[str, str]:
    """Every unit scored → its series, in departments.yaml order."""
    file = rules.file
    roles = tuple(canonical(r) for r in file.assessed)
    found: dict[str, str] = {}
    for unit, info in ledger.units.items():
        if not any(unit in getattr(t, role) for t in ledger.tasks.values() for role in roles):
            continue
        if not file.series:
            found[unit] = "全部单位"
            continue
        for series in file.series:
            named = {rules.units.get(n, n) for n in series.units}
            if unit in named or info.kind in series.kinds:
                found[unit] = series.name
                break
        else:
            rest = next((s for s in file.series if s.rest), None)
            if rest is not None:
                found[unit] = rest.name
    return found


def score(
    ledger: Ledger,
    progress: Progress,
    rules: Rules,
    as_of: date,
    slips: list[Slip] | None = None,
) -> ScoreSheet:
    """Every assessed unit's score as at ``as_of``."""
    file = rules.file
    if slips is None:
        slips = facts.slips(ledger, ledger.root)
    ctx = Context(
        ledger, progress, rules, as_of, [s for s in slips if s.issued <= as_of], Calendar.of(ledger)
    )
    members = assessed_units(ledger, rules)
    series_names = [s.name for s in file.series] or ["全部单位"]
    spans = windows(ledger, file, as_of)
    total_weight = sum(w.weight for w in spans)
    units = {
        unit: UnitScore(
            unit,
            series,
            [PeriodScore(w.name, w.start, w.end, w.weight / total_weight) for w in spans],
        )
        for unit, series in members.items()
    }
    events = {unit: _events(ctx, unit) for unit in units}
    factors = {s.name: float(s.deduction_factor) for s in file.series}
    for n, span in enumerate(spans):
        indicator_lines = _indicators(ctx, span, members)
        for unit, result in units.items():
            period = result.periods[n]
            if file.base:
                period.lines.append(
                    Line(
                        "",
                        "起评分",
                        "base",
                        ctx.round(float(file.base)),
                        "起评分",
                        f"{number(file.base)}分",
                        span.name,
                    )
                )
            period.lines += indicator_lines.get(unit, [])
            factor = factors.get(result.series, 1.0)
            period.lines += _event_lines(ctx, span, events[unit], factor, result.series)
            period.lines += _caps(ctx, span, period.lines)
            if file.floor is not None and period.subtotal < ctx.round(float(file.floor)):
                lift = ctx.round(float(file.floor)) - period.subtotal
                period.lines.append(
                    Line(
                        "",
                        "最低分",
                        "floor",
                        lift,
                        f"得分低于{number(file.floor)}分的按{number(file.floor)}分计（扣完为止）",
                        f"{number(file.floor)}−（{period.subtotal}）＝{lift}",
                        span.name,
                    )
                )
    for result in units.values():
        _total(ctx, result)
        result.vetoes = _vetoes(ctx, result.unit)
    _grade_and_rank(file, list(units.values()), series_names)
    order = {name: i for i, name in enumerate(series_names)}
    unit_order = {name: i for i, name in enumerate(ledger.units)}
    ordered = sorted(units.values(), key=lambda u: (order[u.series], u.rank, unit_order[u.unit]))
    hypothetical = (
        {k: float(v) for k, v in progress.hypothetical.items()}
        if isinstance(progress, WhatIf)
        else {}
    )
    return ScoreSheet(
        file.title, as_of, rules.digest, series_names, ordered, hypothetical, file.decimals
    )


# ------------------------------------------------------------------------ indicators


@dataclass
class Measured:
    """An indicator's measure for one unit at one day."""

    value: float | None
    """None when the unit has the targets but no figures for them (scored at the floor)."""
    text: str
    readings: list[Reading]
    completions: list[Completion] = field(default_factory=list)


def _measure(ctx: Context, ind: Indicator, unit: str, day: date) -> Measured | None:
    """The unit's measure, or None when it has no targets for the indicator."""
    tasks = scope(ctx.ledger, unit, ind.roles, ind.tasks)
    if ind.measure:
        if not any(t.id in ind.targets or not ind.targets for task in tasks for t in task.targets):
            return None
        parts = []
        for term in ind.measure:
            found = term_value(ctx.ledger, ctx.progress, tasks, term, day, ind.pace, ind.cap)
            if found is None:
                from zctasks.scoring.measures import find_target

                if find_target(tasks, term.target) is None:
                    return None
                return Measured(None, f"{term.target}未报数", [])
            parts.append(found)
        value = q(sum(p.value for p in parts), 4)
        text = "；".join(p.text for p in parts)
        if len(parts) > 1:
            summed = num(parts[0].value) + "".join(
                f"＋{num(p.value)}" if p.value >= 0 else num(p.value) for p in parts[1:]
            )
            text += f"；合计{summed}＝{num(value)}"
        return Measured(value, text, [r for p in parts for r in p.readings])
    targets = [
        (task, target)
        for task in tasks
        for target in task.targets
        if not ind.targets or target.id in ind.targets
    ]
    if not targets:
        return None
    done = [
        completion(ctx.ledger, reading(ctx.progress, task, target, day), day, ind.pace, ind.cap)
        for task, target in targets
    ]
    value = q(sum(c.percent for c in done) / len(done), 4)
    listed = next(
        (
            other
            for other in ctx.file.indicators
            if canonical(other.method) == "completion" and not other.every and other is not ind
        ),
        None,
    )
    if len(done) == 1:
        text = done[0].text
    elif listed is not None and not ind.targets and not listed.targets:
        task_ids = list(dict.fromkeys(c.reading.task.id for c in done))
        text = (
            f"{tasks_text(task_ids)}的{len(done)}项指标平均完成率{num(value)}%"
            f"（各项见“{listed.name}”）"
        )
    else:
        text = "完成率 " + "；".join(c.short for c in done) + f"；平均{num(value)}%"
    return Measured(value, text, [c.reading for c in done], done)


def _refs(readings: list[Reading]) -> dict[str, tuple[str, ...] | tuple[int, ...]]:
    return {
        "tasks": tuple(dict.fromkeys(r.task.id for r in readings)),
        "targets": tuple(dict.fromkeys(r.target.id for r in readings)),
        "entries": tuple(dict.fromkeys(r.entry for r in readings if r.entry)),
        "hypothetical": tuple(dict.fromkeys(r.target.id for r in readings if r.hypothetical)),
    }


def _clamp(ind: Indicator, value: float) -> tuple[float, str]:
    ceiling = float(ind.ceiling if ind.ceiling is not None else ind.points)
    floor = float(ind.floor)
    if value > ceiling:
        return ceiling, f"，最高{num(ceiling)}分"
    if value < floor:
        return floor, f"，最低{num(floor)}分"
    return value, ""


@dataclass
class Scored:
    points: float
    arithmetic: str


def _method_scores(
    ctx: Context, ind: Indicator, measured: dict[str, Measured], series_units: list[str]
) -> dict[str, Scored]:
    """Each unit's points for one indicator at one day, by the indicator's method, among the
    units of one series that have a measure."""
    method = canonical(ind.method)
    points = float(ind.points)
    present = {u: m.value for u, m in measured.items() if m.value is not None}
    lower = canonical(ind.better) == "lower"
    found: dict[str, Scored] = {}
    for unit, m in measured.items():
        if m.value is None:
            found[unit] = Scored(float(ind.floor), f"未报数，按{num(float(ind.floor))}分计")
    if method == "completion":
        for unit, value in present.items():
            raw = points * value / 100
            kept, note = _clamp(ind, raw)
            found[unit] = Scored(kept, f"{num(points)}×{num(value)}%＝{num(raw)}{note}")
    elif method == "efficacy":
        s, u = float(ind.satisfied or 0), float(ind.unacceptable or 0)
        for unit, value in present.items():
            d = q(60 + 40 * (value - u) / (s - u), 4)
            raw = points * d / 100
            kept, note = _clamp(ind, raw)
            found[unit] = Scored(
                kept,
                f"功效系数＝60＋40×（{num(value)}−{num(u)}）÷（{num(s)}−{num(u)}）＝{num(d)}；"
                f"{num(points)}×{num(d)}%＝{num(raw)}{note}",
            )
    elif method == "relative":
        combined = {}
        for unit, value in present.items():
            k = float(_coefficient(ctx, ind, unit))
            combined[unit] = (q(value * k, 4), k)
        if combined:
            pick = min if lower else max
            best_unit = pick(
                combined, key=lambda name: (combined[name][0], -series_units.index(name))
            )
            best = combined[best_unit][0]
            for unit, (c, k) in combined.items():
                shown = f"{num(present[unit])}×难度系数{num(k)}＝{num(c)}；" if k != 1 else ""
                if lower:
                    raw = points * best / c if c > 0 else 0.0
                    formula = f"{num(points)}×{num(best)}÷{num(c)}"
                else:
                    raw = points * c / best if best > 0 else 0.0
                    formula = f"{num(points)}×{num(c)}÷{num(best)}"
                kept, note = _clamp(ind, raw)
                found[unit] = Scored(
                    kept,
                    f"{shown}序列最优{best_unit}{num(best)}；{formula}＝{num(raw)}{note}",
                )
    elif method == "steps":
        if present:
            average = q(sum(present.values()) / len(present), 4)
            step, per, middle = float(ind.step or 0), float(ind.per), float(ind.average_points or 0)
            for unit, value in present.items():
                gap = (average - value) if lower else (value - average)
                raw = middle + step * gap / per
                kept, note = _clamp(ind, raw)
                word = "高于" if value > average else "低于"
                found[unit] = Scored(
                    kept,
                    f"序列平均{num(average)}，{word}平均{num(abs(value - average))}；"
                    f"{num(middle)}{'＋' if gap >= 0 else '−'}{num(step)}×{num(abs(gap))}÷{num(per)}＝{num(raw)}{note}",
                )
    elif method == "bands":
        for unit, value in present.items():
            band = next((b for b in ind.bands if b.min is None or value >= float(b.min)), None)
            points_of = float(band.points) if band is not None else float(ind.floor)
            reached = (
                f"达到{num(float(band.min))}及以上一档"
                if band is not None and band.min is not None
                else "在最低一档"
            )
            kept, note = _clamp(ind, points_of)
            found[unit] = Scored(kept, f"{num(value)}，{reached}，得{num(points_of)}分{note}")
    elif method == "rank":
        ordered = sorted(present.values(), reverse=not lower)
        for unit, value in present.items():
            rank = ordered.index(value) + 1
            if ind.step is not None:
                raw = points - float(ind.step) * (rank - 1)
                formula = f"{num(points)}−{num(float(ind.step))}×{rank - 1}"
            else:
                share = float(ind.step_share or 0)
                raw = points * (1 - share / 100 * (rank - 1))
                formula = f"{num(points)}×（1−{num(share)}%×{rank - 1}）"
            kept, note = _clamp(ind, raw)
            found[unit] = Scored(
                kept, f"第{rank}名（共{len(present)}个）；{formula}＝{num(raw)}{note}"
            )
        for unit, m in measured.items():
            if m.value is None:
                found[unit] = Scored(
                    float(ind.floor), f"未报数，不参加排名，按{num(float(ind.floor))}分计"
                )
    return found


def _coefficient(ctx: Context, ind: Indicator, unit: str) -> float:
    for name, value in ind.coefficients.items():
        if ctx.rules.units.get(name, name) == unit:
            return float(value)
    return 1.0


def _indicators(ctx: Context, span: Window, members: dict[str, str]) -> dict[str, list[Line]]:
    lines: dict[str, list[Line]] = defaultdict(list)
    by_series: dict[str, list[str]] = defaultdict(list)
    for unit, series in members.items():
        by_series[series].append(unit)
    for ind in ctx.file.indicators:
        for units in by_series.values():
            for unit, line in _indicator_lines(ctx, ind, span, units):
                lines[unit].append(line)
    return lines


def _indicator_lines(
    ctx: Context, ind: Indicator, span: Window, units: list[str]
) -> list[tuple[str, Line]]:
    every = canonical(ind.every) if ind.every else None
    days = sub_days(span.start, span.end, every) if every else [span.end]
    per_day: list[tuple[date, dict[str, Measured], dict[str, Scored]]] = []
    for day in days:
        measured = {}
        for unit in units:
            found = _measure(ctx, ind, unit, day)
            if found is not None:
                measured[unit] = found
        per_day.append((day, measured, _method_scores(ctx, ind, measured, units)))
    result: list[tuple[str, Line]] = []
    present_scores: dict[str, float] = {}
    method = canonical(ind.method)
    for unit in units:
        if not any(unit in measured for _, measured, _ in per_day):
            continue
        if method == "completion" and not every:
            _, measured, scores = per_day[0]
            m = measured[unit]
            unit_lines = _completion_lines(ctx, ind, span, m, scores[unit])
            present_scores[unit] = sum(float(line.points) for line in unit_lines)
            result += [(unit, line) for line in unit_lines]
            continue
        parts, readings, texts = [], [], []
        for day, measured, scores in per_day:
            if unit not in measured:
                continue
            m, s = measured[unit], scores[unit]
            parts.append(s.points)
            readings += m.readings
            head = f"{cn_day(day)}：" if every else ""
            texts.append((head + m.text, head + s.arithmetic))
        if every:
            value = sum(parts) / len(parts)
            arithmetic = "；".join(a for _, a in texts)
            arithmetic += f"；（{'＋'.join(num(p) for p in parts)}）÷{len(parts)}＝{num(value)}"
        else:
            value = parts[0]
            arithmetic = texts[0][1]
        what = "；".join(w for w, _ in texts)
        points = ctx.round(value)
        present_scores[unit] = float(points)
        refs = _refs(readings)
        result.append(
            (
                unit,
                Line(
                    ind.id,
                    ind.name,
                    "indicator",
                    points,
                    what,
                    arithmetic,
                    span.name,
                    refs["tasks"],  # type: ignore[arg-type]
                    refs["targets"],  # type: ignore[arg-type]
                    refs["entries"],  # type: ignore[arg-type]
                    hypothetical=refs["hypothetical"],  # type: ignore[arg-type]
                ),
            )
        )
    absent = canonical(ind.absent)
    for unit in units:
        if unit in present_scores:
            continue
        if absent == "full":
            value, how = float(ind.points), f"按满分{num(float(ind.points))}分计"
        elif absent == "zero":
            value, how = 0.0, "按0分计"
        elif present_scores:
            value = sum(present_scores.values()) / len(present_scores)
            how = (
                f"按序列平均得分计：（{'＋'.join(num(v) for v in present_scores.values())}）"
                f"÷{len(present_scores)}＝{num(value)}"
            )
        else:
            value, how = (
                float(ind.points),
                f"序列中无单位有此项指标，按满分{num(float(ind.points))}分计",
            )
        result.append(
            (
                unit,
                Line(
                    ind.id,
                    ind.name,
                    "absent",
                    ctx.round(value),
                    "本单位无此项考评指标",
                    how,
                    span.name,
                ),
            )
        )
    return result


def _completion_lines(
    ctx: Context, ind: Indicator, span: Window, m: Measured, whole: Scored
) -> list[Line]:
    """完成比例: a line per target, each worth an equal share of the points."""
    n = len(m.completions)
    points = float(ind.points)
    lines = []
    for c in m.completions:
        raw = points / n * c.percent / 100
        share = (
            f"{num(points)}÷{n}×{pct(c.percent)}" if n > 1 else f"{num(points)}×{pct(c.percent)}"
        )
        r = c.reading
        lines.append(
            Line(
                ind.id,
                ind.name,
                "indicator",
                ctx.round(raw),
                f"{tasks_text([r.task.id])} {c.text}",
                f"{share}＝{num(raw)}",
                span.name,
                (r.task.id,),
                (r.target.id,),
                (r.entry,) if r.entry else (),
                hypothetical=(r.target.id,) if r.hypothetical else (),
            )
        )
    total = sum(float(line.points) for line in lines)
    kept, note = _clamp(ind, total)
    if kept != total:
        lines.append(
            Line(
                ind.id,
                ind.name,
                "cap",
                ctx.round(kept - total),
                f"{ind.name}合计{num(total)}分{note}",
                f"{num(kept)}−{num(total)}＝{num(kept - total)}",
                span.name,
            )
        )
    return lines


# ------------------------------------------------------------------------ events


def _events(ctx: Context, unit: str) -> list[Event]:
    found: list[Event] = []
    for rule in ctx.file.events:
        kind = canonical(rule.when)
        tasks = scope(ctx.ledger, unit, rule.roles, rule.tasks)
        if kind in ("report-late", "report-missing"):
            found += _report_events(ctx, rule, kind, tasks)
        elif kind in ("light-red", "light-yellow", "repeated-red"):
            found += _light_events(ctx, rule, kind, tasks)
        elif kind in (
            "urge-issued",
            "urge-unanswered",
            "urge-late",
            "urge-answered",
            "answer-empty",
        ):
            found += _urge_events(ctx, rule, kind, unit)
        elif kind in ("task-done", "task-early"):
            found += _done_events(ctx, rule, kind, tasks)
        elif kind == "manual":
            for i, record in enumerate(ctx.file.records):
                if record.rule == rule.id and ctx.rules.units.get(record.unit, record.unit) == unit:
                    if record.date > ctx.as_of:
                        continue
                    line = ctx.rules.record_lines[i] if i < len(ctx.rules.record_lines) else 0
                    source = f"（{record.source}）" if record.source else ""
                    points = None
                    if record.points is not None:
                        points = float(record.points) * record.count
                    found.append(
                        Event(
                            rule,
                            record.date,
                            record.count,
                            f"{cn_day(record.date)}{record.note}{source}",
                            points,
                            records=(line,),
                        )
                    )
    return found


def _report_events(ctx: Context, rule: EventRule, kind: str, tasks: list[Task]) -> list[Event]:
    found = []
    for task in tasks:
        for cycle in ctx.task_cycles(task):
            if cycle.start is not None and ctx.light(task, cycle.start).light == "done":
                continue  # a task done before the cycle owes no more reports
            if kind == "report-missing" and cycle.arrived is None:
                found.append(
                    Event(
                        rule,
                        cycle.due,
                        1,
                        f"{tasks_text([task.id])}{cn_day(cycle.due)}截止的报送至{cn_day(cycle.judged)}未报送",
                        tasks=(task.id,),
                    )
                )
            if kind == "report-late" and cycle.arrived is not None:
                late = (cycle.arrived - cycle.due).days
                if late > rule.grace:
                    found.append(
                        Event(
                            rule,
                            cycle.due,
                            1,
                            f"{tasks_text([task.id])}{cn_day(cycle.due)}截止的报送{cn_day(cycle.arrived)}才报送，逾期{late}天",
                            tasks=(task.id,),
                            entries=cycle.entries[:1],
                        )
                    )
    return found


def _light_events(ctx: Context, rule: EventRule, kind: str, tasks: list[Task]) -> list[Event]:
    wanted = "yellow" if kind == "light-yellow" else "red"
    dues = [d for d in ctx.calendar.dues if d <= ctx.as_of]
    found = []
    for task in tasks:
        hits: list[tuple[date, TaskState]] = []
        streak: list[tuple[date, TaskState]] = []
        for due in dues:
            state = ctx.light(task, due)
            if kind == "repeated-red":
                streak = [*streak, (due, state)] if state.light == "red" else []
                if len(streak) == rule.times:
                    days = "、".join(cn_day(d) for d, _ in streak)
                    found.append(
                        Event(
                            rule,
                            due,
                            1,
                            f"{tasks_text([task.id])}连续{rule.times}个报送周期（{days}）严重滞后，约谈",
                            tasks=(task.id,),
                            entries=_state_entries(streak),
                        )
                    )
                    streak = []
            elif state.light == wanted:
                hits.append((due, state))
        if kind == "repeated-red":
            continue
        light_word = "严重滞后" if wanted == "red" else "滞后"
        for group in _groups(hits, rule.times):
            days = "、".join(cn_day(d) for d, _ in group)
            reason = group[-1][1].reason
            found.append(
                Event(
                    rule,
                    group[-1][0],
                    1,
                    f"{tasks_text([task.id])}{days}{light_word}（{reason}）",
                    tasks=(task.id,),
                    entries=_state_entries(group),
                )
            )
    return found


def _groups(hits: list[tuple[date, TaskState]], size: int) -> list[list[tuple[date, TaskState]]]:
    return [hits[i : i + size] for i in range(0, len(hits) - size + 1, size)]


def _state_entries(states: list[tuple[date, TaskState]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(s.latest.id for _, s in states if s.latest is not None))


def _urge_events(ctx: Context, rule: EventRule, kind: str, unit: str) -> list[Event]:
    found = []
    for slip in ctx.slips:
        if slip.unit != unit:
            continue
        if rule.tasks:
            items = tuple(i for i in slip.items if i.task in rule.tasks)
            if not items:
                continue
            slip = replace(slip, items=items)
        if kind == "urge-issued":
            found.append(
                Event(
                    rule,
                    slip.issued,
                    1,
                    f"{cn_day(slip.issued)}被催办（{slip.code}），涉及{tasks_text(list(slip.tasks))}",
                    tasks=slip.tasks,
                    slips=(slip.code,),
                )
            )
            continue
        reports = {task: ctx.task_reports(task) for task in slip.tasks}
        for item in facts.answers(slip, reports, ctx.as_of):
            entry = (item.entry.id,) if item.entry else ()
            if kind == "urge-unanswered" and item.answer == "逾期未反馈":
                found.append(
                    Event(
                        rule,
                        slip.due,
                        1,
                        f"{slip.code}催办的{tasks_text([item.task])}，反馈时限{cn_day(slip.due)}，至{cn_day(ctx.as_of)}未反馈",
                        tasks=(item.task,),
                        slips=(slip.code,),
                    )
                )
            elif (
                kind == "urge-answered"
                and item.answer == "已反馈"
                and item.day is not None
                and item.entry is not None
                and not facts.lacks_substance(ctx.ledger.tasks[item.task], item.entry)
            ):
                found.append(
                    Event(
                        rule,
                        item.day,
                        1,
                        f"{slip.code}催办的{tasks_text([item.task])}，{cn_day(item.day)}按时反馈",
                        tasks=(item.task,),
                        entries=entry,
                        slips=(slip.code,),
                    )
                )
            elif kind == "urge-late" and item.answer == "逾期反馈" and item.day is not None:
                found.append(
                    Event(
                        rule,
                        item.day,
                        1,
                        f"{slip.code}催办的{tasks_text([item.task])}，反馈时限{cn_day(slip.due)}，{cn_day(item.day)}才反馈",
                        tasks=(item.task,),
                        entries=entry,
                        slips=(slip.code,),
                    )
                )
            elif (
                kind == "answer-empty"
                and item.entry is not None
                and item.day is not None
                and facts.lacks_substance(ctx.ledger.tasks[item.task], item.entry)
            ):
                found.append(
                    Event(
                        rule,
                        item.day,
                        1,
                        f"{slip.code}催办的{tasks_text([item.task])}，{cn_day(item.day)}的反馈没有指标数据",
                        tasks=(item.task,),
                        entries=entry,
                        slips=(slip.code,),
                    )
                )
    return found


def _done_events(ctx: Context, rule: EventRule, kind: str, tasks: list[Task]) -> list[Event]:
    found = []
    for task in tasks:
        state = ctx.light(task, ctx.as_of)
        if state.light != "done" or state.latest is None:
            continue
        deadline = task.due or ctx.ledger.plan.period.end
        day = state.latest.date
        if kind == "task-early" and day >= deadline:
            continue
        what = f"{tasks_text([task.id])}{cn_day(day)}报告完成"
        if kind == "task-early":
            what += f"，早于完成期限{cn_day(deadline)}"
        found.append(Event(rule, day, 1, what, tasks=(task.id,), entries=(state.latest.id,)))
    return found


def _event_lines(
    ctx: Context, span: Window, events: list[Event], factor: float, series: str
) -> list[Line]:
    inside = [e for e in events if span.start <= e.day <= span.end]
    by_rule: dict[str, list[Event]] = defaultdict(list)
    for event in inside:
        by_rule[event.rule.id].append(event)
    lines = []
    for rule in ctx.file.events:
        group = by_rule.get(rule.id, [])
        if canonical(rule.per) == "task" and canonical(rule.when) in ("light-red", "light-yellow"):
            kept: dict[tuple[int, ...], Event] = {}
            for event in group:
                kept.setdefault(event.tasks, event)
            group = list(kept.values())
        rule_lines = []
        for event in group:
            each = float(rule.points)
            raw = event.points if event.points is not None else each * event.count
            arithmetic = (
                f"{_signed(event.points)}分（记录）"
                if event.points is not None
                else f"{event.count}次×{_signed(each)}"
            )
            if raw < 0 and factor != 1 and rule.series_factor:
                arithmetic += f"×{num(factor)}（{series}扣分加倍）"
                raw *= factor
            points = ctx.round(raw)
            rule_lines.append(
                Line(
                    rule.id,
                    rule.name,
                    "deduction" if raw < 0 else "addition",
                    points,
                    event.what,
                    f"{arithmetic}＝{_signed(float(points))}",
                    span.name,
                    event.tasks,
                    (),
                    event.entries,
                    event.slips,
                    event.records,
                )
            )
        lines += rule_lines
        if rule.max is not None and rule_lines:
            total = sum((line.points for line in rule_lines), Decimal(0))
            limit = ctx.round(float(rule.max))
            if abs(total) > limit:
                kept_total = limit if total > 0 else -limit
                word = "加" if total > 0 else "扣"
                lines.append(
                    Line(
                        rule.id,
                        rule.name,
                        "cap",
                        kept_total - total,
                        f"{rule.name}合计{_signed(float(total))}分，本项最多{word}{limit}分",
                        f"{_signed(float(kept_total))}−（{_signed(float(total))}）＝{_signed(float(kept_total - total))}",
                        span.name,
                    )
                )
    return lines


def _signed(value: float) -> str:
    text = num(abs(value))
    return f"−{text}" if value < 0 else text


def _caps(ctx: Context, span: Window, lines: list[Line]) -> list[Line]:
    found = []
    for cap in ctx.file.caps:
        covered = [line for line in lines if line.rule in cap.rules]
        total = sum((line.points for line in covered), Decimal(0))
        limit = ctx.round(float(cap.max))
        if abs(total) > limit:
            kept = limit if total > 0 else -limit
            word = "加" if total > 0 else "扣"
            found.append(
                Line(
                    "",
                    cap.name,
                    "cap",
                    kept - total,
                    f"{'、'.join(cap.rules)}合计{_signed(float(total))}分，最多{word}{limit}分",
                    f"{_signed(float(kept))}−（{_signed(float(total))}）＝{_signed(float(kept - total))}",
                    span.name,
                )
            )
    return found


# ------------------------------------------------------------------------ totals


def _total(ctx: Context, result: UnitScore) -> None:
    if len(result.periods) == 1 and result.periods[0].share == 1.0:
        result.total = result.periods[0].subtotal
        return
    lines = []
    weights = [Decimal(repr(w.weight)) for w in windows(ctx.ledger, ctx.file, ctx.as_of)]
    for period, weight in zip(result.periods, weights, strict=True):
        value = ctx.round(WIDE.divide(WIDE.multiply(period.subtotal, weight), sum(weights)))
        lines.append(
            Line(
                "",
                f"{period.name}得分",
                "weight",
                value,
                f"{period.name}（{cn_day(period.start)}至{cn_day(period.end)}）得分{period.subtotal}",
                f"{period.subtotal}×权重{num(period.share * 100)}%＝{value}",
                period.name,
            )
        )
    result.weighting = lines
    result.total = sum((line.points for line in lines), Decimal(0))


def _vetoes(ctx: Context, unit: str) -> list[VetoHit]:
    hits = []
    for veto in ctx.file.vetoes:
        kind = canonical(veto.when)
        tasks = scope(ctx.ledger, unit, veto.roles)
        if kind == "task-overdue":
            late = []
            for task in tasks:
                deadline = task.due or ctx.ledger.plan.period.end
                if deadline < ctx.as_of and ctx.light(task, ctx.as_of).light != "done":
                    late.append((task, deadline))
            if late:
                hits.append(
                    _hit(
                        veto,
                        "、".join(f"第{t.id}项（期限{cn_day(d)}）" for t, d in late) + "逾期未完成",
                        tuple(t.id for t, _ in late),
                    )
                )
        elif kind == "red-tasks":
            red = [t for t in tasks if ctx.light(t, ctx.as_of).light == "red"]
            if len(red) >= veto.count:
                entries = tuple(
                    s.latest.id for t in red if (s := ctx.light(t, ctx.as_of)).latest is not None
                )
                hits.append(
                    _hit(
                        veto,
                        f"{tasks_text([t.id for t in red])}严重滞后，共{len(red)}项",
                        tuple(t.id for t in red),
                        entries=entries,
                    )
                )
        elif kind == "target-missed":
            for task in tasks:
                deadline = task.due or ctx.ledger.plan.period.end
                if deadline > ctx.as_of:
                    continue
                state = ctx.light(task, ctx.as_of)
                for target in task.targets:
                    if target.id not in veto.targets:
                        continue
                    met = any(s.target.id == target.id and s.light == "done" for s in state.targets)
                    if not met:
                        found = reading(ctx.progress, task, target, ctx.as_of)
                        shown = (
                            f"{number(found.value)}{target.unit}"
                            if found.value is not None
                            else "未报数"
                        )
                        hits.append(
                            _hit(
                                veto,
                                f"{target.id} {target.name} {shown}，未达到目标{number(target.value)}{target.unit}",
                                (task.id,),
                                (target.id,),
                                (found.entry,) if found.entry else (),
                            )
                        )
        else:
            for i, record in enumerate(ctx.file.records):
                if (
                    record.rule == veto.id
                    and ctx.rules.units.get(record.unit, record.unit) == unit
                    and record.date <= ctx.as_of
                ):
                    line = ctx.rules.record_lines[i] if i < len(ctx.rules.record_lines) else 0
                    source = f"（{record.source}）" if record.source else ""
                    hits.append(
                        _hit(veto, f"{cn_day(record.date)}{record.note}{source}", records=(line,))
                    )
    return hits


def _hit(
    veto: Veto,
    what: str,
    tasks: tuple[int, ...] = (),
    targets: tuple[str, ...] = (),
    entries: tuple[str, ...] = (),
    records: tuple[int, ...] = (),
) -> VetoHit:
    return VetoHit(
        veto.id, veto.name, what, veto.grade, veto.max_grade, tasks, targets, entries, records
    )


def _grade_and_rank(file: ScoringFile, units: list[UnitScore], series: list[str]) -> None:
    names = [g.name for g in file.grades]
    for name in series:
        members = sorted((u for u in units if u.series == name), key=lambda u: -u.total)
        for u in members:
            u.rank = 1 + sum(1 for other in members if other.total > u.total)
            if not file.grades:
                continue
            band = next(
                (
                    g.name
                    for g in file.grades
                    if g.min is None or u.total >= rounded(float(g.min), 4)
                ),
                names[-1],
            )
            for hit in u.vetoes:
                if hit.grade is not None:
                    band = hit.grade
                elif hit.max_grade is not None and names.index(band) < names.index(hit.max_grade):
                    band = hit.max_grade
            u.grade = band
        _quotas(file, [u for u in members if not u.vetoes], len(members))


def _quotas(file: ScoringFile, ranked: list[UnitScore], size: int) -> None:
    """Grades with a quota keep at most that share of the series, in rank order; units tied
    at the limit all go down, as 不超过 requires."""
    names = [g.name for g in file.grades]
    for index, grade in enumerate(file.grades[:-1]):
        if grade.quota is None:
            continue
        limit = int(size * float(grade.quota) / 100 + 1e-9)
        holders = [u for u in ranked if u.grade == grade.name]
        if len(holders) <= limit:
            continue
        cut = holders[limit].total
        for u in holders:
            if u.total <= cut:
                u.grade = names[index + 1]
