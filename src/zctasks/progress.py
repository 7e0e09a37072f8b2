"""Progress entries: one month a file, one entry a line, appended by the tool.

Each entry is written as a one-line YAML flow mapping (``- {"id": …}``) so that a git
``merge=union`` of two branches that both appended to the same month can only put whole
entries side by side: there is no multi-line block whose lines a merge could interleave.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from zctasks import cache
from zctasks.errors import Diagnostic, LedgerInvalid
from zctasks.ledger import Ledger
from zctasks.models import Entry, Task
from zctasks.root import PROGRESS_DIR
from zctasks.yamlfile import Located

HEADER = "# 进展记录：由 zctasks 追加写入，每行一条；请勿手工调整顺序或合并行。\n"
_OPTIONAL = ("source", "next", "problems", "forced")


def month_file(day: date) -> Path:
    return PROGRESS_DIR / f"{day:%Y-%m}.yaml"


def entry_line(entry: Entry) -> str:
    """The entry as one line of YAML (a JSON object is a YAML flow mapping)."""
    record: dict[str, Any] = {
        "id": entry.id,
        "task": entry.task,
        "date": entry.date.isoformat(),
        "by": entry.by,
        "status": entry.status,
    }
    if entry.values:
        record["values"] = entry.values
    record["note"] = entry.note
    for name in _OPTIONAL:
        if getattr(entry, name):
            record[name] = getattr(entry, name)
    return "- " + json.dumps(record, ensure_ascii=False) + "\n"


def entry_json(entry: Entry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "task": entry.task,
        "date": entry.date.isoformat(),
        "by": entry.by,
        "status": entry.status,
        "values": dict(entry.values),
        "note": entry.note,
        "source": entry.source,
        "next": entry.next,
        "problems": entry.problems,
        "forced": entry.forced,
    }


@dataclass
class Progress:
    """Every entry of a ledger, in date order, indexed by task."""

    entries: list[Entry] = field(default_factory=list)
    by_task: dict[int, list[Entry]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.entries.sort(key=lambda e: (e.date, e.id))
        index: dict[int, list[Entry]] = defaultdict(list)
        for entry in self.entries:
            index[entry.task].append(entry)
        self.by_task = dict(index)

    def of_task(self, task_id: int, until: date | None = None) -> list[Entry]:
        entries = self.by_task.get(task_id, [])
        return entries if until is None else [e for e in entries if e.date <= until]


def progress_files(root: Path) -> list[Path]:
    folder = root / PROGRESS_DIR
    if not folder.is_dir():
        return []
    return sorted(p.relative_to(root) for p in folder.glob("*.yaml") if p.is_file())


def _contents(root: Path) -> dict[Path, bytes]:
    return {relative: (root / relative).read_bytes() for relative in progress_files(root)}


def load(root: Path, ledger: Ledger) -> Progress:
    """All progress of the ledger, checked; from the cache when nothing changed."""
    from zctasks.ledger import _inputs, plan_key

    plan_contents, _ = _inputs(root)
    contents = _contents(root)
    entry = cache.key(
        "progress",
        [("plan", plan_key(plan_contents).encode()), *((str(p), c) for p, c in contents.items())],
    )
    cached = cache.load(entry)
    if isinstance(cached, Progress):
        return cached
    progress, diagnostics = _check_contents(ledger, contents)
    if any(d.severity == "error" for d in diagnostics):
        raise LedgerInvalid(diagnostics)
    cache.store(entry, progress)
    return progress


def check(root: Path, ledger: Ledger) -> tuple[Progress, list[Diagnostic]]:
    return _check_contents(ledger, _contents(root))


class LinesDoc(Located):
    """A progress file written by the tool: one JSON object a line after ``- ``.

    Read with the JSON parser, which is many times faster than YAML for a large ledger;
    positions are found in the line's text when a diagnostic needs one. Anything else (a
    hand-edited file) goes through the YAML reader.
    """

    def __init__(self, path: str, data: list[Any], lines: list[tuple[int, str]]) -> None:
        self.path = path
        self.data = data
        self.lines = lines

    @classmethod
    def read(cls, path: str, raw: bytes) -> LinesDoc | None:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return None
        data: list[Any] = []
        lines: list[tuple[int, str]] = []
        for number, line in enumerate(text.split("\n"), 1):
            if not line or line.startswith("#"):
                continue
            if not line.startswith("- {") or not line.endswith("}"):
                return None
            try:
                value = json.loads(line[2:])
            except ValueError:
                return None
            if not isinstance(value, dict):
                return None
            data.append(value)
            lines.append((number, line))
        return cls(path, data, lines)

    def where(self, loc: tuple[str | int, ...], *, key: bool = False) -> tuple[int, int]:
        if not loc or not isinstance(loc[0], int) or loc[0] >= len(self.lines):
            return (1, 1)
        number, line = self.lines[loc[0]]
        column = 2
        for part in loc[1:]:
            found = line.find(json.dumps(str(part), ensure_ascii=False) + ":", column)
            if found == -1:
                break
            column = (
                found
                if key and part == loc[-1]
                else found + len(json.dumps(str(part), ensure_ascii=False)) + 2
            )
        return (number, column + 1)


def parse_file(relative: Path, raw: bytes) -> tuple[list[tuple[Entry, Any, int]], list[Diagnostic]]:
    """The entries of one progress file, each with its document and index, or its problems."""
    from zctasks import schema, yamlfile

    name = relative.as_posix()
    fast = LinesDoc.read(name, raw)
    if fast is not None:
        payload = "[" + ",".join(line[2:] for _, line in fast.lines) + "]"
        entries, found = schema.validate(fast, list[Entry], payload)
        if entries is None:
            return [], found
        fast.data = []  # positions come from the lines; the parsed dicts are no longer needed
        return [(entry, fast, i) for i, entry in enumerate(entries)], []
    doc, found = yamlfile.parse(name, raw)
    if doc is None or found:
        return [], found
    if doc.data is None:
        return [], []
    if not isinstance(doc.data, list):
        return [], [doc.diagnostic((), "type", "进展文件应为条目列表（每行以“- ”开头）")]
    entries, found = schema.validate(doc, list[Entry])
    if entries is None:
        return [], found
    return [(entry, doc, i) for i, entry in enumerate(entries)], []


def _check_contents(
    ledger: Ledger, contents: dict[Path, bytes]
) -> tuple[Progress, list[Diagnostic]]:
    diagnostics: list[Diagnostic] = []
    located: list[tuple[Entry, Any, int]] = []
    for relative, raw in contents.items():
        entries, found = parse_file(relative, raw)
        diagnostics += found
        for entry, doc, i in entries:
            problems = check_entry(ledger, entry, doc, i)
            if relative != month_file(entry.date):
                problems.append(
                    doc.diagnostic(
                        (i, "date"),
                        "wrong-month",
                        f"条目 {entry.id} 的日期 {entry.date} 不属于 {relative.name}",
                        f"应记在 {month_file(entry.date).as_posix()}",
                    )
                )
            diagnostics += problems
            located.append((entry, doc, i))
    diagnostics += _check_across(ledger, located)
    valid = [entry for entry, _, _ in located]
    return Progress(valid), diagnostics


def check_entry(ledger: Ledger, entry: Entry, doc: Any, i: int | str) -> list[Diagnostic]:
    """Problems of one entry against the plan (``i`` locates it in ``doc``)."""
    found: list[Diagnostic] = []
    task = ledger.tasks.get(entry.task)
    if task is None:
        return [doc.diagnostic((i, "task"), "unknown-task", f"没有第 {entry.task} 项任务")]
    period = ledger.plan.period
    if not period.start <= entry.date <= period.end:
        found.append(
            doc.diagnostic(
                (i, "date"),
                "date-outside-period",
                f"日期 {entry.date} 不在计划期 {period.start} 至 {period.end} 内",
                "进展日期是进展所截至的那一天；记录时用 --date 指定",
            )
        )
    if not entry.note.strip():
        found.append(doc.diagnostic((i, "note"), "empty", "进展情况（note）不能为空"))
    found += _check_reporter(ledger, task, entry, doc, i)
    targets = {t.id for t in task.targets}
    for target_id, value in entry.values.items():
        if target_id not in targets:
            hint = (
                f"任务 {task.id} 的指标：{'、'.join(sorted(targets))}"
                if targets
                else f"任务 {task.id} 没有量化指标"
            )
            found.append(
                doc.diagnostic(
                    (i, "values", target_id),
                    "unknown-target",
                    f"指标 {target_id} 不属于任务 {task.id}",
                    hint,
                    key=True,
                )
            )
        elif value < 0:
            found.append(
                doc.diagnostic(
                    (i, "values", target_id), "range", f"指标 {target_id} 的数值不能为负：{value}"
                )
            )
    return found


def _check_reporter(
    ledger: Ledger, task: Task, entry: Entry, doc: Any, i: int | str
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
            f"该任务的单位：{named}；确需代报时用 --force 并说明原因",
        )
    ]


def _check_across(ledger: Ledger, located: list[tuple[Entry, Any, int]]) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    first: dict[str, tuple[Any, int]] = {}
    for entry, doc, i in located:
        if entry.id in first:
            other_doc, other_i = first[entry.id]
            line = other_doc.where((other_i, "id"))[0]
            found.append(
                doc.diagnostic(
                    (i, "id"),
                    "duplicate-entry",
                    f"条目编号 {entry.id} 重复",
                    f"与 {other_doc.path} 第 {line} 行相同；合并分支后可能重复，请删除多余的一行",
                )
            )
        else:
            first[entry.id] = (doc, i)
    ordered = sorted(located, key=lambda item: (item[0].date, item[0].id))
    last: dict[str, tuple[float, Entry]] = {}
    for entry, doc, i in ordered:
        task = ledger.tasks.get(entry.task)
        if task is None:
            continue
        for target in task.targets:
            if not target.accrues or target.id not in entry.values:
                continue
            value = entry.values[target.id]
            if target.id in last and value < last[target.id][0]:
                earlier_value, earlier = last[target.id]
                found.append(
                    doc.diagnostic(
                        (i, "values", target.id),
                        "decreasing",
                        f"累计指标 {target.id} 从 {earlier_value:g}（{earlier.date}）降到 {value:g}",
                        "累计指标应填写年初至今的累计数",
                        severity="warning",
                    )
                )
            last[target.id] = (value, entry)
    return found
