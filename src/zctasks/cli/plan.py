"""Making a ledger: `zctasks init` and `zctasks import` of a plan document."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from zctasks.cli.app import (
    app,
)
from zctasks.errors import UsageError


@app.command("init")
def init_command(
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="新台账的目录（不存在或为空）。")],
    demo: Annotated[
        bool, typer.Option("--demo", help="加入标明“示例数据”的虚构进展，用于试用报表。")
    ] = False,
) -> None:
    """新建台账目录：复制计划数据，初始化 git，配置合并规则和提交前检查。"""
    from zctasks import loading
    from zctasks.scaffold import init_ledger

    init_ledger(folder)
    sys.stdout.write(f"已新建台账 {folder}（git 仓库，已安装提交前检查）\n")
    if demo:
        from zctasks.demo import demo_entries
        from zctasks.recording import append

        root = folder.resolve()
        entries = demo_entries(loading.load_ledger(root))
        append(root, entries)
        sys.stdout.write(f"已加入 {len(entries)} 条示例数据（备注均以“【示例数据】”开头）\n")
    sys.stdout.write(f"下一步：cd {folder} && git add -A && git commit -m 初始化台账\n")


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
    from zctasks.writer import Transaction, update

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

        def build(tx: Transaction) -> None:
            for relative, content in files.items():
                tx.write(relative.name, content)

        update(into / "data", build, what="计划文件")
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
