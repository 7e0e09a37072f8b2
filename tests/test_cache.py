"""The cache never changes an answer: after any sequence of edits, the cached and the
uncached run say the same, to the byte."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import DEPARTMENTS, TASKS

PROGRESS = Path("data/progress")
LINE = (
    '- {{"id": "2023-{m:02d}-{d:02d}-1-{n:06x}", "task": 1, "date": "2023-{m:02d}-{d:02d}", '
    '"by": "区科技局", "status": "推进中", "values": {{"1.1": {v}}}, "note": "第{n}次"}}\n'
)


def _write(root: Path, month: int, lines: list[str]) -> None:
    path = root / PROGRESS / f"2023-{month:02d}.yaml"
    path.write_text("# 进展记录\n" + "".join(lines), "utf-8")


def _answers(zc, root: Path, monkeypatch) -> list[tuple[int, str]]:
    commands = (
        ("status", "--as-of", "2023-09-30", "-f", "json"),
        ("status", "--by", "unit", "--as-of", "2023-09-30", "-f", "json"),
        ("check", "-f", "json"),
        ("progress", "log", "-f", "json"),
        ("show", "1", "--as-of", "2023-09-30", "-f", "json"),
    )
    answers = []
    for command in commands:
        result = zc(*command, root=root)
        answers.append((result.exit_code, result.stdout + result.stderr))
    return answers


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["append", "edit-same-size", "fix", "void", "break", "branch", "remove"]),
        st.integers(min_value=7, max_value=8),
        st.integers(min_value=1, max_value=28),
        st.integers(min_value=0, max_value=9),
    ),
    min_size=1,
    max_size=8,
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(OPERATIONS)
def test_cached_and_uncached_runs_agree_after_any_edits(
    zc, tmp_path_factory, monkeypatch, operations
):
    root = tmp_path_factory.mktemp("ledger")
    (root / "data").mkdir()
    (root / "data" / "tasks.yaml").write_text(TASKS, "utf-8")
    (root / "data" / "departments.yaml").write_text(DEPARTMENTS, "utf-8")
    (root / PROGRESS).mkdir()
    cache = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("ZCTASKS_CACHE_DIR", str(cache))
    saved: dict[int, bytes] = {}
    for counter, (name, month, day, digit) in enumerate(operations, 1):
        path = root / PROGRESS / f"2023-{month:02d}.yaml"
        text = path.read_text("utf-8") if path.exists() else "# 进展记录\n"
        lines = [line for line in text.splitlines(keepends=True) if line.startswith("- ")]
        if name == "append":
            lines.append(LINE.format(m=month, d=day, n=counter, v=digit + 1))
            _write(root, month, lines)
        elif name == "edit-same-size" and lines:
            before = path.stat()
            changed = lines[-1].replace('"1.1": ', '"1.1": 9', 1) if digit < 5 else lines[-1]
            lines[-1] = changed[: len(lines[-1])] if len(changed) > len(lines[-1]) else changed
            path.write_text("# 进展记录\n" + "".join(lines), "utf-8")
            os.utime(
                path, ns=(before.st_atime_ns, before.st_mtime_ns)
            )  # same second, maybe same size
        elif name in ("fix", "void") and lines:
            target = lines[0].split('"id": "')[1].split('"')[0]
            if name == "fix":
                extra = LINE.format(m=month, d=day, n=counter, v=digit).replace(
                    ', "note"', f', "fixes": "{target}", "note"'
                )
            else:
                extra = (
                    f'- {{"id": "2023-{month:02d}-{day:02d}-1-{counter:06x}", "task": 1, '
                    f'"date": "2023-{month:02d}-{day:02d}", "by": "区科技局", "voids": "{target}", '
                    '"reason": "测试"}\n'
                )
            lines.append(extra)
            _write(root, month, lines)
        elif name == "break":
            lines.append(
                '- {"id": "broken", "task": 99}\n' if digit < 5 else lines[0] if lines else ""
            )
            _write(root, month, lines)
        elif name == "branch":  # as git checkout swaps a file's content back and forth
            if month in saved:
                path.write_bytes(saved.pop(month))
            elif path.exists():
                saved[month] = path.read_bytes()
                _write(root, month, lines[: len(lines) // 2])
        elif name == "remove" and path.exists():
            path.unlink()
        monkeypatch.delenv("ZCTASKS_NO_CACHE", raising=False)
        cached = _answers(zc, root, monkeypatch)
        again = _answers(zc, root, monkeypatch)  # now from the cache
        monkeypatch.setenv("ZCTASKS_NO_CACHE", "1")
        fresh = _answers(zc, root, monkeypatch)
        monkeypatch.delenv("ZCTASKS_NO_CACHE")
        assert cached == fresh, name
        assert again == fresh, name
    shutil.rmtree(root)
    shutil.rmtree(cache)


def test_the_cache_stays_small(zc, make_ledger, tmp_path, monkeypatch):
    """Entries a ledger no longer uses are pruned; what is kept is smaller than the log."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("ZCTASKS_CACHE_DIR", str(cache))
    monkeypatch.setattr("zctasks.load.cache.KEEP", 10)
    root = make_ledger()
    (root / PROGRESS).mkdir(parents=True)
    for n in range(30):
        _write(root, 7, [LINE.format(m=7, d=k % 28 + 1, n=k, v=k) for k in range(n + 1)])
        monkeypatch.setattr("zctasks.load.cache._pruned", [])
        assert zc("status", "--as-of", "2023-07-31", root=root).exit_code == 0
    entries = list(cache.glob("*.zc"))
    assert len(entries) <= 11  # pruned once a process, after its last store
    log = (root / PROGRESS / "2023-07.yaml").stat().st_size
    newest = max(entries, key=lambda p: p.stat().st_mtime)
    assert newest.stat().st_size < log
    assert not list(cache.glob(".tmp-*"))


@pytest.mark.parametrize("damage", [b"", b"ZCIX1\n", b"ZCIX1\n\xff\xff\xff\xff\xff\xff\xff\x7f{"])
def test_a_truncated_index_is_parsed_again(zc, make_ledger, tmp_path, monkeypatch, damage):
    cache = tmp_path / "cache"
    monkeypatch.setenv("ZCTASKS_CACHE_DIR", str(cache))
    root = make_ledger()
    (root / PROGRESS).mkdir(parents=True)
    _write(root, 7, [LINE.format(m=7, d=3, n=1, v=4)])
    first = zc("status", "--as-of", "2023-07-31", "-f", "json", root=root).stdout
    for entry in cache.glob("*.zc"):
        entry.write_bytes(damage)
    assert zc("status", "--as-of", "2023-07-31", "-f", "json", root=root).stdout == first


FIELD_VALUES = {
    "id": st.one_of(st.text(max_size=8), st.integers()),
    "task": st.one_of(
        st.integers(-2, 5), st.booleans(), st.text(max_size=2), st.floats(allow_nan=False)
    ),
    "date": st.sampled_from(
        ["2023-07-14", "2023-02-30", "20230714", "2023-7-1", "2023-W28-5", 20230714]
    ),
    "by": st.one_of(st.sampled_from(["区科技局", ""]), st.integers()),
    "status": st.one_of(st.sampled_from(["推进中", "已完成", "完成", None]), st.integers()),
    "values": st.one_of(
        st.dictionaries(
            st.sampled_from(["1.1", "1.2"]),
            st.one_of(st.integers(-5, 5), st.floats(-1e3, 1e3), st.booleans(), st.text(max_size=2)),
            max_size=2,
        ),
        st.lists(st.integers(), max_size=2),
    ),
    "note": st.one_of(st.text(max_size=4), st.integers(), st.none()),
    "at": st.sampled_from(
        [
            "2023-07-14T10:30:00.000+08:00",
            "2023-07-14T10:30:00Z",
            "2023-07-14 10:30",
            "2023-07-14T25:00:00Z",
            5,
        ]
    ),
    "received": st.sampled_from(["2023-07-16", "2023-02-30", "2023/7/16", "", 20230716, None]),
    "fixes": st.one_of(st.text(max_size=3), st.integers()),
    "extra": st.integers(),
}


@settings(max_examples=300, deadline=None)
@given(
    st.fixed_dictionaries(
        {k: FIELD_VALUES[k] for k in ("id", "task", "date", "by")},
        optional={k: v for k, v in FIELD_VALUES.items() if k not in ("id", "task", "date", "by")},
    )
)
def test_lines_read_without_the_schema_are_read_as_the_schema_reads_them(record):
    """The fast reader of tool-written lines accepts nothing the strict schema refuses and
    reads every line it accepts exactly as the schema does."""
    import json

    from zctasks.log.progress import LinesDoc, plain_entries
    from zctasks.plan import schema
    from zctasks.plan.models import Entry

    line = "- " + json.dumps(record, ensure_ascii=False)
    doc = LinesDoc("x.yaml", [(1, line)])
    plain = plain_entries(doc.lines)
    try:
        checked, _ = schema.validate(doc, list[Entry], "[" + line[2:] + "]")
    except ValueError:
        checked = None
    if plain is not None:
        assert checked is not None and plain == checked


def test_progress_is_checked_against_the_plan_that_was_read(zc, make_ledger, tmp_path, monkeypatch):
    """A plan edited between reading it and reading the progress never lets progress checked
    against one plan be served for another."""
    from zctasks.load import loading

    monkeypatch.setenv("ZCTASKS_CACHE_DIR", str(tmp_path / "cache"))
    root = make_ledger()
    (root / PROGRESS).mkdir(parents=True)
    _write(root, 7, [LINE.format(m=7, d=3, n=1, v=4)])
    ledger = loading.load_ledger(root)
    tasks = root / "data" / "tasks.yaml"
    tasks.write_text(
        tasks.read_text("utf-8")
        .replace("  - id: 1\n    chapter: 1", "  - id: 9\n    chapter: 1")
        .replace('"1.1"', '"9.1"')
        .replace('"1.2"', '"9.2"'),
        "utf-8",
    )
    assert loading.load_progress(ledger).task_indexes(1)  # checked against the plan in hand
    result = zc("status", root=root)  # a new run reads the new plan: task 1 is gone
    assert result.exit_code == 1
    assert "error[unknown-task]: 没有第 1 项任务" in result.stderr
    assert "error[unknown-task]" in zc("check", root=root).stdout
