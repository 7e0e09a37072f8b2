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
from zctasks.cli.chinese import TASK
from zctasks.cli.output import TableFormat, print_rows
from zctasks.files.errors import UsageError
from zctasks.judge.views import visible
from zctasks.plan.ledger import Ledger
from zctasks.plan.zones import plan_today

progress_app = typer.Typer(
    help="记录、导入和查看进展报送。",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(progress_app, name="progress")


def _lock_timeout() -> float:
    import os

    from zctasks.files.writer import DEFAULT_LOCK_TIMEOUT

    try:
        return float(os.environ.get("ZCTASKS_LOCK_TIMEOUT", DEFAULT_LOCK_TIMEOUT))
    except ValueError:
        raise UsageError("ZCTASKS_LOCK_TIMEOUT 应为秒数") from None


ByOption = Annotated[
    str,
    typer.Option(
        "--by",
        "-b",
        help="报送单位（须是该任务的单位之一）。",
        autocompletion=_complete_unit,
        show_default=False,
    ),
]
ValuesOption = Annotated[
    list[str] | None,
    typer.Option(
        "--value",
        "-v",
        help="指标数值，如 7.1=12.3；累计指标填年初至今累计数，水平类指标填当前水平；可重复，每个指标一次。",
        show_default=False,
    ),
]
EstimatesOption = Annotated[
    list[str] | None,
    typer.Option(
        "--estimate",
        help="单位给出的预计数（预计、预估），如 7.1=30：单独记录，不计入完成情况；可重复。",
        show_default=False,
    ),
]
CommitOption = Annotated[
    bool,
    typer.Option("--commit", help="写入后用 git 提交，只提交本次写入的记录。"),
]
ForceOption = Annotated[
    str | None,
    typer.Option("--force", help="由不在该任务上的单位代报时，写明原因。", show_default=False),
]
STATUS_HELP = "未启动、推进中、已完成 或 受阻。"


ReceivedOption = Annotated[
    str | None,
    typer.Option(
        "--received",
        help="单位报来的日期（逾期按它计算）；默认为记录的当天。",
        show_default=False,
    ),
]


@progress_app.command("add", short_help="记录一条进展（同一单位同一周期的新报送替代旧的）。")
def progress_add(
    ctx: typer.Context,
    task: Annotated[
        str,
        typer.Argument(
            metavar="TASK", help="任务序号，如 7 或 第7项。", autocompletion=_complete_task
        ),
    ],
    by: ByOption,
    note: Annotated[
        str, typer.Option("--note", "-n", help="完成了什么（必填）。", show_default=False)
    ],
    day: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="进展所截至的日期，如 2023-07-14 或 2023年7月14日；默认今天，不能晚于今天。",
            show_default=False,
        ),
    ] = None,
    received: ReceivedOption = None,
    status: Annotated[str, typer.Option("--status", "-s", help=STATUS_HELP)] = "推进中",
    values: ValuesOption = None,
    estimates: EstimatesOption = None,
    source: Annotated[str, typer.Option("--source", help="依据：文号、会议、链接等。")] = "",
    next_steps: Annotated[str, typer.Option("--next", help="下步计划。")] = "",
    problems: Annotated[str, typer.Option("--problems", help="存在问题。")] = "",
    force: ForceOption = None,
    commit: CommitOption = False,
) -> None:
    """记录一条进展：先全部校验，再在锁保护下原子写入 data/progress/年-月.yaml；相同的报送不会记两次，同一单位同一周期的新报送替代旧的（重新报送）。"""

    from zctasks.log.recording import draft_entry, parse_values, target_units

    root, ledger = _for_writing(ctx, commit)
    found: list[tuple[str, str]] = []
    task_id = _task_number(task, found)
    if force is not None and not force.strip():
        found.append(("--force 需要写明代报原因", "例如 --force 牵头单位委托代报"))
    figures, bad = parse_values(values or [], target_units(ledger, task_id))
    guessed, more = parse_values(
        estimates or [], target_units(ledger, task_id), option="--estimate"
    )
    bad += more
    fields: dict[str, Any] = {
        "task": task_id,
        "date": _day_field(day, "--date", found)
        or (
            ledger.plan.period.start if day else plan_today(ledger.reporting.time_zone)
        ).isoformat(),
        "by": by,
        "status": status,
        "values": figures,
        "estimates": guessed,
        "note": note,
        "source": source,
        "next": next_steps,
        "problems": problems,
        "forced": force or "",
    }
    arrived = _day_field(received, "--received", found)
    if arrived:
        fields["received"] = arrived
    entry = draft_entry(ledger, fields, plan_today(ledger.reporting.time_zone), found + bad)
    progress = _state(ctx).progress(ledger)
    _record(
        root,
        [entry],
        commit,
        "进展",
        [("Task", str(entry.task)), ("Unit", entry.by)],
        ledger=ledger,
    )
    _warn_about(ledger, progress, entry)


def _task_number(text: str, found: list[tuple[str, str]]) -> int | None:
    """A task as typed (7 or 第7项); a problem is added to ``found``."""
    from zctasks.log.inputs import parse_task

    number = parse_task(text)
    if number is None:
        found.append((f"任务序号“{text}”无效", "写任务的编号，如 7 或 第7项"))
    return number


def _day_field(text: str | None, option: str, found: list[tuple[str, str]]) -> str | None:
    """A day typed in any of the accepted forms, as YYYY-MM-DD; a problem goes to ``found``."""
    from zctasks.log.inputs import DAY_FORMS, parse_day

    if text is None:
        return None
    day = parse_day(text)
    if day is None:
        found.append((f"{option} 的日期“{text}”无效", f"写作 {DAY_FORMS}"))
        return None
    return day.isoformat()


@progress_app.command("fix")
def progress_fix(
    ctx: typer.Context,
    entry_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="要更正的记录编号（完整编号，或末尾的 6 位随机码）。",
            show_default=False,
        ),
    ],
    by: Annotated[
        str | None,
        typer.Option(
            "--by", "-b", help="改正报送单位。", autocompletion=_complete_unit, show_default=False
        ),
    ] = None,
    note: Annotated[
        str | None, typer.Option("--note", "-n", help="改正进展情况。", show_default=False)
    ] = None,
    day: Annotated[
        str | None, typer.Option("--date", help="改正进展所截至的日期。", show_default=False)
    ] = None,
    status: Annotated[
        str | None, typer.Option("--status", "-s", help=STATUS_HELP, show_default=False)
    ] = None,
    values: ValuesOption = None,
    estimates: EstimatesOption = None,
    drop: Annotated[
        list[str] | None,
        typer.Option(
            "--drop-value", help="删去原记录中某个指标的数值，如 7.2；可重复。", show_default=False
        ),
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="改正依据。", show_default=False)
    ] = None,
    next_steps: Annotated[
        str | None, typer.Option("--next", help="改正下步计划。", show_default=False)
    ] = None,
    problems: Annotated[
        str | None, typer.Option("--problems", help="改正存在问题。", show_default=False)
    ] = None,
    force: ForceOption = None,
    received: Annotated[
        str | None,
        typer.Option(
            "--received",
            help="改正单位报来的日期（默认沿用原记录）。",
            show_default=False,
        ),
    ] = None,
    keep_note: Annotated[
        bool,
        typer.Option("--keep-note", help="改了数值但进展情况不必改时，保留原文。"),
    ] = False,
    reason: Annotated[str, typer.Option("--reason", help="为什么更正（可选）。")] = "",
    commit: CommitOption = False,
) -> None:
    """更正一条进展：追加一条替代原记录的新记录（原记录保留在日志中，不再参与统计）。

    没有给出的内容沿用原记录；--value 只改给出的指标。
    """

    from zctasks.log.recording import draft_fix, find_open, parse_values, target_units

    root, ledger = _for_writing(ctx, commit)
    progress = _state(ctx).progress(ledger)
    original = find_open(progress, entry_id)
    found: list[tuple[str, str]] = []
    given: dict[str, Any] = {
        name: value
        for name, value in (
            ("by", by),
            ("note", note),
            ("date", _day_field(day, "--date", found)),
            ("received", _day_field(received, "--received", found)),
            ("status", status),
            ("source", source),
            ("next", next_steps),
            ("problems", problems),
            ("forced", force),
        )
        if value is not None
    }
    if values:
        given["values"], bad = parse_values(values, target_units(ledger, original.task))
        found += bad
    if estimates:
        given["estimates"], bad = parse_values(
            estimates, target_units(ledger, original.task), option="--estimate"
        )
        found += bad
    entry = draft_fix(
        ledger,
        original,
        given,
        drop or [],
        reason,
        plan_today(ledger.reporting.time_zone),
        found,
        keep_note,
    )
    _record(
        root,
        [entry],
        commit,
        "更正",
        [("Task", str(entry.task)), ("Unit", entry.by), ("Fixes", original.id)],
        ledger=ledger,
    )
    _warn_about(ledger, progress, entry)


@progress_app.command("void")
def progress_void(
    ctx: typer.Context,
    entry_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="要撤销的记录编号（完整编号，或末尾的 6 位随机码）。",
            show_default=False,
        ),
    ],
    reason: Annotated[
        str, typer.Option("--reason", help="为什么撤销（必填）。", show_default=False)
    ],
    commit: CommitOption = False,
) -> None:
    """撤销一条进展：追加一条撤销记录（原记录保留在日志中，不再参与统计）。"""
    from zctasks.log.recording import draft_void, find_open

    root, ledger = _for_writing(ctx, commit)
    original = find_open(_state(ctx).progress(ledger), entry_id)
    entry = draft_void(original, reason)
    _record(
        root,
        [entry],
        commit,
        "撤销",
        [("Task", str(entry.task)), ("Unit", entry.by), ("Voids", original.id)],
        ledger=ledger,
    )


def _for_writing(ctx: typer.Context, commit: bool) -> tuple[Path, Ledger]:
    """The writable ledger root and its plan; with --commit, a git repository is required first."""
    state = _state(ctx)
    root = state.writable_root()
    ledger = state.ledger()
    if commit:
        from zctasks.files import gitops

        gitops.require_repository(root, with_commits=True)
    return root, ledger


def _record(
    root: Path,
    entries: list[Any],
    commit: bool,
    verb: str,
    trailers: list[tuple[str, str]],
    source_file: str = "",
    ledger: Ledger | None = None,
) -> Any:
    """Append, say what was written, and with --commit commit exactly those lines before
    the lock is released (so commits follow the order of the writes). A unit's later report
    for the same task and cycle of the ledger's reporting calendar replaces its earlier one. A
    report that is already recorded but not committed (an interrupted --commit) is committed
    now."""
    from zctasks.files import gitops
    from zctasks.log.recording import RESENT, Duplicate, append, lines_of
    from zctasks.plan.calendar import Calendar

    def announce_and_commit(result: Any) -> None:
        said = [f"写入 {relative.as_posix()}\n" for relative in result.files]
        if not source_file:
            entry = result.added[0]
            what = {"进展": "已记录", "更正": "已更正", "撤销": "已撤销"}[verb]
            if entry.reason == RESENT and verb == "进展":
                target = f"，重新报送，替代 {entry.fixes}"
            elif entry.replaces():
                target = f"，{'更正' if entry.fixes else '撤销'} {entry.replaces()}"
            else:
                target = ""
            said.append(
                visible(
                    f"{what}：任务{entry.task} {entry.by} {entry.date}（编号 {entry.id}{target}）"
                )
                + "\n"
            )
        pending: dict[Path, list[str]] = {}
        if commit and result.skipped:
            pending = gitops.missing_from_head(root, lines_of(root, [e for _, e in result.skipped]))
            result.uncommitted = sum(len(lines) for lines in pending.values())
        if not (commit and (result.added or pending)):
            sys.stdout.write("".join(said))
            return
        extra = list(trailers)
        committed = [*result.added, *(e for _, e in result.skipped)] if pending else result.added
        del committed[len(result.added) + result.uncommitted :]
        if source_file:
            units = "、".join(dict.fromkeys(e.by for e in committed))
            subject = f"进展: 导入{len(committed)}条 {units}"
            extra.append(("Entries", str(len(committed))))
        else:
            entry = result.added[0]
            subject = f"{verb}: 任务{entry.task} {entry.by} {entry.date}"
            extra.append(("Date", entry.date.isoformat()))
        lines = {p: list(v) for p, v in result.lines.items()}
        for relative, more in pending.items():
            lines.setdefault(relative, []).extend(more)
        sys.stdout.write("".join(said))
        sys.stdout.flush()
        short = _commit(root, lines, subject, extra)
        sys.stdout.write(f"已提交 {short}\n")

    try:
        return append(
            root,
            entries,
            skip_identical=bool(source_file),
            timeout=_lock_timeout(),
            then=announce_and_commit,
            calendar=Calendar.of(ledger) if ledger is not None else None,
        )
    except Duplicate as exc:
        if not commit:
            raise
        existing = exc.existing
        pending = gitops.missing_from_head(root, lines_of(root, [existing]))
        if not pending:
            raise
        subject = f"{verb}: 任务{existing.task} {existing.by} {existing.date}"
        short = _commit(
            root,
            pending,
            subject,
            [*trailers, ("Date", existing.date.isoformat())],
        )
        sys.stdout.write(f"相同的进展已经记录过（编号 {existing.id}），尚未提交；已提交 {short}\n")
        from zctasks.log.recording import Recorded

        return Recorded()


def _commit(
    root: Path,
    lines: dict[Path, list[str]],
    subject: str,
    trailers: list[tuple[str, str]],
) -> str:
    """Commit the lines; say what was kept if the commit failed or did not stay on HEAD."""
    from zctasks.files import gitops
    from zctasks.files.errors import ZctasksError
    from zctasks.log.progress import HEADER
    from zctasks.log.recording import keep_lines

    ids = [_entry_id(line) for held in lines.values() for line in held]
    trailers = [*trailers, *(("Entry", entry_id) for entry_id in ids)]
    files = " ".join(p.as_posix() for p in sorted(lines))
    try:
        return gitops.commit_lines(root, lines, HEADER, subject, trailers)
    except gitops.NotOnHead as exc:
        keep_lines(root, lines)
        raise ZctasksError(
            f"记录已保存（{'、'.join(ids)}），但没有提交：{exc.message}",
            f"记录保存在 {files} 中，尚未提交；再运行同一条命令（带 --commit）即可提交，不会重复记录",
        ) from None
    except gitops.GitError as exc:
        raise ZctasksError(
            f"记录已保存（{'、'.join(ids)}），但没有提交：{exc.message}",
            (exc.hint + "；" if exc.hint else "")
            + f"不要重新录入；再运行同一条命令（带 --commit）即可提交，或用 git add {files} && git commit 提交",
        ) from None


def _entry_id(line: str) -> str:
    import json

    try:
        return str(json.loads(line[2:])["id"])
    except (ValueError, KeyError, TypeError):
        return line.split('"id": "', 1)[-1].split('"', 1)[0]


def _warn_about(ledger: Ledger, progress: Any, entry: Any) -> None:
    from zctasks.cli.app import warn
    from zctasks.log.recording import warnings

    for message in warnings(ledger, progress, entry):
        warn(message)


@progress_app.command("import", short_help="导入单位报来的文件或文件夹，整批校验，全部正确才写入。")
def progress_import(
    ctx: typer.Context,
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE...",
            help="单位报来的文件或文件夹：.xlsx（含 zctasks template 报送表）、.csv、.yaml；可给多个。",
            show_default=False,
        ),
    ],
    day: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="表中没有“日期”列时，这批进展所截至的日期（报送表默认为其报送周期的截止日）。",
            show_default=False,
        ),
    ] = None,
    received: Annotated[
        str | None,
        typer.Option(
            "--received",
            help="这批文件报来的日期（逾期按它计算）；默认为导入的当天。",
            show_default=False,
        ),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option(
            "--ignore-column",
            help="不导入这一列（列名照表头写）；可重复。",
            show_default=False,
        ),
    ] = None,
    commit: CommitOption = False,
) -> None:
    """导入单位报来的进展：多个文件或整个文件夹一次校验，全部正确才写入，否则逐条指出文件、单元格和问题；已记录过的相同报送跳过，同一单位同一周期的新报送替代旧的（重新报送）。"""

    from zctasks.cli.app import warn
    from zctasks.intake.batches import read_batches
    from zctasks.log.figures import number
    from zctasks.log.recording import RESENT

    root, ledger = _for_writing(ctx, commit)
    default_day = parse_day(day, "--date") if day else None
    arrived = parse_day(received, "--received") if received else None
    if arrived is not None and arrived > plan_today(ledger.reporting.time_zone):
        raise UsageError(f"--received 的日期 {arrived} 晚于今天", "写文件报来的那一天")
    names_ignored = frozenset(name.replace(" ", "") for name in ignore or [])
    batch = read_batches(
        ledger, paths, default_day, plan_today(ledger.reporting.time_zone), arrived, names_ignored
    )
    for warning in batch.warnings:
        warn(warning.render().split(": warning[", 1)[0] + "：" + visible(warning.message))
    _warn_about_figures(ctx, ledger, batch)
    for read in batch.files:
        details = [f"{read.reports} 条"]
        if read.unit:
            details.insert(0, read.unit)
        if read.untouched:
            details.append(f"未填写的任务 {read.untouched} 项不计")
        if read.by_title:
            details.append("序号是行号，按任务名称对应")
        sys.stdout.write(f"读取 {visible(read.path.name)}（{'，'.join(details)}）\n")
    for name in sorted(batch.ignored):
        sys.stdout.write(f"按 --ignore-column 没有导入列“{visible(name)}”\n")
    names = "、".join(p.name for p in paths)
    result = _record(
        root,
        batch.entries,
        commit,
        "进展",
        [("Source-File", names)],
        source_file=names,
        ledger=ledger,
    )
    reports = [e for e in result.added if not e.voids]
    units = "、".join(dict.fromkeys(e.by for e in reports))
    line = f"已导入 {len(reports)} 条进展" + (f"（{units}）" if units else "")
    resent = sum(1 for e in reports if e.reason == RESENT)
    if resent:
        line += f"；其中 {resent} 条是重新报送，替代了原来的报送"
    for entry in reports:
        replaced = result.replaced.get(entry.id, [])
        gone = [
            f"{target_id}={number(old.values[target_id])}"
            for old in replaced
            for target_id in old.values
            if target_id not in entry.values
        ]
        if gone:
            warn(
                f"{entry.by} 第{entry.task}项的重新报送没有填 {'、'.join(dict.fromkeys(gone))}："
                "原报送中的这些数值随原报送一起不再有效"
            )
    if result.skipped:
        line += f"；跳过 {len(result.skipped)} 条已记录过的相同报送"
        if result.uncommitted:
            line += f"（其中 {result.uncommitted} 条尚未提交，已一并提交）"
    sys.stdout.write(line + "\n")


def _warn_about_figures(ctx: typer.Context, ledger: Ledger, batch: Any) -> None:
    """What ``progress add`` asks to double-check, asked of every imported report, located
    in its file: a figure far above its target, a cumulative figure below the last one."""
    from zctasks.cli.app import warn
    from zctasks.intake.batches import shown_place
    from zctasks.load.cache import bypassed
    from zctasks.log.recording import warnings

    if not any(entry.values for entry in batch.entries):
        return
    with bypassed():  # read only: nothing is written before the batch's own transaction
        progress = _state(ctx).progress(ledger)
    for entry, place in zip(batch.entries, batch.places, strict=True):
        for message in warnings(ledger, progress, entry):
            warn(f"{visible(shown_place(place))}：{message}")


@progress_app.command("log")
def progress_log(
    ctx: typer.Context,
    task_id: Annotated[
        int | None,
        typer.Option(
            "--task",
            "-t",
            help="只看该任务：7 或 第7项。",
            show_default=False,
            autocompletion=_complete_task,
            click_type=TASK,
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
    effective: Annotated[
        bool,
        typer.Option("--effective", help="只列有效的记录（不含已被更正、撤销的记录和撤销记录）。"),
    ] = False,
    fmt: FormatOption = TableFormat.table,
) -> None:
    """按日期列出全部进展记录，连同更正和撤销的来龙去脉。"""
    from zctasks.judge.views import entry_remark, values_text
    from zctasks.log.progress import entry_json
    from zctasks.plan.queries import find_task

    state = _state(ctx)
    ledger = state.ledger()
    if task_id is not None:
        find_task(ledger, task_id)
    unit = ledger.resolve_unit(dept) if dept else None
    start = parse_day(since, "--since") if since else None
    end = parse_day(until, "--until") if until else None
    progress = state.progress(ledger)
    chosen = [
        i
        for i in progress.order
        if (not effective or progress.in_force(i))
        and (task_id is None or progress.task[i] == task_id)
        and (start is None or progress.day[i] >= start.toordinal())
        and (end is None or progress.day[i] <= end.toordinal())
    ]
    pairs = [
        (i, e)
        for i, e in zip(chosen, progress.entries_at(chosen), strict=True)
        if unit is None or e.by == unit or ledger.tasks[e.task].role_of(unit) is not None
    ]
    later = {i: progress.replacements(e.id) for i, e in pairs}
    entries = [e for _, e in pairs]
    rows = [
        [
            e.id,
            e.date.isoformat(),
            str(e.task),
            e.by,
            e.status or "",
            values_text(e.values),
            e.note,
            entry_remark(e, later[i]),
        ]
        for i, e in pairs
    ]
    print_rows(
        ["编号", "日期", "任务", "单位", "状态", "指标", "进展", "说明"],
        rows,
        fmt,
        title=f"进展记录 {len(entries)} 条",
        json_value=[
            {
                **entry_json(e),
                "effective": progress.in_force(i),
                "replaced_by": [r.id for r in later[i]],
            }
            for i, e in pairs
        ],
        numeric=frozenset({2}),
    )
