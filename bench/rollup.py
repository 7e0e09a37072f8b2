"""A city over 150 county ledgers: `rollup fetch` with nothing new, `rollup status` cold and
warm, and peak memory — against `status` of one ledger holding all the same tasks and
entries, measured in the same run.

The ledgers are built once under ``--base`` (default /work/bench/rollup; never in the
repository) and reused: ``--members`` county ledgers of ``--tasks`` tasks and ``--entries``
reports each (a report a week on every task from January, due on Fridays, cumulative
figures growing), every one a git
repository — two in three fetched from their folder, one in three sending a bundle — and
the city, a roll-up over them whose crosswalk adds up each county's first 50 tasks into the
city's 50 tasks (the counties count in 万元, the city in 亿元) and takes the worst light of
their next 10. The baseline is one ledger of every county's tasks and entries (renumbered),
as if the city kept them all in one file set.

Each command is a whole process; cold means an empty cache folder (``rollup status`` then
reads every member's ledger out of git and reduces it), warm means the cache the cold run
left (each member's reduction is cached by its commit). Peak memory is the maximum resident
set of the process.

    python bench/rollup.py [--base DIR] [--members 150] [--tasks 200] [--entries 5000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

START, END = date(2023, 1, 1), date(2023, 12, 31)
FIRST_FRIDAY = date(2023, 1, 6)
WEEKLY = "reporting: {cycle: weekly, due_day: 5}\n"
"""Weekly reports due on Fridays: one report a unit, task and cycle, as zctasks records them."""
AS_OF = "2023-06-30"
"""Twenty-five weeks of reports: every task reported in each weekly cycle up to here."""
CITY_TASKS = 50
WORST_TASKS = 10
WHEN = "2023-12-28T18:00:00+08:00"
HEADER = "# 进展记录：由 zctasks 追加写入，每行一条；请勿手工修改或删除已有的行。\n"


def zctasks() -> list[str]:
    script = Path(sys.executable).with_name("zctasks")
    return [str(script)] if script.exists() else [sys.executable, "-m", "zctasks"]


def git(folder: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@example.org",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "bench@example.org",
        "GIT_AUTHOR_DATE": WHEN,
        "GIT_COMMITTER_DATE": WHEN,
        "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"],  # the hooks
    }
    subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True, env=env)


def plan_yaml(title: str, tasks: list[tuple[int, str, str, float]], place: str) -> str:
    """A plan of numbered tasks, each with one accruing target in 万元."""
    lines = [
        "plan:",
        f"  title: {title}",
        f"  doc_number: 基准〔2023〕{len(tasks)}号",
        f"  issuer: {place}人民政府",
        "  issued: 2023-01-20",
        "  period: {start: 2023-01-01, end: 2023-12-31}",
        "chapters:",
        "  - {id: 1, title: 重点工作}",
        "tasks:",
    ]
    for number, name, unit, value in tasks:
        lines += [
            f"  - id: {number}",
            "    chapter: 1",
            f"    title: 重点任务{number}",
            f"    text: 完成{name}{value:g}万元。",
            f"    attribution: {unit}负责",
            f"    responsible: [{unit}]",
            "    targets:",
            f'      - {{id: "{number}.1", name: {name}, op: ">=", value: {value:g}, unit: 万元}}',
        ]
    return "\n".join(lines) + "\n"


def units_yaml(units: list[str]) -> str:
    return "units:\n" + "".join(f"  {u}: {{kind: 政府工作部门}}\n" for u in units)


def county(folder: Path, number: int, tasks: int, entries: int) -> list[dict[str, object]]:
    """One county's ledger, written and committed; returns its entries (for the baseline)."""
    place = f"县{number:03d}"
    units = [f"{place}局{k:02d}" for k in range(20)]
    plan = [(t, f"指标{t}", units[t % 20], float(1000 + 10 * t)) for t in range(1, tasks + 1)]
    (folder / "data" / "progress").mkdir(parents=True)
    (folder / "data" / "tasks.yaml").write_text(
        plan_yaml(f"{place}2023年重点工作任务", plan, place), "utf-8"
    )
    (folder / "data" / "departments.yaml").write_text(units_yaml(units), "utf-8")
    (folder / "data" / "config.yaml").write_text(WEEKLY, "utf-8")
    weeks = max(entries // tasks, 1)
    pace = {t: 0.6 + ((number * 7919 + t * 104729) % 60) / 100 for t in range(1, tasks + 1)}
    written: list[dict[str, object]] = []
    months: dict[str, list[str]] = {}
    for week in range(weeks):
        day = FIRST_FRIDAY + timedelta(weeks=week)
        share = (day - START).days / 365
        for t, _, unit, value in plan:
            if len(written) >= entries:
                break
            entry = {
                "id": f"{day.isoformat()}-{t}-{number:03d}{week:03d}",
                "task": t,
                "date": day.isoformat(),
                "by": unit,
                "status": "推进中",
                "note": f"第{week + 1}周进展",
                "values": {f"{t}.1": round(value * share * pace[t], 1)},
                "at": f"{(day + timedelta(days=1)).isoformat()}T09:30:00.000+08:00",
            }
            written.append(entry)
            months.setdefault(day.isoformat()[:7], []).append(
                "- " + json.dumps(entry, ensure_ascii=False) + "\n"
            )
    for month, lines in months.items():
        (folder / "data" / "progress" / f"{month}.yaml").write_text(
            HEADER + "".join(lines), "utf-8"
        )
    subprocess.run(["git", "init", "-q", "-b", "main", str(folder)], check=True)
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "台账")
    return written


def build(base: Path, members: int, tasks: int, entries: int) -> None:
    """The counties, the city and the one-ledger baseline, unless already built."""
    if (base / "built").exists():
        return
    if base.exists():
        shutil.rmtree(base)
    (base / "counties").mkdir(parents=True)
    single = base / "single"
    (single / "data" / "progress").mkdir(parents=True)
    all_tasks: list[tuple[int, str, str, float]] = []
    all_units: list[str] = []
    months: dict[str, list[str]] = {}
    started = time.perf_counter()
    for number in range(1, members + 1):
        folder = base / "counties" / f"县{number:03d}"
        written = county(folder, number, tasks, entries)
        offset = (number - 1) * tasks
        place = f"县{number:03d}"
        units = [f"{place}局{k:02d}" for k in range(20)]
        all_units += units
        all_tasks += [
            (offset + t, f"指标{offset + t}", units[t % 20], float(1000 + 10 * t))
            for t in range(1, tasks + 1)
        ]
        for entry in written:
            task = offset + int(entry["task"])  # type: ignore[call-overload]
            moved = {
                **entry,
                "id": str(entry["id"]).replace(f"-{entry['task']}-", f"-{task}-", 1),
                "task": task,
                "values": {f"{task}.1": v for v in entry["values"].values()},  # type: ignore[attr-defined]
            }
            months.setdefault(str(entry["date"])[:7], []).append(
                "- " + json.dumps(moved, ensure_ascii=False) + "\n"
            )
        if number % 25 == 0:
            print(f"  {number} counties built ({time.perf_counter() - started:.0f} s)", flush=True)
        if number % 50 == 0 or number == members:  # keep the baseline's lines out of memory
            for month, lines in months.items():
                path = single / "data" / "progress" / f"{month}.yaml"
                with open(path, "a", encoding="utf-8") as handle:
                    if handle.tell() == 0:
                        handle.write(HEADER)
                    handle.writelines(lines)
            months = {}
    (single / "data" / "tasks.yaml").write_text(
        plan_yaml("全市2023年重点工作任务（一个台账）", all_tasks, "全市"), "utf-8"
    )
    (single / "data" / "departments.yaml").write_text(units_yaml(all_units), "utf-8")
    (single / "data" / "config.yaml").write_text(WEEKLY, "utf-8")
    city(base, members, tasks)
    (base / "built").write_text("ok\n", "utf-8")


def city(base: Path, members: int, tasks: int) -> None:
    root = base / "city"
    subprocess.run([*zctasks(), "init", "--rollup", str(root)], check=True, capture_output=True)
    units = [f"市局{k:02d}" for k in range(10)]
    plan = [
        (t, f"全市指标{t}", units[t % 10], float(members * (1000 + 10 * t)) / 10000)
        for t in range(1, CITY_TASKS + WORST_TASKS + 1)
    ]
    text = plan_yaml("全市2023年重点工作任务", plan, "全市").replace("unit: 万元", "unit: 亿元")
    (root / "data" / "tasks.yaml").write_text(text, "utf-8")
    (root / "data" / "departments.yaml").write_text(units_yaml(units), "utf-8")
    lines = [
        "name: 全市",
        "section: 各区县进展",
        "series: [县区, 园区]",
        "members:",
    ]
    for number in range(1, members + 1):
        name = f"县{number:03d}"
        series = "园区" if number % 5 == 0 else "县区"
        if number % 3 == 0:
            git(
                base / "counties" / name,
                "bundle",
                "create",
                "-q",
                str(base / f"{name}.bundle"),
                "main",
            )
            lines.append(f"  - {{name: {name}, bundle: ../{name}.bundle, series: {series}}}")
        else:
            lines.append(f"  - {{name: {name}, remote: ../counties/{name}, series: {series}}}")
    (root / "data" / "members.yaml").write_text("\n".join(lines) + "\n", "utf-8")
    names = [f"县{number:03d}" for number in range(1, members + 1)]
    walk = ["tasks:"]
    for t in range(1, CITY_TASKS + 1):
        inner = ", ".join(f'{n}: "{t}.1"' for n in names)
        walk += [
            f"  - task: {t}",
            "    targets:",
            f'      - {{target: "{t}.1", how: sum, members: {{{inner}}}}}',
        ]
    for t in range(CITY_TASKS + 1, CITY_TASKS + WORST_TASKS + 1):
        inner = ", ".join(f"{n}: {t}" for n in names)
        walk += [f"  - task: {t}", "    how: worst", f"    members: {{{inner}}}"]
    (root / "data" / "crosswalk.yaml").write_text("\n".join(walk) + "\n", "utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "汇总台账")


def run_once(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and peak resident memory (MiB) of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        assert process.stderr is not None
        raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read().decode()[-800:]}")
    return elapsed, usage.ru_maxrss // 1024


def measure(
    runs: int, command: list[str], env: dict[str, str], cold: Path | None = None
) -> tuple[float, int]:
    """Median seconds and peak MiB; with ``cold``, that cache folder is emptied first."""
    times, peak = [], 0
    for _ in range(runs):
        if cold is not None:
            shutil.rmtree(cold, ignore_errors=True)
        seconds, memory = run_once(command, env)
        times.append(seconds)
        peak = max(peak, memory)
    return statistics.median(times), peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--base", type=Path, default=Path("/work/bench/rollup"))
    parser.add_argument("--members", type=int, default=150)
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    base = args.base.resolve()
    started = time.perf_counter()
    build(base, args.members, args.tasks, args.entries)
    print(f"ledgers ready in {base} ({time.perf_counter() - started:.0f} s)")
    root, single = base / "city", base / "single"
    cache = base / "cache"
    env = {**os.environ, "ZCTASKS_CACHE_DIR": str(cache)}
    day = ["--as-of", AS_OF]
    z = zctasks()
    if not (root / "data" / "members.lock").exists():
        seconds, memory = run_once([*z, "--root", str(root), "rollup", "fetch"], env)
        print(f"first rollup fetch (every member read and checked): {seconds:.1f} s, {memory} MiB")
    fetch = measure(args.runs, [*z, "--root", str(root), "rollup", "fetch"], env)
    status = [*z, "--root", str(root), "rollup", "status", *day, "-f", "json"]
    cold = measure(args.runs, status, env, cold=cache)
    warm = measure(args.runs, status, env)
    baseline = [*z, "--root", str(single), "status", *day, "-f", "json"]
    single_cold = measure(args.runs, baseline, env, cold=cache)
    single_warm = measure(args.runs, baseline, env)
    total = args.members * args.entries
    print(
        f"\n{args.members} member ledgers × {args.tasks} tasks × {args.entries} entries "
        f"({total:,} entries); medians of {args.runs} runs\n"
    )
    print(f"{'command':<44} {'seconds':>8} {'peak MiB':>9} {'× one-ledger status':>20}")
    rows = [
        ("rollup fetch, nothing new", fetch, None),
        ("rollup status, cold", cold, single_cold[0]),
        ("rollup status, warm", warm, single_warm[0]),
        ("status of one ledger of them all, cold", single_cold, single_cold[0]),
        ("status of one ledger of them all, warm", single_warm, single_warm[0]),
    ]
    for name, (seconds, memory), against in rows:
        ratio = f"{seconds / against:.2f}" if against else ""
        print(f"{name:<44} {seconds:>8.2f} {memory:>9} {ratio:>20}")


if __name__ == "__main__":
    main()
