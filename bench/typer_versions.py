"""Why typer is pinned below 0.29: start-up of a minimal Typer app, and of
`zctasks list --dept 区发改局`, on the pinned Typer and on the newest release.

Each version gets its own virtual environment in a temporary folder (pip fetches it); the
two are run in turn so that load on the machine hits both alike. The pin stays only while
the newest release still costs well more than the pinned one (pyproject.toml says why).
A command that does not run on a version is said so, with its last line of error (zctasks
uses the click that typer 0.28 carries, ``typer._click``, to say click's messages in
Chinese; 0.29 changed it).

    python bench/typer_versions.py [--runs 30] [--newest 0.29.2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def venv(folder: Path, typer: str) -> Path:
    """A virtual environment with zctasks and the given typer; its python."""
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    python = folder / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, str(REPO)], check=True)
    subprocess.run([*pip, "--no-deps", f"typer=={typer}"], check=True)
    return python


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True
    )
    return time.perf_counter() - start


def runs_on(command: list[str], env: dict[str, str]) -> str:
    """ "" when ``command`` runs (which warms its bytecode and the ledger cache), else the
    last line it printed on standard error."""
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode == 0:
        return ""
    lines = done.stderr.strip().splitlines()
    return lines[-1] if lines else f"exit status {done.returncode}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--newest", default="0.29.2")
    args = parser.parse_args()
    pinned = version("typer")
    with tempfile.TemporaryDirectory() as work:
        env = {**os.environ, "ZCTASKS_CACHE_DIR": str(Path(work) / "cache")}
        env.pop("ZCTASKS_NO_CACHE", None)
        pythons = {v: venv(Path(work) / v, v) for v in (pinned, args.newest)}
        ledger = Path(work) / "ledger"
        subprocess.run(
            [str(pythons[pinned]), "-m", "zctasks", "init", str(ledger)],
            check=True,
            capture_output=True,
        )
        commands = {
            "minimal Typer app": lambda py: [
                str(py),
                str(HERE / "minimal_typer.py"),
                "--dept",
                "x",
            ],
            "zctasks list --dept 区发改局": lambda py: [
                str(py.with_name("zctasks")),
                "--root",
                str(ledger),
                "list",
                "--dept",
                "区发改局",
            ],
        }
        print(f"typer {pinned} (pinned) against typer {args.newest}, {args.runs} alternating runs")
        for label, make in commands.items():
            times: dict[str, list[float]] = {v: [] for v in pythons}
            broken = {v: runs_on(make(python), env) for v, python in pythons.items()}
            if any(broken.values()):
                for v, why in broken.items():
                    if why:
                        print(f"{label}: does not run on typer {v}: {why}")
                continue
            for _ in range(args.runs):
                for v, python in pythons.items():
                    times[v].append(timed(make(python), env))
            old, new = (statistics.median(times[v]) for v in (pinned, args.newest))
            print(
                f"{label}: {old * 1000:6.1f} ms on {pinned}, {new * 1000:6.1f} ms on "
                f"{args.newest}: {new / old:.2f}×"
            )


if __name__ == "__main__":
    main()
