"""Making a ledger: `zctasks init` and `zctasks import` of a plan document."""

import re
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from zctasks.cli.app import (
    app,
)
from zctasks.files.errors import UsageError


@app.command("init")
def init_command(
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="新台账的目录（不存在或为空）。")],
    demo: Annotated[
        bool, typer.Option("--demo", help="加入标明“示例数据”的虚构进展，用于试用报表。")
    ] = False,
    rollup: Annotated[
        bool,
        typer.Option(
            "--rollup",
            help="新建汇总台账（市、省）：汇总各区县自己的台账，目录名即汇总的名称，如 淄博市。",
        ),
    ] = False,
) -> None:
    """新建台账目录：复制计划数据，初始化 git，配置合并规则和提交前检查；--rollup 新建汇总各成员台账的汇总台账。"""
    from zctasks.load import loading
    from zctasks.scaffold.folder import init_ledger

    if rollup and demo:
        raise UsageError("--rollup 和 --demo 不能同用", "汇总台账的数据来自各成员的台账")
    if rollup:
        init_ledger(folder, rollup=folder.expanduser().resolve().name)
        sys.stdout.write(
            f"已新建汇总台账 {folder}（git 仓库，已安装提交前检查）\n"
            f"下一步：cd {folder}，导入市级计划（zctasks import 计划文件），"
            "加入成员（zctasks rollup add 名称 --remote 仓库地址），"
            "在 data/crosswalk.yaml 中写明对应关系，再运行 zctasks rollup fetch\n"
        )
        return
    init_ledger(folder)
    sys.stdout.write(f"已新建台账 {folder}（git 仓库，已安装提交前检查）\n")
    if demo:
        from zctasks.scaffold.demo import populate

        root = folder.resolve()
        entries, slips = populate(root, loading.load_ledger(root))
        sys.stdout.write(
            f"已加入 {entries} 条示例数据（备注均以“【示例数据】”开头）和 {slips} 张示例催办单\n"
        )
    sys.stdout.write(f"下一步：cd {folder} && git add -A && git commit -m 初始化台账\n")


@app.command("import")
def import_command(
    file: Annotated[
        Path, typer.Argument(help="计划文件：.txt（UTF-8 或 GB18030）、.docx、.xlsx 或 .csv。")
    ],
    into: Annotated[Path, typer.Option("--into", help="写入哪个台账目录（默认当前目录）。")] = Path(
        "."
    ),
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="只列出将导入的章节、任务、单位、指标和未能归入的行，不写文件。"
        ),
    ] = False,
    show_yaml: Annotated[
        bool, typer.Option("--yaml", help="与 --dry-run 同用：显示将写入的两个文件的全文。")
    ] = False,
    force: Annotated[
        bool,
        typer.Option("--force", help="替换台账中已有的另一份计划或未提交的修改（先备份）。"),
    ] = False,
    year: Annotated[
        int | None,
        typer.Option(
            "--year", help="计划年度（文件中没有写明年份时必须指定）。", min=1900, max=2200
        ),
    ] = None,
    columns: Annotated[
        str | None,
        typer.Option(
            "--columns",
            metavar="表头=含义,…",
            help='指明表头或标签的含义，如 "落实措施=measures,分管县领导=leaders"；'
            "含义：task text measures lead cooperate responsible leaders due person category number"
            "（也可写 任务 正文 措施 牵头 配合 负责 领导 时限 责任人 类别 序号）。",
        ),
    ] = None,
) -> None:
    """把一份重点工作任务文件转成台账：写入 data/tasks.yaml 和 data/departments.yaml。"""
    from zctasks import importer
    from zctasks.files.writer import Transaction, update
    from zctasks.importer import outline, writing
    from zctasks.plan.checks import check_contents

    mapping = importer.parse_columns(columns) if columns else None
    result = importer.parse(file, year=year, columns=mapping)
    same_plan = writing.holds_plan(into, result.plan)
    if same_plan:  # importing the same plan again: its units keep their full names and aliases
        known, placeholders = importer.known_departments(into)
        result = importer.parse(file, known, placeholders, year=year, columns=mapping)
    files = importer.files_for(result, file, into, keep_units=same_plan)
    checked = check_contents(into.resolve(), dict(files))
    if dry_run:
        if show_yaml:
            for relative, content in files.items():
                sys.stdout.write(f"# ---- {relative.as_posix()} ----\n{content.decode('utf-8')}")
        else:
            sys.stdout.write("\n".join(outline.outline(result, file.name)) + "\n")
        _refuse_if_invalid(checked, [])
        return
    if result.year is None:
        raise UsageError(
            f"{file} 中没有写明计划年度，无法确定计划期",
            f"请用 --year 指定，如 zctasks import {file} --year 2024",
        )
    if result.year_conflict:
        body = re.findall(r"正文写(\d{4})年", result.year_conflict)
        raise UsageError(
            f"{file} 的计划年度不确定：{result.year_conflict}",
            f"请用 --year 指定，如 zctasks import {file} --year {body[0] if body else result.year}",
        )
    report = [outline.summary_line(result, file.name), *result.notes]
    report += outline.unplaced_lines(result) + outline.skipped_lines(result)
    _refuse_if_invalid(checked, report)
    if (progress := writing.progress_in(into)) is not None:
        raise UsageError(
            f"台账 {into} 中已有进展记录（{progress.as_posix()}），导入新计划会使它们失效",
            "新一年的计划请导入新建的台账：zctasks init 目录，再 zctasks import 文件 --into 目录",
        )
    replaced = writing.replaced_plan(into, files)
    if replaced is not None and not force:
        raise replaced
    units_replaced = writing.units_replaced(into, files)
    backup = writing.back_up(into, files) if force or units_replaced else None
    if removed := writing.remove_stale_temporaries(into):
        report.append(f"已清理上次中断的导入留下的临时文件 {removed} 个")
    unplaced = result.unplaced_text(file.name).encode("utf-8") if result.unparsed else None

    def build(tx: Transaction) -> None:
        for relative, content in files.items():
            tx.write(relative.name, content)
        if unplaced is not None:
            tx.write(writing.UNPLACED_FILE.name, unplaced)

    update(into / "data", build, what="计划文件")  # both files or neither
    if unplaced is None:
        (into / writing.UNPLACED_FILE).unlink(missing_ok=True)  # from an earlier import
    if units_replaced:
        report.append(
            f"单位名录只含本计划的 {len(result.units)} 个单位和 {len(result.placeholders)} 个泛指用语"
            "（原有的单位名录不沿用）"
        )
    if backup is not None:
        report.append(f"原文件已备份到 {backup.relative_to(into).as_posix()}/")
    report += [f"写入 {relative.as_posix()}" for relative in files]
    if unplaced is not None:
        report.append(f"未能归入的文字写入 {writing.UNPLACED_FILE.as_posix()}，请对照原文补录")
    report.append("检查通过，可以运行 zctasks check、zctasks list 查看。")
    sys.stdout.write("\n".join(report) + "\n")


def _refuse_if_invalid(checked: Any, report: list[str]) -> None:
    """An import that `zctasks check` would reject is shown with its problems, never written."""
    if not checked.errors:
        return
    lines = [*report, *(d.render() for d in checked.diagnostics)]
    lines.append(
        f"导入结果未通过检查：{len(checked.errors)} 个错误，没有写入任何文件"
        "（可用 --dry-run 查看识别结果，修正原文后重新导入）"
    )
    sys.stderr.write("\n".join(lines) + "\n")
    raise typer.Exit(1)
