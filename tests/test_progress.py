"""Recording progress: validation, atomic appends, batches, the log, and check."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import AT, add_process, git
from zctasks.log.progress import HEADER

JULY = "data/progress/2023-07.yaml"


def add(zc, root, *args):
    return zc("progress", "add", *args, root=root)


def test_add_appends_one_line_to_the_month_file(zc, make_ledger, frozen):
    root = make_ledger()
    result = add(
        zc,
        root,
        "1",
        "--by",
        "科技局",
        "--date",
        "2023-07-14",
        "--value",
        "1.1=4",
        "--note",
        "新增市级创新平台4家",
        "--source",
        "科技局月报",
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        f"写入 {JULY}\n已记录：任务1 区科技局 2023-07-14（编号 2023-07-14-1-abc123）\n"
    )
    assert (root / JULY).read_text("utf-8") == HEADER + (
        '- {"id": "2023-07-14-1-abc123", "task": 1, "date": "2023-07-14", "by": "区科技局", '
        '"status": "推进中", "values": {"1.1": 4}, "note": "新增市级创新平台4家", "source": "科技局月报", '
        f'"at": "{AT}"}}\n'
    )
    add(
        zc,
        root,
        "2",
        "--by",
        "区水利局",
        "--date",
        "2023-07-20",
        "--status",
        "受阻",
        "--value",
        "2.1=4100.5",
        "--note",
        "用水总量4100.5万立方米",
        "--next",
        "推进节水",
        "--problems",
        "降雨少",
    )
    lines = (root / JULY).read_text("utf-8").splitlines()
    assert len(lines) == 3
    assert lines[2] == (
        '- {"id": "2023-07-20-2-abc123", "task": 2, "date": "2023-07-20", "by": "区水利局", "status": "受阻", '
        '"values": {"2.1": 4100.5}, "note": "用水总量4100.5万立方米", "next": "推进节水", "problems": "降雨少", '
        f'"at": "{AT}"}}'
    )
    assert zc("check", root=root).stdout == "检查通过：2 章，3 项任务，3 项指标，3 个单位。\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["9", "--by", "区科技局"], "错误：进展记录有 1 处错误，没有记录\n  没有第 9 项任务\n"),
        (
            ["1", "--by", "区科技局", "--value", "2.1=3"],
            "错误：进展记录有 1 处错误，没有记录\n  指标 2.1 不属于任务 1\n    提示：任务 1 的指标：1.1、1.2\n",
        ),
        (
            ["1", "--by", "区科技局", "--value", "1.1=四"],
            "错误：进展记录有 1 处错误，没有记录\n  指标 1.1 的数值“四”无效：应为数字\n    提示：只写数字，不带单位，如 12.3 或 -4\n",
        ),
        (
            ["1", "--by", "区科技局", "--value", "1.1=12,3"],
            "错误：进展记录有 1 处错误，没有记录\n  指标 1.1 的数值“12,3”无效：逗号只能用作千位分隔符，每三位一组\n    提示：如 12,300 或 12300；小数点用“.”\n",
        ),
        (
            ["1", "--by", "区科技局", "--value", "1.1=1_0"],
            "错误：进展记录有 1 处错误，没有记录\n  指标 1.1 的数值“1_0”无效：应为数字\n    提示：只写数字，不带单位，如 12.3 或 -4\n",
        ),
        (
            ["1", "--by", "区科技局", "--value", "1.1=nan"],
            "错误：进展记录有 1 处错误，没有记录\n  指标 1.1 的数值“nan”无效：应为数字\n    提示：只写数字，不带单位，如 12.3 或 -4\n",
        ),
        (
            ["1", "--by", "区科技局", "--value", "1.1=1e999"],
            "错误：进展记录有 1 处错误，没有记录\n  指标 1.1 的数值“1e999”无效：应为数字\n    提示：只写数字，不带单位，如 12.3 或 -4\n",
        ),
        (
            ["1", "--by", "区科技局", "--value", "1.1=１２"],
            "错误：进展记录有 1 处错误，没有记录\n  指标 1.1 的数值“１２”无效：请用半角数字\n    提示：如 12.3\n",
        ),
        (
            ["1", "--by", "区科技局", "--value", "1.1=9999999999999999"],
            "错误：进展记录有 1 处错误，没有记录\n  指标 1.1 的数值“9999999999999999”位数过多：最多 15 位有效数字\n    提示：数值按文件中的单位填写\n",
        ),
        (
            ["1", "--by", "区科技局", "--value", "1.1=1", "--value", "1.1=2"],
            "错误：进展记录有 1 处错误，没有记录\n  指标 1.1 给了两次数值\n    提示：每个指标只写一次 --value；改正已记录的数值用 progress fix\n",
        ),
        (
            ["1", "--by", "区科技局", "--value", "1.1=-3"],
            "错误：进展记录有 1 处错误，没有记录\n  指标 1.1 的数值不能为负：-3\n    提示：只有增长率、变化量类指标（change: true）可以为负\n",
        ),
        (
            ["1", "--by", "区科技局", "--value", "1.1"],
            "错误：进展记录有 1 处错误，没有记录\n  指标值“1.1”应写成 指标编号=数值\n    提示：例如 --value 7.1=12.3\n",
        ),
        (
            ["1", "--by", "区科技局", "--date", "2023-02-30"],
            "错误：进展记录有 1 处错误，没有记录\n  --date 的日期“2023-02-30”无效\n    提示：写作 2023-09-30、2023/9/30、2023.9.30 或 2023年9月30日\n",
        ),
        (
            ["1", "--by", "区科技局", "--date", "2024-01-05"],
            "错误：进展记录有 1 处错误，没有记录\n  日期 2024-01-05 不在计划期 2023-01-01 至 2023-12-31 内\n    提示：进展日期是进展所截至的那一天，记录时用 --date 指定\n",
        ),
        (
            ["1", "--by", "区水利局"],
            "错误：进展记录有 1 处错误，没有记录\n  区水利局 不是任务 1 的责任单位\n    提示：该任务的单位：区科技局、区发改局；确需代报时用 --force 写明代报原因\n",
        ),
        (
            ["1", "--by", "区水务局"],
            "错误：进展记录有 1 处错误，没有记录\n  未知单位“区水务局”\n    提示：单位名称用简称，如 区发改局\n",
        ),
        (
            ["1", "--by", "区科技局", "--status", "完成"],
            '错误：进展记录有 1 处错误，没有记录\n  “状态” 的取值 "完成" 无效，应为 未启动、推进中、已完成 或 受阻\n',
        ),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(zc, make_ledger, args, message):
    root = make_ledger()
    argv = [*args, "--note", "进展"] if "--note" not in args else args
    if "--date" not in argv:
        argv += ["--date", "2023-07-14"]
    result = add(zc, root, *argv)
    assert result.exit_code == 2
    assert result.stderr == message
    assert not (root / "data" / "progress").exists() or not list(
        (root / "data" / "progress").glob("*.yaml")
    )


def test_empty_note_is_refused(zc, make_ledger):
    root = make_ledger()
    result = add(zc, root, "1", "--by", "区科技局", "--date", "2023-07-14", "--note", "  ")
    assert (result.exit_code, result.stderr) == (
        2,
        "错误：进展记录有 1 处错误，没有记录\n  进展情况（note）不能为空\n",
    )


def test_force_records_why_another_unit_reported(zc, make_ledger):
    root = make_ledger()
    result = add(
        zc,
        root,
        "1",
        "--by",
        "区水利局",
        "--date",
        "2023-07-14",
        "--note",
        "代报",
        "--force",
        "区科技局主要负责人出差，委托代报",
    )
    assert result.exit_code == 0
    entry = json.loads(zc("progress", "log", "-f", "json", root=root).stdout)[0]
    assert entry["forced"] == "区科技局主要负责人出差，委托代报"
    assert zc("check", root=root).exit_code == 0


def test_add_refuses_a_progress_file_with_a_yaml_error_and_leaves_it_untouched(zc, make_ledger):
    root = make_ledger()
    folder = root / "data" / "progress"
    folder.mkdir()
    broken = b'- {"id": "x", "task": 1\n'
    (folder / "2023-07.yaml").write_bytes(broken)
    result = add(zc, root, "1", "--by", "区科技局", "--date", "2023-07-14", "--note", "进展")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "错误：台账数据有 1 处错误\ndata/progress/2023-07.yaml:2:1: error[yaml-syntax]"
    )
    assert (folder / "2023-07.yaml").read_bytes() == broken


def test_the_bundled_plan_is_read_only(zc):
    result = zc("progress", "add", "1", "--by", "区科技局", "--note", "x")
    assert result.exit_code == 1
    assert result.stderr == (
        "错误：随程序附带的 2023 年计划是只读的，不能写入进展\n"
        "提示：先用 zctasks init 目录 新建台账，再在该目录中运行（或加 --root 目录）\n"
    )


def test_commit_outside_git_is_refused_before_writing(zc, make_ledger):
    root = make_ledger()
    result = add(
        zc, root, "1", "--by", "区科技局", "--date", "2023-07-14", "--note", "x", "--commit"
    )
    assert result.exit_code == 1
    assert result.stderr == (
        f"错误：台账目录 {root} 不是 git 仓库，无法提交\n"
        "提示：先在该目录运行 git init（或用 zctasks init 新建台账），或去掉 --commit 只写入文件\n"
    )
    assert not (root / JULY).exists()


def test_commit_writes_message_and_trailers(zc, git_ledger, frozen):
    result = add(
        zc,
        git_ledger,
        "7",
        "--by",
        "区工信局",
        "--date",
        "2023-07-14",
        "--value",
        "7.1=12.3",
        "--note",
        "完成技改投资12.3亿元",
        "--commit",
    )
    assert result.exit_code == 0, result.stderr
    assert git(git_ledger, "log", "-1", "--format=%B") == (
        "进展: 任务7 区工信局 2023-07-14\n\nTask: 7\nUnit: 区工信局\nDate: 2023-07-14\n"
        "Entry: 2023-07-14-7-abc123\n\n"
    )
    assert (
        git(git_ledger, "show", "--name-only", "--format=", "HEAD")
        == "data/progress/2023-07.yaml\n"
    )
    assert git(git_ledger, "status", "--porcelain") == ""


def test_union_merge_of_two_branches_keeps_both_entries(zc, git_ledger):
    git(git_ledger, "checkout", "-q", "-b", "科技局")
    add(zc, git_ledger, "1", "--by", "区科技局", "--date", "2023-07-10", "--note", "甲", "--commit")
    git(git_ledger, "checkout", "-q", "-")
    add(
        zc,
        git_ledger,
        "7",
        "--by",
        "区工信局",
        "--date",
        "2023-07-12",
        "--value",
        "7.1=3",
        "--note",
        "乙",
        "--commit",
    )
    add(zc, git_ledger, "2", "--by", "区科技局", "--date", "2023-07-13", "--note", "丙", "--commit")
    merged = subprocess.run(
        ["git", "-C", str(git_ledger), "merge", "-q", "--no-edit", "科技局"],
        capture_output=True,
        text=True,
    )
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert zc("check", root=git_ledger).exit_code == 0
    notes = [
        e["note"] for e in json.loads(zc("progress", "log", "-f", "json", root=git_ledger).stdout)
    ]
    assert sorted(notes) == ["丙", "乙", "甲"]
    lines = (git_ledger / JULY).read_text("utf-8").splitlines()
    assert lines[0] == HEADER.strip() and len(lines) == 4
    # Second round: the file now exists in the common base and both sides append to it.
    git(git_ledger, "checkout", "-q", "科技局")
    git(git_ledger, "merge", "-q", "--no-edit", "-")
    assert (
        add(
            zc,
            git_ledger,
            "1",
            "--by",
            "区科技局",
            "--date",
            "2023-07-20",
            "--note",
            "丁",
            "--commit",
        ).exit_code
        == 0
    )
    git(git_ledger, "checkout", "-q", "-")
    assert (
        add(
            zc,
            git_ledger,
            "13",
            "--by",
            "区发改局",
            "--date",
            "2023-07-21",
            "--note",
            "戊",
            "--commit",
        ).exit_code
        == 0
    )
    git(git_ledger, "merge", "-q", "--no-edit", "科技局")
    assert zc("check", root=git_ledger).exit_code == 0
    notes = [
        e["note"] for e in json.loads(zc("progress", "log", "-f", "json", root=git_ledger).stdout)
    ]
    assert sorted(notes) == sorted(["甲", "乙", "丙", "丁", "戊"])


def test_check_reports_an_entry_duplicated_by_a_merge(zc, make_ledger):
    root = make_ledger()
    add(zc, root, "1", "--by", "区科技局", "--date", "2023-07-10", "--note", "甲")
    path = root / JULY
    line = path.read_text("utf-8").splitlines()[1]
    path.write_text(path.read_text("utf-8") + line + "\n", "utf-8")
    result = zc("check", root=root)
    assert result.exit_code == 1
    entry_id = json.loads(line[2:])["id"]
    assert (
        result.stdout.splitlines()[0]
        == f"data/progress/2023-07.yaml:3:10: error[duplicate-entry]: 条目编号 {entry_id} 重复"
    )


def _write_progress(root: Path, name: str, lines: list[dict]) -> None:
    folder = root / "data" / "progress"
    folder.mkdir(parents=True, exist_ok=True)
    body = "".join("- " + json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    (folder / name).write_text(body, "utf-8")


def test_check_covers_progress(zc, make_ledger):
    root = make_ledger()
    base = {"date": "2023-07-10", "by": "区科技局", "status": "推进中", "note": "进展"}
    _write_progress(
        root,
        "2023-07.yaml",
        [
            {**base, "id": "a", "task": 9},
            {**base, "id": "b", "task": 1, "values": {"2.1": 3}},
            {**base, "id": "c", "task": 1, "values": {"1.1": "三"}},
        ],
    )
    _write_progress(
        root,
        "2023-08.yaml",
        [
            {**base, "id": "d", "task": 1, "date": "2023-08-02", "by": "区水利局"},
            {**base, "id": "e", "task": 1, "date": "2023-08-03", "values": {"1.1": 5}},
            {**base, "id": "f", "task": 1, "date": "2023-08-20", "values": {"1.1": 4}},
            {**base, "id": "g", "task": 1, "date": "2024-08-20"},
        ],
    )
    result = zc("check", root=root)
    assert result.exit_code == 1
    assert [line for line in result.stdout.splitlines() if not line.startswith("  ")] == [
        'data/progress/2023-07.yaml:3:111: error[type]: “1.1” 应为数字，实际为 "三"',
        "data/progress/2023-08.yaml:1:32: error[unit-not-on-task]: 区水利局 不是任务 1 的责任单位",
        "data/progress/2023-08.yaml:4:12: error[date-outside-period]: 日期 2024-08-20 不在计划期 2023-01-01 至 2023-12-31 内",
        "data/progress/2023-08.yaml:4:12: error[wrong-month]: 条目 g 的日期 2024-08-20 不属于 2023-08.yaml",
        "data/progress/2023-08.yaml:3:111: warning[decreasing]: 累计指标 1.1 从 5（2023-08-03）降到 4",
        "data/progress/2023-08.yaml:3:77: warning[same-cycle]: 区科技局 对第1项在2023年8月25日截止的报送周期有 2 份报送都有效（e、f）",
        "检查未通过：4 个错误，2 个警告。",
    ]


def test_check_reports_unknown_task_and_target(zc, make_ledger):
    root = make_ledger()
    base = {"date": "2023-07-10", "by": "区科技局", "status": "推进中", "note": "进展"}
    _write_progress(
        root,
        "2023-07.yaml",
        [{**base, "id": "a", "task": 9}, {**base, "id": "b", "task": 1, "values": {"2.1": 3}}],
    )
    lines = [
        line for line in zc("check", root=root).stdout.splitlines() if not line.startswith("  ")
    ]
    assert lines == [
        "data/progress/2023-07.yaml:1:90: error[unknown-task]: 没有第 9 项任务",
        "data/progress/2023-07.yaml:2:104: error[unknown-target]: 指标 2.1 不属于任务 1",
        "检查未通过：2 个错误，0 个警告。",
    ]


def test_log_filters_and_formats(zc, make_ledger, frozen):
    root = make_ledger()
    add(
        zc,
        root,
        "1",
        "--by",
        "区科技局",
        "--date",
        "2023-07-10",
        "--value",
        "1.1=2",
        "--note",
        "甲",
    )
    add(zc, root, "2", "--by", "区水利局", "--date", "2023-08-10", "--note", "乙")
    add(zc, root, "3", "--by", "区发改局", "--date", "2023-09-10", "--note", "丙")
    assert zc("progress", "log", "-f", "csv", root=root).stdout == (
        "\ufeff编号,日期,任务,单位,状态,指标,进展,说明\n"
        "2023-07-10-1-abc123,2023-07-10,1,区科技局,推进中,1.1=2,甲,\n"
        "2023-08-10-2-abc123,2023-08-10,2,区水利局,推进中,,乙,\n"
        "2023-09-10-3-abc123,2023-09-10,3,区发改局,推进中,,丙,\n"
    )

    def notes(*args: str) -> list[str]:
        return [
            e["note"]
            for e in json.loads(zc("progress", "log", "-f", "json", *args, root=root).stdout)
        ]

    assert notes("--task", "2") == ["乙"]
    assert notes("--dept", "发改局") == ["甲", "丙"]  # cooperates on task 1, reported task 3
    assert notes("--since", "2023-08-01", "--until", "2023-08-31") == ["乙"]
    assert zc("progress", "log", "--since", "8月1日", root=root).exit_code == 2


def test_import_yaml_batch(zc, make_ledger):
    root = make_ledger()
    batch = root / "科技局7月.yaml"
    batch.write_text(
        textwrap.dedent("""\
        - {task: 1, by: 科技局, date: 2023-07-28, status: 推进中, values: {"1.1": 6}, note: 新增平台6家}
        - {task: 3, by: 区发改局, date: 2023-08-01, status: 已完成, note: 完成}
        """),
        "utf-8",
    )
    result = zc("progress", "import", str(batch), root=root)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "读取 科技局7月.yaml（2 条）\n写入 data/progress/2023-07.yaml\n写入 data/progress/2023-08.yaml\n已导入 2 条进展（区科技局、区发改局）\n"
    )


def test_import_rejects_the_whole_batch_for_one_bad_row(zc, make_ledger):
    root = make_ledger()
    batch = root / "batch.yaml"
    batch.write_text(
        textwrap.dedent("""\
        - {task: 1, by: 区科技局, date: 2023-07-28, status: 推进中, note: 好}
        - {task: 1, by: 区科技局, date: 2023-07-29, status: 推进中, values: {"1.1": 多}, note: 坏}
        """),
        "utf-8",
    )
    result = zc("progress", "import", str(batch), root=root)
    assert result.exit_code == 1
    assert f"{batch}:2:70: error[number]: 指标 1.1 的数值“多”无效：应为数字" in result.stderr
    assert not (root / "data" / "progress").exists()


CSV = "任务序号,单位,日期,状态,1.1,2.1,进展情况,依据\n1,区科技局,2023-07-28,推进中,6,,新增平台6家,月报\n2,水利局,2023-07-28,推进中,,3900,用水3900万立方米,\n"


def test_import_csv_in_utf8_or_gbk(zc, make_ledger):
    for encoding in ("utf-8-sig", "gbk"):
        root = make_ledger()
        batch = root / "batch.csv"
        batch.write_bytes(CSV.encode(encoding))
        result = zc("progress", "import", str(batch), root=root)
        assert result.exit_code == 0, result.stderr
        entries = json.loads(zc("progress", "log", "-f", "json", root=root).stdout)
        assert [(e["task"], e["by"], e["values"], e["source"]) for e in entries] == [
            (1, "区科技局", {"1.1": 6}, "月报"),
            (2, "区水利局", {"2.1": 3900}, ""),
        ]
        for path in (root / "data" / "progress").glob("*.yaml"):
            path.unlink()


def test_import_csv_names_the_row_and_column(zc, make_ledger):
    root = make_ledger()
    batch = root / "batch.csv"
    batch.write_text(CSV.replace("2,水利局", "2,区科技局"), "utf-8")
    result = zc("progress", "import", str(batch), root=root)
    assert result.exit_code == 1
    assert f"{batch}:3:2: error[unit-not-on-task]: 区科技局 不是任务 2 的责任单位" in result.stderr
    batch.write_text("任务,负责人\n1,张三\n", "utf-8")
    result = zc("progress", "import", str(batch), root=root)
    assert result.stderr.splitlines()[:2] == [
        "错误：batch.csv 有 1 处错误，全部没有导入",
        f"{batch}:1:1: error[no-header]: 找不到表头：前 15 行中没有同时含“任务序号”（或“序号”、“任务”）和其他已知列的行",
    ]
    batch.write_text("任务,单位,日期,进展情况,负责人\n1,区科技局,2023-07-10,甲,张三\n", "utf-8")
    result = zc("progress", "import", str(batch), root=root)
    assert result.exit_code == 0
    assert result.stderr == ""  # a column of text nobody knows is kept in the note
    assert json.loads(zc("progress", "log", "-f", "json", root=root).stdout)[0]["note"] == (
        "甲；负责人：张三"
    )


def test_lock_held_by_another_process_times_out_with_a_message(zc, make_ledger, monkeypatch):
    root = make_ledger()
    folder = root / "data" / "progress"
    folder.mkdir()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from filelock import FileLock; lock = FileLock(sys.argv[1]); lock.acquire();"
            " print('held', flush=True); time.sleep(30)",
            str(folder / ".zctasks.lock"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "held\n"
        monkeypatch.setenv("ZCTASKS_LOCK_TIMEOUT", "0.3")
        result = add(zc, root, "1", "--by", "区科技局", "--date", "2023-07-14", "--note", "x")
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 1
    assert result.stderr == (
        f"错误：另一个进程（PID {holder.pid}）正在写入进展记录，等待 0.3 秒后仍未轮到\n"
        "提示：请等它结束后重试：锁在该进程结束时自动释放，不要删除锁文件；"
        "需要等得更久时设置 ZCTASKS_LOCK_TIMEOUT（秒）\n"
    )
    assert not (root / JULY).exists()


def test_twenty_concurrent_writers_leave_twenty_entries(zc, make_ledger, tmp_path):
    import os

    root = make_ledger()
    env = {**os.environ, "ZCTASKS_CACHE_DIR": str(tmp_path / "cache")}
    zc("list", root=root)  # warm nothing shared: each process validates on its own
    processes = [add_process(root, "2023-07-14", f"第{i}条", env) for i in range(20)]
    assert [p.wait(timeout=120) for p in processes] == [0] * 20
    entries = json.loads(zc("progress", "log", "-f", "json", root=root).stdout)
    assert sorted(e["note"] for e in entries) == sorted(f"第{i}条" for i in range(20))
    assert zc("check", root=root).exit_code == 0


def test_a_writer_killed_midway_leaves_the_previous_file(zc, make_ledger):
    root = make_ledger()
    add(zc, root, "1", "--by", "区科技局", "--date", "2023-07-10", "--note", "已有")
    before = (root / JULY).read_bytes()
    killer = (
        "import os, signal, sys\n"
        "real = os.fsync\n"
        "def dying(fd):\n"
        "    os.write(fd, b'half-written garbage')\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "os.fsync = dying\n"
        "from zctasks.cli import main\n"
        "sys.argv = ['zctasks', '--root', sys.argv[1], 'progress', 'add', '1', '--by', '区科技局',"
        " '--date', '2023-07-11', '--note', '新的']\n"
        "main()\n"
    )
    result = subprocess.run([sys.executable, "-c", killer, str(root)], capture_output=True)
    assert result.returncode == -9
    assert (root / JULY).read_bytes() == before
    assert zc("check", root=root).exit_code == 0


def test_a_write_keeps_the_files_mode(zc, make_ledger):
    root = make_ledger()
    add(zc, root, "1", "--by", "区科技局", "--date", "2023-07-10", "--note", "甲")
    path = root / JULY
    path.chmod(0o640)
    add(zc, root, "1", "--by", "区科技局", "--date", "2023-07-11", "--note", "乙")
    assert path.stat().st_mode & 0o777 == 0o640
    assert len(path.read_text("utf-8").splitlines()) == 3
