"""What git says about the ledger the site is built from: the commit, uncommitted changes,
and the commit each progress line came in (``git blame``). Without git, nothing."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


@dataclass(frozen=True)
class LineCommit:
    commit: str
    """The short hash, or "" for a line not yet committed."""
    author: str
    day: str
    """The commit's date (YYYY-MM-DD, UTC)."""


@dataclass(frozen=True)
class Source:
    commit: str
    """The full hash of HEAD, or "" outside a repository."""
    day: str
    dirty: bool
    """Whether the ledger's data differ from that commit."""


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=120,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},  # git status writes no index
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def source(root: Path) -> Source:
    head = _git(root, "log", "-1", "--format=%H %ct")
    if not head:
        return Source("", "", False)
    commit, stamp = head.split()
    status = _git(root, "status", "--porcelain", "--untracked-files=all", "--", "data")
    day = datetime.fromtimestamp(int(stamp), UTC).date().isoformat()
    return Source(commit, day, bool(status and status.strip()))


def blame(root: Path, relative: str) -> dict[int, LineCommit]:
    """Line number → the commit that added it, for one file of the working tree."""
    text = _git(root, "blame", "--porcelain", "--", relative)
    if text is None:
        return {}
    found: dict[int, LineCommit] = {}
    info: dict[str, dict[str, str]] = {}
    current = ""
    line_no = 0
    for line in text.split("\n"):
        if not line:
            continue
        if line.startswith("\t"):
            details = info[current]
            committed = not current.startswith("0000000")
            found[line_no] = LineCommit(
                current[:7] if committed else "",
                details.get("author", "") if committed else "",
                details.get("day", "") if committed else "",
            )
            continue
        head, _, rest = line.partition(" ")
        if len(head) == 40 and all(c in "0123456789abcdef" for c in head):
            current = head
            line_no = int(rest.split()[1])
            info.setdefault(current, {})
        elif head == "author":
            info[current]["author"] = rest
        elif head == "committer-time":
            info[current]["day"] = datetime.fromtimestamp(int(rest), UTC).date().isoformat()
    return found
