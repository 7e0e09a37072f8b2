"""Git used as people use it: a pull during a commit, porcelain settings, a ledger in a
sub-folder or named by ZCTASKS_ROOT, the verbs that run no pre-commit hook (revert,
cherry-pick, merge -s ours, fast-forward), per-file merge attributes, CRLF and moved files,
and the rerun after an interrupted --commit."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import git

JULY = "data/progress/2023-07.yaml"


def run_git(root: Path, *args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, **kwargs)


def add(zc, root, task, unit, day, note, *more):
    return zc(
        "progress", "add", task, "--by", unit, "--date", day, "--note", note, *more, root=root
    )


def _edit_july(root: Path, old: str, new: str) -> None:
    path = root / JULY
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


# ---------------------------------------------------------------- 8. HEAD after a commit


def _head_moved_after_commit(monkeypatch, root: Path, also_file: bool):
    """A `git pull`/`git reset` that lands just after zctasks moved HEAD: HEAD goes back to
    where it was (and, like a checkout, the month file with it)."""
    from zctasks.files import gitops

    real = gitops._git

    def racing(folder, *args, **kwargs):
        result = real(folder, *args, **kwargs)
        if args[:1] == ("update-ref",) and result.returncode == 0 and args[-1] != "0" * 40:
            real(folder, "update-ref", "HEAD", args[-1])
            if also_file:
                (root / JULY).write_bytes(real(folder, "cat-file", "blob", f"HEAD:{JULY}").stdout)
        return result

    monkeypatch.setattr(gitops, "_git", racing)


@pytest.mark.parametrize("also_file", [False, True])
def test_an_entry_whose_commit_left_head_is_kept_and_said(zc, git_ledger, monkeypatch, also_file):
    assert add(zc, git_ledger, "7", "区工信局", "2023-07-10", "先", "--commit").exit_code == 0
    _head_moved_after_commit(monkeypatch, git_ledger, also_file)
    result = add(zc, git_ledger, "7", "区工信局", "2023-07-14", "后", "--commit")
    assert result.exit_code == 1
    (entry,) = [e for e in _log(zc, git_ledger) if e["note"] == "后"]
    assert result.stderr.startswith(
        f"错误：记录已保存（{entry['id']}），但没有提交：提交后 HEAD 中没有这条记录"
        "（同时进行的 git 操作改动了仓库；提交 "
    )
    assert result.stderr.endswith(
        "提示：记录保存在 data/progress/2023-07.yaml 中，尚未提交；再运行同一条命令（带 --commit）"
        "即可提交，不会重复记录\n"
    )
    assert "已提交" not in result.stdout
    assert entry["id"] in (git_ledger / JULY).read_text("utf-8")  # kept in the working tree
    monkeypatch.undo()
    rerun = add(zc, git_ledger, "7", "区工信局", "2023-07-14", "后", "--commit")
    assert rerun.exit_code == 0, rerun.stderr
    assert rerun.stdout.startswith(f"相同的进展已经记录过（编号 {entry['id']}），尚未提交；已提交 ")
    assert entry["id"] in git(git_ledger, "show", f"HEAD:{JULY}")
    assert [e["note"] for e in _log(zc, git_ledger)] == ["先", "后"]


def _log(zc, root):
    return json.loads(zc("progress", "log", "-f", "json", root=root).stdout)


# ---------------------------------------------------------------- 14. reruns


def test_a_rerun_after_a_failed_commit_commits_the_entry(zc, git_ledger):
    busy = git_ledger / ".git" / "MERGE_HEAD"  # a merge in progress: no commit now
    busy.write_text(git(git_ledger, "rev-parse", "HEAD"), "utf-8")
    failed = add(zc, git_ledger, "7", "区工信局", "2023-07-14", "技改", "--commit")
    assert failed.exit_code == 1
    assert "但没有提交：仓库正在合并，没有提交" in failed.stderr
    assert "再运行同一条命令（带 --commit）即可提交" in failed.stderr
    busy.unlink()
    rerun = add(zc, git_ledger, "7", "区工信局", "2023-07-14", "技改", "--commit")
    assert rerun.exit_code == 0, rerun.stderr
    (entry,) = _log(zc, git_ledger)
    assert rerun.stdout.startswith(f"相同的进展已经记录过（编号 {entry['id']}），尚未提交；已提交 ")
    assert (
        git(git_ledger, "log", "-1", "--format=%(trailers:key=Entry,valueonly)").strip()
        == (entry["id"])
    )
    assert git(git_ledger, "status", "--porcelain") == ""
    again = add(zc, git_ledger, "7", "区工信局", "2023-07-14", "技改", "--commit")
    assert (again.exit_code, again.stderr.splitlines()[0]) == (
        1,
        f"错误：相同的进展已经记录过（编号 {entry['id']}），没有重复记录",
    )


def test_an_import_rerun_commits_what_the_interrupted_one_left(zc, git_ledger, tmp_path):
    sheet = tmp_path / "工信局.csv"
    sheet.write_text("任务序号,单位,日期,进展情况\n7,区工信局,2023-07-10,甲\n", "utf-8")
    assert zc("progress", "import", str(sheet), root=git_ledger).exit_code == 0  # no --commit
    result = zc("progress", "import", str(sheet), "--commit", root=git_ledger)
    assert result.exit_code == 0, result.stderr
    assert (
        "已导入 0 条进展；跳过 1 条已记录过的相同报送（其中 1 条尚未提交，已一并提交）"
        in result.stdout
    )
    assert git(git_ledger, "status", "--porcelain") == ""


# ---------------------------------------------------------------- 9. porcelain settings


@pytest.mark.parametrize(
    "setting", [("diff.mnemonicPrefix", "true"), ("diff.noprefix", "true"), ("color.ui", "always")]
)
def test_porcelain_settings_do_not_switch_the_hook_off(zc, git_ledger, setting):
    add(zc, git_ledger, "7", "区工信局", "2023-07-14", "数值", "-v", "7.1=250", "--commit")
    git(git_ledger, "config", *setting)
    _edit_july(git_ledger, '"7.1": 250', '"7.1": 25')
    git(git_ledger, "add", JULY)
    result = run_git(git_ledger, "commit", "-q", "-m", "手工改数")
    assert result.returncode == 1
    assert "这次提交会修改或删除已记录的进展" in result.stderr


def test_an_added_line_that_looks_like_a_diff_header_does_not_hide_an_edit(zc, git_ledger):
    add(zc, git_ledger, "7", "区工信局", "2023-07-14", "数值", "-v", "7.1=250", "--commit")
    _edit_july(git_ledger, '"7.1": 250', '"7.1": 25')
    path = git_ledger / JULY
    path.write_text("++ b/x\n--- a/y\n" + path.read_text("utf-8"), "utf-8")
    git(git_ledger, "add", JULY)
    result = run_git(git_ledger, "commit", "-q", "-m", "伪装")
    assert result.returncode == 1
    assert "这次提交会修改或删除已记录的进展" in result.stderr


# ---------------------------------------------------------------- 10. which repository


def test_the_hook_checks_the_repository_being_committed(zc, git_ledger, tmp_path, monkeypatch):
    other = tmp_path / "别的台账"
    assert zc("init", str(other)).exit_code == 0
    add(zc, git_ledger, "7", "区工信局", "2023-07-14", "数值", "-v", "7.1=250", "--commit")
    monkeypatch.setenv("ZCTASKS_ROOT", str(other))
    _edit_july(git_ledger, '"7.1": 250', '"7.1": 25')
    git(git_ledger, "add", JULY)
    result = run_git(git_ledger, "commit", "-q", "-m", "手工改数")
    assert result.returncode == 1
    assert "这次提交会修改或删除已记录的进展" in result.stderr


def test_a_ledger_in_a_sub_folder_commits_and_is_guarded(zc, tmp_path, git_identity):
    repo = tmp_path / "科室仓库"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "说明.txt").write_text("科室的文件\n", "utf-8")
    ledger = repo / "台账"
    assert zc("init", str(ledger)).exit_code == 0
    shutil.rmtree(ledger / ".git")  # one repository, the ledger in a folder of it
    assert zc("hooks", "install", root=ledger).exit_code == 0
    git(repo, "add", "-A")
    first = run_git(repo, "commit", "-q", "-m", "台账")
    assert first.returncode == 0, first.stderr
    result = add(zc, ledger, "7", "区工信局", "2023-07-14", "数值", "-v", "7.1=250", "--commit")
    assert result.exit_code == 0, result.stderr
    assert git(repo, "status", "--porcelain") == ""
    (repo / "说明.txt").write_text("改了说明\n", "utf-8")
    assert run_git(repo, "commit", "-q", "-am", "别的文件").returncode == 0
    _edit_july(ledger, '"7.1": 250', '"7.1": 25')
    git(repo, "add", "-A")
    refused = run_git(repo, "commit", "-q", "-m", "手工改数")
    assert refused.returncode == 1
    assert "台账/data/progress/2023-07.yaml：这次提交会修改或删除已记录的进展" in refused.stderr
    assert zc("check", root=ledger).stderr == ""  # hooks and rules found where they are


# ---------------------------------------------------------------- 11. history


@pytest.fixture
def appended(zc, git_ledger):
    assert add(zc, git_ledger, "7", "区工信局", "2023-07-10", "甲", "--commit").exit_code == 0
    assert add(zc, git_ledger, "7", "区工信局", "2023-07-14", "乙", "--commit").exit_code == 0
    return git_ledger


def test_a_revert_that_removes_an_entry_is_found_in_the_history(zc, appended):
    assert zc("check", "--history", root=appended).exit_code == 0
    assert run_git(appended, "revert", "--no-edit", "HEAD").returncode == 0  # no pre-commit
    revert = git(appended, "rev-parse", "--short=7", "HEAD").strip()
    result = zc("check", "--history", root=appended)
    assert result.exit_code == 1
    assert (
        f'{JULY}:1:1: error[history]: 提交 {revert}（Revert "进展: 任务7 区工信局 2023-07-14"）'
        "改动、删除或调换了已记录的行\n"
    ) in result.stdout
    assert zc("check", root=appended).exit_code == 0  # without --history: the files are valid
    assert zc("check", "--history", "HEAD", root=appended).exit_code == 0  # since the revert


def test_check_history_names_a_revision_that_does_not_exist(zc, appended, make_ledger):
    result = zc("check", "--history", "没有这个", root=appended)
    assert (result.exit_code, result.stderr) == (
        2,
        "错误：git 中没有“没有这个”这个提交\n提示：写提交号、分支名或标签，如 HEAD~3\n",
    )
    outside = zc("check", "--history", root=make_ledger())
    assert outside.exit_code == 2 and "不是 git 仓库" in outside.stderr


def test_a_cherry_pick_that_edits_an_entry_is_refused_at_push(zc, appended, tmp_path):
    remote = tmp_path / "远端.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(appended, "remote", "add", "origin", str(remote))
    assert run_git(appended, "push", "-q", "origin", "HEAD:refs/heads/main").returncode == 0
    git(appended, "checkout", "-q", "-b", "改数")
    _edit_july(appended, '"note": "甲"', '"note": "甲改"')
    git(appended, "commit", "-q", "--no-verify", "-am", "绕过钩子改数")
    git(appended, "checkout", "-q", "-")
    assert run_git(appended, "cherry-pick", "改数").returncode == 0
    pushed = run_git(appended, "push", "-q", "origin", "HEAD:refs/heads/main")
    assert pushed.returncode == 1
    assert "zctasks（pre-push）：历史中有提交改动了已记录的行，记录只能追加：" in pushed.stderr
    assert (
        "（绕过钩子改数）改动、删除或调换了已记录的行：data/progress/2023-07.yaml" in pushed.stderr
    )


def test_a_merge_that_keeps_only_one_side_is_reported_after_it(zc, appended):
    git(appended, "checkout", "-q", "-b", "同事")
    assert add(zc, appended, "8", "区发改局", "2023-07-20", "同事的", "--commit").exit_code == 0
    git(appended, "checkout", "-q", "-")
    merged = run_git(appended, "merge", "-s", "ours", "--no-edit", "同事")
    assert merged.returncode == 0  # git has no hook that can stop it
    assert "zctasks（post-merge）：历史中有提交改动了已记录的行" in merged.stderr
    assert "（Merge branch '同事'" in merged.stderr
    assert zc("check", "--history", root=appended).exit_code == 1


def test_a_fast_forward_pull_of_a_rewrite_is_reported(zc, appended, tmp_path):
    clone = tmp_path / "克隆"
    git(appended, "clone", "-q", str(appended), str(clone))
    assert zc("hooks", "install", root=clone).exit_code == 0
    _edit_july(appended, '"note": "乙"', '"note": "乙改"')
    git(appended, "commit", "-q", "--no-verify", "-am", "绕过钩子改数")
    pulled = run_git(clone, "pull", "-q", "--ff-only")
    assert pulled.returncode == 0
    assert "zctasks（post-merge）" in pulled.stderr and "（绕过钩子改数）" in pulled.stderr


def test_a_clean_history_passes_every_hook(zc, appended, tmp_path):
    remote = tmp_path / "远端.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(appended, "remote", "add", "origin", str(remote))
    pushed = run_git(appended, "push", "-q", "origin", "HEAD:refs/heads/main")
    assert (pushed.returncode, pushed.stderr) == (0, "")
    rebased = run_git(appended, "commit", "--amend", "-q", "--no-edit")
    assert (rebased.returncode, rebased.stderr) == (0, "")


# ---------------------------------------------------------------- 12. merge attributes


def test_a_month_file_taken_out_of_union_merging_fails_check(zc, appended):
    attributes = appended / ".gitattributes"
    attributes.write_text(attributes.read_text("utf-8") + f"{JULY} -merge\n", "utf-8")
    result = zc("check", root=appended)
    assert result.exit_code == 1
    assert result.stdout.startswith(
        f"{JULY}:1:1: error[merge-rule]: git 合并这个文件时不按行合并（merge 属性为 unset）："
        "两人各自追加后，合并会丢记录或留下冲突\n"
        "  提示：.gitattributes 中保留 data/progress/*.yaml merge=union，删去针对该文件的其他 merge 设置"
        "（zctasks hooks install 会补上规则）\n"
    )


# ---------------------------------------------------------------- 13. CRLF and moved files


def test_a_month_file_saved_with_crlf_is_refused_not_rewritten(zc, appended):
    path = appended / JULY
    crlf = path.read_bytes().replace(b"\n", b"\r\n")
    path.write_bytes(crlf)
    result = zc("check", root=appended)
    assert result.exit_code == 1
    assert (
        result.stdout.startswith(f"{JULY}:1:")
        and "error[line-ending]: 文件使用了 Windows 换行（CRLF）或含有回车符" in result.stdout
    )
    assert add(zc, appended, "7", "区工信局", "2023-07-20", "丙").exit_code == 1
    assert path.read_bytes() == crlf
    git(appended, "add", JULY)  # text eol=lf: git stores it in LF, the hook still refuses
    assert run_git(appended, "commit", "-q", "-m", "Windows 编辑器保存").returncode == 1


def test_a_month_file_moved_into_a_sub_folder_is_refused(zc, appended):
    (appended / "data/progress/old").mkdir()
    git(appended, "mv", JULY, "data/progress/old/2023-07.yaml")
    result = zc("check", root=appended)
    assert result.exit_code == 1
    assert result.stdout.startswith(
        "data/progress/old/2023-07.yaml:1:1: error[misplaced]: 进展文件在子文件夹中，其中的内容不会被读取\n"
    )
    assert zc("status", root=appended).exit_code == 1


def test_a_rebase_that_drops_an_entrys_commit_is_reported(zc, git_ledger):
    assert add(zc, git_ledger, "7", "区工信局", "2023-07-10", "七月", "--commit").exit_code == 0
    assert add(zc, git_ledger, "7", "区工信局", "2023-08-10", "八月", "--commit").exit_code == 0
    result = run_git(
        git_ledger, "-c", "sequence.editor=sed -i 1d", "rebase", "-q", "-i", "HEAD~2"
    )  # drops July's commit; the rewritten history is consistent in itself
    assert result.returncode == 0, result.stderr
    assert "zctasks（post-rewrite）" in result.stderr
    assert "变基后的分支删除或移走了记录文件：data/progress/2023-07.yaml" in result.stderr


def test_a_reset_pushed_over_a_shared_branch_is_refused(zc, appended, tmp_path):
    remote = tmp_path / "远端.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(appended, "remote", "add", "origin", str(remote))
    assert run_git(appended, "push", "-q", "origin", "HEAD:refs/heads/main").returncode == 0
    git(appended, "reset", "-q", "--hard", "HEAD~1")
    pushed = run_git(appended, "push", "-q", "--force", "origin", "HEAD:refs/heads/main")
    assert pushed.returncode == 1
    assert "要推送的分支丢掉了原有的记录行：data/progress/2023-07.yaml" in pushed.stderr


def test_a_conflicted_merge_resolved_by_dropping_the_other_side_is_refused(zc, git_ledger):
    (git_ledger / ".gitattributes").write_text("", "utf-8")  # no union rule: a conflict
    git(git_ledger, "commit", "-q", "--no-verify", "-am", "去掉合并规则")
    git(git_ledger, "checkout", "-q", "-b", "同事")
    add(zc, git_ledger, "8", "区发改局", "2023-07-15", "同事的", "--commit")
    git(git_ledger, "checkout", "-q", "-")
    add(zc, git_ledger, "7", "区工信局", "2023-07-14", "我的", "--commit")
    assert run_git(git_ledger, "merge", "-q", "--no-edit", "同事").returncode == 1
    git(git_ledger, "checkout", "--ours", "--", JULY)  # "resolved" by keeping only ours
    git(git_ledger, "add", JULY)
    result = run_git(git_ledger, "commit", "-q", "--no-edit")
    assert result.returncode == 1
    assert f"合并结果丢掉了原有的记录行：{JULY}" in result.stderr
