"""Questions about the plan: list, show, depts, chapters, check, schema."""

import sys
from enum import StrEnum
from typing import Annotated, Any

import typer

from zctasks.cli.app import (
    AsOfOption,
    CheckFormat,
    FormatOption,
    TextFormat,
    _complete_task,
    _complete_unit,
    _light_name,
    _state,
    app,
    warn,
)
from zctasks.cli.chinese import CHAPTER, LIGHT, ROLE, TASK
from zctasks.cli.output import TableFormat, diagnostic_text, print_json, print_rows
from zctasks.plan.ledger import Ledger


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
        str | None,
        typer.Option(
            "--role",
            "-r",
            help="与 --dept 合用：牵头（lead）、配合（cooperate）、负责（responsible）。",
            show_default=False,
            click_type=ROLE,
        ),
    ] = None,
    chapter: Annotated[
        int | None,
        typer.Option(
            "--chapter",
            "-c",
            help="章节：4、四 或 第四章。",
            show_default=False,
            click_type=CHAPTER,
        ),
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
    light: Annotated[
        str | None,
        typer.Option(
            "--light",
            "-l",
            help="按灯色筛选：已完成（done）、序时推进（green，绿）、滞后（yellow，黄）、"
            "严重滞后（red，红）、未报送（grey，灰）。",
            show_default=False,
            click_type=LIGHT,
        ),
    ] = None,
    as_of: AsOfOption = None,
    fmt: FormatOption = TableFormat.table,
) -> None:
    """列出任务，可按单位（及角色）、章节、关键词、灯色筛选。"""
    from zctasks.judge.views import (
        LIGHT_STYLES,
        principal_units,
        role_name,
        state_json,
        task_json,
        unit_list,
    )
    from zctasks.plan.queries import TaskFilter, select_tasks

    state = _state(ctx)
    lit = light is not None or as_of is not None
    ledger = state.ledger_with_progress() if lit else state.ledger()
    wanted = TaskFilter(dept, role, chapter, grep)  # type: ignore[arg-type]
    tasks, unit = select_tasks(ledger, wanted)
    states = None
    if light is not None or as_of is not None:
        report = state.status(ledger, tasks, as_of)
        states = [s for s in report.states if light is None or s.light == light]
        tasks = [s.task for s in states]
    headers = ["序号", "章", "任务", "牵头/负责", "配合", "指标"]
    rows = []
    for i, task in enumerate(tasks):
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
        if states is not None:
            row.append(_light_name(states[i].light))
        rows.append(row)
    if unit is not None:
        headers.insert(3, "角色")
    if states is not None:
        headers.append("进度")
    title = f"{unit} 涉及 {len(tasks)} 项任务" if unit else f"共 {len(tasks)} 项任务"
    print_rows(
        headers,
        rows,
        fmt,
        title=title,
        json_value=[state_json(ledger, s, report.as_of) for s in states]
        if states is not None
        else [task_json(ledger, t) for t in tasks],
        numeric=frozenset({0, 1, len(headers) - (2 if states is not None else 1)}),
        styles=LIGHT_STYLES,
    )


@app.command("show")
def show_task(
    ctx: typer.Context,
    task_id: Annotated[
        int,
        typer.Argument(
            metavar="ID",
            help="任务序号：7 或 第7项。",
            autocompletion=_complete_task,
            click_type=TASK,
        ),
    ],
    as_of: AsOfOption = None,
    fmt: Annotated[
        TextFormat, typer.Option("--format", "-f", help="输出格式：text、json、md。")
    ] = TextFormat.text,
) -> None:
    """显示一项任务的全文、分工、指标，以及已报送的进展和灯色。"""
    from zctasks.judge.views import progress_markdown, state_json, task_markdown
    from zctasks.log.progress import entry_json
    from zctasks.plan.queries import find_task

    state = _state(ctx)
    ledger = state.ledger()
    task = find_task(ledger, task_id)
    report = state.status(ledger, [task], as_of)
    task_state = report.states[0]
    entries = state.progress(ledger).of_task(task.id, report.as_of)
    if fmt is TextFormat.json:
        value = state_json(ledger, task_state, report.as_of)
        if entries:
            value["progress"] = [entry_json(e) for e in entries]
        print_json(value)
    elif fmt is TextFormat.md:
        sys.stdout.write(
            task_markdown(ledger, task) + progress_markdown(task_state, entries, report)
        )
    else:
        _show_text(ledger, task, task_state, entries, report)


def _show_text(ledger: Ledger, task: Any, task_state: Any, entries: list[Any], report: Any) -> None:
    from zctasks.cli.output import print_table
    from zctasks.judge.views import (
        LIGHT_STYLES,
        chapter_numeral,
        latest_figure,
        long_date,
        role_name,
        target_goal,
        target_nature,
        unit_list,
        values_text,
        visible,
    )
    from zctasks.plan.models import ROLES

    chapter = ledger.chapter_of(task)
    lines = [
        f"第{task.id}项  {task.title}",
        f"章节：{chapter_numeral(chapter.id)}、{chapter.title}",
    ]
    if task.section:
        lines.append(f"小节：{task.section}")
    lines += [f"{role_name(r)}：{unit_list(task, r)}" for r in ROLES if getattr(task, r)]
    if task.leaders:
        lines.append(f"责任领导：{'、'.join(task.leaders)}")
    lines.append(f"原文分工：（{task.attribution}）" if task.attribution else "原文分工：（无）")
    lines = [visible(line) for line in lines]
    lines += ["", visible(task.text, newlines=True), ""]
    if task.measures:
        lines += ["具体措施：", *(f"{i}. {visible(m)}" for i, m in enumerate(task.measures, 1)), ""]
    sys.stdout.write("\n".join(lines))
    if task.targets:
        sys.stdout.write("\n")
        reported = {s.target.id: s for s in task_state.targets}
        print_table(
            ["编号", "指标", "目标", "性质", "最新"],
            [
                [
                    t.id,
                    t.name,
                    target_goal(t),
                    target_nature(t),
                    latest_figure(reported.get(t.id), report.as_of),
                ]
                for t in task.targets
            ],
            title=f"量化指标 {len(task.targets)} 项",
        )
    sys.stdout.write(
        f"\n截至{long_date(report.as_of)}：{_light_name(task_state.light)}。"
        f"{visible(task_state.reason)}\n"
    )
    if entries:
        sys.stdout.write("\n")
        print_table(
            ["日期", "单位", "状态", "指标", "进展"],
            [
                [e.date.isoformat(), e.by, e.status, values_text(e.values), e.note]
                for e in entries[-5:]
            ],
            title=f"进展报送 {len(entries)} 条" + ("（最近 5 条）" if len(entries) > 5 else ""),
            styles=LIGHT_STYLES,
        )


@app.command("depts")
def list_departments(ctx: typer.Context, fmt: FormatOption = TableFormat.table) -> None:
    """列出全部单位及其牵头、配合、负责的任务数。"""
    from zctasks.judge.views import unit_json
    from zctasks.plan.queries import unit_counts

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
    from zctasks.judge.views import chapter_json, chapter_numeral, id_span
    from zctasks.plan.queries import chapter_counts

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
    revision: Annotated[
        str | None,
        typer.Argument(
            metavar="[REV]",
            help="与 --history 一起用：从这个提交之后查起（默认查全部历史）。",
            show_default=False,
        ),
    ] = None,
    history: Annotated[
        bool,
        typer.Option(
            "--history",
            help="再检查 git 历史：每次提交都只在记录文件末尾追加，没有改动、删除或调换已记录的行。",
        ),
    ] = False,
    fmt: Annotated[
        CheckFormat, typer.Option("--format", "-f", help="输出格式：text 或 json。")
    ] = CheckFormat.text,
) -> None:
    """检查整个台账：逐条报告问题（文件:行:列），有错误时退出码为 1。"""
    from zctasks.files.errors import UsageError
    from zctasks.load import loading
    from zctasks.log.hooks import history_diagnostics, merge_rule_problems, setup_problems

    root = _state(ctx).root()
    if revision is not None and not history:
        raise UsageError(
            f"多余的参数“{revision}”", "从某个提交查起历史：zctasks check --history REV"
        )
    found = history_diagnostics(root.path, revision) if history else []
    result, progress = loading.inspect(root.path)
    city = result.ledger
    if city is not None:
        from zctasks.scoring.reading import check_scoring

        result = result._replace(diagnostics=result.diagnostics + check_scoring(city, root.path))
        from zctasks.files.root import is_rollup

        if not root.bundled and is_rollup(root.path):
            from zctasks.rollup.view import check_rollup

            result = result._replace(
                diagnostics=result.diagnostics + check_rollup(root.path, city, progress)
            )
    if not root.bundled:
        result = result._replace(
            diagnostics=result.diagnostics + merge_rule_problems(root.path) + found
        )
    errors, warnings = len(result.errors), len(result.warnings)
    from zctasks.load.cache import problems as cache_problems

    setup = ([] if root.bundled else setup_problems(root.path)) + cache_problems()
    if fmt is CheckFormat.json:
        print_json(
            {
                "ok": errors == 0,
                "root": str(root.path),
                "errors": errors,
                "warnings": warnings,
                "diagnostics": [d.to_json() for d in result.diagnostics],
                "setup": setup,
            }
        )
    else:
        for diagnostic in result.diagnostics:
            sys.stdout.write(diagnostic_text(diagnostic) + "\n")
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
        for problem in setup:
            warn(problem)
    if errors:
        raise typer.Exit(1)


class SchemaName(StrEnum):
    tasks = "tasks"
    departments = "departments"
    config = "config"
    scoring = "scoring"
    members = "members"
    crosswalk = "crosswalk"


@app.command("schema")
def print_schema(
    name: Annotated[
        SchemaName,
        typer.Argument(
            help="哪个数据文件：tasks、departments、config、scoring（data/scoring.yaml，考评办法）、"
            "members 或 crosswalk（汇总台账的成员和对应关系）。"
        ),
    ],
) -> None:
    """输出数据文件的 JSON Schema，供编辑器边写边校验。"""
    if name in (SchemaName.members, SchemaName.crosswalk):
        from zctasks.rollup.reading import json_schema as rollup_schema

        print_json(rollup_schema(name.value))
        return
    if name is SchemaName.scoring:
        from zctasks.scoring.reading import json_schema as scoring_schema

        print_json(scoring_schema())
        return
    from zctasks.plan.schema import json_schema

    print_json(json_schema(name.value))
