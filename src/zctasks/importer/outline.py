"""What an import would bring in, as people read it: the `--dry-run` outline and the summary."""

from __future__ import annotations

from zctasks.importer.result import ImportResult
from zctasks.plan.models import Target, Task

_OPS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "", "~": "约"}


def _target(target: Target) -> str:
    if target.op == "between":
        return f"{target.name}{target.value:g}—{(target.max or 0):g}{target.unit}"
    return f"{target.name}{_OPS[target.op]}{target.value:g}{target.unit}"


def _units(task: Task) -> str:
    parts = []
    for role, label in (("lead", "牵头"), ("cooperate", "配合"), ("responsible", "负责")):
        names = list(getattr(task, role))
        if names:
            suffix = "等" if task.and_others == role else ""
            parts.append(f"{label}：{'、'.join(names)}{suffix}")
    if task.leaders:
        parts.append(f"责任领导：{'、'.join(task.leaders)}")
    if task.due is not None:
        parts.append(f"完成时限：{task.due.isoformat()}")
    return "；".join(parts) if parts else "（没有识别出分工）"


def summary_line(result: ImportResult, name: str) -> str:
    counts = result.summary()
    return (
        f"已读取 {name}：{counts['chapters']} 章，{counts['tasks']} 项任务"
        f"（{counts['attributions']} 项有分工），{counts['targets']} 项指标，"
        f"新单位 {counts['new_units']} 个"
    )


def unplaced_lines(result: ImportResult) -> list[str]:
    if not result.unparsed:
        return []
    return [f"未能归入 {len(result.unparsed)} 处（请对照原文补录）："] + [
        f"  第{line}行：{text}" for line, text in result.unparsed
    ]


def outline(result: ImportResult, name: str) -> list[str]:
    """Everything the import found, chapter by chapter, and what it could not place."""
    plan = result.plan
    lines = [
        summary_line(result, name),
        f"标题：{plan.title}",
        f"文号：{plan.doc_number}　印发：{plan.issuer}　日期：{plan.issued.isoformat()}",
        f"计划期：{plan.period.start.isoformat()} 至 {plan.period.end.isoformat()}",
        *result.notes,
    ]
    for chapter_id, title in result.chapters:
        lines.append(f"第{chapter_id}章 {title}")
        section = ""
        for task in (t for t in result.tasks if t.chapter == chapter_id):
            if task.section and task.section != section:
                section = task.section
                lines.append(f"  {section}")
            lines.append(f"  {task.id}. {task.title}")
            lines.append(f"     {_units(task)}")
            if task.measures:
                lines.append(f"     具体措施 {len(task.measures)} 项")
            if task.targets:
                lines.append("     指标：" + "；".join(_target(t) for t in task.targets))
    if result.new_units:
        lines.append("新单位：" + "、".join(result.new_units))
    if result.new_placeholders:
        lines.append("泛指用语（不作为单位）：" + "、".join(result.new_placeholders))
    lines += unplaced_lines(result)
    kinds: dict[str, int] = {}
    for _line, _text, what in result.left_out:
        kinds[what] = kinds.get(what, 0) + 1
    if kinds:
        lines.append(
            "略去（不属于任务）：" + "，".join(f"{what} {n} 行" for what, n in kinds.items())
        )
    return lines + skipped_lines(result)


def skipped_lines(result: ImportResult) -> list[str]:
    """The page chrome left out, every line of it with its number (a real import says it
    too: a line wrongly taken for chrome must be seen)."""
    if not result.skipped:
        return []
    return [
        f"略去网页文字 {len(result.skipped)} 行："
        + "、".join(f"第{line}行 {text}" for line, text in result.skipped)
    ]
