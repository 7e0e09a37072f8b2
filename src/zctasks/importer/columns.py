"""What a table's header cell means, read from its words: the task, its units by role, its
leaders, deadline, measures, a category, a serial number — and what the user says a column
or label means (``zctasks import --columns "落实措施=measures,分管县领导=leaders"``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal, cast

from zctasks.files.errors import UsageError
from zctasks.plan.attribution import label_field
from zctasks.plan.models import LabelField

Column = Literal[
    "number",
    "category",
    "group",
    "task",
    "text",
    "measures",
    "lead",
    "cooperate",
    "responsible",
    "leaders",
    "due",
    "person",
    "score",
]
COLUMNS: tuple[Column, ...] = (
    "number",
    "category",
    "group",
    "task",
    "text",
    "measures",
    "lead",
    "cooperate",
    "responsible",
    "leaders",
    "due",
    "person",
    "score",
)
UNIT_COLUMNS = ("lead", "cooperate", "responsible")

_CHINESE: dict[str, Column] = {
    "序号": "number",
    "编号": "number",
    "类别": "category",
    "分类": "category",
    "章节": "category",
    "小节": "group",
    "分组": "group",
    "任务": "task",
    "事项": "task",
    "正文": "text",
    "内容": "text",
    "措施": "measures",
    "具体措施": "measures",
    "牵头": "lead",
    "牵头单位": "lead",
    "配合": "cooperate",
    "配合单位": "cooperate",
    "负责": "responsible",
    "责任单位": "responsible",
    "领导": "leaders",
    "责任领导": "leaders",
    "时限": "due",
    "完成时限": "due",
    "责任人": "person",
    "分值": "score",
}

_NUMBER = re.compile(r"序号|编号|序|No\.?|NO\.?")
_CATEGORY = re.compile(r".{0,4}(?:类别|分类|领域|板块|类型|方面|大类)")
_SCORE = re.compile(r".{0,4}(?:分值|权重|分数|得分|赋分)")
_NOTES = re.compile(
    r"备注|说明|进展|进度|.{0,6}情况|存在问题|下步.*|工作目标|目标值|.{0,4}要求|.*标准|预期.*"
)
_DUE = re.compile(r".{0,4}(?:时限|期限|时间节点|完成时间|进度安排).{0,2}")
_TASK = re.compile(r".{0,8}(?:任务|工作|事项|项目|指标|实事|目标|内容|名称)")


def column_of(header: str, overrides: Mapping[str, Column] | None = None) -> Column | None:
    """The column a header names; None when its words say nothing known."""
    name = re.sub(r"\s", "", header)
    if overrides and name in overrides:
        return overrides[name]
    if not name or len(name) > 12:
        return None
    if _NUMBER.fullmatch(name):
        return "number"
    if _CATEGORY.fullmatch(name):
        return "category"
    if _SCORE.fullmatch(name):
        return "score"
    if _DUE.fullmatch(name):
        return "due"  # 时限要求, 完成期限
    field = label_field(name)
    if field is not None and re.search(
        r"单位|部门|科室|处室|领导|时限|时间|节点|期限|措施|举措|责任人|负责人|联系人", name
    ):
        if field == "division":
            return "text"
        return field
    if _NOTES.fullmatch(name):
        return "text"
    if _TASK.fullmatch(name):
        return "task"
    return None


def parse_columns(text: str) -> dict[str, Column]:
    """``落实措施=measures,分管县领导=leaders`` (or 措施, 领导 … in Chinese) as a mapping."""
    found: dict[str, Column] = {}
    for part in re.split(r"[,，;；\n]", text):
        if not part.strip():
            continue
        pieces = re.split(r"\s*[=＝:：]\s*", part.strip(), maxsplit=1)
        if len(pieces) != 2 or not pieces[0] or not pieces[1]:
            raise UsageError(
                f"--columns 中的“{part.strip()}”看不懂",
                '写成 表头=含义，用逗号分开，如 --columns "落实措施=measures,分管县领导=leaders"',
            )
        name, value = re.sub(r"\s", "", pieces[0]), pieces[1].strip()
        column = cast(Column, value) if value in COLUMNS else _CHINESE.get(value)
        if column is None:
            raise UsageError(
                f"--columns 中“{name}”的含义“{value}”不是可用的含义",
                "可用："
                + "、".join(COLUMNS)
                + "（或 牵头、配合、负责、领导、时限、措施、任务、正文、类别、序号、责任人）",
            )
        found[name] = column
    return found


def label_overrides(columns: Mapping[str, Column]) -> dict[str, LabelField]:
    """The part of a --columns mapping that a labelled line of prose can use."""
    fields: tuple[str, ...] = (
        "lead",
        "cooperate",
        "responsible",
        "leaders",
        "due",
        "person",
        "measures",
    )
    return {name: column for name, column in columns.items() if column in fields}  # type: ignore[misc]
