"""Files in the log folders that zctasks would not read are check errors, never skipped
without a word: their records would vanish and their numbers be given again."""

from __future__ import annotations

import os

import pytest

from test_scoring import RULES


def _errors(zc, root):
    result = zc("check", root=root)
    assert result.exit_code == 1
    return [line for line in result.stdout.splitlines() if "error[" in line]


@pytest.fixture
def ledger(zc, reported):
    (reported / "data" / "scoring.yaml").write_text(RULES, "utf-8")
    assert zc("score", "--record", "--as-of", "2023-07-31", root=reported).exit_code == 0
    week = ("report", "briefing", "--week", "2023-W30", "--date", "2023-07-31", "--record")
    assert zc(*week, root=reported).exit_code == 0
    return reported


def test_a_month_file_with_a_name_not_read_is_an_error(zc, ledger):
    month = ledger / "data" / "progress" / "2023-07.yaml"
    month.rename(month.with_name("2023-07.YAML"))
    assert _errors(zc, ledger) == [
        "data/progress/2023-07.YAML:1:1: error[file-name]: "
        "进展文件应命名为 年-月.yaml：“2023-07.YAML”不会被读取"
    ]
    (ledger / "data" / "progress" / "2023-07.YAML").rename(month.with_name("2023-07.yaml "))
    assert _errors(zc, ledger) == [
        "data/progress/2023-07.yaml :1:1: error[file-name]: "
        "进展文件应命名为 年-月.yaml：“2023-07.yaml ”不会被读取"
    ]


def test_a_link_or_a_pipe_is_an_error_and_no_writer_waits_on_a_pipe(zc, ledger):
    folder = ledger / "data" / "progress"
    (folder / "2023-07.yaml").rename(ledger / "别处.yaml")
    (folder / "2023-07.yaml").symlink_to(ledger / "别处.yaml")
    assert _errors(zc, ledger) == [
        "data/progress/2023-07.yaml:1:1: error[file-name]: 进展文件“2023-07.yaml”是符号链接，不会被读取"
    ]
    (folder / "2023-07.yaml").unlink()
    (ledger / "别处.yaml").rename(folder / "2023-07.yaml")
    os.mkfifo(folder / "2023-11.yaml")
    assert _errors(zc, ledger) == [
        "data/progress/2023-11.yaml:1:1: error[file-name]: "
        "进展文件“2023-11.yaml”是管道、设备或其他特殊文件，不会被读取"
    ]
    added = zc("progress", "add", "2", "--by", "区水利局", "--date", "2023-11-02", "--note", "x",
               root=ledger)  # fmt: skip
    assert added.exit_code == 1  # refused at once, not waiting on the pipe


@pytest.mark.parametrize(
    ("folder", "what"),
    [("urges", "催办登记文件"), ("scores", "考评登记文件"), ("briefings", "简报登记文件")],
)
def test_a_register_renamed_or_moved_is_an_error_and_numbering_does_not_start_over(
    zc, ledger, folder, what
):
    base = ledger / "data" / folder
    if folder == "urges":
        day = ("--as-of", "2023-09-30", "--date", "2023-09-30", "--record")
        assert zc("report", "urge", *day, root=ledger).exit_code == 0
    (base / "2023.yaml").rename(base / "2023.YAML")
    assert _errors(zc, ledger) == [
        f"data/{folder}/2023.YAML:1:1: error[file-name]: {what}应命名为 年份.yaml：“2023.YAML”不会被读取"
    ]
    urge = ("report", "urge", "--as-of", "2023-10-31", "--date", "2023-10-31", "--record")
    score = ("score", "--record", "--as-of", "2023-08-31")
    brief = ("report", "briefing", "--week", "2023-W31", "--date", "2023-08-07", "--record")
    command = {"urges": urge, "scores": score, "briefings": brief}[folder]
    assert zc(*command, root=ledger).exit_code == 1
    assert not (base / "2023.yaml").exists()
    (base / "old").mkdir()
    (base / "2023.YAML").rename(base / "old" / "2023.yaml")
    assert _errors(zc, ledger)[0].startswith(f"data/{folder}/old/2023.yaml:1:1: error[misplaced]: ")
    (base / "old" / "2023.yaml").rename(base / "2023.yaml")
    text = (base / "2023.yaml").read_text("utf-8")
    (base / "2023.yaml").write_text(text.replace("\n", "\r\n"), "utf-8")
    assert _errors(zc, ledger)[0].startswith(f"data/{folder}/2023.yaml:1:")
    assert "error[line-ending]" in _errors(zc, ledger)[0]
