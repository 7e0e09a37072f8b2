"""A report as one self-contained HTML page: the same parts as the Word document (see
``layout.py``), lights as coloured cells, the status charts as inline SVG, and print styles
for A4 (landscape for the 台账). No scripts, and nothing loaded from the network."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from zctasks.documents.charts import FILLS, stacked_bars
from zctasks.documents.layout import Part, column_chars, parts, text_width, title_lines
from zctasks.documents.rendering import Block, blocks, render_template

LIGHT_CLASSES = {name: f"light-{i}" for i, name in enumerate(FILLS)}
CHART_KINDS = ("briefing", "ledger")


def _runs(block: Block) -> str:
    out = [str(escape(block.marker))] if block.marker else []
    for text, bold in block.runs:
        if text == "\n":
            out.append("<br>")
            continue
        piece = str(escape(text))
        out.append(f"<strong>{piece}</strong>" if bold else piece)
    return "".join(out)


def _split(block: Block) -> str:
    """A line with a tab: its halves at the left and right."""
    left, _, right = block.text.partition("\t")
    return f'<p class="split"><span>{escape(left)}</span><span>{escape(right)}</span></p>'


def _table(rows: list[list[str]], budget: float) -> str:
    """A table with column widths as the Word document has them; short cells centred,
    lights coloured."""
    chars = column_chars(rows, budget)
    whole = sum(chars)
    cols = "".join(f'<col style="width:{c / whole * 100:.1f}%">' for c in chars)
    head = "".join(f"<th>{escape(cell)}</th>" for cell in rows[0])
    short = [
        all(text_width(row[c]) <= 6 for row in rows[1:] if c < len(row)) for c in range(len(chars))
    ]
    body = []
    for row in rows[1:]:
        cells = []
        for c, cell in enumerate(row):
            css = LIGHT_CLASSES.get(cell)
            attr = f' class="light {css}"' if css else ""
            if not css and c < len(short) and short[c]:
                attr = ' class="short"'
            cells.append(f"<td{attr}>{escape(cell)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f"<table>\n<colgroup>{cols}</colgroup>\n<thead><tr>{head}</tr></thead>\n<tbody>\n"
        + "\n".join(body)
        + "\n</tbody>\n</table>"
    )


def _title(block: Block, per_line: float) -> str:
    """A title whose lines break only between the words ``title_lines`` finds."""
    lines = title_lines(block.text, per_line)
    if len(lines) == 1:
        return str(escape(block.text))
    return "".join(f'<span class="line">{escape(line)}</span>' for line in lines)


def _part(part: Part, landscape: bool) -> str:
    role, block = part
    if role == "masthead":
        return f'<h1 class="masthead">{_runs(block)}</h1>'
    if role == "masthead-line":
        return (
            _split(block) if "\t" in block.text else f'<p class="masthead-line">{_runs(block)}</p>'
        )
    if role == "masthead-rule":
        return '<hr class="red">'
    if role in ("title", "attachment-title"):
        return f'<h1 class="title">{_title(block, 28.8 if landscape else 19.8)}</h1>'
    if role == "heading":
        level = min(block.level, 4)
        return f"<h{level}>{_runs(block)}</h{level}>"
    if role == "signature":
        lines = "".join(f"<p>{escape(line)}</p>" for line in block.text.split("\n") if line)
        return f'<div class="signature">{lines}</div>'
    if role == "table":
        return _table(block.rows, 60.0 if landscape else 38.0)
    if role == "page":
        return '<div class="page-break"></div>'
    if role == "document":
        return '<div class="page-break slip"></div>'
    if role in ("imprint-rule", "rule"):
        return '<hr class="imprint-rule">' if role == "imprint-rule" else "<hr>"
    if role == "imprint":
        return (
            _split(block).replace('class="split"', 'class="split imprint"')
            if "\t" in block.text
            else f'<p class="imprint">{_runs(block)}</p>'
        )
    css = {
        "subtitle": "subtitle",
        "addressee": "addressee",
        "attachments": "attachments",
        "attachment-label": "attachment-label",
        "cut": "cut",
        "form": "form",
    }.get(role)
    attr = f' class="{css}"' if css else ""
    return f"<p{attr}>{_runs(block)}</p>"


def html_body(markdown: str, landscape: bool = False, before_imprint: str = "") -> str:
    """The document's parts as HTML; ``before_imprint`` (the charts) goes in before the 版记,
    which closes the document."""
    out = []
    placed = False
    for part in parts(blocks(markdown)):
        if part.role in ("imprint-rule", "imprint") and not placed:
            out.append(before_imprint)
            placed = True
        out.append(_part(part, landscape))
    if not placed:
        out.append(before_imprint)
    return "\n".join(piece for piece in out if piece)


def html_document(root: Path, markdown: str, context: dict[str, Any]) -> str:
    """The page, through the ``report.html.j2`` template (which a ledger may override)."""
    charts = []
    if context.get("figures"):  # drawn with matplotlib (report --charts)
        charts = list(context["figures"])
    elif context.get("kind") in CHART_KINDS:
        charts = [
            (title, Markup(stacked_bars(rows, context["light_names"])))
            for title, rows in (
                ("各章任务进度", context["by_chapter"]),
                ("各牵头单位任务进度", context["by_lead"]),
            )
            if rows
        ]
    figures = ""
    if charts:
        heading = (
            f"图表：截至{context['as_of']}，序时进度{context['elapsed']}，{context['total']}项任务"
        )
        figures = (
            f'<section class="charts">\n<h2>{escape(heading)}</h2>\n'
            + "".join(
                f"<figure><figcaption>{escape(title)}</figcaption>{svg}</figure>\n"
                for title, svg in charts
            )
            + "</section>"
        )
    return render_template(
        root,
        "report.html.j2",
        {
            **context,
            "body": Markup(html_body(markdown, bool(context.get("landscape")), figures)),
            "charts": charts,
            "light_classes": LIGHT_CLASSES,
            "fills": FILLS,
        },
    )
