"""The progress log as compact columns of numbers, one index per month file.

A month file is parsed and checked once; what lights and cross-checks need of it — task,
date, moment recorded, status, kind, the figures, hashes of the id, of the entry it
replaces and of the report's content, and where each entry's line starts — is kept as
typed arrays (the ``array`` module), which the cache stores as raw bytes behind a JSON
header and loads without parsing. Nothing in that form can run code. A month file that
changed is parsed again; the others are loaded as they were.

``Progress`` puts the files' indexes together: which entries are in force (nothing
corrected or withdrew them), in (date, moment recorded) order per task, and the checks
across files (ids, corrections, identical reports, falling cumulative figures) run on the
hashes. Whole entries — notes and all — are read back from their lines only when a
command shows them.
"""

from __future__ import annotations

import json
import math
from array import array
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from itertools import accumulate, chain, repeat
from operator import add, and_, attrgetter, mul
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zlib import crc32

from zctasks.files.errors import Diagnostic
from zctasks.plan.ledger import Ledger
from zctasks.plan.models import Entry, Number

if TYPE_CHECKING:
    from zctasks.log.lines import AnyEntry

STATUSES: tuple[str | None, ...] = (None, "未启动", "推进中", "已完成", "受阻")
_STATUS_CODE = {name: code for code, name in enumerate(STATUSES)}
REPORT, FIX, VOID = 0, 1, 2
_MAGIC = b"ZCIX1\n"
_COLUMNS = (
    ("task", "i"),
    ("day", "i"),
    ("at", "d"),
    ("status", "b"),
    ("kind", "b"),
    ("keyh", "I"),
    ("line", "i"),
    ("offset", "q"),
    ("vstart", "i"),
    ("vtarget", "I"),
    ("vvalue", "d"),
    ("vint", "b"),
)


_TASKS = 2**31
"""Task numbers the index holds; a larger one is no task of any plan (``check_entry`` says
so), and is kept as 0."""


def _figure(value: Number) -> float:
    """A figure as the index keeps it; an integer beyond any float (which ``check_entry``
    refuses) as infinity rather than a crash."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def report_hash(entry: AnyEntry) -> int:
    """A stable 32-bit checksum of a report's task, unit, date and note: reports that are
    the same (``report_key``) have the same one; equal checksums are confirmed on the whole
    reports before two are called the same. The figures are left out, which keeps it cheap
    for a million entries: reports that differ only in them are told apart by ``report_key``."""
    return _report_hashes([entry], [entry.task], [entry.date.toordinal()], [entry.voids])[0]


def _report_hashes(
    entries: list[AnyEntry], tasks: list[int], days: list[int], voids: list[str]
) -> list[int]:
    """``report_hash`` of each entry (0 for a withdrawal), the checksums of the texts taken
    at C speed and put together with the numbers."""
    units = {name: crc32(name.encode()) for name in set(map(_BY, entries))}
    notes = map(crc32, map(str.encode, map(_NOTE, entries)))
    places = map(add, map(mul, tasks, repeat(1000003)), days)
    hashes = map(
        and_,
        map(add, map(add, notes, map(units.__getitem__, map(_BY, entries))), places),
        repeat(_MASK),
    )
    if not any(voids):
        return list(hashes)
    return [0 if void else value for value, void in zip(hashes, voids, strict=True)]


_MASK = 0xFFFFFFFF
_TASK, _DATE, _AT, _ID = attrgetter("task"), attrgetter("date"), attrgetter("at"), attrgetter("id")
_FIXES, _VOIDS, _STATUS = attrgetter("fixes"), attrgetter("voids"), attrgetter("status")
_VALUES, _BY, _NOTE = attrgetter("values"), attrgetter("by"), attrgetter("note")


def report_key(entry: AnyEntry) -> str:
    """What makes two reports the same report: task, unit, date, figures and note."""
    values = ";".join(f"{k}={_figure(v)!r}" for k, v in sorted(entry.values.items()))
    return f"{entry.task}\x1f{entry.by}\x1f{entry.date.toordinal()}\x1f{values}\x1f{entry.note}"


class FileIndex:
    """The columns of one month file, and its own problems."""

    def __init__(self, path: str, lines: bool) -> None:
        self.path = path
        self.lines = lines
        """True when every entry is one JSON line (read back by its offset); otherwise the
        file is parsed again to read an entry back."""
        self.targets: list[str] = []
        self.diagnostics: list[Diagnostic] = []
        self.ids: list[str] = []
        self.replaces: list[str] = []
        """The id each entry corrects or withdraws, or "" (ids are kept whole: no hash can
        mistake one entry for another)."""
        for name, code in _COLUMNS:
            setattr(self, name, array(code))
        self.vstart.append(0)

    task: array[int]
    day: array[int]
    at: array[float]
    status: array[int]
    kind: array[int]
    keyh: array[int]
    line: array[int]
    offset: array[int]
    vstart: array[int]
    vtarget: array[int]
    vvalue: array[float]
    vint: array[int]

    def __len__(self) -> int:
        return self.count

    @property
    def count(self) -> int:
        return len(self.line)

    def release(self) -> None:
        """Drop the columns once ``Progress`` holds them; lines and offsets stay."""
        for name, code in _COLUMNS:
            if name not in ("line", "offset"):
                setattr(self, name, array(code))
        self.ids = []
        self.replaces = []

    def extend(self, entries: list[AnyEntry], lines: list[int], offsets: list[int]) -> None:
        """Add entries, with the line each stands on and the byte offset of that line.

        Columns are taken with ``map`` over attribute getters where they can be: this runs
        over every entry of a log read without its cache."""
        codes = {target_id: n for n, target_id in enumerate(self.targets)}
        figures = list(map(_VALUES, entries))
        keys = list(chain.from_iterable(map(dict.keys, figures)))
        numbers = list(chain.from_iterable(map(dict.values, figures)))
        for target_id in dict.fromkeys(keys):
            if target_id not in codes:
                codes[target_id] = len(self.targets)
                self.targets.append(target_id)
        vtarget = list(map(codes.__getitem__, keys))
        try:
            vvalue = list(map(float, numbers))
        except OverflowError:  # an integer beyond any float, which check_entry refuses
            vvalue = list(map(_figure, numbers))
        vint = list(map(isinstance, numbers, repeat(int)))
        vstart = list(accumulate(map(len, figures), initial=len(self.vvalue)))[1:]
        tasks = list(map(_TASK, entries))
        days = list(map(date.toordinal, map(_DATE, entries)))
        moments = list(map(_AT, entries))
        fixes, voids = list(map(_FIXES, entries)), list(map(_VOIDS, entries))
        ids = list(map(_ID, entries))
        plain = not any(fixes) and not any(voids)
        if all(-_TASKS < task < _TASKS for task in tasks):
            self.task.extend(tasks)
        else:
            self.task.extend([task if -_TASKS < task < _TASKS else 0 for task in tasks])
        self.day.extend(days)
        if None in moments:
            self.at.extend([m.timestamp() if m is not None else math.nan for m in moments])
        else:
            self.at.extend(map(datetime.timestamp, moments))
        self.status.extend([_STATUS_CODE.get(s, 0) for s in map(_STATUS, entries)])
        self.kind.extend(
            [REPORT] * len(entries)
            if plain
            else [VOID if v else FIX if f else REPORT for f, v in zip(fixes, voids, strict=True)]
        )
        self.ids.extend(ids)
        self.replaces.extend(
            [""] * len(entries) if plain else [f or v for f, v in zip(fixes, voids, strict=True)]
        )
        self.keyh.extend(_report_hashes(entries, tasks, days, voids))
        self.line.extend(lines)
        self.offset.extend(offsets)
        self.vtarget.extend(vtarget)
        self.vvalue.extend(vvalue)
        self.vint.extend(vint)
        self.vstart.extend(vstart)

    def to_bytes(self) -> bytes:
        header = {
            "path": self.path,
            "lines": self.lines,
            "targets": self.targets,
            "diagnostics": [list(d) for d in self.diagnostics],
            "sizes": [len(getattr(self, name)) for name, _ in _COLUMNS],
        }
        ids = "\n".join(self.ids).encode("utf-8")
        replaces = "\n".join(self.replaces).encode("utf-8")
        header["text"] = [len(ids), len(replaces)]
        head = json.dumps(header, ensure_ascii=False).encode("utf-8")
        parts = [_MAGIC, len(head).to_bytes(8, "little"), head, ids, replaces]
        parts += [getattr(self, name).tobytes() for name, _ in _COLUMNS]
        return b"".join(parts)

    @classmethod
    def from_bytes(cls, data: bytes) -> FileIndex | None:
        """The index stored by ``to_bytes``, or None for anything else."""
        if not data.startswith(_MAGIC):
            return None
        try:
            start = len(_MAGIC) + 8
            size = int.from_bytes(data[len(_MAGIC) : start], "little")
            header = json.loads(data[start : start + size])
            index = cls(str(header["path"]), bool(header["lines"]))
            index.targets = [str(t) for t in header["targets"]]
            index.diagnostics = [Diagnostic(*d) for d in header["diagnostics"]]
            position = start + size
            lengths = header["text"]
            ids = data[position : position + lengths[0]].decode("utf-8")
            position += lengths[0]
            replaces = data[position : position + lengths[1]].decode("utf-8")
            position += lengths[1]
            count = header["sizes"][0]
            index.ids = ids.split("\n") if count else []
            index.replaces = replaces.split("\n") if count else []
            if len(index.ids) != count or len(index.replaces) != count:
                return None
            for (name, code), count in zip(_COLUMNS, header["sizes"], strict=True):
                column = array(code)
                end = position + count * column.itemsize
                column.frombytes(data[position:end])
                if len(column) != count:
                    return None
                setattr(index, name, column)
                position = end
            return index if position == len(data) else None
        except (ValueError, KeyError, TypeError, IndexError):
            return None


def index_file(relative: Path, raw: bytes, ledger: Ledger, plain: bool = False) -> FileIndex:
    """Parse and check one month file against the plan: its index and its own problems.

    A file as the tool writes it is read at the speed of JSON (``lines.read_block``, then
    line by line with ``lines.line_entries``); anything else goes to the schema
    (``parse_file``; with ``plain``, tool-written lines are tried without the schema
    first), which reads it as strictly and locates its problems."""
    from zctasks.log.lines import line_entries
    from zctasks.log.progress import LinesDoc, conflict_markers, parse_file

    name = relative.as_posix()
    if not conflict_markers(name, raw):
        index = FileIndex(name, True)
        if _add_block(index, relative, raw, 0, ledger):
            return index
        doc = LinesDoc.read(name, raw)
        read = line_entries(doc.lines) if doc is not None and doc.lines else None
        if doc is not None and read is not None:
            starts = _line_starts(raw)
            numbers = [number for number, _ in doc.lines]
            offsets = [starts[number - 1] for number in numbers]
            _add(index, relative, doc, read, numbers, offsets, ledger)
            return index
    located, diagnostics = parse_file(relative, raw, plain=plain)
    lines = bool(located) and isinstance(located[0][1], LinesDoc)
    index = FileIndex(name, lines)
    numbers = []
    for entry, doc, i in located:
        diagnostics += _entry_problems(ledger, relative, [entry], doc, i)
        numbers.append(doc.lines[i][0] if lines else doc.where((i,))[0])
    if lines:
        starts = _line_starts(raw)
        offsets = [starts[number - 1] for number in numbers]
    else:
        offsets = [-1] * len(numbers)
    index.extend([entry for entry, _, _ in located], numbers, offsets)
    index.diagnostics = diagnostics
    return index


def grow_index(index: FileIndex, relative: Path, raw: bytes, start: int, ledger: Ledger) -> bool:
    """Add to ``index`` — the index of ``raw[:start]``, a month file before lines were
    appended to it — the lines from ``start`` on, as ``index_file`` would have read them;
    False (and ``index`` untouched) unless they are entries as the tool appends them that
    read cleanly, and the index had no errors: then the whole file is read again."""
    if not index.lines or not 0 < start < len(raw) or raw[start - 1 : start] != b"\n":
        return False
    if any(d.severity == "error" for d in index.diagnostics):
        return False
    return _add_block(index, relative, raw, start, ledger)


def _add_block(index: FileIndex, relative: Path, raw: bytes, start: int, ledger: Ledger) -> bool:
    from zctasks.log.lines import read_block
    from zctasks.log.progress import BlockDoc

    block = read_block(raw, start)
    if block is None:
        return False
    doc = BlockDoc(relative.as_posix(), raw, block.offsets[0], block.first)
    numbers = list(range(block.first, block.first + len(block.entries)))
    _add(index, relative, doc, block.entries, numbers, block.offsets, ledger)
    return True


def _add(
    index: FileIndex,
    relative: Path,
    doc: Any,
    entries: list[Any],
    numbers: list[int],
    offsets: list[int],
    ledger: Ledger,
) -> None:
    """Check entries read from ``doc``'s lines and add them to the index."""
    index.diagnostics += _entry_problems(ledger, relative, entries, doc)
    index.extend(entries, numbers, offsets)


def _entry_problems(
    ledger: Ledger, relative: Path, entries: list[Any], doc: Any, first: int = 0
) -> list[Diagnostic]:
    """The entries' problems against the plan, and whether each is in its month's file
    (``entries[k]`` stands at ``(first + k,)`` in ``doc``)."""
    from zctasks.log.progress import check_entry, month_name, suspects

    found: list[Diagnostic] = []
    month = relative.name
    year_month = _year_month(month)
    for k in suspects(ledger, entries, year_month):
        i, entry = first + k, entries[k]
        found += check_entry(ledger, entry, doc, i)
        if (entry.date.year, entry.date.month) != year_month:
            found.append(
                doc.diagnostic(
                    (i, "date"),
                    "wrong-month",
                    f"条目 {entry.id} 的日期 {entry.date} 不属于 {month}",
                    f"应记在 data/progress/{month_name(entry.date)}",
                )
            )
    return found


def _year_month(name: str) -> tuple[int, int] | None:
    """(2023, 7) for 2023-07.yaml; None for a name that is no month."""
    stem = name.removesuffix(".yaml")
    year, _, month = stem.partition("-")
    if year.isdigit() and month.isdigit():
        return int(year), int(month)
    return None


def _line_starts(raw: bytes) -> list[int]:
    starts = [0]
    position = raw.find(b"\n")
    while position != -1:
        starts.append(position + 1)
        position = raw.find(b"\n", position + 1)
    return starts


@dataclass(frozen=True)
class Figure:
    value: Number
    day: date


class Progress:
    """Every month file's index together: the log, what is in force, checks across files."""

    def __init__(self, root: Path, files: list[FileIndex]) -> None:
        self.root = root
        self.files = files
        self.targets: list[str] = []
        target_code: dict[str, int] = {}
        self.file_of = array("H")
        self.local = array("i")
        self.file_start: list[int] = []
        self.task = array("i")
        self.day = array("i")
        self.at = array("d")
        self.status = array("b")
        self.kind = array("b")
        self.ids: list[str] = []
        self.keyh = array("I")
        self.replaced: dict[str, list[int]] = defaultdict(list)
        """Entry id → the corrections and withdrawals that name it."""
        self.vstart = array("i", [0])
        self.vtarget = array("I")
        self.vvalue = array("d")
        self.vint = array("b")
        for number, index in enumerate(files):
            codes = []
            for target_id in index.targets:
                if target_id not in target_code:
                    target_code[target_id] = len(self.targets)
                    self.targets.append(target_id)
                codes.append(target_code[target_id])
            start = len(self.file_of)
            count = len(index)
            for name in ("task", "day", "at", "status", "kind", "keyh", "ids"):
                getattr(self, name).extend(getattr(index, name))
            for local, target_id in enumerate(index.replaces):
                if target_id:
                    self.replaced[target_id].append(start + local)
            base = len(self.vvalue)
            self.vstart.extend(map(base.__add__, index.vstart[1:]))
            self.vtarget.extend(map(codes.__getitem__, index.vtarget))
            self.vvalue.extend(index.vvalue)
            self.vint.extend(index.vint)
            self.file_start.append(start)
            self.file_of.extend([number] * count)
            self.local.extend(range(count))
            index.release()  # only where each line starts is still needed of it
        self.target_code = target_code
        by_task: dict[int, list[int]] = defaultdict(list)
        replaced, kinds, tasks = self.replaced, self.kind, self.task
        for i, entry_id in enumerate(self.ids):
            if kinds[i] != VOID and entry_id not in replaced:
                by_task[tasks[i]].append(i)
        self._tasks: dict[int, array[int]] = {}
        self._days: dict[int, array[int]] = {}
        day = self.day
        for task_id, found in by_task.items():
            found.sort(key=self._sort_key)
            self._tasks[task_id] = array("i", found)
            self._days[task_id] = array("i", [day[i] for i in found])
        del by_task
        self._order: list[int] | None = None
        self._read: dict[int, Entry] = {}

    def _sort_key(self, i: int) -> tuple[int, float, int]:
        at = self.at[i]
        return (self.day[i], -math.inf if at != at else at, i)

    def __len__(self) -> int:
        return len(self.task)

    @property
    def order(self) -> list[int]:
        """Every entry, in (date, moment recorded, file order) order."""
        if self._order is None:
            self._order = sorted(range(len(self.task)), key=self._sort_key)
        return self._order

    # ---------------------------------------------------------------- compact questions

    def decided(self, task_id: int, day: date) -> object | None:
        """A task's state decided outside this log, or None (judge it from the entries): a
        roll-up's tasks are lit from its members' own lights and figures."""
        return None

    def reporters(self, entry: Entry) -> list[str]:
        """The units whose reports an entry is: its own unit, or — for a roll-up's report of
        a day — the members that reported that day."""
        return [entry.by]

    def behind(self, task_id: int, day: date) -> str:
        """Who, below this ledger, holds a task back (a roll-up's members: 博山区严重滞后，张店区
        滞后), or "" — a ledger of its own answers for its tasks itself."""
        return ""

    def speakers(self, entry: Entry) -> list[tuple[str, str, str]] | None:
        """Who reported an entry's problems, in what words, and their next steps, where that
        is not its unit: a roll-up's reports speak for its members (淄川区、张店区 reported the
        same words). None: the entry's own unit (``by``) reported ``problems``."""
        return None

    def in_force(self, i: int) -> bool:
        return self.kind[i] != VOID and self.ids[i] not in self.replaced

    def task_indexes(self, task_id: int, until: date | None = None) -> list[int]:
        """The reports in force on a task, in order, up to ``until``."""
        found = self._tasks.get(task_id)
        if not found:
            return []
        if until is None:
            return found.tolist()
        return found[: bisect_right(self._days[task_id], until.toordinal())].tolist()

    def values_of(self, i: int) -> dict[str, Number]:
        values: dict[str, Number] = {}
        for k in range(self.vstart[i], self.vstart[i + 1]):
            value = self.vvalue[k]
            values[self.targets[self.vtarget[k]]] = int(value) if self.vint[k] else value
        return values

    def figures(
        self, task_id: int, until: date | None = None, wanted: set[str] | None = None
    ) -> dict[str, Figure]:
        """Each target's latest figure in force on the task, with its date (reading back
        from the latest report until every ``wanted`` target has one)."""
        found: dict[str, Figure] = {}
        for i in reversed(self.task_indexes(task_id, until)):
            for target_id, value in self.values_of(i).items():
                if target_id not in found:
                    found[target_id] = Figure(value, date.fromordinal(self.day[i]))
            if wanted is not None and len(found) >= len(wanted) and wanted <= found.keys():
                break
        return found

    def dated_after(self, task_id: int, start: date | None, until: date) -> list[int]:
        """The reports in force dated after ``start`` up to ``until``."""
        found = self.task_indexes(task_id, until)
        if start is None:
            return found
        return [i for i in found if self.day[i] > start.toordinal()]

    def recorded_on(self, i: int) -> date:
        """The day an entry reached the ledger: its ``at``, or its date for entries from 0.1."""
        at = self.at[i]
        if at != at:
            return date.fromordinal(self.day[i])
        return datetime.fromtimestamp(at).astimezone().date()

    # ---------------------------------------------------------------- whole entries

    def entry(self, i: int) -> Entry:
        """The whole entry, read back from its line (or its file) and kept."""
        if i not in self._read:
            index = self.files[self.file_of[i]]
            self._read.update(self._read_file(self.file_of[i], index, [self.local[i]]))
        return self._read[i]

    def _read_file(self, number: int, index: FileIndex, locals_: list[int]) -> dict[int, Entry]:
        from zctasks.log.progress import parse_file, read_entry_line

        first = self.file_start[number]
        path = self.root / index.path
        with open(path, "rb") as handle:
            if index.lines:
                found = {}
                for local in locals_:
                    handle.seek(index.offset[local])
                    found[first + local] = read_entry_line(handle.readline())
            else:
                located, _ = parse_file(Path(index.path), handle.read())
                found = {first + local: located[local][0] for local in locals_}
        for i, entry in found.items():
            if entry.id != self.ids[i]:
                from zctasks.files.errors import ZctasksError

                raise ZctasksError(f"{index.path} 在读取过程中被改动", "请重新运行该命令")
        return found

    def entries_at(self, indexes: list[int]) -> list[Entry]:
        """Whole entries for many indexes, each file read once."""
        wanted: dict[int, list[int]] = defaultdict(list)
        for i in indexes:
            if i not in self._read:
                wanted[self.file_of[i]].append(self.local[i])
        for number, locals_ in wanted.items():
            self._read.update(self._read_file(number, self.files[number], locals_))
        return [self._read[i] for i in indexes]

    def of_task(self, task_id: int, until: date | None = None) -> list[Entry]:
        return self.entries_at(self.task_indexes(task_id, until))

    @property
    def entries(self) -> list[Entry]:
        """The reports in force, in order (read back whole)."""
        return self.entries_at([i for i in self.order if self.in_force(i)])

    @property
    def recorded(self) -> list[Entry]:
        """The whole log: reports, corrections and withdrawals, in order."""
        return self.entries_at(self.order)

    def find(self, entry_id: str) -> Entry | None:
        i = self.index_of_id(entry_id)
        return None if i is None else self.entry(i)

    def index_of_id(self, entry_id: str) -> int | None:
        try:
            return self.ids.index(entry_id)
        except ValueError:
            return None

    def replacements(self, entry_id: str) -> list[Entry]:
        """The corrections and withdrawals that name ``entry_id``, in order."""
        found = sorted(self.replaced.get(entry_id, []), key=self._sort_key)
        return self.entries_at(found)

    # ---------------------------------------------------------------- checks across files

    def diagnostics(self) -> list[Diagnostic]:
        return [d for index in self.files for d in index.diagnostics]

    def locate(self, i: int, *loc: str) -> tuple[str, int, int]:
        """The file, line and column of a field of entry ``i``."""
        from zctasks.log.progress import column_in

        index = self.files[self.file_of[i]]
        line = index.line[self.local[i]]
        if not index.lines:
            return index.path, line, 1
        with open(self.root / index.path, "rb") as handle:
            handle.seek(index.offset[self.local[i]])
            text = handle.readline().decode("utf-8").rstrip("\n")
        return index.path, line, column_in(text, loc)
