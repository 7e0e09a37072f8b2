"""`zctasks report`: the documents to hand in."""

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from zctasks.cli.app import (
    AsOfOption,
    _complete_unit,
    _state,
    app,
    as_of_day,
    parse_day,
)
from zctasks.files.errors import UsageError


class ReportKind(StrEnum):
    briefing = "briefing"
    ledger = "ledger"
    dept = "dept"
    urge = "urge"
    register = "register"


class ReportFormat(StrEnum):
    md = "md"
    docx = "docx"
    xlsx = "xlsx"
    html = "html"
    csv = "csv"
    txt = "txt"


UNIT_KINDS = ("dept", "urge", "register")
"""The kinds that take a unit (UNIT or --dept)."""


def _refuse_unused(
    kind: ReportKind,
    fmt: ReportFormat,
    *,
    unit: str | None,
    week: str | None,
    since: str | None,
    until: str | None,
    issue: int | None,
    record: bool,
) -> None:
    """An option the document cannot use is an error, never silently dropped."""
    name = kind.value
    if unit is not None and kind.value not in UNIT_KINDS:
        raise UsageError(
            f"report {name} 不按单位出，不能指定单位“{unit}”",
            "单位的任务清单用 report dept 单位；单位的催办单用 report urge 单位",
        )
    if kind != ReportKind.briefing:
        for option, value in (
            ("--week", week),
            ("--since", since),
            ("--until", until),
            ("--issue", issue),
        ):
            if value is not None:
                raise UsageError(f"{option} 只用于简报（report briefing），report {name} 不用它")
        if fmt == ReportFormat.txt:
            raise UsageError(
                "txt 格式只用于简报（发到工作群的纯文本）",
                f"report {name} 可用 md、docx、xlsx、html、csv",
            )
    if record and kind not in (ReportKind.urge, ReportKind.briefing):
        raise UsageError(
            f"--record 只用于催办单（report urge）和简报（report briefing），report {name} 不用它"
        )
    if week is not None and (since is not None or until is not None):
        raise UsageError("--week 与 --since/--until 只能用一种", "例如 --week 2023-W44")
    if (since is None) != (until is None):
        raise UsageError("--since 和 --until 要一起给出", "或用 --week 2023-W44 指定一周")
    if issue is not None and issue < 1:
        raise UsageError(f"--issue 期号应为正整数，不是 {issue}")


@app.command("report")
def report_command(
    ctx: typer.Context,
    kind: Annotated[
        ReportKind,
        typer.Argument(
            help="briefing 工作简报、ledger 台账、dept 单位通知、urge 催办单、register 催办登记表。"
        ),
    ],
    unit: Annotated[
        str | None,
        typer.Argument(
            help="单位（dept 必填；urge、register 可选，只出该单位的）。",
            autocompletion=_complete_unit,
            show_default=False,
        ),
    ] = None,
    as_of: AsOfOption = None,
    dated: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="成文日期（YYYY-MM-DD），默认今天；办理时限从这一天算起，顺延到工作日。",
            show_default=False,
        ),
    ] = None,
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
            "--issue",
            help="简报期号；默认接续 data/briefings/ 中登记的上一期（没有登记时为第1期）。",
            show_default=False,
        ),
    ] = None,
    dept: Annotated[
        str | None,
        typer.Option(
            "--dept",
            "-d",
            help="单位（同 UNIT）。",
            autocompletion=_complete_unit,
            show_default=False,
        ),
    ] = None,
    record: Annotated[
        bool,
        typer.Option(
            "--record",
            help="urge：签发催办单，编号并记入 data/urges/；briefing：把这一期记入 data/briefings/（不加则只预览）。",
        ),
    ] = False,
    fmt: Annotated[
        ReportFormat,
        typer.Option(
            "--format", "-f", help="md、docx（公文格式 Word）、xlsx、html、csv；简报还可用 txt。"
        ),
    ] = ReportFormat.md,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="输出文件；md、html、csv、txt 默认输出到屏幕，docx、xlsx 必须指定。",
            show_default=False,
        ),
    ] = None,
    charts: Annotated[
        bool,
        typer.Option(
            "--charts",
            help="简报、台账：附上图表（分章、分牵头单位的灯色，主要指标完成情况）；docx、xlsx、html。",
        ),
    ] = False,
    template: Annotated[
        Path | None,
        typer.Option(
            "--template",
            help="用这个 Jinja 模板文件代替内置模板（在沙箱中渲染）。",
            show_default=False,
        ),
    ] = None,
) -> None:
    """生成报告：工作简报、工作台账、单位通知、催办单、催办登记表；Markdown、Word（公文格式）、Excel、HTML、CSV，简报另有纯文本。"""
    from zctasks.documents.produce import BINARY_FORMATS, Output, Request, produce

    if unit is not None and dept is not None and unit != dept:
        raise UsageError(f"单位给了两次：“{unit}”和 --dept “{dept}”", "只写一次")
    chosen_unit = unit or dept
    _refuse_unused(
        kind,
        fmt,
        unit=chosen_unit,
        week=week,
        since=since,
        until=until,
        issue=issue,
        record=record,
    )
    if fmt.value in BINARY_FORMATS and output is None:
        raise UsageError(f"{fmt.value} 格式需要用 -o 指定输出文件", f"例如 -o 报告.{fmt.value}")
    state = _state(ctx)
    if record:
        state.writable_root()
    ledger = state.ledger()
    from zctasks.files.root import is_rollup

    if kind in (ReportKind.briefing, ReportKind.ledger) and is_rollup(ledger.root):
        from zctasks.cli.app import warn

        warn(
            "这是汇总台账：这里只按本级的进展记录出文件；"
            f"按各成员的台账汇总，用 zctasks rollup report {kind.value}"
        )
    if chosen_unit is not None:
        chosen_unit = ledger.resolve_unit(chosen_unit)
    start = parse_day(since, "--since") if since else None
    end = parse_day(until, "--until") if until else None
    if week is not None:
        from zctasks.documents.reports import iso_week

        try:
            start, end = iso_week(week)
        except ValueError:
            raise UsageError(f"--week 的周号“{week}”无效", "写作 年-W周，如 2023-W30") from None

    from zctasks.plan.zones import plan_today

    today = plan_today(ledger.reporting.time_zone)
    day = as_of_day(ledger, as_of) if as_of else None
    if day is None:
        from zctasks.judge.schedule import default_as_of

        day = min(end, today) if end is not None else default_as_of(ledger, today)
    signed = parse_day(dated, "--date") if dated else today
    if dated and signed < day:
        raise UsageError(
            f"成文日期 {signed} 早于截至日期 {day}",
            "文件的日期是成文（印发）的那一天，不能早于它所截至的日期",
        )
    request = Request(
        kind.value, fmt.value, day, start, end, issue, chosen_unit, template, record, signed, charts
    )
    notice = produce(ledger, state.progress(ledger), request, Output(output, sys.stdout))
    if output is not None:
        sys.stderr.write(f"已生成 {output}\n")
    if notice:
        sys.stderr.write(notice + "\n")
