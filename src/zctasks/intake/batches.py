"""Reading what departments send — YAML lists, CSV and Excel sheets, returned 报送表 — into
checked progress entries, every file of a set at once.

Every problem of every file is reported in one pass, each located in its file (and sheet
and cell); nothing is returned unless the whole set is valid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from zctasks.files.errors import Diagnostic, LedgerInvalid, UsageError, ZctasksError
from zctasks.plan.ledger import Ledger
from zctasks.plan.models import Entry

SUFFIXES = (".xlsx", ".csv", ".yaml", ".yml")


class BatchInvalid(LedgerInvalid):
    """A set of files with problems: nothing of it was recorded."""

    def __init__(self, names: list[str], diagnostics: list[Diagnostic]) -> None:
        super().__init__(diagnostics)
        errors = sum(1 for d in diagnostics if d.severity == "error")
        what = names[0] if len(names) == 1 else f"{len(names)} 个文件"
        self.message = f"{what} 有 {errors} 处错误，全部没有导入"
        self.hint = "改正后重新导入；没有写入任何记录"


@dataclass
class FileRead:
    path: Path
    reports: int
    unit: str | None = None
    untouched: int = 0


@dataclass
class Batch:
    entries: list[Entry] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    files: list[FileRead] = field(default_factory=list)


def expand(paths: list[Path]) -> list[Path]:
    """Files as given; a folder gives its spreadsheets and YAML lists (not Office's ~$ lock
    files or hidden ones), in name order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p
                for p in path.iterdir()
                if p.suffix.lower() in SUFFIXES
                and p.is_file()
                and not p.name.startswith(("~$", ".", "~"))
            )
        elif path.exists():
            found.append(path)
        else:
            raise UsageError(f"找不到文件 {path}")
    if not found:
        raise UsageError("没有找到可导入的文件", "支持 .xlsx、.csv、.yaml")
    for path in found:
        if path.suffix.lower() not in SUFFIXES:
            raise UsageError(
                f"不支持的文件类型“{path.suffix}”：{path}", "进展可从 .xlsx、.csv 或 .yaml 导入"
            )
    return list(dict.fromkeys(found))


def read_batches(ledger: Ledger, paths: list[Path], default_day: date | None, today: date) -> Batch:
    """Every report in every file, or every problem in all of them (BatchInvalid)."""
    from zctasks.intake.rows import read_sheet
    from zctasks.intake.tables import read_csv, read_xlsx
    from zctasks.intake.yamlbatch import read_yaml
    from zctasks.log.recording import validated

    files = expand(paths)
    batch = Batch()
    problems: list[Diagnostic] = []
    for path in files:
        raw = _read(path)
        suffix = path.suffix.lower()
        if suffix in (".yaml", ".yml"):
            doc, found = read_yaml(path, raw)
            problems += found
            if doc is not None:
                entries, found = validated(ledger, doc, today)
                problems += found
                batch.entries += entries
                batch.files.append(FileRead(path, len(entries)))
            continue
        if suffix == ".csv":
            table, found = read_csv(path, raw)
            tables = [table] if not found else []
        else:
            tables, found = read_xlsx(path, raw)
        problems += found
        reports, untouched, unit = 0, 0, None
        for table in tables:
            sheet = read_sheet(ledger, table, default_day, today)
            problems += sheet.diagnostics
            batch.warnings += sheet.warnings
            entries, found = validated(ledger, sheet.doc, today)
            problems += found
            batch.entries += entries
            reports += len(entries)
            untouched += sheet.untouched
            unit = unit or sheet.unit
        if tables or not found:
            batch.files.append(FileRead(path, reports, unit, untouched))
    if problems:
        raise BatchInvalid([p.name for p in files], problems)
    if not batch.entries:
        raise ZctasksError(
            "没有可导入的进展" + ("：各文件中的任务都没有填写" if files else ""),
            "报送表中本期没有进展的任务不计为报送；确认收到的是填好的文件",
        )
    return batch


def _read(path: Path) -> bytes:
    from zctasks.files.limits import read_bounded

    try:
        return read_bounded(path)
    except OSError as exc:
        raise ZctasksError(f"无法读取 {path}：{exc.strerror}") from None
