"""The model of data/scoring.yaml: the office's 考评办法 as data.

Plain frozen dataclasses like the plan's model (``plan/models.py``): pydantic validates the
file into them (``reading.py``) and describes them as JSON Schema, whose descriptions are
the attribute docstrings below. Every value a person types may be written in Chinese
(完成比例, 牵头, 逾期报送 …); ``canonical`` maps it to the English name the engine uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from zctasks.plan.models import MODEL_CONFIG, Day, Number, UnitKind

Method = Literal[
    "completion",
    "efficacy",
    "relative",
    "steps",
    "rank",
    "bands",
    "完成比例",
    "功效系数",
    "相对最优",
    "对标均值",
    "排名",
    "分档",
]
EventKind = Literal[
    "report-late",
    "report-missing",
    "light-red",
    "light-yellow",
    "repeated-red",
    "urge-issued",
    "urge-unanswered",
    "urge-late",
    "urge-answered",
    "answer-empty",
    "task-done",
    "task-early",
    "manual",
    "逾期报送",
    "未报送",
    "红灯",
    "黄灯",
    "连续红灯",
    "被催办",
    "催办未反馈",
    "催办逾期反馈",
    "催办按时反馈",
    "反馈无实质内容",
    "完成任务",
    "提前完成",
    "人工记录",
]
VetoKind = Literal[
    "task-overdue",
    "red-tasks",
    "target-missed",
    "manual",
    "逾期未完成",
    "红灯任务",
    "指标未达到",
    "人工记录",
]
RoleName = Literal["lead", "cooperate", "responsible", "牵头", "配合", "负责"]
Use = Literal["figure", "gap", "completion", "实际值", "差距", "完成率"]
Better = Literal["higher", "lower", "越高越好", "越低越好"]
Per = Literal["cycle", "task", "每期", "每项"]
Every = Literal["month", "quarter", "每月", "每季度"]
Absent = Literal["average", "full", "zero", "平均分", "满分", "零分"]

CANONICAL: dict[str, str] = {
    "完成比例": "completion",
    "功效系数": "efficacy",
    "相对最优": "relative",
    "对标均值": "steps",
    "排名": "rank",
    "分档": "bands",
    "逾期报送": "report-late",
    "未报送": "report-missing",
    "红灯": "light-red",
    "黄灯": "light-yellow",
    "连续红灯": "repeated-red",
    "被催办": "urge-issued",
    "催办未反馈": "urge-unanswered",
    "催办逾期反馈": "urge-late",
    "催办按时反馈": "urge-answered",
    "反馈无实质内容": "answer-empty",
    "完成任务": "task-done",
    "提前完成": "task-early",
    "人工记录": "manual",
    "逾期未完成": "task-overdue",
    "红灯任务": "red-tasks",
    "指标未达到": "target-missed",
    "牵头": "lead",
    "配合": "cooperate",
    "负责": "responsible",
    "实际值": "figure",
    "差距": "gap",
    "完成率": "completion",
    "越高越好": "higher",
    "越低越好": "lower",
    "每期": "cycle",
    "每项": "task",
    "每月": "month",
    "每季度": "quarter",
    "平均分": "average",
    "满分": "full",
    "零分": "zero",
}


def canonical(word: str) -> str:
    """The English name of a value written either way (完成比例 → completion)."""
    return CANONICAL.get(word, word)


DEFAULT_ROLES: tuple[RoleName, ...] = ("lead", "responsible")


@dataclass(frozen=True)
class Series:
    """A 考评序列: units ranked against each other (e.g. 政府工作部门, 党群部门)."""

    __pydantic_config__ = MODEL_CONFIG

    name: str
    """Its name as the sheet prints it."""
    units: tuple[str, ...] = ()
    """Units named one by one (any spelling departments.yaml knows)."""
    kinds: tuple[UnitKind, ...] = ()
    """Every unit of these kinds (departments.yaml ``kind``)."""
    rest: bool = False
    """Every assessed unit no other series takes."""
    deduction_factor: Number = 1
    """Deductions are multiplied by this (仅有列督事项的单位扣分加倍: 2)."""


@dataclass(frozen=True)
class Period:
    """A 考评期 with its weight (季度权重 15/25/25/35): scored as at its end."""

    __pydantic_config__ = MODEL_CONFIG

    name: str
    """一季度, 上半年 …"""
    end: date
    """Its last day; the period starts the day after the previous one ends."""
    weight: Number
    """Its weight; the weights are shares of their sum."""


@dataclass(frozen=True)
class Term:
    """One term of a measure made of figures: (实际值 − 目标值 − 另一项实际值) × 系数."""

    __pydantic_config__ = MODEL_CONFIG

    target: str
    """A target of the unit's tasks, by its name (投资率) or id (7.1)."""
    use: Use = "figure"
    """figure: the reported figure; gap: the figure minus the target's value; completion:
    the completion percentage."""
    minus: str | None = None
    """Another target (name or id) whose figure is subtracted."""
    times: Number = 1
    """The factor the term is multiplied by (每高1个百分点调增1.5个百分点: 1.5)."""


@dataclass(frozen=True)
class Band:
    """One step of 分档计分: a measure of at least ``min`` scores ``points``."""

    __pydantic_config__ = MODEL_CONFIG

    points: Number
    """The points of this step."""
    min: Number | None = None
    """The lowest measure that reaches it (含); the last step has none."""


@dataclass(frozen=True)
class Indicator:
    """A weighted indicator (考评指标) scored by one method from the unit's targets."""

    __pydantic_config__ = MODEL_CONFIG

    id: str
    """Short, unique name used by caps and in the sheet (完成率)."""
    name: str
    """What the sheet calls it (目标任务完成情况)."""
    points: Number
    """Its 分值."""
    method: Method = "completion"
    """completion 完成比例, efficacy 功效系数, relative 相对最优, steps 对标均值, rank 排名,
    bands 分档."""
    roles: tuple[RoleName, ...] = DEFAULT_ROLES
    """Which of a unit's tasks count: those it leads (lead 牵头), is solely responsible
    for (responsible 负责) or cooperates on (cooperate 配合)."""
    tasks: tuple[int, ...] = ()
    """Only these tasks (default: all)."""
    targets: tuple[str, ...] = ()
    """Only these targets, by id (default: all of the tasks)."""
    measure: tuple[Term, ...] = ()
    """A measure made of figures; default: the mean completion percentage of the targets."""
    pace: bool = True
    """Completion is held against 序时进度 (at the end of the period it is the year's)."""
    cap: Number = 100
    """A target's completion counts up to this percentage (超额完成按100%计)."""
    satisfied: Number | None = None
    """efficacy: 满意值 (scores 100% of the points)."""
    unacceptable: Number | None = None
    """efficacy: 不允许值 (scores 60% of the points)."""
    coefficients: dict[str, Number] = field(default_factory=dict)
    """relative: 难度系数 by unit (default 1)."""
    step: Number | None = None
    """steps: points per ``per`` above or below the series average; rank: points lost per
    place."""
    step_share: Number | None = None
    """rank: percentage of the points lost per place (名次每降1位减基本分5%: 5)."""
    average_points: Number | None = None
    """steps: the points of a unit exactly at the series average (达到平均水平得基本分)."""
    per: Number = 1
    """steps: the size of one step of the measure (每1个百分点: 1)."""
    better: Better = "higher"
    """Whether a higher or a lower measure is better (rank, relative, steps)."""
    floor: Number = 0
    """The indicator never scores less."""
    ceiling: Number | None = None
    """The indicator never scores more (default: its points)."""
    bands: tuple[Band, ...] = ()
    """bands: the steps, from the highest down (达到80%的得10分，否则不得分)."""
    every: Every | None = None
    """Score each month or quarter and take the mean (年终按12个月的得分取平均值)."""
    absent: Absent = "average"
    """A unit without targets here: average (the series average), full or zero."""


@dataclass(frozen=True)
class EventRule:
    """Points per event: a deduction (扣分, negative) or an addition (加分, positive)."""

    __pydantic_config__ = MODEL_CONFIG

    id: str
    """Short, unique name used by caps and in the sheet (逾期报送)."""
    name: str
    """What the sheet calls it."""
    when: EventKind
    """The event counted (see README 考评)."""
    points: Number
    """Points per event; negative for a deduction."""
    roles: tuple[RoleName, ...] = DEFAULT_ROLES
    """Whose tasks count: lead 牵头, responsible 负责, cooperate 配合."""
    tasks: tuple[int, ...] = ()
    """Only these tasks count (default: all); for 催办 rules, only these matters of a slip."""
    per: Per = "cycle"
    """light-red, light-yellow: each cycle end that shows it (cycle), or once per task."""
    times: int = 1
    """repeated-red: consecutive cycle ends in red that make one 约谈; light-yellow: the
    number of yellows that make one event (黄色预警2次扣1分: 2)."""
    grace: int = 0
    """report-late: days after the due date that are not yet late."""
    max: Number | None = None
    """The most points this rule gives or takes from a unit in a period."""
    range: tuple[Number, Number] | None = None
    """manual: the points a record may give (扣5—10分: [-10, -5])."""
    series_factor: bool = True
    """Whether a series' ``deduction_factor`` multiplies this rule's deductions."""


@dataclass(frozen=True)
class Cap:
    """A limit on the sum of several rules (加分最多5分, 扣分扣完为止)."""

    __pydantic_config__ = MODEL_CONFIG

    name: str
    """What the sheet calls it (加分上限)."""
    rules: tuple[str, ...]
    """The ids of the indicators and event rules it covers."""
    max: Number
    """The most their sum may give (or take, for deductions)."""


@dataclass(frozen=True)
class Veto:
    """一票否决: a condition that sets or limits the grade whatever the score."""

    __pydantic_config__ = MODEL_CONFIG

    id: str
    """Short, unique name."""
    name: str
    """What the sheet says (牵头任务逾期未完成)."""
    when: VetoKind
    """task-overdue, red-tasks, target-missed or manual."""
    grade: str | None = None
    """The grade it sets (不达标)."""
    max_grade: str | None = None
    """The best grade it leaves (不能评先: 良好)."""
    count: int = 1
    """red-tasks: how many red tasks set it off."""
    targets: tuple[str, ...] = ()
    """target-missed: the targets (ids) that must be met."""
    roles: tuple[RoleName, ...] = DEFAULT_ROLES
    """Whose tasks count."""


@dataclass(frozen=True)
class Grade:
    """A grade band (等次); bands are listed from the best down."""

    __pydantic_config__ = MODEL_CONFIG

    name: str
    """优秀, 良好 …"""
    min: Number | None = None
    """The lowest total that reaches it (含); the last band has none."""
    quota: Number | None = None
    """At most this percentage of a series gets it (优秀不超过15%: 15); the rest go down."""


@dataclass(frozen=True)
class Record:
    """A fact the office records by hand: a commendation, a missed meeting, an accident."""

    __pydantic_config__ = MODEL_CONFIG

    rule: str
    """The id of a manual event rule or veto."""
    unit: str
    """The unit concerned."""
    date: Day
    """When it happened (decides its period)."""
    note: str
    """What happened."""
    source: str = ""
    """The document it rests on (文号)."""
    points: Number | None = None
    """Points of this record where the rule gives a range."""
    count: int = 1
    """How many events the record stands for."""


@dataclass(frozen=True)
class ScoringFile:
    """data/scoring.yaml: the office's 考评办法."""

    __pydantic_config__ = MODEL_CONFIG

    title: str
    """The 办法's title."""
    base: Number = 0
    """起评分: every unit starts here."""
    decimals: int = 2
    """Every line's points are rounded to this many decimals (half up); the total is their sum."""
    floor: Number | None = None
    """The total is never less (扣完为止: 0)."""
    series: tuple[Series, ...] = ()
    """考评序列; default one series of every assessed unit."""
    periods: tuple[Period, ...] = ()
    """考评期 with weights; default the plan period."""
    indicators: tuple[Indicator, ...] = ()
    """Weighted indicators."""
    events: tuple[EventRule, ...] = ()
    """Per-event deductions and additions."""
    caps: tuple[Cap, ...] = ()
    """Limits on sums of rules."""
    vetoes: tuple[Veto, ...] = ()
    """一票否决."""
    grades: tuple[Grade, ...] = ()
    """Grade bands, best first."""
    records: tuple[Record, ...] = ()
    """Facts recorded by hand for manual rules and vetoes."""
    assessed: tuple[RoleName, ...] = DEFAULT_ROLES
    """Who is scored: every unit with a task in one of these roles."""
