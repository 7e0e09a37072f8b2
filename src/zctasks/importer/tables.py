"""Tables in every form a plan comes in: Word and Excel rows with their cells, text rows
whose cells are separated by tabs, bars or spaces, and web copies with one cell a line.

A header is recognised by what its cells say (``columns.column_of``). Rows with cells map by
position. Where the cells come one a line — and merged cells left some rows short, with no
serial number to say where a row starts — each line is aligned to a column by its kind (a
serial number, a figure, a deadline, a person's name, units, text): the alignment that skips
the fewest cells wins (a row without its task costs most; a merged category or serial cell
costs little), so that 宏观调控 above a row is its category, 3 is its 分值 and
区发改局区统计局 its units.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from zctasks.importer.columns import Column, column_of
from zctasks.importer.dates import looks_like_due
from zctasks.importer.prepare import bar_cells
from zctasks.importer.text import Line
from zctasks.plan.attribution import is_placeholder, split_names, unit_shaped

ROLE_COLUMNS = ("lead", "cooperate", "responsible", "leaders", "measures")


@dataclass
class Row:
    """One row of a table: its cells by column, in the order they came."""

    cells: dict[str, list[str]] = field(default_factory=dict)
    lines: list[int] = field(default_factory=list)
    category: tuple[int, str] | None = None
    """A category line (merged 类别 cell) that stands before the row: (line, text)."""

    def add(self, column: str, text: str, line: int) -> None:
        self.cells.setdefault(column, []).append(text)
        if line not in self.lines:
            self.lines.append(line)


def header_columns(
    cells: list[str], overrides: Mapping[str, Column] | None = None
) -> list[Column | None] | None:
    """The columns a header row names; None when the row is not a table header."""
    if len(cells) < 2:
        return None
    columns = [column_of(cell, overrides) for cell in cells]
    known = {c for c in columns if c}
    named = sum(1 for c, cell in zip(columns, cells, strict=True) if c or not cell.strip())
    if "task" not in known or not known & set(ROLE_COLUMNS) or named * 2 < len(cells):
        return None
    # a header cell spanning two columns (项目 over the category and the item) names both:
    # the first is the category
    for i in range(len(columns) - 1):
        if columns[i] == columns[i + 1] == "task" and _bare(cells[i]) == _bare(cells[i + 1]):
            columns[i] = "category"
    for i in range(len(columns) - 1):
        if columns[i] == columns[i + 1] == "task":
            columns[i] = "group"  # 工作任务 | 工作内容: the first groups the rows of the second
    seen_task = False
    for i, column in enumerate(columns):
        if column == "task":
            if seen_task:
                columns[i] = "text"  # a second task-like column (目标任务 beside 项目) is text
            seen_task = True
    return columns


def _bare(text: str) -> str:
    return re.sub(r"\s", "", text)


def text_cells(text: str) -> list[str] | None:
    """The cells of a text row separated by tabs, bars, or runs of two or more spaces."""
    if "\t" in text:
        return [cell.strip() for cell in text.split("\t")]
    cells = bar_cells(text)
    if cells is not None and len(cells) >= 2:
        return cells
    if re.search(r"\S(?: {2,}|\u3000+)\S", text):
        return [cell for cell in re.split(r" {2,}|\u3000+", text.strip()) if cell]
    return None


_SPACED_CELL = re.compile(r"[^ \u3000]+(?: [^ \u3000]+)*")
_TOLERANCE = 2
"""How far, in display columns, a cell of a space-aligned row may start from its header's."""


def space_aligned(text: str) -> bool:
    """A text row whose cells are separated by runs of spaces (not tabs or bars)."""
    return "\t" not in text and bar_cells(text) is None and text_cells(text) is not None


def display_starts(text: str) -> list[tuple[int, str]]:
    """The cells of a space-aligned row with the display column each starts at (a Chinese
    character is two columns wide, as in the monospaced font the table was aligned in)."""
    import unicodedata

    found = []
    for m in _SPACED_CELL.finditer(text):
        before = text[: m.start()]
        width = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in before)
        found.append((width, m.group()))
    return found


def positioned_cells(text: str, starts: list[int]) -> list[str] | None:
    """The cells of a space-aligned row that left some cells empty, put under the header
    cells they stand under; None when a cell stands under none of them, or two under one."""
    cells = [""] * len(starts)
    for width, value in display_starts(text):
        column = next((j for j, s in enumerate(starts) if abs(s - width) <= _TOLERANCE), None)
        if column is None or cells[column]:
            return None
        cells[column] = value
    return cells


def spaced_header(
    text: str, overrides: Mapping[str, Column] | None = None
) -> list[Column | None] | None:
    """A header whose cells are separated by single spaces (序号 工作任务 牵头单位 完成时限)."""
    pieces = text.split()
    if len(pieces) < 3:
        return None
    columns = header_columns(pieces, overrides)
    if columns is None or any(c is None for c in columns):
        return None
    return columns


# ------------------------------------------------------------------ the kinds of a cell


def kinds(text: str) -> frozenset[str]:
    """What a cell copied one a line looks like: a serial number, a figure, a deadline, a
    person, units, short text, text."""
    found: set[str] = set()
    bare = text.strip()
    if re.fullmatch(r"\d{1,4}", bare):
        found.add("serial")
    if re.fullmatch(r"[<>≤≥]?\s*-?\d+(?:\.\d+)?\s*%?", bare):
        found.add("number")
        return frozenset(found)
    if looks_like_due(bare):
        found.add("due")
    if _person(bare):
        found.add("person")
    elif _units(bare):
        found.add("units")
    found.add("text")
    if len(bare) <= 20 and "。" not in bare and not re.search(r"\d", bare):
        found.add("short")
    return frozenset(found)


_INSTITUTION_END = re.compile(
    r"(局|委|办|中心|公司|院|会|队|所|站|社|行|联|厅|处|室|政府|组|部|府|区|镇|乡|街道)$"
)


def _person(text: str) -> bool:
    pieces = [p for p in re.split(r"[、，,；;\s]+", text) if p]
    return bool(pieces) and all(
        re.fullmatch(r"[\u4e00-\u9fa5]{2,3}", p) and not _INSTITUTION_END.search(p) for p in pieces
    )


def _units(text: str) -> bool:
    if "。" in text or len(text) > 80:
        return False
    names, _ = split_names(text)
    return bool(names) and all(unit_shaped(n) or is_placeholder(n) for n in names)


# ------------------------------------------------------------------ aligning lines to columns

_ACCEPTS: dict[str | None, frozenset[str]] = {
    "number": frozenset({"serial"}),
    "category": frozenset({"short"}),
    "group": frozenset({"text"}),
    "task": frozenset({"text"}),
    "score": frozenset({"number"}),
    "leaders": frozenset({"person"}),
    "person": frozenset({"person"}),
    "lead": frozenset({"units"}),
    "cooperate": frozenset({"units"}),
    "responsible": frozenset({"units"}),
    "due": frozenset({"due"}),
}
_SKIP = {"task": 20.0, "number": 1.5, "category": 0.1, "group": 0.1}
_CONTINUE = {
    "task": 0.6,
    "measures": 0.6,
    "lead": 0.3,
    "cooperate": 0.3,
    "responsible": 0.3,
    "leaders": 0.5,
    "person": 0.5,
    "due": 0.8,
}
_NO_CONTINUE = ("number", "score", "category", "group")
_CATEGORY_LINE = 0.6
_LEFTOVER = 8.0
START, CATEGORY, LEFT = -2, -1, -3


def _accepts(column: Column | None, found: frozenset[str]) -> float | None:
    """The cost of putting a line of these kinds in the column (None: it does not fit)."""
    wanted = _ACCEPTS.get(column)
    if wanted is None:  # text, measures, an unknown column: anything
        return 0.0
    if not wanted & found:
        return None
    if column == "task" and ("units" in found or "person" in found):
        return 3.0
    return 0.0


def align(texts: list[str], columns: list[Column | None], one_row: bool = False) -> list[int]:
    """For each line, the column it fills, CATEGORY for a category line standing before a row,
    or LEFT for a line that fits nowhere."""
    return alignment(texts, columns, one_row)[0]


def alignment(
    texts: list[str], columns: list[Column | None], one_row: bool = False
) -> tuple[list[int], float]:
    """The best alignment of lines to columns, and what it costs (dynamic programming over
    the lines, with back-pointers: linear in the number of lines)."""
    n = len(columns)
    if not n:
        return [LEFT] * len(texts), _LEFTOVER * len(texts)
    skip = [_SKIP.get(c or "", 1.0) for c in columns]
    tail = [sum(skip[j + 1 :]) for j in range(n)]
    head = [sum(skip[:j]) for j in range(n)]
    free_category = "category" not in columns
    inf = float("inf")
    best: dict[int, float] = {START: 0.0}
    # back[i][state] = (the state before line i, what line i was assigned)
    back: list[dict[int, tuple[int, int]]] = []
    for text in texts:
        found = kinds(text)
        nxt: dict[int, float] = {}
        came: dict[int, tuple[int, int]] = {}
        for state, cost in best.items():
            options: list[tuple[int, float, int]] = [(state, cost + _LEFTOVER, LEFT)]
            if free_category and "short" in found and not one_row:
                closing = tail[state] if state >= 0 else 0.0
                options.append((CATEGORY, cost + closing + _CATEGORY_LINE, CATEGORY))
            for j, column in enumerate(columns):
                fit = _accepts(column, found)
                if fit is None:
                    continue
                if state < 0:
                    step = head[j]
                elif j > state:
                    step = head[j] - head[state + 1] if state + 1 <= j else 0.0
                elif j == state:
                    if column in _NO_CONTINUE:
                        continue
                    step = _CONTINUE.get(column or "", 1.5)
                else:
                    if one_row:
                        continue
                    step = tail[state] + head[j]
                options.append((j, cost + fit + step, j))
            for target, total, assign in options:
                if total < nxt.get(target, inf):
                    nxt[target] = total
                    came[target] = (state, assign)
        best = nxt
        back.append(came)
    totals = {state: cost + (tail[state] if state >= 0 else 0.0) for state, cost in best.items()}
    state = min(totals, key=lambda s: totals[s])
    path: list[int] = []
    for came in reversed(back):
        state, assign = came[state]
        path.append(assign)
    path.reverse()
    return path, min(totals.values())


def key(columns: list[Column | None], headers: list[str], j: int) -> str:
    """The cell key of column ``j``: its column, or 表头 words for a column of other text."""
    column = columns[j]
    if column in (None, "text", "score"):
        return "extra:" + re.sub(r"\s", "", headers[j] if j < len(headers) else "")
    return column


def line_rows(
    lines: list[Line], columns: list[Column | None], headers: list[str]
) -> tuple[list[Row], list[Line]]:
    """Rows of a table copied one cell a line, and the lines that fit no column."""
    path = align([line.text for line in lines], columns)
    rows: list[Row] = []
    leftover: list[Line] = []
    state = START
    pending: tuple[int, str] | None = None
    for line, assigned in zip(lines, path, strict=True):
        if assigned == LEFT:
            leftover.append(line)
            continue
        if assigned == CATEGORY:
            if pending is not None:  # a category with no row under it
                leftover.append(Line(pending[0], pending[1]))
            pending = (line.number, line.text)
            state = CATEGORY
            continue
        if state < 0 or assigned < state:
            rows.append(Row(category=pending))
            pending = None
        rows[-1].add(key(columns, headers, assigned), line.text, line.number)
        state = assigned
    if pending is not None:
        leftover.append(Line(pending[0], pending[1]))
    return rows, leftover


def cell_row(
    cells: list[str], columns: list[Column | None], headers: list[str], number: int
) -> tuple[Row, list[str]]:
    """A row that came with its cells: by position when they match the header, else aligned
    by kind (a web copy that dropped its empty cells); with the cells that fit no column."""
    row = Row()
    values = [cell for cell in cells if cell.strip()]
    if len(cells) <= len(columns) or not values:
        for j, cell in enumerate(cells[: len(columns)]):
            if cell.strip():
                row.add(key(columns, headers, j), cell.strip(), number)
        return row, []
    path = align(values, columns, one_row=True)
    leftover = []
    for text, assigned in zip(values, path, strict=True):
        if assigned < 0:
            leftover.append(text)
        else:
            row.add(key(columns, headers, assigned), text, number)
    return row, leftover


def spaced_row(
    text: str, columns: list[Column | None], headers: list[str], number: int
) -> tuple[Row, list[str]]:
    """A text row whose cells are separated by spaces: each piece to the column it fits."""
    pieces = text.split()
    if len(pieces) == len(columns):
        return cell_row(pieces, columns, headers, number)
    path = align(pieces, columns, one_row=True)
    row = Row()
    leftover = []
    for piece, assigned in zip(pieces, path, strict=True):
        if assigned < 0:
            leftover.append(piece)
        else:
            row.add(key(columns, headers, assigned), piece, number)
    return row, leftover
