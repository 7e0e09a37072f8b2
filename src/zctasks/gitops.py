"""The few git operations the ledger needs, through the git command line."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from zctasks.errors import ZctasksError


class GitError(ZctasksError):
    pass


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    if shutil.which("git") is None:
        raise GitError("找不到 git 命令", "请先安装 git")
    return subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=False
    )


def require_repository(root: Path) -> None:
    result = _git(root, "rev-parse", "--is-inside-work-tree")
    if result.returncode != 0 or result.stdout.strip() != "true":
        raise GitError(
            f"台账目录 {root} 不是 git 仓库，无法提交",
            "先在该目录运行 git init（或用 zctasks init 新建台账），或去掉 --commit 只写入文件",
        )


def commit(root: Path, paths: list[Path], subject: str, trailers: dict[str, str]) -> str:
    """Stage ``paths`` and commit only them; returns the new commit's short hash."""
    names = [str(p) for p in paths]
    added = _git(root, "add", "--", *names)
    if added.returncode != 0:
        raise GitError(f"git add 失败：{added.stderr.strip()}")
    message = (
        subject + "\n\n" + "\n".join(f"{key}: {value}" for key, value in trailers.items()) + "\n"
    )
    done = _git(root, "commit", "--quiet", "-m", message, "--", *names)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip()
        raise GitError(f"git commit 失败：{detail}", "记录已写入文件，可修正后手动提交")
    return _git(root, "rev-parse", "--short", "HEAD").stdout.strip()


def init(root: Path) -> None:
    result = _git(root, "init", "--quiet")
    if result.returncode != 0:
        raise GitError(f"git init 失败：{result.stderr.strip()}")
