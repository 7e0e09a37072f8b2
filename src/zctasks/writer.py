"""The one way data is written: appended atomically, under a lock, never half-written.

A write goes to a temporary file in the same folder, is flushed and fsynced, takes the
old file's mode, and replaces the old file with ``os.replace``; the folder is fsynced so
the rename survives a crash. A killed writer leaves the old file, plus at most a stray
``.tmp-*`` file that no reader looks at. Writers queue on a lock file.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from zctasks.errors import LedgerInvalid, ZctasksError
from zctasks.models import Entry
from zctasks.progress import HEADER, LinesDoc, entry_line, month_file, parse_file
from zctasks.root import PROGRESS_DIR

LOCK_NAME = ".zctasks.lock"
DEFAULT_LOCK_TIMEOUT = 30.0


class LockTimeout(ZctasksError):
    pass


class ReadOnlyLedger(ZctasksError):
    pass


def atomic_write(path: Path, content: bytes) -> None:
    """Replace ``path`` with ``content`` so that readers see the old or the new file, whole."""
    atomic_write_many({path: content})


def atomic_write_many(files: dict[Path, bytes]) -> None:
    """Write every file to a synced temporary first, then rename them all into place."""
    staged: list[tuple[Path, str]] = []
    try:
        for path, content in files.items():
            fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            staged.append((path, temp))
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temp, _mode_for(path))
        for path, temp in staged:
            os.replace(temp, path)
    except BaseException:
        for _, temp in staged:
            Path(temp).unlink(missing_ok=True)
        raise
    for folder in {path.parent for path in files}:
        _fsync_folder(folder)


def _mode_for(path: Path) -> int:
    """The file's current mode, or what a new file gets under the umask."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def append_entries(
    root: Path, entries: Iterable[Entry], timeout: float = DEFAULT_LOCK_TIMEOUT
) -> list[Path]:
    """Append entries to their month files; every file is checked before any is written.

    The month files must parse (a file with a YAML error is refused, untouched) and must
    not already hold an entry with the same id. Returns the files written, relative to
    ``root``.
    """
    from filelock import FileLock, Timeout

    by_file: dict[Path, list[Entry]] = {}
    for entry in entries:
        by_file.setdefault(month_file(entry.date), []).append(entry)
    folder = root / PROGRESS_DIR
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with FileLock(folder / LOCK_NAME, timeout=timeout):
            planned = {
                relative: _extended(root, relative, new) for relative, new in by_file.items()
            }
            atomic_write_many({root / relative: content for relative, content in planned.items()})
    except Timeout:
        raise LockTimeout(
            f"另一个进程正在写入进展记录，等待 {timeout:g} 秒后仍未获得锁 {PROGRESS_DIR / LOCK_NAME}",
            "稍后重试；如确认没有其他 zctasks 正在运行，可删除该锁文件",
        ) from None
    except OSError as exc:  # after Timeout, which is an OSError too
        raise ZctasksError(
            f"写入进展记录失败：{exc.strerror or exc}",
            "原有文件没有改动；请检查磁盘空间和目录权限后重试",
        ) from None
    return sorted(planned)


def _extended(root: Path, relative: Path, new: list[Entry]) -> bytes:
    """The month file with ``new`` appended. A file the tool wrote (one JSON entry a line)
    only needs its ids read; anything else must parse as YAML, or it is refused untouched."""
    path = root / relative
    old = path.read_bytes() if path.exists() else b""
    lines = LinesDoc.read(relative.as_posix(), old)
    if lines is not None:
        taken = {str(entry.get("id")) for entry in lines.data}
    else:
        existing, problems = parse_file(relative, old)
        if problems:
            raise LedgerInvalid(problems)
        taken = {entry.id for entry, _, _ in existing}
    for entry in new:
        if entry.id in taken:
            raise ZctasksError(f"条目编号 {entry.id} 已存在于 {relative.as_posix()}")
        taken.add(entry.id)
    text = old.decode("utf-8-sig") if old else HEADER
    if text and not text.endswith("\n"):
        text += "\n"
    return (text + "".join(entry_line(entry) for entry in new)).encode("utf-8")
