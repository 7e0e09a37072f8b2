"""What each block of a report's Markdown is in an official document (公文): the masthead,
the title, the addressee, headings, body text, the signature and date, attachments and
the imprint (版记). The DOCX, HTML and plain-text writers lay out the same parts.

The conventions a template follows (see templates/README.md):

- a page (the start, or after a ``***`` break) that opens with a ``#`` heading and a few
  lines closed by a ``---`` rule has a masthead: the red 报头 and its lines; a line with a
  tab puts its two halves at the left and right margins;
- ``#`` after it is the title; a line wholly in （） right after the title is a subtitle,
  and a line ending in ： after them is the addressee (顶格);
- ``##``, ``###``, ``####`` are the 一、, （一）, 1. headings;
- a ``>`` quote is the signature: the issuing office, then the date;
- ``***`` starts a new page; a page that opens with 附件 or 附件N is an attachment, whose
  ``#`` is its title; a page with a masthead of its own starts a new document (a slip);
- a paragraph opening with 附件： lists the attachments (附件说明);
- a paragraph opening with …… is a cut line; the lines after it are a form to fill in
  (the 签收回执 of a slip);
- a last ``---`` rule followed only by lines, the last of them ending in 印发, is the
  imprint (版记).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import NamedTuple

from zctasks.documents.rendering import Block

ATTACHMENT_LABEL = re.compile(r"^附件\d*$")


class Part(NamedTuple):
    role: str
    """masthead, masthead-line, masthead-rule, title, subtitle, addressee, heading (with
    level), body, attachments, signature, table, cut, form (the lines of a receipt after a
    cut line), page, document, attachment-label, attachment-title, imprint-rule, imprint,
    rule."""
    block: Block


def _pages(blocks: list[Block]) -> list[list[Block]]:
    pages: list[list[Block]] = [[]]
    for block in blocks:
        if block.kind == "pagebreak":
            pages.append([])
        else:
            pages[-1].append(block)
    return pages


def _masthead_length(page: list[Block]) -> int:
    """How many blocks of the page are its masthead (up to and with its rule), or 0."""
    if not page or page[0].kind != "heading" or page[0].level != 1:
        return 0
    for index, block in enumerate(page[1:5], 1):
        if block.kind == "rule":
            return index + 1
        if block.kind != "paragraph":
            return 0
    return 0


def _imprint_start(page: list[Block]) -> int:
    """Where the imprint (the last rule and the lines after it) starts, or len(page)."""
    for index in range(len(page) - 1, -1, -1):
        if page[index].kind == "rule":
            rest = page[index + 1 :]
            if rest and all(b.kind == "paragraph" for b in rest) and rest[-1].text.endswith("印发"):
                return index
            break
    return len(page)


def parts(blocks: list[Block]) -> Iterator[Part]:
    pages = _pages(blocks)
    for number, page in enumerate(pages):
        masthead = _masthead_length(page)
        if number:
            yield Part("document" if masthead else "page", Block("pagebreak"))
        imprint = _imprint_start(page)
        attachment = (
            bool(page)
            and page[0].kind == "paragraph"
            and bool(ATTACHMENT_LABEL.match(page[0].text))
        )
        previous = ""
        cut = False
        for index, block in enumerate(page):
            role = _role(block, index, masthead, imprint, attachment, previous)
            if cut and role == "body":
                role = "form"
            cut = cut or role == "cut"
            previous = role
            yield Part(role, block)


def _role(
    block: Block, index: int, masthead: int, imprint: int, attachment: bool, previous: str
) -> str:
    if index < masthead:
        if block.kind == "rule":
            return "masthead-rule"
        return "masthead" if block.kind == "heading" else "masthead-line"
    if index >= imprint:
        return "imprint-rule" if block.kind == "rule" else "imprint"
    if attachment and index == 0:
        return "attachment-label"
    if block.kind == "heading":
        if block.level == 1:
            return "attachment-title" if attachment else "title"
        return "heading"
    if block.kind == "quote":
        return "signature"
    if block.kind in ("table", "rule"):
        return block.kind
    text = block.text
    if previous in ("title", "attachment-title") and text.startswith("（") and text.endswith("）"):
        return "subtitle"
    if previous in ("title", "subtitle", "masthead-rule") and text.endswith("："):
        return "addressee"
    if text.startswith("附件："):
        return "attachments"
    if text.startswith("……"):
        return "cut"
    return "body"


def text_width(text: str) -> float:
    """Width in full-width characters: CJK 1, Latin letters and digits ½."""
    from rich.cells import cell_len

    return cell_len(text) / 2


def plain_text(blocks: list[Block]) -> str:
    """The main text as plain lines for a chat group: no Markdown symbols, no tables, no
    imprint; the list of attachments says that they are in the official document."""
    lines: list[str] = []
    skipped = (
        "masthead-rule",
        "rule",
        "imprint-rule",
        "imprint",
        "table",
        "cut",
        "form",
    )
    for role, block in parts(blocks):
        if role == "page":
            break
        if role == "document":
            lines += ["", ""]
            continue
        if role in skipped:
            continue
        text = block.text.replace("\t", "　")
        if role == "attachments":
            listed = "；".join(line.strip() for line in text.removeprefix("附件：").split("\n"))
            lines += ["", f"附件（见正式印发的文件，未随本文发送）：{listed}"]
        elif role == "signature":
            lines += ["", *text.split("\n")]
        elif role == "masthead":
            lines.append(f"【{text}】")
        elif role in ("title", "heading", "attachment-title"):
            lines += ["", text]
        elif role == "body":
            lines.append("　　" + block.marker + text)
        else:
            lines.append(block.marker + text)
    return "\n".join(line.rstrip() for line in lines).strip("\n") + "\n"


_TITLE_WORDS = sorted(
    {
        "关于",
        "重点工作任务",
        "重点工作",
        "工作任务",
        "推进情况",
        "落实情况",
        "进展情况",
        "的通知",
        "的通报",
        "的报告",
        "的意见",
        "工作台账",
        "催办单",
        "催办登记表",
        "工作简报",
        "承担",
        "推进",
        "推动",
        "深化",
        "新旧动能转换",
        "绿色低碳",
        "高质量发展",
        "淄川区",
        "任务进度统计",
        "滞后及未报送任务清单",
        "任务清单",
        "落实",
        "实施",
        "加快",
        "建设",
        "打造",
        "提升",
        "促进",
        "人民政府",
        "办公室",
        "三年行动计划",
        "行动计划",
        "实施方案",
        "工作方案",
        "工作要点",
        "重点任务",
        "责任分工",
        "分解表",
    },
    key=len,
    reverse=True,
)
_UNIT = re.compile(r"区[\u4e00-\u9fff]{1,9}?(?:分局|局|委|办|中心|部|联|大队|公司)")
_YEAR = re.compile(r"\d{4}(?:—\d{4})?年(?:度)?")
_OPENING = "《“（"
_CLOSING = "》”）"


def _title_segments(text: str) -> list[tuple[str, bool]]:
    """The title cut into words as far as they are known: (text, known)."""
    segments: list[tuple[str, bool]] = []
    i = 0
    while i < len(text):
        found = ""
        for pattern in (_UNIT, _YEAR):
            match = pattern.match(text, i)
            if match and len(match.group(0)) > len(found):
                found = match.group(0)
        for word in _TITLE_WORDS:
            if len(word) > len(found) and text.startswith(word, i):
                found = word
                break
        if found:
            segments.append((found, True))
            i += len(found)
        else:
            segments.append((text[i], text[i] in _OPENING + _CLOSING))
            i += 1
    return segments


def title_lines(text: str, per_line: float) -> list[str]:
    """A title broken into balanced lines at word boundaries (GB/T 9704: 回行时词意完整，
    排列对称), each at most ``per_line`` characters wide; one line if it fits."""
    if text_width(text) <= per_line or "\n" in text:
        return text.split("\n")
    segments = _title_segments(text)
    # a break after segment i costs nothing between two known words, more inside unknown text
    cuts: list[tuple[int, float]] = []
    position = 0
    for i, (segment, known) in enumerate(segments[:-1]):
        position += len(segment)
        following, next_known = segments[i + 1]
        good = (known and next_known) or segment[-1] in _CLOSING or following[0] in _OPENING
        if following[0] in _CLOSING or segment[-1] in _OPENING:
            continue
        cuts.append((position, 0.0 if good else 4.0))
    lines_needed = int(text_width(text) // per_line) + 1
    best: tuple[float, list[str]] | None = None
    for count in (lines_needed, lines_needed + 1):
        found = _best_split(text, cuts, count, per_line)
        if found is not None and (best is None or found[0] < best[0]):
            best = found
    return best[1] if best is not None else [text]


def _best_split(
    text: str, cuts: list[tuple[int, float]], count: int, per_line: float
) -> tuple[float, list[str]] | None:
    from itertools import combinations

    best: tuple[float, list[str]] | None = None
    for chosen in combinations(cuts, count - 1):
        edges = [0, *(position for position, _ in chosen), len(text)]
        lines = [text[a:b] for a, b in itertools.pairwise(edges)]
        widths = [text_width(line) for line in lines]
        if max(widths) > per_line:
            continue
        cost = sum(penalty for _, penalty in chosen) + (max(widths) - min(widths)) * 0.5
        cost += count * 2
        if best is None or cost < best[0]:
            best = (cost, lines)
    return best


_FLOORS = {"存在问题": 6.0}
"""Columns read as sentences however few rows fill them: never narrower than this."""


def column_chars(rows: list[list[str]], budget: float) -> list[float]:
    """How many characters wide each column of a table is, within ``budget`` characters.

    Columns of short entries are as wide as their longest (and their header); the width
    left is given, half a character at a time, to the wrapping column where it saves the
    most lines over the whole table, so that rows stay low and no column is squeezed to a
    character or two.
    """
    import math

    columns = max(len(row) for row in rows)
    header = rows[0]
    body = rows[1:] or [header]
    lengths = [
        [text_width(row[c]) if c < len(row) else 0.0 for c in range(columns)] for row in body
    ]
    heading = [text_width(header[c]) if c < len(header) else 1.0 for c in range(columns)]
    longest = [max(max((r[c] for r in lengths), default=0.0), 1.0) for c in range(columns)]
    natural = [max(longest[c], min(heading[c], 4.0)) + 0.6 for c in range(columns)]
    if sum(natural) <= budget:
        return [n + (budget - sum(natural)) * n / sum(natural) for n in natural]
    fixed = {c for c in range(columns) if natural[c] <= 6.6}
    chars = [natural[c] if c in fixed else 0.0 for c in range(columns)]
    typical = {}
    for c in range(columns):
        if c not in fixed:
            ordered = sorted(r[c] for r in lengths)
            typical[c] = ordered[int(len(ordered) * 0.8)] if ordered else 1.0
    # a wrapping column starts six characters wide (mixed text breaks badly when narrower)
    # unless that would take most of the width, as in a ten-column 台账
    room = budget - sum(chars)
    start = 6.0 if sum(min(t, 6.0) + 0.6 for t in typical.values()) <= 0.9 * room else 4.0
    for c, value in typical.items():
        chars[c] = max(min(value, start), heading[c] / 2, 2.0, _FLOORS.get(header[c], 0.0)) + 0.6

    def lines(c: int, width: float) -> list[int]:
        return [math.ceil(r[c] / max(width - 0.6, 0.5)) or 1 for r in lengths]

    current = {c: lines(c, chars[c]) for c in range(columns) if c not in fixed}

    def height(replace: int, column: list[int]) -> int:
        return sum(
            max(column[i] if c == replace else current[c][i] for c in current)
            for i in range(len(lengths))
        )

    step = 0.5
    left = budget - sum(chars)
    while left >= step and current:
        base = height(-1, [])
        best, saving = None, 0
        for c in current:
            if chars[c] >= longest[c] + 0.6:
                continue
            saved = base - height(c, lines(c, chars[c] + step))
            if saved > saving:
                best, saving = c, saved
        if best is None:  # nothing saves a line yet: widen the column that holds the most
            open_columns = [c for c in current if chars[c] < longest[c] + 0.6]
            if not open_columns:
                break
            best = max(open_columns, key=lambda c: sum(r[c] for r in lengths) / chars[c])
        chars[best] += step
        current[best] = lines(best, chars[best])
        left -= step
    if left > 0:
        share = sum(chars)
        chars = [c + left * c / share for c in chars]
    return chars
