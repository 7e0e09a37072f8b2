"""Printing for the CLI: aligned tables for people, JSON/CSV/Markdown for machines.

On a terminal, tables are drawn by rich (colour, wrapping to the window). Into a pipe or a
file they are plain columns padded by display width, one record per line, so that grep and
less see whole rows; that path skips importing rich's console, which keeps
``zctasks list`` quick in scripts.

User text is never trusted to be harmless: in tables (either path) and Markdown every
control character is shown escaped (``views.visible``); CSV cells follow the spreadsheet
rule of the reports (``sheets.formula_safe``); JSON is exact.
"""

from __future__ import annotations

import json
import os
import sys
from enum import StrEnum
from typing import Any

from zctasks.files.errors import Diagnostic
from zctasks.judge.views import markdown_table, visible


class TableFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"


def console(stderr: bool = False) -> Any:
    """A rich console: colour only on a terminal without NO_COLOR, a sane width in pipes."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    width = None
    if not stream.isatty():
        width = int(os.environ.get("COLUMNS", "") or 120)
    return Console(
        file=stream, width=width, highlight=False, soft_wrap=False, emoji=False, markup=False
    )


def diagnostic_text(diagnostic: Diagnostic) -> str:
    """``FILE:LINE:COL: error[CODE]: message`` and its hint, user text shown escaped."""
    return diagnostic._replace(
        path=visible(diagnostic.path),
        message=visible(diagnostic.message),
        hint=visible(diagnostic.hint),
    ).render()


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def print_rows(
    headers: list[str],
    rows: list[list[str]],
    fmt: TableFormat,
    title: str | None = None,
    json_value: Any = None,
    numeric: frozenset[int] = frozenset(),
    styles: dict[str, str] | None = None,
) -> None:
    if fmt is TableFormat.json:
        print_json(json_value)
    elif fmt is TableFormat.csv:
        import csv

        from zctasks.documents.sheets import formula_safe

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows([formula_safe(cell) for cell in row] for row in rows)
    elif fmt is TableFormat.md:
        sys.stdout.write(markdown_table(headers, rows))
    else:
        print_table(headers, rows, title, numeric, styles)


def print_table(
    headers: list[str],
    rows: list[list[str]],
    title: str | None = None,
    numeric: frozenset[int] = frozenset(),
    styles: dict[str, str] | None = None,
) -> None:
    """An aligned table; on a terminal, cells whose text is a key of ``styles`` get that style."""
    title = visible(title) if title is not None else None
    headers = [visible(text) for text in headers]
    rows = [[visible(cell) for cell in row] for row in rows]
    if not sys.stdout.isatty():
        sys.stdout.write(plain_table(headers, rows, title, numeric))
        return
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(
        *headers,
        box=box.SIMPLE_HEAD,
        title=title,
        title_justify="left",
        header_style="bold",
        pad_edge=False,
    )
    for index, column in enumerate(table.columns):
        column.overflow = "fold"
        if index in numeric:
            column.justify = "right"
    for row in rows:
        table.add_row(*(Text(cell, style=(styles or {}).get(cell, "")) for cell in row))
    print_rich(table)


def plain_table(
    headers: list[str],
    rows: list[list[str]],
    title: str | None = None,
    numeric: frozenset[int] = frozenset(),
) -> str:
    """Columns padded to their display width (a Chinese character is two cells wide)."""
    cell_len = cells
    widths = [max(cell_len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]

    def line(cells: list[str]) -> str:
        padded = []
        for i, (text, width) in enumerate(zip(cells, widths, strict=True)):
            gap = " " * (width - cell_len(text))
            padded.append(gap + text if i in numeric else text + gap)
        return "  ".join(padded).rstrip()

    lines = [title, ""] if title else []
    lines += [line(headers), "  ".join("-" * width for width in widths)]
    lines += [line(row) for row in rows]
    return "\n".join(lines) + "\n"


def print_rich(*renderables: Any, style: str | None = None) -> None:
    """Print through rich without the trailing blanks it pads lines with."""
    out = console()
    with out.capture() as captured:
        out.print(*renderables, style=style)
    sys.stdout.write("\n".join(line.rstrip() for line in captured.get().split("\n")))


def cells(text: str) -> int:
    """How many terminal cells ``text`` takes: East Asian wide and fullwidth characters two,
    combining marks none, others one (controls never reach a table: ``views.visible``).
    The standard library's Unicode tables, not rich's, which would be imported for this
    alone whenever a table goes into a pipe."""
    if text.isascii():
        return len(text)
    from unicodedata import combining, east_asian_width

    return sum(0 if combining(c) else 2 if east_asian_width(c) in "WF" else 1 for c in text)
