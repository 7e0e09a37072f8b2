"""The ledger: the plan and its units, checked and indexed for queries (pure data; it is
read and checked by ``loading.py`` and ``checks.py``)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from zctasks.files.errors import Diagnostic, UsageError
from zctasks.plan.models import (
    ROLES,
    Chapter,
    Milestone,
    Period,
    Plan,
    ReportingSettings,
    ReportSettings,
    Role,
    ScheduleSettings,
    Target,
    Task,
    Unit,
)

ROLE_NAMES: dict[Role, str] = {"lead": "牵头", "cooperate": "配合", "responsible": "负责"}
_PREFIXES = ("淄博市", "淄川区", "淄川")


class Ledger:
    """The checked plan, its units and settings, with the indexes queries need. A plain
    class (compared and shown by identity): a dataclass would generate its methods with
    ``exec`` at every start."""

    def __init__(
        self,
        root: Path,
        plan: Plan,
        chapters: dict[int, Chapter],
        tasks: dict[int, Task],
        units: dict[str, Unit],
        placeholders: frozenset[str],
        settings: ScheduleSettings | None = None,
        report_settings: ReportSettings | None = None,
        reporting: ReportingSettings | None = None,
        names: dict[str, str] | None = None,
        key: str = "",
    ) -> None:
        self.root = root
        self.plan = plan
        self.chapters = chapters
        self.tasks = tasks
        self.units = units
        self.placeholders = placeholders
        self.settings = settings if settings is not None else ScheduleSettings()
        self.report_settings = report_settings if report_settings is not None else ReportSettings()
        self.reporting = reporting if reporting is not None else ReportingSettings()
        self.names = names or _name_index(units)
        """Every accepted spelling of a unit (short name, full name, alias) → its short name."""
        self.key = key
        """The cache key of exactly the file contents this ledger was checked from."""
        self._reporters: dict[int, frozenset[str]] = {}
        self._targets: dict[int, dict[str, Target]] = {}

    def chapter_of(self, task: Task) -> Chapter:
        return self.chapters[task.chapter]

    def reporters(self, task_id: int) -> frozenset[str]:
        """The units of task ``task_id`` that are units of the ledger: who may report on it
        without a reason (kept, as it is asked for every entry read)."""
        found = self._reporters.get(task_id)
        if found is None:
            task = self.tasks[task_id]
            found = self._reporters[task_id] = frozenset(
                unit for unit in task.units() if unit in self.units
            )
        return found

    def targets_of(self, task_id: int) -> dict[str, Target]:
        """Task ``task_id``'s targets by id (kept, as it is asked for every entry read)."""
        found = self._targets.get(task_id)
        if found is None:
            found = self._targets[task_id] = {t.id: t for t in self.tasks[task_id].targets}
        return found

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


def ledger_json(ledger: Ledger) -> bytes:
    """The checked ledger as JSON, for the cache (``ledger_from_json`` reads it back)."""
    import json
    from dataclasses import asdict

    def dated(value: object) -> object:
        if isinstance(value, date):
            return value.isoformat()
        raise TypeError(type(value).__name__)

    record = {
        "plan": asdict(ledger.plan),
        "chapters": [asdict(c) for c in ledger.chapters.values()],
        "tasks": [asdict(t) for t in ledger.tasks.values()],
        "units": {name: asdict(unit) for name, unit in ledger.units.items()},
        "placeholders": sorted(ledger.placeholders),
        "settings": asdict(ledger.settings),
        "report_settings": asdict(ledger.report_settings),
        "reporting": asdict(ledger.reporting),
        "names": ledger.names,
        "key": ledger.key,
    }
    return json.dumps(record, ensure_ascii=False, default=dated).encode("utf-8")


def ledger_from_json(data: bytes, root: Path) -> Ledger:
    """A ledger written by ``ledger_json``: it was checked when it was written, so it is
    only rebuilt, not validated again."""
    import json

    record = json.loads(data)

    def day(text: str | None) -> date | None:
        return date.fromisoformat(text) if text else None

    plan = record["plan"]
    plan["issued"] = day(plan["issued"])
    plan["period"] = Period(day(plan["period"]["start"]), day(plan["period"]["end"]))  # type: ignore[arg-type]
    tasks = {}
    for task in record["tasks"]:
        for role in ("lead", "cooperate", "responsible", "leaders", "measures"):
            task[role] = tuple(task.get(role, ()))
        task["due"] = day(task["due"])
        task["milestones"] = _milestones(task.get("milestones", ()))
        task["targets"] = tuple(
            Target.of_fields({**t, "milestones": _milestones(t.get("milestones", ()))})
            for t in task["targets"]
        )
        tasks[task["id"]] = Task.of_fields(task)
    reporting = record["reporting"]
    reporting["first_due"] = day(reporting["first_due"])
    return Ledger(
        root=root,
        plan=Plan.of_fields(plan),
        chapters={c["id"]: Chapter.of_fields(c) for c in record["chapters"]},
        tasks=tasks,
        units={
            name: Unit.of_fields({**unit, "aliases": tuple(unit["aliases"])})
            for name, unit in record["units"].items()
        },
        placeholders=frozenset(record["placeholders"]),
        settings=ScheduleSettings(**record["settings"]),
        report_settings=ReportSettings(**record["report_settings"]),
        reporting=ReportingSettings(**reporting),
        names=record["names"],
        key=record["key"],
    )


def _milestones(records: list[dict[str, Any]] | tuple[()]) -> tuple[Milestone, ...]:
    return tuple(
        Milestone(date.fromisoformat(m["by"]), m.get("value"), m.get("text", "")) for m in records
    )
