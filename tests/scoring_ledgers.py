"""Small ledgers for the 考评 tests, written straight to disk: a plan, its units, progress
lines in the form the tool writes, 催办单 and a data/scoring.yaml."""

from __future__ import annotations

import hashlib
import json
import textwrap
from collections import defaultdict
from pathlib import Path
from typing import Any

HEADER = "# 进展记录：由 zctasks 追加写入，每行一条；请勿手工调整顺序或合并行。\n"
URGE_HEADER = "# 催办单登记：由 zctasks 追加写入，每行一张催办单；请勿手工修改、删除或调整顺序。\n"


def plan(year: int, issued: str, tasks: list[dict[str, Any]]) -> str:
    """tasks.yaml: one chapter; each task {id, unit, title, targets: [(name, op, value, unit,
    accrues)]}; the unit leads it."""
    lines = [
        "plan:",
        f"  title: {year}年考评测试计划",
        f"  doc_number: 测政办字〔{year}〕1号",
        "  issuer: 测试市人民政府办公室",
        f"  issued: {issued}",
        f"  period: {{start: {year}-01-01, end: {year}-12-31}}",
        "chapters:",
        "  - {id: 1, title: 重点工作}",
        "tasks:",
    ]
    for task in tasks:
        lines += [
            f"  - id: {task['id']}",
            "    chapter: 1",
            f"    title: {task['title']}",
            f"    text: {task.get('text', task['title'])}。",
            f"    lead: [{task['unit']}]",
            "    targets:",
        ]
        for n, (name, op, value, unit, accrues) in enumerate(task.get("targets", ()), 1):
            extra = "" if accrues else ", accrues: false, change: true"
            lines.append(
                f'      - {{id: "{task["id"]}.{n}", name: {name}, op: "{op}", value: {value}, unit: "{unit}"{extra}}}'
            )
        if not task.get("targets"):
            lines[-1] = "    targets: []"
    return "\n".join(lines) + "\n"


def departments(units: list[str], kind: str = "其他") -> str:
    return "units:\n" + "".join(f"  {u}: {{kind: {kind}}}\n" for u in units)


def entry(
    task: int,
    day: str,
    unit: str,
    values: dict[str, float],
    *,
    at: str | None = None,
    status: str = "推进中",
    note: str = "",
) -> dict[str, Any]:
    suffix = hashlib.sha256(
        f"{task}{day}{unit}{sorted(values.items())}{note}".encode()
    ).hexdigest()[:6]
    return {
        "id": f"{day}-{task}-{suffix}",
        "task": task,
        "date": day,
        "by": unit,
        "status": status,
        "values": values,
        "note": note or f"{unit}报送",
        "at": at or f"{day}T09:00:00.000+08:00",
    }


def write(
    root: Path,
    tasks: str,
    units: str,
    scoring: str,
    entries: list[dict[str, Any]] = (),  # type: ignore[assignment]
    slips: list[dict[str, Any]] = (),  # type: ignore[assignment]
    config: str = "",
) -> Path:
    data = root / "data"
    (data / "progress").mkdir(parents=True, exist_ok=True)
    (data / "tasks.yaml").write_text(tasks, "utf-8")
    (data / "departments.yaml").write_text(units, "utf-8")
    (data / "scoring.yaml").write_text(textwrap.dedent(scoring), "utf-8")
    if config:
        (data / "config.yaml").write_text(textwrap.dedent(config), "utf-8")
    months: dict[str, list[str]] = defaultdict(list)
    for item in entries:
        line = "- " + json.dumps(
            {k: v for k, v in item.items() if v != {} or k == "values"}, ensure_ascii=False
        )
        months[item["date"][:7]].append(line)
    for month, lines in months.items():
        (data / "progress" / f"{month}.yaml").write_text(HEADER + "\n".join(lines) + "\n", "utf-8")
    if slips:
        (data / "urges").mkdir(exist_ok=True)
        year = slips[0]["issued"][:4]
        text = URGE_HEADER + "".join("- " + json.dumps(s, ensure_ascii=False) + "\n" for s in slips)
        (data / "urges" / f"{year}.yaml").write_text(text, "utf-8")
    return root
