"""What probe 1 found `progress import` recording wrongly (findings F01–F10, I1, R3 and the
unclear messages): what a sheet says is stored exactly or refused with a message naming
file:sheet!cell — never reinterpreted.

Each test names the finding it reproduces; each failed before the change.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

from openpyxl import Workbook

from conftest import TASKS
from test_intake import fill, imported, log, refused, template

# task 4: a percentage, two targets of one name, and a target 4.10 beside 4.1
WIDE = (
    TASKS
    + """\
  - id: 4
    chapter: 1
    title: 建设智慧校园
    text: 智慧校园比例达到60%，新建项目1个，新建项目2个，新增场馆10座。
    attribution: 区科技局负责
    responsible: [区科技局]
    targets:
      - {id: "4.1", name: 智慧校园比例, op: ">=", value: 60, unit: "%"}
      - {id: "4.2", name: 新建项目, op: ">=", value: 1, unit: 个}
      - {id: "4.3", name: 新建项目, op: ">=", value: 2, unit: 个}
      - {id: "4.10", name: 新增场馆, op: ">=", value: 10, unit: 座}
"""
)


def csv(path: Path, text: str) -> Path:
    path.write_text(text, "utf-8")
    return path


# ---------------------------------------------------------------- F01 text after a target id


def test_f01_text_after_a_target_id_is_refused_unless_name_unit_or_estimate(
    zc, make_ledger, tmp_path
):
    root = make_ledger()
    for header in ("1.1目标", "1.1上月", "1.1全年预计"):
        path = csv(
            tmp_path / "区科技局9月.csv", f"日期,任务序号,{header},本期进展\n2023-09-20,1,12,甲\n"
        )
        assert refused(zc, root, path).splitlines()[1:3] == [
            f"{path}:1:3: error[unknown-column]: 列“{header}”以指标编号 1.1 开头，但其后的"
            f"“{header[3:]}”既不是该指标的名称也不是其单位，不知这一列是不是本期的实际数",
            "  提示：本期实际数的列名写 1.1 或 1.1新增市级以上创新平台（家）；预计数写 1.1预计；"
            f"不需要导入时用 --ignore-column {header}",
        ]
    path = csv(
        tmp_path / "区科技局9月.csv",
        "日期,任务序号,1.1新增市级以上创新平台（家）,1.2（预计）,本期进展\n2023-09-20,1,6,3,甲\n",
    )
    imported(zc, root, path)
    (entry,) = log(zc, root)
    assert (entry["values"], entry["estimates"]) == ({"1.1": 6}, {"1.2": 3})


# ---------------------------------------------------------------- F02 指标 and 指标值 columns


def test_f02_a_figure_in_a_zhibiao_column_is_read_or_refused(zc, make_ledger, tmp_path):
    root = make_ledger()
    hint = (
        "  提示：写作 指标编号=数值，多个用分号隔开（如 1.1=4；1.2=2）；"
        "或把数值填在以指标编号为名的列（如 1.1）中"
    )
    for header, cell in (("指标", "1.1 4"), ("指标", "新增市级以上创新平台4家"), ("指标值", "4")):
        path = csv(
            tmp_path / "区科技局9月.csv",
            f"日期,任务序号,{header},本期进展\n2023-09-20,1,{cell},甲\n",
        )
        assert refused(zc, root, path).splitlines()[1:3] == [
            f"{path}:2:3: error[number]: 列“{header}”的“{cell}”没有写是哪个指标的数值",
            hint,
        ]
    path = csv(
        tmp_path / "区科技局9月.csv",
        "日期,任务序号,指标,本期进展\n2023-09-20,1,新增市级以上创新平台=4；1.2=2,甲\n",
    )
    imported(zc, root, path)
    assert log(zc, root)[0]["values"] == {"1.1": 4, "1.2": 2}


def test_f02_a_zhibiao_column_of_names_is_read_past(zc, make_ledger, tmp_path):
    root = make_ledger()
    path = csv(
        tmp_path / "区科技局9月.csv",
        "日期,任务序号,指标,1.1,本期进展\n2023-09-20,1,新增市级以上创新平台,4,甲\n",
    )
    imported(zc, root, path)
    assert log(zc, root)[0]["values"] == {"1.1": 4}


# ---------------------------------------------------------------- F03 percent formats, warnings


def test_f03_a_literal_percent_format_is_read_as_the_figure_shown(zc, make_ledger, tmp_path):
    root = make_ledger(WIDE)
    book = Workbook()
    ws = book.active
    ws.append(["日期", "任务序号", "4.1", "1.1", "本期进展"])
    ws.append(["2023-09-20", 4, 85, None, "甲"])
    ws.append(["2023-09-20", 1, None, 4, "乙"])
    ws["C2"].number_format = '0"%"'
    ws["D3"].number_format = "0\\%"
    book.save(tmp_path / "区科技局9月.xlsx")
    lines = refused(zc, root, tmp_path / "区科技局9月.xlsx").splitlines()
    assert lines[1] == (
        f"{tmp_path / '区科技局9月.xlsx'}:Sheet!D3: error[number]: "
        "指标 1.1 的数值显示为百分数（4%），而指标的单位是“家”"
    )
    ws["D3"].number_format = "General"
    book.save(tmp_path / "区科技局9月.xlsx")
    imported(zc, root, tmp_path / "区科技局9月.xlsx")
    assert [e["values"] for e in log(zc, root)] == [{"4.1": 85}, {"1.1": 4}]


def test_f03_import_asks_to_double_check_what_progress_add_does(zc, make_ledger, tmp_path):
    root = make_ledger(WIDE)
    path = csv(
        tmp_path / "区科技局9月.csv",
        "日期,任务序号,1.1,4.1,本期进展\n2023-09-20,1,300,,甲\n2023-09-20,4,,0.85,乙\n",
    )
    result = imported(zc, root, path)
    assert result.stderr.splitlines() == [
        "注意：区科技局9月.csv 第 2 行：指标 1.1 填报 300家，是目标10家的3000%，请核对数值和单位",
        "注意：区科技局9月.csv 第 3 行：指标 4.1 填报 0.85%，不到目标60%的百分之一：如是 85%，请填 85",
    ]


# ---------------------------------------------------------------- F04 the sheet's own cycle


def test_f04_a_day_outside_the_sheets_cycle_is_refused(zc, make_ledger, tmp_path):
    root = make_ledger()
    path = fill(
        template(zc, root, tmp_path / "发出", "区科技局", "2023-09-15"), {"I5": 4, "K5": "甲"}
    )
    hint = (
        "  提示：不写 --date 时，报送表记在这一期的截止日；"
        "报送的是别的一期的进展时，请用 zctasks template 生成那一期的报送表填写"
    )
    for option, day in (("--received", "2023-07-01"), ("--date", "2023-06-30")):
        extra = ["--received", "2023-09-25"] if option == "--date" else []
        assert refused(zc, root, option, day, *extra, path).splitlines()[1:3] == [
            f"{path}:报送表!A1: error[outside-cycle]: 这是 2023年9月25日截止的一期"
            f"（2023-08-25 后至 2023-09-25）的报送表，{option} {day} 不在这一期内，没有导入",
            hint,
        ]


def test_f04_a_past_cycles_sheet_is_recorded_in_its_cycle_with_a_warning(zc, make_ledger, tmp_path):
    root = make_ledger()
    path = fill(
        template(zc, root, tmp_path / "发出", "区科技局", "2023-08-15"), {"I5": 4, "K5": "甲"}
    )
    late = imported(zc, root, "--received", "2023-09-27", path)
    assert late.stderr == (
        f"注意：{path}:报送表!A1：这是 2023年8月25日截止的一期（2023-07-25 后至 2023-08-25）"
        "的报送表，2023-09-27 才收到：记在这一期（2023-08-25），该单位这一期原有的报送会被它替代；"
        "填的若是之后的进展，请撤销后用本期的报送表重报\n"
    )
    assert log(zc, root)[0]["date"] == "2023-08-25"


# ---------------------------------------------------------------- F05 the unit, from one source


def test_f05_the_unit_comes_from_one_source_and_sources_must_agree(zc, make_ledger, tmp_path):
    root = make_ledger()
    body = "2023-09-20,1,甲\n"
    two = csv(tmp_path / "区科技局转区发改局.csv", "日期,任务序号,本期进展\n" + body)
    assert refused(zc, root, two).splitlines()[1] == (
        f"{two}:1:1: error[conflicting-sheet]: 文件名中有 2 个单位（区发改局、区科技局），"
        "无法确定是谁的报送"
    )
    column = csv(tmp_path / "区科技局9月.csv", "填报单位,日期,任务序号,本期进展\n区发改局," + body)
    assert refused(zc, root, column).splitlines()[1] == (
        f"{column}:2:1: error[conflicting-unit]: 这一行的报送单位“区发改局”与文件名中的单位"
        "“区科技局”不同，无法确定是谁的报送"
    )
    title = csv(
        tmp_path / "9月.csv",
        "报送单位：区科技局\n填报单位,日期,任务序号,本期进展\n区发改局," + body,
    )
    assert refused(zc, root, title).splitlines()[1] == (
        f"{title}:3:1: error[conflicting-unit]: 这一行的报送单位“区发改局”与表头中的单位"
        "“区科技局”不同，无法确定是谁的报送"
    )
    lead = csv(tmp_path / "区发改局9月.csv", "责任单位,日期,任务序号,本期进展\n区科技局," + body)
    imported(zc, root, lead)
    assert log(zc, root)[0]["by"] == "区发改局"  # 责任单位 is the task's, never the reporter


def test_f05_a_returned_csv_template_is_read_by_its_own_unit_column(zc, make_ledger, tmp_path):
    root = make_ledger()
    made = tmp_path / "t.csv"
    result = zc(
        "template", "区科技局", "--as-of", "2023-09-20", "-f", "csv", "-o", str(made), root=root
    )
    assert result.exit_code == 0, result.stderr
    blank = ",1.1,新增市级以上创新平台,≥10家,,,,,,,,\n"
    text = made.read_text("utf-8-sig")
    assert blank in text
    filled = text.replace(blank, ",1.1,新增市级以上创新平台,≥10家,,,4,,甲,,,\n")
    renamed = csv(tmp_path / "ok(1).csv", filled)  # renamed, as units do
    imported(zc, root, "--date", "2023-09-20", renamed)
    assert [(e["by"], e["values"]) for e in log(zc, root)] == [("区科技局", {"1.1": 4})]


# ---------------------------------------------------------------- F06 re-sends


def test_f06_a_resend_differing_only_in_estimates_is_a_correction(zc, make_ledger, tmp_path):
    root = make_ledger()
    head = "日期,任务序号,1.1,1.1预计,本期进展\n"
    imported(zc, root, csv(tmp_path / "区科技局9月.csv", head + "2023-09-20,1,4,12,甲\n"))
    again = imported(zc, root, csv(tmp_path / "区科技局9月.csv", head + "2023-09-20,1,4,15,甲\n"))
    assert again.stdout.splitlines()[-1] == (
        "已导入 1 条进展（区科技局）；其中 1 条是重新报送，替代了原来的报送"
    )
    assert log(zc, root, "--effective")[0]["estimates"] == {"1.1": 15}


def test_f06_a_partial_resend_names_the_figures_that_leave_force(zc, make_ledger, tmp_path):
    root = make_ledger()
    imported(
        zc,
        root,
        csv(tmp_path / "区科技局9月.csv", "日期,任务序号,1.1,1.2,本期进展\n2023-09-20,1,4,3,甲\n"),
    )
    again = imported(
        zc,
        root,
        csv(tmp_path / "区科技局9月.csv", "日期,任务序号,1.1,本期进展\n2023-09-22,1,6,乙\n"),
    )
    assert again.stderr == (
        "注意：区科技局 第1项的重新报送没有填 1.2=3：原报送中的这些数值随原报送一起不再有效\n"
    )


# ---------------------------------------------------------------- F07 two units, one target


def test_f07_two_units_giving_one_target_different_figures_on_one_day_are_refused(
    zc, make_ledger, tmp_path
):
    root = make_ledger()
    path = csv(
        tmp_path / "9月汇总.csv",
        "填报单位,日期,任务序号,1.1,本期进展\n"
        "区科技局,2023-09-20,1,4,甲\n"
        "区发改局,2023-09-20,1,5,乙\n",
    )
    assert refused(zc, root, path).splitlines()[1:3] == [
        f"{path}:3:1: error[rival-figures]: 指标 1.1 在 2023-09-20 有两个不同的数："
        "区科技局 报 4（9月汇总.csv 第 2 行），区发改局 报 5（9月汇总.csv 第 3 行），不知以哪个为准",
        "  提示：与两个单位核实：一个指标一天只能有一个数，删去另一个单位的数值后重新导入",
    ]


# ---------------------------------------------------------------- F08 template id vs name


def test_f08_a_template_row_whose_target_id_was_edited_is_refused(zc, make_ledger, tmp_path):
    root = make_ledger()
    path = fill(
        template(zc, root, tmp_path / "发出", "区科技局", "2023-09-20"),
        {"D5": "1.2", "D6": "1.1", "I5": 4, "I6": 2, "K5": "甲"},
    )
    lines = refused(zc, root, path).splitlines()
    assert lines[1:4] == [
        f"{path}:报送表!D5: error[target-mismatch]: 指标编号 1.2 是“新增省级平台”，"
        "与这一行的指标“新增市级以上创新平台”不符",
        "  提示：报送表中的指标编号和指标栏不要改动；用 zctasks template 重新生成后填写",
        f"{path}:报送表!D6: error[target-mismatch]: 指标编号 1.1 是“新增市级以上创新平台”，"
        "与这一行的指标“新增省级平台”不符",
    ]


# ---------------------------------------------------------------- F09 1.10 and names alike


def test_f09_a_numeric_header_is_read_as_shown_and_refused_if_ambiguous(zc, make_ledger, tmp_path):
    root = make_ledger(WIDE)
    book = Workbook()
    ws = book.active
    ws.append(["日期", "任务序号", 4.1, "本期进展"])
    ws.append(["2023-09-20", 4, 6, "新增场馆6座"])
    path = tmp_path / "区科技局9月.xlsx"
    book.save(path)
    assert refused(zc, root, path).splitlines()[1:3] == [
        f"{path}:Sheet!C1: error[ambiguous-target]: 列名是数字 4.1，可能是指标 4.1、4.10："
        "Excel 把输入的 1.10 显示为 1.1，无法确定是哪一个",
        "  提示：把列名单元格设为文本格式后照指标编号输入（如 1.10），或写指标名称",
    ]
    ws["C1"].number_format = "0.00"  # shown as 4.10
    book.save(path)
    imported(zc, root, path)
    assert log(zc, root)[0]["values"] == {"4.10": 6}


def test_f09_a_column_named_for_two_targets_is_refused(zc, make_ledger, tmp_path):
    root = make_ledger(WIDE)
    path = csv(tmp_path / "区科技局9月.csv", "日期,任务序号,新建项目,本期进展\n2023-09-20,4,1,甲\n")
    assert refused(zc, root, path).splitlines()[1:3] == [
        f"{path}:2:3: error[unknown-target]: 第4项有 2 个名为“新建项目”的指标（4.2、4.3），"
        "列“新建项目”不知是哪一个",
        "  提示：列名改写为指标编号（如 4.2）；各指标名称相同时请在计划中区分",
    ]


# ---------------------------------------------------------------- F10 hidden parts


def test_f10_hidden_rows_columns_and_sheets_are_named(zc, make_ledger, tmp_path):
    root = make_ledger(WIDE)
    book = Workbook()
    ws = book.active
    ws.title = "9月"
    ws.append(["日期", "任务序号", "1.1", "本期进展", "备注"])
    ws.append(["2023-09-20", 1, 4, "甲", None])
    ws.append(["2023-09-20", 4, None, "旧行", "旧"])
    ws.row_dimensions[3].hidden = True
    ws.column_dimensions["E"].hidden = True
    old = book.create_sheet("8月")
    old.append(["日期", "任务序号", "本期进展"])
    old.sheet_state = "hidden"
    path = tmp_path / "区科技局9月.xlsx"
    book.save(path)
    result = imported(zc, root, path)
    assert result.stderr.splitlines() == [
        f"注意：{path}:1:1：隐藏的工作表“8月”没有读取",
        f"注意：{path}:9月!A1：工作表“9月”中隐藏的第 3 行、第 E 列也一并读取了",
    ]
    assert len(log(zc, root)) == 2


# ---------------------------------------------------------------- I1, R3 the files themselves


def test_i1_a_file_name_is_escaped_in_the_read_line(zc, make_ledger, tmp_path):
    root = make_ledger()
    folder = tmp_path / "收回"
    folder.mkdir()
    name = "\x1b[2J区科技局\n已导入 99 条进展.csv"
    csv(folder / name, "日期,任务序号,本期进展\n2023-09-20,1,甲\n")
    result = imported(zc, root, folder)
    assert result.stdout.splitlines()[0] == (
        "读取 \\x1b[2J区科技局\\n已导入 99 条进展.csv（区科技局，1 条）"
    )


def test_r3_a_pipe_named_like_a_sheet_is_refused_not_waited_on(zc, make_ledger, tmp_path):
    root = make_ledger()
    fifo = tmp_path / "区科技局9月.csv"
    os.mkfifo(fifo)
    assert refused(zc, root, fifo).splitlines()[1:3] == [
        f"{fifo}:1:1: error[not-read]: 区科技局9月.csv 不是普通文件（命名管道），没有读取",
        "  提示：只导入单位报来的文件；请把文件本身复制到这里",
    ]


# ---------------------------------------------------------------- unclear messages


def test_u_a_sheet_without_dates_gets_one_message_not_a_bogus_day(zc, make_ledger, tmp_path):
    root = make_ledger()
    path = csv(tmp_path / "区科技局9月.csv", "任务序号,本期进展\n1,甲\n")
    assert refused(zc, root, path).splitlines()[1:] == [
        f"{path}:2:1: error[missing-field]: 缺少日期：表中没有“日期”列",
        "  提示：加一列“日期”，或导入时用 --date 指定这批进展所截至的日期",
        "提示：改正后重新导入；没有写入任何记录",
    ]


def test_u_an_estimate_that_does_not_parse_is_quoted_whole(zc, make_ledger, tmp_path):
    root = make_ledger()
    path = csv(
        tmp_path / "区科技局9月.csv", "日期,任务序号,1.1,本期进展\n2023-09-20,1,预计：3,甲\n"
    )
    assert refused(zc, root, path).splitlines()[1] == (
        f"{path}:2:3: error[number]: 指标 1.1 的数值“预计：3”无效：应为“预计”加数字，如 预计30"
    )


def test_u_a_name_column_of_estimates_and_an_unused_ignore(zc, make_ledger, tmp_path):
    root = make_ledger()
    path = csv(
        tmp_path / "区科技局9月.csv",
        "日期,任务序号,新增市级以上创新平台（预计）,本期进展\n2023-09-20,1,12,甲\n",
    )
    result = imported(zc, root, "--ignore-column", "不存在的列", path)
    assert result.stderr == "注意：--ignore-column:1:1：没有名为“不存在的列”的列\n"
    assert "没有导入列" not in result.stdout
    assert log(zc, root)[0]["estimates"] == {"1.1": 12}


def test_u_a_second_header_a_cover_sheet_and_a_bad_date_serial_are_explained(
    zc, make_ledger, tmp_path
):
    root = make_ledger()
    book = Workbook()
    cover = book.active
    cover.title = "封面"
    cover["A1"] = "区科技局9月进展"
    ws = book.create_sheet("9月")
    ws.append(["日期", "任务序号", "本期进展"])
    ws.append(["2023-09-20", 1, "甲"])
    ws.append(["日期", "任务序号", "本期进展"])
    path = tmp_path / "区科技局9月.xlsx"
    book.save(path)
    lines = refused(zc, root, path).splitlines()
    assert lines[1:5] == [
        f"{path}:封面!A1: error[no-header]: 找不到表头：前 15 行中没有同时含“任务序号”"
        "（或“序号”、“任务”）和其他已知列的行",
        "  提示：这张工作表如不是报送内容（封面、说明），删去它后重新导入；否则表头写作 任务序号、"
        "任务、单位、日期、状态、进展情况、存在问题、下步计划、佐证材料，以及以指标编号（如 7.1）"
        "或指标名称为名的列；或使用 zctasks template 生成的报送表",
        f"{path}:9月!A3: error[second-header]: 这一行又是一个表头：一张工作表中只能有一个表格",
        "  提示：把第二个表格移到另一张工作表（或另一个文件），再重新导入",
    ]


def test_u_a_value_column_without_target_ids_is_named(zc, make_ledger, tmp_path):
    root = make_ledger()
    path = csv(
        tmp_path / "区科技局9月.csv",
        "日期,任务序号,指标,数值,本期进展\n2023-09-20,1,新增市级以上创新平台,4,甲\n",
    )
    assert refused(zc, root, path).splitlines()[1] == (
        f"{path}:1:4: error[unknown-column]: 列“数值”逐行填指标的数值，但表中没有“指标编号”列，"
        "不知这些数值是哪个指标的"
    )


def test_u_openpyxl_warnings_never_reach_the_terminal(zc, make_ledger, tmp_path):
    root = make_ledger()
    book = Workbook()
    ws = book.active
    ws.append(["任务序号", "日期", "本期进展"])
    ws.append([1, 99999999, "甲"])
    ws["B2"].number_format = "yyyy-mm-dd"  # a date whose serial no calendar holds
    path = tmp_path / "区科技局9月.xlsx"
    book.save(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        stderr = refused(zc, root, path)
    assert [str(w.message) for w in caught] == []
    assert stderr.splitlines()[1] == (
        f"{path}:Sheet!B2: error[type]: 单元格设为日期格式，但数值 99999999 超出日期范围，无法读作日期"
    )


def test_u_a_yaml_batch_lists_typed_and_schema_problems_in_one_pass(zc, make_ledger, tmp_path):
    root = make_ledger()
    path = tmp_path / "批量.yaml"
    path.write_text(
        '- {task: 1, by: 区科技局, date: 2023-09-20, note: ""}\n'
        "- {task: 1, by: 区科技局, date: 2023-10-20 10:00:00, note: 乙}\n"
        "- {task: true, by: 区科技局, date: 2023-10-20, note: 乙}\n",
        "utf-8",
    )
    assert [line for line in refused(zc, root, path).splitlines() if "error[" in line] == [
        f"{path}:2:29: error[type]: 日期“2023-10-20 10:00:00”无效",
        f"{path}:1:47: error[empty]: 进展情况（note）不能为空",
        f"{path}:3:10: error[type]: “任务” 应为数字，实际为 true",
    ]
