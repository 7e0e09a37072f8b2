"""Reading a plan document into numbered lines: .txt, .docx, .xlsx and .csv alike.

Every reader gives the same thing, so one structure finder serves them all: a paragraph is
a line of text, a table row is a line with its cells. Leading ``#`` lines of a text file
(``# source: https://…``) are comments and skipped. Zip-based files (.docx, .xlsx) have the
unpacked size of every part checked before anything is unpacked.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from zctasks.files.limits import checked_zip
from zctasks.importer.text import ImportProblem, Line

TEXT_HINT = "请导出为 .txt（UTF-8 或 GB18030）、.docx、.xlsx 或 .csv"


def read_lines(path: Path, max_bytes: int, max_unpacked: int) -> list[Line]:
    """The document as numbered lines (docx paragraphs and table rows in document order)."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ImportProblem(
                f"{path} 过大（{size} 字节，上限 {max_bytes} 字节）",
                "计划文件应为文本、.docx 文档或 .xlsx 表格",
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportProblem(f"无法读取 {path}：{exc.strerror or exc}") from None
    if not raw.strip():
        raise ImportProblem(f"{path} 是空文件", "请确认导出的文件有内容")
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return _docx_lines(path, raw, max_unpacked)
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_lines(path, raw, max_unpacked)
    if raw.startswith(b"PK\x03\x04"):
        raise ImportProblem(
            f"{path} 看起来是 Word 或 Excel 等压缩格式文件",
            "请用 .docx 或 .xlsx 作扩展名后导入，或导出为纯文本 .txt",
        )
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportProblem(
            f"{path} 是旧版 Word/Excel（.doc/.xls）文件",
            "请在 Word 或 Excel 中另存为 .docx 或 .xlsx",
        )
    text = decode(path, raw)
    if suffix == ".csv":
        return _csv_lines(text)
    lines = [Line(i, line) for i, line in enumerate(text.splitlines(), 1)]
    return _without_leading_comments(lines)


def decode(path: Path, raw: bytes) -> str:
    if b"\x00" in raw:
        raise ImportProblem(f"{path} 不是文本文件（含有二进制内容）", TEXT_HINT)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if (
            encoding == "gb18030"
            and sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff") < len(text) / 10
        ):
            break  # decodable by chance: binary, not Chinese text
        return text
    raise ImportProblem(f"{path} 不是 UTF-8 或 GB18030 编码的文本", TEXT_HINT)


def _without_leading_comments(lines: list[Line]) -> list[Line]:
    index = 0
    while index < len(lines) and (
        lines[index].text.startswith("#") or not lines[index].text.strip()
    ):
        index += 1
    return lines[index:] if any(line.text.startswith("#") for line in lines[:index]) else lines


def _docx_lines(path: Path, raw: bytes, max_unpacked: int) -> list[Line]:
    checked_zip(path, raw, ".docx", max_unpacked)
    from docx import Document
    from docx.oxml.ns import qn

    try:
        document = Document(io.BytesIO(raw))
    except Exception as exc:  # python-docx raises several kinds for a damaged package
        raise ImportProblem(
            f"{path} 无法作为 .docx 打开：{exc or type(exc).__name__}", "请用 Word 重新另存为 .docx"
        ) from None
    lines: list[Line] = []
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            lines.append(
                Line(len(lines) + 1, "".join(t.text or "" for t in element.iter(qn("w:t"))))
            )
        elif element.tag == qn("w:tbl"):
            for cells in _docx_rows(element, qn):
                lines.append(Line(len(lines) + 1, "\t".join(cells), cells))
    return lines


def _docx_rows(table: Any, qn: Any) -> list[list[str]]:
    """A Word table's rows on its grid: a cell spanning columns (gridSpan) fills each of them,
    and a cell merged over rows (vMerge) is carried down into every row it covers."""
    rows: list[list[str]] = []
    above: dict[int, str] = {}
    for row in table.iterchildren(qn("w:tr")):
        cells: list[str] = []
        for cell in row.iterchildren(qn("w:tc")):
            text = "".join(t.text or "" for t in cell.iter(qn("w:t")))
            span, merged = 1, False
            properties = cell.find(qn("w:tcPr"))
            if properties is not None:
                grid = properties.find(qn("w:gridSpan"))
                if grid is not None and str(grid.get(qn("w:val")) or "1").isdigit():
                    span = max(1, min(64, int(grid.get(qn("w:val")))))
                vmerge = properties.find(qn("w:vMerge"))
                merged = vmerge is not None and vmerge.get(qn("w:val")) in (None, "continue")
            column = len(cells)
            if merged and not text:
                text = above.get(column, "")
            for offset in range(span):
                above[column + offset] = text
                cells.append(text)
        rows.append(cells)
    return rows


def _xlsx_lines(path: Path, raw: bytes, max_unpacked: int) -> list[Line]:
    """The rows of the first sheet that holds anything (a 责任清单 is usually the only one),
    with every cell of a merged range holding the range's value (a 类别 cell over three rows
    is the category of each). The sheet is streamed (read-only): a file that merges a range
    over millions of cells costs no more than its rows."""
    checked_zip(path, raw, ".xlsx", max_unpacked)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a damaged package
        raise ImportProblem(
            f"{path} 无法作为 .xlsx 打开：{exc or type(exc).__name__}",
            "请用 Excel 重新另存为 .xlsx",
        ) from None
    try:
        for sheet in workbook.worksheets:
            rows = _sheet_rows(path, sheet)
            if not rows:
                continue
            _fill_merged(rows, _merged_ranges(sheet))
            lines: list[Line] = []
            for number in sorted(rows):
                cells = rows[number]
                while cells and not cells[-1].strip():
                    cells.pop()
                if cells:
                    lines.append(Line(number, "\t".join(cells), cells))
            if lines:
                return lines
        return []
    finally:
        workbook.close()


MAX_SHEET_CELLS = 50_000_000
"""A sheet whose rows, as the file declares them, span more cells than this is refused (a
second to read): a plan's table has a few thousand; a hostile file can declare billions."""
MAX_MERGED_CELLS = 1_000_000
"""At most this many cells are filled from merged ranges: the rest keep only their
range's first cell."""


def _sheet_rows(path: Path, sheet: Any) -> dict[int, list[str]]:
    """The rows that hold anything, by row number, their cells as text."""
    rows: dict[int, list[str]] = {}
    seen = 0
    for number, row in enumerate(sheet.iter_rows(values_only=True), 1):
        seen += len(row)
        if seen > MAX_SHEET_CELLS:
            raise ImportProblem(
                f"{path} 的工作表“{sheet.title}”过大（超过 {MAX_SHEET_CELLS} 个单元格），未读取",
                "计划表格通常只有几百行：请删去多余的行列（或整行整列的格式），或另存为 .csv",
            )
        cells = ["" if value is None else _cell_text(value) for value in row]
        if any(cell.strip() for cell in cells):
            rows[number] = cells
    return rows


def _merged_ranges(sheet: Any) -> list[tuple[int, int, int, int]]:
    """The sheet's merged ranges as (min column, min row, max column, max row). A read-only
    sheet does not expose them, so its XML is read once more for its mergeCell elements."""
    from xml.etree.ElementTree import iterparse

    from openpyxl.utils.cell import range_boundaries

    found: list[tuple[int, int, int, int]] = []
    try:
        with sheet._get_source() as source:  # openpyxl's read-only sheet: the part's XML
            for _, element in iterparse(source):
                if element.tag.endswith("}mergeCell") and (ref := element.get("ref")):
                    bounds = range_boundaries(ref)
                    if None not in bounds:
                        found.append(bounds)
                element.clear()
    except Exception:  # a damaged part: its values were read, its merges are not known
        return found
    return found


def _fill_merged(rows: dict[int, list[str]], ranges: list[tuple[int, int, int, int]]) -> None:
    """Every cell of a merged range, within the rows and columns that hold anything, takes
    the value of the range's first cell."""
    if not rows:
        return
    last_row = max(rows)
    last_column = max(len(cells) for cells in rows.values())
    filled = 0
    for min_col, min_row, max_col, max_row in ranges:
        first = rows.get(min_row, [])
        value = first[min_col - 1] if min_col - 1 < len(first) else ""
        if not value:
            continue
        for number in range(min_row, min(max_row, last_row) + 1):
            cells = rows.setdefault(number, [])
            for column in range(min_col, min(max_col, last_column) + 1):
                filled += 1
                if filled > MAX_MERGED_CELLS:
                    return
                while len(cells) < column:
                    cells.append("")
                if not cells[column - 1]:
                    cells[column - 1] = value


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "strftime"):
        return f"{value:%Y年%m月%d日}".replace("年0", "年").replace("月0", "月")
    return str(value)


def _csv_lines(text: str) -> list[Line]:
    rows = csv.reader(io.StringIO(text))
    lines: list[Line] = []
    for cells in rows:
        if not lines and cells and cells[0].startswith("#"):
            continue  # a leading comment: # source: …
        while cells and not cells[-1].strip():
            cells.pop()
        if cells:
            lines.append(Line(rows.line_num, "\t".join(cells), cells))
    return lines
