"""The register of issued 工作简报: which issue covered which period, when it was signed,
and the figures it printed.

``data/briefings/2023.yaml`` holds the issues signed in 2023, one JSON object a line after
``- `` (a YAML flow mapping), appended under the folder's lock like progress and the 催办单
register, so that git's ``merge=union`` keeps both sides of a merge whole. An issue's
number is given once and never changes; the next issue's number and its comparison with
the last one (上期) come from here, so a first issue is 第1期 and compares with nothing.
The record keeps the counts by light, each task's light and every target's figure as the
issue printed them: "since the last issue" means since what the last issue said.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from zctasks.files.errors import Diagnostic, LedgerInvalid, UsageError
from zctasks.plan.ledger import Ledger
from zctasks.plan.models import Number

BRIEFINGS_DIR = Path("data/briefings")
HEADER = "# 简报登记：由 zctasks 追加写入，每行一期；请勿手工修改、删除或调整顺序。\n"
LIGHT_KEYS = ("done", "green", "yellow", "red", "grey", "unassigned")
"""The lights an issue counts: the five of the schedule, and tasks no unit answers for."""
_FIELDS = ("issue", "date", "since", "until", "as_of", "total", "lights", "values", "at")
_VOID_FIELDS = ("voids", "since", "until", "reason", "at")
_CONFLICT = re.compile(r"^(<{7}|={7}|>{7})(?: |$)")


@dataclass(frozen=True)
class Issue:
    """One issued briefing (第N期) and what it printed."""

    number: int
    dated: date
    """成文日期: the day it was signed."""
    since: date
    until: date
    as_of: date
    lights: dict[str, tuple[int, ...]]
    """Light (LIGHT_KEYS) → the tasks it counted under that light."""
    values: dict[str, Number] = field(default_factory=dict)
    """Target id → the figure in force at ``as_of``, as the issue used it."""
    at: datetime | None = None
    voided: str = field(default="", compare=False)
    """Why the issue was voided (作废, e.g. a number two clones both gave), or ""."""
    line: str = field(default="", compare=False, repr=False)
    """Where it stands: file and line."""

    @property
    def total(self) -> int:
        return sum(len(ids) for ids in self.lights.values())

    def count(self, light: str) -> int:
        return len(self.lights.get(light, ()))

    def light_of(self) -> dict[int, str]:
        return {task: light for light, ids in self.lights.items() for task in ids}


def year_file(year: int) -> Path:
    return BRIEFINGS_DIR / f"{year}.yaml"


def issue_line(issue: Issue) -> str:
    record: dict[str, Any] = {
        "issue": issue.number,
        "date": issue.dated.isoformat(),
        "since": issue.since.isoformat(),
        "until": issue.until.isoformat(),
        "as_of": issue.as_of.isoformat(),
        "total": issue.total,
        "lights": {key: list(issue.lights.get(key, ())) for key in LIGHT_KEYS},
        "values": issue.values,
    }
    if issue.at is not None:
        record["at"] = issue.at.isoformat(timespec="milliseconds")
    return "- " + json.dumps(record, ensure_ascii=False) + "\n"


def register_files(root: Path) -> list[Path]:
    from zctasks.log.progress import readable

    folder = root / BRIEFINGS_DIR
    if not folder.is_dir():
        return []
    return sorted(
        p.relative_to(root)
        for p in folder.iterdir()
        if readable(p) and not p.name.startswith(".") and p.suffix in (".yaml", ".yml")
    )


def parse_register(ledger: Ledger, root: Path) -> tuple[list[Issue], list[Diagnostic]]:
    """Every issue of every year file, in the order of their numbers, and every problem.
    A write that a killed writer left half-done is completed first."""
    from zctasks.files.writer import finish_interrupted

    if (root / BRIEFINGS_DIR).is_dir():
        finish_interrupted(root / BRIEFINGS_DIR)
    from zctasks.files import limits
    from zctasks.log.progress import unread_files

    issues: list[Issue] = []
    problems = unread_files(root, BRIEFINGS_DIR, "简报登记文件", "年份.yaml")
    voids: list[tuple[str, int, dict[str, Any]]] = []

    for relative in register_files(root):
        try:
            raw = limits.read_bounded(root / relative, relative.as_posix())
        except limits.InputTooLarge as exc:
            problems.append(exc.diagnostic())
            continue
        found, voided, located = _parse_file(ledger, relative, raw)
        issues += found
        voids += [(relative.as_posix(), line, v) for line, v in voided]
        problems += located
    issues = _apply_voids(issues, voids, problems)
    problems += _clashes(issues)
    return sorted(issues, key=lambda i: i.number), problems


def _apply_voids(
    issues: list[Issue], voids: list[tuple[str, int, dict[str, Any]]], problems: list[Diagnostic]
) -> list[Issue]:
    from dataclasses import replace

    for name, line, void in voids:
        hits = [n for n, i in enumerate(issues) if _voided_by(i, void)]
        if not hits:
            problems.append(
                Diagnostic(
                    name,
                    line,
                    1,
                    "briefing-field",
                    f"要作废的第{void['voids']}期（{void['since']}至{void['until']}）不存在",
                )
            )
        for n in hits:
            issues[n] = replace(issues[n], voided=void["reason"])
    return issues


def _voided_by(issue: Issue, void: dict[str, Any]) -> bool:
    return bool(
        issue.number == void["voids"]
        and issue.since.isoformat() == void["since"]
        and issue.until.isoformat() == void["until"]
    )


def _clashes(issues: list[Issue]) -> list[Diagnostic]:
    """Two standing issues of one number (two clones' registers merged): a warning that
    names the repair; reading and recording go on."""
    problems = []
    first: dict[int, Issue] = {}
    for issue in issues:
        if issue.voided:
            continue
        seen = first.setdefault(issue.number, issue)
        if seen is issue or (seen.since, seen.until) == (issue.since, issue.until):
            continue
        name, _, line = issue.line.rpartition(":")
        problems.append(
            Diagnostic(
                name,
                int(line),
                1,
                "duplicate-number",
                f"第{issue.number}期有两期：{seen.since}至{seen.until}（{seen.line.rpartition(':')[0]}"
                f" 第 {seen.line.rpartition(':')[2]} 行）和{issue.since}至{issue.until}",
                "两处各自登记了同一期号（如两个分支合并）：作废其中一期并以新期号重新登记，如 "
                f"zctasks briefing void {issue.number} --since {issue.since} "
                f"--until {issue.until} --reason 期号重复，再 zctasks report briefing "
                f"--since {issue.since} --until {issue.until} --record",
                "warning",
            )
        )
    return problems


def check_briefings(ledger: Ledger, root: Path) -> list[Diagnostic]:
    """The register's problems, for ``zctasks check``: none when all is well."""
    return parse_register(ledger, root)[1]


def load_register(ledger: Ledger, root: Path) -> list[Issue]:
    """The issued briefings; a register with errors is refused as the progress log is."""
    issues, problems = parse_register(ledger, root)
    if any(d.severity == "error" for d in problems):
        raise LedgerInvalid(problems)
    return issues


def _parse_file(
    ledger: Ledger, relative: Path, raw: bytes
) -> tuple[list[Issue], list[tuple[int, dict[str, Any]]], list[Diagnostic]]:
    from zctasks.log.progress import crlf_problem

    name = relative.as_posix()
    problems: list[Diagnostic] = []

    def problem(line: int, code: str, message: str, hint: str = "") -> None:
        problems.append(Diagnostic(name, line, 1, code, message, hint))

    if relative.suffix != ".yaml" or not re.fullmatch(r"\d{4}", relative.stem):
        problem(1, "file-name", f"简报登记文件应命名为 年份.yaml：{relative.name} 不会被读取")
        return [], [], problems
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        problem(1, "encoding", "简报登记文件不是 UTF-8 编码")
        return [], [], problems
    crlf = crlf_problem(name, text)
    if crlf is not None:
        return [], [], [crlf]
    issues: list[Issue] = []
    voids: list[tuple[int, dict[str, Any]]] = []
    for line_number, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if _CONFLICT.match(stripped):
            problem(
                line_number,
                "conflict-marker",
                "git 合并冲突标记：两个分支的简报登记没有按行合并",
                "保留两边的全部登记行，删去冲突标记行；"
                ".gitattributes 中写入 data/briefings/*.yaml merge=union",
            )
            continue
        if not (stripped.startswith("- {") and stripped.endswith("}")):
            problem(line_number, "line-form", "简报登记应每行一期：- {…}")
            continue
        try:
            record = json.loads(stripped[2:])
        except (ValueError, RecursionError) as exc:
            problem(line_number, "briefing-syntax", f"无法读取这一行：{exc}")
            continue
        if isinstance(record, dict) and "voids" in record:
            wrong = _void_problems(record)
            for message in wrong:
                problem(line_number, "briefing-field", message)
            if not wrong:
                voids.append((line_number, record))
            continue
        issue, found = _issue(ledger, record)
        for message in found:
            problem(line_number, "briefing-field", message)
        if issue is None:
            continue
        if str(issue.dated.year) != relative.stem:
            problem(
                line_number,
                "wrong-year",
                f"第{issue.number}期的成文日期 {issue.dated} 不属于 {relative.name}",
                f"应记在 {year_file(issue.dated.year).as_posix()}",
            )
        issues.append(replace(issue, line=f"{name}:{line_number}"))
    return issues, voids, problems


def _void_problems(record: dict[str, Any]) -> list[str]:
    wrong = [f"未知字段“{key}”" for key in record if key not in _VOID_FIELDS]
    number = record.get("voids")
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        wrong.append("voids 应为所作废的期号（正整数）")
    for key in ("since", "until"):
        if _day(record.get(key)) is None:
            wrong.append(f"{key} 应为日期 YYYY-MM-DD")
    reason = record.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        wrong.append("作废记录须写明原因 reason")
    if not isinstance(record.get("at"), str):
        wrong.append("at 应为登记时间")
    return wrong


def _issue(ledger: Ledger, record: Any) -> tuple[Issue | None, list[str]]:
    """An issue from one line's object, or what is wrong with it."""
    if not isinstance(record, dict):
        return None, ["应为一个对象 {…}"]
    found = [f"未知字段“{key}”" for key in record if key not in _FIELDS]
    number = record.get("issue")
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        found.append("issue 应为正整数（期号）")
    days = {key: _day(record.get(key)) for key in ("date", "since", "until", "as_of")}
    found += [f"{key} 应为日期 YYYY-MM-DD" for key, day in days.items() if day is None]
    since, until = days["since"], days["until"]
    if since and until and until < since:
        found.append(f"until {until} 早于 since {since}")
    lights: dict[str, tuple[int, ...]] = {}
    raw_lights = record.get("lights")
    if not isinstance(raw_lights, dict) or set(raw_lights) - set(LIGHT_KEYS):
        found.append("lights 应为 {done, green, yellow, red, grey, unassigned: [任务序号…]}")
        raw_lights = {}
    seen: set[int] = set()
    for key, ids in raw_lights.items():
        valid = isinstance(ids, list) and all(type(i) is int and i in ledger.tasks for i in ids)
        if not valid or seen & set(ids) or len(set(ids)) != len(ids):
            found.append(f"lights.{key} 应为不重复的任务序号列表")
            continue
        seen |= set(ids)
        lights[key] = tuple(ids)
    total = record.get("total")
    counted = sum(len(ids) for ids in lights.values())
    if total != counted:
        found.append(f"total {total} 与各进度的任务数之和 {counted} 不符")
    values = record.get("values", {})
    targets = {t.id for task in ledger.tasks.values() for t in task.targets}
    if not isinstance(values, dict) or not all(
        k in targets and type(v) in (int, float) for k, v in values.items()
    ):
        found.append("values 应为 {指标编号: 数值}，指标须在计划中")
        values = {}
    at = None
    if record.get("at") is not None:
        try:
            at = datetime.fromisoformat(str(record["at"]))
        except ValueError:
            found.append("at 应为带时区的时间")
    if found:
        return None, found
    assert isinstance(number, int)
    day, as_of = days["date"], days["as_of"]
    assert day and since and until and as_of
    return Issue(number, day, since, until, as_of, lights, dict(values), at), []


def _day(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def same_period(issues: list[Issue], since: date, until: date) -> Issue | None:
    """The issue already recorded for this period, if any (the first standing one)."""
    return next((i for i in issues if i.since == since and i.until == until and not i.voided), None)


def previous_of(issues: list[Issue], since: date, number: int | None) -> Issue | None:
    """The last issue before a briefing of the period starting ``since``: the latest one
    that ended before it (and, for a recorded issue, numbered before it)."""
    earlier = [
        i
        for i in issues
        if i.until < since and (number is None or i.number < number) and not i.voided
    ]
    return max(earlier, key=lambda i: (i.until, i.number)) if earlier else None


def next_number(issues: list[Issue]) -> int:
    return max((i.number for i in issues), default=0) + 1


def record(
    root: Path,
    issue: Issue,
    at: datetime | None = None,
    renumber: bool = False,
    then: Callable[[Issue], object] | None = None,
    ledger: Ledger | None = None,
) -> tuple[Issue, bool]:
    """Append ``issue`` to the register under its lock and return it as recorded, and
    whether this call recorded it. An issue already recorded for the same period is kept
    as it is (its number never changes); a number that another period already has is
    refused — or, with ``renumber`` (a number the user did not choose), the issue takes
    the next free one, as when a colleague recorded another issue a moment before.
    ``then`` (the document's delivery) runs on the recorded issue under the lock; if it
    fails, what this call recorded is taken back. With ``ledger``, a register that does not
    read is refused."""
    from zctasks.files.writer import Transaction, update
    from zctasks.log.recording import recorded_at

    fresh: list[bool] = []

    def build(tx: Transaction) -> Issue:
        fresh.clear()
        _refuse_errors(ledger, root)
        existing: list[dict[str, Any]] = []
        texts: dict[str, str] = {}
        for path in register_files(root):
            raw = tx.read(path.name)
            texts[path.name] = raw.decode("utf-8-sig") if raw else ""
            existing += _recorded_lines(texts[path.name])
        voids = [v for v in _void_lines(texts) if not _void_problems(v)]
        for line in existing:
            if any(
                v["voids"] == line.get("issue")
                and v["since"] == line.get("since")
                and v["until"] == line.get("until")
                for v in voids
            ):
                continue
            if (
                line.get("since") == issue.since.isoformat()
                and line.get("until") == issue.until.isoformat()
            ):
                return _from_record(line)
            if line.get("issue") == issue.number and not renumber:
                raise UsageError(
                    f"第{issue.number}期已登记为{line.get('since')}至{line.get('until')}的简报",
                    "期号登记后不再改变：不加 --issue 时自动接续上一期",
                )
        name = year_file(issue.dated.year).name
        text = texts.get(name) or ""
        if not text:
            raw = tx.read(name)
            text = raw.decode("utf-8-sig") if raw else HEADER
        if not text.endswith("\n"):
            text += "\n"
        number = issue.number
        if any(line.get("issue") == number for line in existing):
            number = max(int(line["issue"]) for line in existing) + 1
        recorded = Issue(
            number,
            issue.dated,
            issue.since,
            issue.until,
            issue.as_of,
            issue.lights,
            issue.values,
            at or recorded_at(),
        )
        tx.write(name, (text + issue_line(recorded)).encode("utf-8"))
        fresh.append(True)
        return recorded

    recorded = update(root / BRIEFINGS_DIR, build, what="简报登记", then=then, undo=True)
    return recorded, bool(fresh)


def _refuse_errors(ledger: Ledger | None, root: Path) -> None:
    """Under the lock: a register that does not read (a renamed or unreadable file among
    them) is not written to — its numbers would start over."""
    if ledger is None:
        return
    problems = parse_register(ledger, root)[1]
    if any(d.severity == "error" for d in problems):
        raise LedgerInvalid([d for d in problems if d.severity == "error"])


def _void_lines(texts: dict[str, str]) -> list[dict[str, Any]]:
    found = []
    for text in texts.values():
        for line in text.split("\n"):
            line = line.strip()
            if line.startswith("- {") and line.endswith("}"):
                try:
                    value = json.loads(line[2:])
                except ValueError:
                    continue
                if isinstance(value, dict) and "voids" in value:
                    found.append(value)
    return found


def void(ledger: Ledger, number: int, since: date | None, until: date | None, reason: str) -> Issue:
    """Void (作废) the issue numbered ``number`` (of the period ``since``–``until`` where
    two issues share the number), appending a void record: the issue stays in the
    register, its number is never given again, and its period may be recorded anew."""
    from zctasks.files.writer import Transaction, update
    from zctasks.log.recording import recorded_at

    if not reason.strip():
        raise UsageError("作废需要写明原因")

    def build(tx: Transaction) -> Issue:
        issues, problems = parse_register(ledger, ledger.root)
        if any(d.severity == "error" for d in problems):
            raise LedgerInvalid([d for d in problems if d.severity == "error"])
        found = [i for i in issues if i.number == number and not i.voided]
        if since is not None:
            found = [i for i in found if i.since == since]
        if until is not None:
            found = [i for i in found if i.until == until]
        if not found:
            raise UsageError(f"没有第{number}期简报（或已作废）", "用 zctasks check 查看登记的期号")
        if len(found) > 1:
            periods = "、".join(f"{i.since}至{i.until}" for i in found)
            raise UsageError(
                f"第{number}期有{len(found)}期：{periods}", "用 --since 和 --until 指明作废哪一期"
            )
        chosen = found[0]
        name = chosen.line.rpartition(":")[0].rpartition("/")[2]
        raw = tx.read(name) or b""
        text = raw.decode("utf-8-sig")
        if text and not text.endswith("\n"):
            text += "\n"
        record = {
            "voids": number,
            "since": chosen.since.isoformat(),
            "until": chosen.until.isoformat(),
            "reason": reason.strip(),
            "at": recorded_at().isoformat(timespec="milliseconds"),
        }
        tx.write(name, (text + "- " + json.dumps(record, ensure_ascii=False) + "\n").encode())
        return chosen

    return update(ledger.root / BRIEFINGS_DIR, build, what="简报登记")


def _recorded_lines(text: str) -> list[dict[str, Any]]:
    records = []
    for line in text.split("\n"):
        line = line.strip()
        if line.startswith("- {") and line.endswith("}"):
            try:
                value = json.loads(line[2:])
            except ValueError:
                continue
            if isinstance(value, dict) and isinstance(value.get("issue"), int):
                records.append(value)
    return records


def _from_record(record: dict[str, Any]) -> Issue:
    return Issue(
        record["issue"],
        date.fromisoformat(record["date"]),
        date.fromisoformat(record["since"]),
        date.fromisoformat(record["until"]),
        date.fromisoformat(record["as_of"]),
        {key: tuple(ids) for key, ids in record.get("lights", {}).items()},
        dict(record.get("values", {})),
        datetime.fromisoformat(record["at"]) if record.get("at") else None,
    )
