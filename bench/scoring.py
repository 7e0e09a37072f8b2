"""考评 on the demo ledger (33 units, 630 entries, 22 催办单): medians of `score` (all
units; one unit's --explain; with a hypothetical figure; the rules not yet cached) against
`status` measured in the same run, as ratios.

    python bench/scoring.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(
    command: list[str], env: dict[str, str], runs: int, before: list[str] | None = None
) -> float:
    times = []
    for _ in range(runs):
        if before:
            subprocess.run(before, check=True, capture_output=True, env=env)
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "demo"
        env = {**os.environ, "ZCTASKS_CACHE_DIR": str(Path(folder) / "cache")}
        subprocess.run(
            [sys.executable, "-m", "zctasks", "init", str(root), "--demo"],
            check=True,
            capture_output=True,
            env=env,
        )
        base = [sys.executable, "-m", "zctasks", "--root", str(root)]
        day = ["--as-of", "2023-10-31"]
        subprocess.run([*base, "score", *day], check=True, capture_output=True, env=env)
        baseline = timed([*base, "status", *day], env, runs)
        touch = [
            sys.executable,
            "-c",
            f"import pathlib; p = pathlib.Path({str(root / 'data' / 'scoring.yaml')!r}); p.write_text(p.read_text('utf-8') + '#\\n', 'utf-8')",
        ]
        cases = {
            "score (all units)": ([*base, "score", *day], None),
            "score --unit 区住建局 --explain": (
                [*base, "score", *day, "-u", "区住建局", "--explain"],
                None,
            ),
            "score --set 38.2=100": ([*base, "score", *day, "--set", "38.2=100"], None),
            "score, rules just edited": ([*base, "score", *day], touch),
        }
        print(f"status --as-of 2023-10-31 (baseline): {baseline * 1000:.0f} ms")
        for name, (command, before) in cases.items():
            median = timed(command, env, runs, before)
            print(f"{name}: {median * 1000:.0f} ms, {median / baseline:.2f}× status")


if __name__ == "__main__":
    main()
