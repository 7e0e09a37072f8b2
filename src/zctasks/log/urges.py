"""The register of issued 催办单: which unit was urged about which tasks, when, under which
number, and by when it must answer.

``data/urges/2023.yaml`` holds the slips issued in 2023, one JSON object a line after
``- `` (a YAML flow mapping), appended under the folder's lock like progress, so that git's
``merge=union`` keeps both sides of a merge and a slip's lines are never interleaved. A
slip's number is the next free number of its year, given once and never changed; the
record keeps what the slip said when it was issued, so a reprint says the same. Whether a
unit answered is not written anywhere: it is derived from its later progress reports.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from zctasks.files.errors import Diagnostic, LedgerInvalid
from zctasks.plan.calendar import Calendar
from zctasks.plan.ledger import Ledger
from zctasks.plan.models import Entry

URGES_DIR = Path("data/urges")
HEADER = "# 催办单登记：由 zctasks 追加写入，每行一张催办单；请勿手工修改、删除或调整顺序。\n"
URGED_LIGHTS = ("red", "grey")
_FIELDS = ("number", "code", "unit", "issued", "due", "by", "items", "at")
_ITEM_FIELDS = ("task", "light", "situation")
_CONFLICT = re.compile(r"^(<{7}|={7}|>{7})(?: |$)")

Answer = Literal["已反馈", "逾期反馈", "部分反馈", "未反馈", "逾期未反馈"]


@dataclass(frozen=True)
class Item:
    """One matter on a slip: a task, its light then, and why, as the slip said it."""

    task: int
    light: str
    situation: str


@dataclass(frozen=True)
class Slip:
    """One 催办单. ``number`` is 0 until the slip is issued (a preview)."""

    unit: str
    issued: date
    due: date
    by: str
    items: tuple[Item, ...]
    number: int = 0
    code: str = ""
    at: datetime | None = None

    @property
    def tasks(self) -> tuple[int, ...]:
        return tuple(item.task for item in self.items)


def code_for(prefix: str, year: int, number: int) -> str:
    """川发改催〔2023〕7号; without a prefix 催办〔2023〕7号."""
    return f"{prefix or '催办'}〔{year}〕{number}号"


def year_file(year: int) -> Path:
    return URGES_DIR / f"{year}.yaml"


def slip_line(slip: Slip) -> str:
    record: dict[str, Any] = {
        "number": slip.number,
        "code": slip.code,
        "unit": slip.unit,
        "issued": slip.issued.isoformat(),
        "due": slip.due.isoformat(),
        "by": slip.by,
        "items": [{"task": i.task, "light": i.light, "situation": i.situation} for i in slip.items],
    }
    if slip.at is not None:
        record["at"] = slip.at.isoformat(timespec="milliseconds")
    return "- " + json.dumps(record, ensure_ascii=False) + "\n"


def register_files(root: Path) -> list[Path]:
    folder = root / URGES_DIR
    if not folder.is_dir():
        return []
    return sorted(
        p.relative_to(root)
        for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.suffix in (".yaml", ".yml")
    )


def parse_register(ledger: Ledger, root: Path) -> tuple[list[Slip], list[Diagnostic]]:
    """Every slip of every year file, and every problem, located by file and line."""
    slips: list[Slip] = []
    problems: list[Diagnostic] = []
    for relative in register_files(root):
        found, located = _parse_file(ledger, relative, (root / relative).read_bytes())
        slips += found
        problems += located
    return sorted(slips, key=lambda s: (s.issued.year, s.number)), problems


def check_urges(ledger: Ledger, root: Path) -> list[Diagnostic]:
    """The register's problems, for ``zctasks check``: none when all is well."""
    return parse_register(ledger, root)[1]


def load_register(ledger: Ledger, root: Path) -> list[Slip]:
    """The issued slips; a register with errors is refused as the progress log is."""
    slips, problems = parse_register(ledger, root)
    if any(d.severity == "error" for d in problems):
        raise LedgerInvalid(problems)
    return slips


def _parse_file(ledger: Ledger, relative: Path, raw: bytes) -> tuple[list[Slip], list[Diagnostic]]:
    name = relative.as_posix()
    problems: list[Diagnostic] = []

    def problem(line: int, code: str, message: str, hint: str = "") -> None:
        problems.append(Diagnostic(name, line, 1, code, message, hint))

    if relative.suffix != ".yaml" or not re.fullmatch(r"\d{4}", relative.stem):
        problem(1, "file-name", f"催办登记文件应命名为 年份.yaml：{relative.name} 不会被读取")
        return [], problems
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        problem(1, "encoding", "催办登记文件不是 UTF-8 编码")
        return [], problems
    slips: list[Slip] = []
    numbers: dict[int, int] = {}
    for line_number, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if _CONFLICT.match(stripped):
            problem(
                line_number,
                "conflict-marker",
                "git 合并冲突标记：两个分支的催办登记没有按行合并",
                "保留两边的全部登记行，删去冲突标记行；"
                ".gitattributes 中写入 data/urges/*.yaml merge=union",
            )
            continue
        if not (stripped.startswith("- {") and stripped.endswith("}")):
            problem(line_number, "line-form", "催办登记应每行一张：- {…}")
            continue
        try:
            record = json.loads(stripped[2:])
        except ValueError as exc:
            problem(line_number, "urge-syntax", f"无法读取这一行：{exc}")
            continue
        slip, found = _slip(ledger, record)
        for message in found:
            problem(line_number, "urge-field", message)
        if slip is None:
            continue
        if str(slip.issued.year) != relative.stem:
            problem(
                line_number,
                "wrong-year",
                f"{slip.code} 的签发日期 {slip.issued} 不属于 {relative.name}",
                f"应记在 {year_file(slip.issued.year).as_posix()}",
            )
        if slip.number in numbers:
            problem(
                line_number,
                "duplicate-number",
                f"编号 {slip.code} 与第 {numbers[slip.number]} 行重复",
                "两处各自签发了同号的催办单（如两个分支合并）：保留先签发的一张，"
                "另一张作废后重新签发",
            )
        numbers.setdefault(slip.number, line_number)
        slips.append(slip)
    return slips, problems


def _slip(ledger: Ledger, record: Any) -> tuple[Slip | None, list[str]]:
    """A slip from one line's object, or what is wrong with it."""
    if not isinstance(record, dict):
        return None, ["应为一个对象 {…}"]
    found = [f"未知字段“{key}”" for key in record if key not in _FIELDS]
    number, code, unit = record.get("number"), record.get("code"), record.get("unit")
    by = record.get("by")
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        found.append("number 应为正整数")
    if not isinstance(code, str) or not code:
        found.append("缺少编号 code")
    if not isinstance(unit, str) or unit not in ledger.units:
        found.append(f"未知单位“{unit}”")
    if not isinstance(by, str) or not by:
        found.append("缺少签发单位 by")
    issued, due = _day(record.get("issued")), _day(record.get("due"))
    if issued is None:
        found.append("issued 应为日期 YYYY-MM-DD")
    if due is None:
        found.append("due 应为日期 YYYY-MM-DD")
    if issued and due and due < issued:
        found.append(f"反馈时限 {due} 早于签发日期 {issued}")
    at = None
    if record.get("at") is not None:
        try:
            at = datetime.fromisoformat(str(record["at"]))
        except ValueError:
            found.append("at 应为带时区的时间")
    items: list[Item] = []
    raw_items = record.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        found.append("items 应为非空列表")
        raw_items = []
    for raw in raw_items:
        if not isinstance(raw, dict) or set(raw) - set(_ITEM_FIELDS):
            found.append("items 的每一项应为 {task, light, situation}")
            continue
        task, light, situation = raw.get("task"), raw.get("light"), raw.get("situation", "")
        if not isinstance(task, int) or task not in ledger.tasks:
            found.append(f"未知任务 {task}")
        elif light not in URGED_LIGHTS:
            found.append(f"第{task}项的 light 应为 red 或 grey")
        elif not isinstance(situation, str):
            found.append(f"第{task}项的 situation 应为文字")
        else:
            items.append(Item(task, light, situation))
    if found:
        return None, found
    assert isinstance(number, int) and isinstance(code, str) and isinstance(unit, str)
    assert isinstance(by, str) and issued is not None and due is not None
    return Slip(unit, issued, due, by, tuple(items), number, code, at), []


def _day(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def issued_on(slips: list[Slip], unit: str, day: date) -> Slip | None:
    """The slip already issued to ``unit`` on ``day``, if any (the latest)."""
    found = [s for s in slips if s.unit == unit and s.issued == day]
    return found[-1] if found else None


def issue(root: Path, drafts: list[Slip], prefix: str, at: datetime | None = None) -> list[Slip]:
    """Record the drafts (numbered on from the year's highest number) under the register's
    lock; a unit already urged on the same day keeps the slip it was given. Returns the
    slips as issued, in the order of the drafts. ``at`` is the moment of issue (now)."""
    from zctasks.files.writer import Transaction, update
    from zctasks.log.recording import recorded_at

    def build(tx: Transaction) -> list[Slip]:
        moment = at or recorded_at()
        texts: dict[str, str] = {}
        result: list[Slip] = []
        for draft in drafts:
            name = year_file(draft.issued.year).name
            if name not in texts:
                raw = tx.read(name)
                texts[name] = raw.decode("utf-8-sig") if raw else HEADER
            existing = _recorded_lines(texts[name])
            same = [
                r
                for r in existing
                if r["unit"] == draft.unit and r["issued"] == draft.issued.isoformat()
            ]
            if same:
                result.append(_from_record(same[-1]))
                continue
            number = max((int(r["number"]) for r in existing), default=0) + 1
            slip = Slip(
                draft.unit,
                draft.issued,
                draft.due,
                draft.by,
                draft.items,
                number,
                code_for(prefix, draft.issued.year, number),
                moment,
            )
            if not texts[name].endswith("\n"):
                texts[name] += "\n"
            texts[name] += slip_line(slip)
            result.append(slip)
        for name, text in texts.items():
            if text != (tx.read(name) or b"").decode("utf-8-sig"):
                tx.write(name, text.encode("utf-8"))
        return result

    return update(root / URGES_DIR, build, what="催办登记")


def _recorded_lines(text: str) -> list[dict[str, Any]]:
    records = []
    for line in text.split("\n"):
        line = line.strip()
        if line.startswith("- {") and line.endswith("}"):
            try:
                value = json.loads(line[2:])
            except ValueError:
                continue
            if isinstance(value, dict) and isinstance(value.get("number"), int):
                records.append(value)
    return records


def _from_record(record: dict[str, Any]) -> Slip:
    return Slip(
        record["unit"],
        date.fromisoformat(record["issued"]),
        date.fromisoformat(record["due"]),
        record["by"],
        tuple(Item(i["task"], i["light"], i.get("situation", "")) for i in record["items"]),
        record["number"],
        record["code"],
        datetime.fromisoformat(record["at"]) if record.get("at") else None,
    )


def answered(
    slip: Slip,
    reports: dict[int, list[Entry]],
    as_of: date,
    calendar: Calendar | None = None,
) -> tuple[Answer, date | None, list[int]]:
    """How the slip was answered by ``as_of``: 已反馈 (when every task on the slip has a
    report that answers it), 部分反馈, 未反馈, or late; with the day of the answer and the
    tasks still unanswered.

    A report on one of the slip's tasks answers it, whoever sent it, exactly as
    ``status --by unit`` counts a task reported: when it is dated by ``as_of`` and after
    the start of the cycle the slip was about (with ``calendar``), and it reached the
    office on or after the day the slip was issued — or was recorded only after the slip
    (a sheet received before it and imported later). The day of the answer is the day the
    report arrived (``received``, else the day it was recorded).
    """
    start = None
    if calendar is not None:
        due = calendar.last_due(slip.issued)
        start = calendar.window_start(due) if due is not None else None
    days: list[date] = []
    missing: list[int] = []
    for task in slip.tasks:
        later = [
            e
            for e in reports.get(task, [])
            if e.date <= as_of and (start is None or e.date > start) and _after(slip, e)
        ]
        if later:
            days.append(min(e.arrived for e in later))
        else:
            missing.append(task)
    if not missing:
        day = max(days)
        return ("逾期反馈" if day > slip.due else "已反馈"), day, []
    if days:
        return "部分反馈", max(days), missing
    return ("逾期未反馈" if as_of > slip.due else "未反馈"), None, missing


def _after(slip: Slip, entry: Entry) -> bool:
    """Whether ``entry`` came in after the slip was issued."""
    if entry.received is not None and entry.received >= slip.issued:
        return True
    if entry.at is not None and slip.at is not None:
        return entry.at > slip.at
    recorded = entry.at.astimezone().date() if entry.at is not None else entry.date
    return recorded > slip.issued
