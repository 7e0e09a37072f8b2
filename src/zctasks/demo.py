"""Synthetic progress for trying the reports: every entry says 示例数据, and the same
seed always gives the same entries."""

from __future__ import annotations

import random
from datetime import date

from zctasks.ledger import Ledger
from zctasks.models import Entry, Target, Task
from zctasks.schedule import elapsed_share

LABEL = "【示例数据】"
REPORT_DAYS = (date(2023, 7, 31), date(2023, 8, 31), date(2023, 9, 28), date(2023, 10, 31))


def demo_entries(ledger: Ledger, seed: int = 2023) -> list[Entry]:
    rng = random.Random(seed)
    period = ledger.plan.period
    entries: list[Entry] = []
    for task in ledger.tasks.values():
        reporter = (task.lead or task.responsible or (None,))[0]
        profile = rng.random()
        if reporter is None or profile < 0.12:
            continue  # never reported: 未报送
        pace = rng.choice((0.45, 0.75, 0.95, 1.05, 1.3))
        days = REPORT_DAYS[:2] if profile < 0.2 else REPORT_DAYS  # some stop reporting
        for day in days:
            elapsed = elapsed_share(day, period.start, period.end)
            values = {t.id: _value(t, elapsed, pace, rng) for t in task.targets}
            done = bool(task.targets) and all(
                _met(t, v) for t, v in zip(task.targets, values.values(), strict=True)
            )
            blocked = pace < 0.5 and day == days[-1]
            entries.append(
                Entry(
                    id=_stable_id(day, task, rng),
                    task=task.id,
                    date=day,
                    by=reporter,
                    status="已完成" if done else ("受阻" if blocked else "推进中"),
                    values=values,
                    note=f"{LABEL}{task.title}：截至{day.month}月底按计划推进。",
                    source=f"{LABEL}{reporter}报送",
                    next=f"{LABEL}继续推进{task.title}。",
                    problems=f"{LABEL}项目审批进度慢于预期。" if blocked else "",
                )
            )
    return entries


def _stable_id(day: date, task: Task, rng: random.Random) -> str:
    return f"{day.isoformat()}-{task.id}-{rng.getrandbits(24):06x}"


def _value(target: Target, elapsed: float, pace: float, rng: random.Random) -> float | int:
    if target.accrues:
        amount = target.value * min(elapsed * pace * rng.uniform(0.95, 1.05), 1.4)
    else:
        amount = target.value * min(0.7 + 0.3 * pace * rng.uniform(0.9, 1.05), 1.2)
    if isinstance(target.value, int) and target.unit != "%":
        return round(amount)
    return round(amount, 1)


def _met(target: Target, value: float) -> bool:
    if target.op in ("<=", "<"):
        return False
    return value > target.value if target.op == ">" else value >= target.value
