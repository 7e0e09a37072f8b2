"""台账: one row per task — its units, all its targets in one cell with what was achieved,
its deadline, the latest narrative (进展情况, 存在问题, 下步打算), its light and the date of
its last report. A task no unit answers for says so once, in its units' cell."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from zctasks.documents.reports.common import (
    DOC_LIGHT_NAMES,
    UNASSIGNED,
    common,
    counts_sentence,
    doc_counts,
    doc_light,
)
from zctasks.documents.reports.wording import (
    accountable,
    clean,
    goal,
    short_date,
    target_line,
    task_elapsed,
)
from zctasks.judge.schedule import status_report
from zctasks.judge.views import principal_units, unit_list
from zctasks.log.store import Progress
from zctasks.plan.ledger import Ledger
from zctasks.plan.models import Task


def ledger_title(plan_title: str) -> str:
    """…2023年重点工作任务 → …2023年重点工作台账: 工作台账 said once."""
    return re.sub(r"(?:工作)?任务$", "", plan_title) + "工作台账"


def status_ledger(ledger: Ledger, progress: Progress, as_of: date, day: date) -> dict[str, Any]:
    report = status_report(ledger, progress, list(ledger.tasks.values()), as_of)
    context = common(ledger, report, ledger_title(ledger.plan.title), day)
    year = as_of.year
    rows = []
    for state in report.states:
        task = state.task
        reported = {s.target.id: s for s in state.targets}
        elapsed = task_elapsed(ledger, task, as_of)
        latest = state.latest
        estimates = latest.estimates if latest is not None else {}
        light = doc_light(ledger, state)
        rows.append(
            {
                "id": task.id,
                "title": task.title,
                "lead": _lead(ledger, task),
                "cooperate": unit_list(task, "cooperate"),
                "targets": "；".join(
                    f"{t.name}{goal(t)}：{(state.figures or {})[t.id]}"
                    if t.id in (state.figures or {})
                    else target_line(t, reported.get(t.id), elapsed, estimates.get(t.id))
                    for t in task.targets
                ),
                "due": short_date(task.due or ledger.plan.period.end, year),
                "note": clean(latest.note) if latest else "",
                "problems": clean(latest.problems) if latest else "",
                "next": clean(latest.next) if latest else "",
                "light": DOC_LIGHT_NAMES[light] if light != UNASSIGNED else "—",
                "last_report": short_date(latest.date, year) if latest else "—",
            }
        )
    context.update(
        {
            "kind": "ledger",
            "rows": rows,
            "summary": counts_sentence(doc_counts(ledger, report.states), len(report.states)),
        }
    )
    return context


def _lead(ledger: Ledger, task: Task) -> str:
    """The lead (or responsible) units; 责任单位未明确 where only placeholders stand there,
    with the placeholder as the plan writes it."""
    if accountable(ledger, task):
        return principal_units(task)
    words = "、".join(task.lead or task.responsible)
    return DOC_LIGHT_NAMES[UNASSIGNED] + (f"（{words}）" if words else "")
