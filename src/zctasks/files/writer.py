"""The one way data is written: atomically, under a lock, never half-written.

A single file goes to a temporary file in the same folder, is flushed and fsynced, takes
the old file's mode, and replaces the old file with ``os.replace``; the folder is fsynced
so that the rename survives a crash.

Several files in one folder change together in a *transaction*, under the folder's lock:
every new content is staged in a synced temporary; a journal naming the temporaries is
made durable; then the renames. A writer killed before the journal exists changed nothing
(its temporaries are removed by the next transaction); one killed after it is completed by
the next reader or writer, which finishes the renames. Either way a batch lands whole or
not at all. Just before the journal is written, every file the transaction read is read
again: if anything (another program, a ``git pull``) changed it meanwhile, nothing is
renamed and the transaction starts over from the new contents.
"""

from __future__ import annotations

import json
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from zctasks.files.errors import ZctasksError

LOCK_NAME = ".zctasks.lock"
JOURNAL_NAME = ".tmp-zctasks-journal"
TEMP_PREFIX = ".tmp-"
DEFAULT_LOCK_TIMEOUT = 30.0
ATTEMPTS = 5

T = TypeVar("T")


class LockTimeout(ZctasksError):
    pass


class ReadOnlyLedger(ZctasksError):
    pass


class Changed(Exception):
    """A file the transaction read was changed by someone else before it could commit."""


def atomic_write(path: Path, content: bytes) -> None:
    """Replace ``path`` with ``content`` so that readers see the old or the new file, whole."""
    temp = _stage(path, content)
    try:
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)


def _stage(path: Path, content: bytes) -> str:
    """A synced temporary beside ``path`` holding ``content``, with ``path``'s mode."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, _mode_for(path))
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return temp


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


class Transaction:
    """Reads and writes of files in one folder that take effect together on ``commit``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.seen: dict[str, bytes | None] = {}
        self.staged: dict[str, bytes] = {}

    def read(self, name: str) -> bytes | None:
        """The file's content now (None if it does not exist); checked again at commit."""
        if name not in self.seen:
            self.seen[name] = _content(self.folder / name)
        return self.seen[name]

    def names(self, pattern: str) -> list[str]:
        """File names in the folder that match a glob pattern, sorted."""
        return sorted(p.name for p in self.folder.glob(pattern) if p.is_file())

    def write(self, name: str, content: bytes) -> None:
        self.staged[name] = content

    def _unchanged(self) -> bool:
        return all(_content(self.folder / name) == old for name, old in self.seen.items())

    def commit(self) -> None:
        if not self.staged:
            return
        temps: dict[str, str] = {}
        journal = self.folder / JOURNAL_NAME
        try:
            for name, content in self.staged.items():
                temps[name] = _stage(self.folder / name, content)
            if not self._unchanged():
                raise Changed
            plan = [[Path(temp).name, name] for name, temp in temps.items()]
            journal_temp = _stage(journal, json.dumps(plan).encode())
            os.replace(journal_temp, journal)
            _fsync_folder(self.folder)
            if not self._unchanged():
                journal.unlink()
                raise Changed
        except BaseException:
            for temp in temps.values():
                Path(temp).unlink(missing_ok=True)
            raise
        _finish(self.folder, journal)


def _content(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _finish(folder: Path, journal: Path) -> None:
    """Complete the renames a journal names, then remove it and every stray temporary."""
    strays = list(folder.glob(TEMP_PREFIX + "*"))
    if not strays:
        return
    try:
        plan = json.loads(journal.read_text("utf-8"))
    except FileNotFoundError:
        plan = []
    except ValueError:  # only a journal renamed into place counts, so this is not ours
        plan = []
    for temp, name in plan:
        if "/" in temp or "/" in name:
            continue
        if (folder / temp).exists():
            os.replace(folder / temp, folder / name)
    _fsync_folder(folder)
    journal.unlink(missing_ok=True)
    for stray in folder.glob(TEMP_PREFIX + "*"):
        stray.unlink(missing_ok=True)
    _fsync_folder(folder)


@contextmanager
def transaction(
    folder: Path, timeout: float = DEFAULT_LOCK_TIMEOUT, what: str = "进展记录"
) -> Iterator[Transaction]:
    """Hold the folder's lock, finish what a killed writer left, and yield a transaction.

    Changes are made by ``Transaction.commit``; what is not committed is dropped.
    """
    from filelock import FileLock, Timeout

    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = FileLock(folder / LOCK_NAME, timeout=timeout)
        lock.acquire()
    except Timeout:
        holder = _holder(folder / LOCK_NAME)
        who = f"另一个进程（PID {holder}）" if holder else "另一个进程"
        raise LockTimeout(
            f"{who}正在写入{what}，等待 {timeout:g} 秒后仍未轮到",
            "请等它结束后重试：锁在该进程结束时自动释放，不要删除锁文件；"
            "需要等得更久时设置 ZCTASKS_LOCK_TIMEOUT（秒）",
        ) from None
    except OSError as exc:
        raise _failed(what, exc) from None
    try:
        _finish(folder, folder / JOURNAL_NAME)
        yield Transaction(folder)
    except OSError as exc:
        raise _failed(what, exc) from None
    finally:
        lock.release()


def update(
    folder: Path,
    build: Callable[[Transaction], T],
    timeout: float = DEFAULT_LOCK_TIMEOUT,
    what: str = "进展记录",
    then: Callable[[T], object] | None = None,
) -> T:
    """Run ``build`` in a transaction and commit what it wrote; start over (from fresh
    contents) when a file it read was changed underneath it. ``then`` runs on the result
    while the lock is still held (a git commit, so that commits follow the order of the
    writes)."""
    for _ in range(ATTEMPTS):
        with transaction(folder, timeout, what) as tx:
            result = build(tx)
            try:
                tx.commit()
            except Changed:
                continue
            if then is not None:
                then(result)
            return result
    raise ZctasksError(
        f"写入{what}时文件一再被其他程序改动，已放弃，原有文件没有改动",
        "等 git 等其他程序结束后重试",
    )


def _failed(what: str, exc: OSError) -> ZctasksError:
    return ZctasksError(
        f"写入{what}失败：{exc.strerror or exc}",
        "原有文件没有改动；请检查磁盘空间和目录权限后重试",
    )


def finish_interrupted(folder: Path, timeout: float = DEFAULT_LOCK_TIMEOUT) -> None:
    """Before reading a folder: complete a batch that a killed writer left half-renamed, and
    remove the temporaries of one killed before its journal (best effort: a folder the
    reader may not write keeps them, harmlessly, until the next write)."""
    if (folder / JOURNAL_NAME).exists():
        try:
            with transaction(folder, timeout):
                pass
        except ZctasksError as exc:
            raise ZctasksError(
                f"上次写入进展记录时被中断，需要补完，但未能完成：{exc.message}",
                f"在对 {folder} 有写权限的账户下运行 zctasks check，即可补完",
            ) from None
    elif any(folder.glob(TEMP_PREFIX + "*")):
        try:
            with transaction(folder, timeout=0):
                pass
        except ZctasksError:
            pass  # a writer holds the lock (its temporaries are not strays), or no permission


_LOCK_LINE = re.compile(r"^\d+: FLOCK\s+\S+\s+WRITE\s+(\d+)\s+[0-9a-f]+:[0-9a-f]+:(\d+)\s")


def _holder(path: Path) -> str:
    """The process holding the lock on ``path`` (from /proc/locks on Linux), or ""."""
    try:
        inode = path.stat().st_ino
        with open("/proc/locks", encoding="ascii", errors="replace") as handle:
            table = handle.read()
    except OSError:
        return ""
    for line in table.splitlines():
        match = _LOCK_LINE.match(line)
        if match and int(match.group(2)) == inode:
            return match.group(1)
    return ""
