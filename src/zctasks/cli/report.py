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
from zctasks.errors import UsageError


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
    day = as_of_day(ledger, as_of) if as_of else None
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
