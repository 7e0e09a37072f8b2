"""Hypothetical figures (``score --set 7.1=25``, ``score --what-if FILE``): laid over the log
as at the day scored, never written anywhere.

``WhatIf`` is the ledger's ``Progress`` with some targets' latest figures replaced from
``as_of`` on: lights, completion and every rule that reads a figure see the hypothetical
one, and the sheet names it as 假设 instead of an entry. A task with no report at all keeps
its light (there is no report to replace); its completion uses the figure.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from zctasks.files.errors import UsageError
from zctasks.log.store import Figure, Progress
from zctasks.plan.ledger import Ledger
from zctasks.plan.models import Number

WHAT = "假设数值文件"
HINT = "修正假设数值文件后重试（zctasks check 不读这个文件）"


class WhatIf(Progress):
    """``progress`` with ``figures`` (target id → value) as the latest from ``as_of`` on."""

    def __init__(self, progress: Progress, figures: dict[str, Number], as_of: date) -> None:
        self.__dict__.update(progress.__dict__)
        self.hypothetical = dict(figures)
        self.as_of = as_of

    def override(self, target_id: str, day: date) -> Number | None:
        """The hypothetical figure of a target as at ``day``, if there is one."""
        if day >= self.as_of:
            return self.hypothetical.get(target_id)
        return None

    def figures(
        self, task_id: int, until: date | None = None, wanted: set[str] | None = None
    ) -> dict[str, Figure]:
        found = super().figures(task_id, until, None)
        day = until or self.as_of
        prefix = f"{task_id}."
        for target_id, value in self.hypothetical.items():
            if target_id.startswith(prefix) and day >= self.as_of:
                found[target_id] = Figure(value, self.as_of)
        return found


def parse_assignments(ledger: Ledger, texts: list[str]) -> dict[str, Number]:
    """``--set 7.1=25`` options as target id → value, refusing an unknown target or a
    figure that is not a number."""
    from zctasks.log.figures import BadNumber, parse_number

    found: dict[str, Number] = {}
    targets = {t.id for task in ledger.tasks.values() for t in task.targets}
    for text in texts:
        target_id, sign, figure = text.partition("=")
        target_id = target_id.strip()
        if not sign:
            raise UsageError(f"--set“{text}”应写作 指标编号=数值", "例如 --set 7.1=25")
        if target_id not in targets:
            raise UsageError(
                f"--set：没有编号为 {target_id} 的指标", "用 zctasks show 任务序号 查看指标编号"
            )
        try:
            found[target_id] = parse_number(figure)
        except BadNumber as exc:
            raise UsageError(f"--set {target_id}：{exc.message}", exc.hint) from None
    return found


def read_figures(ledger: Ledger, path: Path) -> dict[str, Number]:
    """A YAML file of hypothetical figures: a mapping of target ids to numbers
    (``"7.1": 25``), or ``figures:`` holding one. Problems are located by line."""
    from zctasks.files import yamlfile
    from zctasks.files.errors import LedgerInvalid, NotAFile
    from zctasks.files.limits import InputTooLarge, read_bounded
    from zctasks.log.figures import number_problem

    name = path.as_posix()
    try:
        raw = read_bounded(path, name)
    except (InputTooLarge, NotAFile) as exc:
        raise LedgerInvalid([exc.diagnostic()], WHAT, HINT) from None
    except OSError as exc:
        raise UsageError(f"无法读取 {name}：{exc.strerror or exc}") from None
    doc, problems = yamlfile.parse(name, raw, strict_numbers=True)
    if doc is None:
        raise LedgerInvalid(problems, WHAT, HINT)
    data: Any = doc.data
    loc: tuple[str | int, ...] = ()
    if isinstance(data, dict) and set(data) == {"figures"}:
        data, loc = data["figures"], ("figures",)
    if not isinstance(data, dict):
        raise LedgerInvalid(
            [
                doc.diagnostic(
                    loc, "type", "假设数值文件应为“指标编号: 数值”的映射", '例如 "7.1": 25'
                )
            ],
            WHAT,
            HINT,
        )
    targets = {t.id for task in ledger.tasks.values() for t in task.targets}
    found: dict[str, Number] = {}
    for key, value in data.items():
        where = (*loc, key)
        if str(key) not in targets:
            problems.append(
                doc.diagnostic(where, "unknown-target", f"没有编号为 {key} 的指标", key=True)
            )
        elif isinstance(value, bool) or not isinstance(value, int | float):
            problems.append(doc.diagnostic(where, "type", f"指标 {key} 的假设值应为数字"))
        elif (why := number_problem(value)) is not None:
            problems.append(doc.diagnostic(where, "number", why))
        else:
            found[str(key)] = value
    if problems:
        raise LedgerInvalid(problems, WHAT, HINT)
    return found
