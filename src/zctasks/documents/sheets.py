"""The tables of a report as a workbook (XLSX) or as CSV.

Each worksheet starts with the document's title and its as-of line, then the table with a
header row that repeats on every printed page; columns are as wide as their text allows
within a cap and long text wraps in rows made tall enough to show it; the sheet prints on
A4 landscape, fitted to the page width. Numbers and percentages are stored as numbers,
dates as dates, lights as cell fills; text that a spreadsheet would take for a formula
(= + - @ at the start) stays text.
"""

from __future__ import annotations

import csv
import io
import math
import re
from datetime import date
from typing import Any

from zctasks.documents.charts import FILLS

Table = tuple[str, list[list[str]]]

_NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?$")
_SIGNED = re.compile(r"^[-+]\d+$")
_PERCENT = re.compile(r"^-?\d+(\.\d+)?%$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CN_DATE = re.compile(r"^(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_WIDTH = 40
"""The widest a column gets, in characters of the sheet's font; longer text wraps."""
LINE_HEIGHT = 15.0
"""Points per wrapped line of 11 pt text."""
FIRST_ROW = 4
"""Row of the table header: title, as-of line and a blank row come first."""


def typed(text: str, year: int | None = None) -> tuple[Any, str | None]:
    """A cell's value and number format from its text as the report prints it; a date
    without its year (7月31日) takes ``year``."""
    if _NUMBER.match(text) and not text.startswith("+"):
        return (float(text) if "." in text else int(text)), None
    if _SIGNED.match(text):
        return int(text), "+0;-0;0"
    if _PERCENT.match(text):
        return float(text[:-1]) / 100, "0.0%"
    if _DATE.match(text):
        try:
            return date.fromisoformat(text), 'yyyy"年"m"月"d"日"'
        except ValueError:
            return text, None
    match = _CN_DATE.match(text)
    if match and (match.group(1) or year):
        try:
            day = date(int(match.group(1) or year or 0), int(match.group(2)), int(match.group(3)))
        except ValueError:
            return text, None
        return day, ('yyyy"年"m"月"d"日"' if match.group(1) else 'm"月"d"日"')
    return text, None


def _sheet_name(heading: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "", heading).strip() or "表"
    base = base[:28]
    name, n = base, 2
    while name in taken:
        name, n = f"{base[:26]}{n}", n + 1
    taken.add(name)
    return name


def _width(text: str) -> float:
    """Width in the units of a column (about one Latin character; a CJK character is two)."""
    from rich.cells import cell_len

    return float(cell_len(text))


def column_widths(rows: list[list[str]]) -> list[float]:
    """Short columns as wide as their longest entry; columns of long text shared out of a
    landscape page's width in proportion to what they hold, never above ``MAX_WIDTH``."""
    columns = max(len(row) for row in rows)
    page = 150.0  # about what an A4 landscape page shows at 11 pt
    longest = [max((_width(r[c]) for r in rows if c < len(r)), default=4) for c in range(columns)]
    widths = [min(max(w + 2, 6), MAX_WIDTH) for w in longest]
    if sum(widths) <= page:
        return widths
    fixed = [c for c in range(columns) if longest[c] <= 14]
    left = page - sum(widths[c] for c in fixed)
    body = rows[1:] or rows
    volume = {
        c: sum(_width(r[c]) for r in body if c < len(r)) / len(body) + 4
        for c in range(columns)
        if c not in fixed
    }
    whole = sum(volume.values()) or 1
    for c, amount in volume.items():
        widths[c] = min(max(left * amount / whole, 10), MAX_WIDTH)
    return widths


def row_height(row: list[str], widths: list[float]) -> float:
    lines = 1
    for text, width in zip(row, widths, strict=False):
        for paragraph in text.split("\n"):
            lines = max(lines, math.ceil(_width(paragraph) / max(width - 1.5, 1)))
    return lines * LINE_HEIGHT + 3


def xlsx_bytes(
    found: list[Table], heading: tuple[str, str], first_sheet: str, office: str = ""
) -> bytes:
    """The tables as a workbook whose properties name ``office`` as its author and no
    software."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.creator = office
    workbook.properties.lastModifiedBy = office
    workbook.properties.title = heading[0]
    taken: set[str] = set()
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(vertical="top", wrap_text=True)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    year = _year(heading[1])
    if not found:
        found = [(first_sheet, [["（本报告没有表格）"]])]
    for name, rows in found:
        sheet = workbook.create_sheet(_sheet_name(name if len(found) > 1 else first_sheet, taken))
        columns = max(len(row) for row in rows)
        last = get_column_letter(columns)
        title = heading[0] if len(found) == 1 or name == heading[0] else f"{heading[0]}　{name}"
        for row_number, (text, size) in enumerate(((title, 14), (heading[1], 11)), 1):
            cell = sheet.cell(row=row_number, column=1, value=text)
            cell.font = Font(bold=row_number == 1, size=size)
            cell.alignment = Alignment(horizontal="center" if row_number == 1 else "left")
            sheet.merge_cells(f"A{row_number}:{last}{row_number}")
        sheet.row_dimensions[1].height = 24
        widths = column_widths(rows)
        short = [all(_width(r[c]) <= 12 for r in rows[1:] if c < len(r)) for c in range(columns)]
        for r, row in enumerate(rows):
            excel_row = FIRST_ROW + r
            for c in range(columns):
                text = row[c] if c < len(row) else ""
                cell = sheet.cell(row=excel_row, column=c + 1)
                value, number_format = typed(text, year) if r else (text, None)
                cell.value = value
                if isinstance(value, str) and value.startswith(_FORMULA_START):
                    cell.data_type = "s"  # never a formula
                    cell.quotePrefix = True
                if number_format:
                    cell.number_format = number_format
                cell.border = border
                cell.alignment = centre if r == 0 or short[c] else wrap
                if r == 0:
                    cell.font = Font(bold=True)
                    cell.fill = PatternFill("solid", fgColor="D9E1F2")
                elif text in FILLS:
                    cell.fill = PatternFill("solid", fgColor=FILLS[text])
            sheet.row_dimensions[excel_row].height = row_height(row, widths)
        for c, width in enumerate(widths, 1):
            sheet.column_dimensions[get_column_letter(c)].width = round(width, 1)
        sheet.freeze_panes = f"A{FIRST_ROW + 1}"
        sheet.auto_filter.ref = f"A{FIRST_ROW}:{last}{FIRST_ROW + len(rows) - 1}"
        print_landscape(sheet, FIRST_ROW, margin=0.5)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return without_application(buffer.getvalue())


_APP = "docProps/app.xml"
_APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"/>'
)


def without_application(package: bytes) -> bytes:
    """The workbook with extended properties that name no software (openpyxl writes its
    own name and version there)."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = _APP_XML.encode() if item.filename == _APP else source.read(item.filename)
            target.writestr(item, data)
    return out.getvalue()


def _year(line: str) -> int | None:
    match = re.search(r"(\d{4})年", line)
    return int(match.group(1)) if match else None


def csv_text(found: list[Table]) -> str:
    """All tables, each after a row with its heading when there are several; UTF-8 with BOM
    (for Excel), cells that would start a formula prefixed with an apostrophe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for index, (heading, rows) in enumerate(found):
        if len(found) > 1:
            if index:
                writer.writerow([])
            writer.writerow([heading])
        writer.writerows([[formula_safe(cell) for cell in row] for row in rows])
    return "\ufeff" + buffer.getvalue()


def print_landscape(sheet: Any, header_row: int, margin: float) -> None:
    """A4 landscape, fitted to the page's width, the header row on every page, numbered."""
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = margin
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"


def formula_safe(text: str) -> str:
    """A CSV cell that no spreadsheet takes for a formula: the one rule for every CSV the
    program writes (reports and ``--format csv``); numbers such as -5 stay numbers."""
    return "'" + text if text.startswith(_FORMULA_START) and not _NUMBER.match(text) else text
