"""A notice to one unit: what it leads and what it supports, with the figures it reported,
and what is behind or unreported. The issuing office does not send itself a notice: for its
own tasks the document speaks in the first person (我局) and asks nothing of anyone."""

from __future__ import annotations

from datetime import date
from typing import Any

from zctasks.documents.reports.common import (
    common,
    counts_sentence,
    doc_counts,
    issuer_of,
    self_word,
)
from zctasks.documents.reports.wording import (
    cn_date,
    quote,
    short_date,
    situation,
    target_line,
    task_elapsed,
    task_numbers,
)
from zctasks.judge.schedule import LIGHT_NAMES, status_report
from zctasks.judge.views import principal_units
from zctasks.log.store import Progress
from zctasks.plan.ledger import Ledger


def department(
    ledger: Ledger, progress: Progress, unit: str, as_of: date, day: date, deadline: date
) -> dict[str, Any]:
    tasks = ledger.tasks_of(unit)
    report = status_report(ledger, progress, tasks, as_of)
    own = unit == issuer_of(ledger)
    title = (
        f"{unit}承担重点工作任务推进情况" if own else f"关于{unit}承担重点工作任务推进情况的通知"
    )
    context = common(ledger, report, title, day)
    year = as_of.year
    leads: list[dict[str, Any]] = []
    supports: list[dict[str, Any]] = []
    attention: list[str] = []
    behind_supported: list[int] = []
    for state in report.states:
        task = state.task
        light = LIGHT_NAMES[state.light]
        if task.role_of(unit) == "cooperate":
            supports.append(
                {
                    "id": task.id,
                    "title": task.title,
                    "lead": principal_units(task),
                    "light": light,
                }
            )
            if state.light in ("yellow", "red", "grey"):
                behind_supported.append(task.id)
            continue
        reported = {s.target.id: s for s in state.targets}
        estimates = state.latest.estimates if state.latest is not None else {}
        elapsed = task_elapsed(ledger, task, as_of)
        leads.append(
            {
                "id": task.id,
                "title": task.title,
                "targets": "；".join(
                    target_line(t, reported.get(t.id), elapsed, estimates.get(t.id))
                    for t in task.targets
                )
                or "—",
                "due": short_date(task.due or ledger.plan.period.end, year),
                "light": light,
                "last_report": short_date(state.latest.date, year) if state.latest else "未报送",
            }
        )
        if state.light in ("yellow", "red", "grey"):
            text = situation(ledger, state, as_of)
            attention.append(f"第{task.id}项{quote(task.title)}{light}：{text}。")
    lead_states = [s for s in report.states if s.task.role_of(unit) != "cooperate"]
    context.update(
        {
            "kind": "dept",
            "unit": unit,
            "own": own,
            "me": self_word(unit) if own else "你单位",
            "full_name": ledger.units[unit].full_name or unit,
            "leads": leads,
            "supports": supports,
            "lead_summary": counts_sentence(
                doc_counts(ledger, lead_states), len(lead_states), every=False
            )
            if lead_states
            else "",
            "attention": attention,
            "supported_behind": task_numbers(behind_supported) if behind_supported else "",
            "deadline": cn_date(deadline),
        }
    )
    return context
