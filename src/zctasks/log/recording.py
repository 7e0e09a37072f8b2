"""Turning what a user or a department sends into entries, and appending them to the log.

Reports, corrections (``fixes``) and withdrawals (``voids``) are drafted here, checked
against the plan, and appended in one transaction (``writer.update``) that re-reads the
month files under the lock: an id taken meanwhile, an entry corrected meanwhile, or the
same report recorded meanwhile is seen there, not only before.
"""

from __future__ import annotations

import contextlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from zctasks.files.errors import Diagnostic, LedgerInvalid, Located, UsageError, ZctasksError
from zctasks.files.limits import size_problem
from zctasks.files.root import PROGRESS_DIR
from zctasks.files.writer import DEFAULT_LOCK_TIMEOUT, Transaction, update
from zctasks.files.yamlfile import YamlDoc
from zctasks.log.figures import BadNumber
from zctasks.log.progress import (
    FIELD_NAMES,
    HEADER,
    LinesDoc,
    check_entry,
    entry_line,
    entry_record,
    line_form_problem,
    month_file,
    parse_file,
)
from zctasks.log.store import Progress, report_key
from zctasks.plan.calendar import Calendar
from zctasks.plan.ledger import Ledger
from zctasks.plan.models import Entry

WARN_ABOVE = 1.5
"""A figure above this multiple of its target is recorded with a warning to check it."""


def new_id(day: date, task_id: int) -> str:
    return f"{day.isoformat()}-{task_id}-{secrets.token_hex(3)}"


def recorded_at() -> datetime:
    """Now, with the local UTC offset, to the millisecond."""
    now = datetime.now().astimezone()
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


Problem = tuple[str, str]
"""A problem with what was typed: the message and a hint, both in Chinese."""


def parse_values(
    pairs: list[str],
    units: dict[str, str] | None = None,
    how: str = "cli",
    option: str = "--value",
) -> tuple[dict[str, Any], list[Problem]]:
    """``["7.1=12.3", "56.2=85%"]`` → ``{"7.1": 12.3, "56.2": 85}``, every figure read by the
    one grammar (``inputs.parse_figure``, with the target's unit from ``units``), and every
    problem of every pair."""
    from zctasks.log.inputs import parse_figure

    example = f"例如 {option} 7.1=12.3" if how == "cli" else "例如 7.1=12.3；7.2=4"
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for pair in pairs:
        target_id, sep, text = pair.partition("=")
        target_id = target_id.strip()
        if not sep or not target_id:
            problems.append((f"指标值“{pair}”应写成 指标编号=数值", example))
            continue
        if target_id in values:
            problems.append(
                (
                    f"指标 {target_id} 给了两次数值",
                    f"每个指标只写一次 {option}；改正已记录的数值用 progress fix"
                    if how == "cli"
                    else "每个指标只写一次",
                )
            )
            continue
        try:
            values[target_id] = parse_figure(text, (units or {}).get(target_id))
        except BadNumber as exc:
            problems.append((f"指标 {target_id} 的{exc.message}", exc.hint))
    return values, problems


def target_units(ledger: Ledger, task_id: Any) -> dict[str, str]:
    """Each target of the task with its unit (none for a task that does not exist)."""
    task = ledger.tasks.get(task_id) if isinstance(task_id, int) else None
    return {t.id: t.unit for t in task.targets} if task is not None else {}


class Problems(UsageError):
    """Everything wrong with what was typed, all at once (exit 2)."""

    def __init__(self, what: str, problems: list[Problem]) -> None:
        super().__init__(f"{what}有 {len(problems)} 处错误，没有记录")
        self.problems = problems


def draft_entry(
    ledger: Ledger, fields: dict[str, Any], today: date, problems: list[Problem] | None = None
) -> Entry:
    """One entry from command-line fields; every problem, those found while reading what was
    typed (``problems``) and the entry's own, reported at once (exit 2)."""
    doc = YamlDoc("命令行", [dict(fields)])
    entries, found = validated(ledger, doc, today, how="cli")
    every = list(problems or []) + [(d.message, d.hint) for d in found]
    if every or not entries:
        raise Problems("进展记录", every)
    return entries[0]


def validated(
    ledger: Ledger, doc: YamlDoc, today: date, how: str = "yaml"
) -> tuple[list[Entry], list[Diagnostic]]:
    """The rows of ``doc`` as entries stamped with the moment of recording, or every
    problem located in ``doc``. ``how`` says where the rows were typed (cli, sheet, yaml),
    so that a hint names only what can be written there."""
    from zctasks.plan import schema

    for i, row in enumerate(doc.data):
        if not isinstance(row, dict):
            continue
        if isinstance(row.get("by"), str):  # any spelling of a unit; an unknown one is reported
            with contextlib.suppress(UsageError):
                row["by"] = ledger.resolve_unit(row["by"])
        if "id" not in row:
            task, day = row.get("task"), row.get("date")
            if isinstance(day, str) and _is_day(day) and isinstance(task, int):
                row["id"] = new_id(date.fromisoformat(day), task)
            else:
                row["id"] = "new"  # the schema reports the task or date
            doc.values.setdefault((i, "id"), doc.values.get((i,), (1, 1)))
    at = recorded_at()
    stamped: list[Entry] = []
    problems: list[Diagnostic] = []
    for i, row in enumerate(doc.data):
        if not isinstance(row, dict):
            problems.append(doc.diagnostic((i,), "type", "每条进展应为映射（字段: 值）"))
            continue
        entry, found = schema.validate(_Row(doc, i), Entry, labels=FIELD_NAMES)
        if entry is None:  # the schema's problems, and what can still be checked of the row
            problems += found + _raw_problems(ledger, row, doc, i)
            continue
        problems += [
            d for d in check_entry(ledger, entry, doc, i, how=how) if d.severity == "error"
        ]
        if entry.date > today:
            problems.append(
                doc.diagnostic(
                    (i, "date"),
                    "future-date",
                    f"日期 {entry.date} 晚于今天（{today}）",
                    "进展只能报到今天为止；日期写进展所截至的那一天",
                )
            )
        if entry.received is not None and entry.received > today:
            problems.append(
                doc.diagnostic(
                    (i, "received"),
                    "future-date",
                    f"收到日期 {entry.received} 晚于今天（{today}）",
                    "收到日期写单位报来的那一天",
                )
            )
        stamped.append(replace(entry, at=at))
    return stamped, problems


class _Row(Located):
    """One row of a document, located in it: each row is validated on its own, so that one
    row's problem never hides another's."""

    def __init__(self, doc: YamlDoc, index: int) -> None:
        self.doc, self.index = doc, index
        self.path = doc.path
        self.data = doc.data[index]

    def where(self, loc: tuple[str | int, ...], *, key: bool = False) -> tuple[int, int]:
        return self.doc.where((self.index, *loc), key=key)

    def diagnostic(
        self,
        loc: tuple[str | int, ...],
        code: str,
        message: str,
        hint: str = "",
        *,
        key: bool = False,
        severity: str = "error",
    ) -> Diagnostic:
        return self.doc.diagnostic(
            (self.index, *loc), code, message, hint, key=key, severity=severity
        )


def _raw_problems(ledger: Ledger, row: dict[str, Any], doc: YamlDoc, i: int) -> list[Diagnostic]:
    """The plan's checks on a row the schema refused: its task, unit and targets, where
    they are of the right type, so that all of a row's problems come out at once."""
    task = ledger.tasks.get(row["task"]) if isinstance(row.get("task"), int) else None
    found = []
    if isinstance(row.get("task"), int) and task is None:
        found.append(doc.diagnostic((i, "task"), "unknown-task", f"没有第 {row['task']} 项任务"))
    unit = row.get("by")
    if isinstance(unit, str) and unit not in ledger.units:
        found.append(
            doc.diagnostic(
                (i, "by"), "unknown-unit", f"未知单位“{unit}”", "单位名称用简称，如 区发改局"
            )
        )
    values = row.get("values")
    if task is not None and isinstance(values, dict):
        known = {t.id for t in task.targets}
        for target_id in values:
            if target_id not in known:
                found.append(
                    doc.diagnostic(
                        (i, "values", target_id),
                        "unknown-target",
                        f"指标 {target_id} 不属于任务 {task.id}",
                        key=True,
                    )
                )
    return found


def _is_day(value: Any) -> bool:
    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


def find_open(progress: Progress, reference: str) -> Entry:
    """The entry a user names (its full id, or the random part at its end) that can still
    be corrected or withdrawn; otherwise a message that says what became of it."""
    reference = reference.strip()
    entry = progress.find(reference)
    if entry is None:
        suffix = "-" + reference
        matches = [entry_id for entry_id in progress.ids if entry_id.endswith(suffix)]
        if len(matches) > 1:
            raise UsageError(
                f"编号“{reference}”对应 {len(matches)} 条记录：{'、'.join(matches)}",
                "请写完整的编号",
            )
        if not matches:
            raise UsageError(
                f"没有编号为“{reference}”的进展记录", "用 zctasks progress log 查看记录的编号"
            )
        entry = progress.find(matches[0])
        assert entry is not None
    if entry.voids:
        raise UsageError(f"条目 {entry.id} 是一条撤销记录，不能再更正或撤销")
    later = progress.replacements(entry.id)
    if later:
        last = later[-1]
        if last.voids:
            raise UsageError(f"条目 {entry.id} 已被撤销（{last.id}，原因：{last.reason}）")
        raise UsageError(
            f"条目 {entry.id} 已被 {last.id} 更正",
            f"要再改，请更正最新的记录：progress fix {last.id}",
        )
    return entry


def draft_fix(
    ledger: Ledger,
    original: Entry,
    given: dict[str, Any],
    drop: list[str],
    reason: str,
    today: date,
    problems: list[Problem] | None = None,
    keep_note: bool = False,
) -> Entry:
    """A correction: ``original`` with the fields the user gave, replacing it. It arrived
    when the report it corrects arrived (unless ``received`` is given). A new figure with
    the old note, where the note states the old figure, is refused unless ``keep_note``:
    the 台账 would show both."""
    from zctasks.log.figures import number
    from zctasks.plan.zones import plan_zone

    zone = plan_zone(ledger.reporting.time_zone)
    problems = list(problems or [])
    values = dict(original.values)
    estimates = {k: v for k, v in original.estimates.items() if k not in drop}
    for target_id in drop:
        if target_id not in values and target_id not in original.estimates:
            problems.append((f"原记录没有指标 {target_id} 的数值，无法删去", ""))
        else:
            values.pop(target_id, None)
    new_values = given.pop("values", {})
    changed = {k: values[k] for k, v in new_values.items() if k in values and values[k] != v}
    values.update(new_values)
    if "note" not in given and not keep_note:
        stated = [
            f"{k}={number(old)}" for k, old in changed.items() if number(old) in original.note
        ]
        if stated:
            problems.append(
                (
                    f"原进展情况“{original.note}”写的可能是更正前的数值（{'、'.join(stated)}）",
                    "用 --note 同时改正进展情况；确实不必改时加 --keep-note",
                )
            )
    estimates.update(given.pop("estimates", {}))
    arrived = original.received or (original.arrived(zone) if original.at else None)
    fields: dict[str, Any] = {
        "task": original.task,
        "date": original.date.isoformat(),
        "by": original.by,
        "status": original.status,
        "note": original.note,
        "source": original.source,
        "next": original.next,
        "problems": original.problems,
        "forced": original.forced,
        **({"received": arrived.isoformat()} if arrived is not None else {}),
        **given,
        "values": values,
        "estimates": estimates,
        "fixes": original.id,
        "reason": reason,
    }
    if "received" not in given and arrived is not None and str(fields["date"]) > str(arrived):
        del fields["received"]  # moved to a later day than it arrived: it arrives now
    entry = draft_entry(ledger, fields, today, problems)
    if entry.at is not None and entry.received == entry.at.astimezone(zone).date():
        entry = replace(entry, received=None)  # arrives the day it is recorded: said by at
    if _content(entry) == _content(original):
        raise UsageError(
            f"更正后的内容与条目 {original.id} 完全相同，没有记录",
            "用 --value、--note、--date 等给出要改的内容",
        )
    return entry


def _content(entry: Entry) -> dict[str, Any]:
    record = entry_record(entry)
    for name in ("id", "at", "fixes", "reason", "received"):
        record.pop(name, None)
    return record


def draft_void(original: Entry, reason: str) -> Entry:
    """A withdrawal of ``original``; it lands in the same month file."""
    if not reason.strip():
        raise UsageError("撤销需要写明原因", "例如 --reason 数值填错，已重新报送")
    return Entry(
        id=new_id(original.date, original.task),
        task=original.task,
        date=original.date,
        by=original.by,
        voids=original.id,
        reason=reason,
        at=recorded_at(),
    )


def warnings(ledger: Ledger, progress: Progress, entry: Entry) -> list[str]:
    """What to double-check in a new report: a figure far above its target, or a cumulative
    figure below the last one reported."""
    from zctasks.log.figures import number

    task = ledger.tasks[entry.task]
    found = []
    for target in task.targets:
        if target.id not in entry.values:
            continue
        value = entry.values[target.id]
        goal = target.max if target.op == "between" and target.max is not None else target.value
        if goal > 0 and value > goal * WARN_ABOVE:
            found.append(
                f"指标 {target.id} 填报 {number(value)}{target.unit}，是目标{number(goal)}{target.unit}的"
                f"{value / goal * 100:.0f}%，请核对数值和单位"
            )
        elif target.unit == "%" and 0 < value < 1 and goal >= 10:
            found.append(
                f"指标 {target.id} 填报 {number(value)}%，不到目标{number(goal)}%的百分之一："
                f"如是 {number(value * 100)}%，请填 {number(value * 100)}"
            )
        if not target.accrues:
            continue
        earlier = [
            e
            for e in progress.of_task(task.id, entry.date)
            if target.id in e.values and e.id != entry.fixes
        ]
        if earlier and value < earlier[-1].values[target.id]:
            last = earlier[-1]
            found.append(
                f"累计指标 {target.id} 填报 {number(value)}，低于 {last.date} 报送的 "
                f"{number(last.values[target.id])}；累计指标应填年初至今的累计数"
            )
    return found


@dataclass
class Recorded:
    """What one append did."""

    added: list[Entry] = field(default_factory=list)
    skipped: list[tuple[Entry, Entry]] = field(default_factory=list)
    """Reports not recorded because an identical one was already there: (new, existing)."""
    replaced: dict[str, list[Entry]] = field(default_factory=dict)
    """A 重新报送's id → the reports of its unit, task and cycle it took out of force."""
    lines: dict[Path, list[str]] = field(default_factory=dict)
    """The lines appended, by month file (relative to the ledger root)."""
    uncommitted: int = 0
    """Skipped reports that were recorded but not committed, committed with this one."""

    @property
    def files(self) -> list[Path]:
        return sorted(self.lines)


class Duplicate(ZctasksError):
    """The same report is already recorded, as ``existing``."""

    def __init__(self, message: str, hint: str, existing: Entry) -> None:
        super().__init__(message, hint)
        self.existing = existing


def lines_of(root: Path, entries: list[Entry]) -> dict[Path, list[str]]:
    """The lines that hold ``entries`` in their month files (relative to ``root``), as they
    stand there, found by id."""
    from zctasks.log.progress import progress_files

    wanted = {f'"id": {json.dumps(e.id, ensure_ascii=False)},': e for e in entries}
    found: dict[Path, list[str]] = {}
    for relative in sorted(
        progress_files(root), key=lambda p: p not in {month_file(e.date) for e in entries}
    ):
        if not wanted:
            break
        for line in (root / relative).read_text("utf-8").splitlines(keepends=True):
            key = next((k for k in wanted if k in line), None)
            if key is not None:
                del wanted[key]
                found.setdefault(relative, []).append(line if line.endswith("\n") else line + "\n")
    return found


def keep_lines(root: Path, lines: dict[Path, list[str]]) -> None:
    """Put back, at the end of their month files, lines that a concurrent git operation
    took out of the working tree after they were written. Runs under the progress lock
    (in ``append``'s ``then``)."""
    from zctasks.files.writer import atomic_write

    for relative, wanted in lines.items():
        path = root / relative
        text = path.read_text("utf-8") if path.exists() else HEADER
        held = set(text.split("\n"))
        missing = [line for line in wanted if line.rstrip("\n") not in held]
        if missing:
            if not text.endswith("\n"):
                text += "\n"
            atomic_write(path, (text + "".join(missing)).encode("utf-8"))


RESENT = "重新报送"
"""The reason of a correction that a unit's later report for the same task and cycle made."""


def append(
    root: Path,
    entries: list[Entry],
    *,
    skip_identical: bool = False,
    timeout: float = DEFAULT_LOCK_TIMEOUT,
    then: Callable[[Recorded], object] | None = None,
    calendar: Calendar | None = None,
) -> Recorded:
    """Append ``entries`` to their month files in one transaction, all or none.

    A report is what one unit says about one task for one reporting cycle of ``calendar``
    (without one, for one day). A report the log already holds in force for the same unit,
    task and cycle, saying the same, is refused (``Duplicate``), or skipped and counted with
    ``skip_identical``; one saying something else is replaced: the new report is recorded
    as its correction with the reason 重新报送 (and any further report of that unit, task
    and cycle still in force is withdrawn), so two never stand side by side. A correction
    or withdrawal of an entry that was corrected or withdrawn meanwhile is refused. All of
    this is decided under the lock, on the month files as they are then. ``then`` runs on
    the result before the lock is released.
    """
    folder = root / PROGRESS_DIR

    def build(tx: Transaction) -> Recorded:
        return _plan(tx, entries, skip_identical, calendar)

    return update(folder, build, timeout, then=then)


class _Files:
    """The month files as the transaction reads them, parsed once each."""

    def __init__(self, tx: Transaction) -> None:
        self.tx = tx
        self.parsed: dict[str, list[Entry]] = {}
        self.blank: set[str] = set()
        """Files with no entry in them, whatever their form (``[]``, ``~``): rewritten whole."""

    def entries(self, name: str) -> list[Entry]:
        if name not in self.parsed:
            raw = self.tx.read(name) or b""
            too_large = size_problem((PROGRESS_DIR / name).as_posix(), raw)
            if too_large is not None:
                raise LedgerInvalid([too_large])
            self.parsed[name] = _existing(PROGRESS_DIR / name, raw)
            if not self.parsed[name] and LinesDoc.read(name, raw) is None:
                self.blank.add(name)
        return self.parsed[name]

    def replacements(self, entry_id: str) -> list[Entry]:
        """Corrections and withdrawals of ``entry_id`` in any month file."""
        needle = entry_id.encode()
        found = []
        for name in self.tx.names("*.yaml"):
            if needle in (self.tx.read(name) or b""):
                found += [e for e in self.entries(name) if e.replaces() == entry_id]
        return found

    def find(self, entry_id: str) -> Entry | None:
        guess = f"{entry_id[:7]}.yaml"
        names = [guess] if guess in self.tx.names("*.yaml") else []
        names += [n for n in self.tx.names("*.yaml") if n != guess]
        for name in names:
            if entry_id.encode() in (self.tx.read(name) or b""):
                for entry in self.entries(name):
                    if entry.id == entry_id:
                        return entry
        return None


def _existing(relative: Path, raw: bytes) -> list[Entry]:
    """The entries of a month file that may be appended to. A file with entries that are
    not one to a line is refused untouched: appending to it could not merge safely."""
    entries, problems = parse_file(relative, raw)
    errors = [d for d in problems if d.severity == "error"]
    if errors:
        raise LedgerInvalid(errors)
    if entries and LinesDoc.read(relative.as_posix(), raw) is None:
        off_form = line_form_problem(raw.decode("utf-8-sig", errors="replace"))
        if off_form is not None:
            line, content = off_form
            raise ZctasksError(
                f"{relative.as_posix()} 第 {line} 行不是每行一条记录的格式（{content[:40]}），"
                "为免 git 合并时拆散记录，没有向该文件追加",
                "把每条记录写成一行 - {…} 后重试；zctasks check 会列出所有问题",
            )
    return [entry for entry, _, _ in entries]


def _plan(
    tx: Transaction, entries: list[Entry], skip_identical: bool, calendar: Calendar | None
) -> Recorded:
    files = _Files(tx)
    result = Recorded()
    for entry in entries:
        relative = month_file(entry.date)
        present = files.entries(relative.name)
        withdrawn: list[Entry] = []
        if not entry.voids and not entry.fixes:
            standing = _standing(files, result, entry, calendar)
            same = next((e for e in standing if same_report(e, entry)), None)
            if same is not None:
                if not skip_identical:
                    raise Duplicate(
                        f"相同的进展已经记录过（编号 {same.id}），没有重复记录",
                        f"要改正那条记录用 zctasks progress fix {same.id}",
                        same,
                    )
                result.skipped.append((entry, same))
                continue
            if standing:
                latest = standing[-1]
                if entry.date < latest.date:
                    raise ZctasksError(
                        f"{entry.by} 对第{entry.task}项本报送周期已有 {latest.date} 的报送"
                        f"（编号 {latest.id}），{entry.date} 的报送早于它，没有记录",
                        "同一单位、同一任务、同一报送周期只保留最新的一份报送；"
                        f"要改正那份报送用 zctasks progress fix {latest.id}",
                    )
                entry = replace(entry, fixes=latest.id, reason=RESENT)
                result.replaced[entry.id] = list(standing)
                withdrawn = [
                    Entry(
                        id=new_id(old.date, old.task),
                        task=old.task,
                        date=old.date,
                        by=old.by,
                        voids=old.id,
                        reason=f"{RESENT}，由 {entry.id} 替代",
                        at=entry.at,
                    )
                    for old in standing[:-1]
                ]
        elif not entry.voids:
            same = _identical(files, present + result.added, entry)
            if same is not None:
                if not skip_identical:
                    raise Duplicate(
                        f"相同的进展已经记录过（编号 {same.id}），没有重复记录",
                        f"要改正那条记录用 zctasks progress fix {same.id}",
                        same,
                    )
                result.skipped.append((entry, same))
                continue
        if any(e.id == entry.id for e in present) or any(e.id == entry.id for e in result.added):
            raise ZctasksError(f"条目编号 {entry.id} 已存在于 {relative.as_posix()}")
        if entry.replaces() and entry.reason != RESENT:
            _still_open(files, entry)
        for item in (entry, *withdrawn):
            result.added.append(item)
            result.lines.setdefault(month_file(item.date), []).append(entry_line(item))
    for relative, lines in result.lines.items():
        old = tx.read(relative.name)
        if relative.name not in files.parsed and old:
            files.entries(relative.name)  # a withdrawal's month is checked before appending
        text = old.decode("utf-8-sig") if old and relative.name not in files.blank else HEADER
        if text and not text.endswith("\n"):
            text += "\n"
        tx.write(relative.name, (text + "".join(lines)).encode("utf-8"))
    return result


def same_report(one: Entry, other: Entry) -> bool:
    """Whether two reports of one unit, task and cycle say the same: status, figures and
    estimates, note, evidence, next steps, problems (the day they stand at may differ)."""
    return _said(one) == _said(other)


def _said(entry: Entry) -> tuple[Any, ...]:
    values = tuple(sorted((k, float(v)) for k, v in entry.values.items()))
    estimates = tuple(sorted((k, float(v)) for k, v in entry.estimates.items()))
    return (
        entry.task,
        entry.by,
        entry.status,
        values,
        estimates,
        entry.note,
        entry.source,
        entry.next,
        entry.problems,
        entry.forced,
    )


def _standing(
    files: _Files, result: Recorded, entry: Entry, calendar: Calendar | None
) -> list[Entry]:
    """The reports in force from ``entry``'s unit on its task for its cycle, by (date, at)."""
    if calendar is None:
        names = [month_file(entry.date).name]

        def cycle(day: date) -> date:
            return day
    else:
        due = calendar.cycle_of(entry.date)
        start = calendar.window_start(due)
        end = calendar.cycle_end(due)
        first = f"{start:%Y-%m}.yaml" if start is not None else ""
        names = [n for n in files.tx.names("*.yaml") if first <= n <= f"{end:%Y-%m}.yaml"]
        cycle = calendar.cycle_of
    key = cycle(entry.date)
    pending = {e.replaces() for e in result.added if e.replaces()}
    found = [
        e
        for name in names
        for e in files.entries(name)
        if e.task == entry.task and e.by == entry.by and not e.voids and cycle(e.date) == key
    ]
    found += [
        e
        for e in result.added
        if e.task == entry.task and e.by == entry.by and not e.voids and cycle(e.date) == key
    ]
    standing = [
        e
        for e in found
        if e.id not in pending and not any(r.id != e.id for r in files.replacements(e.id))
    ]
    return sorted(standing, key=_moment)


def _moment(entry: Entry) -> tuple[date, float]:
    return (entry.date, entry.at.timestamp() if entry.at is not None else float("-inf"))


def _still_open(files: _Files, entry: Entry) -> None:
    target_id = entry.replaces()
    original = files.find(target_id)
    if original is None:
        raise ZctasksError(f"要更正或撤销的条目 {target_id} 不存在")
    later = [e for e in files.replacements(target_id) if e.id != entry.id]
    if later:
        raise ZctasksError(
            f"条目 {target_id} 刚刚已被 {later[-1].id} {'撤销' if later[-1].voids else '更正'}",
            "用 zctasks progress log 查看最新的记录后再操作",
        )


def _identical(files: _Files, present: list[Entry], entry: Entry) -> Entry | None:
    key = report_key(entry)
    for candidate in present:
        if candidate.voids or candidate.id == entry.fixes or report_key(candidate) != key:
            continue
        if not files.replacements(candidate.id):
            return candidate
    return None
