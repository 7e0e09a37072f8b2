"""Windows, simulated: nothing here runs on Windows, so each of its behaviours that differs
from Linux is imitated and the code must cope with it by construction (README, "Windows").
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

JULY = Path("data/progress/2023-07.yaml")
ADD = ("progress", "add", "1", "--by", "区科技局", "--date", "2023-07-20", "--note", "新平台")


def _folders_cannot_be_opened(monkeypatch):
    """Windows: os.open on a folder raises PermissionError (EACCES)."""
    from zctasks.files import writer

    real = os.open
    opened = []

    def fake(path, flags, *args, **kwargs):
        if Path(path).is_dir() and sys._getframe(1).f_globals["__name__"].startswith("zctasks"):
            opened.append(path)  # (filelock's Linux backend probes folders its own way)
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path, flags, *args, **kwargs)

    monkeypatch.setattr(writer.os, "open", fake)
    return opened


def test_a_folder_that_cannot_be_opened_does_not_stop_a_write(zc, make_ledger, monkeypatch):
    root = make_ledger()
    _folders_cannot_be_opened(monkeypatch)
    result = zc(*ADD, root=root)
    assert result.exit_code == 0, result.stderr
    assert "新平台" in (root / JULY).read_text("utf-8")


def test_on_windows_no_folder_is_opened_to_sync(zc, make_ledger, monkeypatch):
    from zctasks.files import writer

    root = make_ledger()
    opened = _folders_cannot_be_opened(monkeypatch)
    monkeypatch.setattr(writer, "WINDOWS", True)
    assert zc(*ADD, root=root).exit_code == 0
    assert opened == []


def _busy_target(monkeypatch, times: int):
    """Windows: replacing a file that another program holds open fails with a sharing
    violation (PermissionError) until that program closes it."""
    from zctasks.files import writer

    real = os.replace
    refused = []

    def fake(source, target):
        if Path(target).name == "2023-07.yaml" and len(refused) < times:
            refused.append(target)
            raise PermissionError(13, "另一个程序正在使用此文件，进程无法访问。", str(target))
        return real(source, target)

    monkeypatch.setattr(writer.os, "replace", fake)
    monkeypatch.setattr(writer, "WINDOWS", True)
    monkeypatch.setattr(writer, "REPLACE_PAUSE", 0.001)
    return refused


def test_a_month_file_held_open_for_a_moment_is_replaced_when_it_is_free(
    zc, make_ledger, monkeypatch
):
    root = make_ledger()
    refused = _busy_target(monkeypatch, 3)
    result = zc(*ADD, root=root)
    assert result.exit_code == 0, result.stderr
    assert len(refused) == 3
    assert "新平台" in (root / JULY).read_text("utf-8")


def test_a_month_file_held_open_for_good_is_named_and_completed_later(zc, one_entry, monkeypatch):
    real = os.replace
    before = (one_entry / JULY).read_bytes()
    _busy_target(monkeypatch, 10**6)
    result = zc(*ADD, root=one_entry)
    assert result.exit_code == 1
    assert result.stderr == (
        "错误：写入中断（另一个程序正在使用此文件，进程无法访问。）：已写入 无，"
        "尚未写入 data/progress/2023-07.yaml\n"
        "提示：这批写入已记在日志中，排除原因（权限、杀毒软件、网络共享、文件被其他程序打开）后"
        "运行任一 zctasks 命令（如 zctasks check）即可补完；不要重新录入\n"
    )
    assert (one_entry / JULY).read_bytes() == before
    monkeypatch.setattr(os, "replace", real)  # the other program closed it
    assert zc("check", root=one_entry).exit_code == 0
    assert "新平台" in (one_entry / JULY).read_text("utf-8")


def test_a_batch_whose_second_rename_fails_says_what_was_written(zc, make_ledger, tmp_path,
                                                               monkeypatch):  # fmt: skip
    """A rename refused after the journal (an antivirus, a network share): the message says
    which month file already changed, never 原有文件没有改动."""
    from zctasks.files import writer

    root = make_ledger()
    batch = tmp_path / "两月.yaml"
    batch.write_text(
        "- {task: 1, by: 区科技局, date: 2023-07-10, note: 七月}\n"
        "- {task: 1, by: 区科技局, date: 2023-08-10, note: 八月}\n",
        "utf-8",
    )
    real = os.replace

    def fake(source, target):
        if Path(target).name == "2023-08.yaml":
            raise PermissionError(13, "拒绝访问。", str(target))
        return real(source, target)

    monkeypatch.setattr(writer.os, "replace", fake)
    result = zc("progress", "import", str(batch), root=root)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "错误：写入中断（拒绝访问。）：已写入 data/progress/2023-07.yaml，"
        "尚未写入 data/progress/2023-08.yaml\n"
    )
    assert "原有文件没有改动" not in result.stderr
    monkeypatch.setattr(writer.os, "replace", real)
    assert zc("check", root=root).exit_code == 0
    assert "八月" in (root / "data/progress/2023-08.yaml").read_text("utf-8")


def test_a_console_that_cannot_show_chinese_neither_crashes_nor_skips_the_commit(
    git_ledger, tmp_path
):
    """A console whose code page has no Chinese (cp437, or PYTHONIOENCODING=ascii): the
    entry is written and committed, and the output is escaped, not a traceback."""
    env = {**os.environ, "PYTHONIOENCODING": "cp437", "PYTHONUTF8": "0"}
    result = subprocess.run(
        [sys.executable, "-m", "zctasks", "--root", str(git_ledger), "progress", "add", "7",
         "--by", "区工信局", "--date", "2023-07-14", "--note", "技改", "--commit"],
        capture_output=True, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr.decode("cp437")
    assert b"Traceback" not in result.stderr
    assert result.stdout.startswith(b"\\u5199\\u5165 data/progress/2023-07.yaml\n")
    log = subprocess.run(
        ["git", "-C", str(git_ledger), "log", "-1", "--format=%s"], capture_output=True, text=True
    )
    assert log.stdout == "进展: 任务7 区工信局 2023-07-14\n"


def test_init_into_an_empty_folder_where_rename_cannot_replace_it(zc, tmp_path, monkeypatch):
    """Windows: renaming a folder onto an existing (even empty) folder fails."""
    real = Path.rename

    def windows_rename(self, target):
        if Path(target).exists():
            raise FileExistsError(errno.EEXIST, "当文件已存在时，无法创建该文件。", str(target))
        return real(self, target)

    monkeypatch.setattr(Path, "rename", windows_rename)
    target = tmp_path / "台账"
    target.mkdir()
    result = zc("init", str(target))
    assert result.exit_code == 0, result.stderr
    assert (target / "data" / "tasks.yaml").is_file()


def test_hooks_and_rules_are_written_with_lf_where_text_files_get_crlf(zc, tmp_path, monkeypatch):
    """Windows: a text file written without newline="\\n" gets CRLF line ends, and a hook
    script with CRLF does not run (``/bin/sh^M``)."""
    real = Path.write_text

    def windows_write_text(self, data, encoding=None, errors=None, newline=None):
        if newline is None:
            data = data.replace("\n", "\r\n")
        return real(self, data, encoding, errors, newline="")

    monkeypatch.setattr(Path, "write_text", windows_write_text)
    root = tmp_path / "台账"
    assert zc("init", str(root)).exit_code == 0
    for path in [
        *(root / ".git" / "hooks").glob("p*"),
        root / ".gitattributes",
        root / ".gitignore",
    ]:
        if path.suffix != ".sample":
            assert b"\r" not in path.read_bytes(), path


def test_a_path_too_long_for_windows_is_a_message(zc, make_ledger, monkeypatch):
    """Windows: a path beyond MAX_PATH fails with ENAMETOOLONG (WinError 206)."""
    import tempfile

    root = make_ledger()

    def too_long(*args, **kwargs):
        raise OSError(errno.ENAMETOOLONG, "文件名或扩展名太长。")

    monkeypatch.setattr(tempfile, "mkstemp", too_long)
    result = zc(*ADD, root=root)
    assert (result.exit_code, result.stderr) == (
        1,
        "错误：写入进展记录失败：文件名或扩展名太长。\n"
        "提示：原有文件没有改动；请检查磁盘空间和目录权限后重试\n",
    )
    assert not (root / JULY).exists()
