"""A roll-up opened as at a date, and what it says: the JSON of ``rollup status``, the rows
of its tables, and the members' section and attachment of the city's documents.

Everything here comes from the city's files, its members.lock and the members' commits it
pins, and the as-of date — never from today or from the machine — so the same lock gives
the same bytes anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from zctasks.files.errors import Diagnostic, LedgerInvalid
from zctasks.judge.schedule import LIGHT_NAMES, LIGHTS, StatusReport, status_report
from zctasks.plan.ledger import Ledger
from zctasks.rollup.combine import Rollup, RollupProgress, TaskRollup, wanted_tasks
from zctasks.rollup.league import Standing, percent, standings
from zctasks.rollup.members import Reduced
from zctasks.rollup.model import HOW_NAMES, Pin
from zctasks.rollup.reading import Crosswalk, Members
from zctasks.rollup.units import shown

STATE_NAMES = {
    "current": "已更新",
    "stale": "沿用上次的提交",
    "none": "尚无数据",
    "unreadable": "无法读取",
}


@dataclass
class Opened:
    """A roll-up as at a date: its files, its members read at their pins, and its status."""

    city: Ledger
    members: Members
    crosswalk: Crosswalk
    pins: dict[str, Pin]
    reduced: dict[str, Reduced]
    rollup: Rollup
    progress: RollupProgress
    report: StatusReport
    warnings: list[Diagnostic]

    @property
    def as_of(self) -> date:
        return self.report.as_of

    def word(self) -> str:
        return self.members.word


def read_files(
    root: Path, city: Ledger
) -> tuple[Members, Crosswalk, dict[str, Pin], list[Diagnostic]]:
    """The roll-up's three files, refused with every problem if any has an error."""
    from zctasks.rollup.reading import read_crosswalk, read_lock, read_members

    members, problems = read_members(root)
    if members is None:
        raise LedgerInvalid(problems)
    crosswalk, found = read_crosswalk(root, city, members)
    problems += found
    pins, found = read_lock(root, members)
    problems += found
    if crosswalk is None or any(d.severity == "error" for d in problems):
        raise LedgerInvalid(problems)
    return members, crosswalk, pins, problems


def open_rollup(root: Path, city: Ledger, as_of: date) -> Opened:
    from zctasks.judge.history import checkpoints
    from zctasks.load.loading import load_progress
    from zctasks.rollup.members import read_members

    members, crosswalk, pins, warnings = read_files(root, city)
    load_progress(city)  # the city's own log is checked like any ledger's
    days = checkpoints(city, as_of)
    reduced = read_members(root, members, pins, as_of, days, wanted_tasks(crosswalk, members.names))
    _refuse_member_side_errors(root, city, members, crosswalk, pins, warnings)
    rollup = Rollup(city, crosswalk, members, reduced, as_of, days)
    progress = RollupProgress(rollup)
    report = status_report(city, progress, list(city.tasks.values()), as_of)
    return Opened(city, members, crosswalk, pins, reduced, rollup, progress, report, warnings)


def _refuse_member_side_errors(
    root: Path,
    city: Ledger,
    members: Members,
    crosswalk: Crosswalk,
    pins: dict[str, Pin],
    warnings: list[Diagnostic],
) -> None:
    """Refuse, as ``check`` reports it, a crosswalk that names a member task or target its
    pinned plan does not hold or a unit that does not convert: a figure the crosswalk cannot
    take is never shown as a member not reporting. (After the members are read, their plans
    come from the cache.)"""
    from zctasks.rollup.members import member_plans
    from zctasks.rollup.reading import check_against_members

    found = check_against_members(crosswalk, city, member_plans(root, members, pins))
    if any(d.severity == "error" for d in found):
        raise LedgerInvalid(warnings + found)
    warnings += found


# ---------------------------------------------------------------- provenance


@dataclass(frozen=True)
class Source:
    member: str
    series: str
    state: str
    commit: str
    committed: str
    pinned: str
    latest: str | None
    warnings: int | None
    age: int | None
    problem: str
    tried: str
    source: str


def _day_of(moment: str) -> date | None:
    try:
        return datetime.fromisoformat(moment).date() if moment else None
    except ValueError:
        return None


def sources(opened: Opened) -> list[Source]:
    found = []
    for member in opened.members.file.members:
        pin = opened.pins.get(member.name)
        reduced = opened.reduced.get(member.name)
        data = reduced.data if reduced is not None else None
        if pin is None or not pin.commit:
            state = "none"
        elif data is None:
            state = "unreadable"
        elif pin.problem:
            state = "stale"
        else:
            state = "current"
        made = _day_of(pin.committed) if pin else None
        problem = (pin.problem if pin else "") or (reduced.problem if reduced else "")
        found.append(
            Source(
                member.name,
                member.series,
                state,
                pin.commit if pin else "",
                pin.committed if pin else "",
                pin.pinned if pin else "",
                data["latest"] if data else None,
                data.get("warnings") if data else None,
                max((opened.as_of - made).days, 0) if made else None,
                problem,
                pin.tried if pin else "",
                member.bundle or member.remote,
            )
        )
    return found


def _source_json(source: Source) -> dict[str, Any]:
    return {
        "member": source.member,
        "series": source.series,
        "state": source.state,
        "state_name": STATE_NAMES[source.state],
        "source": source.source,
        "commit": source.commit or None,
        "committed": source.committed or None,
        "pinned": source.pinned or None,
        "latest_report": source.latest,
        "check": None
        if source.warnings is None
        else {"ok": True, "errors": 0, "warnings": source.warnings},
        "age_days": source.age,
        "problem": source.problem or None,
        "tried": source.tried or None,
    }


# ---------------------------------------------------------------- JSON


def _number(value: Any) -> Any:
    return value


def task_rollup_json(rolled: TaskRollup) -> dict[str, Any]:
    return {
        "how": rolled.how,
        "how_name": HOW_NAMES[rolled.how],
        "targets": [
            {
                "id": t.target.id,
                "name": t.target.name,
                "unit": t.target.unit,
                "how": t.how,
                "how_name": HOW_NAMES[t.how],
                "actual": t.actual,
                "reported_on": t.reported_on.isoformat() if t.reported_on else None,
                "light": t.light,
                "light_name": LIGHT_NAMES[t.light] if t.light else None,  # type: ignore[index]
                "reason": t.reason,
                "missing": list(t.missing),
                "members": [
                    {
                        "member": c.member,
                        "task": c.task,
                        "target": c.target,
                        "unit": c.unit,
                        "actual": c.actual,
                        "factor": None if c.factor is None else shown(c.factor),
                        "converted": c.converted,
                        "reported_on": c.reported_on.isoformat() if c.reported_on else None,
                        "light": c.light,
                        "reason": c.reason,
                    }
                    for c in t.contributions
                ],
            }
            for t in rolled.targets
        ],
        "members": [
            {
                "member": m.member,
                "task": m.task,
                "title": m.title,
                "light": m.light,
                "light_name": LIGHT_NAMES[m.light],  # type: ignore[index]
                "reason": m.reason,
                "last_report": m.last_report,
            }
            for m in rolled.members
        ],
    }


def status_json(opened: Opened) -> dict[str, Any]:
    from zctasks.judge.views import state_json

    city, report = opened.city, opened.report
    tasks = []
    for state in report.states:
        value = state_json(city, state, report.as_of)
        rolled = state.task.id in opened.crosswalk.where
        value["rolled_up"] = rolled
        if rolled:
            value["rollup"] = task_rollup_json(opened.rollup.task(state.task.id, report.as_of))
        tasks.append(value)
    return {
        "name": opened.members.file.name,
        "title": city.plan.title,
        "as_of": report.as_of.isoformat(),
        "elapsed": round(report.elapsed, 4),
        "counts": report.counts(),
        "tasks": tasks,
        "members": [_source_json(s) for s in sources(opened)],
        "league": [
            {"series": series, "members": [_standing_json(s) for s in rows]}
            for series, rows in standings(opened.members, opened.reduced)
        ],
    }


def _standing_json(row: Standing) -> dict[str, Any]:
    return {
        "rank": row.rank,
        "member": row.member,
        "tasks": row.tasks,
        "on_schedule": row.on_schedule,
        "share": None if row.share is None else round(float(row.share), 4),
        "red": row.red,
        "units": row.units,
        "on_time": row.on_time,
        "punctuality": None if row.punctuality is None else round(float(row.punctuality), 4),
        "note": row.note or None,
    }


# ---------------------------------------------------------------- words


def members_summary(opened: Opened) -> str:
    """成员 7 个：已更新 5 个，沿用上次的提交 1 个（博山区），尚无数据 1 个（周村区）。"""
    found = sources(opened)
    parts = []
    for state, name in STATE_NAMES.items():
        names = [s.member for s in found if s.state == state]
        if not names:
            continue
        shown = (
            ""
            if state == "current"
            else f"（{'、'.join(names[:6])}{'等' if len(names) > 6 else ''}）"
        )
        parts.append(f"{name} {len(names)} 个{shown}")
    return f"成员 {len(found)} 个：" + ("，".join(parts) or "尚未加入成员") + "。"


def member_lights(rolled: TaskRollup) -> str:
    """序时推进3，滞后1；滞后：张店区 — the members' own lights on a city task."""
    counts = {light: 0 for light in LIGHTS}
    behind: dict[str, list[str]] = {}
    for m in rolled.members:
        counts[m.light] += 1  # type: ignore[index]
        if m.light in ("yellow", "red", "grey") and m.member not in behind.get(m.light, []):
            behind.setdefault(m.light, []).append(m.member)
    said = "，".join(f"{LIGHT_NAMES[k]}{n}" for k, n in counts.items() if n)
    named = "；".join(
        f"{LIGHT_NAMES[k]}：{'、'.join(v[:5])}{'等' if len(v) > 5 else ''}"  # type: ignore[index]
        for k, v in sorted(behind.items(), key=lambda kv: -["yellow", "red", "grey"].index(kv[0]))
    )
    return said + (f"；{named}" if named else "")


def _short(day: date | None, year: int) -> str:
    if day is None:
        return "—"
    return (
        f"{day.month}月{day.day}日" if day.year == year else f"{day.year}年{day.month}月{day.day}日"
    )


def section(opened: Opened) -> dict[str, Any]:
    """The members' part of the city's briefing and 台账: a few sentences for the main
    text, and the tables of the attachment (where each member's data stands, the league
    tables, each member's part in each rolled-up task)."""
    from zctasks.documents.reports.wording import cn_date

    year = opened.as_of.year
    word = opened.word()
    found = sources(opened)
    paragraphs = [_data_sentence(opened, found, word)]
    tables = standings(opened.members, opened.reduced)
    for series, rows in tables:
        sentence = _league_sentence(series, rows, len(tables) > 1)
        if sentence:
            paragraphs.append(sentence)
    provenance = [  # no commit ids: a document names no software's internals
        [
            s.member,
            s.series or "—",
            _short(_day_of(s.committed), year),
            _short(date.fromisoformat(s.latest) if s.latest else None, year),
            "—" if s.age is None else f"{s.age}天",
            _document_state(s, year),
        ]
        for s in found
    ]
    league = [
        {
            "series": series,
            "rows": [
                [
                    str(r.rank) if r.rank else "—",
                    r.member,
                    str(r.tasks) if r.tasks else "—",
                    percent(r.share),
                    str(r.red) if r.tasks else "—",
                    percent(r.punctuality) if r.tasks else "—",
                    "尚无数据" if r.note else "",
                ]
                for r in rows
            ],
        }
        for series, rows in tables
    ]
    noted = any(row[-1] for table in league for row in table["rows"])
    if not noted:  # a column of nothing but blanks is not handed in
        for table in league:
            table["rows"] = [row[:-1] for row in table["rows"]]
    parts = []
    for link in opened.crosswalk.file.tasks:
        rolled = opened.rollup.task(link.task, opened.as_of)
        for m in rolled.members:
            figures = "；".join(
                f"{_target_name(opened, c)}{_figure(c, t.target.unit)}"
                for t in rolled.targets
                for c in t.contributions
                if c.member == m.member and c.task == m.task
            )
            parts.append(
                [
                    str(link.task),
                    rolled.task.title,
                    m.member,
                    f"第{m.task}项 {m.title}" if m.title else f"第{m.task}项",
                    figures or "—",
                    LIGHT_NAMES[m.light],  # type: ignore[index]
                    _short(date.fromisoformat(m.last_report), year) if m.last_report else "—",
                ]
            )
    return {
        "heading": opened.members.file.section,
        "word": word,
        "paragraphs": paragraphs,
        "as_of": cn_date(opened.as_of),
        "provenance": provenance,
        "league": league,
        "noted": noted,
        "parts": parts,
    }


def _document_state(source: Source, year: int) -> str:
    """A member's state as an official document says it: no commands, no git messages
    (those are for the analyst, in ``rollup status``)."""
    if source.state == "stale":
        pinned = _day_of(source.pinned)
        return f"沿用{_short(pinned, year)}获取的数据" if pinned else STATE_NAMES["stale"]
    return STATE_NAMES[source.state]


def _target_name(opened: Opened, c: Any) -> str:
    """新增高新技术企业: a member target as a document names it — by its name, never by its
    id (\"2.1 61家\" reads as one number)."""
    view = opened.rollup.views.get(c.member)
    target = view.target(c.target) if view is not None else None
    return str(target["name"]) if target and target.get("name") else f"第{c.target}项指标"


def _figure(c: Any, unit: str) -> str:
    """213456万元（折合21.3456亿元）: a member's figure, and in the city's unit where that
    differs."""
    from zctasks.log.figures import number

    if c.actual is None:
        return "未报数"
    said = f"{number(c.actual)}{c.unit}"
    if c.converted is not None and c.unit != unit:
        said += f"（折合{number(c.converted)}{unit}）"
    return said


def _data_sentence(opened: Opened, found: list[Source], word: str) -> str:
    from zctasks.documents.reports.wording import cn_date

    total = len(found)
    if not total:
        return f"尚未加入{word}台账。"
    current = [s for s in found if s.state == "current"]
    latest = [date.fromisoformat(s.latest) for s in found if s.latest and s.state != "none"]
    if len(current) == total:
        text = f"纳入汇总的{total}个{word}的台账均已更新"
    else:
        text = f"纳入汇总的{total}个{word}中，{len(current)}个的台账已更新"
    if latest and current:
        text += f"（最近报送截至{cn_date(max(latest))}）"
    stale = [s for s in found if s.state == "stale"]
    if stale:
        days = sorted({d for s in stale if (d := _day_of(s.pinned))})
        when = f"{days[0].month}月{days[0].day}日" if len(days) == 1 else "此前"
        text += f"，{len(stale)}个（{'、'.join(s.member for s in stale)}）本次未能更新，沿用{when}获取的数据"
    for state, words in (("unreadable", "无法读取"), ("none", "尚无数据")):
        named = [s.member for s in found if s.state == state]
        if named:
            text += f"，{len(named)}个（{'、'.join(named)}）{words}"
    return text + "。"


def _league_sentence(series: str, rows: list[Standing], named: bool) -> str:
    ranked = [r for r in rows if r.rank is not None]
    if len(ranked) < 2:
        return ""
    head = f"{series}中，" if named else ""
    if len(ranked) <= 4:
        listed = "、".join(f"{r.member}{percent(r.share)}" for r in ranked)
        text = f"{head}已完成和按序时推进任务的占比依次为{listed}"
    else:
        top = "、".join(f"{r.member}（{percent(r.share)}）" for r in ranked[:2])
        bottom = "、".join(f"{r.member}（{percent(r.share)}）" for r in ranked[-2:])
        text = f"{head}按已完成和按序时推进任务的占比，{top}靠前，{bottom}靠后"
    reds = sorted((r for r in ranked if r.red), key=lambda r: (-r.red, r.rank or 0))
    if len(reds) > 2:  # the two with most, and any as many as the second: a tie is not cut
        reds = [r for r in reds if r.red >= reds[1].red]
    if reds:
        text += "；严重滞后任务较多的是" + "、".join(f"{r.member}（{r.red}项）" for r in reds)
    return text + "。"


# ---------------------------------------------------------------- check


def check_rollup(root: Path, city: Ledger, progress: Any = None) -> list[Diagnostic]:
    """Every problem of a roll-up's own files, and of the crosswalk against each member's
    plan at its pinned commit (read from the mirrors here): member tasks and targets that
    no longer exist, units that do not convert, shares that do not add up."""
    from zctasks.rollup.members import member_plans
    from zctasks.rollup.reading import (
        check_against_members,
        read_crosswalk,
        read_lock,
        read_members,
    )

    members, problems = read_members(root)
    if members is None:
        return problems
    crosswalk, found = read_crosswalk(root, city, members)
    problems += found
    pins, found = read_lock(root, members)
    problems += found
    doc = members.doc
    for i, member in enumerate(members.file.members):
        pin = pins.get(member.name)
        if pin is None or not pin.commit:
            problems.append(
                doc.diagnostic(
                    ("members", i, "name"),
                    "not-fetched",
                    f"成员“{member.name}”尚未获取，汇总中没有它的数据",
                    "运行 zctasks rollup fetch",
                    severity="warning",
                )
            )
        elif pin.problem:
            problems.append(
                doc.diagnostic(
                    ("members", i, "name"),
                    "fetch-failed",
                    f"成员“{member.name}”最近一次获取失败（{pin.problem}），沿用提交 {pin.commit[:7]}",
                    "排除原因后运行 zctasks rollup fetch --member " + member.name,
                    severity="warning",
                )
            )
    if crosswalk is None:
        return problems
    refused: dict[str, str] = {}
    plans = member_plans(root, members, pins, refused)
    for name, why in refused.items():
        problems.append(
            doc.diagnostic(
                ("members", members.names.index(name), "name"),
                "pin-refused",
                f"成员“{name}”锁定的提交 {pins[name].commit[:7]} 是获取时会拒绝的：{why}",
                f"data/members.lock 不应手工修改：运行 zctasks rollup fetch --member {name} 重新锁定",
            )
        )
    for name, (commit, plan) in plans.items():
        if plan is None:
            i = members.names.index(name)
            problems.append(
                doc.diagnostic(
                    ("members", i, "name"),
                    "pin-missing",
                    f"本机没有成员“{name}”锁定的提交 {commit[:7]}，无法核对对应关系",
                    "运行 zctasks rollup fetch --locked 取回锁定的提交",
                    severity="warning",
                )
            )
    problems += check_against_members(crosswalk, city, plans)
    if progress is not None:
        for task_id, i in crosswalk.where.items():
            if progress.task_indexes(task_id):
                problems.append(
                    crosswalk.doc.diagnostic(
                        ("tasks", i, "task"),
                        "rolled-up-progress",
                        f"本级台账中有第{task_id}项任务的进展记录，但它由各成员汇总，这些记录不参与汇总",
                        "汇总任务的进展由成员报送；本级的记录只在 zctasks status 中使用",
                        severity="warning",
                    )
                )
    return problems
