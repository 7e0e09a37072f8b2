"""The reporting round trip: 报送表 out to units, filled sheets back in, who has not reported."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

UNIT = "区教体局"
DUE = "2023-09-25"
NAME = f"报送表-{UNIT}-{DUE}.xlsx"


@pytest.fixture
def ledger(zc, tmp_path):
    """The bundled 2023 plan in a ledger of its own, with one earlier report of task 56."""
    root = tmp_path / "台账"
    assert zc("init", str(root)).exit_code == 0
    result = zc(
        "progress",
        "add",
        "56",
        "--by",
        UNIT,
        "--date",
        "2023-08-20",
        "-v",
        "56.1=1",
        "-v",
        "56.2=52.5",
        "--note",
        "新建幼儿园1处",
        root=root,
    )
    assert result.exit_code == 0, result.stderr
    return root


def make_template(zc, root, folder, *args):
    out = folder / NAME
    result = zc("template", UNIT, "--as-of", "2023-09-20", "-o", str(out), *args, root=root)
    assert result.exit_code == 0, result.stderr
    return out


def values(sheet, row):
    return [c.value for c in sheet[row]]


def test_the_template_lists_the_units_tasks_to_fill(zc, ledger, tmp_path):
    book = load_workbook(make_template(zc, ledger, tmp_path))
    sheet = book["报送表"]
    assert (
        sheet["A1"].value
        == "《淄川区深化新旧动能转换推动绿色低碳高质量发展2023年重点工作任务》进展报送表"
    )
    assert sheet["A2"].value == (
        "报送单位：区教体局（淄川区教育和体育局）　　报送周期：2023年8月25日后至2023年9月25日"
        "　　截止日期：2023年9月25日前报送"
    )
    assert values(sheet, 4) == [
        "任务序号",
        "任务",
        "本单位角色",
        "指标编号",
        "指标",
        "目标",
        "上次报送",
        "上次报送日期",
        "本期数值",
        "状态",
        "本期进展",
        "存在问题",
        "下步打算",
        "佐证材料",
    ]
    rows = [values(sheet, r)[:9] for r in range(5, sheet.max_row + 1)]
    assert [r[0] for r in rows] == [4, None, 5, 18, 39, 56, None, 57]
    assert rows[5] == [
        56,
        "建设高质量教育体系",
        "负责",
        "56.1",
        "新建改扩建幼儿园",
        "3处",
        "1处",
        "2023-08-20",
        None,
    ]
    assert rows[6][3:8] == ["56.2", "中小学智慧校园比例", "≥60%", "52.5%", "2023-08-20"]
    assert rows[4][3:5] == ["—", "（无量化指标）"]
    assert "J10:J11" in {str(r) for r in sheet.merged_cells.ranges}  # 状态 once per task
    assert "K10:K11" in {str(r) for r in sheet.merged_cells.ranges}
    # locked where the office wrote, open where the unit writes
    assert sheet.protection.sheet is True
    assert sheet["A10"].protection.locked and sheet["H10"].protection.locked
    assert not sheet["I10"].protection.locked and not sheet["K10"].protection.locked
    assert sheet["I9"].protection.locked  # task 39 has no target: no figure to fill
    rules = {dv.type: dv for dv in sheet.data_validations.dataValidation}
    assert rules["list"].formula1 == '"未启动,推进中,已完成,受阻"'
    assert "J10:J11" in str(rules["list"].sqref)
    assert rules["decimal"].type == "decimal" and "I10" in str(rules["decimal"].sqref)
    assert (sheet.page_setup.orientation, int(sheet.page_setup.paperSize)) == ("landscape", 9)
    assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$4:$4"
    meta = dict(book["_zctasks"].iter_rows(values_only=True))
    assert (meta["unit"], meta["due"], book["_zctasks"].sheet_state) == (UNIT, DUE, "hidden")


def test_templates_for_every_unit_are_named_by_unit_and_due_date(zc, ledger, tmp_path):
    result = zc(
        "template", "--all", "-o", str(tmp_path / "发出"), "--as-of", "2023-09-20", root=ledger
    )
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in (tmp_path / "发出").iterdir())
    assert len(names) == 43
    assert f"报送表-区发改局-{DUE}.xlsx" in names and NAME in names
    assert result.stdout.splitlines()[-1] == (
        f"共 43 个单位；截止日期 {DUE}。收回后用 zctasks progress import 目录 一次导入。"
    )
    csv = zc(
        "template",
        UNIT,
        "-f",
        "csv",
        "-o",
        str(tmp_path / "t.csv"),
        "--as-of",
        "2023-09-20",
        root=ledger,
    )
    assert csv.exit_code == 0
    lines = (tmp_path / "t.csv").read_text("utf-8-sig").splitlines()
    assert (
        lines[0]
        == "报送单位,任务序号,任务,本单位角色,指标编号,指标,目标,上次报送,上次报送日期,本期数值,状态,本期进展,存在问题,下步打算,佐证材料"
    )
    assert (
        lines[6]
        == "区教体局,56,建设高质量教育体系,负责,56.1,新建改扩建幼儿园,3处,1处,2023-08-20,,,,,,"
    )


def test_template_options_are_checked(zc, ledger):
    assert zc("template", root=ledger).stderr == (
        "错误：请指定一个单位，或用 --all 为全部单位生成\n提示：例如 zctasks template 区发改局\n"
    )
    assert zc("template", "--all", root=ledger).stderr == (
        "错误：--all 需要用 -o 指定输出目录\n提示：例如 -o 报送表\n"
    )


def fill(path: Path) -> None:
    """What 区教体局 does with the sheet in Excel: figures (one as text with a thousands
    separator, one as a percentage), a status from the list, the narrative in the merged
    cells of two tasks; the other tasks left untouched."""
    book = load_workbook(path)
    sheet = book["报送表"]
    sheet["I10"] = 2  # 56.1 新建改扩建幼儿园
    sheet["I11"] = "85%"  # 56.2 中小学智慧校园比例, typed as text with a percent sign
    sheet["J10"] = "推进中"
    sheet["K10"] = "新建幼儿园2处，智慧校园建设推进中"
    sheet["L10"] = "部分学校网络改造滞后"
    sheet["M10"] = "10月底前完成验收"
    sheet["N10"] = "区教体局9月报"
    sheet["I12"] = "1,200"  # 57.1 全民健身赛事活动 … written with a separator
    sheet["K12"] = "举办赛事活动"
    book.save(path)


def test_a_filled_template_comes_back_as_reports(zc, ledger, tmp_path):
    path = make_template(zc, ledger, tmp_path)
    fill(path)
    result = zc("progress", "import", str(path), root=ledger)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        f"读取 {NAME}（区教体局，2 条，未填写的任务 4 项不计）\n"
        "写入 data/progress/2023-09.yaml\n"
        "已导入 2 条进展（区教体局）\n"
    )
    entries = json.loads(zc("progress", "log", "--since", DUE, "-f", "json", root=ledger).stdout)
    assert [
        (
            e["task"],
            e["by"],
            e["date"],
            e["status"],
            e["values"],
            e["note"],
            e["problems"],
            e["next"],
            e["source"],
        )
        for e in entries
    ] == [
        (
            56,
            UNIT,
            DUE,
            "推进中",
            {"56.1": 2, "56.2": 85},
            "新建幼儿园2处，智慧校园建设推进中",
            "部分学校网络改造滞后",
            "10月底前完成验收",
            "区教体局9月报",
        ),
        (57, UNIT, DUE, "推进中", {"57.1": 1200}, "举办赛事活动", "", "", ""),
    ]
    again = zc("progress", "import", str(path), root=ledger)
    assert again.stdout.splitlines()[-1] == "已导入 0 条进展；跳过 2 条已记录过的相同报送"


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice is not installed")
def test_a_template_saved_again_by_libreoffice_calc_reads_the_same(zc, ledger, tmp_path):
    path = make_template(zc, ledger, tmp_path)
    fill(path)
    resaved = tmp_path / "calc"
    resaved.mkdir()
    subprocess.run(
        [
            "libreoffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(resaved),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    (calc_copy,) = resaved.iterdir()
    result = zc("progress", "import", str(calc_copy), root=ledger)
    assert result.exit_code == 0, result.stderr
    entries = json.loads(zc("progress", "log", "--since", DUE, "-f", "json", root=ledger).stdout)
    assert [(e["task"], e["values"]) for e in entries] == [
        (56, {"56.1": 2, "56.2": 85}),
        (57, {"57.1": 1200}),
    ]


def test_the_round_trip_ends_in_who_has_not_reported(zc, ledger, tmp_path):
    path = make_template(zc, ledger, tmp_path)
    fill(path)
    assert zc("progress", "import", str(path), root=ledger).exit_code == 0
    status = json.loads(
        zc("status", "--by", "unit", "--as-of", "2023-09-30", "-f", "json", root=ledger).stdout
    )
    row = next(u for u in status["units"] if u["unit"] == UNIT)
    assert (row["tasks"], row["reported"], row["missing"], row["state"]) == (
        [5, 56, 57],
        [56, 57],
        [5],
        "partial",
    )
    missing = next(u for u in status["units"] if u["unit"] == "区发改局")
    assert (missing["state"], missing["days_late"]) == ("missing", 5)


def sheet_units_send(
    path: Path, rows: list[list[object]], title: str | None = "区教体局9月进展"
) -> None:
    """A sheet as a unit makes it: a title row, then a header, then its rows."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    if title:
        sheet.append([title])
    for row in rows:
        sheet.append(row)
    book.save(path)


def test_sheets_units_really_send_are_read(zc, ledger, tmp_path):
    from datetime import datetime

    folder = tmp_path / "收回"
    folder.mkdir()
    sheet_units_send(
        folder / "区教体局9月.xlsx",
        [
            ["序号", "日期", "进展情况", "56.1", "56.2", "备注"],
            [56, datetime(2023, 9, 28), "新建幼儿园2处", "2", 0.85, "另附照片"],
            [57, "2023/9/28", "举办赛事", None, None, None],
            [5, None, None, None, None, None],  # listed, nothing reported
        ],
    )
    book = load_workbook(folder / "区教体局9月.xlsx")
    book.active["E3"].number_format = "0%"  # 0.85 shown as 85%
    book.save(folder / "区教体局9月.xlsx")
    (folder / "区发改局.csv").write_text(
        "任务序号,单位,日期,状态,进展情况,备注\n14,区发改局,2023.9.27,推进中,推进项目,无\n", "utf-8"
    )
    (folder / "~$区教体局9月.xlsx").write_bytes(b"lock file of an open workbook")
    result = zc("progress", "import", str(folder), root=ledger)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""  # a column of text nobody knows is kept in the note
    entries = json.loads(
        zc("progress", "log", "--since", "2023-09-26", "-f", "json", root=ledger).stdout
    )
    assert [(e["task"], e["by"], e["date"], e["values"], e["note"]) for e in entries] == [
        (14, "区发改局", "2023-09-27", {}, "推进项目；备注：无"),
        (56, UNIT, "2023-09-28", {"56.1": 2, "56.2": 85}, "新建幼儿园2处；备注：另附照片"),
        (57, UNIT, "2023-09-28", {}, "举办赛事"),
    ]


def test_every_problem_of_every_file_in_one_pass(zc, ledger, tmp_path):
    folder = tmp_path / "收回"
    folder.mkdir()
    sheet_units_send(
        folder / "区教体局.xlsx",
        [
            ["序号", "日期", "状态", "进展情况", "56.1"],
            [56, "2023/13/40", "推进中", "甲", "两处"],
            [99, "2023-09-28", "完成", "乙", None],
        ],
    )
    (folder / "区发改局.csv").write_text(
        "任务序号,单位,日期,进展情况,14.1\n14,区发财局,2023-09-28,推进,12%\n", "utf-8"
    )
    before = sorted(p.name for p in (ledger / "data" / "progress").iterdir())
    result = zc("progress", "import", str(folder), root=ledger)
    assert result.exit_code == 1
    assert result.stderr == (
        "错误：2 个文件 有 6 处错误，全部没有导入\n"
        f"{folder / '区发改局.csv'}:2:5: error[number]: 指标 14.1 的数值“12%”是百分数，而指标的单位是“个”\n"
        "  提示：只填数字\n"
        f"{folder / '区发改局.csv'}:2:2: error[unknown-unit]: 未知单位“区发财局”\n"
        "  提示：单位名称用简称，如 区发改局\n"
        f"{folder / '区教体局.xlsx'}:Sheet1!B3: error[type]: 日期“2023/13/40”无效\n"
        "  提示：写作 2023-09-30、2023/9/30、2023.9.30 或 2023年9月30日\n"
        f"{folder / '区教体局.xlsx'}:Sheet1!E3: error[number]: 指标 56.1 的数值“两处”无效：应为数字\n"
        "  提示：只写数字，不带单位，如 12.3 或 -4\n"
        f'{folder / "区教体局.xlsx"}:Sheet1!C4: error[type]: “状态” 的取值 "完成" 无效，应为 未启动、推进中、已完成 或 受阻\n'
        f"{folder / '区教体局.xlsx'}:Sheet1!A4: error[unknown-task]: 没有第 99 项任务\n"
        "提示：改正后重新导入；没有写入任何记录\n"
    )
    assert sorted(p.name for p in (ledger / "data" / "progress").iterdir()) == before


def test_an_unclosed_quote_is_named_where_it_opened(zc, ledger, tmp_path):
    sheet = tmp_path / "区发改局.csv"
    sheet.write_text(
        "任务序号,单位,日期,进展情况\n"
        '14,区发改局,2023-09-28,"推进项目\n'
        "17,区发改局,2023-09-28,开工\n"
        "20,区发改局,2023-09-28,完工\n",
        "utf-8",
    )
    result = zc("progress", "import", str(sheet), root=ledger)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[1] == (
        f"{sheet}:2:4: error[csv-quote]: 第 2 行第 4 列的引号没有闭合，其后 2 行被并进了这一个单元格"
    )


def test_templates_are_not_written_into_the_ledger(zc, ledger):
    result = zc("template", "--all", "-o", str(ledger / "data" / "报送表"), root=ledger)
    assert (result.exit_code, result.stderr) == (
        2,
        f"错误：输出目录 {ledger / 'data' / '报送表'} 在台账数据或 git 目录中\n"
        "提示：报送表不能写进任何台账的 data/ 或 git 的 .git 目录；请写到别处，如 -o 报送表\n",
    )
    assert not (ledger / "data" / "报送表").exists()
