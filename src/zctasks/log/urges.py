"""The register of issued 催办单: which unit was urged about which tasks, when, under which
number, and by when it must answer.

``data/urges/2023.yaml`` holds the slips issued in 2023, one JSON object a line after
``- `` (a YAML flow mapping), appended under the folder's lock like progress, so that git's
``merge=union`` keeps both sides of a merge and a slip's lines are never interleaved. A
slip's number is the next free number of its year among the slips its office signed
(a bureau and the office that urges Party units number their own), given once and never
changed; the record keeps what the slip said when it was issued, so a reprint says the
same. Whether a
unit answered is not written anywhere: it is derived from its later progress reports.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any, Literal

from zctasks.files.errors import Diagnostic, LedgerInvalid, UsageError, ZctasksError
from zctasks.plan.calendar import Calendar
from zctasks.plan.ledger import Ledger
from zctasks.plan.models import CHINA, Entry

URGES_DIR = Path("data/urges")
HEADER = "# 催办单登记：由 zctasks 追加写入，每行一张催办单；请勿手工修改、删除或调整顺序。\n"
URGED_LIGHTS = ("red", "grey")
_FIELDS = ("number", "code", "unit", "issued", "due", "by", "items", "at", "reissues")
_VOID_FIELDS = ("voids", "unit", "issued", "slip_at", "reason", "at")
_ITEM_FIELDS = ("task", "light", "situation")
_CONFLICT = re.compile(r"^(<{7}|={7}|>{7})(?: |$)")

Answer = Literal["已反馈", "逾期反馈", "部分反馈", "未反馈", "逾期未反馈", "已作废"]


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
    reissues: str = ""
    """The code of the voided slip this one re-issues under a new number, or ""."""
    voided: str = ""
    """Why the slip was voided (作废), or "" while it stands."""
    line: int = field(default=0, compare=False, repr=False)
    """Where the slip stands in its year file (0 for one not read from the register)."""
    answers_from: datetime | None = field(default=None, compare=False, repr=False)
    """For a re-issue: the moment the slip it replaces was issued. A report that answered
    that slip answers this one (same unit, matters, day and deadline)."""

    @property
    def tasks(self) -> tuple[int, ...]:
        return tuple(item.task for item in self.items)

    @property
    def moment(self) -> str:
        """The moment of issue as recorded (it tells apart two slips of one number)."""
        return _moment_text(self.at)


@dataclass(frozen=True)
class Void:
    """A record that voids (作废) an issued slip: the slip stays in the register."""

    code: str
    unit: str
    issued: date
    slip_at: str
    reason: str
    at: datetime | None
    line: int


def _moment_text(at: datetime | None) -> str:
    return at.isoformat(timespec="milliseconds") if at is not None else ""


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
    if slip.reissues:
        record["reissues"] = slip.reissues
    if slip.at is not None:
        record["at"] = _moment_text(slip.at)
    return "- " + json.dumps(record, ensure_ascii=False) + "\n"


def void_line(slip: Slip, reason: str, at: datetime) -> str:
    record: dict[str, Any] = {
        "voids": slip.code,
        "unit": slip.unit,
        "issued": slip.issued.isoformat(),
    }
    if slip.at is not None:
        record["slip_at"] = slip.moment
    record["reason"] = reason
    record["at"] = _moment_text(at)
    return "- " + json.dumps(record, ensure_ascii=False) + "\n"


def register_files(root: Path) -> list[Path]:
    from zctasks.log.progress import readable

    folder = root / URGES_DIR
    if not folder.is_dir():
        return []
    return sorted(
        p.relative_to(root)
        for p in folder.iterdir()
        if readable(p) and not p.name.startswith(".") and p.suffix in (".yaml", ".yml")
    )


def parse_register(ledger: Ledger, root: Path) -> tuple[list[Slip], list[Diagnostic]]:
    """Every slip of every year file, voided ones marked, and every problem, located by file
    and line. A write that a killed writer left half-done is completed first."""
    from zctasks.files.writer import finish_interrupted

    if (root / URGES_DIR).is_dir():
        finish_interrupted(root / URGES_DIR)
    return _parse_all(ledger, root, {})


def _parse_all(
    ledger: Ledger, root: Path, texts: dict[str, bytes]
) -> tuple[list[Slip], list[Diagnostic]]:
    """The register from the year files on disk, or from ``texts`` (by file name) where
    given (a transaction's new contents)."""
    from zctasks.files.limits import InputTooLarge, read_bounded, size_problem
    from zctasks.log.progress import unread_files

    slips: list[Slip] = []
    voids: list[tuple[str, Void]] = []
    problems: list[Diagnostic] = unread_files(root, URGES_DIR, "催办登记文件", "年份.yaml")
    relatives = {p.name: p for p in register_files(root)}
    relatives.update({name: URGES_DIR / name for name in texts})
    for name, relative in sorted(relatives.items()):
        if name in texts:
            raw = texts[name]
            too_large = size_problem(relative.as_posix(), raw)
            if too_large is not None:
                problems.append(too_large)
                continue
        else:
            try:
                raw = read_bounded(root / relative, relative.as_posix())
            except InputTooLarge as exc:
                problems.append(exc.diagnostic())
                continue
        read, year_voids, located = _parse_file(ledger, relative, raw)
        slips += read
        voids += [(relative.as_posix(), v) for v in year_voids]
        problems += located
    slips, found = _apply_voids(slips, voids)
    problems += found
    return sorted(slips, key=lambda s: (s.issued.year, s.number, s.line)), problems


def check_urges(ledger: Ledger, root: Path) -> list[Diagnostic]:
    """The register's problems, for ``zctasks check``: none when all is well."""
    return parse_register(ledger, root)[1]


def load_register(ledger: Ledger, root: Path) -> list[Slip]:
    """The issued slips; a register with errors is refused as the progress log is."""
    slips, problems = parse_register(ledger, root)
    if any(d.severity == "error" for d in problems):
        raise LedgerInvalid(problems)
    return slips


def _parse_file(
    ledger: Ledger, relative: Path, raw: bytes
) -> tuple[list[Slip], list[Void], list[Diagnostic]]:
    from zctasks.log.progress import crlf_problem, json_record

    name = relative.as_posix()
    problems: list[Diagnostic] = []

    def problem(
        line: int, code: str, message: str, hint: str = "", severity: str = "error"
    ) -> None:
        problems.append(Diagnostic(name, line, 1, code, message, hint, severity))  # type: ignore[arg-type]

    if relative.suffix != ".yaml" or not re.fullmatch(r"\d{4}", relative.stem):
        problem(1, "file-name", f"催办登记文件应命名为 年份.yaml：{relative.name} 不会被读取")
        return [], [], problems
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        problem(1, "encoding", "催办登记文件不是 UTF-8 编码")
        return [], [], problems
    crlf = crlf_problem(name, text)
    if crlf is not None:
        return [], [], [crlf]
    slips: list[Slip] = []
    voids: list[Void] = []
    lines: dict[str, int] = {}
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
        if stripped in lines:
            problem(
                line_number,
                "duplicate-entry",
                f"与第 {lines[stripped]} 行完全相同",
                "合并分支时留下的重复行，按一张计；可删去其中一行",
                "warning",
            )
            continue
        lines[stripped] = line_number
        record, why = json_record(stripped[2:])
        if why:
            problem(line_number, "urge-syntax", f"无法读取这一行：{why}")
            continue
        if isinstance(record, dict) and "voids" in record:
            void, found = _void(ledger, record, line_number)
            for message in found:
                problem(line_number, "urge-field", message)
            if void is not None:
                if str(void.issued.year) != relative.stem:
                    problem(
                        line_number,
                        "wrong-year",
                        f"作废记录所指 {void.code} 的签发日期 {void.issued} 不属于 {relative.name}",
                    )
                voids.append(void)
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
        slips.append(replace(slip, line=line_number))
    return slips, voids, problems


def _void(ledger: Ledger, record: dict[str, Any], line: int) -> tuple[Void | None, list[str]]:
    found = [f"未知字段“{key}”" for key in record if key not in _VOID_FIELDS]
    code, unit, reason = record.get("voids"), record.get("unit"), record.get("reason")
    slip_at = record.get("slip_at", "")
    if not isinstance(code, str) or not code:
        found.append("voids 应为所作废催办单的编号")
    if not isinstance(unit, str) or unit not in ledger.units:
        found.append(f"未知单位“{unit}”")
    if not isinstance(reason, str) or not reason.strip():
        found.append("作废记录须写明原因 reason")
    if not isinstance(slip_at, str):
        found.append("slip_at 应为文字")
    issued = _day(record.get("issued"))
    if issued is None:
        found.append("issued 应为日期 YYYY-MM-DD")
    at = _moment(record.get("at"), found)
    if found:
        return None, found
    assert isinstance(code, str) and isinstance(unit, str) and isinstance(reason, str)
    assert isinstance(slip_at, str) and issued is not None
    return Void(code, unit, issued, slip_at, reason, at, line), []


def _moment(value: Any, found: list[str]) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        found.append("at 应为带时区的时间")
        return None
    if moment.utcoffset() is None:
        found.append("at 应为带时区的时间")
        return None
    return moment


def _apply_voids(
    slips: list[Slip], voids: list[tuple[str, Void]]
) -> tuple[list[Slip], list[Diagnostic]]:
    """The slips with the voided ones marked; a void naming no slip, and numbers issued twice
    that still stand (a merge of two registers), as problems."""
    problems: list[Diagnostic] = []
    reasons: dict[int, str] = {}
    for path, void in voids:
        matches = [
            n
            for n, s in enumerate(slips)
            if s.code == void.code
            and s.unit == void.unit
            and s.issued == void.issued
            and (not void.slip_at or s.moment == void.slip_at)
        ]
        if not matches:
            problems.append(
                Diagnostic(
                    path,
                    void.line,
                    1,
                    "urge-field",
                    f"要作废的催办单 {void.code}（{void.unit}，{void.issued} 签发）不存在",
                )
            )
        for n in matches:
            reasons.setdefault(n, void.reason)
    marked = [replace(s, voided=reasons.get(n, "")) for n, s in enumerate(slips)]
    for n, slip in enumerate(marked):
        if slip.reissues:
            replaced = [
                s
                for s in marked[:n]
                if s.code == slip.reissues and s.unit == slip.unit and s.issued == slip.issued
            ]
            if replaced:
                first = replaced[-1]
                marked[n] = replace(slip, answers_from=first.answers_from or first.at)
    standing: dict[tuple[int, str, int], list[Slip]] = {}
    for slip in marked:
        if not slip.voided:
            standing.setdefault((slip.issued.year, slip.by, slip.number), []).append(slip)
    for (year, _, _), same in standing.items():
        if len(same) < 2:
            continue
        first, later = same[0], same[-1]
        units = "、".join(dict.fromkeys(s.unit for s in same))
        problems.append(
            Diagnostic(
                year_file(year).as_posix(),
                later.line,
                1,
                "duplicate-number",
                f"编号 {later.code} 与第 {first.line} 行重复（{units}各收到一张）",
                "两处各自签发了同号的催办单（如两个分支合并）：作废其中一张并重新编号，"
                f"如 zctasks urge void {later.code} --unit {later.unit} --reason 编号重复 --reissue",
                "warning",
            )
        )
    return marked, problems


def _slip(ledger: Ledger, record: Any) -> tuple[Slip | None, list[str]]:
    """A slip from one line's object, or what is wrong with it."""
    if not isinstance(record, dict):
        return None, ["应为一个对象 {…}"]
    found = [f"未知字段“{key}”" for key in record if key not in _FIELDS]
    number, code, unit = record.get("number"), record.get("code"), record.get("unit")
    by, reissues = record.get("by"), record.get("reissues", "")
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        found.append("number 应为正整数")
    if not isinstance(code, str) or not code:
        found.append("缺少编号 code")
    if not isinstance(unit, str) or unit not in ledger.units:
        found.append(f"未知单位“{unit}”")
    if not isinstance(by, str) or not by:
        found.append("缺少签发单位 by")
    if not isinstance(reissues, str):
        found.append("reissues 应为所替代催办单的编号")
    issued, due = _day(record.get("issued")), _day(record.get("due"))
    if issued is None:
        found.append("issued 应为日期 YYYY-MM-DD")
    if due is None:
        found.append("due 应为日期 YYYY-MM-DD")
    if issued and due and due <= issued:
        found.append(f"反馈时限 {due} 不晚于签发日期 {issued}")
    at = _moment(record.get("at"), found)
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
        if not isinstance(task, int) or isinstance(task, bool) or task not in ledger.tasks:
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
    assert isinstance(by, str) and isinstance(reissues, str)
    assert issued is not None and due is not None
    return Slip(unit, issued, due, by, tuple(items), number, code, at, reissues), []


def _day(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def issued_on(slips: list[Slip], unit: str, day: date) -> Slip | None:
    """The slip standing for ``unit`` issued on ``day``, if any (the latest; voided slips
    do not stand)."""
    found = [s for s in slips if s.unit == unit and s.issued == day and not s.voided]
    return found[-1] if found else None


def _next_number(
    register: list[Slip], year: int, office: str, committed: tuple[tuple[int, str, int], ...] = ()
) -> int:
    """The next number the office ``office`` gives in ``year`` (voided numbers stay taken,
    and so do those of slips committed to git whose lines the work tree lost)."""
    return 1 + max(
        [s.number for s in register if s.issued.year == year and s.by == office]
        + [n for y, by, n in committed if y == year and by == office],
        default=0,
    )


def _committed(root: Path) -> tuple[tuple[int, str, int], ...]:
    """(year, office, number) of the slips HEAD holds in register files the work tree
    changed: a slip deleted by hand before a commit keeps its number taken."""
    from zctasks.files import gitops
    from zctasks.log.progress import json_record

    found = []
    for content in gitops.changed_since_head(root, URGES_DIR.as_posix()).values():
        for line in content.decode("utf-8", errors="replace").split("\n"):
            line = line.strip()
            if not (line.startswith("- {") and line.endswith("}")):
                continue
            record, why = json_record(line[2:])
            if why or not isinstance(record, dict):
                continue
            number, by, issued = record.get("number"), record.get("by"), _day(record.get("issued"))
            if isinstance(number, int) and isinstance(by, str) and issued is not None:
                found.append((issued.year, by, number))
    return tuple(found)


def _prefix_of(prefix: str | dict[str, str], office: str) -> str:
    return prefix if isinstance(prefix, str) else prefix.get(office, "")


Deliver = Callable[[list[Slip], list[Slip]], None]
"""Writes the issued slips' document (given the slips and the whole register with them)
once they are recorded, under the register's lock; if it fails or is interrupted, the
record is taken back."""


def issue(
    ledger: Ledger,
    drafts: list[Slip],
    prefix: str | dict[str, str],
    deliver: Deliver | None = None,
    at: datetime | None = None,
) -> list[Slip]:
    """Record the drafts (numbered on from the highest number the signing office gave that
    year, voided slips included: a number is never given twice) under the register's lock;
    ``prefix`` is the 机关代字, or one for each signing office. A
    unit with a standing slip of the same day keeps it. The slips are recorded first and
    their document delivered next, under the lock: a document never carries a number the
    register does not hold (a writer killed in between leaves a recorded slip whose
    document is printed again with the same number), and a document that cannot be
    written takes its slips' record back. Returns the slips as issued, in the order of the
    drafts. ``at`` is the moment of issue (now)."""
    from zctasks.files.writer import Transaction, update
    from zctasks.log.recording import recorded_at

    root = ledger.root

    def build(tx: Transaction) -> list[Slip]:
        moment = at or recorded_at()
        texts, register = _under_lock(ledger, tx, {d.issued.year for d in drafts})
        committed = _committed(root)
        result: list[Slip] = []
        for draft in drafts:
            name = year_file(draft.issued.year).name
            kept = issued_on(register, draft.unit, draft.issued)
            if kept is not None:
                result.append(kept)
                continue
            number = _next_number(register, draft.issued.year, draft.by, committed)
            slip = replace(
                draft,
                number=number,
                code=code_for(_prefix_of(prefix, draft.by), draft.issued.year, number),
                at=moment,
            )
            texts[name] = _appended(texts[name], slip_line(slip))
            register.append(slip)
            result.append(slip)
        _stage(ledger, tx, texts)
        issued.append((result, register))
        return result

    def delivered(result: list[Slip]) -> None:
        if deliver is not None:
            deliver(*issued[-1])

    issued: list[tuple[list[Slip], list[Slip]]] = []
    return update(root / URGES_DIR, build, what="催办登记", then=delivered, undo=True)


def void(
    ledger: Ledger,
    reference: str,
    unit: str | None,
    reason: str,
    prefix: str | dict[str, str],
    reissue: bool = False,
    at: datetime | None = None,
) -> tuple[Slip, Slip | None]:
    """Void (作废) the issued slip that ``reference`` names (its code, or its number, with
    ``unit`` where two slips share it), appending a void record; with ``reissue``, the same
    matters are issued again under the next number. Returns the voided slip and the new one."""
    from zctasks.files.writer import Transaction, update
    from zctasks.log.recording import recorded_at

    if not reason.strip():
        raise UsageError("作废需要写明原因")
    reference = reference.strip()

    def build(tx: Transaction) -> tuple[Slip, Slip | None]:
        moment = at or recorded_at()
        texts, register = _under_lock(ledger, tx, set())
        slip = _named(register, reference, unit)
        name = year_file(slip.issued.year).name
        if name not in texts:
            texts.update(_under_lock(ledger, tx, {slip.issued.year})[0])
        texts[name] = _appended(texts[name], void_line(slip, reason, moment))
        new = None
        if reissue:
            number = _next_number(register, slip.issued.year, slip.by, _committed(ledger.root))
            new = replace(
                slip,
                number=number,
                code=code_for(_prefix_of(prefix, slip.by), slip.issued.year, number),
                at=moment,
                reissues=slip.code,
                line=0,
            )
            texts[name] = _appended(texts[name], slip_line(new))
        _stage(ledger, tx, texts)
        return slip, new

    return update(ledger.root / URGES_DIR, build, what="催办登记")


def _named(register: list[Slip], reference: str, unit: str | None) -> Slip:
    """The standing slip a user names: its code, or its number (``23`` or ``23号``)."""
    number = reference.removesuffix("号")
    found = [
        s for s in register if s.code == reference or (number.isdigit() and s.number == int(number))
    ]
    if unit is not None:
        found = [s for s in found if s.unit == unit]
    if not found:
        raise UsageError(
            f"没有编号为“{reference}”的催办单" + (f"（{unit}）" if unit else ""),
            "用 zctasks report register 查看已签发的催办单",
        )
    standing = [s for s in found if not s.voided]
    if not standing:
        raise UsageError(f"{found[-1].code} 已作废：{found[-1].voided}")
    if len({s.code for s in standing}) > 1:
        codes = "、".join(dict.fromkeys(s.code for s in standing))
        raise UsageError(f"编号“{reference}”对应多张催办单：{codes}", "请写完整的编号")
    if len(standing) > 1:
        units = "、".join(s.unit for s in standing)
        if len(set(s.unit for s in standing)) < len(standing):
            raise UsageError(
                f"编号 {standing[0].code} 有 {len(standing)} 张催办单：{units}，且单位相同",
                "两张内容相同，作废其中任一张即可：加 --latest 作废后登记的一张",
            )
        raise UsageError(
            f"编号 {standing[0].code} 有 {len(standing)} 张催办单：{units}",
            "用 --unit 指明作废哪一张",
        )
    return standing[0]


def _under_lock(ledger: Ledger, tx: Any, years: set[int]) -> tuple[dict[str, str], list[Slip]]:
    """The texts of the year files ``years`` (a new one starts with the header) and the
    whole register, as the transaction reads them; a register with errors is refused."""
    from zctasks.files.limits import size_problem

    texts: dict[str, str] = {}
    for name in {year_file(y).name for y in years} | set(tx.names("*.yaml")):
        raw = tx.read(name)
        too_large = size_problem((URGES_DIR / name).as_posix(), raw or b"")
        if too_large is not None:
            raise LedgerInvalid([too_large])
        texts[name] = raw.decode("utf-8-sig", errors="replace") if raw else HEADER
    encoded = {name: text.encode("utf-8") for name, text in texts.items()}
    register, problems = _parse_all(ledger, ledger.root, encoded)
    if any(d.severity == "error" for d in problems):
        raise LedgerInvalid([d for d in problems if d.severity == "error"])
    return {n: t for n, t in texts.items() if n in {year_file(y).name for y in years}}, register


def _appended(text: str, line: str) -> str:
    return (text if text.endswith("\n") else text + "\n") + line


def _stage(ledger: Ledger, tx: Any, texts: dict[str, str]) -> None:
    """Write the changed year files, after making sure the register still reads: the tool
    never writes a slip its own check would refuse."""
    encoded = {name: text.encode("utf-8") for name, text in texts.items()}
    _, problems = _parse_all(ledger, ledger.root, encoded)
    errors = [d for d in problems if d.severity == "error"]
    if errors:
        raise ZctasksError(
            "要登记的催办单未通过检查，没有登记：" + "；".join(d.message for d in errors),
            "检查 data/config.yaml 的 reports 设置（urge_days、urge_code）",
        )
    for name, raw in encoded.items():
        if raw != (tx.read(name) or b""):
            tx.write(name, raw)


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
    if slip.voided:  # a voided slip asks for nothing
        return "已作废", None, []
    start = None
    if calendar is not None:
        due = calendar.last_due(slip.issued)
        start = calendar.window_start(due) if due is not None else None
    zone = calendar.zone if calendar is not None else CHINA
    days: list[date] = []
    missing: list[int] = []
    for task in slip.tasks:
        later = [
            e
            for e in reports.get(task, [])
            if e.date <= as_of and (start is None or e.date > start) and _after(slip, e, zone)
        ]
        if later:
            days.append(min(e.arrived(zone) for e in later))
        else:
            missing.append(task)
    if not missing:
        day = max(days)
        return ("逾期反馈" if day > slip.due else "已反馈"), day, []
    if days:
        return "部分反馈", max(days), missing
    return ("逾期未反馈" if as_of > slip.due else "未反馈"), None, missing


def _after(slip: Slip, entry: Entry, zone: tzinfo) -> bool:
    """Whether ``entry`` came in after the slip was issued (days in the plan's ``zone``)."""
    if entry.received is not None and entry.received >= slip.issued:
        return True
    issued_at = slip.answers_from or slip.at
    if entry.at is not None and issued_at is not None:
        return entry.at > issued_at
    recorded = entry.at.astimezone(zone).date() if entry.at is not None else entry.date
    return recorded > slip.issued
