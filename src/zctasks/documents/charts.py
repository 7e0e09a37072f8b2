"""Inline SVG charts for the HTML report: no scripts, no fonts or files from the network."""

from __future__ import annotations

from typing import Any

from markupsafe import escape

COLOURS = {
    "已完成": "#4472c4",
    "序时推进": "#70ad47",
    "滞后": "#ffc000",
    "严重滞后": "#c00000",
    "未报送": "#a5a5a5",
}
FILLS = {
    "已完成": "BDD7EE",
    "序时推进": "C6EFCE",
    "滞后": "FFEB9C",
    "严重滞后": "FFC7CE",
    "未报送": "D9D9D9",
}
"""Cell backgrounds for lights in tables (DOCX, XLSX, HTML): light enough to print on."""
ROW = 22
LABEL = 230
BAR = 420


def stacked_bars(rows: list[dict[str, Any]], lights: list[str]) -> str:
    """One horizontal bar per row, split by light; each row is {"label", "counts"}."""
    most = max((sum(row["counts"].values()) for row in rows), default=0) or 1
    height = ROW * len(rows) + 34
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {LABEL + BAR + 40} {height}" '
        f'width="100%" role="img" class="chart">'
    ]
    for index, row in enumerate(rows):
        y = index * ROW
        parts.append(
            f'<text x="{LABEL - 6}" y="{y + 15}" text-anchor="end" font-size="12">{escape(row["label"])}</text>'
        )
        x = float(LABEL)
        for light in lights:
            count = row["counts"].get(light, 0)
            if not count:
                continue
            width = BAR * count / most
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 3}" width="{width:.1f}" height="{ROW - 6}" fill="{COLOURS[light]}">'
                f"<title>{escape(row['label'])} {escape(light)} {count}</title></rect>"
            )
            x += width
        parts.append(
            f'<text x="{x + 4:.1f}" y="{y + 15}" font-size="11">{sum(row["counts"].values())}</text>'
        )
    legend_y = ROW * len(rows) + 20
    x = float(LABEL)
    for light in lights:
        parts.append(
            f'<rect x="{x:.1f}" y="{legend_y - 10}" width="12" height="12" fill="{COLOURS[light]}"/>'
        )
        parts.append(f'<text x="{x + 16:.1f}" y="{legend_y}" font-size="12">{escape(light)}</text>')
        x += 84
    parts.append("</svg>")
    return "".join(parts)
