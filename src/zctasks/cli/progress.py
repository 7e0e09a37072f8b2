"""`zctasks progress`: record, import and read progress reports."""

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from zctasks.cli.app import (
    FormatOption,
    _complete_task,
    _complete_unit,
    _state,
    app,
    parse_day,
)
from zctasks.errors import UsageError
from zctasks.ledger import Ledger
from zctasks.output import TableFormat, print_rows

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
