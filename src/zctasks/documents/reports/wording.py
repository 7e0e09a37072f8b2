"""How documents say things: Chinese dates, one rule for percentages, clean punctuation,
task numbers and units in prose, and a target's standing in words.

Official text speaks Chinese: 2023年7月31日, not 2023-07-31; "完成年计划的56.0%" rather
than "14/25亿元"; target ids belong in tables, never in sentences. Every percentage in
every document is written by ``percent`` (one decimal), so the same figure never reads
84.7% in one place and 85% in another.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from zctasks.judge.schedule import TargetState, TaskState, elapsed_share
from zctasks.judge.views import target_goal
from zctasks.log.figures import number
from zctasks.plan.ledger import Ledger
from zctasks.plan.models import Number, Target, Task

ORDINALS = "一二三四五六七八九十"


def cn_date(day: date) -> str:
    """2023年7月31日 (GB/T 9704: Arabic numerals, no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"


def short_date(day: date, year: int) -> str:
    """7月31日 within ``year``, the full date outside it (for tables)."""
    return f"{day.month}月{day.day}日" if day.year == year else cn_date(day)


def percent(ratio: float) -> str:
    """The one rounding rule for percentages in documents: one decimal."""
    return f"{ratio * 100:.1f}%"


def points(gap: float) -> str:
    """A difference of two shares as 2.5个百分点 (``gap`` as a ratio, sign dropped)."""
    return f"{abs(gap) * 100:.1f}个百分点"


def share_of(part: int, whole: int) -> str:
    return percent(part / whole) if whole else percent(0)


def ordinal(index: int) -> str:
    """一 … 十 for the 一是、二是 of requirements (index from 1)."""
    return ORDINALS[index - 1] if index <= len(ORDINALS) else str(index)


def task_numbers(ids: Iterable[int]) -> str:
    """第18、20项."""
    return "第" + "、".join(str(i) for i in sorted(ids)) + "项"


def join(items: Iterable[str], sep: str = "、") -> str:
    return sep.join(item for item in items if item)


_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_HALF_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])\s*([,;:?!()])|(\()\s*(?=[{_CJK}])")
_REPEATED = re.compile(r"([。，；：、！？])[。，；：、！？]+")
_ENDS = "。！？；，、：;,.!?:"
_OPEN_ENDS = "；，、：;,:"
"""Marks that leave a sentence open: never the last character of printed text."""
_ISO_DAY = re.compile(r"(?<![\d.])(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?![\d.])")


def cn_dates(text: str) -> str:
    """Dates typed as 2023-09-30, 2023/9/30 or 2023.9.30 written as 2023年9月30日."""

    def chinese(match: re.Match[str]) -> str:
        year, month, day = int(match.group(1)), int(match.group(3)), int(match.group(4))
        try:
            return cn_date(date(year, month, day))
        except ValueError:
            return match.group(0)

    return _ISO_DAY.sub(chinese, text)


def clean(text: str) -> str:
    """User text as an official document prints it: one line, dates in Chinese, full-width
    punctuation after Chinese (and a full-width bracket before it), no doubled punctuation,
    no comma or semicolon left dangling at the end, straight and nested quotes made
    “…‘…’…”."""
    text = cn_dates(" ".join(text.split()))
    text = _HALF_NEAR_CJK.sub(lambda m: _HALF_TO_FULL[m.group(1) or m.group(2)], text)
    text = re.sub(r"(?<=[，；：（）])\s+|\s+(?=[，；：（）])", "", text)
    text = _quotes(text)
    text = _REPEATED.sub(lambda m: _stronger(m.group(0)), text)
    return text.rstrip(_OPEN_ENDS + " ")


def _stronger(run: str) -> str:
    """Of a run of punctuation marks, the one that ends most: 。 over ； over ，."""
    for mark in "。！？；：，、":
        if mark in run:
            return mark
    return run[0]


def _quotes(text: str) -> str:
    """Straight quotes to curly ones, and a quote inside a quote to single quotes."""
    out: list[str] = []
    depth = 0
    for char in text:
        if char == '"':
            char = "“" if depth % 2 == 0 else "”"
        if char == "“":
            out.append("“" if depth == 0 else "‘")
            depth += 1
        elif char == "”":
            depth = max(depth - 1, 0)
            out.append("”" if depth == 0 else "’")
        else:
            out.append(char)
    return "".join(out)


def quote(text: str) -> str:
    """A title in quotation marks, its own quotes made single: “持续实施‘一号改革工程’”."""
    return "“" + text.replace("“", "‘").replace("”", "’") + "”"


def clause(text: str) -> str:
    """User text to be followed by more of a sentence: cleaned, without its end mark."""
    return clean(text).rstrip(_ENDS + " ")


def sentence(text: str) -> str:
    """User text as a whole sentence: cleaned, ending in exactly one full stop."""
    body = clause(text)
    return body + "。" if body else ""


def accountable(ledger: Ledger, task: Task) -> list[str]:
    """The units that answer for a task: its lead units, else its responsible ones (real
    units only; placeholders such as 区有关部门 answer for nothing)."""
    return [u for u in (task.lead or task.responsible) if u in ledger.units]


def role_word(task: Task) -> str:
    return "牵头" if task.lead else "负责"


def unit_order(ledger: Ledger) -> dict[str, int]:
    """Units in the order of departments.yaml, as documents list them."""
    return {name: i for i, name in enumerate(ledger.units)}


def task_elapsed(ledger: Ledger, task: Task, as_of: date) -> float:
    """The task's 序时进度: the share of the time to its own deadline (as the lights use)."""
    period = ledger.plan.period
    return elapsed_share(as_of, period.start, task.due or period.end)


def goal(target: Target) -> str:
    return target_goal(target)


def amount(value: Number, unit: str) -> str:
    return f"{number(value)}{unit}"


def figure(state: TargetState, elapsed: float) -> str:
    """A target's standing in words, without its id:
    制造业技改投资20.1亿元，完成年计划的80.4%，低于序时进度2.9个百分点."""
    target = state.target
    head = f"{target.name}{amount(state.actual, target.unit)}"
    line = "序时进度"
    if state.planned is not None:  # held against its milestones (节点), not the straight line
        elapsed, line = state.planned, "计划进度"
    if target.op in ("<=", "<"):
        if not target.accrues or state.share is None:
            return f"{head}，上限{goal(target)}" + ("，已超限" if state.light == "red" else "")
        text = f"{head}，占全年上限的{percent(state.share)}"
        if state.light == "red" and state.actual > target.value:
            return text + "，已超过全年上限"
        if state.light == "done":
            return text
        gap = state.share - elapsed
        return text + (f"，超出{line}{points(gap)}" if gap > 0 else f"，在{line}以内")
    if state.share is None:
        text = f"{target.name}为{amount(state.actual, target.unit)}，目标{goal(target)}"
        return text + ("，已达到" if state.light == "done" else "")
    if not target.accrues:
        text = f"{head}，目标{goal(target)}，完成目标增幅的{percent(state.share)}"
    else:
        text = f"{head}，完成年计划的{percent(state.share)}"
    if state.light == "done":
        return text + ("，已完成年度目标" if target.accrues else "，已达到目标")
    gap = state.share - elapsed
    if gap >= 0:
        return text + f"，超{line}{points(gap)}"
    return text + f"，低于{line}{points(gap)}"


def target_line(
    target: Target, state: TargetState | None, elapsed: float, estimate: Number | None = None
) -> str:
    """One target in a table cell: 制造业技改投资≥25亿元：完成20.1亿元，占80.4%; a figure
    the unit gave as an estimate follows as one (预计全年30亿元), never as done."""
    head = f"{target.name}{goal(target)}"
    forecast = ""
    if estimate is not None:
        forecast = f"预计{'全年' if target.accrues else ''}{amount(estimate, target.unit)}"
    if state is None:
        return f"{head}：未报数" + (f"，{forecast}" if estimate is not None else "")
    done = amount(state.actual, target.unit)
    if state.share is None:
        text = f"{head}：现为{done}" + ("，已达到" if state.light == "done" else "")
    elif target.op in ("<=", "<"):
        text = f"{head}：已用{done}，占{percent(state.share)}"
    elif not target.accrues:
        text = f"{head}：现为{done}，完成增幅的{percent(state.share)}"
    else:
        text = f"{head}：完成{done}，占{percent(state.share)}"
    return text + (f"；{forecast}" if estimate is not None else "")


def estimate_phrase(target: Target, value: Number) -> str:
    """预计全年完成制造业技改投资30亿元（单位预估）: an estimate worded as one."""
    year = "全年" if target.accrues else ""
    return f"预计{year}{target.name}{amount(value, target.unit)}（单位预估，不计入完成情况）"


def _unreported(ledger: Ledger, state: TaskState, as_of: date) -> str:
    """10月25日应报未报，已逾期6天（最近一次报送为9月22日）: the due date the reporting
    calendar says was missed (the light itself is the schedule's to decide)."""
    from zctasks.judge.cycles import Calendar

    year = as_of.year
    missed = Calendar.of(ledger).last_due(as_of)
    latest = state.latest
    last = f"最近一次报送为{short_date(latest.date, year)}" if latest else "尚无进展报送"
    if missed is None:
        return last
    head = f"{short_date(missed, year)}应报未报，已逾期{(as_of - missed).days}天"
    return f"{head}（{last}）" if latest else f"{head}，{last}"


_SEVERITY = {"done": 0, "green": 1, "yellow": 2, "red": 3, "grey": 4}


def worst_target(state: TaskState) -> TargetState | None:
    """The target that gives the task its light, if a target does."""
    matching = [t for t in state.targets if t.light == state.light]
    if matching:
        return max(matching, key=lambda t: (t.share is not None, -(t.share or 0)))
    return None


def situation(ledger: Ledger, state: TaskState, as_of: date) -> str:
    """Why a task has its light, in a phrase without target ids or ISO dates:
    最近一次报送为9月8日，已53天未报送; 已过完成期限（6月30日），尚未完成."""
    if state.said:
        return state.said
    task = state.task
    year = as_of.year
    due = task.due or ledger.plan.period.end
    elapsed = task_elapsed(ledger, task, as_of)
    latest = state.latest
    if state.light == "grey":
        return _unreported(ledger, state, as_of)
    if latest is None:
        if as_of > due:
            return f"已过完成期限（{short_date(due, year)}），尚无进展报送"
        return "尚无进展报送"
    worst = worst_target(state)
    detail = figure(worst, elapsed) if worst is not None else ""
    if state.light == "red" and as_of > due:
        return join([f"已过完成期限（{short_date(due, year)}），尚未完成", detail], "；")
    if detail:
        return detail
    if state.light == "done":
        return "已完成" if not state.targets else "全部指标已完成"
    if latest.status in ("受阻", "未启动"):
        problem = clause(latest.problems) if latest.problems else ""
        word = "推进受阻" if latest.status == "受阻" else "尚未启动"
        return join([word, problem], "：")
    missing = len(task.targets) - len(state.targets)
    if missing:
        return f"已报指标均已完成，另有{missing}项指标未报数"
    return "按计划推进"
