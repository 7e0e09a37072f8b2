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
from typing import TYPE_CHECKING

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
                index = _grown(ledger, relative, raw)
                if index is not None:
                    _keep(ledger, name, raw, key, index)
        found[relative] = index if index is not None and index.path == name else None
        if found[relative] is None:
            changed += len(raw)
    plain = changed <= PLAIN_READING
    beside = (
        _indexed_beside(ledger, [r for r, i in found.items() if i is None], plain)
        if changed >= PARALLEL_BYTES
        else {}
    )
    for relative, index in found.items():
        if index is None:  # read again: only one changed file is held at a time
            name = relative.as_posix()
            try:
                raw = read_bounded(root / relative, name)
            except InputTooLarge as exc:
                problems.append(exc.diagnostic())
                continue
            index = beside.pop(relative, None) or index_file(relative, raw, ledger, plain=plain)
            if caching:
                _keep(ledger, name, raw, _month_key(ledger, name, raw), index)
        found[relative] = index
        problems += index.diagnostics
    return [index for index in found.values() if index is not None], problems


PARALLEL_BYTES = 8 * 1024 * 1024
"""Month files to read whole beyond this many bytes (a log read without its cache) are
shared with a second process, on a machine with a second core to run it."""


def _indexed_beside(ledger: Ledger, todo: list[Path], plain: bool) -> dict[Path, FileIndex]:
    """The indexes of ``todo``: about half made by a forked process while this one makes
    the rest. Only on Linux (fork is cheap and safe there) with two cores to use; the
    child only reads and indexes, hands each index over in the cache's own form through
    an unnamed temporary file, and leaves by ``os._exit``. Whatever it could not do (or
    any failure of the child) is left undone here — the caller indexes it itself — so the
    result is the same as reading alone, only sooner. Never from a process running other
    threads (``serve``): a lock one of them held would stay held in the child."""
    import os
    import sys
    import tempfile
    import threading

    from zctasks.files.limits import read_bounded
    from zctasks.log.store import FileIndex, index_file

    if sys.platform != "linux" or len(todo) < 2 or len(os.sched_getaffinity(0)) < 2:
        return {}
    if threading.active_count() > 1:  # a lock another thread holds would stay held in a fork
        return {}
    root = ledger.root
    sizes = {relative: (root / relative).stat().st_size for relative in todo}
    mine: list[Path] = []
    theirs: list[Path] = []
    for relative in sorted(todo, key=lambda r: -sizes[r]):  # the larger files first
        shares = (sum(sizes[r] for r in mine), sum(sizes[r] for r in theirs))
        (mine if shares[0] <= shares[1] else theirs).append(relative)
    with tempfile.TemporaryFile() as handover:
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            pid = os.fork()
        except OSError:
            return {}
        if pid == 0:  # the child: index, hand over, leave without running anything else
            code = 1
            try:
                fd = handover.fileno()
                for relative in theirs:
                    try:
                        raw = read_bounded(root / relative, relative.as_posix())
                        data = index_file(relative, raw, ledger, plain=plain).to_bytes()
                    except Exception:  # left to the parent, which says what it is
                        data = b""
                    view = memoryview(len(data).to_bytes(8, "little") + data)
                    while view:
                        view = view[os.write(fd, view) :]
                code = 0
            finally:
                os._exit(code)
        indexes: dict[Path, FileIndex] = {}
        for relative in mine:
            try:
                raw = read_bounded(root / relative, relative.as_posix())
            except Exception:
                continue  # the caller reads it again, and says what is wrong
            indexes[relative] = index_file(relative, raw, ledger, plain=plain)
        _, status = os.waitpid(pid, 0)
        if status != 0:
            return indexes
        handover.seek(0)
        data = handover.read()
    position = 0
    for relative in theirs:
        size = int.from_bytes(data[position : position + 8], "little")
        index = FileIndex.from_bytes(data[position + 8 : position + 8 + size]) if size else None
        position += 8 + size
        if index is not None and index.path == relative.as_posix():
            indexes[relative] = index
    return indexes


def _month_key(ledger: Ledger, name: str, raw: bytes) -> str:
    return cache.key("month", [("plan", ledger.key.encode()), ("path", name.encode()), ("", raw)])


def _latest_key(ledger: Ledger, name: str) -> str:
    """Where the cache notes which bytes of a month file it indexed last."""
    return cache.key("latest", [("plan", ledger.key.encode()), ("path", name.encode())])


def _keep(ledger: Ledger, name: str, raw: bytes, key: str, index: FileIndex) -> None:
    """Cache a month file's index under its bytes, and note them as the file's latest."""
    if cache.cache_dir() is None:
        return
    cache.store(key, index.to_bytes())
    latest = {"size": len(raw), "digest": cache.blake2b(raw).hex(), "key": key}
    cache.store(_latest_key(ledger, name), json.dumps(latest).encode())


def _grown(ledger: Ledger, relative: Path, raw: bytes) -> FileIndex | None:
    """The index of a month file that only grew since it was last indexed: the cached index
    of the bytes it began with, and its appended lines read on their own. Month files only
    grow by appends (the hooks refuse anything else), so after ``progress add`` or a
    ``git pull`` this reads a few lines instead of the whole month. None when the file does
    not begin with exactly the bytes indexed last (a same-size edit, a branch switch), or
    the new lines are not tool-written entries: the file is then read whole."""
    from zctasks.log.store import FileIndex, grow_index

    name = relative.as_posix()
    stored = cache.load(_latest_key(ledger, name))
    if stored is None:
        return None
    try:
        latest = json.loads(stored)
        size, digest, key = int(latest["size"]), str(latest["digest"]), str(latest["key"])
    except (ValueError, KeyError, TypeError):
        return None
    if not 0 < size < len(raw) or cache.blake2b(raw[:size]).hex() != digest:
        return None
    before = cache.load(key)
    index = FileIndex.from_bytes(before) if before is not None else None
    if index is None or index.path != name or not grow_index(index, relative, raw, size, ledger):
        return None
    return index


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
