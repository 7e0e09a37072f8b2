"""工作简报: one to three pages a leader reads, with the full lists in attachments.

The main text gives a judgement that follows from the figures, where things stand (every
light with its share), what changed since the previous issue (as that issue printed it,
from the register in ``data/briefings/``), the few largest movements, what is behind or
unreported — tasks named by their titles and grouped by unit, the rest counted and left to
the attachments — what units say is in their way, and what must happen next, each
requirement drawn from this issue's facts, with a deadline on a working day. A first issue
compares with nothing.

The judgement (README "What the documents promise"): the share of tasks done or on
schedule, as printed, and the count of 严重滞后 tasks against the previous issue —
加快 when the share rose by at least two points and no task more is 严重滞后, 放缓 when it
fell by at least two points or more tasks are 严重滞后 (and the share did not rise by two
points); otherwise, and in a first issue, the level: 顺利 from 80%, 平稳 from 60%, else 偏慢.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from zctasks.documents.reports.common import (
    DOC_LIGHT_NAMES,
    DOC_LIGHTS,
    UNASSIGNED,
    by_owner,
    common,
    counts_sentence,
    doc_counts,
    doc_light,
    is_party,
    issuer_of,
    level,
    named_tasks,
    owner_phrase,
    self_word,
    titles_phrase,
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
    quote,
    share_of,
    short_date,
    situation,
    task_elapsed,
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
    StatusReport,
    TargetState,
    TaskState,
    status_report,
    target_state,
)
from zctasks.log.briefings import Issue
from zctasks.log.store import Progress
from zctasks.plan.ledger import Ledger
from zctasks.plan.models import Entry, Number

ON_SCHEDULE = ("done", "green")
BEHIND = ("yellow", "red")
FEWEST_HIGHLIGHTS = 3
MOST_HIGHLIGHTS = 6
MOST_PROBLEMS = 4
MOST_NAMED = 4
"""Tasks named by title for each light in the main text; the rest are counted."""
TREND_POINTS = 20
"""Tenths of a percentage point the on-schedule share must move to be called a trend."""
PERSISTENT_CYCLES = 3
"""A task red at the end of this many reporting cycles in a row is named as such."""
BODY_LINES = 51
"""Lines of main text that three pages hold under the masthead and title, with the
headings and the list of attachments: what the briefing is cut to fit."""


def iso_week(text: str) -> tuple[date, date]:
    """2023-W30 → Monday 2023-07-24 to Sunday 2023-07-30."""
    year, _, week = text.upper().partition("-W")
    monday = date.fromisocalendar(int(year), int(week), 1)
    return monday, monday + timedelta(days=6)


def tenths(part: int, whole: int) -> int:
    """A share in tenths of a percent, exactly as ``percent`` prints it (63.6% → 636)."""
    return round(float(share_of(part, whole)[:-1]) * 10)


def judgement(share: int, previous_share: int | None, reds: int, previous_reds: int | None) -> str:
    """总体进展加快/放缓/顺利/平稳/偏慢 from the on-schedule share (in tenths of a percent,
    as printed) and the 严重滞后 count, now and at the previous issue (None: no previous
    issue). The rules are the module docstring's and README's."""
    level = "顺利" if share >= 800 else "平稳" if share >= 600 else "偏慢"
    if previous_share is None or previous_reds is None:
        return f"总体进展{level}"
    change = share - previous_share
    if change >= TREND_POINTS and reds <= previous_reds:
        trend = "加快"
    elif change <= -TREND_POINTS or (reds > previous_reds and change < TREND_POINTS):
        trend = "放缓"
    else:
        return f"总体进展{level}"
    if level == "偏慢":
        return f"总体进展偏慢，{'但' if trend == '加快' else '且'}有所{trend}"
    return f"总体进展{trend}"


class Facts:
    """The lights of this issue and of the previous one, as documents count them."""

    def __init__(
        self, ledger: Ledger, now: StatusReport, previous: Issue | None, me: tuple[str, str]
    ) -> None:
        self.ledger = ledger
        self.now = now
        self.previous = previous
        self.me = me
        self.light = {s.task.id: doc_light(ledger, s) for s in now.states}
        self.counts = doc_counts(ledger, now.states)
        self.total = len(now.states)
        self.then = previous.light_of() if previous is not None else {}

    def states(self, *lights: str) -> list[TaskState]:
        return [s for s in self.now.states if self.light[s.task.id] in lights]

    def on(self) -> int:
        return self.counts["done"] + self.counts["green"]

    def previous_on(self) -> int:
        assert self.previous is not None
        return self.previous.count("done") + self.previous.count("green")


def briefing(
    ledger: Ledger,
    progress: Progress,
    since: date,
    until: date,
    as_of: date,
    day: date,
    number: int,
    previous: Issue | None,
    deadline: date,
    extra: list[str] | None = None,
) -> dict[str, Any]:
    """工作简报 第``number``期 for the reports of [since, until], standing at ``as_of``,
    dated ``day``, compared with ``previous`` (the last issue recorded before it, or None),
    asking for what it asks by ``deadline``. ``extra`` are the paragraphs of a section of
    its own (a roll-up's 各区县进展), kept whole when the text is cut to three pages."""
    tasks = list(ledger.tasks.values())
    now = status_report(ledger, progress, tasks, as_of)
    issuer = issuer_of(ledger)
    facts = Facts(ledger, now, previous, (issuer, self_word(issuer)))
    context = common(ledger, now, "重点工作任务推进情况", day)
    in_period = [e for e in progress.entries if since <= e.date <= min(until, as_of)]
    problems, problem_rows = _problems(ledger, progress, facts, since, until)
    overview = _overview(ledger, progress, facts, in_period)
    changes = _changes(ledger, progress, facts)
    requirements = _requirements(ledger, facts, deadline, bool(problem_rows))
    headings = ["一、总体情况", "二、本期主要进展", "三、需要关注的问题", "四、下步工作要求"]
    if extra:
        headings.append("五、各区县进展")
    highlights, attention, said = _fit(
        [*overview, changes, *requirements, *headings, *(extra or [])],
        _highlights(ledger, progress, facts, since, in_period),
        _attention(ledger, progress, facts),
        problems,
    )
    context.update(
        {
            "kind": "briefing",
            "issue": number,
            "since": cn_date(since),
            "until": cn_date(until),
            "period": _period(since, until),
            "previous": (
                {"issue": previous.number, "as_of": short_date(previous.as_of, as_of.year)}
                if previous is not None
                else None
            ),
            "overview": overview,
            "changes": changes,
            "highlights": highlights,
            "attention": attention,
            "problems": said,
            "problem_rows": problem_rows,
            "requirements": requirements,
            "statistics": _statistics(facts, as_of),
            "lagging": _listed(ledger, facts, as_of),
            "distribution": ledger.report_settings.addressees,
            "record": {
                "lights": {
                    key: sorted(i for i, light in facts.light.items() if light == key)
                    for key in DOC_LIGHTS
                },
                "values": {t.target.id: t.actual for s in now.states for t in s.targets},
            },
        }
    )
    return context


def _period(since: date, until: date) -> str:
    """2023年10月30日至11月5日: the second date without the year it shares."""
    end = cn_date(until) if until.year != since.year else f"{until.month}月{until.day}日"
    return f"{cn_date(since)}至{end}"


def _overview(
    ledger: Ledger, progress: Progress, facts: Facts, in_period: list[Entry]
) -> list[str]:
    """The judgement with the figures it follows from, then the counts: two paragraphs."""
    counts, total, previous = facts.counts, facts.total, facts.previous
    on = facts.on()
    share = tenths(on, total)
    reds = counts["red"]
    then_share = tenths(facts.previous_on(), previous.total) if previous else None
    then_reds = previous.count("red") if previous else None
    verdict = judgement(share, then_share, reds, then_reds)
    first = (
        f"截至{cn_date(facts.now.as_of)}（序时进度{percent(facts.now.elapsed)}），"
        f"{total}项重点工作任务{verdict}。已完成和按序时推进的{on}项，占{share_of(on, total)}"
    )
    if previous is not None and then_share is not None and then_reds is not None:
        moved = share - then_share
        then_text = share_of(facts.previous_on(), previous.total)
        if moved == 0:
            first += f"，与上期（第{previous.number}期）持平"
        else:
            word = "提高" if moved > 0 else "下降"
            first += (
                f"，比上期（第{previous.number}期）的{then_text}{word}{abs(moved) / 10:.1f}个百分点"
            )
        if reds != then_reds:
            first += f"；严重滞后由{then_reds}项{'增至' if reds > then_reds else '减至'}{reds}项"
    urgent = counts["red"] + counts["grey"]
    words = join(["严重滞后" if counts["red"] else "", "未报送" if counts["grey"] else ""], "和")
    first += f"；{words}的{urgent}项需加力推进。" if urgent else "。"
    reporters = [progress.reporters(e) for e in in_period]
    units = len({u for found in reporters for u in found})
    received = (
        f"本期{units}个单位报送进展{sum(map(len, reporters))}条。"
        if in_period
        else "本期没有单位报送进展。"
    )
    targets = [t for s in facts.now.states for t in s.targets]
    done_targets = sum(1 for t in targets if t.light == "done")
    measured = ledger.target_count()
    target_text = (
        f"{measured}项量化指标中，已报数{len(targets)}项，其中已完成{done_targets}项。"
        if measured
        else ""
    )
    unassigned = facts.states(UNASSIGNED)
    nobody = (
        f"{titles_phrase([s.task.title for s in unassigned])}"
        f"{len(unassigned)}项任务未明确责任单位，不计入未报送。"
        if unassigned
        else ""
    )
    second = f"其中{counts_sentence(counts, total)}。{nobody}{target_text}{received}"
    return [first, second]


def _changes(ledger: Ledger, progress: Progress, facts: Facts) -> str:
    """与上期相比: the kinds of change of the light history (newly done, newly behind,
    worse, better, recovered, first and resumed reports, newly unreported, reopened) — tasks
    named by a few titles, counted, never listed by number — then the tasks red at the end
    of each of the last three reporting cycles. Empty in a first issue."""
    previous = facts.previous
    if previous is None:
        return ""
    order: tuple[Change, ...] = (
        "done",
        "behind",
        "worse",
        "better",
        "recovered",
        "first",
        "resumed",
        "silent",
        "reopened",
    )
    groups: dict[Change, list[TaskState]] = {kind: [] for kind in order}
    for state in facts.now.states:
        old, new = facts.then.get(state.task.id), facts.light[state.task.id]
        if old is None or new == old:
            continue
        reported = bool(progress.task_indexes(state.task.id, previous.as_of))
        kind = change_kind(
            "grey" if old == UNASSIGNED else old,  # type: ignore[arg-type]
            "grey" if new == UNASSIGNED else new,  # type: ignore[arg-type]
            reported,
        )
        if kind is not None:
            groups[kind].append(state)
    parts = [
        f"{'由滞后转为严重滞后' if kind == 'worse' else CHANGE_NAMES[kind]}{len(states)}项"
        f"（{titles_phrase([s.task.title for s in states])}）"
        for kind, states in groups.items()
        if states
    ]
    stuck = _red_for_cycles(ledger, progress, facts.now, PERSISTENT_CYCLES)
    tail = (
        f"连续{PERSISTENT_CYCLES}个报送周期严重滞后{len(stuck)}项"
        f"（{titles_phrase([s.task.title for s in stuck])}）。"
        if stuck
        else ""
    )
    head = f"与上期（第{previous.number}期，截至{short_date(previous.as_of, facts.now.as_of.year)}）相比，"
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


def _highlights(
    ledger: Ledger,
    progress: Progress,
    facts: Facts,
    since: date,
    in_period: list[Entry],
) -> list[str]:
    """Up to six tasks that moved most this period, newly completed ones first: chosen by
    the gain against the year's target since the previous issue (in a first issue, since
    the period began); the gain is worded only against a previous issue's figures."""
    previous = facts.previous
    prior: dict[str, Number] = dict(previous.values) if previous is not None else {}
    if previous is None:
        start = status_report(
            ledger, progress, list(ledger.tasks.values()), since - timedelta(days=1)
        )
        chosen_from = {t.target.id: t.actual for s in start.states for t in s.targets}
        was = {s.task.id: doc_light(ledger, s) for s in start.states}
    else:
        chosen_from, was = prior, facts.then
    reported = {e.task for e in in_period}
    fresh = {e.id for e in in_period}
    scored: list[tuple[float, int, str]] = []
    for state in facts.now.states:
        if state.task.id not in reported or state.light not in ON_SCHEDULE:
            continue
        elapsed = task_elapsed(ledger, state.task, facts.now.as_of)
        best: tuple[float, str] | None = None
        for target in state.targets:
            if target.share is None or target.target.op in ("<=", "<"):
                continue
            before = chosen_from.get(target.target.id)
            gain = target.share - _share(ledger, target, before, elapsed)
            if gain <= 0:
                continue
            said = prior.get(target.target.id)
            text = _gain(target, target.actual - said if said is not None else None)
            if best is None or gain > best[0]:
                best = (gain, text)
        newly_done = state.light == "done" and was.get(state.task.id) != "done"
        if best is None and newly_done:
            levels = [figure(t, elapsed) for t in state.targets if t.light == "done"]
            best = (0.0, levels[0] if levels else "年度任务已完成")
        if best is None and state.latest is not None and state.latest.id in fresh:
            best = (-1.0, clause(state.latest.note))  # what was done, where nothing was counted
        if best is None:
            continue
        score = best[0] + (2.0 if newly_done else 0.0)
        head = f"{owner_phrase(ledger, state, short=True, me=facts.me)}的{quote(state.task.title)}"
        scored.append((score, state.task.id, f"{head}：{best[1]}。"))
    scored.sort(key=lambda item: (-item[0], item[1]))
    counted = [text for score, _, text in scored if score >= 0]
    described = [text for score, _, text in scored if score < 0]
    return (counted + described[: max(FEWEST_HIGHLIGHTS - len(counted), 0)])[:MOST_HIGHLIGHTS]


def _share(ledger: Ledger, state: TargetState, value: Number | None, elapsed: float) -> float:
    """The completion share a target had at ``value`` (0 without a figure)."""
    if value is None:
        return 0.0
    earlier = target_state(state.target, value, state.reported_on, elapsed, ledger.settings)
    return earlier.share or 0.0


def _gain(state: TargetState, delta: Number | None) -> str:
    """新增市级创新平台3家，已完成年度目标，比上期增加1家: a highlight's figure, short;
    the change only where the previous issue had a figure."""
    target = state.target
    moved = ""
    if delta is not None and delta > 0:
        verb = "增加" if target.accrues else "提高"
        moved = f"，比上期{verb}{amount(round(delta, 2), target.unit)}"
    head = f"{target.name}{amount(state.actual, target.unit)}"
    if state.light == "done":
        return f"{head}，已完成{'年度目标' if target.accrues else '目标'}{moved}"
    if target.accrues:
        return f"{head}，完成年计划的{percent(state.share or 0.0)}{moved}"
    return f"{head}，完成目标增幅的{percent(state.share or 0.0)}{moved}"


def _attention(ledger: Ledger, progress: Progress, facts: Facts) -> list[tuple[str, str]]:
    """严重滞后、滞后、未报送: each a sentence naming tasks by their titles, grouped by their
    units, the rest counted; and a short form naming the units only, for when the full one
    would not fit three pages. A roll-up's task names the members behind it."""
    lines = []
    for light in ("red", "yellow", "grey"):
        states = facts.states(light)
        if not states:
            continue
        after = {
            s.task.id: f"（{said}）"
            for s in states
            if (said := progress.behind(s.task.id, facts.now.as_of))
        }
        named, cut = named_tasks(by_owner(ledger, states, facts.me), MOST_NAMED, after)
        head = f"{DOC_LIGHT_NAMES[light]}{len(states)}项"
        full = f"{head}：{named}" + ("等，详见附件2。" if cut else "。")
        short = f"{head}，涉及{_units(ledger, states, facts.me)}，详见附件2。"
        lines.append((full, short))
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
    ledger: Ledger, progress: Progress, facts: Facts, since: date, until: date
) -> tuple[list[str], list[dict[str, Any]]]:
    """What units reported in their way this period (存在问题, 受阻): a sentence for each of
    the first units in the main text, naming the tasks, every one in an attachment table.
    A roll-up's problems are said by the members that reported them, not by the city's
    lead unit."""
    order = unit_order(ledger)
    found: dict[str, dict[str, list[str]]] = {}
    rows: list[dict[str, Any]] = []
    for state in facts.now.states:
        latest = state.latest
        if latest is None or not since <= latest.date <= until:
            continue
        text = latest.problems or ("推进受阻" if latest.status == "受阻" else "")
        if not text:
            continue
        voices = (latest.problems and progress.speakers(latest)) or [(latest.by, text, latest.next)]
        for who, words, steps in voices:
            found.setdefault(who, {}).setdefault(clause(words), []).append(state.task.title)
            rows.append(
                {
                    "unit": who,
                    "id": state.task.id,
                    "title": state.task.title,
                    "problem": clause(words),
                    "next": clause(steps),
                }
            )
    units = sorted(found, key=lambda u: order.get(u, len(order)))
    lines = []
    issuer, me = facts.me
    for unit in units:
        said = "，".join(
            f"{problem}（{titles_phrase(titles, 1)}）" for problem, titles in found[unit].items()
        )
        lines.append(f"{me if unit == issuer else unit}反映{said}")
    rows.sort(key=lambda r: (order.get(r["unit"], len(order)), r["id"]))
    return lines, rows


def _problem_text(lines: list[str], keep: int) -> str:
    if not lines:
        return ""
    shown = lines[:keep]
    if len(lines) > keep:
        shown.append(f"另有{len(lines) - keep}个单位反映的问题见附件3")
    return "单位反映的困难和问题：" + "；".join(shown) + "。"


def _requirements(ledger: Ledger, facts: Facts, deadline: date, reported: bool = True) -> list[str]:
    """一是……二是……: what follows from this issue's facts, with named units and a working
    day; the units' problems are taken up only when this issue tells of them (``reported``). The issuing office never asks itself: its own tasks are spoken of as its own. A
    Party unit is not urged by a bureau: its tasks go to the office configured for it, or
    to the district's leaders."""
    issuer, me = facts.me
    settings = ledger.report_settings
    by = f"{short_date(deadline, facts.now.as_of.year)}前"

    def others(states: list[TaskState]) -> list[TaskState]:
        """Tasks another unit (not a Party one) answers for: it is asked."""
        return [
            s
            for s in states
            if any(u != issuer and not is_party(ledger, u) for u in accountable(ledger, s.task))
        ]

    def own(states: list[TaskState]) -> list[TaskState]:
        """The issuing office's tasks that no one else is asked about."""
        asked = {s.task.id for s in others(states)}
        return [
            s for s in states if issuer in accountable(ledger, s.task) and s.task.id not in asked
        ]

    red = facts.states("red")
    yellow = facts.states("yellow")
    newly = [
        s for s in yellow if facts.previous is not None and facts.then.get(s.task.id) != "yellow"
    ]
    grey = facts.states("grey")
    blocked = [
        s
        for s in facts.now.states
        if reported and s.latest is not None and (s.latest.problems or s.latest.status == "受阻")
    ]
    overdue = [s for s in red if facts.now.as_of > (s.task.due or ledger.plan.period.end)]
    items: list[str] = []
    if red:
        text = ""
        if others(red):
            text = (
                f"对严重滞后的{len(others(red))}项任务，请{_units(ledger, others(red), facts.me)}"
                f"逐项分析原因、制定赶超措施，于{by}书面报送{me}，{me}将挂牌督办"
            )
        if own(red):
            mine = f"{me}牵头（负责）的{len(own(red))}项严重滞后任务"
            text = (
                f"{text}；{mine}同步制定赶超措施、加快推进"
                if text
                else f"对{mine}，逐项分析原因、制定赶超措施，加快推进"
            )
        if text:
            items.append(text)
    if yellow:
        chosen = newly or yellow
        which = "本期新增滞后" if newly else "滞后"
        text = ""
        if others(chosen):
            text = (
                f"对{which}的{len(others(chosen))}项任务，请{_units(ledger, others(chosen), facts.me)}"
                "倒排工期、加快推进，争取下期恢复序时进度"
            )
        if own(chosen):
            mine = f"{me}牵头（负责）的{len(own(chosen))}项{which}任务"
            text = (
                f"{text}；{mine}同步倒排工期"
                if text
                else f"对{mine}，倒排工期、加快推进，争取下期恢复序时进度"
            )
        if text:
            items.append(text)
    if grey:
        text = ""
        if others(grey):
            text = (
                f"请{_units(ledger, others(grey), facts.me)}于{by}"
                f"补报{len(others(grey))}项未报送任务的进展和佐证材料，逾期未报的下发催办单"
            )
        if own(grey):
            text = (
                f"{text}；{me}牵头（负责）的{len(own(grey))}项同步补报"
                if text
                else f"{me}牵头（负责）的{len(own(grey))}项未报送任务于{by}补报进展"
            )
        if text:
            items.append(text)
    party = [
        s
        for s in [*red, *yellow, *grey]
        if any(is_party(ledger, u) for u in accountable(ledger, s.task))
    ]
    if party:
        named, cut = named_tasks(by_owner(ledger, party, facts.me), MOST_NAMED)
        subject = f"{named}{'等' if cut else ''}"
        if settings.party_supervisor:
            items.append(f"对{subject}，由{settings.party_supervisor}督促落实")
        else:
            items.append(f"对{subject}，提请{level(ledger)}领导协调推进")
    if blocked:
        items.append(
            "对单位反映的问题，请配合单位主动对接、协调解决，"
            f"重大事项及时提请{level(ledger)}政府研究"
        )
    if overdue:
        items.append(f"对已过完成期限仍未完成的{len(overdue)}项任务开展“回头看”，直至办结销号")
    if not items:
        items.append("各责任单位继续按序时推进，巩固已完成任务的成效")
    return [f"{ordinal(i)}是{text}。" for i, text in enumerate(items, 1)]


def _units(
    ledger: Ledger,
    states: list[TaskState],
    me: tuple[str, str],
    only_party: bool = False,
) -> str:
    """区住建局、区商务局等5个单位: the accountable units other than the issuing office (and
    other than Party units, unless ``only_party``), named up to four."""
    order = unit_order(ledger)
    units = sorted(
        {
            u
            for s in states
            for u in accountable(ledger, s.task)
            if u != me[0] and is_party(ledger, u) == only_party
        },
        key=lambda u: order.get(u, len(order)),
    )
    if not units:
        return "有关单位"
    if len(units) <= 4:
        return "、".join(units)
    return f"{'、'.join(units[:3])}等{len(units)}个单位"


def _statistics(facts: Facts, as_of: date) -> dict[str, Any]:
    """附件1: every light now, and at the previous issue as it printed them."""
    counts, total, previous = facts.counts, facts.total, facts.previous
    keys = [
        k for k in DOC_LIGHTS if k != UNASSIGNED or counts[k] or (previous and previous.count(k))
    ]
    rows = []
    for key in keys:
        row = [DOC_LIGHT_NAMES[key], str(counts[key]), share_of(counts[key], total)]
        if previous is not None:
            old = previous.count(key)
            change = counts[key] - old
            row += [str(old), share_of(old, previous.total), f"{change:+d}" if change else "0"]
        rows.append(row)
    on = facts.on()
    row = ["已完成和序时推进", str(on), share_of(on, total)]
    if previous is not None:
        on_old = facts.previous_on()
        row += [
            str(on_old),
            share_of(on_old, previous.total),
            f"{on - on_old:+d}" if on != on_old else "0",
        ]
    rows.append(row)
    row = ["合计", str(total), percent(1 if total else 0)]
    if previous is not None:
        change = total - previous.total
        row += [
            str(previous.total),
            percent(1 if previous.total else 0),
            f"{change:+d}" if change else "0",
        ]
    rows.append(row)
    year = as_of.year
    return {
        "now": f"本期（截至{short_date(as_of, year)}）",
        "then": (
            f"上期（第{previous.number}期，截至{short_date(previous.as_of, year)}）"
            if previous is not None
            else ""
        ),
        "rows": rows,
    }


def _listed(ledger: Ledger, facts: Facts, as_of: date) -> list[dict[str, Any]]:
    """附件2: every red, yellow and grey task with its units and why."""
    rank = {"red": 0, "yellow": 1, "grey": 2}
    states = sorted(facts.states(*rank), key=lambda s: (rank[facts.light[s.task.id]], s.task.id))
    return [
        {
            "id": s.task.id,
            "title": s.task.title,
            "units": owner_phrase(ledger, s),
            "light": DOC_LIGHT_NAMES[facts.light[s.task.id]],
            "situation": situation(ledger, s, as_of),
            "problems": clause(s.latest.problems) if s.latest and s.latest.problems else "",
            "last_report": short_date(s.latest.date, as_of.year) if s.latest else "—",
        }
        for s in states
    ]
