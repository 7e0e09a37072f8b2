"""What the import refuses, keeps and cleans up, and what check says about an imported plan."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from conftest import REPO, SEED
from zctasks import importer
from zctasks.load import loading

PROJECTS = """\
一、重大项目
10.建设人才公寓。新建人才公寓200套。（牵头单位：市住建局，配合单位：各有关单位，各区、县级市）
11.121人才梯队项目。引进培养人才121名。（牵头单位：市人社局，配合单位：市财政局、市科技局，各区、县级市政府）
"""


def test_a_number_that_runs_into_the_title_and_placeholders_kept_apart(tmp_path):
    source = tmp_path / "意见.txt"
    source.write_text(PROJECTS, "utf-8")
    result = importer.parse(source)
    first, second = result.tasks
    assert (second.id, second.title) == (11, "121人才梯队项目")
    assert first.cooperate == ("各有关单位", "各区、县级市")
    assert (second.lead, second.cooperate) == (
        ("市人社局",),
        ("市财政局", "市科技局", "各区、县级市政府"),
    )
    assert sorted(result.placeholders) == ["各区、县级市", "各区、县级市政府", "各有关单位"]
    assert "各区" not in result.units and "县级市" not in result.units


def test_dry_run_shows_what_would_be_imported(zc, tmp_path):
    source = tmp_path / "意见.txt"
    source.write_text("无关的一行\n" + PROJECTS + "（一）这一段不属于任何任务。\n", "utf-8")
    result = zc("import", str(source), "--into", str(tmp_path), "--dry-run")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[lines.index("第1章 重大项目") :] == [
        "第1章 重大项目",
        "  10. 建设人才公寓",
        "     牵头：市住建局；配合：各有关单位、各区、县级市",
        "     指标：新建人才公寓200套",
        "  11. 121人才梯队项目",
        "     牵头：市人社局；配合：市财政局、市科技局、各区、县级市政府",
        "     指标：引进培养人才≥121名",
        "新单位：市住建局、市人社局、市财政局、市科技局",
        "泛指用语（不作为单位）：各有关单位、各区、县级市、各区、县级市政府",
        "未能归入 1 处（请对照原文补录）：",
        "  第5行：（一）这一段不属于任何任务。",
        "略去（不属于任务）：文件头 1 行",
    ]
    assert not (tmp_path / "data").exists()


def test_check_reports_roles_that_disagree_with_their_attribution(tmp_path, zc):
    root = tmp_path / "ledger"
    zc("init", str(root))
    tasks = root / "data" / "tasks.yaml"
    text = tasks.read_text("utf-8")
    tasks.write_text(text.replace("    lead: [区工信局]\n", "    lead: [区科技局]\n", 1), "utf-8")
    result = zc("check", root=root)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:2] == [
        "data/tasks.yaml:165:11: error[roles-differ]: 任务 7 的牵头单位与原文分工不符：原文为“区工信局”，列表为“区科技局”",
        "  提示：attribution 是分工的原文；请改正 lead、cooperate、responsible，或连同原文一起改正",
    ]


def test_check_reports_chapters_left_without_tasks(tmp_path, zc):
    root = tmp_path / "ledger"
    zc("init", str(root))
    tasks = root / "data" / "tasks.yaml"
    text = tasks.read_text("utf-8")
    tasks.write_text(text[: text.index("  - id: 36\n")], "utf-8")  # cut in half
    lines = zc("check", root=root).stdout.splitlines()
    empty = [line for line in lines if "empty-chapter" in line]
    assert (
        empty[0]
        == "data/tasks.yaml:20:5: error[empty-chapter]: 第 6 章“提升城市建设治理水平”没有任务"
    )
    assert len(empty) == 7  # chapters 6–12
    assert loading.check(REPO).errors == []  # the bundled plan passes both checks


def test_an_import_that_check_would_reject_writes_nothing(zc, tmp_path):
    """The same plan imported again reuses the units' aliases: here 发改局 is 区发改局, so the
    task would have one unit in two roles, which check rejects."""
    root = tmp_path / "ledger"
    source = tmp_path / "plan.txt"
    source.write_text(
        "某区2024年重点任务\n一、章\n1. 任务。内容。（区发改局牵头，区工信局配合）\n", "utf-8"
    )
    assert zc("import", str(source), "--into", str(root)).exit_code == 0
    departments = root / "data" / "departments.yaml"
    departments.write_text(
        departments.read_text("utf-8").replace(
            "区发改局: {kind: 政府工作部门}", "区发改局: {kind: 政府工作部门, aliases: [发改局]}"
        ),
        "utf-8",
    )
    tasks = (root / "data" / "tasks.yaml").read_bytes()
    source.write_text(
        "某区2024年重点任务\n一、章\n1. 任务。内容。（发改局牵头，区发改局配合）\n", "utf-8"
    )
    result = zc("import", str(source), "--into", str(root))
    assert result.exit_code == 1
    assert "error[role-conflict]: 任务 1 中“区发改局”同时是牵头和配合单位" in result.stderr
    assert result.stderr.endswith(
        "导入结果未通过检查：1 个错误，没有写入任何文件（可用 --dry-run 查看识别结果，修正原文后重新导入）\n"
    )
    assert (root / "data" / "tasks.yaml").read_bytes() == tasks


def test_another_plan_or_uncommitted_edits_are_refused_unless_forced(zc, tmp_path):
    import subprocess

    root = tmp_path / "ledger"
    assert zc("init", str(root)).exit_code == 0
    assert zc("import", str(SEED), "--into", str(root)).exit_code == 0  # init's copy: no loss
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "add", "-A"], check=True, capture_output=True)
    subprocess.run([*git, "commit", "-qm", "plan", "--no-verify"], check=True)
    tasks = root / "data" / "tasks.yaml"
    edited = tasks.read_text("utf-8").replace("加快高能级创新平台建设", "加快创新平台建设")
    tasks.write_text(edited, "utf-8")
    other = tmp_path / "other.txt"
    other.write_text(PROJECTS, "utf-8")
    refused = zc("import", str(other), "--into", str(root), "--year", "2024")
    assert (refused.exit_code, refused.stderr) == (
        2,
        f"错误：台账 {root} 的 data/tasks.yaml 有未提交的修改，导入会覆盖它们\n"
        "提示：请先提交（git commit）或另存这些修改；确需替换请加 --force，原文件先备份到 .zctasks-backup/\n",
    )
    assert tasks.read_text("utf-8") == edited
    forced = zc("import", str(other), "--into", str(root), "--force", "--year", "2024")
    assert forced.exit_code == 0, forced.stderr
    (backup,) = (root / ".zctasks-backup").iterdir()
    assert (backup / "data" / "tasks.yaml").read_text("utf-8") == edited
    assert f"原文件已备份到 .zctasks-backup/{backup.name}/" in forced.stdout
    subprocess.run([*git, "commit", "-qam", "other plan", "--no-verify"], check=True)
    committed = zc("import", str(SEED), "--into", str(root))  # another plan, committed
    assert committed.exit_code == 2
    assert f"错误：台账 {root} 已有另一份计划 data/tasks.yaml，导入会替换它" in committed.stderr


def _zip_with(part: str, size: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(part, b"\0" * size)
    return buffer.getvalue()


def test_unpacked_size_of_docx_and_xlsx_is_bounded(zc, tmp_path, monkeypatch):
    monkeypatch.setattr("zctasks.files.limits.MAX_UNPACKED", 1024 * 1024)
    for name, part in (
        ("plan.docx", "word/document.xml"),
        ("plan.xlsx", "xl/worksheets/sheet1.xml"),
    ):
        source = tmp_path / name
        source.write_bytes(_zip_with(part, 3 * 1024 * 1024))  # 3 MiB of zeros, a few KiB packed
        result = zc("import", str(source), "--into", str(tmp_path))
        kind = source.suffix
        assert (result.exit_code, result.stderr) == (
            1,
            f"错误：{source} 其中的 {part} 解压后为 3.0 MiB，超过上限 1.0 MiB，未读取\n"
            f"提示：文件可能已损坏或嵌有超大内容；请重新另存为 {kind}，或导出为纯文本 .txt\n",
        )


def test_a_damaged_docx_gets_a_reason(zc, tmp_path):
    source = tmp_path / "plan.docx"
    source.write_bytes(_zip_with("word/other.xml", 10))
    result = zc("import", str(source), "--into", str(tmp_path))
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"错误：{source} 无法作为 .docx 打开：") and len(first) > len(
        f"错误：{source} 无法作为 .docx 打开："
    )


def test_stale_temporaries_of_a_killed_import_are_removed(zc, tmp_path):
    root = tmp_path / "ledger"
    zc("init", str(root))
    stale = root / "data" / ".tmp-abc123"
    stale.write_text("half a file", "utf-8")
    progress_temp = root / "data" / "progress" / ".tmp-live"
    progress_temp.write_text("a progress writer's", "utf-8")
    result = zc("import", str(SEED), "--into", str(root))
    assert result.exit_code == 0, result.stderr
    assert "已清理上次中断的导入留下的临时文件 1 个" in result.stdout
    assert not stale.exists() and progress_temp.exists()


def test_a_newline_in_the_file_name_or_title_stays_in_the_comment(tmp_path):
    from docx import Document

    source = tmp_path / "a\nb\u2028c.docx"
    document = Document()
    for text in ("某区2024年重点\u2028任务", "一、章", "1. 任务。内容。（区甲局负责）"):
        document.add_paragraph(text)
    document.save(str(source))
    result = importer.parse(source)
    tasks = importer.files_for(result, source, tmp_path)[
        REPO.joinpath("data/tasks.yaml").relative_to(REPO)
    ]
    header = [line for line in tasks.decode("utf-8").split("\n") if line.startswith("#")]
    assert (
        header[2] == "# Imported by zctasks import from a b c.docx; check it against the document."
    )
    assert header[1] == "# 《某区2024年重点任务》（（无文号））"
    assert "\u2028" not in "\n".join(header)


def test_a_gbk_progress_file_gets_a_message(zc, tmp_path):
    root = tmp_path / "ledger"
    zc("init", str(root))
    month = root / "data" / "progress" / "2023-07.yaml"
    month.write_bytes("- {id: x, task: 1, note: 完成}\n".encode("gbk"))
    result = zc("import", str(SEED), "--into", str(root))
    assert (result.exit_code, result.stderr.splitlines()[0]) == (
        2,
        f"错误：台账 {root} 中已有进展记录（data/progress/2023-07.yaml），导入新计划会使它们失效",
    )


def test_what_cannot_be_placed_is_written_beside_the_ledger(zc, tmp_path):
    root = tmp_path / "ledger"
    source = tmp_path / "意见.txt"
    source.write_text("某市2024年重大项目\n" + PROJECTS + "（一）这一段不属于任何任务。\n", "utf-8")
    result = zc("import", str(source), "--into", str(root))
    assert result.exit_code == 0, result.stderr
    assert "未能归入的文字写入 data/import-unplaced.txt，请对照原文补录" in result.stdout
    assert (root / "data" / "import-unplaced.txt").read_text("utf-8") == (
        "# zctasks import：意见.txt 中未能归入台账的文字（第N行：原文），请对照原文补录或改正后重新导入\n"
        "第5行：（一）这一段不属于任何任务。\n"
    )
    assert zc("check", root=root).exit_code == 0
    source.write_text("某市2024年重大项目\n" + PROJECTS, "utf-8")
    assert zc("import", str(source), "--into", str(root)).exit_code == 0
    assert not (root / "data" / "import-unplaced.txt").exists()  # nothing left unplaced now


def _sheet_with(tmp_path, dimension: str, merged: str, far_cell: str = "") -> Path:
    """A workbook whose sheet declares ``dimension``, merges ``merged`` and holds a two-row
    table (and optionally one more cell far away)."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", "重点工作", "牵头单位"])
    sheet.append([1, "建设项目。新建项目2个。", "区发改局"])
    plain = tmp_path / "plain.xlsx"
    workbook.save(plain)
    path = tmp_path / "表.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(
                    rb'<dimension ref="[^"]*"/>', f'<dimension ref="{dimension}"/>'.encode(), data
                )
                extra = (
                    f'<row r="{far_cell[1:]}"><c r="{far_cell}" t="inlineStr"><is><t>x</t></is></c></row>'
                    if far_cell
                    else ""
                )
                data = data.replace(b"</sheetData>", extra.encode() + b"</sheetData>")
                data = data.replace(
                    b"</worksheet>",
                    f'<mergeCells count="1"><mergeCell ref="{merged}"/></mergeCells></worksheet>'.encode(),
                )
            target.writestr(item, data)
    return path


def test_a_sheet_merged_far_beyond_its_table_is_read_quickly(tmp_path):
    """A range merged over a million cells costs no more than the rows that hold something
    (openpyxl's full load takes minutes over it: the sheet is streamed)."""
    path = _sheet_with(tmp_path, "A1:ZZ2000", "D1:ZZ2000")
    result = importer.parse(path, year=2024)
    assert [(t.title, t.lead) for t in result.tasks] == [("建设项目", ("区发改局",))]


def test_a_sheet_that_declares_billions_of_cells_is_refused(zc, tmp_path, monkeypatch):
    monkeypatch.setattr("zctasks.importer.readers.MAX_SHEET_CELLS", 100_000)
    path = _sheet_with(tmp_path, "A1:XFD1048576", "A5:XFD1048576", far_cell="A1048576")
    result = zc("import", str(path), "--into", str(tmp_path / "ledger"), "--year", "2024")
    assert (result.exit_code, result.stderr) == (
        1,
        f"错误：{path} 的工作表“Sheet”过大（超过 100000 个单元格），未读取\n"
        "提示：计划表格通常只有几百行：请删去多余的行列（或整行整列的格式），或另存为 .csv\n",
    )
