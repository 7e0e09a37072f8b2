"""考评结果: the scores, grades and ranks of every unit by series, and each unit's sheet of
points (what every point was counted from, and the arithmetic) as an attachment."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from zctasks.documents.reports.wording import cn_date, join
from zctasks.plan.ledger import Ledger
from zctasks.scoring.sheet import KIND_NAMES, Line, ScoreSheet, UnitScore


def signed(value: Decimal) -> str:
    """+1.50, −2.00 for documents (a real minus sign)."""
    if value > 0:
        return f"+{value}"
    if value < 0:
        return f"−{-value}"
    return f"{value}"


def sources(line: Line) -> str:
    """进展记录 2023-10-25-31-2e5778；催办单 川发改催〔2023〕5号；考评办法第12行."""
    parts = []
    if line.entries:
        parts.append("进展记录 " + "、".join(line.entries))
    if line.slips:
        parts.append("催办单 " + "、".join(line.slips))
    if line.records:
        parts.append("考评记录第" + "、".join(str(n) for n in line.records) + "行")
    if line.hypothetical:
        parts.append("假设数值 " + "、".join(line.hypothetical))
    return "；".join(parts)


def _line_row(line: Line) -> dict[str, Any]:
    return {
        "rule": line.name,
        "item": line.name if line.kind != "weight" else f"{line.period}得分",
        "kind": KIND_NAMES[line.kind],
        "period": line.period,
        "what": line.what,
        "sources": sources(line),
        "arithmetic": line.arithmetic,
        "points": signed(line.points)
        if line.kind not in ("base", "indicator", "absent", "weight")
        else str(line.points),
        "value": str(line.points),
    }


def _unit(unit: UnitScore) -> dict[str, Any]:
    lines = [_line_row(line) for line in unit.lines + unit.weighting]
    weighted = list(unit.weighting)
    formula = ""
    if weighted:
        parts = "＋".join(f"{p.subtotal}×{_share(p.share)}" for p in unit.periods)
        formula = f"{parts}＝{'＋'.join(str(w.points) for w in weighted)}＝{unit.total}"
    return {
        "unit": unit.unit,
        "series": unit.series,
        "total": str(unit.total),
        "grade": unit.grade,
        "rank": unit.rank,
        "vetoes": [{"name": v.name, "what": v.what} for v in unit.vetoes],
        "lines": lines,
        "periods": [
            {
                "name": p.name,
                "span": f"{p.start.month}月{p.start.day}日至{p.end.month}月{p.end.day}日",
                "subtotal": str(p.subtotal),
                "lines": [_line_row(line) for line in p.lines],
            }
            for p in unit.periods
        ],
        "formula": formula,
    }


def _share(share: float) -> str:
    text = f"{share * 100:.4f}".rstrip("0").rstrip(".")
    return f"{text}%"


def score(ledger: Ledger, sheet: ScoreSheet, unit: str | None = None) -> dict[str, Any]:
    """The template's data: the summary by series and every unit's (or one unit's) sheet."""
    settings = ledger.report_settings
    issuer = settings.issuer or ledger.plan.issuer
    units = [u for u in sheet.units if unit is None or u.unit == unit]
    series = []
    for name in sheet.series:
        members = [u for u in units if u.series == name]
        if not members:
            continue
        grades = Counter(u.grade for u in members if u.grade)
        series.append(
            {
                "name": name,
                "count": len(members),
                "grades": join(f"{g}{n}个" for g, n in grades.items()),
                "rows": [
                    {
                        "rank": u.rank,
                        "unit": u.unit,
                        "total": str(u.total),
                        "grade": u.grade,
                        "note": "；".join(f"一票否决：{v.name}" for v in u.vetoes),
                    }
                    for u in members
                ],
            }
        )
    vetoed = [
        {"unit": u.unit, "what": join((f"{v.name}（{v.what}）" for v in u.vetoes), "；")}
        for u in units
        if u.vetoes
    ]
    periods = units[0].periods if units else []
    weighted = len(periods) > 1 or (periods and periods[0].name != "")
    return {
        "kind": "score",
        "title": f"{sheet.title}考评结果" if unit is None else f"{unit}考评得分明细",
        "rules_title": sheet.title,
        "issuer": issuer,
        "addressees": settings.addressees,
        "as_of": cn_date(sheet.as_of),
        "as_of_iso": sheet.as_of.isoformat(),
        "count": len(units),
        "series": series,
        "vetoed": vetoed,
        "periods": [p.name for p in periods] if weighted else [],
        "hypothetical": join(f"{k}={v:g}" for k, v in sheet.hypothetical.items()),
        "units": [_unit(u) for u in units],
        "single": unit is not None,
        "rules_digest": sheet.rules[:12],
    }
