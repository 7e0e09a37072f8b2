"""The append-only log: corrections, withdrawals, the order of reports, idempotent recording."""

from __future__ import annotations

import json
import textwrap
from datetime import timedelta

import pytest

from conftest import AT, TASKS, git
from zctasks.plan.zones import plan_today

JULY = "data/progress/2023-07.yaml"


def add(zc, root, *args):
    return zc("progress", "add", *args, root=root)


def log(zc, root, *args):
    return json.loads(zc("progress", "log", "-f", "json", *args, root=root).stdout)


def task_state(zc, root, task="1", as_of="2023-07-31"):
    return json.loads(zc("show", task, "--as-of", as_of, "-f", "json", root=root).stdout)


@pytest.fixture
def wrong(zc, make_ledger, frozen):
    """The sample ledger with one report whose figure was typed ten times too large."""
    root = make_ledger()
    result = add(
        zc,
        root,
        "1",
        "--by",
        "区科技局",
        "--date",
        "2023-07-14",
        "-v",
        "1.1=40",
        "--note",
        "新增平台",
    )
    assert result.exit_code == 0, result.stderr
    return root


def test_fix_appends_a_correction_that_replaces_the_entry(zc, wrong, monkeypatch):
    monkeypatch.setattr("zctasks.log.recording.secrets.token_hex", lambda n: "def456")
    result = zc("progress", "fix", "abc123", "-v", "1.1=4", "--reason", "多打了一个0", root=wrong)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        f"写入 {JULY}\n"
        "已更正：任务1 区科技局 2023-07-14（编号 2023-07-14-1-def456，更正 2023-07-14-1-abc123）\n"
    )
    lines = (wrong / JULY).read_text("utf-8").splitlines()
    assert lines[1:] == [
        '- {"id": "2023-07-14-1-abc123", "task": 1, "date": "2023-07-14", "by": "区科技局", '
        f'"status": "推进中", "values": {{"1.1": 40}}, "note": "新增平台", "at": "{AT}"}}',
        '- {"id": "2023-07-14-1-def456", "task": 1, "date": "2023-07-14", "by": "区科技局", '
        '"status": "推进中", "values": {"1.1": 4}, "note": "新增平台", '
        f'"fixes": "2023-07-14-1-abc123", "reason": "多打了一个0", "at": "{AT}"}}',
    ]
    state = task_state(zc, wrong)
    assert state["targets"][0]["state"]["actual"] == 4
    assert [e["id"] for e in state["progress"]] == ["2023-07-14-1-def456"]
    assert [(e["id"], e["effective"], e["replaced_by"]) for e in log(zc, wrong)] == [
        ("2023-07-14-1-abc123", False, ["2023-07-14-1-def456"]),
        ("2023-07-14-1-def456", True, []),
    ]
    assert [e["id"] for e in log(zc, wrong, "--effective")] == ["2023-07-14-1-def456"]
    table = zc("progress", "log", root=wrong).stdout
    assert "已被 2023-07-14-1-def456 更正" in table
    assert "更正 2023-07-14-1-abc123：多打了一个0" in table
    assert zc("check", root=wrong).stdout == "检查通过：2 章，3 项任务，3 项指标，3 个单位。\n"


def test_fix_keeps_what_it_is_not_told_to_change(zc, wrong, monkeypatch):
    monkeypatch.setattr("zctasks.log.recording.secrets.token_hex", lambda n: "def456")
    result = zc(
        "progress", "fix", "2023-07-14-1-abc123", "-v", "1.2=1", "--date", "2023-07-15", root=wrong
    )
    assert result.exit_code == 0, result.stderr
    (entry,) = log(zc, wrong, "--effective")
    assert (entry["date"], entry["values"], entry["note"], entry["fixes"]) == (
        "2023-07-15",
        {"1.1": 40, "1.2": 1},
        "新增平台",
        "2023-07-14-1-abc123",
    )
    monkeypatch.setattr("zctasks.log.recording.secrets.token_hex", lambda n: "fed654")
    result = zc("progress", "fix", "def456", "--drop-value", "1.2", root=wrong)
    assert result.exit_code == 0, result.stderr
    assert log(zc, wrong, "--effective")[0]["values"] == {"1.1": 40}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["fix", "abc123"],
            "错误：更正后的内容与条目 2023-07-14-1-abc123 完全相同，没有记录\n"
            "提示：用 --value、--note、--date 等给出要改的内容\n",
        ),
        (
            ["fix", "ffffff", "-v", "1.1=4"],
            "错误：没有编号为“ffffff”的进展记录\n提示：用 zctasks progress log 查看记录的编号\n",
        ),
        (
            ["fix", "abc123", "--drop-value", "1.2"],
            "错误：进展记录有 1 处错误，没有记录\n  原记录没有指标 1.2 的数值，无法删去\n",
        ),
        (
            ["void", "abc123", "--reason", " "],
            "错误：撤销需要写明原因\n提示：例如 --reason 数值填错，已重新报送\n",
        ),
        (
            ["fix", "abc123", "-v", "2.1=3"],
            "错误：进展记录有 1 处错误，没有记录\n"
            "  指标 2.1 不属于任务 1\n    提示：任务 1 的指标：1.1、1.2\n",
        ),
    ],
)
def test_bad_corrections_are_refused(zc, wrong, args, message):
    before = (wrong / JULY).read_bytes()
    result = zc("progress", *args, root=wrong)
    assert (result.exit_code, result.stderr) == (2, message)
    assert (wrong / JULY).read_bytes() == before


def test_an_entry_is_corrected_or_withdrawn_once(zc, wrong, monkeypatch):
    monkeypatch.setattr("zctasks.log.recording.secrets.token_hex", lambda n: "def456")
    assert zc("progress", "fix", "abc123", "-v", "1.1=4", root=wrong).exit_code == 0
    again = zc("progress", "fix", "abc123", "-v", "1.1=5", root=wrong)
    assert (again.exit_code, again.stderr) == (
        2,
        "错误：条目 2023-07-14-1-abc123 已被 2023-07-14-1-def456 更正\n"
        "提示：要再改，请更正最新的记录：progress fix 2023-07-14-1-def456\n",
    )
    monkeypatch.setattr("zctasks.log.recording.secrets.token_hex", lambda n: "0a0a0a")
    assert zc("progress", "void", "def456", "--reason", "重复报送", root=wrong).exit_code == 0
    gone = zc("progress", "fix", "def456", "-v", "1.1=5", root=wrong)
    assert (gone.exit_code, gone.stderr) == (
        2,
        "错误：条目 2023-07-14-1-def456 已被撤销（2023-07-14-1-0a0a0a，原因：重复报送）\n",
    )
    void = zc("progress", "void", "0a0a0a", "--reason", "x", root=wrong)
    assert (void.exit_code, void.stderr) == (
        2,
        "错误：条目 2023-07-14-1-0a0a0a 是一条撤销记录，不能再更正或撤销\n",
    )


def test_void_withdraws_a_report_and_the_task_is_unreported_again(zc, wrong, monkeypatch):
    monkeypatch.setattr("zctasks.log.recording.secrets.token_hex", lambda n: "0b0b0b")
    assert task_state(zc, wrong)["light"] == "green"
    result = zc("progress", "void", "abc123", "--reason", "报错了任务", root=wrong)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        f"写入 {JULY}\n"
        "已撤销：任务1 区科技局 2023-07-14（编号 2023-07-14-1-0b0b0b，撤销 2023-07-14-1-abc123）\n"
    )
    last = (wrong / JULY).read_text("utf-8").splitlines()[-1]
    assert json.loads(last[2:]) == {
        "id": "2023-07-14-1-0b0b0b",
        "task": 1,
        "date": "2023-07-14",
        "by": "区科技局",
        "voids": "2023-07-14-1-abc123",
        "reason": "报错了任务",
        "at": AT,
    }
    state = task_state(zc, wrong)
    assert (state["light"], state["last_report"], "progress" in state) == ("grey", None, False)
    remarks = zc("progress", "log", "-f", "csv", root=wrong).stdout.splitlines()
    assert remarks[1].endswith(",已被 2023-07-14-1-0b0b0b 撤销")
    assert remarks[2].endswith(",撤销 2023-07-14-1-abc123：报错了任务")


def test_the_latest_report_is_decided_by_date_and_moment_not_by_id(zc, make_ledger, monkeypatch):
    """A same-day correction sorted after the original by its random id 5 times in 6."""
    root = make_ledger()
    for suffix, figure in (("ffffff", "40"), ("000000", "4")):
        monkeypatch.setattr("zctasks.log.recording.secrets.token_hex", lambda n, s=suffix: s)
        result = add(
            zc,
            root,
            "1",
            "--by",
            "区科技局",
            "--date",
            "2023-07-14",
            "-v",
            f"1.1={figure}",
            "--note",
            f"第{figure}次",
        )
        assert result.exit_code == 0, result.stderr
    assert task_state(zc, root)["targets"][0]["state"]["actual"] == 4


def test_entries_written_before_at_existed_still_load(zc, make_ledger):
    """zctasks 0.1 wrote entries without `at`; they come first on their day, in file order."""
    root = make_ledger()
    (root / "data" / "progress").mkdir(parents=True)
    (root / JULY).write_text(
        "# 进展记录：由 zctasks 追加写入，每行一条；请勿手工调整顺序或合并行。\n"
        '- {"id": "2023-07-14-1-ffffff", "task": 1, "date": "2023-07-14", "by": "区科技局", '
        '"status": "推进中", "values": {"1.1": 3}, "note": "旧版记录甲"}\n'
        '- {"id": "2023-07-14-1-000000", "task": 1, "date": "2023-07-14", "by": "区科技局", '
        '"status": "推进中", "values": {"1.1": 5}, "note": "旧版记录乙"}\n',
        "utf-8",
    )
    assert zc("check", root=root).exit_code == 0
    assert task_state(zc, root)["targets"][0]["state"]["actual"] == 5
    assert [e["at"] for e in log(zc, root)] == [None, None]
    result = add(
        zc,
        root,
        "1",
        "--by",
        "区发改局",  # another unit: not a report that replaces 区科技局's
        "--date",
        "2023-07-14",
        "-v",
        "1.1=6",
        "--note",
        "新版记录",
    )
    assert result.exit_code == 0, result.stderr
    assert task_state(zc, root)["targets"][0]["state"]["actual"] == 6
    assert zc("progress", "fix", "000000", "-v", "1.1=5.5", root=root).exit_code == 0
    assert [e["note"] for e in log(zc, root, "--effective")] == [
        "旧版记录甲",
        "新版记录",
        "旧版记录乙",
    ]


# ---------------------------------------------------------------- recording twice


def test_the_same_report_is_not_recorded_twice(zc, wrong, monkeypatch):
    again = add(
        zc,
        wrong,
        "1",
        "--by",
        "科技局",
        "--date",
        "2023-07-14",
        "-v",
        "1.1=40",
        "--note",
        "新增平台",
    )
    assert (again.exit_code, again.stdout, again.stderr) == (
        1,
        "",
        "错误：相同的进展已经记录过（编号 2023-07-14-1-abc123），没有重复记录\n"
        "提示：要改正那条记录用 zctasks progress fix 2023-07-14-1-abc123\n",
    )
    assert len(log(zc, wrong)) == 1
    monkeypatch.setattr("zctasks.log.recording.secrets.token_hex", lambda n: "0c0c0c")
    other_note = add(
        zc,
        wrong,
        "1",
        "--by",
        "区科技局",
        "--date",
        "2023-07-14",
        "-v",
        "1.1=40",
        "--note",
        "另一件事",
    )
    assert other_note.exit_code == 0


def test_importing_the_same_sheet_twice_skips_what_is_recorded(zc, make_ledger, tmp_path):
    root = make_ledger()
    sheet = tmp_path / "科技局7月.csv"
    sheet.write_text(
        "任务序号,单位,日期,进展情况,1.1\n"
        "1,区科技局,2023-07-10,新增平台2家,2\n"
        '1,区科技局,2023-08-20,新增平台4家,"4"\n'
        "1,区科技局,2023-08-20,新增平台4家,4\n",
        "utf-8",
    )
    first = zc("progress", "import", str(sheet), root=root)
    # a row repeated in the file is recorded once and said so, never "already recorded"
    assert first.stdout.splitlines()[-1] == "已导入 2 条进展（区科技局）"
    assert first.stderr == f"注意：{sheet}:4:1：与 科技局7月.csv 第 3 行 是同一份报送，只记一次\n"
    second = zc("progress", "import", str(sheet), root=root)
    assert (second.exit_code, second.stdout) == (
        0,
        "读取 科技局7月.csv（区科技局，3 条）\n已导入 0 条进展；跳过 2 条已记录过的相同报送\n",
    )
    assert len(log(zc, root)) == 2


def test_a_rerun_after_a_failed_commit_records_nothing_twice_and_commits(zc, git_ledger):
    (git_ledger / ".git" / "MERGE_HEAD").write_text(git(git_ledger, "rev-parse", "HEAD"))
    args = ("7", "--by", "区工信局", "--date", "2023-07-14", "-v", "7.1=12.3", "--note", "技改")
    first = add(zc, git_ledger, *args, "--commit")
    (entry,) = log(zc, git_ledger)
    assert first.exit_code == 1
    assert first.stdout.startswith("写入 data/progress/2023-07.yaml\n已记录：")
    assert first.stderr == (
        f"错误：记录已保存（{entry['id']}），但没有提交：仓库正在合并，没有提交\n"
        "提示：完成合并（或放弃）后用 git commit 提交；不要重新录入；"
        "再运行同一条命令（带 --commit）即可提交，"
        "或用 git add data/progress/2023-07.yaml && git commit 提交\n"
    )
    (git_ledger / ".git" / "MERGE_HEAD").unlink()
    again = add(zc, git_ledger, *args, "--commit")
    assert again.exit_code == 0
    assert again.stdout.startswith(f"相同的进展已经记录过（编号 {entry['id']}），尚未提交；已提交 ")
    assert len(log(zc, git_ledger)) == 1


# ---------------------------------------------------------------- numbers


CHANGE_TASKS = TASKS + textwrap.indent(
    textwrap.dedent(
        """\
        - id: 4
          chapter: 2
          title: 扩大技改投资
          text: 同比增长12%。
          attribution: 区发改局负责
          responsible: [区发改局]
          targets:
            - {id: "4.1", name: 技改投资增长, op: ">=", value: 12, unit: "%", accrues: false, change: true}
        """
    ),
    "  ",
)


def test_a_growth_rate_may_fall_below_zero(zc, make_ledger):
    root = make_ledger(tasks=CHANGE_TASKS)
    result = add(
        zc,
        root,
        "4",
        "--by",
        "区发改局",
        "--date",
        "2023-07-14",
        "-v",
        "4.1=-3.5",
        "--note",
        "下降",
    )
    assert result.exit_code == 0, result.stderr
    assert task_state(zc, root, "4")["targets"][0]["state"]["actual"] == -3.5


def test_thousands_separators_in_groups_of_three_are_read(zc, make_ledger):
    root = make_ledger()
    result = add(
        zc,
        root,
        "2",
        "--by",
        "区水利局",
        "--date",
        "2023-07-14",
        "-v",
        "2.1=3,000.5",
        "--note",
        "用水",
    )
    assert result.exit_code == 0, result.stderr
    assert log(zc, root)[0]["values"] == {"2.1": 3000.5}


@pytest.mark.parametrize(
    ("figure", "message"),
    [
        ("NaN", "error[number]: 指标 1.1 的数值无效：nan"),
        ("Infinity", "error[number]: 指标 1.1 的数值无效：inf"),
        ("1e999", "error[number]: 指标 1.1 的数值无效：inf"),
        ("-1e999", "error[number]: 指标 1.1 的数值无效：-inf"),
        ("9" * 5000, "error[number-range]: 数值超出范围（99999999999999999999…"),
        ("1" * 20, "指标 1.1 的数值过大：11111111111111111111（最多 15 位有效数字）"),
    ],
)
def test_a_month_file_with_a_number_that_is_not_one_fails_check(zc, make_ledger, figure, message):
    root = make_ledger()
    (root / "data" / "progress").mkdir(parents=True)
    (root / JULY).write_text(
        '- {"id": "2023-07-14-1-abcdef", "task": 1, "date": "2023-07-14", "by": "区科技局", '
        f'"status": "推进中", "values": {{"1.1": {figure}}}, "note": "x"}}\n',
        "utf-8",
    )
    result = zc("check", root=root)
    assert result.exit_code == 1
    assert f"{JULY}:1:" in result.stdout and message in result.stdout
    status = zc("status", root=root)
    assert status.exit_code == 1 and "Traceback" not in status.stderr


def test_a_csv_figure_is_read_strictly_and_located(zc, make_ledger, tmp_path):
    root = make_ledger()
    sheet = tmp_path / "批.csv"
    sheet.write_text(
        "任务序号,单位,日期,进展情况,1.1,指标\n"
        '1,区科技局,2023-07-10,甲,"12,3",\n'
        '1,区科技局,2023-08-11,乙,,"1.2=2,1.1=3"\n',
        "utf-8",
    )
    result = zc("progress", "import", str(sheet), root=root)
    assert result.exit_code == 1
    assert result.stderr == (
        "错误：批.csv 有 1 处错误，全部没有导入\n"
        f"{sheet}:2:5: error[number]: 指标 1.1 的数值“12,3”无效：逗号只能用作千位分隔符，每三位一组\n"
        "  提示：如 12,300 或 12300；小数点用“.”\n"
        "提示：改正后重新导入；没有写入任何记录\n"
    )
    sheet.write_text(sheet.read_text("utf-8").replace('"12,3"', '"12,300"'), "utf-8")
    assert zc("progress", "import", str(sheet), root=root).exit_code == 0
    assert [e["values"] for e in log(zc, root)] == [{"1.1": 12300}, {"1.2": 2, "1.1": 3}]


def test_a_date_after_today_is_refused(zc, make_ledger):
    root = make_ledger(
        tasks=TASKS.replace(
            "period: {start: 2023-01-01, end: 2023-12-31}",
            "period: {start: 2023-01-01, end: 2099-12-31}",
        )
    )
    today = plan_today("Asia/Shanghai")  # the office's day, whatever the machine's zone
    tomorrow = (today + timedelta(days=1)).isoformat()
    result = add(zc, root, "1", "--by", "区科技局", "--date", tomorrow, "--note", "x")
    assert (result.exit_code, result.stderr) == (
        2,
        "错误：进展记录有 1 处错误，没有记录\n"
        f"  日期 {tomorrow} 晚于今天（{today}）\n"
        "    提示：进展只能报到今天为止；日期写进展所截至的那一天\n",
    )


def test_suspicious_figures_are_recorded_with_a_warning(zc, make_ledger):
    wrong = make_ledger()
    big = add(
        zc, wrong, "1", "--by", "区科技局", "--date", "2023-07-20", "-v", "1.1=16", "--note", "多"
    )
    assert big.exit_code == 0
    assert big.stderr == "注意：指标 1.1 填报 16家，是目标10家的160%，请核对数值和单位\n"
    lower = add(
        zc, wrong, "1", "--by", "区科技局", "--date", "2023-07-25", "-v", "1.1=3", "--note", "少"
    )
    assert lower.exit_code == 0
    assert lower.stderr == (
        "注意：累计指标 1.1 填报 3，低于 2023-07-20 报送的 16；累计指标应填年初至今的累计数\n"
    )


def test_an_as_of_date_outside_the_plan_warns(zc, wrong):
    result = zc("status", "--as-of", "2024-03-01", root=wrong)
    assert result.exit_code == 0
    assert result.stderr == (
        "注意：--as-of 2024-03-01 不在计划期（2023年1月1日至2023年12月31日）内，序时进度按 100% 计\n"
    )


# ---------------------------------------------------------------- month files


@pytest.mark.parametrize("content", ["[]\n", "~\n", "# 只有注释\n[]\n", "--- []\n...\n"])
def test_a_month_file_without_entries_in_another_form_is_normalised(zc, make_ledger, content):
    root = make_ledger()
    (root / "data" / "progress").mkdir(parents=True)
    (root / JULY).write_text(content, "utf-8")
    assert zc("check", root=root).exit_code == 0
    result = add(zc, root, "1", "--by", "区科技局", "--date", "2023-07-14", "--note", "新")
    assert result.exit_code == 0, result.stderr
    assert (root / JULY).read_text("utf-8").startswith("# 进展记录")
    assert zc("check", root=root).exit_code == 0


@pytest.mark.parametrize(
    "content",
    [
        '  - {"id": "2023-07-10-1-aaaaaa", "task": 1, "date": "2023-07-10", "by": "区科技局", "status": "推进中", "note": "甲"}\n',
        '[{"id": "2023-07-10-1-aaaaaa", "task": 1, "date": "2023-07-10",\n  "by": "区科技局", "status": "推进中", "note": "甲"}]\n',
        "- id: 2023-07-10-1-aaaaaa\n  task: 1\n  date: 2023-07-10\n  by: 区科技局\n  status: 推进中\n  note: 甲\n",
        '- {"id": "2023-07-10-1-aaaaaa", "task": 1, "date": "2023-07-10", "by": "区科技局", "status": "推进中", "note": "甲"}\n...\n',
    ],
)
def test_a_month_file_with_entries_not_one_a_line_is_refused_untouched(zc, make_ledger, content):
    root = make_ledger()
    (root / "data" / "progress").mkdir(parents=True)
    (root / JULY).write_text(content, "utf-8")
    checked = zc("check", root=root)
    assert checked.exit_code == 0
    assert "warning[line-form]: 进展文件不是每行一条记录的格式" in checked.stdout
    result = add(zc, root, "1", "--by", "区科技局", "--date", "2023-07-14", "--note", "新")
    assert result.exit_code == 1
    assert "不是每行一条记录的格式" in result.stderr and "没有向该文件追加" in result.stderr
    assert (root / JULY).read_text("utf-8") == content


def test_a_yml_month_file_is_reported_not_ignored(zc, make_ledger):
    root = make_ledger()
    (root / "data" / "progress").mkdir(parents=True)
    (root / "data" / "progress" / "2023-07.yml").write_text(
        '- {"id": "x", "task": 99, "date": "2023-07-10", "by": "区科技局", "status": "推进中", "note": "甲"}\n',
        "utf-8",
    )
    result = zc("check", root=root)
    assert result.exit_code == 1
    assert result.stdout.startswith(
        "data/progress/2023-07.yml:1:1: error[file-name]: 进展文件应以 .yaml 结尾：2023-07.yml 中的记录不会被读取\n"
    )
    assert zc("status", root=root).exit_code == 1


def test_check_reports_broken_chains(zc, make_ledger):
    root = make_ledger()
    (root / "data" / "progress").mkdir(parents=True)
    head = '"task": 1, "date": "2023-07-14", "by": "区科技局"'
    (root / JULY).write_text(
        f'- {{"id": "a", {head}, "status": "推进中", "note": "甲"}}\n'
        f'- {{"id": "b", {head}, "status": "推进中", "note": "乙", "fixes": "nobody"}}\n'
        f'- {{"id": "c", {head}, "voids": "a"}}\n'
        f'- {{"id": "d", {head}, "voids": "c", "reason": "x"}}\n'
        f'- {{"id": "e", "task": 2, "date": "2023-07-14", "by": "区水利局", "status": "推进中", "note": "丙", "fixes": "a"}}\n'
        f'- {{"id": "f", {head}, "status": "推进中", "note": "丁", "voids": "a", "reason": "y"}}\n',
        "utf-8",
    )
    lines = zc("check", root=root).stdout.splitlines()
    codes = [line.split(": ")[1] for line in lines if line.startswith("data/")]
    assert codes == [
        "error[empty]",
        "error[void-with-report]",
        "error[unknown-entry]",
        "error[void-of-void]",
        "error[fix-other-task]",
        "warning[replaced-twice]",
    ]


def test_the_replaced_twice_warning_goes_once_its_hint_is_followed(zc, make_ledger):
    """Issue 18, item 12: withdrawing one of two corrections left the warning standing."""
    root = make_ledger()
    (root / "data" / "progress").mkdir(parents=True)
    head = '"task": 1, "date": "2023-07-14", "by": "区科技局"'
    (root / JULY).write_text(
        f'- {{"id": "a", {head}, "status": "推进中", "values": {{"1.1": 40}}, "note": "甲"}}\n'
        f'- {{"id": "b", {head}, "status": "推进中", "values": {{"1.1": 4}}, "note": "甲", "fixes": "a"}}\n'
        f'- {{"id": "c", {head}, "status": "推进中", "values": {{"1.1": 5}}, "note": "甲", "fixes": "a"}}\n',
        "utf-8",
    )
    assert "warning[replaced-twice]" in zc("check", root=root).stdout
    assert zc("progress", "void", "c", "--reason", "两个分支各改了一次", root=root).exit_code == 0
    assert zc("check", root=root).stdout == "检查通过：2 章，3 项任务，3 项指标，3 个单位。\n"


def test_a_new_figure_with_the_old_note_that_states_the_old_figure_is_refused(
    zc, wrong, monkeypatch
):
    """Issue 18, item 12: the 台账 showed the corrected figure beside a note with the old one."""
    (root := wrong).joinpath(JULY).write_text(
        root.joinpath(JULY)
        .read_text("utf-8")
        .replace('"note": "新增平台"', '"note": "新增平台40家"'),
        "utf-8",
    )
    result = zc("progress", "fix", "abc123", "-v", "1.1=4", root=root)
    assert (result.exit_code, result.stderr) == (
        2,
        "错误：进展记录有 1 处错误，没有记录\n"
        "  原进展情况“新增平台40家”写的可能是更正前的数值（1.1=40）\n"
        "    提示：用 --note 同时改正进展情况；确实不必改时加 --keep-note\n",
    )
    monkeypatch.setattr("zctasks.log.recording.secrets.token_hex", lambda n: "def456")
    fixed = zc("progress", "fix", "abc123", "-v", "1.1=4", "--note", "新增平台4家", root=root)
    assert fixed.exit_code == 0, fixed.stderr
