"""Cross-checks of a parsed ledger: what the schema alone cannot see.

Every problem is collected and located; nothing stops at the first one.
"""

from __future__ import annotations

import difflib
import re
from datetime import date
from pathlib import Path
from typing import Any

from zctasks.files.errors import Diagnostic
from zctasks.files.root import CONFIG_FILE, DEPARTMENTS_FILE, TASKS_FILE
from zctasks.plan.ledger import ROLE_NAMES, CheckResult, Ledger, normal_name
from zctasks.plan.models import ROLES, Milestone, Plan, Role, Target, Task
from zctasks.plan.schema import ConfigFile, DepartmentsFile, TasksFile
from zctasks.plan.zones import ZONE_HINT, plan_zone


def check_contents(root: Path, contents: dict[Path, bytes | None]) -> CheckResult:
    from zctasks.files import yamlfile
    from zctasks.plan import schema

    diagnostics: list[Diagnostic] = []
    parsed: dict[Path, Any] = {}
    files: list[tuple[Path, Any]] = [(TASKS_FILE, TasksFile), (DEPARTMENTS_FILE, DepartmentsFile)]
    if CONFIG_FILE in contents:
        files.append((CONFIG_FILE, ConfigFile))
    for relative, model in files:
        name = relative.as_posix()
        doc, found = yamlfile.parse(name, contents[relative] or b"")
        diagnostics += found
        if doc is None:
            continue
        if doc.data is None:
            if relative == CONFIG_FILE:
                parsed[relative] = (ConfigFile(), doc)
                continue
            diagnostics.append(
                Diagnostic(
                    name,
                    1,
                    1,
                    "empty-file",
                    "文件为空",
                    "台账文件不能为空；可从 zctasks init 生成的文件开始",
                )
            )
            continue
        value, found = schema.validate(doc, model)
        diagnostics += found
        if value is not None:
            parsed[relative] = (value, doc)
    if any(relative not in parsed for relative, _ in files):
        return CheckResult(None, diagnostics)
    tasks_file, tasks_doc = parsed[TASKS_FILE]
    departments, departments_doc = parsed[DEPARTMENTS_FILE]
    diagnostics += _check_required(tasks_file, tasks_doc, departments, departments_doc)
    diagnostics += _check_departments(departments, departments_doc)
    diagnostics += _check_tasks(tasks_file, tasks_doc, departments)
    config, config_doc = parsed.get(CONFIG_FILE, (ConfigFile(), None))
    if config_doc is not None:
        diagnostics += _check_config(config, config_doc, tasks_file.plan)
    ledger = Ledger(
        root=root,
        plan=tasks_file.plan,
        chapters={c.id: c for c in tasks_file.chapters},
        tasks={t.id: t for t in tasks_file.tasks},
        units=dict(departments.units),
        placeholders=frozenset(departments.placeholders),
        settings=config.schedule,
        report_settings=config.reports,
        reporting=config.reporting,
    )
    return CheckResult(ledger, diagnostics)


_DUE_DAYS = {"weekly": (1, 7), "semi-monthly": (1, 15), "monthly": (1, 31)}


def _check_config(config: ConfigFile, doc: Any, plan: Any) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    reporting = config.reporting
    low, high = _DUE_DAYS[reporting.cycle]
    if not low <= reporting.due_day <= high:
        what = {
            "weekly": "星期几（1 为周一，7 为周日）",
            "semi-monthly": "上半月的日子",
            "monthly": "每月的日子",
        }
        found.append(
            doc.diagnostic(
                ("reporting", "due_day"),
                "range",
                f"报送截止日 {reporting.due_day} 无效：{reporting.cycle} 周期应填 {low}—{high}，即{what[reporting.cycle]}",
            )
        )
    if reporting.first_due is not None and not (
        plan.issued <= reporting.first_due <= plan.period.end
    ):
        found.append(
            doc.diagnostic(
                ("reporting", "first_due"),
                "range",
                f"首次报送截止日 {reporting.first_due} 应在印发日 {plan.issued} 与计划期末 {plan.period.end} 之间",
            )
        )
    try:
        plan_zone(reporting.time_zone)
    except ValueError as exc:
        found.append(doc.diagnostic(("reporting", "time_zone"), "range", str(exc), ZONE_HINT))
    urge_days = config.reports.urge_days
    if not 1 <= urge_days <= 366:
        found.append(
            doc.diagnostic(
                ("reports", "urge_days"),
                "range",
                f"催办单反馈时限 urge_days 应为 1 至 366 天，实际为 {urge_days}",
                "反馈时限是签发日之后的天数，如 7",
            )
        )
    if config.schedule.stale_days is not None:
        found.append(
            doc.diagnostic(
                ("schedule", "stale_days"),
                "unused",
                "stale_days 已不再使用：任务在错过报送截止日后才算未报送",
                "删去这一行，在 reporting 中设置报送周期（cycle、due_day、first_due）",
                key=True,
                severity="warning",
            )
        )
    return found


def _check_required(
    tasks_file: TasksFile, doc: Any, departments: DepartmentsFile, departments_doc: Any
) -> list[Diagnostic]:
    """Positive numbers and non-empty text: what the types alone allow but the ledger cannot use."""
    found: list[Diagnostic] = []

    def number(loc: tuple[str | int, ...], value: int) -> None:
        if value < 1:
            found.append(doc.diagnostic(loc, "range", f"编号应为正整数，实际为 {value}"))

    def text(where: Any, loc: tuple[str | int, ...], value: str | None) -> None:
        if value is not None and not value.strip():
            found.append(where.diagnostic(loc, "empty", f"“{loc[-1]}” 不能为空"))

    for i, chapter in enumerate(tasks_file.chapters):
        number(("chapters", i, "id"), chapter.id)
        text(doc, ("chapters", i, "title"), chapter.title)
    for i, task in enumerate(tasks_file.tasks):
        number(("tasks", i, "id"), task.id)
        for name in ("title", "text", "attribution"):
            text(doc, ("tasks", i, name), getattr(task, name))
        for role in ROLES:
            for k, unit in enumerate(getattr(task, role)):
                text(doc, ("tasks", i, role, k), unit)
        for j, target in enumerate(task.targets):
            for name in ("id", "name", "unit"):
                text(doc, ("tasks", i, "targets", j, name), getattr(target, name))
    for short, unit in departments.units.items():
        text(departments_doc, ("units", short), short)
        for k, alias in enumerate(unit.aliases):
            text(departments_doc, ("units", short, "aliases", k), alias)
    return found


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
"""Characters that drive a terminal or reorder text: a unit's name becomes file names,
sheet cells and messages, so it may hold none."""


def _check_departments(departments: DepartmentsFile, doc: Any) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    owner: dict[str, str] = {}
    for short, unit in departments.units.items():
        for i, spelling in enumerate((short, unit.full_name, *unit.aliases)):
            if not spelling:
                continue
            control = _CONTROL.search(spelling)
            if control is not None:
                where = ("units", short) if i < 2 else ("units", short, "aliases", i - 2)
                found.append(
                    doc.diagnostic(
                        (*where, "full_name") if i == 1 else where,
                        "control-character",
                        f"单位名称含有控制字符（{control.group()}）：{spelling}",
                        "删去这个字符；单位名称会用在文件名、表格和提示中",
                        key=(i == 0),
                    )
                )
            spelling = normal_name(spelling)
            if spelling in owner and owner[spelling] != short:
                loc = ("units", short, "aliases", i - 2) if i >= 2 else ("units", short)
                found.append(
                    doc.diagnostic(
                        loc,
                        "ambiguous-name",
                        f"名称“{spelling}”同时指向 {owner[spelling]} 和 {short}",
                        "一个名称只能指向一个单位",
                        key=(i == 0),
                    )
                )
            owner.setdefault(spelling, short)
    for i, placeholder in enumerate(departments.placeholders):
        if normal_name(placeholder) in owner:
            found.append(
                doc.diagnostic(
                    ("placeholders", i),
                    "ambiguous-name",
                    f"“{placeholder}”既是单位又是泛指用语",
                    "",
                )
            )
    return found


def _check_tasks(tasks_file: TasksFile, doc: Any, departments: DepartmentsFile) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    plan = tasks_file.plan
    if plan.period.end < plan.period.start:
        found.append(
            doc.diagnostic(("plan", "period", "end"), "bad-period", "计划期的结束日期早于开始日期")
        )
    chapter_ids: set[int] = set()
    for i, chapter in enumerate(tasks_file.chapters):
        if chapter.id in chapter_ids:
            found.append(
                doc.diagnostic(
                    ("chapters", i, "id"), "duplicate-chapter", f"章节编号 {chapter.id} 重复"
                )
            )
        chapter_ids.add(chapter.id)
    known = set(departments.units)
    placeholders = set(departments.placeholders)
    short_names = {
        spelling: short
        for short, unit in departments.units.items()
        for spelling in (unit.full_name, *unit.aliases)
        if spelling
    }
    tasked = {task.chapter for task in tasks_file.tasks}
    for i, chapter in enumerate(tasks_file.chapters):
        if chapter.id not in tasked:
            found.append(
                doc.diagnostic(
                    ("chapters", i),
                    "empty-chapter",
                    f"第 {chapter.id} 章“{chapter.title}”没有任务",
                    "文件可能被截断或误删；请对照原文补回任务，或删去该章",
                )
            )
    task_ids: set[int] = set()
    target_ids: set[str] = set()
    for i, task in enumerate(tasks_file.tasks):
        at = ("tasks", i)
        if task.id in task_ids:
            found.append(
                doc.diagnostic(
                    (*at, "id"),
                    "duplicate-task",
                    f"任务编号 {task.id} 重复",
                    "每项任务的编号必须唯一",
                )
            )
        task_ids.add(task.id)
        if task.chapter not in chapter_ids:
            found.append(
                doc.diagnostic(
                    (*at, "chapter"),
                    "unknown-chapter",
                    f"任务 {task.id} 所在的第 {task.chapter} 章不存在",
                    f"已有章节：{'、'.join(map(str, sorted(chapter_ids)))}",
                )
            )
        if task.due is not None and not plan.period.start <= task.due <= plan.period.end:
            found.append(
                doc.diagnostic(
                    (*at, "due"),
                    "due-outside-period",
                    f"任务 {task.id} 的期限 {task.due} 不在计划期内",
                )
            )
        found += _check_milestones(
            task.milestones,
            doc,
            (*at, "milestones"),
            plan.period.start,
            task.due or plan.period.end,
            None,
        )
        role_problems = _check_roles(task, doc, at, known, placeholders)
        found += role_problems or _check_attribution(task, doc, at, short_names, plan)
        for j, target in enumerate(task.targets):
            found += _check_target(task, target, doc, (*at, "targets", j), target_ids)
            found += _check_milestones(
                target.milestones,
                doc,
                (*at, "targets", j, "milestones"),
                plan.period.start,
                task.due or plan.period.end,
                target,
            )
    return found


def _check_roles(
    task: Task, doc: Any, at: tuple[str | int, ...], known: set[str], placeholders: set[str]
) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    seen: dict[str, Role] = {}
    for role in ROLES:
        for k, unit in enumerate(getattr(task, role)):
            loc = (*at, role, k)
            if unit not in known and unit not in placeholders:
                close = difflib.get_close_matches(unit, sorted(known), n=3, cutoff=0.5)
                hint = (
                    f"是否是：{'、'.join(close)}？" if close else ""
                ) + "新单位请先加入 data/departments.yaml"
                found.append(doc.diagnostic(loc, "unknown-unit", f"未知单位“{unit}”", hint))
            if unit in seen:
                what = (
                    "重复列出"
                    if seen[unit] == role
                    else f"同时是{ROLE_NAMES[seen[unit]]}和{ROLE_NAMES[role]}单位"
                )
                found.append(
                    doc.diagnostic(
                        loc,
                        "role-conflict",
                        f"任务 {task.id} 中“{unit}”{what}",
                        "一个单位在一项任务中只能有一个角色",
                    )
                )
            seen.setdefault(unit, role)
    if task.responsible and (task.lead or task.cooperate):
        found.append(
            doc.diagnostic(
                (*at, "responsible"),
                "role-conflict",
                f"任务 {task.id} 既有负责单位又有牵头/配合单位",
                "“负责”表示不分牵头与配合",
            )
        )
    if task.and_others and not getattr(task, task.and_others):
        found.append(
            doc.diagnostic(
                (*at, "and_others"),
                "and-others-empty",
                f"任务 {task.id} 的 and_others 指向空的 {task.and_others} 列表",
            )
        )
    return found


def _check_attribution(
    task: Task, doc: Any, at: tuple[str | int, ...], short_names: dict[str, str], plan: Plan
) -> list[Diagnostic]:
    """The roles must say what the attribution they were read from says (with the plan's own
    labels and ordering rule, as the importer read it)."""
    if not task.attribution:
        return []
    from zctasks.plan.attribution import parse_attribution

    parsed = parse_attribution(task.attribution, plan.labels, bool(plan.lead_rule))
    if parsed is None:
        return []
    said = {
        role: [short_names.get(unit, unit) for unit in parsed[0].get(role, [])] for role in ROLES
    }
    found: list[Diagnostic] = []
    for role in ROLES:
        listed = list(getattr(task, role))
        if set(listed) != set(said[role]):
            found.append(
                doc.diagnostic(
                    (*at, role) if listed else (*at, "attribution"),
                    "roles-differ",
                    f"任务 {task.id} 的{ROLE_NAMES[role]}单位与原文分工不符："
                    f"原文为“{'、'.join(said[role]) or '无'}”，列表为“{'、'.join(listed) or '无'}”",
                    "attribution 是分工的原文；请改正 lead、cooperate、responsible，或连同原文一起改正",
                )
            )
    return found


def _check_target(
    task: Task, target: Any, doc: Any, at: tuple[str | int, ...], target_ids: set[str]
) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    prefix, _, number = target.id.partition(".")
    if prefix != str(task.id) or not number.isdigit():
        found.append(
            doc.diagnostic(
                (*at, "id"), "target-id", f"指标编号“{target.id}”应以任务编号开头，如 {task.id}.1"
            )
        )
    if target.id in target_ids:
        found.append(doc.diagnostic((*at, "id"), "duplicate-target", f"指标编号 {target.id} 重复"))
    target_ids.add(target.id)
    if target.op == "between":
        if target.max is None:
            found.append(
                doc.diagnostic(
                    at,
                    "between-needs-max",
                    f"指标 {target.id} 是区间（between），缺少上限 max",
                    "例如 2—3家 写作 value: 2 和 max: 3",
                )
            )
        elif target.max < target.value:
            found.append(
                doc.diagnostic(
                    (*at, "max"),
                    "max-below-value",
                    f"指标 {target.id} 的上限 {target.max} 小于下限 {target.value}",
                )
            )
    elif target.max is not None:
        found.append(
            doc.diagnostic(
                (*at, "max"),
                "max-without-between",
                f"指标 {target.id} 不是区间，不应有 max",
                "区间指标写 op: between",
            )
        )
    if target.quote and target.quote not in task.text:
        found.append(
            doc.diagnostic(
                (*at, "quote"),
                "quote-not-in-text",
                f"指标 {target.id} 的 quote 不是任务 {task.id} 原文的一部分",
                "quote 应逐字摘自任务正文",
            )
        )
    return found


def _check_milestones(
    milestones: tuple[Milestone, ...],
    doc: Any,
    at: tuple[str | int, ...],
    start: date,
    due: date,
    target: Target | None,
) -> list[Diagnostic]:
    """Nodes lie in the plan period by the task's deadline, in date order; a target's node
    has a figure, a task's node says what is due; a cumulative plan never falls."""
    found: list[Diagnostic] = []
    owner = f"指标 {target.id} " if target is not None else "任务"
    previous: Milestone | None = None
    for k, milestone in enumerate(milestones):
        where = (*at, k)
        if not start <= milestone.by <= due:
            found.append(
                doc.diagnostic(
                    (*where, "by"),
                    "milestone-outside-period",
                    f"{owner}的节点 {milestone.by} 不在计划期内或晚于完成期限 {due}",
                )
            )
        if previous is not None and milestone.by <= previous.by:
            found.append(
                doc.diagnostic(
                    (*where, "by"),
                    "milestone-order",
                    f"{owner}的节点 {milestone.by} 不晚于前一个节点 {previous.by}",
                    "节点按日期先后排列，每个日期只写一次",
                )
            )
        if target is not None and milestone.value is None:
            found.append(
                doc.diagnostic(
                    where,
                    "milestone-value",
                    f"指标 {target.id} 的节点 {milestone.by} 缺少计划数值 value",
                    "例如 {by: 2023-09-30, value: 15}；只有文字的节点写在任务的 milestones 下",
                )
            )
        if target is None and milestone.value is not None:
            found.append(
                doc.diagnostic(
                    (*where, "value"),
                    "milestone-value",
                    f"任务的节点 {milestone.by} 不应有数值 value",
                    "计划数值写在对应指标的 milestones 下",
                )
            )
        if target is None and not milestone.text.strip():
            found.append(
                doc.diagnostic(
                    where,
                    "milestone-value",
                    f"任务的节点 {milestone.by} 缺少说明 text",
                    "例如 {by: 2023-09-30, text: 三季度末完成主体工程}",
                )
            )
        if (
            target is not None
            and target.accrues
            and previous is not None
            and previous.value is not None
            and milestone.value is not None
            and milestone.value < previous.value
        ):
            found.append(
                doc.diagnostic(
                    (*where, "value"),
                    "milestone-value",
                    f"指标 {target.id} 是累计指标，节点 {milestone.by} 的计划数 {milestone.value:g} "
                    f"小于前一节点的 {previous.value:g}",
                    "累计指标的计划数按日期只增不减",
                )
            )
        previous = milestone
    return found
