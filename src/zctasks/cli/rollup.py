"""`zctasks rollup`: a city's ledger over its members' own ledgers."""

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from zctasks.cli.app import AsOfOption, _state, app, as_of_day, parse_day
from zctasks.cli.output import print_json
from zctasks.files.errors import UsageError

rollup_app = typer.Typer(
    help="汇总台账：获取各成员（区县）自己的台账，按对应关系汇总灯色和数值，出汇总的简报和台账。",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(rollup_app, name="rollup")

MemberOption = Annotated[
    str | None,
    typer.Option("--member", "-m", help="只看（只获取）这个成员。", show_default=False),
]


class RollupFormat(StrEnum):
    table = "table"
    json = "json"


def _rollup_root(ctx: typer.Context) -> Path:
    from zctasks.files.root import is_rollup

    root = _state(ctx).root()
    if root.bundled or not is_rollup(Path(root.path)):
        raise UsageError(
            "当前台账不是汇总台账（没有 data/members.yaml）",
            "用 zctasks init --rollup 淄博市 新建汇总台账，或用 --root 指定汇总台账目录",
        )
    return Path(root.path)


def _member(ctx: typer.Context, root: Path, name: str | None) -> None:
    if name is None:
        return
    from zctasks.files.errors import LedgerInvalid
    from zctasks.rollup.reading import read_members

    members, problems = read_members(root)
    if members is None:
        raise LedgerInvalid(problems)
    if name not in members.names:
        known = "、".join(members.names) or "（没有成员）"
        raise UsageError(f"“{name}”不是成员", f"成员：{known}")


@rollup_app.command("add")
def rollup_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="成员的名称，如 淄川区。", show_default=False)],
    remote: Annotated[
        str | None,
        typer.Option(
            "--remote",
            help="成员台账的 git 仓库：网址（https://…、ssh://…）或目录（相对于汇总台账）。",
            show_default=False,
        ),
    ] = None,
    bundle: Annotated[
        str | None,
        typer.Option(
            "--bundle",
            help="成员送来的 git bundle 文件（相对于汇总台账），用于不联网的成员。",
            show_default=False,
        ),
    ] = None,
    branch: Annotated[
        str | None,
        typer.Option(
            "--branch", help="台账所在的分支；不写时读仓库的默认分支。", show_default=False
        ),
    ] = None,
    series: Annotated[
        str | None,
        typer.Option("--series", help="排名的序列，如 县区、园区、市直部门。", show_default=False),
    ] = None,
) -> None:
    """把一个成员加入 data/members.yaml。"""
    from zctasks.rollup.editing import add_member

    root = _rollup_root(ctx)
    add_member(root, name, remote, bundle, branch, series)
    sys.stdout.write(
        f"已加入成员 {name}（data/members.yaml）；运行 zctasks rollup fetch 获取它的台账\n"
    )


@rollup_app.command("fetch")
def rollup_fetch(
    ctx: typer.Context,
    member: MemberOption = None,
    locked: Annotated[
        bool,
        typer.Option(
            "--locked",
            help="不更新锁定的提交，只取回 data/members.lock 锁定的提交（在另一台电脑上重现汇总）。",
        ),
    ] = False,
    accept_rewrite: Annotated[
        bool,
        typer.Option(
            "--accept-rewrite",
            help="与 --member 同用：接受该成员被改写的历史（强制推送），锁定它现在的提交。",
        ),
    ] = False,
) -> None:
    """用 git 获取各成员的台账（远程仓库或 bundle 文件），检查通过的锁定在 data/members.lock。"""
    from zctasks.files.errors import LedgerInvalid
    from zctasks.rollup.mirrors import fetch
    from zctasks.rollup.reading import read_lock, read_members

    root = _rollup_root(ctx)
    if accept_rewrite and member is None:
        raise UsageError("--accept-rewrite 要与 --member 同用：只对确认过的成员接受改写的历史")
    if accept_rewrite and locked:
        raise UsageError("--accept-rewrite 与 --locked 不能同用")
    members, problems = read_members(root)
    if members is None:
        raise LedgerInvalid(problems)
    _member(ctx, root, member)
    pins, problems = read_lock(root, members)
    errors = [d for d in problems if d.severity == "error"]
    if errors:
        raise LedgerInvalid(errors)
    if not members.file.members:
        raise UsageError("还没有成员", "用 zctasks rollup add 名称 --remote 仓库地址 加入成员")
    outcomes, wrote = fetch(
        root, members, pins, member, locked=locked, accept_rewrite=accept_rewrite
    )
    from zctasks.judge.views import visible

    for outcome in outcomes:
        text = outcome.message
        if outcome.result == "failed":
            kept = outcome.pin.commit
            text = (
                f"获取失败：{text}"
                + (f"；沿用提交 {kept[:7]}" if kept and kept[:7] not in text else "")
                + ("" if kept else "；尚无可用的提交")
            )
        sys.stdout.write(f"{outcome.name}：{visible(text)}\n")
    if wrote:
        sys.stdout.write("写入 data/members.lock\n")
    counts = {
        "锁定": sum(1 for o in outcomes if o.result in ("first", "updated")),
        "没有新提交": sum(1 for o in outcomes if o.result == "unchanged"),
        "沿用锁定的提交": sum(1 for o in outcomes if o.result == "kept"),
        "失败": sum(1 for o in outcomes if o.result == "failed"),
    }
    failed = [o.name for o in outcomes if o.result == "failed"]
    said = "，".join(f"{k} {v} 个" for k, v in counts.items() if v)
    if failed:
        said += f"（{'、'.join(failed)}）"
    sys.stdout.write(f"共 {len(outcomes)} 个成员：{said}。\n")
    if wrote:
        sys.stdout.write("下一步：git add data/members.lock && git commit -m 更新成员台账\n")
    if failed:
        raise typer.Exit(1)


def _opened(ctx: typer.Context, as_of: str | None) -> Any:
    from zctasks.judge.schedule import default_as_of
    from zctasks.rollup.view import open_rollup

    root = _rollup_root(ctx)
    city = _state(ctx).ledger()
    day = as_of_day(city, as_of) if as_of else default_as_of(city)
    return open_rollup(root, city, day)


@rollup_app.command("status")
def rollup_status(
    ctx: typer.Context,
    as_of: AsOfOption = None,
    member: MemberOption = None,
    fmt: Annotated[
        RollupFormat, typer.Option("--format", "-f", help="输出格式：table 或 json。")
    ] = RollupFormat.table,
) -> None:
    """汇总的灯色：市级任务的汇总数值和灯色、各成员自己的灯色、数据来源（提交、最近报送、检查、数据时长）和排名。"""
    root = _rollup_root(ctx)
    _member(ctx, root, member)
    opened = _opened(ctx, as_of)
    from zctasks.rollup.view import status_json

    value = status_json(opened)
    if member is not None:
        value = _one_member(value, member)
    if fmt is RollupFormat.json:
        print_json(value)
        return
    if member is not None:
        _print_member(value, member)
        return
    _print_status(opened, value)


def _one_member(value: dict[str, Any], name: str) -> dict[str, Any]:
    """The status with only one member's parts, provenance and standing."""
    tasks = []
    for task in value["tasks"]:
        rolled = task.get("rollup")
        if rolled is None:
            continue
        mine = [m for m in rolled["members"] if m["member"] == name]
        targets = [
            {**t, "members": [c for c in t["members"] if c["member"] == name]}
            for t in rolled["targets"]
        ]
        if mine or any(t["members"] for t in targets):
            tasks.append({**task, "rollup": {**rolled, "members": mine, "targets": targets}})
    return {
        **value,
        "tasks": tasks,
        "members": [m for m in value["members"] if m["member"] == name],
        "league": [
            {**table, "members": [m for m in table["members"] if m["member"] == name]}
            for table in value["league"]
            if any(m["member"] == name for m in table["members"])
        ],
    }


def _print_member(value: dict[str, Any], name: str) -> None:
    from zctasks.cli.output import print_table
    from zctasks.judge.views import LIGHT_STYLES
    from zctasks.log.figures import number

    source = value["members"][0]
    sys.stdout.write(
        f"{name}：{source['state_name']}"
        + (f"，提交 {source['commit'][:7]}" if source["commit"] else "")
        + (f"，最近报送 {source['latest_report']}" if source["latest_report"] else "")
        + (f"；{source['problem']}" if source["problem"] else "")
        + "\n\n"
    )
    rows = []
    for task in value["tasks"]:
        rolled = task["rollup"]
        for m in rolled["members"]:
            figures = "；".join(
                f"{c['target']}={number(c['actual'])}{c['unit']}"
                + (
                    f"（折合{number(c['converted'])}{t['unit']}）"
                    if c["converted"] is not None and c["unit"] != t["unit"]
                    else ""
                )
                for t in rolled["targets"]
                for c in t["members"]
                if c["task"] == m["task"] and c["actual"] is not None
            )
            rows.append(
                [
                    str(task["id"]),
                    task["title"],
                    f"{m['task']} {m['title']}".strip(),
                    m["light_name"],
                    figures,
                    m["reason"],
                ]
            )
    print_table(
        ["序号", "市级任务", f"{name}的任务", "灯色", "数值", "原因"],
        rows,
        title=f"{name}承担的市级任务 {len(rows)} 项",
        numeric=frozenset({0}),
        styles=LIGHT_STYLES,
    )


def _print_status(opened: Any, value: dict[str, Any]) -> None:
    from zctasks.cli.output import print_table
    from zctasks.judge.views import LIGHT_STYLES, status_summary
    from zctasks.log.figures import number
    from zctasks.rollup.league import percent, standings
    from zctasks.rollup.view import member_lights, members_summary, sources

    name = opened.members.file.name
    sys.stdout.write((f"{name}汇总：" if name else "") + status_summary(opened.report) + "\n")
    sys.stdout.write(members_summary(opened) + "\n\n")
    rows = []
    for task in value["tasks"]:
        rolled = task.get("rollup")
        figures = ""
        members = "（本级）"
        if rolled is not None:
            figures = "；".join(
                f"{t['id']}={number(t['actual'])}{t['unit']}"
                for t in rolled["targets"]
                if t["actual"] is not None
            )
            members = member_lights(opened.rollup.task(task["id"], opened.as_of))
        rows.append(
            [str(task["id"]), task["title"], task["light_name"], figures, task["reason"], members]
        )
    print_table(
        ["序号", "任务", "灯色", "汇总数值", "原因", "各成员"],
        rows,
        title="市级任务",
        numeric=frozenset({0}),
        styles=LIGHT_STYLES,
    )
    sys.stdout.write("\n")
    print_table(
        ["成员", "序列", "提交", "提交时间", "最近报送", "检查", "数据时长", "状态"],
        [
            [
                s.member,
                s.series,
                s.commit[:7],
                s.committed[:16].replace("T", " "),
                s.latest or "",
                ""
                if s.warnings is None
                else ("通过" + (f"（{s.warnings}个警告）" if s.warnings else "")),
                "" if s.age is None else f"{s.age}天",
                {
                    "current": "已更新",
                    "stale": "沿用上次的提交",
                    "none": "尚无数据",
                    "unreadable": "无法读取",
                }[s.state]
                + (f"：{s.problem}" if s.problem else ""),
            ]
            for s in sources(opened)
        ],
        title="数据来源",
    )
    for series, rows_ in standings(opened.members, opened.reduced):
        sys.stdout.write("\n")
        print_table(
            ["名次", "成员", "任务数", "已完成和序时推进", "严重滞后", "按时报送", "说明"],
            [
                [
                    str(r.rank) if r.rank else "",
                    r.member,
                    str(r.tasks) if r.tasks else "",
                    percent(r.share) if r.tasks else "",
                    str(r.red) if r.tasks else "",
                    percent(r.punctuality) if r.tasks else "",
                    r.note,
                ]
                for r in rows_
            ],
            title=f"排名：{series}",
            numeric=frozenset({0, 2, 3, 4, 5}),
        )


class RollupKind(StrEnum):
    briefing = "briefing"
    ledger = "ledger"


class RollupReportFormat(StrEnum):
    md = "md"
    docx = "docx"
    xlsx = "xlsx"
    html = "html"
    csv = "csv"
    txt = "txt"


@rollup_app.command("report")
def rollup_report(
    ctx: typer.Context,
    kind: Annotated[
        RollupKind, typer.Argument(help="briefing 汇总的工作简报，ledger 汇总的台账。")
    ],
    as_of: AsOfOption = None,
    dated: Annotated[
        str | None,
        typer.Option("--date", help="成文日期（YYYY-MM-DD），默认今天。", show_default=False),
    ] = None,
    week: Annotated[
        str | None,
        typer.Option("--week", help="简报所报的一周，如 2023-W30。", show_default=False),
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="简报起始日期（含）。", show_default=False)
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="简报截止日期（含）。", show_default=False)
    ] = None,
    issue: Annotated[
        int | None, typer.Option("--issue", help="简报期号。", show_default=False)
    ] = None,
    record: Annotated[
        bool, typer.Option("--record", help="briefing：把这一期记入 data/briefings/。")
    ] = False,
    fmt: Annotated[
        RollupReportFormat,
        typer.Option(
            "--format", "-f", help="md、docx（公文格式 Word）、xlsx、html、csv；简报还可用 txt。"
        ),
    ] = RollupReportFormat.md,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="输出文件；docx、xlsx 必须指定。", show_default=False),
    ] = None,
    charts: Annotated[
        bool, typer.Option("--charts", help="附上图表（docx、xlsx、html）。")
    ] = False,
    template: Annotated[
        Path | None,
        typer.Option("--template", help="用这个 Jinja 模板文件代替内置模板。", show_default=False),
    ] = None,
) -> None:
    """汇总的工作简报或台账：市级任务按各成员的数据亮灯，另有“各区县进展”一节和附件。"""
    from zctasks.cli.report import ReportFormat, ReportKind, _refuse_unused
    from zctasks.documents.produce import BINARY_FORMATS, Output, Request, produce

    _refuse_unused(
        ReportKind(kind.value),
        ReportFormat(fmt.value),
        unit=None,
        week=week,
        since=since,
        until=until,
        issue=issue,
        record=record,
    )
    if fmt.value in BINARY_FORMATS and output is None:
        raise UsageError(f"{fmt.value} 格式需要用 -o 指定输出文件", f"例如 -o 报告.{fmt.value}")
    state = _state(ctx)
    root = _rollup_root(ctx)
    if record:
        state.writable_root()
    city = state.ledger()
    start = parse_day(since, "--since") if since else None
    end = parse_day(until, "--until") if until else None
    if week is not None:
        from zctasks.documents.reports import iso_week

        try:
            start, end = iso_week(week)
        except ValueError:
            raise UsageError(f"--week 的周号“{week}”无效", "写作 年-W周，如 2023-W30") from None
    from zctasks.judge.schedule import default_as_of
    from zctasks.plan.zones import plan_today

    today = plan_today(city.reporting.time_zone)
    day = as_of_day(city, as_of) if as_of else None
    if day is None:
        day = min(end, today) if end is not None else default_as_of(city, today)
    signed = parse_day(dated, "--date") if dated else today
    if dated and signed < day:
        raise UsageError(
            f"成文日期 {signed} 早于截至日期 {day}",
            "文件的日期是成文（印发）的那一天，不能早于它所截至的日期",
        )
    from zctasks.rollup.view import open_rollup, section

    opened = open_rollup(root, city, day)
    request = Request(
        kind.value,
        fmt.value,
        day,
        start,
        end,
        issue,
        None,
        template,
        record,
        signed,
        charts,
        section(opened),
    )
    notice = produce(city, opened.progress, request, Output(output, sys.stdout))
    if output is not None:
        sys.stderr.write(f"已生成 {output}\n")
    if notice:
        sys.stderr.write(notice + "\n")
