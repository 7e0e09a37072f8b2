"""`zctasks init`: a new ledger folder that works with git from its first commit."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from zctasks.files import gitops
from zctasks.files.errors import UsageError, ZctasksError
from zctasks.files.root import PROGRESS_DIR, bundled_root
from zctasks.log import hooks

COPIED = (
    "data/tasks.yaml",
    "data/departments.yaml",
    "data/config.yaml",
    "schema/tasks.schema.json",
    "schema/departments.schema.json",
    "schema/config.schema.json",
    "schema/scoring.schema.json",
)


def init_ledger(target: Path, source: Path | None = None, rollup: str | None = None) -> list[Path]:
    """Create a ledger at ``target`` from ``source`` (the bundled plan); returns what was written.
    With ``rollup`` (the roll-up's name, 淄博市) it is a roll-up ledger: it also gets
    ``data/members.yaml`` and ``data/crosswalk.yaml`` to fill in, and their schemas.

    The ledger is built in a temporary folder beside ``target`` and renamed into place at
    the end, so a failure (a full disk, a missing git) leaves nothing behind.
    """
    source = source or bundled_root()
    target = target.expanduser()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"目录 {target} 已存在且不为空", "请指定一个新目录")
    blocked = next((p for p in target.parents if p.exists() and not p.is_dir()), None)
    if blocked is not None:
        raise UsageError(f"无法新建台账 {target}：{blocked} 是文件，不是目录")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=f".{target.name}.zctasks-init-", dir=target.parent))
    except OSError as exc:
        raise ZctasksError(
            f"无法新建台账 {target}：{exc.strerror or exc}", "检查磁盘空间和目录权限后重试"
        ) from None
    try:
        written = _build(building, source)
        if rollup is not None:
            written += _rollup_files(building, rollup, source)
        gitops.init(building)
        hooks.install(building)
        if target.is_dir():  # empty (checked above); Windows renames onto no folder at all
            target.rmdir()
        building.rename(target)
    except BaseException as exc:
        shutil.rmtree(building, ignore_errors=True)
        if isinstance(exc, OSError):
            raise ZctasksError(
                f"无法新建台账 {target}：{exc.strerror or exc}",
                "检查磁盘空间和目录权限后重试；没有留下任何文件",
            ) from None
        raise
    return written


def _build(folder: Path, source: Path) -> list[Path]:
    written: list[Path] = []
    for relative in COPIED:
        origin = source / relative
        if not origin.exists():
            continue
        destination = folder / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(origin, destination)
        written.append(Path(relative))
    (folder / PROGRESS_DIR).mkdir(parents=True, exist_ok=True)
    (folder / PROGRESS_DIR / ".gitkeep").touch()
    return [*written, PROGRESS_DIR / ".gitkeep", Path(".gitattributes"), Path(".gitignore")]


def _rollup_files(folder: Path, name: str, source: Path) -> list[Path]:
    from zctasks.rollup.editing import SCHEMAS, starter_files

    written = []
    for relative, text in starter_files(name).items():
        (folder / relative).write_text(text, "utf-8")
        written.append(relative)
    for schema in SCHEMAS:
        relative = Path(f"schema/{schema}.schema.json")
        shutil.copyfile(source / relative, folder / relative)
        written.append(relative)
    return written
