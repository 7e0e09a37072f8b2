"""What an import found: the plan, its chapters and tasks, the units, and what was left over."""

from __future__ import annotations

from dataclasses import dataclass, field

from zctasks.plan.models import Plan, Task, Unit


@dataclass
class ImportResult:
    plan: Plan
    chapters: list[tuple[int, str]]
    tasks: list[Task]
    units: dict[str, Unit]
    placeholders: list[str]
    new_units: list[str]
    new_placeholders: list[str]
    guessed: set[str]
    unparsed: list[tuple[int, str]]
    """Lines that could not be placed, and problems met, by line number."""
    notes: list[str]
    skipped: list[tuple[int, str]] = field(default_factory=list)
    """Web page chrome (设为首页, 分享到 …) recognised and left out."""

    def summary(self) -> dict[str, int]:
        return {
            "chapters": len(self.chapters),
            "tasks": len(self.tasks),
            "attributions": sum(1 for t in self.tasks if t.attribution is not None),
            "targets": sum(len(t.targets) for t in self.tasks),
            "new_units": len(self.new_units),
        }
