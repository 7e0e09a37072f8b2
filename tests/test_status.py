"""status, list --light and show with progress, on a small ledger at 2023-07-31 (序时进度 58.1%)."""

from __future__ import annotations

import json
from datetime import date

import pytest


def test_status_table(zc, reported):
    result = zc("status", "--as-of", "2023-07-31", root=reported)
    assert result.exit_code == 0
    assert result.stdout == (
        "截至2023年7月31日（序时进度58.1%），3项任务中，已完成0项，占0.0%；序时推进2项；滞后1项；严重滞后0项；未报送0项。\n"
        "\n"
        "分章统计\n"
        "\n"
        "章  标题      已完成  序时推进  滞后  严重滞后  未报送\n"
        "--  --------  ------  --------  ----  --------  ------\n"
        "一  科技创新       0         0     1         0       0\n"
        "二  绿色发展       0         2     0         0       0\n"
        "\n"
        "分单位统计（牵头或负责）\n"
        "\n"
        "牵头/负责单位  已完成  序时推进  滞后  严重滞后  未报送\n"
        "-------------  ------  --------  ----  --------  ------\n"
        "区科技局            0         0     1         0       0\n"
        "区水利局            0         1     0         0       0\n"
        "区发改局            0         1     0         0       0\n"
        "\n"
        "需关注的任务 1 项\n"
        "\n"
        "序号  任务          牵头/负责  灯色  原因\n"
        "----  ------------  ---------  ----  " + "-" * 69 + "\n"
        "   1  建设创新平台  区科技局   滞后  1.1 新增市级以上创新平台 4/10家，完成40%，序时进度58%，落后18个百分点\n"
    )


def test_a_task_is_unreported_only_after_its_due_date_passed(zc, reported):
    """Monthly by the 25th from 2023-07-25, the first due date after the plan's issue."""

    def lights(as_of: str) -> list[tuple[str, str]]:
        report = json.loads(zc("status", "--as-of", as_of, "-f", "json", root=reported).stdout)
        return [(t["light"], t["reason"]) for t in report["tasks"]]

    assert lights("2023-07-10")[0] == ("green", "尚未到首次报送截止日2023年7月25日")
    assert [light for light, _ in lights("2023-07-31")] == ["yellow", "green", "green"]
    assert [light for light, _ in lights("2023-08-24")] == ["yellow", "green", "green"]
    assert lights("2023-08-31") == [
        ("grey", "2023年8月25日应报未报，已逾期6天（最近一次报送为2023年7月20日）"),
        ("grey", "2023年8月25日应报未报，已逾期6天（最近一次报送为2023年6月10日）"),
        ("grey", "2023年8月25日应报未报，已逾期6天（最近一次报送为2023年7月25日）"),
    ]
    (reported / "data" / "config.yaml").write_text(
        "reporting: {cycle: weekly, due_day: 5}\n", "utf-8"
    )  # every Friday: 2023-07-28 is the last due date before 2023-07-31
    assert [light for light, _ in lights("2023-07-31")] == ["grey", "grey", "green"]


def test_status_json(zc, reported):
    report = json.loads(zc("status", "--as-of", "2023-07-31", "-f", "json", root=reported).stdout)
    assert report["as_of"] == "2023-07-31"
    assert report["elapsed"] == 0.5808
    assert report["counts"] == {"done": 0, "green": 2, "yellow": 1, "red": 0, "grey": 0}
    assert report["by_chapter"][1] == {
        "id": 2,
        "title": "绿色发展",
        "counts": {"done": 0, "green": 2, "yellow": 0, "red": 0, "grey": 0},
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
    assert [t["light"] for t in report["tasks"]] == ["yellow", "green", "green"]


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
    assert [t["light"] for t in report["tasks"]] == ["green", "green", "green"]
    assert report["tasks"][0]["reason"] == "尚未到首次报送截止日2023年7月25日"
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
        "已过完成期限2023年6月30日，尚未完成；最新状态：推进中（2023年6月20日）",
    )


def test_settings_come_from_the_ledger(zc, reported):
    (reported / "data" / "config.yaml").write_text(
        "schedule: {stale_days: 60, yellow_gap: 20}\n", "utf-8"
    )
    report = json.loads(zc("status", "--as-of", "2023-07-31", "-f", "json", root=reported).stdout)
    assert [t["light"] for t in report["tasks"]] == ["green", "green", "green"]
    assert zc("check", root=reported).stdout.splitlines()[0] == (
        "data/config.yaml:1:12: warning[unused]: stale_days 已不再使用：任务在错过报送截止日后才算未报送"
    )  # a 0.1 configuration still loads
    (reported / "data" / "config.yaml").write_text("schedule: {stale_dayz: 60}\n", "utf-8")
    result = zc("check", root=reported)
    assert (
        result.stdout.splitlines()[0]
        == "data/config.yaml:1:12: error[unknown-field]: 未知字段 “stale_dayz”"
    )


def test_list_by_light(zc, reported):
    result = zc("list", "--light", "yellow", "--as-of", "2023-07-31", "-f", "csv", root=reported)
    assert result.stdout == (
        "\ufeff序号,章,任务,牵头/负责,配合,指标,进度\n1,1,建设创新平台,区科技局,区发改局等,2,滞后\n"
    )
    tasks = json.loads(zc("list", "--as-of", "2023-08-31", "-f", "json", root=reported).stdout)
    assert [t["light"] for t in tasks] == ["grey", "grey", "grey"]
    assert zc("list", "--light", "purple", root=reported).exit_code == 2
    assert zc("list", "--as-of", "2023-13-01", root=reported).stderr == (
        "错误：--as-of 的日期“2023-13-01”无效\n"
        "提示：日期写作 2023-09-30、2023/9/30、2023.9.30 或 2023年9月30日\n"
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


def test_outside_a_ledger_status_says_so_instead_of_lighting_the_bundled_plan(zc):
    """Issue 18, item 12: outside a ledger `status` read the bundled plan and said 未报送66项."""
    refused = (
        2,
        "",
        "错误：没有找到台账：当前目录及其上级目录中没有 data/tasks.yaml，"
        "随程序附带的 2023 年计划没有进展记录，无法亮灯\n"
        "提示：进入台账目录再运行，或用 --root 指定台账目录；新建台账用 zctasks init 目录\n",
    )
    for args in (["status"], ["status", "--by", "unit"], ["list", "--light", "grey"]):
        result = zc(*args)
        assert (result.exit_code, result.stdout, result.stderr) == refused, args
    assert zc("list", "--chapter", "1").exit_code == 0  # the plan itself is still there to read


def test_status_by_unit_says_who_reported_for_the_cycle(zc, reported, monkeypatch):
    """At 2023-08-31 the cycle due 2023-08-25 holds reports dated after 2023-07-25."""
    from datetime import datetime

    monkeypatch.setattr(
        "zctasks.log.recording.recorded_at",
        lambda: datetime.fromisoformat("2023-08-21T09:00:00+08:00"),
    )
    result = zc(
        "progress",
        "add",
        "1",
        "--by",
        "区科技局",
        "--date",
        "2023-08-20",
        "--note",
        "按时",
        root=reported,
    )
    assert result.exit_code == 0
    table = zc("status", "--by", "unit", "--as-of", "2023-08-31", root=reported)
    assert table.stdout == (
        "报送周期：每月25日前报送。本期截止2023年8月25日（报送2023年7月25日后至2023年8月25日的进展），"
        "下一截止2023年9月25日。\n"
        "应报 3 个单位：已按时报送 1 个，未报送 2 个。\n"
        "\n"
        "单位      应报任务  已报  未报任务  状态        逾期天数  最近报送\n"
        "--------  --------  ----  --------  ----------  --------  ----------\n"
        "区发改局         1     0  3         未报送             6  2023-07-25\n"
        "区科技局         1     1            已按时报送            2023-08-20\n"
        "区水利局         1     0  2         未报送             6  2023-06-10\n"
    )
    units = json.loads(
        zc("status", "--by", "unit", "--as-of", "2023-08-31", "-f", "json", root=reported).stdout
    )
    assert units["cycle"] == {
        "kind": "monthly",
        "start": "2023-07-25",
        "due": "2023-08-25",
        "next_due": "2023-09-25",
    }
    assert units["units"][1] == {
        "unit": "区科技局",
        "state": "reported",
        "state_name": "已按时报送",
        "tasks": [1],
        "reported": [1],
        "missing": [],
        "days_late": 0,
        "last_report": "2023-08-20",
    }
    early = zc("status", "--by", "unit", "--as-of", "2023-07-10", root=reported).stdout
    assert early.startswith(
        "报送周期：每月25日前报送。截至2023年7月10日，首次报送截止日2023年7月25日尚未到。\n"
        "应报 3 个单位：未到截止日 3 个。\n"
    )
    assert zc("status", "--by", "unit", "--dept", "区发改局", root=reported).stderr == (
        "错误：--by unit 列出全部单位，不能与 --dept、--chapter 同用\n"
    )


def test_a_report_sent_after_the_due_date_counts_late(zc, reported, monkeypatch):
    from datetime import datetime

    monkeypatch.setattr(
        "zctasks.log.recording.recorded_at",
        lambda: datetime.fromisoformat("2023-08-29T09:00:00+08:00"),
    )
    zc(
        "progress",
        "add",
        "2",
        "--by",
        "区水利局",
        "--date",
        "2023-08-25",
        "--note",
        "补报",
        root=reported,
    )
    units = json.loads(
        zc("status", "--by", "unit", "--as-of", "2023-08-31", "-f", "json", root=reported).stdout
    )["units"]
    water = next(u for u in units if u["unit"] == "区水利局")
    assert (water["state"], water["days_late"]) == ("late", 4)


@pytest.mark.parametrize(
    ("reporting", "dues"),
    [
        ("{cycle: monthly, due_day: 25}", ["2023-07-25", "2023-08-25", "2023-09-25"]),
        ("{cycle: monthly, due_day: 31}", ["2023-07-31", "2023-08-31", "2023-09-30"]),
        ("{cycle: weekly, due_day: 5}", ["2023-07-07", "2023-07-14", "2023-07-21"]),
        ("{cycle: semi-monthly, due_day: 15}", ["2023-07-15", "2023-07-30", "2023-08-15"]),
        ("{cycle: semi-monthly, due_day: 10}", ["2023-07-10", "2023-07-25", "2023-08-10"]),
        ("{first_due: 2023-08-05, due_day: 5}", ["2023-08-05", "2023-09-05", "2023-10-05"]),
    ],
)
def test_the_calendar_of_due_dates(make_ledger, reporting, dues):
    from zctasks.judge.cycles import Calendar
    from zctasks.load import loading

    root = make_ledger()
    (root / "data" / "config.yaml").write_text(f"reporting: {reporting}\n", "utf-8")
    calendar = Calendar.of(loading.load_ledger(root))
    assert [d.isoformat() for d in calendar.dues[:3]] == dues
    assert calendar.dues[-1] > date(2023, 12, 31)  # the year's last report is due after it


def test_a_due_day_that_does_not_fit_the_cycle_is_an_error(zc, make_ledger):
    root = make_ledger()
    (root / "data" / "config.yaml").write_text("reporting: {cycle: weekly, due_day: 25}\n", "utf-8")
    assert zc("check", root=root).stdout.splitlines()[0] == (
        "data/config.yaml:1:37: error[range]: 报送截止日 25 无效：weekly 周期应填 1—7，即星期几（1 为周一，7 为周日）"
    )


def test_a_note_without_figures_never_lights_a_task_with_targets_on_schedule(zc, make_ledger):
    """Issue 18, item 7: `未报数；未报数` was shown as 序时推进."""
    root = make_ledger()
    for task, unit in (("1", "区科技局"), ("3", "区发改局")):
        result = zc("progress", "add", task, "--by", unit, "--date", "2023-07-20",
                    "--note", "未报数", root=root)  # fmt: skip
        assert result.exit_code == 0, result.stderr
    tasks = json.loads(zc("list", "--as-of", "2023-07-31", "-f", "json", root=root).stdout)
    lit = {t["id"]: (t["light"], t["reason"]) for t in tasks}
    assert lit[1] == (
        "grey",
        "未报数：2项量化指标均未报送数值，不能按序时进度判断（最近报送为2023年7月20日，状态推进中）",
    )
    assert lit[3][0] == "green"  # a task without targets follows its words


def test_a_report_without_figures_is_judged_by_the_last_figures_with_their_age(zc, make_ledger):
    root = make_ledger()
    zc("progress", "add", "1", "--by", "区科技局", "--date", "2023-07-20", "-v", "1.1=5",
       "-v", "1.2=2", "--note", "新增平台5家", root=root)  # fmt: skip
    # the next cycle: the July report still stands
    zc("progress", "add", "1", "--by", "区科技局", "--date", "2023-08-20", "--note", "未报数",
       root=root)  # fmt: skip
    (task,) = [
        t
        for t in json.loads(zc("list", "--as-of", "2023-08-31", "-f", "json", root=root).stdout)
        if t["id"] == 1
    ]
    assert (task["light"], task["reason"]) == (
        "yellow",
        "1.1 新增市级以上创新平台 5/10家，完成50%，序时进度67%，落后17个百分点"
        "（数值为2023年7月20日所报，2023年8月20日的报送未报数）",
    )
