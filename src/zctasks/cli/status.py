"""`zctasks status`: the traffic lights."""

import sys
from enum import StrEnum
from typing import Annotated

import typer

from zctasks.cli.app import (
    AsOfOption,
    _complete_unit,
    _state,
    app,
)
from zctasks.output import print_json


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
        int | None, typer.Option("--chapter", "-c", help="只看该章。", show_default=False)
    ] = None,
    fmt: Annotated[
        StatusFormat, typer.Option("--format", "-f", help="输出格式：table 或 json。")
    ] = StatusFormat.table,
) -> None:
    """按序时进度亮灯：总体、分章、分牵头单位的统计，以及滞后、严重滞后、未报送的任务。"""
    from zctasks.queries import TaskFilter, select_tasks
    from zctasks.schedule import LIGHT_NAMES, LIGHTS, lead_groups
    from zctasks.views import (
        LIGHT_STYLES,
        chapter_numeral,
        principal_units,
        state_json,
        status_summary,
    )

    state = _state(ctx)
    ledger = state.ledger()
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
    from zctasks.output import print_table

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
