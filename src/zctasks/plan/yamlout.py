"""Writing the plan files in the layout people edit: stable key order, one fact a line,
flow lists for units, block mappings for tasks and targets."""

from __future__ import annotations

from typing import Any

import yaml

from zctasks.plan.models import ROLES, Plan, Task, Unit


def scalar(value: Any) -> str:
    """A YAML scalar that reads back as the same value (strings quoted only when needed)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if value is None:
        return "null"
    text = yaml.safe_dump(str(value), allow_unicode=True, width=10**9, default_flow_style=True)
    text = text.rstrip("\n")
    if text.endswith("\n..."):
        text = text[:-4]
    plain = text.strip()
    if _plain_is_unsafe(plain):  # would read back as another type under YAML 1.2 core rules
        return '"' + plain.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return plain


def _plain_is_unsafe(text: str) -> bool:
    from zctasks.files.yamlfile import _resolve_plain

    return not text.startswith(("'", '"')) and not isinstance(_resolve_plain(text), str)


def flow(values: tuple[str, ...] | list[str]) -> str:
    return "[" + ", ".join(scalar(v) for v in values) + "]"


def tasks_yaml(
    plan: Plan, chapters: list[tuple[int, str]], tasks: list[Task], header: list[str]
) -> str:
    lines = [
        "# yaml-language-server: $schema=../schema/tasks.schema.json",
        *(f"# {h}" for h in header),
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
    for name in ("addressees", "cc", "preamble"):
        if getattr(plan, name):
            lines.append(f"  {name}: {scalar(getattr(plan, name))}")
    lines.append("chapters:")
    lines += [f"  - {{id: {cid}, title: {scalar(title)}}}" for cid, title in chapters]
    lines.append("tasks:")
    for task in tasks:
        lines.append(f"  - id: {task.id}")
        lines.append(f"    chapter: {task.chapter}")
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
