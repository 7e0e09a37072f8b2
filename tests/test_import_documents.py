"""Real published plans of other districts, each imported as the importer reads it.

Every fixture in tests/fixtures/documents/ is the opening of a public page (its address is
the file's first line); tables.py rebuilds the table-shaped ones as Word, Excel and CSV.
The expectations below were read off the documents by hand.
"""

from __future__ import annotations

import sys
from datetime import date

import pytest
import yaml

from conftest import REPO
from zctasks import importer
from zctasks.load import loading

DOCUMENTS = REPO / "tests" / "fixtures" / "documents"
sys.path.insert(0, str(REPO / "tests" / "fixtures"))
import tables  # noqa: E402


def parse(name: str) -> importer.ImportResult:
    return importer.parse(DOCUMENTS / name)


def roles(task) -> tuple:
    return (task.lead, task.cooperate, task.responsible)


def test_every_fixture_names_its_source():
    """On its first line, or (for a page kept byte for byte) in its expected outcome."""
    names = sorted(p.name for p in DOCUMENTS.glob("*.txt"))
    assert len(names) >= 19
    for name in names:
        first = (DOCUMENTS / name).read_text("utf-8").splitlines()[0]
        expected = DOCUMENTS / name.replace(".txt", ".expected.yaml")
        assert expected.is_file(), name
        source = yaml.safe_load(expected.read_text("utf-8")).get("source_url", "")
        assert first.startswith("# source: http") or source.startswith("http"), name


@pytest.mark.parametrize(
    ("name", "tasks", "chapters"),
    [
        ("lishan-2023-task-breakdown.txt", 7, 1),
        ("caidian-2023-target-breakdown.txt", 3, 1),
        ("liandu-2023-web-table.txt", 14, 2),
        ("xialuqu-2020-web-page.txt", 2, 1),
        ("huoshan-2025-responsibility-list.txt", 3, 1),
        ("dazhu-2016-livelihood-projects.txt", 10, 1),
        ("guandu-2016-policy-measures.txt", 4, 2),
        ("hangzhou-2015-implementation-opinion.txt", 2, 1),
        ("yunyang-2023-web-table.txt", 1, 1),
    ],
)
def test_each_document_imports_into_a_ledger_that_passes_check(zc, tmp_path, name, tasks, chapters):
    result = parse(name)
    assert (len(result.tasks), len(result.chapters)) == (tasks, chapters)
    root = tmp_path / "ledger"
    root.mkdir()
    run = zc("import", str(DOCUMENTS / name), "--into", str(root))
    assert run.exit_code == 0, run.stderr
    assert loading.check(root).errors == []


def test_responsible_lines_after_each_item():
    """立山区: 牵头单位 and 责任单位 on lines of their own, half-width colons and commas."""
    result = parse("lishan-2023-task-breakdown.txt")
    plan = result.plan
    assert (plan.title, plan.doc_number, plan.issuer, plan.issued) == (
        "立山区政府2023年重点工作任务分解和责任分工方案",
        "鞍立政发〔2023〕2号",
        "立山区人民政府",
        date(2023, 3, 28),
    )
    assert plan.addressees == "立山经济开发区,各街道办事处,各区直部门,各有关单位"
    assert result.chapters == [(1, "经济社会发展的主要预期目标")]
    tasks = {t.id: t for t in result.tasks}
    assert tasks[1].attribution == "牵头单位:区发改局；责任单位:立山经济开发区,全区经济运行各专班"
    assert roles(tasks[1]) == (("区发改局",), ("立山经济开发区", "全区经济运行各专班"), ())
    assert roles(tasks[5]) == (("区财政局",), ("立山经济开发区", "各街道", "税务局"), ())
    assert tasks[7].title == "其他主要经济指标不低于全市平均水平" and tasks[7].attribution is None
    assert sorted(result.placeholders) == [
        "全区经济运行各专班",
        "区直各部门",
        "各相关单位",
        "各街道",
    ]
    assert [(t.op, t.value, t.unit) for t in tasks[1].targets] == [("~", 6.2, "%")]


def test_deepest_items_are_chinese_numbered_with_a_responsible_line():
    """蔡甸区: the tasks are （一）（二）（三） under 一、, each followed by 责任单位: on its own
    line; the covering notice's own 一、二、三、 paragraphs are not chapters."""
    result = parse("caidian-2023-target-breakdown.txt")
    assert result.plan.doc_number == "蔡政办〔2023〕1号"  # from the page's 文号 field
    assert result.plan.issued == date(2023, 1, 3)
    assert result.chapters == [(1, "2023年全区经济社会发展的主要预期目标")]
    assert [(t.id, t.title, t.responsible) for t in result.tasks] == [
        (1, "地区生产总值增长7%以上", ("区发展和改革局",)),
        (2, "规上工业增加值增长12%以上", ("区科技和经信局",)),
        (3, "固定资产投资增长10%以上", ("区发展和改革局",)),
    ]
    assert result.unparsed == []


def test_a_web_table_one_cell_a_line_with_a_category_column():
    """莲都区: 分类 | 序号 | 事项 | 责任单位 | 牵头单位, one cell a line; the category is the
    chapter; the lead unit is not repeated among the cooperating ones."""
    result = parse("liandu-2023-web-table.txt")
    assert result.plan.title == "2023年莲都区政府工作报告重点工作责任分解"
    assert result.chapters == [(1, "发展目标"), (2, "激发市场活力")]
    tasks = {t.id: t for t in result.tasks}
    assert [t.chapter for t in result.tasks] == [1] * 13 + [2]
    assert roles(tasks[3]) == (("区经商局",), ("莲都经开区管委会",), ())
    assert roles(tasks[12]) == (
        ("区发改局",),
        ("区经商局", "莲都经开区管委会", "区供电公司", "各乡镇(街道)"),
        (),
    )
    assert "区发改局" not in tasks[1].cooperate and tasks[1].lead == ("区发改局",)
    assert tasks[14].title.startswith("深化政务服务“一网通办”")
    assert roles(tasks[14]) == ((), (), ("区行政服务中心", "区深改服务中心"))  # 牵头单位 cut off
    assert [s for _, s in result.skipped][:2] == [
        "您现在的位置:首页",
        "> 政务公开 > 重点工作落实情况",
    ]


def test_a_web_page_with_three_levels_and_square_brackets():
    """下陆区: navigation before the title, 一、 / (一) / 1、 with the tasks deepest, and the
    units in square brackets holding round ones."""
    result = parse("xialuqu-2020-web-page.txt")
    assert [t for _, t in result.skipped][:4] == [
        "- 设为首页",
        "- 加入收藏",
        "- 无障碍阅读",
        "- 长者版",
    ]
    assert result.plan.title == "2020年区政府重点工作责任分解"
    assert result.chapters == [(1, "全力统筹疫情防控和经济社会秩序恢复")]
    first, second = result.tasks
    assert first.title == "切实提高政治站位,慎终如始精准抓好疫情防控工作"
    assert first.attribution == "牵头单位:区卫健局;责任单位:区疫情防控指挥部成员单位、各街办(新区)"
    assert roles(second) == (
        ("区卫健局", "区创文办"),
        ("区疫情防控指挥部成员单位", "区创文工作领导小组成员单位", "各街办(新区)"),
        (),
    )
    assert set(result.new_units) == {"区卫健局", "区创文办"}


def test_a_responsibility_list_with_leaders_copied_with_bars():
    """霍山县: 序号 | 重点工作 | 责任领导 | 责任单位 | 完成时限, a cell and a bar a line."""
    result = parse("huoshan-2025-responsibility-list.txt")
    assert result.plan.title == "2025年开发区重点工作及责任清单"
    assert result.plan.period.end == date(2025, 12, 31)
    assert [(t.leaders, t.responsible, t.due) for t in result.tasks] == [
        (("叶林",), ("招商工作部", "安商工作部"), None),  # 全年: the end of the period
        (("马振明",), ("改革办",), None),
        (("张云峰",), ("规划建设局",), None),
    ]
    assert "工作机制" in result.tasks[0].title  # the web page's line-break space is gone
    assert result.tasks[1].attribution == "责任单位：改革办；责任领导：马振明；完成时限：全年"


def test_a_table_with_units_on_several_lines_and_chinese_deadlines():
    """大竹县: a cell of three units on three lines; 9月投入使用 and 5月底前动工 as deadlines; a
    row with two sub-items and two deadlines."""
    result = parse("dazhu-2016-livelihood-projects.txt")
    plan = result.plan
    assert (plan.title, plan.doc_number, plan.issued) == (
        "2016年民生实事目标任务分解表",
        "竹府办〔2016〕20号",
        date(2016, 2, 26),
    )
    tasks = {t.id: t for t in result.tasks}
    assert tasks[1].responsible == ("县水务局", "县住建局", "县护城河指挥部")
    assert (tasks[2].due, tasks[4].due) == (date(2016, 9, 30), date(2016, 5, 31))
    assert (tasks[5].title, tasks[5].text, tasks[5].due) == (
        "开工建设县老年养护楼",
        "开工建设老年大学。",
        None,  # 5月底前动工、12月底前: the later one, the end of the period
    )
    assert [s for _, s in result.skipped][-1] == "分享到:"


def test_units_in_half_width_brackets_after_the_task():
    """官渡区: (X牵头,Y、Z配合) in half-width brackets; 等部门 in the middle of a list."""
    result = parse("guandu-2016-policy-measures.txt")
    assert result.chapters == [(1, "提高投资项目审批效率"), (2, "加快推进项目建设")]
    tasks = {t.id: t for t in result.tasks}
    assert roles(tasks[1]) == (
        ("区政务服务局",),
        ("区发改局", "区审改办", "区住建局", "区级相关部门"),
        (),
    )
    assert tasks[4].cooperate[-2:] == ("区国投公司", "各街道办事处")
    assert tasks[4].and_others == "cooperate"
    assert result.plan.period.start.year == 2016  # the year of the document it answers


def test_an_implementation_opinion_with_labelled_units_in_brackets():
    """杭州市: （牵头单位:X,配合单位:各区县市） after each measure; a chapter of prose only
    (一、工作目标) is not imported and says so."""
    result = parse("hangzhou-2015-implementation-opinion.txt")
    assert result.plan.title == "杭州市推进“互联网+”行动实施意见"
    assert result.chapters == [(2, "实施重点")]
    assert [(t.lead, t.cooperate) for t in result.tasks] == [
        (("市科委",), ("各区县市",)),
        (("市发改委",), ("各区县市",)),
    ]
    assert result.notes == ["第7行的章节“工作目标”下没有任务，未导入"]
    assert result.unparsed == []


def test_a_chapter_row_names_the_leaders_of_its_tasks():
    """郧阳区: a table whose chapter row ends in （牵头领导:成坤、柯相国、王俊）."""
    result = parse("yunyang-2023-web-table.txt")
    assert result.plan.doc_number == "郧政发〔2023〕5号"
    (task,) = result.tasks
    assert (task.title, task.lead, task.leaders) == (
        "★地区生产总值增长15%",
        ("区发改局",),
        ("成坤", "柯相国", "王俊"),
    )
    assert result.chapters[0][1].startswith("主要经济社会发展指标")


@pytest.mark.parametrize(
    "build",
    [
        lambda p: tables.docx(p.with_suffix(".docx"), tables.HUOSHAN_TITLE, tables.HUOSHAN),
        lambda p: tables.xlsx(
            p.with_suffix(".xlsx"), tables.HUOSHAN_SOURCE, tables.HUOSHAN_TITLE, tables.HUOSHAN
        ),
        lambda p: tables.csv_file(
            p.with_suffix(".csv"),
            tables.HUOSHAN_SOURCE,
            tables.HUOSHAN_TITLE,
            tables.HUOSHAN,
            "utf-8-sig",
        ),
    ],
    ids=["docx", "xlsx", "csv"],
)
def test_the_responsibility_list_as_word_excel_and_csv(tmp_path, build):
    result = importer.parse(build(tmp_path / "清单"))
    text = parse("huoshan-2025-responsibility-list.txt")
    assert result.plan.title == "2025年开发区重点工作及责任清单"
    assert [(t.id, t.leaders, t.responsible, t.due) for t in result.tasks] == [
        (t.id, t.leaders, t.responsible, t.due) for t in text.tasks
    ]
    assert result.tasks[1].targets[0].quote.endswith("盘活僵尸企业10家")


@pytest.mark.parametrize(
    "build",
    [
        lambda p: tables.docx(p.with_suffix(".docx"), tables.DAZHU_TITLE, tables.DAZHU),
        lambda p: tables.xlsx(
            p.with_suffix(".xlsx"), tables.DAZHU_SOURCE, tables.DAZHU_TITLE, tables.DAZHU
        ),
        lambda p: tables.csv_file(
            p.with_suffix(".csv"), tables.DAZHU_SOURCE, tables.DAZHU_TITLE, tables.DAZHU, "gb18030"
        ),
    ],
    ids=["docx", "xlsx", "csv-gb18030"],
)
def test_the_livelihood_table_as_word_excel_and_csv(tmp_path, build):
    result = importer.parse(build(tmp_path / "分解表"))
    text = parse("dazhu-2016-livelihood-projects.txt")
    assert (result.plan.title, result.plan.period.end) == (
        "2016年民生实事目标任务分解表",
        date(2016, 12, 31),
    )
    assert [(t.id, t.responsible, t.due) for t in result.tasks] == [
        (t.id, t.responsible, t.due) for t in text.tasks
    ]
