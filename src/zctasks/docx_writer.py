"""A Word document in the official layout of GB/T 9704-2012, from a report's Markdown.

A4; margins 37/35/28/26 mm (top/bottom/left/right); title 22 pt 小标宋; body 16 pt 仿宋
with a fixed line spacing of 29 pt (22 lines a page) and a two-character first-line
indent; headings 一、 in 黑体 and （一） in 楷体; page numbers "— 1 —" in 14 pt 宋体, right on
odd pages and left on even ones; table header rows repeated on every page. Chinese fonts
are set as East Asian fonts (w:eastAsia), and fonts a machine may lack name a fallback.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from zctasks.rendering import Block, blocks

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋"
HEADING_1_FONT = "黑体"
HEADING_2_FONT = "楷体"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
FALLBACKS = {TITLE_FONT: "宋体", "仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体"}
"""Fonts a machine may not have, with the one Word should use instead (w:altName)."""

BODY_SIZE = Pt(16)
TITLE_SIZE = Pt(22)
MASTHEAD_SIZE = Pt(30)
TABLE_SIZE = Pt(12)
WIDE_TABLE_SIZE = Pt(10.5)
LINE = Pt(29)
RED = RGBColor(0xC0, 0x00, 0x00)


def set_fonts(target: Any, east_asian: str, latin: str = LATIN_FONT) -> None:
    """Set the Latin and the East Asian font of a run or a style (python-docx sets only Latin)."""
    target.font.name = latin
    r_pr = target.element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), latin)
    fonts.set(qn("w:eastAsia"), east_asian)


def _style(
    document: Any,
    name: str,
    font: str,
    size: Any,
    *,
    bold: bool = False,
    indent: bool = True,
    align: Any = None,
    line: Any = LINE,
) -> Any:
    from docx.enum.style import WD_STYLE_TYPE

    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    set_fonts(style, font)
    style.font.size = size
    style.font.bold = bold
    fmt = style.paragraph_format
    fmt.first_line_indent = Pt(32) if indent else Pt(0)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = line
    if align is not None:
        fmt.alignment = align
    return style


def new_document(landscape: bool = False) -> Any:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28) - Pt(14)
    _line_grid(section)
    normal = document.styles["Normal"]
    set_fonts(normal, BODY_FONT)
    normal.font.size = BODY_SIZE
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.first_line_indent = Pt(32)
    fmt.widow_control = False
    _style(
        document,
        "公文标题",
        TITLE_FONT,
        TITLE_SIZE,
        indent=False,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        line=Pt(36),
    )
    _style(
        document,
        "公文报头",
        TITLE_FONT,
        MASTHEAD_SIZE,
        indent=False,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        line=Pt(48),
    )
    _style(
        document, "公文居中", BODY_FONT, BODY_SIZE, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    _style(document, "一级标题", HEADING_1_FONT, BODY_SIZE)
    _style(document, "二级标题", HEADING_2_FONT, BODY_SIZE)
    _style(document, "三级标题", BODY_FONT, BODY_SIZE, bold=True)
    _style(document, "表格文字", BODY_FONT, TABLE_SIZE, indent=False, line=Pt(20))
    _page_numbers(document)
    return document


def _line_grid(section: Any) -> None:
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(int(LINE.pt * 20)))


def _page_numbers(document: Any) -> None:
    """ "— 1 —" in 4号宋体: odd pages right, even pages left, each a character from the edge."""
    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.alignment = align
        fmt = paragraph.paragraph_format
        fmt.first_line_indent = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            fmt.right_indent = Pt(14)
        else:
            fmt.left_indent = Pt(14)
        _footer_run(paragraph, "— ")
        _page_field(paragraph)
        _footer_run(paragraph, " —")


def _footer_run(paragraph: Any, text: str) -> Any:
    run = paragraph.add_run(text)
    set_fonts(run, PAGE_NUMBER_FONT, PAGE_NUMBER_FONT)
    run.font.size = Pt(14)
    return run


def _page_field(paragraph: Any) -> None:
    for kind, text in (
        ("begin", None),
        (None, " PAGE "),
        ("separate", None),
        (None, "1"),
        ("end", None),
    ):
        run = _footer_run(paragraph, "")
        if kind is not None:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == " PAGE ":
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._r.append(instruction)
        else:
            run.text = text


def _font_fallbacks(document: Any) -> None:
    """Declare fonts with an alternative name (w:altName) in the font table, so that Word
    substitutes the named font, not any, where the first one is missing."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from lxml import etree

    for rel in document.part.rels.values():
        if rel.reltype != RT.FONT_TABLE:
            continue
        table = etree.fromstring(rel.target_part.blob)
        for name, alternative in FALLBACKS.items():
            font = etree.SubElement(table, qn("w:font"))
            font.set(qn("w:name"), name)
            etree.SubElement(font, qn("w:altName")).set(qn("w:val"), alternative)
            etree.SubElement(font, qn("w:charset")).set(qn("w:val"), "86")  # GB2312
        rel.target_part._blob = etree.tostring(
            table, xml_declaration=True, encoding="UTF-8", standalone=True
        )


def _add_runs(paragraph: Any, block: Block, font: str | None = None) -> None:
    if block.marker:
        paragraph.add_run(block.marker)
    for text, bold in block.runs:
        if text == "\n":
            paragraph.add_run().add_break()
            continue
        run = paragraph.add_run(text)
        if bold:
            run.bold = True
        if font is not None:
            set_fonts(run, font)


def _rule(document: Any, colour: str = "C00000") -> None:
    paragraph = document.add_paragraph(style="公文居中")
    paragraph.paragraph_format.line_spacing = Pt(12)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "1"), ("w:color", colour)):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _column_widths(rows: list[list[str]], columns: int, total: int, size: Any) -> list[int]:
    """Each column as wide as its longest text needs (up to a cap). Where the page is too
    narrow, every column keeps at least its header (or four characters) and the rest of the
    width goes to the columns in proportion to what they still lack."""
    from rich.cells import cell_len

    half = size * 0.6  # about the width of one half-width character, in EMU
    padding = Mm(4.5)  # the cell margins Word and LibreOffice add

    def needs(cells: int) -> int:
        return int(cells * half + padding)

    desired, minimum = [], []
    for c in range(columns):
        longest = max((cell_len(row[c]) for row in rows if c < len(row)), default=2)
        desired.append(needs(min(longest, 40)))
        minimum.append(
            min(desired[-1], needs(max(cell_len(rows[0][c]) if c < len(rows[0]) else 0, 8)))
        )
    if sum(desired) <= total:
        spare = total - sum(desired)
        return [int(d + spare * d / sum(desired)) for d in desired]
    extra = max(total - sum(minimum), 0)
    lacking = [d - m for d, m in zip(desired, minimum, strict=True)]
    whole = sum(lacking) or 1
    return [int(m + extra * lack / whole) for m, lack in zip(minimum, lacking, strict=True)]


def _table(document: Any, rows: list[list[str]]) -> None:
    width = max(len(row) for row in rows)
    table = document.add_table(rows=len(rows), cols=width)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    section = document.sections[-1]
    size = TABLE_SIZE if width <= 6 else WIDE_TABLE_SIZE
    widths = _column_widths(
        rows, width, section.page_width - section.left_margin - section.right_margin, size
    )
    for column, column_width in zip(table.columns, widths, strict=True):
        column.width = column_width
    cells = table._cells  # the grid once: table.cell(r, c) rebuilds it on every call
    text_style = document.styles["表格文字"]
    for r, row in enumerate(rows):
        for c in range(width):
            cell = cells[r * width + c]
            cell.width = widths[c]
            paragraph = cell.paragraphs[0]
            paragraph.style = text_style
            run = paragraph.add_run(row[c] if c < len(row) else "")
            run.font.size = size
            if r == 0:
                run.bold = True
                set_fonts(run, HEADING_1_FONT)
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for table_row in table.rows:  # a row never breaks across pages
        table_row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(repeat)


HEADING_STYLES = {2: "一级标题", 3: "二级标题", 4: "三级标题"}


def docx_bytes(markdown: str, landscape: bool = False) -> bytes:
    """The document as .docx bytes. Before the first ``---`` rule is the masthead (centred);
    ``#`` is the title, ``##`` 一级标题, ``###`` 二级标题, ``####`` 三级标题; ``***`` breaks the page."""
    document = new_document(landscape)
    parsed = blocks(markdown)
    in_masthead = any(block.kind == "rule" for block in parsed)
    previous: Block | None = None
    for block in parsed:
        if block.kind == "rule":
            _rule(document, "C00000" if in_masthead else "000000")
            in_masthead = False
        elif block.kind == "pagebreak":
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif block.kind == "heading" and block.level == 1:
            paragraph = document.add_paragraph(style="公文报头" if in_masthead else "公文标题")
            _add_runs(paragraph, block)
            if in_masthead:
                for run in paragraph.runs:
                    run.font.color.rgb = RED
        elif block.kind == "heading":
            style = HEADING_STYLES.get(block.level, "三级标题")
            _add_runs(document.add_paragraph(style=style), block)
        elif block.kind == "paragraph":
            style = "公文居中" if in_masthead else "Normal"
            paragraph = document.add_paragraph(style=style)
            if (
                previous is not None
                and previous.kind == "heading"
                and previous.level == 1
                and block.text.endswith("：")
            ):
                paragraph.paragraph_format.first_line_indent = Pt(0)  # the addressee line: 顶格
            _add_runs(paragraph, block)
        elif block.kind == "table":
            _table(document, block.rows)
        previous = block
    _font_fallbacks(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
