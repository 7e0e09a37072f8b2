"""Properties of every score, whatever the rules: a better figure never lowers a unit's score;
caps, floors, quotas and 一票否决 always hold; every point adds up and rests on entries,
slips and records that exist.

Rules are drawn at random (methods, points, events, caps, vetoes, grades, periods) and scored
on the demo ledger (630 entries, 22 催办单) as at a day of its reporting calendar.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from zctasks.cli import app
from zctasks.load.loading import load_ledger, load_progress
from zctasks.log.urges import load_register
from zctasks.scoring.engine import score
from zctasks.scoring.reading import Rules
from zctasks.scoring.rules import (
    Band,
    Cap,
    EventRule,
    Grade,
    Indicator,
    Period,
    ScoringFile,
    Series,
    Veto,
)
from zctasks.scoring.whatif import WhatIf

AS_OF = date(2023, 10, 25)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("scoring") / "ledger"
    assert CliRunner().invoke(app, ["init", str(root), "--demo"]).exit_code == 0
    ledger = load_ledger(root)
    progress = load_progress(ledger)
    slips = load_register(ledger, root)
    return ledger, progress, slips


METHODS = st.sampled_from(["completion", "efficacy", "relative", "steps", "rank", "bands"])
EVENT_KINDS = st.sampled_from(
    [
        "report-late",
        "report-missing",
        "light-red",
        "light-yellow",
        "repeated-red",
        "urge-issued",
        "urge-unanswered",
        "urge-late",
        "urge-answered",
        "answer-empty",
        "task-done",
        "task-early",
    ]
)
POINTS = st.integers(min_value=1, max_value=40).map(float)


@st.composite
def indicators(draw, n):
    method = draw(METHODS)
    points = draw(POINTS)
    extra = {}
    if method == "efficacy":
        extra = {"satisfied": 100, "unacceptable": draw(st.sampled_from([0, 50, 60, 80]))}
    if method == "steps":
        extra = {"step": draw(st.sampled_from([0.1, 0.5, 1])), "average_points": points * 0.8}
    if method == "rank":
        extra = draw(st.sampled_from([{"step": 0.5}, {"step_share": 5}]))
    if method == "bands":
        extra = {"bands": (Band(points, 90), Band(points * 0.6, 60), Band(0))}
    return Indicator(
        id=f"指标{n}",
        name=f"指标{n}",
        points=points,
        method=method,
        pace=draw(st.booleans()),
        cap=draw(st.sampled_from([100, 120])),
        absent=draw(st.sampled_from(["average", "full", "zero"])),
        coefficients={"区住建局": 1.2} if method == "relative" else {},
        every=draw(st.sampled_from([None, None, "month", "quarter"])),
        **extra,
    )


@st.composite
def events(draw, n):
    kind = draw(EVENT_KINDS)
    sign = 1 if kind in ("task-done", "task-early", "urge-answered") else -1
    return EventRule(
        id=f"事件{n}",
        name=f"事件{n}",
        when=kind,
        points=sign * draw(st.sampled_from([0.5, 1, 2, 3])),
        per=draw(st.sampled_from(["cycle", "task"])),
        times=draw(st.integers(min_value=1, max_value=3)),
        max=draw(st.sampled_from([None, 2, 5])),
    )


@st.composite
def scoring_files(draw):
    chosen = draw(st.lists(st.builds(lambda: None), min_size=1, max_size=3))
    inds = tuple(draw(indicators(i)) for i in range(len(chosen)))
    evs = tuple(draw(events(i)) for i in range(draw(st.integers(min_value=0, max_value=5))))
    ids = [e.id for e in evs]
    caps = ()
    if ids:
        covered = tuple(draw(st.lists(st.sampled_from(ids), min_size=1, unique=True)))
        caps = (Cap("上限", covered, draw(st.sampled_from([1, 3, 10]))),)
    grades = (
        Grade("优秀", 90, draw(st.sampled_from([None, 20]))),
        Grade("良好", 80),
        Grade("达标", 60),
        Grade("不达标"),
    )
    vetoes = draw(
        st.sampled_from(
            [
                (),
                (Veto("否决", "逾期未完成", "task-overdue", grade="不达标"),),
                (Veto("红灯", "红灯任务", "red-tasks", max_grade="良好", count=1),),
            ]
        )
    )
    periods = draw(
        st.sampled_from(
            [
                (),
                (Period("三季度", date(2023, 9, 30), 40), Period("四季度", date(2023, 12, 31), 60)),
            ]
        )
    )
    series = draw(
        st.sampled_from(
            [
                (),
                (
                    Series("政府部门", kinds=("政府工作部门",), deduction_factor=2),
                    Series("其他", rest=True),
                ),
            ]
        )
    )
    return ScoringFile(
        title="随机办法",
        base=draw(st.sampled_from([0, 100])),
        floor=draw(st.sampled_from([None, 0])),
        series=series,
        periods=periods,
        indicators=inds,
        events=evs,
        caps=caps,
        vetoes=vetoes,
        grades=grades,
    )


def _rules(file: ScoringFile) -> Rules:
    return Rules(file, "data/scoring.yaml", "0" * 64)


def _targets(ledger, unit):
    """The targets of tasks that are ``unit``'s alone. A figure of a task shared with other
    units raises their measures too, and where a method ranks units against each other
    (排名, 相对最优, 对标均值) a rival helped more may pass the unit: by design, not a
    fault of the arithmetic."""
    return [
        (task, target)
        for task in ledger.tasks.values()
        if [u for u in task.units() if u in ledger.units] == [unit]
        for target in task.targets
    ]


SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(file=scoring_files(), data=st.data())
def test_a_better_figure_never_lowers_a_units_score(demo, file, data):
    ledger, progress, slips = demo
    units = sorted(
        {u for task in ledger.tasks.values() for u in task.units() if _targets(ledger, u)}
    )
    unit = data.draw(st.sampled_from(units))
    _, target = data.draw(st.sampled_from(_targets(ledger, unit)))
    rules = _rules(file)
    value = float(target.value)
    low = data.draw(st.floats(min_value=-0.5, max_value=2.0)) * value
    gain = data.draw(st.floats(min_value=0.01, max_value=1.5)) * max(abs(value), 1)
    better = low - gain if target.op in ("<=", "<") else low + gain
    before = score(ledger, WhatIf(progress, {target.id: low}, AS_OF), rules, AS_OF, slips)
    after = score(ledger, WhatIf(progress, {target.id: better}, AS_OF), rules, AS_OF, slips)
    assert after.unit(unit).total >= before.unit(unit).total, (target.id, low, better)


@SETTINGS
@given(file=scoring_files())
def test_caps_floors_quotas_and_vetoes_always_hold(demo, file):
    ledger, progress, slips = demo
    sheet = score(ledger, progress, _rules(file), AS_OF, slips)
    names = [g.name for g in file.grades]
    for unit in sheet.units:
        for period in unit.periods:
            for cap in file.caps:
                covered = sum(
                    (
                        line.points
                        for line in period.lines
                        if line.rule in cap.rules or line.name == cap.name
                    ),
                    Decimal(0),
                )
                assert abs(covered) <= Decimal(str(cap.max)), (unit.unit, cap)
            for rule in file.events:
                if rule.max is not None:
                    mine = sum(
                        (line.points for line in period.lines if line.rule == rule.id), Decimal(0)
                    )
                    assert abs(mine) <= Decimal(str(rule.max))
            if file.floor is not None:
                assert period.subtotal >= Decimal(str(file.floor))
        for hit in unit.vetoes:
            if hit.grade is not None:
                assert unit.grade == hit.grade
            if hit.max_grade is not None:
                assert names.index(unit.grade) >= names.index(hit.max_grade)
    for series in sheet.series:
        members = [u for u in sheet.units if u.series == series]
        for grade in file.grades:
            if grade.quota is not None:
                holders = [u for u in members if u.grade == grade.name and not u.vetoes]
                assert len(holders) <= int(len(members) * grade.quota / 100)


@SETTINGS
@given(file=scoring_files())
def test_every_point_adds_up_and_rests_on_what_exists(demo, file):
    ledger, progress, slips = demo
    sheet = score(ledger, progress, _rules(file), AS_OF, slips)
    codes = {s.code for s in slips}
    targets = {t.id for task in ledger.tasks.values() for t in task.targets}
    for unit in sheet.units:
        total = (
            sum((p.subtotal for p in unit.periods), Decimal(0)) if len(unit.periods) == 1 else None
        )
        if total is not None:
            assert unit.total == total
        else:
            assert unit.total == sum((line.points for line in unit.weighting), Decimal(0))
        for line in unit.lines:
            assert line.points == line.points.quantize(Decimal("0.01"))
            for entry_id in line.entries:
                found = progress.find(entry_id)
                assert found is not None and found.date <= AS_OF
                assert found.task in line.tasks
            assert set(line.slips) <= codes
            assert set(line.tasks) <= set(ledger.tasks)
            assert set(line.targets) <= targets
            if line.kind in ("deduction", "addition"):
                assert line.entries or line.slips or line.records or line.tasks
    assert json.loads(json.dumps(sheet.to_json(), ensure_ascii=False))["as_of"] == AS_OF.isoformat()
