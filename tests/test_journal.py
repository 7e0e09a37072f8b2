"""The journal of a batch completes only what this ledger began, as it was begun.

A journal names the batch's temporaries and month files with the checksums of their old and
new contents, and the folder it was written in. The next command completes it only when
every file is still as the batch found it (or already renamed); a journal that is foreign,
planted, committed, malformed or stale changes nothing, and says so.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from test_kills import KILLER, MONTHS, PROGRESS, _batch, _notes, _outcome, _strays

JOURNAL = PROGRESS / ".tmp-zctasks-journal"


@pytest.fixture
def ledger(zc, make_ledger, tmp_path):
    root = make_ledger()
    first = _batch(tmp_path, "已有")
    assert zc("progress", "import", str(first), root=root).exit_code == 0
    return root


def _killed_after_journal(root: Path, tmp_path: Path, tag: str) -> None:
    """A three-month batch whose writer died after the journal and the first rename."""
    subprocess.run(
        [
            sys.executable,
            "-c",
            KILLER,
            "replace",
            "after",
            "2",
            str(root),
            str(_batch(tmp_path, tag)),
        ],
        capture_output=True,
    )
    assert (root / JOURNAL).exists()
    assert _outcome(root, tag) == "partial"


def _months(root: Path) -> dict[str, bytes]:
    return {m: (root / PROGRESS / f"{m}.yaml").read_bytes() for m in MONTHS}


@pytest.mark.parametrize(
    "journal",
    [
        b"[1, 2]",
        b"{",
        b"null",
        b'{"zctasks-journal": 2}',
        b"\xff\xfe",
        b"[" * 100_000,
        b" " * (2 * 1024 * 1024),
    ],
)
def test_a_malformed_journal_is_a_message_and_changes_nothing(zc, ledger, journal):
    (ledger / JOURNAL).write_bytes(journal)
    before = _months(ledger)
    for command in (["status"], ["check"], ["progress", "add", "1", "--by", "区科技局",
                                           "--date", "2023-07-20", "--note", "新"]):  # fmt: skip
        result = zc(*command, root=ledger)
        assert result.exit_code == 1
        assert result.stderr.startswith(
            "错误：data/progress/.tmp-zctasks-journal 不是本台账写入时留下的日志"
        ), result.stderr
        assert "没有据此改动任何文件" in result.stderr
        assert "Traceback" not in result.stderr
    assert _months(ledger) == before
    assert (ledger / JOURNAL).read_bytes() == journal  # not ours to delete


def test_a_planted_journal_cannot_empty_a_month_file(zc, ledger):
    """The attack of issue 19: a journal that renames an empty temporary over July."""
    folder = ledger / PROGRESS
    (folder / ".tmp-planted").write_bytes(b"")
    (folder / ".tmp-zctasks-journal").write_text(
        json.dumps([[".tmp-planted", "2023-07.yaml"], ["../tasks.yaml", "x"]]), "utf-8"
    )
    before = _months(ledger)
    result = zc("status", root=ledger)
    assert result.exit_code == 1 and "不是本台账写入时留下的日志" in result.stderr
    assert _months(ledger) == before
    assert zc("check", root=ledger).exit_code == 1  # check does not pass over it


def test_a_journal_from_another_clone_is_not_completed(zc, ledger, tmp_path):
    """A genuine journal, committed or copied with its temporaries into another ledger."""
    copy = tmp_path / "同事的台账"
    shutil.copytree(ledger, copy)
    _killed_after_journal(ledger, tmp_path, "中断")
    for name in os.listdir(ledger / PROGRESS):
        if name.startswith(".tmp-"):
            shutil.copy(ledger / PROGRESS / name, copy / PROGRESS / name)
    before = _months(copy)
    result = zc("status", root=copy)
    assert result.exit_code == 1
    assert "不是本台账写入时留下的日志（写于另一个目录）" in result.stderr
    assert _months(copy) == before
    assert zc("status", root=ledger).exit_code == 0  # the ledger that began it completes it
    assert _outcome(ledger, "中断") == "whole"


def test_a_stale_journal_does_not_overwrite_what_changed_since(zc, ledger, tmp_path):
    """Killed mid-batch, then a branch switch changed August: the batch is not completed over
    it; the journal and temporaries go, with a message, and the next command works."""
    _killed_after_journal(ledger, tmp_path, "中断")
    august = ledger / PROGRESS / "2023-08.yaml"
    other = august.read_text("utf-8") + (
        '- {"id": "2023-08-11-1-ffffff", "task": 1, "date": "2023-08-11", "by": "区科技局", '
        '"status": "推进中", "note": "另一分支的记录"}\n'
    )
    august.write_text(other, "utf-8")
    result = zc("status", root=ledger)
    assert result.exit_code == 1
    assert result.stderr == (
        "错误：上次被中断的写入没有补完：data/progress/2023-08.yaml 此后已被改动"
        "（如切换分支、git pull），补完会覆盖现在的内容\n"
        "提示：中断的那批记录没有写入，其临时文件已清除；需要时重新记录或导入"
        "（已记录过的相同报送会跳过）\n"
    )
    assert august.read_text("utf-8") == other
    assert _strays(ledger) == []
    assert zc("status", root=ledger).exit_code == 0
    assert "另一分支的记录" in _notes(ledger)


def test_a_journal_whose_temporary_was_altered_is_not_completed(zc, ledger, tmp_path):
    _killed_after_journal(ledger, tmp_path, "中断")
    temps = [p for p in (ledger / PROGRESS).glob(".tmp-*") if p.name != JOURNAL.name]
    temps[0].write_bytes(b"# nothing\n")
    before = _months(ledger)
    result = zc("status", root=ledger)
    assert result.exit_code == 1 and "上次被中断的写入没有补完" in result.stderr
    assert _months(ledger) == before


def test_a_journal_names_only_month_files_of_its_folder(ledger):
    """Even a journal written in this folder with the right checksums cannot reach outside."""
    from zctasks.files import writer
    from zctasks.files.errors import ZctasksError

    folder = ledger / PROGRESS
    (folder / ".tmp-abc").write_bytes(b"")
    journal = writer._journal_record(
        folder, {"../tasks.yaml": ".tmp-abc"}, {"../tasks.yaml": b""}, {"../tasks.yaml": None}
    )
    (folder / writer.JOURNAL_NAME).write_bytes(journal)
    tasks = (ledger / "data" / "tasks.yaml").read_bytes()
    with pytest.raises(
        ZctasksError, match=r"不是本台账写入时留下的日志（文件名“\.\./tasks\.yaml”不是"
    ):
        writer.finish_interrupted(folder)
    assert (ledger / "data" / "tasks.yaml").read_bytes() == tasks


def test_a_journal_that_is_a_pipe_or_a_folder_is_refused_without_waiting(zc, ledger):
    """A FIFO in the journal's place would block every command on open()."""
    journal = ledger / JOURNAL
    os.mkfifo(journal)
    result = zc("status", root=ledger)
    assert result.exit_code == 1
    assert "不是本台账写入时留下的日志（不是普通文件）" in result.stderr
    journal.unlink()
    journal.mkdir()
    assert "（不是普通文件）" in zc("check", root=ledger).stderr


def test_a_folder_named_like_a_temporary_does_not_stop_writes(zc, ledger):
    (ledger / PROGRESS / ".tmp-别人的文件夹").mkdir()
    result = zc("progress", "add", "1", "--by", "区科技局", "--date", "2023-07-20", "--note", "新",
                root=ledger)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert (ledger / PROGRESS / ".tmp-别人的文件夹").is_dir()


def test_an_interrupt_once_the_journal_is_in_place_leaves_the_batch_to_complete(ledger):
    """Ctrl-C right after the journal's rename: its temporaries stay, and the next command
    completes the batch as begun."""
    from zctasks.files import writer

    folder = ledger / PROGRESS
    month = folder / "2023-07.yaml"
    old, new = month.read_bytes(), month.read_bytes() + b"# \xe6\x96\xb0\n"
    real = writer._replace

    def interrupted(source, target):
        real(source, target)
        if target.name == writer.JOURNAL_NAME:
            raise KeyboardInterrupt

    tx = writer.Transaction(folder)
    tx.read(month.name)
    tx.write(month.name, new)
    writer._replace = interrupted
    try:
        with pytest.raises(KeyboardInterrupt):
            tx.commit()
    finally:
        writer._replace = real
    assert month.read_bytes() == old and len(_strays(ledger)) == 2  # journal and temporary
    writer.finish_interrupted(folder)
    assert month.read_bytes() == new and _strays(ledger) == []


def test_a_journal_whose_temporary_is_gone_does_not_blame_a_change(zc, ledger, tmp_path):
    _killed_after_journal(ledger, tmp_path, "中断")
    for temp in (ledger / PROGRESS).glob(".tmp-*"):
        if temp.name != JOURNAL.name:
            temp.unlink()
    result = zc("status", root=ledger)
    assert result.exit_code == 1
    assert re.fullmatch(
        "错误：上次被中断的写入没有补完：它的临时文件已不在或不完整，"
        r"data/progress/2023-\d\d\.yaml 仍是写入前的内容，没有改动\n"
        "提示：中断的那批记录没有写入，日志已清除；需要时重新记录或导入"
        "（已记录过的相同报送会跳过）\n",
        result.stderr,
    )


@pytest.mark.parametrize("folder", ["data/scores", "data/briefings"])
def test_the_score_and_briefing_journals_are_completed_or_refused(zc, ledger, folder):
    """A killed `score --record` or `report briefing --record` is completed by the next
    reader like a progress batch; a journal that is not this folder's own fails check."""
    from zctasks.files import writer

    where = ledger / folder
    where.mkdir(parents=True)
    name = "2023.yaml"
    line = b"# \xe4\xb8\xad\xe6\x96\xad\n"
    tx = writer.Transaction(where)
    tx.read(name)
    tx.write(name, line)
    real = writer._replace

    def killed(source, target):
        real(source, target)
        if target.name == writer.JOURNAL_NAME:
            raise SystemExit(137)

    writer._replace = killed
    try:
        with pytest.raises(SystemExit):
            tx.commit()
    finally:
        writer._replace = real
    assert not (where / name).exists()
    assert zc("check", root=ledger).exit_code == 0
    assert (where / name).read_bytes() == line
    assert sorted(p.name for p in where.iterdir()) == [".zctasks.lock", name]
    (where / writer.JOURNAL_NAME).write_bytes(b"{")
    checked = zc("check", root=ledger)
    assert (checked.exit_code, checked.stderr.split("\n")[0]) == (
        1,
        f"错误：{folder}/.tmp-zctasks-journal 不是本台账写入时留下的日志（内容无法读取），"
        "没有据此改动任何文件",
    )
