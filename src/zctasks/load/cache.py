"""A cache of checked inputs, so that read-only commands skip parsing and validation.

Entries are keyed on the bytes of what was checked, on the program's version and on its
modules' sizes and times, so they can never serve stale results: any change to any byte is
a different key. The plan is kept as JSON, each month file's index as raw number columns
behind a JSON header (``store.FileIndex``): neither form can run code when it is read.

The folder is the user's own: created 0700, and used only while it belongs to the user
and nobody else can write to it; otherwise the cache is off and ``check`` says why.
Every entry carries a checksum of its payload, so a damaged entry (even one byte changed,
the length kept) is never believed: it is computed again. Writes go through a temporary file that is removed if anything fails (a full disk leaves
nothing behind). Entries not used lately are removed so that the folder stays within a few
times the size of the ledgers it serves. ``ZCTASKS_NO_CACHE=1`` turns the cache off and
``ZCTASKS_CACHE_DIR`` moves it.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from zctasks import __version__

KEEP = 256
"""Entries kept when the folder is pruned, the least recently used going first (a month
file's index is about a quarter of the file's size, so the folder stays within about the
size of the largest ledger it serves). It is pruned once it holds a quarter more than
this: a process that stores one entry does not look into all the others each time."""
SUFFIX = ".zc"
_HEAD = b"ZCC1"
"""What every entry begins with, before the checksum of its payload: the mark by which the
tool knows an entry it wrote (a folder named by ``ZCTASKS_CACHE_DIR`` may hold the user's
own files, and only the tool's entries are ever pruned)."""
_SUM = 16

_problem: list[str] = []
_pruned: list[bool] = []
_bypassed: list[bool] = []


def _location() -> Path | None:
    if os.environ.get("ZCTASKS_NO_CACHE"):
        return None
    explicit = os.environ.get("ZCTASKS_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "zctasks"


def cache_dir() -> Path | None:
    """The private cache folder, made if missing; None when off or not private."""
    if _bypassed:
        return None
    folder = _location()
    if folder is None:
        return None
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.lstat()
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode):
        _note(f"缓存路径 {folder} 不是目录，已停用缓存")
        return None
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        _note(f"缓存目录 {folder} 不属于当前用户，已停用缓存")
        return None
    if info.st_mode & 0o077:
        _note(
            f"缓存目录 {folder} 的权限为 {stat.S_IMODE(info.st_mode):o}，他人可以写入，已停用缓存；"
            f"请删除它或执行 chmod 700 {folder}"
        )
        return None
    return folder


@contextmanager
def bypassed() -> Iterator[None]:
    """Neither read nor write the cache meanwhile: a roll-up reads a hundred members'
    ledgers once each, which would only push the user's own ledger out of it."""
    _bypassed.append(True)
    try:
        yield
    finally:
        _bypassed.pop()


def _note(message: str) -> None:
    if message not in _problem:
        _problem.append(message)


def problems() -> list[str]:
    """Why the cache is off, if it is because of its folder (for ``check`` to say)."""
    cache_dir()
    return list(_problem)


def _code_stamp() -> str:
    """What identifies the program's own modules: an edited checkout (or a reinstall) never
    reads entries that an older program wrote.

    A checkout (an editable install, tests) is stamped by the size and modification time
    of every module. An installed package is stamped by its folders' modification times:
    pip replaces files rather than editing them, so any reinstall or upgrade changes them,
    and this runs at every start (``os.scandir``, not ``Path.glob``, for the same reason)."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    installed = os.path.basename(os.path.dirname(package)) in ("site-packages", "dist-packages")
    stamps: list[str] = []
    folders = [package]
    while folders:
        folder = folders.pop()
        if installed:
            info = os.stat(folder)
            stamps.append(f"{folder}:{info.st_mtime_ns}")
        with os.scandir(folder) as found:
            for entry in found:
                if not installed and entry.name.endswith(".py"):
                    info = entry.stat()
                    stamps.append(f"{entry.path}:{info.st_size}:{info.st_mtime_ns}")
                elif entry.is_dir() and not entry.name.startswith((".", "_")):
                    folders.append(entry.path)
    return ";".join(sorted(stamps))


def blake2b(data: bytes = b"", digest_size: int = 20) -> bytes:
    """BLAKE2b from CPython's own module: ``hashlib`` would load OpenSSL first, which costs
    every start more than all the hashing."""
    try:
        from _blake2 import blake2b as make
    except ImportError:  # pragma: no cover - a Python built without it
        from hashlib import blake2b as make
    return make(data, digest_size=digest_size).digest()


def _hasher() -> Any:
    return _hasher_of(20)


def hasher() -> Any:
    """A BLAKE2b object fed piece by piece, whose digest is ``blake2b`` of all it was fed."""
    return _hasher_of(20)


def _hasher_of(size: int) -> Any:
    try:
        from _blake2 import blake2b as make
    except ImportError:  # pragma: no cover
        from hashlib import blake2b as make
    return make(digest_size=size)


_STAMP: list[str] = []


def key(kind: str, inputs: Iterable[tuple[str, bytes]]) -> str:
    digest = _hasher()
    if not _STAMP:
        _STAMP.append(_code_stamp())
    for part in (kind, __version__, sys.version, _STAMP[0]):
        digest.update(part.encode() + b"\0")
    for name, content in inputs:
        digest.update(f"{name}\0{len(content)}\0".encode())
        digest.update(content)
    return str(digest.hexdigest())


def load(entry: str) -> bytes | None:
    folder = cache_dir()
    if folder is None:
        return None
    path = folder / (entry + SUFFIX)
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    start = len(_HEAD) + _SUM
    if data[: len(_HEAD)] != _HEAD or data[len(_HEAD) : start] != _checksum(data, start):
        return None  # not an entry of this form, or damaged: computed again and replaced
    with suppress(OSError):
        os.utime(path)  # recently used: kept by the pruning
    return data[start:]


def _checksum(data: bytes, start: int = 0) -> bytes:
    digest = _hasher_of(_SUM)
    digest.update(memoryview(data)[start:])
    return bytes(digest.digest())


def store(entry: str, data: bytes) -> None:
    """Write an entry atomically; a cache that cannot be written is silently skipped, and
    leaves no file behind."""
    folder = cache_dir()
    if folder is None:
        return
    import tempfile

    temp = ""
    try:
        fd, temp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(_HEAD + _checksum(data) + data)
        os.replace(temp, folder / (entry + SUFFIX))
        temp = ""
        _prune(folder)
    except OSError:
        return
    finally:
        if temp:
            Path(temp).unlink(missing_ok=True)


def _prune(folder: Path) -> None:
    if _pruned:  # once a process is enough
        return
    _pruned.append(True)
    named = [path for path in folder.glob("*" + SUFFIX) if _named(path)]
    if len(named) <= KEEP + KEEP // 4:  # no entry opened: the names bound their number
        return
    entries = [path for path in named if _ours(path)]
    if len(entries) <= KEEP:
        return
    entries.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in entries[KEEP:]:
        stale.unlink(missing_ok=True)


def _named(path: Path) -> bool:
    """Whether the file is named as the tool names an entry: by a key."""
    name = path.name[: -len(SUFFIX)]
    return len(name) == 40 and not name.strip("0123456789abcdef")


def _ours(path: Path) -> bool:
    """Whether the tool wrote the file: named by a key, and beginning with the entries' mark
    (in the tool's own default folder, also entries of releases before the mark)."""
    if not _named(path):
        return False
    try:
        with open(path, "rb") as handle:
            if handle.read(len(_HEAD)) == _HEAD:
                return True
    except OSError:
        return False
    return not os.environ.get("ZCTASKS_CACHE_DIR")
