"""What every document shares: who issues and signs it, the day it is dated, the date it
stands at, the counts by light, and tasks grouped by the units that answer for them.

Documents count a task that no unit answers for (only placeholders such as 区有关部门) and
that nobody reported on as 责任单位未明确, never as 未报送: nobody owes its report, and
nobody is urged about it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from zctasks.documents.reports.wording import (
    accountable,
    cn_date,
    percent,
    quote,
    role_word,
    share_of,
    unit_order,
)
from zctasks.judge.schedule import LIGHT_NAMES, LIGHTS, Light, StatusReport, TaskState, lead_groups
from zctasks.judge.views import chapter_numeral
from zctasks.plan.ledger import Ledger

LIGHT_ORDER: tuple[Light, ...] = LIGHTS
UNASSIGNED = "unassigned"
DOC_LIGHTS: tuple[str, ...] = (*LIGHTS, UNASSIGNED)
"""The lights documents count: the schedule's five, and tasks no unit answers for."""
DOC_LIGHT_NAMES: dict[str, str] = {
    **{str(k): v for k, v in LIGHT_NAMES.items()},
    UNASSIGNED: "责任单位未明确",
}
PARTY = "党委部门"
_SELF = ("中心", "局", "委", "办", "室", "部", "院", "所", "会", "处", "厅", "站", "组")


def issuer_of(ledger: Ledger) -> str:
    """The office that issues briefings and notices."""
    return ledger.report_settings.issuer or ledger.plan.issuer


def supervisor_of(ledger: Ledger) -> str:
    """The office that signs 催办单."""
    return ledger.report_settings.supervisor or issuer_of(ledger)


def signer(ledger: Ledger, office: str) -> str:
    """The name an office signs with: the configured ``signer`` for the issuer, else its
    full name in departments.yaml, else the name as configured."""
    settings = ledger.report_settings
    if settings.signer and office == issuer_of(ledger):
        return settings.signer
    unit = ledger.units.get(office)
    return unit.full_name if unit is not None and unit.full_name else office


def self_word(office: str) -> str:
    """How an office speaks of itself in its own documents: 区发改局 → 我局, 区政府督查室 →
    我室, 区大数据中心 → 我中心; 本单位 where the name ends otherwise."""
    for ending in _SELF:
        if office.endswith(ending):
            return "我" + ending
    return "本单位"


def level(ledger: Ledger) -> str:
    """The level of government whose plan it is, as its documents say it (区, 县, 市, 省):
    the word before 人民政府 (or 政府) in the plan's issuer; 区 where it names none."""
    import re

    found = re.search(r"([区县市省旗州])(?:人民)?政府", ledger.plan.issuer)
    return found.group(1) if found else "区"


def is_party(ledger: Ledger, unit: str) -> bool:
    found = ledger.units.get(unit)
    return found is not None and found.kind == PARTY


def doc_light(ledger: Ledger, state: TaskState) -> str:
    """The light a document counts the task under (see the module's docstring)."""
    if state.light == "grey" and not accountable(ledger, state.task):
        return UNASSIGNED
    return state.light


def doc_counts(ledger: Ledger, states: Iterable[TaskState]) -> dict[str, int]:
    counts = dict.fromkeys(DOC_LIGHTS, 0)
    for state in states:
        counts[doc_light(ledger, state)] += 1
    return counts


def common(ledger: Ledger, report: StatusReport, title: str, day: date) -> dict[str, Any]:
    """The plan, the offices, the date, the as-of date and the counts, for every template.
    ``day`` is the day the document is dated (成文日期)."""
    settings = ledger.report_settings
    issuer = issuer_of(ledger)
    supervisor = supervisor_of(ledger)
    counts = doc_counts(ledger, report.states)
    total = len(report.states)
    return {
        "title": title,
        "plan": {
            "title": ledger.plan.title,
            "doc_number": ledger.plan.doc_number,
            "issuer": ledger.plan.issuer,
        },
        "publication": settings.publication,
        "issuer": issuer,
        "signer": signer(ledger, issuer),
        "supervisor": supervisor,
        "supervisor_signer": signer(ledger, supervisor),
        "addressees": settings.addressees,
        "date": cn_date(day),
        "date_iso": day.isoformat(),
        "as_of": cn_date(report.as_of),
        "as_of_iso": report.as_of.isoformat(),
        "year": report.as_of.year,
        "elapsed": percent(report.elapsed),
        "total": total,
        "counts": named(counts),
        "shares": {DOC_LIGHT_NAMES[key]: share_of(counts[key], total) for key in DOC_LIGHTS},
        "light_names": list(LIGHT_NAMES.values()),
        "by_chapter": [
            {
                "label": f"{chapter_numeral(chapter.id)}、{chapter.title}",
                "counts": named(
                    doc_counts(ledger, [s for s in report.states if s.task.chapter == chapter.id])
                ),
            }
            for chapter in ledger.chapters.values()
            if any(s.task.chapter == chapter.id for s in report.states)
        ],
        "by_lead": [
            {"label": unit, "counts": named(doc_counts(ledger, states))}
            for unit, states in lead_groups(ledger, report.states)
        ],
    }


def named(counts: dict[str, int]) -> dict[str, int]:
    """Counts keyed by the names people read; 责任单位未明确 only where there are such tasks."""
    return {DOC_LIGHT_NAMES[key]: n for key, n in counts.items() if key != UNASSIGNED or n}


def counts_sentence(counts: dict[str, int], total: int, every: bool = True) -> str:
    """已完成7项，占10.6%；序时推进28项，占42.4%；…: every light with its share, and the
    tasks no unit answers for where there are any (or, not ``every``, the lights that have
    tasks, without shares: 已完成1项、序时推进5项)."""
    keys = [key for key in DOC_LIGHTS if key != UNASSIGNED or counts.get(key)]
    if not every:
        return "、".join(f"{DOC_LIGHT_NAMES[key]}{counts[key]}项" for key in keys if counts[key])
    return "；".join(
        f"{DOC_LIGHT_NAMES[key]}{counts[key]}项，占{share_of(counts[key], total)}" for key in keys
    )


def owner_phrase(
    ledger: Ledger, state: TaskState, short: bool = False, me: tuple[str, str] | None = None
) -> str:
    """区商务局、区交通运输局牵头 / 区科技局负责 / 责任单位未明确; ``short`` (for prose)
    names the first of more than two units: 区发改局等4个单位负责. ``me`` (the issuing office
    and how it speaks of itself) writes the office's own tasks as its own: 我局牵头."""
    units = accountable(ledger, state.task)
    if not units:
        return DOC_LIGHT_NAMES[UNASSIGNED]
    if me is not None:
        units = [me[1] if u == me[0] else u for u in units]
    if short and len(units) > 2:
        return f"{units[0]}等{len(units)}个单位{role_word(state.task)}"
    return "、".join(units) + role_word(state.task)


def by_owner(
    ledger: Ledger, states: Iterable[TaskState], me: tuple[str, str] | None = None
) -> list[dict[str, Any]]:
    """Tasks grouped by the units that answer for them, in departments.yaml order:
    [{"owners": "区商务局牵头", "ids": [18, 20], "titles": ["…", "…"]}]; tasks no unit
    answers for come last."""
    order = unit_order(ledger)
    groups: dict[str, list[TaskState]] = {}
    for state in states:
        groups.setdefault(owner_phrase(ledger, state, short=True, me=me), []).append(state)

    def rank(item: tuple[str, list[TaskState]]) -> tuple[int, int]:
        units = accountable(ledger, item[1][0].task)
        if not units:
            return (len(order) + 1, 0)
        return (min(order[u] for u in units), len(units))

    result = []
    for phrase, members in sorted(groups.items(), key=rank):
        members = sorted(members, key=lambda s: s.task.id)
        result.append(
            {
                "owners": phrase,
                "ids": [s.task.id for s in members],
                "titles": [s.task.title for s in members],
            }
        )
    return result


def named_tasks(
    groups: list[dict[str, Any]], most: int, after: dict[int, str] | None = None
) -> tuple[str, bool]:
    """区商务局牵头的“促进消费提质扩容”，区交通运输局牵头的“…”“…”: tasks named by their
    titles, grouped by unit, at most ``most`` of them; and whether some were left out.
    ``after`` adds words after a task's title (a roll-up's districts behind it)."""
    parts = []
    left = most
    cut = False
    for group in groups:
        if left <= 0:
            cut = True
            break
        titles = group["titles"][:left]
        cut = cut or len(titles) < len(group["titles"])
        left -= len(titles)
        parts.append(
            f"{group['owners']}的"
            + "".join(
                quote(t) + (after or {}).get(i, "")
                for t, i in zip(titles, group["ids"][: len(titles)], strict=True)
            )
        )
    return "，".join(parts), cut


def titles_phrase(titles: list[str], most: int = 2) -> str:
    """“加强关键核心技术攻关”“促进消费提质扩容”等: a few titles, 等 when there are more."""
    shown = "".join(quote(t) for t in titles[:most])
    return shown + ("等" if len(titles) > most else "")
