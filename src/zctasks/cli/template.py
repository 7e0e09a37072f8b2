"""`zctasks template`: the 报送表 sent to units, one per unit."""

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from zctasks.cli.app import AsOfOption, _complete_unit, _state, app, as_of_day
from zctasks.files.errors import UsageError


class TemplateFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"


@app.command("template")
def template_command(
    ctx: typer.Context,
    unit: Annotated[
        str | None,
        typer.Argument(
            help="单位（简称、全称或别名）。", autocompletion=_complete_unit, show_default=False
        ),
    ] = None,
    every: Annotated[
        bool, typer.Option("--all", help="为每个有任务的单位各出一份，写入 -o 指定的目录。")
    ] = False,
    fmt: Annotated[
        TemplateFormat, typer.Option("--format", "-f", help="xlsx（默认，Excel/WPS）或 csv。")
    ] = TemplateFormat.xlsx,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="输出文件（单个单位，默认按单位和截止日期命名）；--all 时为输出目录。",
            show_default=False,
        ),
    ] = None,
    as_of: AsOfOption = None,
) -> None:
    """生成发给单位的进展报送表：列出该单位的任务、指标、目标和上次报送值，留出本期填写的单元格。"""
    from zctasks.documents.produce import output_folder, write_output
    from zctasks.intake.template import csv_text, cycle_for, file_name, xlsx_bytes
    from zctasks.judge.schedule import default_as_of

    if every == (unit is not None):
        raise UsageError(
            "请指定一个单位，或用 --all 为全部单位生成", "例如 zctasks template 区发改局"
        )
    state = _state(ctx)
    ledger = state.ledger()
    progress = state.progress(ledger)
    day = as_of_day(ledger, as_of) if as_of else default_as_of(ledger)
    cycle = cycle_for(ledger, day)
    units = (
        [ledger.resolve_unit(unit)]
        if unit is not None
        else [name for name in ledger.units if ledger.tasks_of(name)]
    )
    if every:
        if output is None:
            raise UsageError("--all 需要用 -o 指定输出目录", "例如 -o 报送表")
        output_folder(output)
    for name in units:
        content = (
            xlsx_bytes(ledger, progress, name, day)
            if fmt is TemplateFormat.xlsx
            else csv_text(ledger, progress, name, day).encode("utf-8")
        )
        default = Path(file_name(name, cycle, fmt.value))
        target = (output / default if every else output) if output is not None else default
        write_output(target, content)
        sys.stdout.write(f"已生成 {target}\n")
    if every:
        sys.stdout.write(
            f"共 {len(units)} 个单位；截止日期 {cycle.due.isoformat()}。"
            "收回后用 zctasks progress import 目录 一次导入。\n"
        )
