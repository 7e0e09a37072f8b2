"""工作简报: one to three pages a leader reads, with the full lists in attachments.

The main text says where things stand (every light with its share), what changed since
the previous issue (the same lights computed at the previous period's end), the few
largest movements, what is behind or unreported grouped by unit, what units say is in
their way, and what must happen next — each requirement drawn from this issue's facts.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from zctasks.documents.reports.common import (
    by_owner,
    common,
    counts_sentence,
    grouped_sentence,
    owner_phrase,
)
from zctasks.documents.reports.wording import (
    accountable,
    amount,
    clause,
    cn_date,
    figure,
    join,
    ordinal,
    percent,
    points,
    quote,
    share_of,
    short_date,
    situation,
    task_elapsed,
    task_numbers,
    unit_order,
)
from zctasks.judge.cycles import Calendar
from zctasks.judge.history import (
    CHANGE_NAMES,
    Change,
    change_kind,
    checkpoints,
    light_history,
    streaks,
)
from zctasks.judge.schedule import (
    LIGHT_NAMES,
    LIGHTS,
    Light,
    StatusReport,
    TargetState,
    TaskState,
    status_report,
)
from zctasks.log.store import Progress
from zctasks.plan.ledger import Ledger
from zctasks.plan.models import Entry

ON_SCHEDULE: tuple[Light, ...] = ("done", "green")
BEHIND: tuple[Light, ...] = ("yellow", "red")
FEWEST_HIGHLIGHTS = 3
MOST_HIGHLIGHTS = 6
MOST_PROBLEMS = 4
PERSISTENT_CYCLES = 3
"""A task red at the end of this many reporting cycles in a row is named as such."""
BODY_LINES = 53
"""Lines of main text that three pages hold under the masthead and title, with the
headings and the list of attachments: what the briefing is cut to fit."""


def iso_week(text: str) -> tuple[date, date]:
    """2023-W30 → Monday 2023-07-24 to Sunday 2023-07-30."""
    year, _, week = text.upper().partition("-W")
    monday = date.fromisocalendar(int(year), int(week), 1)
    return monday, monday + timedelta(days=6)


def issue_number(ledger: Ledger, until: date) -> int:
    """The issue's number, derived from the week it closes: the week the plan was issued
    is 第1期, and every later week the next. The same week always gets the same number, on
    any machine and however often it is produced, so nothing needs to be recorded."""
    issued = ledger.plan.issued
    start = issued - timedelta(days=issued.weekday())
    return max((until - start).days // 7 + 1, 1)


def briefing(
    ledger: Ledger, progress: Progress, since: date, until: date, as_of: date, issue: int | None
) -> dict[str, Any]:
    """工作简报 for the reports of [since, until], standing at ``as_of``."""
    tasks = list(ledger.tasks.values())
    now = status_report(ledger, progress, tasks, as_of)
    previous_end = since - timedelta(days=1)
    before = status_report(ledger, progress, tasks, previous_end)
    context = common(ledger, now, "重点工作任务推进情况")
    in_period = [e for e in progress.entries if since <= e.date <= min(until, as_of)]
    deadline = as_of + timedelta(days=ledger.report_settings.urge_days)
    year = as_of.year
    lagging = _listed(ledger, now, as_of)
    problems, problem_rows = _problems(ledger, now, since, until)
    overview = _overview(ledger, now, before, previous_end, in_period)
    changes = _changes(ledger, progress, now, before, previous_end)
    requirements = _requirements(ledger, now, before, deadline)
    headings = ["一、总体情况", "二、本期主要进展", "三、需要关注的问题", "四、下步工作要求"]
    highlights, attention, said = _fit(
        [*overview, changes, *requirements, *headings],
        _highlights(ledger, now, before, in_period),
        _attention(ledger, now),
        problems,
    )
    context.update(
        {
            "kind": "briefing",
            "issue": issue if issue is not None else issue_number(ledger, until),
            "since": cn_date(since),
            "until": cn_date(until),
            "period": _period(since, until),
            "previous": short_date(previous_end, year),
            "overview": overview,
            "changes": changes,
            "highlights": highlights,
            "attention": attention,
            "problems": said,
            "problem_rows": problem_rows,
            "requirements": requirements,
            "statistics": _statistics(now, before, as_of, previous_end),
            "lagging": lagging,
            "distribution": ledger.report_settings.addressees,
        }
    )
    return context


def _period(since: date, until: date) -> str:
    """2023年10月30日至11月5日: the second date without the year it shares."""
    end = cn_date(until) if until.year != since.year else f"{until.month}月{until.day}日"
    return f"{cn_date(since)}至{end}"


def _on_share(report: StatusReport) -> float:
    total = len(report.states)
    on = sum(1 for s in report.states if s.light in ON_SCHEDULE)
    return on / total if total else 0.0


def _overview(
    ledger: Ledger,
    now: StatusReport,
    before: StatusReport,
    previous_end: date,
    in_period: list[Entry],
) -> list[str]:
    """The judgement, then the counts: two short paragraphs."""
    counts = now.counts()
    total = len(now.states)
    on = counts["done"] + counts["green"]
    share_now, share_then = _on_share(now), _on_share(before)
    if share_now >= 0.8:
        verdict = "总体进展顺利"
    elif share_now >= 0.6:
        verdict = "总体进展平稳"
    else:
        verdict = "总体进展偏慢"
    trend = share_now - share_then
    if abs(trend) < 0.0005:
        moved = "与上期持平"
    else:
        moved = f"比上期{'提高' if trend > 0 else '下降'}{points(trend)}"
    urgent = counts["red"] + counts["grey"]
    words = join(["严重滞后" if counts["red"] else "", "未报送" if counts["grey"] else ""], "和")
    first = (
        f"截至{cn_date(now.as_of)}（序时进度{percent(now.elapsed)}），{total}项重点工作任务{verdict}。"
        f"已完成和按序时推进的{on}项，占{share_of(on, total)}，{moved}"
    )
    first += f"；{words}的{urgent}项需加力推进。" if urgent else "。"
    units = len({e.by for e in in_period})
    received = (
        f"本期{units}个单位报送进展{len(in_period)}条。" if in_period else "本期没有单位报送进展。"
    )
    targets = [t for s in now.states for t in s.targets]
    done_targets = sum(1 for t in targets if t.light == "done")
    measured = ledger.target_count()
    target_text = (
        f"{measured}项量化指标中，已报数{len(targets)}项，其中已完成{done_targets}项。"
        if measured
        else ""
    )
    second = f"其中{counts_sentence(counts, total)}。{target_text}{received}"
    return [first, second]


def _changes(
    ledger: Ledger, progress: Progress, now: StatusReport, before: StatusReport, previous_end: date
) -> str:
    """与上期相比: newly done, newly behind, worse, better, recovered, first and resumed
    reports, newly unreported (the kinds of change of the light history), then the tasks red
    at the end of each of the last three reporting cycles."""
    then_states = {s.task.id: s for s in before.states}
    groups: dict[Change, list[TaskState]] = {kind: [] for kind in CHANGE_NAMES}
    for state in now.states:
        old = then_states[state.task.id]
        kind = change_kind(old.light, state.light, old.latest is not None)
        if kind is not None:
            groups[kind].append(state)
    parts = []
    if groups["done"]:
        done = groups["done"]
        named = "、".join(f"第{s.task.id}项{quote(s.task.title)}" for s in done)
        parts.append(
            f"新完成{len(done)}项：{named}"
            if len(done) <= 3
            else f"新完成{len(done)}项（{_numbers(done)}）"
        )
    listed: tuple[Change, ...] = (
        "behind",
        "worse",
        "better",
        "recovered",
        "first",
        "resumed",
        "silent",
    )
    for kind in listed:
        if groups[kind]:
            name = "由滞后转为严重滞后" if kind == "worse" else CHANGE_NAMES[kind]
            parts.append(f"{name}{len(groups[kind])}项（{_numbers(groups[kind])}）")
    stuck = _red_for_cycles(ledger, progress, now, PERSISTENT_CYCLES)
    head = f"与上期（截至{short_date(previous_end, now.as_of.year)}）相比，"
    tail = (
        f"连续{PERSISTENT_CYCLES}个报送周期严重滞后{len(stuck)}项（{_numbers(stuck)}）。"
        if stuck
        else ""
    )
    if not parts:
        return head + "各项任务的进度等级没有变化。" + tail
    return head + "；".join(parts) + "。" + tail


def _red_for_cycles(
    ledger: Ledger, progress: Progress, now: StatusReport, cycles: int
) -> list[TaskState]:
    """Tasks red now and at the ends of the last ``cycles`` reporting cycles (from the
    light history)."""
    red = [s for s in now.states if s.light == "red"]
    days = checkpoints(ledger, now.as_of)
    ends = days if days[-1] in Calendar.of(ledger).dues else days[:-1]
    if not red or len(ends) < cycles:
        return []
    points = sorted({*ends[-cycles:], now.as_of})
    history = light_history(ledger, progress, [s.task for s in red], points)
    stuck = {t.task.id for t in streaks(history, "red", len(points))}
    return [s for s in red if s.task.id in stuck]


def _numbers(states: list[TaskState]) -> str:
    return task_numbers(s.task.id for s in states)


def _highlights(
    ledger: Ledger, now: StatusReport, before: StatusReport, in_period: list[Entry]
) -> list[str]:
    """Up to six tasks that moved most this period: the largest gain against the year's
    target, newly completed tasks first."""
    reported = {e.task for e in in_period}
    fresh = {e.id for e in in_period}
    then = {s.task.id: s for s in before.states}
    scored: list[tuple[float, int, str]] = []
    for state in now.states:
        if state.task.id not in reported or state.light not in ON_SCHEDULE:
            continue
        old = then[state.task.id]
        previous = {t.target.id: t for t in old.targets}
        best: tuple[float, str] | None = None
        elapsed = task_elapsed(ledger, state.task, now.as_of)
        for target in state.targets:
            if target.share is None or target.target.op in ("<=", "<"):
                continue
            prior = previous.get(target.target.id)
            gain = target.share - (prior.share or 0.0 if prior is not None else 0.0)
            delta = target.actual - (prior.actual if prior is not None else 0)
            if gain <= 0 or delta <= 0:
                continue
            text = _gain(target, delta)
            if best is None or gain > best[0]:
                best = (gain, text)
        newly_done = state.light == "done" and old.light != "done"
        if best is None and newly_done:
            levels = [figure(t, elapsed) for t in state.targets if t.light == "done"]
            best = (0.0, levels[0] if levels else "年度任务已完成")
        if best is None and state.latest is not None and state.latest.id in fresh:
            best = (-1.0, clause(state.latest.note))  # what was done, where nothing was counted
        if best is None:
            continue
        score = best[0] + (2.0 if newly_done else 0.0)
        head = f"{owner_phrase(ledger, state, short=True)}的{quote(state.task.title)}"
        scored.append((score, state.task.id, f"{head}：{best[1]}。"))
    scored.sort(key=lambda item: (-item[0], item[1]))
    counted = [text for score, _, text in scored if score >= 0]
    described = [text for score, _, text in scored if score < 0]
    return (counted + described[: max(FEWEST_HIGHLIGHTS - len(counted), 0)])[:MOST_HIGHLIGHTS]


def _gain(state: TargetState, delta: float) -> str:
    """新增市级创新平台3家，已完成年度目标，本期增加1家: a highlight's figure, short."""
    target = state.target
    verb = "增加" if target.accrues else "提高"
    moved = f"本期{verb}{amount(round(delta, 2), target.unit)}"
    head = f"{target.name}{amount(state.actual, target.unit)}"
    if state.light == "done":
        return f"{head}，已完成{'年度目标' if target.accrues else '目标'}，{moved}"
    if target.accrues:
        return f"{head}，完成年计划的{percent(state.share or 0.0)}，{moved}"
    return f"{head}，完成目标增幅的{percent(state.share or 0.0)}，{moved}"


def _attention(ledger: Ledger, now: StatusReport) -> list[tuple[str, str]]:
    """严重滞后、滞后、未报送, each a sentence of tasks grouped by their units, and a short
    form naming the units only, for when the full one would not fit three pages."""
    lines = []
    for light in ("red", "yellow", "grey"):
        states = [s for s in now.states if s.light == light]
        if states:
            groups = grouped_sentence(by_owner(ledger, states))
            head = f"{LIGHT_NAMES[light]}{len(states)}项"
            short = f"{head}（{_numbers(states)}），涉及{_units(ledger, states)}，详见附件2。"
            lines.append((f"{head}：{groups}。", short))
    return lines


def _fit(
    fixed: list[str],
    highlights: list[str],
    attention: list[tuple[str, str]],
    problems: list[str],
) -> tuple[list[str], list[str], str]:
    """Cut the briefing to three pages: fewer highlights (not under three), fewer units'
    problems (the rest in 附件3), then the lists of unreported and lagging tasks by their
    units only (the tasks are in 附件2)."""
    keep_highlights = len(highlights)
    keep_problems = min(len(problems), MOST_PROBLEMS)
    short: set[int] = set()

    def chosen() -> tuple[list[str], list[str], str]:
        lines = [s if i in short else f for i, (f, s) in enumerate(attention)]
        return highlights[:keep_highlights], lines, _problem_text(problems, keep_problems)

    def total() -> int:
        kept, lines, said = chosen()
        return sum(_lines(text) for text in [*fixed, *kept, *lines, said] if text)

    while total() > BODY_LINES:
        if keep_highlights > FEWEST_HIGHLIGHTS:
            keep_highlights -= 1
        elif keep_problems > 1:
            keep_problems -= 1
        elif len(short) < len(attention):
            short.add(len(attention) - 1 - len(short))  # 未报送 first, then 滞后
        else:
            break
    return chosen()


def _lines(text: str) -> int:
    """About how many lines a paragraph takes: 28 characters a line, less what breaking
    rules and figures that do not split leave at line ends (first line indented two)."""
    import unicodedata

    width = sum(1.0 if unicodedata.east_asian_width(c) in "WFA" else 0.6 for c in text)
    return int((width + 2) // 27) + 1


def _problems(
    ledger: Ledger, now: StatusReport, since: date, until: date
) -> tuple[list[str], list[dict[str, Any]]]:
    """What units reported in their way this period (存在问题, 受阻): a sentence for each of
    the first units in the main text, every one in an attachment table."""
    order = unit_order(ledger)
    found: dict[str, dict[str, list[int]]] = {}
    rows: list[dict[str, Any]] = []
    for state in now.states:
        latest = state.latest
        if latest is None or not since <= latest.date <= until:
            continue
        text = latest.problems or ("推进受阻" if latest.status == "受阻" else "")
        if not text:
            continue
        found.setdefault(latest.by, {}).setdefault(clause(text), []).append(state.task.id)
        rows.append(
            {
                "unit": latest.by,
                "id": state.task.id,
                "title": state.task.title,
                "problem": clause(text),
                "next": clause(latest.next),
            }
        )
    units = sorted(found, key=lambda u: order.get(u, len(order)))
    lines = []
    for unit in units:
        said = "，".join(
            f"{problem}（{task_numbers(ids)}）" for problem, ids in found[unit].items()
        )
        lines.append(f"{unit}反映{said}")
    rows.sort(key=lambda r: (order.get(r["unit"], len(order)), r["id"]))
    return lines, rows


def _problem_text(lines: list[str], keep: int) -> str:
    if not lines:
        return ""
    shown = lines[:keep]
    if len(lines) > keep:
        shown.append(f"另有{len(lines) - keep}个单位反映的问题见附件3")
    return "单位反映的困难和问题：" + "；".join(shown) + "。"


def _requirements(
    ledger: Ledger, now: StatusReport, before: StatusReport, deadline: date
) -> list[str]:
    """一是……二是……: what follows from this issue's facts, with named units and dates."""
    issuer = ledger.report_settings.issuer or ledger.plan.issuer
    by = f"{deadline.month}月{deadline.day}日前"
    then = {s.task.id: s.light for s in before.states}
    red = [s for s in now.states if s.light == "red"]
    yellow = [s for s in now.states if s.light == "yellow"]
    newly = [s for s in yellow if then[s.task.id] != "yellow"]
    grey = [s for s in now.states if s.light == "grey"]
    blocked = [
        s
        for s in now.states
        if s.latest is not None and (s.latest.problems or s.latest.status == "受阻")
    ]
    overdue = [s for s in red if now.as_of > (s.task.due or ledger.plan.period.end)]
    items: list[str] = []
    if red:
        items.append(
            f"对严重滞后的{_numbers(red)}，请{_units(ledger, red)}逐项分析原因、制定赶超措施，"
            f"于{by}书面报送{issuer}，{issuer}将挂牌督办"
        )
    if yellow:
        subject = f"本期新增滞后的{_numbers(newly)}" if newly else f"滞后的{_numbers(yellow)}"
        items.append(
            f"对{subject}，请{_units(ledger, newly or yellow)}倒排工期、加快推进，争取下期恢复序时进度"
        )
    if grey:
        items.append(
            f"请{_units(ledger, grey)}于{by}补报{_numbers(grey)}的进展和佐证材料，"
            "逾期未报的下发催办单"
        )
    if blocked:
        items.append("对单位反映的问题，请配合单位主动对接、协调解决，重大事项及时提请区政府研究")
    if overdue:
        items.append(f"对已过完成期限仍未完成的{_numbers(overdue)}开展“回头看”，直至办结销号")
    if not items:
        items.append("各责任单位继续按序时推进，巩固已完成任务的成效")
    return [f"{ordinal(i)}是{text}。" for i, text in enumerate(items, 1)]


def _units(ledger: Ledger, states: list[TaskState]) -> str:
    """区住建局、区商务局等5个单位: the accountable units, named up to four."""
    order = unit_order(ledger)
    units = sorted(
        {u for s in states for u in accountable(ledger, s.task)},
        key=lambda u: order.get(u, len(order)),
    )
    if not units:
        return "有关单位"
    if len(units) <= 4:
        return "、".join(units)
    return f"{'、'.join(units[:3])}等{len(units)}个单位"


def _statistics(
    now: StatusReport, before: StatusReport, as_of: date, previous_end: date
) -> dict[str, Any]:
    """附件1: every light now and at the previous issue, with shares and the change."""
    counts, old = now.counts(), before.counts()
    total = len(now.states)
    rows = []
    for light in LIGHTS:
        change = counts[light] - old[light]
        rows.append(
            [
                LIGHT_NAMES[light],
                str(counts[light]),
                share_of(counts[light], total),
                str(old[light]),
                share_of(old[light], total),
                f"{change:+d}" if change else "0",
            ]
        )
    on, on_old = counts["done"] + counts["green"], old["done"] + old["green"]
    rows.append(
        [
            "已完成和序时推进",
            str(on),
            share_of(on, total),
            str(on_old),
            share_of(on_old, total),
            f"{on - on_old:+d}" if on != on_old else "0",
        ]
    )
    rows.append(
        [
            "合计",
            str(total),
            percent(1 if total else 0),
            str(total),
            percent(1 if total else 0),
            "0",
        ]
    )
    year = as_of.year
    return {
        "now": f"本期（截至{short_date(as_of, year)}）",
        "then": f"上期（截至{short_date(previous_end, year)}）",
        "rows": rows,
    }


def _listed(ledger: Ledger, now: StatusReport, as_of: date) -> list[dict[str, Any]]:
    """附件2: every red, yellow and grey task with its units and why."""
    rank = {"red": 0, "yellow": 1, "grey": 2}
    states = sorted(
        (s for s in now.states if s.light in rank), key=lambda s: (rank[s.light], s.task.id)
    )
    return [
        {
            "id": s.task.id,
            "title": s.task.title,
            "units": owner_phrase(ledger, s),
            "light": LIGHT_NAMES[s.light],
            "situation": situation(ledger, s, as_of),
            "problems": clause(s.latest.problems) if s.latest and s.latest.problems else "",
            "last_report": short_date(s.latest.date, as_of.year) if s.latest else "—",
        }
        for s in states
    ]
