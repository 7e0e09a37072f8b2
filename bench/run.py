"""Measure zctasks on city- and province-sized ledgers, each figure against a floor measured
in the same run.

The floor for reading a ledger is a Python script that parses the same progress files line
by line with ``json.loads`` — what any reader of them must pay. The floor for starting is a
minimal Typer app with one command (``bench/minimal_typer.py``) on the same Typer version:
zctasks is a Typer app, so that is what any of its commands must pay. Every command is
timed as a whole process, alternating with its baseline so that load on the machine hits
both alike; the table gives medians and the ratio. Peak memory is the maximum resident set.
Where ``bean-check`` (beancount 3) and ``hledger`` are installed, a journal of the same
number of transactions is timed beside them.

The ledgers: ``--entries`` reports over 2021-2025 (60 month files), the same number in
one year written as the first release wrote them (12 month files of 8,000 and more, no
``at``), and ``--large`` reports over 2021-2025.

    python bench/run.py [--runs 5] [--entries 100000] [--large 1000000] [--keep DIR]

``--large 0`` skips the province-sized ledger (it takes a few minutes to build and read).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

FLOOR = (
    "import json, sys, glob\n"
    "for name in sorted(glob.glob(sys.argv[1] + '/data/progress/*.yaml')):\n"
    "    with open(name, encoding='utf-8') as handle:\n"
    "        for line in handle:\n"
    "            if line.startswith('- {'):\n"
    "                json.loads(line[2:])\n"
)


def zctasks() -> list[str]:
    script = Path(sys.executable).with_name("zctasks")
    return [str(script)] if script.exists() else [sys.executable, "-m", "zctasks"]


def run_once(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and peak resident memory in MiB of one run."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read().decode()[-500:]}")  # type: ignore[union-attr]
    return elapsed, usage.ru_maxrss // 1024


def alternate(
    runs: int,
    baseline: list[str],
    command: list[str],
    env: dict[str, str],
    before: object = None,
) -> tuple[float, float, int]:
    """Median seconds of the baseline and of the command, run in turn, and the command's
    peak MiB; ``before`` (a function) runs before each timing of the command."""
    base, ours, memory = [], [], 0
    run_once(baseline, env)
    for _ in range(runs):
        base.append(run_once(baseline, env)[0])
        if callable(before):
            before()
        seconds, peak = run_once(command, env)
        ours.append(seconds)
        memory = max(memory, peak)
    return statistics.median(base), statistics.median(ours), memory


class Table:
    def __init__(self) -> None:
        print("| ledger | command | seconds | floor | ratio | peak MiB | goal |")
        print("| --- | --- | ---: | ---: | ---: | ---: | --- |", flush=True)

    def row(
        self, ledger: str, what: str, ours: float, floor: float, memory: int, goal: str = ""
    ) -> None:
        print(
            f"| {ledger} | {what} | {ours:.2f} | {floor:.2f} | {ours / floor:.2f}× | {memory} | {goal} |",
            flush=True,
        )


def appender(root: Path) -> object:
    """A one-line edit of one month file: the tool's own kind of append, a new report (the
    last line's, with another id and another note: ``progress add`` refuses a report
    identical to one recorded)."""
    month = sorted((root / "data" / "progress").glob("*.yaml"))[
        len(list((root / "data" / "progress").glob("*.yaml"))) // 2
    ]
    last = month.read_text("utf-8").rstrip("\n").rsplit("\n", 1)[-1]

    def append() -> None:
        mark = time.time_ns()  # unique also when a kept ledger is measured again
        line = last.replace('", "task"', f'-e{mark}", "task"', 1)
        with open(month, "a", encoding="utf-8") as handle:
            handle.write(line.replace('"note": "', f'"note": "补记{mark}：', 1) + "\n")

    return append


def ledger_rows(
    table: Table, label: str, root: Path, runs: int, env: dict[str, str], edit: bool
) -> None:
    z = zctasks()
    floor = [sys.executable, "-c", FLOOR, str(root)]
    status = [*z, "--root", str(root), "status", "--as-of", "2023-07-31"]
    subprocess.run(status, env=env, capture_output=True)  # fill the cache
    base, warm, memory = alternate(runs, floor, status, env)
    table.row(label, "`status`, cache warm", warm, base, memory, "≤ 1.2×")
    if edit:
        # the same command in turn: warm, then after a one-line append (which it reads)
        # a difference of a few hundredths of a second, on a machine whose runs of one
        # command vary by a tenth or more: three times the runs of the other rows
        before, after, memory = alternate(3 * runs, status, status, env, before=appender(root))
        table.row(
            label,
            f"`status` after a one-line append to one month file ({after / before:.2f}× warm)",
            after,
            base,
            memory,
            "≤ 1.1× warm",
        )
    cold_env = {**env, "ZCTASKS_NO_CACHE": "1"}
    base, cold, memory = alternate(runs, floor, status, cold_env)
    table.row(label, "`status`, no cache", cold, base, memory, "≤ 3×, ≤ 400 MB")


def peers(
    table: Table, entries: int, folder: Path, runs: int, env: dict[str, str], floor_root: Path
) -> None:
    """bean-check and hledger on journals of ``entries`` transactions, where installed."""
    floor = [sys.executable, "-c", FLOOR, str(floor_root)]
    bean = shutil.which("bean-check") or os.environ.get("BEAN_CHECK")
    if bean:
        journal = folder / "peer.beancount"
        with open(journal, "w", encoding="utf-8") as out:
            out.write(
                'option "operating_currency" "CNY"\n2021-01-01 open Assets:Bank\n2021-01-01 open Expenses:Work\n'
            )
            for n in range(entries):
                day = f"2021-{n % 12 + 1:02d}-{n % 28 + 1:02d}"
                out.write(
                    f'{day} * "进展 {n}"\n  Expenses:Work  {n % 1000 + 1}.00 CNY\n  Assets:Bank\n'
                )
        cold_env = {**env, "BEANCOUNT_DISABLE_LOAD_CACHE": "1"}
        base, ours, memory = alternate(max(runs // 2, 1), floor, [bean, str(journal)], cold_env)
        table.row(f"peer, {entries:,} transactions", "`bean-check`, no cache", ours, base, memory)
        subprocess.run([bean, str(journal)], env=env, capture_output=True)
        base, ours, memory = alternate(max(runs // 2, 1), floor, [bean, str(journal)], env)
        table.row(f"peer, {entries:,} transactions", "`bean-check`, cache warm", ours, base, memory)
    hledger = shutil.which("hledger")
    if hledger:
        journal = folder / "peer.journal"
        with open(journal, "w", encoding="utf-8") as out:
            for n in range(entries):
                day = f"2021-{n % 12 + 1:02d}-{n % 28 + 1:02d}"
                out.write(
                    f"{day} 进展 {n}\n    expenses:work  {n % 1000 + 1}.00 CNY\n    assets:bank\n\n"
                )
        base, ours, memory = alternate(
            max(runs // 2, 1), floor, [hledger, "-f", str(journal), "bal"], env
        )
        table.row(f"peer, {entries:,} transactions", "`hledger bal`", ours, base, memory)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="build the ledgers here and keep them")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="zctasks-bench-"))
    env = {**os.environ, "ZCTASKS_CACHE_DIR": str(work / "cache")}
    env.pop("ZCTASKS_NO_CACHE", None)
    table = Table()
    sizes = [(args.entries, True, []), (args.entries, True, ["--year", "2023", "--first-release"])]
    sizes += [(args.large, False, [])] if args.large else []
    for entries, edit, shape in sizes:
        name = f"ledger-{entries}" + ("-12" if shape else "")
        root = work / name
        if not (root / "data" / "tasks.yaml").exists():  # built apart: this process stays small
            subprocess.run(
                [
                    sys.executable,
                    str(HERE / "make_ledger.py"),
                    str(root),
                    "--entries",
                    str(entries),
                    *shape,
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )
        months = len(list((root / "data" / "progress").glob("*.yaml")))
        old = ", first-release lines" if shape else ""
        ledger_rows(
            table,
            f"{entries:,} entries, {months} month files{old}",
            root,
            args.runs if edit else max(args.runs // 2, 1),
            env,
            edit,
        )
    small = work / "bundled"
    if not small.exists():
        subprocess.run([*zctasks(), "init", str(small)], check=True, capture_output=True)
    listing = [*zctasks(), "--root", str(small), "list", "--dept", "区发改局"]
    subprocess.run(listing, env=env, capture_output=True)
    minimal = [sys.executable, str(HERE / "minimal_typer.py"), "--dept", "区发改局"]
    base, ours, memory = alternate(max(args.runs * 8, 40), minimal, listing, env)
    table.row(
        "bundled plan",
        "`list --dept 区发改局` vs a minimal Typer app (`bench/minimal_typer.py`)",
        ours,
        base,
        memory,
        "≤ 1.3×",
    )
    base, ours, memory = alternate(
        max(args.runs * 4, 20), [sys.executable, "-c", "import yaml"], listing, env
    )
    table.row(
        "bundled plan", '`list --dept 区发改局` vs `python -c "import yaml"`', ours, base, memory
    )
    peers(table, args.entries, work, args.runs, env, work / f"ledger-{args.entries}")
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
