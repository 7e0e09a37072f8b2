"""催办单, one slip a unit (一单位一单) listing all its overdue, far-behind or unreported
tasks; and the register of issued slips with whether each was answered."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from zctasks.documents.reports.common import common
from zctasks.documents.reports.wording import (
    accountable,
    cn_date,
    join,
    short_date,
    situation,
    task_numbers,
    unit_order,
)
from zctasks.judge.schedule import LIGHT_NAMES, status_report
from zctasks.log.store import Progress
from zctasks.log.urges import URGED_LIGHTS, Item, Slip, answered
from zctasks.plan.calendar import Calendar
from zctasks.plan.ledger import Ledger
from zctasks.plan.models import Entry


def drafts(ledger: Ledger, progress: Progress, as_of: date, unit: str | None) -> list[Slip]:
    """The slips ``as_of`` calls for, one per unit in departments.yaml order, unnumbered."""
    tasks = ledger.tasks_of(unit) if unit else list(ledger.tasks.values())
    report = status_report(ledger, progress, tasks, as_of)
    settings = ledger.report_settings
    supervisor = settings.supervisor or settings.issuer or ledger.plan.issuer
    due = as_of + timedelta(days=settings.urge_days)
    items: dict[str, list[Item]] = {}
    for state in report.states:
        if state.light not in URGED_LIGHTS:
            continue
        for owner in accountable(ledger, state.task):
            if unit is None or owner == unit:
                items.setdefault(owner, []).append(
                    Item(state.task.id, state.light, situation(ledger, state, as_of))
                )
    order = unit_order(ledger)
    return [
        Slip(owner, as_of, due, supervisor, tuple(found))
        for owner, found in sorted(items.items(), key=lambda kv: order[kv[0]])
    ]


def urge(
    ledger: Ledger,
    progress: Progress,
    as_of: date,
    slips: list[Slip],
    register: list[Slip],
    unit: str | None = None,
) -> dict[str, Any]:
    """The slips to print: issued ones with their numbers, drafts marked as a preview."""
    report = status_report(ledger, progress, [], as_of)
    context = common(ledger, report, "重点工作任务催办单")
    sheets = [_sheet(ledger, progress, slip, register, as_of) for slip in slips]
    context.update(
        {
            "kind": "urge",
            "unit": unit or "",
            "sheets": sheets,
            "preview": any(not slip.number for slip in slips),
        }
    )
    return context


def _sheet(
    ledger: Ledger, progress: Progress, slip: Slip, register: list[Slip], as_of: date
) -> dict[str, Any]:
    year = slip.issued.year
    red = [i for i in slip.items if i.light == "red"]
    grey = [i for i in slip.items if i.light == "grey"]
    kinds = join(
        [
            f"{len(red)}项严重滞后或逾期未完成" if red else "",
            f"{len(grey)}项未按时报送进展" if grey else "",
        ],
        "、",
    )
    asks = []
    if red:
        asks.append("严重滞后或逾期的说明原因和赶超措施")
    if grey:
        asks.append("未报送的补报进展和佐证材料")
    earlier = _earlier(ledger, progress, slip, register)
    return {
        "number": slip.number,
        "code": slip.code or "预览，未登记编号",
        "unit": slip.unit,
        "full_name": ledger.units[slip.unit].full_name or slip.unit,
        "issued": cn_date(slip.issued),
        "deadline": cn_date(slip.due),
        "supervisor": slip.by,
        "summary": kinds,
        "items": [
            {
                "task": item.task,
                "title": ledger.tasks[item.task].title,
                "light": LIGHT_NAMES["red" if item.light == "red" else "grey"],
                "situation": item.situation,
            }
            for item in slip.items
        ],
        "asks": "；".join(asks),
        "earlier": earlier,
        "tasks": task_numbers(slip.tasks),
        "year": year,
    }


def _earlier(ledger: Ledger, progress: Progress, slip: Slip, register: list[Slip]) -> str:
    """其中第7、8、9项已于10月20日催办（川发改催〔2023〕13号）未反馈，第7、9项已是第3次催办:
    the latest earlier slip to the same unit about these tasks that went unanswered."""
    reports = _reports(ledger, progress, slip.tasks, slip.issued)
    unanswered: list[tuple[Slip, list[int]]] = []
    for old in register:
        if old.unit != slip.unit or old.issued >= slip.issued:
            continue
        _, _, missing = answered(old, reports, slip.issued, Calendar.of(ledger))
        again = sorted(set(missing) & set(slip.tasks))
        if again:
            unanswered.append((old, again))
    if not unanswered:
        return ""
    latest, tasks = unanswered[-1]
    text = (
        f"{task_numbers(tasks)}已于{short_date(latest.issued, slip.issued.year)}催办"
        f"（{latest.code}）未反馈"
    )
    times: dict[int, int] = {}
    for _, again in unanswered:
        for task in again:
            times[task] = times.get(task, 0) + 1
    most = max(times.values())
    if most > 1:
        repeated = sorted(t for t, n in times.items() if n == most)
        which = "" if repeated == tasks else task_numbers(repeated)
        text += f"，{which}已是第{most + 1}次催办"
    return text


def _reports(
    ledger: Ledger, progress: Progress, tasks: tuple[int, ...], as_of: date
) -> dict[int, list[Entry]]:
    """The reports that can answer a slip, as ``status --by unit`` counts them: on a task
    with targets, words alone are 未报数 until some figure has been reported."""
    return {
        task: []
        if ledger.tasks[task].targets and not progress.figures(task, as_of)
        else progress.of_task(task)
        for task in tasks
    }


def register(
    ledger: Ledger,
    progress: Progress,
    slips: list[Slip],
    as_of: date,
    unit: str | None = None,
) -> dict[str, Any]:
    """催办登记表: every issued slip up to ``as_of`` and how it was answered."""
    report = status_report(ledger, progress, [], as_of)
    context = common(ledger, report, "重点工作任务催办登记表")
    calendar = Calendar.of(ledger)
    rows = []
    for slip in slips:
        if slip.issued > as_of or (unit is not None and slip.unit != unit):
            continue
        reports = _reports(ledger, progress, slip.tasks, as_of)
        state, day, missing = answered(slip, reports, as_of, calendar)
        year = as_of.year
        text: str = state
        if day is not None and state in ("已反馈", "逾期反馈"):
            text = f"{state}（{short_date(day, year)}）"
        elif missing and state == "部分反馈":
            text = f"部分反馈，{task_numbers(missing)}未反馈"
        rows.append(
            {
                "code": slip.code,
                "unit": slip.unit,
                "issued": short_date(slip.issued, year),
                "tasks": task_numbers(slip.tasks),
                "count": len(slip.items),
                "deadline": short_date(slip.due, year),
                "answer": text,
                "open": state in ("未反馈", "逾期未反馈", "部分反馈"),
            }
        )
    open_rows = [r for r in rows if r["open"]]
    context.update(
        {
            "kind": "register",
            "unit": unit or "",
            "rows": rows,
            "open": len(open_rows),
            "late": sum(1 for r in rows if str(r["answer"]).startswith("逾期未反馈")),
        }
    )
    return context
