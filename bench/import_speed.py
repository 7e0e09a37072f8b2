"""How long `zctasks import` takes to read large plans, against a baseline measured in the
same run: reading the same file into its lines (what any reader of it must pay — for .docx
and .xlsx, opening the package with python-docx or openpyxl).

Three documents, each far larger than a real plan: the 2023 seed repeated 50 times (3,300
numbered tasks with attributions), a web table copied one cell a line with 5,000 rows and
merged category cells, and a Word table of 2,000 rows.

Then two hostile packages, each imported in a child process whose time and peak memory are
set against a child that only unpacks the package's main part: a 0.5 MB .docx whose
document.xml unpacks to 144 MB (2,000,000 paragraphs), and the same file declaring a
different unpacked size. ``--src DIR`` imports them with another checkout's code as well
(``--src /work/main/src``: the figures before a change, in the same run).

And `progress import` of departments' sheets (``--sheets``): a CSV of 200,000 report rows
(6.4 MB) and an .xlsx of 100,000, each in a fresh process, its time and peak memory against
a baseline measured the same way in the same run — a process that reads the same file into
rows of cells (Python's csv module; openpyxl in read-only mode) and keeps them.

    python bench/import_speed.py [--runs 3] [--src DIR] [--no-hostile] [--sheets] [--rows 200000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "tests" / "fixtures" / "zichuan-2023-key-tasks.txt"


def seed_times_fifty(folder: Path) -> Path:
    text = SEED.read_text("utf-8")
    head, _, body = text.partition("一、")
    chapters = "一、" + body.split("抄送")[0]
    path = folder / "seed-x50.txt"
    path.write_text(head + chapters * 50, "utf-8")
    return path


def line_table(folder: Path, rows: int) -> Path:
    lines = [
        "2023年某区重点工作任务分解表",
        "类别",
        "序号",
        "重点工作",
        "牵头单位",
        "配合单位",
        "完成时限",
    ]
    for i in range(1, rows + 1):
        if i % 25 == 1:
            lines.append(f"第{i // 25 + 1}类工作")
        lines += [str(i), f"推进第{i}项重点项目建设，完成投资{i % 90 + 1}亿元。", "区发改局"]
        if i % 3:
            lines.append("区财政局、区住建局")
        lines.append("12月底前")
    path = folder / "line-table.txt"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def word_table(folder: Path, rows: int) -> Path:
    from docx import Document

    document = Document()
    document.add_paragraph("2023年某区重点工作任务分解表")
    table = document.add_table(rows=rows + 1, cols=5)
    for cell, text in zip(
        table.rows[0].cells, ["序号", "重点工作", "牵头单位", "配合单位", "完成时限"], strict=True
    ):
        cell.text = text
    for i in range(1, rows + 1):
        values = [str(i), f"推进第{i}项重点项目建设。", "区发改局", "区财政局", "12月底前"]
        for cell, text in zip(table.rows[i].cells, values, strict=True):
            cell.text = text
    path = folder / "word-table.docx"
    document.save(str(path))
    return path


BOMB_PARAGRAPHS = 2_000_000


def bomb_docx(folder: Path) -> Path:
    """A small .docx whose main part unpacks to 144 MB of paragraphs (under the 256 MiB
    limit on unpacked size)."""
    import zipfile

    from docx import Document

    base = folder / "base.docx"
    document = Document()
    for text in (
        "测试区2024年重点工作任务",
        "一、推动经济高质量发展",
        "1.扩大有效投资。（区发改局负责）",
    ):
        document.add_paragraph(text)
    document.save(str(base))
    path = folder / "bomb.docx"
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                xml = data.decode("utf-8")
                at = xml.index("</w:body>")
                paragraph = "<w:p><w:r><w:t>全区上下要统一思想狠抓落实</w:t></w:r></w:p>"
                data = (xml[:at] + paragraph * BOMB_PARAGRAPHS + xml[at:]).encode("utf-8")
            out.writestr(item, data)
    return path


def lying_docx(bomb: Path) -> Path:
    """The bomb, its central directory declaring 200 MiB for the main part."""
    raw = bytearray(bomb.read_bytes())
    name, at = b"word/document.xml", 0
    while True:
        at = raw.index(b"PK\x01\x02", at)
        length = int.from_bytes(raw[at + 28 : at + 30], "little")
        if raw[at + 46 : at + 46 + length] == name:
            raw[at + 24 : at + 28] = (200 * 2**20).to_bytes(4, "little")
            break
        at += 4
    path = bomb.with_name("lying.docx")
    path.write_bytes(bytes(raw))
    return path


_PEAK = (
    "import resource, subprocess, sys; "
    "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)
"""Runs the measured process from a small one: Linux counts, as a child's peak, the size
of the process it was forked from, so this (large) bench must not be that process."""


def child(arguments: list[str], src: str | None = None) -> tuple[float, float]:
    """Seconds and peak memory (MB) of a child Python process."""
    import os
    import subprocess

    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = src
    start = time.perf_counter()
    peak = subprocess.run(
        [sys.executable, "-c", _PEAK, sys.executable, *arguments],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return time.perf_counter() - start, int(peak) / 1024


def hostile(folder: Path, sources: list[str | None]) -> None:
    bomb = bomb_docx(folder)
    documents = [bomb, lying_docx(bomb)]
    unpack = "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).open('word/document.xml').read()"
    print()
    print(f"{'package':<14}{'code':<20}{'unpack':>16}{'import':>18}{'ratio':>16}")
    for path in documents:
        seconds, peak = child(["-c", unpack, str(bomb)])
        for src in sources:
            took, used = child(["-m", "zctasks", "import", str(path), "--dry-run"], src)
            print(
                f"{path.name:<14}{(src or 'this checkout')[-18:]:<20}"
                f"{seconds:>6.1f}s {peak:>6.0f} MB{took:>7.1f}s {used:>6.0f} MB"
                f"{took / seconds:>6.1f}× {used / peak:>5.2f}×"
            )


SHEET_HEAD = ["填报单位", "日期", "任务序号", "1.1", "本期进展"]


def sheet_files(folder: Path, rows: int) -> list[Path]:
    """Reports of one unit on one task, one per day of the cycle, repeated: every row is
    read, checked and compared, as in a year's register pasted into one sheet."""
    from openpyxl import Workbook

    days = [f"2023-08-{d:02d}" for d in range(26, 32)] + [f"2023-09-{d:02d}" for d in range(1, 26)]
    body = [["区科技局", days[i % len(days)], "1", "4", "新增平台4家"] for i in range(rows)]
    csv_path = folder / f"区科技局-{rows}.csv"
    csv_path.write_text("\n".join(",".join(r) for r in [SHEET_HEAD, *body]) + "\n", "utf-8")
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(SHEET_HEAD)
    for row in body[: rows // 2]:
        sheet.append([row[0], row[1], 1, 4, row[4]])
    xlsx_path = folder / f"区科技局-{rows // 2}.xlsx"
    book.save(xlsx_path)
    return [csv_path, xlsx_path]


_CHILD = """
import resource, sys, time
start = time.perf_counter()
kind, path = sys.argv[1], sys.argv[2]
if kind == "baseline" and path.endswith(".csv"):
    import csv
    with open(path, encoding="utf-8", newline="") as handle:
        kept = list(csv.reader(handle))
elif kind == "baseline":
    from openpyxl import load_workbook
    book = load_workbook(path, read_only=True)
    kept = [list(r) for s in book.worksheets for r in s.iter_rows(values_only=True)]
else:
    from zctasks.cli import app
    try:
        app(["--root", sys.argv[3], "progress", "import", path, "--received", "2023-09-25"])
    except SystemExit as exc:
        assert not exc.code, exc.code
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(time.perf_counter() - start, peak, file=sys.stderr)
"""


def sheet_child(kind: str, path: Path, root: Path | None = None) -> tuple[float, float]:
    """Seconds and peak resident memory (MB) of one fresh process doing ``kind``."""
    import subprocess

    argv = [sys.executable, "-c", _CHILD, kind, str(path)] + ([str(root)] if root else [])
    done = subprocess.run(argv, capture_output=True, text=True, check=True)
    seconds, peak = done.stderr.split()[-2:]
    return float(seconds), int(peak) / 1024


def sheets(folder: Path, rows: int) -> None:
    import shutil
    import subprocess

    template = folder / "ledger"
    subprocess.run(
        [sys.executable, "-m", "zctasks", "init", str(template)], check=True, capture_output=True
    )
    print(f"\n{'sheet':<22}{'rows':>8}{'baseline':>18}{'progress import':>22}{'ratio':>14}")
    for path in sheet_files(folder, rows):
        base_s, base_mb = sheet_child("baseline", path)
        root = folder / "run"
        shutil.rmtree(root, ignore_errors=True)
        shutil.copytree(template, root)
        took_s, took_mb = sheet_child("import", path, root)
        count = sum(1 for _ in path.open("rb")) - 1 if path.suffix == ".csv" else rows // 2
        print(
            f"{path.name:<22}{count:>8}{base_s:>8.1f}s{base_mb:>8.0f} MB"
            f"{took_s:>11.1f}s{took_mb:>9.0f} MB{took_s / base_s:>6.1f}×{took_mb / base_mb:>6.1f}×"
        )


def best(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--src", help="also import the hostile packages with this code")
    parser.add_argument("--no-hostile", action="store_true")
    parser.add_argument("--sheets", action="store_true", help="only progress import of sheets")
    parser.add_argument("--rows", type=int, default=200_000)
    arguments = parser.parse_args()
    runs = arguments.runs
    if arguments.sheets:
        with tempfile.TemporaryDirectory() as tmp:
            sheets(Path(tmp), arguments.rows)
        return
    from zctasks import importer
    from zctasks.files import limits
    from zctasks.importer.readers import read_lines

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        documents = [seed_times_fifty(folder), line_table(folder, 5000), word_table(folder, 2000)]
        print(f"{'document':<18}{'tasks':>7}{'read lines':>12}{'import':>10}{'ratio':>8}")
        for path in documents:
            baseline = best(
                runs, lambda p=path: read_lines(p, limits.MAX_BYTES, limits.MAX_UNPACKED)
            )
            result = importer.parse(path, year=2023)
            measured = best(runs, lambda p=path: importer.parse(p, year=2023))
            print(
                f"{path.name:<18}{len(result.tasks):>7}{baseline:>11.3f}s{measured:>9.3f}s"
                f"{measured / baseline:>7.1f}×"
            )
        if not arguments.no_hostile:
            hostile(folder, [None, arguments.src] if arguments.src else [None])
    sys.stdout.flush()


if __name__ == "__main__":
    main()
