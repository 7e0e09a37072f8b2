"""Nothing an import reads is lost: every line of every fixture is placed in the ledger (a
chapter, a task's title, text, section, attribution, units, leaders or measures), listed
as unplaced, or named as what it is (page chrome, the notice before the body, a table's
header, what follows the end) — and every word and figure of it is found where it went.

Only whitespace and punctuation (brackets, separators, the numbering of an item) may be
left behind: they are the structure the import reads, not text.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO, SEED
from zctasks import importer
from zctasks.files import limits
from zctasks.importer.readers import read_lines
from zctasks.importer.result import ImportResult
from zctasks.importer.text import ImportProblem, clean

DOCUMENTS = REPO / "tests" / "fixtures" / "documents"
sys.path.insert(0, str(REPO / "tests" / "fixtures"))
import tables  # noqa: E402

_CONTENT = re.compile(r"[\u3400-\u9fffA-Za-z0-9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+")
_MARKER = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、．.，,]|[（(]\s*(?:[一二三四五六七八九十]+|\d{1,3})\s*[）)]|\d{1,3}\s*[.、．](?!\d))"
)


def _content(text: str) -> str:
    return "".join(_CONTENT.findall(text))


def _corpus(result: ImportResult) -> dict[int, list[str]]:
    """For each document line, the texts of everything the import says came from it."""
    claims: dict[int, list[str]] = {}

    def claim(line: int, *texts: str) -> None:
        claims.setdefault(line, []).extend(t for t in texts if t)

    tasks = {task.id: task for task in result.tasks}
    chapters = dict(result.chapters)
    for task_id, lines in result.task_lines.items():
        task = tasks[task_id]
        texts = [
            str(task.id),
            task.title,
            task.text,
            task.section,
            task.attribution or "",
            *task.lead,
            *task.cooperate,
            *task.responsible,
            *task.leaders,
            *task.measures,
        ]
        for line in lines:
            claim(line, *texts)
    for chapter_id, lines in result.chapter_lines.items():
        names = [
            name for task in result.tasks if task.chapter == chapter_id for name in task.leaders
        ]
        for line in lines:
            claim(line, chapters[chapter_id], *names)
    for line, text in result.unparsed:
        claim(line, text)
    for line, text in result.skipped:
        claim(line, text)
    for line, text, _what in result.left_out:
        claim(line, text)
    return claims


def lost(path: Path, result: ImportResult) -> list[str]:
    """Every run of words or figures of the document that is not where the import put its line."""
    claims = _corpus(result)
    serials = {lines[0] for lines in result.task_lines.values() if lines}
    problems = []
    for line in read_lines(path, limits.MAX_BYTES, limits.MAX_UNPACKED):
        texts = line.cells if line.cells is not None else [line.text]
        for text in texts:
            text = clean(text)
            if not _content(text):
                continue
            if line.number in serials and _content(text).isdigit():
                continue  # a table row's serial number: the task's numbering
            if line.number not in claims:
                problems.append(f"第{line.number}行没有去处：{text[:40]}")
                continue
            corpus = _content("".join(claims[line.number]))
            for run in _CONTENT.findall(_MARKER.sub("", text)):
                if run not in corpus:
                    problems.append(f"第{line.number}行的“{run}”不见了")
    return problems


def _fixtures() -> list[str]:
    return sorted(p.name for p in DOCUMENTS.glob("*.txt"))


@pytest.mark.parametrize("name", _fixtures())
def test_nothing_is_lost_from_any_fixture(name):
    path = DOCUMENTS / name
    result = importer.parse(path, year=2020)
    assert lost(path, result) == []


def test_nothing_is_lost_from_the_seed():
    assert lost(SEED, importer.parse(SEED)) == []


@pytest.mark.parametrize(
    "build",
    [
        lambda p: tables.docx(p.with_suffix(".docx"), tables.HUOSHAN_TITLE, tables.HUOSHAN),
        lambda p: tables.xlsx(
            p.with_suffix(".xlsx"), tables.DAZHU_SOURCE, tables.DAZHU_TITLE, tables.DAZHU
        ),
        lambda p: tables.csv_file(
            p.with_suffix(".csv"), tables.DAZHU_SOURCE, tables.DAZHU_TITLE, tables.DAZHU, "utf-8"
        ),
    ],
    ids=["docx", "xlsx", "csv"],
)
def test_nothing_is_lost_from_word_excel_and_csv(tmp_path, build):
    path = build(tmp_path / "表")
    assert lost(path, importer.parse(path)) == []


def test_a_lost_word_is_found_missing(tmp_path):
    """The property is not empty: a task whose text the import shortened is caught."""
    from dataclasses import replace

    path = DOCUMENTS / "lishan-2023-task-breakdown.txt"
    result = importer.parse(path)
    result.tasks[0] = replace(result.tasks[0], title="努力实现", text="")
    assert lost(path, result) == [
        "第27行的“努力实现地区生产总值增长6”不见了",
        "第27行的“2”不见了",
        "第27行的“左右”不见了",
    ]


def _all_lines() -> list[str]:
    lines = [
        line
        for path in sorted(DOCUMENTS.glob("*.txt"))
        for line in path.read_text("utf-8").splitlines()
        if not line.startswith("#")
    ]
    return lines + SEED.read_text("utf-8").splitlines()


_LINES = _all_lines()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.lists(st.sampled_from(_LINES), min_size=1, max_size=50),
        st.tuples(st.integers(0, len(_LINES) - 1), st.integers(1, 80)).map(
            lambda cut: _LINES[cut[0] : cut[0] + cut[1]]
        ),
    )
)
def test_nothing_is_lost_from_documents_made_of_any_of_their_lines(tmp_path_factory, lines):
    """Any document made of the fixtures' lines, in any order or cut anywhere, is read
    without a traceback, and whatever it reads, it loses nothing."""
    path = tmp_path_factory.mktemp("doc") / "plan.txt"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    try:
        result = importer.parse(path, year=2023)
    except ImportProblem:
        return  # no task in it: refused with a message
    assert lost(path, result) == []
