"""Questions asked of a ledger: which tasks, which units, how many."""

from __future__ import annotations

from typing import TYPE_CHECKING

from zctasks.files.errors import UsageError
from zctasks.plan.ledger import Ledger
from zctasks.plan.models import ROLES, Record, Role, Task

if TYPE_CHECKING:
    from dataclasses import dataclass as record
else:
    from zctasks.plan.models import record  # dataclass(frozen=True), built cheaply


@record(frozen=True)
class TaskFilter(Record):
    dept: str | None = None
    role: Role | None = None
    chapter: int | None = None
    grep: str | None = None


def select_tasks(ledger: Ledger, wanted: TaskFilter) -> tuple[list[Task], str | None]:
    """The tasks that pass ``wanted``, in document order, and the resolved unit name."""
    unit = ledger.resolve_unit(wanted.dept) if wanted.dept else None
    if wanted.role and unit is None:
        raise UsageError(
            "--role 需要与 --dept 一起使用", "例如 zctasks list --dept 区发改局 --role lead"
        )
    if wanted.chapter is not None and wanted.chapter not in ledger.chapters:
        raise UsageError(
            f"没有第 {wanted.chapter} 章",
            f"本计划共 {len(ledger.chapters)} 章，用 zctasks chapters 查看",
        )
    needle = wanted.grep.casefold() if wanted.grep else None
    selected = []
    for task in ledger.tasks.values():
        if unit is not None:
            role = task.role_of(unit)
            if role is None or (wanted.role is not None and role != wanted.role):
                continue
        if wanted.chapter is not None and task.chapter != wanted.chapter:
            continue
        if needle is not None and needle not in _haystack(task):
            continue
        selected.append(task)
    return selected, unit


def _haystack(task: Task) -> str:
    parts = [task.title, task.text, task.attribution or "", *(t.name for t in task.targets)]
    return "\n".join(parts).casefold()


def find_task(ledger: Ledger, task_id: int) -> Task:
    try:
        return ledger.tasks[task_id]
    except KeyError:
        ids = sorted(ledger.tasks)
        span = f"{ids[0]}–{ids[-1]}" if ids else "无"
        raise UsageError(f"没有第 {task_id} 项任务", f"任务编号范围：{span}") from None


@record(frozen=True)
class UnitCount(Record):
    name: str
    full_name: str | None
    kind: str
    lead: int
    cooperate: int
    responsible: int

    @property
    def total(self) -> int:
        return self.lead + self.cooperate + self.responsible


def unit_counts(ledger: Ledger) -> list[UnitCount]:
    """Every unit with its task counts by role, busiest first (file order breaks ties)."""
    counts = ledger.role_counts()
    rows = [
        UnitCount(name, unit.full_name, unit.kind, *(counts[name][role] for role in ROLES))
        for name, unit in ledger.units.items()
    ]
    return sorted(rows, key=lambda row: -row.total)


@record(frozen=True)
class ChapterCount(Record):
    id: int
    title: str
    task_ids: list[int]
    targets: int


def chapter_counts(ledger: Ledger) -> list[ChapterCount]:
    return [
        ChapterCount(
            chapter.id,
            chapter.title,
            [t.id for t in ledger.tasks.values() if t.chapter == chapter.id],
            sum(len(t.targets) for t in ledger.tasks.values() if t.chapter == chapter.id),
        )
        for chapter in ledger.chapters.values()
    ]
