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
    left_out: list[tuple[int, str, str]] = field(default_factory=list)
    """Lines named and left out, with what they are: the notice and title before the body
    (文件头), a table's header (表头), what follows the end (文末), a chapter without tasks."""
    task_lines: dict[int, list[int]] = field(default_factory=dict)
    """Task id → the document lines it was read from."""
    chapter_lines: dict[int, list[int]] = field(default_factory=dict)
    """Chapter id → the document lines that made it."""
    year: int | None = 0
    """The plan's year; None when no line of the document names one (``--year`` is needed)."""
    year_conflict: str = ""
    """What the 文号 (or date) and the body say where they disagree on the year and the title
    names none (``--year`` is needed)."""

    def unplaced_text(self, name: str) -> str:
        """The lines that could not be placed, as written beside the ledger."""
        lines = [
            f"# zctasks import：{name} 中未能归入台账的文字（第N行：原文），请对照原文补录或改正后重新导入",
        ]
        lines += [f"第{line}行：{text}" for line, text in self.unparsed]
        return "\n".join(lines) + "\n"

    def summary(self) -> dict[str, int]:
        return {
            "chapters": len(self.chapters),
            "tasks": len(self.tasks),
            "attributions": sum(1 for t in self.tasks if t.attribution is not None),
            "targets": sum(len(t.targets) for t in self.tasks),
            "new_units": len(self.new_units),
        }
