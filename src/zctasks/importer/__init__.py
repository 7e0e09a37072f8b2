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
from pathlib import Path

from zctasks.files import limits
from zctasks.importer.metadata import plan_of
from zctasks.importer.readers import read_lines
from zctasks.importer.result import ImportResult
from zctasks.importer.structure import Structure, find_structure
from zctasks.importer.targets import find_targets
from zctasks.importer.tasks import build_tasks
from zctasks.importer.text import ImportProblem
from zctasks.importer.units import Registry, guess_kind
from zctasks.importer.writing import files_for, known_departments
from zctasks.plan.attribution import is_placeholder, parse_attribution
from zctasks.plan.models import Unit

__all__ = [
    "ImportProblem",
    "ImportResult",
    "files_for",
    "find_targets",
    "guess_kind",
    "is_placeholder",
    "known_departments",
    "parse",
    "parse_attribution",
]


def parse(
    path: Path,
    known_units: dict[str, Unit] | None = None,
    known_placeholders: list[str] | None = None,
) -> ImportResult:
    lines = read_lines(path, limits.MAX_BYTES, limits.MAX_UNPACKED)
    structure = find_structure(lines)
    if not structure.drafts:
        raise ImportProblem(*_nothing_found(path, structure))
    chapters = structure.chapters
    plan = plan_of(
        structure.head, structure.tail, [t for _, t in structure.skipped], _years(structure)
    )
    registry = Registry(dict(known_units or {}), list(known_placeholders or []))
    tasks, problems, notes = build_tasks(structure.drafts, registry, plan.period)
    return ImportResult(
        plan,
        chapters,
        tasks,
        registry.units,
        registry.placeholders,
        registry.new,
        registry.new_placeholders,
        registry.guessed,
        sorted(structure.unplaced + problems),
        notes + structure.notes,
        structure.skipped,
    )


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
        "或下一行（牵头单位：…），或者是表头含 序号、重点工作（工作任务）、牵头单位（责任单位）的表格行",
    )
