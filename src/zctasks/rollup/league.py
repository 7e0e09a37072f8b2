"""League tables: the members ranked within their series (县区, 园区, 市直部门).

Each member is measured by its own ledger at its pin, as at the as-of date: the share of
its tasks done or on schedule (已完成和序时推进), its 严重滞后 tasks, and punctuality — the
share of its units that reported on time for its latest reporting cycle (by its own
calendar). Ranked by the share, then fewer reds, then punctuality; equal members share a
rank (1, 1, 3). A member without data is listed last, unranked, saying why.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from zctasks.rollup.members import Reduced
from zctasks.rollup.reading import Members

NO_SERIES = "其他"


@dataclass(frozen=True)
class Standing:
    member: str
    series: str
    rank: int | None
    tasks: int
    on_schedule: int
    red: int
    units: int
    on_time: int
    note: str = ""

    @property
    def share(self) -> Fraction | None:
        return Fraction(self.on_schedule, self.tasks) if self.tasks else None

    @property
    def punctuality(self) -> Fraction | None:
        return Fraction(self.on_time, self.units) if self.units else None


def percent(value: Fraction | None) -> str:
    return "—" if value is None else f"{float(value) * 100:.1f}%"


def standings(members: Members, reduced: dict[str, Reduced]) -> list[tuple[str, list[Standing]]]:
    """The league table of each series, in the order members.yaml declares them."""
    declared = list(members.file.series)
    groups: dict[str, list[Standing]] = {name: [] for name in declared}
    for member in members.file.members:
        series = member.series or (NO_SERIES if declared else "全部成员")
        found = reduced.get(member.name)
        data = found.data if found is not None else None
        if data is None:
            note = found.problem if found is not None else "尚未获取"
            row = Standing(member.name, series, None, 0, 0, 0, 0, 0, note)
        else:
            counts = data["counts"]
            punctual = data["punctuality"]
            row = Standing(
                member.name,
                series,
                None,
                int(data["total"]),
                int(counts["done"]) + int(counts["green"]),
                int(counts["red"]),
                int(punctual["units"]),
                int(punctual["on_time"]),
            )
        groups.setdefault(series, []).append(row)
    return [(name, _ranked(rows)) for name, rows in groups.items() if rows]


def _ranked(rows: list[Standing]) -> list[Standing]:
    def key(row: Standing) -> tuple[Fraction, int, Fraction]:
        return (-(row.share or Fraction(0)), row.red, -(row.punctuality or Fraction(-1)))

    ranked = sorted((r for r in rows if r.tasks), key=key)
    found: list[Standing] = []
    for place, row in enumerate(ranked, 1):
        rank = found[-1].rank if found and key(found[-1]) == key(row) else place
        found.append(Standing(**{**row.__dict__, "rank": rank}))
    return found + [r for r in rows if not r.tasks]
