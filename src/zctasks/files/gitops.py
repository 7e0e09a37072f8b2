"""The few git operations the ledger needs, through the git command line.

``commit_lines`` commits exactly the lines one command appended — not other changes to the
same files that were already in the working tree or the index — by building the commit
from HEAD's version of each file plus those lines, with git's plumbing and a private index.
HEAD moves only if nobody moved it meanwhile (``update-ref`` with the old value), and the
user's index gets the same lines added to whatever it held, so a later ``git commit``
neither loses nor repeats them. Callers hold the progress lock, so concurrent commits by
zctasks in one repository queue instead of failing on git's ``index.lock``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

from zctasks.files.errors import ZctasksError

_ZERO = "0" * 40
_BUSY_RETRIES = 20


class GitError(ZctasksError):
    pass


class NotOnHead(GitError):
    """The commit was made, but HEAD no longer holds the lines (a concurrent pull, reset or
    checkout moved it): the commit is only in the reflog."""


def _git(
    root: Path, *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    if shutil.which("git") is None:
        raise GitError("找不到 git 命令", "请先安装 git")
    return subprocess.run(
        ["git", "-C", str(root), *args],
        input=stdin,
        capture_output=True,
        check=False,
        env={**os.environ, **(env or {})},
    )


def _out(result: subprocess.CompletedProcess[bytes]) -> str:
    return result.stdout.decode("utf-8", errors="replace").strip()


def _err(result: subprocess.CompletedProcess[bytes]) -> str:
    return (result.stderr or result.stdout).decode("utf-8", errors="replace").strip()


def require_repository(root: Path, *, with_commits: bool = False) -> None:
    result = _git(root, "rev-parse", "--is-inside-work-tree")
    if result.returncode != 0 or _out(result) != "true":
        raise GitError(
            f"台账目录 {root} 不是 git 仓库，无法提交",
            "先在该目录运行 git init（或用 zctasks init 新建台账），或去掉 --commit 只写入文件",
        )
    if with_commits and _git(root, "rev-parse", "--verify", "-q", "HEAD").returncode != 0:
        raise GitError(
            "仓库还没有任何提交，没有写入",
            "先提交台账本身：git add -A && git commit -m 初始化台账；或去掉 --commit",
        )


def local_config(root: Path, key: str, value: str) -> bool:
    """Set ``key`` in the repository's own config unless it has a value there; returns
    whether it was set."""
    if _git(root, "config", "--local", "--get", key).returncode == 0:
        return False
    result = _git(root, "config", "--local", key, value)
    if result.returncode != 0:
        raise GitError(f"无法设置 git 配置 {key}：{_err(result)}")
    return True


def git_path(root: Path, name: str) -> Path:
    """A path inside the repository's git folder (hooks, MERGE_HEAD …), as git resolves it."""
    result = _git(root, "rev-parse", "--git-path", name)
    if result.returncode != 0:
        raise GitError(f"无法定位 git 目录：{_err(result)}")
    path = Path(_out(result))
    return path if path.is_absolute() else root / path


def _busy_state(root: Path) -> str:
    for name, what in (
        ("MERGE_HEAD", "合并"),
        ("rebase-merge", "变基"),
        ("rebase-apply", "变基"),
        ("CHERRY_PICK_HEAD", "拣选"),
        ("REVERT_HEAD", "还原"),
    ):
        if git_path(root, name).exists():
            return what
    return ""


def _blob(root: Path, spec: str) -> bytes | None:
    result = _git(root, "cat-file", "blob", spec)
    return result.stdout if result.returncode == 0 else None


def _joined(base: bytes, lines: list[str], header: str) -> bytes:
    text = base.decode("utf-8-sig") if base else header
    if text and not text.endswith("\n"):
        text += "\n"
    return (text + "".join(lines)).encode("utf-8")


def _hash(root: Path, content: bytes) -> str:
    result = _git(root, "hash-object", "-w", "--stdin", stdin=content)
    if result.returncode != 0:
        raise GitError(f"git hash-object 失败：{_err(result)}")
    return _out(result)


def commit_lines(
    root: Path,
    lines: dict[Path, list[str]],
    header: str,
    subject: str,
    trailers: list[tuple[str, str]],
) -> str:
    """Commit HEAD's version of each file plus ``lines`` on top of HEAD; returns the short
    hash. Files are relative to ``root``, which must be the repository's top folder or
    inside it."""
    from filelock import FileLock, Timeout

    busy = _busy_state(root)
    if busy:
        raise GitError(f"仓库正在{busy}，没有提交", f"完成{busy}（或放弃）后用 git commit 提交")
    try:
        with FileLock(git_path(root, "zctasks-commit.lock"), timeout=120):
            return _commit_lines(root, lines, header, subject, trailers)
    except Timeout:
        raise GitError("另一个 zctasks 进程长时间占用提交锁，没有提交") from None


def _commit_lines(
    root: Path,
    lines: dict[Path, list[str]],
    header: str,
    subject: str,
    trailers: list[tuple[str, str]],
) -> str:
    prefix = _out(_git(root, "rev-parse", "--show-prefix"))
    message = subject + "\n\n" + "".join(f"{key}: {value}\n" for key, value in trailers)
    for _ in range(_BUSY_RETRIES):
        head = _git(root, "rev-parse", "--verify", "-q", "HEAD^{commit}")
        parent = _out(head) if head.returncode == 0 else ""
        staged: dict[str, str] = {}
        for relative, new in lines.items():
            path = prefix + relative.as_posix()
            base = _blob(root, f"{parent}:{path}") if parent else None
            staged[path] = _hash(root, _joined(base or b"", _absent(base, new), header))
        tree = _tree(root, parent, staged)
        made = _git(
            root, "commit-tree", tree, *(["-p", parent] if parent else []), stdin=message.encode()
        )
        if made.returncode != 0:
            raise GitError(f"git commit-tree 失败：{_err(made)}", _identity_hint(_err(made)))
        commit = _out(made)
        moved = _git(
            root, "update-ref", "-m", f"commit: {subject}", "HEAD", commit, parent or _ZERO
        )
        if moved.returncode == 0:
            _add_to_index(root, prefix, lines, header)
            short = _out(_git(root, "rev-parse", "--short", commit))
            if missing_from_head(root, lines):
                raise NotOnHead(
                    "提交后 HEAD 中没有这条记录（同时进行的 git 操作改动了仓库；"
                    f"提交 {short} 只在 reflog 中）"
                )
            return short
        time.sleep(0.05)  # HEAD moved under us: build again on the new HEAD
    raise GitError("HEAD 一直在变动，没有提交", "等其他 git 操作结束后用 git commit 提交")


def _tree(root: Path, parent: str, staged: dict[str, str]) -> str:
    with tempfile.TemporaryDirectory(prefix="zctasks-index-") as folder:
        env = {"GIT_INDEX_FILE": str(Path(folder) / "index")}
        read = _git(root, "read-tree", *([parent] if parent else ["--empty"]), env=env)
        if read.returncode != 0:
            raise GitError(f"git read-tree 失败：{_err(read)}")
        for path, blob in staged.items():
            updated = _git(
                root, "update-index", "--add", "--cacheinfo", f"100644,{blob},{path}", env=env
            )
            if updated.returncode != 0:
                raise GitError(f"git update-index 失败：{_err(updated)}")
        written = _git(root, "write-tree", env=env)
        if written.returncode != 0:
            raise GitError(f"git write-tree 失败：{_err(written)}")
        return _out(written)


def _add_to_index(root: Path, prefix: str, lines: dict[Path, list[str]], header: str) -> None:
    """The same lines added to what the user's index holds for each file."""
    for relative, new in lines.items():
        path = prefix + relative.as_posix()
        base = _blob(root, f":{path}")
        blob = _hash(root, _joined(base or b"", _absent(base, new), header))
        for _ in range(_BUSY_RETRIES):
            updated = _git(root, "update-index", "--add", "--cacheinfo", f"100644,{blob},{path}")
            if updated.returncode == 0:
                break
            time.sleep(0.1)  # another git command holds index.lock
        else:
            raise GitError(
                f"已提交，但未能更新暂存区：{_err(updated)}",
                f"运行 git reset -q -- {relative.as_posix()} 使暂存区与提交一致",
            )


def _absent(base: bytes | None, lines: list[str]) -> list[str]:
    """The lines a file does not hold yet (a rerun commits a line once, however often)."""
    held = set((base or b"").decode("utf-8", errors="replace").split("\n"))
    return [line for line in lines if line.rstrip("\n") not in held]


def missing_from_head(root: Path, lines: dict[Path, list[str]]) -> dict[Path, list[str]]:
    """The lines (by file, relative to ``root``) that HEAD does not hold."""
    prefix = _out(_git(root, "rev-parse", "--show-prefix"))
    missing = {}
    for relative, wanted in lines.items():
        absent = _absent(_blob(root, f"HEAD:{prefix}{relative.as_posix()}"), wanted)
        if absent:
            missing[relative] = absent
    return missing


def _identity_hint(detail: str) -> str:
    if "user.email" in detail or "Please tell me who you are" in detail:
        return '先设置提交人：git config user.name "姓名" && git config user.email "邮箱"'
    return ""


def check_attr(root: Path, attribute: str, path: str) -> str:
    """The value git gives ``attribute`` for ``path`` (``unspecified`` when none)."""
    result = _git(root, "check-attr", attribute, "--", path)
    return _out(result).rpartition(": ")[2] if result.returncode == 0 else "unspecified"


def staged_diff(root: Path, folder: str) -> str:
    """The staged change under ``folder`` against HEAD, without context lines."""
    result = _git(
        root, "diff", "--cached", "--no-color", "--no-ext-diff", "--no-renames", "-U0", "--", folder
    )
    if result.returncode != 0:
        raise GitError(f"git diff 失败：{_err(result)}")
    return result.stdout.decode("utf-8", errors="replace")


def staged_text(root: Path, path: str) -> str:
    blob = _blob(root, f":{path}")
    return blob.decode("utf-8", errors="replace") if blob is not None else ""


def init(root: Path) -> None:
    result = _git(root, "init", "--quiet")
    if result.returncode != 0:
        raise GitError(f"git init 失败：{_err(result)}")


# ---------------------------------------------------------------- reading, with plumbing only
#
# What the hooks and `check --history` read of a repository comes from plumbing commands
# with fixed options (raw, -z): the user's porcelain settings (diff.noprefix,
# diff.mnemonicPrefix, colours, external diff drivers) cannot change what is read, and no
# diff text is parsed: whole blobs are compared.

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


def toplevel(folder: Path) -> Path | None:
    """The top folder of the work tree ``folder`` is in, or None outside a repository."""
    result = _git(folder, "rev-parse", "--show-toplevel")
    return Path(_out(result)) if result.returncode == 0 and _out(result) else None


def prefix(root: Path) -> str:
    """Where ``root`` lies in its repository (``""`` at the top, ``sub/`` below it)."""
    return _out(_git(root, "rev-parse", "--show-prefix"))


def has_head(root: Path) -> bool:
    return _git(root, "rev-parse", "--verify", "-q", "HEAD^{commit}").returncode == 0


def verify(root: Path, revision: str) -> str | None:
    """The commit a revision names, or None."""
    result = _git(root, "rev-parse", "--verify", "-q", "--end-of-options", revision + "^{commit}")
    return _out(result) if result.returncode == 0 else None


def indexed_files(root: Path, *pathspecs: str) -> list[str]:
    """Paths in the index (repository-relative) that match the pathspecs."""
    result = _git(root, "ls-files", "-z", "--full-name", "--", *pathspecs)
    if result.returncode != 0:
        raise GitError(f"git ls-files 失败：{_err(result)}")
    return [p for p in result.stdout.decode("utf-8", errors="surrogateescape").split("\0") if p]


class Change:
    """One file a commit (or the index) changed: its blobs before and after (repository
    paths; a blob of zeros where the file does not exist)."""

    __slots__ = ("new", "old", "path", "status")

    def __init__(self, old: str, new: str, status: str, path: str) -> None:
        self.old, self.new, self.status, self.path = old, new, status, path


def _raw(text: str) -> list[Change]:
    """``:mode mode old new status\\0path\\0`` records of a raw -z diff."""
    parts = text.split("\0")
    changes = []
    i = 0
    while i + 1 < len(parts):
        meta = parts[i].lstrip("\n")
        if not meta.startswith(":"):
            i += 1
            continue
        fields = meta[1:].split()
        if len(fields) >= 5:
            changes.append(Change(fields[2], fields[3], fields[4][:1], parts[i + 1]))
        i += 2
    return changes


def staged_changes(root: Path, *pathspecs: str) -> list[Change]:
    """What the index changes against HEAD (against nothing before the first commit)."""
    base = "HEAD" if has_head(root) else EMPTY_TREE
    result = _git(
        root, "diff-index", "--cached", "-z", "--raw", "--no-renames", "--full-index", base,
        "--", *pathspecs,
    )  # fmt: skip
    if result.returncode != 0:
        raise GitError(f"git diff-index 失败：{_err(result)}")
    return _raw(result.stdout.decode("utf-8", errors="surrogateescape"))


class Commit:
    """A commit of the history read by ``history``, with what it changed in the logs."""

    __slots__ = ("changes", "id", "parents", "subject")

    def __init__(self, commit: str, parents: list[str], subject: str) -> None:
        self.id, self.parents, self.subject = commit, parents, subject
        self.changes: list[Change] = []


def history(root: Path, revisions: list[str], *pathspecs: str) -> list[Commit]:
    """Every commit of ``revisions`` (``git log`` arguments such as ``A..B``) that changed
    the pathspecs, each merge with its changes against every parent, oldest first."""
    result = _git(
        root, "log", "--reverse", "-m", "--full-history", "--raw", "-z", "--no-renames",
        "--no-abbrev", "--no-color", "--format=%x01%H %P%x02%s", *revisions, "--", *pathspecs,
    )  # fmt: skip
    if result.returncode != 0:
        raise GitError(f"git log 失败：{_err(result)}")
    commits: dict[str, Commit] = {}
    for record in result.stdout.decode("utf-8", errors="surrogateescape").split("\x01")[1:]:
        head, _, rest = record.partition("\x02")
        subject, _, raw = rest.partition("\0")
        ids = head.split()
        commit = commits.setdefault(ids[0], Commit(ids[0], ids[1:], subject.strip()))
        commit.changes += _raw(raw)
    return list(commits.values())


def blobs(root: Path, ids: list[str]) -> dict[str, bytes]:
    """The content of each blob, read by one ``git cat-file --batch``."""
    wanted = [i for i in dict.fromkeys(ids) if i and i.strip("0")]
    if not wanted:
        return {}
    result = _git(root, "cat-file", "--batch", stdin=("\n".join(wanted) + "\n").encode())
    if result.returncode != 0:
        raise GitError(f"git cat-file 失败：{_err(result)}")
    found: dict[str, bytes] = {}
    data, position = result.stdout, 0
    for blob in wanted:
        end = data.index(b"\n", position)
        header = data[position:end].split()
        position = end + 1
        if len(header) < 3 or header[1] == b"missing":
            continue
        size = int(header[2])
        found[blob] = data[position : position + size]
        position += size + 1
    return found


def attributes(root: Path, attribute: str, paths: list[str]) -> dict[str, str]:
    """The value git gives ``attribute`` for each path (``unspecified`` when none)."""
    if not paths:
        return {}
    result = _git(root, "check-attr", "-z", attribute, "--", *paths)
    if result.returncode != 0:
        return dict.fromkeys(paths, "unspecified")
    parts = result.stdout.decode("utf-8", errors="surrogateescape").split("\0")
    return {parts[i]: parts[i + 2] for i in range(0, len(parts) - 2, 3)}


def changed_since_head(root: Path, *pathspecs: str) -> dict[str, bytes]:
    """The tracked files under ``pathspecs`` that differ in the work tree from HEAD, with
    their content at HEAD (repository paths); empty outside a repository or before the
    first commit."""
    if toplevel(root) is None or not has_head(root):
        return {}
    result = _git(root, "diff", "--name-only", "--no-renames", "-z", "HEAD", "--", *pathspecs)
    if result.returncode != 0:
        return {}
    found = {}
    for path in result.stdout.decode("utf-8", errors="surrogateescape").split("\0"):
        if path:
            content = _blob(root, f"HEAD:{path}")
            if content is not None:
                found[path] = content
    return found


def tree_blobs(root: Path, commit: str) -> dict[str, str]:
    """Every file of a commit (repository paths) and its blob."""
    result = _git(root, "ls-tree", "-r", "-z", "--full-tree", commit)
    if result.returncode != 0:
        raise GitError(f"git ls-tree 失败：{_err(result)}")
    found = {}
    for record in result.stdout.decode("utf-8", errors="surrogateescape").split("\0"):
        meta, _, path = record.partition("\t")
        fields = meta.split()
        if len(fields) == 3 and fields[1] == "blob":
            found[path] = fields[2]
    return found


def index_tree(root: Path) -> str | None:
    """The tree the index would commit (None while it holds unresolved conflicts)."""
    result = _git(root, "write-tree")
    return _out(result) if result.returncode == 0 else None


# ---------------------------------------------------------------- mirrors of other repositories
#
# A roll-up ledger keeps a bare mirror of each member's repository in its own git folder
# (outside the working tree). Every call names the mirror with --git-dir and fixed options:
# no hooks run (core.hooksPath points nowhere), objects are checked as they arrive
# (transfer.fsckObjects), only the plain transports are allowed (file, http(s), ssh, git:
# never ext:: or other remote helpers), nothing prompts for a password, and the variables
# a calling git (a hook) sets to point at its own repository are dropped.

_REDIRECTING = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_COUNT",
    "GIT_QUARANTINE_PATH",
    "GIT_PREFIX",
)
_TRANSPORTS = ("file", "http", "https", "ssh", "git")


class TreeEntry(NamedTuple):
    mode: str
    kind: str
    """blob, tree or commit (a submodule)."""
    oid: str
    size: int
    """-1 where git gives none (a submodule)."""
    path: str


class Mirror:
    """A bare repository holding a copy of another repository's history."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _command(self, *args: str) -> list[str]:
        if shutil.which("git") is None:
            raise GitError("找不到 git 命令", "请先安装 git")
        options = [
            f"core.hooksPath={self.path / 'no-hooks'}",
            "core.fsmonitor=false",
            "transfer.fsckObjects=true",
            "fetch.fsckObjects=true",
            "fetch.recurseSubmodules=false",
            "protocol.allow=never",
            *(f"protocol.{name}.allow=always" for name in _TRANSPORTS),
            "credential.interactive=false",
        ]
        configured = [part for option in options for part in ("-c", option)]
        return ["git", f"--git-dir={self.path}", *configured, *args]

    def run(
        self, *args: str, stdin: bytes | None = None, timeout: float | None = None
    ) -> subprocess.CompletedProcess[bytes]:
        """Run git on the mirror; a run that outlasts ``timeout`` is killed with all it
        started (ssh, a transport helper) and reported as exit status -9."""
        env = {k: v for k, v in os.environ.items() if k not in _REDIRECTING}
        env.update({"GIT_TERMINAL_PROMPT": "0", "GCM_INTERACTIVE": "never", "LC_ALL": "C"})
        process = subprocess.Popen(
            self._command(*args),
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            start_new_session=os.name != "nt",
        )
        try:
            out, err = process.communicate(stdin, timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            out, err = process.communicate()
            return subprocess.CompletedProcess(process.args, -9, out, err)
        return subprocess.CompletedProcess(process.args, process.returncode, out, err)

    def ensure(self) -> None:
        """Make the bare repository if it is not there yet."""
        if (self.path / "HEAD").is_file():
            return
        self.path.mkdir(parents=True, exist_ok=True)
        result = self.run("init", "--bare", "--quiet")
        if result.returncode != 0:
            raise GitError(f"无法建立镜像仓库 {self.path}：{_err(result)}")

    def clear_stale_locks(self) -> None:
        """Remove the lock files a git killed midway left (``refs/…/x.lock``,
        ``packed-refs.lock``): callers hold the mirror's own lock, so no git is running in
        it, and a stale one would fail every later fetch."""
        for folder in (self.path / "refs", self.path):
            pattern = "**/*.lock" if folder.name == "refs" else "*.lock"
            for stale in folder.glob(pattern):
                if stale.is_file() and not stale.is_symlink():
                    stale.unlink(missing_ok=True)

    def fetch(self, source: str, wanted: str, ref: str, timeout: float) -> str:
        """Fetch ``wanted`` (``refs/heads/main``, or ``HEAD``: the repository's default
        branch) of ``source`` (an absolute path, a URL or a bundle file) into ``ref``,
        whatever it held before; "" on success, else git's own words."""
        result = self.run(
            "fetch", "--no-tags", "--no-write-fetch-head", "--no-auto-gc", "--quiet",
            "--end-of-options", source, f"+{wanted}:{ref}",
            timeout=timeout,
        )  # fmt: skip
        if result.returncode == -9:
            return f"超过 {timeout:g} 秒仍未完成，已停止"
        return "" if result.returncode == 0 else _err(result) or f"git 退出码 {result.returncode}"

    def resolve(self, ref: str) -> str | None:
        result = self.run("rev-parse", "--verify", "-q", "--end-of-options", ref + "^{commit}")
        return _out(result) if result.returncode == 0 else None

    def has_commit(self, commit: str) -> bool:
        return self.run("cat-file", "-e", commit + "^{commit}").returncode == 0

    def is_ancestor(self, older: str, newer: str) -> bool:
        return self.run("merge-base", "--is-ancestor", older, newer).returncode == 0

    def set_ref(self, ref: str, commit: str) -> None:
        result = self.run("update-ref", ref, commit)
        if result.returncode != 0:
            raise GitError(f"git update-ref 失败：{_err(result)}")

    def commit_time(self, commit: str) -> str:
        """The committer's time of a commit, ISO 8601 with the committer's own offset."""
        from datetime import datetime, timedelta, timezone

        result = self.run("cat-file", "commit", commit)
        if result.returncode != 0:
            raise GitError(f"无法读取提交 {commit[:7]}：{_err(result)}")
        for line in result.stdout.split(b"\n"):
            if not line:
                break
            if line.startswith(b"committer "):
                stamp, offset = line.rsplit(b" ", 2)[1:]
                sign = -1 if offset.startswith(b"-") else 1
                minutes = int(offset[1:3]) * 60 + int(offset[3:5])
                zone = timezone(timedelta(minutes=sign * minutes))
                return datetime.fromtimestamp(int(stamp), zone).isoformat()
        raise GitError(f"提交 {commit[:7]} 没有提交者信息")

    def tree(self, commit: str, folder: str) -> list[TreeEntry]:
        """Every entry under ``folder`` of a commit, recursively, with blob sizes."""
        result = self.run("ls-tree", "-r", "-z", "-l", "--full-tree", commit, "--", folder)
        if result.returncode != 0:
            raise GitError(f"git ls-tree 失败：{_err(result)}")
        found = []
        for record in result.stdout.split(b"\0"):
            meta, _, path = record.partition(b"\t")
            fields = meta.split()
            if len(fields) != 4:
                continue
            size = int(fields[3]) if fields[3].isdigit() else -1
            name = path.decode("utf-8", errors="surrogateescape")
            found.append(
                TreeEntry(fields[0].decode(), fields[1].decode(), fields[2].decode(), size, name)
            )
        return found

    def bundle_heads(self, bundle: str) -> dict[str, str] | None:
        """The branches a bundle file carries (None when it is no bundle)."""
        result = self.run("bundle", "list-heads", "--end-of-options", bundle, timeout=120)
        if result.returncode != 0:
            return None
        heads = {}
        for line in _out(result).splitlines():
            commit, _, ref = line.partition(" ")
            heads[ref] = commit
        return heads

    def copy_blobs(self, blobs: list[tuple[str, Path]]) -> None:
        """Write each blob to its path, streamed by one ``git cat-file --batch``: a blob is
        never held whole in memory with the others."""
        if not blobs:
            return
        import threading

        env = {k: v for k, v in os.environ.items() if k not in _REDIRECTING}
        process = subprocess.Popen(
            self._command("cat-file", "--batch"),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        assert process.stdin is not None and process.stdout is not None
        stdin, stdout = process.stdin, process.stdout

        def ask() -> None:
            try:
                for oid, _ in blobs:
                    stdin.write(oid.encode() + b"\n")
            except BrokenPipeError:
                pass
            finally:
                stdin.close()

        asking = threading.Thread(target=ask, daemon=True)
        asking.start()
        try:
            for oid, path in blobs:
                header = stdout.readline().split()
                if len(header) < 3 or header[1] != b"blob":
                    raise GitError(f"镜像仓库中缺少对象 {oid[:7]}（{path.name}）")
                left = int(header[2])
                flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
                with os.fdopen(os.open(path, flags, 0o600), "wb") as handle:
                    while left:
                        chunk = stdout.read(min(left, 1 << 20))
                        if not chunk:
                            raise GitError(f"读取对象 {oid[:7]} 时 git 提前结束")
                        handle.write(chunk)
                        left -= len(chunk)
                stdout.read(1)  # the newline after the content
        finally:
            stdout.close()  # a git still writing gets a broken pipe and ends …
            if process.poll() is None:
                process.kill()  # … or is ended, so that the thread feeding it ends too
            asking.join()
            process.wait()


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    import signal

    try:
        if os.name != "nt":
            os.killpg(process.pid, signal.SIGKILL)
        else:  # pragma: no cover - Windows
            process.kill()
    except OSError:
        process.kill()
