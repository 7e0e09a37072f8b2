"""A batch written as YAML: a list of entries with the fields of ``progress add``, read by
the one input grammar: ``task: 第7项``, ``date: 2023/9/30``, ``56.2: 85%`` and ``1,200``
mean what they mean on the command line and in a sheet."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from zctasks.files.errors import Diagnostic
from zctasks.files.yamlfile import YamlDoc
from zctasks.plan.ledger import Ledger


def read_yaml(
    ledger: Ledger, path: Path, raw: bytes, received: date | None = None
) -> tuple[YamlDoc | None, list[Diagnostic]]:
    from zctasks.files import yamlfile

    doc, problems = yamlfile.parse(str(path), raw, strict_numbers=True)
    if doc is None or problems:
        return None, problems
    if not isinstance(doc.data, list) or not doc.data:
        return None, [doc.diagnostic((), "type", "批量文件应为进展条目的列表（每条以“- ”开头）")]
    found: list[Diagnostic] = []
    bad: set[int] = set()
    for i, row in enumerate(doc.data):
        if not isinstance(row, dict):
            continue
        for name in ("id", "at", "fixes", "voids"):
            if name in row:
                return None, [
                    doc.diagnostic(
                        (i, name),
                        "unknown-field",
                        f"批量文件中不要写 {name}"
                        + (
                            "，由 zctasks 生成"
                            if name in ("id", "at")
                            else "；更正用 zctasks progress fix"
                        ),
                        key=True,
                    )
                ]
        row.setdefault("status", "推进中")  # as in progress add and in a sheet
        if received is not None:
            row.setdefault("received", received.isoformat())
        typed = _typed(ledger, doc, i, row)
        if typed:
            bad.add(i)
            found += typed
    return (_without(doc, bad) if bad else doc), found


def _without(doc: YamlDoc, rows: set[int]) -> YamlDoc | None:
    """The document without the rows already reported, so that the other rows' problems
    are found in the same pass (and no row's problem is reported twice)."""
    kept = [i for i in range(len(doc.data)) if i not in rows]
    if not kept:
        return None
    moved = {old: new for new, old in enumerate(kept)}
    rest = YamlDoc(doc.path, [doc.data[i] for i in kept])
    for table, new_table in ((doc.values, rest.values), (doc.keys, rest.keys)):
        for loc, place in table.items():
            if loc and isinstance(loc[0], int) and loc[0] in moved:
                new_table[(moved[loc[0]], *loc[1:])] = place
    return rest


def _typed(ledger: Ledger, doc: YamlDoc, i: int, row: dict[str, Any]) -> list[Diagnostic]:
    """Task, days and figures written as text, read as everywhere else."""
    from zctasks.log.figures import BadNumber
    from zctasks.log.inputs import DAY_FORMS, parse_day, parse_figure, parse_task
    from zctasks.log.recording import target_units

    found = []
    if isinstance(row.get("task"), str) and parse_task(row["task"]) is not None:
        row["task"] = parse_task(row["task"])
    for name in ("date", "received"):
        value = row.get(name)
        if isinstance(value, str):
            day = parse_day(value)
            if day is None:
                found.append(
                    doc.diagnostic((i, name), "type", f"日期“{value}”无效", f"写作 {DAY_FORMS}")
                )
            else:
                row[name] = day.isoformat()
    values = row.get("values")
    if isinstance(values, dict):
        units = target_units(ledger, row.get("task"))
        for target_id, value in list(values.items()):
            if not isinstance(value, str):
                continue
            try:
                values[target_id] = parse_figure(value, units.get(str(target_id)))
            except BadNumber as exc:
                found.append(
                    doc.diagnostic(
                        (i, "values", target_id),
                        "number",
                        f"指标 {target_id} 的{exc.message}",
                        exc.hint,
                    )
                )
    return found
