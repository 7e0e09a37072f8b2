"""A member's ledger read at its pinned commit — with its own plan, units and calendar — and
reduced to what the roll-up needs; the reduction is cached by the commit it was read at.

The reduction holds the counts of the member's lights the league tables rank by, the date
of its latest report and how many of its units reported on time; and, for the tasks the
crosswalk names, what the member's own ``status --format json --as-of D`` says of them at
that commit (each task's light and reason, each reported target's figure, date and light),
their titles and targets, every report's date, status and figures (to sum the figures as
at any day) and their lights at the city's checkpoints (for the history the briefing
compares). Nothing in it depends on today: the same commit and as-of date give the same
reduction on every machine. The member's whole plan is cached apart, by commit alone, for
``check``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from zctasks.files.errors import ZctasksError
from zctasks.rollup.model import Pin
from zctasks.rollup.reading import MemberPlan, Members, MemberTarget, MemberTask

KEEP = 2048
"""Reductions kept in the cache's roll-up folder; the least recently used go first."""
JOBS = 4
"""Worker processes that read members not yet cached, at most (one a core)."""


@dataclass(frozen=True)
class Reduced:
    """One member as the roll-up reads it: its pin, and its reduction or why there is none."""

    name: str
    pin: Pin | None
    data: dict[str, Any] | None
    problem: str = ""


def _folder() -> Path | None:
    from zctasks.load import cache

    base = cache.cache_dir()
    if base is None:
        return None
    folder = base / "rollup"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
    except OSError:
        return None
    return folder


_pruned: list[bool] = []


def _load(folder: Path | None, key: str) -> dict[str, Any] | None:
    if folder is None:
        return None
    path = folder / f"{key}.json"
    try:
        with open(path, "rb") as handle:
            value = json.loads(handle.read())
        os.utime(path)
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) and value.get("key") == key else None


def _store(folder: Path | None, key: str, value: dict[str, Any]) -> None:
    if folder is None:
        return
    import tempfile

    temp = ""
    try:
        fd, temp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(json.dumps({**value, "key": key}, ensure_ascii=False).encode("utf-8"))
        os.replace(temp, folder / f"{key}.json")
        temp = ""
    except OSError:
        return
    finally:
        if temp:
            Path(temp).unlink(missing_ok=True)
    if not _pruned:
        _pruned.append(True)
        entries = list(folder.glob("*.json"))
        if len(entries) > KEEP:
            entries.sort(key=lambda p: p.stat().st_mtime, reverse=True)
            for stale in entries[KEEP:]:
                stale.unlink(missing_ok=True)


def _key(kind: str, commit: str, *parts: str) -> str:
    from zctasks.load import cache

    return cache.key(
        f"rollup-{kind}", [("commit", commit.encode()), *((p, p.encode()) for p in parts)]
    )


# ---------------------------------------------------------------- reducing


def plan_summary(ledger: Any, only: set[int] | None = None) -> dict[str, Any]:
    """What the roll-up needs of a member's plan: its tasks' titles and targets (of the
    tasks ``only`` names, where given)."""
    return {
        "title": ledger.plan.title,
        "tasks": {
            str(task.id): {
                "title": task.title,
                "targets": {
                    t.id: {
                        "name": t.name,
                        "unit": t.unit,
                        "op": t.op,
                        "value": t.value,
                        "accrues": t.accrues,
                    }
                    for t in task.targets
                },
            }
            for task in ledger.tasks.values()
            if only is None or task.id in only
        },
    }


def plan_from(summary: dict[str, Any]) -> MemberPlan:
    return MemberPlan(
        str(summary["title"]),
        {
            int(task_id): MemberTask(
                int(task_id),
                str(task["title"]),
                {
                    tid: MemberTarget(
                        tid, t["name"], t["unit"], t["op"], t["value"], bool(t["accrues"])
                    )
                    for tid, t in task["targets"].items()
                },
            )
            for task_id, task in summary["tasks"].items()
        },
    )


def reduce_ledger(
    ledger: Any, progress: Any, as_of: date, days: list[date], wanted: set[int]
) -> dict[str, Any]:
    """The reduction of a member's checked ledger and progress (see the module docstring)."""
    from zctasks.judge.cycles import Calendar, unit_status
    from zctasks.judge.schedule import status_report, task_state
    from zctasks.judge.views import state_json

    tasks = list(ledger.tasks.values())
    report = status_report(ledger, progress, tasks, as_of)
    latest = max((s.latest.date for s in report.states if s.latest is not None), default=None)
    cycle = unit_status(ledger, progress, as_of)
    owed = [row for row in cycle.units if row.state != "not-due"]
    summary: dict[str, Any] = {
        "title": ledger.plan.title,
        "period": [ledger.plan.period.start.isoformat(), ledger.plan.period.end.isoformat()],
        "elapsed": round(report.elapsed, 4),
        "counts": report.counts(),
        "total": len(tasks),
        "latest": latest.isoformat() if latest else None,
        "punctuality": {
            "due": cycle.due.isoformat() if cycle.due and owed else None,
            "units": len(owed),
            "on_time": sum(1 for row in owed if row.state == "reported"),
        },
        "plan": plan_summary(ledger, wanted),
        "tasks": {},
        "detail": {},
    }
    calendar = Calendar.of(ledger)
    for state in report.states:
        task = state.task
        if task.id not in wanted:
            continue
        shown = state_json(ledger, state, as_of)
        summary["tasks"][str(task.id)] = {
            "light": state.light,
            "reason": state.reason,
            "last_report": shown["last_report"],
            "targets": {t["id"]: t["state"] for t in shown["targets"]},
        }
        reports = []
        for i in progress.task_indexes(task.id, as_of):
            reports.append([progress.day[i], int(progress.status[i]), progress.values_of(i)])
        lights = []
        for day in days:
            past = task_state(ledger, progress, task, day, calendar)
            lights.append([past.light, {t.target.id: t.light for t in past.targets}])
        entry = state.latest
        summary["detail"][str(task.id)] = {
            "reports": reports,
            "lights": lights,
            "latest": None
            if entry is None
            else {
                "date": entry.date.isoformat(),
                "status": entry.status,
                "note": entry.note,
                "problems": entry.problems,
                "next": entry.next,
                "by": entry.by,
            },
        }
    return summary


def _read(
    root: Path, name: str, commit: str, as_of: date, days: list[date], wanted: set[int]
) -> tuple[dict[str, Any] | None, str]:
    """Reduce a member's ledger at ``commit`` from its mirror (not from the cache)."""
    from zctasks.load import cache, loading
    from zctasks.rollup.mirrors import extracted, mirror_of

    mirror = mirror_of(root, name)
    if not mirror.has_commit(commit):
        return None, (
            f"本机没有锁定的提交 {commit[:7]}：运行 zctasks rollup fetch --locked 取回各成员锁定的提交"
        )
    with extracted(mirror, commit) as snapshot:
        errors = [d for d in snapshot.problems if d.severity == "error"]
        if errors:
            return None, f"无法读取提交 {commit[:7]}：{errors[0].message}"
        with cache.bypassed():
            result, progress = loading.inspect(snapshot.folder)
        errors = [d for d in result.diagnostics if d.severity == "error"]
        if errors or result.ledger is None or progress is None:
            first = errors[0] if errors else None
            said = f"{first.path}:{first.line}:{first.column} {first.message}" if first else ""
            return None, f"锁定的提交 {commit[:7]} 检查未通过：{len(errors)} 个错误，{said}"
        data = reduce_ledger(result.ledger, progress, as_of, days, wanted)
        data["warnings"] = len(result.diagnostics) - len(errors)
        data["whole_plan"] = plan_summary(result.ledger)
        return data, ""


def _job(
    args: tuple[Path, str, str, date, list[date], set[int]],
) -> tuple[dict[str, Any] | None, str]:
    """One member read from its mirror (in a worker process of its own, or here)."""
    root, name, commit, as_of, days, wanted = args
    try:
        return _read(root, name, commit, as_of, days, wanted)
    except (ZctasksError, OSError) as exc:
        return None, getattr(exc, "message", None) or str(exc)


def _workers(count: int) -> int:
    """Processes that read members at once: one a core, at most ``JOBS``, and none but
    this one for a single member."""
    return max(1, min(JOBS, os.cpu_count() or 1, count))


def read_members(
    root: Path,
    members: Members,
    pins: dict[str, Pin],
    as_of: date,
    days: list[date],
    wanted: dict[str, set[int]],
) -> dict[str, Reduced]:
    """Every member's reduction at its pin: from the cache when this commit was read for
    this date before, else from its mirror — the members not cached read side by side, a
    process a core. A member that cannot be read is reported, its problem kept; the others
    are read all the same."""
    folder = _folder()
    found: dict[str, Reduced] = {}
    shown_days = ",".join(d.isoformat() for d in days)
    missing: list[tuple[str, str, tuple[Path, str, str, date, list[date], set[int]]]] = []
    for member in members.file.members:
        pin = pins.get(member.name)
        if pin is None or not pin.commit:
            found[member.name] = Reduced(
                member.name, pin, None, "尚未获取：运行 zctasks rollup fetch"
            )
            continue
        tasks = sorted(wanted.get(member.name, set()))
        key = _key(
            "member",
            pin.commit,
            member.name,  # never another member's reading of the same commit
            as_of.isoformat(),
            shown_days,
            ",".join(map(str, tasks)),
        )
        data = _load(folder, key)
        if data is not None:
            found[member.name] = Reduced(member.name, pin, data)
            continue
        job = (root, member.name, pin.commit, as_of, days, set(tasks))
        missing.append((member.name, key, job))
    if _workers(len(missing)) > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=_workers(len(missing))) as pool:
            results = list(pool.map(_job, [job for _, _, job in missing]))
    else:
        results = [_job(job) for _, _, job in missing]
    for (name, key, _), (data, problem) in zip(missing, results, strict=True):
        pin = pins[name]
        if data is not None:
            _store(folder, _key("plan", pin.commit, name), {"plan": data.pop("whole_plan")})
            _store(folder, key, data)
        found[name] = Reduced(name, pin, data, problem)
    return {m.name: found[m.name] for m in members.file.members}


def member_plans(
    root: Path,
    members: Members,
    pins: dict[str, Pin],
    refused: dict[str, str] | None = None,
) -> dict[str, tuple[str, MemberPlan | None]]:
    """Each member's plan at its pinned commit (for ``check``), from the cache or the
    mirror; None where the member has no pin or its commit cannot be read here. A commit
    the mirror holds but whose files fetch would refuse (a link, a pipe …) is put in
    ``refused`` with the reason."""
    from zctasks.load import cache, loading
    from zctasks.rollup.mirrors import extracted, mirror_of

    folder = _folder()
    plans: dict[str, tuple[str, MemberPlan | None]] = {}
    for member in members.file.members:
        pin = pins.get(member.name)
        if pin is None or not pin.commit:
            continue
        key = _key("plan", pin.commit, member.name)
        stored = _load(folder, key)
        if stored is None:
            mirror = mirror_of(root, member.name)
            if not mirror.has_commit(pin.commit):
                plans[member.name] = (pin.commit, None)
                continue
            try:
                with extracted(mirror, pin.commit) as snapshot, cache.bypassed():
                    errors = [d for d in snapshot.problems if d.severity == "error"]
                    if errors:
                        if refused is not None:
                            refused[member.name] = errors[0].message
                        continue
                    ledger = loading.load_ledger(snapshot.folder)
                    stored = {"plan": plan_summary(ledger)}
            except (ZctasksError, OSError):
                plans[member.name] = (pin.commit, None)
                continue
            _store(folder, key, stored)
        plans[member.name] = (pin.commit, plan_from(stored["plan"]))
    return plans
