"""Bad input: each one exits 1 with a located one-line message per problem, no traceback."""

from __future__ import annotations

import json

from conftest import DEPARTMENTS, TASKS


def check(zc, root):
    result = zc("check", root=root)
    assert "Traceback" not in result.stdout + result.stderr
    return result


def problems(result) -> list[str]:
    """The one-line messages (hints are indented under them)."""
    return [line for line in result.stdout.splitlines() if not line.startswith("  ")][:-1]


def test_clean_ledger_prints_one_summary_line(zc, make_ledger):
    result = check(zc, make_ledger())
    assert result.exit_code == 0
    assert result.stdout == "检查通过：2 章，3 项任务，3 项指标，3 个单位。\n"


def test_yaml_syntax_error(zc, make_ledger):
    result = check(zc, make_ledger(tasks="plan: [unclosed\nchapters: []\n"))
    assert result.exit_code == 1
    assert problems(result) == [
        "data/tasks.yaml:2:9: error[yaml-syntax]: YAML 语法错误：did not find expected ',' or ']'"
        "（while parsing a flow sequence）"
    ]


def test_tab_indentation(zc, make_ledger):
    result = check(zc, make_ledger(tasks=TASKS.replace("  title: 测试计划", "\ttitle: 测试计划")))
    assert result.exit_code == 1
    assert problems(result) == [
        "data/tasks.yaml:2:1: error[tab-indent]: YAML 不允许用制表符（Tab）缩进"
    ]
    assert "  提示：请把制表符换成空格" in result.stdout


def test_file_in_gbk(zc, make_ledger):
    result = check(zc, make_ledger(departments=DEPARTMENTS.encode("gbk")))
    assert result.exit_code == 1
    assert problems(result) == [
        "data/departments.yaml:2:3: error[encoding]: 文件不是 UTF-8 编码（第 10 字节无法解码）"
    ]
    assert "  提示：文件似乎是 GBK/GB18030 编码，请另存为 UTF-8" in result.stdout


def test_empty_file(zc, make_ledger):
    result = check(zc, make_ledger(departments="# nothing yet\n"))
    assert result.exit_code == 1
    assert problems(result) == ["data/departments.yaml:1:1: error[empty-file]: 文件为空"]


def test_missing_file(zc, make_ledger):
    root = make_ledger()
    (root / "data" / "departments.yaml").unlink()
    result = check(zc, root)
    assert result.exit_code == 1
    assert problems(result) == ["data/departments.yaml:1:1: error[missing-file]: 文件不存在"]


def test_unknown_department_suggests_the_closest(zc, make_ledger):
    result = check(zc, make_ledger(tasks=TASKS.replace("lead: [区科技局]", "lead: [区科技委]")))
    assert result.exit_code == 1
    assert problems(result) == ["data/tasks.yaml:16:12: error[unknown-unit]: 未知单位“区科技委”"]
    assert "  提示：是否是：区科技局？新单位请先加入 data/departments.yaml" in result.stdout


def test_duplicated_task_id(zc, make_ledger):
    result = check(zc, make_ledger(tasks=TASKS.replace("  - id: 3\n", "  - id: 2\n")))
    assert result.exit_code == 1
    assert problems(result) == ["data/tasks.yaml:30:9: error[duplicate-task]: 任务编号 2 重复"]


def test_duplicated_key(zc, make_ledger):
    result = check(
        zc,
        make_ledger(
            tasks=TASKS.replace("    title: 节约用水\n", "    title: 节约用水\n    title: 节水\n")
        ),
    )
    assert result.exit_code == 1
    assert problems(result) == ["data/tasks.yaml:25:5: error[duplicate-key]: 键 “title” 重复"]
    assert "  提示：第一次出现在第 24 行；同一映射中的键不能重复" in result.stdout


def test_between_without_max(zc, make_ledger):
    result = check(zc, make_ledger(tasks=TASKS.replace("value: 2, max: 3,", "value: 2,")))
    assert result.exit_code == 1
    assert problems(result) == [
        "data/tasks.yaml:21:9: error[between-needs-max]: 指标 1.2 是区间（between），缺少上限 max"
    ]


def test_max_below_value(zc, make_ledger):
    result = check(zc, make_ledger(tasks=TASKS.replace("value: 2, max: 3,", "value: 2, max: 1,")))
    assert problems(result) == [
        "data/tasks.yaml:21:63: error[max-below-value]: 指标 1.2 的上限 1 小于下限 2"
    ]


def test_string_where_a_number_belongs(zc, make_ledger):
    result = check(zc, make_ledger(tasks=TASKS.replace("value: 8000", 'value: "8000"')))
    assert result.exit_code == 1
    assert problems(result) == [
        'data/tasks.yaml:29:52: error[type]: “value” 应为数字，实际为 "8000"'
    ]


def test_unit_written_into_the_number(zc, make_ledger):
    result = check(zc, make_ledger(tasks=TASKS.replace("value: 8000", "value: 8000万")))
    assert problems(result) == [
        'data/tasks.yaml:29:52: error[type]: “value” 应为数字，实际为 "8000万"'
    ]


def test_unknown_top_level_key(zc, make_ledger):
    result = check(zc, make_ledger(tasks=TASKS + "owner: 区发改局\n"))
    assert result.exit_code == 1
    assert problems(result) == ["data/tasks.yaml:37:1: error[unknown-field]: 未知字段 “owner”"]


def test_every_problem_is_reported_not_only_the_first(zc, make_ledger):
    tasks = (
        TASKS.replace("lead: [区科技局]", "lead: [区科技委]")
        .replace("  - id: 3\n", "  - id: 2\n")
        .replace("value: 2, max: 3,", "value: 2,")
    )
    result = check(zc, make_ledger(tasks=tasks))
    assert [line.split(": ")[1] for line in problems(result)] == [
        "error[unknown-unit]",
        "error[between-needs-max]",
        "error[duplicate-task]",
    ]
    assert result.stdout.splitlines()[-1] == "检查未通过：3 个错误，0 个警告。"


def test_cross_checks(zc, make_ledger):
    tasks = (
        TASKS.replace("cooperate: [区发改局]", "cooperate: [区发改局, 区科技局]")
        .replace("    chapter: 2\n    title: 节约用水", "    chapter: 5\n    title: 节约用水")
        .replace('id: "2.1"', 'id: "1.1"')
        .replace("quote: 力争新增市级以上创新平台10家以上", "quote: 新增20家")
    )
    result = check(zc, make_ledger(tasks=tasks))
    assert problems(result) == [
        "data/tasks.yaml:17:23: error[role-conflict]: 任务 1 中“区科技局”同时是牵头和配合单位",
        "data/tasks.yaml:20:89: error[quote-not-in-text]: 指标 1.1 的 quote 不是任务 1 原文的一部分",
        "data/tasks.yaml:23:14: error[unknown-chapter]: 任务 2 所在的第 5 章不存在",
        "data/tasks.yaml:29:14: error[target-id]: 指标编号“1.1”应以任务编号开头，如 2.1",
        "data/tasks.yaml:29:14: error[duplicate-target]: 指标编号 1.1 重复",
    ]


def test_yaml_1_1_words_and_dates_are_not_coerced(zc, make_ledger):
    tasks = TASKS.replace("firm: false,", "firm: no,").replace(
        "title: 节约用水", "title: 2023-07-03"
    )
    result = check(zc, make_ledger(tasks=tasks))
    assert problems(result) == [
        'data/tasks.yaml:20:75: error[type]: “firm” 应为 true 或 false，实际为 "no"'
    ]


def test_invalid_date(zc, make_ledger):
    result = check(zc, make_ledger(tasks=TASKS.replace("issued: 2023-07-03", "issued: 2023-02-30")))
    assert problems(result) == [
        'data/tasks.yaml:5:11: error[type]: “issued” 应为有效日期 YYYY-MM-DD，实际为 "2023-02-30"'
    ]


def test_object_constructing_tags_are_refused(zc, make_ledger):
    hostile = TASKS.replace(
        "title: 测试计划", "title: !!python/object/apply:os.system [echo hacked]"
    )
    result = check(zc, make_ledger(tasks=hostile))
    assert problems(result) == [
        "data/tasks.yaml:2:10: error[unsafe-tag]: 不支持的 YAML 标签 tag:yaml.org,2002:python/object/apply:os.system"
    ]


def test_aliases_are_refused(zc, make_ledger):
    result = check(zc, make_ledger(departments="units: &u {}\nplaceholders: *u\n"))
    assert problems(result) == [
        "data/departments.yaml:2:15: error[alias]: 不支持 YAML 锚点与别名（& 和 *）"
    ]


def test_missing_field_points_at_the_mapping(zc, make_ledger):
    result = check(
        zc,
        make_ledger(
            departments=DEPARTMENTS.replace("区水利局: {kind: 政府工作部门}", "区水利局: {}")
        ),
    )
    assert problems(result) == ["data/departments.yaml:4:9: error[missing-field]: 缺少字段 “kind”"]


def test_check_json(zc, make_ledger):
    result = zc("check", "--format", "json", root=make_ledger(tasks=TASKS + "owner: x\n"))
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False and report["errors"] == 1 and report["warnings"] == 0
    assert report["diagnostics"] == [
        {
            "path": "data/tasks.yaml",
            "line": 37,
            "column": 1,
            "code": "unknown-field",
            "message": "未知字段 “owner”",
            "hint": "检查拼写；可用 zctasks schema 查看允许的字段",
            "severity": "error",
            "cell": "",
        }
    ]


def test_queries_refuse_an_invalid_ledger(zc, make_ledger):
    result = zc("list", root=make_ledger(tasks=TASKS + "owner: x\n"))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "错误：台账数据有 1 处错误\n"
        "data/tasks.yaml:37:1: error[unknown-field]: 未知字段 “owner”\n"
        "  提示：检查拼写；可用 zctasks schema 查看允许的字段\n"
        "提示：运行 zctasks check 查看并修正\n"
    )
