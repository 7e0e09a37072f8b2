"""Spreadsheets as rows of cells: CSV (UTF-8 or GBK) and XLSX, each cell with its place.

Nothing here knows what the columns mean; ``rows.py`` does. A CSV field whose quote never
closes — one that swallowed the rows after it — is an error naming the line where it
opened, never a silent single row.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zctasks.files import limits
from zctasks.files.errors import Diagnostic, ZctasksError
from zctasks.files.workbooks import damage, quiet_warnings


@dataclass(frozen=True, slots=True)
class Cell:
    value: Any
    """str, int, float, datetime or None, as the file holds it."""
    format: str = ""
    """A number's format, when it is not General (``0%``, ``0.00``, ``0"%"``)."""
    formula: str = ""
    """The formula the cell holds, if any (its value is the result the file saved, or None
    when the program that wrote it saved none)."""


@dataclass
class Table:
    """One sheet: numbered rows of cells, and what a template says about itself."""

    path: Path
    sheet: str | None
    rows: list[tuple[int, list[Cell]]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)

    hidden: list[str] = field(default_factory=list)
    """What the sheet hides and was read all the same (``第 3 行``, ``C 列``)."""

    @property
    def name(self) -> str:
        return f"{self.path.name}:{self.sheet}" if self.sheet else self.path.name

    def cell_name(self, row: int, column: int) -> str:
        """报送表!F7 for a workbook; "" for CSV, which is located by line and column."""
        if self.sheet is None:
            return ""
        from openpyxl.utils import get_column_letter

        return f"{self.sheet}!{get_column_letter(column)}{row}"

    def diagnostic(
        self,
        row: int,
        column: int,
        code: str,
        message: str,
        hint: str = "",
        severity: str = "error",
    ) -> Diagnostic:
        return Diagnostic(
            str(self.path),
            row,
            column,
            code,
            message,
            hint,
            severity,  # type: ignore[arg-type]
            self.cell_name(row, column),
        )


def read_csv(path: Path, raw: bytes) -> tuple[Table, list[Diagnostic]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")  # what Excel on a Chinese Windows saves
        except UnicodeDecodeError:
            return Table(path, None), [
                Diagnostic(str(path), 1, 1, "encoding", "CSV 文件既不是 UTF-8 也不是 GBK 编码")
            ]
    table = Table(path, None)
    reader = csv.reader(io.StringIO(text, newline=""))
    del text  # the reader holds it; memory goes with the cells kept
    line = 1
    shared: dict[str, Cell] = {}  # a CSV cell is its text: one Cell for each short text
    try:
        for record in reader:
            cells = []
            for value in record:
                cell = shared.get(value) if len(value) <= 64 else None
                if cell is None:
                    cell = Cell(value)
                    if len(value) <= 64 and len(shared) < 100_000:
                        shared[value] = cell
                cells.append(cell)
            table.rows.append((line, cells))
            opened = _swallowed(record)
            if opened is not None:
                return table, [
                    Diagnostic(
                        str(path),
                        line,
                        opened + 1,
                        "csv-quote",
                        f"第 {line} 行第 {opened + 1} 列的引号没有闭合，其后 "
                        f"{reader.line_num - line} 行被并进了这一个单元格",
                        '删去多余的引号，或把单元格中的引号写成两个（""）',
                    )
                ]
            line = reader.line_num + 1
    except csv.Error as exc:
        return table, [
            Diagnostic(
                str(path),
                line,
                1,
                "csv-quote",
                f"从第 {line} 行起无法按 CSV 读取：{_csv_reason(exc)}",
                '检查该行的引号是否成对；单元格中的引号要写成两个（""）',
            )
        ]
    return table, []


_ROW_LIKE = re.compile(r"\n[^\n]*,[^\n]*,")


def _swallowed(record: list[str]) -> int | None:
    """The field that holds what looks like further rows (an unclosed quote), or None."""
    for index, value in enumerate(record):
        if "\n" in value and _ROW_LIKE.search(value):
            return index
    return None


def _csv_reason(exc: csv.Error) -> str:
    text = str(exc)
    if "field larger than field limit" in text:
        return "单元格过长（超过 128 KB），多半是引号没有闭合"
    return text


def read_xlsx(path: Path, raw: bytes) -> tuple[list[Table], list[Diagnostic]]:
    """Every visible sheet that holds anything, and a template's hidden description (.xlsx
    and .xlsm alike: macros are never run). A formula is kept with the result the file
    saved, so that one without a saved result is named, not read as empty."""
    from zctasks.intake.template import META_SHEET

    try:
        limits.checked_zip(path, raw, ".xlsx", limits.MAX_UNPACKED)
    except ZctasksError as exc:
        return [], [Diagnostic(str(path), 1, 1, "unreadable", exc.message, exc.hint)]
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged package
        return [], [_unreadable(path, "无法作为 Excel 文件打开", exc)]
    tables: list[Table] = []
    meta: dict[str, str] = {}
    formulas: dict[tuple[str, int, int], str] = {}
    at = [0]  # the last row read: where a damaged sheet stopped
    hidden: list[str] = []
    try:
        for sheet in book.worksheets:
            if sheet.title == META_SHEET:
                for row in sheet.iter_rows(values_only=True):
                    if row and row[0] is not None:
                        meta[str(row[0])] = "" if len(row) < 2 or row[1] is None else str(row[1])
                continue
            if getattr(sheet, "sheet_state", "visible") != "visible":
                hidden.append(sheet.title)
                continue
            table = Table(path, sheet.title)
            with quiet_warnings() as said:
                too_wide = _read_rows(table, sheet, formulas, at)
            if too_wide is not None:
                return [], [too_wide]
            if said:  # a cell openpyxl could not read as its format says: named, refused
                return [], [_cell_problem(table, cell, what) for cell, what in said]
            if table.rows:
                _note_hidden(table, sheet)
                tables.append(table)
    except Exception as exc:  # damage or hostile XML that shows only while rows are read
        where = (
            f"读取工作表“{table.sheet}”第 {at[0] + 1} 行时出错"
            if tables or "table" in locals()
            else "读取时出错"
        )
        return [], [_unreadable(path, where, exc, at[0] + 1)]
    finally:
        book.close()
    if formulas:
        _saved_results(raw, tables, formulas)
    for table in tables:
        table.meta = meta
    return tables, _hidden_sheets(path, hidden)


def _hidden_sheets(path: Path, names: list[str]) -> list[Diagnostic]:
    """A remark for each hidden sheet: not read, and said so."""
    return [
        Diagnostic(
            str(path),
            1,
            1,
            "hidden-sheet",
            f"隐藏的工作表“{name}”没有读取",
            "其中如有要导入的进展，取消隐藏后重新导入",
            "warning",
        )
        for name in names
    ]


_HIDDEN = re.compile(rb"<(?:\w+:)?(row|col)\b[^>]*\bhidden=\"(?:1|true)\"[^>]*>")
_ATTRIBUTE = re.compile(rb'\b(r|min|max)="(\d+)"')


def _note_hidden(table: Table, sheet: Any) -> None:
    """Name the hidden rows and columns that hold something: they are read like the rest
    (what the unit sent is what is imported), and the analyst is told."""
    from openpyxl.utils import get_column_letter

    try:
        with sheet._get_source() as source:  # the worksheet's XML, read once more
            xml = source.read()
    except Exception:  # not a read-only sheet (tests build them in memory)
        return
    if b"hidden=" not in xml:
        return
    rows: set[int] = set()
    columns: set[int] = set()
    for found in _HIDDEN.finditer(xml):
        numbers: dict[bytes, bytes] = dict(_ATTRIBUTE.findall(found.group(0)))
        if found.group(1) == b"row" and b"r" in numbers:
            rows.add(int(numbers[b"r"]))
        elif found.group(1) == b"col" and b"min" in numbers:
            low = int(numbers[b"min"])
            high = min(int(numbers.get(b"max", numbers[b"min"])), MAX_COLUMNS)
            columns.update(range(low, high + 1))
    used = {number for number, _ in table.rows}
    table.hidden += [f"第 {n} 行" for n in sorted(rows & used)]
    filled = {
        index + 1
        for _, cells in table.rows
        for index, cell in enumerate(cells)
        if cell.value is not None and index + 1 in columns
    }
    table.hidden += [f"第 {get_column_letter(n)} 列" for n in sorted(filled)]


MAX_COLUMNS = 256
"""The widest sheet read (IV, the last column of .xls): a 报送表 has about a dozen."""
_EMPTY = Cell(None)


def _cell_problem(table: Table, cell: str, what: str) -> Diagnostic:
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    letters, row = coordinate_from_string(cell.replace("$", ""))
    return table.diagnostic(
        row,
        column_index_from_string(letters),
        "type",
        what,
        "把单元格改为日期格式的有效日期（如 2023-09-30）或文本后另存",
    )


def _read_rows(
    table: Table, sheet: Any, formulas: dict[tuple[str, int, int], str], at: list[int]
) -> Diagnostic | None:
    """The sheet's rows into ``table``, each as far as its last cell that holds anything
    and at most ``MAX_COLUMNS`` wide: memory goes with the cells that exist, never with
    the sheet's stated or padded width. A value beyond the widest column is named. Formula
    cells are noted in ``formulas`` (sheet, row, column → the formula)."""
    from openpyxl.utils import get_column_letter

    sheet.reset_dimensions()  # some programs write a wrong <dimension>
    for number, values in enumerate(sheet.iter_rows(min_col=MAX_COLUMNS + 1, values_only=True), 1):
        at[0] = number
        if values.count(None) != len(values):  # counted in C: a row is 16,384 cells at most
            column = MAX_COLUMNS + 1 + next(i for i, v in enumerate(values) if v is not None)
            return table.diagnostic(
                number,
                column,
                "too-wide",
                f"第 {number} 行在第 {get_column_letter(column)} 列有内容："
                f"报送表最多读到第 {MAX_COLUMNS} 列（{get_column_letter(MAX_COLUMNS)}）",
                "删去最右边的多余内容后另存",
            )
    blank: Any = None  # the one tuple openpyxl gives for every row the file leaves out
    for number, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), 1):
        at[0] = number
        if row is blank:
            continue
        cells = [
            _EMPTY
            if cell.value is None
            else Cell(cell.value, _format(cell.value, getattr(cell, "number_format", "")))
            for cell in row
        ]
        for column, cell in enumerate(row):
            value = cell.value
            if value is not None and (
                getattr(cell, "data_type", "") == "f"
                or (isinstance(value, str) and value.startswith("="))
            ):
                formulas[(sheet.title, number, column)] = str(value)
        while cells and cells[-1] is _EMPTY:
            cells.pop()
        if not cells:
            blank = row if blank is None and isinstance(row, tuple) else blank
            continue
        if any(c.value is not None and str(c.value).strip() for c in cells):
            real = next((c.row for c in row[: len(cells)] if getattr(c, "row", None)), None)
            table.rows.append((real or number, cells))
    return None


def _format(value: Any, number_format: Any) -> str:
    """The format worth keeping: a number's, unless General."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return ""
    text = str(number_format or "")
    return "" if text in ("", "General", "@") else text


_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def percent_of(cell: Cell) -> str:
    """How a number cell shows a percent sign: "scaled" (``0%``: 0.85 shown as 85%),
    "literal" (``0"%"`` or ``0\\%``: 85 shown as 85%) or ""."""
    if "%" not in cell.format:
        return ""
    return "scaled" if "%" in _QUOTED.sub("", cell.format) else "literal"


def shown_decimals(cell: Cell) -> int | None:
    """The decimals a number cell shows by a fixed format (``0.00`` → 2), or None."""
    found = re.fullmatch(r"0\.(0+)", cell.format)
    return len(found.group(1)) if found else None


def _unreadable(path: Path, what: str, exc: Exception, line: int = 1) -> Diagnostic:
    """The one message for a workbook openpyxl cannot read, and for hostile XML in it."""
    from defusedxml import DefusedXmlException

    cause: BaseException | None = exc
    while cause is not None and not isinstance(cause, DefusedXmlException):
        cause = cause.__cause__ or cause.__context__
    if cause is not None:
        return Diagnostic(
            str(path),
            1,
            1,
            "unreadable",
            "工作簿含有 XML 实体或文档类型声明（DTD），为安全起见未读取",
            "Excel 和 WPS 保存的文件不含这些内容；请用它们重新另存为 .xlsx",
        )
    return Diagnostic(
        str(path),
        line,
        1,
        "unreadable",
        f"{what}：{damage(exc)}",
        "请用 Excel 或 WPS 重新另存为 .xlsx",
    )


def _saved_results(
    raw: bytes, tables: list[Table], formulas: dict[tuple[str, int, int], str]
) -> None:
    """Replace formula cells by the results the file saved (None where it saved none)."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    try:
        for table in tables:
            sheet = book[str(table.sheet)]
            sheet.reset_dimensions()
            wanted = {row for (name, row, _) in formulas if name == table.sheet}
            saved = {
                number: [c.value for c in row]
                for number, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), 1)
                if number in wanted
            }
            for index, (row_number, cells) in enumerate(table.rows):
                values = saved.get(row_number, [])
                table.rows[index] = (
                    row_number,
                    [
                        Cell(
                            values[column] if column < len(values) else None,
                            cell.format,
                            formulas[(str(table.sheet), row_number, column)],
                        )
                        if (str(table.sheet), row_number, column) in formulas
                        else cell
                        for column, cell in enumerate(cells)
                    ],
                )
    finally:
        book.close()


def read_xls(path: Path, raw: bytes) -> tuple[list[Table], list[Diagnostic]]:
    """An Excel 97–2003 workbook (.xls), read with xlrd and its formatting, so that a cell
    shown as 85% and a date cell are known as such, as in .xlsx."""
    import xlrd

    from zctasks.intake.template import META_SHEET

    try:
        book = xlrd.open_workbook(file_contents=raw, formatting_info=True, on_demand=True)
    except Exception as exc:  # xlrd raises XLRDError, struct errors … for a damaged file
        return [], [
            Diagnostic(
                str(path),
                1,
                1,
                "unreadable",
                f"无法作为 Excel 97-2003 文件（.xls）打开：{exc or type(exc).__name__}",
                "请用 Excel 或 WPS 打开后另存为 Excel 工作簿（*.xlsx）",
            )
        ]
    tables: list[Table] = []
    meta: dict[str, str] = {}
    hidden: list[str] = []
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            if sheet.name == META_SHEET:
                for r in range(sheet.nrows):
                    key, value = (
                        sheet.cell_value(r, 0),
                        (sheet.cell_value(r, 1) if sheet.ncols > 1 else ""),
                    )
                    if key != "":
                        meta[str(key)] = str(value)
                continue
            if sheet.visibility != 0:
                hidden.append(sheet.name)
                continue
            table = Table(path, sheet.name)
            columns: set[int] = set()
            for r in range(sheet.nrows):
                cells = [_xls_cell(book, sheet, r, c) for c in range(sheet.ncols)]
                if any(c.value is not None and str(c.value).strip() for c in cells):
                    table.rows.append((r + 1, cells))
                    info = sheet.rowinfo_map.get(r)
                    if info is not None and info.hidden:
                        table.hidden.append(f"第 {r + 1} 行")
                    columns.update(
                        c
                        for c, cell in enumerate(cells)
                        if cell.value is not None
                        and getattr(sheet.colinfo_map.get(c), "hidden", False)
                    )
            if columns:
                from openpyxl.utils import get_column_letter

                table.hidden += [f"第 {get_column_letter(c + 1)} 列" for c in sorted(columns)]
            if table.rows:
                tables.append(table)
    finally:
        book.release_resources()
    for table in tables:
        table.meta = meta
    return tables, _hidden_sheets(path, hidden)


def _xls_cell(book: Any, sheet: Any, row: int, column: int) -> Cell:
    import xlrd

    kind = sheet.cell_type(row, column)
    value = sheet.cell_value(row, column)
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return Cell(None)
    if kind == xlrd.XL_CELL_DATE:
        return Cell(xlrd.xldate_as_datetime(value, book.datemode))
    if kind == xlrd.XL_CELL_BOOLEAN:
        return Cell(bool(value))
    if kind == xlrd.XL_CELL_ERROR:
        return Cell(xlrd.error_text_from_code.get(value, "#错误"))
    if kind == xlrd.XL_CELL_NUMBER:
        xf = book.xf_list[sheet.cell_xf_index(row, column)]
        shown = book.format_map.get(xf.format_key)
        number = int(value) if float(value).is_integer() else value
        return Cell(number, _format(number, shown.format_str if shown is not None else ""))
    return Cell(value)
