"""The bundled ledger says exactly what the document says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import REPO, SEED
from zctasks.load import loading
from zctasks.plan.models import Task

CHINESE = "一二三四五六七八九十"


@pytest.fixture(scope="module")
def bundled():
    result = loading.check(REPO)
    assert result.diagnostics == []
    return result.ledger


@pytest.fixture(scope="module")
def seed_lines() -> list[str]:
    return [
        line.replace("[bookmark: _GoBack]", "") for line in SEED.read_text("utf-8").splitlines()
    ]


def test_counts(bundled):
    assert len(bundled.chapters) == 12
    assert list(bundled.tasks) == list(range(1, 67))
    assert bundled.target_count() == 96
    assert len(bundled.units) == 43
    assert sorted(bundled.placeholders) == sorted(
        ["区有关部门", "各相关部门", "区有关产业专责部门", "区安委会有关成员单位"]
    )


def test_plan_metadata(bundled):
    plan = bundled.plan
    assert plan.doc_number == "川政办字〔2023〕22号"
    assert plan.issuer == "淄川区人民政府办公室"
    assert plan.issued.isoformat() == "2023-07-03"
    assert (plan.period.start.isoformat(), plan.period.end.isoformat()) == (
        "2023-01-01",
        "2023-12-31",
    )
    assert plan.title == "淄川区深化新旧动能转换推动绿色低碳高质量发展2023年重点工作任务"


def test_chapters_match_the_document(bundled, seed_lines):
    headings = [line for line in seed_lines if re.match(f"^[{CHINESE}]+、", line)]
    assert [f"{_numeral(c.id)}、{c.title}" for c in bundled.chapters.values()] == headings


def _numeral(n: int) -> str:
    return CHINESE[n - 1] if n <= 10 else "十" + CHINESE[n - 11]


def test_every_task_line_is_reproduced_verbatim(bundled, seed_lines):
    numbered = {int(m.group(1)): line for line in seed_lines if (m := re.match(r"^(\d+)\. ", line))}
    assert sorted(numbered) == list(bundled.tasks)
    for task in bundled.tasks.values():
        attribution = f"（{task.attribution}）" if task.attribution else ""
        assert f"{task.id}. {task.title}。{task.text}{attribution}" == numbered[task.id]


def test_tasks_sit_in_the_chapter_they_follow(bundled, seed_lines):
    chapter = 0
    for line in seed_lines:
        if re.match(f"^[{CHINESE}]+、", line):
            chapter += 1
        elif m := re.match(r"^(\d+)\. ", line):
            assert bundled.tasks[int(m.group(1))].chapter == chapter


def test_roles_rebuild_the_attribution(bundled):
    """Every unit in its role, nothing more: the lists and 等 rebuild the parenthesis."""
    words = {"lead": "牵头", "cooperate": "配合", "responsible": "负责"}
    for task in bundled.tasks.values():
        if task.attribution is None:
            assert task.units() == ()
            continue
        plain = re.sub(r"等(部门单位|部门)?(?=(牵头|配合|负责))", "", task.attribution)
        parts = [
            "、".join(getattr(task, role)) + words[role]
            for role in ("lead", "cooperate", "responsible")
            if getattr(task, role)
        ]
        assert "，".join(parts) == plain, task.id
        has_others = plain != task.attribution
        assert (task.and_others is not None) == has_others, task.id


def test_no_unit_is_both_named_and_a_placeholder(bundled):
    assert not set(bundled.units) & bundled.placeholders


def _expected_op(quote: str) -> str:
    """The glossary in DESIGN.md, applied to the words a target was read from."""
    if re.search(r"\d—\d", quote):
        return "between"
    if "左右" in quote:
        return "~"
    if "之内" in quote or "控制在" in quote:
        return "<="
    if re.search(r"超过|突破|\d余", quote):
        return ">"
    if re.search(r"\d[^\d，]{0,4}以上|不少于|至少|达到|完成|稳定在|保持在", quote):  # not 市级以上
        return ">="
    if re.search(
        "吸引|引进|增长", quote
    ):  # attracting, bringing in, growing: the figure is a floor
        return ">="
    return "="


def _targets(bundled):
    for task in bundled.tasks.values():
        for target in task.targets:
            yield task, target


def test_target_operators_follow_the_wording(bundled):
    wrong = [
        (t.id, t.op, _expected_op(t.quote))
        for _, t in _targets(bundled)
        if t.op != _expected_op(t.quote)
    ]
    assert wrong == []


def test_firm_is_false_when_the_sentence_strives(bundled):
    def strives(task: Task, quote: str) -> bool:
        end = task.text.index(quote) + len(quote)
        sentence_start = task.text.rfind("。", 0, task.text.index(quote)) + 1
        return re.search("力争|争取|争创", task.text[sentence_start:end]) is not None

    wrong = [t.id for task, t in _targets(bundled) if t.firm == strives(task, t.quote)]
    assert wrong == []


def test_values_appear_in_their_quote(bundled):
    spelled = {"2": "两"}
    for _, target in _targets(bundled):
        for number in filter(None, (target.value, target.max)):
            text = f"{number:g}"
            assert text in target.quote or spelled.get(text, "?") in target.quote, target.id


def test_units_follow_their_number_in_the_quote(bundled):
    for _, target in _targets(bundled):
        number = target.max if target.max is not None else target.value
        last = re.escape(f"{number:g}").replace("2", "[2两]")
        assert re.search(f"{last}余?{re.escape(target.unit)}", target.quote), target.id


def test_growth_rates_may_fall(bundled):
    """同比增长12%: a rate of change, the one kind of figure that can be negative."""
    changes = [t.id for _, t in _targets(bundled) if t.change]
    assert changes == [t.id for _, t in _targets(bundled) if t.unit == "%" and "增长" in t.quote]
    assert changes == ["7.2", "55.2"]


def test_rates_never_accrue(bundled):
    assert [t.id for _, t in _targets(bundled) if t.unit == "%" and t.accrues] == []


@pytest.mark.parametrize(
    ("target_id", "op", "value", "maximum", "unit", "firm", "accrues"),
    [
        ("30.1", "<=", 8000, None, "万立方米", True, True),  # 控制在8000万立方米之内
        ("14.2", "~", 52, None, "%", True, False),  # 52%左右
        ("6.1", ">", 8.2, None, "件", False, False),  # 力争……超过8.2件
        ("57.1", ">", 150, None, "项", True, True),  # 150余项
        ("8.2", "between", 2, 3, "家", True, True),  # 2—3家
        ("7.1", ">=", 25, None, "亿元", False, True),  # 力争……完成25亿元
        ("24.2", ">=", 29.3, None, "万千瓦", True, False),
        ("26.1", ">=", 2, None, "台", False, True),  # 两台机组
        ("41.1", ">=", 20, None, "万亩", True, True),  # 全力确保……20万亩以上
        ("55.1", "~", 4.4, None, "万元", True, True),
        ("7.2", ">=", 12, None, "%", False, False),  # 同比增长12%: at least
        ("24.1", ">=", 20, None, "家", True, True),  # 吸引20家: at least
    ],
)
def test_targets_read_closely(bundled, target_id, op, value, maximum, unit, firm, accrues):
    task = bundled.tasks[int(target_id.split(".")[0])]
    target = next(t for t in task.targets if t.id == target_id)
    assert (target.op, target.value, target.max, target.unit, target.firm, target.accrues) == (
        op,
        value,
        maximum,
        unit,
        firm,
        accrues,
    )


def test_department_names(bundled):
    assert bundled.units["区发改局"].full_name == "淄川区发展和改革局"
    assert bundled.resolve_unit("淄川区发展和改革局") == "区发改局"
    assert bundled.resolve_unit("发改局") == "区发改局"
    assert bundled.resolve_unit("淄博市淄川区发展和改革局") == "区发改局"
    # Two spellings the document uses for what may be one unit stay two entries.
    assert {"区供电中心", "区供电公司"} <= set(bundled.units)


def test_seed_copy_is_the_shared_document():
    shared = REPO.parent / "shared" / "seed" / "zichuan-2023-key-tasks.txt"
    if not shared.exists():
        pytest.skip("no ../shared checkout beside the repository")
    assert Path(shared).read_bytes() == SEED.read_bytes()
