"""The command line: parse options, call one core function, print.

Heavy libraries are imported inside the commands that need them, so that
``zctasks list`` starts fast; see tests/test_cli_basics.py.
"""

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from zctasks import __version__
from zctasks.errors import LedgerInvalid, UsageError, ZctasksError
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
        except OSError as exc:  # a folder that cannot be made, a path that is a file …
            where = f"：{exc.filename}" if exc.filename else ""
            _report(ZctasksError(f"文件操作失败（{exc.strerror or exc}）{where}", "检查路径和权限"))
            raise typer.Exit(1) from None


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
    help="重点工作任务台账：查询任务、记录进展、按序时进度亮灯、生成简报与台账、导入新一年的计划。",
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


class Light(StrEnum):
    done = "done"
    green = "green"
    yellow = "yellow"
    red = "red"
    grey = "grey"


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

    def progress(self, ledger: Ledger) -> Any:
        from zctasks import progress

        return progress.load(ledger.root, ledger)

    def status(self, ledger: Ledger, tasks: list[Any], as_of: str | None) -> Any:
        from zctasks.schedule import default_as_of, status_report

        day = parse_day(as_of, "--as-of") if as_of else default_as_of(ledger)
        return status_report(ledger, self.progress(ledger), tasks, day)

    def writable_root(self) -> Path:
        """The ledger folder, refusing the read-only bundled plan."""
        from zctasks.writer import ReadOnlyLedger

        root = self.root()
        if root.bundled:
            raise ReadOnlyLedger(
                "随程序附带的 2023 年计划是只读的，不能写入进展",
                "先用 zctasks init 目录 新建台账，再在该目录中运行（或加 --root 目录）",
            )
        return Path(root.path)


def parse_day(text: str, option: str) -> Any:
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"{option} 的日期“{text}”无效", "日期写作 YYYY-MM-DD，如 2023-07-31"
        ) from None


def _light_name(light: str) -> str:
    from zctasks.schedule import LIGHT_NAMES

    return LIGHT_NAMES[light]  # type: ignore[index]


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


AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="以哪一天为准计算序时进度（YYYY-MM-DD）；默认今天，限定在计划期内。",
        show_default=False,
    ),
]
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
    light: Annotated[
        Light | None,
        typer.Option(
            "--light",
            "-l",
            help="按灯色筛选：done 已完成、green 序时推进、yellow 滞后、red 严重滞后、grey 未报送。",
            show_default=False,
        ),
    ] = None,
    as_of: AsOfOption = None,
    fmt: FormatOption = TableFormat.table,
) -> None:
    """列出任务，可按单位（及角色）、章节、关键词、灯色筛选。"""
    from zctasks.queries import TaskFilter, select_tasks
    from zctasks.views import (
        LIGHT_STYLES,
        principal_units,
        role_name,
        state_json,
        task_json,
        unit_list,
    )

    state = _state(ctx)
    ledger = state.ledger()
    wanted = TaskFilter(dept, role.value if role else None, chapter, grep)
    tasks, unit = select_tasks(ledger, wanted)
    states = None
    if light is not None or as_of is not None:
        report = state.status(ledger, tasks, as_of)
        states = [s for s in report.states if light is None or s.light == light.value]
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
        json_value=[state_json(ledger, s) for s in states]
        if states is not None
        else [task_json(ledger, t) for t in tasks],
        numeric=frozenset({0, 1, len(headers) - (2 if states is not None else 1)}),
        styles=LIGHT_STYLES,
    )


@app.command("show")
def show_task(
    ctx: typer.Context,
    task_id: Annotated[
        int, typer.Argument(metavar="ID", help="任务序号。", autocompletion=_complete_task)
    ],
    as_of: AsOfOption = None,
    fmt: Annotated[
        TextFormat, typer.Option("--format", "-f", help="输出格式：text、json、md。")
    ] = TextFormat.text,
) -> None:
    """显示一项任务的全文、分工、指标，以及已报送的进展和灯色。"""
    from zctasks.progress import entry_json
    from zctasks.queries import find_task
    from zctasks.views import progress_markdown, state_json, task_markdown

    state = _state(ctx)
    ledger = state.ledger()
    task = find_task(ledger, task_id)
    report = state.status(ledger, [task], as_of)
    task_state = report.states[0]
    entries = state.progress(ledger).of_task(task.id, report.as_of)
    if fmt is TextFormat.json:
        value = state_json(ledger, task_state)
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
    from zctasks.models import ROLES
    from zctasks.output import print_table
    from zctasks.views import (
        LIGHT_STYLES,
        chapter_numeral,
        long_date,
        role_name,
        target_goal,
        target_nature,
        unit_list,
        values_text,
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
    sys.stdout.write(
        f"\n截至{long_date(report.as_of)}：{_light_name(task_state.light)}。{task_state.reason}\n"
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
    config = "config"


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


class StatusFormat(StrEnum):
    table = "table"
    json = "json"


@app.command("status")
def show_status(
    ctx: typer.Context,
    as_of: AsOfOption = None,
    dept: Annotated[
        str | None,
        typer.Option(
            "--dept",
            "-d",
            help="只看该单位涉及的任务（任何角色）。",
            autocompletion=_complete_unit,
            show_default=False,
        ),
    ] = None,
    chapter: Annotated[
        int | None, typer.Option("--chapter", "-c", help="只看该章。", show_default=False)
    ] = None,
    fmt: Annotated[
        StatusFormat, typer.Option("--format", "-f", help="输出格式：table 或 json。")
    ] = StatusFormat.table,
) -> None:
    """按序时进度亮灯：总体、分章、分牵头单位的统计，以及滞后、严重滞后、未报送的任务。"""
    from zctasks.queries import TaskFilter, select_tasks
    from zctasks.schedule import LIGHT_NAMES, LIGHTS, lead_groups
    from zctasks.views import (
        LIGHT_STYLES,
        chapter_numeral,
        principal_units,
        state_json,
        status_summary,
    )

    state = _state(ctx)
    ledger = state.ledger()
    tasks, _ = select_tasks(ledger, TaskFilter(dept=dept, chapter=chapter))
    report = state.status(ledger, tasks, as_of)
    by_chapter = [
        (
            chapter_id,
            ledger.chapters[chapter_id].title,
            report.counts([s for s in report.states if s.task.chapter == chapter_id]),
        )
        for chapter_id in dict.fromkeys(s.task.chapter for s in report.states)
    ]
    by_lead = [(unit, report.counts(states)) for unit, states in lead_groups(ledger, report.states)]
    flagged = [s for s in report.states if s.light in ("yellow", "red", "grey")]
    flagged.sort(key=lambda s: (("red", "yellow", "grey").index(s.light), s.task.id))
    if fmt is StatusFormat.json:
        print_json(
            {
                "as_of": report.as_of.isoformat(),
                "elapsed": round(report.elapsed, 4),
                "counts": report.counts(),
                "by_chapter": [{"id": c, "title": t, "counts": n} for c, t, n in by_chapter],
                "by_lead": [{"unit": u, "counts": n} for u, n in by_lead],
                "tasks": [state_json(ledger, s) for s in report.states],
            }
        )
        return
    from zctasks.output import print_table

    names = [LIGHT_NAMES[light] for light in LIGHTS]
    sys.stdout.write(status_summary(report) + "\n\n")
    print_table(
        ["章", "标题", *names],
        [[chapter_numeral(c), t, *(str(n[light]) for light in LIGHTS)] for c, t, n in by_chapter],
        title="分章统计",
        numeric=frozenset(range(2, 7)),
    )
    sys.stdout.write("\n")
    print_table(
        ["牵头/负责单位", *names],
        [[u, *(str(n[light]) for light in LIGHTS)] for u, n in by_lead],
        title="分单位统计（牵头或负责）",
        numeric=frozenset(range(1, 6)),
    )
    sys.stdout.write("\n")
    if flagged:
        print_table(
            ["序号", "任务", "牵头/负责", "灯色", "原因"],
            [
                [
                    str(s.task.id),
                    s.task.title,
                    principal_units(s.task),
                    LIGHT_NAMES[s.light],
                    s.reason,
                ]
                for s in flagged
            ],
            title=f"需关注的任务 {len(flagged)} 项",
            numeric=frozenset({0}),
            styles=LIGHT_STYLES,
        )
    else:
        sys.stdout.write("没有滞后、严重滞后或未报送的任务。\n")


progress_app = typer.Typer(
    help="记录、导入和查看进展报送。",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(progress_app, name="progress")


def _lock_timeout() -> float:
    import os

    from zctasks.writer import DEFAULT_LOCK_TIMEOUT

    try:
        return float(os.environ.get("ZCTASKS_LOCK_TIMEOUT", DEFAULT_LOCK_TIMEOUT))
    except ValueError:
        raise UsageError("ZCTASKS_LOCK_TIMEOUT 应为秒数") from None


@progress_app.command("add")
def progress_add(
    ctx: typer.Context,
    task_id: Annotated[
        int, typer.Argument(metavar="TASK", help="任务序号。", autocompletion=_complete_task)
    ],
    by: Annotated[
        str,
        typer.Option(
            "--by",
            "-b",
            help="报送单位（须是该任务的单位之一）。",
            autocompletion=_complete_unit,
            show_default=False,
        ),
    ],
    note: Annotated[
        str, typer.Option("--note", "-n", help="完成了什么（必填）。", show_default=False)
    ],
    day: Annotated[
        str | None,
        typer.Option("--date", help="进展所截至的日期，YYYY-MM-DD；默认今天。", show_default=False),
    ] = None,
    status: Annotated[
        str, typer.Option("--status", "-s", help="未启动、推进中、已完成 或 受阻。")
    ] = "推进中",
    values: Annotated[
        list[str] | None,
        typer.Option(
            "--value",
            "-v",
            help="指标数值，如 7.1=12.3；累计指标填年初至今累计数，可重复。",
            show_default=False,
        ),
    ] = None,
    source: Annotated[str, typer.Option("--source", help="依据：文号、会议、链接等。")] = "",
    next_steps: Annotated[str, typer.Option("--next", help="下步计划。")] = "",
    problems: Annotated[str, typer.Option("--problems", help="存在问题。")] = "",
    force: Annotated[
        str | None,
        typer.Option("--force", help="由不在该任务上的单位代报时，写明原因。", show_default=False),
    ] = None,
    commit: Annotated[bool, typer.Option("--commit", help="写入后用 git 提交该文件。")] = False,
) -> None:
    """记录一条进展：先全部校验，再在锁保护下原子写入 data/progress/年-月.yaml。"""
    from datetime import date

    from zctasks.recording import draft_entry, parse_values

    root, ledger = _for_writing(ctx, commit)
    fields: dict[str, Any] = {
        "task": task_id,
        "date": day or date.today().isoformat(),
        "by": by,
        "status": status,
        "values": parse_values(values or []),
        "note": note,
        "source": source,
        "next": next_steps,
        "problems": problems,
        "forced": force or "",
    }
    if force is not None and not force.strip():
        raise UsageError("--force 需要写明代报原因")
    entry = draft_entry(ledger, fields)
    _write(
        root,
        [entry],
        commit,
        f"进展: 任务{entry.task} {entry.by} {entry.date}",
        {
            "Task": str(entry.task),
            "Unit": entry.by,
            "Date": entry.date.isoformat(),
            "Entry": entry.id,
        },
    )
    sys.stdout.write(f"已记录：任务{entry.task} {entry.by} {entry.date}（编号 {entry.id}）\n")


def _for_writing(ctx: typer.Context, commit: bool) -> tuple[Path, Ledger]:
    """The writable ledger root and its plan; with --commit, a git repository is required first."""
    state = _state(ctx)
    root = state.writable_root()
    ledger = state.ledger()
    if commit:
        from zctasks import gitops

        gitops.require_repository(root)
    return root, ledger


def _write(
    root: Path, entries: list[Any], commit: bool, subject: str, trailers: dict[str, str]
) -> None:
    from zctasks.writer import append_entries

    written = append_entries(root, entries, timeout=_lock_timeout())
    for relative in written:
        sys.stdout.write(f"写入 {relative.as_posix()}\n")
    if commit:
        from zctasks import gitops

        sys.stdout.write(f"已提交 {gitops.commit(root, written, subject, trailers)}\n")


@progress_app.command("import")
def progress_import(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="单位报来的批量文件：.yaml（条目列表）或 .csv（表头见 README）。")
    ],
    commit: Annotated[bool, typer.Option("--commit", help="写入后用 git 提交。")] = False,
) -> None:
    """导入一个单位报来的一批进展：全部正确才写入，任何一行有错则整批拒绝并指出行和问题。"""
    from zctasks.recording import read_batch

    root, ledger = _for_writing(ctx, commit)
    entries = read_batch(ledger, file)
    units = "、".join(dict.fromkeys(e.by for e in entries))
    _write(
        root,
        entries,
        commit,
        f"进展: 导入{len(entries)}条 {units}",
        {"Units": units, "Source-File": file.name, "Entries": str(len(entries))},
    )
    sys.stdout.write(f"已导入 {len(entries)} 条进展（{units}）\n")


@progress_app.command("log")
def progress_log(
    ctx: typer.Context,
    task_id: Annotated[
        int | None,
        typer.Option(
            "--task", "-t", help="只看该任务。", show_default=False, autocompletion=_complete_task
        ),
    ] = None,
    dept: Annotated[
        str | None,
        typer.Option(
            "--dept",
            "-d",
            help="只看该单位报送的，或该单位所涉任务的进展。",
            autocompletion=_complete_unit,
            show_default=False,
        ),
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="起始日期（含），YYYY-MM-DD。", show_default=False)
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="截止日期（含），YYYY-MM-DD。", show_default=False)
    ] = None,
    fmt: FormatOption = TableFormat.table,
) -> None:
    """按日期列出进展报送。"""
    from zctasks.progress import entry_json
    from zctasks.queries import find_task
    from zctasks.views import values_text

    state = _state(ctx)
    ledger = state.ledger()
    if task_id is not None:
        find_task(ledger, task_id)
    unit = ledger.resolve_unit(dept) if dept else None
    start = parse_day(since, "--since") if since else None
    end = parse_day(until, "--until") if until else None
    entries = [
        e
        for e in state.progress(ledger).entries
        if (task_id is None or e.task == task_id)
        and (unit is None or e.by == unit or ledger.tasks[e.task].role_of(unit) is not None)
        and (start is None or e.date >= start)
        and (end is None or e.date <= end)
    ]
    rows = [
        [
            e.date.isoformat(),
            str(e.task),
            ledger.tasks[e.task].title,
            e.by,
            e.status,
            values_text(e.values),
            e.note,
        ]
        for e in entries
    ]
    print_rows(
        ["日期", "任务", "标题", "单位", "状态", "指标", "进展"],
        rows,
        fmt,
        title=f"进展报送 {len(entries)} 条",
        json_value=[entry_json(e) for e in entries],
        numeric=frozenset({1}),
    )


@app.command("init")
def init_command(
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="新台账的目录（不存在或为空）。")],
    demo: Annotated[
        bool, typer.Option("--demo", help="加入标明“示例数据”的虚构进展，用于试用报表。")
    ] = False,
) -> None:
    """新建台账目录：复制计划数据，初始化 git，配置合并规则和提交前检查。"""
    from zctasks import ledger as ledger_module
    from zctasks.scaffold import init_ledger

    init_ledger(folder)
    sys.stdout.write(f"已新建台账 {folder}（git 仓库，已安装提交前检查）\n")
    if demo:
        from zctasks.demo import demo_entries
        from zctasks.writer import append_entries

        root = folder.resolve()
        entries = demo_entries(ledger_module.load(root))
        append_entries(root, entries)
        sys.stdout.write(f"已加入 {len(entries)} 条示例数据（备注均以“【示例数据】”开头）\n")
    sys.stdout.write(f"下一步：cd {folder} && git add -A && git commit -m 初始化台账\n")


class ReportKind(StrEnum):
    briefing = "briefing"
    ledger = "ledger"
    dept = "dept"
    urge = "urge"


class ReportFormat(StrEnum):
    md = "md"
    docx = "docx"
    xlsx = "xlsx"
    html = "html"
    csv = "csv"


@app.command("report")
def report_command(
    ctx: typer.Context,
    kind: Annotated[
        ReportKind,
        typer.Argument(help="briefing 工作简报、ledger 台账、dept 单位通知、urge 催办单。"),
    ],
    unit: Annotated[
        str | None,
        typer.Argument(
            help="单位（dept 必填；urge 可选，只出该单位的催办单）。",
            autocompletion=_complete_unit,
            show_default=False,
        ),
    ] = None,
    as_of: AsOfOption = None,
    week: Annotated[
        str | None,
        typer.Option(
            "--week",
            help="简报所报的一周，ISO 周号，如 2023-W30（周一至周日）。",
            show_default=False,
        ),
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="简报起始日期（含）。", show_default=False)
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="简报截止日期（含）。", show_default=False)
    ] = None,
    issue: Annotated[
        int | None,
        typer.Option(
            "--issue", help="简报期号；默认从计划印发那一周起按周计。", show_default=False
        ),
    ] = None,
    dept: Annotated[
        str | None,
        typer.Option(
            "--dept",
            "-d",
            help="urge：只出该单位的催办单（同 UNIT）。",
            autocompletion=_complete_unit,
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        ReportFormat,
        typer.Option("--format", "-f", help="md、docx（公文格式 Word）、xlsx、html、csv。"),
    ] = ReportFormat.md,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="输出文件；md、html、csv 默认输出到屏幕，docx、xlsx 必须指定。",
            show_default=False,
        ),
    ] = None,
    template: Annotated[
        Path | None,
        typer.Option(
            "--template",
            help="用这个 Jinja 模板文件代替内置模板（在沙箱中渲染）。",
            show_default=False,
        ),
    ] = None,
) -> None:
    """生成报告：工作简报、工作台账、单位通知、催办单；Markdown、Word（公文格式）、Excel、HTML、CSV。"""
    from zctasks.documents import BINARY_FORMATS, Request, produce, write_output

    state = _state(ctx)
    ledger = state.ledger()
    if fmt.value in BINARY_FORMATS and output is None:
        raise UsageError(f"{fmt.value} 格式需要用 -o 指定输出文件", f"例如 -o 报告.{fmt.value}")
    chosen_unit = unit or dept
    if chosen_unit is not None:
        chosen_unit = ledger.resolve_unit(chosen_unit)
    start = parse_day(since, "--since") if since else None
    end = parse_day(until, "--until") if until else None
    if week is not None:
        from zctasks.reports import iso_week

        try:
            start, end = iso_week(week)
        except ValueError:
            raise UsageError(f"--week 的周号“{week}”无效", "写作 年-W周，如 2023-W30") from None
    day = parse_day(as_of, "--as-of") if as_of else None
    if day is None:
        from zctasks.schedule import default_as_of

        day = end if end is not None else default_as_of(ledger)
    request = Request(kind.value, fmt.value, day, start, end, issue, chosen_unit, template)
    content = produce(ledger, state.progress(ledger), request)
    if output is None:
        sys.stdout.write(content.decode("utf-8"))
    else:
        write_output(output, content)
        sys.stderr.write(f"已生成 {output}\n")


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="计划文件：.txt（UTF-8 或 GB18030）或 .docx。")],
    into: Annotated[Path, typer.Option("--into", help="写入哪个台账目录（默认当前目录）。")] = Path(
        "."
    ),
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="只显示将写入的内容，不写文件。")
    ] = False,
) -> None:
    """把一份重点工作任务文件转成台账：写入 data/tasks.yaml 和 data/departments.yaml。"""
    from zctasks import importer
    from zctasks.checks import check_contents
    from zctasks.progress import progress_files
    from zctasks.writer import atomic_write_many

    known, placeholders = importer.known_departments(into)
    result = importer.parse(file, known, placeholders)
    files = importer.files_for(result, file, into)
    counts = importer.summary(result)
    report = [
        f"已读取 {file.name}：{counts['chapters']} 章，{counts['tasks']} 项任务"
        f"（{counts['attributions']} 项有分工），{counts['targets']} 项指标，新单位 {counts['new_units']} 个",
        *result.notes,
    ]
    if result.unparsed:
        report.append(f"未能解析 {len(result.unparsed)} 处（请对照原文补录）：")
        report += [f"  第{line}行：{text}" for line, text in result.unparsed]
    checked = check_contents(into.resolve(), dict(files))
    if dry_run:
        for relative, content in files.items():
            sys.stdout.write(f"# ---- {relative.as_posix()} ----\n{content.decode('utf-8')}")
        sys.stderr.write("\n".join(report) + "\n")
    else:
        if [p for p in progress_files(into) if (into / p).read_text("utf-8").strip("# \n")]:
            raise UsageError(
                f"台账 {into} 中已有进展记录，导入新计划会使它们失效",
                "新一年的计划请导入新建的台账：zctasks init 目录，再 zctasks import 文件 --into 目录",
            )
        (into / "data").mkdir(parents=True, exist_ok=True)
        atomic_write_many({into / relative: content for relative, content in files.items()})
        report += [f"写入 {relative.as_posix()}" for relative in files]
        sys.stdout.write("\n".join(report) + "\n")
    if checked.errors:
        for diagnostic in checked.diagnostics:
            sys.stderr.write(diagnostic.render() + "\n")
        sys.stderr.write(
            f"导入结果未通过检查：{len(checked.errors)} 个错误，请修正后运行 zctasks check\n"
        )
        raise typer.Exit(1)
    if not dry_run:
        sys.stdout.write("检查通过，可以运行 zctasks check、zctasks list 查看。\n")


def main() -> None:
    app()
