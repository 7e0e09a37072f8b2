"""Build the site: gather each page's facts from the judged ledger, render the templates,
write the folder. Everything is ordered by the plan (tasks by number, units in
departments.yaml order), and nothing depends on the clock: the same commit and as-of date
give the same bytes."""

from __future__ import annotations

import calendar as _days
import json
import os
import re
import shutil
import tempfile
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from zctasks.files.errors import UsageError
from zctasks.judge.cycles import Calendar
from zctasks.judge.history import CHANGE_NAMES, History, checkpoints, light_history
from zctasks.judge.schedule import (
    LIGHT_NAMES,
    LIGHTS,
    Light,
    TaskState,
    elapsed_share,
    lead_groups,
    status_report,
)
from zctasks.judge.views import (
    chapter_numeral,
    principal_units,
    target_goal,
    unit_list,
    visible,
)
from zctasks.log.figures import number
from zctasks.log.store import FIX, VOID, Progress
from zctasks.plan.ledger import ROLE_NAMES, Ledger
from zctasks.plan.models import ROLES, Target, Task
from zctasks.site import gitinfo

MARKER = ".zctasks-site"
"""A file that says a folder holds a site this tool built (and may replace)."""
SHORT: dict[Light, str] = {
    "done": "完成",
    "green": "序时",
    "yellow": "滞后",
    "red": "严重",
    "grey": "未报",
}
CELL_CLASSES: dict[Light, str] = {"done": "d", "green": "g", "yellow": "y", "red": "r", "grey": "n"}
"""Board cells are many (tasks × months): short class names keep the page small."""
TREND_WEEKS = 53
"""The overview's trend shows at most this many weeks, the latest."""
READ_ONLY = "本地只读浏览：本服务只读取台账文件，从不写入；台账有改动时页面自动重建。"


@dataclass
class Built:
    folder: Path
    pages: int
    bytes: int
    warnings: list[str] = field(default_factory=list)


def _day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _share(part: int, whole: int) -> str:
    return f"{part / whole * 100:.1f}%" if whole else "0.0%"


def _month_end(year: int, month: int) -> date:
    return date(year, month, _days.monthrange(year, month)[1])


def _months(start: date, end: date) -> list[tuple[int, int]]:
    found = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        found.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


class Site:
    """The facts of every page, computed once."""

    def __init__(self, ledger: Ledger, progress: Progress, as_of: date, serving: bool) -> None:
        self.ledger = ledger
        self.progress = progress
        self.as_of = as_of
        self.serving = serving
        self.tasks = list(ledger.tasks.values())
        self.calendar = Calendar.of(ledger)
        self.now = status_report(ledger, progress, self.tasks, as_of)
        self.week_ago = status_report(ledger, progress, self.tasks, as_of - timedelta(days=7))
        self.states = {s.task.id: s for s in self.now.states}
        self.unit_ids = {name: n for n, name in enumerate(ledger.units, 1)}
        self.source = gitinfo.source(ledger.root)
        self.blames: dict[str, dict[int, gitinfo.LineCommit]] = {}
        self.cycles: History = light_history(
            ledger, progress, self.tasks, checkpoints(ledger, as_of)
        )
        period = ledger.plan.period
        self.months = _months(period.start, period.end)
        issued = ledger.plan.issued
        self.judged_months = [
            (y, m) for y, m in self.months if date(y, m, 1) <= as_of and _month_end(y, m) >= issued
        ]
        ends = [min(_month_end(y, m), as_of) for y, m in self.judged_months]
        self.monthly: History = light_history(ledger, progress, self.tasks, ends)
        """Each task's light at the end of every month from the plan's issue to the as-of
        date (months before the plan was issued have none)."""

    # ------------------------------------------------------------------ shared

    def blame(self, relative: str) -> dict[int, gitinfo.LineCommit]:
        """The commit of each line of a month file: ``git blame`` once a file for the whole
        site (not once a task: that ran it tens of thousands of times), and not at all
        outside a repository."""
        if relative not in self.blames:
            found = gitinfo.blame(self.ledger.root, relative) if self.source.commit else {}
            self.blames[relative] = found
        return self.blames[relative]

    def unit_link(self, name: str, base: str) -> dict[str, Any]:
        number = self.unit_ids.get(name)
        return {"name": name, "href": f"{base}units/{number}.html" if number else ""}

    def common(self, title: str, base: str) -> dict[str, Any]:
        plan = self.ledger.plan
        source = self.source
        if source.commit:
            built = f"据提交 {source.commit[:10]}（{source.day}）" + (
                "及未提交的改动" if source.dirty else ""
            )
        else:
            built = "据台账文件（不在 git 仓库中）"
        return {
            "title": title,
            "plan": plan,
            "base": base,
            "as_of": _day(self.as_of),
            "elapsed": f"{self.now.elapsed * 100:.1f}%",
            "built": built,
            "serving": self.serving,
            "read_only": READ_ONLY,
            "light_names": LIGHT_NAMES,
            "short": SHORT,
            "lights": LIGHTS,
        }

    def state_row(self, state: TaskState, base: str) -> dict[str, Any]:
        task = state.task
        return {
            "id": task.id,
            "href": f"{base}tasks/{task.id}.html",
            "title": task.title,
            "light": state.light,
            "reason": state.reason,
            "lead": [self.unit_link(u, base) for u in task.lead or task.responsible],
            "last": _day(state.latest.date) if state.latest else "—",
        }

    def counts_row(self, label: str, href: str, states: list[TaskState]) -> dict[str, Any]:
        counts = self.now.counts(states)
        return {"label": label, "href": href, "counts": counts, "total": len(states)}


def _charts_or_note(make: Any, warnings: list[str]) -> list[tuple[str, str]]:
    """The charts as SVG, or none (with one warning) where no Chinese font is found."""
    from zctasks.documents.plots import ChartFontMissing, close, svg

    try:
        charts = make()
    except ChartFontMissing as exc:
        if not warnings:
            warnings.append(f"{exc.message}；网站不含图表。{exc.hint}")
        return []
    drawn = [(c.title, svg(c)) for c in charts]
    close(charts)
    return drawn


# ---------------------------------------------------------------------- pages


def overview(site: Site, warnings: list[str]) -> dict[str, Any]:
    from zctasks.documents import plots

    now, before = site.now.counts(), site.week_ago.counts()
    total = len(site.tasks)
    tiles = [
        {
            "light": light,
            "name": LIGHT_NAMES[light],
            "count": now[light],
            "share": _share(now[light], total),
            "change": now[light] - before[light],
        }
        for light in LIGHTS
    ]
    chapters = [
        site.counts_row(
            f"{chapter_numeral(c.id)}、{c.title}",
            f"chapters/{c.id}.html",
            [s for s in site.now.states if s.task.chapter == c.id],
        )
        for c in site.ledger.chapters.values()
    ]
    units = [
        site.counts_row(unit, site.unit_link(unit, "")["href"], states)
        for unit, states in lead_groups(site.ledger, site.now.states)
    ]
    weeks = trend_points(site)

    def make() -> list[plots.Chart]:
        by_chapter = [(row["label"][:16], row["counts"]) for row in chapters]
        by_unit = [(row["label"], row["counts"]) for row in units[:25]]
        return [
            plots.trend("按序时推进（含已完成）的任务占比，逐周", "trend", weeks),
            plots.lights_by_group("各章任务进度", "lights-by-chapter", by_chapter),
            plots.lights_by_group(
                "各牵头单位任务进度（任务最多的25个）", "lights-by-unit", by_unit
            ),
        ]

    flagged = [
        site.state_row(s, "")
        for s in sorted(
            (s for s in site.now.states if s.light in ("red", "yellow", "grey")),
            key=lambda s: (("red", "yellow", "grey").index(s.light), s.task.id),
        )
    ]
    on = now["done"] + now["green"]
    return {
        **site.common("总览", ""),
        "tiles": tiles,
        "total": total,
        "on_share": _share(on, total),
        "previous": _day(site.as_of - timedelta(days=7)),
        "chapters": chapters,
        "units": units,
        "charts": _charts_or_note(make, warnings),
        "flagged": flagged,
        "trend": [(d.isoformat(), f"{v * 100:.1f}%") for d, v in weeks],
    }


def trend_points(site: Site) -> list[tuple[date, float]]:
    """The share of tasks done or on schedule at the end of each week up to the as-of date
    (the latest ``TREND_WEEKS`` weeks from the plan's issue)."""
    first = max(site.ledger.plan.issued, site.ledger.plan.period.start)
    days: list[date] = []
    day = site.as_of
    while day >= first and len(days) < TREND_WEEKS:
        days.append(day)
        day -= timedelta(days=7)
    days.reverse()
    points = []
    for day in days:
        report = status_report(site.ledger, site.progress, site.tasks, day)
        counts = report.counts()
        total = len(report.states)
        points.append((day, (counts["done"] + counts["green"]) / total if total else 0.0))
    return points


def chapter_page(site: Site, chapter_id: int) -> dict[str, Any]:
    chapter = site.ledger.chapters[chapter_id]
    states = [s for s in site.now.states if s.task.chapter == chapter_id]
    return {
        **site.common(f"{chapter_numeral(chapter.id)}、{chapter.title}", "../"),
        "counts": site.now.counts(states),
        "total": len(states),
        "rows": [site.state_row(s, "../") for s in states],
    }


def board(site: Site, by_unit: bool) -> dict[str, Any]:
    """作战图: tasks down, months across; in each month the task's milestones, how many
    reports, and its light at the month's end (or at the as-of date); a line at that date."""
    months = site.months
    as_of = site.as_of
    monthly = {
        t.task.id: dict(zip(site.judged_months, t.lights, strict=True)) for t in site.monthly.tasks
    }
    nodes: dict[int, dict[tuple[int, int], list[str]]] = defaultdict(lambda: defaultdict(list))
    for task in site.tasks:
        for m in task.milestones:
            nodes[task.id][(m.by.year, m.by.month)].append(f"{m.by.month}/{m.by.day} {m.text}")
        for target in task.targets:
            for m in target.milestones:
                value = f"{number(m.value)}{target.unit}" if m.value is not None else ""
                text = f"{m.by.month}/{m.by.day} {target.id}达{value}" + (
                    f" {m.text}" if m.text else ""
                )
                nodes[task.id][(m.by.year, m.by.month)].append(text)
    reports: dict[int, dict[tuple[int, int], int]] = defaultdict(lambda: defaultdict(int))
    progress = site.progress
    for task in site.tasks:
        for i in progress.task_indexes(task.id, as_of):
            day = date.fromordinal(progress.day[i])
            reports[task.id][(day.year, day.month)] += 1
    now_month = (as_of.year, as_of.month)
    period = site.ledger.plan.period

    def row(task: Task) -> dict[str, Any]:
        due = task.due or period.end
        lights = monthly[task.id]
        cells = []
        for month in months:
            light = lights.get(month)
            cells.append(
                {
                    "light": light,
                    "nodes": nodes[task.id].get(month, []),
                    "reports": reports[task.id].get(month, 0),
                    "due": (due.year, due.month) == month,
                    "overdue": (due.year, due.month) == month and as_of > due and light != "done",
                    "now": month == now_month,
                }
            )
        state = site.states[task.id]
        return {
            "id": task.id,
            "href": f"tasks/{task.id}.html",
            "title": task.title,
            "light": state.light,
            "lead": principal_units(task),
            "leaders": "、".join(task.leaders),
            "cells": cells,
        }

    groups: list[dict[str, Any]] = []
    if by_unit:
        seen: set[int] = set()
        for unit, states in lead_groups(site.ledger, site.now.states):
            groups.append(
                {
                    "title": unit,
                    "href": site.unit_link(unit, "")["href"],
                    "rows": [row(s.task) for s in states],
                }
            )
            seen.update(s.task.id for s in states)
        rest = [t for t in site.tasks if t.id not in seen]
        if rest:
            groups.append({"title": "无具体牵头单位", "href": "", "rows": [row(t) for t in rest]})
    else:
        for chapter in site.ledger.chapters.values():
            groups.append(
                {
                    "title": f"{chapter_numeral(chapter.id)}、{chapter.title}",
                    "href": f"chapters/{chapter.id}.html",
                    "rows": [row(t) for t in site.tasks if t.chapter == chapter.id],
                }
            )
    now_index = months.index(now_month) if now_month in months else -1
    days_in = _days.monthrange(as_of.year, as_of.month)[1]
    return {
        **site.common("作战图", ""),
        "months": [
            {
                "label": f"{m}月" if (y, m) != months[0] and m != 1 else f"{y}年{m}月",
                "now": k == now_index,
            }
            for k, (y, m) in enumerate(months)
        ],
        "now_at": f"{(as_of.day - 0.5) / days_in * 100:.1f}",
        "groups": groups,
        "by_unit": by_unit,
        "cell_class": CELL_CLASSES,
    }


def _entry_rows(site: Site, task: Task, base: str) -> list[dict[str, Any]]:
    """Every entry recorded on the task — reports, corrections and withdrawals — in order,
    with the commit each came in."""
    progress = site.progress
    wanted = [i for i in progress.order if progress.task[i] == task.id]
    entries = progress.entries_at(wanted)
    rows = []
    for i, entry in zip(wanted, entries, strict=True):
        index = progress.files[progress.file_of[i]]
        line = index.line[progress.local[i]]
        commit = site.blame(index.path).get(line)
        later = progress.replaced.get(entry.id, [])
        kind = (
            "withdrawal"
            if progress.kind[i] == VOID
            else "correction"
            if progress.kind[i] == FIX
            else "report"
        )
        remarks = []
        if entry.fixes:
            remarks.append(f"更正 {entry.fixes}" + (f"：{entry.reason}" if entry.reason else ""))
        if entry.voids:
            remarks.append(f"撤销 {entry.voids}：{entry.reason}")
        for j in later:
            remarks.append(
                f"已被 {progress.ids[j]} {'撤销' if progress.kind[j] == VOID else '更正'}"
            )
        rows.append(
            {
                "id": entry.id,
                "date": entry.date.isoformat(),
                "by": site.unit_link(entry.by, base),
                "status": entry.status or "",
                "figures": "；".join(f"{k}={number(v)}" for k, v in entry.values.items()),
                "note": entry.note,
                "source": entry.source,
                "next": entry.next,
                "problems": entry.problems,
                "at": entry.at.isoformat(timespec="minutes") if entry.at else "",
                "commit": commit.commit if commit else "",
                "author": commit.author if commit else "",
                "committed": commit.day if commit else "",
                "kind": kind,
                "in_force": not later and kind != "withdrawal",
                "remark": "；".join(remarks),
            }
        )
    return rows


def _trajectory(site: Site, task: Task, target: Target) -> tuple[Any, ...]:
    """The arguments of ``plots.trajectory`` for one target's chart (all it depends on)."""
    period = site.ledger.plan.period
    due = task.due or period.end
    progress = site.progress
    reported = []
    for i in progress.task_indexes(task.id, site.as_of):
        value = progress.values_of(i).get(target.id)
        if value is not None:
            reported.append((date.fromordinal(progress.day[i]), float(value)))
    start_value = float(target.base) if target.base is not None and not target.accrues else 0.0
    if target.milestones:
        planned = [(period.start, start_value)] + [
            (m.by, float(m.value)) for m in target.milestones if m.value is not None
        ]
        if planned[-1][0] < due:
            planned.append((due, float(target.value)))
        label = "计划节点"
    elif target.accrues or target.base is not None:
        planned = [(period.start, start_value), (due, float(target.value))]
        label = "序时进度"
    else:
        planned = [(period.start, float(target.value)), (due, float(target.value))]
        label = "目标水平"
    return (
        f"{target.id} {target.name}",
        f"target-{target.id}",
        reported,
        planned,
        period.start,
        max(due, period.start + timedelta(days=1)),
        site.as_of,
        target.unit,
        label,
    )


PARALLEL_CHARTS = 48
"""From this many charts to draw, they are drawn in worker processes, one a core: a worker
takes about a second to start (matplotlib), a chart about a fifth of one."""


def _draw(batch: list[tuple[Any, ...]]) -> list[str]:
    """Trajectory charts as SVG, from their arguments (here or in a worker process)."""
    from zctasks.documents import plots

    drawn = []
    for args in batch:
        chart = plots.trajectory(*args)
        drawn.append(plots.svg(chart))
        plots.close([chart])
    return drawn


def _chart_key(args: tuple[Any, ...], font: str, version: str) -> str:
    from zctasks.load import cache

    return cache.blake2b(repr((args, font, version)).encode("utf-8")).hex()


def task_charts(site: Site, warnings: list[str]) -> dict[int, list[tuple[str, str]]]:
    """Every task's trajectory charts, as (title, SVG): each from the cache where the same
    chart — same figures, dates, program, matplotlib and font — was drawn before (a rebuild
    by ``serve`` redraws only what changed); the rest drawn, side by side in worker
    processes when there are many. None (with one warning) without a Chinese font."""
    from importlib.metadata import version

    from zctasks.documents import plots
    from zctasks.load import cache

    wanted = {task.id: [_trajectory(site, task, t) for t in task.targets] for task in site.tasks}
    if not any(wanted.values()):
        return {task_id: [] for task_id in wanted}
    try:
        font = plots.cjk_font()
    except plots.ChartFontMissing as exc:
        if not warnings:
            warnings.append(f"{exc.message}；网站不含图表。{exc.hint}")
        return {task_id: [] for task_id in wanted}
    drawer = version("matplotlib")
    keys = {
        task_id: [_chart_key(a, font, drawer) for a in args] for task_id, args in wanted.items()
    }
    entry = cache.key("site-charts", [("root", str(site.ledger.root.resolve()).encode())])
    stored = _stored_charts(cache.load(entry))
    missing: dict[str, tuple[Any, ...]] = {}
    for task_id, args in wanted.items():
        for key, one in zip(keys[task_id], args, strict=True):
            if key not in stored:
                missing[key] = one
    if missing:
        batch = list(missing.values())
        workers = min(os.cpu_count() or 1, len(batch) // (PARALLEL_CHARTS // 2) or 1)
        if len(batch) >= PARALLEL_CHARTS and workers > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor
            from concurrent.futures.process import BrokenProcessPool

            chunks = [batch[i :: workers * 4] for i in range(workers * 4)]
            spawn = multiprocessing.get_context("spawn")  # no fork of serve's threads
            drawn: dict[int, str] = {}
            try:
                with ProcessPoolExecutor(max_workers=workers, mp_context=spawn) as pool:
                    for i, svgs in enumerate(pool.map(_draw, chunks)):
                        for k, svg in enumerate(svgs):
                            drawn[i + k * workers * 4] = svg
                svgs = [drawn[i] for i in range(len(batch))]
            except BrokenProcessPool:  # a worker killed, or a caller's script without a
                svgs = _draw(batch)  # __main__ guard that spawn could not import: draw here
        else:
            svgs = _draw(batch)
        stored.update(zip(missing, svgs, strict=True))
        used = {key for task_keys in keys.values() for key in task_keys}
        kept = {key: svg for key, svg in stored.items() if key in used}
        cache.store(entry, zlib.compress(json.dumps(kept).encode("utf-8"), 1))
    return {
        task_id: [
            (a[0], stored[key]) for a, key in zip(wanted[task_id], keys[task_id], strict=True)
        ]
        for task_id in wanted
    }


def _stored_charts(data: bytes | None) -> dict[str, str]:
    """The charts a cache entry holds (by key), or none from a damaged entry."""
    if data is None:
        return {}
    try:
        found = json.loads(zlib.decompress(data))
    except (ValueError, zlib.error):
        return {}
    if not isinstance(found, dict):
        return {}
    return {k: v for k, v in found.items() if isinstance(k, str) and isinstance(v, str)}


def task_page(
    site: Site, task: Task, history: Any, charts: list[tuple[str, str]]
) -> dict[str, Any]:
    state = site.states[task.id]
    chapter = site.ledger.chapter_of(task)
    reported = {t.target.id: t for t in state.targets}
    targets = []
    for target in task.targets:
        found = reported.get(target.id)
        targets.append(
            {
                "id": target.id,
                "name": target.name,
                "goal": target_goal(target),
                "nature": ("累计" if target.accrues else "水平") + ("" if target.firm else "·力争"),
                "latest": f"{number(found.actual)}{target.unit}（{found.reported_on.isoformat()}）"
                if found
                else "未报数",
                "light": found.light if found else None,
                "reason": found.reason if found else "",
                "milestones": [
                    {
                        "by": _day(m.by),
                        "value": f"{number(m.value)}{target.unit}" if m.value is not None else "",
                        "text": m.text,
                    }
                    for m in target.milestones
                ],
            }
        )
    roles = [
        {
            "role": ROLE_NAMES[role],
            "units": [site.unit_link(u, "../") for u in getattr(task, role)],
            "others": task.and_others == role,
        }
        for role in ROLES
        if getattr(task, role)
    ]
    points = [
        {"date": _day(d), "light": s.light, "reason": s.reason}
        for d, s in zip(history.days, history.states, strict=True)
    ]
    transitions = [
        {
            "date": _day(t.day),
            "old": t.old,
            "new": t.new,
            "change": CHANGE_NAMES[t.change],
            "reason": t.reason,
        }
        for t in history.transitions()
    ]
    period = site.ledger.plan.period
    return {
        **site.common(f"第{task.id}项 {task.title}", "../"),
        "task": task,
        "chapter": {
            "label": f"{chapter_numeral(chapter.id)}、{chapter.title}",
            "href": f"../chapters/{chapter.id}.html",
        },
        "state": state,
        "roles": roles,
        "due": _day(task.due or period.end),
        "targets": targets,
        "milestones": [{"by": _day(m.by), "text": m.text} for m in task.milestones],
        "charts": charts,
        "points": points,
        "transitions": transitions,
        "entries": _entry_rows(site, task, "../"),
        "task_elapsed": f"{elapsed_share(site.as_of, period.start, task.due or period.end) * 100:.1f}%",
    }


def punctuality(site: Site, unit: str, owed: list[int]) -> list[dict[str, Any]]:
    """Cycle by cycle: whether the unit reported on the tasks it leads or answers for by the
    due date, late (by how many days) or not at all."""
    progress = site.progress
    dues = [d for d in site.calendar.dues if d <= site.as_of]
    rows = []
    for k, due in enumerate(dues):
        start = dues[k - 1] if k else None
        following = dues[k + 1] if k + 1 < len(dues) else None
        until = min(following - timedelta(days=1), site.as_of) if following else site.as_of
        missing, late = [], 0
        for task_id in owed:
            answering = [
                i
                for i in progress.dated_after(task_id, start, until)
                if progress.day[i] <= due.toordinal()
            ]
            if not answering:
                missing.append(task_id)
                continue
            first = min(progress.recorded_on(i) for i in answering)
            late = max(late, (first - due).days)
        if missing and len(missing) == len(owed):
            state, text = "missing", "未报送"
        elif missing:
            state, text = "partial", f"部分未报（{'、'.join(map(str, missing))}）"
        elif late > 0:
            state, text = "late", f"逾期{late}天"
        else:
            state, text = "reported", "按时"
        rows.append({"due": _day(due), "state": state, "text": text, "missing": missing})
    return rows


def unit_page(site: Site, unit: str, slips: list[Any]) -> dict[str, Any]:
    from zctasks.log.urges import answered

    ledger = site.ledger
    roles = []
    for role in ROLES:
        tasks = ledger.tasks_of(unit, role)
        if tasks:
            roles.append(
                {
                    "role": ROLE_NAMES[role],
                    "rows": [site.state_row(site.states[t.id], "../") for t in tasks],
                    "counts": site.now.counts([site.states[t.id] for t in tasks]),
                }
            )
    owed = [t.id for t in ledger.tasks.values() if unit in t.lead + t.responsible]
    urged = []
    for slip in slips:
        if slip.unit != unit or slip.issued > site.as_of:
            continue
        reports = {task: site.progress.of_task(task) for task in slip.tasks}
        state, day, missing = answered(slip, reports, site.as_of)
        urged.append(
            {
                "code": slip.code,
                "issued": _day(slip.issued),
                "due": _day(slip.due),
                "tasks": [{"id": t, "href": f"../tasks/{t}.html"} for t in slip.tasks],
                "answer": state + (f"（{_day(day)}）" if day and not missing else ""),
                "open": state in ("未反馈", "逾期未反馈", "部分反馈"),
            }
        )
    info = ledger.units[unit]
    return {
        **site.common(unit, "../"),
        "unit": unit,
        "full_name": info.full_name or "",
        "kind": info.kind,
        "roles": roles,
        "cycles": punctuality(site, unit, owed) if owed else [],
        "calendar": site.calendar.describe(),
        "urged": urged,
    }


def search_index(site: Site) -> list[dict[str, Any]]:
    """What the offline search looks in: each task's title, text, targets and the notes,
    problems and next steps of its reports in force; each unit's names — control characters
    shown escaped, as on the pages."""
    progress = site.progress
    found: list[dict[str, Any]] = []
    for task in site.tasks:
        notes: dict[str, None] = {}
        for entry in progress.of_task(task.id, site.as_of):
            for text in (entry.note, entry.problems, entry.next):
                if text:
                    notes[text] = None
        found.append(
            {
                "h": f"tasks/{task.id}.html",
                "t": visible(f"第{task.id}项 {task.title}"),
                "l": site.states[task.id].light,
                "x": visible(
                    " ".join([task.text, *(t.name for t in task.targets), unit_list(task, "lead")])
                ),
                "n": visible(" ".join(notes)),
            }
        )
    for name, n in site.unit_ids.items():
        unit = site.ledger.units[name]
        found.append(
            {
                "h": f"units/{n}.html",
                "t": visible(name),
                "l": "",
                "x": visible(" ".join([unit.full_name or "", *unit.aliases])),
                "n": "",
            }
        )
    return found


# ---------------------------------------------------------------------- writing


def _environment() -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    folder = resources.files("zctasks.site") / "templates"
    environment = Environment(
        loader=FileSystemLoader(str(folder)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_shown,
    )
    return environment


def _shown(value: Any) -> Any:
    """Every text a page shows, its control characters (ESC, BEL, the bidi overrides that
    reorder a line) written as escapes, as the CLI shows them; line breaks kept. Markup
    (the charts) is the tool's own."""
    if type(value) is str:  # not Markup, a subclass
        return visible(value, newlines=True)
    return value


OLD_MARKER = "zctasks site\n"
"""The marker of sites built before it listed their files: such a folder is replaced when it
holds only what a site is made of (``_SITE_SHAPE``)."""
_SITE_SHAPE = re.compile(
    r"(index|board|board-units|search)\.html|(chapters|tasks|units)/[0-9]+\.html"
    r"|assets/(site\.css|search\.js|search-index\.js)"
)
_SWAP = ".zctasks-"
"""Siblings of the output folder named ``.<name>.zctasks-new-…`` (the site being built) and
``.<name>.zctasks-old-…`` (the one it replaces, until removed)."""


def _marker(files: list[str]) -> str:
    """The marker: a first line that names the tool, then every file the build wrote."""
    return "zctasks site\n" + "".join(f"{name}\n" for name in sorted(files))


def _made_by_us(folder: Path) -> set[str] | None:
    """The files an earlier build says it wrote (its marker), or None for an old marker."""
    try:
        text = (folder / MARKER).read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""
    if text == OLD_MARKER:
        return None
    lines = text.split("\n")
    return {line for line in lines[1:] if line}


def _refuse_unless_ours(folder: Path) -> None:
    """Refuse a folder that is a ledger, holds a git repository or anything a site build did
    not write; a missing or empty folder, or an earlier site and nothing else, pass."""
    if (folder / "data" / "tasks.yaml").exists():
        raise UsageError(
            f"输出目录 {folder} 是一个台账（有 data/tasks.yaml），不会替换",
            "网站请写到台账之外的新目录，如 -o ../网站",
        )
    if not any(folder.iterdir()):
        return
    if not (folder / MARKER).is_file():
        raise UsageError(
            f"输出目录 {folder} 不是空目录，也不是 zctasks 生成的网站",
            "换一个新目录，或先清空它",
        )
    listed = _made_by_us(folder)
    if listed is None:
        allowed = {"chapters", "tasks", "units", "assets"}
    else:
        allowed = {p.as_posix() for name in listed for p in Path(name).parents if p.name}

    def ours(relative: str) -> bool:
        if listed is None:
            return _SITE_SHAPE.fullmatch(relative) is not None
        return relative in listed

    for parent, dirs, files in os.walk(folder):
        here = Path(parent).relative_to(folder)
        for name in sorted(dirs + files):
            if name.casefold() == ".git":
                raise UsageError(
                    f"输出目录 {folder} 中有 git 仓库（{(here / name).as_posix()}），不会替换",
                    "网站请写到新目录；要用 git 发布，生成后再复制到仓库中",
                )
        extra = [
            f"{(here / name).as_posix()}/"
            for name in sorted(dirs)
            if (Path(parent) / name).is_symlink() or (here / name).as_posix() not in allowed
        ] + [
            (here / name).as_posix()
            for name in sorted(files)
            if (here / name).as_posix() != MARKER
            and (
                not ours((here / name).as_posix())
                or (Path(parent) / name).is_symlink()
                or not (Path(parent) / name).is_file()
            )
        ]
        if extra:
            raise UsageError(
                f"输出目录 {folder} 中有不是 zctasks 生成的文件：{extra[0]}，不会替换",
                "换一个新目录，或先移走不是网站的文件",
            )


def _prepare(folder: Path) -> Path:
    """Check the output folder and give it as an absolute path. It may be missing, empty, or
    hold a site this tool built and nothing else; anything else is refused."""
    from zctasks.documents.produce import _inside_ledger_data_or_git

    if folder.is_symlink():
        target = Path(os.readlink(folder))
        if not folder.exists():
            raise UsageError(
                f"输出目录 {folder} 是符号链接，它指向的 {target} 不存在",
                "请给出普通目录，如 -o 网站",
            )
        raise UsageError(f"输出目录 {folder} 是符号链接", "请给出普通目录")
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"输出路径 {folder} 不是目录", "网站输出到一个目录，如 -o 网站")
    absolute = Path(os.path.abspath(folder))
    if _inside_ledger_data_or_git(folder.resolve() / "x"):
        raise UsageError(
            f"输出目录 {folder} 在台账数据或 git 目录中",
            "网站不能写进任何台账的 data/ 或 git 的 .git 目录；请写到别处，如 -o 网站",
        )
    if folder.is_dir():
        _refuse_unless_ours(folder)
    if not absolute.name or absolute == Path(absolute.anchor):
        raise UsageError(f"输出目录 {folder} 不能是根目录", "请给出一个子目录，如 -o 网站")
    return absolute


def _leftovers(folder: Path) -> list[Path]:
    """What killed builds left beside ``folder``: their unfinished and replaced sites."""
    try:
        siblings = list(folder.parent.iterdir())
    except OSError:
        return []
    prefixes = (f".{folder.name}{_SWAP}new-", f".{folder.name}{_SWAP}old-")
    return [p for p in siblings if p.name.startswith(prefixes) and not p.is_symlink()]


def _folder_mode(folder: Path) -> int:
    """The mode the site's folder had, or what a new folder gets under the umask (a web
    server must be able to read it: a temporary folder is made private)."""
    try:
        return folder.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o777 & ~umask


def _swap_in(built: Path, folder: Path) -> None:
    """Put the complete site ``built`` in the place of ``folder``: the old one is moved
    aside, the new one renamed in (one rename each), then the old one removed. A kill leaves
    either site whole, never an empty or half-written folder."""
    if folder.exists():
        aside = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}{_SWAP}old-"))
        os.rmdir(aside)
        os.rename(folder, aside)
        try:
            os.rename(built, folder)
        except BaseException:
            os.rename(aside, folder)
            raise
        shutil.rmtree(aside, ignore_errors=True)
    else:
        os.rename(built, folder)


def build_site(
    ledger: Ledger, progress: Progress, as_of: date, folder: Path, serving: bool = False
) -> Built:
    """Write the whole site into a new folder beside ``folder``, then put it in its place
    (see ``_prepare`` for what it may replace)."""
    folder = _prepare(folder)
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        for leftover in _leftovers(folder):
            shutil.rmtree(leftover, ignore_errors=True)
        staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}{_SWAP}new-"))
        os.chmod(staging, _folder_mode(folder))
    except OSError as exc:
        raise UsageError(
            f"无法在 {folder.parent} 中生成网站：{exc.strerror or exc}",
            "检查该目录的写权限，或换一个输出目录",
        ) from None
    try:
        built = _write_site(ledger, progress, as_of, staging, serving)
        _swap_in(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    built.folder = folder
    return built


def _write_site(
    ledger: Ledger, progress: Progress, as_of: date, folder: Path, serving: bool
) -> Built:
    from zctasks.log.urges import load_register

    site = Site(ledger, progress, as_of, serving)
    environment = _environment()
    warnings: list[str] = []
    written = [0, 0]
    files: list[str] = []

    def write(relative: str, content: str | bytes) -> None:
        data = content.encode("utf-8") if isinstance(content, str) else content
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        files.append(relative)
        written[0] += relative.endswith(".html")
        written[1] += len(data)

    def page(relative: str, template: str, context: dict[str, Any]) -> None:
        write(relative, environment.get_template(template).render(**context))

    page("index.html", "overview.html.j2", overview(site, warnings))
    page("board.html", "board.html.j2", board(site, by_unit=False))
    page("board-units.html", "board.html.j2", board(site, by_unit=True))
    for chapter_id in ledger.chapters:
        page(f"chapters/{chapter_id}.html", "chapter.html.j2", chapter_page(site, chapter_id))
    histories = {h.task.id: h for h in site.cycles.tasks}
    charts = task_charts(site, warnings)
    for task in site.tasks:
        page(
            f"tasks/{task.id}.html",
            "task.html.j2",
            task_page(site, task, histories[task.id], charts[task.id]),
        )
    slips = load_register(ledger, ledger.root)
    for name, n in site.unit_ids.items():
        page(f"units/{n}.html", "unit.html.j2", unit_page(site, name, slips))
    page("search.html", "search.html.j2", site.common("搜索", ""))
    index = json.dumps(search_index(site), ensure_ascii=False, separators=(",", ":"))
    write("assets/search-index.js", f"window.ZCTASKS_INDEX={index};\n")
    assets = resources.files("zctasks.site") / "assets"
    for name in ("site.css", "search.js"):
        write(f"assets/{name}", (assets / name).read_bytes())
    write(MARKER, _marker(list(files)))
    return Built(folder, written[0], written[1], warnings)


def site_size(folder: Path) -> int:
    return sum(os.path.getsize(p) for p in folder.rglob("*") if p.is_file())
