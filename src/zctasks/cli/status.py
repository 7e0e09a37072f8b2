"""`zctasks status`: the traffic lights."""

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from zctasks.cli.app import (
    AsOfOption,
    _complete_unit,
    _state,
    app,
)
from zctasks.cli.chinese import BY, CHAPTER
from zctasks.cli.output import print_json


class StatusFormat(StrEnum):
    table = "table"
    json = "json"


@app.command("status")
def show_status(
    ctx: typer.Context,
    as_of: AsOfOption = None,
    dept: Annotated[
        str | None,
        typer.Option(
            "--dept",
            "-d",
            help="只看该单位涉及的任务（任何角色）。",
            autocompletion=_complete_unit,
            show_default=False,
        ),
    ] = None,
    chapter: Annotated[
        int | None,
        typer.Option(
            "--chapter",
            "-c",
            help="只看该章：4、四 或 第四章。",
            show_default=False,
            click_type=CHAPTER,
        ),
    ] = None,
    by: Annotated[
        str,
        typer.Option(
            "--by",
            help="任务（task）：按任务亮灯（默认）；单位（unit）：本报送周期哪些单位已报、未报、逾期几天。",
            click_type=BY,
        ),
    ] = "task",
    history: Annotated[
        bool,
        typer.Option(
            "--history",
            help="每项任务在各报送周期截止日的灯色及其变化（新增滞后、恢复、连续几期严重滞后）。",
        ),
    ] = False,
    fmt: Annotated[
        StatusFormat, typer.Option("--format", "-f", help="输出格式：table 或 json。")
    ] = StatusFormat.table,
) -> None:
    """按序时进度亮灯：总体、分章、分牵头单位的统计，以及滞后、严重滞后、未报送的任务；--by unit 看各单位的报送情况；--history 看各期灯色的变化。"""
    if by == "unit":
        from zctasks.files.errors import UsageError

        if dept is not None or chapter is not None:
            raise UsageError("--by unit 列出全部单位，不能与 --dept、--chapter 同用")
        if history:
            raise UsageError("--history 按任务列出各期灯色，不能与 --by unit 同用")
        _by_unit(ctx, as_of, fmt)
        return
    if history:
        _history(ctx, as_of, dept, chapter, fmt)
        return
    from zctasks.judge.schedule import LIGHT_NAMES, LIGHTS, lead_groups
    from zctasks.judge.views import (
        LIGHT_STYLES,
        chapter_numeral,
        principal_units,
        state_json,
        status_summary,
    )
    from zctasks.plan.queries import TaskFilter, select_tasks

    state = _state(ctx)
    ledger = state.ledger_with_progress()
    _rollup_hint(ledger.root)
    tasks, _ = select_tasks(ledger, TaskFilter(dept=dept, chapter=chapter))
    report = state.status(ledger, tasks, as_of)
    by_chapter = [
        (
            chapter_id,
            ledger.chapters[chapter_id].title,
            report.counts([s for s in report.states if s.task.chapter == chapter_id]),
        )
        for chapter_id in dict.fromkeys(s.task.chapter for s in report.states)
    ]
    by_lead = [(unit, report.counts(states)) for unit, states in lead_groups(ledger, report.states)]
    flagged = [s for s in report.states if s.light in ("yellow", "red", "grey")]
    flagged.sort(key=lambda s: (("red", "yellow", "grey").index(s.light), s.task.id))
    if fmt is StatusFormat.json:
        print_json(
            {
                "as_of": report.as_of.isoformat(),
                "elapsed": round(report.elapsed, 4),
                "counts": report.counts(),
                "by_chapter": [{"id": c, "title": t, "counts": n} for c, t, n in by_chapter],
                "by_lead": [{"unit": u, "counts": n} for u, n in by_lead],
                "tasks": [state_json(ledger, s, report.as_of) for s in report.states],
            }
        )
        return
    from zctasks.cli.output import print_table

    names = [LIGHT_NAMES[light] for light in LIGHTS]
    sys.stdout.write(status_summary(report) + "\n\n")
    print_table(
        ["章", "标题", *names],
        [[chapter_numeral(c), t, *(str(n[light]) for light in LIGHTS)] for c, t, n in by_chapter],
        title="分章统计",
        numeric=frozenset(range(2, 7)),
    )
    sys.stdout.write("\n")
    print_table(
        ["牵头/负责单位", *names],
        [[u, *(str(n[light]) for light in LIGHTS)] for u, n in by_lead],
        title="分单位统计（牵头或负责）",
        numeric=frozenset(range(1, 6)),
    )
    sys.stdout.write("\n")
    if flagged:
        print_table(
            ["序号", "任务", "牵头/负责", "灯色", "原因"],
            [
                [
                    str(s.task.id),
                    s.task.title,
                    principal_units(s.task),
                    LIGHT_NAMES[s.light],
                    s.reason,
                ]
                for s in flagged
            ],
            title=f"需关注的任务 {len(flagged)} 项",
            numeric=frozenset({0}),
            styles=LIGHT_STYLES,
        )
    else:
        sys.stdout.write("没有滞后、严重滞后或未报送的任务。\n")


def _rollup_hint(root: Path) -> None:
    """In a roll-up ledger, plain ``status`` lights the city's tasks from its own log only."""
    from zctasks.files.root import is_rollup

    if is_rollup(root):
        from zctasks.cli.app import warn

        warn(
            "这是汇总台账：这里只按本级的进展记录亮灯；按各成员的台账汇总，用 zctasks rollup status"
        )


def _by_unit(ctx: typer.Context, as_of: str | None, fmt: StatusFormat) -> None:
    from zctasks.cli.app import as_of_day
    from zctasks.cli.output import print_table
    from zctasks.judge.cycles import UNIT_STATE_NAMES, Calendar, UnitState, unit_status
    from zctasks.judge.schedule import default_as_of
    from zctasks.judge.views import id_list, long_date

    state = _state(ctx)
    ledger = state.ledger_with_progress()
    day = as_of_day(ledger, as_of) if as_of else default_as_of(ledger)
    status = unit_status(ledger, state.progress(ledger), day)
    if fmt is StatusFormat.json:
        print_json(
            {
                "as_of": status.as_of.isoformat(),
                "cycle": {
                    "kind": ledger.reporting.cycle,
                    "start": status.start.isoformat() if status.start else None,
                    "due": status.due.isoformat() if status.due else None,
                    "next_due": status.next_due.isoformat() if status.next_due else None,
                },
                "units": [
                    {
                        "unit": row.unit,
                        "state": row.state,
                        "state_name": UNIT_STATE_NAMES[row.state],
                        "tasks": list(row.tasks),
                        "reported": list(row.reported),
                        "missing": list(row.missing),
                        "days_late": row.days_late,
                        "last_report": row.last_report.isoformat() if row.last_report else None,
                    }
                    for row in status.units
                ],
            }
        )
        return
    calendar = Calendar.of(ledger)
    assert status.due is not None
    window = (
        f"报送{long_date(status.start)}后至{long_date(status.due)}的进展"
        if status.start
        else f"首次报送，截至{long_date(status.due)}"
    )
    head = f"报送周期：{calendar.describe()}前报送。"
    if any(row.state == "not-due" for row in status.units):
        head += f"截至{long_date(status.as_of)}，首次报送截止日{long_date(status.due)}尚未到。"
    else:
        head += f"本期截止{long_date(status.due)}（{window}）"
        head += f"，下一截止{long_date(status.next_due)}。" if status.next_due else "。"
    counts: dict[UnitState, int] = {}
    for row in status.units:
        counts[row.state] = counts.get(row.state, 0) + 1
    summary = f"应报 {len(status.units)} 个单位：" + "，".join(
        f"{UNIT_STATE_NAMES[name]} {counts[name]} 个" for name in UNIT_STATE_NAMES if name in counts
    )
    sys.stdout.write(head + "\n" + summary + "。\n\n")
    print_table(
        ["单位", "应报任务", "已报", "未报任务", "状态", "逾期天数", "最近报送"],
        [
            [
                row.unit,
                str(len(row.tasks)),
                str(len(row.reported)),
                id_list(row.missing),
                UNIT_STATE_NAMES[row.state],
                str(row.days_late) if row.days_late else "",
                row.last_report.isoformat() if row.last_report else "",
            ]
            for row in status.units
        ],
        numeric=frozenset({1, 2, 5}),
    )


SHORT_LIGHTS = {"done": "完成", "green": "序时", "yellow": "滞后", "red": "严重", "grey": "未报"}


def _history(
    ctx: typer.Context, as_of: str | None, dept: str | None, chapter: int | None, fmt: StatusFormat
) -> None:
    from zctasks.cli.app import as_of_day
    from zctasks.judge.history import CHANGE_NAMES, checkpoints, light_history
    from zctasks.judge.schedule import LIGHT_NAMES, default_as_of
    from zctasks.plan.queries import TaskFilter, select_tasks

    state = _state(ctx)
    ledger = state.ledger()
    tasks, _ = select_tasks(ledger, TaskFilter(dept=dept, chapter=chapter))
    day = as_of_day(ledger, as_of) if as_of else default_as_of(ledger)
    history = light_history(ledger, state.progress(ledger), tasks, checkpoints(ledger, day))
    if fmt is StatusFormat.json:
        print_json(
            {
                "as_of": day.isoformat(),
                "points": [d.isoformat() for d in history.days],
                "tasks": [
                    {
                        "id": t.task.id,
                        "title": t.task.title,
                        "lights": t.lights,
                        "reasons": [s.reason for s in t.states],
                        "transitions": [
                            {
                                "date": change.day.isoformat(),
                                "from": change.old,
                                "to": change.new,
                                "change": change.change,
                                "change_name": CHANGE_NAMES[change.change],
                                "reason": change.reason,
                            }
                            for change in t.transitions()
                        ],
                        "current": {"light": t.lights[-1], "points": t.streak()},
                    }
                    for t in history.tasks
                ],
            }
        )
        return
    from zctasks.cli.output import print_table
    from zctasks.judge.views import long_date

    sys.stdout.write(
        f"各报送周期截止日的灯色（截至{long_date(day)}，共{len(history.days)}个时点；"
        "完成＝已完成，序时＝序时推进，严重＝严重滞后，未报＝未报送）\n\n"
    )
    rows = []
    for t in history.tasks:
        changes = t.transitions()
        latest = changes[-1] if changes and changes[-1].day == history.days[-1] else None
        if latest is not None:
            note = CHANGE_NAMES[latest.change]
        elif t.streak() > 1 and t.lights[-1] in ("yellow", "red", "grey"):
            note = f"连续{t.streak()}期{LIGHT_NAMES[t.lights[-1]]}"
        else:
            note = ""
        rows.append(
            [str(t.task.id), t.task.title, *(SHORT_LIGHTS[light] for light in t.lights), note]
        )
    print_table(
        ["序号", "任务", *(f"{d.month}/{d.day}" for d in history.days), "本期变化"],
        rows,
        numeric=frozenset({0}),
    )
