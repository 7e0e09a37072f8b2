"""The query commands, on a small inline ledger and on the bundled plan."""

from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import REPO


def test_list_table(zc, make_ledger):
    result = zc("list", root=make_ledger())
    assert result.exit_code == 0
    assert result.stdout == (
        "共 3 项任务\n"
        "\n"
        "序号  章  任务          牵头/负责         配合        指标\n"
        "----  --  ------------  ----------------  ----------  ----\n"
        "   1   1  建设创新平台  区科技局          区发改局等     2\n"
        "   2   2  节约用水      区水利局（负责）                 1\n"
        "   3   2  推进产业协同  区发改局          区有关部门     0\n"
    )


@pytest.mark.parametrize(
    "name", ["区发改局", "发改局", "淄川区发展和改革局", "淄川区发改局", "淄博市淄川区发展和改革局"]
)
def test_list_by_any_name_of_a_unit(zc, make_ledger, name):
    result = zc("list", "--dept", name, "--format", "csv", root=make_ledger())
    assert result.exit_code == 0
    assert result.stdout == (
        "\ufeff序号,章,任务,角色,牵头/负责,配合,指标\n"
        "1,1,建设创新平台,配合,区科技局,区发改局等,2\n"
        "3,2,推进产业协同,牵头,区发改局,区有关部门,0\n"
    )


def test_list_by_role(zc, make_ledger):
    result = zc(
        "list", "--dept", "区发改局", "--role", "lead", "--format", "md", root=make_ledger()
    )
    assert result.stdout == (
        "| 序号 | 章 | 任务 | 角色 | 牵头/负责 | 配合 | 指标 |\n"
        "|---|---|---|---|---|---|---|\n"
        "| 3 | 2 | 推进产业协同 | 牵头 | 区发改局 | 区有关部门 | 0 |\n"
    )


def test_list_by_chapter_and_text(zc, make_ledger):
    root = make_ledger()
    assert [
        t["id"] for t in json.loads(zc("list", "--chapter", "2", "-f", "json", root=root).stdout)
    ] == [2, 3]
    assert [
        t["id"] for t in json.loads(zc("list", "--grep", "用水", "-f", "json", root=root).stdout)
    ] == [2]
    assert [
        t["id"] for t in json.loads(zc("list", "-g", "省级平台", "-f", "json", root=root).stdout)
    ] == [1]
    assert json.loads(zc("list", "-g", "没有这个词", "-f", "json", root=root).stdout) == []


def test_unknown_unit_exits_2_and_suggests(zc, make_ledger):
    result = zc("list", "--dept", "科技委", root=make_ledger())
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "错误：未知单位“科技委”\n提示：是否要找：区科技局？\n"


def test_placeholders_are_never_matched(zc, make_ledger):
    result = zc("list", "--dept", "区有关部门", root=make_ledger())
    assert result.exit_code == 2
    assert result.stderr == "错误：“区有关部门”是泛指用语，不是具体单位\n提示：请指定具体单位\n"


def test_usage_errors(zc, make_ledger):
    root = make_ledger()
    result = zc("list", "--role", "lead", root=root)
    assert (result.exit_code, result.stderr) == (
        2,
        "错误：--role 需要与 --dept 一起使用\n提示：例如 zctasks list --dept 区发改局 --role lead\n",
    )
    result = zc("list", "--chapter", "9", root=root)
    assert (result.exit_code, result.stderr) == (
        2,
        "错误：没有第 9 章\n提示：本计划共 2 章，用 zctasks chapters 查看\n",
    )
    assert zc("list", "--format", "xml", root=root).exit_code == 2
    assert zc("list", "--role", "boss", "--dept", "区发改局", root=root).exit_code == 2


def test_list_json_follows_the_contract(zc, make_ledger):
    tasks = json.loads(zc("list", "--dept", "科技局", "-f", "json", root=make_ledger()).stdout)
    assert tasks == [
        {
            "id": 1,
            "chapter": 1,
            "chapter_title": "科技创新",
            "title": "建设创新平台",
            "text": "力争新增市级以上创新平台10家以上，新增2—3家省级平台。",
            "attribution": "区科技局牵头，区发改局等部门配合",
            "lead": ["区科技局"],
            "cooperate": ["区发改局"],
            "responsible": [],
            "and_others": "cooperate",
            "placeholders": [],
            "leaders": [],
            "due": "2023-12-31",
            "targets": [
                {
                    "id": "1.1",
                    "name": "新增市级以上创新平台",
                    "op": ">=",
                    "value": 10,
                    "max": None,
                    "unit": "家",
                    "firm": False,
                    "accrues": True,
                    "quote": "力争新增市级以上创新平台10家以上",
                    "base": None,
                    "change": False,
                    "milestones": [],
                },
                {
                    "id": "1.2",
                    "name": "新增省级平台",
                    "op": "between",
                    "value": 2,
                    "max": 3,
                    "unit": "家",
                    "firm": True,
                    "accrues": True,
                    "quote": "",
                    "base": None,
                    "change": False,
                    "milestones": [],
                },
            ],
            "measures": [],
            "section": "",
            "milestones": [],
        }
    ]


def test_show_text(zc, make_ledger):
    result = zc("show", "1", root=make_ledger())
    assert result.stdout == (
        "第1项  建设创新平台\n"
        "章节：一、科技创新\n"
        "牵头：区科技局\n"
        "配合：区发改局等\n"
        "原文分工：（区科技局牵头，区发改局等部门配合）\n"
        "\n"
        "力争新增市级以上创新平台10家以上，新增2—3家省级平台。\n"
        "\n"
        "量化指标 2 项\n"
        "\n"
        "编号  指标                  目标   性质       最新\n"
        "----  --------------------  -----  ---------  ------\n"
        "1.1   新增市级以上创新平台  ≥10家  累计·力争  未报数\n"
        "1.2   新增省级平台          2—3家  累计       未报数\n"
        "\n"
        "截至2023年12月31日：未报送。2023年12月25日应报未报，已逾期6天，尚无进展报送\n"
    )


def test_show_markdown(zc, make_ledger):
    result = zc("show", "2", "--format", "md", root=make_ledger())
    assert result.stdout == (
        "## 2. 节约用水\n"
        "\n"
        "- 章节：二、绿色发展\n"
        "- 负责：区水利局\n"
        "- 原文分工：（区水利局负责）\n"
        "\n"
        "全区年度用水总量控制在8000万立方米之内。\n"
        "\n"
        "| 编号 | 指标 | 目标 | 性质 | 原文 |\n"
        "|---|---|---|---|---|\n"
        "| 2.1 | 年度用水总量 | ≤8000万立方米 | 累计 |  |\n"
        "\n"
        "截至2023年12月31日：**未报送**。2023年12月25日应报未报，已逾期6天，尚无进展报送\n"
    )


def test_show_json_and_unknown_id(zc, make_ledger):
    root = make_ledger()
    assert json.loads(zc("show", "3", "-f", "json", root=root).stdout)["placeholders"] == [
        "区有关部门"
    ]
    result = zc("show", "9", root=root)
    assert (result.exit_code, result.stderr) == (
        2,
        "错误：没有第 9 项任务\n提示：任务编号范围：1–3\n",
    )
    assert zc("show", "abc", root=root).exit_code == 2


def test_depts(zc, make_ledger):
    result = zc("depts", "--format", "csv", root=make_ledger())
    assert result.stdout == (
        "\ufeff单位,全称,类别,牵头,配合,负责,合计\n"
        "区发改局,淄川区发展和改革局,政府工作部门,1,1,0,2\n"
        "区科技局,淄川区科学技术局,政府工作部门,1,0,0,1\n"
        "区水利局,,政府工作部门,0,0,1,1\n"
    )
    units = json.loads(zc("depts", "-f", "json", root=make_ledger()).stdout)
    assert units[0] == {
        "name": "区发改局",
        "full_name": "淄川区发展和改革局",
        "kind": "政府工作部门",
        "aliases": ["发改局"],
        "lead": 1,
        "cooperate": 1,
        "responsible": 0,
        "total": 2,
    }


def test_chapters(zc, make_ledger):
    result = zc("chapters", root=make_ledger())
    assert result.stdout == (
        "测试计划\n"
        "\n"
        "章  标题      任务数  任务序号  指标数\n"
        "--  --------  ------  --------  ------\n"
        "一  科技创新       1  1              2\n"
        "二  绿色发展       2  2、3           1\n"
    )
    assert json.loads(zc("chapters", "-f", "json", root=make_ledger()).stdout)[1] == {
        "id": 2,
        "title": "绿色发展",
        "tasks": [2, 3],
        "targets": 1,
    }


def test_bundled_plan_answers_the_analyst(zc):
    result = zc("list", "--dept", "区发改局", "--format", "json")
    tasks = json.loads(result.stdout)
    assert len(tasks) == 28
    assert all("区发改局" in t["lead"] + t["cooperate"] + t["responsible"] for t in tasks)
    rows = list(csv.reader(io.StringIO(zc("depts", "-f", "csv").stdout)))
    assert rows[1][:7] == ["区发改局", "淄川区发展和改革局", "政府工作部门", "16", "7", "5", "28"]
    assert zc("check").stdout == "检查通过：12 章，66 项任务，96 项指标，43 个单位。\n"
    assert zc("list", "--dept", "区发改局", "--role", "lead", "-f", "json").stdout.count(
        '"id": '
    ) == 16 + sum(len(t["targets"]) for t in tasks if "区发改局" in t["lead"])


def test_schema_is_valid_json_schema_and_committed(zc):
    from jsonschema import Draft202012Validator

    for name in ("tasks", "departments", "config"):
        result = zc("schema", name)
        schema = json.loads(result.stdout)
        Draft202012Validator.check_schema(schema)
        committed = (REPO / "schema" / f"{name}.schema.json").read_text("utf-8")
        assert result.stdout == committed, f"run: zctasks schema {name} > schema/{name}.schema.json"


def test_schema_validates_the_bundled_data():
    import yaml
    from jsonschema import Draft202012Validator

    for name in ("tasks", "departments", "config"):
        schema = json.loads((REPO / "schema" / f"{name}.schema.json").read_text("utf-8"))
        data = yaml.safe_load((REPO / "data" / f"{name}.yaml").read_text("utf-8"))
        data = json.loads(json.dumps(data, default=str))  # dates as ISO text, as the schema says
        assert list(Draft202012Validator(schema).iter_errors(data)) == []


def test_every_csv_starts_with_the_mark_excel_needs_as_the_reports_do(zc, reported):
    """Issue 18, item 12: `list -f csv` "for Excel" had no BOM while `report -f csv` had."""
    report = zc(
        "report", "ledger", "--as-of", "2023-07-31", "-f", "csv", "-o", "t.csv", root=reported
    )
    assert report.exit_code == 0
    from pathlib import Path

    assert Path("t.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    for args in (["list"], ["depts"], ["chapters"], ["progress", "log"]):
        assert zc(*args, "-f", "csv", root=reported).stdout.startswith("\ufeff"), args
