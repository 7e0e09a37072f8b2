"""Importing a plan document: .txt, .docx, .xlsx or .csv read into chapters, tasks, units and
targets. Takes a published plan; gives a ledger's tasks.yaml and departments.yaml.

This module is the package's public surface. The data flows down the modules: ``readers``
(a .txt, .docx, .xlsx or .csv file into numbered lines) → ``structure`` (chapters, tasks, attributions, tables) and ``metadata``
(title, number, issuer) → ``tasks`` (units by role via ``plan.attribution``, deadlines via
``dates``, targets via ``targets``, names via ``units``) → ``writing`` (the ledger files,
guarded and backed up). ``outline`` shows a result to people.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from zctasks.files import limits
from zctasks.importer.columns import Column, label_overrides, parse_columns
from zctasks.importer.metadata import lead_rule, plan_of
from zctasks.importer.prepare import page_fields, prepare
from zctasks.importer.readers import read_lines
from zctasks.importer.result import ImportResult
from zctasks.importer.structure import Structure, find_structure
from zctasks.importer.targets import find_targets
from zctasks.importer.tasks import build_tasks
from zctasks.importer.text import ImportProblem, clean
from zctasks.importer.units import Registry, guess_kind
from zctasks.importer.writing import files_for, known_departments
from zctasks.plan.attribution import is_placeholder, parse_attribution
from zctasks.plan.models import Unit

__all__ = [
    "Column",
    "ImportProblem",
    "ImportResult",
    "files_for",
    "find_targets",
    "guess_kind",
    "is_placeholder",
    "known_departments",
    "parse",
    "parse_attribution",
    "parse_columns",
]


def parse(
    path: Path,
    known_units: dict[str, Unit] | None = None,
    known_placeholders: list[str] | None = None,
    *,
    year: int | None = None,
    columns: dict[str, Column] | None = None,
) -> ImportResult:
    """Read a plan document. ``year`` is the plan's year where the document names none;
    ``columns`` says what table headers or labels mean where their words do not."""
    read_notes: list[str] = []
    raw = read_lines(path, limits.MAX_BYTES, limits.MAX_UNPACKED, read_notes)
    lines, skipped = prepare(raw)
    labels = label_overrides(columns or {})
    structure = find_structure(lines, skipped, columns, labels)
    if not structure.drafts:
        raise ImportProblem(*_nothing_found(path, structure))
    rule = lead_rule([line.text for line in lines])
    facts = plan_of(
        structure.head,
        structure.tail,
        page_fields(skipped),
        _years(structure),
        year,
        path.stem,
    )
    plan = replace(facts.plan, lead_rule=rule, labels=labels)
    registry = Registry(dict(known_units or {}), list(known_placeholders or []))
    period = plan.period if facts.year is not None else None
    tasks, problems, notes = build_tasks(structure.drafts, registry, period, labels, bool(rule))
    notes = read_notes + notes + structure.notes + facts.notes
    if rule:
        notes.append(f"按原文“{rule}”，所列第一个单位作牵头单位、其余作配合单位")
    if facts.year is None:
        notes.append("文件中没有写明年份：请用 --year 指定计划年度")
    if facts.year_conflict:
        notes.append(f"计划年度不确定：{facts.year_conflict}；请用 --year 指定计划年度")
    ids = [task.id for task in tasks]
    left_out = [(line.number, line.text, "文件头") for line in structure.head]
    left_out += [(line.number, line.text, "文末") for line in structure.tail]
    left_out += structure.left_out
    left_out += _renumbered(lines, tasks, structure)
    return ImportResult(
        plan,
        structure.chapters,
        tasks,
        registry.units,
        registry.placeholders,
        registry.new,
        registry.new_placeholders,
        registry.guessed,
        sorted(structure.unplaced + problems),
        notes,
        structure.skipped,
        sorted(left_out),
        {task_id: draft.lines for task_id, draft in zip(ids, structure.drafts, strict=True)},
        structure.chapter_lines,
        facts.year,
        facts.year_conflict,
    )


def _renumbered(
    lines: list[Any], tasks: list[Any], structure: Structure
) -> list[tuple[int, str, str]]:
    """The cells that held a task's own number where the ledger numbers it otherwise (a
    table that starts again at 1): the document's numbering, not its content."""
    texts = {line.number: line.text for line in lines}
    found = []
    for task, draft in zip(tasks, structure.drafts, strict=True):
        if task.id == draft.number:
            continue
        for number in draft.lines:
            if clean(texts.get(number, "")) == str(draft.number):
                found.append((number, texts[number], "原序号"))
    return found


def _years(structure: Structure) -> list[int]:
    texts = [d.body for d in structure.drafts] + [
        value for d in structure.drafts for values in d.cells.values() for value in values
    ]
    return [int(year) for text in texts for year in re.findall(r"(20\d\d)\s*年", text)]


def _nothing_found(path: Path, structure: Structure) -> tuple[str, str]:
    counts = structure.counts
    seen = (
        f"{counts['chapters']} 个章节标题（一、），{counts['subheadings']} 个小标题（（一）），"
        f"{counts['items']} 个编号事项，{counts['tables']} 个表格，"
        f"{counts['attributions']} 处单独成行的分工，{len(structure.unplaced)} 段未归入的文字"
    )
    return (
        f"{path} 中没有找到任务：识别到 {seen}",
        "任务应是 一、 这样的章节下编号的事项（1. 1、 （1） 或（一）），分工写在其后的括号里"
        "或下一行（牵头单位：…），或者是表头含 序号、重点工作（工作任务）、牵头单位（责任单位）的表格行；"
        "表头或标签含义不明时可用 --columns 指明",
    )
