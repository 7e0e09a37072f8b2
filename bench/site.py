"""Time and size of `zctasks site` on the city-sized ledger, against `status` on the same
ledger in the same run.

    python bench/site.py [--entries 100000] [--keep DIR]

Prints seconds of `status` (cache warm) and `site`, their ratio, the size of the whole
site and of the pages a reader opens first (overview, boards, search index) — the task
pages are separate files, loaded only when opened. `site` runs twice: first with no chart
in the cache (charts drawn, in worker processes one a core), then again as `serve`'s
rebuilds and a second build of the day find it (charts from the cache). The cache is a
fresh folder of this run unless ZCTASKS_CACHE_DIR is set.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument(
        "--keep", type=Path, help="build the ledger here (kept) instead of a temporary folder"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        os.environ.setdefault("ZCTASKS_CACHE_DIR", str(Path(scratch) / "cache"))
        ledger = args.keep or Path(scratch) / "ledger"
        if not (ledger / "data" / "tasks.yaml").exists():
            subprocess.run(
                [
                    sys.executable,
                    str(HERE / "make_ledger.py"),
                    str(ledger),
                    "--entries",
                    str(args.entries),
                ],
                check=True,
            )
        zctasks = [sys.executable, "-m", "zctasks", "--root", str(ledger)]
        timed([*zctasks, "status"])  # warm the cache, as an analyst's second command finds it
        status = min(timed([*zctasks, "status"]) for _ in range(3))
        site = Path(scratch) / "site"
        built = timed([*zctasks, "site", "-o", str(site)])
        again = timed([*zctasks, "site", "-o", str(Path(scratch) / "again")])
        sizes = {
            p.relative_to(site).as_posix(): p.stat().st_size for p in site.rglob("*") if p.is_file()
        }
        mib = 1024 * 1024
        print("| what | figure |")
        print("| --- | ---: |")
        print(f"| `status` (cache warm), seconds | {status:.2f} |")
        print(f"| `site`, seconds | {built:.1f} |")
        print(f"| ratio site / status | {built / status:.0f}× |")
        print(f"| `site` again (charts from the cache), seconds | {again:.1f} |")
        print(f"| ratio site again / status | {again / status:.0f}× |")
        print(f"| site, MiB in {len(sizes)} files | {sum(sizes.values()) / mib:.1f} |")
        for name in ("index.html", "board.html", "board-units.html", "assets/search-index.js"):
            print(f"| {name}, MiB | {sizes[name] / mib:.2f} |")
        tasks = [v for k, v in sizes.items() if k.startswith("tasks/")]
        print(f"| task pages: {len(tasks)}, largest MiB | {max(tasks) / mib:.2f} |")


if __name__ == "__main__":
    main()
