"""The cache never changes an answer: after any sequence of edits, the cached and the
uncached run say the same, to the byte."""

from __future__ import annotations

import os
import shutil
import struct
from datetime import UTC, date, datetime
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
        st.sampled_from(
            [
                "append",
                "append-odd",
                "edit-then-append",
                "edit-same-size",
                "fix",
                "void",
                "break",
                "branch",
                "remove",
            ]
        ),
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
        elif name == "append-odd":  # lines the tool would not write, appended
            line = LINE.format(m=month, d=day, n=counter, v=digit + 1)
            odd = [
                line.replace('"task": 1,', '"task": 1, "task": 1,'),  # a key given twice
                line.replace('"task": 1,', '"task" : 1,'),  # white space before a colon
                line.replace('"note"', '"source": "", "note"'),  # a default written out
                line.replace('次"}', '次\\"引号\\""}'),  # an escaped quote
                line.replace('次"}', '次\\u0022: x"}'),  # a quote escaped as \u0022
                line.replace('"task": 1,', '"task": 9,'),  # no such task
                line.replace(f'"date": "2023-{month:02d}', '"date": "2023-12'),  # wrong month
                line.replace('"1.1": ', '"1.1": 1, "1.1": '),  # a figure given twice
                line.rstrip("\n") + "\r\n",  # a carriage return
                "# 注释\n" + line,  # a comment between entries
            ][digit]
            _write(root, month, [*lines, odd])
        elif name == "edit-then-append" and lines:  # same size, then a line more
            lines[0] = lines[0].replace('"第', '"弟', 1)
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
    assert len(entries) <= 10 + 10 // 4 + 1  # pruned beyond a quarter more than KEEP
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


def test_a_same_length_change_to_a_cached_entry_is_not_believed(
    zc, make_ledger, tmp_path, monkeypatch
):
    """Every entry carries a checksum of its payload: a flipped byte (a bad disk, a stray
    edit) that keeps the length is detected, and the month is read again."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("ZCTASKS_CACHE_DIR", str(cache))
    root = make_ledger()
    (root / PROGRESS).mkdir(parents=True)
    _write(root, 7, [LINE.format(m=7, d=3, n=1, v=4)])
    first = zc("status", "--as-of", "2023-07-31", "-f", "json", root=root).stdout
    assert '"actual": 4,' in first
    changed = 0
    for entry in cache.glob("*.zc"):
        data = entry.read_bytes()
        four, nine = struct.pack("<d", 4.0), struct.pack("<d", 9.0)  # the figure's column
        if four in data:
            entry.write_bytes(data.replace(four, nine))
            changed += 1
    assert changed
    assert zc("status", "--as-of", "2023-07-31", "-f", "json", root=root).stdout == first


def test_the_cache_prunes_only_what_it_wrote(zc, make_ledger, tmp_path, monkeypatch):
    """ZCTASKS_CACHE_DIR may point at a folder that holds the user's own files, even files
    ending in .zc: pruning removes only entries the tool wrote."""
    cache = tmp_path / "mine"
    cache.mkdir(mode=0o700)
    own = {cache / "notes.zc": b"my notes", cache / ("a" * 40 + ".zc"): b"not a cache entry"}
    own.update({cache / f"{k:040x}.zc": b"ZC" for k in range(12)})
    for path, data in own.items():
        path.write_bytes(data)
    monkeypatch.setenv("ZCTASKS_CACHE_DIR", str(cache))
    monkeypatch.setattr("zctasks.load.cache.KEEP", 2)
    root = make_ledger()
    (root / PROGRESS).mkdir(parents=True)
    for n in range(4):
        _write(root, 7, [LINE.format(m=7, d=k % 28 + 1, n=k, v=k) for k in range(n + 1)])
        monkeypatch.setattr("zctasks.load.cache._pruned", [])
        assert zc("status", "--as-of", "2023-07-31", root=root).exit_code == 0
    assert {path: path.read_bytes() for path in own} == own
    assert len(list(cache.glob("*.zc"))) <= len(own) + 3


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


def test_an_appended_month_is_read_from_its_new_lines_only(zc, make_ledger, tmp_path, monkeypatch):
    """After lines are appended to a month file, only the new lines are read: the rest of
    the index comes from the cache, and the answer is the one a fresh read gives."""
    from zctasks.log import store

    monkeypatch.setenv("ZCTASKS_CACHE_DIR", str(tmp_path / "cache"))
    root = make_ledger()
    (root / PROGRESS).mkdir(parents=True)
    _write(root, 7, [LINE.format(m=7, d=3, n=n, v=n) for n in range(1, 40)])
    assert zc("status", "--as-of", "2023-07-31", root=root).exit_code == 0
    whole_files: list[str] = []
    real = store.index_file
    monkeypatch.setattr(
        store,
        "index_file",
        lambda relative, *a, **k: whole_files.append(str(relative)) or real(relative, *a, **k),
    )
    path = root / PROGRESS / "2023-07.yaml"
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(LINE.format(m=7, d=4, n=40, v=40))
        handle.write(LINE.format(m=7, d=5, n=41, v=41).replace('"task": 1,', '"task": 9,'))
    grown = zc("check", "-f", "json", root=root)
    assert whole_files == []
    assert "第 9 项任务" in grown.stdout
    monkeypatch.setenv("ZCTASKS_NO_CACHE", "1")
    assert zc("check", "-f", "json", root=root).stdout == grown.stdout
    assert whole_files == ["data/progress/2023-07.yaml"]


def test_a_task_number_no_plan_has_gets_a_message(zc, make_ledger):
    """A task number beyond any index (99999999999) is named, not a traceback."""
    root = make_ledger()
    (root / PROGRESS).mkdir(parents=True)
    _write(root, 7, [LINE.format(m=7, d=3, n=1, v=4).replace('"task": 1,', '"task": 99999999999,')])
    for command in (("status",), ("check",)):
        result = zc(*command, root=root)
        assert result.exit_code == 1
        assert "Traceback" not in result.stdout + result.stderr
        assert "error[unknown-task]: 没有第 99999999999 项任务" in result.stdout + result.stderr


KEYS = st.sampled_from(
    [
        "id",
        "task",
        "date",
        "by",
        "status",
        "note",
        "values",
        "source",
        "at",
        "fixes",
        "voids",
        "reason",
        "x",
    ]
)
TEXT = st.text(
    alphabet=st.sampled_from(["a", "进", '"', "\\", ":", " ", "\u0022", "}", "{"]), max_size=6
)
VALUE = st.one_of(
    TEXT,
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(
        ["2023-07-03", "2023-02-30", "推进中", "已完成", "2023-07-03T09:30:00+08:00", None]
    ),
    st.dictionaries(
        st.sampled_from(["1.1", "1.2"]), st.one_of(st.integers(), st.floats()), max_size=2
    ),
)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(*[st.text(alphabet="进展ab 1:", min_size=1, max_size=5)] * 3, TEXT),
            st.one_of(*[st.just([])] * 3, st.lists(st.tuples(KEYS, VALUE), max_size=2)),
        ),
        min_size=1,
        max_size=3,
    ),
    st.sampled_from([": ", ": ", ":", " : "]),
)
def test_lines_read_by_json_alone_are_read_as_the_schema_reads_them(lines_spec, colon):
    """Whole files read at the speed of JSON (``read_block``): whatever is accepted has no
    key given twice and reads exactly as the strict schema reads it — also with keys given
    twice, spaces before colons, escaped quotes, odd values and defaults written out."""
    import json

    from zctasks.log.lines import read_block
    from zctasks.log.progress import LinesDoc
    from zctasks.plan import schema
    from zctasks.plan.models import Entry

    lines = []
    for n, (note, extra) in enumerate(lines_spec):
        base = [("id", f"e{n}"), ("task", 1), ("date", "2023-07-03"), ("by", "区科技局")]
        pairs = [*base, ("status", "推进中"), ("note", note), *extra]
        body = ", ".join(
            json.dumps(k, ensure_ascii=False) + colon + json.dumps(v, ensure_ascii=False)
            for k, v in pairs
        )
        lines.append("- {" + body + "}")
    raw = ("# 进展记录\n" + "\n".join(lines) + "\n").encode()
    block = read_block(raw)
    if block is None:
        return
    for line in lines:  # nothing accepted gives a key twice
        record = json.loads(line[2:], object_pairs_hook=list)
        assert len(record) == len(dict(record))
    doc = LinesDoc("x.yaml", [(n, line) for n, line in enumerate(lines, 2)])
    payload = "[" + ",".join(line[2:] for line in lines) + "]"
    checked, _ = schema.validate(doc, list[Entry], payload)
    assert checked is not None
    assert [line.entry() for line in block.entries] == checked
    assert block.first == 2


def test_the_json_reader_accepts_what_the_tool_writes():
    """The fast reader is not idle: the tool's own lines are read by it."""
    from zctasks.log.lines import read_block

    raw = ("# 进展记录\n" + "".join(LINE.format(m=7, d=3, n=n, v=n) for n in range(3))).encode()
    block = read_block(raw)
    assert block is not None and [e.id for e in block.entries] == [
        "2023-07-03-1-000000",
        "2023-07-03-1-000001",
        "2023-07-03-1-000002",
    ]
    assert block.offsets == [
        len("# 进展记录\n".encode()) + k * len(LINE.format(m=7, d=3, n=0, v=0).encode())
        for k in range(3)
    ]


@pytest.mark.parametrize(
    "tail",
    [
        ', "task": 2}',  # a key given twice
        ', "note": "\\u003a", "task": 2}',  # …hidden behind an escaped colon
        ', "task" : 2}',  # …behind a space before its colon
        ', "values": {"1.1": 1, "1.1": 2}}',  # a figure given twice
        ', "source": ""}',  # a default written out
        ', "at": "2023-07-03T09:30:00.1234567+08:00"}',  # more decimals than the schema keeps
        ', "at": "2023-07-03T25:00:00+08:00"}',  # the shape of a time, but none
    ],
)
def test_the_json_reader_leaves_lines_it_cannot_vouch_for_to_the_schema(tail):
    from zctasks.log.lines import read_block

    line = '- {"id": "a", "task": 1, "date": "2023-07-03", "by": "区科技局", "status": "推进中", "note": ":x"}'
    assert read_block(("# 进展记录\n" + line + "\n").encode()) is not None
    assert read_block(("# 进展记录\n" + line[:-1] + tail + "\n").encode()) is None


def test_the_json_reader_knows_every_field_an_entry_has():
    """A field added to Entry must be added to EntryLine too, or the fast reader would
    refuse every line that has it (and send each such file to the slow schema)."""
    import dataclasses

    import msgspec

    from zctasks.log.lines import EntryLine
    from zctasks.plan.models import Entry

    names = [f.encode_name for f in msgspec.structs.fields(EntryLine)]
    assert names == [f.name for f in dataclasses.fields(Entry)]


def _mostly_clean(fields_list):
    """Every other entry set right, so that clean entries are common among the odd ones."""
    for k, fields in enumerate(fields_list):
        if k % 2:
            fields.update(id=f"2023-07-03-1-{k:06x}", task=1, by="区科技局", status="推进中")
            fields.update(note="进展", voids="", date=date(2023, 7, 3), received=None)
            values = fields["values"].items()
            fields["values"] = {t: abs(v) for t, v in values if t[0] == "1" and abs(v) < 10**6}
            fields["estimates"] = {}
            if fields["at"] is not None and fields["at"].tzinfo is None:
                fields["at"] = None
    return fields_list


ENTRY_FIELDS = st.fixed_dictionaries(
    {
        "id": st.sampled_from(["2023-07-03-1-aaaaaa"] * 9 + ["", "有 空格", "x\x07"]),
        "task": st.sampled_from([1, 2, 3, 99]),
        "date": st.dates(min_value=date(2022, 12, 1), max_value=date(2024, 1, 31)),
        "by": st.sampled_from(["区科技局", "区水利局", "区发改局", "无此单位"]),
        "status": st.sampled_from([None, "推进中", "已完成"]),
        "note": st.sampled_from(["", " ", "\u3000", "进展"]),
        "values": st.dictionaries(
            st.sampled_from(["1.1", "1.2", "2.1", "9.9"]),
            st.one_of(st.integers(-5, 5), st.sampled_from([10**15, -(10**15), 3.5, -0.5])),
            max_size=2,
        ),
        "estimates": st.dictionaries(
            st.sampled_from(["1.1", "2.1", "9.9"]), st.integers(-5, 5), max_size=1
        ),
        "at": st.sampled_from(
            [None, datetime(2023, 7, 3, 9, 30), datetime(2023, 7, 3, 9, 30, tzinfo=UTC)]
        ),
        "received": st.one_of(st.none(), st.dates(date(2023, 6, 1), date(2023, 9, 1))),
        "fixes": st.sampled_from(["", "2023-07-01-1-bbbbbb"]),
        "voids": st.sampled_from(["", "", "", "2023-07-01-1-cccccc"]),
        "reason": st.sampled_from(["", "原因"]),
    }
)


@settings(max_examples=300, deadline=None)
@given(st.lists(ENTRY_FIELDS, min_size=1, max_size=6).map(_mostly_clean))
def test_only_suspects_can_have_problems(fields_list):
    """The entries ``suspects`` lets through are exactly clean: ``check_entry`` and the
    month rule find nothing in any of them."""
    from zctasks.log.lines import EntryLine
    from zctasks.log.progress import LinesDoc, check_entry, suspects

    ledger = _sample_ledger()
    entries = [EntryLine(**fields) for fields in fields_list]
    doc = LinesDoc("data/progress/2023-07.yaml", [(n, "- {}") for n in range(len(entries))])
    flagged = set(suspects(ledger, entries, (2023, 7)))
    for k, entry in enumerate(entries):
        if k not in flagged:
            assert check_entry(ledger, entry, doc, k) == []
            assert (entry.date.year, entry.date.month) == (2023, 7)
            _CLEAN.append(k)


_CLEAN: list[int] = []


_LEDGER: list = []


def _sample_ledger():
    if not _LEDGER:
        import tempfile

        from zctasks.load import loading

        root = Path(tempfile.mkdtemp(prefix="zctasks-suspects-"))
        (root / "data").mkdir()
        (root / "data" / "tasks.yaml").write_text(TASKS, "utf-8")
        (root / "data" / "departments.yaml").write_text(DEPARTMENTS, "utf-8")
        _LEDGER.append(loading.load_ledger(root))
    return _LEDGER[0]


@pytest.mark.parametrize(
    "change",
    [
        {"task": 99},
        {"date": date(2023, 8, 1)},
        {"date": date(2022, 12, 31)},
        {"received": date(2023, 7, 1)},
        {"at": datetime(2023, 7, 3, 9, 30)},
        {"voids": "2023-07-01-1-cccccc", "reason": "原因"},
        {"status": None},
        {"note": ""},
        {"note": "\u3000"},
        {"by": "区水利局"},
        {"values": {"9.9": 1}},
        {"values": {"1.1": -1}},
        {"values": {"1.1": 10**15}},
        {"estimates": {"2.1": 1}},
        {"id": "有 空格"},
    ],
)
def test_one_odd_entry_among_clean_ones_is_a_suspect(change):
    from zctasks.log.lines import EntryLine
    from zctasks.log.progress import LinesDoc, check_entry, suspects

    ledger = _sample_ledger()
    clean = {"task": 1, "date": date(2023, 7, 3), "by": "区科技局", "status": "推进中"}
    clean.update(note="进展", values={"1.1": 3}, at=datetime(2023, 7, 3, tzinfo=UTC))
    entries = [EntryLine(id=f"2023-07-03-1-{k:06x}", **clean) for k in range(5)]
    odd = {**clean, "id": "2023-07-03-1-ffffff", **change}
    entries[2] = EntryLine(**odd)
    doc = LinesDoc("data/progress/2023-07.yaml", [(n, "- {}") for n in range(5)])
    flagged = suspects(ledger, entries, (2023, 7))
    assert 2 in flagged
    problems = check_entry(ledger, entries[2], doc, 2)
    month = (entries[2].date.year, entries[2].date.month) != (2023, 7)
    assert problems or month
    assert suspects(ledger, entries[:2] + entries[3:], (2023, 7)) == []


@pytest.mark.skipif(not hasattr(os, "fork") or os.name != "posix", reason="fork: Linux only")
@pytest.mark.parametrize("handover", ["whole", "garbled"])
def test_a_log_read_by_two_processes_reads_as_by_one(zc, make_ledger, monkeypatch, handover):
    """Month files read whole beyond PARALLEL_BYTES are shared with a forked process; the
    answers (problems included) are those of one process reading alone, and whatever the
    child hands over garbled is read again here."""
    import sys

    from zctasks.load import loading
    from zctasks.log.store import FileIndex

    if sys.platform != "linux":
        pytest.skip("the second process is used on Linux only")
    monkeypatch.setenv("ZCTASKS_NO_CACHE", "1")
    root = make_ledger()
    (root / PROGRESS).mkdir(parents=True)
    for month in (7, 8, 9, 10):
        lines = [LINE.format(m=month, d=k % 28 + 1, n=month * 100 + k, v=k) for k in range(30)]
        lines.append(LINE.format(m=month, d=2, n=month * 100 + 99, v=-3))  # an error: -3家
        _write(root, month, lines)

    def answers() -> list[tuple[int, str, str]]:
        return [
            (run.exit_code, run.stdout, run.stderr)
            for run in (
                zc("check", root=root),
                zc("progress", "log", root=root),
            )
        ]

    alone = answers()
    assert alone[0][0] == 1 and "2023-07.yaml" in alone[0][1] + alone[0][2]
    forks = []
    real_fork = os.fork

    def counted_fork() -> int:
        forks.append(1)
        return real_fork()

    monkeypatch.setattr(loading, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(os, "fork", counted_fork)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    if handover == "garbled":
        monkeypatch.setattr(FileIndex, "to_bytes", lambda self: b"ZCIX1\n\x00garbled")
    assert answers() == alone
    assert forks


@pytest.mark.skipif(not hasattr(os, "fork") or os.name != "posix", reason="fork: Linux only")
def test_a_file_written_while_the_second_process_read_it_is_read_again(
    zc, make_ledger, monkeypatch, tmp_path
):
    """An index the second process made of bytes the file no longer holds is not used, and
    never cached under the file's new bytes: a line appended meanwhile is in every answer,
    then and after."""
    import sys

    from zctasks.load import loading

    if sys.platform != "linux":
        pytest.skip("the second process is used on Linux only")
    monkeypatch.setenv("ZCTASKS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ZCTASKS_NO_CACHE", raising=False)
    root = make_ledger()
    (root / PROGRESS).mkdir(parents=True)
    for month in (7, 8, 9, 10):
        _write(
            root, month, [LINE.format(m=month, d=k + 1, n=month * 100 + k, v=k) for k in range(20)]
        )
    real = loading._handed_over
    written = []

    def meanwhile(data: bytes, theirs: list[Path]) -> dict:
        # after the child read its files, before this process reads them again
        month = int(theirs[0].name[5:7])
        with open(root / theirs[0], "a", encoding="utf-8") as handle:
            handle.write(LINE.format(m=month, d=28, n=999, v=77))
        written.append(theirs[0])
        return real(data, theirs)

    monkeypatch.setattr(loading, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.setattr(loading, "_handed_over", meanwhile)
    shown = zc("progress", "log", "--format", "json", root=root)
    assert shown.exit_code == 0, shown.stderr
    assert written and "第999次" in shown.stdout
    monkeypatch.setattr(loading, "_handed_over", real)
    assert zc("progress", "log", "--format", "json", root=root).stdout == shown.stdout  # cached
    monkeypatch.setenv("ZCTASKS_NO_CACHE", "1")
    assert zc("progress", "log", "--format", "json", root=root).stdout == shown.stdout
