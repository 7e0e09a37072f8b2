"""The one way data is written: atomically, under a lock, never half-written.

A single file goes to a temporary file in the same folder, is flushed and fsynced, takes
the old file's mode, and replaces the old file with ``os.replace``; the folder is fsynced
so that the rename survives a crash (where a folder can be opened: not on Windows, whose
file systems journal their renames).

Several files in one folder change together in a *transaction*, under the folder's lock:
every new content is staged in a synced temporary; a journal naming the temporaries is
made durable; then the renames. A writer killed before the journal exists changed nothing
(its temporaries are removed by the next transaction); one killed after it is completed by
the next reader or writer, which finishes the renames. Either way a batch lands whole or
not at all. Just before the journal is written, every file the transaction read is read
again: if anything (another program, a ``git pull``) changed it meanwhile, nothing is
renamed and the transaction starts over from the new contents.

A journal is completed only when it is this folder's own, and only as it was begun: it
names the folder it was written in (device and inode, or its path), month files of that
folder, and the checksums of each file's old and new contents. A journal from elsewhere (a
copy, a commit, a plant) or one that is not whole is refused with a message and acted on
in no way; one whose files changed since (a branch switch, a pull) is dropped with its
temporaries, never completed over the new contents.
"""

from __future__ import annotations

import json
import os
import re
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, TypeVar

from zctasks.files.errors import NotAFile, ZctasksError

LOCK_NAME = ".zctasks.lock"
JOURNAL_NAME = ".tmp-zctasks-journal"
TEMP_PREFIX = ".tmp-"
DEFAULT_LOCK_TIMEOUT = 30.0
ATTEMPTS = 5
JOURNAL_FORMAT = 2
MAX_JOURNAL_BYTES = 1024 * 1024
WINDOWS = os.name == "nt"
"""Windows refuses to replace a file another program holds open (a reader, an antivirus
scan, Excel): the rename is tried again for a while before it is given up."""
REPLACE_TRIES = 20
REPLACE_PAUSE = 0.1

T = TypeVar("T")


class LockTimeout(ZctasksError):
    pass


class ReadOnlyLedger(ZctasksError):
    pass


class Changed(Exception):
    """A file the transaction read was changed by someone else before it could commit."""


class PartlyWritten(ZctasksError):
    """The journal was made durable but a rename failed: some files are new, some old, and
    the journal completes them at the next command."""


def atomic_write(path: Path, content: bytes) -> None:
    """Replace ``path`` with ``content`` so that readers see the old or the new file, whole."""
    temp = _stage(path, content)
    try:
        _replace(Path(temp), path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)


def _replace(source: Path, target: Path) -> None:
    """``os.replace``; on Windows tried again while another program holds ``target`` open."""
    for attempt in range(REPLACE_TRIES):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if not WINDOWS or attempt == REPLACE_TRIES - 1:
                raise
            time.sleep(REPLACE_PAUSE)


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
    """Make a folder's renames durable where the system allows it: Windows cannot open a
    folder (its file systems journal renames themselves), and some file systems refuse to
    sync one; neither is a reason to fail a write that has happened."""
    if WINDOWS:
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class Transaction:
    """Reads and writes of files in one folder that take effect together on ``commit``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.seen: dict[str, bytes | None] = {}
        self.staged: dict[str, bytes] = {}
        self.committed = False
        """Whether ``commit`` changed the files (what fails afterwards did not undo it)."""
        self.old: dict[str, bytes | None] = {}
        """What the files ``commit`` replaced held before (None: there was none)."""

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
                temps[name] = Path(_stage(self.folder / name, content)).name
            if not self._unchanged():
                raise Changed
            old = {
                name: self.seen[name] if name in self.seen else _content(self.folder / name)
                for name in self.staged
            }
            record = _journal_record(self.folder, temps, self.staged, old)
            journal_temp = _stage(journal, record)
            _replace(Path(journal_temp), journal)
            _fsync_folder(self.folder)
            if not self._unchanged():
                journal.unlink()
                raise Changed
        except BaseException:
            if journal.exists():  # the lock's holder found none: this is the batch's own
                # Interrupted (Ctrl-C) once the journal is in place: the batch is decided,
                # and the next command completes it from the temporaries the journal names.
                raise
            for temp in temps.values():
                (self.folder / temp).unlink(missing_ok=True)
            raise
        self.old = old
        try:
            for name, temp in temps.items():
                _replace(self.folder / temp, self.folder / name)
            _fsync_folder(self.folder)
            _drop(self.folder, journal)
        except OSError as exc:
            raise _partly_written(self.folder, self.staged, exc) from None
        finally:
            self.committed = True

    def undo(self) -> None:
        """Put back what ``commit`` replaced (under the lock still held, so nothing else
        wrote since): a record whose document could not be delivered is taken back."""
        if not self.committed:
            return
        back = Transaction(self.folder)
        for name, old in self.old.items():
            if _content(self.folder / name) != self.staged[name]:
                continue
            if old is None:
                (self.folder / name).unlink(missing_ok=True)
            else:
                back.read(name)
                back.write(name, old)
        back.commit()
        _fsync_folder(self.folder)
        self.committed = False


def _content(path: Path) -> bytes | None:
    try:
        info = path.lstat()
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(info.st_mode):
        raise NotAFile(
            f"{_shown(path)} 不是普通文件（是链接、管道或目录），没有读取也没有写入",
            "zctasks 只读写普通文件：换回普通文件后重试（zctasks check 会列出它）",
        )
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _checksum(content: bytes | None) -> str | None:
    if content is None:
        return None
    import hashlib  # here: it loads OpenSSL, which a reader that completes nothing never needs

    return hashlib.sha256(content).hexdigest()


def _identity(folder: Path) -> dict[str, Any]:
    """What tells this folder from a copy of it: its device and inode (where the system
    has them) and its path."""
    info = folder.stat()
    return {"device": info.st_dev, "inode": info.st_ino, "path": str(folder.resolve())}


def _journal_record(
    folder: Path, temps: dict[str, str], new: dict[str, bytes], old: dict[str, bytes | None]
) -> bytes:
    """The journal of a batch: the folder, and for each file its temporary and the
    checksums of its content before and after."""
    files = [
        {"name": name, "temp": temp, "old": _checksum(old[name]), "new": _checksum(new[name])}
        for name, temp in temps.items()
    ]
    record = {"zctasks-journal": JOURNAL_FORMAT, "folder": _identity(folder), "files": files}
    return json.dumps(record, ensure_ascii=False).encode("utf-8")


_TEMP_NAME = re.compile(r"\.tmp-[A-Za-z0-9_]+\Z")
_DATA_NAME = re.compile(r"[0-9][0-9-]*\.yaml\Z")
_DIGEST = re.compile(r"[0-9a-f]{64}\Z")


class ForeignJournal(ZctasksError):
    """A journal this folder did not write, or not whole: nothing is done by it."""

    def __init__(self, folder: Path, why: str) -> None:
        name = _shown(folder / JOURNAL_NAME)
        super().__init__(
            f"{name} 不是本台账写入时留下的日志（{why}），没有据此改动任何文件",
            "它多半是被提交、复制或放进来的：删除这个文件（已提交的用 git rm）后重试；"
            "zctasks 写入时留下的日志只在本目录由下一条命令补完",
        )


class StaleJournal(ZctasksError):
    """This folder's journal, but a file changed since: completing it would overwrite that."""


def _shown(path: Path) -> str:
    """data/progress/… for a file of a ledger, else the path as it is."""
    parts = path.parts
    for i in range(len(parts) - 1, -1, -1):
        if parts[i] == "data":
            return "/".join(parts[i:])
    return str(path)


def _read_journal(folder: Path, journal: Path) -> list[dict[str, Any]]:
    """The files a journal names, if it is this folder's own and whole; else ForeignJournal."""
    try:
        if not stat.S_ISREG(journal.lstat().st_mode):  # a FIFO would hang every command
            raise ForeignJournal(folder, "不是普通文件")
        with open(journal, "rb") as handle:
            raw = handle.read(MAX_JOURNAL_BYTES + 1)
    except OSError as exc:
        raise ForeignJournal(folder, f"无法读取：{exc.strerror or exc}") from None
    if len(raw) > MAX_JOURNAL_BYTES:
        raise ForeignJournal(folder, "文件过大")
    try:
        record = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        raise ForeignJournal(folder, "内容无法读取") from None
    if not isinstance(record, dict) or record.get("zctasks-journal") != JOURNAL_FORMAT:
        raise ForeignJournal(folder, "格式不对")
    here, there = _identity(folder), record.get("folder")
    if not isinstance(there, dict) or not _same_folder(here, there):
        raise ForeignJournal(folder, "写于另一个目录")
    files = record.get("files")
    if not isinstance(files, list) or not files:
        raise ForeignJournal(folder, "格式不对")
    names: set[str] = set()
    for item in files:
        if not isinstance(item, dict) or set(item) != {"name", "temp", "old", "new"}:
            raise ForeignJournal(folder, "格式不对")
        name, temp, old, new = item["name"], item["temp"], item["old"], item["new"]
        if not isinstance(name, str) or not _DATA_NAME.match(name) or name in names:
            raise ForeignJournal(folder, f"文件名“{name}”不是本目录的数据文件")
        if not isinstance(temp, str) or not _TEMP_NAME.match(temp) or temp == JOURNAL_NAME:
            raise ForeignJournal(folder, f"临时文件名“{temp}”不对")
        if not (isinstance(new, str) and _DIGEST.match(new)) or not (
            old is None or (isinstance(old, str) and _DIGEST.match(old))
        ):
            raise ForeignJournal(folder, "校验值不对")
        names.add(name)
    return files


def _same_folder(here: dict[str, Any], there: dict[str, Any]) -> bool:
    if here["inode"] and there.get("inode"):  # Windows shares and FAT may have no inodes
        return bool(here["device"] == there.get("device") and here["inode"] == there["inode"])
    return bool(here["path"] == there.get("path"))


def _finish(folder: Path, journal: Path) -> None:
    """Complete the renames a journal names, then remove it and every stray temporary."""
    if journal.exists():
        files = _read_journal(folder, journal)
        pending = []
        for item in files:
            now = _checksum(_content(folder / item["name"]))
            if now == item["new"]:
                continue  # renamed before the writer stopped
            if now == item["old"] and _checksum(_content(folder / item["temp"])) == item["new"]:
                pending.append(item)
                continue
            _drop(folder, journal)
            if now == item["old"]:
                raise StaleJournal(
                    f"上次被中断的写入没有补完：它的临时文件已不在或不完整，"
                    f"{_shown(folder / item['name'])} 仍是写入前的内容，没有改动",
                    "中断的那批记录没有写入，日志已清除；需要时重新记录或导入"
                    "（已记录过的相同报送会跳过）",
                )
            raise StaleJournal(
                f"上次被中断的写入没有补完：{_shown(folder / item['name'])} 此后已被改动"
                "（如切换分支、git pull），补完会覆盖现在的内容",
                "中断的那批记录没有写入，其临时文件已清除；需要时重新记录或导入"
                "（已记录过的相同报送会跳过）",
            )
        for item in pending:
            _replace(folder / item["temp"], folder / item["name"])
        _fsync_folder(folder)
    _drop(folder, journal)


def _drop(folder: Path, journal: Path) -> None:
    """Remove the journal, then every temporary left in the folder."""
    strays = list(folder.glob(TEMP_PREFIX + "*"))
    if not strays:
        return
    journal.unlink(missing_ok=True)
    for stray in folder.glob(TEMP_PREFIX + "*"):
        if stray.is_symlink() or stray.is_file():  # a folder of that name is not ours
            stray.unlink(missing_ok=True)
    _fsync_folder(folder)


def _partly_written(folder: Path, staged: dict[str, bytes], exc: OSError) -> PartlyWritten:
    """What a rename that failed after the journal left: which files are new, which old."""
    done = [n for n, c in staged.items() if _content(folder / n) == c]
    waiting = [n for n in staged if n not in done]
    shown = "、".join(_shown(folder / n) for n in done) or "无"
    left = "、".join(_shown(folder / n) for n in waiting)
    return PartlyWritten(
        f"写入中断（{exc.strerror or exc}）：已写入 {shown}，尚未写入 {left}",
        "这批写入已记在日志中，排除原因（权限、杀毒软件、网络共享、文件被其他程序打开）后"
        "运行任一 zctasks 命令（如 zctasks check）即可补完；不要重新录入",
    )


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
    tx = Transaction(folder)
    try:
        _finish(folder, folder / JOURNAL_NAME)
        yield tx
    except OSError as exc:
        if tx.committed:
            raise ZctasksError(
                f"{what}已写入，但随后的操作失败：{exc.strerror or exc}",
                "不要重新录入；用 zctasks progress log 查看已写入的记录",
            ) from None
        raise _failed(what, exc) from None
    finally:
        lock.release()


def update(
    folder: Path,
    build: Callable[[Transaction], T],
    timeout: float = DEFAULT_LOCK_TIMEOUT,
    what: str = "进展记录",
    then: Callable[[T], object] | None = None,
    undo: bool = False,
) -> T:
    """Run ``build`` in a transaction and commit what it wrote; start over (from fresh
    contents) when a file it read was changed underneath it. ``then`` runs on the result
    while the lock is still held (a git commit, so that commits follow the order of the
    writes; a document that carries the recorded number). With ``undo``, what was
    committed is put back when ``then`` fails (not when it is interrupted: what it
    delivered may be out already, and a record without its document is the safe side)."""
    for _ in range(ATTEMPTS):
        with transaction(folder, timeout, what) as tx:
            result = build(tx)
            try:
                tx.commit()
            except Changed:
                continue
            if then is not None:
                if not undo:
                    then(result)
                    return result
                try:
                    then(result)
                except Exception:  # interrupted (Ctrl-C), the record stands: it may be out
                    tx.undo()
                    raise
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


_READING_ONLY: ContextVar[list[Path] | None] = ContextVar("zctasks_reading_only", default=None)


@contextmanager
def reading_only() -> Iterator[list[Path]]:
    """Within it (in this thread), readers write nothing: a batch a killed writer left is
    not completed, nor are temporaries removed; the folders holding such a batch are
    collected in the list it gives, for the reader to say that one is pending."""
    pending: list[Path] = []
    token = _READING_ONLY.set(pending)
    try:
        yield pending
    finally:
        _READING_ONLY.reset(token)


def finish_interrupted(folder: Path, timeout: float = DEFAULT_LOCK_TIMEOUT) -> None:
    """Before reading a folder: complete a batch that a killed writer left half-renamed, and
    remove the temporaries of one killed before its journal (best effort: a folder the
    reader may not write keeps them, harmlessly, until the next write). A journal that is
    not this folder's own, or stale, is a message (``ForeignJournal``, ``StaleJournal``).
    Under ``reading_only`` the batch is only noted as pending (a foreign journal is still
    refused)."""
    pending = _READING_ONLY.get()
    if pending is not None:
        if (folder / JOURNAL_NAME).exists():
            _read_journal(folder, folder / JOURNAL_NAME)
            pending.append(folder)
        return
    if (folder / JOURNAL_NAME).exists():
        try:
            with transaction(folder, timeout):
                pass
        except (ForeignJournal, StaleJournal):
            raise
        except ZctasksError as exc:
            raise ZctasksError(
                f"上次写入时被中断，需要补完，但未能完成：{exc.message}",
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
