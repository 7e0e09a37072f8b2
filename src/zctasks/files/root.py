"""Where the ledger is: --root, then $ZCTASKS_ROOT, then the nearest ancestor of the working
directory holding data/tasks.yaml, then the bundled plan (read-only)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from zctasks.files.errors import UsageError

TASKS_FILE = Path("data/tasks.yaml")
DEPARTMENTS_FILE = Path("data/departments.yaml")
CONFIG_FILE = Path("data/config.yaml")
PROGRESS_DIR = Path("data/progress")
MEMBERS_FILE = Path("data/members.yaml")
"""What makes a ledger a roll-up of others (``zctasks.rollup``)."""


def is_rollup(root: Path) -> bool:
    """Whether the ledger at ``root`` is a roll-up (it has data/members.yaml)."""
    return os.path.lexists(root / MEMBERS_FILE)


class LedgerRoot(NamedTuple):
    path: Path
    source: str
    """How it was found: "--root", "ZCTASKS_ROOT", "cwd" or "bundled"."""

    @property
    def bundled(self) -> bool:
        return self.source == "bundled"


def bundled_root() -> Path:
    """The plan packaged with zctasks (inside the wheel, or the source checkout)."""
    package = Path(__file__).resolve().parent.parent
    installed = package / "_bundled"
    if (installed / TASKS_FILE).is_file():
        return installed
    return package.parents[1]


def find_root(
    explicit: Path | None = None,
    environ: Mapping[str, str] = os.environ,
    cwd: Path | None = None,
) -> LedgerRoot:
    if explicit is not None:
        return LedgerRoot(_checked(explicit, "--root"), "--root")
    if environ.get("ZCTASKS_ROOT"):
        return LedgerRoot(_checked(Path(environ["ZCTASKS_ROOT"]), "ZCTASKS_ROOT"), "ZCTASKS_ROOT")
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if _holds_plan(folder):
            return LedgerRoot(folder, "cwd")
    return LedgerRoot(bundled_root(), "bundled")


def _checked(path: Path, given_by: str) -> Path:
    path = path.expanduser().resolve()
    if not _holds_plan(path):
        raise UsageError(
            f"{given_by} 指向的目录 {path} 中没有 {TASKS_FILE.as_posix()}",
            "用 zctasks init 新建台账，或指向含有 data/tasks.yaml 的目录",
        )
    return path


def _holds_plan(folder: Path) -> bool:
    """Whether ``folder`` has a data/tasks.yaml of any kind but a folder: a pipe or a link
    there is a ledger whose plan is refused when read (never passed over for the bundled
    plan, or a ledger further up)."""
    path = folder / TASKS_FILE
    return os.path.lexists(path) and not path.is_dir()
