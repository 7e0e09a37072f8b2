"""Synthetic progress for trying the reports: every note, source, problem and next step says
【示例数据】, and the same seed always gives the same entries (ids and recording times too).

Each task gets a pace (slow, lagging, on schedule, ahead) and a reporting rhythm: every
Friday, every other Friday, or once a month by the 25th, from the week the plan was issued
to the end of October, so that every week has reports for a briefing. A few units stop
reporting after August and a few never report. Figures grow with the year at the task's
pace; the status and the note say what the figures say: 已完成 when every target is met,
受阻 with the obstacle named when a slow task falls behind, 推进中 otherwise.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from zctasks.judge.schedule import elapsed_share
from zctasks.log.figures import number
from zctasks.plan.ledger import Ledger
from zctasks.plan.models import Entry, Number, Status, Target, Task

LABEL = "【示例数据】"
FIRST_FRIDAY = date(2023, 7, 7)
LAST_DAY = date(2023, 10, 31)
MONTHLY = (date(2023, 7, 21), date(2023, 8, 25), date(2023, 9, 22), date(2023, 10, 25))
"""Monthly reporters report by the 25th, the due day of the default reporting calendar."""
STOP_AFTER = date(2023, 8, 31)
PACES = (("slow", 0.5, 0.10), ("lagging", 0.8, 0.17), ("on", 1.0, 0.48), ("ahead", 1.2, 0.25))
PROBLEMS = (
    "项目用地指标尚未落实",
    "专项资金到位较慢",
    "审批手续办理周期较长",
    "部分项目前期手续尚未完成",
    "企业投资意愿不足，项目签约推迟",
    "施工受连续降雨影响",
)
STAGES = (
    "制定工作方案，明确责任分工和时间节点",
    "召开专题推进会，调度重点事项，推动各项措施落地",
    "重点事项有序推进，完成阶段性任务",
    "对照年度目标查漏补缺，推进收尾工作",
)
CHINA = timezone(timedelta(hours=8))
URGED_ON = (date(2023, 9, 29), date(2023, 10, 20))
"""Days the demo issues 催办单, so that the register has slips answered and unanswered."""
COORDINATOR = "区发改局"
"""Reports the tasks no unit answers for (组织实施), as the coordinating office would."""


def populate(root: Path, ledger: Ledger) -> tuple[int, int]:
    """Append the demo progress to the ledger at ``root`` and issue the demo's 催办单;
    returns how many entries and slips."""
    from zctasks.documents.reports import drafts, prefixes
    from zctasks.load.loading import load_progress
    from zctasks.log.recording import append
    from zctasks.log.urges import issue

    entries = demo_entries(ledger)
    append(root, entries)
    _scoring_rules(root)
    progress = load_progress(ledger)
    slips = 0
    for day in URGED_ON:
        found, _ = drafts(ledger, progress, day, None, day)
        at = datetime.combine(day, time(9, 0), CHINA)
        slips += len(issue(ledger, found, prefixes(ledger), at=at))
    return len(entries), slips


def _scoring_rules(root: Path) -> None:
    """The demo's 考评办法: the one written for the bundled plan (a new year's ledger made by
    plain ``init`` gets none, as its units, periods and coefficients would not fit)."""
    import shutil

    from zctasks.files.root import bundled_root

    source = bundled_root() / "data" / "scoring.yaml"
    if source.exists() and not (root / "data" / "scoring.yaml").exists():
        shutil.copyfile(source, root / "data" / "scoring.yaml")


def demo_entries(ledger: Ledger, seed: int = 2023) -> list[Entry]:
    rng = random.Random(seed)
    entries: list[Entry] = []
    for task in ledger.tasks.values():
        reporter = (task.lead or task.responsible or (None,))[0]
        forced = ""
        if reporter is None:
            reporter, forced = COORDINATOR, f"{LABEL}任务未明确责任单位，由统筹部门代报"
        pace_name, pace = _pace(rng)
        rhythm = rng.choice(("weekly", "fortnightly", "fortnightly", "monthly"))
        fate = rng.random()
        if fate < 0.06 and not forced:
            continue  # never reported: 未报送
        stops = fate < 0.14 and not forced
        jitter = {t.id: rng.uniform(0.95, 1.05) for t in task.targets}
        problem = PROBLEMS[rng.randrange(len(PROBLEMS))]
        finishes = date(2023, rng.choice((9, 10)), 15) if pace >= 1.0 else None
        for day in _days(rhythm, task.id):
            if stops and day > STOP_AFTER:
                break
            entries.append(
                _entry(
                    ledger,
                    task,
                    day,
                    reporter,
                    forced,
                    pace_name,
                    pace,
                    jitter,
                    problem,
                    finishes,
                    rng,
                )
            )
    return entries


def _pace(rng: random.Random) -> tuple[str, float]:
    roll, total = rng.random(), 0.0
    for name, pace, weight in PACES:
        total += weight
        if roll < total:
            return name, pace
    return PACES[-1][0], PACES[-1][1]


def _days(rhythm: str, task_id: int) -> list[date]:
    fridays = []
    day = FIRST_FRIDAY
    while day <= LAST_DAY:
        fridays.append(day)
        day += timedelta(days=7)
    if rhythm == "weekly":
        return fridays
    if rhythm == "fortnightly":
        return fridays[task_id % 2 :: 2]
    return list(MONTHLY)


def _entry(
    ledger: Ledger,
    task: Task,
    day: date,
    reporter: str,
    forced: str,
    pace_name: str,
    pace: float,
    jitter: dict[str, float],
    problem: str,
    finishes: date | None,
    rng: random.Random,
) -> Entry:
    period = ledger.plan.period
    elapsed = elapsed_share(day, period.start, task.due or period.end)
    values = {t.id: _value(t, elapsed, pace, jitter[t.id]) for t in task.targets}
    met = bool(task.targets) and all(_met(t, values[t.id]) for t in task.targets)
    if not task.targets:
        met = finishes is not None and day >= finishes
    status: Status
    if met:
        status = "已完成"
    elif pace_name == "slow" and day.month >= 8:
        status = "受阻"
    else:
        status = "推进中"
    troubled = status == "受阻" or (pace_name == "lagging" and day.month >= 9)
    return Entry(
        id=f"{day.isoformat()}-{task.id}-{rng.getrandbits(24):06x}",
        task=task.id,
        date=day,
        by=reporter,
        status=status,
        values=values,
        note=LABEL + _note(task, day, values, status, problem),
        source=f"{LABEL}{reporter}{day.month}月{day.day}日报送",
        next=LABEL + _next(status, troubled, problem, day),
        problems=f"{LABEL}{problem}" if troubled else "",
        forced=forced,
        at=datetime.combine(day, time(17, task.id % 60), CHINA),
    )


def _note(task: Task, day: date, values: dict[str, Number], status: str, problem: str) -> str:
    when = f"截至{day.month}月{day.day}日"
    if task.targets:
        figures = "，".join(f"{t.name}{number(values[t.id])}{t.unit}" for t in task.targets[:2])
        text = f"{when}，{figures}"
    else:
        stage = STAGES[min(day.month - 7, len(STAGES) - 1)]
        text = f"{when}，{stage}"
    if status == "已完成":
        return text + "，年度任务已完成。"
    if status == "受阻":
        return text + f"。受{problem}影响，进度滞后。"
    return text + "。"


def _next(status: str, troubled: bool, problem: str, day: date) -> str:
    if status == "已完成":
        return "巩固工作成果，做好总结评估。"
    if troubled:
        return f"倒排工期，协调解决{problem}的问题，力争{day.month + 1}月底前追上序时进度。"
    return "继续按计划推进，确保完成年度目标。"


def _value(target: Target, elapsed: float, pace: float, jitter: float) -> Number:
    progress = min(elapsed * pace * jitter, 1.15)
    if target.op in ("<=", "<"):
        share = progress * 0.9 if target.accrues else 0.9
        amount = target.value * share
    elif target.accrues:
        amount = target.value * progress
    elif target.base is not None:
        amount = target.base + (target.value - target.base) * min(elapsed * pace * jitter, 1.05)
    else:
        amount = target.value * min(0.9 + 0.1 * progress * 1.2, 1.05)
    if isinstance(target.value, int) and target.unit != "%":
        return round(amount)
    return round(amount, 1)


def _met(target: Target, value: Number) -> bool:
    if target.op in ("<=", "<"):
        return False
    return value > target.value if target.op == ">" else value >= target.value
