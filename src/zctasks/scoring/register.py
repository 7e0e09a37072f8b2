"""The register of issued score sheets (考评结果登记): what each unit was scored, as at
which day, by which rules, and every line of it — so that a later score as at the same day
shows what changed since it was issued.

``data/scores/2023.yaml`` holds the sheets of the plan year 2023, one unit's sheet a line
(a JSON object after ``- ``), appended under the folder's lock like progress and 催办单, so
that git's ``merge=union`` keeps both sides of a merge. Every unit scored by one
``score --record`` shares its number (第N次登记), the next of the year.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from zctasks.files.errors import Diagnostic, LedgerInvalid
from zctasks.plan.ledger import Ledger
from zctasks.scoring.sheet import ScoreSheet, UnitScore

SCORES_DIR = Path("data/scores")
HEADER = "# 考评结果登记：由 zctasks score --record 追加写入，每行一个单位的得分；请勿手工修改、删除或调整顺序。\n"
_FIELDS = (
    "number",
    "as_of",
    "issued",
    "rules",
    "unit",
    "series",
    "total",
    "grade",
    "rank",
    "vetoes",
    "lines",
    "at",
)
_VOID_FIELDS = ("voids", "as_of", "sheet_at", "reason", "at")
MAX_NUMBER = 999_999
"""The highest register number (第N次登记) taken as one: a year never has a million."""
_CONFLICT = re.compile(r"^(<{7}|={7}|>{7})(?: |$)")


@dataclass(frozen=True)
class Recorded:
    """One unit's issued sheet."""

    number: int
    as_of: date
    issued: date
    rules: str
    unit: str
    series: str
    total: Decimal
    grade: str
    rank: int
    lines: tuple[dict[str, Any], ...]
    at: datetime | None
    line: int
    """Where it stands in its file."""
    voided: str = ""
    """Why the sheet was voided (作废), or "" while it stands."""

    @property
    def stamp(self) -> str:
        """The moment of recording as written (it tells apart two sheets of one number)."""
        return self.at.isoformat(timespec="milliseconds") if self.at else ""


def record_line(number: int, issued: date, unit: UnitScore, sheet: ScoreSheet, at: datetime) -> str:
    record = {
        "number": number,
        "as_of": sheet.as_of.isoformat(),
        "issued": issued.isoformat(),
        "rules": sheet.rules,
        "unit": unit.unit,
        "series": unit.series,
        "total": float(unit.total),
        "grade": unit.grade,
        "rank": unit.rank,
        "vetoes": [v.to_json() for v in unit.vetoes],
        "lines": [line.to_json() for line in unit.lines + unit.weighting],
        "at": at.isoformat(timespec="milliseconds"),
    }
    return "- " + json.dumps(record, ensure_ascii=False) + "\n"


def register_files(root: Path) -> list[Path]:
    from zctasks.log.progress import readable

    folder = root / SCORES_DIR
    if not folder.is_dir():
        return []
    return sorted(
        p.relative_to(root)
        for p in folder.iterdir()
        if readable(p) and not p.name.startswith(".") and p.suffix in (".yaml", ".yml")
    )


def parse_register(ledger: Ledger, root: Path) -> tuple[list[Recorded], list[Diagnostic]]:
    """Every recorded sheet, and every problem located by file and line. A write that a
    killed writer left half-done is completed first."""
    from zctasks.files.limits import InputTooLarge, read_bounded
    from zctasks.files.writer import finish_interrupted
    from zctasks.log.progress import unread_files

    if (root / SCORES_DIR).is_dir():
        finish_interrupted(root / SCORES_DIR)

    found: list[Recorded] = []
    problems = unread_files(root, SCORES_DIR, "考评登记文件", "年份.yaml")
    for relative in register_files(root):
        try:
            raw = read_bounded(root / relative, relative.as_posix())
        except InputTooLarge as exc:
            problems.append(exc.diagnostic())
            continue
        records, voids, located = _parse_file(ledger, relative, raw)
        found += records
        problems += located
        found = _apply_voids(found, voids, relative.as_posix(), problems)
    found, clashes = _clashes(found)
    problems += clashes
    return sorted(found, key=lambda r: (r.as_of.year, r.number, r.line)), problems


def _apply_voids(
    found: list[Recorded],
    voids: list[tuple[int, dict[str, Any]]],
    name: str,
    problems: list[Diagnostic],
) -> list[Recorded]:
    """The sheets with those that a void record names marked voided."""
    from dataclasses import replace

    for line, void in voids:
        hits = [
            n
            for n, r in enumerate(found)
            if r.number == void["voids"]
            and r.as_of.isoformat() == void["as_of"]
            and r.stamp == void["sheet_at"]
        ]
        if not hits:
            problems.append(
                Diagnostic(
                    name,
                    line,
                    1,
                    "score-field",
                    f"要作废的第{void['voids']}次登记（截至{void['as_of']}，"
                    f"登记于{void['sheet_at']}）不存在",
                )
            )
        for n in hits:
            found[n] = replace(found[n], voided=void["reason"])
    return found


def _clashes(found: list[Recorded]) -> tuple[list[Recorded], list[Diagnostic]]:
    """Sheets of one number recorded twice (two clones' registers merged): a warning that
    names the repair, never a reason to stop reading."""
    problems: list[Diagnostic] = []
    first: dict[tuple[int, int], Recorded] = {}
    told: set[tuple[int, int, str]] = set()
    for r in sorted(found, key=lambda r: (r.as_of.year, r.number, r.line)):
        if r.voided:
            continue
        key = (r.as_of.year, r.number)
        seen = first.setdefault(key, r)
        if seen.stamp == r.stamp or (*key, r.stamp) in told:
            continue
        told.add((*key, r.stamp))
        later = max(seen, r, key=lambda x: x.stamp)
        problems.append(
            Diagnostic(
                f"data/scores/{r.as_of.year}.yaml",
                r.line,
                1,
                "duplicate-number",
                f"第{r.number}次登记有两组：截至{seen.as_of}（登记于{seen.stamp}）"
                f"和截至{r.as_of}（登记于{r.stamp}）",
                "两处各自登记了同号的考评结果（如两个分支合并）：作废后登记的一组，"
                f"如 zctasks score --void {r.number} --as-of {later.as_of} --reason 编号重复；"
                "需要时再 zctasks score --record 以新编号登记",
                "warning",
            )
        )
    return found, problems


def load_register(ledger: Ledger, root: Path) -> list[Recorded]:
    found, problems = parse_register(ledger, root)
    if any(d.severity == "error" for d in problems):
        raise LedgerInvalid(problems)
    return found


def _parse_file(
    ledger: Ledger, relative: Path, raw: bytes
) -> tuple[list[Recorded], list[tuple[int, dict[str, Any]]], list[Diagnostic]]:
    from zctasks.log.progress import crlf_problem

    name = relative.as_posix()
    problems: list[Diagnostic] = []

    def problem(line: int, code: str, message: str, hint: str = "") -> None:
        problems.append(Diagnostic(name, line, 1, code, message, hint))

    if relative.suffix != ".yaml" or not re.fullmatch(r"\d{4}", relative.stem):
        problem(1, "file-name", f"考评登记文件应命名为 年份.yaml：{relative.name} 不会被读取")
        return [], [], problems
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        problem(1, "encoding", "考评登记文件不是 UTF-8 编码")
        return [], [], problems
    crlf = crlf_problem(name, text)
    if crlf is not None:
        return [], [], [crlf]
    found: list[Recorded] = []
    voids: list[tuple[int, dict[str, Any]]] = []
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if _CONFLICT.match(stripped):
            problem(
                number,
                "conflict-marker",
                "git 合并冲突标记：两个分支的考评登记没有按行合并",
                "保留两边的全部登记行，删去冲突标记行；.gitattributes 中写入 data/scores/*.yaml merge=union",
            )
            continue
        if not (stripped.startswith("- {") and stripped.endswith("}")):
            problem(number, "line-form", "考评登记应每行一个单位：- {…}")
            continue
        try:
            value = json.loads(stripped[2:])
        except ValueError as exc:
            problem(number, "score-syntax", f"无法读取这一行：{exc}")
            continue
        if isinstance(value, dict) and "voids" in value:
            wrong = _void_problems(value)
            for message in wrong:
                problem(number, "score-field", message)
            if not wrong:
                voids.append((number, value))
            continue
        recorded, wrong = _recorded(ledger, value, number)
        for message in wrong:
            problem(number, "score-field", message)
        if recorded is None:
            continue
        if str(recorded.as_of.year) != relative.stem:
            problem(
                number,
                "wrong-year",
                f"考评截止日 {recorded.as_of} 不属于 {relative.name}",
                f"应记在 data/scores/{recorded.as_of.year}.yaml",
            )
        found.append(recorded)
    return found, voids, problems


def _void_problems(value: dict[str, Any]) -> list[str]:
    wrong = [f"未知字段“{key}”" for key in value if key not in _VOID_FIELDS]
    number = value.get("voids")
    if not _is_number(number):
        wrong.append("voids 应为所作废登记的次数（正整数）")
    try:
        date.fromisoformat(str(value.get("as_of")))
    except ValueError:
        wrong.append("as_of 应为日期 YYYY-MM-DD")
    for key in ("sheet_at", "at"):
        if not isinstance(value.get(key), str):
            wrong.append(f"{key} 应为登记时间")
    reason = value.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        wrong.append("作废记录须写明原因 reason")
    return wrong


def _is_number(value: Any) -> bool:
    """A register number (第N次登记): a whole number of a sane size."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_NUMBER


def _is_points(value: Any) -> bool:
    """Points or a total as recorded: a finite number (not NaN, not infinite)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _recorded(ledger: Ledger, value: Any, line: int) -> tuple[Recorded | None, list[str]]:
    if not isinstance(value, dict):
        return None, ["应为一个对象 {…}"]
    wrong = [f"未知字段“{key}”" for key in value if key not in _FIELDS]
    number = value.get("number")
    if not _is_number(number):
        wrong.append(f"number 应为 1 至 {MAX_NUMBER} 的整数")
    days = {}
    for key in ("as_of", "issued"):
        try:
            days[key] = date.fromisoformat(str(value.get(key)))
        except ValueError:
            wrong.append(f"{key} 应为日期 YYYY-MM-DD")
    unit = value.get("unit")
    if not isinstance(unit, str) or unit not in ledger.units:
        wrong.append(f"未知单位“{unit}”")
    total = value.get("total")
    if not _is_points(total):
        wrong.append(f"total 应为数字，实际为 {total}")
    rank = value.get("rank")
    if isinstance(rank, bool) or not isinstance(rank, int):
        wrong.append("rank 应为整数")
    lines = value.get("lines")
    if not isinstance(lines, list) or not all(isinstance(x, dict) for x in lines):
        wrong.append("lines 应为对象的列表")
        lines = []
    for i, item in enumerate(lines, 1):
        if not _is_points(item.get("points", 0)):
            wrong.append(f"lines 第{i}行的 points 应为数字，实际为 {item.get('points')}")
    for key in ("rules", "series", "grade"):
        if not isinstance(value.get(key, ""), str):
            wrong.append(f"{key} 应为文字")
    at = None
    if value.get("at") is not None:
        try:
            at = datetime.fromisoformat(str(value["at"]))
        except ValueError:
            wrong.append("at 应为带时区的时间")
    if not wrong and isinstance(lines, list):
        weights = [x for x in lines if x.get("kind") == "weight"]
        points = sum((Decimal(str(x.get("points", 0))) for x in weights or lines), Decimal(0))
        if abs(points - Decimal(str(total))) > Decimal("0.000001"):
            wrong.append(f"各行得分之和 {points} 与总分 {total} 不符")
    if wrong:
        return None, wrong
    assert isinstance(number, int) and isinstance(unit, str) and isinstance(rank, int)
    return (
        Recorded(
            number,
            days["as_of"],
            days["issued"],
            str(value.get("rules", "")),
            unit,
            str(value.get("series", "")),
            Decimal(str(total)),
            str(value.get("grade", "")),
            rank,
            tuple(lines),
            at,
            line,
        ),
        [],
    )


def check_register(ledger: Ledger, root: Path) -> list[Diagnostic]:
    return parse_register(ledger, root)[1]


def latest(recorded: list[Recorded], as_of: date) -> list[Recorded]:
    """The units of the latest sheet recorded as at ``as_of`` (empty when none was)."""
    same = [r for r in recorded if r.as_of == as_of and not r.voided]
    if not same:
        return []
    number = max(r.number for r in same)
    return [r for r in same if r.number == number]


def record(root: Path, sheet: ScoreSheet, issued: date, at: datetime | None = None) -> int:
    """Append the sheet of every unit under the next number of the year; returns it."""
    from zctasks.files.writer import Transaction, update
    from zctasks.log.recording import recorded_at

    name = f"{sheet.as_of.year}.yaml"

    def build(tx: Transaction) -> int:
        moment = at or recorded_at()
        raw = tx.read(name)
        text = raw.decode("utf-8-sig") if raw else HEADER
        numbers = []
        for line in text.split("\n"):
            line = line.strip()
            if line.startswith("- {") and line.endswith("}"):
                try:
                    value = json.loads(line[2:])
                except ValueError:
                    continue
                if isinstance(value, dict) and _is_number(value.get("number")):
                    numbers.append(value["number"])
        number = max(numbers, default=0) + 1
        if not text.endswith("\n"):
            text += "\n"
        text += "".join(record_line(number, issued, u, sheet, moment) for u in sheet.units)
        tx.write(name, text.encode("utf-8"))
        return number

    return update(root / SCORES_DIR, build, what="考评登记")


@dataclass(frozen=True)
class Change:
    unit: str
    before: Decimal | None
    after: Decimal | None
    grade_before: str
    grade_after: str
    lines: tuple[str, ...]
    """What changed, line by line, in words."""


def _key(line: dict[str, Any]) -> tuple[Any, ...]:
    what = line.get("what", "") if line.get("kind") in ("deduction", "addition") else ""
    return (
        line.get("rule"),
        line.get("name") if not line.get("rule") else "",
        line.get("period"),
        tuple(line.get("tasks", ())),
        tuple(line.get("targets", ())),
        tuple(line.get("slips", ())),
        tuple(line.get("records", ())),
        what,
    )


def _points(lines: Any) -> list[tuple[Any, ...]]:
    return [(*_key(x), x.get("points")) for x in lines]


@dataclass(frozen=True)
class Snapshot:
    """A unit's total, grade and lines (as JSON), whether recorded or scored just now."""

    total: Decimal
    grade: str
    lines: tuple[dict[str, Any], ...]

    @classmethod
    def of(cls, unit: UnitScore) -> Snapshot:
        return cls(unit.total, unit.grade, tuple(x.to_json() for x in unit.lines + unit.weighting))

    @classmethod
    def recorded(cls, record: Recorded) -> Snapshot:
        return cls(record.total, record.grade, record.lines)


def _same(old: Snapshot, now: Snapshot) -> bool:
    return (old.total, old.grade, _points(old.lines)) == (now.total, now.grade, _points(now.lines))


def changes(before: dict[str, Snapshot], sheet: ScoreSheet) -> list[Change]:
    """What differs between earlier scores (recorded, or without hypothetical figures) and
    the sheet scored now, unit by unit, line by line."""
    before = dict(before)
    found = []
    for unit in sheet.units:
        old = before.pop(unit.unit, None)
        now = Snapshot.of(unit)
        if old is not None and _same(old, now):
            continue
        old_lines = {_key(x): x for x in (old.lines if old else ())}
        new_lines = {_key(x): x for x in now.lines}
        words = []
        for key, line in new_lines.items():
            was = old_lines.get(key)
            if was is None:
                words.append(f"新增 {line['name']}：{line['what']} {_signed(line['points'])}")
            elif was.get("points") != line.get("points"):
                words.append(
                    f"{line['name']}：{line['what']} {_signed(was['points'])} → {_signed(line['points'])}"
                )
        for key, line in old_lines.items():
            if key not in new_lines:
                words.append(f"不再计入 {line['name']}：{line['what']} {_signed(line['points'])}")
        found.append(
            Change(
                unit.unit,
                old.total if old else None,
                unit.total,
                old.grade if old else "",
                unit.grade,
                tuple(words),
            )
        )
    for name, old in before.items():
        found.append(Change(name, old.total, None, old.grade, "", ()))
    return found


def _signed(value: Any) -> str:
    number = (
        Decimal(str(value)).quantize(Decimal("0.01"))
        if value == int(value)
        else Decimal(str(value))
    )
    return f"+{number}" if number > 0 else (f"−{-number}" if number < 0 else f"{number}")


def void(
    ledger: Ledger,
    number: int,
    as_of: date | None,
    reason: str,
    at: datetime | None = None,
) -> tuple[list[Recorded], int]:
    """Void (作废) the sheets of the ``number``-th recording (as at ``as_of`` where two
    recordings share the number; else the one recorded later), appending a void record;
    the sheets stay in the register. Returns the sheets voided and how many stand."""
    from zctasks.files.errors import UsageError
    from zctasks.files.writer import Transaction, update
    from zctasks.log.recording import recorded_at

    if not reason.strip():
        raise UsageError("作废需要写明原因")

    def build(tx: Transaction) -> tuple[list[Recorded], int]:
        moment = at or recorded_at()
        found, problems = parse_register(ledger, ledger.root)
        if any(d.severity == "error" for d in problems):
            raise LedgerInvalid([d for d in problems if d.severity == "error"])
        numbered = [r for r in found if r.number == number]
        if as_of is not None:
            numbered = [r for r in numbered if r.as_of == as_of]
        same = [r for r in numbered if not r.voided]
        if not same and numbered:
            raise UsageError(
                f"第{number}次登记的考评结果" + (f"（截至{as_of}）" if as_of else "") + "已作废",
                "作废记录留在 data/scores 中；不必再作废",
            )
        if not same:
            raise UsageError(
                f"没有第{number}次登记的考评结果" + (f"（截至{as_of}）" if as_of else ""),
                "用 zctasks check 查看重复的登记",
            )
        stamp, day = max({(r.stamp, r.as_of) for r in same})
        chosen = [r for r in same if r.stamp == stamp and r.as_of == day]
        name = f"{day.year}.yaml"
        raw = tx.read(name) or b""
        text = raw.decode("utf-8-sig")
        if text and not text.endswith("\n"):
            text += "\n"
        record = {
            "voids": number,
            "as_of": day.isoformat(),
            "sheet_at": stamp,
            "reason": reason.strip(),
            "at": moment.isoformat(timespec="milliseconds"),
        }
        text += "- " + json.dumps(record, ensure_ascii=False) + "\n"
        tx.write(name, text.encode("utf-8"))
        return chosen, len(same) - len(chosen)

    return update(ledger.root / SCORES_DIR, build, what="考评登记")
