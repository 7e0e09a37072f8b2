"""What counts as a number in this ledger: one strict rule wherever a figure comes in.

A figure is stored exactly as typed or refused with a message that quotes it: plain
decimal digits, an optional sign and decimal part, commas only as thousands separators in
groups of three. No ``_``, no exponents, no NaN or infinities, and at most 15 significant
digits, so that every figure survives JSON and floating point unchanged.
"""

from __future__ import annotations

import math
import re

from zctasks.plan.models import Number

MAX_DIGITS = 15
LIMIT = 10**MAX_DIGITS

_PLAIN = re.compile(r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?\Z")
_LOOSE = re.compile(r"[+-]?[0-9.,]+\Z")


class BadNumber(ValueError):
    """A figure that cannot be stored exactly; ``message`` quotes it, in Chinese."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def parse_number(text: str) -> Number:
    """The number ``text`` spells (``12.3``, ``-4``, ``12,300.5``), or BadNumber."""
    shown = text.strip()
    if not shown:
        raise BadNumber("缺少数值", "例如 7.1=12.3")
    if not _PLAIN.match(shown):
        if _LOOSE.match(shown) and "," in shown:
            raise BadNumber(
                f"数值“{text}”无效：逗号只能用作千位分隔符，每三位一组",
                "如 12,300 或 12300；小数点用“.”",
            )
        if any(char in shown for char in "０１２３４５６７８９．，"):
            raise BadNumber(f"数值“{text}”无效：请用半角数字", "如 12.3")
        raise BadNumber(f"数值“{text}”无效：应为数字", "只写数字，不带单位，如 12.3 或 -4")
    plain = shown.replace(",", "")
    significant = plain.lstrip("+-").replace(".", "").lstrip("0")
    if len(significant) > MAX_DIGITS:
        raise BadNumber(
            f"数值“{text}”位数过多：最多 {MAX_DIGITS} 位有效数字", "数值按文件中的单位填写"
        )
    return float(plain) if "." in plain else int(plain)


def number_problem(value: Number) -> str | None:
    """Why an already-parsed figure (from a month file, a YAML batch, a spreadsheet cell)
    cannot be stored, or None."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"数值无效：{value}"
    if abs(value) >= LIMIT:
        return f"数值过大：{value}（最多 {MAX_DIGITS} 位有效数字）"
    return None


def number(value: Number) -> str:
    """A figure as people write it: 25, not 25.0."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)
