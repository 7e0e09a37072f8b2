"""Recording with git: exact commits, concurrent commits, hooks, merges and corrections."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import git

JULY = "data/progress/2023-07.yaml"


def run_git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)


def add(zc, root, task, unit, day, note, *more):
    return zc(
        "progress", "add", task, "--by", unit, "--date", day, "--note", note, *more, root=root
    )


def entry_ids(zc, root, *args):
    return [
        e["id"] for e in json.loads(zc("progress", "log", "-f", "json", *args, root=root).stdout)
    ]


def test_commit_takes_exactly_the_lines_this_command_wrote(zc, git_ledger):
    assert add(zc, git_ledger, "7", "区工信局", "2023-07-10", "先记未提交").exit_code == 0
    result = add(zc, git_ledger, "7", "区工信局", "2023-07-14", "再记并提交", "--commit")
    assert result.exit_code == 0, result.stderr
    first, second = entry_ids(zc, git_ledger)
    committed = git(git_ledger, "show", f"HEAD:{JULY}")
    assert second in committed and first not in committed
    assert (
        git(git_ledger, "log", "-1", "--format=%(trailers:key=Entry,valueonly)").strip() == second
    )
    assert git(git_ledger, "diff", "--cached") == ""  # the index agrees with the commit …
    diff = git(git_ledger, "diff", "-U0", "--", JULY)
    assert [line for line in diff.splitlines() if line.startswith(("+-", "+{", "+ ", "+-"))] == [
        line for line in diff.splitlines() if first in line
    ]  # … and the earlier entry is still there, uncommitted


def test_an_imported_batch_commit_names_every_entry(zc, git_ledger, tmp_path):
    sheet = tmp_path / "工信局.csv"
    sheet.write_text(
        "任务序号,单位,日期,进展情况\n7,区工信局,2023-07-10,甲\n7,区工信局,2023-08-10,乙\n", "utf-8"
    )
    result = zc("progress", "import", str(sheet), "--commit", root=git_ledger)
    assert result.exit_code == 0, result.stderr
    ids = entry_ids(zc, git_ledger)
    message = git(git_ledger, "log", "-1", "--format=%B")
    assert message == (
        "进展: 导入2条 区工信局\n\nSource-File: 工信局.csv\nEntries: 2\n"
        f"Entry: {ids[0]}\nEntry: {ids[1]}\n\n"
    )
    assert git(git_ledger, "show", "--name-only", "--format=", "HEAD").split() == [
        "data/progress/2023-07.yaml",
        "data/progress/2023-08.yaml",
    ]
    assert git(git_ledger, "status", "--porcelain") == ""


def test_ten_concurrent_commits_in_one_repository_all_land(zc, git_ledger):
    env = dict(os.environ)
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "zctasks",
                "--root",
                str(git_ledger),
                "progress",
                "add",
                "7",
                "--by",
                "区工信局",
                "--date",
                "2023-07-14",
                "--note",
                f"第{i}条",
                "--commit",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for i in range(10)
    ]
    outcomes = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0] * 10, [err for _, err in outcomes]
    assert len(entry_ids(zc, git_ledger)) == 10
    assert git(git_ledger, "rev-list", "--count", "HEAD").strip() == "11"
    assert git(git_ledger, "status", "--porcelain") == ""
    committed = git(git_ledger, "show", f"HEAD:{JULY}")
    assert committed.count("\n- {") == 10


def test_commit_needs_a_first_commit(zc, tmp_path, git_identity):
    root = tmp_path / "新台账"
    assert zc("init", str(root)).exit_code == 0
    result = add(zc, root, "7", "区工信局", "2023-07-14", "x", "--commit")
    assert (result.exit_code, result.stderr) == (
        1,
        "错误：仓库还没有任何提交，没有写入\n"
        "提示：先提交台账本身：git add -A && git commit -m 初始化台账；或去掉 --commit\n",
    )
    assert not (root / JULY).exists()


# ---------------------------------------------------------------- hooks


def test_a_clone_gets_working_hooks_with_no_machine_paths(zc, git_ledger, tmp_path):
    assert add(zc, git_ledger, "7", "区工信局", "2023-07-14", "甲", "--commit").exit_code == 0
    clone = tmp_path / "同事的克隆"
    git(git_ledger, "clone", "-q", str(git_ledger), str(clone))
    warned = zc("check", root=clone)
    assert warned.exit_code == 0
    assert warned.stderr == (
        "注意：本仓库没有安装 zctasks 的提交检查钩子（克隆的仓库不带钩子）；运行 zctasks hooks install\n"
    )
    result = zc("hooks", "install", root=clone)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "".join(
        f"已安装钩子 {name}\n"
        for name in (
            "pre-commit",
            "pre-merge-commit",
            "pre-applypatch",
            "post-merge",
            "post-rewrite",
            "pre-push",
        )
    )
    assert zc("hooks", "install", root=clone).stdout == "钩子和合并规则都已就绪，没有改动。\n"
    for name in ("pre-commit", "pre-merge-commit", "post-merge", "post-rewrite", "pre-push"):
        script = (clone / ".git" / "hooks" / name).read_text("utf-8")
        assert str(Path(sys.executable).parent) not in script
        assert f'exec zctasks hooks run {name} "$@"' in script
    assert zc("check", root=clone).stderr == ""


def test_install_keeps_a_foreign_hook_unless_forced(zc, git_ledger):
    hook = git_ledger / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho mine\n", "utf-8")
    refused = zc("hooks", "install", root=git_ledger)
    assert refused.exit_code == 2
    assert refused.stderr.startswith(f"错误：{hook} 已有其他钩子，没有覆盖\n")
    forced = zc("hooks", "install", "--force", root=git_ledger)
    assert forced.stdout.splitlines()[:2] == [
        "原有钩子另存为 pre-commit.orig",
        "已安装钩子 pre-commit",
    ]
    assert (hook.parent / "pre-commit.orig").read_text("utf-8") == "#!/bin/sh\necho mine\n"


def test_install_writes_the_union_rule_where_it_is_missing(zc, git_ledger):
    (git_ledger / ".gitattributes").write_text("*.txt text\n", "utf-8")
    result = zc("hooks", "install", root=git_ledger)
    assert result.stdout == (
        "已在 .gitattributes 中写入 data/progress/*.yaml merge=union、data/urges/*.yaml merge=union、"
        "data/scores/*.yaml merge=union、data/briefings/*.yaml merge=union、"
        "data/progress/*.yaml text eol=lf、data/urges/*.yaml text eol=lf、"
        "data/scores/*.yaml text eol=lf、data/briefings/*.yaml text eol=lf\n"
    )
    assert (git_ledger / ".gitattributes").read_text("utf-8") == (
        "*.txt text\ndata/progress/*.yaml merge=union\ndata/urges/*.yaml merge=union\n"
        "data/scores/*.yaml merge=union\ndata/briefings/*.yaml merge=union\n"
        "data/progress/*.yaml text eol=lf\ndata/urges/*.yaml text eol=lf\n"
        "data/scores/*.yaml text eol=lf\ndata/briefings/*.yaml text eol=lf\n"
    )


def test_the_hook_refuses_editing_or_deleting_recorded_progress(zc, git_ledger):
    add(zc, git_ledger, "7", "区工信局", "2023-07-14", "数值填错", "-v", "7.1=250", "--commit")
    path = git_ledger / JULY
    path.write_text(path.read_text("utf-8").replace('"7.1": 250', '"7.1": 25'), "utf-8")
    git(git_ledger, "add", JULY)
    result = run_git(git_ledger, "commit", "-q", "-m", "手工改数")
    assert result.returncode == 1
    assert (
        "zctasks（pre-commit）：提交被拒绝。\n- data/progress/2023-07.yaml：这次提交会修改或删除已记录的进展："
        in result.stderr
    )
    assert "改正进展用 zctasks progress fix，撤销用 zctasks progress void" in result.stderr
    git(git_ledger, "reset", "-q")
    git(git_ledger, "checkout", "--", JULY)
    path.write_text(path.read_text("utf-8").splitlines()[0] + "\n", "utf-8")
    git(git_ledger, "add", JULY)
    assert run_git(git_ledger, "commit", "-q", "-m", "删掉一行").returncode == 1


def test_the_hook_lets_a_merged_duplicate_line_go(zc, git_ledger):
    add(zc, git_ledger, "7", "区工信局", "2023-07-14", "甲", "--commit")
    path = git_ledger / JULY
    line = path.read_text("utf-8").splitlines()[-1]
    path.write_text(path.read_text("utf-8") + line + "\n", "utf-8")  # as a merge can leave it
    git(git_ledger, "commit", "-q", "--no-verify", "-am", "合并留下的重复行")
    assert "error[duplicate-entry]" in zc("check", root=git_ledger).stdout
    path.write_text(path.read_text("utf-8").removesuffix(line + "\n"), "utf-8")
    git(git_ledger, "add", JULY)
    result = run_git(git_ledger, "commit", "-q", "-m", "删去重复的一行")
    assert result.returncode == 0, result.stderr


def test_a_merge_commit_that_drops_progress_is_refused(zc, git_ledger):
    add(zc, git_ledger, "7", "区工信局", "2023-07-14", "甲", "--commit")
    git(git_ledger, "checkout", "-q", "-b", "删行")
    path = git_ledger / JULY
    path.write_text(path.read_text("utf-8").splitlines()[0] + "\n", "utf-8")
    git(git_ledger, "commit", "-q", "--no-verify", "-am", "绕过钩子删行")
    git(git_ledger, "checkout", "-q", "-")
    add(
        zc, git_ledger, "8", "区发改局", "2023-08-15", "乙", "--commit"
    )  # another file: a clean merge
    result = run_git(git_ledger, "merge", "-q", "--no-edit", "删行")
    assert result.returncode == 1
    assert "zctasks（pre-merge-commit）：提交被拒绝。" in result.stderr
    assert "这次提交会修改或删除已记录的进展" in result.stderr


def test_a_merge_without_the_union_rule_is_explained(zc, git_ledger):
    (git_ledger / ".gitattributes").write_text("", "utf-8")
    git(git_ledger, "commit", "-q", "--no-verify", "-am", "去掉合并规则")
    git(git_ledger, "checkout", "-q", "-b", "同事")
    add(zc, git_ledger, "8", "区发改局", "2023-07-15", "乙", "--commit")
    git(git_ledger, "checkout", "-q", "-")
    add(zc, git_ledger, "7", "区工信局", "2023-07-14", "甲", "--commit")
    assert run_git(git_ledger, "merge", "-q", "--no-edit", "同事").returncode == 1  # a conflict
    checked = zc("check", root=git_ledger)
    assert checked.exit_code == 1
    assert checked.stdout.startswith(
        f"{JULY}:2:1: error[conflict-marker]: git 合并冲突标记“<<<<<<<”：两个分支的进展记录没有按行合并\n"
        "  提示：保留两边的全部记录行，删去 <<<<<<<、=======、>>>>>>> 标记行；"
        "再在 .gitattributes 中写入 data/progress/*.yaml merge=union（zctasks hooks install 会写入），"
        "以后的合并就不会冲突\n"
    )
    assert f"{JULY}:1:1: error[merge-rule]: git 合并这个文件时不按行合并" in checked.stdout
    git(git_ledger, "add", JULY)
    refused = run_git(git_ledger, "commit", "-q", "--no-edit")
    assert refused.returncode == 1
    assert "含有 git 合并冲突标记“<<<<<<<”" in refused.stderr


# ---------------------------------------------------------------- corrections and merges


@pytest.fixture
def branches(zc, git_ledger):
    """A wrong figure committed on main; a colleague's branch made from there."""
    add(zc, git_ledger, "7", "区工信局", "2023-07-14", "技改投资", "-v", "7.1=250", "--commit")
    git(git_ledger, "branch", "同事")
    return git_ledger


def current_branch(root):
    return git(root, "rev-parse", "--abbrev-ref", "HEAD").strip()


def test_a_correction_survives_a_union_merge(zc, branches):
    (wrong,) = entry_ids(zc, branches)
    main = current_branch(branches)
    assert zc("progress", "fix", wrong, "-v", "7.1=25", "--commit", root=branches).exit_code == 0
    git(branches, "checkout", "-q", "同事")
    add(zc, branches, "8", "区发改局", "2023-07-20", "同事记的", "--commit")
    git(branches, "checkout", "-q", "-")
    merged = run_git(branches, "merge", "-q", "--no-edit", "同事")
    assert merged.returncode == 0, merged.stderr
    assert zc("check", root=branches).exit_code == 0
    state = json.loads(zc("show", "7", "--as-of", "2023-07-31", "-f", "json", root=branches).stdout)
    assert state["targets"][0]["state"]["actual"] == 25
    assert [e["note"] for e in state["progress"]] == ["技改投资"]
    git(branches, "checkout", "-q", "同事")  # and the other way round
    assert run_git(branches, "merge", "-q", "--no-edit", main).returncode == 0
    state = json.loads(zc("show", "7", "--as-of", "2023-07-31", "-f", "json", root=branches).stdout)
    assert state["targets"][0]["state"]["actual"] == 25


def test_two_branches_correcting_the_same_entry_are_flagged(zc, branches):
    (wrong,) = entry_ids(zc, branches)
    zc("progress", "fix", wrong, "-v", "7.1=25", "--commit", root=branches)
    git(branches, "checkout", "-q", "同事")
    zc("progress", "fix", wrong, "-v", "7.1=26", "--commit", root=branches)
    git(branches, "checkout", "-q", "-")
    assert run_git(branches, "merge", "-q", "--no-edit", "同事").returncode == 0
    checked = zc("check", root=branches)
    assert checked.exit_code == 0
    assert "warning[replaced-twice]" in checked.stdout


def test_the_hook_refuses_editing_an_issued_slip(zc, git_ledger):
    urges = git_ledger / "data" / "urges"
    urges.mkdir()
    slip = (
        '- {"number": 1, "code": "川发改催〔2023〕1号", "unit": "区工信局", "issued": "2023-10-20", '
        '"due": "2023-10-27", "by": "区发改局", "items": [{"task": 7, "light": "grey", "situation": "未报送"}], '
        '"at": "2023-10-20T09:00:00.000+08:00"}\n'
    )
    (urges / "2023.yaml").write_text("# 催办单登记\n" + slip, "utf-8")
    git(git_ledger, "add", "data/urges")
    git(git_ledger, "commit", "-q", "-m", "登记催办单")
    (urges / "2023.yaml").write_text("# 催办单登记\n", "utf-8")
    git(git_ledger, "add", "data/urges")
    result = run_git(git_ledger, "commit", "-q", "-m", "删去催办单")
    assert result.returncode == 1
    assert "data/urges/2023.yaml：这次提交会修改或删除已记录的催办单" in result.stderr
