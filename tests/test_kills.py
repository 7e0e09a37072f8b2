"""A batch over several month files lands whole or not at all, whenever its writer dies.

The writer is killed with SIGKILL at the n-th call of every system call it makes while
writing (the content half-written, fsync, chmod, each rename before and after), for every n
until the batch completes; then the next command (check) finishes or discards what the dead
writer left. Afterwards every month holds the whole batch or none of it, and no temporary
file is left.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

PROGRESS = Path("data/progress")
MONTHS = ("2023-07", "2023-08", "2023-09")

KILLER = """
import os, signal, sys
os.environ["ZCTASKS_NO_CACHE"] = "1"  # the n-th call is the batch's, not a cache entry's
call, when, nth, root, batch = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
real = {"fsync": os.fsync, "replace": os.replace, "chmod": os.chmod}
seen = {"n": 0}
def die(): os.kill(os.getpid(), signal.SIGKILL)
def counted(name):
    def wrapper(*args):
        if name == call:
            seen["n"] += 1
            if seen["n"] == nth and when == "before": die()
        result = real[name](*args)
        if name == call and seen["n"] == nth and when == "after": die()
        return result
    return wrapper
os.fsync, os.replace, os.chmod = counted("fsync"), counted("replace"), counted("chmod")
if call == "write":
    import zctasks.files.writer as w
    real_fdopen = os.fdopen
    class Half:
        def __init__(self, handle): self.handle = handle
        def __enter__(self): return self
        def __exit__(self, *a): return False
        def write(self, data):
            seen["n"] += 1
            if seen["n"] == nth:
                self.handle.write(data[: len(data) // 2]); self.handle.flush(); die()
            self.handle.write(data)
        def flush(self): self.handle.flush()
        def fileno(self): return self.handle.fileno()
    w.os.fdopen = lambda fd, mode: Half(real_fdopen(fd, mode))
from zctasks.cli import main
sys.argv = ["zctasks", "--root", root, "progress", "import", batch]
main()
"""


def _batch(tmp_path: Path, tag: str) -> Path:
    """Three reports of task 1, one in each of three months, all noted with ``tag``."""
    path = tmp_path / f"{tag}.yaml"
    path.write_text(
        "".join(
            f"- {{task: 1, by: 区科技局, date: {month}-10, note: {tag}-{month}}}\n"
            for month in MONTHS
        ),
        "utf-8",
    )
    return path


def _notes(root: Path) -> set[str]:
    notes = set()
    for month in MONTHS:
        path = root / PROGRESS / f"{month}.yaml"
        if path.exists():
            for line in path.read_text("utf-8").splitlines():
                if line.startswith("- "):
                    notes.add(json.loads(line[2:])["note"])
    return notes


def _outcome(root: Path, tag: str) -> str:
    """whole, none or partial: how much of batch ``tag`` the ledger holds."""
    found = {note for note in _notes(root) if note.startswith(tag + "-")}
    return "whole" if len(found) == len(MONTHS) else "none" if not found else "partial"


def _strays(root: Path) -> list[str]:
    return sorted(p.name for p in (root / PROGRESS).glob(".tmp-*"))


@pytest.fixture
def ledger(zc, make_ledger, tmp_path):
    """The sample ledger with July already holding one entry, August and September new."""
    root = make_ledger()
    first = _batch(tmp_path, "已有")
    first.write_text(first.read_text("utf-8").splitlines()[0] + "\n", "utf-8")
    assert zc("progress", "import", str(first), root=root).exit_code == 0
    return root


@pytest.mark.parametrize(
    ("call", "when"),
    [
        ("write", "during"),
        ("fsync", "before"),
        ("chmod", "before"),
        ("replace", "before"),
        ("replace", "after"),
    ],
)
def test_a_batch_killed_at_every_step_lands_whole_or_not_at_all(zc, ledger, tmp_path, call, when):
    outcomes = []
    for nth in range(1, 30):
        tag = f"{call}{when}{nth}"
        batch = _batch(tmp_path, tag)
        process = subprocess.run(
            [sys.executable, "-c", KILLER, call, when, str(nth), str(ledger), str(batch)],
            capture_output=True,
        )
        killed = process.returncode == -signal.SIGKILL
        checked = zc("check", root=ledger)  # finishes or discards what the dead writer left
        assert checked.exit_code == 0, checked.stdout
        assert _strays(ledger) == []
        outcomes.append(_outcome(ledger, tag))
        if not killed:
            assert process.returncode == 0, process.stderr.decode()
            assert outcomes[-1] == "whole"
            break
    else:
        pytest.fail("the batch never completed")
    assert "partial" not in outcomes
    assert nth > 1  # the writer was killed at least once before it completed
    assert "已有-2023-07" in _notes(ledger)


def test_batches_killed_at_random_moments_land_whole_or_not_at_all(zc, ledger, tmp_path):
    rng = random.Random(11)
    outcomes = []
    for attempt in range(10):
        tag = f"随机{attempt}"
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "zctasks",
                "--root",
                str(ledger),
                "progress",
                "import",
                str(_batch(tmp_path, tag)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.05, 0.6))
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert zc("check", root=ledger).exit_code == 0
        outcomes.append(_outcome(ledger, tag))
    assert "partial" not in outcomes
    assert _strays(ledger) == []


def test_a_reader_finishes_an_interrupted_batch(zc, ledger, tmp_path):
    """Killed after the journal and the first rename: the next reader completes the batch."""
    batch = _batch(tmp_path, "中断")
    subprocess.run(
        [sys.executable, "-c", KILLER, "replace", "after", "2", str(ledger), str(batch)],
        capture_output=True,
    )
    assert (ledger / PROGRESS / ".tmp-zctasks-journal").exists()
    assert _outcome(ledger, "中断") == "partial"  # on disk, before anyone reads
    status = zc("status", "-f", "json", root=ledger)
    assert status.exit_code == 0
    assert _outcome(ledger, "中断") == "whole"
    assert _strays(ledger) == []
