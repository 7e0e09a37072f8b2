"""The ledger: the plan and its units, checked and indexed for queries (pure data; it is
read and checked by ``loading.py`` and ``checks.py``)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from zctasks.errors import Diagnostic, UsageError
from zctasks.models import (
    ROLES,
    Chapter,
    Plan,
    ReportingSettings,
    ReportSettings,
    Role,
    ScheduleSettings,
    Task,
    Unit,
)

ROLE_NAMES: dict[Role, str] = {"lead": "牵头", "cooperate": "配合", "responsible": "负责"}
_PREFIXES = ("淄博市", "淄川区", "淄川")


@dataclass
class Ledger:
    root: Path
    plan: Plan
    chapters: dict[int, Chapter]
    tasks: dict[int, Task]
    units: dict[str, Unit]
    placeholders: frozenset[str]
    settings: ScheduleSettings = field(default_factory=ScheduleSettings)
    report_settings: ReportSettings = field(default_factory=ReportSettings)
    reporting: ReportingSettings = field(default_factory=ReportingSettings)
    names: dict[str, str] = field(default_factory=dict)
    """Every accepted spelling of a unit (short name, full name, alias) → its short name."""
    key: str = ""
    """The cache key of exactly the file contents this ledger was checked from."""

    def __post_init__(self) -> None:
        if not self.names:
            self.names = _name_index(self.units)

    def chapter_of(self, task: Task) -> Chapter:
        return self.chapters[task.chapter]

    def resolve_unit(self, name: str) -> str:
        """The short name of the unit ``name`` means, or a usage error with suggestions."""
        wanted = normal_name(name)
        for candidate in (wanted, *_without_prefix(wanted)):
            if candidate in self.names:
                return self.names[candidate]
        if wanted in self.placeholders:
            raise UsageError(f"“{name}”是泛指用语，不是具体单位", "请指定具体单位")
        import difflib

        close = difflib.get_close_matches(wanted, list(self.names), n=8, cutoff=0.4)
        suggestions = list(dict.fromkeys(self.names[c] for c in close))[:3]
        hint = (
            f"是否要找：{'、'.join(suggestions)}？"
            if suggestions
            else "用 zctasks depts 查看全部单位"
        )
        raise UsageError(f"未知单位“{name}”", hint)

    def tasks_of(self, unit: str, role: Role | None = None) -> list[Task]:
        return [
            t
            for t in self.tasks.values()
            if (t.role_of(unit) if role is None else unit in getattr(t, role))
        ]

    def role_counts(self) -> dict[str, Counter[Role]]:
        counts: dict[str, Counter[Role]] = {name: Counter() for name in self.units}
        for task in self.tasks.values():
            for role in ROLES:
                for unit in getattr(task, role):
                    if unit in counts:
                        counts[unit][role] += 1
        return counts

    def target_count(self) -> int:
        return sum(len(t.targets) for t in self.tasks.values())


def normal_name(name: str) -> str:
    return re.sub(r"\s+", "", name.replace("\u3000", ""))


def _without_prefix(name: str) -> list[str]:
    """Other spellings people write: without 淄博市/淄川区, or without the leading 区."""
    forms = [] if name.startswith("区") else ["区" + name]
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            rest = name[len(prefix) :]
            forms += [rest, "区" + rest] if not rest.startswith("区") else [rest]
    return forms


def _name_index(units: dict[str, Unit]) -> dict[str, str]:
    index: dict[str, str] = {}
    for short, unit in units.items():
        for spelling in (short, unit.full_name, *unit.aliases):
            if spelling:
                index.setdefault(normal_name(spelling), short)
    return index


class CheckResult(NamedTuple):
    ledger: Ledger | None
    diagnostics: list[Diagnostic]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]
