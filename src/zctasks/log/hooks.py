"""Git hooks and settings that keep a ledger repository's logs append-only.

``install`` writes hooks that call ``zctasks hooks run`` from the PATH — no machine's paths
are written into them, so every clone can install the same hooks — and makes sure
``.gitattributes`` merges the logs line by line (``merge=union``) and keeps them in LF,
``.gitignore`` keeps the lock and temporaries out, and a plain ``git pull`` merges
(``pull.rebase false``) instead of stopping to ask how. Before a commit, a merge commit or an
applied patch (``pre-commit``, ``pre-merge-commit``, ``pre-applypatch``) the staged change
may add lines to the logs, never edit or delete one, may carry no conflict markers and no
temporary, and must leave every ledger in the repository valid. What arrives without those
hooks — a fast-forward pull, a rebase, a cherry-pick, ``git revert``, ``merge -s ours`` — is
checked after the fact (``post-merge``, ``post-rewrite``) and before it leaves
(``pre-push``) by the history check: every committed log file only ever grew.

Everything is read with plumbing and whole blobs (``gitops``): no diff text is parsed, and
the user's diff settings cannot change what is seen. The hooks check the repository being
committed — wherever its ledgers lie in it — never a ledger named by ``ZCTASKS_ROOT``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from zctasks.files import gitops
from zctasks.files.errors import Diagnostic, UsageError

MARKER = "# zctasks hook"
CHECKS_STAGED = ("pre-commit", "pre-merge-commit", "pre-applypatch")
CHECKS_HISTORY = ("post-merge", "post-rewrite", "pre-push")
HOOKS = CHECKS_STAGED + CHECKS_HISTORY
LOG_NAMES = {"progress": "进展", "urges": "催办单", "scores": "考评结果", "briefings": "简报登记"}
"""The logs — progress, and the registers of issued 催办单, score sheets and briefings —
and what people call a line of each."""
UNION_RULE = "data/progress/*.yaml merge=union"
URGES_RULE = "data/urges/*.yaml merge=union"
SCORES_RULE = "data/scores/*.yaml merge=union"
BRIEFINGS_RULE = "data/briefings/*.yaml merge=union"
UNION_RULES = (UNION_RULE, URGES_RULE, SCORES_RULE, BRIEFINGS_RULE)
LF_RULES = tuple(f"data/{folder}/*.yaml text eol=lf" for folder in LOG_NAMES)
RULES = (*UNION_RULES, *LF_RULES)
GITATTRIBUTES = (
    "# Two analysts appending progress (or issuing 催办单, score sheets and briefings) merge\n"
    "# without conflict: every entry is one line, so a union merge keeps both sides whole.\n"
    + "".join(rule + "\n" for rule in UNION_RULES)
    + "# The logs stay in LF on every system (Windows git would check them out in CRLF).\n"
    + "".join(rule + "\n" for rule in LF_RULES)
)
LOGS = tuple(f"data/{folder}/" for folder in LOG_NAMES)
"""The logs whose recorded lines a commit may not edit or delete."""
APPEND_ONLY = LOGS
IGNORED = (
    *(f"data/{folder}/{name}" for folder in LOG_NAMES for name in (".zctasks.lock", ".tmp-*")),
    "data/.zctasks.lock",
    "data/.tmp-*",
    "/报送表/",
    "/收回/",
)
"""What git leaves out: the lock and temporaries, and the folders of sheets sent to units
and returned by them that the manual uses (what counts is recorded in data/progress)."""
HOOK_SCRIPT = """\
#!/bin/sh
{marker} ({name}), written by `zctasks hooks install`.
# Keeps the ledger's logs append-only: refuses a commit that edits or deletes recorded
# progress or 催办单, carries merge conflict markers or temporaries, or leaves the ledger
# invalid; after merges and rebases, and before a push, checks the history the same way.
if command -v zctasks >/dev/null 2>&1; then
  exec zctasks hooks run {name} "$@"
fi
for python in python3 python; do
  if command -v "$python" >/dev/null 2>&1 && "$python" -c "import zctasks" 2>/dev/null; then
    exec "$python" -m zctasks hooks run {name} "$@"
  fi
done
echo "zctasks 钩子：找不到 zctasks 命令，无法检查（{name}）。" >&2
echo "请先激活安装了 zctasks 的环境再操作（跳过检查：加 --no-verify）。" >&2
exit 1
"""
_CONFLICT = re.compile(rb"^(<{7}|={7}|>{7})( |\r?$)", re.MULTILINE)


def install(root: Path, force: bool = False) -> list[str]:
    """Install the hooks and the merge rule; returns what was done, in Chinese."""
    gitops.require_repository(root)
    done: list[str] = []
    folder = gitops.git_path(root, "hooks")
    folder.mkdir(parents=True, exist_ok=True)
    for name in HOOKS:
        path = folder / name
        script = HOOK_SCRIPT.format(marker=MARKER, name=name)
        if path.exists():
            current = path.read_text("utf-8", errors="replace")
            if current == script:
                continue
            if MARKER not in current:
                if not force:
                    raise UsageError(
                        f"{path} 已有其他钩子，没有覆盖",
                        "把 zctasks hooks run "
                        + name
                        + ' "$@" 加进现有钩子，或用 --force 覆盖（原文件另存为 .orig）',
                    )
                path.replace(path.with_name(name + ".orig"))
                done.append(f"原有钩子另存为 {name}.orig")
        path.write_text(script, "utf-8", newline="\n")
        path.chmod(0o755)
        done.append(f"已安装钩子 {name}")
    done += _ensure_lines(root / ".gitattributes", GITATTRIBUTES, RULES)
    done += _ensure_lines(root / ".gitignore", "", IGNORED)
    if gitops.local_config(root, "pull.rebase", "false"):
        done.append("已设置 git pull 时合并（pull.rebase false），进展文件按行合并")
    return done


def _ensure_lines(path: Path, template: str, lines: tuple[str, ...]) -> list[str]:
    """Append the lines a file lacks (a new file starts from ``template``)."""
    text = path.read_text("utf-8") if path.exists() else ""
    missing = [line for line in lines if line not in text.splitlines()]
    if not missing:
        return []
    if not text:
        text = template
    elif not text.endswith("\n"):
        text += "\n"
    text += "".join(line + "\n" for line in missing if line not in text.splitlines())
    path.write_text(text, "utf-8", newline="\n")
    return [f"已在 {path.name} 中写入 {'、'.join(missing)}"]


def setup_problems(root: Path) -> list[str]:
    """What a ledger repository that records progress lacks for safe work: the hooks. (A
    repository without progress, such as zctasks' own, is not told.)"""
    from zctasks.log.progress import progress_files

    if gitops.toplevel(root) is None or not progress_files(root):
        return []
    folder = gitops.git_path(root, "hooks")
    missing = [
        name
        for name in HOOKS
        if not (folder / name).exists()
        or MARKER not in (folder / name).read_text("utf-8", errors="replace")
    ]
    if not missing:
        return []
    if len(missing) == len(HOOKS):
        return [
            "本仓库没有安装 zctasks 的提交检查钩子（克隆的仓库不带钩子）；运行 zctasks hooks install"
        ]
    return [f"本仓库缺少 zctasks 的钩子 {'、'.join(missing)}；运行 zctasks hooks install"]


# ---------------------------------------------------------------- what the checks find


def merge_rule_problems(root: Path) -> list[Diagnostic]:
    """Every month file and register file that git would not merge line by line (a
    ``-merge`` or another driver for one file disables ``merge=union`` for it)."""
    from zctasks.log.progress import progress_files
    from zctasks.log.urges import register_files

    if gitops.toplevel(root) is None:
        return []
    files = [p.as_posix() for p in progress_files(root) + register_files(root)]
    for folder in ("scores", "briefings"):
        files += sorted(
            p.relative_to(root).as_posix() for p in (root / "data" / folder).glob("*.yaml")
        )
    found = []
    for path, value in gitops.attributes(root, "merge", files).items():
        if value != "union":
            rule = next(r for r in UNION_RULES if r.startswith(path.rpartition("/")[0] + "/"))
            found.append(
                Diagnostic(
                    path,
                    1,
                    1,
                    "merge-rule",
                    f"git 合并这个文件时不按行合并（merge 属性为 {value}）：两人各自追加后，"
                    "合并会丢记录或留下冲突",
                    f".gitattributes 中保留 {rule}，删去针对该文件的其他 merge 设置"
                    "（zctasks hooks install 会补上规则）",
                )
            )
    return found


def ledger_prefixes(top: Path) -> list[str]:
    """Where the repository's ledgers lie in it: ``""`` for a ledger at its top, ``sub/``
    for one in a sub-folder (each folder holding ``data/tasks.yaml``)."""
    found = {
        path.removesuffix("data/tasks.yaml")
        for path in gitops.indexed_files(top, ":(glob)**/data/tasks.yaml", "data/tasks.yaml")
    }
    if (top / "data" / "tasks.yaml").is_file():
        found.add("")
    return sorted(found)


def _recorded(content: bytes) -> list[bytes]:
    """The recorded lines of a log file, in order, each once (a merge may repeat one)."""
    lines = (line.rstrip(b"\r") for line in content.split(b"\n"))
    kept = (line for line in lines if line.strip() and not line.lstrip().startswith(b"#"))
    return list(dict.fromkeys(kept))


def _is_log(path: str, prefix: str) -> bool:
    return any(path.startswith(prefix + folder) for folder in LOGS)


def _is_temporary(name: str) -> bool:
    return name.startswith(".tmp-") or name == ".zctasks.lock"


def _shorten(line: bytes) -> str:
    text = line.decode("utf-8", errors="replace")
    return text[:60] + ("…" if len(text) > 60 else "")


def staged_problems(top: Path, prefix: str = "") -> list[str]:
    """Why the staged change may not be committed: edited or deleted log lines, conflict
    markers, or zctasks' temporaries in the ledger's data (``prefix`` places the ledger in
    the repository)."""
    changes = gitops.staged_changes(top, prefix + "data")
    contents = gitops.blobs(top, [c.old for c in changes] + [c.new for c in changes])
    problems: list[str] = []
    merging = gitops.git_path(top, "MERGE_HEAD").exists()
    added = {c.path: contents.get(c.new, b"") for c in changes if c.status == "A"}
    for change in changes:
        if change.status == "D" and _is_log(change.path, prefix):
            old_lines = _recorded(contents.get(change.old, b""))
            moved = [
                path
                for path, content in added.items()
                if old_lines and set(old_lines) <= set(_recorded(content))
            ]
            if moved:
                problems.append(
                    f"{change.path} 被改名为 {moved[0]}：记录文件不能改名，改名后其中的记录不会被读取"
                    f"（改回：git mv {moved[0]} {change.path}）"
                )
                continue
        name = change.path.rpartition("/")[2]
        if change.status != "D" and _is_temporary(name):
            problems.append(
                f"{change.path}：zctasks 写入时的临时文件或日志，不能提交"
                f"（git rm --cached {change.path}）"
            )
            continue
        new = contents.get(change.new, b"")
        if change.status != "D":
            for match in _CONFLICT.finditer(new):
                problems.append(
                    f"{change.path} 含有 git 合并冲突标记“{match.group(1).decode()}”：请先解决冲突"
                )
                break
        if change.status == "A" or not _is_log(change.path, prefix):
            continue
        now = _recorded(new) if change.status != "D" else []
        kept = set(now)
        what = LOG_NAMES[change.path.removeprefix(prefix).split("/")[1]]
        before = _recorded(contents.get(change.old, b""))
        lost = [line for line in before if line not in kept]
        for line in lost:
            problems.append(f"{change.path}：这次提交会修改或删除已记录的{what}：{_shorten(line)}")
        grew = _subsequence(before, now) if merging else now[: len(before)] == before
        if not lost and not grew:
            problems.append(
                f"{change.path}：这次提交会调换已记录的{what}的顺序，或在其间插入新行"
                "（已记录的行须原样留在文件开头，新记录只能追加在末尾）"
            )
    if any("已记录的" in p for p in problems):
        problems.append(
            "记录只能追加：改正进展用 zctasks progress fix，撤销用 zctasks progress void，"
            "作废催办单用 zctasks urge void；用 git diff HEAD -- 文件 查看，把被改动的行原样放回"
            "原处，此后追加的新记录留在末尾（不要用 git checkout 覆盖整个文件，那会丢掉新记录）"
        )
    return problems


def worktree_diagnostics(root: Path) -> list[Diagnostic]:
    """``check`` in a ledger kept in git: the recorded lines HEAD holds must still be at the
    start of each log file in the work tree, in order (any order while a merge is under
    way); a line deleted or edited by hand before it was committed is caught here, not only
    by the hooks."""
    changed = gitops.changed_since_head(root, *(f.rstrip("/") for f in LOGS))
    if not changed:
        return []
    top = gitops.toplevel(root)
    assert top is not None
    merging = gitops.git_path(top, "MERGE_HEAD").exists()
    found = []
    for path, committed in sorted(changed.items()):
        before = _recorded(committed)
        shown = (
            (top / path).relative_to(root).as_posix() if (top / path).is_relative_to(root) else path
        )
        what = LOG_NAMES.get(Path(path).parent.name, "记录")
        hint = (
            "记录只能追加：用 git diff HEAD -- 文件 查看，把被删改的行原样放回原处，此后追加的"
            "新记录留在末尾（不要用 git checkout 覆盖整个文件，那会丢掉新记录）"
        )
        try:
            now = _recorded((top / path).read_bytes())
        except FileNotFoundError:
            message = f"已提交的{what}记录文件被删除或移走了（HEAD 中有 {len(before)} 行记录）"
            found.append(Diagnostic(shown, 1, 1, "uncommitted-edit", message, hint))
            continue
        except OSError:
            continue
        kept = set(now)
        lost = [line for line in before if line not in kept]
        grew = _subsequence(before, now) if merging else now[: len(before)] == before
        if lost:
            message = (
                f"与已提交的版本（HEAD）相比，删除或改动了 {len(lost)} 行已记录的{what}："
                f"{_shorten(lost[0])}"
            )
        elif not grew:
            message = f"与已提交的版本（HEAD）相比，调换了已记录的{what}的顺序，或在其间插入了新行"
        else:
            continue
        found.append(Diagnostic(shown, 1, 1, "uncommitted-edit", message, hint))
    return found


@dataclass(frozen=True)
class Rewrite:
    """A committed change that edited, reordered or deleted recorded lines of a log."""

    commit: str
    subject: str
    path: str
    what: str

    label: str = ""
    """For a comparison of two tips: what was compared (变基后的分支), instead of a commit."""

    def text(self) -> str:
        if self.label:
            return f"{self.label}{self.what}：{self.path}"
        return f"提交 {self.commit[:7]}（{self.subject}）{self.what}：{self.path}"


def history_problems(root: Path, revisions: list[str], pathspecs: tuple[str, ...]) -> list[Rewrite]:
    """Every commit of ``revisions`` whose log files did not only grow: each recorded line of
    the parent stays, in order, at the start of the file (a merge may interleave its
    parents' lines: each parent's lines stay, in order). A log file deleted or moved away
    is a rewrite too."""
    commits = gitops.history(root, revisions, *pathspecs)
    ids = [c.old for commit in commits for c in commit.changes]
    ids += [c.new for commit in commits for c in commit.changes]
    contents = gitops.blobs(root, ids)
    found = []
    for commit in commits:
        merge = len(commit.parents) > 1
        for change in commit.changes:
            if change.status == "A":
                continue
            if change.status != "M":
                found.append(
                    Rewrite(commit.id, commit.subject, change.path, "删除或移走了记录文件")
                )
                continue
            old = _recorded(contents.get(change.old, b""))
            new = _recorded(contents.get(change.new, b""))
            grew = _subsequence(old, new) if merge else new[: len(old)] == old
            if not grew:
                found.append(
                    Rewrite(commit.id, commit.subject, change.path, "改动、删除或调换了已记录的行")
                )
    return found


_LOG_FILE = re.compile(r"(?:^|/)data/(?:progress|urges|scores|briefings)/[^/]+\.ya?ml\Z")


def tip_problems(root: Path, old: str, new: str, label: str) -> list[Rewrite]:
    """What ``new`` lost of the logs ``old`` held: a rebase that dropped an entry's commit,
    a reset pushed over a shared branch. Each recorded line of ``old`` must still be in the
    same file at ``new`` (anywhere: a merge may interleave)."""
    before = {p: b for p, b in gitops.tree_blobs(root, old).items() if _LOG_FILE.search(p)}
    if not before:
        return []
    after = gitops.tree_blobs(root, new)
    contents = gitops.blobs(root, [*before.values(), *(after.get(p, "") for p in before)])
    found = []
    for path, blob in sorted(before.items()):
        if path not in after:
            found.append(Rewrite(new, "", path, "删除或移走了记录文件", label))
            continue
        kept = set(_recorded(contents.get(after[path], b"")))
        if any(line not in kept for line in _recorded(contents.get(blob, b""))):
            found.append(Rewrite(new, "", path, "丢掉了原有的记录行", label))
    return found


def _subsequence(old: list[bytes], new: list[bytes]) -> bool:
    remaining = iter(new)
    return all(line in remaining for line in old)


def history_diagnostics(root: Path, revision: str | None) -> list[Diagnostic]:
    """``check --history [REV]``: the commits since ``revision`` (all of them without it)
    that did not only append to the ledger's logs, as diagnostics on the files."""
    if gitops.toplevel(root) is None:
        raise UsageError(f"台账目录 {root} 不是 git 仓库，没有历史可查")
    if not gitops.has_head(root):
        return []
    revisions = ["HEAD"]
    if revision is not None:
        commit = gitops.verify(root, revision)
        if commit is None:
            raise UsageError(f"git 中没有“{revision}”这个提交", "写提交号、分支名或标签，如 HEAD~3")
        revisions = [f"{commit}..HEAD"]
    prefix = gitops.prefix(root)
    return [
        Diagnostic(
            rewrite.path.removeprefix(prefix),
            1,
            1,
            "history",
            f"提交 {rewrite.commit[:7]}（{rewrite.subject}）{rewrite.what}",
            "记录只能追加；尚未推送的用 git reset 或 git rebase -i 去掉这次提交，已共享的把被改动"
            "的行原样追加回去，再用 zctasks check --history 修复后的提交 查此后的历史",
        )
        for rewrite in history_problems(root, revisions, tuple(f.rstrip("/") for f in LOGS))
    ]


LOG_PATHSPECS = tuple(f":(glob)**/data/{folder}/**" for folder in LOG_NAMES)


def history_message(name: str, rewrites: list[Rewrite]) -> str:
    lines = [f"zctasks（{name}）：历史中有提交改动了已记录的行，记录只能追加："]
    lines += [f"- {r.text()}" for r in rewrites[:20]]
    if len(rewrites) > 20:
        lines.append(f"- ……另有 {len(rewrites) - 20} 处")
    lines.append(
        "这些改动来自提交时跳过了检查（--no-verify、未安装钩子），或 cherry-pick、git am、git revert、"
        "merge -s ours、变基、快进合并等不经提交检查的操作。"
        "尚未推送的，用 git reset 或 git rebase -i 去掉这些提交；已共享的，把被改动的行原样追加回去，"
        "再用 zctasks check --history 修复后的提交 检查此后的历史"
    )
    return "\n".join(lines)


def revisions_of(top: Path, name: str, stdin: str) -> list[list[str]]:
    """The commits a history hook is about, as ``git log`` arguments (one list a range)."""
    if name == "post-merge":
        before = gitops.verify(top, "ORIG_HEAD")
        return [[f"{before}..HEAD"] if before else ["HEAD"]]
    if name == "post-rewrite":
        new = [line.split()[1] for line in stdin.splitlines() if len(line.split()) >= 2]
        return [["--no-walk=unsorted", *new]] if new else []
    ranges: list[list[str]] = []
    for local, remote in pushed(top, stdin):
        ranges.append([f"{remote}..{local}"] if remote else [local, "--not", "--remotes"])
    return ranges


def pushed(top: Path, stdin: str) -> list[tuple[str, str]]:
    """pre-push: each (local commit, remote commit known here or "") about to be pushed."""
    found = []
    for line in stdin.splitlines():  # local-ref local-sha remote-ref remote-sha
        parts = line.split()
        if len(parts) < 4 or not parts[1].strip("0"):
            continue  # a branch being deleted
        remote = parts[3] if parts[3].strip("0") and gitops.verify(top, parts[3]) else ""
        found.append((parts[1], remote))
    return found


def tips_of(top: Path, name: str, stdin: str, arguments: list[str]) -> list[tuple[str, str, str]]:
    """The (old, new, why) tips whose logs a history hook compares whole: each rewritten
    commit with what replaced it, the branch before and after a rebase (which may have
    dropped a commit), the remote branch and what is pushed over it."""
    if name == "post-rewrite":
        pairs = [line.split()[:2] for line in stdin.splitlines() if len(line.split()) >= 2]
        tips = [(old, new, f"改写后的提交 {new[:7]} ") for old, new in pairs]
        before = gitops.verify(top, "ORIG_HEAD") if arguments[:1] == ["rebase"] else None
        if before and gitops.has_head(top):
            tips.append((before, "HEAD", "变基后的分支"))
        return tips
    if name == "pre-push":
        return [(remote, local, "要推送的分支") for local, remote in pushed(top, stdin) if remote]
    return []
