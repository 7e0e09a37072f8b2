"""What people type, read one way everywhere: on the command line, in sheets, CSV files and
YAML batches alike.

- A day: 2023-09-30, 2023/9/30, 2023.9.30 or 2023年9月30日 (a date cell of a sheet too).
- A figure: the one strict number rule of ``figures.py`` (12.3, -4, 12,300.5); for a target
  whose unit is % also 85% (and a cell Excel shows as 85%); any other target refuses a
  percentage, so that 12% is never read as 12 of something else.
- A task: 7 or 第7项.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from zctasks.log.figures import BadNumber, parse_number
from zctasks.plan.models import Number

DAY_FORMS = "2023-09-30、2023/9/30、2023.9.30 或 2023年9月30日"
_DAY = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_TASK = re.compile(r"^第?\s*([0-9]{1,6})\s*项?$")


def parse_day(text: str) -> date | None:
    """The day ``text`` spells, or None."""
    match = _DAY.match(text.strip())
    if match is None:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def parse_task(text: str) -> int | None:
    """7 for "7" or "第7项"; None for anything else."""
    match = _TASK.match(text.strip())
    return int(match.group(1)) if match else None


def parse_figure(text: str, unit: str | None) -> Number:
    """A figure typed for a target of ``unit``: 85% only where the unit is %."""
    shown = text.strip().replace("％", "%")
    if shown.endswith("%"):
        if unit != "%":
            what = f"“{unit}”" if unit else "不是 %"
            raise BadNumber(f"数值“{text}”是百分数，而指标的单位是{what}", "只填数字")
        shown = shown[:-1].strip()
    return parse_number(shown)


def excel_date_problem(value: datetime | date) -> BadNumber:
    """What to say about a figure cell that Excel turned into a date: 1-2 or 1/2 typed into
    a cell of the General format becomes 2 January."""
    day = value.date() if isinstance(value, datetime) else value
    return BadNumber(
        f"单元格被 Excel 识别为日期（{day.isoformat()}），原文可能是“{day.month}-{day.day}”"
        f"或“{day.month}/{day.day}”",
        "把单元格格式设为“数值”或“文本”后重新填写数字",
    )
