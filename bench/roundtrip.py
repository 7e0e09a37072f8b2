"""The reporting round trip at full size: a 报送表 for every unit of the bundled plan, each
filled the way a unit would, then all returned files imported at once.

Both steps are timed as whole processes against a baseline measured in the same run:
opening the same workbooks with openpyxl alone and reading every cell (what any reader of
them must pay).

    python bench/roundtrip.py [--runs 5]
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

READ_ALL = (
    "import sys, glob\n"
    "from openpyxl import load_workbook\n"
    "for name in sorted(glob.glob(sys.argv[1] + '/*.xlsx')):\n"
    "    book = load_workbook(name, read_only=True, data_only=True)\n"
    "    for sheet in book.worksheets:\n"
    "        for row in sheet.iter_rows(values_only=True):\n"
    "            pass\n"
    "    book.close()\n"
)


def zctasks() -> list[str]:
    script = Path(sys.executable).with_name("zctasks")
    return [str(script)] if script.exists() else [sys.executable, "-m", "zctasks"]


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def fill(folder: Path) -> int:
    """Fill every sheet as its unit would: a figure for each target row, a note per task."""
    from openpyxl import load_workbook

    filled = 0
    for path in sorted(folder.glob("*.xlsx")):
        book = load_workbook(path)
        sheet = book["报送表"]
        for row in range(5, sheet.max_row + 1):
            if sheet.cell(row, 1).value is not None:
                sheet.cell(row, 11).value = "按计划推进，完成阶段任务"
                sheet.cell(row, 10).value = "推进中"
                filled += 1
            if sheet.cell(row, 4).value not in (None, "—"):
                sheet.cell(row, 9).value = 1
        book.save(path)
    return filled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="zctasks-roundtrip-"))
    env = {**os.environ, "ZCTASKS_CACHE_DIR": str(work / "cache")}
    z = zctasks()
    make, read, load = [], [], []
    try:
        for run in range(args.runs):
            root, out = work / f"ledger{run}", work / f"out{run}"
            subprocess.run([*z, "init", str(root)], check=True, capture_output=True, env=env)
            command = [
                *z,
                "--root",
                str(root),
                "template",
                "--all",
                "-o",
                str(out),
                "--as-of",
                "2023-09-20",
            ]
            make.append(timed(command, env))
            filled = fill(out)
            read.append(timed([sys.executable, "-c", READ_ALL, str(out)], env))
            load.append(timed([*z, "--root", str(root), "progress", "import", str(out)], env))
        files = len(list(out.glob("*.xlsx")))
        base = statistics.median(read)
        print(f"{files} unit templates, {filled} tasks filled; medians of {args.runs} runs")
        print(f"openpyxl reading the {files} workbooks   {base:6.2f} s  (baseline)")
        print(
            f"zctasks template --all (write {files})   {statistics.median(make):6.2f} s  {statistics.median(make) / base:.2f}x"
        )
        print(
            f"zctasks progress import (all {files})    {statistics.median(load):6.2f} s  {statistics.median(load) / base:.2f}x"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
