"""Writing an import into a ledger folder, without losing what the folder already holds.

The plan files are written together, atomically (``writer.update``). A folder whose ledger
already has progress is refused; one whose ``data/tasks.yaml`` holds another plan or
uncommitted edits is refused unless forced, and then backed up first. Temporaries that a
killed import left in ``data/`` are removed by the next one.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime
from pathlib import Path

from zctasks.files.errors import UsageError
from zctasks.importer.result import ImportResult
from zctasks.importer.text import one_line
from zctasks.plan.models import Plan, Unit

BACKUP_DIR = Path(".zctasks-backup")
UNPLACED_FILE = Path("data/import-unplaced.txt")
"""Beside the ledger: the text of the document that the import could not place."""


def known_departments(folder: Path) -> tuple[dict[str, Unit], list[str]]:
    """The units a ledger folder already knows (none when it has no departments file)."""
    from zctasks.files import yamlfile
    from zctasks.files.errors import LedgerInvalid
    from zctasks.files.root import DEPARTMENTS_FILE
    from zctasks.plan import schema
    from zctasks.plan.schema import DepartmentsFile

    path = folder / DEPARTMENTS_FILE
    if not path.exists():
        return {}, []
    doc, problems = yamlfile.parse(DEPARTMENTS_FILE.as_posix(), path.read_bytes())
    if doc is None or problems or doc.data is None:
        raise LedgerInvalid(problems or [])
    value, problems = schema.validate(doc, DepartmentsFile)
    if value is None:
        raise LedgerInvalid(problems)
    return dict(value.units), list(value.placeholders)


def holds_plan(folder: Path, plan: Plan) -> bool:
    """Whether the folder's tasks file holds this plan already (the same title and number):
    importing it again keeps the units' full names, aliases and comments."""
    import yaml

    from zctasks.files import limits
    from zctasks.files.root import TASKS_FILE

    path = folder / TASKS_FILE
    try:
        if path.stat().st_size > limits.MAX_BYTES:
            return False
        held = yaml.safe_load(path.read_bytes())["plan"]
        return bool(held["title"] == plan.title and held["doc_number"] == plan.doc_number)
    except (OSError, yaml.YAMLError, KeyError, TypeError):
        return False


def units_replaced(folder: Path, files: dict[Path, bytes]) -> bool:
    """Whether the import replaces a unit registry that holds something else."""
    from zctasks.files.root import DEPARTMENTS_FILE

    path = folder / DEPARTMENTS_FILE
    return path.is_file() and path.read_bytes() != files.get(DEPARTMENTS_FILE)


def files_for(
    result: ImportResult, source: Path, folder: Path, keep_units: bool = False
) -> dict[Path, bytes]:
    """The two plan files. The units are those the plan names, and only those; importing the
    same plan again (``keep_units``) keeps the departments file's text and comments and adds
    the new units to it."""
    from zctasks.files.root import DEPARTMENTS_FILE, TASKS_FILE
    from zctasks.plan.yamlout import departments_yaml, tasks_yaml

    header = [
        one_line(f"《{result.plan.title}》（{result.plan.doc_number}）"),
        one_line(f"Imported by zctasks import from {source.name}; check it against the document."),
    ]
    existing = folder / DEPARTMENTS_FILE
    departments = None
    if keep_units and existing.exists():
        departments = _extended_departments(existing.read_text("utf-8"), result)
    if departments is None:
        departments = departments_yaml(result.units, result.placeholders, result.guessed)
    return {
        TASKS_FILE: tasks_yaml(result.plan, result.chapters, result.tasks, header).encode("utf-8"),
        DEPARTMENTS_FILE: departments.encode("utf-8"),
    }


def _extended_departments(text: str, result: ImportResult) -> str | None:
    """The file's own text with new units (and placeholders) inserted; None if its layout
    does not allow a safe edit."""
    from zctasks.plan.yamlout import scalar

    new_placeholders = result.new_placeholders
    lines = text.rstrip("\n").split("\n")
    at = next((i for i, line in enumerate(lines) if line.startswith("placeholders:")), len(lines))
    if new_placeholders and (at == len(lines) or lines[at].strip() != "placeholders:"):
        return None
    while at > 0 and lines[at - 1].startswith("#"):
        at -= 1  # keep the comment that introduces the placeholders with them
    added = [
        f"  {scalar(name)}: {{kind: {result.units[name].kind}}}  # 由 zctasks import 加入并推断类别，请核对"
        for name in result.new_units
    ]
    lines[at:at] = added
    lines += [f"  - {scalar(p)}" for p in new_placeholders]
    return "\n".join(lines) + "\n"


def progress_in(folder: Path) -> Path | None:
    """The first progress file of the folder that holds entries (any encoding)."""
    from zctasks.log.progress import progress_files

    for relative in progress_files(folder):
        raw = (folder / relative).read_bytes()
        lines = [line.strip() for line in raw.splitlines()]
        if any(line and not line.startswith(b"#") for line in lines):
            return relative
    return None


def _uncommitted(folder: Path, relative: Path) -> bool | None:
    """Whether git sees changes to the file; None outside a git work tree."""
    if shutil.which("git") is None:
        return None
    result = subprocess.run(
        ["git", "-C", str(folder), "status", "--porcelain", "--", relative.as_posix()],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        return None
    return bool(result.stdout.strip())


def replaced_plan(folder: Path, files: dict[Path, bytes]) -> UsageError | None:
    """Why writing ``files`` would lose a plan the folder holds: its tasks file is neither the
    bundled plan (what ``zctasks init`` copies) nor what the import writes."""
    from zctasks.files.root import TASKS_FILE, bundled_root

    path = folder / TASKS_FILE
    if not path.is_file():
        return None
    current = path.read_bytes()
    bundled = bundled_root() / TASKS_FILE
    if current == files.get(TASKS_FILE) or (bundled.is_file() and current == bundled.read_bytes()):
        return None
    force = f"确需替换请加 --force，原文件先备份到 {BACKUP_DIR.as_posix()}/"
    if _uncommitted(folder, TASKS_FILE):
        return UsageError(
            f"台账 {folder} 的 {TASKS_FILE.as_posix()} 有未提交的修改，导入会覆盖它们",
            f"请先提交（git commit）或另存这些修改；{force}",
        )
    return UsageError(
        f"台账 {folder} 已有另一份计划 {TASKS_FILE.as_posix()}，导入会替换它",
        f"新一年的计划请导入新建的台账（zctasks init 目录）；{force}",
    )


def back_up(folder: Path, files: dict[Path, bytes], now: datetime | None = None) -> Path | None:
    """Copy the files that ``files`` would change into a dated backup folder; returns it."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    target = folder / BACKUP_DIR / stamp
    saved = False
    for relative, content in files.items():
        source = folder / relative
        if source.is_file() and source.read_bytes() != content:
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / relative)
            saved = True
    return target if saved else None


def remove_stale_temporaries(folder: Path) -> int:
    """Temporaries of plan files that an import killed midway left in ``data/``."""
    removed = 0
    for stale in (folder / "data").glob(".tmp-*"):
        if stale.is_file():
            stale.unlink(missing_ok=True)
            removed += 1
    return removed
