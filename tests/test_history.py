"""Light history: each task's light at each cycle's end, its changes, and the briefing's use."""

from __future__ import annotations

import json

import pytest

REPORTS = [
    # task 1: 4 of 10 platforms by 7-25 (behind), 7 by 8-25 (ahead again), nothing in the
    # cycle to 9-25 (unreported), all 10 by 10-25 (done)
    "1 --by 区科技局 --date 2023-07-20 --value 1.1=4 --value 1.2=2 --note 新增平台4家",
    "1 --by 区科技局 --date 2023-08-20 --value 1.1=7 --note 新增平台7家",
    "1 --by 区科技局 --date 2023-10-10 --value 1.1=10 --note 新增平台10家",
    # task 2: over its yearly cap at every report: red for three cycles running
    "2 --by 区水利局 --date 2023-07-20 --value 2.1=8100 --note 用水8100万立方米",
    "2 --by 区水利局 --date 2023-08-20 --value 2.1=8200 --note 用水8200万立方米",
    "2 --by 区水利局 --date 2023-09-20 --value 2.1=8300 --note 用水8300万立方米",
]


@pytest.fixture
def history_ledger(zc, make_ledger):
    root = make_ledger()
    for line in REPORTS:
        result = zc("progress", "add", *line.split(), root=root)
        assert result.exit_code == 0, result.stderr
    return root


def test_status_history_table(zc, history_ledger):
    result = zc("status", "--history", "--as-of", "2023-10-31", root=history_ledger)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "各报送周期截止日的灯色（截至2023年10月31日，共5个时点；"
        "完成＝已完成，序时＝序时推进，严重＝严重滞后，未报＝未报送）\n"
        "\n"
        "序号  任务          7/25  8/25  9/25  10/25  10/31  本期变化\n"
        "----  ------------  ----  ----  ----  -----  -----  -------------\n"
        "   1  建设创新平台  滞后  序时  未报  完成   完成\n"
        "   2  节约用水      严重  严重  严重  未报   未报   连续2期未报送\n"
        "   3  推进产业协同  未报  未报  未报  未报   未报   连续5期未报送\n"
    )


def test_status_history_json(zc, history_ledger):
    result = zc("status", "--history", "--as-of", "2023-10-25", "-f", "json", root=history_ledger)
    data = json.loads(result.stdout)
    assert data["points"] == ["2023-07-25", "2023-08-25", "2023-09-25", "2023-10-25"]
    first = data["tasks"][0]
    assert first["lights"] == ["yellow", "green", "grey", "done"]
    assert [
        (t["date"], t["from"], t["to"], t["change"], t["change_name"]) for t in first["transitions"]
    ] == [
        ("2023-08-25", "yellow", "green", "recovered", "恢复序时进度"),
        ("2023-09-25", "green", "grey", "silent", "新增未报送"),
        ("2023-10-25", "grey", "done", "done", "新完成"),
    ]
    assert (
        first["transitions"][1]["reason"]
        == "2023年9月25日应报未报，已逾期0天（最近一次报送为2023年8月20日）"
    )
    assert first["current"] == {"light": "done", "points": 1}
    assert data["tasks"][1]["current"] == {"light": "grey", "points": 1}
    assert data["tasks"][1]["lights"][:3] == ["red", "red", "red"]


def test_history_refuses_by_unit(zc, history_ledger):
    result = zc("status", "--history", "--by", "unit", root=history_ledger)
    assert (result.exit_code, result.stderr) == (
        2,
        "错误：--history 按任务列出各期灯色，不能与 --by unit 同用\n",
    )


@pytest.mark.parametrize(
    ("old", "new", "reported", "expected"),
    [
        ("green", "done", True, "done"),
        ("green", "yellow", True, "behind"),
        ("grey", "red", True, "behind"),
        ("yellow", "red", True, "worse"),
        ("red", "yellow", True, "better"),
        ("red", "green", True, "recovered"),
        ("done", "grey", True, "silent"),
        ("grey", "green", False, "first"),
        ("grey", "green", True, "resumed"),
        ("done", "green", True, "reopened"),
        ("red", "red", True, None),
    ],
)
def test_every_change_of_light_has_a_name(old, new, reported, expected):
    from zctasks.judge.history import change_kind

    assert change_kind(old, new, reported) == expected


def test_the_briefing_names_tasks_red_for_three_cycles(zc, history_ledger):
    """The change since the issue before (from the briefing register) takes its kinds of
    change from the light history, and names tasks red at three cycle ends in a row."""
    root = history_ledger
    first = ("report", "briefing", "--week", "2023-W38", "--date", "2023-09-25", "--record")
    assert zc(*first, root=root).exit_code == 0
    result = zc("report", "briefing", "--week", "2023-W39", "--date", "2023-10-02", root=root)
    assert result.exit_code == 0, result.stderr
    assert (
        "与上期（第1期，截至9月24日）相比，新增未报送1项（“建设创新平台”）。"
        "连续3个报送周期严重滞后1项（“节约用水”）。"
    ) in result.stdout
    # a week earlier task 2 has been red at two cycle ends only
    earlier = zc("report", "briefing", "--week", "2023-W34", "--date", "2023-08-28", root=root)
    assert "连续3个报送周期" not in earlier.stdout


def test_the_briefing_says_which_tasks_recovered(zc, history_ledger):
    root = history_ledger
    first = ("report", "briefing", "--since", "2023-07-19", "--until", "2023-07-25")
    first += ("--date", "2023-07-26", "--record")
    done = zc(*first, root=root)
    assert done.exit_code == 0, done.stderr
    second = zc(
        "report",
        "briefing",
        *("--since", "2023-07-26", "--until", "2023-08-25", "--date", "2023-08-28"),
        root=root,
    )
    assert "恢复序时进度1项（“建设创新平台”）" in second.stdout
