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
from zctasks.files.workbooks import damage, quiet_warnings
from zctasks.importer.text import ImportProblem, Line

TEXT_HINT = "请导出为 .txt（UTF-8 或 GB18030）、.docx、.xlsx 或 .csv"


def read_lines(
    path: Path, max_bytes: int, max_unpacked: int, notes: list[str] | None = None
) -> list[Line]:
    """The document as numbered lines (docx paragraphs and table rows in document order);
    what the reader noticed about cells it could not read as written goes to ``notes``."""
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
        return _xlsx_lines(path, raw, max_unpacked, [] if notes is None else notes)
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
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its byte order mark
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportProblem(
                f"{path} 以 UTF-16 标记开头，但内容不是 UTF-16 文本", TEXT_HINT
            ) from None
    if b"\x00" in raw:
        if _utf16_without_mark(raw):
            raise ImportProblem(
                f"{path} 看来是没有 BOM 的 UTF-16 文本，无法确定字节顺序",
                "请在记事本中“另存为”，编码选 UTF-8，再导入",
            )
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


def _utf16_without_mark(raw: bytes) -> bool:
    """Text that reads as UTF-16 in either byte order, mostly Chinese or ASCII."""
    if len(raw) % 2:
        return False
    for order in ("utf-16-le", "utf-16-be"):
        try:
            text = raw.decode(order)
        except UnicodeDecodeError:
            continue
        readable = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff" or " " <= ch <= "~")
        if readable >= len(text) * 0.8:
            return True
    return False


def _without_leading_comments(lines: list[Line]) -> list[Line]:
    index = 0
    while index < len(lines) and (
        lines[index].text.startswith("#") or not lines[index].text.strip()
    ):
        index += 1
    return lines[index:] if any(line.text.startswith("#") for line in lines[:index]) else lines


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_BLOCKS = {_W + "body", _W + "sdt", _W + "sdtContent", _W + "customXml"}
"""What may hold a document's paragraphs and tables: the body, and content controls
(w:sdt) and custom XML around them — their paragraphs are the document's."""
MAX_DOCX_CHARACTERS = 2_000_000
"""The most text a .docx may hold: a plan is tens of thousands of characters; a part that
unpacks to hundreds of megabytes of paragraphs is refused as soon as it passes this."""


def _docx_lines(path: Path, raw: bytes, max_unpacked: int) -> list[Line]:
    """The body's paragraphs and table rows in document order, streamed from the main part
    (never the whole tree in memory): paragraphs inside content controls included, the text
    counted as it is read and the file refused past ``MAX_DOCX_CHARACTERS``."""
    import zipfile

    from lxml import etree

    checked_zip(path, raw, ".docx", max_unpacked)
    lines: list[Line] = []
    try:
        with (
            zipfile.ZipFile(io.BytesIO(raw)) as package,
            package.open(_main_part(package)) as stream,
        ):
            parsing = etree.iterparse(
                stream,
                events=("end",),
                tag=(_W + "t", _W + "p", _W + "tbl"),
                resolve_entities=False,
                no_network=True,
                huge_tree=False,
            )
            characters = 0
            for _, element in parsing:
                if element.tag == _W + "t":
                    characters += len(element.text or "")
                    if characters > MAX_DOCX_CHARACTERS:
                        raise ImportProblem(*_too_much(path))
                    continue
                parent = element.getparent()
                if parent is None or not all(
                    a.tag in _BLOCKS for a in element.iterancestors() if a.getparent() is not None
                ):
                    continue  # a paragraph in a table cell or a text box: read with it
                if element.tag == _W + "p":
                    lines.append(Line(len(lines) + 1, _text(element)))
                else:
                    for cells in _docx_rows(element):
                        lines.append(Line(len(lines) + 1, "\t".join(cells), cells))
                element.clear()  # read: its memory goes (cleared first: removing a
                parent.remove(element)  # whole subtree from lxml's tree is slow)
            root = parsing.root
            if root is None or root.tag != _W + "document":
                raise ValueError("不是 Word 文档")
    except ImportProblem:
        raise
    except Exception as exc:  # a damaged package or part: zipfile, zlib, lxml
        raise ImportProblem(
            f"{path} 无法作为 .docx 打开：{_damage(exc)}", "请用 Word 重新另存为 .docx"
        ) from None
    return lines


def _damage(exc: Exception) -> str:
    """What is wrong with a package that cannot be read, in words."""
    import zipfile
    import zlib

    from lxml import etree

    if isinstance(exc, KeyError):
        return f"缺少部件 {exc.args[0] if exc.args else ''}".strip()
    if isinstance(exc, zipfile.BadZipFile | zlib.error | EOFError):
        return "压缩包已损坏（内容与其声明的大小或校验和不符）"
    if isinstance(exc, etree.XMLSyntaxError):
        line, column = exc.position
        return f"正文 XML 有误（第{line}行第{column}列）"
    return str(exc) or type(exc).__name__


def _too_much(path: Path) -> tuple[str, str]:
    return (
        f"{path} 的正文超过 {MAX_DOCX_CHARACTERS // 10000} 万字，未读取",
        "一份计划通常只有几万字：文件可能嵌有大量无关内容；请删去后另存为 .docx，或导出为纯文本 .txt",
    )


def _main_part(package: Any) -> str:
    """The package's main document part, as its relationships name it."""
    from defusedxml.ElementTree import fromstring

    try:
        relations = fromstring(package.read("_rels/.rels"))
    except KeyError:
        return "word/document.xml"
    for relation in relations:
        if str(relation.get("Type", "")).endswith("/officeDocument"):
            return str(relation.get("Target", "")).lstrip("/")
    return "word/document.xml"


def _text(element: Any) -> str:
    return "".join(t.text or "" for t in element.iter(_W + "t"))


def _within(element: Any, tag: str) -> list[Any]:
    """The children of ``element`` with ``tag``, also those inside content controls."""
    found = []
    for child in element:
        if child.tag == tag:
            found.append(child)
        elif child.tag in _BLOCKS:
            found += _within(child, tag)
    return found


def _docx_rows(table: Any) -> list[list[str]]:
    """A Word table's rows on its grid: a cell spanning columns (gridSpan) fills each of them,
    and a cell merged over rows (vMerge) is carried down into every row it covers."""
    rows: list[list[str]] = []
    above: dict[int, str] = {}
    for row in _within(table, _W + "tr"):
        cells: list[str] = []
        for cell in _within(row, _W + "tc"):
            text = _text(cell)
            span, merged = 1, False
            properties = cell.find(_W + "tcPr")
            if properties is not None:
                grid = properties.find(_W + "gridSpan")
                if grid is not None and str(grid.get(_W + "val") or "1").isdigit():
                    span = max(1, min(64, int(grid.get(_W + "val"))))
                vmerge = properties.find(_W + "vMerge")
                merged = vmerge is not None and vmerge.get(_W + "val") in (None, "continue")
            column = len(cells)
            if merged and not text:
                text = above.get(column, "")
            for offset in range(span):
                above[column + offset] = text
                cells.append(text)
        rows.append(cells)
    return rows


def _xlsx_lines(path: Path, raw: bytes, max_unpacked: int, notes: list[str]) -> list[Line]:
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
            with quiet_warnings() as said:
                rows = _sheet_rows(path, sheet)
            notes += [f"{path.name} 工作表“{sheet.title}”{cell}：{what}" for cell, what in said]
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
    seen = number = 0
    reading = enumerate(sheet.iter_rows(values_only=True), 1)
    while True:
        try:
            number, row = next(reading)
        except StopIteration:
            return rows
        except Exception as exc:  # a damaged part shows only while its rows are read
            raise ImportProblem(
                f"{path} 的工作表“{sheet.title}”第 {number + 1} 行无法读取：{damage(exc)}",
                "请用 Excel 或 WPS 打开后重新另存为 .xlsx",
            ) from None
        seen += len(row)
        if seen > MAX_SHEET_CELLS:
            raise ImportProblem(
                f"{path} 的工作表“{sheet.title}”过大（超过 {MAX_SHEET_CELLS} 个单元格），未读取",
                "计划表格通常只有几百行：请删去多余的行列（或整行整列的格式），或另存为 .csv",
            )
        cells = ["" if value is None else _cell_text(value) for value in row]
        if any(cell.strip() for cell in cells):
            rows[number] = cells


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
