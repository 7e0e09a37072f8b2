"""Reading a roll-up's files: members.yaml and crosswalk.yaml parsed with positions and
validated by the schema, then checked against the city's plan and each member's plan at its
pinned commit; members.lock read line by line. Every problem located by file, line and
column, all of them at once."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zctasks.files.errors import Diagnostic
from zctasks.files.yamlfile import YamlDoc
from zctasks.plan.ledger import Ledger
from zctasks.rollup.model import (
    CROSSWALK_FILE,
    LOCK_FILE,
    MEMBERS_FILE,
    CrosswalkFile,
    Member,
    MembersFile,
    Pin,
    TargetLink,
    TaskLink,
    as_tuple,
    canonical,
)

CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_HEX = re.compile(r"[0-9a-f]{40}\Z")
_SCHEMES = ("file", "http", "https", "ssh", "git")
_BAD_BRANCH = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]|\.\.|@\{|//")


def json_schema(name: str) -> dict[str, Any]:
    """JSON Schema of ``members`` or ``crosswalk``."""
    from pydantic import TypeAdapter

    model = MembersFile if name == "members" else CrosswalkFile
    from zctasks.plan.models import described

    with described():
        schema = TypeAdapter(model).json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"zctasks data/{name}.yaml"
    return schema


def _parsed(
    root: Path, relative: Path, *, strict_numbers: bool = False
) -> tuple[YamlDoc | None, list[Diagnostic]]:
    from zctasks.files import yamlfile
    from zctasks.files.errors import NotAFile
    from zctasks.files.limits import InputTooLarge, read_bounded

    name = relative.as_posix()
    try:
        raw = read_bounded(root / relative, name, inside=root)
    except FileNotFoundError:
        return None, [Diagnostic(name, 1, 1, "missing-file", "文件不存在")]
    except (InputTooLarge, NotAFile) as exc:
        return None, [exc.diagnostic()]
    except OSError as exc:
        return None, [Diagnostic(name, 1, 1, "unreadable", f"无法读取文件：{exc.strerror}")]
    return yamlfile.parse(name, raw, strict_numbers=strict_numbers)


# ---------------------------------------------------------------- members.yaml


@dataclass
class Members:
    file: MembersFile
    doc: YamlDoc

    @property
    def names(self) -> list[str]:
        return [m.name for m in self.file.members]

    def get(self, name: str) -> Member | None:
        return next((m for m in self.file.members if m.name == name), None)

    @property
    def word(self) -> str:
        """What a member is called in prose: 区县 (from the section's 各区县进展)."""
        section = self.file.section
        return section.removeprefix("各").removesuffix("进展").removesuffix("情况") or "成员"


def read_members(root: Path) -> tuple[Members | None, list[Diagnostic]]:
    """The members of the roll-up at ``root``, or None with every problem."""
    from zctasks.plan import schema

    doc, problems = _parsed(root, MEMBERS_FILE)
    if doc is None:
        return None, problems
    if doc.data is None:
        doc.data = {}
    value, found = schema.validate(doc, MembersFile)
    problems += found
    if value is None:
        return None, problems
    problems += check_members(value, doc)
    if any(d.severity == "error" for d in problems):
        return None, problems
    return Members(value, doc), problems


def remote_problem(remote: str) -> str:
    """Why a remote is not one zctasks fetches from, or ""."""
    if remote.startswith("-"):
        return "不能以“-”开头（会被 git 当作选项）"
    if "::" in remote:
        return "不能使用“传输方式::地址”的写法（会调用其他程序）"
    if "://" in remote:
        scheme = remote.split("://", 1)[0].lower()
        if scheme not in _SCHEMES:
            return f"用了不支持的协议“{scheme}”：只能用 https、http、ssh、git、file 或本地目录"
    return ""


def branch_problem(branch: str) -> str:
    """Why a branch name is not one git accepts (git check-ref-format --branch), or ""."""
    if not branch:
        return "分支名为空"
    if (
        branch.startswith(("-", ".", "/"))
        or branch.endswith(("/", ".", ".lock"))
        or "/." in branch
        or _BAD_BRANCH.search(branch)
        or branch == "@"
    ):
        return f"“{branch}”不是有效的 git 分支名"
    return ""


def name_problem(name: str) -> str:
    """Why a member name (typed or hand-written) is refused, or "": " 甲" and "甲" would be
    two members, and "..", "a/b" read as paths wherever a name is shown beside one."""
    if name != name.strip():
        return "首尾有空白"
    if name.strip(".") == "":
        return "只有“.”"
    if "/" in name or "\\" in name:
        return "含有“/”或“\\”"
    return ""


MEMBER_NAME_HINT = "成员名称写区县（或市）的名称，如 淄川区；首尾不留空白，不含“/”“\\”"


def check_members(file: MembersFile, doc: YamlDoc) -> list[Diagnostic]:
    found: list[Diagnostic] = []

    def problem(loc: tuple[str | int, ...], code: str, message: str, hint: str = "") -> None:
        found.append(doc.diagnostic(loc, code, message, hint))

    series = set()
    for i, name in enumerate(file.series):
        if not name.strip() or CONTROL.search(name):
            problem(("series", i), "series", f"序列名“{name}”为空或含有控制字符")
        if name in series:
            problem(("series", i), "duplicate-series", f"序列“{name}”重复")
        series.add(name)
    for text, where in ((file.name, ("name",)), (file.section, ("section",))):
        if CONTROL.search(text):
            problem(where, "control-character", f"含有控制字符：{text}")
    if not file.section.strip():
        problem(
            ("section",), "empty", "section（文件中成员一节的标题）为空", "例如 section: 各区县进展"
        )
    seen: dict[str, int] = {}
    for i, member in enumerate(file.members):
        at: tuple[str | int, ...] = ("members", i)
        if not member.name.strip():
            problem((*at, "name"), "empty", "成员名称为空")
        elif CONTROL.search(member.name):
            problem(
                (*at, "name"),
                "control-character",
                f"成员名称含有控制字符：{member.name}",
                "成员名称会用在表格、文件和提示中",
            )
        elif why := name_problem(member.name):
            problem((*at, "name"), "member-name", f"成员名称“{member.name}”{why}", MEMBER_NAME_HINT)
        if member.name in seen:
            problem(
                (*at, "name"),
                "duplicate-member",
                f"成员“{member.name}”重复（第 {seen[member.name] + 1} 个成员也是它）",
            )
        seen.setdefault(member.name, i)
        if bool(member.remote) == bool(member.bundle):
            problem(
                at,
                "member-source",
                f"成员“{member.name}”应写 remote（git 仓库地址）或 bundle（bundle 文件）中的一个",
                "例如 remote: https://git.example.gov.cn/zichuan/taizhang.git 或 bundle: 收件/淄川区.bundle",
            )
        for key in ("remote", "bundle"):
            text = getattr(member, key)
            if CONTROL.search(text):
                problem(
                    (*at, key), "control-character", f"成员“{member.name}”的 {key} 含有控制字符"
                )
            elif key == "remote" and text and (why := remote_problem(text)):
                problem((*at, key), "remote", f"成员“{member.name}”的仓库地址{why}")
            elif key == "bundle" and text.startswith("-"):
                problem((*at, key), "remote", f"成员“{member.name}”的 bundle 文件名不能以“-”开头")
        if member.branch and (why := branch_problem(member.branch)):
            problem((*at, "branch"), "branch", why)
        if member.series and member.series not in series:
            known = "、".join(file.series) or "（未声明）"
            problem(
                (*at, "series"),
                "unknown-series",
                f"成员“{member.name}”的序列“{member.series}”不在 series 中",
                f"已声明的序列：{known}；在文件开头的 series 中加入它",
            )
    return found


# ---------------------------------------------------------------- crosswalk.yaml


@dataclass
class Crosswalk:
    file: CrosswalkFile
    doc: YamlDoc
    where: dict[int, int] = field(default_factory=dict)
    """City task → its index in ``file.tasks``."""

    def link(self, task_id: int) -> TaskLink | None:
        i = self.where.get(task_id)
        return None if i is None else self.file.tasks[i]


def read_crosswalk(
    root: Path, city: Ledger, members: Members
) -> tuple[Crosswalk | None, list[Diagnostic]]:
    """The crosswalk, checked against the city's plan and the members' names (not yet
    against the members' own plans: ``check_against_members``)."""
    from zctasks.plan import schema

    doc, problems = _parsed(root, CROSSWALK_FILE, strict_numbers=True)  # factor: 0x10 is no 16
    if doc is None:
        return None, problems
    if doc.data is None:
        doc.data = {}
    value, found = schema.validate(doc, CrosswalkFile)
    problems += found
    if value is None:
        return None, problems
    crosswalk = Crosswalk(value, doc)
    problems += _check_crosswalk(crosswalk, city, members)
    if any(d.severity == "error" for d in problems):
        return None, problems
    return crosswalk, problems


def _check_crosswalk(crosswalk: Crosswalk, city: Ledger, members: Members) -> list[Diagnostic]:
    from zctasks.rollup.units import LARGEST_FACTOR, SMALLEST_FACTOR, exact, is_rate

    doc = crosswalk.doc
    found: list[Diagnostic] = []

    def problem(loc: tuple[str | int, ...], code: str, message: str, hint: str = "") -> None:
        found.append(doc.diagnostic(loc, code, message, hint))

    names = set(members.names)

    def member_keys(loc: tuple[str | int, ...], mapping: dict[str, Any] | None) -> None:
        for name in mapping or {}:
            if name not in names:
                found.append(
                    doc.diagnostic(
                        (*loc, name),
                        "unknown-member",
                        f"“{name}”不是 data/members.yaml 中的成员",
                        "成员：" + ("、".join(members.names) or "（没有成员）"),
                        key=True,
                    )
                )

    for i, link in enumerate(crosswalk.file.tasks):
        at: tuple[str | int, ...] = ("tasks", i)
        task = city.tasks.get(link.task)
        if task is None:
            problem((*at, "task"), "unknown-task", f"市级计划中没有第{link.task}项任务")
            continue
        if link.task in crosswalk.where:
            problem(
                (*at, "task"),
                "duplicate-task",
                f"第{link.task}项任务已在第 {crosswalk.where[link.task] + 1} 条对应关系中写过",
            )
            continue
        crosswalk.where[link.task] = i
        member_keys((*at, "members"), link.members)
        for name, tasks in (link.members or {}).items():
            if not as_tuple(tasks):
                problem((*at, "members", name), "empty", f"{name}没有写任务序号")
            seen_tasks: set[int] = set()
            for k, number in enumerate(as_tuple(tasks)):
                if int(number) < 1:
                    problem((*at, "members", name), "range", f"任务序号应为正整数：{number}")
                elif int(number) in seen_tasks:
                    problem(
                        _item((*at, "members", name), tasks, k),
                        "duplicate-member-task",
                        f"{name}的第{number}项任务写了两次，会被重复计算",
                    )
                seen_tasks.add(int(number))
        if not link.targets and not link.members:
            problem(at, "empty", f"第{link.task}项任务没有写任何成员的任务或指标")
        if link.how is not None and canonical(link.how) == "targets" and not link.targets:
            problem((*at, "how"), "how", "按指标（targets）汇总的任务要在 targets 中写出指标")
        seen: dict[str, int] = {}
        targets = {t.id: t for t in task.targets}
        for j, target_link in enumerate(link.targets):
            place = (*at, "targets", j)
            target = targets.get(target_link.target)
            if target is None:
                problem(
                    (*place, "target"),
                    "unknown-target",
                    f"市级第{link.task}项任务没有编号为 {target_link.target} 的指标",
                    "指标：" + ("、".join(targets) or "（没有量化指标）"),
                )
                continue
            if target_link.target in seen:
                problem(
                    (*place, "target"), "duplicate-target", f"指标 {target_link.target} 写了两次"
                )
            seen.setdefault(target_link.target, j)
            member_keys((*place, "members"), target_link.members)
            if not target_link.members:
                problem((*place, "members"), "empty", f"指标 {target_link.target} 没有写成员的指标")
            how = canonical(target_link.how)
            if how in ("sum", "share") and is_rate(target.unit):
                problem(
                    (*place, "how"),
                    "rate-sum",
                    f"指标 {target.id} 的单位是“{target.unit}”，各成员的比率不能相加",
                    "比率、百分数类指标用 how: worst（最差），取各成员中最差的灯色",
                )
            factor = target_link.factor
            if factor is not None and not (SMALLEST_FACTOR <= exact(factor) <= LARGEST_FACTOR):
                problem(
                    (*place, "factor"),
                    "range",
                    f"换算系数应在 0.000000000001 至 1000000000000 之间，实际为 {factor:g}",
                    "成员数值乘以它得到市级单位的数值，如万元换算成亿元是 0.0001",
                )
            seen_targets: set[tuple[str, str]] = set()
            for name, ids in target_link.members.items():
                if not as_tuple(ids):
                    problem((*place, "members", name), "empty", f"{name}没有写指标")
                for k, target_id in enumerate(as_tuple(ids)):
                    if (name, target_id) in seen_targets:
                        problem(
                            _item((*place, "members", name), ids, k),
                            "duplicate-target",
                            f"{name}的指标 {target_id} 写了两次，会被重复计算",
                        )
                    seen_targets.add((name, target_id))
    return found


# ---------------------------------------------------------------- against the members' plans


@dataclass(frozen=True)
class MemberTarget:
    id: str
    name: str
    unit: str
    op: str
    value: float
    accrues: bool


@dataclass(frozen=True)
class MemberTask:
    id: int
    title: str
    targets: dict[str, MemberTarget]


@dataclass(frozen=True)
class MemberPlan:
    """What a member's plan says, as far as the crosswalk needs it."""

    title: str
    tasks: dict[int, MemberTask]

    def target(self, target_id: str) -> tuple[MemberTask, MemberTarget] | None:
        task_id = target_id.partition(".")[0]
        task = self.tasks.get(int(task_id)) if task_id.isdigit() else None
        if task is not None and target_id in task.targets:
            return task, task.targets[target_id]
        for task in self.tasks.values():  # a plan whose target ids do not start with the task
            if target_id in task.targets:
                return task, task.targets[target_id]
        return None


def check_against_members(
    crosswalk: Crosswalk,
    city: Ledger,
    plans: dict[str, tuple[str, MemberPlan | None]],
) -> list[Diagnostic]:
    """Member tasks and targets the crosswalk names that the member's plan does not hold at
    its pinned commit, units that do not convert, shares that do not add up. ``plans``
    gives each member's pinned commit and plan (None: not fetched yet)."""
    from decimal import Decimal

    from zctasks.rollup.units import exact, factor_between, times

    doc = crosswalk.doc
    found: list[Diagnostic] = []

    def at_commit(name: str) -> str:
        return f"{name}（提交 {plans[name][0][:7]}）"

    for i, link in enumerate(crosswalk.file.tasks):
        task = city.tasks.get(link.task)
        if task is None:
            continue
        at: tuple[str | int, ...] = ("tasks", i)
        for name, numbers in (link.members or {}).items():
            plan = plans.get(name, ("", None))[1]
            if plan is None:
                continue
            for k, number in enumerate(as_tuple(numbers)):
                if int(number) not in plan.tasks:
                    found.append(
                        doc.diagnostic(
                            _item((*at, "members", name), numbers, k),
                            "member-task",
                            f"{at_commit(name)}的计划中没有第{number}项任务",
                            "成员的计划变了：按它现在的任务序号改正对应关系",
                        )
                    )
        targets = {t.id: t for t in task.targets}
        for j, target_link in enumerate(link.targets):
            city_target = targets.get(target_link.target)
            if city_target is None:
                continue
            place = (*at, "targets", j)
            how = canonical(target_link.how)
            shares: list[Decimal] = []
            for name, ids in target_link.members.items():
                plan = plans.get(name, ("", None))[1]
                if plan is None:
                    continue
                for k, target_id in enumerate(as_tuple(ids)):
                    hit = plan.target(target_id)
                    if hit is None:
                        found.append(
                            doc.diagnostic(
                                _item((*place, "members", name), ids, k),
                                "member-target",
                                f"{at_commit(name)}的计划中没有编号为 {target_id} 的指标",
                                "成员的计划变了：按它现在的指标编号改正对应关系",
                            )
                        )
                        continue
                    member_target = hit[1]
                    if how == "worst" or target_link.factor is not None:
                        factor = (
                            exact(target_link.factor)
                            if target_link.factor is not None
                            else Decimal(1)
                        )
                    else:
                        converted = factor_between(member_target.unit, city_target.unit)
                        if converted is None:
                            found.append(
                                doc.diagnostic(
                                    _item((*place, "members", name), ids, k),
                                    "unit-mismatch",
                                    f"{name}的指标 {target_id} 的单位是“{member_target.unit}”，"
                                    f"市级指标 {city_target.id} 的单位是“{city_target.unit}”，无法换算",
                                    "写 factor: 换算系数（成员数值乘以它得到市级单位的数值）",
                                )
                            )
                            continue
                        factor = converted
                    shares.append(times(member_target.value, factor))
            if how == "share" and shares and len(shares) == _share_count(target_link):
                from zctasks.rollup.units import plain, total

                summed = total(shares)
                if summed != exact(city_target.value):
                    found.append(
                        doc.diagnostic(
                            (*place, "target"),
                            "share-total",
                            f"各成员分解的目标合计 {plain(summed):g}{city_target.unit}，"
                            f"市级指标 {city_target.id} 的目标是 {city_target.value:g}{city_target.unit}",
                            "核对分解方案；分解的份额之和通常等于（或高于）市级目标",
                            severity="warning",
                        )
                    )
    return found


def _item(loc: tuple[str | int, ...], value: object, k: int) -> tuple[str | int, ...]:
    """Where the ``k``-th of a member's tasks or targets stands (a list, or one value)."""
    return (*loc, k) if isinstance(value, tuple) else loc


def _share_count(link: TargetLink) -> int:
    return sum(len(as_tuple(ids)) for ids in link.members.values())


# ---------------------------------------------------------------- members.lock

LOCK_HEADER = (
    "# 各成员台账锁定的提交：由 zctasks rollup fetch 写入，随台账一起提交；请勿手工修改。\n"
)
_PIN_FIELDS = (
    "name",
    "commit",
    "committed",
    "pinned",
    "source",
    "branch",
    "tried",
    "problem",
    "rejected",
)
_CONFLICT = re.compile(r"^(<<<<<<<|=======|>>>>>>>)", re.M)


def read_lock(
    root: Path, members: Members | None = None
) -> tuple[dict[str, Pin], list[Diagnostic]]:
    """The pins of members.lock (none when there is no file yet), with its problems."""
    from zctasks.files import yamlfile
    from zctasks.files.errors import NotAFile
    from zctasks.files.limits import InputTooLarge, read_bounded

    name = LOCK_FILE.as_posix()
    try:
        raw = read_bounded(root / LOCK_FILE, name, inside=root)
    except FileNotFoundError:
        return {}, []
    except (InputTooLarge, NotAFile) as exc:
        return {}, [exc.diagnostic()]
    except OSError as exc:
        return {}, [Diagnostic(name, 1, 1, "unreadable", f"无法读取文件：{exc.strerror}")]
    text = raw.decode("utf-8", errors="replace")
    markers = [m for m in _CONFLICT.finditer(text)]
    if markers:
        line = text.count("\n", 0, markers[0].start()) + 1
        return {}, [
            Diagnostic(
                name,
                line,
                1,
                "conflict-marker",
                f"git 合并冲突标记“{markers[0].group(1)}”：两次获取的锁定提交没有合并",
                "保留任意一边（删去另一边和标记行）后运行 zctasks rollup fetch，它会重新锁定各成员的最新提交",
            )
        ]
    doc, problems = yamlfile.parse(name, raw)
    if doc is None:
        return {}, problems
    data = doc.data if doc.data is not None else []
    if not isinstance(data, list):
        return {}, [doc.diagnostic((), "lock-syntax", "锁定文件应为每行一个成员的列表")]
    pins: dict[str, Pin] = {}
    for i, item in enumerate(data):
        if (
            not isinstance(item, dict)
            or not all(
                isinstance(k, str) and k in _PIN_FIELDS and isinstance(v, str)
                for k, v in item.items()
            )
            or not item.get("name")
        ):
            problems.append(
                doc.diagnostic((i,), "lock-syntax", "这一行不是 zctasks 写入的锁定记录")
            )
            continue
        pin = Pin(**item)
        if pin.commit and not _HEX.match(pin.commit):
            problems.append(
                doc.diagnostic((i, "commit"), "lock-syntax", f"“{pin.commit}”不是完整的提交编号")
            )
            continue
        bad_time = next((k for k in _PIN_TIMES if not _is_moment(getattr(pin, k))), None)
        if bad_time is not None:
            problems.append(
                doc.diagnostic(
                    (i, bad_time),
                    "lock-syntax",
                    f"“{getattr(pin, bad_time)}”不是 zctasks 写入的时间",
                    "运行 zctasks rollup fetch --member " + pin.name + " 重新锁定",
                )
            )
            continue
        if pin.name in pins:
            problems.append(
                doc.diagnostic((i, "name"), "lock-syntax", f"成员“{pin.name}”锁定了两次")
            )
            continue
        pins[pin.name] = pin
        if members is not None and pin.name not in members.names:
            problems.append(
                doc.diagnostic(
                    (i, "name"),
                    "stale-pin",
                    f"“{pin.name}”已不是 data/members.yaml 中的成员，其锁定记录不再使用",
                    "运行 zctasks rollup fetch 会去掉它",
                    severity="warning",
                )
            )
    return pins, problems


_PIN_TIMES = ("committed", "pinned", "tried")


def _is_moment(text: str) -> bool:
    """Empty, or a time as fetch writes it: ISO 8601 with its offset."""
    from datetime import datetime

    if not text:
        return True
    try:
        return datetime.fromisoformat(text).tzinfo is not None
    except ValueError:
        return False


def lock_text(pins: list[Pin]) -> str:
    """members.lock: one member a line, its fields in a fixed order, empty ones left out."""
    lines = [LOCK_HEADER]
    for pin in pins:
        fields = {key: getattr(pin, key) for key in _PIN_FIELDS if getattr(pin, key)}
        lines.append("- " + json.dumps(fields, ensure_ascii=False) + "\n")
    return "".join(lines)
