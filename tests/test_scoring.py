"""zctasks score: the rules file checked and located, the sheet as table, explanation, JSON and
documents, what-if without recording, issued sheets recorded and compared."""

from __future__ import annotations

import json
import textwrap

import pytest

from conftest import REPORTS, git

RULES = """\
title: 测试考评办法
indicators:
  - {id: 完成率, name: 目标任务完成情况, points: 80, method: 完成比例}
events:
  - {id: 未报送, name: 应报未报, when: 未报送, points: -1}
  - {id: 红灯, name: 严重滞后, when: 红灯, points: -2}
grades:
  - {name: 优秀, min: 70}
  - {name: 合格}
"""


@pytest.fixture
def scored(zc, make_ledger, frozen):
    """The sample ledger with the three reports (recorded on 2023-07-14) and the rules."""
    root = make_ledger()
    for line in REPORTS:
        assert zc("progress", "add", *line.split(), root=root).exit_code == 0
    (root / "data" / "scoring.yaml").write_text(RULES, "utf-8")
    return root


# By hand, as at 2023-07-31 (序时进度 212/365 = 58.08%):
#   区科技局 task 1: 1.1 4/10 = 40.00%, ÷58.08% = 68.87% → 80÷2×68.87% = 27.548 → 27.55;
#                    1.2 2 of 2—3 = 100%, ÷58.08% = 172.18% → kept at 100% → 40.00; total 67.55
#   区水利局 task 2: 2.1 3000 under the 序时 allowance 8000×58.08% = 4646.4 → 100% → 80.00
#   区发改局 task 3 has no targets: the series average (67.55 + 80) ÷ 2 = 73.775 → 73.78
# Every task reported in the cycle due 2023-07-25, and none was red then: no deductions.
SUMMARY = """\
《测试考评办法》截至2023年7月31日

序列      名次  单位       得分  等次   指标  加分  扣分  说明
--------  ----  --------  -----  ----  -----  ----  ----  ----
全部单位     1  区水利局  80.00  优秀  80.00  0.00  0.00
全部单位     2  区发改局  73.78  优秀  73.78  0.00  0.00
全部单位     3  区科技局  67.55  合格  67.55  0.00  0.00
"""


def test_score_prints_every_units_total_grade_and_rank(zc, scored):
    result = zc("score", "--as-of", "2023-07-31", root=scored)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == SUMMARY


def test_explain_gives_every_point_its_rule_source_and_arithmetic(zc, scored):
    result = zc("score", "--unit", "科技局", "--explain", "--as-of", "2023-07-31", root=scored)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == textwrap.dedent(
        """\
        区科技局（全部单位）截至2023年7月31日考评得分 67.55，等次 合格，序列第3名
        考评办法：测试考评办法

          +27.55  目标任务完成情况：第1项 1.1 新增市级以上创新平台 4家/10家，完成40.00%，序时进度58.08%，按序时折算68.87%
                  计算：80÷2×68.87%＝27.548
                  依据：进展记录 2023-07-20-1-abc123
          +40.00  目标任务完成情况：第1项 1.2 新增省级平台 2家/2家，完成100.00%，序时进度58.08%，按序时折算172.18%，按100.00%计
                  计算：80÷2×100.00%＝40
                  依据：进展记录 2023-07-20-1-abc123

        合计 67.55
        """
    )


def test_the_sheet_as_json_names_entries_and_adds_up(zc, scored):
    result = zc("score", "--as-of", "2023-07-31", "-f", "json", root=scored)
    sheet = json.loads(result.stdout)
    assert sheet["as_of"] == "2023-07-31" and sheet["series"] == ["全部单位"]
    unit = next(u for u in sheet["units"] if u["unit"] == "区发改局")
    assert unit == {
        "unit": "区发改局",
        "series": "全部单位",
        "total": 73.78,
        "grade": "优秀",
        "rank": 2,
        "vetoes": [],
        "periods": [
            {
                "name": "",
                "start": "2023-01-01",
                "end": "2023-07-31",
                "share": 1.0,
                "subtotal": 73.78,
            }
        ],
        "lines": [
            {
                "rule": "完成率",
                "name": "目标任务完成情况",
                "kind": "absent",
                "points": 73.78,
                "period": "",
                "what": "本单位无此项考评指标",
                "arithmetic": "按序列平均得分计：（67.55＋80）÷2＝73.775",
                "tasks": [],
                "targets": [],
                "entries": [],
                "slips": [],
                "records": [],
                "hypothetical": [],
            }
        ],
    }
    for u in sheet["units"]:
        assert round(sum(line["points"] for line in u["lines"]), 2) == u["total"]


def test_a_missed_cycle_and_a_red_light_are_deducted(zc, scored):
    # August: 区科技局 reports nothing for the cycle due 8月25日; as at 8月31日 task 1 is red
    result = zc("score", "--unit", "区科技局", "--explain", "--as-of", "2023-08-31", root=scored)
    assert "   −1.00  应报未报：第1项8月25日截止的报送至8月31日未报送\n" in result.stdout
    assert (
        "   −2.00  严重滞后：第1项8月25日严重滞后（1.1 新增市级以上创新平台 4/10家，完成40%，序时进度65%，落后25个百分点）"
        not in result.stdout
    )
    sheet = json.loads(zc("score", "--as-of", "2023-08-31", "-f", "json", root=scored).stdout)
    lines = {u["unit"]: [(x["name"], x["points"]) for x in u["lines"]] for u in sheet["units"]}
    assert ("应报未报", -1.0) in lines["区科技局"] and ("应报未报", -1.0) in lines["区水利局"]


def test_what_if_shows_the_change_and_records_nothing(zc, scored):
    before = {p: p.read_bytes() for p in (scored / "data").rglob("*") if p.is_file()}
    result = zc("score", "--set", "1.1=10", "--as-of", "2023-07-31", root=scored)
    assert result.exit_code == 0, result.stderr
    assert (
        result.stdout.splitlines()[0] == "《测试考评办法》截至2023年7月31日（假设 1.1=10，未记录）"
    )
    assert (
        "全部单位     1  区科技局  80.00  优秀  80.00  0.00  0.00  67.55  +12.45" in result.stdout
    )
    # 区发改局's average moves with 区科技局's score
    assert "区发改局  80.00  优秀  80.00  0.00  0.00  73.78   +6.22" in result.stdout
    explained = zc(
        "score",
        "-u",
        "区科技局",
        "--explain",
        "--set",
        "1.1=10",
        "--as-of",
        "2023-07-31",
        root=scored,
    )
    assert "依据：假设数值 1.1" in explained.stdout
    assert "与实际相比：67.55 → 80.00（+12.45）" in explained.stdout
    what_if = scored.parent / "假设.yaml"
    what_if.write_text('"1.1": 10\n"9.9": 1\n"1.2": 三\n', "utf-8")
    refused = zc("score", "--what-if", str(what_if), "--as-of", "2023-07-31", root=scored)
    assert refused.exit_code == 1
    assert f"{what_if}:2:1: error[unknown-target]: 没有编号为 9.9 的指标" in refused.stderr
    assert f"{what_if}:3:8: error[type]: 指标 1.2 的假设值应为数字" in refused.stderr
    what_if.write_text('figures: {"1.1": 10}\n', "utf-8")
    same = zc(
        "score", "--what-if", str(what_if), "--as-of", "2023-07-31", "-f", "json", root=scored
    )
    assert json.loads(same.stdout)["hypothetical"] == {"1.1": 10.0}
    assert {p: p.read_bytes() for p in (scored / "data").rglob("*") if p.is_file()} == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--explain"], "错误：--explain 要和 --unit 一起用"),
        (["--record", "--set", "1.1=3"], "错误：假设数值（--set、--what-if）只作测算，不能登记"),
        (["-f", "docx"], "错误：docx 格式需要用 -o 指定输出文件"),
        (["--set", "7.1=3"], "错误：--set：没有编号为 7.1 的指标"),
        (["--set", "1.1=十"], "错误：--set 1.1：数值“十”无效：应为数字"),
        (["--series", "乡镇"], "错误：没有考评序列“乡镇”"),
        (["--unit", "区规划办"], "错误：未知单位“区规划办”"),
    ],
)
def test_what_cannot_be_scored_is_a_usage_error(zc, scored, args, message):
    result = zc("score", "--as-of", "2023-07-31", *args, root=scored)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == message


def test_without_rules_the_message_says_where_they_go(zc, make_ledger):
    result = zc("score", root=make_ledger())
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "错误：没有考评办法文件 data/scoring.yaml"


BAD_RULES = """\
title: 测试考评办法
series:
  - {name: 部门, units: [区科技委]}
indicators:
  - {id: 完成率, name: 完成, points: 80, method: 功效系数, satisfied: 100}
  - {id: 完成率, name: 排位, points: 10, method: 排名, step: 1, step_share: 5, targets: ["9.1"]}
events:
  - {id: 逾期, name: 逾期, when: 迟报, points: -1}
caps:
  - {name: 上限, rules: [迟到], max: 5}
vetoes:
  - {id: 否决, name: 否决, when: 逾期未完成, grade: 不合格}
grades:
  - {name: 优秀, min: 70}
  - {name: 良好, min: 80}
  - {name: 合格, min: 0}
"""


def test_check_locates_every_problem_of_the_rules(zc, scored):
    (scored / "data" / "scoring.yaml").write_text(BAD_RULES, "utf-8")
    result = zc("check", root=scored)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        'data/scoring.yaml:8:30: error[type]: “when” 的取值 "迟报" 无效，应为 report-late、report-missing、light-red、light-yellow、repeated-red、urge-issued、urge-unanswered、urge-late、urge-answered、answer-empty、task-done、task-early、manual、逾期报送、未报送、红灯、黄灯、连续红灯、被催办、催办未反馈、催办逾期反馈、催办按时反馈、反馈无实质内容、完成任务、提前完成 或 人工记录',
        "检查未通过：1 个错误，0 个警告。",
    ]
    (scored / "data" / "scoring.yaml").write_text(BAD_RULES.replace("迟报", "逾期报送"), "utf-8")
    result = zc("check", root=scored)
    assert result.stdout.splitlines() == [
        "data/scoring.yaml:6:10: error[duplicate-rule]: 规则编号“完成率”重复",
        "data/scoring.yaml:3:24: error[unknown-unit]: 未知单位“区科技委”",
        "  提示：是否要找：区科技局？",
        "data/scoring.yaml:5:45: error[missing-field]: 指标“完成率”用功效系数法，需要 unacceptable",
        "data/scoring.yaml:6:45: error[missing-field]: 指标“完成率”按排名计分，需要 step 或 step_share 之一",
        "data/scoring.yaml:6:83: error[unknown-target]: 没有编号为 9.1 的指标",
        "data/scoring.yaml:10:24: error[unknown-rule]: 没有编号为“迟到”的指标或计分规则",
        "data/scoring.yaml:15:21: error[grade-bands]: 等次应从高到低排列，min 逐档减小",
        "data/scoring.yaml:16:21: error[grade-bands]: 最后一个等次不写 min（其余分数都落在这一档）",
        "data/scoring.yaml:12:44: error[unknown-grade]: 没有等次“不合格”",
        "  提示：先在 grades 中列出等次",
        "检查未通过：9 个错误，0 个警告。",
    ]
    refused = zc("score", root=scored)
    assert refused.exit_code == 1
    assert refused.stderr.splitlines()[0] == "错误：台账数据有 9 处错误"


def test_the_schema_of_the_rules_is_committed_and_validates_the_demo(zc):
    import yaml
    from jsonschema import Draft202012Validator

    from conftest import REPO

    result = zc("schema", "scoring")
    schema = json.loads(result.stdout)
    Draft202012Validator.check_schema(schema)
    assert result.stdout == (REPO / "schema" / "scoring.schema.json").read_text("utf-8")
    data = yaml.safe_load((REPO / "data" / "scoring.yaml").read_text("utf-8"))
    data = json.loads(json.dumps(data, default=str))
    assert list(Draft202012Validator(schema).iter_errors(data)) == []


def test_recorded_sheets_show_what_a_later_correction_changed(zc, scored, monkeypatch):
    result = zc("score", "--record", "--as-of", "2023-07-31", root=scored)
    assert result.exit_code == 0, result.stderr
    assert (
        result.stderr
        == "已登记第1次考评结果：3个单位，截至2023-07-31，写入 data/scores/2023.yaml\n"
    )
    lines = (scored / "data" / "scores" / "2023.yaml").read_text("utf-8").splitlines()
    assert lines[0].startswith("# 考评结果登记")
    records = [json.loads(line[2:]) for line in lines[1:]]
    assert [(r["number"], r["unit"], r["total"], r["rank"]) for r in records] == [
        (1, "区水利局", 80.0, 1),
        (1, "区发改局", 73.78, 2),
        (1, "区科技局", 67.55, 3),
    ]
    assert records[2]["lines"][0]["entries"] == ["2023-07-20-1-abc123"]
    assert zc("check", root=scored).exit_code == 0
    # the unit corrects its July figure: 1.1 was 5, not 4
    entry = "2023-07-20-1-abc123"
    monkeypatch.setattr("zctasks.log.recording.secrets.token_hex", lambda n: "def456")
    assert (
        zc(
            "progress", "fix", entry, "-v", "1.1=5", "--keep-note", "--reason", "看错", root=scored
        ).exit_code
        == 0
    )
    again = zc("score", "--as-of", "2023-07-31", root=scored)
    assert again.stderr == (
        "注意：与第1次登记（" + records[0]["issued"] + "）相比，2个单位的考评结果有变化，"
        "见“已登记”列；--unit 单位 --explain 看明细\n"
    )
    # 1.1 5/10 = 50.00%, ÷58.08% = 86.09% → 80÷2×86.09% = 34.436 → 34.44; total 74.44;
    # 区发改局's average (74.44 + 80) ÷ 2 = 77.22
    assert (
        "全部单位     2  区发改局  77.22  优秀  77.22  0.00  0.00      73.78  +3.44" in again.stdout
    )
    assert (
        "全部单位     3  区科技局  74.44  优秀  74.44  0.00  0.00      67.55  +6.89" in again.stdout
    )
    explained = zc("score", "-u", "区科技局", "--explain", "--as-of", "2023-07-31", root=scored)
    assert explained.stdout.endswith(
        "与第1次登记相比：67.55 → 74.44（+6.89），等次 合格 → 优秀\n"
        "  目标任务完成情况：第1项 1.1 新增市级以上创新平台 5家/10家，完成50.00%，序时进度58.08%，按序时折算86.09% +27.55 → +34.44\n"
    )
    second = zc("score", "--record", "--as-of", "2023-07-31", root=scored)
    assert "已登记第2次考评结果" in second.stderr
    assert "  区科技局：67.55 → 74.44（+6.89），等次 合格 → 优秀\n" in second.stderr
    assert "注意" not in zc("score", "--as-of", "2023-07-31", root=scored).stderr


def test_the_register_is_checked_line_by_line(zc, scored):
    assert zc("score", "--record", "--as-of", "2023-07-31", root=scored).exit_code == 0
    path = scored / "data" / "scores" / "2023.yaml"
    text = path.read_text("utf-8")
    lines = text.splitlines()
    broken = lines[1].replace('"unit": "区水利局"', '"unit": "区水务局"')
    total = lines[2].replace('"total": 73.78', '"total": 90')
    path.write_text(
        "\n".join([lines[0], broken, total, "<<<<<<< HEAD", lines[3], "- {oops"]) + "\n", "utf-8"
    )
    (scored / "data" / "scores" / "2022.yml").write_text("", "utf-8")
    result = zc("check", root=scored)
    assert result.exit_code == 1
    assert [line for line in result.stdout.splitlines() if line.startswith("data/scores")] == [
        "data/scores/2022.yml:1:1: error[file-name]: 考评登记文件应命名为 年份.yaml：2022.yml 不会被读取",
        "data/scores/2023.yaml:2:1: error[score-field]: 未知单位“区水务局”",
        "data/scores/2023.yaml:3:1: error[score-field]: 各行得分之和 73.78 与总分 90 不符",
        "data/scores/2023.yaml:4:1: error[conflict-marker]: git 合并冲突标记：两个分支的考评登记没有按行合并",
        "data/scores/2023.yaml:6:1: error[line-form]: 考评登记应每行一个单位：- {…}",
    ]


def test_a_score_from_a_past_commit_is_the_score_first_made(
    zc, scored, git_identity, tmp_path, monkeypatch
):
    git(scored, "init", "-q")
    git(scored, "add", "-A")
    git(scored, "commit", "-qm", "七月")
    first = zc("score", "--as-of", "2023-07-31", "-f", "json", root=scored).stdout
    # later work: a correction and a backfilled July report change the score as at 7月31日
    assert (
        zc(
            "progress",
            "add",
            "3",
            "--by",
            "区发改局",
            "--date",
            "2023-07-28",
            "--note",
            "补报",
            root=scored,
        ).exit_code
        == 0
    )
    monkeypatch.setattr("zctasks.log.recording.secrets.token_hex", lambda n: "def456")
    assert (
        zc(
            "progress",
            "fix",
            "2023-07-20-1-abc123",
            "-v",
            "1.1=8",
            "--keep-note",
            "--reason",
            "看错",
            root=scored,
        ).exit_code
        == 0
    )
    assert zc("score", "--as-of", "2023-07-31", "-f", "json", root=scored).stdout != first
    past = tmp_path / "past"
    git(scored, "worktree", "add", "-q", str(past), "HEAD")
    assert zc("score", "--as-of", "2023-07-31", "-f", "json", root=past).stdout == first


def test_the_sheet_as_word_and_excel(zc, scored, tmp_path):
    import docx
    import openpyxl

    out = tmp_path / "考评结果.docx"
    result = zc("score", "--as-of", "2023-07-31", "-f", "docx", "-o", str(out), root=scored)
    assert result.exit_code == 0, result.stderr
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "测试考评办法考评结果" in text.replace("\n", "")
    assert (
        "按照《测试考评办法》，对3个单位截至2023年7月31日的重点工作任务推进情况进行了考评。" in text
    )
    assert "zctasks" not in text
    tables = docx.Document(str(out)).tables
    assert [c.text for c in tables[0].rows[1].cells] == ["1", "区水利局", "80.00", "优秀", ""]
    detail = [[c.text for c in row.cells] for row in tables[3].rows]
    assert detail[0] == ["序号", "考评项目及依据", "计算", "得分"]
    assert detail[1][1].startswith("目标任务完成情况：第1项 1.1 新增市级以上创新平台 4家/10家")
    assert detail[1][1].endswith("（进展记录 2023-07-20-1-abc123）")
    assert detail[-1] == ["", "合计", "", "67.55"]
    book = tmp_path / "考评结果.xlsx"
    assert (
        zc("score", "--as-of", "2023-07-31", "-f", "xlsx", "-o", str(book), root=scored).exit_code
        == 0
    )
    workbook = openpyxl.load_workbook(book)
    assert workbook.sheetnames == ["考评结果", "得分明细"]
    summary = workbook["考评结果"]
    assert [c.value for c in summary[5]] == ["全部单位", 1, "区水利局", 80, "优秀", None]
    rows = [[c.value for c in row] for row in workbook["得分明细"].iter_rows(min_row=5)]
    assert rows[2] == [
        "区科技局",
        1,
        "目标任务完成情况",
        None,
        "指标",
        "第1项 1.1 新增市级以上创新平台 4家/10家，完成40.00%，序时进度58.08%，按序时折算68.87%",
        "进展记录 2023-07-20-1-abc123",
        "80÷2×68.87%＝27.548",
        27.55,
    ]


def test_a_unit_with_its_own_sheet_in_markdown(zc, scored):
    result = zc("score", "-u", "区水利局", "--as-of", "2023-07-31", "-f", "md", root=scored)
    assert result.stdout.startswith(
        "# 区水利局考评得分明细\n\n（截至2023年7月31日）\n\n### 区水利局（全部单位第1名，80.00分，优秀）\n"
    )
    assert (
        "| 1 | 目标任务完成情况：第2项 2.1 年度用水总量 3000万立方米，上限8000万立方米，序时允许4646.4万立方米，未超限（进展记录 2023-06-10-2-abc123） | 80×100.00%＝80 | 80.00 |"
        in result.stdout
    )
    assert result.stdout.endswith(
        "|  | 合计 |  | 80.00 |\n\n> 测试区人民政府办公室\n> 2023年7月31日\n"
    )


def test_the_hooks_keep_issued_score_sheets_append_only(zc, scored, git_identity):
    import subprocess

    git(scored, "init", "-q")
    assert zc("hooks", "install", root=scored).exit_code == 0
    git(scored, "add", "-A")
    git(scored, "commit", "-qm", "台账")
    assert zc("score", "--record", "--as-of", "2023-07-31", root=scored).exit_code == 0
    git(scored, "add", "-A")
    git(scored, "commit", "-qm", "登记考评结果")
    path = scored / "data" / "scores" / "2023.yaml"
    path.write_text(path.read_text("utf-8").replace('"total": 80.0', '"total": 99.0'), "utf-8")
    git(scored, "add", "-A")
    result = subprocess.run(
        ["git", "-C", str(scored), "commit", "-qm", "改分"], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "data/scores/2023.yaml：这次提交会修改或删除已记录的考评结果" in result.stderr
    assert "data/scores/*.yaml merge=union" in (scored / ".gitattributes").read_text("utf-8")


def test_hostile_rules_are_refused_with_their_place(zc, scored):
    path = scored / "data" / "scoring.yaml"
    path.write_text("title: !!python/object:os.system 考评\n", "utf-8")
    result = zc("check", root=scored)
    assert result.stdout.splitlines()[0] == (
        "data/scoring.yaml:1:8: error[unsafe-tag]: 不支持的 YAML 标签 tag:yaml.org,2002:python/object:os.system"
    )
    path.write_bytes("title: 考评\n".encode("gbk"))
    assert "error[encoding]" in zc("check", root=scored).stdout
    path.write_text(
        RULES.replace("title: 测试考评办法", 'title: "=HYPERLINK(\\"x\\")\\e[2J"'), "utf-8"
    )
    explained = zc("score", "-u", "区水利局", "--explain", "--as-of", "2023-07-31", root=scored)
    assert '考评办法：=HYPERLINK("x")\\x1b[2J' in explained.stdout
    assert "\x1b" not in explained.stdout


HUGE_RULES = """\
title: 测试考评办法
base: 1e300
floor: -1e300
indicators:
  - {id: 完成率, name: 目标任务完成情况, points: 1e300, method: 完成比例}
  - {id: 相对, name: 相对, points: 10, method: 相对最优, coefficients: {区科技局: 1e300}}
  - {id: 均值, name: 均值, points: 10, method: 对标均值, average_points: 5, step: 1, per: 1e-300}
  - {id: 排名, name: 排名, points: 10, method: 排名, step: -3}
  - {id: 占比, name: 占比, points: 10, method: 排名, step_share: 0}
  - {id: 全员, name: 全员, points: 10, roles: []}
events:
  - {id: 红灯, name: 严重滞后, when: 红灯, points: -2, max: 1e300}
caps:
  - {name: 上限, rules: [红灯], max: 1e300}
grades:
  - {name: 优秀, min: 1e300}
  - {name: 合格}
"""


def test_numbers_out_of_a_sane_range_are_refused_where_they_stand(zc, scored):
    (scored / "data" / "scoring.yaml").write_text(HUGE_RULES, "utf-8")
    result = zc("check", root=scored)
    assert result.exit_code == 1
    out_of_range = (
        "error[range]: 数值应为 0 或绝对值在 0.000000000001 至 1000000000000 之间，实际为"
    )
    hint = "  提示：考评办法中的分值、系数、界限都是常规大小的数"
    assert result.stdout.splitlines() == [
        f"data/scoring.yaml:2:7: {out_of_range} 1e+300",
        hint,
        f"data/scoring.yaml:3:8: {out_of_range} -1e+300",
        hint,
        f"data/scoring.yaml:5:39: {out_of_range} 1e+300",
        hint,
        f"data/scoring.yaml:6:71: {out_of_range} 1e+300",
        hint,
        f"data/scoring.yaml:7:83: {out_of_range} 1e-300",
        hint,
        f"data/scoring.yaml:12:53: {out_of_range} 1e+300",
        hint,
        f"data/scoring.yaml:14:34: {out_of_range} 1e+300",
        hint,
        f"data/scoring.yaml:16:21: {out_of_range} 1e+300",
        hint,
        "data/scoring.yaml:10:43: error[empty]: roles 不能为空",
        "  提示：写 lead、responsible、cooperate 中的一个或几个",
        "data/scoring.yaml:8:54: error[range]: step 应大于 0",
        "data/scoring.yaml:9:60: error[range]: step_share 应大于 0",
        "检查未通过：11 个错误，0 个警告。",
    ]
    refused = zc("score", root=scored)
    assert (refused.exit_code, refused.stderr.splitlines()[0]) == (1, "错误：台账数据有 11 处错误")
    (scored / "data" / "scoring.yaml").write_text(
        RULES.replace(
            "method: 完成比例", "method: 对标均值, average_points: 40, step: 1, per: 1e-12"
        ),
        "utf-8",
    )
    assert zc("check", root=scored).stdout.splitlines()[0] == (
        "data/scoring.yaml:3:91: error[range]: per 应不小于 0.0001，实际为 1e-12"
    )


def test_weight_lines_and_total_agree_exactly_at_the_largest_points(zc, scored):
    rules = RULES.replace("points: 80", "points: 999999999999.99").replace(
        "title: 测试考评办法",
        "title: 测试考评办法\nperiods:\n  - {name: 一季度, end: 2023-03-31, weight: 1}\n"
        "  - {name: 其余, end: 2023-12-31, weight: 1}",
    )
    (scored / "data" / "scoring.yaml").write_text(rules, "utf-8")
    from decimal import Decimal

    result = zc("score", "-f", "json", "--as-of", "2023-07-31", root=scored)
    assert result.exit_code == 0, result.stderr
    for unit in json.loads(result.stdout, parse_float=Decimal)["units"]:
        weights = [line for line in unit["lines"] if line["kind"] == "weight"]
        assert len(weights) == 2
        assert unit["total"] == sum(Decimal(str(line["points"])) for line in weights)
        for line, period in zip(weights, unit["periods"], strict=True):
            exact = Decimal(str(period["subtotal"])) / 2
            assert Decimal(str(line["points"])) == exact.quantize(Decimal("0.01"), "ROUND_HALF_UP")


def test_a_register_line_with_nan_or_a_huge_number_is_located_not_a_traceback(zc, scored):
    assert zc("score", "--record", "--as-of", "2023-07-31", root=scored).exit_code == 0
    path = scored / "data" / "scores" / "2023.yaml"
    lines = path.read_text("utf-8").splitlines()
    assert '"total": 80.0' in lines[1] and '"points": 73.78' in lines[2]
    lines[1] = lines[1].replace('"total": 80.0', '"total": NaN')
    lines[2] = lines[2].replace('"points": 73.78', '"points": Infinity')
    lines[3] = lines[3].replace('"number": 1,', '"number": 99999999999999999999,')
    path.write_text("\n".join(lines) + "\n", "utf-8")
    result = zc("check", root=scored)
    assert result.exit_code == 1
    assert [line for line in result.stdout.splitlines() if line.startswith("data/scores")] == [
        "data/scores/2023.yaml:2:1: error[score-field]: total 应为数字，实际为 nan",
        "data/scores/2023.yaml:3:1: error[score-field]: lines 第1行的 points 应为数字，实际为 inf",
        "data/scores/2023.yaml:4:1: error[score-field]: number 应为 1 至 999999 的整数",
    ]
    refused = zc("score", "--as-of", "2023-07-31", root=scored)
    assert refused.exit_code == 1
    assert refused.stderr.splitlines()[:2] == [
        "错误：台账数据有 3 处错误",
        "data/scores/2023.yaml:2:1: error[score-field]: total 应为数字，实际为 nan",
    ]
    assert "Traceback" not in refused.stderr


def test_a_void_reason_is_echoed_escaped_and_a_second_void_says_it_is_done(zc, scored):
    assert zc("score", "--record", "--as-of", "2023-07-31", root=scored).exit_code == 0
    reason = "a\x1b[2Jb\x07\nFAKE LINE"
    voided = zc("score", "--void", "1", "--reason", reason, root=scored)
    assert voided.exit_code == 0
    assert voided.stdout.endswith("3个单位）：a\\x1b[2Jb\\x07\\nFAKE LINE\n")
    assert "\x1b" not in voided.stdout and "\x07" not in voided.stdout
    register = (scored / "data" / "scores" / "2023.yaml").read_text("utf-8")
    assert '"reason": "a\\u001b[2Jb\\u0007\\nFAKE LINE"' in register
    again = zc("score", "--void", "1", "--reason", "again", root=scored)
    assert again.exit_code == 2
    assert again.stderr == (
        "错误：第1次登记的考评结果已作废\n提示：作废记录留在 data/scores 中；不必再作废\n"
    )
    assert zc("score", "--void", "2", "--reason", "x", root=scored).stderr.startswith(
        "错误：没有第2次登记的考评结果\n"
    )


def test_what_if_figures_follow_the_strict_number_rule_and_the_hint_fits(zc, scored):
    what_if = scored.parent / "假设.yaml"
    what_if.write_text('"1.1": 0x3\n"1.2": 0o3\n"2.1": 3e0\n', "utf-8")
    refused = zc("score", "--what-if", str(what_if), "--as-of", "2023-07-31", root=scored)
    assert refused.exit_code == 1
    assert refused.stderr.splitlines() == [
        "错误：假设数值文件有 1 处错误",
        f"{what_if}:1:8: error[number]: 数值“0x3”的写法不对：只接受十进制数字，如 31 或 12.5",
        "  提示：数值只写十进制数字",
        "提示：修正假设数值文件后重试（zctasks check 不读这个文件）",
    ]


def test_a_pipe_for_the_rules_or_the_what_if_file_is_refused_unread(scored, zc, tmp_path):
    """A FIFO at data/scoring.yaml or given as --what-if never hangs `score`."""
    import os

    root = scored
    pipe = tmp_path / "假设.yaml"
    os.mkfifo(pipe)
    refused = zc("score", "--what-if", str(pipe), "--as-of", "2023-07-31", root=root)
    assert refused.exit_code == 1
    assert (
        f"{pipe}:1:1: error[not-a-file]: 不是普通文件（命名管道），没有读取\n"
        "  提示：zctasks 只读普通文件：换回普通文件后重试\n"
    ) in refused.stderr
    (root / "data" / "scoring.yaml").unlink(missing_ok=True)
    os.mkfifo(root / "data" / "scoring.yaml")
    refused = zc("score", "--as-of", "2023-07-31", root=root)
    assert refused.exit_code == 1
    assert refused.stderr.splitlines()[1] == (
        "data/scoring.yaml:1:1: error[not-a-file]: 不是普通文件（命名管道），没有读取"
    )
