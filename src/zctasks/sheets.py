"""The tables of a report as a workbook (XLSX) or as CSV.

Numbers and percentages are stored as numbers, dates as dates, lights as cell fills;
text that a spreadsheet would take for a formula (= + - @ at the start) stays text.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Any

from zctasks.rendering import tables

FILLS = {
    "已完成": "BDD7EE",
    "序时推进": "C6EFCE",
    "滞后": "FFEB9C",
    "严重滞后": "FFC7CE",
    "未报送": "D9D9D9",
}
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_PERCENT = re.compile(r"^-?\d+(\.\d+)?%$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def typed(text: str) -> tuple[Any, str | None]:
    """A cell's value and number format from its text as the report prints it."""
    if _NUMBER.match(text):
        return (float(text) if "." in text else int(text)), None
    if _PERCENT.match(text):
        return float(text[:-1]) / 100, "0.0%"
    if _DATE.match(text):
        try:
            return date.fromisoformat(text), "yyyy-mm-dd"
        except ValueError:
            return text, None
    return text, None


def _sheet_name(heading: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "", heading).strip() or "表"
    base = base[:28]
    name, n = base, 2
    while name in taken:
        name, n = f"{base[:26]}{n}", n + 1
    taken.add(name)
    return name


def xlsx_bytes(markdown: str, sheet_title: str | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from rich.cells import cell_len

    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    found = tables(markdown)
    if not found:
        found = [(sheet_title or "报告", [["（本报告没有表格）"]])]
    for index, (heading, rows) in enumerate(found):
        sheet = workbook.create_sheet(
            _sheet_name(sheet_title if sheet_title and index == 0 else heading, taken)
        )
        widths: dict[int, int] = {}
        for r, row in enumerate(rows, 1):
            for c, text in enumerate(row, 1):
                cell = sheet.cell(row=r, column=c)
                value, number_format = typed(text) if r > 1 else (text, None)
                cell.value = value
                if isinstance(value, str) and value.startswith(_FORMULA_START):
                    cell.data_type = "s"  # never a formula
                    cell.quotePrefix = True
                if number_format:
                    cell.number_format = number_format
                cell.border = border
                cell.alignment = Alignment(vertical="top", wrap_text=True)
                if r == 1:
                    cell.font = Font(bold=True, color="FFFFFF")
                    cell.fill = PatternFill("solid", fgColor="305496")
                    cell.alignment = Alignment(
                        horizontal="center", vertical="center", wrap_text=True
                    )
                elif text in FILLS:
                    cell.fill = PatternFill("solid", fgColor=FILLS[text])
                widths[c] = max(widths.get(c, 0), cell_len(text))
        for c, width in widths.items():
            sheet.column_dimensions[_column_letter(c)].width = min(max(width + 2, 6), 48)
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
        sheet.print_title_rows = "1:1"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))


def csv_text(markdown: str) -> str:
    """All tables, each after a row with its heading when there are several; UTF-8 with BOM
    (for Excel), cells that would start a formula prefixed with an apostrophe."""
    found = tables(markdown)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for index, (heading, rows) in enumerate(found):
        if len(found) > 1:
            if index:
                writer.writerow([])
            writer.writerow([heading])
        writer.writerows([[formula_safe(cell) for cell in row] for row in rows])
    return "\ufeff" + buffer.getvalue()


def formula_safe(text: str) -> str:
    """A CSV cell that no spreadsheet takes for a formula: the one rule for every CSV the
    program writes (reports and ``--format csv``); numbers such as -5 stay numbers."""
    return "'" + text if text.startswith(_FORMULA_START) and not _NUMBER.match(text) else text
