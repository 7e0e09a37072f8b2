"""Reading a department's batch (.yaml or .csv) into checked progress entries.

Every problem of the whole batch is reported at once, each located in the file; nothing is
returned unless every row is valid.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path
from typing import Any

from zctasks.errors import Diagnostic, LedgerInvalid, UsageError, ZctasksError
from zctasks.figures import BadNumber, parse_number
from zctasks.ledger import Ledger
from zctasks.models import Entry
from zctasks.recording import parse_values, validated
from zctasks.yamlfile import YamlDoc

CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "task": ("task", "任务", "任务序号", "序号"),
    "by": ("by", "单位", "报送单位", "责任单位"),
    "date": ("date", "日期"),
    "status": ("status", "状态"),
    "values": ("values", "指标", "指标值"),
    "note": ("note", "进展", "进展情况", "工作进展"),
    "source": ("source", "依据", "佐证", "来源"),
    "next": ("next", "下步计划", "下一步"),
    "problems": ("problems", "存在问题", "问题"),
    "forced": ("forced", "代报原因"),
}
_TARGET_COLUMN = re.compile(r"^\d+\.\d+$")
_PAIRS = re.compile(r"[；;\s]+|[,，](?=\s*[0-9]+\.[0-9]+\s*=)")
_TASK = re.compile(r"[0-9]{1,9}")


class BatchInvalid(LedgerInvalid):
    """A batch with problems: nothing of it was recorded."""

    def __init__(self, path: Path, diagnostics: list[Diagnostic]) -> None:
        super().__init__(diagnostics)
        errors = sum(1 for d in diagnostics if d.severity == "error")
        self.message = f"{path.name} 有 {errors} 处错误，整批没有导入"
        self.hint = "改正后重新导入；没有写入任何记录"


def read_batch(ledger: Ledger, path: Path, today: date) -> list[Entry]:
    """All entries of a department's batch (.yaml or .csv), or every problem in it (exit 1)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ZctasksError(f"无法读取 {path}：{exc.strerror}") from None
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        doc, problems = _yaml_batch(str(path), raw)
    elif suffix == ".csv":
        doc, problems = _csv_batch(str(path), raw)
    else:
        raise UsageError(f"不支持的文件类型“{path.suffix}”", "进展批量文件应为 .yaml 或 .csv")
    if doc is None or problems:
        raise BatchInvalid(path, problems)
    entries, problems = validated(ledger, doc, today)
    if problems:
        raise BatchInvalid(path, problems)
    if not entries:
        raise ZctasksError(f"{path} 中没有进展记录")
    return entries


def _yaml_batch(name: str, raw: bytes) -> tuple[YamlDoc | None, list[Diagnostic]]:
    from zctasks import yamlfile

    doc, problems = yamlfile.parse(name, raw)
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
        row.setdefault("status", "推进中")  # as in progress add and in a CSV sheet
    return doc, []


def _csv_batch(name: str, raw: bytes) -> tuple[YamlDoc | None, list[Diagnostic]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")  # what Excel on a Chinese Windows saves
        except UnicodeDecodeError:
            return None, [
                Diagnostic(name, 1, 1, "encoding", "CSV 文件既不是 UTF-8 也不是 GBK 编码")
            ]
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header:
        return None, [Diagnostic(name, 1, 1, "empty-file", "文件为空")]
    columns: list[str | None] = []
    problems: list[Diagnostic] = []
    for index, title in enumerate(header, 1):
        title = title.strip()
        field = next((k for k, names in CSV_COLUMNS.items() if title in names), None)
        if field is None and _TARGET_COLUMN.match(title):
            field = "value:" + title
        if field is None and title:
            problems.append(
                Diagnostic(
                    name, 1, index, "unknown-column", f"无法识别的列“{title}”", _column_hint()
                )
            )
        columns.append(field)
    doc = YamlDoc(name, [])
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        i = len(doc.data)
        record: dict[str, Any] = {}
        doc.values[(i,)] = (line, 1)
        for index, (field, cell) in enumerate(zip(columns, row, strict=False), 1):
            cell = cell.strip()
            if field is None or not cell:
                continue
            if field.startswith("value:"):
                try:
                    record.setdefault("values", {})[field[6:]] = parse_number(cell)
                except BadNumber as exc:
                    problems.append(
                        Diagnostic(
                            name,
                            line,
                            index,
                            "number",
                            f"指标 {field[6:]} 的{exc.message}",
                            exc.hint,
                        )
                    )
                doc.values[(i, "values", field[6:])] = (line, index)
                doc.keys[(i, "values", field[6:])] = (line, index)
                continue
            if field == "values":
                try:
                    record.setdefault("values", {}).update(
                        parse_values([pair for pair in _PAIRS.split(cell) if pair])
                    )
                except UsageError as exc:
                    problems.append(Diagnostic(name, line, index, "type", exc.message, exc.hint))
                for key in record.get("values", {}):
                    doc.values.setdefault((i, "values", key), (line, index))
                    doc.keys.setdefault((i, "values", key), (line, index))
                continue
            record[field] = int(cell) if field == "task" and _TASK.fullmatch(cell) else cell
            doc.values[(i, field)] = (line, index)
            doc.keys[(i, field)] = (line, index)
        record.setdefault("status", "推进中")
        doc.data.append(record)
    if not doc.data and not problems:
        problems.append(Diagnostic(name, 2, 1, "empty-file", "CSV 文件只有表头，没有进展记录"))
    return doc, problems


def _column_hint() -> str:
    names = "、".join(names[1] for names in CSV_COLUMNS.values())
    return f"可用列名：{names}，或以指标编号（如 7.1）为列名"
