"""`zctasks score`: 考评 — each unit's score, grade and rank, every point explained."""

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from zctasks.cli.app import AsOfOption, _complete_unit, _state, app, as_of_day
from zctasks.cli.output import print_json, print_table
from zctasks.files.errors import UsageError


class ScoreFormat(StrEnum):
    table = "table"
    json = "json"
    md = "md"
    csv = "csv"
    xlsx = "xlsx"
    docx = "docx"


@app.command("score")
def score_command(
    ctx: typer.Context,
    as_of: AsOfOption = None,
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit",
            "-u",
            help="只看这个单位（仍在全部单位中计分、排名）。",
            autocompletion=_complete_unit,
            show_default=False,
        ),
    ] = None,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain", help="列出该单位每一项得分、扣分、加分的依据和计算（需 --unit）。"
        ),
    ] = False,
    series: Annotated[
        str | None, typer.Option("--series", help="只看这个考评序列。", show_default=False)
    ] = None,
    assume: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="假设某指标截至考评日的数值，如 --set 7.1=25（可多次；不记录任何数据）。",
            show_default=False,
        ),
    ] = None,
    what_if: Annotated[
        Path | None,
        typer.Option(
            "--what-if",
            help='假设数值文件（YAML：  "7.1": 25），与 --set 同样只测算、不记录。',
            show_default=False,
        ),
    ] = None,
    record: Annotated[
        bool,
        typer.Option(
            "--record",
            help="登记本次考评结果（data/scores/），以后重算时显示与登记结果的差别。",
        ),
    ] = False,
    fmt: Annotated[
        ScoreFormat,
        typer.Option(
            "--format",
            "-f",
            help="table 表格、json、md、csv、xlsx（Excel）、docx（公文格式 Word）。",
        ),
    ] = ScoreFormat.table,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="输出文件；xlsx、docx 必须指定。", show_default=False),
    ] = None,
    template: Annotated[
        Path | None,
        typer.Option(
            "--template", help="用这个 Jinja 模板文件代替内置的 score.md.j2。", show_default=False
        ),
    ] = None,
    void: Annotated[
        int | None,
        typer.Option(
            "--void",
            help="作废第 N 次登记的考评结果（如两个分支合并后重号）：追加作废记录，原登记保留；"
            "须写 --reason，同号有几组时用 --as-of 指明。",
            show_default=False,
        ),
    ] = None,
    reason: Annotated[
        str | None,
        typer.Option("--reason", help="作废的原因（与 --void 同用）。", show_default=False),
    ] = None,
) -> None:
    """考评：按 data/scoring.yaml 的规则给各单位计分、定等次、在序列内排名，每一分都注明规则、任务、指标、进展记录或催办单编号和计算过程。"""
    from zctasks.judge.schedule import default_as_of
    from zctasks.scoring import facts, register
    from zctasks.scoring.engine import score
    from zctasks.scoring.reading import load_rules
    from zctasks.scoring.whatif import WhatIf, parse_assignments, read_figures

    if void is not None:
        _void(ctx, void, as_of, reason)
        return
    if reason is not None:
        raise UsageError("--reason 与 --void 同用")
    hypothetical = bool(assume) or what_if is not None
    if explain and unit is None:
        raise UsageError(
            "--explain 要和 --unit 一起用", "例如 zctasks score --unit 区住建局 --explain"
        )
    if record and hypothetical:
        raise UsageError("假设数值（--set、--what-if）只作测算，不能登记", "去掉 --record")
    if record and (unit is not None or series is not None):
        raise UsageError("--record 登记全部单位的考评结果，不能与 --unit、--series 同用")
    if fmt.value in ("xlsx", "docx") and output is None:
        raise UsageError(f"{fmt.value} 格式需要用 -o 指定输出文件", f"例如 -o 考评结果.{fmt.value}")
    if output is not None and fmt.value in ("table", "json"):
        raise UsageError(f"-o 用于 md、csv、xlsx、docx 格式，{fmt.value} 直接输出到屏幕")
    state = _state(ctx)
    if record:
        state.writable_root()
    ledger = state.ledger()
    chosen = ledger.resolve_unit(unit) if unit is not None else None
    day = as_of_day(ledger, as_of) if as_of else default_as_of(ledger)
    rules = load_rules(ledger, ledger.root)
    progress = state.progress(ledger)
    slips = facts.slips(ledger, ledger.root)
    figures: dict[str, Any] = {}
    if what_if is not None:
        figures.update(read_figures(ledger, what_if))
    figures.update(parse_assignments(ledger, assume or []))
    actual = score(ledger, progress, rules, day, slips)
    sheet = score(ledger, WhatIf(progress, figures, day), rules, day, slips) if figures else actual
    if chosen is not None and sheet.unit(chosen) is None:
        raise UsageError(
            f"{chosen} 不在考评范围内", "考评的是牵头或负责任务、且属于某个考评序列的单位"
        )
    if series is not None:
        if series not in sheet.series:
            raise UsageError(f"没有考评序列“{series}”", "可用：" + "、".join(sheet.series))
        sheet.units = [u for u in sheet.units if u.series == series]
    recorded = register.load_register(ledger, ledger.root)
    previous = register.latest(recorded, day)
    compared: list[register.Change] = []
    label = ""
    if figures:
        compared = register.changes({u.unit: register.Snapshot.of(u) for u in actual.units}, sheet)
        label = "实际"
    elif previous:
        snapshots = {r.unit: register.Snapshot.recorded(r) for r in previous}
        compared = register.changes(snapshots, sheet)
        label = f"第{previous[0].number}次登记"
    if record and previous and not compared:
        sys.stderr.write(
            f"第{previous[0].number}次登记（{previous[0].issued.isoformat()}）的考评结果"
            f"与本次完全相同，已登记过，没有重复登记\n"
        )
    elif record:
        from zctasks.plan.zones import plan_today

        number = register.record(ledger.root, sheet, plan_today(ledger.reporting.time_zone))
        sys.stderr.write(
            f"已登记第{number}次考评结果：{len(sheet.units)}个单位，截至{day.isoformat()}，"
            f"写入 data/scores/{day.year}.yaml\n"
        )
        if previous:
            _tell_changes(compared, label)
    elif compared and not figures and fmt is ScoreFormat.table:
        sys.stderr.write(
            f"注意：与{label}（{previous[0].issued.isoformat()}）相比，"
            f"{len(compared)}个单位的考评结果有变化，见“已登记”列；--unit 单位 --explain 看明细\n"
        )
    if fmt in (ScoreFormat.md, ScoreFormat.csv, ScoreFormat.xlsx, ScoreFormat.docx):
        from zctasks.documents.produce import produce_score, write_output

        produced = produce_score(ledger, sheet, fmt.value, chosen, template)  # type: ignore[arg-type]
        if output is None:
            sys.stdout.write(produced.content.decode("utf-8"))
        else:
            write_output(output, produced.content)
            sys.stderr.write(f"已生成 {output}\n")
        return
    if fmt is ScoreFormat.json:
        value = sheet.to_json()
        if chosen is not None:
            value["units"] = [u for u in value["units"] if u["unit"] == chosen]
        if compared:
            value["changes"] = [_change_json(c) for c in compared if chosen in (None, c.unit)]
            value["compared_with"] = "actual" if figures else f"record-{previous[0].number}"
        print_json(value)
        return
    if explain and chosen is not None:
        found = sheet.unit(chosen)
        assert found is not None
        sys.stdout.write(_explain(sheet, found))
        change = next((c for c in compared if c.unit == chosen), None)
        if change is not None:
            from zctasks.judge.views import visible

            sys.stdout.write("\n" + visible(_change_text(change, label), newlines=True) + "\n")
        return
    _summary(sheet, chosen, compared, label)


def _void(ctx: typer.Context, number: int, as_of: str | None, reason: str | None) -> None:
    """`score --void N --reason R`: a record that withdraws a recorded sheet."""
    from zctasks.judge.views import visible
    from zctasks.scoring import register

    if reason is None:
        raise UsageError("作废需要写明原因", "加 --reason，如 --reason 编号重复")
    state = _state(ctx)
    state.writable_root()
    ledger = state.ledger()
    day = as_of_day(ledger, as_of) if as_of else None
    voided, left = register.void(ledger, number, day, reason)
    first = voided[0]
    sys.stdout.write(
        f"已作废第{number}次登记的考评结果（截至{first.as_of}，登记于{first.stamp}，"
        f"{len(voided)}个单位）：{visible(reason.strip())}\n"
    )
    if left:
        sys.stdout.write(f"第{number}次登记另有{left}个单位的结果仍然有效\n")


def _change_json(change: Any) -> dict[str, Any]:
    return {
        "unit": change.unit,
        "before": float(change.before) if change.before is not None else None,
        "after": float(change.after) if change.after is not None else None,
        "grade_before": change.grade_before,
        "grade_after": change.grade_after,
        "lines": list(change.lines),
    }


def _delta(change: Any) -> str:
    from zctasks.scoring.sheet import points_text

    if change.before is None or change.after is None:
        return "新增" if change.before is None else "已不在考评范围"
    return points_text(change.after - change.before)


def _change_text(change: Any, label: str) -> str:
    before = "—" if change.before is None else str(change.before)
    after = "—" if change.after is None else str(change.after)
    lines = [f"与{label}相比：{before} → {after}（{_delta(change)}）"]
    if change.grade_before != change.grade_after:
        lines[0] += f"，等次 {change.grade_before or '—'} → {change.grade_after or '—'}"
    lines += [f"  {text}" for text in change.lines]
    return "\n".join(lines)


def _tell_changes(compared: list[Any], label: str) -> None:
    if not compared:
        sys.stderr.write(f"与{label}相比，各单位得分没有变化\n")
        return
    sys.stderr.write(f"与{label}相比，{len(compared)}个单位有变化：\n")
    from zctasks.judge.views import visible

    for change in compared:
        text = _change_text(change, label).replace(f"与{label}相比：", f"  {change.unit}：", 1)
        sys.stderr.write(visible(text, newlines=True) + "\n")


def _summary(sheet: Any, chosen: str | None, compared: list[Any], label: str) -> None:
    units = [u for u in sheet.units if chosen in (None, u.unit)]
    by_unit = {c.unit: c for c in compared}
    headers = ["序列", "名次", "单位", "得分", "等次"]
    weighted = len(units[0].periods) > 1 if units else False
    if weighted:
        headers += [f"{p.name}" for p in units[0].periods]
    else:
        headers += ["指标", "加分", "扣分"]
    if compared:
        headers += [label, "变化"]
    headers.append("说明")
    rows = []
    for u in units:
        row = [u.series, str(u.rank), u.unit, str(u.total), u.grade or "—"]
        if weighted:
            row += [str(p.subtotal) for p in u.periods]
        else:
            row += [
                _sum(u, ("base", "indicator", "absent")),
                _sum(u, ("addition",)),
                _sum(u, ("deduction", "cap", "floor")),
            ]
        if compared:
            change = by_unit.get(u.unit)
            if change is None:
                row += [str(u.total), ""]
            else:
                row += ["—" if change.before is None else str(change.before), _delta(change)]
        row.append("；".join(f"一票否决：{v.name}" for v in u.vetoes))
        rows.append(row)
    title = f"《{sheet.title}》截至{sheet.as_of.year}年{sheet.as_of.month}月{sheet.as_of.day}日"
    if sheet.hypothetical:
        title += (
            "（假设 "
            + "、".join(f"{k}={v:g}" for k, v in sheet.hypothetical.items())
            + "，未记录）"
        )
    numeric = frozenset({1, 3, *range(5, len(headers) - 1)})
    print_table(headers, rows, title, numeric)


def _sum(unit: Any, kinds: tuple[str, ...]) -> str:
    from decimal import Decimal

    total = sum((line.points for line in unit.lines if line.kind in kinds), Decimal(0))
    return str(total.quantize(unit.total)) if total == 0 else str(total)


def _explain(sheet: Any, unit: Any) -> str:
    """One unit's sheet: every line with what it came from and the arithmetic."""
    from zctasks.judge.views import visible
    from zctasks.scoring.sheet import points_text

    day = sheet.as_of
    head = (
        f"{unit.unit}（{unit.series}）截至{day.year}年{day.month}月{day.day}日考评得分 {unit.total}"
        + (f"，等次 {unit.grade}" if unit.grade else "")
        + f"，序列第{unit.rank}名"
    )
    if sheet.hypothetical:
        head += (
            "（假设 "
            + "、".join(f"{k}={v:g}" for k, v in sheet.hypothetical.items())
            + "，未记录）"
        )
    out = [head, f"考评办法：{sheet.title}", ""]
    for period in unit.periods:
        if period.name:
            out.append(
                f"【{period.name}】{period.start.isoformat()} 至 {period.end.isoformat()}，小计 {period.subtotal}"
            )
        for line in period.lines:
            shown = points_text(line.points) if line.kind not in ("base",) else str(line.points)
            out.append(f"{shown:>8}  {visible(line.name)}：{visible(line.what)}")
            out.append(f"{'':>8}  计算：{visible(line.arithmetic)}")
            refs = []
            if line.entries:
                refs.append("进展记录 " + "、".join(line.entries))
            if line.slips:
                refs.append("催办单 " + "、".join(line.slips))
            if line.records:
                refs.append("data/scoring.yaml 第" + "、".join(str(n) for n in line.records) + "行")
            if line.hypothetical:
                refs.append("假设数值 " + "、".join(line.hypothetical))
            if refs:
                out.append(f"{'':>8}  依据：{'；'.join(refs)}")
        out.append("")
    for line in unit.weighting:
        out.append(f"{line.points!s:>8}  {line.name}：{line.arithmetic}")
    for hit in unit.vetoes:
        effect = f"等次定为{hit.grade}" if hit.grade else f"等次最高为{hit.max_grade}"
        out.append(f"一票否决：{visible(hit.name)}（{visible(hit.what)}），{effect}")
    out.append(f"合计 {unit.total}")
    return visible("\n".join(out), newlines=True) + "\n"
