"""The crosswalk's arithmetic: the city's tasks lit from its members' own figures and lights.

For a city target, ``sum`` (相加) adds the members' latest figures as at the day, each
converted to the city's unit, and lights the sum by the city's own rules and schedule;
``share`` (分解) adds them the same way but takes the worst of the members' own lights on
their shares (each member judged by its own plan and calendar); ``worst`` (最差) has no
figure and takes the worst of the members' lights on their targets. A city task takes the
worst of its targets (``how: targets``), or of the member tasks' own lights (``how:
worst``). A member that has not reported a figure, or cannot be read, counts as 未报送
wherever lights are compared; a sum is made of the members that reported and names the
others.

``RollupProgress`` is the city's ``Progress`` with these tasks decided here
(``decided``) and one report a day on each of them made from the members' reports — its
figures the sums as at that day, its status theirs, the latest one carrying each member's
own words — so that ``status``, the light history, the briefing and the 台账 read a roll-up
as they read any ledger. The city's own entries on a rolled-up task are not used.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from zctasks.judge.schedule import LIGHT_NAMES, TargetState, TaskState, elapsed_share, target_state
from zctasks.log.store import STATUSES, FileIndex, Progress
from zctasks.plan.ledger import Ledger
from zctasks.plan.models import Entry, Number, Target, Task
from zctasks.rollup.members import Reduced
from zctasks.rollup.model import TargetLink, TaskLink, as_tuple, canonical
from zctasks.rollup.reading import Crosswalk, Members
from zctasks.rollup.units import exact, factor_between, plain, times, total

SEVERITY = {"done": 0, "green": 1, "yellow": 2, "red": 3, "grey": 4}
MOST_WORDS = 6
"""Members whose own words a rolled-up report quotes; the rest are counted (the attachment
has every one)."""


def _day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _num(value: Number) -> str:
    return f"{value:g}"


class MemberView:
    """One member's reduction, asked by target and day."""

    def __init__(self, reduced: Reduced, days: list[date], as_of: date) -> None:
        assert reduced.data is not None
        self.name = reduced.name
        self.data = reduced.data
        self.days = [d.toordinal() for d in days]
        self.as_of = as_of
        self._series: dict[str, tuple[list[int], list[Number]]] = {}

    def task_of(self, target_id: str) -> int | None:
        head = target_id.partition(".")[0]
        if head.isdigit() and target_id in self.data["plan"]["tasks"].get(head, {}).get(
            "targets", {}
        ):
            return int(head)
        return None

    def target(self, target_id: str) -> dict[str, Any] | None:
        task = self.task_of(target_id)
        return None if task is None else self.data["plan"]["tasks"][str(task)]["targets"][target_id]

    def has_task(self, task_id: int) -> bool:
        return str(task_id) in self.data["plan"]["tasks"]

    def title(self, task_id: int) -> str:
        return str(self.data["plan"]["tasks"][str(task_id)]["title"])

    def reports(self, task_id: int) -> list[list[Any]]:
        detail = self.data["detail"].get(str(task_id))
        return detail["reports"] if detail else []

    def latest(self, task_id: int) -> dict[str, Any] | None:
        detail = self.data["detail"].get(str(task_id))
        return detail["latest"] if detail else None

    def series(self, target_id: str) -> tuple[list[int], list[Number]]:
        """The days (ordinals) a target got a figure, in order, and the figures: the one
        in force at a day is the last one on or before it."""
        if target_id not in self._series:
            task = self.task_of(target_id)
            days: list[int] = []
            values: list[Number] = []
            for ordinal, _, figures in self.reports(task) if task is not None else []:
                if target_id in figures:
                    days.append(ordinal)
                    values.append(figures[target_id])
            self._series[target_id] = (days, values)
        return self._series[target_id]

    def light(
        self, task_id: int, day: date, target_id: str | None = None
    ) -> tuple[str, str] | None:
        """The member's own light of a task (or of one of its targets) at ``day``, and why:
        as at the as-of date with its reason; at a checkpoint of the city's calendar (or
        the last one before the day), its light. None for a target without a figure."""
        task = self.data["tasks"].get(str(task_id))
        if task is None:
            return None
        if day >= self.as_of:
            if target_id is None:
                return task["light"], task["reason"]
            state = task["targets"].get(target_id)
            return None if state is None else (state["light"], state["reason"])
        detail = self.data["detail"].get(str(task_id))
        at = bisect_right(self.days, day.toordinal())
        if detail is None or not at:
            return None
        light, targets = detail["lights"][at - 1]
        if target_id is None:
            return light, ""
        found = targets.get(target_id)
        return None if found is None else (found, "")


@dataclass(frozen=True)
class Contribution:
    """One member target's part in a city target."""

    member: str
    task: int | None
    title: str
    """The member task's title."""
    target: str
    unit: str
    actual: Number | None
    converted: Number | None
    reported_on: date | None
    light: str | None
    reason: str
    factor: Decimal | None


@dataclass(frozen=True)
class Part:
    """A member target as a city target reads it: its figures by day, converted once."""

    member: str
    view: MemberView | None
    target: str
    task: int | None
    title: str
    unit: str
    factor: Decimal | None
    days: list[int]
    values: list[Number]
    converted: list[Decimal]


@dataclass
class TargetRollup:
    target: Target
    how: str
    contributions: list[Contribution] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    """Members that gave no figure (or cannot be read)."""
    actual: Number | None = None
    reported_on: date | None = None
    state: TargetState | None = None
    light: str | None = None
    reason: str = ""
    said: str = ""
    """Why, in a document's words, where a member's own light decides it."""
    words: str = ""
    """A 最差 target in a table cell: each member's figure, and which is worst."""


@dataclass(frozen=True)
class MemberLight:
    member: str
    task: int | None
    title: str
    light: str
    reason: str
    last_report: str | None


@dataclass
class TaskRollup:
    task: Task
    how: str
    targets: list[TargetRollup]
    members: list[MemberLight]
    state: TaskState


_TARGET_ID = re.compile(r"(?:^|(?<=[，；：（]))\d+(?:\.\d+)+ ")


_DOCUMENT_WORDS = (
    # 引育高校毕业生 1250/3000名，完成42% → 引育高校毕业生1250名，完成年计划的42%
    (
        re.compile(r" (-?[\d.]+)/[\d.]+(?:—[\d.]+)?([^，；（\d][^，；（]*)，完成(?=[\d.]+%)"),
        r"\1\2，完成年计划的",
    ),
    (re.compile(r"，序时进度[\d.]+%，落后([\d.]+)个百分点"), r"，低于序时进度\1个百分点"),
    (re.compile(r"，序时进度[\d.]+%(?=$|[；。）])"), ""),
    (re.compile(r"（水平指标[^）]*）"), ""),
    (re.compile(r"(?<=[^\s\d，；：。（）]) (?=-?\d)"), ""),
)


def document_words(text: str, year: int) -> str:
    """A member's reason as documents say things (as the city's own figures are said): no
    target ids, "完成年计划的42%，低于序时进度42个百分点" rather than "1250/3000名，完成42%，
    序时进度83%，落后42个百分点", no notes meant for the analyst, dates of the year short."""
    text = _TARGET_ID.sub("", text)
    for pattern, replacement in _DOCUMENT_WORDS:
        text = pattern.sub(replacement, text)
    return re.sub(rf"{year}年(?=\d{{1,2}}月)", "", text)


def task_sources(link: TaskLink, names: list[str]) -> list[tuple[str, int]]:
    """Every (member, member task) a city task is made of, in the members' order: the tasks
    ``members`` names, and the tasks of the member targets under ``targets``."""
    wanted: dict[str, list[int]] = {}
    for name, numbers in (link.members or {}).items():
        for number in as_tuple(numbers):
            wanted.setdefault(name, []).append(int(number))
    for target_link in link.targets:
        for name, ids in target_link.members.items():
            for target_id in as_tuple(ids):
                head = target_id.partition(".")[0]
                if head.isdigit() and int(head) not in wanted.get(name, []):
                    wanted.setdefault(name, []).append(int(head))
    return [(n, t) for n in names if n in wanted for t in wanted[n]]


def wanted_tasks(crosswalk: Crosswalk, names: list[str]) -> dict[str, set[int]]:
    """Member tasks whose reports and past lights the roll-up reads."""
    found: dict[str, set[int]] = {}
    for link in crosswalk.file.tasks:
        for name, task in task_sources(link, names):
            found.setdefault(name, set()).add(task)
    return found


class Rollup:
    """The city's rolled-up tasks as at any day, from the members' reductions."""

    def __init__(
        self,
        city: Ledger,
        crosswalk: Crosswalk,
        members: Members,
        reduced: dict[str, Reduced],
        as_of: date,
        days: list[date],
    ) -> None:
        self.city = city
        self.crosswalk = crosswalk
        self.members = members
        self.reduced = reduced
        self.as_of = as_of
        self.views = {
            name: MemberView(found, days, as_of)
            for name, found in reduced.items()
            if found.data is not None
        }
        self._cache: dict[tuple[int, int], TaskRollup] = {}
        self._part_cache: dict[tuple[int, str], list[Part]] = {}

    def _problem(self, member: str) -> str:
        found = self.reduced.get(member)
        return found.problem if found is not None else "不是成员"

    def sources(self, link: TaskLink) -> list[tuple[str, int]]:
        return task_sources(link, self.members.names)

    # ---------------------------------------------------------------- one target

    def _factor(self, link: TargetLink, member_unit: str, city: Target) -> Decimal | None:
        if link.factor is not None:
            return exact(link.factor)
        return factor_between(member_unit, city.unit)

    def _parts(self, task: Task, link: TargetLink) -> list[Part]:
        """The member targets a city target is made of, each with its figures as at every
        day it reported, converted once into the city's unit."""
        key = (task.id, link.target)
        found = self._part_cache.get(key)
        if found is not None:
            return found
        city = next(t for t in task.targets if t.id == link.target)
        summed = canonical(link.how) != "worst"
        found = []
        for name in self.members.names:
            if name not in link.members:
                continue
            view = self.views.get(name)
            for target_id in as_tuple(link.members[name]):
                if view is None:
                    found.append(Part(name, None, target_id, None, "", "", None, [], [], []))
                    continue
                member_task = view.task_of(target_id)
                target = view.target(target_id)
                unit = target["unit"] if target else ""
                factor = self._factor(link, unit, city) if target else None
                days, values = view.series(target_id) if target else ([], [])
                converted = (
                    [times(v, factor) for v in values] if summed and factor is not None else []
                )
                title = view.title(member_task) if member_task is not None else ""
                found.append(
                    Part(
                        name,
                        view,
                        target_id,
                        member_task,
                        title,
                        unit,
                        factor,
                        days,
                        values,
                        converted,
                    )
                )
        self._part_cache[key] = found
        return found

    def summed(self, task: Task, link: TargetLink, day: date) -> tuple[Number, date] | None:
        """The sum of the members' figures as at ``day`` (in the city's unit), and the day of
        the latest of them; None when no member has a figure yet."""
        ordinal = day.toordinal()
        parts, latest = [], 0
        for part in self._parts(task, link):
            at = bisect_right(part.days, ordinal)
            if at and part.converted:
                parts.append(part.converted[at - 1])
                latest = max(latest, part.days[at - 1])
        if not parts:
            return None
        return plain(total(parts)), date.fromordinal(latest)

    def target(self, task: Task, link: TargetLink, day: date) -> TargetRollup:
        city = next(t for t in task.targets if t.id == link.target)
        how = canonical(link.how)
        found = TargetRollup(city, how)
        ordinal = day.toordinal()
        sums: list[Decimal] = []
        counted = set()
        for part in self._parts(task, link):
            if part.view is None:
                found.contributions.append(
                    Contribution(
                        part.member, None, "", part.target, "", None, None, None, None,
                        self._problem(part.member), None,
                    )
                )  # fmt: skip
                if part.member not in found.missing:
                    found.missing.append(part.member)
                continue
            at = bisect_right(part.days, ordinal)
            light = part.view.light(part.task, day, part.target) if part.task is not None else None
            converted = None
            if at and part.converted:
                sums.append(part.converted[at - 1])
                converted = plain(part.converted[at - 1])
                counted.add(part.member)
            found.contributions.append(
                Contribution(
                    part.member,
                    part.task,
                    part.title,
                    part.target,
                    part.unit,
                    part.values[at - 1] if at else None,
                    converted,
                    date.fromordinal(part.days[at - 1]) if at else None,
                    light[0] if light else None,
                    light[1] if light else "",
                    part.factor,
                )
            )
            if not at and part.member not in found.missing:
                found.missing.append(part.member)
        dates = [c.reported_on for c in found.contributions if c.reported_on is not None]
        found.reported_on = max(dates) if dates else None
        period = self.city.plan.period
        elapsed = elapsed_share(day, period.start, task.due or period.end)
        label = f"{city.id} {city.name}"
        word = self.members.word
        missing = f"；未报数：{'、'.join(found.missing)}" if found.missing else ""
        if how in ("sum", "share") and counted:
            found.actual = plain(total(sums))
            assert found.reported_on is not None
            state = target_state(
                city, found.actual, found.reported_on, elapsed, self.city.settings, day
            )
            summed = f"{len(counted)}个{word}合计"
            if how == "sum":
                state = state._replace(reason=f"{state.reason}（{summed}{missing}）")
            else:
                worst = self._worst(found.contributions)
                shared = worst.light or "grey" if worst else "grey"
                state = state._replace(
                    light=shared,  # type: ignore[arg-type]
                    reason=f"{label} {_num(found.actual)}{city.unit}（{summed}），"
                    f"各{word}按各自分解的目标，最差为{self._said(worst, True)}",
                )
                found.said = (
                    f"{city.name}{_num(found.actual)}{city.unit}（{summed}），"
                    f"{self._said(worst, False, day.year)}{_alike(found.contributions, worst)}"
                )
            found.state = state
            found.light, found.reason = state.light, state.reason
        elif how == "worst" and found.contributions:
            worst = self._worst(found.contributions)
            found.light = worst.light or "grey" if worst else "grey"
            found.reason = f"{label}：各{word}中最差为{self._said(worst, True)}"
            found.said = (
                f"{city.name}：{self._said(worst, False, day.year)}"
                f"{_alike(found.contributions, worst)}"
            )
            found.words = self._figures(found.contributions, worst)
        else:
            found.reason = f"{label}：各{word}均未报数"
            found.said = f"{city.name}：各{word}均未报数"
        return found

    def _figures(self, contributions: list[Contribution], worst: Contribution | None) -> str:
        """淄川区29.2%、张店区24.2%，最差为张店区（严重滞后）: a 最差 target in a table cell.
        Members that share the worst light are all named; when every member has it, none is
        called the worst (均已完成)."""
        from zctasks.log.figures import number

        shown = "、".join(
            f"{c.member}{number(c.actual)}{c.unit}" if c.actual is not None else f"{c.member}未报数"
            for c in contributions
        )
        if worst is None:
            return shown
        light = LIGHT_NAMES[worst.light or "grey"]  # type: ignore[index]
        tied = [c.member for c in contributions if (c.light or "grey") == (worst.light or "grey")]
        if len(tied) == len(contributions):
            return f"{shown}，均{light}"
        return f"{shown}，最差为{'、'.join(dict.fromkeys(tied))}（{light}）"

    def _worst(self, contributions: list[Contribution]) -> Contribution | None:
        """The contribution with the worst of the members' own lights (no figure counts as
        未报送)."""
        if not contributions:
            return None
        return max(contributions, key=lambda c: SEVERITY[c.light or "grey"])

    def _said(self, worst: Contribution | None, ids: bool, year: int = 0) -> str:
        """张店区第2项的 2.1 严重滞后（…） — or, for documents, 张店区“壮大创新主体”严重滞后：…"""
        if worst is None:
            return "无"
        light = LIGHT_NAMES[worst.light or "grey"]  # type: ignore[index]
        why = worst.reason or ("未报数" if worst.actual is None else "")
        if ids:
            if worst.task is None:
                return f"{worst.member}（{why}）"
            return f"{worst.member}第{worst.task}项的 {worst.target} {light}" + (
                f"（{why}）" if why else ""
            )
        if worst.task is None:  # the member cannot be read: its reason is for the analyst
            return f"{worst.member}尚无数据"
        head = f"{worst.member}“{worst.title}”{light}" if worst.title else f"{worst.member}{light}"
        return head + (f"：{document_words(why, year)}" if why else "")

    # ---------------------------------------------------------------- one task

    def task(self, task_id: int, day: date, latest: Entry | None = None) -> TaskRollup:
        """A rolled-up task as at ``day``; ``latest`` is the report its state names."""
        key = (task_id, day.toordinal())
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._task(task_id, day)
        if latest is None:
            return found
        state = found.state._replace(latest=latest)
        return TaskRollup(found.task, found.how, found.targets, found.members, state)

    def _task(self, task_id: int, day: date) -> TaskRollup:
        link = self.crosswalk.link(task_id)
        assert link is not None
        task = self.city.tasks[task_id]
        how = canonical(link.how) if link.how else ("targets" if link.targets else "worst")
        targets = [self.target(task, t, day) for t in link.targets]
        lights = self._member_lights(link, day)
        light, reason, said = self._combined(task, how, targets, lights, day)
        states = [t.state for t in targets if t.state is not None]
        due = task.due or self.city.plan.period.end
        if light != "done" and day > due:
            late = f"已过完成期限{_day(due)}，尚未完成"
            light, reason = "red", f"{late}；{reason}"
            if said:
                said = f"已过完成期限（{due.month}月{due.day}日），尚未完成；{said}"
        figures = {t.target.id: t.words for t in targets if t.words}
        state = TaskState(task, light, reason, states, None, said, figures)  # type: ignore[arg-type]
        return TaskRollup(task, how, targets, lights, state)

    def _member_lights(self, link: TaskLink, day: date) -> list[MemberLight]:
        found = []
        for name, task_id in self.sources(link):
            view = self.views.get(name)
            if view is None or not view.has_task(task_id):
                why = self._problem(name) if view is None else f"计划中没有第{task_id}项任务"
                found.append(MemberLight(name, task_id, "", "grey", why, None))
                continue
            light = view.light(task_id, day) or ("grey", "")
            last = view.data["tasks"][str(task_id)]["last_report"] if day >= self.as_of else None
            found.append(MemberLight(name, task_id, view.title(task_id), *light, last))
        return found

    def _combined(
        self,
        task: Task,
        how: str,
        targets: list[TargetRollup],
        lights: list[MemberLight],
        day: date,
    ) -> tuple[str, str, str]:
        """The task's light, its reason, and how documents say it where the members' own
        lights decide it ("" where the summed targets say it)."""
        word = self.members.word
        if how == "worst":
            if not lights:
                return "grey", f"没有{word}的任务可以汇总", f"没有{word}的任务可以汇总"
            worst = max(lights, key=lambda m: SEVERITY[m.light])
            if worst.light == "done":
                return "done", f"各{word}的任务均已完成", f"各{word}的任务均已完成"
            light = LIGHT_NAMES[worst.light]  # type: ignore[index]
            reason = f"各{word}中最差：{worst.member}第{worst.task}项{light}" + (
                f"（{worst.reason}）" if worst.reason else ""
            )
            if worst.member not in self.views:  # its reason is for the analyst
                return worst.light, reason, f"{worst.member}尚无数据"
            head = f"{worst.member}“{worst.title}”" if worst.title else worst.member
            said = f"{head}{light}" + (
                f"：{document_words(worst.reason, day.year)}" if worst.reason else ""
            )
            return worst.light, reason, said + _alike(lights, worst)
        lit = [t for t in targets if t.light is not None]
        if not lit:
            from zctasks.judge.cycles import Calendar

            if Calendar.of(self.city).last_due(day) is None:
                return "green", "尚未到首次报送截止日", "尚未到首次报送截止日"
            return "grey", f"各{word}均未报数", f"各{word}均未报数"
        worst_target = max(lit, key=lambda t: SEVERITY[t.light or "grey"])
        if worst_target.light == "done" and len(lit) < len(task.targets):
            missing = len(task.targets) - len(lit)
            said = f"已汇总的指标均已完成，另有{missing}项指标未汇总"
            return "green", said, said
        if worst_target.light == "done":
            return "done", "全部指标已完成", ""
        return worst_target.light or "grey", worst_target.reason, worst_target.said

    # ---------------------------------------------------------------- the reports it is made of

    def entries(self) -> list[Entry]:
        """One report a day on each rolled-up task, from the members' reports of that day."""
        found: list[Entry] = []
        zone = _zone(self.city)
        for link in self.crosswalk.file.tasks:
            task = self.city.tasks[link.task]
            sources = [(n, t) for n, t in self.sources(link) if n in self.views]
            reports = {(n, t): self.views[n].reports(t) for n, t in sources}
            days = sorted({r[0] for found_reports in reports.values() for r in found_reports})
            position = dict.fromkeys(reports, 0)
            said: dict[str, Number] = {}
            by = _reporter(self.city, task, self.members.file.name)
            for k, ordinal in enumerate(days):
                day = date.fromordinal(ordinal)
                statuses = []
                reporters = []
                for source, found_reports in reports.items():
                    at = position[source]
                    while at < len(found_reports) and found_reports[at][0] <= ordinal:
                        if found_reports[at][0] == ordinal and source[0] not in reporters:
                            reporters.append(source[0])
                        at += 1
                    position[source] = at
                    if at:
                        statuses.append(STATUSES[found_reports[at - 1][1]])
                values: dict[str, Number] = {}
                for target_link in link.targets:
                    if canonical(target_link.how) == "worst":
                        continue
                    summed = self.summed(task, target_link, day)
                    if summed is not None and said.get(target_link.target) != summed[0]:
                        values[target_link.target] = said[target_link.target] = summed[0]
                last = k == len(days) - 1
                note = self._words(sources, "note") if last else f"{'、'.join(reporters)}报送进展"
                found.append(
                    Entry(
                        id=f"{day.isoformat()}-{task.id}-rollup",
                        task=task.id,
                        date=day,
                        by=by,
                        status=_status(statuses),  # type: ignore[arg-type]
                        note=note or f"{'、'.join(reporters)}报送进展",
                        values=values,
                        source="、".join(reporters),
                        next=self._words(sources, "next") if last else "",
                        problems=self._words(sources, "problems") if last else "",
                        at=datetime.combine(day, time(0), zone),
                        received=day,
                    )
                )
        return found

    def voices(self, sources: list[tuple[str, int]], key: str) -> list[tuple[str, str]]:
        """What the members said in their latest reports on these tasks (note, problems or
        next steps): (members, words), members who said the same words together
        (淄川区、张店区), in the members' order."""
        from zctasks.judge.views import visible

        said: dict[str, list[str]] = {}
        for name, task_id in sources:
            latest = self.views[name].latest(task_id)
            text = (latest or {}).get(key) or ""
            text = " ".join(visible(text).split())
            if text and text.rstrip("。；;，, ") not in said.get(name, []):
                said.setdefault(name, []).append(text.rstrip("。；;，, "))
        grouped: dict[str, list[str]] = {}
        for name, texts in said.items():
            grouped.setdefault("；".join(texts), []).append(name)
        return [("、".join(names), text) for text, names in grouped.items()]

    def _words(self, sources: list[tuple[str, int]], key: str) -> str:
        """What the members said (``voices``) as one text, 淄川区：…；张店区、博山区：…; after
        ``MOST_WORDS`` groups, the rest counted."""
        parts = [f"{names}：{text}" for names, text in self.voices(sources, key)]
        if len(parts) > MOST_WORDS:
            rest = sum(len(p.partition("：")[0].split("、")) for p in parts[MOST_WORDS:])
            return "；".join(parts[:MOST_WORDS]) + f"；另有{rest}个成员（见附件）"
        return "；".join(parts)


def _alike(items: Sequence[Contribution | MemberLight], worst: Any) -> str:
    """；张店区、博山区同样严重滞后: the other members whose light is as bad as the one a
    document names, so that a district is not spared by the order of members.yaml."""
    if worst is None or (worst.light or "grey") == "done":
        return ""
    light = worst.light or "grey"
    others = [i.member for i in items if (i.light or "grey") == light and i.member != worst.member]
    if not others:
        return ""
    return f"；{'、'.join(dict.fromkeys(others))}同样{LIGHT_NAMES[light]}"  # type: ignore[index]


def _status(statuses: list[str | None]) -> str:
    known = [s for s in statuses if s]
    if known and all(s == "已完成" for s in known):
        return "已完成"
    if "受阻" in known:
        return "受阻"
    if known and all(s == "未启动" for s in known):
        return "未启动"
    return "推进中"


def _reporter(city: Ledger, task: Task, name: str) -> str:
    accountable = [u for u in (task.lead or task.responsible) if u in city.units]
    return (
        accountable[0] if accountable else (task.lead or task.responsible or (name or "汇总",))[0]
    )


def _zone(city: Ledger) -> Any:
    from zctasks.plan.zones import plan_zone

    return plan_zone(city.reporting.time_zone)


class RollupProgress(Progress):
    """The city's progress with its rolled-up tasks decided from its members."""

    def __init__(self, rollup: Rollup) -> None:
        from zctasks.load.loading import progress_indexes

        own = progress_indexes(rollup.city)
        self.rollup = rollup
        self._synth = rollup.entries()
        virtual = FileIndex("(汇总)", True)
        virtual.extend(self._synth, [0] * len(self._synth), [-1] * len(self._synth))  # type: ignore[arg-type]
        super().__init__(rollup.city.root, [*own, virtual])
        self._virtual = len(own)
        from array import array

        self._sources = {
            link.task: [(n, t) for n, t in rollup.sources(link) if n in rollup.views]
            for link in rollup.crosswalk.file.tasks
        }
        for task_id in rollup.crosswalk.where:
            kept = [i for i in self._tasks.get(task_id, []) if self.file_of[i] == self._virtual]
            self._tasks[task_id] = array("i", kept)
            self._days[task_id] = array("i", [self.day[i] for i in kept])

    def _read_file(self, number: int, index: FileIndex, locals_: list[int]) -> dict[int, Entry]:
        if number == self._virtual:
            first = self.file_start[number]
            return {first + local: self._synth[local] for local in locals_}
        return super()._read_file(number, index, locals_)

    def reporters(self, entry: Entry) -> list[str]:
        """The members that reported on the day of a rolled-up report (its ``source``): the
        city's lead unit, whose name it carries, reported nothing."""
        if entry.task not in self.rollup.crosswalk.where or not entry.id.endswith("-rollup"):
            return [entry.by]
        return entry.source.split("、") if entry.source else [entry.by]

    def behind(self, task_id: int, day: date) -> str:
        """博山区严重滞后，张店区滞后: the members whose own light is 滞后 or worse on what
        lights a rolled-up task — its targets' parts where it has targets (no figure is
        未报送), else the member tasks — each member at its worst: 严重滞后, then 未报送, then
        滞后, in the members' order."""
        if task_id not in self.rollup.crosswalk.where:
            return ""
        rolled = self.rollup.task(task_id, day)
        lights = (
            [(c.member, c.light or "grey") for t in rolled.targets for c in t.contributions]
            if rolled.targets
            else [(m.member, m.light) for m in rolled.members]
        )
        worst: dict[str, str] = {}
        for member, light in lights:
            if SEVERITY[light] > SEVERITY[worst.get(member, "done")]:
                worst[member] = light
        said = []
        for light in ("red", "grey", "yellow"):
            names = [n for n, found in worst.items() if found == light]
            if names:
                said.append(f"{'、'.join(names)}{LIGHT_NAMES[light]}")  # type: ignore[index]
        return "，".join(said)

    def speakers(self, entry: Entry) -> list[tuple[str, str, str]] | None:
        """A rolled-up report's problems are its members' words: the city's lead unit did
        not report them. Each group's next steps are its own members'."""
        if entry.task not in self.rollup.crosswalk.where or not entry.id.endswith("-rollup"):
            return None
        sources = self._sources[entry.task]
        found = []
        for names, text in self.rollup.voices(sources, "problems"):
            theirs = [(n, t) for n, t in sources if n in names.split("、")]
            steps = self.rollup.voices(theirs, "next")
            said = steps[0][1] if len(steps) == 1 and steps[0][0] == names else ""
            found.append((names, text, said or "；".join(f"{n}：{t}" for n, t in steps)))
        return found

    def decided(self, task_id: int, day: date) -> object | None:
        if task_id not in self.rollup.crosswalk.where:
            return None
        found = self.task_indexes(task_id, day)
        latest = self.entry(found[-1]) if found else None
        return self.rollup.task(task_id, day, latest).state
