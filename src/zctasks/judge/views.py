"""How ledger facts are written for people (Chinese) and for machines (the JSON contract)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from zctasks.log.figures import number
from zctasks.plan.ledger import ROLE_NAMES
from zctasks.plan.models import ROLES

if TYPE_CHECKING:
    from zctasks.plan.ledger import Ledger
    from zctasks.plan.models import Milestone, Role, Target, Task
    from zctasks.plan.queries import ChapterCount, UnitCount

CHINESE_NUMERALS = "一二三四五六七八九十"
# What a terminal would act on instead of showing: C0 and C1 controls, DEL, the bidi
# overrides and isolates that reorder a line, and the Unicode line separators. None of
# them is printable (str.isprintable), so printable text, nearly all of it, skips the
# patterns, which are compiled when first needed.
_UNSEEN = "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
_UNSEEN_BUT_NEWLINE = (
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
_NAMED_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}
_OP_WORDS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "", "~": "约"}


def visible(text: str, *, newlines: bool = False) -> str:
    """Text for a terminal: every control character shown as an escape (\\x1b, \\n, \\u202e),
    so that user text can neither drive the terminal nor break a table. ``newlines`` keeps
    line breaks, for prose printed outside a table. JSON and CSV keep the exact text."""
    if text.isprintable():
        return text
    pattern = re.compile(_UNSEEN_BUT_NEWLINE if newlines else _UNSEEN)  # re caches it
    if pattern.search(text) is None:
        return text
    return pattern.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def chapter_numeral(chapter_id: int) -> str:
    """一 … 十二, as chapter headings are numbered."""
    if chapter_id <= 10:
        return CHINESE_NUMERALS[chapter_id - 1]
    tens, ones = divmod(chapter_id, 10)
    head = "" if tens == 1 else CHINESE_NUMERALS[tens - 1]
    return head + "十" + (CHINESE_NUMERALS[ones - 1] if ones else "")


def target_goal(target: Target) -> str:
    """The target as people write it: ≥10家, 3—5家, 约52%, ≤8000万立方米."""
    if target.op == "between":
        return f"{number(target.value)}—{number(target.max or target.value)}{target.unit}"
    return f"{_OP_WORDS[target.op]}{number(target.value)}{target.unit}"


def target_nature(target: Target) -> str:
    return ("累计" if target.accrues else "水平") + ("" if target.firm else "·力争")


def unit_list(task: Task, role: Role) -> str:
    names = "、".join(getattr(task, role))
    return names + "等" if names and task.and_others == role else names


def principal_units(task: Task) -> str:
    """Lead units, or the responsible ones marked （负责）."""
    if task.lead:
        return unit_list(task, "lead")
    if task.responsible:
        return unit_list(task, "responsible") + "（负责）"
    return ""


def task_json(ledger: Ledger, task: Task) -> dict[str, Any]:
    return {
        "id": task.id,
        "chapter": task.chapter,
        "chapter_title": ledger.chapter_of(task).title,
        "title": task.title,
        "text": task.text,
        "attribution": task.attribution,
        "lead": list(task.lead),
        "cooperate": list(task.cooperate),
        "responsible": list(task.responsible),
        "and_others": task.and_others,
        "placeholders": [u for u in task.units() if u in ledger.placeholders],
        "leaders": list(task.leaders),
        "due": (task.due or ledger.plan.period.end).isoformat(),
        "targets": [target_json(t) for t in task.targets],
        "measures": list(task.measures),
        "section": task.section,
        "milestones": [milestone_json(m) for m in task.milestones],
    }


def target_json(target: Target) -> dict[str, Any]:
    return {
        "id": target.id,
        "name": target.name,
        "op": target.op,
        "value": target.value,
        "max": target.max,
        "unit": target.unit,
        "firm": target.firm,
        "accrues": target.accrues,
        "quote": target.quote,
        "base": target.base,
        "change": target.change,
        "milestones": [milestone_json(m) for m in target.milestones],
    }


def milestone_json(milestone: Milestone) -> dict[str, Any]:
    return {"by": milestone.by.isoformat(), "value": milestone.value, "text": milestone.text}


def unit_json(row: UnitCount, ledger: Ledger) -> dict[str, Any]:
    return {
        "name": row.name,
        "full_name": row.full_name,
        "kind": row.kind,
        "aliases": list(ledger.units[row.name].aliases),
        "lead": row.lead,
        "cooperate": row.cooperate,
        "responsible": row.responsible,
        "total": row.total,
    }


def chapter_json(row: ChapterCount) -> dict[str, Any]:
    return {"id": row.id, "title": row.title, "tasks": row.task_ids, "targets": row.targets}


def id_span(ids: list[int]) -> str:
    """1–6, or 1、3、5 where the numbers do not run on."""
    if not ids:
        return ""
    if ids == list(range(ids[0], ids[-1] + 1)) and len(ids) > 2:
        return f"{ids[0]}–{ids[-1]}"
    return "、".join(map(str, ids))


def id_list(ids: list[int] | tuple[int, ...]) -> str:
    """14、20、33: task numbers as a list in a table cell."""
    return "、".join(map(str, ids))


def role_name(role: Role) -> str:
    return ROLE_NAMES[role]


def task_markdown(ledger: Ledger, task: Task) -> str:
    """``show --format md``: text for people, so control characters are shown escaped."""
    chapter = ledger.chapter_of(task)
    lines = [
        f"## {task.id}. {visible(task.title)}",
        "",
        f"- 章节：{chapter_numeral(chapter.id)}、{visible(chapter.title)}",
    ]
    if task.section:
        lines.append(f"- 小节：{visible(task.section)}")
    for role in ROLES:
        if getattr(task, role):
            lines.append(f"- {ROLE_NAMES[role]}：{visible(unit_list(task, role))}")
    if task.leaders:
        lines.append(f"- 责任领导：{visible('、'.join(task.leaders))}")
    if task.attribution:
        lines.append(f"- 原文分工：（{visible(task.attribution)}）")
    lines += ["", visible(task.text, newlines=True), ""]
    if task.measures:
        lines += ["具体措施：", ""]
        lines += [f"{i}. {visible(m)}" for i, m in enumerate(task.measures, 1)]
        lines.append("")
    if task.targets:
        lines.append(
            markdown_table(
                ["编号", "指标", "目标", "性质", "原文"],
                [[t.id, t.name, target_goal(t), target_nature(t), t.quote] for t in task.targets],
            )
        )
    return "\n".join(lines).rstrip("\n") + "\n"


def markdown_table(headers: list[str], rows: list[list[str]]) -> str:
    """A CommonMark pipe table (pipes in cells escaped, line breaks folded)."""

    def cell(text: str) -> str:
        return visible(" ".join(text.split())).replace("|", "\\|")

    lines = [
        "| " + " | ".join(map(cell, headers)) + " |",
        "|" + "|".join("---" for _ in headers) + "|",
    ]
    lines += ["| " + " | ".join(map(cell, row)) + " |" for row in rows]
    return "\n".join(lines) + "\n"


LIGHT_STYLES = {
    "已完成": "blue",
    "序时推进": "green",
    "滞后": "yellow",
    "严重滞后": "bold red",
    "未报送": "dim",
}


def share(part: int, whole: int) -> str:
    return f"{part / whole * 100:.1f}%" if whole else "0.0%"


def long_date(day: Any) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def status_summary(report: Any) -> str:
    """截至2023年7月31日（序时进度57.8%），66项任务中，已完成12项，占18.2%；……"""
    from zctasks.judge.schedule import LIGHT_NAMES

    counts = report.counts()
    total = len(report.states)
    parts = [
        f"{LIGHT_NAMES[light]}{counts[light]}项" for light in ("green", "yellow", "red", "grey")
    ]
    return (
        f"截至{long_date(report.as_of)}（序时进度{report.elapsed * 100:.1f}%），{total}项任务中，"
        f"已完成{counts['done']}项，占{share(counts['done'], total)}；" + "；".join(parts) + "。"
    )


def latest_figure(state: Any, as_of: Any) -> str:
    """12.3亿元（2023-07-14，17天前）: a target's latest figure, its date and its age."""
    if state is None:
        return "未报数"
    age = (as_of - state.reported_on).days
    when = "当天" if age == 0 else f"{age}天前"
    return f"{number(state.actual)}{state.target.unit}（{state.reported_on.isoformat()}，{when}）"


def state_json(ledger: Ledger, state: Any, as_of: Any = None) -> dict[str, Any]:
    """A task object with its light, reason and the state of each reported target."""
    from zctasks.judge.schedule import LIGHT_NAMES

    value = task_json(ledger, state.task)
    value["light"] = state.light
    value["light_name"] = LIGHT_NAMES[state.light]
    value["reason"] = state.reason
    value["last_report"] = state.latest.date.isoformat() if state.latest else None
    reported = {s.target.id: s for s in state.targets}
    for target in value["targets"]:
        found = reported.get(target["id"])
        target["state"] = (
            None
            if found is None
            else {
                "actual": found.actual,
                "reported_on": found.reported_on.isoformat(),
                "age_days": (as_of - found.reported_on).days if as_of is not None else None,
                "light": found.light,
                "reason": found.reason,
            }
        )
    return value


def entry_remark(entry: Any, replaced_by: list[Any]) -> str:
    """What an entry is in the log's chain: 更正 …, 撤销 …, 已被 … 更正, 已撤销."""
    parts = []
    if entry.fixes:
        parts.append(f"更正 {entry.fixes}" + (f"：{entry.reason}" if entry.reason else ""))
    if entry.voids:
        parts.append(f"撤销 {entry.voids}：{entry.reason}")
    for later in replaced_by:
        parts.append(f"已被 {later.id} 撤销" if later.voids else f"已被 {later.id} 更正")
    return "；".join(parts)


def values_text(values: dict[str, Any]) -> str:
    return "；".join(f"{key}={number(value)}" for key, value in values.items())


def progress_markdown(state: Any, entries: list[Any], report: Any) -> str:
    from zctasks.judge.schedule import LIGHT_NAMES

    lines = [
        "",
        f"截至{long_date(report.as_of)}：**{LIGHT_NAMES[state.light]}**。{visible(state.reason)}",
        "",
    ]
    if entries:
        lines.append(
            markdown_table(
                ["日期", "单位", "状态", "指标", "进展", "依据"],
                [
                    [e.date.isoformat(), e.by, e.status, values_text(e.values), e.note, e.source]
                    for e in entries
                ],
            )
        )
    return "\n".join(lines).rstrip("\n") + "\n"
