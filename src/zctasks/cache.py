"""A cache of validated ledgers, so that read-only queries skip parsing and validation.

An entry is keyed on the bytes of every input file, on the program's version and on its
modules' sizes and times, so it can never serve stale results: any change to any byte of
the data is a different key. Entries are pickles
written by this program into the user's own cache folder (mode 0700); they are never read
from the ledger folder. ``ZCTASKS_NO_CACHE=1`` turns the cache off and
``ZCTASKS_CACHE_DIR`` moves it.
"""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from zctasks import __version__

KEEP = 16


def cache_dir() -> Path | None:
    if os.environ.get("ZCTASKS_NO_CACHE"):
        return None
    explicit = os.environ.get("ZCTASKS_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "zctasks"


def _code_stamp() -> str:
    """Size and modification time of the program's own modules: an edited checkout (or a
    reinstall) never reads entries that an older program wrote."""
    package = Path(__file__).parent
    stamps = []
    for module in sorted(package.glob("*.py")):
        info = module.stat()
        stamps.append(f"{module.name}:{info.st_size}:{info.st_mtime_ns}")
    return ";".join(stamps)


def _blake2b() -> Any:
    """BLAKE2b from CPython's own module: ``hashlib`` would load OpenSSL first, which costs
    every start more than all the hashing."""
    try:
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - a Python built without it
        from hashlib import blake2b
    return blake2b(digest_size=20)


def key(kind: str, inputs: Iterable[tuple[str, bytes]]) -> str:
    digest = _blake2b()
    for part in (kind, __version__, sys.version, _code_stamp()):
        digest.update(part.encode() + b"\0")
    for name, content in inputs:
        digest.update(f"{name}\0{len(content)}\0".encode())
        digest.update(content)
    return str(digest.hexdigest())


def load(entry: str) -> Any | None:
    folder = cache_dir()
    if folder is None:
        return None
    try:
        with open(folder / f"{entry}.pickle", "rb") as handle:
            return pickle.load(handle)
    except Exception:  # a missing, truncated or foreign entry is a miss
        return None


def store(entry: str, value: Any) -> None:
    """Write an entry atomically; a cache that cannot be written is silently skipped."""
    folder = cache_dir()
    if folder is None:
        return
    import tempfile

    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temp, folder / f"{entry}.pickle")
        _prune(folder)
    except OSError:
        return


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in entries[KEEP:]:
        stale.unlink(missing_ok=True)
