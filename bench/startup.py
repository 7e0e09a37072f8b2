"""Start-up cost of `zctasks list --dept 区发改局` against a minimal Typer app with one
command on the same Typer version (``bench/minimal_typer.py``), the floor of any Typer CLI.

Both commands run in this environment, alternating, so that load on the machine hits
them alike. Prints the median of each and their ratio, with the cache warm (the usual
case) and with the cache off (the first run after an edit).

    python bench/startup.py [--runs 40]
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


def zctasks_command() -> list[str]:
    script = Path(sys.executable).with_name("zctasks")
    found = str(script) if script.exists() else shutil.which("zctasks")
    return [found] if found else [sys.executable, "-m", "zctasks"]


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True
    )
    return time.perf_counter() - start


def compare(
    runs: int, baseline: list[str], command: list[str], env: dict[str, str]
) -> tuple[float, float]:
    base, ours = [], []
    for _ in range(runs):
        base.append(timed(baseline, env))
        ours.append(timed(command, env))
    return statistics.median(base), statistics.median(ours)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    baseline = [sys.executable, str(Path(__file__).with_name("minimal_typer.py")), "--dept", "x"]
    command = [*zctasks_command(), "list", "--dept", "区发改局"]
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "ZCTASKS_CACHE_DIR": cache}
        env.pop("ZCTASKS_NO_CACHE", None)
        for _ in range(3):  # warm the file cache, the bytecode and the ledger cache
            timed(command, env)
            timed(baseline, env)
        print(
            f"{' '.join(command[-3:])!r} vs bench/minimal_typer.py, {args.runs} alternating runs each"
        )
        for label, extra in (("cache warm", {}), ("cache off ", {"ZCTASKS_NO_CACHE": "1"})):
            base, ours = compare(args.runs, baseline, command, {**env, **extra})
            print(
                f"{label}: minimal Typer app {base * 1000:6.1f} ms   zctasks list {ours * 1000:6.1f} ms   "
                f"ratio {ours / base:4.2f}x"
            )


if __name__ == "__main__":
    main()
