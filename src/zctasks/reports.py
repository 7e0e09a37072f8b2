"""What each document says, as plain data for templates: no rendering here.

Contexts hold only strings, numbers, lists and dicts, so that a user's template, which
runs sandboxed, can read them and reach nothing else.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from zctasks.ledger import Ledger
from zctasks.models import Entry, Task
from zctasks.schedule import (
    LIGHT_NAMES,
    Light,
    StatusReport,
    TargetState,
    TaskState,
    lead_groups,
    status_report,
)
from zctasks.store import Progress
from zctasks.views import (
    chapter_numeral,
    long_date,
    number,
    principal_units,
    share,
    target_goal,
    unit_list,
)

KINDS = ("briefing", "ledger", "dept", "urge")
URGE_LEVELS: dict[Light, str] = {"red": "红色", "grey": "黄色"}


def _common(ledger: Ledger, report: StatusReport) -> dict[str, Any]:
    settings = ledger.report_settings
    issuer = settings.issuer or ledger.plan.issuer
    counts = report.counts()
    total = len(report.states)
    return {
        "plan": {
            "title": ledger.plan.title,
            "doc_number": ledger.plan.doc_number,
            "issuer": ledger.plan.issuer,
        },
        "publication": settings.publication,
        "issuer": issuer,
        "supervisor": settings.supervisor or issuer,
        "addressees": settings.addressees,
        "as_of": long_date(report.as_of),
        "as_of_iso": report.as_of.isoformat(),
        "elapsed": f"{report.elapsed * 100:.1f}%",
        "total": total,
        "counts": _named(counts),
        "shares": {LIGHT_NAMES[light]: share(counts[light], total) for light in counts},
        "light_names": list(LIGHT_NAMES.values()),
        "by_chapter": [
            {
                "label": f"{chapter_numeral(chapter.id)}、{chapter.title}",
                "counts": _named(
                    report.counts([s for s in report.states if s.task.chapter == chapter.id])
                ),
            }
            for chapter in ledger.chapters.values()
            if any(s.task.chapter == chapter.id for s in report.states)
        ],
        "by_lead": _by_lead(ledger, report),
    }


def _named(counts: dict[Light, int]) -> dict[str, int]:
    return {LIGHT_NAMES[light]: n for light, n in counts.items()}


def _by_lead(ledger: Ledger, report: StatusReport) -> list[dict[str, Any]]:
    return [
        {"label": unit, "counts": _named(report.counts(states))}
        for unit, states in lead_groups(ledger, report.states)
    ]


def _unit_phrase(task: Task) -> str:
    """区工信局牵头 / 区科技局负责: the accountable units with their role word."""
    if task.lead:
        return unit_list(task, "lead") + "牵头"
    if task.responsible:
        return unit_list(task, "responsible") + "负责"
    return "未明确责任单位"


def _figure(state: TargetState, elapsed: float) -> str:
    """完成技改投资15.2亿元，占年计划60.8%，超序时进度2.5个百分点."""
    target = state.target
    head = f"{target.name}{number(state.actual)}{target.unit}"
    if target.op in ("<=", "<"):
        return f"{head}，占全年上限{share_of(state.actual, target.value)}"
    if not target.accrues:
        return f"{head}，目标{target_goal(target)}" + ("，已达到" if state.light == "done" else "")
    ratio = state.actual / target.value if target.value else 1.0
    text = f"{head}，占年计划{ratio * 100:.1f}%"
    if state.light == "done":
        return text + "，已完成年度目标"
    gap = (ratio - elapsed) * 100
    if gap >= 0:
        return text + f"，超序时进度{gap:.1f}个百分点"
    return text + f"，低于序时进度{-gap:.1f}个百分点"


def share_of(part: float, whole: float) -> str:
    return f"{part / whole * 100:.1f}%" if whole else "—"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in "。！？；.!?" else text + "。"


def _task_item(state: TaskState, entries: list[Entry], elapsed: float) -> dict[str, Any]:
    notes = [e.note for e in entries]
    figures = [_figure(s, elapsed) for s in state.targets if s.reported_on >= entries[0].date]
    return {
        "id": state.task.id,
        "title": state.task.title,
        "units": _unit_phrase(state.task),
        "notes": notes,
        "figures": figures,
        "summary": "".join(_sentence(note) for note in notes)
        + ("；".join(figures) + "。" if figures else ""),
        "light": LIGHT_NAMES[state.light],
        "reason": state.reason,
    }


def iso_week(text: str) -> tuple[date, date]:
    """2023-W30 → Monday 2023-07-24 to Sunday 2023-07-30."""
    year, _, week = text.upper().partition("-W")
    monday = date.fromisocalendar(int(year), int(week), 1)
    return monday, monday + timedelta(days=6)


def briefing(
    ledger: Ledger, progress: Progress, since: date, until: date, as_of: date, issue: int | None
) -> dict[str, Any]:
    """工作简报: what moved in [since, until], where everything stands at ``as_of``."""
    report = status_report(ledger, progress, list(ledger.tasks.values()), as_of)
    context = _common(ledger, report)
    states = {s.task.id: s for s in report.states}
    in_period = [e for e in progress.entries if since <= e.date <= until]
    chapters = []
    for chapter in ledger.chapters.values():
        items = []
        for task in ledger.tasks.values():
            entries = [e for e in in_period if e.task == task.id]
            if task.chapter == chapter.id and entries:
                items.append(_task_item(states[task.id], entries, report.elapsed))
        if items:
            chapters.append(
                {"numeral": chapter_numeral(chapter.id), "title": chapter.title, "items": items}
            )
    targets = [t for s in report.states for t in s.targets]
    on_schedule = [t for t in targets if t.light in ("done", "green")]
    total_targets = ledger.target_count()
    context.update(
        {
            "kind": "briefing",
            "issue": issue if issue is not None else _issue_number(ledger, since),
            "since": long_date(since),
            "until": long_date(until),
            "entry_count": len(in_period),
            "reporting_units": len({e.by for e in in_period}),
            "chapters": chapters,
            "targets": {
                "total": total_targets,
                "reported": len(targets),
                "done": sum(1 for t in targets if t.light == "done"),
                "on_schedule": len(on_schedule),
                "share": share(len(on_schedule), len(targets)),
            },
            "lagging": [_flag(s) for s in report.states if s.light in ("red", "yellow")],
            "unreported": [_flag(s) for s in report.states if s.light == "grey"],
            "next_steps": [
                {"task": e.task, "unit": e.by, "text": e.next.strip().rstrip("。；;")}
                for e in in_period
                if e.next.strip()
            ],
        }
    )
    return context


def _issue_number(ledger: Ledger, since: date) -> int:
    """Weekly issues counted from the week the plan was issued (that week is 第1期)."""
    issued = ledger.plan.issued
    start = issued - timedelta(days=issued.weekday())
    return max((since - start).days // 7 + 1, 1)


def _flag(state: TaskState) -> dict[str, Any]:
    return {
        "id": state.task.id,
        "title": state.task.title,
        "units": principal_units(state.task),
        "owner": _unit_phrase(state.task),
        "light": LIGHT_NAMES[state.light],
        "reason": state.reason,
    }


def status_ledger(ledger: Ledger, progress: Progress, as_of: date) -> dict[str, Any]:
    """台账: one row per target (a row per task without targets), with its standing."""
    report = status_report(ledger, progress, list(ledger.tasks.values()), as_of)
    context = _common(ledger, report)
    rows = []
    for state in report.states:
        task = state.task
        reported = {s.target.id: s for s in state.targets}
        base = {
            "task": task.id,
            "title": task.title,
            "lead": principal_units(task),
            "cooperate": unit_list(task, "cooperate"),
            "light": LIGHT_NAMES[state.light],
            "last_report": state.latest.date.isoformat() if state.latest else "",
        }
        if not task.targets:
            rows.append(
                {**base, "target": "", "name": "", "goal": "", "latest": "", "completion": ""}
            )
        for target in task.targets:
            found = reported.get(target.id)
            completion = ""
            if found is not None and target.value:
                completion = share_of(found.actual, target.value)
            rows.append(
                {
                    **base,
                    "target": target.id,
                    "name": target.name,
                    "goal": target_goal(target),
                    "latest": number(found.actual) if found else "",
                    "completion": completion,
                    "light": LIGHT_NAMES[_row_light(state, found)],
                }
            )
    context.update({"kind": "ledger", "rows": rows})
    return context


def _row_light(state: TaskState, found: TargetState | None) -> Light:
    """A target's own light, unless its task is unreported, or red and the target not done."""
    if found is None or state.light == "grey":
        return state.light
    if state.light == "red" and found.light != "done":
        return "red"
    return found.light


def department(ledger: Ledger, progress: Progress, unit: str, as_of: date) -> dict[str, Any]:
    """One unit's notice: what it leads, what it supports, what is due or behind."""
    tasks = ledger.tasks_of(unit)
    report = status_report(ledger, progress, tasks, as_of)
    context = _common(ledger, report)
    leads: list[dict[str, Any]] = []
    supports: list[dict[str, Any]] = []
    for state in report.states:
        role = state.task.role_of(unit)
        item = {
            **_flag(state),
            "cooperate": unit_list(state.task, "cooperate"),
            "goals": "；".join(f"{t.name}{target_goal(t)}" for t in state.task.targets),
            "due": (state.task.due or ledger.plan.period.end).isoformat(),
            "last_report": state.latest.date.isoformat() if state.latest else "未报送",
        }
        (supports if role == "cooperate" else leads).append(item)
    context.update(
        {
            "kind": "dept",
            "unit": unit,
            "full_name": ledger.units[unit].full_name or unit,
            "leads": leads,
            "supports": supports,
            "attention": [_flag(s) for s in report.states if s.light in ("red", "yellow", "grey")],
        }
    )
    return context


def urge(
    ledger: Ledger, progress: Progress, as_of: date, unit: str | None = None
) -> dict[str, Any]:
    """催办单, one item a sheet (一事一单), grouped by the accountable unit."""
    tasks = ledger.tasks_of(unit) if unit else list(ledger.tasks.values())
    report = status_report(ledger, progress, tasks, as_of)
    context = _common(ledger, report)
    deadline = long_date(as_of + timedelta(days=ledger.report_settings.urge_days))
    sheets: list[dict[str, Any]] = []
    for state in report.states:
        if state.light not in URGE_LEVELS:
            continue
        owners = [u for u in (state.task.lead or state.task.responsible) if u in ledger.units]
        for owner in owners:
            if unit is not None and owner != unit:
                continue
            sheets.append(
                {
                    "number": len(sheets) + 1,
                    "unit": owner,
                    "task": state.task.id,
                    "title": state.task.title,
                    "matter": f"第{state.task.id}项“{state.task.title}”{LIGHT_NAMES[state.light]}：{state.reason}",
                    "requirement": _requirement(state, deadline),
                    "deadline": deadline,
                    "level": URGE_LEVELS[state.light],
                    "light": LIGHT_NAMES[state.light],
                }
            )
    sheets.sort(key=lambda s: (s["unit"], s["task"]))
    for number_, sheet in enumerate(sheets, 1):
        sheet["number"] = number_
    context.update({"kind": "urge", "unit": unit, "sheets": sheets, "deadline": deadline})
    return context


def _requirement(state: TaskState, deadline: str) -> str:
    if state.light == "grey":
        return f"请于{deadline}前补报该任务的工作进展、指标完成情况和佐证材料。"
    return f"请分析滞后原因，制定赶超措施，加快推进，并于{deadline}前书面报告进展。"
