"""台账: one row per task — its units, all its targets in one cell with what was achieved,
the latest narrative (进展情况, 存在问题, 下步打算), its light and the date of its last
report."""

from __future__ import annotations

from datetime import date
from typing import Any

from zctasks.documents.reports.common import common, counts_sentence
from zctasks.documents.reports.wording import clean, short_date, target_line, task_elapsed
from zctasks.judge.schedule import LIGHT_NAMES, status_report
from zctasks.judge.views import principal_units, unit_list
from zctasks.log.store import Progress
from zctasks.plan.ledger import Ledger


def status_ledger(ledger: Ledger, progress: Progress, as_of: date) -> dict[str, Any]:
    report = status_report(ledger, progress, list(ledger.tasks.values()), as_of)
    title = f"{ledger.plan.title}工作台账"
    context = common(ledger, report, title)
    rows = []
    for state in report.states:
        task = state.task
        reported = {s.target.id: s for s in state.targets}
        elapsed = task_elapsed(ledger, task, as_of)
        latest = state.latest
        rows.append(
            {
                "id": task.id,
                "title": task.title,
                "lead": principal_units(task),
                "cooperate": unit_list(task, "cooperate"),
                "targets": "；".join(
                    target_line(t, reported.get(t.id), elapsed) for t in task.targets
                ),
                "note": clean(latest.note) if latest else "",
                "problems": clean(latest.problems) if latest else "",
                "next": clean(latest.next) if latest else "",
                "light": LIGHT_NAMES[state.light],
                "last_report": short_date(latest.date, as_of.year) if latest else "—",
            }
        )
    context.update(
        {
            "kind": "ledger",
            "rows": rows,
            "summary": counts_sentence(report.counts(), len(report.states)),
        }
    )
    return context
