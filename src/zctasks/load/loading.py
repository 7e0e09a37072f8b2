"""Reading a ledger folder: every input read once, checked, and cached by what was read.

The plan files are read once; the ledger checked from those bytes carries their key, and
the progress cache is keyed on that key and the month files' bytes, so progress is never
served as checked against a plan other than the one in hand.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from zctasks.files.errors import Diagnostic, LedgerInvalid
from zctasks.files.root import CONFIG_FILE, DEPARTMENTS_FILE, PROGRESS_DIR, TASKS_FILE
from zctasks.load import cache
from zctasks.plan.ledger import CheckResult, Ledger

if TYPE_CHECKING:
    from zctasks.log.store import FileIndex, Progress


def _read(root: Path, relative: Path) -> tuple[bytes | None, list[Diagnostic]]:
    from zctasks.files.errors import NotAFile
    from zctasks.files.limits import InputTooLarge, read_bounded

    try:
        return read_bounded(root / relative, relative.as_posix(), inside=root), []
    except (InputTooLarge, NotAFile) as exc:
        return None, [exc.diagnostic()]
    except FileNotFoundError:
        return None, [
            Diagnostic(
                relative.as_posix(), 1, 1, "missing-file", "文件不存在", "用 zctasks init 新建台账"
            )
        ]
    except OSError as exc:
        return None, [
            Diagnostic(relative.as_posix(), 1, 1, "unreadable", f"无法读取文件：{exc.strerror}")
        ]


def plan_inputs(root: Path) -> tuple[dict[Path, bytes | None], list[Diagnostic]]:
    contents: dict[Path, bytes | None] = {}
    problems: list[Diagnostic] = []
    for relative in (TASKS_FILE, DEPARTMENTS_FILE):
        contents[relative], found = _read(root, relative)
        problems += found
    if (root / CONFIG_FILE).exists():
        contents[CONFIG_FILE], found = _read(root, CONFIG_FILE)
        problems += found
    return contents, problems


def plan_key(contents: dict[Path, bytes | None]) -> str:
    return cache.key("ledger", ((str(p), c or b"") for p, c in contents.items()))


def load_ledger(root: Path) -> Ledger:
    """The checked plan at ``root``, from the cache when its files have not changed."""
    from zctasks.plan.ledger import ledger_from_json, ledger_json

    contents, problems = plan_inputs(root)
    if problems:
        raise LedgerInvalid(problems)
    key = plan_key(contents)
    cached = cache.load(key)
    if cached is not None:
        try:
            return ledger_from_json(cached, root)
        except (ValueError, KeyError, TypeError):
            pass  # an entry from another version, or damaged: check again
    from zctasks.plan.checks import check_contents

    result = check_contents(root, contents)
    if result.errors or result.ledger is None:
        raise LedgerInvalid(result.diagnostics)
    result.ledger.key = key
    if cache.cache_dir() is not None:
        cache.store(key, ledger_json(result.ledger))
    return result.ledger


PLAIN_READING = 2 * 1024 * 1024
"""Up to this many bytes of changed month files are read without the schema (when every
line is as the tool writes it): loading pydantic costs more than it saves below it."""


def _indexes(ledger: Ledger) -> tuple[list[FileIndex], list[Diagnostic]]:
    """Every month file's index: from the cache when that file (and the plan) is unchanged;
    grown from the cached index of what the file held before, when lines were only appended
    to it; else parsed and checked again. One file in memory at a time."""
    from zctasks.files import writer
    from zctasks.files.limits import InputTooLarge, read_bounded
    from zctasks.log.progress import progress_files, unread_files
    from zctasks.log.store import FileIndex, index_file

    root = ledger.root
    caching = bool(ledger.key) and cache.cache_dir() is not None  # else nothing to hash for
    writer.finish_interrupted(root / PROGRESS_DIR)
    found: dict[Path, FileIndex | None] = {}
    problems: list[Diagnostic] = unread_files(root, PROGRESS_DIR, "进展文件", "年-月.yaml")
    changed = 0
    for relative in progress_files(root):
        name = relative.as_posix()
        if relative.suffix != ".yaml":
            problems.append(
                Diagnostic(
                    name,
                    1,
                    1,
                    "file-name",
                    f"进展文件应以 .yaml 结尾：{relative.name} 中的记录不会被读取",
                    f"改名为 {relative.stem}.yaml；如已有同名文件，把记录行移过去",
                )
            )
            continue
        try:
            raw = read_bounded(root / relative, name)
        except InputTooLarge as exc:
            problems.append(exc.diagnostic())
            continue
        index = None
        if caching:
            key = _month_key(ledger, name, raw)
            stored = cache.load(key)
            index = FileIndex.from_bytes(stored) if stored is not None else None
            if index is None or index.path != name:
                index, digest = _grown(ledger, relative, raw)
                if index is not None:
                    _keep(ledger, name, raw, key, index, digest)
        found[relative] = index if index is not None and index.path == name else None
        if found[relative] is None:
            changed += len(raw)
    plain = changed <= PLAIN_READING
    beside = _indexed_beside(ledger, [r for r, i in found.items() if i is None], plain, changed)
    for relative, index in found.items():
        if index is None:  # read again: only one changed file is held at a time
            name = relative.as_posix()
            made = beside.pop(relative, None)
            if made is not None and not caching:
                index = made.file_index  # nothing is stored: the child's reading is the file's
            else:
                try:
                    raw = read_bounded(root / relative, name)
                except InputTooLarge as exc:
                    problems.append(exc.diagnostic())
                    continue
                if made is not None and made.of(raw):
                    index = made.file_index
                else:
                    index = index_file(relative, raw, ledger, plain=plain)
                if caching:
                    _keep(ledger, name, raw, _month_key(ledger, name, raw), index)
        found[relative] = index
        problems += index.diagnostics
    return [index for index in found.values() if index is not None], problems


PARALLEL_BYTES = 8 * 1024 * 1024
"""Month files to read whole beyond this many bytes (a log read without its cache) are
shared with a second process, on a machine with a second core to run it."""


class _Made(NamedTuple):
    """An index a second process made, and the bytes it made it from (their length, and
    their digest where the cache is used)."""

    file_index: FileIndex
    size: int
    digest: bytes

    def of(self, raw: bytes) -> bool:
        """Whether the index is of ``raw``: a file written to meanwhile is read again."""
        return self.size == len(raw) and (not self.digest or self.digest == cache.blake2b(raw))


def _second_core() -> bool:
    """Whether a forked second process can help: Linux (fork is cheap and safe there), two
    cores to use, and no other thread in this process (``serve``: a lock one of them held
    would stay held in the child)."""
    import os
    import sys
    import threading

    if sys.platform != "linux" or not hasattr(os, "fork"):
        return False
    return len(os.sched_getaffinity(0)) >= 2 and threading.active_count() == 1


def _fork_reader(work: Any) -> int | None:
    """Fork a process that runs ``work()`` and leaves by ``os._exit`` (0 when it returned),
    with nothing of this process's own run after it (no atexit, no buffers flushed twice)
    and its standard streams on /dev/null; its pid, or None when it could not be made."""
    import os
    import sys

    sys.stdout.flush()
    sys.stderr.flush()
    try:
        pid = os.fork()
    except OSError:
        return None
    if pid == 0:
        code = 1
        try:
            quiet = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(quiet, fd)
            work()
            code = 0
        finally:
            os._exit(code)
    return pid


def _hand_over(
    fd: int, relative: Path, raw: bytes | None, index: FileIndex | None, digest: bool
) -> None:
    """One index written for the parent: the length of the bytes it was made from, their
    digest (or none), its cache form; empty for a file left to the parent."""
    import os

    data = index.to_bytes() if index is not None and raw is not None else b""
    size = len(raw) if raw is not None else 0
    mark = cache.blake2b(raw) if digest and data and raw is not None else b""
    record = size.to_bytes(8, "little") + bytes([len(mark)]) + mark
    view = memoryview(record + len(data).to_bytes(8, "little") + data)
    while view:
        view = view[os.write(fd, view) :]


def _handed_over(data: bytes, theirs: list[Path]) -> dict[Path, _Made]:
    """The indexes a second process handed over for ``theirs``, in order; whatever is
    missing, garbled or of another file is left out (the caller reads that file itself)."""
    from zctasks.log.store import FileIndex

    made: dict[Path, _Made] = {}
    position = 0
    for relative in theirs:
        if position + 9 > len(data):
            break
        size = int.from_bytes(data[position : position + 8], "little")
        marked = data[position + 8]
        mark = data[position + 9 : position + 9 + marked]
        position += 9 + marked
        length = int.from_bytes(data[position : position + 8], "little")
        payload = data[position + 8 : position + 8 + length]
        position += 8 + length
        index = FileIndex.from_bytes(payload) if length and len(payload) == length else None
        if index is not None and index.path == relative.as_posix():
            made[relative] = _Made(index, size, mark)
    return made


def _split(sizes: dict[Path, int], theirs_bytes: float) -> tuple[list[Path], list[Path]]:
    """Files for this process and for the second one, larger files first, so that the
    second gets about ``theirs_bytes``."""
    mine: list[Path] = []
    theirs: list[Path] = []
    given = 0
    for relative in sorted(sizes, key=lambda r: (-sizes[r], r)):
        if given + sizes[relative] / 2 <= theirs_bytes:
            theirs.append(relative)
            given += sizes[relative]
        else:
            mine.append(relative)
    return mine, theirs


def _indexed_beside(
    ledger: Ledger, todo: list[Path], plain: bool, changed: int
) -> dict[Path, _Made]:
    """The indexes of ``todo`` made beside a forked second process, which makes about half
    of them while this one makes the rest (when they are ``PARALLEL_BYTES`` or more). The
    child only reads and indexes, and hands each index over in the cache's own form through
    an unnamed temporary file, with the length of the bytes it read and, where the cache is
    used, their digest: a file written to meanwhile is read again by the caller, never
    cached under bytes its index was not made from. Whatever the child could not do (or
    any failure of it) is left to the caller too, so the result is the same as reading
    alone, only sooner."""
    import os
    import tempfile

    from zctasks.files.limits import read_bounded
    from zctasks.log.store import index_file

    if changed < PARALLEL_BYTES or len(todo) < 2 or not _second_core():
        return {}
    root = ledger.root
    sizes = {relative: (root / relative).stat().st_size for relative in todo}
    mine, theirs = _split(sizes, sum(sizes.values()) / 2)
    digest = cache.cache_dir() is not None
    with tempfile.TemporaryFile() as handover:

        def work() -> None:
            for relative in theirs:
                raw = index = None
                try:
                    raw = read_bounded(root / relative, relative.as_posix())
                    index = index_file(relative, raw, ledger, plain=plain)
                except Exception:  # left to the parent, which says what it is
                    index = None
                _hand_over(handover.fileno(), relative, raw, index, digest)

        pid = _fork_reader(work)
        if pid is None:
            return {}
        made = _own(ledger, mine, plain)
        _, status = os.waitpid(pid, 0)
        if status != 0:
            return made
        handover.seek(0)
        made.update(_handed_over(handover.read(), theirs))
    return made


def _own(ledger: Ledger, mine: list[Path], plain: bool) -> dict[Path, _Made]:
    """This process's share of the files read beside a second one."""
    from zctasks.files.limits import read_bounded
    from zctasks.log.store import index_file

    made: dict[Path, _Made] = {}
    for relative in mine:
        try:
            raw = read_bounded(ledger.root / relative, relative.as_posix())
        except Exception:
            continue  # the caller reads it again, and says what is wrong
        digest = cache.blake2b(raw) if cache.cache_dir() is not None else b""
        made[relative] = _Made(index_file(relative, raw, ledger, plain=plain), len(raw), digest)
    return made


def _month_key(ledger: Ledger, name: str, raw: bytes) -> str:
    return cache.key("month", [("plan", ledger.key.encode()), ("path", name.encode()), ("", raw)])


def _latest_key(ledger: Ledger, name: str) -> str:
    """Where the cache notes which bytes of a month file it indexed last."""
    return cache.key("latest", [("plan", ledger.key.encode()), ("path", name.encode())])


def _keep(
    ledger: Ledger, name: str, raw: bytes, key: str, index: FileIndex, digest: bytes = b""
) -> None:
    """Cache a month file's index under its bytes, and note them as the file's latest
    (``digest``: their ``cache.blake2b``, when the caller has it)."""
    if cache.cache_dir() is None:
        return
    cache.store(key, index.to_bytes())
    latest = {"size": len(raw), "digest": (digest or cache.blake2b(raw)).hex(), "key": key}
    cache.store(_latest_key(ledger, name), json.dumps(latest).encode())


def _grown(ledger: Ledger, relative: Path, raw: bytes) -> tuple[FileIndex | None, bytes]:
    """The index of a month file that only grew since it was last indexed: the cached index
    of the bytes it began with, and its appended lines read on their own. Month files only
    grow by appends (the hooks refuse anything else), so after ``progress add`` or a
    ``git pull`` this reads a few lines instead of the whole month. None when the file does
    not begin with exactly the bytes indexed last (a same-size edit, a branch switch), or
    the new lines are not tool-written entries: the file is then read whole. With the index,
    the digest of the whole file (the one of its beginning, fed the rest)."""
    from zctasks.log.store import FileIndex, grow_index

    name = relative.as_posix()
    stored = cache.load(_latest_key(ledger, name))
    if stored is None:
        return None, b""
    try:
        latest = json.loads(stored)
        size, digest, key = int(latest["size"]), str(latest["digest"]), str(latest["key"])
    except (ValueError, KeyError, TypeError):
        return None, b""
    if not 0 < size < len(raw):
        return None, b""
    hashed = cache.hasher()
    hashed.update(memoryview(raw)[:size])
    if hashed.hexdigest() != digest:
        return None, b""
    before = cache.load(key)
    index = FileIndex.from_bytes(before) if before is not None else None
    if index is None or index.path != name or not grow_index(index, relative, raw, size, ledger):
        return None, b""
    hashed.update(memoryview(raw)[size:])
    return index, bytes(hashed.digest())


def load_progress(ledger: Ledger) -> Progress:
    """All progress of the ledger, checked against exactly this ledger; refused (with every
    problem) if any entry is in error."""
    from zctasks.log import crosschecks
    from zctasks.log.store import Progress

    with _no_cycles():
        indexes, problems = _indexes(ledger)
        errors = [d for d in problems if d.severity == "error"]
        if errors:
            raise LedgerInvalid(errors)
        progress = Progress(ledger.root, indexes)
    errors = crosschecks.check(progress, ledger, warnings=False)
    if errors:
        raise LedgerInvalid(errors)
    return progress


def check(root: Path) -> CheckResult:
    """Every problem in the ledger at ``root`` (plan and progress), never only the first."""
    return inspect(root)[0]


def inspect(root: Path) -> tuple[CheckResult, Progress | None]:
    """Every problem in the ledger at ``root``, and its progress as read for the check
    (None where the plan itself has errors): a roll-up reads a member once for both."""
    from zctasks.log import crosschecks
    from zctasks.log.store import Progress

    contents, problems = plan_inputs(root)
    if problems:
        return CheckResult(None, problems), None
    from zctasks.plan.checks import check_contents

    result = check_contents(root, contents)
    if result.ledger is None or result.errors:
        return result, None
    ledger = result.ledger
    ledger.key = plan_key(contents)
    from zctasks.log.briefings import check_briefings
    from zctasks.log.urges import check_urges

    with _no_cycles():
        indexes, found = _indexes(ledger)
        progress = Progress(root, indexes)
        found += crosschecks.check(progress, ledger)
    found += check_urges(ledger, root)
    found += check_briefings(ledger, root)
    from zctasks.log.hooks import worktree_diagnostics

    found += worktree_diagnostics(root)
    return CheckResult(ledger, result.diagnostics + found), progress


def progress_indexes(ledger: Ledger) -> list[FileIndex]:
    """Every month file's index, unchecked across files: for a ``Progress`` made of more
    than the ledger's own log (a roll-up's), after ``load_progress`` checked the log."""
    with _no_cycles():
        return _indexes(ledger)[0]


@contextmanager
def _no_cycles() -> Iterator[None]:
    """Python's cycle collector off while a log is indexed: it would walk every object
    made so far, again and again, as a million entries are read, and none of them form
    cycles. (Reference counting still frees what is dropped.)"""
    import gc

    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
