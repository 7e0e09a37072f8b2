"""The ledger: both data files validated, cross-checked and indexed for queries."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zctasks import cache
from zctasks.errors import Diagnostic, LedgerInvalid, UsageError
from zctasks.models import (
    ROLES,
    Chapter,
    DepartmentsFile,
    Plan,
    Role,
    Task,
    TasksFile,
    Unit,
)
from zctasks.root import DEPARTMENTS_FILE, TASKS_FILE

ROLE_NAMES: dict[Role, str] = {"lead": "牵头", "cooperate": "配合", "responsible": "负责"}
_PREFIXES = ("淄博市", "淄川区", "淄川")


@dataclass
class Ledger:
    root: Path
    plan: Plan
    chapters: dict[int, Chapter]
    tasks: dict[int, Task]
    units: dict[str, Unit]
    placeholders: frozenset[str]
    names: dict[str, str] = field(default_factory=dict)
    """Every accepted spelling of a unit (short name, full name, alias) → its short name."""

    def __post_init__(self) -> None:
        if not self.names:
            self.names = _name_index(self.units)

    def chapter_of(self, task: Task) -> Chapter:
        return self.chapters[task.chapter]

    def resolve_unit(self, name: str) -> str:
        """The short name of the unit ``name`` means, or a usage error with suggestions."""
        wanted = _normal(name)
        for candidate in (wanted, *_without_prefix(wanted)):
            if candidate in self.names:
                return self.names[candidate]
        if wanted in self.placeholders:
            raise UsageError(f"“{name}”是泛指用语，不是具体单位", "请指定具体单位")
        close = difflib.get_close_matches(wanted, list(self.names), n=8, cutoff=0.4)
        suggestions = list(dict.fromkeys(self.names[c] for c in close))[:3]
        hint = f"是否要找：{'、'.join(suggestions)}？" if suggestions else "用 zctasks depts 查看全部单位"
        raise UsageError(f"未知单位“{name}”", hint)

    def tasks_of(self, unit: str, role: Role | None = None) -> list[Task]:
        return [t for t in self.tasks.values() if (t.role_of(unit) if role is None else
                                                    unit in getattr(t, role))]

    def role_counts(self) -> dict[str, Counter[Role]]:
        counts: dict[str, Counter[Role]] = {name: Counter() for name in self.units}
        for task in self.tasks.values():
            for role in ROLES:
                for unit in getattr(task, role):
                    if unit in counts:
                        counts[unit][role] += 1
        return counts

    def target_count(self) -> int:
        return sum(len(t.targets) for t in self.tasks.values())


def _normal(name: str) -> str:
    return re.sub(r"\s+", "", name.replace("\u3000", ""))


def _without_prefix(name: str) -> list[str]:
    forms = []
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            rest = name[len(prefix):]
            forms += [rest, "区" + rest] if not rest.startswith("区") else [rest]
    return forms


def _name_index(units: dict[str, Unit]) -> dict[str, str]:
    index: dict[str, str] = {}
    for short, unit in units.items():
        for spelling in (short, unit.full_name, *unit.aliases):
            if spelling:
                index.setdefault(_normal(spelling), short)
    return index


@dataclass
class CheckResult:
    ledger: Ledger | None
    diagnostics: list[Diagnostic]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]


def _read(root: Path, relative: Path) -> tuple[bytes | None, list[Diagnostic]]:
    try:
        return (root / relative).read_bytes(), []
    except FileNotFoundError:
        return None, [Diagnostic(relative.as_posix(), 1, 1, "missing-file", "文件不存在",
                                 "用 zctasks init 新建台账")]
    except OSError as exc:
        return None, [Diagnostic(relative.as_posix(), 1, 1, "unreadable",
                                 f"无法读取文件：{exc.strerror}")]


def _inputs(root: Path) -> tuple[dict[Path, bytes | None], list[Diagnostic]]:
    contents: dict[Path, bytes | None] = {}
    problems: list[Diagnostic] = []
    for relative in (TASKS_FILE, DEPARTMENTS_FILE):
        contents[relative], found = _read(root, relative)
        problems += found
    return contents, problems


def load(root: Path) -> Ledger:
    """The checked ledger at ``root``, from the cache when its files have not changed."""
    contents, problems = _inputs(root)
    if problems:
        raise LedgerInvalid(problems)
    entry = cache.key("ledger", ((str(p), c or b"") for p, c in contents.items()))
    cached = cache.load(entry)
    if isinstance(cached, Ledger):
        cached.root = root
        return cached
    result = _check_contents(root, contents)
    if result.errors or result.ledger is None:
        raise LedgerInvalid(result.diagnostics)
    cache.store(entry, result.ledger)
    return result.ledger


def check(root: Path) -> CheckResult:
    """Every problem in the ledger at ``root``, never only the first."""
    contents, problems = _inputs(root)
    if problems:
        return CheckResult(None, problems)
    return _check_contents(root, contents)


def _check_contents(root: Path, contents: dict[Path, bytes | None]) -> CheckResult:
    from zctasks import schema, yamlfile

    diagnostics: list[Diagnostic] = []
    parsed: dict[Path, Any] = {}
    for relative, model in ((TASKS_FILE, TasksFile), (DEPARTMENTS_FILE, DepartmentsFile)):
        name = relative.as_posix()
        doc, found = yamlfile.parse(name, contents[relative] or b"")
        diagnostics += found
        if doc is None:
            continue
        if doc.data is None:
            diagnostics.append(Diagnostic(name, 1, 1, "empty-file", "文件为空",
                                          "台账文件不能为空；可从 zctasks init 生成的文件开始"))
            continue
        value, found = schema.validate(doc, model)
        diagnostics += found
        if value is not None:
            parsed[relative] = (value, doc)
    if len(parsed) < 2:
        return CheckResult(None, diagnostics)
    tasks_file, tasks_doc = parsed[TASKS_FILE]
    departments, departments_doc = parsed[DEPARTMENTS_FILE]
    diagnostics += _check_departments(departments, departments_doc)
    diagnostics += _check_tasks(tasks_file, tasks_doc, departments)
    ledger = Ledger(
        root=root,
        plan=tasks_file.plan,
        chapters={c.id: c for c in tasks_file.chapters},
        tasks={t.id: t for t in tasks_file.tasks},
        units=dict(departments.units),
        placeholders=frozenset(departments.placeholders),
    )
    return CheckResult(ledger, diagnostics)


def _check_departments(departments: DepartmentsFile, doc: Any) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    owner: dict[str, str] = {}
    for short, unit in departments.units.items():
        for i, spelling in enumerate((short, unit.full_name, *unit.aliases)):
            if not spelling:
                continue
            spelling = _normal(spelling)
            if spelling in owner and owner[spelling] != short:
                loc = ("units", short, "aliases", i - 2) if i >= 2 else ("units", short)
                found.append(doc.diagnostic(loc, "ambiguous-name",
                                            f"名称“{spelling}”同时指向 {owner[spelling]} 和 {short}",
                                            "一个名称只能指向一个单位", key=(i == 0)))
            owner.setdefault(spelling, short)
    for i, placeholder in enumerate(departments.placeholders):
        if _normal(placeholder) in owner:
            found.append(doc.diagnostic(("placeholders", i), "ambiguous-name",
                                        f"“{placeholder}”既是单位又是泛指用语", ""))
    return found


def _check_tasks(tasks_file: TasksFile, doc: Any, departments: DepartmentsFile) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    plan = tasks_file.plan
    if plan.period.end < plan.period.start:
        found.append(doc.diagnostic(("plan", "period", "end"), "bad-period",
                                    "计划期的结束日期早于开始日期"))
    chapter_ids: set[int] = set()
    for i, chapter in enumerate(tasks_file.chapters):
        if chapter.id in chapter_ids:
            found.append(doc.diagnostic(("chapters", i, "id"), "duplicate-chapter",
                                        f"章节编号 {chapter.id} 重复"))
        chapter_ids.add(chapter.id)
    known = set(departments.units)
    placeholders = set(departments.placeholders)
    task_ids: set[int] = set()
    target_ids: set[str] = set()
    for i, task in enumerate(tasks_file.tasks):
        at = ("tasks", i)
        if task.id in task_ids:
            found.append(doc.diagnostic((*at, "id"), "duplicate-task", f"任务编号 {task.id} 重复",
                                        "每项任务的编号必须唯一"))
        task_ids.add(task.id)
        if task.chapter not in chapter_ids:
            found.append(doc.diagnostic((*at, "chapter"), "unknown-chapter",
                                        f"任务 {task.id} 所在的第 {task.chapter} 章不存在",
                                        f"已有章节：{'、'.join(map(str, sorted(chapter_ids)))}"))
        if task.due is not None and not plan.period.start <= task.due <= plan.period.end:
            found.append(doc.diagnostic((*at, "due"), "due-outside-period",
                                        f"任务 {task.id} 的期限 {task.due} 不在计划期内"))
        found += _check_roles(task, doc, at, known, placeholders)
        for j, target in enumerate(task.targets):
            found += _check_target(task, target, doc, (*at, "targets", j), target_ids)
    return found


def _check_roles(task: Task, doc: Any, at: tuple[str | int, ...], known: set[str],
                 placeholders: set[str]) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    seen: dict[str, Role] = {}
    for role in ROLES:
        for k, unit in enumerate(getattr(task, role)):
            loc = (*at, role, k)
            if unit not in known and unit not in placeholders:
                close = difflib.get_close_matches(unit, sorted(known), n=3, cutoff=0.5)
                hint = (f"是否是：{'、'.join(close)}？" if close else "") + \
                    "新单位请先加入 data/departments.yaml"
                found.append(doc.diagnostic(loc, "unknown-unit", f"未知单位“{unit}”", hint))
            if unit in seen:
                what = "重复列出" if seen[unit] == role else \
                    f"同时是{ROLE_NAMES[seen[unit]]}和{ROLE_NAMES[role]}单位"
                found.append(doc.diagnostic(loc, "role-conflict",
                                            f"任务 {task.id} 中“{unit}”{what}",
                                            "一个单位在一项任务中只能有一个角色"))
            seen.setdefault(unit, role)
    if task.responsible and (task.lead or task.cooperate):
        found.append(doc.diagnostic((*at, "responsible"), "role-conflict",
                                    f"任务 {task.id} 既有负责单位又有牵头/配合单位",
                                    "“负责”表示不分牵头与配合"))
    if task.and_others and not getattr(task, task.and_others):
        found.append(doc.diagnostic((*at, "and_others"), "and-others-empty",
                                    f"任务 {task.id} 的 and_others 指向空的 {task.and_others} 列表"))
    return found


def _check_target(task: Task, target: Any, doc: Any, at: tuple[str | int, ...],
                  target_ids: set[str]) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    prefix, _, number = target.id.partition(".")
    if prefix != str(task.id) or not number.isdigit():
        found.append(doc.diagnostic((*at, "id"), "target-id",
                                    f"指标编号“{target.id}”应以任务编号开头，如 {task.id}.1"))
    if target.id in target_ids:
        found.append(doc.diagnostic((*at, "id"), "duplicate-target", f"指标编号 {target.id} 重复"))
    target_ids.add(target.id)
    if target.op == "between":
        if target.max is None:
            found.append(doc.diagnostic(at, "between-needs-max",
                                        f"指标 {target.id} 是区间（between），缺少上限 max",
                                        "例如 2—3家 写作 value: 2 和 max: 3"))
        elif target.max < target.value:
            found.append(doc.diagnostic((*at, "max"), "max-below-value",
                                        f"指标 {target.id} 的上限 {target.max} 小于下限 {target.value}"))
    elif target.max is not None:
        found.append(doc.diagnostic((*at, "max"), "max-without-between",
                                    f"指标 {target.id} 不是区间，不应有 max",
                                    "区间指标写 op: between"))
    if target.quote and target.quote not in task.text:
        found.append(doc.diagnostic((*at, "quote"), "quote-not-in-text",
                                    f"指标 {target.id} 的 quote 不是任务 {task.id} 原文的一部分",
                                    "quote 应逐字摘自任务正文"))
    return found
