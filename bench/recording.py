"""Recording under pressure: concurrent writers, concurrent commits, writers killed mid-batch.

Counts, not only times: how many entries and commits land when N processes record at
once, and how many multi-month batches land whole, not at all, or partly when their
writer is killed with SIGKILL at random moments. Times are medians against a baseline
measured in the same run: one `progress add` alone.

    python bench/recording.py [--adds 50] [--commits 10] [--kills 40]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MONTHS = ("2023-07", "2023-08", "2023-09")
IDENTITY = {
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.org",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.org",
}


def zctasks(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "zctasks", "--root", str(root), *args]


def new_ledger(folder: Path) -> Path:
    root = folder / "ledger"
    subprocess.run(
        [sys.executable, "-m", "zctasks", "init", str(root)], check=True, capture_output=True
    )
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    subprocess.run(
        ["git", "-C", str(root), "commit", "-q", "--no-verify", "-m", "init"], check=True
    )
    return root


def add_command(root: Path, i: int, commit: bool) -> list[str]:
    return zctasks(
        root,
        "progress",
        "add",
        "7",
        "--by",
        "区工信局",
        "--date",
        "2023-07-14",
        "--note",
        f"并发第{i}条",
        *(["--commit"] if commit else []),
    )


def concurrent(root: Path, n: int, commit: bool, env: dict[str, str]) -> tuple[float, int, int]:
    """Seconds for n simultaneous adds, and how many of them succeeded."""
    start = time.perf_counter()
    processes = [
        subprocess.Popen(
            add_command(root, i, commit), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env
        )
        for i in range(n)
    ]
    codes = [p.wait() for p in processes]
    return time.perf_counter() - start, codes.count(0), n


def entries(root: Path) -> int:
    out = subprocess.run(
        zctasks(root, "progress", "log", "-f", "json"), capture_output=True, check=True
    )
    return len(json.loads(out.stdout))


def commits(root: Path) -> int:
    out = subprocess.run(
        ["git", "-C", str(root), "rev-list", "--count", "HEAD"], capture_output=True, text=True
    )
    return int(out.stdout) - 1


def batch_file(folder: Path, tag: str) -> Path:
    path = folder / f"{tag}.yaml"
    path.write_text(
        "".join(f"- {{task: 7, by: 区工信局, date: {m}-10, note: {tag}-{m}}}\n" for m in MONTHS),
        "utf-8",
    )
    return path


def kill_loop(root: Path, folder: Path, runs: int, env: dict[str, str]) -> dict[str, int]:
    rng = random.Random(5)
    counts = {"whole": 0, "none": 0, "partial": 0}
    for attempt in range(runs):
        tag = f"kill{attempt}"
        process = subprocess.Popen(
            zctasks(root, "progress", "import", str(batch_file(folder, tag))),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        time.sleep(rng.uniform(0.1, 0.7))
        process.send_signal(signal.SIGKILL)
        process.wait()
        subprocess.run(zctasks(root, "check"), capture_output=True, env=env)  # finishes or discards
        found = 0
        for month in MONTHS:
            path = root / "data" / "progress" / f"{month}.yaml"
            if path.exists() and f"{tag}-{month}" in path.read_text("utf-8"):
                found += 1
        counts["whole" if found == len(MONTHS) else "none" if found == 0 else "partial"] += 1
    strays = list((root / "data" / "progress").glob(".tmp-*"))
    counts["stray temporaries"] = len(strays)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--adds", type=int, default=50)
    parser.add_argument("--commits", type=int, default=10)
    parser.add_argument("--kills", type=int, default=40)
    options = parser.parse_args()
    env = {**os.environ, **IDENTITY, "ZCTASKS_LOCK_TIMEOUT": "300"}
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        os.environ.update(IDENTITY)
        root = new_ledger(base / "a")
        singles = []
        for i in range(5):
            start = time.perf_counter()
            subprocess.run(
                add_command(root, 1000 + i, False), check=True, capture_output=True, env=env
            )
            singles.append(time.perf_counter() - start)
        single = statistics.median(singles)
        before = entries(root)
        seconds, ok, n = concurrent(root, options.adds, False, env)
        print(
            f"{n} concurrent progress add: {ok}/{n} succeeded, {entries(root) - before} entries written, "
            f"{seconds:.2f} s in all = {seconds / single:.1f}x one add alone ({single * 1000:.0f} ms)"
        )
        root = new_ledger(base / "b")
        seconds, ok, n = concurrent(root, options.commits, True, env)
        status = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain"], capture_output=True, text=True
        ).stdout
        print(
            f"{n} concurrent progress add --commit: {ok}/{n} succeeded, {entries(root)} entries, "
            f"{commits(root)} commits, working tree {'clean' if not status else 'DIRTY'}, "
            f"{seconds:.2f} s = {seconds / single:.1f}x one add alone"
        )
        root = new_ledger(base / "c")
        counts = kill_loop(root, base, options.kills, env)
        print(
            f"{options.kills} three-month batches killed (SIGKILL) at random moments: "
            + ", ".join(f"{k} {v}" for k, v in counts.items())
        )


if __name__ == "__main__":
    main()
