"""Charts attached to a finished document: a page of figures (附图) before a Word file's
版记, a worksheet of images in Excel. The document itself is made as before; this only adds."""

from __future__ import annotations

import io
from typing import Any

from zctasks.documents.plots import Chart, png

FIGURES_LABEL = "附图"
SHEET_TITLE = "图表"


def attach_docx(content: bytes, charts: list[Chart]) -> bytes:
    """A page headed 附图 with each chart at print resolution and its title under it,
    placed before the 版记 (which stays last), or at the end of a document without one."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    document: Any = Document(io.BytesIO(content))
    section = document.sections[-1]
    width = section.page_width - section.left_margin - section.right_margin
    imprint = next((p for p in document.paragraphs if p.style and p.style.name == "版记"), None)

    def paragraph(style: str) -> Any:
        if imprint is not None:
            return imprint.insert_paragraph_before(style=style)
        return document.add_paragraph(style=style)

    label = paragraph("附件标识")
    label.paragraph_format.page_break_before = True
    label.add_run(FIGURES_LABEL)
    for chart in charts:
        picture = paragraph("居中")
        picture.paragraph_format.line_spacing = 1.0  # off the line grid: an exact pitch clips
        picture.paragraph_format.space_before = Pt(6)
        picture.paragraph_format.keep_with_next = True
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.add_run().add_picture(io.BytesIO(png(chart)), width=min(width, Mm(156)))
        caption = paragraph("居中")
        caption.paragraph_format.line_spacing = 1.0
        caption.add_run(chart.title).font.size = Pt(12)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def attach_xlsx(content: bytes, charts: list[Chart]) -> bytes:
    """A worksheet 图表 with each chart as an image, one under another."""
    from openpyxl import load_workbook
    from openpyxl.drawing.image import Image

    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet["A1"] = FIGURES_LABEL
    row = 3
    for chart in charts:
        sheet.cell(row=row, column=1, value=chart.title)
        image = Image(io.BytesIO(png(chart, dpi=150)))
        width, height = chart.figure.get_size_inches()
        image.width, image.height = int(width * 96), int(height * 96)
        sheet.add_image(image, f"A{row + 1}")
        row += int(height * 96 / 20) + 4
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
