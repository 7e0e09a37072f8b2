"""Tool-written month-file lines read at the speed of JSON.

zctasks writes every entry as ``- {json}`` on one line (``progress.entry_line``). A whole
file of such lines is decoded and type-checked by msgspec in one call, into ``EntryLine``
structs that carry exactly the fields of ``models.Entry``; what lights, checks and the
index need is read from them without making a frozen ``Entry`` for each of a million lines.

Nothing the strict schema (``plan/schema.py``, pydantic) refuses is accepted here, and
what is accepted is read exactly as the schema reads it (``tests/test_cache.py`` shows both
by property tests). Where the two could differ this reader declines and the schema judges
the file, locating its problems: a moment recorded (``at``) with more than six decimals,
which the two libraries round differently; a task number beyond 32 bits; a line holding two
objects; any backslash (an escape); and a key given twice in one object, which JSON readers
silently resolve to its last value (``_keys_once``).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Literal, NamedTuple

import msgspec

from zctasks.plan.models import Entry

_FINE_SECONDS = re.compile(rb":\d\d[.,]\d{7}")
"""A time written to more than six decimals of a second: the schema and msgspec round it
differently (on every other form of a moment that either accepts, they agree: see
tests/test_cache.py), so such a file is left to the schema."""
_SPACED_COLON = re.compile(rb'"[ \t\r\n]+:')
Day = date  # for the field named "date", whose name would hide the type in the class
_TASKS = 2**31
"""Task numbers the index holds; a larger one is left to the schema and its message."""


class EntryLine(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """An entry as read from a tool-written line, with the fields of ``Entry``."""

    id: str
    task: int
    date: Day
    by: str
    status: Literal["未启动", "推进中", "已完成", "受阻"] | None = None
    note: str = ""
    values: dict[str, int | float] = {}
    estimates: dict[str, int | float] = {}
    source: str = ""
    next: str = ""
    problems: str = ""
    forced: str = ""
    at: datetime | None = None
    received: Day | None = None
    fixes: str = ""
    voids: str = ""
    reason: str = ""

    def entry(self) -> Entry:
        return Entry(
            id=self.id,
            task=self.task,
            date=self.date,
            by=self.by,
            status=self.status,
            note=self.note,
            values=dict(self.values),
            estimates=dict(self.estimates),
            source=self.source,
            next=self.next,
            problems=self.problems,
            forced=self.forced,
            at=self.at,
            received=self.received,
            fixes=self.fixes,
            voids=self.voids,
            reason=self.reason,
        )


AnyEntry = Entry | EntryLine
"""What the checks of one entry and the index read: a validated ``Entry`` or a line read
by this module."""

_DECODER = msgspec.json.Decoder(list[EntryLine])
_ENCODER = msgspec.json.Encoder()


def line_entries(lines: list[tuple[int, str]]) -> list[EntryLine] | None:
    """The entries of tool-written lines (``(number, "- {…}")``), or None as soon as
    anything is not exactly as the schema would read it: the schema then judges the file."""
    return _decode(("[" + ",".join(line[2:] for _, line in lines) + "]").encode(), len(lines))


class Block(NamedTuple):
    entries: list[EntryLine]
    first: int
    """The number of the first entry's line; the others follow it, one a line."""
    offsets: list[int]
    """Where each entry's line starts in the file."""


def read_block(raw: bytes, start: int = 0) -> Block | None:
    """The entries of ``raw[start:]`` when it is what the tool writes — comment lines, then
    one entry a line and nothing else — read without splitting the text into lines: the
    lines are joined into one JSON array by replacing their breaks. None for anything else
    (a blank or comment line between entries, a line that is not ``- {…}``, a carriage
    return, no entries at all): the caller then reads the file line by line."""
    head = start
    while raw.startswith((b"#", b"\n"), head):
        head = raw.find(b"\n", head) + 1
        if head == 0:
            return None
    end = len(raw) - 1 if raw.endswith(b"\n") else len(raw)
    # raw[head:end] is the body, looked at in place: each copy of a month file is a fresh
    # allocation, whose pages are faulted in one by one
    if end - head < 4 or not raw.startswith(b"- {", head) or not raw.endswith(b"}", head, end):
        return None
    breaks = raw.count(b"\n", head, end)
    if raw.count(b"}\n- {", head, end) != breaks:
        return None
    payload = b"".join((b"[", raw[head + 2 : end].replace(b"}\n- {", b"},{"), b"]"))
    entries = _decode(payload, breaks + 1)
    if entries is None:
        return None
    offsets = [head]
    position = raw.find(b"\n", head, end)
    while position != -1:
        offsets.append(position + 1)
        position = raw.find(b"\n", position + 1, end)
    return Block(entries, raw.count(b"\n", 0, head) + 1, offsets)


def _decode(payload: bytes, count: int) -> list[EntryLine] | None:
    """``count`` entries from a JSON array of them, or None."""
    try:
        entries = _DECODER.decode(payload)
    except (msgspec.DecodeError, RecursionError):
        return None
    if len(entries) != count or not _keys_once(payload, entries):
        return None
    if not all(-_TASKS < entry.task < _TASKS for entry in entries):
        return None
    if _FINE_SECONDS.search(payload):
        return None
    return entries


def _keys_once(payload: bytes, entries: list[EntryLine]) -> bool:
    """Whether every key in ``payload`` was given once and every field given was not left
    at its default — shown by counting, not by parsing again.

    The text must have no backslash: then no string holds a quote or an escape, every
    ``"`` opens or closes a string, and the entries encoded again (without their
    defaults) spell every string they kept exactly as the text does. In valid JSON a ``"``
    followed by ``:`` is the end of a key, or the start of a string that begins with a
    colon; and if no key is kept from its colon by white space, the text's ``":`` count is
    the keys written (repeats included) plus the strings written that begin with a colon.
    The same count over the entries encoded again is the fields that differ from their
    defaults, plus the figures, plus such strings among those kept. The first is never
    smaller than the second, and equals it exactly when no key was written twice and no
    default was written out. Anything else goes to the schema: always safe, only slower."""
    if b"\\" in payload or _SPACED_COLON.search(payload):
        return False
    again = _ENCODER.encode(entries)
    return payload.count(b'":') == again.count(b'":')
