"""Milestones (节点) and planned trajectories: a target or a task judged against its plan."""

from __future__ import annotations

import json
from datetime import date

import pytest

from conftest import DEPARTMENTS, TASKS
from zctasks.judge.schedule import elapsed_share, target_state
from zctasks.plan.models import Milestone, ScheduleSettings, Target

SETTINGS = ScheduleSettings()
JUNE = date(2023, 6, 30)
JUNE_ELAPSED = elapsed_share(JUNE, date(2023, 1, 1), date(2023, 12, 31))  # 49.6%
BACK_LOADED = Target(
    "7.1",
    "制造业技改投资",
    ">=",
    25,
    "亿元",
    milestones=(Milestone(date(2023, 9, 30), 10), Milestone(date(2023, 11, 30), 20)),
)


def test_a_back_loaded_target_is_not_behind_before_its_first_milestone():
    straight = target_state(
        Target("7.1", "制造业技改投资", ">=", 25, "亿元"), 0, JUNE, JUNE_ELAPSED, SETTINGS, JUNE
    )
    assert straight.light == "red"  # against the straight 序时进度 line, 50 points behind
    state = target_state(BACK_LOADED, 0, JUNE, JUNE_ELAPSED, SETTINGS, JUNE)
    assert (state.light, state.reason, state.planned) == (
        "green",
        "7.1 制造业技改投资 0/25亿元，完成0%，首个节点9月30日10亿元，此前不计滞后",
        0.0,
    )


@pytest.mark.parametrize(
    ("actual", "day", "expected"),
    [
        # 10 of 25 planned by 9-30 (40%): 8 is 32%, 8 points behind — still green
        (
            8,
            date(2023, 10, 15),
            ("green", "7.1 制造业技改投资 8/25亿元，完成32%，计划进度40%（9月30日节点10亿元）"),
        ),
        # 5 is 20%: 20 points behind the milestone — yellow
        (
            5,
            date(2023, 10, 15),
            (
                "yellow",
                "7.1 制造业技改投资 5/25亿元，完成20%，计划进度40%（9月30日节点10亿元），落后20个百分点",
            ),
        ),
        # after the second milestone (20 of 25, 80%), 10 is 40 points behind — red
        (
            10,
            date(2023, 12, 1),
            (
                "red",
                "7.1 制造业技改投资 10/25亿元，完成40%，计划进度80%（11月30日节点20亿元），落后40个百分点",
            ),
        ),
    ],
)
def test_a_target_is_held_against_the_latest_milestone_passed(actual, day, expected):
    elapsed = elapsed_share(day, date(2023, 1, 1), date(2023, 12, 31))
    state = target_state(BACK_LOADED, actual, day, elapsed, SETTINGS, day)
    assert (state.light, state.reason) == expected


def test_at_the_deadline_the_full_target_counts_whatever_the_milestones():
    state = target_state(BACK_LOADED, 20, date(2023, 12, 31), 1.0, SETTINGS, date(2024, 1, 5))
    assert state.light == "yellow" and state.planned is None
    assert state.reason == "7.1 制造业技改投资 20/25亿元，完成80%，序时进度100%，落后20个百分点"


def test_a_level_with_milestones_and_a_cap_with_a_planned_budget():
    rate = Target(
        "9.1",
        "污水处理率",
        ">=",
        98,
        "%",
        accrues=False,
        milestones=(Milestone(date(2023, 6, 30), 95),),
    )
    state = target_state(rate, 90, JUNE, JUNE_ELAPSED, SETTINGS, JUNE)
    assert (state.light, state.reason) == (
        "green",
        "9.1 污水处理率 90%，目标98%，达到目标的92%，6月30日节点应达95%",
    )  # 90 of the 95 planned: 5.3% short
    state = target_state(rate, 80, JUNE, JUNE_ELAPSED, SETTINGS, JUNE)
    assert state.light == "yellow"  # 15.8% short of the planned level
    water = Target(
        "30.1",
        "年度用水总量",
        "<=",
        8000,
        "万立方米",
        milestones=(Milestone(date(2023, 6, 30), 3000),),
    )
    state = target_state(water, 3900, JUNE, JUNE_ELAPSED, SETTINGS, JUNE)
    assert state.light == "yellow"  # 48.75% used where 37.5% was planned: 11 points over
    assert "计划进度38%（6月30日节点3000万立方米）" in state.reason


MILESTONE_TASKS = TASKS.replace(
    """      - {id: "1.2", name: 新增省级平台, op: between, value: 2, max: 3, unit: 家}
""",
    """      - {id: "1.2", name: 新增省级平台, op: between, value: 2, max: 3, unit: 家}
    milestones:
      - {by: 2023-09-30, text: 三季度末完成省级平台申报}
""",
).replace(
    """      - {id: "1.1", name: 新增市级以上创新平台, op: ">=", value: 10, unit: 家, firm: false, quote: 力争新增市级以上创新平台10家以上}
""",
    """      - id: "1.1"
        name: 新增市级以上创新平台
        op: ">="
        value: 10
        unit: 家
        firm: false
        quote: 力争新增市级以上创新平台10家以上
        milestones:
          - {by: 2023-09-30, value: 4}
          - {by: 2023-12-31, value: 10, text: 年底全部认定}
""",
)


def test_milestones_are_stored_in_tasks_yaml_and_lights_use_them(zc, make_ledger):
    root = make_ledger(MILESTONE_TASKS)
    assert zc("check", root=root).exit_code == 0
    result = zc(
        "progress",
        "add",
        "1",
        "--by",
        "区科技局",
        "--date",
        "2023-07-20",
        "--value",
        "1.1=1",
        "--value",
        "1.2=2",
        "--note",
        "新增平台1家",
        root=root,
    )
    assert result.exit_code == 0, result.stderr
    status = json.loads(zc("status", "--as-of", "2023-07-31", "--format", "json", root=root).stdout)
    task = status["tasks"][0]
    assert task["light"] == "green"
    assert task["targets"][0]["state"]["reason"] == (
        "1.1 新增市级以上创新平台 1/10家，完成10%，首个节点9月30日4家，此前不计滞后"
    )
    shown = json.loads(zc("show", "1", "--format", "json", root=root).stdout)
    assert shown["milestones"] == [
        {"by": "2023-09-30", "value": None, "text": "三季度末完成省级平台申报"}
    ]
    assert shown["targets"][0]["milestones"] == [
        {"by": "2023-09-30", "value": 4, "text": ""},
        {"by": "2023-12-31", "value": 10, "text": "年底全部认定"},
    ]
    # the cached ledger reads the milestones back the same
    again = json.loads(zc("show", "1", "--format", "json", root=root).stdout)
    assert again == shown


def test_a_task_not_started_before_its_first_node_is_not_behind(zc, make_ledger):
    tasks = TASKS.replace(
        """    lead: [区发改局]
    cooperate: [区有关部门]
""",
        """    lead: [区发改局]
    cooperate: [区有关部门]
    milestones:
      - {by: 2023-09-30, text: 三季度末开工}
""",
    )
    root = make_ledger(tasks)
    add = ["progress", "add", "3", "--by", "区发改局", "--status", "未启动", "--note", "尚在前期"]
    assert zc(*add, "--date", "2023-07-20", root=root).exit_code == 0
    july = json.loads(zc("status", "--as-of", "2023-07-31", "-f", "json", root=root).stdout)
    assert (july["tasks"][2]["light"], july["tasks"][2]["reason"]) == (
        "green",
        "最新状态：未启动（2023年7月20日），首个节点9月30日：三季度末开工",
    )
    assert zc(*add, "--date", "2023-10-10", root=root).exit_code == 0
    october = json.loads(zc("status", "--as-of", "2023-10-15", "-f", "json", root=root).stdout)
    assert october["tasks"][2]["light"] == "yellow"


@pytest.mark.parametrize(
    ("milestones", "expected"),
    [
        (
            "[{by: 2024-01-31, value: 4}]",
            "data/tasks.yaml:20:126: error[milestone-outside-period]: 指标 1.1 的节点 2024-01-31 不在计划期内或晚于完成期限 2023-12-31",
        ),
        (
            "[{by: 2023-09-30, value: 4}, {by: 2023-06-30, value: 2}]",
            "data/tasks.yaml:20:154: error[milestone-order]: 指标 1.1 的节点 2023-06-30 不晚于前一个节点 2023-09-30",
        ),
        (
            "[{by: 2023-06-30, value: 6}, {by: 2023-09-30, value: 4}]",
            "data/tasks.yaml:20:173: error[milestone-value]: 指标 1.1 是累计指标，节点 2023-09-30 的计划数 4 小于前一节点的 6",
        ),
        (
            "[{by: 2023-06-30, text: 开工}]",
            "data/tasks.yaml:20:121: error[milestone-value]: 指标 1.1 的节点 2023-06-30 缺少计划数值 value",
        ),
        (
            "[{by: 2023-06-31, value: 1}]",
            'data/tasks.yaml:20:126: error[type]: “by” 应为有效日期 YYYY-MM-DD，实际为 "2023-06-31"',
        ),
        (
            "[{by: 2023-06-30, value: 1, when: 6月}]",
            "data/tasks.yaml:20:148: error[unknown-field]: 未知字段 “when”",
        ),
    ],
)
def test_bad_milestones_are_located(zc, make_ledger, milestones, expected):
    tasks = TASKS.replace(
        "quote: 力争新增市级以上创新平台10家以上}",
        f"quote: 力争新增市级以上创新平台10家以上, milestones: {milestones}}}",
    )
    root = make_ledger(tasks)
    result = zc("check", root=root)
    assert result.exit_code == 1
    assert expected in result.stdout, result.stdout


def test_a_plan_written_before_milestones_keeps_loading_with_the_same_lights(zc, reported):
    """tests/conftest.py's plan has no milestones (the form of every earlier release)."""
    assert "milestones" not in TASKS and "milestones" not in DEPARTMENTS
    status = json.loads(zc("status", "--as-of", "2023-07-31", "-f", "json", root=reported).stdout)
    assert [(t["id"], t["light"]) for t in status["tasks"]] == [
        (1, "yellow"),
        (2, "green"),
        (3, "green"),
    ]
    shown = json.loads(zc("show", "1", "--format", "json", root=reported).stdout)
    assert shown["milestones"] == [] and shown["targets"][0]["milestones"] == []
