"""Fuzzing, hostile input, data-safety and security: the promises in README "Guarantees"."""

from __future__ import annotations

import errno
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import DEPARTMENTS, REPO, TASKS, add_process
from zctasks import importer
from zctasks.files import limits, yamlfile
from zctasks.files.errors import Diagnostic
from zctasks.files.root import DEPARTMENTS_FILE, TASKS_FILE
from zctasks.plan.checks import check_contents

REAL_TASKS = (REPO / "data" / "tasks.yaml").read_bytes()
FUZZ = settings(max_examples=150, deadline=3000, suppress_health_check=[HealthCheck.too_slow])


def check_bytes(tasks: bytes, departments: bytes = DEPARTMENTS.encode()) -> list[Diagnostic]:
    """Validate in memory; the only allowed outcomes are a ledger or located diagnostics."""
    result = check_contents(
        Path("/nonexistent"), {TASKS_FILE: tasks, DEPARTMENTS_FILE: departments}
    )
    for diagnostic in result.diagnostics:
        assert diagnostic.line >= 1 and diagnostic.column >= 1
        assert diagnostic.code and diagnostic.message and "\n" not in diagnostic.message
    if result.ledger is None:
        assert result.errors
    return result.diagnostics


@FUZZ
@given(st.text(max_size=400))
def test_random_text_as_the_plan(text):
    check_bytes(text.encode("utf-8"))


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes_as_the_plan(data):
    check_bytes(data)


YAML_PIECES = st.sampled_from(
    [
        "plan:",
        "tasks:",
        "chapters:",
        "  - ",
        "id: 1",
        "title: x",
        "- {id: 2}",
        "[",
        "]",
        "{",
        "}",
        ": ",
        "&a",
        "*a",
        "!!str",
        "!!python/object:os.system",
        "\t",
        "\n",
        "  ",
        "'",
        '"',
        "#",
        "---",
        "...",
        "? ",
        "yes",
        "0o7",
        "~",
    ]
)


@FUZZ
@given(st.lists(YAML_PIECES, max_size=40))
def test_yaml_shaped_noise(pieces):
    check_bytes("".join(pieces).encode())


@FUZZ
@given(st.data())
def test_mutations_of_the_real_plan(data):
    mutated = bytearray(REAL_TASKS)
    for _ in range(data.draw(st.integers(1, 6))):
        where = data.draw(st.integers(0, len(mutated) - 1))
        action = data.draw(st.sampled_from(["replace", "delete", "insert"]))
        byte = data.draw(st.integers(0, 255))
        if action == "replace":
            mutated[where] = byte
        elif action == "delete":
            del mutated[where]
        else:
            mutated.insert(where, byte)
    check_bytes(bytes(mutated), (REPO / "data" / "departments.yaml").read_bytes())


@FUZZ
@given(
    st.text(
        alphabet=st.sampled_from(
            list("一二三、1.（）()牵头负责配合区局。，：等部门家个%0123456789—\n\t 完成达到以上")
        ),
        max_size=300,
    )
)
def test_random_text_into_the_importer(tmp_path_factory, text):
    source = tmp_path_factory.mktemp("imp") / "plan.txt"
    source.write_text(text, "utf-8")
    try:
        result = importer.parse(source)
    except importer.ImportProblem:
        return
    for task in result.tasks:
        assert task.title is not None and all(t.quote in task.text for t in task.targets)


HOSTILE = {
    "object-apply": (b"plan: !!python/object/apply:os.system ['touch /tmp/pwned']\n", "unsafe-tag"),
    "object-new": (b"plan: !!python/object/new:subprocess.Popen [[ls]]\n", "unsafe-tag"),
    "alias bomb": (
        b'a: &a ["l","l","l"]\nb: &b [*a,*a,*a]\nc: &c [*b,*b,*b]\nd: [*c,*c,*c]\n',
        "alias",
    ),
    "deep nesting": (b"[" * 100_000 + b"]" * 100_000, "yaml-syntax"),
    "deep blocks": ("".join("  " * i + "a:\n" for i in range(200)).encode(), "too-deep"),
    "NUL byte": (b"plan:\n  title: a\x00b\n", "control-character"),
    "not UTF-8": (b"plan:\n  title: \xff\xfe\n", "encoding"),
    "two documents": (b"plan: {}\n---\nplan: {}\n", "yaml-syntax"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_yaml_gets_a_located_message(zc, make_ledger, name):
    content, code = HOSTILE[name]
    started = time.perf_counter()
    result = zc("check", root=make_ledger(tasks=content))
    assert time.perf_counter() - started < 10
    assert result.exit_code == 1
    assert re.match(rf"data/tasks\.yaml:\d+:\d+: error\[{code}\]: ", result.stdout), result.stdout[
        :300
    ]
    assert "Traceback" not in result.stdout + result.stderr
    assert not Path("/tmp/pwned").exists()


def test_multi_megabyte_strings_are_read(zc, make_ledger):
    big = TASKS.replace("title: 节约用水", "title: " + "水" * 3_000_000)
    result = zc("check", root=make_ledger(tasks=big))
    assert result.exit_code == 0


def test_input_size_is_bounded(monkeypatch):
    monkeypatch.setattr(limits, "MAX_BYTES", 1000)
    doc, problems = yamlfile.parse("data/tasks.yaml", b"a: " + b"x" * 2000)
    assert doc is None
    assert (
        problems[0]
        .render()
        .startswith("data/tasks.yaml:1:1: error[too-large]: 文件过大（2003 字节，上限 1000 字节）")
    )


def test_importer_input_size_is_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr("zctasks.files.limits.MAX_BYTES", 100)
    source = tmp_path / "plan.txt"
    source.write_text("一、章\n" + "1. 任务。" * 50, "utf-8")
    with pytest.raises(importer.ImportProblem, match="过大"):
        importer.parse(source)


def test_no_yaml_loading_that_constructs_objects():
    source = "\n".join(p.read_text("utf-8") for p in (REPO / "src" / "zctasks").rglob("*.py"))
    for unsafe in (
        "yaml.load(",
        "unsafe_load",
        "yaml.Loader",
        "FullLoader",
        "UnsafeLoader",
        "pickle.loads(open",
    ):
        assert unsafe not in source, unsafe
    assert "CSafeLoader" in source


# ---------------------------------------------------------------- data safety


def _entry_lines(path: Path) -> list[str]:
    return [line for line in path.read_text("utf-8").splitlines() if line.startswith("- ")]


def test_writers_killed_at_random_moments(zc, one_entry):
    root = one_entry
    path = root / "data" / "progress" / "2023-07.yaml"
    rng = random.Random(7)
    for attempt in range(12):
        before = _entry_lines(path)
        process = add_process(root, "2023-07-12", f"第{attempt}次")
        time.sleep(rng.uniform(0.05, 0.6))
        process.send_signal(signal.SIGKILL)
        process.wait()
        after = _entry_lines(path)
        assert after == before or (
            after[:-1] == before and json.loads(after[-1][2:])["note"] == f"第{attempt}次"
        )
    assert zc("check", root=root).exit_code == 0


def test_a_failing_disk_leaves_the_old_file(zc, one_entry, monkeypatch):
    root = one_entry
    path = root / "data" / "progress" / "2023-07.yaml"
    before = path.read_bytes()

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("zctasks.files.writer.os.fsync", full)
    result = zc(
        "progress",
        "add",
        "1",
        "--by",
        "区科技局",
        "--date",
        "2023-07-11",
        "--note",
        "新的",
        root=root,
    )
    assert result.exit_code == 1
    assert result.stderr == (
        "错误：写入进展记录失败：No space left on device\n提示：原有文件没有改动；请检查磁盘空间和目录权限后重试\n"
    )
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".tmp-")] == []


BULK = """
import sys
from datetime import date
from pathlib import Path
from zctasks.plan.models import Entry
from zctasks.log.recording import append
root, name = Path(sys.argv[1]), sys.argv[2]
for i in range(200):
    entry = Entry(id=f"2023-07-14-1-{name}{i:03d}", task=1, date=date(2023, 7, 14), by="区科技局",
                  status="推进中", note=f"{name}{i}")
    append(root, [entry])
"""


def test_two_processes_adding_two_hundred_each_leave_four_hundred(zc, make_ledger):
    root = make_ledger()
    processes = [
        subprocess.Popen([sys.executable, "-c", BULK, str(root), name]) for name in ("a", "b")
    ]
    assert [p.wait(timeout=300) for p in processes] == [0, 0]
    lines = _entry_lines(root / "data" / "progress" / "2023-07.yaml")
    assert len(lines) == 400
    assert len({json.loads(line[2:])["id"] for line in lines}) == 400
    assert zc("check", root=root).exit_code == 0


def test_cache_lives_outside_the_ledger(zc, make_ledger, tmp_path, monkeypatch):
    cache = tmp_path / "cache-here"
    monkeypatch.setenv("ZCTASKS_CACHE_DIR", str(cache))
    root = make_ledger()
    zc("list", root=root)
    assert list(cache.glob("*.zc"))
    assert not [p for p in root.rglob("*") if p.suffix == ".zc"]
    assert oct(cache.stat().st_mode & 0o777) == "0o700"


PLANTED = b"cos\nsystem\n(S'touch PWNED'\ntR."  # a pickle that runs a command when loaded


def test_a_cache_folder_others_can_write_is_not_used(zc, make_ledger, tmp_path, monkeypatch):
    cache = tmp_path / "shared-cache"
    cache.mkdir(mode=0o777)
    cache.chmod(0o777)
    monkeypatch.setenv("ZCTASKS_CACHE_DIR", str(cache))
    monkeypatch.chdir(tmp_path)
    root = make_ledger()
    from zctasks.load import cache as cache_module
    from zctasks.load import loading

    contents, _ = loading.plan_inputs(root)
    key = loading.plan_key(contents)
    (cache / f"{key}.pickle").write_bytes(PLANTED)
    (cache / f"{key}.zc").write_bytes(PLANTED)
    assert zc("list", root=root).exit_code == 0
    assert not (tmp_path / "PWNED").exists()
    assert sorted(p.name for p in cache.iterdir()) == [
        f"{key}.pickle",
        f"{key}.zc",
    ]  # nothing written
    checked = zc("check", root=root)
    assert checked.stderr == (
        f"注意：缓存目录 {cache} 的权限为 777，他人可以写入，已停用缓存；请删除它或执行 chmod 700 {cache}\n"
    )
    cache_module._problem.clear()


def test_a_damaged_or_foreign_cache_entry_is_checked_again(zc, make_ledger, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("ZCTASKS_CACHE_DIR", str(cache))
    monkeypatch.chdir(tmp_path)
    root = make_ledger()
    zc(
        "progress",
        "add",
        "1",
        "--by",
        "区科技局",
        "--date",
        "2023-07-10",
        "--note",
        "甲",
        root=root,
    )
    assert zc("status", root=root).exit_code == 0
    for entry in cache.iterdir():
        entry.write_bytes(PLANTED)  # every entry replaced: a pickle, never unpickled
    result = zc("status", "--as-of", "2023-07-31", "-f", "json", root=root)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["tasks"][0]["last_report"] == "2023-07-10"
    assert not (tmp_path / "PWNED").exists()


def test_a_full_disk_leaves_no_cache_files(zc, make_ledger, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("ZCTASKS_CACHE_DIR", str(cache))
    real = os.fdopen

    class Full:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()
            return False

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("zctasks.load.cache.os.fdopen", lambda fd, mode: Full(real(fd, mode)))
    root = make_ledger()
    assert zc("list", root=root).exit_code == 0
    assert list(cache.iterdir()) == []


def test_template_names_and_outputs_stay_where_they_belong(zc, make_ledger, tmp_path):
    root = make_ledger()
    folder = root / "templates"
    folder.mkdir()
    (folder / "ledger.md.j2").write_text("{% include '/etc/passwd' %}", "utf-8")
    result = zc("report", "ledger", root=root)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "错误：找不到模板 /etc/passwd\n提示：模板放在台账的 templates/ 目录中\n"
