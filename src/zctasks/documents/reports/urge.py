"""催办单, one slip a unit (一单位一单) listing all its overdue, far-behind or unreported
tasks; and the register of issued slips with whether each was answered.

A slip carries what real ones do: its number and its grade by how often the unit has been
urged (三色督办: the first slip 蓝色, the second 黄色, the third and later 红色), the plan
it rests on (依据: title and 文号), the matters, a 办理要求 with a deadline on a working
day, the contact, the signature in the office's full name and the date, and a 签收回执 that
names the unit. It is one page: a list too long for it goes on an attached page.

No office urges itself, and a bureau does not urge Party units (kind 党委部门): their
slips are signed by the office configured for them (``party_supervisor``), or, without
one, their items are put to the district's leaders in the briefing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from zctasks.documents.reports.common import (
    common,
    is_party,
    level,
    signer,
    supervisor_of,
)
from zctasks.documents.reports.wording import (
    accountable,
    cn_date,
    join,
    quote,
    short_date,
    situation,
    task_numbers,
    unit_order,
)
from zctasks.documents.workdays import deadline
from zctasks.judge.schedule import LIGHT_NAMES, status_report
from zctasks.log.store import Progress
from zctasks.log.urges import URGED_LIGHTS, Item, Slip, answered
from zctasks.plan.calendar import Calendar
from zctasks.plan.ledger import Ledger
from zctasks.plan.models import Entry

GRADES = ("蓝色", "黄色", "红色")
"""三色督办: the grade of a unit's first, second, and third and later slip."""
SLIP_ITEMS = 4
"""Matters a slip lists on its own page; a longer list goes on an attached page."""
SLIP_TEXT = 150
"""Characters of 情况 the slip's own list holds at most (about what its page has room for)."""


def prefixes(ledger: Ledger) -> dict[str, str]:
    """The 机关代字 of each office that signs slips."""
    settings = ledger.report_settings
    found = {supervisor_of(ledger): settings.urge_code}
    if settings.party_supervisor:
        found[settings.party_supervisor] = settings.party_urge_code or settings.urge_code
    return found


def drafts(
    ledger: Ledger, progress: Progress, as_of: date, unit: str | None, day: date
) -> tuple[list[Slip], list[str]]:
    """The slips ``as_of`` calls for, dated ``day``, one per unit in departments.yaml
    order, unnumbered; and what the analyst should know about those not made (the issuing
    office's own tasks, Party units) and about the deadline."""
    tasks = ledger.tasks_of(unit) if unit else list(ledger.tasks.values())
    report = status_report(ledger, progress, tasks, as_of)
    settings = ledger.report_settings
    supervisor = supervisor_of(ledger)
    due = deadline(day, settings.urge_days)
    notes = [due.warning] if due.warning else []
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
    slips = []
    for owner, found in sorted(items.items(), key=lambda kv: order[kv[0]]):
        by = supervisor
        if owner == supervisor:
            notes.append(
                f"{owner}是催办单的签发单位，不给自己出催办单："
                f"其{len(found)}项任务（{task_numbers(i.task for i in found)}）由本单位自行推进"
            )
            continue
        if is_party(ledger, owner):
            if not settings.party_supervisor:
                notes.append(
                    f"{owner}是党委部门，不由{supervisor}催办："
                    f"其{len(found)}项任务（{task_numbers(i.task for i in found)}）"
                    f"在简报的下步工作要求中提请{level(ledger)}领导协调"
                    "（或在 data/config.yaml 的 reports.party_supervisor 中指定催办的部门）"
                )
                continue
            by = settings.party_supervisor
        slips.append(Slip(owner, day, due.day, by, tuple(found)))
    return slips, notes


def urge(
    ledger: Ledger,
    progress: Progress,
    as_of: date,
    day: date,
    slips: list[Slip],
    register: list[Slip],
    unit: str | None = None,
) -> dict[str, Any]:
    """The slips to print: issued ones with their numbers, drafts marked as a preview."""
    report = status_report(ledger, progress, [], as_of)
    context = common(ledger, report, "重点工作任务催办单", day)
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


def grade(register: list[Slip], slip: Slip) -> tuple[str, int]:
    """The slip's grade, and how many times the unit has now been urged: the slips standing
    for it from earlier days (a voided slip urged nobody), and this one (a unit gets one
    slip a day)."""
    times = (
        sum(1 for s in register if s.unit == slip.unit and s.issued < slip.issued and not s.voided)
        + 1
    )
    return GRADES[min(times, len(GRADES)) - 1], times


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
    colour, times = grade(register, slip)
    items = [
        {
            "task": item.task,
            "title": ledger.tasks[item.task].title,
            "light": LIGHT_NAMES["red" if item.light == "red" else "grey"],
            "situation": item.situation,
        }
        for item in slip.items
    ]
    text = sum(len(i.situation) + len(ledger.tasks[i.task].title) for i in slip.items)
    settings = ledger.report_settings
    contact = join(
        [
            f"联系人：{settings.contact}" if settings.contact else "",
            f"电话：{settings.phone}" if settings.phone else "",
        ],
        "，",
    )
    plan = ledger.plan
    return {
        "number": slip.number,
        "code": slip.code or "预览，未登记编号",
        "unit": slip.unit,
        "full_name": ledger.units[slip.unit].full_name or slip.unit,
        "issued": cn_date(slip.issued),
        "deadline": cn_date(slip.due),
        "supervisor": slip.by,
        "signer": signer(ledger, slip.by),
        "grade": colour,
        "times": times,
        "grade_text": f"{colour}（{'首次催办' if times == 1 else f'第{times}次催办'}）",
        "basis": f"《{plan.title}》" + (f"（{plan.doc_number}）" if plan.doc_number else ""),
        "summary": kinds,
        "items": items,
        "attached": len(items) > SLIP_ITEMS or text > SLIP_TEXT,
        "asks": "；".join(asks),
        "earlier": earlier,
        "contact": contact,
        "tasks": task_numbers(slip.tasks),
        "year": year,
    }


def _earlier(ledger: Ledger, progress: Progress, slip: Slip, register: list[Slip]) -> str:
    """其中第7、8、9项已于10月20日催办（川发改催〔2023〕13号）未反馈，第7、9项已是第3次催办:
    the latest earlier slip to the same unit about these tasks that went unanswered."""
    reports = _reports(ledger, progress, slip.tasks, slip.issued)
    unanswered: list[tuple[Slip, list[int]]] = []
    for old in register:
        if old.unit != slip.unit or old.issued >= slip.issued or old.voided:
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
    day: date,
    unit: str | None = None,
) -> dict[str, Any]:
    """催办登记表: every issued slip up to ``as_of``, the tasks it named, and how it was
    answered; an answer still incomplete after the deadline is marked overdue."""
    report = status_report(ledger, progress, [], as_of)
    context = common(ledger, report, "重点工作任务催办登记表", day)
    calendar = Calendar.of(ledger)
    rows = []
    for slip in slips:
        if slip.issued > as_of or (unit is not None and slip.unit != unit):
            continue
        reports = _reports(ledger, progress, slip.tasks, as_of)
        state, answered_on, missing = answered(slip, reports, as_of, calendar)
        year = as_of.year
        late = as_of > slip.due
        text: str = state
        if state == "已作废":
            text = f"已作废（{slip.voided}）"
        elif answered_on is not None and state in ("已反馈", "逾期反馈"):
            text = f"{state}（{short_date(answered_on, year)}）"
        elif missing and state == "部分反馈":
            head = "逾期部分反馈" if late else "部分反馈"
            text = f"{head}，{task_numbers(missing)}未反馈"
        rows.append(
            {
                "code": slip.code,
                "unit": slip.unit,
                "issued": short_date(slip.issued, year),
                "tasks": "；".join(
                    f"第{task}项{quote(ledger.tasks[task].title)}" for task in slip.tasks
                ),
                "count": len(slip.items),
                "deadline": short_date(slip.due, year),
                "answer": text,
                "open": state in ("未反馈", "逾期未反馈", "部分反馈"),
                "late": state == "逾期未反馈" or (state == "部分反馈" and late),
            }
        )
    open_rows = [r for r in rows if r["open"]]
    context.update(
        {
            "kind": "register",
            "unit": unit or "",
            "rows": rows,
            "open": len(open_rows),
            "voided": sum(1 for r in rows if str(r["answer"]).startswith("已作废")),
            "late": sum(1 for r in rows if r["late"]),
        }
    )
    return context
