"""From what the structure finder found to ledger tasks: title and text, units by role,
leaders, deadline and targets."""

from __future__ import annotations

import re
from dataclasses import replace

from zctasks.importer.dates import due_date
from zctasks.importer.structure import Draft
from zctasks.importer.targets import find_targets
from zctasks.importer.units import Registry
from zctasks.plan.attribution import fields, leaders, names_roles, parse_attribution
from zctasks.plan.attribution import split_attribution as split_body
from zctasks.plan.models import ROLES, Period, Role, Task

_CELL_LABELS = (
    ("lead", "牵头单位"),
    ("cooperate", "配合单位"),
    ("responsible", "责任单位"),
    ("leaders", "责任领导"),
    ("due", "完成时限"),
)


def table_attribution(cells: dict[str, list[str]]) -> str | None:
    """The attribution of a table row, written out in the labelled form it parses back from."""
    parts = [f"{label}：{'、'.join(cells[key])}" for key, label in _CELL_LABELS if cells.get(key)]
    return "；".join(parts) or None


def build_tasks(
    drafts: list[Draft], registry: Registry, period: Period
) -> tuple[list[Task], list[tuple[int, str]], list[str]]:
    """Tasks numbered as the document numbers them (or through, when the numbering restarts
    in each chapter), with the problems met on the way and notes on what was decided."""
    numbers = [d.number for d in drafts]
    restarts = len(set(numbers)) != len(numbers)
    notes = [f"任务编号在各章重新开始，已按全文顺序重新编号为 1—{len(drafts)}"] if restarts else []
    tasks: list[Task] = []
    problems: list[tuple[int, str]] = []
    for index, draft in enumerate(drafts, 1):
        task, found = _task(index if restarts else draft.number, draft, registry, period)
        problems += [(draft.line, problem) for problem in found]
        tasks.append(task)
    return tasks, problems, notes


def _task(task_id: int, draft: Draft, registry: Registry, period: Period) -> tuple[Task, list[str]]:
    problems: list[str] = []
    body, attribution = split_body(draft.body)
    if attribution is None:
        attribution = draft.attribution
    if draft.cells:
        attribution = table_attribution(draft.cells)
    roles: dict[Role, list[str]] = {}
    others: Role | None = None
    names: list[str] = []
    due = None
    if attribution is not None:
        parsed = parse_attribution(attribution)
        labelled = fields(attribution)
        if parsed is not None:
            roles, others = parsed
        elif names_roles(attribution) and not labelled.keys() <= {"leaders", "due", "person"}:
            problems.append(f"第{draft.number}项的分工“{attribution}”无法识别")
        names = leaders(attribution)
        if "due" in labelled:
            due = due_date(labelled["due"], period.end.year)
            if due is not None and not period.start <= due <= period.end:
                problems.append(
                    f"第{draft.number}项的完成时限“{labelled['due']}”不在计划期内，未采用"
                )
                due = None
    names = names or draft.chapter_leaders
    body = _squeezed(body)
    title, sep, text = body.partition("。")
    if not sep:
        title, text = body.rstrip("。"), body
    text = text.strip() or body
    clean_roles = {
        role: tuple(dict.fromkeys(registry.name(u) for u in roles.get(role, []))) for role in ROLES
    }
    task = Task(
        id=task_id,
        chapter=draft.chapter,
        title=title.strip(),
        text=text,
        attribution=attribution,
        lead=clean_roles["lead"],
        cooperate=clean_roles["cooperate"],
        responsible=clean_roles["responsible"],
        and_others=others,
        leaders=tuple(dict.fromkeys(names)),
        due=due if due != period.end else None,
    )
    return replace(task, targets=tuple(find_targets(task))), problems


def _squeezed(text: str) -> str:
    """Spaces that a web page left between two Chinese characters (工作机 制), out."""
    return re.sub(r"(?<=[\u3000-\u9fff\uff00-\uffef]) +(?=[\u3000-\u9fff\uff00-\uffef])", "", text)
