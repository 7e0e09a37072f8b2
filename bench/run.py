"""Measure zctasks on a city-sized ledger and on the bundled one, beside baselines.

For each command: the median wall time of several runs and the peak memory (maximum
resident set) of the process. Baselines, measured in the same run:

- parsing every data file of the big ledger with PyYAML's C loader (`yaml.load`, CSafeLoader):
  what any tool that reads this YAML must at least pay;
- `progress add` on the bundled ledger, for `progress add` on the big one.

    python bench/run.py [--runs 5] [--entries 100000] [--keep DIR]
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
sys.path.insert(0, str(HERE))

PARSE_ALL = (
    "import sys, glob, yaml\n"
    "for name in sorted(glob.glob(sys.argv[1] + '/data/**/*.yaml', recursive=True)):\n"
    "    with open(name, encoding='utf-8') as handle:\n"
    "        yaml.load(handle, Loader=yaml.CSafeLoader)\n"
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
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read().decode()[-500:]}")
    return elapsed, usage.ru_maxrss // 1024


def measure(
    command: list[str], env: dict[str, str], runs: int, warm_up: int = 1, fresh_cache: bool = False
) -> tuple[float, int]:
    """Median seconds and peak MiB; ``fresh_cache`` gives every run an empty cache folder,
    so each one parses, validates and stores (the first run after an edit)."""
    for _ in range(warm_up):
        run_once(command, env)
    results = []
    for _ in range(runs):
        if fresh_cache:
            env = {**env, "ZCTASKS_CACHE_DIR": tempfile.mkdtemp(prefix="zctasks-cache-")}
        results.append(run_once(command, env))
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="build the big ledger here and keep it")
    args = parser.parse_args()
    from make_ledger import build

    work = Path(tempfile.mkdtemp(prefix="zctasks-bench-"))
    big = args.keep or work / "big"
    if not (big / "data" / "tasks.yaml").exists():
        print("building the city ledger:", build(big, args.entries, 2023))
    small = work / "bundled"
    subprocess.run([*zctasks(), "init", str(small)], check=True, stdout=subprocess.DEVNULL)
    cache = work / "cache"
    warm = {**os.environ, "ZCTASKS_CACHE_DIR": str(cache)}
    warm.pop("ZCTASKS_NO_CACHE", None)
    cold = {**warm, "ZCTASKS_NO_CACHE": "1"}
    z = zctasks()
    rows: list[tuple[str, float, int, str]] = []

    def record(label: str, seconds: float, memory: int, against: str = "") -> None:
        rows.append((label, seconds, memory, against))
        print(f"{label:<46} {seconds * 1000:9.1f} ms {memory:6d} MiB  {against}", flush=True)

    parse_time, parse_memory = measure([sys.executable, "-c", PARSE_ALL, str(big)], warm, args.runs)
    record("baseline: C loader parses the big ledger", parse_time, parse_memory)
    for label, root in (("big", big), ("bundled", small)):
        for name, command in (
            (
                "list --dept",
                ["list", "--dept", "区发改局" if label == "bundled" else "张店区发改局"],
            ),
            ("status", ["status", "--as-of", "2023-07-31"]),
            ("check", ["check"]),
            ("report ledger --format md", ["report", "ledger", "--as-of", "2023-07-31"]),
        ):
            full = [*z, "--root", str(root), *command]
            if name == "check":
                seconds, memory = measure(full, cold, args.runs)
                record(
                    f"{label}: {name}",
                    seconds,
                    memory,
                    f"{seconds / parse_time:.2f}x C-loader parse" if label == "big" else "",
                )
                continue
            seconds, memory = measure(full, warm, args.runs)
            ratio = f"{seconds / parse_time:.2f}x C-loader parse" if label == "big" else ""
            record(f"{label}: {name} (cache warm)", seconds, memory, ratio)
            if name == "status":
                seconds, memory = measure(full, warm, args.runs, warm_up=0, fresh_cache=True)
                ratio = f"{seconds / parse_time:.2f}x C-loader parse" if label == "big" else ""
                record(f"{label}: {name} (cache empty)", seconds, memory, ratio)
    add_times: dict[str, float] = {}
    for label, root, unit in (("bundled", small, "区科技局"), ("big", big, "市科技局")):
        results = []
        for n in range(args.runs + 1):
            command = [
                *z,
                "--root",
                str(root),
                "progress",
                "add",
                "1",
                "--by",
                unit,
                "--date",
                "2023-07-14",
                "--note",
                f"基准测试 {n}",
            ]
            results.append(run_once(command, warm))
        seconds, memory = (
            statistics.median(r[0] for r in results[1:]),
            max(r[1] for r in results[1:]),
        )
        add_times[label] = seconds
        against = f"{seconds / add_times['bundled']:.2f}x bundled" if label == "big" else ""
        record(f"{label}: progress add", seconds, memory, against)
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
