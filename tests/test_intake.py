"""The monthly intake an analyst can trust (issue 18): a unit's report is one per task and
cycle, rows are placed by what they say, every file is read or named, lateness is counted
from the day a report arrived, and a report is dated at the day its figures stand at.

Each test names the item of the issue it reproduces; each failed before the change.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook, load_workbook

from conftest import TASKS

FIXTURES = Path(__file__).parent / "fixtures" / "sheets"


def sheet(path: Path, rows: list[list[object]], title: str | None = "9月进展") -> Path:
    """A sheet as a unit makes it: a title row, a header, its rows."""
    book = Workbook()
    ws = book.active
    ws.title = "Sheet1"
    if title:
        ws.append([title])
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def log(zc, root, *args):
    return json.loads(zc("progress", "log", "-f", "json", *args, root=root).stdout)


def imported(zc, root, *args):
    result = zc("progress", "import", *map(str, args), root=root)
    assert result.exit_code == 0, result.stderr
    return result


def refused(zc, root, *args):
    result = zc("progress", "import", *map(str, args), root=root)
    assert result.exit_code == 1, result.stdout
    assert not (root / "data" / "progress").exists() or not list(
        (root / "data" / "progress").glob("*.yaml")
    )
    return result.stderr


def template(zc, root, folder: Path, unit: str, as_of: str) -> Path:
    folder.mkdir(exist_ok=True)
    result = zc("template", unit, "--as-of", as_of, "-o", str(folder / "t.xlsx"), root=root)
    assert result.exit_code == 0, result.stderr
    book = load_workbook(folder / "t.xlsx")
    meta = dict(book["_zctasks"].iter_rows(values_only=True))
    path = folder / f"报送表-{unit}-{meta['due']}.xlsx"
    (folder / "t.xlsx").rename(path)
    return path


def fill(path: Path, cells: dict[str, object]) -> Path:
    book = load_workbook(path)
    for ref, value in cells.items():
        book["报送表"][ref] = value
    book.save(path)
    return path


# ---------------------------------------------------------------- 1. number and title


def test_1_a_running_number_beside_titles_of_other_tasks_is_read_by_title(
    zc, make_ledger, tmp_path
):
    root = make_ledger()
    path = sheet(
        tmp_path / "区发改局9月.xlsx",
        [
            ["序号", "任务", "日期", "进展情况"],
            [1, "推进产业协同", "2023-09-20", "召开产业协同推进会"],  # task 3, not task 1
            [2, "建设创新平台", "2023-09-20", "配合认定平台"],  # task 1
        ],
    )
    result = imported(zc, root, path)
    assert result.stdout.splitlines()[0] == (
        "读取 区发改局9月.xlsx（区发改局，2 条，序号是行号，按任务名称对应）"
    )
    assert [(e["task"], e["note"]) for e in log(zc, root)] == [
        (3, "召开产业协同推进会"),
        (1, "配合认定平台"),
    ]


def test_1_a_task_number_and_a_title_that_disagree_are_refused_naming_both(
    zc, make_ledger, tmp_path
):
    root = make_ledger()
    path = sheet(
        tmp_path / "区发改局9月.xlsx",
        [
            ["任务序号", "任务", "日期", "进展情况"],
            [1, "推进产业协同", "2023-09-20", "召开产业协同推进会"],
        ],
    )
    assert refused(zc, root, path).splitlines()[1] == (
        f"{path}:Sheet1!B3: error[task-mismatch]: 第1项“建设创新平台”与“推进产业协同”不符"
    )


def test_1_a_title_that_names_no_task_is_refused(zc, make_ledger, tmp_path):
    root = make_ledger()
    path = sheet(
        tmp_path / "区发改局.xlsx",
        [["任务", "日期", "进展情况"], ["推进产业大协同", "2023-09-20", "开会"]],
    )
    assert refused(zc, root, path).splitlines()[1] == (
        f"{path}:Sheet1!A3: error[unknown-task]: 任务“推进产业大协同”与计划中的任何一项任务都对不上"
    )


# ---------------------------------------------------------------- 2. figure columns


def test_2_figure_columns_named_after_the_target_and_text_columns_are_kept(
    zc, make_ledger, tmp_path
):
    root = make_ledger()
    path = sheet(
        tmp_path / "区科技局9月.xlsx",
        [
            ["任务序号", "日期", "新增市级以上创新平台（家）", "新增省级平台", "进展情况", "备注"],
            [1, "2023-09-20", 6, 2, "新增平台6家", "数据截至9月20日"],
        ],
    )
    result = imported(zc, root, path)
    assert result.stderr == ""
    (entry,) = log(zc, root)
    assert (entry["values"], entry["note"]) == (
        {"1.1": 6, "1.2": 2},
        "新增平台6家；备注：数据截至9月20日",
    )


def test_2_a_column_of_figures_that_names_no_target_is_an_error_unless_ignored(
    zc, make_ledger, tmp_path
):
    root = make_ledger()
    rows = [
        ["任务序号", "日期", "新增创新平台", "进展情况"],
        [1, "2023-09-20", 6, "新增平台6家"],
    ]
    path = sheet(tmp_path / "区科技局9月.xlsx", rows)
    assert refused(zc, root, path).splitlines()[1:3] == [
        f"{path}:Sheet1!C2: error[unknown-column]: 列“新增创新平台”中有数字，但它不是任何指标，无法对应",
        "  提示：列名写指标编号（如 14.1）或指标名称（如 新建改造乡镇商贸中心（个））；"
        "确实不需要导入时用 --ignore-column 新增创新平台",
    ]
    result = imported(zc, root, "--ignore-column", "新增创新平台", path)
    assert "按 --ignore-column 没有导入列“新增创新平台”" in result.stdout
    assert log(zc, root)[0]["values"] == {}


def test_2_a_target_column_in_another_unit_is_refused(zc, make_ledger, tmp_path):
    root = make_ledger()
    path = sheet(
        tmp_path / "区科技局9月.xlsx",
        [
            ["任务序号", "日期", "新增市级以上创新平台（个）", "进展情况"],
            [1, "2023-09-20", 6, "甲"],
        ],
    )
    assert refused(zc, root, path).splitlines()[1] == (
        f"{path}:Sheet1!C2: error[unit-mismatch]: 列“新增市级以上创新平台（个）”的单位“个”与指标的单位“家”不同"
    )


# ---------------------------------------------------------------- 3. a report is one per cycle


def test_3_a_corrected_sheet_sent_again_replaces_the_first(zc, make_ledger, tmp_path):
    root = make_ledger()
    path = fill(
        template(zc, root, tmp_path / "发出", "区科技局", "2023-09-20"),
        {"I5": 4, "K5": "新增平台4家"},
    )
    imported(zc, root, "--received", "2023-09-22", path)
    fill(path, {"I5": 5, "K5": "新增平台5家"})
    again = imported(zc, root, "--received", "2023-09-24", path)
    assert again.stdout.splitlines()[-1] == (
        "已导入 1 条进展（区科技局）；其中 1 条是重新报送，替代了原来的报送"
    )
    first, second = log(zc, root)
    assert (second["fixes"], second["reason"], second["values"]) == (
        first["id"],
        "重新报送",
        {"1.1": 5},
    )
    assert [e["note"] for e in log(zc, root, "--effective")] == ["新增平台5家"]
    assert imported(zc, root, path).stdout.splitlines()[-1] == (
        "已导入 0 条进展；跳过 1 条已记录过的相同报送"
    )
    assert zc("check", root=root).stdout.startswith("检查通过")


def test_3_check_warns_where_two_reports_of_a_unit_stand_for_one_cycle(zc, make_ledger):
    root = make_ledger()
    (root / "data" / "progress").mkdir(parents=True)
    head = '"task": 1, "by": "区科技局", "status": "推进中"'
    (root / "data" / "progress" / "2023-09.yaml").write_text(
        f'- {{"id": "a", "date": "2023-09-05", {head}, "note": "甲"}}\n'
        f'- {{"id": "b", "date": "2023-09-20", {head}, "note": "乙"}}\n',
        "utf-8",
    )
    assert zc("check", root=root).stdout.splitlines() == [
        "data/progress/2023-09.yaml:2:10: warning[same-cycle]: 区科技局 对第1项在2023年9月25日截止的报送周期有 2 份报送都有效（a、b）",
        "  提示：同一单位、同一任务、同一报送周期只应有一份有效报送，后报的替代先报的；"
        "核对后用 zctasks progress void a --reason 重新报送 撤销较早的一份",
        "检查通过：2 章，3 项任务，3 项指标，3 个单位；1 个警告。",
    ]


# ---------------------------------------------------------------- 4 and 5. when it arrived


def test_4_lateness_is_counted_from_the_day_a_sheet_arrived(zc, make_ledger, tmp_path):
    root = make_ledger()
    path = fill(
        template(zc, root, tmp_path / "发出", "区科技局", "2023-09-20"), {"I5": 4, "K5": "甲"}
    )
    imported(zc, root, "--received", "2023-09-25", path)  # imported the next day, or in 2026
    status = json.loads(
        zc("status", "--by", "unit", "--as-of", "2023-09-30", "-f", "json", root=root).stdout
    )
    unit = next(u for u in status["units"] if u["unit"] == "区科技局")
    assert (unit["state"], unit["days_late"]) == ("reported", 0)
    (entry,) = log(zc, root)
    assert (entry["date"], entry["received"]) == ("2023-09-25", "2023-09-25")


def test_5_the_register_and_status_by_unit_agree_unit_by_unit(zc, make_ledger, tmp_path):
    """Both count a task answered by a report dated in the cycle, and late from the day it
    arrived: a late sheet answers the 催办单 exactly when status calls the unit 已报送（逾期）."""
    root = make_ledger()
    for task, unit in (("1", "区科技局"), ("2", "区水利局"), ("3", "区发改局")):
        result = zc("progress", "add", task, "--by", unit, "--date", "2023-07-20",
                    "--received", "2023-07-20", "--note", "7月进展", root=root)  # fmt: skip
        assert result.exit_code == 0, result.stderr
    urged = ("--as-of", "2023-08-28", "--date", "2023-08-28", "--record")
    assert zc("report", "urge", *urged, root=root).exit_code == 0
    late = fill(
        template(zc, root, tmp_path / "发出", "区水利局", "2023-08-20"),
        {"I5": 5300, "K5": "8月进展"},
    )
    imported(zc, root, "--received", "2023-08-30", late)
    partly = fill(
        template(zc, root, tmp_path / "发出", "区科技局", "2023-08-20"), {"I5": 4, "K5": "8月"}
    )
    imported(zc, root, "--received", "2023-09-02", partly)
    as_of = "2023-09-08"
    status = json.loads(
        zc("status", "--by", "unit", "--as-of", as_of, "-f", "json", root=root).stdout
    )
    rows = {u["unit"]: u for u in status["units"]}
    register = zc("report", "register", "--as-of", as_of, root=root).stdout
    answers = {
        line.split(" | ")[1]: line.split(" | ")[5].rstrip(" |")
        for line in register.splitlines()
        if line.startswith("| 催办")
    }
    assert answers == {
        "区科技局": "已反馈（9月2日）",  # late for the cycle, in time for the slip
        "区水利局": "已反馈（8月30日）",
        "区发改局": "逾期未反馈",
    }
    assert {u: (rows[u]["state"], rows[u]["days_late"]) for u in answers} == {
        "区科技局": ("late", 8),
        "区水利局": ("late", 5),
        "区发改局": ("missing", 14),
    }
    for unit, answer in answers.items():  # the same fact, said twice
        assert (rows[unit]["state"] == "late") == ("反馈（" in answer)
        if rows[unit]["state"] == "late":  # and the day it arrived, counted the same way
            day = answer.split("（")[1].rstrip("）")
            assert day == {"区科技局": "9月2日", "区水利局": "8月30日"}[unit]


# ---------------------------------------------------------------- 6. December, returned in January


def test_6_the_december_sheet_returned_in_january_comes_back_in(zc, make_ledger, tmp_path):
    root = make_ledger()
    path = template(zc, root, tmp_path / "发出", "区科技局", "2023-12-28")
    assert path.name == "报送表-区科技局-2024-01-25.xlsx"
    assert load_workbook(path)["报送表"]["A2"].value.endswith(
        "报送周期：2023年12月25日后至2023年12月31日（年度报送）　　截止日期：2024年1月25日前报送"
    )
    fill(path, {"I5": 11, "I6": 3, "J5": "已完成", "K5": "全年新增平台11家"})
    imported(zc, root, "--received", "2024-01-10", path)
    (entry,) = log(zc, root)
    assert (entry["date"], entry["received"], entry["values"]) == (
        "2023-12-31",
        "2024-01-10",
        {"1.1": 11, "1.2": 3},
    )
    status = json.loads(
        zc("status", "--by", "unit", "--as-of", "2024-01-31", "-f", "json", root=root).stdout
    )
    unit = next(u for u in status["units"] if u["unit"] == "区科技局")
    assert (status["cycle"]["due"], unit["state"]) == ("2024-01-25", "reported")


# ---------------------------------------------------------------- 8. every file read or named


def test_8_xls_is_read_and_other_files_are_named_with_how_to_save_them(zc, make_ledger, tmp_path):
    root = make_ledger()
    folder = tmp_path / "收回"
    folder.mkdir()
    shutil.copy(FIXTURES / "区发改局9月.xls", folder)
    (folder / "区水利局.et").write_bytes(b"\xd0\xcf\x11\xe0 a WPS spreadsheet")
    (folder / "说明.docx").write_bytes(b"PK a letter")
    lines = refused(zc, root, folder).splitlines()
    assert lines[0] == "错误：3 个文件 有 2 处错误，全部没有导入"
    assert lines[1:5] == [
        f"{folder / '区水利局.et'}:1:1: error[not-read]: WPS 表格文件不能导入，没有读取",
        "  提示：在 WPS 中打开，点“文件 → 另存为”，文件类型选“Excel 工作簿（*.xlsx）”",
        f"{folder / '说明.docx'}:1:1: error[not-read]: Word 文件不能导入，没有读取",
        "  提示：进展只能从 .xlsx、.xlsm、.xls、.csv 或 .yaml 文件导入："
        "表格请另存为 Excel 工作簿（*.xlsx）；其他材料请移出这个文件夹",
    ]
    (folder / "区水利局.et").unlink()
    (folder / "说明.docx").unlink()
    result = imported(zc, root, folder)
    assert (
        result.stdout.splitlines()[0]
        == "读取 区发改局9月.xls（区发改局，2 条，序号是行号，按任务名称对应）"
    )
    assert [(e["task"], e["date"], e["values"]) for e in log(zc, root)] == [
        (3, "2023-09-20", {}),
        (1, "2023-09-20", {"1.1": 6}),
    ]


def test_11_an_xlsm_workbook_is_read_and_its_macros_never_run(zc, make_ledger, tmp_path):
    root = make_ledger()
    path = sheet(
        tmp_path / "区科技局.xlsx", [["任务序号", "日期", "进展情况"], [1, "2023-09-20", "甲"]]
    )
    path = path.rename(path.with_suffix(".xlsm"))
    imported(zc, root, path)
    assert log(zc, root)[0]["note"] == "甲"


# ---------------------------------------------------------------- 9. one grammar


def test_9_the_command_line_takes_what_sheets_take(zc, make_ledger):
    share = '\n      - {id: "2.2", name: 非常规水源占比, op: ">=", value: 10, unit: "%"}'
    root = make_ledger(tasks=TASKS.replace("unit: 万立方米}", "unit: 万立方米}" + share))
    result = zc("progress", "add", "2", "--by", "区水利局", "--date", "2023年9月30日",
                "-v", "2.2=8.5%", "-v", "2.1=1,200", "--note", "甲", root=root)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    entry = log(zc, root)[0]
    assert (entry["date"], entry["values"]) == ("2023-09-30", {"2.2": 8.5, "2.1": 1200})


def test_9_progress_add_reports_every_error_at_once(zc, make_ledger):
    root = make_ledger()
    result = zc("progress", "add", "第1项", "--by", "区水利局", "--date", "2023/9/31",
                "-v", "1.1=4家", "-v", "1.2=50%", "--note", "甲", root=root)  # fmt: skip
    assert (result.exit_code, result.stderr) == (
        2,
        "错误：进展记录有 4 处错误，没有记录\n"
        "  --date 的日期“2023/9/31”无效\n"
        "    提示：写作 2023-09-30、2023/9/30、2023.9.30 或 2023年9月30日\n"
        "  指标 1.1 的数值“4家”无效：应为数字\n"
        "    提示：只写数字，不带单位，如 12.3 或 -4\n"
        "  指标 1.2 的数值“50%”是百分数，而指标的单位是“家”\n"
        "    提示：只填数字\n"
        "  区水利局 不是任务 1 的责任单位\n"
        "    提示：该任务的单位：区科技局、区发改局；确需代报时用 --force 写明代报原因\n",
    )


def test_9_hints_name_only_what_exists_where_the_report_was_typed(zc, make_ledger, tmp_path):
    root = make_ledger()
    path = sheet(
        tmp_path / "报送.xlsx",
        [["任务序号", "填报单位", "日期", "进展情况"], [1, "区水利局", "2023-09-20", "代报"]],
    )
    stderr = refused(zc, root, path)
    assert "确需代报时在表中加“代报原因”列写明原因" in stderr and "--force" not in stderr


def test_9_a_figure_excel_turned_into_a_date_is_explained(zc, make_ledger, tmp_path):
    root = make_ledger()
    path = sheet(
        tmp_path / "区科技局.xlsx",
        [["任务序号", "日期", "1.1", "进展情况"], [1, "2023-09-20", datetime(2023, 1, 2), "甲"]],
    )
    assert refused(zc, root, path).splitlines()[1:3] == [
        f"{path}:Sheet1!C3: error[number]: 指标 1.1 的单元格被 Excel 识别为日期（2023-01-02），"
        "原文可能是“1-2”或“1/2”",
        "  提示：把单元格格式设为“数值”或“文本”后重新填写数字",
    ]


# ---------------------------------------------------------------- 11. more ways a sheet is misread


def test_11_a_row_counter_beside_a_task_number_is_only_a_row_counter(zc, make_ledger, tmp_path):
    root = make_ledger()
    path = sheet(
        tmp_path / "区发改局.xlsx",
        [["序号", "任务序号", "日期", "进展情况"], [1, 3, "2023-09-20", "推进"]],
    )
    imported(zc, root, path)
    assert log(zc, root)[0]["task"] == 3


def test_11_the_reporter_is_the_unit_that_filled_in_the_sheet(zc, make_ledger, tmp_path):
    root = make_ledger()
    path = sheet(
        tmp_path / "报送.xlsx",
        [
            ["任务序号", "责任单位", "填报单位", "日期", "进展情况"],
            [1, "区科技局", "区发改局", "2023-09-20", "配合推进"],
        ],
    )
    imported(zc, root, path)
    assert log(zc, root)[0]["by"] == "区发改局"


def test_11_two_columns_for_one_field_are_joined_or_refused(zc, make_ledger, tmp_path):
    root = make_ledger()
    text = sheet(
        tmp_path / "区科技局.xlsx",
        [["任务序号", "日期", "工作进展", "完成情况"], [1, "2023-09-20", "推进", "完成六成"]],
    )
    imported(zc, root, text)
    assert log(zc, root)[0]["note"] == "工作进展：推进；完成情况：完成六成"
    figures = sheet(
        tmp_path / "区科技局2.xlsx",
        [["任务序号", "日期", "1.1", "1.1", "进展情况"], [1, "2023-10-20", 4, 5, "甲"]],
    )
    assert zc("progress", "import", str(figures), root=root).stderr.splitlines()[1] == (
        f"{figures}:Sheet1!D2: error[duplicate-column]: 列“1.1”与第 3 列“1.1”是同一项内容，不知以哪列为准"
    )


def test_11_a_sheet_sent_again_with_only_its_status_changed_replaces_the_first(
    zc, make_ledger, tmp_path
):
    root = make_ledger()
    path = fill(
        template(zc, root, tmp_path / "发出", "区科技局", "2023-09-20"),
        {"I5": 10, "I6": 2, "K5": "全年任务完成"},
    )
    imported(zc, root, path)
    fill(path, {"J5": "已完成"})
    imported(zc, root, path)
    assert [e["status"] for e in log(zc, root, "--effective")] == ["已完成"]


def test_11_two_files_that_disagree_about_one_report_are_refused_naming_both(
    zc, make_ledger, tmp_path
):
    root = make_ledger()
    folder = tmp_path / "收回"
    folder.mkdir()
    for name, figure in (("区科技局甲.xlsx", 4), ("区科技局乙.xlsx", 5)):
        sheet(
            folder / name,
            [["任务序号", "日期", "1.1", "进展情况"], [1, "2023-09-20", figure, "甲"]],
        )
    assert refused(zc, root, folder).splitlines()[1] == (
        f"{folder / '区科技局甲.xlsx'}:Sheet1!A3: error[conflicting-reports]: 区科技局 对第1项"
        "（2023年9月25日截止的报送周期）有两份内容不同的报送：区科技局乙.xlsx:Sheet1!A3 和 区科技局甲.xlsx:Sheet1!A3"
    )


def test_11_a_formula_without_a_saved_result_is_named(zc, make_ledger, tmp_path):
    root = make_ledger()
    path = sheet(
        tmp_path / "区科技局.xlsx",
        [["任务序号", "日期", "1.1", "进展情况"], [1, "2023-09-20", "=2+2", "甲"]],
    )  # openpyxl, like many programs, saves a formula without its result
    assert refused(zc, root, path).splitlines()[1] == (
        f"{path}:Sheet1!C3: error[formula]: 单元格是公式（=2+2），文件中没有保存它的计算结果"
    )


def test_11_a_task_cell_merged_over_two_tasks_is_refused(zc, make_ledger, tmp_path):
    root = make_ledger()
    path = template(zc, root, tmp_path / "发出", "区发改局", "2023-09-20")
    book = load_workbook(path)
    ws = book["报送表"]
    assert [ws[f"A{r}"].value for r in (5, 6, 7)] == [1, None, 3]
    ws.unmerge_cells("A5:A6")
    ws["A7"] = None
    ws.merge_cells("A5:A7")  # task 3's row now sits under task 1's number
    ws["K7"] = "推进产业协同"
    book.save(path)
    assert refused(zc, root, path).splitlines()[1] == (
        f"{path}:报送表!A7: error[merged-key]: 这一行属于另一项任务（推进产业协同）"
        "，但任务序号单元格与第1项合并在一起"
    )


def test_11_a_sheet_whose_hidden_page_file_name_and_header_disagree_is_refused(
    zc, make_ledger, tmp_path
):
    root = make_ledger()
    path = fill(template(zc, root, tmp_path / "发出", "区科技局", "2023-09-20"), {"K5": "甲"})
    renamed = path.with_name("报送表-区发改局-2023-09-25.xlsx")
    path.rename(renamed)
    assert refused(zc, root, renamed).splitlines()[1] == (
        f"{renamed}:报送表!A1: error[conflicting-sheet]: 这份表的报送单位或报送周期前后不一"
        "（隐藏的说明页：区科技局，截止2023-09-25；文件名：区发改局，截止2023-09-25；"
        "表头：区科技局，截止2023-09-25），无法确定是谁、哪一期的报送"
    )
