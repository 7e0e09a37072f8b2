"""Ledger discovery, help, version, completion, start-up cost and the cache."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import REPO, TASKS
from zctasks.cli import _complete_task, _complete_unit, app
from zctasks.files.errors import UsageError
from zctasks.files.root import bundled_root, find_root
from zctasks.load import loading


def test_root_from_option_env_cwd_then_bundled(make_ledger, tmp_path):
    root = make_ledger()
    nested = root / "reports" / "2023"
    nested.mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert find_root(root, {}, elsewhere) == (root.resolve(), "--root")
    assert find_root(None, {"ZCTASKS_ROOT": str(root)}, elsewhere) == (
        root.resolve(),
        "ZCTASKS_ROOT",
    )
    assert find_root(None, {}, nested) == (root.resolve(), "cwd")
    found = find_root(None, {}, elsewhere)
    assert found.bundled and (found.path / "data" / "tasks.yaml").is_file()


def test_root_without_data_is_a_usage_error(zc, tmp_path):
    with pytest.raises(UsageError, match=re.escape("中没有 data/tasks.yaml")):
        find_root(tmp_path, {}, tmp_path)
    result = zc("list", root=tmp_path)
    assert result.exit_code == 2
    assert result.stderr == (
        f"错误：--root 指向的目录 {tmp_path.resolve()} 中没有 data/tasks.yaml\n"
        "提示：用 zctasks init 新建台账，或指向含有 data/tasks.yaml 的目录\n"
    )


def test_env_root_is_used(zc, make_ledger, monkeypatch):
    monkeypatch.setenv("ZCTASKS_ROOT", str(make_ledger()))
    assert zc("check").stdout == "检查通过：2 章，3 项任务，3 项指标，3 个单位。\n"


def test_version(zc):
    from zctasks import __version__

    assert zc("--version").stdout == f"zctasks {__version__}\n"


def test_every_command_has_help_and_is_in_the_readme(zc):
    from zctasks.cli import load_all

    load_all()
    readme = (REPO / "README.md").read_text("utf-8")
    help_text = zc("--help").stdout
    listed = [line.split()[0] for line in help_text.split("命令：")[1].splitlines() if line.strip()]
    assert listed == [
        "list",
        "show",
        "depts",
        "chapters",
        "check",
        "schema",
        "status",
        "site",
        "serve",
        "template",
        "init",
        "import",
        "report",
        "score",
        "urge",
        "briefing",
        "progress",
        "rollup",
        "hooks",
    ]
    commands = sorted(c.name for c in app.registered_commands)
    assert commands == sorted(listed[:14])
    for group in app.registered_groups:
        commands += [f"{group.name} {c.name}" for c in group.typer_instance.registered_commands]
    assert sorted(commands[14:]) == [
        "briefing void",
        "hooks install",
        "hooks run",
        "progress add",
        "progress fix",
        "progress import",
        "progress log",
        "progress void",
        "rollup add",
        "rollup fetch",
        "rollup report",
        "rollup status",
        "urge void",
    ]
    for name in commands:
        result = zc(*name.split(), "--help")
        assert result.exit_code == 0
        assert "用法：zctasks " + name in result.stdout
        assert len(result.stdout.split("\n")) > 3
        assert f"zctasks {name}" in readme, name


def test_no_arguments_shows_help(zc):
    result = zc()
    assert "用法：zctasks" in result.stdout + result.stderr


def test_completion_of_units_and_tasks(make_ledger):
    class Context:
        def find_object(self, _type):
            from zctasks.cli import State

            return State(make_ledger())

    assert _complete_unit(Context(), "发改") == [("区发改局", "淄川区发展和改革局")]
    assert [name for name, _ in _complete_unit(Context(), "区")] == [
        "区发改局",
        "区科技局",
        "区水利局",
    ]
    assert _complete_task(Context(), "2") == [("2", "节约用水")]


def test_terminal_tables_are_drawn_by_rich(monkeypatch):
    from io import StringIO

    from zctasks.cli.output import print_table

    buffer = StringIO()
    buffer.isatty = lambda: True  # type: ignore[method-assign]
    monkeypatch.setattr(sys, "stdout", buffer)
    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.setenv("NO_COLOR", "1")
    print_table(["任务", "单位"], [["建设创新平台", "区科技局、区发改局、区住建局"]])
    drawn = buffer.getvalue()
    assert "\x1b[1m任务" in drawn  # a terminal gets bold headers…
    assert re.search("\x1b\\[[0-9;]*[34][0-9]m", drawn) is None  # …and, with NO_COLOR, no colour
    assert "区科技局" in drawn and "─" in drawn
    from rich.cells import cell_len

    visible = re.sub("\x1b\\[[0-9;]*m", "", drawn)
    assert max(cell_len(line) for line in visible.splitlines()) <= 40  # wrapped to the window


def test_python_dash_m_runs_the_cli():
    result = subprocess.run(
        [sys.executable, "-m", "zctasks", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.startswith("zctasks ")


def test_list_does_not_import_heavy_libraries(tmp_path):
    """The hot path: no templates, no documents, no spreadsheets, no pydantic once cached."""
    script = (
        "import sys\n"
        "from zctasks.cli import app\n"
        "for _ in range(2):\n"
        "    try:\n"
        "        app(['list', '--dept', '区发改局'])\n"
        "    except SystemExit:\n"
        "        pass\n"
        "    print(sorted({m.split('.')[0] for m in sys.modules}), file=sys.stderr)\n"
    )
    env = {**os.environ, "ZCTASKS_CACHE_DIR": str(tmp_path)}
    cold = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    warm = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    cold_modules = json.loads(cold.stderr.splitlines()[0].replace("'", '"'))
    warm_modules = json.loads(warm.stderr.splitlines()[0].replace("'", '"'))
    for heavy in ("jinja2", "docx", "openpyxl"):
        assert heavy not in cold_modules
        assert heavy not in warm_modules
    assert "pydantic" in cold_modules  # the first run validates
    assert (
        "pydantic" not in warm_modules and "yaml" not in warm_modules
    )  # later runs read the cache


def test_a_warm_status_loads_neither_yaml_nor_openssl_nor_the_roll_up(tmp_path, make_ledger):
    """Lights from a cached log: no YAML reader, no pydantic, no hashlib (OpenSSL), no
    msgspec (no line is new), no roll-up models."""
    root = make_ledger()
    (root / "data" / "progress").mkdir(parents=True)
    (root / "data" / "progress" / "2023-07.yaml").write_text(
        '# 进展记录\n- {"id": "2023-07-03-1-aaaaaa", "task": 1, "date": "2023-07-03", '
        '"by": "区科技局", "status": "推进中", "values": {"1.1": 3}, "note": "进展"}\n',
        "utf-8",
    )
    script = (
        "import sys\n"
        "from zctasks.cli import app\n"
        "try:\n"
        f"    app(['--root', {str(root)!r}, 'status', '--as-of', '2023-07-31'])\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "print(sorted(sys.modules), file=sys.stderr)\n"
    )
    env = {**os.environ, "ZCTASKS_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("ZCTASKS_NO_CACHE", None)
    runs = [
        subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
        )
        for _ in range(2)
    ]
    cold, warm = (set(json.loads(r.stderr.splitlines()[-1].replace("'", '"'))) for r in runs)
    assert {"yaml", "pydantic", "msgspec"} <= cold  # the first run reads and checks
    unneeded = {"yaml", "pydantic", "msgspec", "hashlib", "zctasks.rollup.model"}
    assert unneeded & warm == set()


def test_cache_sees_a_one_byte_change_with_same_size_and_mtime(make_ledger):
    root = make_ledger()
    tasks_file = root / "data" / "tasks.yaml"
    assert loading.load_ledger(root).tasks[2].title == "节约用水"
    before = tasks_file.stat()
    tasks_file.write_bytes(
        tasks_file.read_bytes().replace("节约用水".encode(), "节省用水".encode())
    )
    os.utime(tasks_file, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = tasks_file.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert loading.load_ledger(root).tasks[2].title == "节省用水"


def test_cache_never_hides_a_new_error(zc, make_ledger):
    root = make_ledger()
    assert zc("list", root=root).exit_code == 0
    (root / "data" / "tasks.yaml").write_text(TASKS + "owner: x\n", "utf-8")
    assert zc("list", root=root).exit_code == 1


def test_unwritable_cache_is_skipped(zc, make_ledger, monkeypatch, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("ZCTASKS_CACHE_DIR", str(blocker / "cache"))
    assert zc("list", root=make_ledger()).exit_code == 0


def test_wheel_carries_the_plan_and_templates(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("zctasks-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for packaged in (
        "zctasks/_bundled/data/tasks.yaml",
        "zctasks/_bundled/data/departments.yaml",
        "zctasks/_bundled/templates/README.md",
        "zctasks/cli/__init__.py",
    ):
        assert packaged in names
    from zctasks.scaffold.folder import COPIED

    for copied in COPIED:  # issue 18, item 12: init copies schema/ from an installed wheel too
        assert f"zctasks/_bundled/{copied}" in names, copied


def test_bundled_root_prefers_the_packaged_copy(tmp_path, monkeypatch):
    import zctasks.files.root as root_module

    package = tmp_path / "site-packages" / "zctasks"
    (package / "_bundled" / "data").mkdir(parents=True)
    (package / "_bundled" / "data" / "tasks.yaml").write_text("plan: {}\n")
    monkeypatch.setattr(root_module, "__file__", str(package / "files" / "root.py"))
    assert bundled_root() == package / "_bundled"
    assert Path(root_module.__file__).name == "root.py"


def test_file_system_errors_are_one_line_messages(zc, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = zc("init", str(blocker / "ledger"))
    assert result.exit_code == 2
    assert result.stderr == f"错误：无法新建台账 {blocker / 'ledger'}：{blocker} 是文件，不是目录\n"
    result = zc("report", "ledger", "-o", str(blocker / "x.md"))
    assert result.exit_code == 2
    assert result.stderr == f"错误：输出目录 {blocker} 不存在\n"
