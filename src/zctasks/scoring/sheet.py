"""A score sheet as data: each unit's lines of points, its total, grade and rank, and the
JSON form of it (a public contract, like the task objects)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any, Literal

LineKind = Literal["base", "indicator", "absent", "deduction", "addition", "cap", "floor", "weight"]
KIND_NAMES: dict[str, str] = {
    "base": "起评分",
    "indicator": "指标",
    "absent": "指标",
    "deduction": "扣分",
    "addition": "加分",
    "cap": "上限",
    "floor": "保底",
    "weight": "期间权重",
}


WIDE = Context(prec=400, rounding=ROUND_HALF_UP)
"""Room for any finite float's digits and a few decimals: quantizing never runs out."""


def rounded(value: float | Decimal, decimals: int) -> Decimal:
    """``value`` rounded half up to ``decimals`` places (float noise removed first)."""
    exact = value if isinstance(value, Decimal) else Decimal(f"{value:.9f}")
    return exact.quantize(Decimal(1).scaleb(-decimals), context=WIDE)


def points_text(value: Decimal) -> str:
    """+1.50, −2.00, 0.00: signed, with the real minus sign."""
    if value > 0:
        return f"+{value}"
    if value < 0:
        return f"−{-value}"
    return f"{value}"


@dataclass(frozen=True)
class Line:
    """One line of a unit's sheet: which rule, what it came from, the arithmetic, points."""

    rule: str
    name: str
    kind: LineKind
    points: Decimal
    what: str
    """依据: what was counted, in words."""
    arithmetic: str
    """计算: how the points follow."""
    period: str = ""
    tasks: tuple[int, ...] = ()
    targets: tuple[str, ...] = ()
    entries: tuple[str, ...] = ()
    """Ids of the progress entries the line rests on."""
    slips: tuple[str, ...] = ()
    """Numbers (codes) of the 催办单 it rests on."""
    records: tuple[int, ...] = ()
    """Lines of data/scoring.yaml ``records`` it rests on."""
    hypothetical: tuple[str, ...] = ()
    """Targets whose figure here is hypothetical (--set, --what-if)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "name": self.name,
            "kind": self.kind,
            "points": float(self.points),
            "period": self.period,
            "what": self.what,
            "arithmetic": self.arithmetic,
            "tasks": list(self.tasks),
            "targets": list(self.targets),
            "entries": list(self.entries),
            "slips": list(self.slips),
            "records": list(self.records),
            "hypothetical": list(self.hypothetical),
        }


@dataclass
class PeriodScore:
    name: str
    start: date
    end: date
    """The day it was scored at: its end, or the as-of date in a period not yet over."""
    share: float
    """Its weight as a share of the weights of the periods scored."""
    lines: list[Line] = field(default_factory=list)

    @property
    def subtotal(self) -> Decimal:
        return sum((line.points for line in self.lines), Decimal(0))


@dataclass(frozen=True)
class VetoHit:
    rule: str
    name: str
    what: str
    grade: str | None
    max_grade: str | None
    tasks: tuple[int, ...] = ()
    targets: tuple[str, ...] = ()
    entries: tuple[str, ...] = ()
    records: tuple[int, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "name": self.name,
            "what": self.what,
            "grade": self.grade,
            "max_grade": self.max_grade,
            "tasks": list(self.tasks),
            "targets": list(self.targets),
            "entries": list(self.entries),
            "records": list(self.records),
        }


@dataclass
class UnitScore:
    unit: str
    series: str
    periods: list[PeriodScore]
    total: Decimal = Decimal(0)
    weighting: list[Line] = field(default_factory=list)
    """With several periods: each period's subtotal times its weight."""
    grade: str = ""
    rank: int = 0
    vetoes: list[VetoHit] = field(default_factory=list)

    @property
    def lines(self) -> list[Line]:
        return [line for period in self.periods for line in period.lines]

    def to_json(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "series": self.series,
            "total": float(self.total),
            "grade": self.grade,
            "rank": self.rank,
            "vetoes": [v.to_json() for v in self.vetoes],
            "periods": [
                {
                    "name": p.name,
                    "start": p.start.isoformat(),
                    "end": p.end.isoformat(),
                    "share": round(p.share, 6),
                    "subtotal": float(p.subtotal),
                }
                for p in self.periods
            ],
            "lines": [line.to_json() for line in self.lines + self.weighting],
        }


@dataclass
class ScoreSheet:
    title: str
    as_of: date
    rules: str
    """SHA-256 of data/scoring.yaml."""
    series: list[str]
    units: list[UnitScore]
    hypothetical: dict[str, float] = field(default_factory=dict)
    decimals: int = 2

    def unit(self, name: str) -> UnitScore | None:
        return next((u for u in self.units if u.unit == name), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "as_of": self.as_of.isoformat(),
            "rules": self.rules,
            "hypothetical": self.hypothetical,
            "series": self.series,
            "units": [u.to_json() for u in self.units],
        }
