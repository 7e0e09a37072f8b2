"""A task's deadline from the Chinese forms plans write: 6月底前, 2023年12月底, 全年, 三季度."""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date

_QUARTER = {"一": 3, "二": 6, "三": 9, "四": 12, "1": 3, "2": 6, "3": 9, "4": 12}
DUE_WORDS = re.compile(
    r"^(?:\d{4}年)?(?:\d{1,2}月|[一二三四1-4]季度|第[一二三四1-4]季度|[上下]半年|年底|年内|全年|年末|长期|"
    r"持续|常态化)"
)


def looks_like_due(text: str) -> bool:
    """A table cell or line that says when (12月底前, 全年, 9月投入使用), not what or who."""
    return len(text) <= 20 and DUE_WORDS.match(text.replace(" ", "")) is not None


def _month_end(year: int, month: int) -> date:
    return date(year, month, monthrange(year, month)[1])


def due_date(text: str, year: int) -> date | None:
    """The last day the words allow, in the plan's year unless they name one; None for
    长期 / 持续 and for words that name no time. Of several (5月底前动工、12月底前), the latest."""
    found = [d for part in re.split("[、，,；;]", text) if (d := _one_due(part, year))]
    return max(found) if found else None


def _one_due(text: str, year: int) -> date | None:
    text = text.replace(" ", "")
    named = re.match(r"(\d{4})年", text)
    if named:
        year = int(named.group(1))
    if m := re.search(r"(\d{1,2})月(\d{1,2})日", text):
        month, day = int(m.group(1)), int(m.group(2))
        if 1 <= month <= 12 and 1 <= day <= monthrange(year, month)[1]:
            return date(year, month, day)
        return None
    if m := re.search(r"(\d{1,2})月(上旬|中旬)", text):
        month = int(m.group(1))
        if 1 <= month <= 12:
            return date(year, month, 10 if m.group(2) == "上旬" else 20)
        return None
    if m := re.search(r"(\d{1,2})月", text):
        month = int(m.group(1))
        return _month_end(year, month) if 1 <= month <= 12 else None
    if m := re.search(r"第?([一二三四1-4])季度", text):
        return _month_end(year, _QUARTER[m.group(1)])
    if "上半年" in text:
        return date(year, 6, 30)
    if re.search(r"下半年|年底|年内|全年|年末", text) or named:
        return date(year, 12, 31)
    return None
