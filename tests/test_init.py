"""zctasks init: a ledger folder with git, merge rules, a pre-commit check and, on request, demo data."""

from __future__ import annotations

import json
import os
import subprocess

from conftest import REPO


def test_init_makes_a_checked_git_ledger(zc, tmp_path):
    root = tmp_path / "2024台账"
    result = zc("init", str(root))
    assert result.exit_code == 0
    assert result.stdout == (
        f"已新建台账 {root}（git 仓库，已安装提交前检查）\n下一步：cd {root} && git add -A && git commit -m 初始化台账\n"
    )
    for relative in (
        "data/tasks.yaml",
        "data/departments.yaml",
        "data/config.yaml",
        "schema/tasks.schema.json",
    ):
        assert (root / relative).read_bytes() == (REPO / relative).read_bytes()
    assert [
        line
        for line in (root / ".gitattributes").read_text("utf-8").splitlines()
        if line[:1] != "#"
    ] == [
        "data/progress/*.yaml merge=union",
        "data/urges/*.yaml merge=union",
        "data/scores/*.yaml merge=union",
        "data/briefings/*.yaml merge=union",
        "data/progress/*.yaml text eol=lf",
        "data/urges/*.yaml text eol=lf",
        "data/scores/*.yaml text eol=lf",
        "data/briefings/*.yaml text eol=lf",
    ]
    assert not (root / "data" / "scoring.yaml").exists()  # the demo's rules fit only 2023
    assert (root / "data" / "progress").is_dir()
    assert not list((root / "data" / "progress").glob("*.yaml"))
    hook = root / ".git" / "hooks" / "pre-commit"
    assert os.access(hook, os.X_OK)
    assert zc("check", root=root).exit_code == 0


def test_the_pre_commit_hook_refuses_an_invalid_ledger(zc, tmp_path, monkeypatch):
    for key, value in (
        ("GIT_AUTHOR_NAME", "a"),
        ("GIT_COMMITTER_NAME", "a"),
        ("GIT_AUTHOR_EMAIL", "a@b"),
        ("GIT_COMMITTER_EMAIL", "a@b"),
    ):
        monkeypatch.setenv(key, value)
    root = tmp_path / "ledger"
    zc("init", str(root))
    tasks = root / "data" / "tasks.yaml"
    tasks.write_text(
        tasks.read_text("utf-8").replace("lead: [区科技局]", "lead: [区科技委]", 1), "utf-8"
    )
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    refused = subprocess.run(
        ["git", "-C", str(root), "commit", "-q", "-m", "坏数据"], capture_output=True, text=True
    )
    assert refused.returncode != 0
    assert "error[unknown-unit]: 未知单位“区科技委”" in refused.stdout + refused.stderr


def test_init_refuses_a_folder_that_is_not_empty(zc, tmp_path):
    (tmp_path / "x.txt").write_text("x")
    result = zc("init", str(tmp_path))
    assert (result.exit_code, result.stderr) == (
        2,
        f"错误：目录 {tmp_path} 已存在且不为空\n提示：请指定一个新目录\n",
    )


def test_demo_data_is_labelled_and_reproducible(zc, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    assert zc("init", str(first), "--demo").exit_code == 0
    zc("init", str(second), "--demo")
    entries = json.loads(zc("progress", "log", "-f", "json", root=first).stdout)
    assert len(entries) > 100
    assert all(
        e["note"].startswith("【示例数据】") and e["source"].startswith("【示例数据】")
        for e in entries
    )
    for month in ("2023-07", "2023-10"):
        path = f"data/progress/{month}.yaml"
        assert (first / path).read_bytes() == (second / path).read_bytes()
    assert zc("check", root=first).exit_code == 0
    counts = json.loads(zc("status", "--as-of", "2023-10-31", "-f", "json", root=first).stdout)[
        "counts"
    ]
    assert all(counts[light] > 0 for light in ("done", "green", "yellow", "red", "grey"))


def test_the_shipped_ledger_holds_no_progress():
    assert not list((REPO / "data").glob("progress/*.yaml"))


def test_pre_commit_framework_hook_is_declared():
    text = (REPO / ".pre-commit-hooks.yaml").read_text("utf-8")
    assert (
        "- id: zctasks-check" in text
        and "entry: zctasks check" in text
        and "pass_filenames: false" in text
    )
    assert "- id: zctasks-append-only" in text and "entry: zctasks hooks run pre-commit" in text


def test_init_on_a_full_disk_leaves_nothing_and_can_be_run_again(zc, tmp_path, monkeypatch):
    import errno
    import shutil

    real = shutil.copyfile
    calls = {"n": 0}

    def full(source, destination, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(source, destination, *args, **kwargs)

    monkeypatch.setattr("zctasks.scaffold.folder.shutil.copyfile", full)
    target = tmp_path / "台账"
    result = zc("init", str(target))
    assert (result.exit_code, result.stderr) == (
        1,
        f"错误：无法新建台账 {target}：No space left on device\n"
        "提示：检查磁盘空间和目录权限后重试；没有留下任何文件\n",
    )
    assert list(tmp_path.iterdir()) == []
    monkeypatch.setattr("zctasks.scaffold.folder.shutil.copyfile", real)
    assert zc("init", str(target)).exit_code == 0
