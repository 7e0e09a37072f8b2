"""What every document shares: who issues it, the date it stands at, the counts by light,
and tasks grouped by the units that answer for them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from zctasks.documents.reports.wording import (
    accountable,
    cn_date,
    percent,
    role_word,
    share_of,
    task_numbers,
    unit_order,
)
from zctasks.judge.schedule import LIGHT_NAMES, LIGHTS, Light, StatusReport, TaskState, lead_groups
from zctasks.judge.views import chapter_numeral
from zctasks.plan.ledger import Ledger

LIGHT_ORDER: tuple[Light, ...] = LIGHTS


def common(ledger: Ledger, report: StatusReport, title: str) -> dict[str, Any]:
    """The plan, the offices, the as-of date and the counts, for every template."""
    settings = ledger.report_settings
    issuer = settings.issuer or ledger.plan.issuer
    counts = report.counts()
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
        "supervisor": settings.supervisor or issuer,
        "addressees": settings.addressees,
        "as_of": cn_date(report.as_of),
        "as_of_iso": report.as_of.isoformat(),
        "year": report.as_of.year,
        "elapsed": percent(report.elapsed),
        "total": total,
        "counts": named(counts),
        "shares": {LIGHT_NAMES[light]: share_of(counts[light], total) for light in LIGHTS},
        "light_names": list(LIGHT_NAMES.values()),
        "by_chapter": [
            {
                "label": f"{chapter_numeral(chapter.id)}、{chapter.title}",
                "counts": named(
                    report.counts([s for s in report.states if s.task.chapter == chapter.id])
                ),
            }
            for chapter in ledger.chapters.values()
            if any(s.task.chapter == chapter.id for s in report.states)
        ],
        "by_lead": [
            {"label": unit, "counts": named(report.counts(states))}
            for unit, states in lead_groups(ledger, report.states)
        ],
    }


def named(counts: dict[Light, int]) -> dict[str, int]:
    return {LIGHT_NAMES[light]: n for light, n in counts.items()}


def counts_sentence(counts: dict[Light, int], total: int, every: bool = True) -> str:
    """已完成7项，占10.6%；序时推进28项，占42.4%；…: every light with its share (or, not
    ``every``, the lights that have tasks, without shares: 已完成1项、序时推进5项)."""
    if not every:
        return "、".join(
            f"{LIGHT_NAMES[light]}{counts[light]}项" for light in LIGHTS if counts[light]
        )
    return "；".join(
        f"{LIGHT_NAMES[light]}{counts[light]}项，占{share_of(counts[light], total)}"
        for light in LIGHTS
    )


def owner_phrase(ledger: Ledger, state: TaskState, short: bool = False) -> str:
    """区商务局、区交通运输局牵头 / 区科技局负责 / 未明确责任单位; ``short`` (for prose)
    names the first of more than two units: 区发改局等4个单位负责."""
    units = accountable(ledger, state.task)
    if not units:
        return "未明确责任单位"
    if short and len(units) > 2:
        return f"{units[0]}等{len(units)}个单位{role_word(state.task)}"
    return "、".join(units) + role_word(state.task)


def by_owner(ledger: Ledger, states: Iterable[TaskState]) -> list[dict[str, Any]]:
    """Tasks grouped by the units that answer for them, in departments.yaml order:
    [{"owners": "区商务局牵头", "ids": [18, 20], "numbers": "第18、20项"}]; tasks no unit
    answers for come last."""
    order = unit_order(ledger)
    groups: dict[str, list[TaskState]] = {}
    for state in states:
        groups.setdefault(owner_phrase(ledger, state, short=True), []).append(state)

    def rank(item: tuple[str, list[TaskState]]) -> tuple[int, int]:
        units = accountable(ledger, item[1][0].task)
        if not units:
            return (len(order) + 1, 0)
        return (min(order[u] for u in units), len(units))

    result = []
    for phrase, members in sorted(groups.items(), key=rank):
        ids = sorted(s.task.id for s in members)
        result.append({"owners": phrase, "ids": ids, "numbers": task_numbers(ids)})
    return result


def grouped_sentence(groups: list[dict[str, Any]]) -> str:
    """区商务局牵头的第18项，区交通运输局牵头的第20、22项."""
    parts = []
    for group in groups:
        if group["owners"] == "未明确责任单位":
            parts.append(f"未明确责任单位的{group['numbers']}")
        else:
            parts.append(f"{group['owners']}的{group['numbers']}")
    return "，".join(parts)
