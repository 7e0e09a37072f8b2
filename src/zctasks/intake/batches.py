"""Reading what departments send — YAML lists, CSV and Excel sheets (.xlsx, .xlsm, .xls),
returned 报送表 — into checked progress entries, every file of a set at once.

Every file of a folder is read or named: one that cannot be read (.et, .wps, .pdf …) is an
error saying how to save it as .xlsx. Every problem of every file is reported in one pass,
each located in its file (and sheet and cell); nothing is returned unless the whole set is
valid.
"""

from __future__ import annotations

import stat
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from zctasks.files.errors import Diagnostic, LedgerInvalid, UsageError, ZctasksError
from zctasks.files.yamlfile import YamlDoc
from zctasks.plan.calendar import Calendar
from zctasks.plan.ledger import Ledger
from zctasks.plan.models import Entry

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".yaml", ".yml")
NOT_READ = {
    ".et": "WPS 表格文件",
    ".ett": "WPS 表格模板",
    ".wps": "WPS 文字文件",
    ".ods": "LibreOffice 表格文件",
    ".xlsb": "Excel 二进制工作簿",
    ".numbers": "Numbers 表格文件",
    ".doc": "Word 文件",
    ".docx": "Word 文件",
    ".pdf": "PDF 文件",
    ".txt": "文本文件",
}
SAVE_AS = {
    ".et": "在 WPS 中打开，点“文件 → 另存为”，文件类型选“Excel 工作簿（*.xlsx）”",
    ".ett": "在 WPS 中打开，点“文件 → 另存为”，文件类型选“Excel 工作簿（*.xlsx）”",
    ".ods": "在 LibreOffice 中打开，点“文件 → 另存为”，文件类型选“Excel 2007-365（.xlsx）”",
    ".xlsb": "在 Excel 中打开，点“文件 → 另存为”，文件类型选“Excel 工作簿（*.xlsx）”",
    ".numbers": "在 Numbers 中点“文件 → 导出为 → Excel”，得到 .xlsx",
}


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
    by_title: bool = False
    """Rows placed by their task titles: the sheet's 序号 was a row counter."""


@dataclass
class Batch:
    entries: list[Entry] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    files: list[FileRead] = field(default_factory=list)
    places: list[tuple[str, int, int, str]] = field(default_factory=list)
    """Where each entry was read: the file, line, column and (in a workbook) cell."""
    ignored: set[str] = field(default_factory=set)
    """The --ignore-column names some sheet had, and that were left out."""


def expand(paths: list[Path]) -> tuple[list[Path], list[Diagnostic]]:
    """The files to read — as given, and a folder's files (not Office's ~$ lock files or
    hidden ones) in name order — and one problem for every file or folder that will not be
    read, saying how to save it so that it can be."""
    found: list[Path] = []
    problems: list[Diagnostic] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(path.iterdir()):
                if child.name.startswith(("~$", ".", "~")):
                    continue
                if child.is_dir():
                    problems.append(
                        Diagnostic(
                            str(child),
                            1,
                            1,
                            "not-read",
                            f"文件夹 {child.name} 中的文件没有读取",
                            "要导入其中的文件，请把文件夹也写在命令中，或把文件移到上一级",
                        )
                    )
                    continue
                found.append(child)
        elif path.exists():
            found.append(path)
        else:
            raise UsageError(f"找不到文件 {path}")
    readable = []
    for path in dict.fromkeys(found):
        kind = _not_regular(path)
        if kind:
            problems.append(
                Diagnostic(
                    str(path),
                    1,
                    1,
                    "not-read",
                    f"{path.name} 不是普通文件（{kind}），没有读取",
                    "只导入单位报来的文件；请把文件本身复制到这里",
                )
            )
            continue
        suffix = path.suffix.lower()
        if suffix in SUFFIXES:
            readable.append(path)
            continue
        kind = NOT_READ.get(suffix, f"“{path.suffix or '无扩展名'}”文件")
        problems.append(
            Diagnostic(
                str(path),
                1,
                1,
                "not-read",
                f"{kind}不能导入，没有读取",
                SAVE_AS.get(suffix)
                or "进展只能从 .xlsx、.xlsm、.xls、.csv 或 .yaml 文件导入："
                "表格请另存为 Excel 工作簿（*.xlsx）；其他材料请移出这个文件夹",
            )
        )
    if not readable and not problems:
        raise UsageError("没有找到可导入的文件", "支持 .xlsx、.xlsm、.xls、.csv、.yaml")
    return readable, problems


_NOT_REGULAR = {
    stat.S_IFIFO: "命名管道",
    stat.S_IFCHR: "字符设备",
    stat.S_IFBLK: "块设备",
    stat.S_IFSOCK: "套接字",
}


def _not_regular(path: Path) -> str:
    """What a path is when it is not a regular file (reading a pipe would wait forever)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return ""  # named when it is read
    return "" if stat.S_ISREG(mode) else _NOT_REGULAR.get(stat.S_IFMT(mode), "特殊文件")


def read_batches(
    ledger: Ledger,
    paths: list[Path],
    default_day: date | None,
    today: date,
    received: date | None = None,
    ignore: frozenset[str] = frozenset(),
) -> Batch:
    """Every report in every file, or every problem in all of them (BatchInvalid).

    Reports stand at their own dates (a 报送表's at the end of its cycle, or the day it
    arrived if earlier); ``received`` is the day they arrived. Two reports of one unit on
    one task for one reporting cycle that say different things are an error naming both.
    """
    from zctasks.intake.rows import Intake, read_sheet
    from zctasks.intake.tables import read_csv, read_xls, read_xlsx
    from zctasks.intake.yamlbatch import read_yaml
    from zctasks.log.recording import validated
    from zctasks.plan.calendar import Calendar

    files, problems = expand(paths)
    intake = Intake(ledger, Calendar.of(ledger), default_day, received, today, ignore)
    batch = Batch()
    ignored: set[str] = set()
    for path in files:
        raw = _read(path)
        suffix = path.suffix.lower()
        if suffix in (".yaml", ".yml"):
            doc, found = read_yaml(ledger, path, raw, received)
            problems += found
            if doc is not None:
                entries, found = validated(ledger, doc, today, how="yaml")
                problems += found
                batch.entries += entries
                batch.places += [_where(doc, i) for i in range(len(entries))]
                batch.files.append(FileRead(path, len(entries)))
            continue
        if suffix == ".csv":
            table, found = read_csv(path, raw)
            tables = [table] if not found else []
        elif suffix == ".xls":
            tables, found = read_xls(path, raw)
        else:
            tables, found = read_xlsx(path, raw)
        batch.warnings += [d for d in found if d.severity == "warning"]
        found = [d for d in found if d.severity != "warning"]
        problems += found
        reports, untouched, unit, by_title = 0, 0, None, False
        del raw  # the tables hold what was read
        for table in tables:
            sheet = read_sheet(intake, table)
            table.rows = []  # read: the records and their places are what is kept
            problems += sheet.diagnostics
            batch.warnings += sheet.warnings
            ignored |= sheet.ignored
            if sheet.diagnostics and not sheet.doc.data:
                continue
            entries, found = validated(ledger, sheet.doc, today, how="sheet")
            problems += found
            batch.entries += entries
            batch.places += [_where(sheet.doc, i) for i in range(len(entries))]
            sheet.doc.data, sheet.doc.values, sheet.doc.keys = [], {}, {}
            reports += len(entries)
            untouched += sheet.untouched
            unit = unit or sheet.unit
            by_title = by_title or sheet.by_title
        if tables or not found:
            batch.files.append(FileRead(path, reports, unit, untouched, by_title))
    for name in sorted(ignore - ignored):
        batch.warnings.append(
            Diagnostic(
                "--ignore-column", 1, 1, "unused", f"没有名为“{name}”的列", severity="warning"
            )
        )
    batch.ignored = ignored
    if not problems:
        problems += _conflicts(intake.calendar, batch)
    if not problems:
        problems += _rival_figures(batch)
    if not problems:
        _drop_repeats(intake.calendar, batch)
    if problems:
        named = [p.name for p in files] + [
            Path(d.path).name for d in problems if d.code == "not-read"
        ]
        raise BatchInvalid(named or [p.name for p in paths], problems)
    if not batch.entries:
        raise ZctasksError(
            "没有可导入的进展" + ("：各文件中的任务都没有填写" if files else ""),
            "报送表中本期没有进展的任务不计为报送；确认收到的是填好的文件",
        )
    return batch


def _where(doc: YamlDoc, i: int) -> tuple[str, int, int, str]:
    row, column = doc.where((i,))
    table = getattr(doc, "table", None)
    if table is not None:
        return sys.intern(str(table.path)), row, column, table.cell_name(row, column)
    return doc.path, row, column, ""


def shown_place(place: tuple[str, int, int, str]) -> str:
    """区科技局.xlsx:Sheet1!D3, or 区科技局.csv 第 3 行."""
    path, row, _, cell = place
    name = Path(path).name
    return f"{name}:{cell}" if cell else f"{name} 第 {row} 行"


_shown = shown_place


def _rival_figures(batch: Batch) -> list[Diagnostic]:
    """Two units giving different figures for one target on one day: the figure in force
    would be whichever row comes last, so the import is refused naming both."""
    from zctasks.log.figures import number

    first: dict[tuple[str, date], int] = {}
    found = []
    for index, entry in enumerate(batch.entries):
        for target_id, value in entry.values.items():
            key = (target_id, entry.date)
            if key not in first:
                first[key] = index
                continue
            other = batch.entries[first[key]]
            if other.by == entry.by or float(other.values[target_id]) == float(value):
                continue
            path, row, column, cell = batch.places[index]
            found.append(
                Diagnostic(
                    path,
                    row,
                    column,
                    "rival-figures",
                    f"指标 {target_id} 在 {entry.date.isoformat()} 有两个不同的数："
                    f"{other.by} 报 {number(other.values[target_id])}"
                    f"（{_shown(batch.places[first[key]])}），"
                    f"{entry.by} 报 {number(value)}（{_shown(batch.places[index])}），"
                    "不知以哪个为准",
                    "与两个单位核实：一个指标一天只能有一个数，删去另一个单位的数值后重新导入",
                    cell=cell,
                )
            )
    return found


REPEATS_NAMED = 10
"""Repeated reports named one by one; the rest are counted."""


def _drop_repeats(calendar: Calendar, batch: Batch) -> None:
    """The same report twice in what was sent (a row copied, a file sent twice): recorded
    once, and said so — never counted as "already recorded"."""
    from zctasks.log.recording import same_report

    first: dict[tuple[str, int, date], int] = {}
    keep: list[int] = []
    repeated = 0
    for index, entry in enumerate(batch.entries):
        key = (entry.by, entry.task, calendar.cycle_of(entry.date))
        if key in first and same_report(batch.entries[first[key]], entry):
            repeated += 1
            if repeated > REPEATS_NAMED:
                continue
            path, row, column, cell = batch.places[index]
            batch.warnings.append(
                Diagnostic(
                    path,
                    row,
                    column,
                    "repeated",
                    f"与 {_shown(batch.places[first[key]])} 是同一份报送，只记一次",
                    severity="warning",
                    cell=cell,
                )
            )
            continue
        first.setdefault(key, index)
        keep.append(index)
    if repeated > REPEATS_NAMED:
        batch.warnings.append(
            Diagnostic(
                batch.places[0][0],
                1,
                1,
                "repeated",
                f"另有 {repeated - REPEATS_NAMED} 行与前面的报送相同，各只记一次",
                severity="warning",
            )
        )
    batch.entries = [batch.entries[i] for i in keep]
    batch.places = [batch.places[i] for i in keep]


def _conflicts(calendar: Calendar, batch: Batch) -> list[Diagnostic]:
    """Two reports of one unit on one task for one cycle that say different things: which
    one stands cannot depend on the order of the files."""
    from zctasks.log.recording import same_report

    first: dict[tuple[str, int, date], int] = {}
    found = []
    for index, entry in enumerate(batch.entries):
        key = (entry.by, entry.task, calendar.cycle_of(entry.date))
        if key not in first:
            first[key] = index
            continue
        earlier = batch.entries[first[key]]
        if same_report(earlier, entry):
            continue
        due = key[2]
        path, row, column, cell = batch.places[index]
        found.append(
            Diagnostic(
                path,
                row,
                column,
                "conflicting-reports",
                f"{entry.by} 对第{entry.task}项（{due.year}年{due.month}月{due.day}日截止的报送周期）"
                f"有两份内容不同的报送：{_shown(batch.places[first[key]])} 和 "
                f"{_shown(batch.places[index])}",
                "同一单位、同一任务、同一报送周期只能有一份报送：与单位核实后删去其中一份再导入",
                cell=cell,
            )
        )
    return found


def _read(path: Path) -> bytes:
    from zctasks.files.limits import read_bounded

    try:
        return read_bounded(path)
    except OSError as exc:
        raise ZctasksError(f"无法读取 {path}：{exc.strerror}") from None
