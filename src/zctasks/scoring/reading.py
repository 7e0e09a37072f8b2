"""Reading data/scoring.yaml: parsed with positions, validated by the schema, then checked
against the plan — every problem located by file, line and column, all of them at once."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any

from zctasks.files.errors import Diagnostic, LedgerInvalid, UsageError
from zctasks.files.yamlfile import YamlDoc
from zctasks.plan.ledger import Ledger
from zctasks.scoring.rules import ScoringFile, canonical

SCORING_FILE = Path("data/scoring.yaml")
NEEDS = {
    "efficacy": ("satisfied", "unacceptable"),
    "steps": ("step", "average_points"),
}
MANUAL = "manual"
SMALLEST, LARGEST = 1e-12, 1e12
"""Every number in the rules is 0 or of a magnitude between these (as a crosswalk's factor):
the sheet's arithmetic stays exact and finite."""
Loc = tuple[str | int, ...]


@dataclass
class Rules:
    """The checked rules, with where each record stands (cited by the lines it gives)."""

    file: ScoringFile
    path: str
    digest: str
    """SHA-256 of the file's bytes: a recorded sheet names the rules it was scored by."""
    record_lines: list[int] = field(default_factory=list)
    units: dict[str, str] = field(default_factory=dict)
    """Every unit named in the file as written → its short name."""


def json_schema() -> dict[str, Any]:
    from pydantic import TypeAdapter

    from zctasks.plan.models import described

    with described():
        schema = TypeAdapter(ScoringFile).json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "zctasks data/scoring.yaml"
    return schema


def read_rules(ledger: Ledger, root: Path) -> tuple[Rules | None, list[Diagnostic]]:
    """The rules at ``root``, or None with every problem; (None, []) when there is no file."""
    import hashlib

    from zctasks.files import yamlfile
    from zctasks.files.errors import NotAFile
    from zctasks.files.limits import InputTooLarge, read_bounded

    name = SCORING_FILE.as_posix()
    try:
        raw = read_bounded(root / SCORING_FILE, name, inside=root)
    except FileNotFoundError:
        return None, []
    except (InputTooLarge, NotAFile) as exc:
        return None, [exc.diagnostic()]
    except OSError as exc:
        return None, [Diagnostic(name, 1, 1, "unreadable", f"无法读取文件：{exc.strerror}")]
    from zctasks.load import cache

    entry = cache.key("scoring", [("plan", ledger.key.encode()), ("", raw)]) if ledger.key else ""
    stored = cache.load(entry) if entry else None
    if stored is not None:
        try:
            return _from_json(stored, name, hashlib.sha256(raw).hexdigest()), []
        except (ValueError, KeyError, TypeError):
            pass  # from another version, or damaged: check again
    from zctasks.plan import schema

    doc, problems = yamlfile.parse(name, raw)
    if doc is None:
        return None, problems
    if doc.data is None:
        return None, [*problems, Diagnostic(name, 1, 1, "empty-file", "考评办法文件为空")]
    value, found = schema.validate(doc, ScoringFile)
    problems += found
    if value is None:
        return None, problems
    rules = Rules(value, name, hashlib.sha256(raw).hexdigest())
    rules.record_lines = [doc.where(("records", i))[0] for i in range(len(value.records))]
    problems += _check(value, doc, ledger, rules)
    if entry and not problems:
        cache.store(entry, _to_json(rules))
    return (None if any(d.severity == "error" for d in problems) else rules), problems


def _to_json(rules: Rules) -> bytes:
    """The checked rules for the cache (``_from_json`` rebuilds them without pydantic)."""
    import json
    from dataclasses import asdict

    record = {
        "file": asdict(rules.file),
        "record_lines": rules.record_lines,
        "units": rules.units,
    }
    return json.dumps(record, ensure_ascii=False, default=str).encode("utf-8")


def _from_json(data: bytes, path: str, digest: str) -> Rules:
    import json
    from datetime import date

    from zctasks.scoring import rules as model

    record = json.loads(data)
    raw = record["file"]

    def tupled(item: dict[str, Any], *keys: str) -> dict[str, Any]:
        return {k: (tuple(v) if k in keys and v is not None else v) for k, v in item.items()}

    file = model.ScoringFile(
        **{
            **tupled(raw, "assessed"),
            "series": tuple(model.Series(**tupled(x, "units", "kinds")) for x in raw["series"]),
            "periods": tuple(
                model.Period(x["name"], date.fromisoformat(x["end"]), x["weight"])
                for x in raw["periods"]
            ),
            "indicators": tuple(
                model.Indicator(
                    **{
                        **tupled(x, "roles", "tasks", "targets"),
                        "measure": tuple(model.Term(**t) for t in x["measure"]),
                        "bands": tuple(model.Band(**b) for b in x["bands"]),
                    }
                )
                for x in raw["indicators"]
            ),
            "events": tuple(
                model.EventRule(**tupled(x, "roles", "tasks", "range")) for x in raw["events"]
            ),
            "caps": tuple(model.Cap(**tupled(x, "rules")) for x in raw["caps"]),
            "vetoes": tuple(model.Veto(**tupled(x, "targets", "roles")) for x in raw["vetoes"]),
            "grades": tuple(model.Grade(**x) for x in raw["grades"]),
            "records": tuple(
                model.Record(**{**x, "date": date.fromisoformat(x["date"])}) for x in raw["records"]
            ),
        }
    )
    return Rules(file, path, digest, list(record["record_lines"]), dict(record["units"]))


def load_rules(ledger: Ledger, root: Path) -> Rules:
    """The rules, refusing a missing file or one with errors."""
    rules, problems = read_rules(ledger, root)
    if problems and any(d.severity == "error" for d in problems):
        raise LedgerInvalid(problems)
    if rules is None:
        raise UsageError(
            f"没有考评办法文件 {SCORING_FILE.as_posix()}",
            "把考评规则写进 data/scoring.yaml（示例见 README“考评”一节，"
            "zctasks init --demo 新建的台账附有一份）",
        )
    return rules


def _check(file: ScoringFile, doc: YamlDoc, ledger: Ledger, rules: Rules) -> list[Diagnostic]:
    """What the schema cannot see: names that must exist, numbers that must fit together."""
    found: list[Diagnostic] = []

    def problem(loc: tuple[str | int, ...], code: str, message: str, hint: str = "") -> None:
        found.append(doc.diagnostic(loc, code, message, hint))

    def unit(loc: tuple[str | int, ...], name: str) -> None:
        try:
            rules.units[name] = ledger.resolve_unit(name)
        except UsageError as exc:
            problem(loc, "unknown-unit", f"未知单位“{name}”", exc.hint)

    for place, value in _numbers(file, ()):
        if not (value == 0 or SMALLEST <= abs(value) <= LARGEST):
            problem(
                place,
                "range",
                f"数值应为 0 或绝对值在 0.000000000001 至 1000000000000 之间，实际为 {value:g}",
                "考评办法中的分值、系数、界限都是常规大小的数",
            )
    for place, roles in _roles(file):
        if not roles:
            problem(
                place, "empty", "roles 不能为空", "写 lead、responsible、cooperate 中的一个或几个"
            )
    targets = {t.id: t for task in ledger.tasks.values() for t in task.targets}
    target_names = {t.name for t in targets.values()}
    ids: dict[str, tuple[str | int, ...]] = {}
    for part in ("indicators", "events", "vetoes"):
        for i, item in enumerate(getattr(file, part)):
            if item.id in ids:
                problem((part, i, "id"), "duplicate-rule", f"规则编号“{item.id}”重复")
            ids.setdefault(item.id, (part, i))
    if file.decimals < 0 or file.decimals > 4:
        problem(("decimals",), "range", f"小数位数应为 0—4，实际为 {file.decimals}")
    for i, series in enumerate(file.series):
        for j, name in enumerate(series.units):
            unit(("series", i, "units", j), name)
        if not (series.units or series.kinds or series.rest):
            problem(
                ("series", i),
                "empty",
                f"序列“{series.name}”没有单位",
                "写 units、kinds 或 rest: true",
            )
        if series.deduction_factor <= 0:
            problem(("series", i, "deduction_factor"), "range", "扣分倍数应大于 0")
    if sum(1 for s in file.series if s.rest) > 1:
        problem(("series",), "duplicate-rest", "只能有一个序列写 rest: true")
    period = ledger.plan.period
    previous = None
    for i, item in enumerate(file.periods):
        if not period.start <= item.end <= period.end:
            problem(
                ("periods", i, "end"),
                "range",
                f"考评期“{item.name}”的截止日 {item.end} 不在计划期 {period.start} 至 {period.end} 内",
            )
        if previous is not None and item.end <= previous:
            problem(("periods", i, "end"), "order", "考评期应按截止日先后排列，且不能重叠")
        previous = item.end
        if item.weight <= 0:
            problem(("periods", i, "weight"), "range", f"考评期“{item.name}”的权重应大于 0")
    for i, ind in enumerate(file.indicators):
        loc: tuple[str | int, ...] = ("indicators", i)
        method = canonical(ind.method)
        for key in NEEDS.get(method, ()):
            if getattr(ind, key) is None:
                problem(
                    (*loc, "method"), "missing-field", f"指标“{ind.id}”用{ind.method}法，需要 {key}"
                )
        if method == "efficacy" and ind.satisfied is not None and ind.satisfied == ind.unacceptable:
            problem((*loc, "unacceptable"), "range", "满意值与不允许值不能相等")
        if method == "rank" and (ind.step is None) == (ind.step_share is None):
            problem(
                (*loc, "method"),
                "missing-field",
                f"指标“{ind.id}”按排名计分，需要 step 或 step_share 之一",
            )
        if method == "bands":
            if not ind.bands:
                problem((*loc, "method"), "missing-field", f"指标“{ind.id}”分档计分，需要 bands")
            for j, band in enumerate(ind.bands):
                last = j == len(ind.bands) - 1
                if last != (band.min is None):
                    problem(
                        (*loc, "bands", j),
                        "grade-bands",
                        "最后一档不写 min，其余各档都要写 min",
                    )
                above = ind.bands[j - 1].min if j else None
                if band.min is not None and above is not None and band.min >= above:
                    problem(
                        (*loc, "bands", j, "min"), "grade-bands", "各档应从高到低排列，min 逐档减小"
                    )
        if ind.points <= 0:
            problem((*loc, "points"), "range", f"指标“{ind.id}”的分值应大于 0")
        if ind.cap <= 0:
            problem((*loc, "cap"), "range", "完成比例上限应大于 0")
        if ind.per <= 0 or SMALLEST <= ind.per < 0.0001:
            problem((*loc, "per"), "range", f"per 应不小于 0.0001，实际为 {ind.per:g}")
        for key in ("step", "step_share"):
            value = getattr(ind, key)
            if method in ("rank", "steps") and value is not None and value <= 0:
                problem((*loc, key), "range", f"{key} 应大于 0")
        if ind.ceiling is not None and ind.ceiling < ind.floor:
            problem((*loc, "ceiling"), "range", "ceiling 不能小于 floor")
        for j, task_id in enumerate(ind.tasks):
            if task_id not in ledger.tasks:
                problem((*loc, "tasks", j), "unknown-task", f"没有第{task_id}项任务")
        for j, target_id in enumerate(ind.targets):
            if target_id not in targets:
                problem((*loc, "targets", j), "unknown-target", f"没有编号为 {target_id} 的指标")
        for name, value in ind.coefficients.items():
            unit((*loc, "coefficients", name), name)
            if value <= 0:
                problem((*loc, "coefficients", name), "range", f"难度系数应大于 0，实际为 {value}")
        for j, term in enumerate(ind.measure):
            for key in ("target", "minus"):
                wanted = getattr(term, key)
                if wanted is not None and wanted not in targets and wanted not in target_names:
                    problem(
                        (*loc, "measure", j, key),
                        "unknown-target",
                        f"没有名称或编号为“{wanted}”的指标",
                        "写 tasks.yaml 中指标的名称（name）或编号（id）",
                    )
    for i, event in enumerate(file.events):
        loc = ("events", i)
        for j, task_id in enumerate(event.tasks):
            if task_id not in ledger.tasks:
                problem((*loc, "tasks", j), "unknown-task", f"没有第{task_id}项任务")
        if event.times < 1:
            problem((*loc, "times"), "range", "times 应为正整数")
        if event.grace < 0:
            problem((*loc, "grace"), "range", "grace 不能为负")
        if event.max is not None and event.max <= 0:
            problem((*loc, "max"), "range", "max 应大于 0（扣分也写正数）")
        if event.range is not None:
            low, high = sorted(event.range)
            if not low <= event.points <= high:
                problem((*loc, "points"), "range", f"每次的分值 {event.points} 不在 range 内")
    kinds = {e.id: canonical(e.when) for e in file.events}
    for i, cap in enumerate(file.caps):
        for j, rule in enumerate(cap.rules):
            if rule not in ids or ids[rule][0] == "vetoes":
                problem(
                    ("caps", i, "rules", j), "unknown-rule", f"没有编号为“{rule}”的指标或计分规则"
                )
        if cap.max < 0:
            problem(("caps", i, "max"), "range", "上限不能为负（扣分也写正数）")
    names = [g.name for g in file.grades]
    for i, grade in enumerate(file.grades):
        last = i == len(file.grades) - 1
        if grade.name in names[:i]:
            problem(("grades", i, "name"), "duplicate-grade", f"等次“{grade.name}”重复")
        if last and grade.min is not None:
            problem(
                ("grades", i, "min"), "grade-bands", "最后一个等次不写 min（其余分数都落在这一档）"
            )
        if not last and grade.min is None:
            problem(("grades", i), "grade-bands", f"等次“{grade.name}”缺少 min")
        above = file.grades[i - 1].min if i else None
        if grade.min is not None and above is not None and grade.min >= above:
            problem(("grades", i, "min"), "grade-bands", "等次应从高到低排列，min 逐档减小")
        if grade.quota is not None and not 0 < grade.quota <= 100:
            problem(("grades", i, "quota"), "range", "quota 是百分比，应在 0—100 之间")
    for i, veto in enumerate(file.vetoes):
        loc = ("vetoes", i)
        for key in ("grade", "max_grade"):
            value = getattr(veto, key)
            if value is not None and value not in names:
                problem(
                    (*loc, key), "unknown-grade", f"没有等次“{value}”", "先在 grades 中列出等次"
                )
        if veto.grade is None and veto.max_grade is None:
            problem(loc, "missing-field", f"一票否决“{veto.id}”要写 grade 或 max_grade")
        if canonical(veto.when) == "target-missed":
            if not veto.targets:
                problem((*loc, "when"), "missing-field", "target-missed 需要 targets")
            for j, target_id in enumerate(veto.targets):
                if target_id not in targets:
                    problem(
                        (*loc, "targets", j), "unknown-target", f"没有编号为 {target_id} 的指标"
                    )
    vetoes = {v.id: canonical(v.when) for v in file.vetoes}
    for i, record in enumerate(file.records):
        loc = ("records", i)
        unit((*loc, "unit"), record.unit)
        kind = kinds.get(record.rule) or vetoes.get(record.rule)
        if kind != MANUAL:
            problem(
                (*loc, "rule"),
                "unknown-rule",
                f"没有编号为“{record.rule}”的人工记录规则（when: manual）",
            )
        if not period.start <= record.date <= period.end:
            problem((*loc, "date"), "range", f"日期 {record.date} 不在计划期内")
        if record.count < 1:
            problem((*loc, "count"), "range", "count 应为正整数")
        manual_rule = next((e for e in file.events if e.id == record.rule), None)
        if record.points is not None and manual_rule is not None:
            low, high = (
                sorted(manual_rule.range)
                if manual_rule.range
                else (manual_rule.points, manual_rule.points)
            )
            if not low <= record.points <= high:
                problem(
                    (*loc, "points"),
                    "range",
                    f"分值 {record.points} 超出规则“{manual_rule.id}”允许的范围 {low}—{high}",
                )
    return found


def _numbers(item: object, loc: tuple[str | int, ...]) -> Iterator[tuple[Loc, float]]:
    """Every number in the rules with where it stands (booleans are not numbers here)."""
    if isinstance(item, bool):
        return
    if isinstance(item, int | float):
        yield loc, item
    elif is_dataclass(item):
        for each in fields(item):
            yield from _numbers(getattr(item, each.name), (*loc, each.name))
    elif isinstance(item, tuple):
        for i, value in enumerate(item):
            yield from _numbers(value, (*loc, i))
    elif isinstance(item, dict):
        for key, value in item.items():
            yield from _numbers(value, (*loc, key))


def _roles(file: ScoringFile) -> Iterator[tuple[Loc, tuple[str, ...]]]:
    yield ("assessed",), file.assessed
    for part in ("indicators", "events", "vetoes"):
        for i, item in enumerate(getattr(file, part)):
            yield (part, i, "roles"), item.roles


def check_scoring(ledger: Ledger, root: Path) -> list[Diagnostic]:
    """The problems of the rules and of the register of issued score sheets, for ``check``."""
    from zctasks.scoring.register import check_register

    return read_rules(ledger, root)[1] + check_register(ledger, root)
