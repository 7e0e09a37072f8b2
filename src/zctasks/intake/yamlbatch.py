"""A batch written as YAML: a list of entries with the fields of ``progress add``."""

from __future__ import annotations

from pathlib import Path

from zctasks.files.errors import Diagnostic
from zctasks.files.yamlfile import YamlDoc


def read_yaml(path: Path, raw: bytes) -> tuple[YamlDoc | None, list[Diagnostic]]:
    from zctasks.files import yamlfile

    doc, problems = yamlfile.parse(str(path), raw, strict_numbers=True)
    if doc is None or problems:
        return None, problems
    if not isinstance(doc.data, list) or not doc.data:
        return None, [doc.diagnostic((), "type", "批量文件应为进展条目的列表（每条以“- ”开头）")]
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
    return doc, []
