"""The files of a roll-up ledger, as plain frozen dataclasses that pydantic validates
(``reading.py``) and describes as JSON Schema (the attribute docstrings).

Every value a person types may be written in Chinese: ``how`` takes 相加, 分解 and 最差 as
well as sum, share and worst (``canonical``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from zctasks.files.root import MEMBERS_FILE as MEMBERS_FILE
from zctasks.plan.models import MODEL_CONFIG, Number

CROSSWALK_FILE = Path("data/crosswalk.yaml")
LOCK_FILE = Path("data/members.lock")

TargetHow = Literal["sum", "share", "worst", "相加", "分解", "最差"]
TaskHow = Literal["targets", "worst", "按指标", "最差"]
CANONICAL = {"相加": "sum", "分解": "share", "最差": "worst", "按指标": "targets"}
HOW_NAMES = {"sum": "相加", "share": "分解", "worst": "最差", "targets": "按指标"}


def canonical(word: str) -> str:
    return CANONICAL.get(word, word)


@dataclass(frozen=True)
class Member:
    """One member ledger: a district's (or a city's) own repository."""

    __pydantic_config__ = MODEL_CONFIG

    name: str
    """The member as documents name it (淄川区)."""
    remote: str = ""
    """Its git repository: a URL (https://…, ssh://…, git@host:path) or a folder, relative
    to this ledger. Give either remote or bundle."""
    bundle: str = ""
    """A git bundle file the member sends (an isolated network), relative to this ledger."""
    branch: str = ""
    """The branch that holds its ledger; default: the repository's own default branch (its
    HEAD; in a bundle, HEAD or its only branch)."""
    series: str = ""
    """Its series in the league tables (县区, 园区, 市直部门), one of ``series``."""


@dataclass(frozen=True)
class MembersFile:
    """data/members.yaml: the members of a roll-up ledger."""

    __pydantic_config__ = MODEL_CONFIG

    name: str = ""
    """The roll-up as its documents name it (淄博市)."""
    section: str = "各区县进展"
    """The heading of the members' section and attachment in the documents."""
    series: tuple[str, ...] = ()
    """The series of the league tables, in the order they are printed."""
    members: tuple[Member, ...] = ()
    """The members, in the order documents list them."""


MemberTasks = int | tuple[int, ...]
MemberTargets = str | tuple[str, ...]


@dataclass(frozen=True)
class TargetLink:
    """A city target and the member targets it is made of."""

    __pydantic_config__ = MODEL_CONFIG

    target: str
    """The city's target id ("7.1")."""
    members: dict[str, MemberTargets]
    """Member name → its target id, or a list of them ("7.1" or ["9.2", "9.3"])."""
    how: TargetHow = "sum"
    """sum (相加): the city figure is the sum of the members' cumulative figures; share (分解):
    the members' targets are their shares of it — the figure is their sum, the light the
    worst of their own lights; worst (最差): no figure, the worst of the members' lights."""
    factor: Number | None = None
    """What a member figure is multiplied by to be in the city's unit; without it the
    units convert by their 万/亿/千/百 (万元 → 亿元: 0.0001), or must be the same."""


@dataclass(frozen=True)
class TaskLink:
    """A city task and the member tasks and targets that answer for it."""

    __pydantic_config__ = MODEL_CONFIG

    task: int
    """The city's task number."""
    members: dict[str, MemberTasks] | None = None
    """Member name → its task number, or a list of them; default: the tasks of the member
    targets listed under ``targets``."""
    targets: tuple[TargetLink, ...] = ()
    """The city's targets and the member targets they are made of."""
    how: TaskHow | None = None
    """targets (按指标): the task's light is its targets' (the worst); worst (最差): the worst
    of the member tasks' own lights. Default: targets where targets are listed, else worst."""


@dataclass(frozen=True)
class CrosswalkFile:
    """data/crosswalk.yaml: which member tasks and targets make up each city task."""

    __pydantic_config__ = MODEL_CONFIG

    tasks: tuple[TaskLink, ...] = ()
    """One entry per city task that is rolled up."""


@dataclass(frozen=True)
class Pin:
    """One line of data/members.lock, written by ``zctasks rollup fetch``."""

    name: str
    commit: str = ""
    """The commit the member is read at (40 hex digits); empty until a fetch succeeds."""
    committed: str = ""
    """When that commit was made (ISO 8601, the committer's offset)."""
    pinned: str = ""
    """When it was pinned."""
    source: str = ""
    """Where it was fetched from (the remote or bundle as members.yaml wrote it)."""
    branch: str = ""
    tried: str = ""
    """When the last fetch that failed was tried (empty when the last fetch succeeded)."""
    problem: str = ""
    """Why it failed."""
    rejected: str = ""
    """The commit that failed (check errors, rewritten history), if there was one."""


def as_tuple(value: int | str | tuple[int, ...] | tuple[str, ...]) -> tuple[str, ...]:
    """A member's task numbers or target ids as a tuple of strings."""
    if isinstance(value, tuple):
        return tuple(str(v) for v in value)
    return (str(value),)
