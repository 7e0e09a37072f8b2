"""The command line: parse options, call one core function, print.

Heavy libraries are imported inside the commands that need them, so that
``zctasks list`` starts fast; see tests/test_startup.py.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from zctasks import __version__
from zctasks.errors import LedgerInvalid, ZctasksError
from zctasks.ledger import Ledger
from zctasks.output import TableFormat, print_json, print_rows

MAX_SHOWN_PROBLEMS = 20


class _Group(TyperGroup):
    """Turns every ZctasksError into a message on stderr and its exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except ZctasksError as exc:
            _report(exc)
            raise typer.Exit(exc.exit_code) from None


def _report(exc: ZctasksError) -> None:
    lines = [f"错误：{exc.message}"]
    if isinstance(exc, LedgerInvalid):
        shown = exc.diagnostics[:MAX_SHOWN_PROBLEMS]
        lines += [d.render() for d in shown]
        if len(exc.diagnostics) > len(shown):
            lines.append(f"……另有 {len(exc.diagnostics) - len(shown)} 处问题")
    if exc.hint:
        lines.append(f"提示：{exc.hint}")
    sys.stderr.write("\n".join(lines) + "\n")


app = typer.Typer(
    name="zctasks",
    cls=_Group,
    help="重点工作任务台账：按单位、章节、关键词查询任务，检查台账数据。",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Role(StrEnum):
    lead = "lead"
    cooperate = "cooperate"
    responsible = "responsible"


class TextFormat(StrEnum):
    text = "text"
    json = "json"
    md = "md"


class CheckFormat(StrEnum):
    text = "text"
    json = "json"


class State:
    """What every command shares: the ledger root, found and loaded only when needed."""

    def __init__(self, root: Path | None) -> None:
        self.explicit_root = root

    def root(self) -> Any:
        from zctasks.root import find_root

        return find_root(self.explicit_root)

    def ledger(self) -> Ledger:
        from zctasks import ledger

        return ledger.load(self.root().path)


def _state(ctx: typer.Context) -> State:
    state = ctx.find_object(State)
    return state if state is not None else State(None)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"zctasks {__version__}\n")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    root: Annotated[
        Path | None,
        typer.Option(
            "--root",
            help="台账目录（含 data/tasks.yaml）；默认依次为 $ZCTASKS_ROOT、"
            "当前目录及其上级目录、随程序附带的 2023 年计划。",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="显示版本并退出。")
    ] = False,
) -> None:
    ctx.obj = State(root)


def _complete_unit(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    try:
        ledger = _state(ctx).ledger()
    except ZctasksError:
        return []
    return [
        (name, unit.full_name or unit.kind)
        for name, unit in ledger.units.items()
        if incomplete in name or any(incomplete in a for a in unit.aliases)
    ]


def _complete_task(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    try:
        ledger = _state(ctx).ledger()
    except ZctasksError:
        return []
    return [(str(i), t.title) for i, t in ledger.tasks.items() if str(i).startswith(incomplete)]


FormatOption = Annotated[
    TableFormat,
    typer.Option("--format", "-f", help="输出格式：table 表格、json、csv、md（Markdown）。"),
]


@app.command("list")
def list_tasks(
    ctx: typer.Context,
    dept: Annotated[
        str | None,
        typer.Option(
            "--dept",
            "-d",
            help="单位：简称、全称或别名，如 区发改局、淄川区发展和改革局、发改局。",
            autocompletion=_complete_unit,
            show_default=False,
        ),
    ] = None,
    role: Annotated[
        Role | None,
        typer.Option(
            "--role",
            "-r",
            help="与 --dept 合用：lead 牵头、cooperate 配合、responsible 负责。",
            show_default=False,
        ),
    ] = None,
    chapter: Annotated[
        int | None,
        typer.Option("--chapter", "-c", help="章节编号（一、为 1）。", show_default=False),
    ] = None,
    grep: Annotated[
        str | None,
        typer.Option(
            "--grep",
            "-g",
            help="在任务标题、正文、分工和指标名称中查找的文字。",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOption = TableFormat.table,
) -> None:
    """列出任务，可按单位（及角色）、章节、关键词筛选。"""
    from zctasks.queries import TaskFilter, select_tasks
    from zctasks.views import principal_units, role_name, task_json, unit_list

    ledger = _state(ctx).ledger()
    wanted = TaskFilter(dept, role.value if role else None, chapter, grep)
    tasks, unit = select_tasks(ledger, wanted)
    headers = ["序号", "章", "任务", "牵头/负责", "配合", "指标"]
    rows = []
    for task in tasks:
        row = [
            str(task.id),
            str(task.chapter),
            task.title,
            principal_units(task),
            unit_list(task, "cooperate"),
            str(len(task.targets)),
        ]
        if unit is not None:
            found = task.role_of(unit)
            row.insert(3, role_name(found) if found else "")
        rows.append(row)
    if unit is not None:
        headers.insert(3, "角色")
    title = f"{unit} 涉及 {len(tasks)} 项任务" if unit else f"共 {len(tasks)} 项任务"
    print_rows(
        headers,
        rows,
        fmt,
        title=title,
        json_value=[task_json(ledger, t) for t in tasks],
        numeric=frozenset({0, 1, len(headers) - 1}),
    )


@app.command("show")
def show_task(
    ctx: typer.Context,
    task_id: Annotated[
        int, typer.Argument(metavar="ID", help="任务序号。", autocompletion=_complete_task)
    ],
    fmt: Annotated[
        TextFormat, typer.Option("--format", "-f", help="输出格式：text、json、md。")
    ] = TextFormat.text,
) -> None:
    """显示一项任务的全文、分工和指标。"""
    from zctasks.queries import find_task
    from zctasks.views import task_json, task_markdown

    ledger = _state(ctx).ledger()
    task = find_task(ledger, task_id)
    if fmt is TextFormat.json:
        print_json(task_json(ledger, task))
    elif fmt is TextFormat.md:
        sys.stdout.write(task_markdown(ledger, task))
    else:
        _show_text(ledger, task)


def _show_text(ledger: Ledger, task: Any) -> None:
    from zctasks.models import ROLES
    from zctasks.output import print_table
    from zctasks.views import (
        chapter_numeral,
        role_name,
        target_goal,
        target_nature,
        unit_list,
    )

    chapter = ledger.chapter_of(task)
    lines = [
        f"第{task.id}项  {task.title}",
        f"章节：{chapter_numeral(chapter.id)}、{chapter.title}",
    ]
    lines += [f"{role_name(r)}：{unit_list(task, r)}" for r in ROLES if getattr(task, r)]
    lines.append(f"原文分工：（{task.attribution}）" if task.attribution else "原文分工：（无）")
    lines += ["", task.text, ""]
    sys.stdout.write("\n".join(lines))
    if task.targets:
        sys.stdout.write("\n")
        print_table(
            ["编号", "指标", "目标", "性质"],
            [[t.id, t.name, target_goal(t), target_nature(t)] for t in task.targets],
            title=f"量化指标 {len(task.targets)} 项",
        )


@app.command("depts")
def list_departments(ctx: typer.Context, fmt: FormatOption = TableFormat.table) -> None:
    """列出全部单位及其牵头、配合、负责的任务数。"""
    from zctasks.queries import unit_counts
    from zctasks.views import unit_json

    ledger = _state(ctx).ledger()
    counts = unit_counts(ledger)
    rows = [
        [
            c.name,
            c.full_name or "",
            c.kind,
            str(c.lead),
            str(c.cooperate),
            str(c.responsible),
            str(c.total),
        ]
        for c in counts
    ]
    print_rows(
        ["单位", "全称", "类别", "牵头", "配合", "负责", "合计"],
        rows,
        fmt,
        title=f"共 {len(counts)} 个单位",
        json_value=[unit_json(c, ledger) for c in counts],
        numeric=frozenset({3, 4, 5, 6}),
    )


@app.command("chapters")
def list_chapters(ctx: typer.Context, fmt: FormatOption = TableFormat.table) -> None:
    """列出各章及其任务数、指标数。"""
    from zctasks.queries import chapter_counts
    from zctasks.views import chapter_json, chapter_numeral, id_span

    ledger = _state(ctx).ledger()
    counts = chapter_counts(ledger)
    rows = [
        [chapter_numeral(c.id), c.title, str(len(c.task_ids)), id_span(c.task_ids), str(c.targets)]
        for c in counts
    ]
    print_rows(
        ["章", "标题", "任务数", "任务序号", "指标数"],
        rows,
        fmt,
        title=ledger.plan.title,
        json_value=[chapter_json(c) for c in counts],
        numeric=frozenset({2, 4}),
    )


@app.command("check")
def check_ledger(
    ctx: typer.Context,
    fmt: Annotated[
        CheckFormat, typer.Option("--format", "-f", help="输出格式：text 或 json。")
    ] = CheckFormat.text,
) -> None:
    """检查整个台账：逐条报告问题（文件:行:列），有错误时退出码为 1。"""
    from zctasks import ledger as ledger_module

    root = _state(ctx).root()
    result = ledger_module.check(root.path)
    errors, warnings = len(result.errors), len(result.warnings)
    if fmt is CheckFormat.json:
        print_json(
            {
                "ok": errors == 0,
                "root": str(root.path),
                "errors": errors,
                "warnings": warnings,
                "diagnostics": [d.to_json() for d in result.diagnostics],
            }
        )
    else:
        for diagnostic in result.diagnostics:
            sys.stdout.write(diagnostic.render() + "\n")
        if errors or result.ledger is None:
            sys.stdout.write(f"检查未通过：{errors} 个错误，{warnings} 个警告。\n")
        else:
            ledger = result.ledger
            sys.stdout.write(
                f"检查通过：{len(ledger.chapters)} 章，{len(ledger.tasks)} 项任务，"
                f"{ledger.target_count()} 项指标，{len(ledger.units)} 个单位"
                + (f"；{warnings} 个警告" if warnings else "")
                + "。\n"
            )
    if errors:
        raise typer.Exit(1)


class SchemaName(StrEnum):
    tasks = "tasks"
    departments = "departments"


@app.command("schema")
def print_schema(
    name: Annotated[
        SchemaName,
        typer.Argument(
            help="哪个数据文件：tasks（data/tasks.yaml）或 departments（data/departments.yaml）。"
        ),
    ],
) -> None:
    """输出数据文件的 JSON Schema，供编辑器边写边校验。"""
    from zctasks.schema import json_schema

    print_json(json_schema(name.value))


def main() -> None:
    app()
