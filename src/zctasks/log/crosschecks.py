"""Checks across month files, run on the compact index of the whole log.

Duplicate ids, corrections and withdrawals that name no entry (or the wrong one), entries
corrected twice, identical reports under two ids and cumulative figures that fall: all are
found on hashes and number columns; an entry is read back from its line only to word and
locate a problem that was found.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from zctasks.files.errors import Diagnostic
from zctasks.plan.ledger import Ledger

if TYPE_CHECKING:
    from zctasks.log.store import Progress


def check(progress: Progress, ledger: Ledger, warnings: bool = True) -> list[Diagnostic]:
    """Errors across files (always) and, with ``warnings``, the warnings too."""
    found = sorted(_duplicate_ids(progress), key=lambda d: (d.path, d.line)) + _replacements(
        progress
    )
    found += _cycles(progress)
    if warnings:
        found += _replaced_twice(progress) + _duplicate_reports(progress)
        found += _decreasing(progress, ledger)
    return found


def _at(progress: Progress, i: int, *loc: str) -> tuple[str, int, int]:
    return progress.locate(i, *loc)


def _diagnostic(
    progress: Progress,
    i: int,
    loc: tuple[str, ...],
    code: str,
    message: str,
    hint: str = "",
    severity: str = "error",
) -> Diagnostic:
    path, line, column = _at(progress, i, *loc)
    return Diagnostic(path, line, column, code, message, hint, severity)  # type: ignore[arg-type]


def _duplicate_ids(progress: Progress) -> list[Diagnostic]:
    if len(set(progress.ids)) == len(progress.ids):
        return []
    seen: dict[str, list[int]] = defaultdict(list)
    for i, entry_id in enumerate(progress.ids):
        seen[entry_id].append(i)
    found = []
    for indexes in seen.values():
        if len(indexes) < 2:
            continue
        first: dict[str, int] = {}
        for i in indexes:  # in file order: the first keeps its place
            entry = progress.entry(i)
            if entry.id in first:
                path, line, _ = _at(progress, first[entry.id], "id")
                found.append(
                    _diagnostic(
                        progress,
                        i,
                        ("id",),
                        "duplicate-entry",
                        f"条目编号 {entry.id} 重复",
                        f"与 {path} 第 {line} 行相同；合并分支后可能重复，请删除多余的一行",
                    )
                )
            else:
                first[entry.id] = i
    return found


def _replacements(progress: Progress) -> list[Diagnostic]:
    if not progress.replaced:
        return []
    wanted = set(progress.replaced)
    owners: dict[str, list[int]] = defaultdict(list)
    for i, entry_id in enumerate(progress.ids):
        if entry_id in wanted:
            owners[entry_id].append(i)
    found = []
    for target_id, replacers in progress.replaced.items():
        for i in replacers:
            entry = progress.entry(i)
            field = "fixes" if entry.fixes else "voids"
            verb = "更正" if entry.fixes else "撤销"
            targets = owners.get(target_id, [])
            if not targets:
                found.append(
                    _diagnostic(
                        progress,
                        i,
                        (field,),
                        "unknown-entry",
                        f"要{verb}的条目 {entry.replaces()} 不存在",
                        "用 zctasks progress log 查看条目编号",
                    )
                )
                continue
            original = progress.entry(targets[0])
            if targets[0] == i:
                found.append(
                    _diagnostic(
                        progress, i, (field,), "unknown-entry", f"条目 {entry.id} 不能{verb}自己"
                    )
                )
            elif original.voids:
                found.append(
                    _diagnostic(
                        progress,
                        i,
                        (field,),
                        "void-of-void",
                        f"条目 {original.id} 是撤销记录，不能再{verb}",
                    )
                )
            elif original.task != entry.task:
                found.append(
                    _diagnostic(
                        progress,
                        i,
                        ("task",),
                        "fix-other-task",
                        f"{verb}记录的任务 {entry.task} 与原条目 {original.id} 的任务 {original.task} 不同",
                        "报错了任务的记录，先撤销（progress void），再在正确的任务下重新记录",
                    )
                )
    return sorted(found, key=lambda d: (d.path, d.line, d.column))


def _cycles(progress: Progress) -> list[Diagnostic]:
    """Corrections and withdrawals that name each other in a circle (a fixes b, b fixes a):
    every one of them is replaced, so none is in force, and nothing else would say so."""
    if not progress.replaced:
        return []
    first: dict[str, int] = {}
    for i, entry_id in enumerate(progress.ids):
        first.setdefault(entry_id, i)
    target: dict[int, int] = {}
    for replaced_id, replacers in progress.replaced.items():
        if replaced_id in first:
            for i in replacers:
                target.setdefault(i, first[replaced_id])
    found = []
    state: dict[int, int] = {}  # 1 on the current path, 2 done
    for start in sorted(target):
        path: list[int] = []
        at: int | None = start
        while at is not None and at not in state:
            state[at] = 1
            path.append(at)
            at = target.get(at)
        if at is not None and state[at] == 1:
            circle = path[path.index(at) :]
            head = min(circle)
            ordered = circle[circle.index(head) :] + circle[: circle.index(head)]
            entry = progress.entry(head)
            found.append(
                _diagnostic(
                    progress,
                    head,
                    ("fixes" if entry.fixes else "voids",),
                    "fix-cycle",
                    f"条目 {'、'.join(progress.ids[n] for n in ordered)} 互相更正或撤销，都不再有效",
                    "撤销或更正只能指向更早的记录；用 zctasks progress log 查看，并追加一条新的报送",
                )
            )
        for n in path:
            state[n] = 2
    return sorted(found, key=lambda d: (d.path, d.line))


def _replaced_twice(progress: Progress) -> list[Diagnostic]:
    found = []
    for replacers in progress.replaced.values():
        if len(replacers) < 2:
            continue
        ordered = sorted(replacers, key=progress._sort_key)
        later = progress.entry(ordered[-1])
        target_id = later.replaces()
        if progress.index_of_id(target_id) is None:
            continue  # reported as unknown-entry
        ids = "、".join(progress.entry(i).id for i in ordered)
        found.append(
            _diagnostic(
                progress,
                ordered[-1],
                ("fixes" if later.fixes else "voids",),
                "replaced-twice",
                f"条目 {target_id} 被更正或撤销了 {len(ordered)} 次（{ids}），都视为有效",
                "两个分支各自更正了同一条记录；核对后用 zctasks progress void 撤销多余的一条",
                "warning",
            )
        )
    return found


def _duplicate_reports(progress: Progress) -> list[Diagnostic]:
    """Reports in force that say exactly the same (``report_key``), found by their checksum
    and confirmed on the whole reports; each is named with the first one like it."""
    from zctasks.log.store import report_key

    found = []
    seen: dict[int, list[int]] = {}
    for i in progress.order:
        if not progress.in_force(i):
            continue
        earlier = seen.setdefault(progress.keyh[i], [])
        if earlier:
            key = report_key(progress.entry(i))
            same = next((j for j in earlier if report_key(progress.entry(j)) == key), None)
            if same is not None:
                entry = progress.entry(i)
                found.append(
                    _diagnostic(
                        progress,
                        i,
                        ("id",),
                        "duplicate-report",
                        f"条目 {entry.id} 与 {progress.entry(same).id} 的内容完全相同",
                        f"同一份报送记了两次；用 zctasks progress void {entry.id} --reason 重复 撤销一条",
                        "warning",
                    )
                )
                continue
        earlier.append(i)
    return found


def _decreasing(progress: Progress, ledger: Ledger) -> list[Diagnostic]:
    from datetime import date

    accruing = {
        target.id for task in ledger.tasks.values() for target in task.targets if target.accrues
    }
    found = []
    for task_id in ledger.tasks:
        last: dict[str, tuple[float, int]] = {}
        for i in progress.task_indexes(task_id):
            for target_id, value in progress.values_of(i).items():
                if target_id not in accruing:
                    continue
                if target_id in last and value < last[target_id][0]:
                    earlier_value, earlier = last[target_id]
                    day = date.fromordinal(progress.day[earlier])
                    found.append(
                        _diagnostic(
                            progress,
                            i,
                            ("values", target_id),
                            "decreasing",
                            f"累计指标 {target_id} 从 {earlier_value:g}（{day}）降到 {value:g}",
                            "累计指标应填写年初至今的累计数；填错了用 zctasks progress fix 更正",
                            "warning",
                        )
                    )
                last[target_id] = (value, i)
    return found
