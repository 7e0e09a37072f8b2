"""Reading a ledger folder: every input read once, checked, and cached by what was read.

The plan files are read once; the ledger checked from those bytes carries their key, and
the progress cache is keyed on that key and the month files' bytes, so progress is never
served as checked against a plan other than the one in hand.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from zctasks import cache
from zctasks.errors import Diagnostic, LedgerInvalid
from zctasks.ledger import CheckResult, Ledger
from zctasks.root import CONFIG_FILE, DEPARTMENTS_FILE, PROGRESS_DIR, TASKS_FILE

if TYPE_CHECKING:
    from zctasks.progress import Progress


def _read(root: Path, relative: Path) -> tuple[bytes | None, list[Diagnostic]]:
    from zctasks.limits import InputTooLarge, read_bounded

    try:
        return read_bounded(root / relative, relative.as_posix()), []
    except InputTooLarge as exc:
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
    contents, problems = plan_inputs(root)
    if problems:
        raise LedgerInvalid(problems)
    key = plan_key(contents)
    cached = cache.load(key)
    if isinstance(cached, Ledger):
        cached.root = root
        return cached
    from zctasks.checks import check_contents

    result = check_contents(root, contents)
    if result.errors or result.ledger is None:
        raise LedgerInvalid(result.diagnostics)
    result.ledger.key = key
    cache.store(key, result.ledger)
    return result.ledger


def progress_contents(root: Path) -> dict[Path, bytes]:
    """The month files' bytes, after completing any batch that a killed writer left.
    A file over the size limit stops here (``LedgerInvalid``): nothing reads it whole."""
    from zctasks import writer
    from zctasks.limits import InputTooLarge
    from zctasks.progress import read_contents

    writer.finish_interrupted(root / PROGRESS_DIR)
    try:
        return read_contents(root)
    except InputTooLarge as exc:
        raise LedgerInvalid([exc.diagnostic()]) from None


def load_progress(ledger: Ledger) -> Progress:
    """All progress of the ledger, checked against exactly this ledger; cached."""
    from zctasks.progress import Progress, check_files

    contents = progress_contents(ledger.root)
    key = cache.key(
        "progress", [("plan", ledger.key.encode()), *((str(p), c) for p, c in contents.items())]
    )
    cached = cache.load(key) if ledger.key else None
    if isinstance(cached, Progress):
        return cached
    progress, diagnostics = check_files(ledger, contents)
    if any(d.severity == "error" for d in diagnostics):
        raise LedgerInvalid(diagnostics)
    if ledger.key:
        cache.store(key, progress)
    return progress


def check(root: Path) -> CheckResult:
    """Every problem in the ledger at ``root`` (plan and progress), never only the first."""
    contents, problems = plan_inputs(root)
    if problems:
        return CheckResult(None, problems)
    from zctasks.checks import check_contents
    from zctasks.progress import check_files

    result = check_contents(root, contents)
    if result.ledger is None or result.errors:
        return result
    try:
        progress = progress_contents(root)
    except LedgerInvalid as exc:
        return CheckResult(result.ledger, result.diagnostics + exc.diagnostics)
    _, found = check_files(result.ledger, progress)
    return CheckResult(result.ledger, result.diagnostics + found)
