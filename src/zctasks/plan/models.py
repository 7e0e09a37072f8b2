"""The ledger's data model.

Plain frozen dataclasses, so that a query answered from the cache never imports pydantic
(see ``schema.py``, which validates files into these classes and describes them as JSON
Schema). Attribute docstrings become the schema's descriptions. Constraints that need more
than a type (positive ids, non-empty text) are checked in ``checks.py``, which also keeps
this module free of imports that would slow every start.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import MISSING, FrozenInstanceError, dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING, Any, ClassVar, Literal

Op = Literal[">=", ">", "<=", "<", "=", "~", "between"]
Role = Literal["lead", "cooperate", "responsible"]
LabelField = Literal[
    "lead", "cooperate", "responsible", "leaders", "due", "person", "measures", "division"
]
"""What a label (牵头单位：, 分管县领导：, 具体措施：) holds."""
UnitKind = Literal[
    "党委部门", "政府工作部门", "事业单位", "群团组织", "垂直管理或派驻", "企业", "市级单位", "其他"
]
Number = int | float
Day = date  # for fields named "date", whose name would hide the type in a slotted class

ROLES: tuple[Role, ...] = ("lead", "cooperate", "responsible")

MODEL_CONFIG = {"extra": "forbid", "use_attribute_docstrings": False}
"""The schema's settings for every model of a data file. Field docstrings become the
descriptions of the JSON Schemas (``described``), and only then: reading them means
reading and parsing this module's source, which cost every uncached load a tenth of a
second."""


@contextmanager
def described() -> Iterator[None]:
    """Models read meanwhile take their fields' docstrings as descriptions (JSON Schema)."""
    MODEL_CONFIG["use_attribute_docstrings"] = True
    try:
        yield
    finally:
        MODEL_CONFIG["use_attribute_docstrings"] = False


CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")
"""The default time zone of a plan (``reporting.time_zone``): UTC+8 all year."""


class Record:
    """What ``@dataclass(frozen=True)`` would generate for every class below, written once.

    Generating it (``dataclass`` compiles each method with ``exec``) for ten classes at
    every start made importing this module cost as much as a third of what ``zctasks
    list`` adds to Typer's own start. Here are equality, hashing and repr by fields, and
    immutability: a field is set once, by ``__init__`` (or by pydantic, which sets fields
    without ``__setattr__``), and never again. The classes are declared with ``record``,
    which type checkers read as ``dataclass(frozen=True)``; at run time it asks
    ``dataclass`` for ``__init__`` alone."""

    __slots__ = ()
    __dataclass_fields__: ClassVar[dict[str, Any]]

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__dataclass_fields__)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__dataclass_fields__)
        return f"{self.__class__.__qualname__}({shown})"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """What dataclass's ``__init__`` does: fields by position, then by name, else their
        defaults; a field missing, given twice or unknown is a TypeError."""
        fields = self.__dataclass_fields__
        names = list(fields)
        if len(args) > len(names):
            raise TypeError(f"{type(self).__name__}() takes {len(names)} arguments")
        for name, value in zip(names, args, strict=False):
            if name in kwargs:
                raise TypeError(f"{type(self).__name__}() got {name!r} twice")
            kwargs[name] = value
        for name in names:
            if name in kwargs:
                value = kwargs.pop(name)
            else:
                spec = fields[name]
                if spec.default is not MISSING:
                    value = spec.default
                elif spec.default_factory is not MISSING:
                    value = spec.default_factory()
                else:
                    raise TypeError(f"{type(self).__name__}() missing {name!r}")
            object.__setattr__(self, name, value)
        if kwargs:
            raise TypeError(f"{type(self).__name__}() got unknown {', '.join(kwargs)}")

    @classmethod
    def of_fields(cls, values: dict[str, Any]) -> Any:
        """An instance from exactly its fields' values, as checked before (the cache holds
        them): set at once, without ``__init__``. Anything else goes through ``__init__``."""
        if not cls.__dictoffset__ or values.keys() != cls.__dataclass_fields__.keys():
            return cls(**values)
        made = object.__new__(cls)
        made.__dict__.update(values)
        return made

    def __setattr__(self, name: str, value: Any) -> None:
        try:
            values = object.__getattribute__(self, "__dict__")
        except AttributeError:  # a slotted class: a slot not yet set raises
            try:
                object.__getattribute__(self, name)
            except AttributeError:
                object.__setattr__(self, name, value)
                return
        else:
            if name not in values:
                values[name] = value
                return
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")


if TYPE_CHECKING:
    from dataclasses import dataclass as record
else:

    def record(cls=None, /, *, frozen=True, slots=False):
        """``dataclass(frozen=True)`` as far as type checkers see. At run time nothing is
        generated for a plain class — ``Record`` gives ``__init__`` and the rest — and only
        ``__init__`` for a slotted one (``Entry``, made by the hundred thousand)."""

        def wrap(cls):
            return dataclass(cls, init=slots, eq=False, repr=False, slots=slots)

        return wrap if cls is None else wrap(cls)


@record(frozen=True)
class Period(Record):
    __pydantic_config__ = MODEL_CONFIG

    start: date
    """First day of the plan period."""
    end: date
    """Last day of the plan period; the default deadline of every task."""


@record(frozen=True)
class Plan(Record):
    __pydantic_config__ = MODEL_CONFIG

    title: str
    """The plan's title as the document writes it."""
    doc_number: str
    """Document number, e.g. 川政办字〔2023〕22号."""
    issuer: str
    """Issuing office."""
    issued: date
    """Date of issue."""
    period: Period
    """The period the plan's targets cover."""
    notice_title: str = ""
    """Title of the covering notice (通知), if any."""
    addressees: str = ""
    """Addressee line of the notice, without the final colon."""
    cc: str = ""
    """抄送 line."""
    preamble: str = ""
    """The paragraph before the first chapter."""
    lead_rule: str = ""
    """The document's own rule that the first unit of a list leads, in its words
    (首位单位为牵头单位,下同). With it, an attribution that lists units without roles has its
    first unit lead and the others cooperate."""
    labels: dict[str, LabelField] = field(default_factory=dict)
    """Labels of this document and what they hold, where its words do not say it
    (监考单位: lead), as given to ``zctasks import --columns``."""


@record(frozen=True)
class Chapter(Record):
    __pydantic_config__ = MODEL_CONFIG

    id: int
    """Chapter number (一、 is 1)."""
    title: str
    """Chapter heading without its number."""


@record(frozen=True)
class Milestone(Record):
    """A node of the plan (节点, 倒排工期): what must stand by a date."""

    __pydantic_config__ = MODEL_CONFIG

    by: date
    """The date by which it is due (6月底前 is 2023-06-30)."""
    value: Number | None = None
    """On a target: the figure planned by that date, in the target's own unit — cumulative
    for an accruing target, the level for a level or rate, the ceiling used so far for a cap.
    Monthly planned values are milestones at month ends."""
    text: str = ""
    """What is to be done by then (三季度末完成主体工程), as the plan words it."""


@record(frozen=True)
class Target(Record):
    __pydantic_config__ = MODEL_CONFIG

    id: str
    """Stable id: the task number, a dot and a running number ("7.1")."""
    name: str
    """Short name of what is measured."""
    op: Op
    """How the value bounds the result: >= > <= < = ~ (approximately) or between."""
    value: Number
    """The target in the document's own unit; the low end for between."""
    unit: str
    """Unit as the document writes it (家, 亿元, %, 万千瓦 …)."""
    max: Number | None = None
    """High end of a between range (2—3家); only with op between."""
    firm: bool = True
    """False when the document only strives for it (力争, 争取, 争创)."""
    accrues: bool = True
    """True for amounts that build up over the period (counts, investment, output);
    false for levels and rates (比例, 占比, 覆盖率, 合格率, stock counts)."""
    quote: str = ""
    """The words of the task text this target was read from."""
    base: Number | None = None
    """For a level or rate: its value at the start of the period (基数). With it, progress
    from the base is held against the time-proportional schedule (序时进度)."""
    change: bool = False
    """True for a change or growth rate (同比增长12%): a reported value may be negative."""
    milestones: tuple[Milestone, ...] = ()
    """The planned trajectory (节点, monthly planned values), in date order, each with a
    value. Where given, the target is judged against the latest milestone passed instead of
    the straight 序时进度 line: nothing planned before a date means nothing is owed before it."""


@record(frozen=True)
class Task(Record):
    __pydantic_config__ = MODEL_CONFIG

    id: int
    """The document's task number."""
    chapter: int
    """The chapter the task stands in."""
    title: str
    """The heading sentence, before the first 。."""
    text: str
    """The rest of the task, verbatim, without the attribution."""
    attribution: str | None = None
    """The attribution parenthesis verbatim, without its brackets."""
    lead: tuple[str, ...] = ()
    """Lead units (牵头)."""
    cooperate: tuple[str, ...] = ()
    """Cooperating units (配合)."""
    responsible: tuple[str, ...] = ()
    """Sole responsible units (负责), with no lead/cooperate split."""
    and_others: Role | None = None
    """The role list that ends in 等部门 ("and others, unnamed")."""
    leaders: tuple[str, ...] = ()
    """Leaders answerable for the task (责任领导, 牵头领导), as the document names them."""
    due: date | None = None
    """Deadline when it is not the end of the plan period."""
    targets: tuple[Target, ...] = ()
    """Quantitative targets."""
    measures: tuple[str, ...] = ()
    """The measures the document lists for the task (具体措施, 落实措施), verbatim."""
    section: str = ""
    """The heading of the group the task stands in below its chapter (（一）…), verbatim."""
    milestones: tuple[Milestone, ...] = ()
    """The task's own nodes (节点) in date order, each with its text: what is to be done by
    when, for tasks judged by their reports' status (a task not started before its first
    node is not behind)."""

    def units(self) -> tuple[str, ...]:
        return self.lead + self.cooperate + self.responsible

    def role_of(self, unit: str) -> Role | None:
        for role in ROLES:
            if unit in getattr(self, role):
                return role
        return None


@record(frozen=True)
class Unit(Record):
    __pydantic_config__ = MODEL_CONFIG

    kind: UnitKind
    """What kind of body the unit is."""
    full_name: str | None = None
    """Official full name, only where it is certain."""
    aliases: tuple[str, ...] = ()
    """Other names people type for it (发改局, 淄川区发改局)."""


Status = Literal["未启动", "推进中", "已完成", "受阻"]


@record(frozen=True, slots=True)
class Entry(Record):
    """One line of data/progress/YYYY-MM.yaml: a report, a correction or a withdrawal.

    The log is append-only. A correction (``fixes``) is a whole new report that replaces an
    earlier one; a withdrawal (``voids``) carries no report and withdraws one.
    """

    __pydantic_config__ = MODEL_CONFIG

    id: str
    """Unique id: the date, the task number and a random suffix (2023-07-14-7-a1b2c3)."""
    task: int
    """The task reported on."""
    date: Day
    """The day the progress stands at; decides the month file."""
    by: str
    """The reporting unit: one of the task's units unless ``forced`` gives a reason."""
    status: Status | None = None
    """未启动, 推进中, 已完成 or 受阻 (required in a report, absent in a withdrawal)."""
    note: str = ""
    """What was done (required in a report)."""
    values: dict[str, Number] = field(default_factory=dict)
    """Target id → the cumulative actual to date (accruing targets) or the current level."""
    estimates: dict[str, Number] = field(default_factory=dict)
    """Target id → a figure the unit gave as an estimate (预计, 预估), such as the year's
    expected total: kept apart from the actuals and never judged, so never counted as done.
    Entries written before 0.3 have none."""
    source: str = ""
    """Evidence: document number, meeting, link."""
    next: str = ""
    """下步计划."""
    problems: str = ""
    """存在问题."""
    forced: str = ""
    """Why a unit that is not on the task reported it (zctasks progress add --force)."""
    at: datetime | None = None
    """When the entry was recorded, with its UTC offset; absent in entries written by
    zctasks 0.1. The latest report is decided by (date, at)."""
    received: Day | None = None
    """The day the unit's report reached the office (``--received``), when that is not the
    day it was recorded; lateness is counted from it, else from ``at``."""
    fixes: str = ""
    """The id of the entry this correction replaces (zctasks progress fix)."""
    voids: str = ""
    """The id of the entry this withdrawal withdraws (zctasks progress void)."""
    reason: str = ""
    """Why the entry was corrected or withdrawn."""

    @property
    def is_void(self) -> bool:
        return bool(self.voids)

    def replaces(self) -> str:
        """The id this entry corrects or withdraws, or ""."""
        return self.fixes or self.voids

    def arrived(self, zone: tzinfo = CHINA) -> Day:
        """The day the report reached the office: ``received``, else the day it was recorded
        in the plan's time zone ``zone`` (``at`` keeps the writer's offset), else — for
        entries of zctasks 0.1 — its date."""
        if self.received is not None:
            return self.received
        if self.at is not None:
            return self.at.astimezone(zone).date()
        return self.date


@record(frozen=True)
class ScheduleSettings(Record):
    """Traffic-light rules; see README "Schedule and lights"."""

    __pydantic_config__ = MODEL_CONFIG

    yellow_gap: Number = 10
    """Percentage points behind the time-proportional schedule before a target turns yellow."""
    red_gap: Number = 30
    """Percentage points behind before it turns red (严重滞后)."""
    stale_days: int | None = None
    """No longer used: a task is grey (未报送) when it misses a due date of the reporting
    calendar (``reporting``). Accepted so that configurations written for 0.1 still load."""
    approx_tolerance: Number = 5
    """For 左右 (~) targets: the percentage either side of the value that counts as met."""


Cycle = Literal["weekly", "semi-monthly", "monthly"]


@record(frozen=True)
class ReportingSettings(Record):
    """When units report: the cycle, its due day and the first due date (报送周期)."""

    __pydantic_config__ = MODEL_CONFIG

    cycle: Cycle = "monthly"
    """weekly (周报), semi-monthly (半月报) or monthly (月报)."""
    due_day: int = 25
    """monthly: the day of the month (31 means the month's last day); semi-monthly: the day
    in the first half of the month (1–15), the second due date falling 15 days later or on
    the month's last day; weekly: the weekday, 1 Monday … 7 Sunday."""
    first_due: date | None = None
    """The first due date after the plan was issued (default: the first due day on or after
    the date of issue)."""
    time_zone: str = "Asia/Shanghai"
    """The plan's time zone (an IANA name): a report's lateness is counted by the day it
    reached the ledger there, whatever the zone of the machine that asks."""


@record(frozen=True)
class ReportSettings(Record):
    """Who issues the documents and how they are headed; see README "Reports"."""

    __pydantic_config__ = MODEL_CONFIG

    publication: str = "工作简报"
    """Masthead of the briefing, e.g. 绿色低碳高质量发展工作简报."""
    issuer: str = ""
    """Office that issues briefings and notices (default: the plan's issuer)."""
    supervisor: str = ""
    """Office that signs 催办单 (default: the issuer)."""
    addressees: str = "各镇人民政府、街道办事处，区政府有关部门"
    """Addressee line of notices, without the final colon."""
    urge_days: int = 7
    """Days a unit gets to answer a 催办单."""
    urge_code: str = ""
    """机关代字 of 催办单 numbers: 川发改催 gives 川发改催〔2023〕7号 (default 催办〔2023〕7号)."""
    signer: str = ""
    """The name the issuer signs with (发文机关署名, 印发机关), and the supervisor too when it
    is the issuer; default: the office's full_name in departments.yaml, else as written."""
    contact: str = ""
    """联系人 printed on 催办单."""
    phone: str = ""
    """联系电话 printed on 催办单."""
    party_supervisor: str = ""
    """Office that urges Party units (kind 党委部门), e.g. 区委督查室. Empty: no 催办单 goes to
    a Party unit; its items are put to the leaders (提请区领导协调) in the briefing."""
    party_urge_code: str = ""
    """机关代字 of the 催办单 the party_supervisor issues (default: urge_code)."""
