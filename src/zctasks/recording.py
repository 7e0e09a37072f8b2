"""Turning what a user or a department sends into checked progress entries."""

from __future__ import annotations

import contextlib
import csv
import io
import re
import secrets
from datetime import date
from pathlib import Path
from typing import Any

from zctasks.errors import Diagnostic, LedgerInvalid, UsageError, ZctasksError
from zctasks.ledger import Ledger
from zctasks.models import Entry
from zctasks.progress import check_entry
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


def new_id(day: date, task_id: int) -> str:
    return f"{day.isoformat()}-{task_id}-{secrets.token_hex(3)}"


def parse_values(pairs: list[str]) -> dict[str, Any]:
    """``["7.1=12.3", "7.2=5"]`` → ``{"7.1": 12.3, "7.2": 5}``; a bad number stays text."""
    values: dict[str, Any] = {}
    for pair in pairs:
        target_id, sep, number = pair.partition("=")
        if not sep or not target_id.strip():
            raise UsageError(f"指标值“{pair}”应写成 指标编号=数值", "例如 --value 7.1=12.3")
        values[target_id.strip()] = _number(number.strip())
    return values


def _number(text: str) -> Any:
    cleaned = text.replace(",", "")
    try:
        return int(cleaned)
    except ValueError:
        pass
    try:
        result = float(cleaned)
    except ValueError:
        return text
    return result if result == result and abs(result) != float("inf") else text


def draft_entry(ledger: Ledger, fields: dict[str, Any]) -> Entry:
    """One entry from command-line fields, every problem reported at once (exit 2)."""
    doc = YamlDoc("命令行", [dict(fields)])
    entries, problems = _validated(ledger, doc)
    if problems or not entries:
        raise UsageError(
            "进展记录无效：" + "；".join(d.message for d in problems), _first_hint(problems)
        )
    return entries[0]


def _first_hint(problems: list[Diagnostic]) -> str:
    return next((d.hint for d in problems if d.hint), "")


def _validated(ledger: Ledger, doc: YamlDoc) -> tuple[list[Entry], list[Diagnostic]]:
    from zctasks import schema

    for i, row in enumerate(doc.data):
        if not isinstance(row, dict):
            continue
        if isinstance(
            row.get("by"), str
        ):  # any spelling of a unit; an unknown one is reported below
            with contextlib.suppress(UsageError):
                row["by"] = ledger.resolve_unit(row["by"])
        if "id" not in row:
            task, day = row.get("task"), row.get("date")
            if isinstance(day, str) and _is_day(day) and isinstance(task, int):
                row["id"] = new_id(date.fromisoformat(day), task)
            else:
                row["id"] = "new"  # the schema reports the task or date
            doc.values.setdefault((i, "id"), doc.values.get((i,), (1, 1)))
    entries, problems = schema.validate(doc, list[Entry])
    if entries is None:
        return [], problems
    for i, entry in enumerate(entries):
        problems += [d for d in check_entry(ledger, entry, doc, i) if d.severity == "error"]
    return entries, problems


def _is_day(value: Any) -> bool:
    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


def read_batch(ledger: Ledger, path: Path) -> list[Entry]:
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
        raise LedgerInvalid(problems)
    entries, problems = _validated(ledger, doc)
    if problems:
        raise LedgerInvalid(problems)
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
        if isinstance(row, dict) and "id" in row:
            return None, [
                doc.diagnostic(
                    (i, "id"), "unknown-field", "批量文件中不要写 id，由 zctasks 生成", key=True
                )
            ]
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
                record.setdefault("values", {})[field[6:]] = _number(cell)
                doc.values[(i, "values", field[6:])] = (line, index)
                doc.keys[(i, "values", field[6:])] = (line, index)
                continue
            if field == "values":
                try:
                    record.setdefault("values", {}).update(
                        parse_values(re.split(r"[；;，,\s]+", cell))
                    )
                except UsageError as exc:
                    problems.append(Diagnostic(name, line, index, "type", exc.message, exc.hint))
                for key in record.get("values", {}):
                    doc.values.setdefault((i, "values", key), (line, index))
                    doc.keys.setdefault((i, "values", key), (line, index))
                continue
            record[field] = int(cell) if field == "task" and cell.isdigit() else cell
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
