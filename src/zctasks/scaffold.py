"""`zctasks init`: a new ledger folder that works with git from its first commit."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from zctasks import gitops
from zctasks.errors import UsageError
from zctasks.root import PROGRESS_DIR, bundled_root

GITATTRIBUTES = """\
# Two analysts appending progress to the same month merge without conflict:
# every entry is one line, so a union merge keeps both sides whole.
data/progress/*.yaml merge=union
"""
GITIGNORE = """\
data/progress/.zctasks.lock
data/progress/.tmp-*
"""
PRE_COMMIT_HOOK = """\
#!/bin/sh
# Installed by zctasks init: refuse a commit that would leave the ledger invalid.
exec "{python}" -m zctasks --root "$(git rev-parse --show-toplevel)" check
"""
COPIED = (
    "data/tasks.yaml",
    "data/departments.yaml",
    "data/config.yaml",
    "schema/tasks.schema.json",
    "schema/departments.schema.json",
    "schema/config.schema.json",
)


def init_ledger(target: Path, source: Path | None = None) -> list[Path]:
    """Create a ledger at ``target`` from ``source`` (the bundled plan); returns what was written."""
    source = source or bundled_root()
    target = target.expanduser()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"目录 {target} 已存在且不为空", "请指定一个新目录")
    written: list[Path] = []
    for relative in COPIED:
        origin = source / relative
        if not origin.exists():
            continue
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(origin, destination)
        written.append(Path(relative))
    (target / PROGRESS_DIR).mkdir(parents=True, exist_ok=True)
    (target / PROGRESS_DIR / ".gitkeep").touch()
    (target / ".gitattributes").write_text(GITATTRIBUTES, "utf-8")
    (target / ".gitignore").write_text(GITIGNORE, "utf-8")
    written += [PROGRESS_DIR / ".gitkeep", Path(".gitattributes"), Path(".gitignore")]
    gitops.init(target)
    hook = target / ".git" / "hooks" / "pre-commit"
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook.write_text(PRE_COMMIT_HOOK.format(python=sys.executable), "utf-8")
    hook.chmod(0o755)
    return written
