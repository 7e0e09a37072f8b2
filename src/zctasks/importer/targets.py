"""Quantitative targets in a task's text: a number, a unit, and the words that set the operator."""

from __future__ import annotations

import re

from zctasks.plan.models import Op, Target, Task

UNITS = (
    "个百分点|万千瓦时|万千瓦|千瓦|亿立方米|万立方米|立方米|万平方米|平方米|平方公里|公顷|万亩|亩|万吨|吨|"
    "亿元|万元|元|公里|千米|人次|家|个|项|名|人|件|座|处|条|台|部|种|支|所|户|套|辆|场|批|篇|%|％"
)
_TARGET = re.compile(
    r"(?<![\d.+\-A-Za-z])(?P<num>\d+(?:\.\d+)?)(?:\s*[—–\-~～至到]\s*(?P<max>\d+(?:\.\d+)?))?"
    r"(?P<more>余)?\s*(?P<unit>" + UNITS + r")(?![A-Za-z0-9+])"
)

_STRIVE = re.compile("力争|争取|争创")
_NOT_A_TARGET = r"措施|举措|意见|政策|规定|条例|办法"
_LEVEL_WORDS = re.compile(r"率|比例|占比|数量|拥有量|规模|容量|水平|指数|增长|增速|同比")
_LEADING = re.compile(
    r"^(力争|争取|争创|确保|全力确保|全力|年内|全年|全区|全市|实现|完成|推动|推进|其中|累计|新增加)+"
)


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    left = max(text.rfind(mark, 0, start) for mark in "，。；：") + 1
    rights = [i for i in (text.find(mark, end) for mark in "，。；") if i != -1]
    return left, min(rights) if rights else len(text)


def _operator(lead_in: str, after: str, between: bool, more: bool) -> Op:
    """The operator from the words around a figure: those after it, then those leading to it
    in its clause (完成充电设施1220个 is at least 1220)."""
    if between:
        return "between"
    if after.startswith("左右"):
        return "~"
    if after.startswith(("之内", "以内")) or re.search(r"控制在|不超过|不高于", lead_in):
        return "<="
    if more or re.search(r"超过|突破|高于|多于", lead_in):
        return ">"
    if after.startswith("以上") or re.search(
        r"不少于|不低于|至少|达到|完成|稳定在|保持在|达$|吸引|引进|增长", lead_in
    ):
        return ">="
    return "="


def _inside_quotes(text: str, index: int) -> bool:
    opened = text.rfind("“", 0, index)
    return opened != -1 and text.find("”", opened) > index


def find_targets(task: Task) -> list[Target]:
    text = task.text
    targets: list[Target] = []
    for m in _TARGET.finditer(text):
        start, end = m.span()
        if _inside_quotes(text, start) or text[end : end + 1] in ("年", "月", "日"):
            continue
        if re.match(r"(?![和及与、])[\u4e00-\u9fa5]{1,4}\d", text[end : end + 5]) or re.match(
            _NOT_A_TARGET, text[end : end + 2]
        ):
            continue  # 2个片区15个小区: a scope before the figure; 20条措施: a name
        after_unit = text[end : end + 4]
        left, right = _clause(text, start, end)
        quote = text[left:right]
        lead_in = text[left:start]
        value = _number(m.group("num"))
        maximum = _number(m.group("max")) if m.group("max") else None
        op = _operator(lead_in, after_unit, maximum is not None, bool(m.group("more")))
        sentence_start = text.rfind("。", 0, start) + 1
        firm = _STRIVE.search(text[sentence_start:end]) is None
        name = _target_name(quote, m.group(0))
        unit = m.group("unit").replace("％", "%")
        accrues = unit != "%" and _LEVEL_WORDS.search(name) is None
        change = unit == "%" and "增长" in quote  # a growth rate: may be negative
        targets.append(
            Target(
                id=f"{task.id}.{len(targets) + 1}",
                name=name or quote,
                op=op,
                value=value,
                unit=unit,
                max=maximum,
                firm=firm,
                accrues=accrues,
                quote=quote,
                change=change,
            )
        )
    return targets


def _number(text: str) -> int | float:
    return float(text) if "." in text else int(text)


def _target_name(quote: str, figure: str) -> str:
    name = quote.replace(figure, "", 1)
    name = re.sub(
        r"(以上|左右|之内|以内|不少于|不低于|至少|达到|超过|突破|控制在|稳定在|保持在|分别)",
        "",
        name,
    )
    name = _LEADING.sub("", name)
    return name.strip("，。；、 ") or quote
