"""A ledger kept in git: a recorded line deleted, edited, reordered or pushed down by a
line inserted above it is caught before it is committed — by `check` against HEAD, and by
the pre-commit hook — and a number it held is not given again."""

from __future__ import annotations

import json
import subprocess

import pytest

from conftest import git
from test_register_records import CONFIG, OVERDUE

URGES = "data/urges/2023.yaml"
JULY = "data/progress/2023-07.yaml"


@pytest.fixture
def ledger(zc, reported, git_identity):
    (reported / "data" / "config.yaml").write_text(CONFIG, "utf-8")
    tasks = reported / "data" / "tasks.yaml"
    tasks.write_text(tasks.read_text("utf-8").replace("  - id: 1\n", OVERDUE), "utf-8")
    git(reported, "init", "-q")
    assert zc("hooks", "install", root=reported).exit_code == 0
    day = ("--as-of", "2023-07-31", "--date", "2023-07-31", "--record")
    assert zc("report", "urge", "区科技局", *day, root=reported).exit_code == 0
    git(reported, "add", "-A")
    git(reported, "commit", "-q", "-m", "签发1号")
    return reported


def _commit(root, message):
    git(root, "add", "-A")
    return subprocess.run(
        ["git", "-C", str(root), "commit", "-q", "-m", message], capture_output=True, text=True
    )


HINT = (
    "  提示：记录只能追加：用 git diff HEAD -- 文件 查看，把被删改的行原样放回原处，此后追加的"
    "新记录留在末尾（不要用 git checkout 覆盖整个文件，那会丢掉新记录）\n"
)


def test_a_slip_deleted_before_a_commit_is_caught_and_its_number_not_given_again(zc, ledger):
    path = ledger / URGES
    lines = path.read_text("utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), "utf-8")  # 1号, already sent, deleted by hand
    checked = zc("check", root=ledger)
    assert checked.exit_code == 1
    assert (
        f"{URGES}:1:1: error[uncommitted-edit]: 与已提交的版本（HEAD）相比，删除或改动了 1 行"
        f"已记录的催办单：{lines[-1][:60]}…\n" + HINT
    ) in checked.stdout
    day = ("--as-of", "2023-07-31", "--date", "2023-08-01", "--record")
    assert zc("report", "urge", "区水利局", *day, root=ledger).exit_code == 0
    numbers = [json.loads(line[2:])["number"] for line in path.read_text("utf-8").splitlines()[1:]]
    assert numbers == [2]  # not 1 again
    refused = _commit(ledger, "又签发")
    assert refused.returncode == 1
    assert "不要用 git checkout 覆盖整个文件，那会丢掉新记录" in refused.stderr


def test_swapped_or_inserted_recorded_lines_are_refused(zc, ledger):
    month = ledger / JULY
    text = month.read_text("utf-8")
    header, *entries = text.splitlines(keepends=True)
    assert len(entries) >= 2
    month.write_text(header + entries[1] + entries[0] + "".join(entries[2:]), "utf-8")
    checked = zc("check", root=ledger)
    assert (
        f"{JULY}:1:1: error[uncommitted-edit]: 与已提交的版本（HEAD）相比，"
        "调换了已记录的进展的顺序，或在其间插入了新行\n"
    ) in checked.stdout
    refused = _commit(ledger, "调换两行")
    assert refused.returncode == 1
    assert (
        f"- {JULY}：这次提交会调换已记录的进展的顺序，或在其间插入新行"
        "（已记录的行须原样留在文件开头，新记录只能追加在末尾）\n"
    ) in refused.stderr
    month.write_text(text, "utf-8")
    inserted = entries[-1].replace('"id": "', '"id": "x', 1)
    month.write_text(header + inserted + "".join(entries), "utf-8")
    assert _commit(ledger, "插入一行").returncode == 1
    month.write_text(text + inserted, "utf-8")  # appended: fine
    assert _commit(ledger, "追加一行").returncode == 0, "appending is allowed"


def test_a_renamed_month_file_is_named_briefly(zc, ledger):
    git(ledger, "mv", JULY, "data/progress/2023-07.yml")
    refused = _commit(ledger, "改名")
    assert refused.returncode == 1
    assert (
        f"- {JULY} 被改名为 data/progress/2023-07.yml：记录文件不能改名，改名后其中的记录"
        f"不会被读取（改回：git mv data/progress/2023-07.yml {JULY}）\n"
    ) in refused.stderr
    assert "这次提交会修改或删除" not in refused.stderr
