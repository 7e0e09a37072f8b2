"""A Word document in the official layout of GB/T 9704-2012, from a report's Markdown.

A4; margins 37/35/28/26 mm (top/bottom/left/right); 22 lines of 28 characters: a line
grid with an exact pitch of 28.95 pt (22 × 579 twips fill the 225 mm type area without
overflowing it) and body text in 16 pt 仿宋 set 0.25 pt tighter, so that 28 full-width
characters fill the 156 mm line in Word, WPS and LibreOffice alike (LibreOffice lays a
16 pt character on a narrower character-grid cell as two cells, so no character grid is
declared). Title in 22 pt 小标宋, broken into balanced lines at word boundaries; headings
一、 in 黑体 and （一） in 楷体, kept with what follows; tables in 仿宋 off the line grid with
repeated header rows and coloured lights; the signature and date placed per GB/T 9704
7.3.5.2; the imprint (版记) at the foot of an even last page, between rules as wide as the
type area; page numbers "— 1 —" in 4号宋体, right on odd pages and left on even ones (none on
the slips of a set, which are forms). The file's
properties name the issuing office and the day it was made.
"""

from __future__ import annotations

import io
import itertools
from datetime import UTC, datetime
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor

from zctasks.documents.charts import FILLS
from zctasks.documents.layout import column_chars, parts, text_width, title_lines
from zctasks.documents.rendering import Block, blocks

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
IMPRINT_SIZE = Pt(14)
LINE_TWIPS = 579
LINE = Pt(LINE_TWIPS / 20)
"""28.95 pt: 22 lines fill the 225 mm type area; 580 twips would overflow it."""
CONDENSED = -5
"""Body characters set 0.25 pt tighter (in twentieths of a point): 28 × 15.75 pt fit 156 mm."""
PITCH = 15.75
"""The width of one body character in points, as set."""
RED = RGBColor(0xC0, 0x00, 0x00)
CELL_MARGIN = Pt(4)
INDENT = Pt(2 * PITCH)


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
    fonts.set(qn("w:hint"), "eastAsia")  # “” and … take the Chinese font


def _off_grid(p_pr: Any) -> None:
    """Keep a paragraph (or style) off the line grid: its own exact spacing counts."""
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    p_pr.append(snap)


def _condensed(style: Any, twentieths: int) -> None:
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(twentieths))
    style.element.get_or_add_rPr().append(spacing)


def _style(
    document: Any,
    name: str,
    font: str,
    size: Any,
    *,
    bold: bool = False,
    indent: Any = None,
    align: Any = WD_ALIGN_PARAGRAPH.JUSTIFY,
    line: Any = LINE,
    keep: bool = False,
    grid: bool = True,
) -> Any:
    from docx.enum.style import WD_STYLE_TYPE

    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    set_fonts(style, font)
    style.font.size = size
    style.font.bold = bold
    fmt = style.paragraph_format
    fmt.first_line_indent = Pt(2 * PITCH) if indent is None else indent
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = line
    fmt.alignment = align
    fmt.keep_with_next = keep
    if not grid:
        _off_grid(style.element.get_or_add_pPr())
    if size != BODY_SIZE:
        _condensed(style, 0)
    return style


def new_document(landscape: bool = False, numbered: bool = True) -> Any:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    if landscape:
        # a table document (台账): the widest type area that still binds and prints
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin, section.bottom_margin = Mm(20), Mm(20)
        section.left_margin, section.right_margin = Mm(22), Mm(20)
    section.footer_distance = Mm(28) - Pt(14) if not landscape else Mm(9)
    _line_grid(section)
    normal = document.styles["Normal"]
    set_fonts(normal, BODY_FONT)
    normal.font.size = BODY_SIZE
    _condensed(normal, CONDENSED)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.first_line_indent = Pt(2 * PITCH)
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.widow_control = False
    none: dict[str, Any] = {"indent": Pt(0)}
    centre: dict[str, Any] = {**none, "align": WD_ALIGN_PARAGRAPH.CENTER}
    _style(document, "公文报头", TITLE_FONT, MASTHEAD_SIZE, line=Pt(40), grid=False, **centre)
    _style(document, "报头文字", BODY_FONT, BODY_SIZE, **centre)
    _style(
        document, "公文标题", TITLE_FONT, TITLE_SIZE, line=Pt(34), keep=True, grid=False, **centre
    )
    _style(document, "副标题", HEADING_2_FONT, BODY_SIZE, keep=True, **centre)
    _style(document, "主送机关", BODY_FONT, BODY_SIZE, **none)
    _style(document, "一级标题", HEADING_1_FONT, BODY_SIZE, keep=True)
    _style(document, "二级标题", HEADING_2_FONT, BODY_SIZE, keep=True)
    _style(document, "三级标题", BODY_FONT, BODY_SIZE, bold=True, keep=True)
    _style(document, "附件标识", HEADING_1_FONT, BODY_SIZE, keep=True, **none)
    _style(
        document,
        "附件说明",
        BODY_FONT,
        BODY_SIZE,
        indent=Pt(-3 * PITCH),
        align=WD_ALIGN_PARAGRAPH.LEFT,
    )
    _style(document, "署名", BODY_FONT, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.RIGHT, **none)
    _style(document, "居中", BODY_FONT, BODY_SIZE, **centre)
    _style(document, "版记", BODY_FONT, IMPRINT_SIZE, line=Pt(26), grid=False, **none)
    _style(document, "回执", BODY_FONT, IMPRINT_SIZE, line=Pt(22), grid=False, **none)
    for name, size, line in (
        ("表格文字", Pt(12), Pt(15)),
        ("小表格文字", Pt(10.5), Pt(13)),
        ("紧凑表格文字", Pt(9), Pt(11)),
    ):
        style = _style(
            document,
            name,
            BODY_FONT,
            size,
            line=line,
            grid=False,
            align=WD_ALIGN_PARAGRAPH.LEFT,
            **none,
        )
        style.paragraph_format.widow_control = False
    if numbered:
        _page_numbers(document)
    return document


def _line_grid(section: Any) -> None:
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_TWIPS))


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
        _off_grid(paragraph._p.get_or_add_pPr())
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


USED_FONTS = (LATIN_FONT, BODY_FONT, HEADING_1_FONT, HEADING_2_FONT, PAGE_NUMBER_FONT)
_THEME_FONT_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def _font_table(document: Any) -> None:
    """The font table holds the fonts the document uses and nothing left from the
    template; fonts a machine may lack are declared with an alternative name (w:altName),
    so that Word substitutes the named font, not any."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from lxml import etree

    for rel in document.part.rels.values():
        if rel.reltype != RT.FONT_TABLE:
            continue
        table = etree.fromstring(rel.target_part.blob)
        for font in list(table):
            table.remove(font)
        for name in (*USED_FONTS, *FALLBACKS):
            font = etree.SubElement(table, qn("w:font"))
            font.set(qn("w:name"), name)
            if name in FALLBACKS:
                etree.SubElement(font, qn("w:altName")).set(qn("w:val"), FALLBACKS[name])
            if name != LATIN_FONT:
                etree.SubElement(font, qn("w:charset")).set(qn("w:val"), "86")  # GB2312
        rel.target_part._blob = etree.tostring(
            table, xml_declaration=True, encoding="UTF-8", standalone=True
        )


def _chinese_defaults(document: Any) -> None:
    """Chinese as the document's East Asian language, and no font from the template: every style's
    theme fonts (Calibri, Cambria, the Japanese ones) replaced by the document's own, the
    theme's fonts made the same, and the Word 2010 copy of the styles dropped."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from lxml import etree

    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    r_pr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    language = r_pr.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        r_pr.append(language)
    # as Word on a Chinese system sets it: Chinese text zh-CN, Latin text (digits) en-US,
    # which keeps 11月 from breaking between its digits
    language.set(qn("w:val"), "en-US")
    language.set(qn("w:eastAsia"), "zh-CN")
    language.set(qn("w:bidi"), "ar-SA")
    for fonts in styles.iter(qn("w:rFonts")):
        themed = any(fonts.get(qn(a)) is not None for a in _THEME_FONT_ATTRIBUTES)
        for attribute in _THEME_FONT_ATTRIBUTES:
            fonts.attrib.pop(qn(attribute), None)
        for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
            if themed or fonts.get(qn(attribute)) not in (None, *USED_FONTS):
                fonts.set(qn(attribute), LATIN_FONT)
        if themed or fonts.get(qn("w:eastAsia")) not in (None, *USED_FONTS, *FALLBACKS):
            fonts.set(qn("w:eastAsia"), BODY_FONT)
    for rel_id, rel in list(document.part.rels.items()):
        if rel.reltype == RT.THEME:
            theme = etree.fromstring(rel.target_part.blob)
            drawing = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
            for group in ("majorFont", "minorFont"):
                for node in theme.iter(drawing + group):
                    for child in list(node):
                        if child.tag == drawing + "font":
                            node.remove(child)
                        elif child.tag == drawing + "latin":
                            child.set("typeface", LATIN_FONT)
                        elif child.tag == drawing + "ea":
                            child.set("typeface", BODY_FONT)
            rel.target_part._blob = etree.tostring(
                theme, xml_declaration=True, encoding="UTF-8", standalone=True
            )
        elif rel.reltype.endswith("/stylesWithEffects"):
            del document.part.rels[rel_id]  # a part no relationship reaches is not saved


def _add_runs(paragraph: Any, block: Block, font: str | None = None) -> None:
    if block.marker:
        paragraph.add_run(block.marker)
    for text, bold in block.runs:
        if text == "\n":
            paragraph.add_run().add_break()
            continue
        for index, piece in enumerate(text.split("\t")):
            if index:
                paragraph.add_run().add_tab()
            if not piece:
                continue
            run = paragraph.add_run(piece)
            if bold:
                run.bold = True
            if font is not None:
                set_fonts(run, font)


def _border(paragraph: Any, side: str, size: int, colour: str = "000000", space: int = 1) -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    borders = p_pr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        p_pr.append(borders)
    line = OxmlElement(f"w:{side}")
    for key, value in (
        ("w:val", "single"),
        ("w:sz", str(size)),
        ("w:space", str(space)),
        ("w:color", colour),
    ):
        line.set(qn(key), value)
    borders.append(line)


def _rule(document: Any, colour: str = "C00000", size: int = 18) -> None:
    """A rule as wide as the type area (the red one under a masthead is 2.25 pt)."""
    paragraph = document.add_paragraph(style="居中")
    fmt = paragraph.paragraph_format
    fmt.line_spacing = Pt(6)
    fmt.space_after = Pt(10)
    _off_grid(paragraph._p.get_or_add_pPr())
    _border(paragraph, "bottom", size, colour)


def _text_width(section: Any) -> Any:
    return section.page_width - section.left_margin - section.right_margin


def _column_widths(rows: list[list[str]], total: int, size: Any) -> list[int]:
    padding = 2 * CELL_MARGIN + Pt(2)
    columns = max(len(row) for row in rows)
    chars = column_chars(rows, (total - columns * padding) / size)
    return [int(c * size + padding) for c in chars]


def _shade(cell: Any, colour: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shading)


def _cell_margins(table: Any) -> None:
    tbl_pr = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(int(CELL_MARGIN.pt * 20)))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    tbl_pr.append(margins)


def _table(document: Any, rows: list[list[str]], style_name: str) -> None:
    width = max(len(row) for row in rows)
    table = document.add_table(rows=len(rows), cols=width)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _cell_margins(table)
    style = document.styles[style_name]
    size = style.font.size
    widths = _column_widths(rows, _text_width(document.sections[-1]), size)
    for column, column_width in zip(table.columns, widths, strict=True):
        column.width = column_width
    short = [all(text_width(row[c]) <= 6 for row in rows[1:] if c < len(row)) for c in range(width)]
    cells = table._cells  # the grid once: table.cell(r, c) rebuilds it on every call
    for r, row in enumerate(rows):
        for c in range(width):
            cell = cells[r * width + c]
            cell.width = widths[c]
            text = row[c] if c < len(row) else ""
            paragraph = cell.paragraphs[0]
            paragraph.style = style
            run = paragraph.add_run(text)
            if r == 0:
                run.bold = True
                set_fonts(run, HEADING_1_FONT)
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            elif short[c]:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            if r and text in FILLS:
                _shade(cell, FILLS[text])
    for table_row in table.rows:  # a row never breaks across pages
        table_row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(repeat)


def _signature(document: Any, block: Block) -> None:
    """The issuing office and the date, GB/T 9704 7.3.5.2 (no seal): a line after the text,
    the office two characters from the right, the date under it starting two characters
    further right; a date longer than the office keeps two characters from the right
    itself and moves the office left."""
    lines = [line.strip() for line in block.text.split("\n") if line.strip()]
    if not lines:
        return
    office, day = ([*lines, ""])[:2]
    office_width, date_width = _set_width(office), _set_width(day)
    if date_width > office_width:
        date_right = 2.0
        office_right = 4.0 + date_width - office_width
    else:
        office_right = 2.0
        date_right = office_width - date_width
    if document.paragraphs:  # the signature never stands alone at the top of a page
        document.paragraphs[-1].paragraph_format.keep_with_next = True
    blank = document.add_paragraph(style="署名")  # 空一行
    blank.paragraph_format.keep_with_next = True
    for text, right in ((office, office_right), (day, date_right)):
        if text:
            paragraph = document.add_paragraph(text, style="署名")
            paragraph.paragraph_format.right_indent = Pt(right * PITCH)
            paragraph.paragraph_format.keep_with_next = text == office and bool(day)


AUTOSPACE = 0.2
"""The space, in characters, Word and LibreOffice put between Chinese and Latin text."""


def _set_width(text: str) -> float:
    """A line's width as set, in body characters: digits are half as wide, and where
    Chinese meets digits (2023年10月31日) a fifth of a character is added."""
    changes = sum(
        1 for a, b in itertools.pairwise(text) if (text_width(a) == 1) != (text_width(b) == 1)
    )
    return text_width(text) + AUTOSPACE * changes


IMPRINT_RULE_THICK = 8
"""The first and last rules of the 版记: 1 pt (GB/T 9704 recommends 0.35 mm)."""
IMPRINT_RULE_THIN = 6
"""The rules between its lines: 0.75 pt (0.25 mm recommended)."""
IMPRINT_LINE = Pt(26)
IMPRINT_RULE_LINE = Pt(2)


def _imprint(document: Any, lines: list[Block]) -> None:
    """版记 (GB/T 9704 7.4): at the foot of the last page, which is an even page — its own
    section, started on the next even page and aligned to the bottom of the type area,
    without a page number — its lines in 4号仿宋 a character in from both edges (印发机关 on
    the left, 印发日期 on the right), between rules as wide as the type area: thick ones
    first and last, thin ones between."""
    section = document.add_section(WD_SECTION.EVEN_PAGE)
    v_align = OxmlElement("w:vAlign")
    v_align.set(qn("w:val"), "bottom")
    _insert_in_sect_pr(section._sectPr, v_align)
    for footer in (section.footer, section.even_page_footer, section.first_page_footer):
        footer.is_linked_to_previous = False
    width = _text_width(section)
    height = section.page_height - section.top_margin - section.bottom_margin
    below = len(lines) * IMPRINT_LINE + (len(lines) + 1) * IMPRINT_RULE_LINE + Pt(6)
    _imprint_rule(document, IMPRINT_RULE_THICK).paragraph_format.space_before = Emu(height - below)
    for index, block in enumerate(lines):
        paragraph = document.add_paragraph(style="版记")
        fmt = paragraph.paragraph_format
        fmt.left_indent = fmt.right_indent = Pt(IMPRINT_SIZE.pt)
        fmt.keep_with_next = True
        if "\t" in block.text:
            # a tab stop is measured from the margin: 印发日期 ends a character from the edge
            fmt.tab_stops.add_tab_stop(width - Pt(IMPRINT_SIZE.pt), WD_TAB_ALIGNMENT.RIGHT)
        else:  # 抄送/发: continuation lines align after the colon
            head = block.text.partition("：")[0]
            if "：" in block.text:
                hang = Pt(IMPRINT_SIZE.pt * (text_width(head) + 1))
                fmt.left_indent = Pt(IMPRINT_SIZE.pt) + hang
                fmt.first_line_indent = -hang
        _add_runs(paragraph, block)
        last = index == len(lines) - 1
        _imprint_rule(document, IMPRINT_RULE_THICK if last else IMPRINT_RULE_THIN, keep=not last)


def _imprint_rule(document: Any, size: int, keep: bool = True) -> Any:
    """A rule of the 版记: an empty paragraph with no indent, its bottom border the rule."""
    paragraph = document.add_paragraph(style="版记")
    fmt = paragraph.paragraph_format
    fmt.line_spacing = IMPRINT_RULE_LINE
    fmt.left_indent = fmt.right_indent = fmt.first_line_indent = Pt(0)
    fmt.keep_with_next = keep
    _border(paragraph, "bottom", size, space=0)
    return paragraph


def _insert_in_sect_pr(sect_pr: Any, element: Any) -> None:
    """Put an element where the schema wants it: before w:docGrid and what follows it."""
    for name in (
        "w:noEndnote",
        "w:titlePg",
        "w:textDirection",
        "w:bidi",
        "w:rtlGutter",
        "w:docGrid",
    ):
        found = sect_pr.find(qn(name))
        if found is not None:
            found.addprevious(element)
            return
    sect_pr.append(element)


def _title(document: Any, block: Block, style: str, first: bool) -> None:
    section = document.sections[-1]
    size = document.styles[style].font.size
    per_line = (_text_width(section) / size) - 0.2
    paragraph = document.add_paragraph(style=style)
    if not first:
        paragraph.paragraph_format.space_before = LINE
    for index, line in enumerate(title_lines(block.text, per_line)):
        if index:
            paragraph.add_run().add_break()
        paragraph.add_run(line)


def _new_document(document: Any) -> None:
    """A new section on a new page: each slip of a set is its own."""
    document.add_section(WD_SECTION.NEW_PAGE)


def _properties(document: Any, meta: dict[str, str]) -> None:
    """Core properties naming the document and its office, dated the day it was made; no
    software named and no template thumbnail."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    props = document.core_properties
    props.title = meta.get("title", "")
    props.subject = meta.get("subject", "")
    props.author = props.last_modified_by = meta.get("issuer", "")
    props.comments = props.keywords = props.category = ""
    props.created = props.modified = now
    props.revision = 1
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype in (RT.THUMBNAIL, RT.EXTENDED_PROPERTIES):
            del package.rels[rel_id]


def docx_bytes(
    markdown: str,
    landscape: bool = False,
    meta: dict[str, str] | None = None,
    numbered: bool = True,
) -> bytes:
    """The document as .docx bytes; see ``layout.py`` for what each Markdown block becomes.
    A set of one-page slips (``numbered`` false) has no page numbers: a form needs none,
    and numbering each slip from 1 would make LibreOffice put a blank page before every
    second one (page 1 is a right-hand page)."""
    document = new_document(landscape, numbered)
    previous = ""
    items = list(parts(blocks(markdown)))
    imprint: list[Block] = []
    slip = False  # a page with a masthead and a receipt: one page, one unit
    for index, (role, block) in enumerate(items):
        following = items[index + 1].role if index + 1 < len(items) else ""
        if role in ("page", "document") or index == 0:
            rest = items[index + 1 :]
            end = next((i for i, p in enumerate(rest) if p.role in ("page", "document")), len(rest))
            page = [p.role for p in items[index : index + 1 + end]]
            slip = "masthead" in page and "cut" in page
        if role == "imprint":
            imprint.append(block)
            if following != "imprint":
                _imprint(document, imprint)
                imprint = []
        else:
            _write(document, role, block, previous, following, landscape, slip)
        previous = role
    _font_table(document)
    _chinese_defaults(document)
    _properties(document, meta or {})
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _table_style(rows: list[list[str]], landscape: bool, slip: bool) -> str:
    """五号 for wide tables and the 台账, 小四 for narrow ones; on a one-page slip a long list
    goes to 小五 so that the slip stays on its page."""
    if slip and len(rows) > 6:
        return "紧凑表格文字"
    return "小表格文字" if landscape or slip or len(rows[0]) > 3 else "表格文字"


def _write(
    document: Any,
    role: str,
    block: Block,
    previous: str,
    following: str,
    landscape: bool,
    slip: bool,
) -> None:
    if role == "masthead":
        paragraph = document.add_paragraph(style="公文报头")
        _add_runs(paragraph, block)
        for run in paragraph.runs:
            run.font.color.rgb = RED
    elif role == "masthead-line":
        paragraph = document.add_paragraph(style="报头文字")
        if "\t" in block.text:
            fmt = paragraph.paragraph_format
            fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
            fmt.left_indent = Pt(PITCH)
            fmt.tab_stops.add_tab_stop(
                _text_width(document.sections[-1]) - Pt(PITCH), WD_TAB_ALIGNMENT.RIGHT
            )
        _add_runs(paragraph, block)
    elif role == "masthead-rule":
        _rule(document)
    elif role in ("title", "attachment-title"):
        _title(document, block, "公文标题", previous in ("", "masthead-rule", "document", "page"))
        if following not in ("subtitle", "table"):
            document.paragraphs[-1].paragraph_format.space_after = LINE
        elif following == "table":
            document.paragraphs[-1].paragraph_format.space_after = Pt(12)
    elif role == "subtitle":
        paragraph = document.add_paragraph(style="副标题")
        paragraph.paragraph_format.space_after = LINE
        _add_runs(paragraph, block)
    elif role == "addressee":
        _add_runs(document.add_paragraph(style="主送机关"), block)
    elif role == "heading":
        style = {2: "一级标题", 3: "二级标题"}.get(block.level, "三级标题")
        _add_runs(document.add_paragraph(style=style), block)
    elif role == "attachments":
        if document.paragraphs:  # the list never stands alone at the top of a page
            document.paragraphs[-1].paragraph_format.keep_with_next = True
        paragraph = document.add_paragraph(style="附件说明")
        paragraph.paragraph_format.left_indent = Pt(5 * PITCH)
        paragraph.paragraph_format.space_before = LINE  # 正文下空一行
        paragraph.paragraph_format.keep_together = True  # nor is it cut by a page break
        _add_runs(paragraph, block)
    elif role == "attachment-label":
        _add_runs(document.add_paragraph(style="附件标识"), block)
    elif role == "signature":
        _signature(document, block)
    elif role == "table":
        _table(document, block.rows, _table_style(block.rows, landscape, slip))
    elif role == "cut":
        paragraph = document.add_paragraph(style="回执")
        paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_before = Pt(6)
        _add_runs(paragraph, block)
    elif role == "form":
        paragraph = document.add_paragraph(style="回执")
        if previous == "cut":
            paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _add_runs(paragraph, block)
    elif role == "page":
        document.add_paragraph(style="居中").add_run().add_break(WD_BREAK.PAGE)
    elif role == "document":
        _new_document(document)
    elif role == "imprint-rule":
        pass  # the 版记's section and rules are made with its lines
    elif role == "rule":
        _rule(document, "000000", 8)
    else:
        paragraph = document.add_paragraph()
        if previous == "table":
            paragraph.paragraph_format.space_before = Pt(6)
        _add_runs(paragraph, block)
