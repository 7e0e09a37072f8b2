"""Targets read from a plan: every figure with a name that is a noun phrase from its own
clause — checked on a next-year (2024) version of the 2023 seed, whose target names were
written by hand when the 2023 plan was transcribed, and on the published fixtures."""

from __future__ import annotations

import re

import pytest

from conftest import REPO, SEED
from zctasks import importer
from zctasks.importer.targets import UNITS
from zctasks.load import loading

DOCUMENTS = REPO / "tests" / "fixtures" / "documents"
_FIGURE = re.compile(r"\d+(?:\.\d+)?\s*(?:" + UNITS + ")")


@pytest.fixture(scope="module")
def next_year(tmp_path_factory):
    """The seed as next year's plan: the same tasks, every year one later."""
    text = SEED.read_text("utf-8")
    text = re.sub(r"20(2[0-9])", lambda m: f"20{int(m.group(1)) + 1}", text)
    path = tmp_path_factory.mktemp("plan") / "淄川区2024年重点工作任务.txt"
    path.write_text(text, "utf-8")
    return importer.parse(path)


def _noun_phrase(name: str) -> bool:
    return (
        bool(name)
        and _FIGURE.search(name) is None
        and "分别" not in name
        and not re.match(r"^[和及与、，,；;：:]", name)
        and not re.search(r"[和及与、，,；;：:]$", name)
    )


def test_the_next_years_plan_is_read_as_the_plan_of_its_year(next_year):
    assert next_year.plan.period.start.year == 2024
    assert next_year.plan.doc_number == "川政办字〔2024〕22号"


def test_target_names_of_the_next_years_plan(next_year):
    """About half the names of a 2024 version of the seed read like
    高新技术企业和科技型中小企业数量和175家 before; now each is a noun phrase, and most are
    the names the plan's transcriber chose."""
    shipped = loading.check(REPO).ledger
    expected = {t.id: [x.name for x in t.targets] for t in shipped.tasks.values()}
    pairs = [
        (name, found.name)
        for task in next_year.tasks
        for name, found in zip(expected[task.id], task.targets, strict=False)
    ]
    names = [found.name for task in next_year.tasks for found in task.targets]
    assert [n for n in names if not _noun_phrase(n)] == []
    same = sum(1 for want, got in pairs if want == got)
    assert same >= 72, [(w, g) for w, g in pairs if w != g]
    found = {t.id: [x.name for x in t.targets] for t in next_year.tasks}
    assert found[3] == ["高新技术企业数量", "科技型中小企业数量"]
    assert found[1] == ["新增市级以上创新平台", "新增市级创新平台", "新增省级创新平台"]
    assert found[41][3:5] == ["蔬菜产量", "水果产量"]
    assert found[7][:2] == ["制造业技改投资", "制造业技改投资同比增长"]
    assert found[51][2:] == ["配套建设城市书房", "配套建设文化驿站", "配套建设阅读书吧"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "jiayu-2021-key-work-breakdown.txt",
            {
                1: ["地区生产总值增长"],
                3: ["规模以上工业增加值增长"],
                5: ["社会消费品零售总额增长", "外贸进出口总额增长"],
            },
        ),
        (
            "guangdong-2021-report-key-task-division.txt",
            {2: ["地方一般公共预算收入增长"], 4: ["社会消费品零售总额增长"]},
        ),
        ("lishan-2023-task-breakdown.txt", {1: ["地区生产总值增长"]}),
        ("yunyang-2023-web-table.txt", {1: ["地区生产总值增长"]}),
        ("huoshan-2025-responsibility-list.txt", {2: ["盘活僵尸企业", "盘活存量土地"]}),
        (
            "guandu-2016-policy-measures.txt",
            {2: [], 3: ["环评报告书", "环评报告表", "环评登记表完成审批"]},
        ),
    ],
)
def test_target_names_of_published_plans(name, expected):
    """Names read off each document by hand: the clause's noun phrase, without the figure,
    the words of its operator (以上, 左右, 达到) or a leading 努力实现, ★."""
    result = importer.parse(DOCUMENTS / name, year=2021)
    found = {t.id: [x.name for x in t.targets] for t in result.tasks}
    assert {task: found[task] for task in expected} == expected
    assert all(_noun_phrase(x.name) for t in result.tasks for x in t.targets)
