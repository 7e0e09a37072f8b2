"""`zctasks urge` and `zctasks briefing`: keep the registers of issued 催办单 and 简报
right without deleting a record."""

import sys
from typing import Annotated

import typer

from zctasks.cli.app import _complete_unit, _state, app

urge_app = typer.Typer(
    help="催办单登记：作废发错或重号的催办单，并重新编号签发（原登记保留）。",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(urge_app, name="urge")


@urge_app.command("void")
def urge_void(
    ctx: typer.Context,
    code: Annotated[
        str,
        typer.Argument(
            metavar="CODE",
            help="要作废的催办单编号：完整编号（川发改催〔2023〕23号）或号数（23）。",
            show_default=False,
        ),
    ],
    reason: Annotated[
        str, typer.Option("--reason", help="为什么作废（必填）。", show_default=False)
    ],
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit",
            "-u",
            help="同一编号有几张时（两个分支合并后重号），指明作废哪个单位的一张。",
            autocompletion=_complete_unit,
            show_default=False,
        ),
    ] = None,
    reissue: Annotated[
        bool,
        typer.Option("--reissue", help="作废后用下一个编号重新签发同样的事项和反馈时限。"),
    ] = False,
) -> None:
    """作废一张已签发的催办单：在登记中追加作废记录（原登记保留，编号不再使用）；加 --reissue 重新编号签发。"""
    from zctasks.log.urges import void

    state = _state(ctx)
    root = state.writable_root()
    ledger = state.ledger()
    chosen = ledger.resolve_unit(unit) if unit else None
    from zctasks.documents.reports import prefixes

    old, new = void(ledger, code, chosen, reason, prefixes(ledger), reissue)
    assert ledger.root == root
    sys.stdout.write(f"已作废 {old.code}（{old.unit}，{old.issued} 签发）：{reason.strip()}\n")
    if new is not None:
        sys.stdout.write(
            f"重新签发为 {new.code}，事项和反馈时限不变；打印：zctasks report urge {new.unit} "
            f"--as-of {new.issued} --date {new.issued} -f docx -o 催办单.docx\n"
        )


briefing_app = typer.Typer(
    help="简报登记：作废重号的一期（原登记保留），再以新期号重新登记。",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(briefing_app, name="briefing")


@briefing_app.command("void")
def briefing_void(
    ctx: typer.Context,
    number: Annotated[int, typer.Argument(metavar="N", help="要作废的期号。", show_default=False)],
    reason: Annotated[
        str, typer.Option("--reason", help="为什么作废（必填）。", show_default=False)
    ],
    since: Annotated[
        str | None,
        typer.Option("--since", help="同一期号有几期时，所作废一期的起始日。", show_default=False),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option("--until", help="同一期号有几期时，所作废一期的截止日。", show_default=False),
    ] = None,
) -> None:
    """作废一期已登记的简报：在登记中追加作废记录（原登记保留，期号不再使用），这一期的时间范围可以重新登记。"""
    from zctasks.cli.app import parse_day
    from zctasks.log.briefings import void

    state = _state(ctx)
    state.writable_root()
    ledger = state.ledger()
    start = parse_day(since, "--since") if since else None
    end = parse_day(until, "--until") if until else None
    old = void(ledger, number, start, end, reason)
    sys.stdout.write(
        f"已作废第{old.number}期简报（{old.since}至{old.until}）：{reason.strip()}\n"
        f"重新登记：zctasks report briefing --since {old.since} --until {old.until} --record\n"
    )
