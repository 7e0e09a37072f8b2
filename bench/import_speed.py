"""How long `zctasks import` takes to read large plans, against a baseline measured in the
same run: reading the same file into its lines (what any reader of it must pay — for .docx
and .xlsx, opening the package with python-docx or openpyxl).

Three documents, each far larger than a real plan: the 2023 seed repeated 50 times (3,300
numbered tasks with attributions), a web table copied one cell a line with 5,000 rows and
merged category cells, and a Word table of 2,000 rows.

    python bench/import_speed.py [--runs 3]
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
    runs = parser.parse_args().runs
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
    sys.stdout.flush()


if __name__ == "__main__":
    main()
