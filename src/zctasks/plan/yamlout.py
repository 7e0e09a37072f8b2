"""Writing the plan files in the layout people edit: stable key order, one fact a line,
flow lists for units, block mappings for tasks and targets."""

from __future__ import annotations

import re
from typing import Any

import yaml

from zctasks.plan.models import ROLES, Plan, Task, Unit


def scalar(value: Any) -> str:
    """A YAML scalar that reads back as the same value, in a block or a flow collection alike.

    A string is written plain only when it is plainly safe — no character that means
    something to YAML (``, : # [ ] { } ' " & * ! | > % @ ` \\``), no control or line-break
    character, no space at either end, and read back as the same string under both the
    YAML 1.2 core rules and PyYAML's — and double-quoted, with escapes, otherwise.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if value is None:
        return "null"
    text = str(value)
    if _plain_is_safe(text):
        return text
    return _double_quoted(text)


_PLAIN = re.compile(
    r"[^\s\x00-\x20\x7f-\x9f\"'#,:\[\]{}&*!|>%@`\\?\-~]"
    r"(?:[^\x00-\x1f\x7f-\x9f\"'#,:\[\]{}&*!|>%@`\\]*[^\s\x00-\x20\x7f-\x9f\"'#,:\[\]{}&*!|>%@`\\])?"
)


def _plain_is_safe(text: str) -> bool:
    from zctasks.files.yamlfile import _resolve_plain

    if not _PLAIN.fullmatch(text) or not text.isprintable() or "  " in text:
        return False
    if not isinstance(_resolve_plain(text), str):
        return False
    try:
        return bool(yaml.safe_load(text) == text)
    except yaml.YAMLError:
        return False


def _double_quoted(text: str) -> str:
    dumped = yaml.safe_dump(
        text, default_style='"', allow_unicode=True, width=10**9, explicit_end=False
    )
    return dumped.rstrip("\n").removesuffix("\n...")


def _comment(text: str) -> str:
    """Text that stays one line of a YAML comment: a character YAML would refuse or read as a
    line break is written as its escape."""
    return "".join(
        char
        if char.isprintable()
        else f"\\u{ord(char):04x}"
        if ord(char) > 0xFF
        else f"\\x{ord(char):02x}"
        for char in text
    )


def flow(values: tuple[str, ...] | list[str]) -> str:
    return "[" + ", ".join(scalar(v) for v in values) + "]"


def tasks_yaml(
    plan: Plan, chapters: list[tuple[int, str]], tasks: list[Task], header: list[str]
) -> str:
    lines = [
        "# yaml-language-server: $schema=../schema/tasks.schema.json",
        *(f"# {_comment(h)}" for h in header),
    ]
    lines.append("plan:")
    lines.append(f"  title: {scalar(plan.title)}")
    if plan.notice_title:
        lines.append(f"  notice_title: {scalar(plan.notice_title)}")
    lines.append(f"  doc_number: {scalar(plan.doc_number)}")
    lines.append(f"  issuer: {scalar(plan.issuer)}")
    lines.append(f"  issued: {plan.issued.isoformat()}")
    lines.append(
        f"  period: {{start: {plan.period.start.isoformat()}, end: {plan.period.end.isoformat()}}}"
    )
    for name in ("addressees", "cc", "preamble", "lead_rule"):
        if getattr(plan, name):
            lines.append(f"  {name}: {scalar(getattr(plan, name))}")
    if plan.labels:
        pairs = ", ".join(f"{scalar(k)}: {v}" for k, v in plan.labels.items())
        lines.append(f"  labels: {{{pairs}}}")
    lines.append("chapters:")
    lines += [f"  - {{id: {cid}, title: {scalar(title)}}}" for cid, title in chapters]
    lines.append("tasks:")
    for task in tasks:
        lines.append(f"  - id: {task.id}")
        lines.append(f"    chapter: {task.chapter}")
        if task.section:
            lines.append(f"    section: {scalar(task.section)}")
        lines.append(f"    title: {scalar(task.title)}")
        lines.append(f"    text: {scalar(task.text)}")
        if task.attribution is not None:
            lines.append(f"    attribution: {scalar(task.attribution)}")
        for role in ROLES:
            if getattr(task, role):
                lines.append(f"    {role}: {flow(getattr(task, role))}")
        if task.and_others:
            lines.append(f"    and_others: {task.and_others}")
        if task.leaders:
            lines.append(f"    leaders: {flow(task.leaders)}")
        if task.due is not None:
            lines.append(f"    due: {task.due.isoformat()}")
        if task.measures:
            lines.append("    measures:")
            lines += [f"      - {scalar(m)}" for m in task.measures]
        if task.targets:
            lines.append("    targets:")
        for target in task.targets:
            lines.append(f'      - id: "{target.id}"')
            lines.append(f"        name: {scalar(target.name)}")
            lines.append(f'        op: "{target.op}"')
            lines.append(f"        value: {scalar(target.value)}")
            if target.max is not None:
                lines.append(f"        max: {scalar(target.max)}")
            lines.append(f"        unit: {scalar(target.unit)}")
            lines.append(f"        firm: {scalar(target.firm)}")
            lines.append(f"        accrues: {scalar(target.accrues)}")
            if target.quote:
                lines.append(f"        quote: {scalar(target.quote)}")
    return "\n".join(lines) + "\n"


def departments_yaml(units: dict[str, Unit], placeholders: list[str], guessed: set[str]) -> str:
    lines = [
        "# yaml-language-server: $schema=../schema/departments.schema.json",
        "# Every unit that the plan names, keyed by the short name the document writes.",
        "# kind: 党委部门 | 政府工作部门 | 事业单位 | 群团组织 | 垂直管理或派驻 | 企业 | 市级单位 | 其他",
        "units:" if units else "units: {}",
    ]
    for name, unit in units.items():
        fields = [f"kind: {unit.kind}"]
        if unit.full_name:
            fields.insert(0, f"full_name: {scalar(unit.full_name)}")
        if unit.aliases:
            fields.append(f"aliases: {flow(unit.aliases)}")
        comment = "  # 由 zctasks import 推断类别，请核对" if name in guessed else ""
        lines.append(f"  {scalar(name)}: {{{', '.join(fields)}}}{comment}")
    if placeholders:
        lines.append(
            "# Generic wording in attributions: kept verbatim in tasks, never matched by --dept."
        )
        lines.append("placeholders:")
        lines += [f"  - {scalar(p)}" for p in placeholders]
    return "\n".join(lines) + "\n"
