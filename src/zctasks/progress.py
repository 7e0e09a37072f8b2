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
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from zctasks.errors import Diagnostic
from zctasks.figures import number_problem
from zctasks.ledger import Ledger
from zctasks.models import Entry, Task
from zctasks.root import PROGRESS_DIR
from zctasks.yamlfile import Located

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
    "source": "依据",
    "next": "下步计划",
    "problems": "存在问题",
    "forced": "代报原因",
    "at": "记录时间",
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
        record["note"] = entry.note
        for name in _OPTIONAL:
            if getattr(entry, name):
                record[name] = getattr(entry, name)
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
        "note": entry.note,
        "source": entry.source,
        "next": entry.next,
        "problems": entry.problems,
        "forced": entry.forced,
        "at": entry.at.isoformat(timespec="milliseconds") if entry.at else None,
        "fixes": entry.fixes or None,
        "voids": entry.voids or None,
        "reason": entry.reason,
    }


def report_key(entry: Entry) -> tuple[Any, ...]:
    """What makes two reports the same report: task, unit, date, figures and note."""
    return (entry.task, entry.by, entry.date, tuple(sorted(entry.values.items())), entry.note)


def _order(entry: Entry) -> tuple[date, float]:
    """Reports stand in the order of their date, then of the moment they were recorded;
    entries from before ``at`` existed come first on their day, in file order."""
    return (entry.date, entry.at.timestamp() if entry.at is not None else float("-inf"))


class Progress:
    """Every recorded entry, and the effective reports indexed by task, in (date, at) order."""

    def __init__(self, recorded: list[Entry]) -> None:
        self.recorded = sorted(recorded, key=_order)
        """The whole log: reports, corrections and withdrawals."""
        replaced: dict[str, list[Entry]] = defaultdict(list)
        for entry in self.recorded:
            if entry.replaces():
                replaced[entry.replaces()].append(entry)
        self.replaced_by: dict[str, list[Entry]] = dict(replaced)
        """Entry id → the corrections and withdrawals that name it."""
        self.entries = [e for e in self.recorded if not e.voids and e.id not in replaced]
        """The effective reports."""
        index: dict[int, list[Entry]] = defaultdict(list)
        for entry in self.entries:
            index[entry.task].append(entry)
        self.by_task: dict[int, list[Entry]] = dict(index)

    def of_task(self, task_id: int, until: date | None = None) -> list[Entry]:
        entries = self.by_task.get(task_id, [])
        return entries if until is None else [e for e in entries if e.date <= until]

    def find(self, entry_id: str) -> Entry | None:
        return next((e for e in self.recorded if e.id == entry_id), None)

    def matching(self, entry: Entry) -> Entry | None:
        """An effective report identical to ``entry`` (same task, unit, date, figures, note)."""
        key = report_key(entry)
        return next(
            (e for e in self.by_task.get(entry.task, []) if report_key(e) == key),
            None,
        )


def progress_files(root: Path) -> list[Path]:
    """The month files, relative to ``root``; a ``.yml`` file is listed too, so that
    ``check`` reports it instead of ignoring what is in it."""
    folder = root / PROGRESS_DIR
    if not folder.is_dir():
        return []
    return sorted(
        p.relative_to(root)
        for p in folder.iterdir()
        if p.suffix in (".yaml", ".yml") and not p.name.startswith(".") and p.is_file()
    )


def read_contents(root: Path) -> dict[Path, bytes]:
    """Every month file's bytes; one over the size limit raises ``InputTooLarge``."""
    from zctasks.limits import read_bounded

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


class LinesDoc(Located):
    """A progress file written by the tool: one JSON object a line after ``- ``.

    Read with the JSON parser, which is many times faster than YAML for a large ledger;
    positions are found in the line's text when a diagnostic needs one. Anything else (a
    hand-edited file, a line JSON would read differently from YAML, such as ``NaN``) goes
    through the YAML reader, which locates every problem.
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
                value = json.loads(
                    line[2:],
                    parse_constant=_refuse,
                    parse_float=_finite,
                    parse_int=_bounded_int,
                )
            except (ValueError, RecursionError):
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


def parse_file(relative: Path, raw: bytes) -> tuple[list[tuple[Entry, Any, int]], list[Diagnostic]]:
    """The entries of one progress file, each with its document and index, or its problems."""
    from zctasks import schema, yamlfile

    name = relative.as_posix()
    markers = conflict_markers(name, raw)
    if markers:
        return [], markers
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


def check_files(ledger: Ledger, contents: dict[Path, bytes]) -> tuple[Progress, list[Diagnostic]]:
    """Every entry of every month file, checked one by one and against each other."""
    diagnostics: list[Diagnostic] = []
    located: list[tuple[Entry, Any, int]] = []
    for relative, raw in contents.items():
        if relative.suffix != ".yaml":
            diagnostics.append(
                Diagnostic(
                    relative.as_posix(),
                    1,
                    1,
                    "file-name",
                    f"进展文件应以 .yaml 结尾：{relative.name} 中的记录不会被读取",
                    f"改名为 {relative.stem}.yaml；如已有同名文件，把记录行移过去",
                )
            )
            continue
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
    progress = Progress([entry for entry, _, _ in located])
    diagnostics += _check_across(ledger, located, progress)
    return progress, diagnostics


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
    if entry.at is not None and entry.at.utcoffset() is None:
        found.append(
            doc.diagnostic(
                (i, "at"),
                "type",
                f"记录时间 {entry.at.isoformat()} 缺少时区",
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
    found += _check_reporter(ledger, task, entry, doc, i)
    found += _check_values(task, entry, doc, i)
    return found


def _check_withdrawal(entry: Entry, doc: Any, i: int | str) -> list[Diagnostic]:
    found = []
    if not entry.reason.strip():
        found.append(doc.diagnostic((i, "voids"), "empty", "撤销记录须写明原因（reason）"))
    carried = [
        name
        for name in ("status", "note", "values", "source", "next", "problems", "forced", "fixes")
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


def _check_values(task: Task, entry: Entry, doc: Any, i: int | str) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    targets = {t.id: t for t in task.targets}
    for target_id, value in entry.values.items():
        target = targets.get(target_id)
        if target is None:
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
            continue
        problem = number_problem(value)
        if problem is not None:
            found.append(
                doc.diagnostic((i, "values", target_id), "number", f"指标 {target_id} 的{problem}")
            )
        elif value < 0 and not target.change:
            found.append(
                doc.diagnostic(
                    (i, "values", target_id),
                    "range",
                    f"指标 {target_id} 的数值不能为负：{value}",
                    "只有增长率、变化量类指标（change: true）可以为负",
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


def _check_across(
    ledger: Ledger, located: list[tuple[Entry, Any, int]], progress: Progress
) -> list[Diagnostic]:
    """Ids, corrections and withdrawals, identical reports and falling cumulative figures."""
    found: list[Diagnostic] = []
    first: dict[str, tuple[Entry, Any, int]] = {}
    where: dict[int, tuple[Any, int]] = {}
    for entry, doc, i in located:
        where[id(entry)] = (doc, i)
        if entry.id in first:
            _, other_doc, other_i = first[entry.id]
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
            first[entry.id] = (entry, doc, i)
    for entry, doc, i in located:
        target_id = entry.replaces()
        if target_id:
            found += _check_replacement(entry, doc, i, first.get(target_id))
    for target_id, replacements in progress.replaced_by.items():
        if len(replacements) > 1 and target_id in first:
            later = replacements[-1]
            doc, i = where[id(later)]
            ids = "、".join(e.id for e in replacements)
            found.append(
                doc.diagnostic(
                    (i, "fixes" if later.fixes else "voids"),
                    "replaced-twice",
                    f"条目 {target_id} 被更正或撤销了 {len(replacements)} 次（{ids}），都视为有效",
                    "两个分支各自更正了同一条记录；核对后用 zctasks progress void 撤销多余的一条",
                    severity="warning",
                )
            )
    seen: dict[tuple[Any, ...], Entry] = {}
    for entry in progress.entries:
        key = report_key(entry)
        if key in seen:
            doc, i = where[id(entry)]
            found.append(
                doc.diagnostic(
                    (i, "id"),
                    "duplicate-report",
                    f"条目 {entry.id} 与 {seen[key].id} 的内容完全相同",
                    f"同一份报送记了两次；用 zctasks progress void {entry.id} --reason 重复 撤销一条",
                    severity="warning",
                )
            )
        else:
            seen[key] = entry
    found += _check_decreasing(ledger, progress, where)
    return found


def _check_replacement(
    entry: Entry, doc: Any, i: int, target: tuple[Entry, Any, int] | None
) -> list[Diagnostic]:
    field = "fixes" if entry.fixes else "voids"
    verb = "更正" if entry.fixes else "撤销"
    if target is None:
        return [
            doc.diagnostic(
                (i, field),
                "unknown-entry",
                f"要{verb}的条目 {entry.replaces()} 不存在",
                "用 zctasks progress log 查看条目编号",
            )
        ]
    original = target[0]
    if original is entry:
        return [doc.diagnostic((i, field), "unknown-entry", f"条目 {entry.id} 不能{verb}自己")]
    if original.voids:
        return [
            doc.diagnostic(
                (i, field), "void-of-void", f"条目 {original.id} 是撤销记录，不能再{verb}"
            )
        ]
    if original.task != entry.task:
        return [
            doc.diagnostic(
                (i, "task"),
                "fix-other-task",
                f"{verb}记录的任务 {entry.task} 与原条目 {original.id} 的任务 {original.task} 不同",
                "报错了任务的记录，先撤销（progress void），再在正确的任务下重新记录",
            )
        ]
    return []


def _check_decreasing(
    ledger: Ledger, progress: Progress, where: dict[int, tuple[Any, int]]
) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    last: dict[str, tuple[float, Entry]] = {}
    for entry in progress.entries:
        task = ledger.tasks.get(entry.task)
        if task is None:
            continue
        for target in task.targets:
            if not target.accrues or target.id not in entry.values:
                continue
            value = entry.values[target.id]
            if target.id in last and value < last[target.id][0]:
                earlier_value, earlier = last[target.id]
                doc, i = where[id(entry)]
                found.append(
                    doc.diagnostic(
                        (i, "values", target.id),
                        "decreasing",
                        f"累计指标 {target.id} 从 {earlier_value:g}（{earlier.date}）降到 {value:g}",
                        "累计指标应填写年初至今的累计数；填错了用 zctasks progress fix 更正",
                        severity="warning",
                    )
                )
            last[target.id] = (value, entry)
    return found
