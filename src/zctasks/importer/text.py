"""What every step of the import shares: a document line, the import's error, text cleaning."""

from __future__ import annotations

import re
from dataclasses import dataclass

from zctasks.files.errors import ZctasksError

CHINESE_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "两": 2,
}
NUMERAL = r"(?:[一二三四五六七八九]?十[一二三四五六七八九]?|[一二三四五六七八九])"  # 一 … 九十九
"""A chapter or sub-heading numeral, 一 to 九十九."""

# Characters that end a line in YAML or in Python's str.splitlines(): never inside a comment.
_LINE_BREAKS = re.compile("[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


class ImportProblem(ZctasksError):
    """A document the importer cannot read; nothing is written."""


@dataclass
class Line:
    """One line of the document: a paragraph, or a table row with its cells."""

    number: int
    text: str
    cells: list[str] | None = None
    spans: bool = False
    """A table row with one value: a title row, or a chapter row spanning the table."""


def clean(text: str) -> str:
    """Word and web artifacts out: bookmarks, zero-width and no-break spaces, spaces at the ends."""
    text = re.sub(r"\[bookmark:[^\]]*\]", "", text)
    text = text.replace("\xa0", " ").replace("\u200b", "").replace("\ufeff", "")
    return text.strip(" \t\u3000\r")


def one_line(text: str) -> str:
    """Text safe to put on one line of a comment: every kind of line break becomes a space."""
    return _LINE_BREAKS.sub(" ", text)


def chinese_number(text: str) -> int:
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (CHINESE_DIGITS[tens] if tens else 1) * 10 + (CHINESE_DIGITS[ones] if ones else 0)
    return CHINESE_DIGITS[text]
