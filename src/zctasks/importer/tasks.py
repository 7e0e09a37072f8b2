"""From what the structure finder found to ledger tasks: title and text, units by role,
leaders, deadline, measures and targets."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from zctasks.importer.dates import due_date, looks_like_due
from zctasks.importer.structure import Draft
from zctasks.importer.targets import find_targets
from zctasks.importer.units import Registry
from zctasks.plan.attribution import fields, leaders, names_roles, parse_attribution
from zctasks.plan.attribution import split_attribution as split_body
from zctasks.plan.models import ROLES, LabelField, Period, Role, Task

_CELL_LABELS = (
    ("lead", "牵头单位"),
    ("cooperate", "配合单位"),
    ("responsible", "责任单位"),
    ("leaders", "责任领导"),
    ("due", "完成时限"),
    ("person", "责任人"),
)


def table_attribution(cells: dict[str, list[str]]) -> str | None:
    """The attribution of a table row, written out in the labelled form it parses back from."""
    parts = [f"{label}：{'、'.join(cells[key])}" for key, label in _CELL_LABELS if cells.get(key)]
    return "；".join(parts) or None


def build_tasks(
    drafts: list[Draft],
    registry: Registry,
    period: Period | None,
    labels: Mapping[str, LabelField] | None = None,
    first_leads: bool = False,
) -> tuple[list[Task], list[tuple[int, str]], list[str]]:
    """Tasks numbered as the document numbers them (or through, when the numbering restarts
    in each chapter), with the problems met on the way and notes on what was decided."""
    numbers = [d.number for d in drafts]
    restarts = len(set(numbers)) != len(numbers)
    notes = [f"任务编号在各章重新开始，已按全文顺序重新编号为 1—{len(drafts)}"] if restarts else []
    tasks: list[Task] = []
    problems: list[tuple[int, str]] = []
    for index, draft in enumerate(drafts, 1):
        task, found = _task(
            index if restarts else draft.number, draft, registry, period, labels, first_leads
        )
        problems += [(draft.line, problem) for problem in found]
        tasks.append(task)
    return tasks, problems, notes


def _task(
    task_id: int,
    draft: Draft,
    registry: Registry,
    period: Period | None,
    labels: Mapping[str, LabelField] | None,
    first_leads: bool,
) -> tuple[Task, list[str]]:
    problems: list[str] = []
    body, attribution = split_body(draft.body, labels)
    if attribution is None:
        attribution = draft.attribution
    elif draft.attribution:
        attribution = f"{attribution}；{draft.attribution}"  # a bracket, then labelled lines
    if draft.cells:
        attribution = table_attribution(draft.cells)
    roles: dict[Role, list[str]] = {}
    others: Role | None = None
    names: list[str] = []
    due = None
    if attribution is not None:
        parsed = parse_attribution(attribution, labels, first_leads)
        labelled = fields(attribution, labels)
        if parsed is not None:
            roles, others = parsed
        elif names_roles(attribution, labels) and not labelled.keys() <= {
            "leaders",
            "due",
            "person",
        }:
            problems.append(f"第{draft.number}项的分工“{attribution}”无法识别")
        names = leaders(attribution, labels)
        when = labelled.get("due") or _due_words(attribution)
        if when and period is not None:
            due = due_date(when, period.end.year)
            if due is not None and not period.start <= due <= period.end:
                problems.append(f"第{draft.number}项的完成时限“{when}”不在计划期内，未采用")
                due = None
    names = names or draft.chapter_leaders
    title, text = _title_and_text(_squeezed(body), draft)
    clean_roles = {
        role: tuple(dict.fromkeys(registry.name(u) for u in roles.get(role, []))) for role in ROLES
    }
    task = Task(
        id=task_id,
        chapter=draft.chapter,
        title=title,
        text=text,
        attribution=attribution,
        lead=clean_roles["lead"],
        cooperate=clean_roles["cooperate"],
        responsible=clean_roles["responsible"],
        and_others=others,
        leaders=tuple(dict.fromkeys(names)),
        due=due if period is None or due != period.end else None,
        measures=tuple(m for m in draft.measures if m),
        section=draft.section,
    )
    return replace(task, targets=tuple(find_targets(task))), problems


def _title_and_text(body: str, draft: Draft) -> tuple[str, str]:
    """The title is the first sentence; the text the rest (or the whole of a one-sentence
    task). An item whose own line is a heading over sub-items (1.完善应急预案体系 over
    （1）…（4）) has that heading as its title and the sub-items as its text."""
    extra = "；".join(draft.extra)
    if draft.sub_items and "。" not in body.rstrip("。"):
        title = body.rstrip("。：: ")
        text = "".join(_squeezed(item) for item in draft.sub_items)
    else:
        title, sep, text = body.partition("。")
        if not sep:
            title, text = body.rstrip("。"), body
        text = text.strip() or body
        text += "".join(_squeezed(item) for item in draft.sub_items)
    if extra:
        text = f"{text}；{extra}" if text else extra
    return title.strip() or text[:40], text


def _due_words(attribution: str) -> str:
    """Deadline words written beside the units in one bracket (…分别负责，年内持续推进)."""
    pieces = re.split(r"[，,；;]", attribution)
    return next((p.strip() for p in pieces[1:] if looks_like_due(p.strip())), "")


def _squeezed(text: str) -> str:
    """Spaces that a web page left between two Chinese characters (工作机 制), out."""
    return re.sub(r"(?<=[\u3000-\u9fff\uff00-\uffef]) +(?=[\u3000-\u9fff\uff00-\uffef])", "", text)
