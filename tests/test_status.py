"""status, list --light and show with progress, on a small ledger at 2023-07-31 (序时进度 58.1%)."""

from __future__ import annotations

import json


def test_status_table(zc, reported):
    result = zc("status", "--as-of", "2023-07-31", root=reported)
    assert result.exit_code == 0
    assert result.stdout == (
        "截至2023年7月31日（序时进度58.1%），3项任务中，已完成0项，占0.0%；序时推进1项；滞后1项；严重滞后0项；未报送1项。\n"
        "\n"
        "分章统计\n"
        "\n"
        "章  标题      已完成  序时推进  滞后  严重滞后  未报送\n"
        "--  --------  ------  --------  ----  --------  ------\n"
        "一  科技创新       0         0     1         0       0\n"
        "二  绿色发展       0         1     0         0       1\n"
        "\n"
        "分单位统计（牵头或负责）\n"
        "\n"
        "牵头/负责单位  已完成  序时推进  滞后  严重滞后  未报送\n"
        "-------------  ------  --------  ----  --------  ------\n"
        "区科技局            0         0     1         0       0\n"
        "区水利局            0         0     0         0       1\n"
        "区发改局            0         1     0         0       0\n"
        "\n"
        "需关注的任务 2 项\n"
        "\n"
        "序号  任务          牵头/负责         灯色    原因\n"
        "----  ------------  ----------------  ------  " + "-" * 69 + "\n"
        "   1  建设创新平台  区科技局          滞后    1.1 新增市级以上创新平台 4/10家，完成40%，序时进度58%，落后18个百分点\n"
        "   2  节约用水      区水利局（负责）  未报送  最近一次报送为2023-06-10，已51天未报送\n"
    )


def test_status_json(zc, reported):
    report = json.loads(zc("status", "--as-of", "2023-07-31", "-f", "json", root=reported).stdout)
    assert report["as_of"] == "2023-07-31"
    assert report["elapsed"] == 0.5808
    assert report["counts"] == {"done": 0, "green": 1, "yellow": 1, "red": 0, "grey": 1}
    assert report["by_chapter"][1] == {
        "id": 2,
        "title": "绿色发展",
        "counts": {"done": 0, "green": 1, "yellow": 0, "red": 0, "grey": 1},
    }
    first = report["tasks"][0]
    assert (first["light"], first["light_name"], first["last_report"]) == (
        "yellow",
        "滞后",
        "2023-07-20",
    )
    assert first["targets"][1]["state"] == {
        "actual": 2,
        "reported_on": "2023-07-20",
        "age_days": 11,
        "light": "done",
        "reason": "1.2 新增省级平台 2/2—3家，完成100%，序时进度58%",
    }
    assert [t["light"] for t in report["tasks"]] == ["yellow", "grey", "green"]


def test_status_by_unit_and_chapter(zc, reported):
    report = json.loads(
        zc(
            "status", "--as-of", "2023-07-31", "--dept", "水利局", "-f", "json", root=reported
        ).stdout
    )
    assert [t["id"] for t in report["tasks"]] == [2]
    report = json.loads(
        zc("status", "--as-of", "2023-07-31", "-c", "1", "-f", "json", root=reported).stdout
    )
    assert [t["id"] for t in report["tasks"]] == [1]


def test_an_earlier_date_ignores_later_reports(zc, reported):
    report = json.loads(zc("status", "--as-of", "2023-06-30", "-f", "json", root=reported).stdout)
    assert [t["light"] for t in report["tasks"]] == ["grey", "green", "grey"]
    assert (
        report["tasks"][1]["reason"]
        == "2.1 年度用水总量 3000/8000万立方米（上限），已用38%，序时进度50%"
    )


def test_deadline_passed_is_red(zc, make_ledger):
    from conftest import TASKS

    root = make_ledger(
        tasks=TASKS.replace(
            "    title: 推进产业协同\n", "    title: 推进产业协同\n    due: 2023-06-30\n"
        )
    )
    zc(
        "progress",
        "add",
        "3",
        "--by",
        "区发改局",
        "--date",
        "2023-06-20",
        "--note",
        "进行中",
        root=root,
    )
    task = json.loads(zc("status", "--as-of", "2023-07-31", "-f", "json", root=root).stdout)[
        "tasks"
    ][2]
    assert (task["light"], task["reason"]) == (
        "red",
        "已过完成期限2023-06-30，尚未完成；最新状态：推进中（2023-06-20）",
    )


def test_settings_come_from_the_ledger(zc, reported):
    (reported / "data" / "config.yaml").write_text(
        "schedule: {stale_days: 60, yellow_gap: 20}\n", "utf-8"
    )
    report = json.loads(zc("status", "--as-of", "2023-07-31", "-f", "json", root=reported).stdout)
    assert [t["light"] for t in report["tasks"]] == ["green", "green", "green"]
    (reported / "data" / "config.yaml").write_text("schedule: {stale_dayz: 60}\n", "utf-8")
    result = zc("check", root=reported)
    assert (
        result.stdout.splitlines()[0]
        == "data/config.yaml:1:12: error[unknown-field]: 未知字段 “stale_dayz”"
    )


def test_list_by_light(zc, reported):
    result = zc("list", "--light", "grey", "--as-of", "2023-07-31", "-f", "csv", root=reported)
    assert (
        result.stdout
        == "序号,章,任务,牵头/负责,配合,指标,进度\n2,2,节约用水,区水利局（负责）,,1,未报送\n"
    )
    tasks = json.loads(zc("list", "--as-of", "2023-07-31", "-f", "json", root=reported).stdout)
    assert [t["light"] for t in tasks] == ["yellow", "grey", "green"]
    assert zc("list", "--light", "purple", root=reported).exit_code == 2
    assert zc("list", "--as-of", "2023-13-01", root=reported).stderr == (
        "错误：--as-of 的日期“2023-13-01”无效\n提示：日期写作 YYYY-MM-DD，如 2023-07-31\n"
    )


def test_show_includes_progress(zc, reported):
    value = json.loads(zc("show", "1", "--as-of", "2023-07-31", "-f", "json", root=reported).stdout)
    assert value["light"] == "yellow"
    assert [(e["date"], e["by"], e["values"]) for e in value["progress"]] == [
        ("2023-07-20", "区科技局", {"1.1": 4, "1.2": 2})
    ]
    text = zc("show", "1", "--as-of", "2023-07-31", root=reported).stdout
    assert (
        "截至2023年7月31日：滞后。1.1 新增市级以上创新平台 4/10家，完成40%，序时进度58%，落后18个百分点\n"
        in text
    )
    assert "2023-07-20  区科技局  推进中  1.1=4；1.2=2  新增平台4家\n" in text
    assert "1.1   新增市级以上创新平台  ≥10家  累计·力争  4家（2023-07-20，11天前）\n" in text


def test_bundled_ledger_has_no_progress_and_everything_is_unreported(zc):
    report = json.loads(zc("status", "-f", "json").stdout)
    assert report["counts"] == {"done": 0, "green": 0, "yellow": 0, "red": 0, "grey": 66}
