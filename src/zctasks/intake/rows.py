"""What the columns of a department's sheet mean, and the reports its rows hold.

Two layouts are read. A *report sheet* has a row per report: task, unit, date, status,
note and the figures, either in columns named by target id (7.1) or in one column of
``7.1=12.3；7.2=4`` pairs. A returned *报送表* (``zctasks template``) has a block of rows
per task: a row per target with its figure, the narrative once per task. The header row
is found wherever it stands in the first rows; columns are matched by the names offices
use; a column nobody knows is ignored with a warning. Dates may be date cells or written
2023-09-30, 2023/9/30, 2023.9.30 or 2023年9月30日; a percentage target takes 85 or 85%.
An untouched row is not a report. Every problem is reported at once, located in its cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from zctasks.files.errors import Diagnostic, UsageError
from zctasks.files.yamlfile import YamlDoc
from zctasks.intake.tables import Cell, Table
from zctasks.log.figures import BadNumber, parse_number
from zctasks.plan.ledger import Ledger
from zctasks.plan.models import Number

COLUMNS: dict[str, tuple[str, ...]] = {
    "task": ("任务序号", "序号", "任务编号", "编号", "task", "任务"),
    "by": ("报送单位", "单位", "责任单位", "填报单位", "by"),
    "date": ("日期", "截至日期", "报送日期", "填报日期", "date"),
    "status": ("状态", "进展状态", "完成状态", "status"),
    "values": ("指标值", "指标", "values"),
    "note": ("本期进展", "进展情况", "进展", "工作进展", "完成情况", "note"),
    "source": ("佐证材料", "依据", "佐证", "来源", "source"),
    "next": ("下步打算", "下步计划", "下一步", "下步工作", "next"),
    "problems": ("存在问题", "问题", "困难问题", "problems"),
    "forced": ("代报原因", "forced"),
    "target": ("指标编号",),
    "value": ("本期数值", "数值", "本期完成"),
}
INFORMATIONAL = (
    "任务",
    "任务名称",
    "本单位角色",
    "角色",
    "指标",
    "指标名称",
    "目标",
    "上次报送",
    "上次报送日期",
    "备注说明",
)
NARRATIVE = ("status", "note", "source", "next", "problems", "forced")
LABELS = {
    "task": "任务序号",
    "by": "报送单位",
    "date": "日期",
    "status": "状态",
    "note": "本期进展",
    "source": "佐证材料",
    "next": "下步打算",
    "problems": "存在问题",
    "forced": "代报原因",
    "values": "指标",
}
_TARGET_COLUMN = re.compile(r"^\d+\.\d+$")
_ESTIMATE_COLUMN = re.compile(r"^(?:(?:预计|预估)(\d+\.\d+)|(\d+\.\d+)(?:预计|预估)数?)$")
_ESTIMATED = re.compile(r"^\s*[（(]?(?:预计|预估)[）)]?\s*")
"""A figure the unit marks as an estimate: 预计30, （预估）30."""
_PAIRS = re.compile(r"[；;\s]+|[,，](?=\s*[0-9]+\.[0-9]+\s*=)")
_TASK = re.compile(r"^第?\s*([0-9]{1,6})\s*项?$")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_HEADER_ROWS = 15


def text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass
class Sheet:
    """The reports found in one table, as a document the schema can validate and locate."""

    table: Table
    doc: YamlDoc
    diagnostics: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    untouched: int = 0
    """Task blocks of a 报送表 that were left empty: not reports."""
    unit: str | None = None
    bad: dict[int, set[str]] = field(default_factory=dict)
    """Record index → fields whose cell could not be read (already reported)."""


class SheetDoc(YamlDoc):
    """A YamlDoc whose positions are cells of a table: diagnostics name the cell."""

    table: Table

    def diagnostic(
        self,
        loc: tuple[str | int, ...],
        code: str,
        message: str,
        hint: str = "",
        *,
        key: bool = False,
        severity: str = "error",
    ) -> Diagnostic:
        row, column = self.where(loc, key=key)
        return self.table.diagnostic(row, column, code, message, hint, severity)


def _header(table: Table) -> tuple[int, dict[int, str], list[int]] | None:
    """The header row's index, the field of each known column, and the unknown columns."""
    for index, (_, cells) in enumerate(table.rows[:_HEADER_ROWS]):
        names = [text_of(c.value).replace("\n", "").replace(" ", "") for c in cells]
        fields: dict[int, str] = {}
        unknown: list[int] = []
        has_id = "任务序号" in names or "序号" in names or "任务编号" in names
        template = "指标编号" in names and "本期数值" in names
        for column, name in enumerate(names):
            if not name:
                continue
            found = None
            estimate = _ESTIMATE_COLUMN.match(name)
            if _TARGET_COLUMN.match(name):
                found = "value:" + name
            elif estimate is not None:
                found = "estimate:" + (estimate.group(1) or estimate.group(2))
            elif (template and name == "指标") or (has_id and name == "任务"):
                found = None
            else:
                found = next((f for f, names in COLUMNS.items() if name in names), None)
            if found is not None and found not in fields.values():
                fields[column] = found
            elif found is None and name not in INFORMATIONAL:
                unknown.append(column)
        if "task" in fields.values() and len(fields) >= 2:
            return index, fields, unknown
    return None


def read_sheet(ledger: Ledger, table: Table, default_day: date | None, today: date) -> Sheet:
    doc = SheetDoc(table.name, [])
    doc.table = table
    sheet = Sheet(table, doc)
    found = _header(table)
    if found is None:
        sheet.diagnostics.append(
            table.diagnostic(
                1,
                1,
                "no-header",
                "找不到表头：前 15 行中没有同时含“任务序号”（或“序号”）和其他已知列的行",
                "表头写作 任务序号、单位、日期、状态、进展情况、存在问题、下步计划、佐证材料，"
                "以及以指标编号（如 7.1）为名的列；或使用 zctasks template 生成的报送表",
            )
        )
        return sheet
    header_index, fields, unknown = found
    header_row = table.rows[header_index][0]
    for column in unknown:
        name = text_of(table.rows[header_index][1][column].value)
        sheet.warnings.append(
            table.diagnostic(
                header_row,
                column + 1,
                "unknown-column",
                f"忽略无法识别的列“{name}”",
                severity="warning",
            )
        )
    sheet.unit = _unit_of(ledger, table, fields, sheet)
    rows = table.rows[header_index + 1 :]
    template = "target" in fields.values() and "value" in fields.values()
    day = _default_day(table, default_day, today)
    if template:
        _read_blocks(ledger, sheet, rows, fields, day)
    else:
        _read_reports(ledger, sheet, rows, fields, day)
    _drop_unplaced(sheet)
    return sheet


def _drop_unplaced(sheet: Sheet) -> None:
    """Records whose task could not be read are left out of validation (their problem is
    reported); the others keep their places."""
    drop = {i for i, fields in sheet.bad.items() if "task" in fields}
    if not drop:
        return
    old = sheet.doc
    doc = SheetDoc(old.path, [])
    doc.table = sheet.table
    for i, record in enumerate(old.data):
        if i in drop:
            continue
        j = len(doc.data)
        doc.data.append(record)
        for table, new in ((old.values, doc.values), (old.keys, doc.keys)):
            for loc, place in table.items():
                if loc and loc[0] == i:
                    new[(j, *loc[1:])] = place
    sheet.doc = doc


def _unit_of(ledger: Ledger, table: Table, fields: dict[int, str], sheet: Sheet) -> str | None:
    """The unit a whole sheet reports for: a template's, or one named in the file name."""
    named = table.meta.get("unit") if table.meta.get("kind") else None
    if named:
        return named
    if "by" in fields.values():
        return None  # each row says
    stem = table.path.stem
    spellings = sorted(ledger.names, key=len, reverse=True)
    for spelling in spellings:
        if len(spelling) >= 2 and spelling in stem:
            return ledger.names[spelling]
    for _, cells in table.rows[:3]:
        for cell in cells:
            match = re.search(r"报送单位[:：]\s*(\S+?)(?:（|\s|$)", text_of(cell.value))
            if match:
                try:
                    return ledger.resolve_unit(match.group(1))
                except UsageError:
                    return match.group(1)
    sheet.diagnostics.append(
        table.diagnostic(
            1,
            1,
            "no-unit",
            "无法确定报送单位：表中没有“单位”列，文件名和表头中也没有单位名称",
            "在文件名中写上单位（如 区教体局11月.xlsx），或加一列“单位”",
        )
    )
    return None


def _default_day(table: Table, given: date | None, today: date) -> date | None:
    """A template's reports stand at its due date (or today, if that is earlier)."""
    if given is not None:
        return given
    due = table.meta.get("due")
    if not due:
        match = re.search(r"(\d{4}-\d{2}-\d{2})", table.path.stem)
        due = match.group(1) if match and table.path.stem.startswith("报送表") else None
    if due:
        try:
            return min(date.fromisoformat(due), today)
        except ValueError:
            return None
    return None


def _place(doc: YamlDoc, loc: tuple[str | int, ...], row: int, column: int) -> None:
    doc.values[loc] = (row, column + 1)
    doc.keys[loc] = (row, column + 1)


def _read_reports(
    ledger: Ledger,
    sheet: Sheet,
    rows: list[tuple[int, list[Cell]]],
    fields: dict[int, str],
    day: date | None,
) -> None:
    doc = sheet.doc
    for row, cells in rows:
        present = {
            column: cell
            for column, cell in enumerate(cells)
            if column in fields and text_of(cell.value) != ""
        }
        kinds = {fields[c] for c in present}
        if not kinds or kinds <= {"task", "by", "date"}:
            continue  # blank, or a task listed with nothing reported
        i = len(doc.data)
        record: dict[str, Any] = {}
        doc.values[(i,)] = (row, 1)
        for column, cell in present.items():
            name = fields[column]
            if name.startswith(("value:", "estimate:")):
                for located in ("values", "estimates"):
                    _place(doc, (i, located, name.partition(":")[2]), row, column)
            else:
                _place(doc, (i, name), row, column)
            _set(ledger, sheet, record, name, cell, row, column)
        _finish(ledger, sheet, record, i, row, day)
        doc.data.append(record)


def _read_blocks(
    ledger: Ledger,
    sheet: Sheet,
    rows: list[tuple[int, list[Cell]]],
    fields: dict[int, str],
    day: date | None,
) -> None:
    """A 报送表: rows grouped by task (the task cell is merged, so later rows leave it empty)."""
    by_field = {name: column for column, name in fields.items()}
    blocks: list[list[tuple[int, list[Cell]]]] = []
    for row, cells in rows:
        task_cell = _cell(cells, by_field.get("task"))
        if text_of(task_cell.value) or not blocks:
            blocks.append([])
        blocks[-1].append((row, cells))
    doc = sheet.doc
    for block in blocks:
        first_row, first_cells = block[0]
        record: dict[str, Any] = {}
        i = len(doc.data)
        doc.values[(i,)] = (first_row, 1)
        touched = False
        for row, cells in block:
            for name in (*NARRATIVE, "by", "date"):
                column = by_field.get(name)
                cell = _cell(cells, column)
                if column is not None and text_of(cell.value) and name not in record:
                    _place(doc, (i, name), row, column)
                    _set(ledger, sheet, record, name, cell, row, column)
                    touched = touched or name in NARRATIVE
            value_column = by_field["value"]
            value_cell = _cell(cells, value_column)
            target_id = text_of(_cell(cells, by_field["target"]).value)
            if text_of(value_cell.value):
                touched = True
                if not target_id or target_id == "—":
                    sheet.diagnostics.append(
                        sheet.table.diagnostic(
                            row,
                            value_column + 1,
                            "unknown-target",
                            "这一行没有指标编号，不能填数值",
                        )
                    )
                    continue
                for located in ("values", "estimates"):
                    _place(doc, (i, located, target_id), row, value_column)
                _set(ledger, sheet, record, "value:" + target_id, value_cell, row, value_column)
        if not touched:
            sheet.untouched += 1
            continue
        task_column = by_field["task"]
        _place(doc, (i, "task"), first_row, task_column)
        _set(ledger, sheet, record, "task", _cell(first_cells, task_column), first_row, task_column)
        _finish(ledger, sheet, record, i, first_row, day)
        doc.data.append(record)


def _cell(cells: list[Cell], column: int | None) -> Cell:
    if column is None or column >= len(cells):
        return Cell(None)
    return cells[column]


def _finish(
    ledger: Ledger, sheet: Sheet, record: dict[str, Any], i: int, row: int, day: date | None
) -> None:
    record.setdefault("status", "推进中")
    if "by" not in record and sheet.unit is not None:
        record["by"] = sheet.unit
    if "date" in sheet.bad.get(i, set()):
        record["date"] = ledger.plan.period.start.isoformat()  # reported; check the rest
    elif "date" not in record:
        if day is None:
            sheet.diagnostics.append(
                sheet.table.diagnostic(
                    row,
                    1,
                    "missing-field",
                    "缺少日期：表中没有“日期”列",
                    "加一列“日期”，或导入时用 --date 指定这批进展所截至的日期",
                )
            )
            record["date"] = "2000-01-01"  # located above; keeps the rest of the row checked
        else:
            record["date"] = day.isoformat()


def _set(
    ledger: Ledger,
    sheet: Sheet,
    record: dict[str, Any],
    name: str,
    cell: Cell,
    row: int,
    column: int,
) -> None:
    """One cell into the record, read as its field expects; a bad cell is reported."""
    table = sheet.table
    index = len(sheet.doc.data)

    def problem(code: str, message: str, hint: str = "") -> None:
        sheet.diagnostics.append(table.diagnostic(row, column + 1, code, message, hint))
        sheet.bad.setdefault(index, set()).add(name)

    text = text_of(cell.value)
    if name == "task":
        match = _TASK.match(text)
        if match is None:
            problem("type", f"任务序号“{text}”无效：应为任务的编号，如 7")
        else:
            record["task"] = int(match.group(1))
    elif name == "date":
        day = _date(cell.value)
        if day is None:
            problem(
                "type",
                f"日期“{text}”无效",
                "写作 2023-09-30、2023/9/30、2023.9.30 或 2023年9月30日",
            )
        else:
            record["date"] = day.isoformat()
    elif name == "values":
        from zctasks.log.recording import parse_values

        try:
            pairs = parse_values([p for p in _PAIRS.split(text) if p])
        except UsageError as exc:
            problem("number", exc.message, exc.hint)
        else:
            record.setdefault("values", {}).update(pairs)
    elif name.startswith(("value:", "estimate:")):
        target_id = name.partition(":")[2]
        kind = "estimates" if name.startswith("estimate:") else "values"
        if isinstance(cell.value, str) and _ESTIMATED.match(cell.value):
            kind = "estimates"
            cell = replace(cell, value=_ESTIMATED.sub("", cell.value, count=1))
        try:
            record.setdefault(kind, {})[target_id] = figure(ledger, target_id, cell)
        except BadNumber as exc:
            problem("number", f"指标 {target_id} 的{exc.message}", exc.hint)
    else:
        record[name] = text


def figure(ledger: Ledger, target_id: str, cell: Cell) -> Number:
    """A figure from a cell: a number, a number written as text, 85% for a percentage."""
    unit = _target_unit(ledger, target_id)
    value = cell.value
    if isinstance(value, bool | datetime | date):
        raise BadNumber(f"数值“{text_of(value)}”无效：应为数字")
    if isinstance(value, int | float):
        if cell.percent:
            if unit != "%":
                raise BadNumber(f"数值是百分数（{value:.2%}），而指标的单位是“{unit}”")
            value = Decimal(repr(value)) * 100
            return parse_number(format(value.normalize(), "f"))
        return parse_number(text_of(value) if isinstance(value, int) else repr(value))
    text = str(value).strip().replace("％", "%")
    if text.endswith("%"):
        if unit != "%":
            raise BadNumber(f"数值“{text}”是百分数，而指标的单位是“{unit}”", "只填数字")
        text = text[:-1].strip()
    return parse_number(text)


def _target_unit(ledger: Ledger, target_id: str) -> str | None:
    task_id, _, _ = target_id.partition(".")
    task = ledger.tasks.get(int(task_id)) if task_id.isdigit() else None
    if task is None:
        return None
    return next((t.unit for t in task.targets if t.id == target_id), None)


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _DATE.match(text_of(value))
    if match is None:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None
