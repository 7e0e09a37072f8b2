"""The plan files an import writes read back as what was written, whatever text a document
holds: commas, colons, brackets, quotes, #, leading dashes, YAML words (yes, null, 2023-07-03),
control and line-break characters — in block and flow positions alike."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zctasks.files import yamlfile
from zctasks.load import loading
from zctasks.plan import schema
from zctasks.plan.models import Period, Plan, Target, Task, Unit
from zctasks.plan.schema import DepartmentsFile, TasksFile
from zctasks.plan.yamlout import departments_yaml, scalar, tasks_yaml

# any character a document could hold (no lone surrogates: no file decodes into them), and
# the ones YAML cares about, often
_TRICKY = st.sampled_from(
    list(",:#[]{}&*!|>'\"%@`-?~ \t\n\r\x85\u2028\u2029\x1b\ufeff\xa0\u3000，：（）【】〔〕")
)
_TEXT = st.text(
    st.one_of(_TRICKY, st.characters(exclude_categories=("Cs",))), min_size=1, max_size=40
)
_WORDS = st.sampled_from(
    ["yes", "no", "null", "~", "true", "2023-07-03", "1e3", "0x1F", ".inf", "- x", "a: b", "#c"]
)
_ANY = st.one_of(_TEXT, _WORDS)


def _read(name: str, text: str, model: type) -> object:
    doc, problems = yamlfile.parse(name, text.encode("utf-8"))
    assert problems == [] and doc is not None, (problems, text)
    value, problems = schema.validate(doc, model)
    assert problems == [], (problems, text)
    return value


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=_ANY,
    chapter=_ANY,
    task_title=_ANY,
    text=_ANY,
    attribution=_ANY,
    measures=st.lists(_ANY, max_size=3),
    section=_ANY,
    unit=_ANY,
    placeholder=_ANY,
    quote=_ANY,
)
def test_whatever_text_a_document_holds_round_trips(
    title, chapter, task_title, text, attribution, measures, section, unit, placeholder, quote
):
    plan = Plan(
        title=title,
        doc_number=title,
        issuer=chapter,
        issued=date(2024, 2, 1),
        period=Period(date(2024, 1, 1), date(2024, 12, 31)),
        addressees=text,
        lead_rule=attribution,
        labels={unit: "lead"},
    )
    target = Target(id="1.1", name=quote, op=">=", value=3, unit=unit, quote=quote)
    task = Task(
        id=1,
        chapter=1,
        title=task_title,
        text=text,
        attribution=attribution,
        lead=(unit,),
        cooperate=(placeholder,) if placeholder != unit else (),
        leaders=(quote,),
        targets=(target,),
        measures=tuple(measures),
        section=section,
    )
    written = tasks_yaml(plan, [(1, chapter)], [task], [title])
    read = _read("data/tasks.yaml", written, TasksFile)
    assert read.plan == plan
    assert [(c.id, c.title) for c in read.chapters] == [(1, chapter)]
    assert read.tasks == (task,)
    units = {unit: Unit(kind="其他", full_name=title, aliases=(text,))}
    placeholders = [placeholder] if placeholder != unit else []
    departments = _read(
        "data/departments.yaml", departments_yaml(units, placeholders, {unit}), DepartmentsFile
    )
    assert departments.units == units and list(departments.placeholders) == placeholders


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (
            "努力构建现代产业体系,促进经济又快又好发展",
            '"努力构建现代产业体系,促进经济又快又好发展"',
        ),
        ("加快推进科技创新驱动发展", "加快推进科技创新驱动发展"),
        ("牵头单位:区发改局", '"牵头单位:区发改局"'),
        ("yes", '"yes"'),
        ("2023-07-03", '"2023-07-03"'),
        ("- 条", '"- 条"'),
        ("甲\u2028乙", '"甲\\L乙"'),
    ],
)
def test_plain_where_plainly_safe_and_double_quoted_otherwise(value, written):
    assert scalar(value) == written


def test_a_half_width_comma_in_a_chapter_title_passes_check(zc, tmp_path):
    """广州市 2006: 一、努力构建现代产业体系,促进经济又快又好发展 once made a ledger that its own
    check rejected (unknown-field), blaming the document."""
    from conftest import REPO

    source = REPO / "tests/fixtures/documents/guangzhou-2006-report-key-work-division.txt"
    root = tmp_path / "ledger"
    result = zc("import", str(source), "--into", str(root))
    assert result.exit_code == 0, result.stderr
    assert zc("check", root=root).exit_code == 0
    chapters = zc("chapters", root=root).stdout
    assert "努力构建现代产业体系,促进经济又快又好发展" in chapters


def test_a_plan_written_before_measures_and_sections_keeps_loading(zc, make_ledger):
    """tasks.yaml gained measures, section, lead_rule and labels (all optional): a plan
    written without them loads as before, and the JSON contract only grows."""
    root = make_ledger()
    checked = loading.check(root)
    assert checked.errors == []
    task = checked.ledger.tasks[1]
    assert (task.measures, task.section) == ((), "")
    assert (checked.ledger.plan.lead_rule, checked.ledger.plan.labels) == ("", {})
    shown = json.loads(zc("show", "1", "-f", "json", root=root).stdout)
    assert (shown["measures"], shown["section"]) == ([], "")
    assert {"id", "chapter", "title", "text", "attribution", "lead", "targets"} <= set(shown)
