"""Each member's repository mirrored with ordinary git into the roll-up's own git folder,
and the commit that was read pinned in data/members.lock.

A mirror is a bare repository at ``.git/zctasks/members/<hash of the name>.git``: outside
the working tree, never committed, never checked out. ``fetch`` brings a member's branch
into it (from a remote, or a bundle file the member sent), and pins the new commit only if
its ledger passes ``check`` and it descends from the commit pinned before; otherwise the
member keeps its last good pin and the lock says why the fetch failed and when. Every pin
is kept by a ref of its own (``refs/zctasks/pins/<commit>``), so an older commit of the
roll-up, whose lock names older pins, can still be read.

A member's ledger is read at a commit by copying the files of its ``data/`` folder out of
git's objects into a private folder (``extract``): regular files only, each within the one
size limit, under names that stay inside that folder. A symlink, a submodule, a path with
``..`` or ``.git``, a file too large or too deep is a diagnostic that fails the member's
check, never something that is followed or written elsewhere.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from zctasks.files import gitops
from zctasks.files.errors import Diagnostic, ZctasksError
from zctasks.rollup.model import LOCK_FILE, Member, Pin
from zctasks.rollup.reading import Members

INCOMING = "refs/zctasks/incoming"
PINS = "refs/zctasks/pins/"
MAX_FILES = 20_000
"""Files a member's data/ folder may hold (a ledger of ten years has a few hundred)."""
MAX_TOTAL = 1024 * 1024 * 1024
"""Bytes a member's data/ folder may hold all together."""
MAX_DEPTH = 6
"""Folders a path under data/ may go down (data/progress/2023-07.yaml is 3)."""
DEFAULT_TIMEOUT = 600.0
"""Seconds one member's fetch may take (``ZCTASKS_FETCH_TIMEOUT``)."""
JOBS = 4
"""Members fetched at the same time (git's work is mostly waiting on the network)."""


def rollup_folder(root: Path) -> Path:
    """Where the roll-up keeps its mirrors: a folder of the repository's git folder."""
    if gitops.toplevel(root) is None:
        raise ZctasksError(
            f"汇总台账 {root} 不是 git 仓库：成员仓库的镜像和锁定的提交都要放在 git 中",
            "用 zctasks init --rollup 目录 新建汇总台账，或在该目录运行 git init",
        )
    return gitops.git_path(root, "zctasks")


def mirror_of(root: Path, name: str) -> gitops.Mirror:
    from zctasks.load.cache import blake2b

    slug = blake2b(name.encode("utf-8"), 10).hex()
    return gitops.Mirror(rollup_folder(root) / "members" / f"{slug}.git")


def source_of(root: Path, member: Member) -> str:
    """What git fetches from: a URL as written; a folder or bundle as an absolute path
        (relative ones are relative to the roll-up ledger, wherever the command runs; symlinks are
    left for git to follow, never resolved here)."""
    if member.bundle:
        return os.path.abspath(root / Path(member.bundle).expanduser())
    remote = member.remote
    if "://" in remote:
        return remote
    head = remote.split("/", 1)[0]
    if ":" in head and not (len(head) == 2 and head[1] == ":"):  # git@host:path (scp form)
        return remote
    return os.path.abspath(root / Path(remote).expanduser())


# ---------------------------------------------------------------- reading a commit


@dataclass(frozen=True)
class Snapshot:
    folder: Path
    problems: list[Diagnostic]


@contextmanager
def extracted(mirror: gitops.Mirror, commit: str) -> Iterator[Snapshot]:
    """The member's ledger files at ``commit`` in a private temporary folder, removed
    afterwards, with what could not be copied as diagnostics."""
    work = mirror.path / "snapshots"
    work.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="read-", dir=work))
    try:
        yield Snapshot(folder, extract(mirror, commit, folder))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _unsafe(parts: list[str]) -> str:
    """Why a path of a member's tree may not be written here, or ""."""
    for part in parts:
        if part in ("", ".", "..") or part.casefold() in (".git", ".git."):
            return f"含有“{part}”"
        if any(ord(c) < 32 or c in '\\<>:"|?*' for c in part):
            return "含有控制字符或 Windows 不允许的字符"
    return ""


def _shortened(path: str) -> str:
    """A path as messages show it: a hostile one of thousands of characters cut short."""
    return path if len(path) <= 120 else f"{path[:60]}…{path[-40:]}"


def extract(mirror: gitops.Mirror, commit: str, folder: Path) -> list[Diagnostic]:
    """Copy the regular files of ``data/`` at ``commit`` into ``folder``."""
    from zctasks.files.limits import MAX_BYTES, too_large_message

    problems: list[Diagnostic] = []
    wanted: list[tuple[str, Path]] = []
    total = 0
    entries = mirror.tree(commit, "data")
    if len(entries) > MAX_FILES:
        return [
            Diagnostic(
                "data",
                1,
                1,
                "member-tree",
                f"data/ 中有 {len(entries)} 个文件，超过上限 {MAX_FILES}",
            )
        ]
    for entry in entries:
        parts = entry.path.split("/")
        why = _unsafe(parts)
        shown = _shortened(entry.path.encode("utf-8", "surrogateescape").decode("utf-8", "replace"))
        if why:
            problems.append(Diagnostic(shown, 1, 1, "member-tree", f"路径“{shown}”{why}，没有读取"))
            continue
        if len(parts) > MAX_DEPTH + 1:
            problems.append(
                Diagnostic(shown, 1, 1, "member-tree", f"路径“{shown}”层级过深，没有读取")
            )
            continue
        if entry.kind == "commit":
            problems.append(
                Diagnostic(shown, 1, 1, "member-tree", f"“{shown}”是子模块，台账文件不能是子模块")
            )
            continue
        if entry.mode == "120000":
            problems.append(
                Diagnostic(
                    shown,
                    1,
                    1,
                    "member-tree",
                    f"“{shown}”是符号链接，没有读取：台账文件只能是普通文件",
                )
            )
            continue
        if entry.kind != "blob" or entry.mode not in ("100644", "100755"):
            problems.append(Diagnostic(shown, 1, 1, "member-tree", f"“{shown}”不是普通文件"))
            continue
        if entry.size > MAX_BYTES:
            problems.append(Diagnostic(shown, 1, 1, "too-large", too_large_message(entry.size)))
            continue
        total += max(entry.size, 0)
        if total > MAX_TOTAL:
            problems.append(
                Diagnostic(
                    "data", 1, 1, "member-tree", f"data/ 合计超过 {MAX_TOTAL} 字节，没有读完"
                )
            )
            break
        target = folder.joinpath(*parts)
        try:
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            problems.append(
                Diagnostic(shown, 1, 1, "member-tree", f"“{shown}”无法写出：{exc.strerror}")
            )
            continue
        wanted.append((entry.oid, target))
    written: list[tuple[str, Path]] = []
    for oid, target in wanted:
        if target.exists() or target.is_symlink():  # a name a case-blind file system folds
            problems.append(
                Diagnostic(
                    target.relative_to(folder).as_posix(),
                    1,
                    1,
                    "member-tree",
                    "与另一个文件同名（只差大小写），没有读取",
                )
            )
            continue
        written.append((oid, target))
    mirror.copy_blobs(written)
    return problems


# ---------------------------------------------------------------- checking a commit


def check_commit(mirror: gitops.Mirror, commit: str) -> list[Diagnostic]:
    """Every problem of the member's ledger at ``commit``, as ``zctasks check`` finds them
    there (with what could not be copied out of git)."""
    from zctasks.load import cache, loading

    with extracted(mirror, commit) as snapshot:
        if not (snapshot.folder / "data" / "tasks.yaml").is_file() and not snapshot.problems:
            return [
                Diagnostic(
                    "data/tasks.yaml",
                    1,
                    1,
                    "not-a-ledger",
                    "提交中没有 data/tasks.yaml：这个分支不是 zctasks 台账",
                    "核对成员的仓库地址和分支",
                )
            ]
        with cache.bypassed():
            result = loading.check(snapshot.folder)
        return [*snapshot.problems, *result.diagnostics]


# ---------------------------------------------------------------- fetching

Result = Literal["first", "updated", "unchanged", "kept", "failed"]


@dataclass(frozen=True)
class Outcome:
    name: str
    result: Result
    message: str
    pin: Pin


def _now() -> str:
    from datetime import datetime

    return datetime.now().astimezone().replace(microsecond=0).isoformat()


def _timeout() -> float:
    try:
        return float(os.environ.get("ZCTASKS_FETCH_TIMEOUT", DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT


def _plain_error(text: str) -> str:
    """git's message in a few words of Chinese, with its own first line kept."""
    first = next((line for line in text.splitlines() if line.strip()), text).strip()
    lowered = text.lower()
    if "couldn't find remote ref" in lowered:
        return f"远程仓库中没有这个分支（{first}）"
    if "does not appear to be a git repository" in lowered or "not found" in lowered:
        return f"找不到仓库（{first}）"
    if (
        "could not resolve" in lowered
        or "failed to connect" in lowered
        or "connection refused" in lowered
        or "timed out" in lowered
        or "unable to access" in lowered
    ):
        return f"无法连接（{first}）"
    if any(
        word in lowered
        for word in (
            "fsck",
            "corrupt",
            "bad object",
            "missing",
            "early eof",
            "index-pack",
            "unpack",
        )
    ):
        return f"仓库已损坏（{first}）"
    return first


def fetch_member(
    root: Path, member: Member, before: Pin | None, *, locked: bool, accept_rewrite: bool
) -> Outcome:
    """Bring one member up to date and pin its new commit if it may be pinned."""
    mirror = mirror_of(root, member.name)
    now = _now()
    shown = member.bundle or member.remote
    kept = before or Pin(member.name)

    def failed(message: str, rejected: str = "") -> Outcome:
        pin = replace(kept, tried=now, problem=message, rejected=rejected)
        return Outcome(member.name, "failed", message, pin)

    mirror.ensure()
    mirror.clear_stale_locks()
    source = source_of(root, member)
    if member.bundle:
        try:
            info = os.stat(source)
        except OSError as exc:
            return failed(f"无法读取 bundle 文件 {member.bundle}（{exc.strerror}）")
        if not stat.S_ISREG(info.st_mode):
            return failed(f"bundle 文件 {member.bundle} 不是普通文件")
        heads = mirror.bundle_heads(source)
        if heads is None:
            return failed(f"{member.bundle} 不是有效的 git bundle（文件损坏或不完整）")
        branches = [h for h in heads if h.startswith("refs/heads/")]
        wanted = f"refs/heads/{member.branch}" if member.branch else "HEAD"
        if not member.branch and "HEAD" not in heads and len(branches) == 1:
            wanted = branches[0]
        tip = heads.get(wanted)
        if tip is None:
            have = "、".join(h.removeprefix("refs/heads/") for h in branches) or "没有分支"
            if member.branch:
                return failed(f"bundle 中没有分支 {member.branch}（有：{have}）")
            return failed(
                f"bundle 中有几个分支（{have}），不知道读哪一个：在 data/members.yaml 中写明 branch"
            )
        if before is not None and tip == before.commit and mirror.has_commit(tip):
            error = ""
            mirror.set_ref(INCOMING, tip)
        else:
            error = mirror.fetch(source, wanted, INCOMING, _timeout())
    else:
        wanted = f"refs/heads/{member.branch}" if member.branch else "HEAD"
        error = mirror.fetch(source, wanted, INCOMING, _timeout())
    if error and member.bundle:
        said = next((line for line in error.splitlines() if line.strip()), error).strip()
        return failed(f"{member.bundle} 损坏或不完整（{said}）")
    if error:
        return failed(_plain_error(error))
    new = mirror.resolve(INCOMING)
    if new is None:
        return failed("获取后找不到分支的提交")
    if locked:
        if before is None or not before.commit:
            return Outcome(member.name, "kept", "尚未锁定提交", kept)
        if not mirror.has_commit(before.commit):
            return failed(f"仓库中已没有锁定的提交 {before.commit[:7]}（历史被改写）")
        mirror.set_ref(PINS + before.commit, before.commit)
        return Outcome(member.name, "kept", f"沿用锁定的提交 {before.commit[:7]}", kept)
    if before is not None and before.commit == new:
        pin = replace(before, tried="", problem="", rejected="", source=shown, branch=member.branch)
        return Outcome(member.name, "unchanged", f"没有新提交（{new[:7]}）", pin)
    if (
        before is not None
        and before.commit
        and mirror.has_commit(before.commit)
        and not mirror.is_ancestor(before.commit, new)
        and not accept_rewrite
    ):
        return failed(
            f"历史被改写：新的提交 {new[:7]} 不包含已锁定的提交 {before.commit[:7]}"
            "（强制推送或变基），沿用原来的提交",
            new,
        )
    problems = check_commit(mirror, new)
    errors = [d for d in problems if d.severity == "error"]
    if errors:
        from zctasks.judge.views import visible

        first = errors[0]
        where = f"{first.path}:{first.line}:{first.column}"
        return failed(
            f"提交 {new[:7]} 检查未通过：{len(errors)} 个错误，"
            f"第一个是 {where} {visible(first.message)}",
            new,
        )
    mirror.set_ref(PINS + new, new)
    pin = Pin(member.name, new, mirror.commit_time(new), now, shown, member.branch)
    result: Result = "first" if before is None or not before.commit else "updated"
    warned = sum(1 for d in problems if d.severity == "warning")
    said = f"锁定提交 {new[:7]}" + (f"（检查有 {warned} 个警告）" if warned else "")
    return Outcome(member.name, result, said, pin)


def fetch(
    root: Path,
    members: Members,
    pins: dict[str, Pin],
    only: str | None = None,
    *,
    locked: bool = False,
    accept_rewrite: bool = False,
    progress: Callable[[Outcome], None] | None = None,
) -> tuple[list[Outcome], bool]:
    """Fetch every member (or ``only`` one), isolated from each other: whatever fails in
    one member is its outcome, never the others'. With ``locked`` only the pinned commits
    are brought in and the lock is left as it is; otherwise it is written once, at the end,
    holding every member's pin (the ones not fetched as they were); returns the outcomes
    and whether the lock changed."""
    from filelock import FileLock, Timeout

    from zctasks.load import cache

    chosen = [m for m in members.file.members if only in (None, m.name)]
    folder = rollup_folder(root)
    folder.mkdir(parents=True, exist_ok=True)
    outcomes: dict[str, Outcome] = {}
    lock = threading.Lock()

    def one(member: Member) -> Outcome:
        try:
            found = fetch_member(
                root, member, pins.get(member.name), locked=locked, accept_rewrite=accept_rewrite
            )
        except ZctasksError as exc:
            found = _broken(member, pins.get(member.name), exc.message)
        except Exception as exc:  # isolation: one member's failure never stops the others
            found = _broken(member, pins.get(member.name), f"{type(exc).__name__}: {exc}")
        with lock:
            outcomes[member.name] = found
            if progress is not None:
                progress(found)
        return found

    try:
        with FileLock(folder / "fetch.lock", timeout=60), cache.bypassed():
            with ThreadPoolExecutor(max_workers=max(1, min(JOBS, len(chosen)))) as pool:
                list(pool.map(one, chosen))
            new = [
                outcomes[m.name].pin if m.name in outcomes else pins[m.name]
                for m in members.file.members
                if m.name in outcomes or m.name in pins
            ]
            wrote = False if locked else _write_lock(root, new)
    except Timeout:
        raise ZctasksError(
            "另一个 zctasks rollup fetch 正在运行，已等待 60 秒", "等它结束后再运行"
        ) from None
    return [outcomes[m.name] for m in chosen], wrote


def _broken(member: Member, before: Pin | None, message: str) -> Outcome:
    pin = replace(before or Pin(member.name), tried=_now(), problem=message)
    return Outcome(member.name, "failed", message, pin)


def _write_lock(root: Path, pins: list[Pin]) -> bool:
    from zctasks.files.writer import Transaction, update
    from zctasks.rollup.reading import lock_text

    content = lock_text(pins).encode("utf-8")

    def build(tx: Transaction) -> bool:
        if tx.read(LOCK_FILE.name) == content:
            return False
        tx.write(LOCK_FILE.name, content)
        return True

    return update(root / "data", build, what="成员锁定文件")
