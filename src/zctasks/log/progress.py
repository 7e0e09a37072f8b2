"""Progress entries: one month a file, one entry a line, an append-only log.

Each entry is written as a one-line YAML flow mapping (``- {"id": …}``) so that a git
``merge=union`` of two branches that both appended to the same month can only put whole
entries side by side: there is no multi-line block whose lines a merge could interleave.

Nothing recorded is edited or deleted. A correction is a new entry that names the one it
replaces (``fixes``), a withdrawal one that names the entry it withdraws (``voids``). The
*effective* reports — every report that nothing replaced or withdrew — are what lights,
views and documents use; the whole log stays readable as the audit trail.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zctasks.files.errors import Diagnostic, Located
from zctasks.files.root import PROGRESS_DIR

if TYPE_CHECKING:
    from zctasks.log.lines import AnyEntry
from zctasks.log.figures import LIMIT, number_problem
from zctasks.plan.ledger import Ledger
from zctasks.plan.models import Entry, Task

HEADER = "# 进展记录：由 zctasks 追加写入，每行一条；请勿手工调整顺序或合并行。\n"
_OPTIONAL = ("source", "next", "problems", "forced", "fixes", "reason")
_CONFLICT = re.compile(r"^(<{7}|={7}|>{7})(?: |$)", re.MULTILINE)
FIELD_NAMES = {
    "id": "编号",
    "task": "任务",
    "date": "日期",
    "by": "单位",
    "status": "状态",
    "note": "进展情况",
    "values": "指标",
    "estimates": "预计数",
    "source": "依据",
    "next": "下步计划",
    "problems": "存在问题",
    "forced": "代报原因",
    "at": "记录时间",
    "received": "收到日期",
    "fixes": "更正",
    "voids": "撤销",
    "reason": "原因",
}


def month_file(day: date) -> Path:
    return PROGRESS_DIR / f"{day:%Y-%m}.yaml"


def entry_record(entry: Entry) -> dict[str, Any]:
    """The entry as it is stored: only the fields it has, in a fixed order."""
    record: dict[str, Any] = {
        "id": entry.id,
        "task": entry.task,
        "date": entry.date.isoformat(),
        "by": entry.by,
    }
    if entry.voids:
        record["voids"] = entry.voids
        record["reason"] = entry.reason
    else:
        record["status"] = entry.status
        if entry.values:
            record["values"] = entry.values
        if entry.estimates:
            record["estimates"] = entry.estimates
        record["note"] = entry.note
        for name in _OPTIONAL:
            if getattr(entry, name):
                record[name] = getattr(entry, name)
    if entry.received is not None:
        record["received"] = entry.received.isoformat()
    if entry.at is not None:
        record["at"] = entry.at.isoformat(timespec="milliseconds")
    return record


def entry_line(entry: Entry) -> str:
    """The entry as one line of YAML (a JSON object is a YAML flow mapping)."""
    return "- " + json.dumps(entry_record(entry), ensure_ascii=False) + "\n"


def entry_json(entry: Entry) -> dict[str, Any]:
    """The JSON contract: every field, empty where the entry does not have it."""
    return {
        "id": entry.id,
        "task": entry.task,
        "date": entry.date.isoformat(),
        "by": entry.by,
        "status": entry.status,
        "values": dict(entry.values),
        "estimates": dict(entry.estimates),
        "note": entry.note,
        "source": entry.source,
        "next": entry.next,
        "problems": entry.problems,
        "forced": entry.forced,
        "at": entry.at.isoformat(timespec="milliseconds") if entry.at else None,
        "received": entry.received.isoformat() if entry.received else None,
        "fixes": entry.fixes or None,
        "voids": entry.voids or None,
        "reason": entry.reason,
    }


def month_name(day: date) -> str:
    """2023-07.yaml: the month file an entry of ``day`` belongs in."""
    return f"{day:%Y-%m}.yaml"


def progress_files(root: Path) -> list[Path]:
    """The month files, relative to ``root``; a ``.yml`` file is listed too, so that
    ``check`` reports it instead of ignoring what is in it."""
    folder = root / PROGRESS_DIR
    if not folder.is_dir():
        return []
    return sorted(
        p.relative_to(root)
        for p in folder.iterdir()
        if p.suffix in (".yaml", ".yml") and not p.name.startswith(".") and readable(p)
    )


def read_contents(root: Path) -> dict[Path, bytes]:
    """Every month file's bytes; one over the size limit raises ``InputTooLarge``."""
    from zctasks.files.limits import read_bounded

    return {
        relative: read_bounded(root / relative, relative.as_posix())
        for relative in progress_files(root)
    }


def _refuse(_: str) -> Any:
    raise ValueError("not a finite number")


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError("not a finite number")
    return value


def _bounded_int(text: str) -> int:
    if len(text) > 40:
        raise ValueError("too many digits")
    return int(text)


def _loads(text: str) -> Any:
    return json.loads(text, parse_constant=_refuse, parse_float=_finite, parse_int=_bounded_int)


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    record = dict(pairs)
    if len(record) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return record


_STRICT = json.JSONDecoder(
    object_pairs_hook=_unique,
    parse_constant=_refuse,
    parse_float=_finite,
    parse_int=_bounded_int,
)
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")


def json_record(text: str) -> tuple[Any, str]:
    """One line's JSON value read strictly — no repeated key, no NaN, no lone surrogate
    (``\\ud800``, which no file can hold as text) — or why it cannot be read."""
    try:
        value = _STRICT.decode(text)
    except _DuplicateKey as exc:
        return None, f"键“{exc.key}”重复"
    except RecursionError:
        return None, "嵌套过深"
    except ValueError as exc:
        return None, str(exc)
    if "\\u" in text and _SURROGATE.search(json.dumps(value, ensure_ascii=False)):
        return None, "含有单独的 Unicode 代理项转义（如 \\ud800），不是文字"
    return value, ""


def line_problems(
    path: str, lines: list[tuple[int, str]], raw: bytes, entries: list[Entry]
) -> list[Diagnostic]:
    """Repeated keys and lone surrogate escapes in tool-form lines, which a JSON parser
    would silently read (the last value wins) or pass on to break every later command.
    Each key of a line is written ``"key": ``: when the file holds exactly as many of those
    as its entries have keys, no key can be repeated, and the exact reading is skipped."""
    keys = raw.count(b'": ')
    expected = written_keys(entries)
    if not _ESCAPED_SURROGATE.search(raw) and keys == expected:
        return []
    found = []
    for number, line in lines:
        _, why = json_record(line[2:])
        if why:
            found.append(Diagnostic(path, number, 1, "yaml-syntax", f"无法读取这一行：{why}"))
    return found


def written_keys(entries: list[Entry]) -> int:
    """How many keys ``entry_line`` writes for ``entries``, figures included (counted
    without building the records: this runs on every month file that is parsed)."""
    return sum(
        (
            6
            if e.voids
            else 6
            + (len(e.values) + 1 if e.values else 0)
            + (len(e.estimates) + 1 if e.estimates else 0)
            + bool(e.source)
            + bool(e.next)
            + bool(e.problems)
            + bool(e.forced)
            + bool(e.fixes)
            + bool(e.reason)
        )
        + (e.at is not None)
        + (e.received is not None)
        for e in entries
    )


def crlf_problem(path: str, text: str) -> Diagnostic | None:
    """A log saved with Windows line ends (CRLF) is refused, never rewritten: normalising
    it would change every recorded line."""
    position = text.find("\r")
    if position == -1:
        return None
    line = text.count("\n", 0, position) + 1
    return Diagnostic(
        path,
        line,
        position - (text.rfind("\n", 0, position) + 1) + 1,
        "line-ending",
        "文件使用了 Windows 换行（CRLF）或含有回车符：zctasks 只读写 LF 换行的记录文件",
        "用 git checkout -- 该文件 恢复提交时的内容，或用编辑器另存为 LF（Unix）换行；"
        ".gitattributes 中的 text eol=lf（zctasks hooks install 会写入）让 git 始终取出 LF",
    )


def readable(path: Path) -> bool:
    """Whether a log folder's entry is a file zctasks reads: a regular file, not a link."""
    import stat

    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


def unread_files(root: Path, folder: Path, what: str, example: str) -> list[Diagnostic]:
    """Entries of a log folder that are not read — a name that does not end in .yaml or
    .yml (2023-10.YAML, a trailing space), a link, a pipe, a device —, and files in its
    sub-folders: refused rather than ignored, so that their records do not vanish and their
    numbers are not given again. Names starting with "." (the lock, the journal, the
    temporaries) are zctasks' own."""
    base = root / folder
    if not base.is_dir():
        return []
    found = nested_files(root, folder, what)
    for path in sorted(base.iterdir()):
        if path.name.startswith(".") or (path.is_dir() and not path.is_symlink()):
            continue
        name = path.relative_to(root).as_posix()
        if not readable(path):
            kind = "符号链接" if path.is_symlink() else "管道、设备或其他特殊文件"
            why = f"{what}“{path.name}”是{kind}，不会被读取"
            hint = f"zctasks 只读写普通文件：换成普通文件 {folder.as_posix()}/{path.name}"
        elif path.suffix not in (".yaml", ".yml"):
            why = f"{what}应命名为 {example}：“{path.name}”不会被读取"
            hint = "改名（注意大小写和空格）；如已有同名文件，把记录行移过去"
        else:
            continue
        found.append(Diagnostic(name, 1, 1, "file-name", why, hint))
    return found


def nested_files(root: Path, folder: Path, what: str) -> list[Diagnostic]:
    """Files in sub-folders of a log folder: never read, so refused rather than ignored."""
    base = root / folder
    if not base.is_dir():
        return []
    found = []
    for child in sorted(base.iterdir()):
        if child.name.startswith(".") or not child.is_dir():
            continue
        for path in sorted(child.rglob("*")):
            if path.is_file() and not any(p.startswith(".") for p in path.relative_to(base).parts):
                name = path.relative_to(root).as_posix()
                found.append(
                    Diagnostic(
                        name,
                        1,
                        1,
                        "misplaced",
                        f"{what}在子文件夹中，其中的内容不会被读取",
                        f"移回 {folder.as_posix()}/（git mv {name} {folder.as_posix()}/），"
                        "同名文件已存在时把记录行移过去",
                    )
                )
    return found


class LinesDoc(Located):
    """A progress file written by the tool: one JSON object a line after ``- ``.

    Read in one pass by the schema's JSON parser, which is many times faster than YAML for
    a large ledger; each line is parsed on its own only when a problem must be located.
    Anything else (a hand-edited file, a line JSON would read differently from YAML, such
    as ``NaN``) goes through the YAML reader, which locates every problem.
    """

    def __init__(self, path: str, lines: list[tuple[int, str]]) -> None:
        self.path = path
        self.lines = lines
        self._data: list[Any] | None = None

    @property
    def data(self) -> list[Any]:
        if self._data is None:
            self._data = [_loads(line[2:]) for _, line in self.lines]
        return self._data

    @classmethod
    def read(cls, path: str, raw: bytes) -> LinesDoc | None:
        """The lines, if every one that is not a comment has the form ``- {…}``."""
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return None
        lines: list[tuple[int, str]] = []
        for number, line in enumerate(text.split("\n"), 1):
            if not line or line.startswith("#"):
                continue
            if not line.startswith("- {") or not line.endswith("}"):
                return None
            lines.append((number, line))
        return cls(path, lines)

    def where(self, loc: tuple[str | int, ...], *, key: bool = False) -> tuple[int, int]:
        return where_in(self.lines, loc, key=key)


class BlockDoc(Located):
    """The entry lines of a file read as one block (``lines.read_block``): their text is
    split out of the file's bytes only when a problem must be located."""

    def __init__(self, path: str, raw: bytes, start: int, first: int) -> None:
        self.path = path
        self._raw = raw
        self._start = start
        self._first = first
        self._lines: list[tuple[int, str]] | None = None

    @property
    def data(self) -> list[Any]:
        return [_loads(line[2:]) for _, line in self.lines]

    @property
    def lines(self) -> list[tuple[int, str]]:
        if self._lines is None:
            text = self._raw[self._start :].decode("utf-8").rstrip("\n")
            self._lines = [(self._first + k, line) for k, line in enumerate(text.split("\n"))]
        return self._lines

    def where(self, loc: tuple[str | int, ...], *, key: bool = False) -> tuple[int, int]:
        return where_in(self.lines, loc, key=key)


def where_in(
    lines: list[tuple[int, str]], loc: tuple[str | int, ...], *, key: bool = False
) -> tuple[int, int]:
    """The line and column of ``loc`` (entry index, then field names) among one-line entries."""
    if not loc or not isinstance(loc[0], int) or loc[0] >= len(lines):
        return (1, 1)
    number, line = lines[loc[0]]
    return (number, column_in(line, tuple(str(p) for p in loc[1:]), key=key))


def column_in(line: str, loc: tuple[str, ...], *, key: bool = False) -> int:
    """The 1-based column of a field (or, with ``key``, of its name) in a one-line entry."""
    column = 2
    for part in loc:
        quoted = json.dumps(part, ensure_ascii=False)
        found = line.find(quoted + ":", column)
        if found == -1:
            break
        column = found if key and part == loc[-1] else found + len(quoted) + 2
    return column + 1


def plain_entries(lines: list[tuple[int, str]]) -> list[Entry] | None:
    """The entries of tool-written lines read without the schema (``lines.line_entries``),
    as ``Entry`` objects; None where the schema must judge."""
    from zctasks.log.lines import line_entries

    read = line_entries(lines)
    return None if read is None else [line.entry() for line in read]


def read_entry_line(raw: bytes) -> Entry:
    """An entry from one line of a file that was checked when it was indexed."""
    return load_entry(_loads(raw.decode("utf-8").rstrip("\n")[2:]))


def line_form_problem(text: str) -> tuple[int, str] | None:
    """Where a month file leaves the one-entry-a-line form that union merges need, or None."""
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.rstrip()
        if not stripped or stripped.startswith("#"):
            continue
        if not (stripped.startswith("- {") and stripped.endswith("}")):
            return number, stripped
    return None


def conflict_markers(name: str, raw: bytes) -> list[Diagnostic]:
    """Git's conflict markers, as a merge without ``merge=union`` leaves them."""
    if b"<<<<<<<" not in raw and b">>>>>>>" not in raw and b"=======" not in raw:
        return []
    text = raw.decode("utf-8", errors="replace")
    found = []
    for match in _CONFLICT.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        found.append(
            Diagnostic(
                name,
                line,
                1,
                "conflict-marker",
                f"git 合并冲突标记“{match.group(1)}”：两个分支的进展记录没有按行合并",
                "保留两边的全部记录行，删去 <<<<<<<、=======、>>>>>>> 标记行；"
                "再在 .gitattributes 中写入 data/progress/*.yaml merge=union"
                "（zctasks hooks install 会写入），以后的合并就不会冲突",
            )
        )
    return found


def parse_file(
    relative: Path, raw: bytes, *, plain: bool = False
) -> tuple[list[tuple[Entry, Any, int]], list[Diagnostic]]:
    """The entries of one progress file, each with its document and index, or its problems.

    With ``plain``, tool-written lines are first read without the schema
    (``plain_entries``): for a few changed lines that is cheaper than loading pydantic.
    """
    from zctasks.files import yamlfile
    from zctasks.plan import schema

    name = relative.as_posix()
    markers = conflict_markers(name, raw)
    if markers:
        return [], markers
    if b"\r" in raw:
        crlf = crlf_problem(name, raw.decode("utf-8-sig", errors="replace"))
        assert crlf is not None
        return [], [crlf]
    fast = LinesDoc.read(name, raw)
    if fast is not None:
        read = plain_entries(fast.lines) if plain else None
        if read is None:
            payload = "[" + ",".join(line[2:] for _, line in fast.lines) + "]"
            try:
                read, found = schema.validate(fast, list[Entry], payload, labels=FIELD_NAMES)
            except ValueError:  # not JSON after all (NaN, a 5,000-digit number): YAML says
                read, found = None, []
                if _ESCAPED_SURROGATE.search(raw):  # …but it cannot say where this is
                    return [], line_problems(name, fast.lines, raw, [])
            else:
                if read is None:
                    return [], found
        if read is not None:
            found = line_problems(name, fast.lines, raw, read)
            if found:
                return [], found
            return [(entry, fast, i) for i, entry in enumerate(read)], []
    doc, found = yamlfile.parse(name, raw, strict_numbers=True)
    if doc is None or found:
        return [], found
    if doc.data is None:
        return [], []
    if not isinstance(doc.data, list):
        return [], [doc.diagnostic((), "type", "进展文件应为条目列表（每行以“- ”开头）")]
    entries, found = schema.validate(doc, list[Entry])
    if entries is None:
        return [], found
    located = [(entry, doc, i) for i, entry in enumerate(entries)]
    off_form = line_form_problem(raw.decode("utf-8-sig", errors="replace"))
    if off_form is not None and entries:
        line, _ = off_form
        found = [
            Diagnostic(
                name,
                line,
                1,
                "line-form",
                "进展文件不是每行一条记录的格式，git 按行合并时可能把记录拆散",
                "每条记录写成一行 - {…}；zctasks 不会向这样的文件追加记录",
                "warning",
            )
        ]
    return located, found


_UNNAMEABLE = re.compile("[\\s\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


WHERE_TYPED = {
    "cli": {"date": "记录时用 --date 指定", "forced": "确需代报时用 --force 写明代报原因"},
    "sheet": {"date": "在“日期”列填写", "forced": "确需代报时在表中加“代报原因”列写明原因"},
    "yaml": {"date": "在 date 中填写", "forced": "确需代报时用 forced 写明代报原因"},
    "file": {"date": "在 date 中填写", "forced": "确需代报时用 forced 写明代报原因"},
}
"""How a hint says to give a field, where the entry was typed: only what exists there."""


def check_entry(
    ledger: Ledger, entry: AnyEntry, doc: Any, i: int | str, how: str = "file"
) -> list[Diagnostic]:
    """Problems of one entry against the plan (``i`` locates it in ``doc``; ``how`` says
    where it was typed: cli, sheet, yaml or file)."""
    say = WHERE_TYPED.get(how, WHERE_TYPED["file"])
    found: list[Diagnostic] = []
    if not entry.id or _UNNAMEABLE.search(entry.id):
        found.append(
            doc.diagnostic(
                (i, "id"),
                "entry-id",
                f"条目编号“{entry.id}”不能为空，也不能含空白或控制字符",
                "编号由 zctasks 生成；手工追加的记录也应写成 2023-07-14-7-5d0e9a 的形式",
            )
        )
    task = ledger.tasks.get(entry.task)
    if task is None:
        return [*found, doc.diagnostic((i, "task"), "unknown-task", f"没有第 {entry.task} 项任务")]
    period = ledger.plan.period
    if not period.start <= entry.date <= period.end:
        found.append(
            doc.diagnostic(
                (i, "date"),
                "date-outside-period",
                f"日期 {entry.date} 不在计划期 {period.start} 至 {period.end} 内",
                f"进展日期是进展所截至的那一天，{say['date']}",
            )
        )
    if entry.received is not None and entry.received < entry.date:
        found.append(
            doc.diagnostic(
                (i, "received"),
                "received-before-date",
                f"收到日期 {entry.received} 早于进展所截至的日期 {entry.date}",
                "日期写进展所截至的那一天，收到日期写单位报来的那一天，不能早于前者",
            )
        )
    at = entry.at
    if at is not None and at.utcoffset() is None:
        found.append(
            doc.diagnostic(
                (i, "at"),
                "type",
                f"记录时间 {at.isoformat()} 缺少时区",
                "写作 2023-07-14T10:30:00.000+08:00",
            )
        )
    if entry.fixes and entry.voids:
        found.append(
            doc.diagnostic(
                (i, "voids"), "fix-and-void", "一条记录不能同时更正（fixes）和撤销（voids）"
            )
        )
    if entry.voids:
        return found + _check_withdrawal(entry, doc, i)
    if entry.status is None:
        found.append(
            doc.diagnostic((i,), "missing-field", "缺少字段 “status”（状态）", "补上该字段")
        )
    if not entry.note.strip():
        found.append(doc.diagnostic((i, "note"), "empty", "进展情况（note）不能为空"))
    if entry.by not in ledger.reporters(task.id):
        found += _check_reporter(ledger, task, entry, doc, i, say["forced"])
    if entry.values:
        found += _check_values(ledger, task, entry, doc, i)
    if entry.estimates:
        found += _check_values(ledger, task, entry, doc, i, "estimates")
    return found


def suspects(ledger: Ledger, entries: list[Any], year_month: tuple[int, int] | None) -> list[int]:
    """Which of ``entries`` (in the month file of ``year_month``) ``check_entry`` or the
    month rule could find a problem in: the others have none, and a million entries are not
    each put through every check. Every condition under which ``check_entry`` reports
    something makes an entry a suspect (``tests/test_cache.py`` checks the two agree)."""
    tasks = ledger.tasks
    period = ledger.plan.period
    start, end = period.start, period.end
    reporters, targets_of = ledger.reporters, ledger.targets_of
    ids = "\n".join(entry.id for entry in entries)  # a newline is unnameable too
    plain = ids.isascii() and ids.replace("\n", "").isprintable() and " " not in ids
    broken = "\n\n" in f"\n{ids}\n" or ids.count("\n") != len(entries) - 1
    if broken or (not plain and _UNNAMEABLE.search(ids.replace("\n", ""))):
        return list(range(len(entries)))
    if _all_clean(ledger, entries, year_month):
        return []
    found = []
    for k, entry in enumerate(entries):
        task = tasks.get(entry.task)
        day = entry.date
        at = entry.at
        if (
            task is None
            or not start <= day <= end
            or (day.year, day.month) != year_month
            or (entry.received is not None and entry.received < day)
            or (at is not None and at.utcoffset() is None)
            or entry.voids
            or entry.status is None
            or not entry.note
            or entry.note.isspace()
            or entry.by not in reporters(task.id)
            or (entry.values and not _figures_fit(targets_of(task.id), entry.values))
            or (entry.estimates and not _figures_fit(targets_of(task.id), entry.estimates))
        ):
            found.append(k)
    return found


def _all_clean(ledger: Ledger, entries: list[Any], year_month: tuple[int, int] | None) -> bool:
    """Whether no entry can be a suspect, judged on the columns at once: the usual case of a
    month file as the tool writes it, at the speed of ``map`` and sets. Any doubt (False)
    sends every entry through the one-by-one test."""
    from itertools import chain
    from operator import attrgetter

    if year_month is None or not entries:
        return False
    period = ledger.plan.period
    days = list(map(attrgetter("date"), entries))
    first, last = min(days), max(days)
    if (first.year, first.month) != year_month or (last.year, last.month) != year_month:
        return False
    if not period.start <= first or not last <= period.end:
        return False
    tasks = list(map(attrgetter("task"), entries))
    if not set(tasks) <= ledger.tasks.keys():
        return False
    if set(map(attrgetter("received"), entries)) != {None}:
        return False  # a received day: one by one
    if None in set(map(attrgetter("tzinfo"), filter(None, map(attrgetter("at"), entries)))):
        return False
    if any(map(attrgetter("voids"), entries)) or None in set(map(attrgetter("status"), entries)):
        return False
    notes = list(map(attrgetter("note"), entries))
    if not all(notes) or any(map(str.isspace, notes)):
        return False
    for task_id, unit in set(zip(tasks, map(attrgetter("by"), entries), strict=True)):
        if unit not in ledger.reporters(task_id):
            return False
    known = {task_id: ledger.targets_of(task_id) for task_id in set(tasks)}
    names = {task_id: set(targets) for task_id, targets in known.items()}
    for name in ("values", "estimates"):
        figures = list(map(attrgetter(name), entries))
        numbers = list(chain.from_iterable(map(dict.values, figures)))
        if not numbers:
            continue
        if not (min(numbers) > -LIMIT and max(numbers) < LIMIT):
            return False
        # every figure names a target of its entry's task: a set test an entry, in C
        if not all(map(set.issuperset, map(names.__getitem__, tasks), figures)):
            return False
        if min(numbers) < 0:
            for task_id, figure in zip(tasks, figures, strict=True):
                if any(
                    value < 0 and not known[task_id][target].change
                    for target, value in figure.items()
                ):
                    return False
    return True


def _figures_fit(targets: dict[str, Any], figures: dict[str, Any]) -> bool:
    for target_id, value in figures.items():
        target = targets.get(target_id)
        if target is None or not -LIMIT < value < LIMIT or (value < 0 and not target.change):
            return False
    return True


def _check_withdrawal(entry: AnyEntry, doc: Any, i: int | str) -> list[Diagnostic]:
    found = []
    if not entry.reason.strip():
        found.append(doc.diagnostic((i, "voids"), "empty", "撤销记录须写明原因（reason）"))
    carried = [
        name
        for name in (
            "status",
            "note",
            "values",
            "estimates",
            "source",
            "next",
            "problems",
            "forced",
            "fixes",
        )
        if getattr(entry, name)
    ]
    if carried:
        names = "、".join(FIELD_NAMES[name] for name in carried)
        found.append(
            doc.diagnostic(
                (i, carried[0]),
                "void-with-report",
                f"撤销记录不应带有进展内容（{names}）",
                "要改正一条记录用 zctasks progress fix；撤销记录只写 voids 和 reason",
                key=True,
            )
        )
    return found


def _check_values(
    ledger: Ledger, task: Task, entry: AnyEntry, doc: Any, i: int | str, field: str = "values"
) -> list[Diagnostic]:
    """The figures of ``values`` (or of ``estimates``): known targets, real numbers, no
    negative figure where the target cannot be negative."""
    found: list[Diagnostic] = []
    figures: dict[str, Any] = getattr(entry, field)
    targets = ledger.targets_of(task.id)
    for target_id, value in figures.items():
        target = targets.get(target_id)
        if target is None:
            hint = (
                f"任务 {task.id} 的指标：{'、'.join(sorted(targets))}"
                if targets
                else f"任务 {task.id} 没有量化指标"
            )
            found.append(
                doc.diagnostic(
                    (i, field, target_id),
                    "unknown-target",
                    f"指标 {target_id} 不属于任务 {task.id}",
                    hint,
                    key=True,
                )
            )
            continue
        problem = None if -LIMIT < value < LIMIT else number_problem(value)  # NaN goes on
        if problem is not None:
            found.append(
                doc.diagnostic((i, field, target_id), "number", f"指标 {target_id} 的{problem}")
            )
        elif value < 0 and not target.change:
            found.append(
                doc.diagnostic(
                    (i, field, target_id),
                    "range",
                    f"指标 {target_id} 的数值不能为负：{value}",
                    "只有增长率、变化量类指标（change: true）可以为负",
                )
            )
    return found


def _check_reporter(
    ledger: Ledger, task: Task, entry: AnyEntry, doc: Any, i: int | str, forced_how: str
) -> list[Diagnostic]:
    if entry.by not in ledger.units:
        return [
            doc.diagnostic(
                (i, "by"), "unknown-unit", f"未知单位“{entry.by}”", "单位名称用简称，如 区发改局"
            )
        ]
    if entry.by in task.units() or entry.forced.strip():
        return []
    named = "、".join(u for u in task.units() if u in ledger.units) or "无"
    return [
        doc.diagnostic(
            (i, "by"),
            "unit-not-on-task",
            f"{entry.by} 不是任务 {task.id} 的责任单位",
            f"该任务的单位：{named}；{forced_how}",
        )
    ]


def load_entry(values: dict[str, Any]) -> Entry:
    """An entry from a line already validated when its file was indexed: no schema pass."""
    raw_at = values.get("at")
    return Entry(
        id=values["id"],
        task=values["task"],
        date=date.fromisoformat(values["date"]),
        by=values["by"],
        status=values.get("status"),
        note=values.get("note", ""),
        values=dict(values.get("values", {})),
        estimates=dict(values.get("estimates", {})),
        source=values.get("source", ""),
        next=values.get("next", ""),
        problems=values.get("problems", ""),
        forced=values.get("forced", ""),
        at=datetime.fromisoformat(raw_at) if raw_at else None,
        received=date.fromisoformat(values["received"]) if values.get("received") else None,
        fixes=values.get("fixes", ""),
        voids=values.get("voids", ""),
        reason=values.get("reason", ""),
    )
