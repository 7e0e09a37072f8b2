"""zctasks import: the shipped plan is reproduced; other districts' forms are understood."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from conftest import REPO, SEED
from zctasks import importer
from zctasks.load import loading


@pytest.fixture(scope="module")
def seed_result():
    return importer.parse(SEED)


def test_the_seed_reproduces_the_shipped_plan(seed_result):
    shipped = loading.check(REPO).ledger
    assert [(c, t) for c, t in seed_result.chapters] == [
        (c.id, c.title) for c in shipped.chapters.values()
    ]
    assert [t.id for t in seed_result.tasks] == list(shipped.tasks)
    fields = (
        "chapter",
        "title",
        "text",
        "attribution",
        "lead",
        "cooperate",
        "responsible",
        "and_others",
    )
    for task in seed_result.tasks:
        expected = shipped.tasks[task.id]
        assert [getattr(task, f) for f in fields] == [getattr(expected, f) for f in fields], task.id
    assert seed_result.unparsed == [] and seed_result.notes == []
    assert sorted(seed_result.placeholders) == sorted(shipped.placeholders)
    assert set(seed_result.units) == set(shipped.units)


def test_the_seed_metadata(seed_result):
    shipped = loading.check(REPO).ledger.plan
    for name in (
        "title",
        "notice_title",
        "doc_number",
        "issuer",
        "issued",
        "period",
        "addressees",
        "cc",
        "preamble",
    ):
        assert getattr(seed_result.plan, name) == getattr(shipped, name), name


def test_at_least_ninety_percent_of_the_targets_are_found(seed_result):
    shipped = loading.check(REPO).ledger
    expected = [
        (task.id, t.value, t.max, t.unit, t.op)
        for task in shipped.tasks.values()
        for t in task.targets
    ]
    found = {
        (task.id, t.value, t.max, t.unit, t.op) for task in seed_result.tasks for t in task.targets
    }
    share = sum(1 for item in expected if item in found) / len(expected)
    assert share >= 0.9, share
    extra = [
        t
        for task in seed_result.tasks
        for t in task.targets
        if (task.id, t.value, t.max, t.unit, t.op) not in set(expected)
    ]
    assert len(extra) <= 2
    for task in seed_result.tasks:
        for target in task.targets:
            assert target.quote in task.text


VARIANT = """\
淄政办发〔2024〕5号

某市人民政府办公室
关于印发《某市2024年重点工作任务》的通知

各区县人民政府，市政府各部门：
现将《某市2024年重点工作任务》印发给你们，请认真贯彻落实。

某市人民政府办公室
2024年2月18日

为推动高质量发展，制定本任务。
一、科技创新
（一）平台建设
1、建设创新平台。新增省级以上创新平台10家以上。【市科技局牵头，市发改局、市财政局等部门单位配合】
2、培育企业。高新技术企业数量达到300家左右，
科技型中小企业突破500家。(牵头单位:市科技局,配合单位:市工信局)
二、城市建设
1. 改造老旧小区。\t完成改造小区20—30个，建设口袋公园5处。
（牵头部门：市住建局；责任部门：各区、县级市）
\u3000\u30002．[bookmark: _GoBack]保障住房。筹集保障性住房1500套。（责任单位：市住建局）
3. 推进协同。各项工作按计划推进（各相关部门按职责分工负责）。
抄送：市委办公室。
"""


def test_a_variant_document(tmp_path):
    source = tmp_path / "plan.txt"
    source.write_bytes(VARIANT.encode("gb18030"))
    result = importer.parse(source)
    plan = result.plan
    assert (plan.title, plan.doc_number, plan.issuer, plan.issued.isoformat()) == (
        "某市2024年重点工作任务",
        "淄政办发〔2024〕5号",
        "某市人民政府办公室",
        "2024-02-18",
    )
    assert (plan.period.start.isoformat(), plan.period.end.isoformat()) == (
        "2024-01-01",
        "2024-12-31",
    )
    assert plan.addressees == "各区县人民政府，市政府各部门"
    assert plan.preamble == "为推动高质量发展，制定本任务。"
    assert result.chapters == [(1, "科技创新"), (2, "城市建设")]
    assert result.notes == ["任务编号在各章重新开始，已按全文顺序重新编号为 1—5"]
    tasks = {t.id: t for t in result.tasks}
    assert [(t.id, t.chapter, t.title) for t in result.tasks] == [
        (1, 1, "建设创新平台"),
        (2, 1, "培育企业"),
        (3, 2, "改造老旧小区"),
        (4, 2, "保障住房"),
        (5, 2, "推进协同"),
    ]
    assert (tasks[1].lead, tasks[1].cooperate, tasks[1].and_others) == (
        ("市科技局",),
        ("市发改局", "市财政局"),
        "cooperate",
    )
    assert tasks[1].attribution == "市科技局牵头，市发改局、市财政局等部门单位配合"
    assert (
        tasks[2].text == "高新技术企业数量达到300家左右，科技型中小企业突破500家。"
    )  # a sentence broken across lines
    assert (tasks[2].lead, tasks[2].cooperate) == (("市科技局",), ("市工信局",))
    assert (tasks[3].lead, tasks[3].cooperate) == (
        ("市住建局",),
        ("各区、县级市",),
    )  # attribution on its own line
    assert tasks[4].responsible == ("市住建局",) and tasks[4].text == "筹集保障性住房1500套。"
    assert tasks[5].responsible == ("各相关部门",) and tasks[5].text == "各项工作按计划推进。"
    assert sorted(result.placeholders) == ["各区、县级市", "各相关部门"]
    targets = [
        (t.id, t.op, t.value, t.max, t.unit, t.firm) for task in result.tasks for t in task.targets
    ]
    assert targets == [
        ("1.1", ">=", 10, None, "家", True),
        ("2.1", "~", 300, None, "家", True),
        ("2.2", ">", 500, None, "家", True),
        ("3.1", "between", 20, 30, "个", True),
        ("3.2", "=", 5, None, "处", True),
        ("4.1", "=", 1500, None, "套", True),
    ]
    assert result.units["市科技局"].kind == "政府工作部门"


def _docx_with_table(path: Path) -> None:
    from docx import Document

    document = Document()
    document.add_paragraph("某区2025年民生实事任务")
    document.add_paragraph("一、民生保障")
    table = document.add_table(rows=3, cols=5)
    for row, values in zip(
        table.rows,
        [
            ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"],
            ["1", "新建幼儿园。新建幼儿园3处。", "区教体局", "区住建局、区财政局", "2025年8月底"],
            ["2", "改造农贸市场。改造农贸市场2个。", "区商务局", "", "2025年10月15日"],
        ],
        strict=True,
    ):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.save(str(path))


def test_a_docx_table(tmp_path):
    source = tmp_path / "plan.docx"
    _docx_with_table(source)
    result = importer.parse(source)
    assert [
        (t.id, t.chapter, t.title, t.lead, t.cooperate, t.due.isoformat()) for t in result.tasks
    ] == [
        (1, 1, "新建幼儿园", ("区教体局",), ("区住建局", "区财政局"), "2025-08-31"),
        (2, 1, "改造农贸市场", ("区商务局",), (), "2025-10-15"),
    ]
    assert (
        result.tasks[0].attribution
        == "牵头单位：区教体局；配合单位：区住建局、区财政局；完成时限：2025年8月底"
    )
    assert [(t.value, t.unit) for t in result.tasks[0].targets] == [(3, "处")]


def test_a_table_pasted_as_text(tmp_path):
    source = tmp_path / "plan.txt"
    source.write_text(
        "一、重点项目\n序号\t工作任务\t责任单位\t完成时限\n1\t建设污水厂。新建污水处理厂1座。\t区水利局\t2025年底\n",
        "utf-8",
    )
    result = importer.parse(source)
    (task,) = result.tasks
    assert (task.title, task.responsible, task.due) == ("建设污水厂", ("区水利局",), None)
    assert result.plan.period.end.isoformat() == "2025-12-31"  # the year the table names


def test_items_that_cannot_be_placed_are_reported(tmp_path):
    source = tmp_path / "plan.txt"
    source.write_text("1. 不在任何章节下的事项。\n一、章节\n1. 正常任务。内容。\n", "utf-8")
    result = importer.parse(source)
    assert result.unparsed == [(1, "1. 不在任何章节下的事项。")]
    assert [t.title for t in result.tasks] == ["正常任务"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "是空文件"),
        (b"\x00\x01\x02\x03binary\xff\xfe", "不是文本文件"),
        ("没有编号的任务，只有一段话。\n".encode(), "中没有找到任务：识别到 0 个章节标题"),
    ],
)
def test_bad_text_inputs(zc, tmp_path, content, message):
    source = tmp_path / "plan.txt"
    source.write_bytes(content)
    target = tmp_path / "ledger"
    target.mkdir()
    result = zc("import", str(source), "--into", str(target))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"错误：{source} ") and message in result.stderr
    assert not (target / "data").exists()


def test_a_docx_that_is_not_a_zip(zc, tmp_path):
    source = tmp_path / "plan.docx"
    source.write_text("这不是 Word 文件", "utf-8")
    result = zc("import", str(source), "--into", str(tmp_path))
    assert (result.exit_code, result.stderr) == (
        1,
        f"错误：{source} 不是有效的 .docx 文件（不是 zip 压缩包）\n提示：请用 Word 重新另存为 .docx\n",
    )


def test_two_commands_make_a_new_years_ledger(zc, tmp_path):
    """init copies the bundled plan and its 43 units; the import replaces both, so the new
    ledger lists only the units its own plan names (the old registry is backed up)."""
    root = tmp_path / "2024台账"
    assert zc("init", str(root)).exit_code == 0
    bundled = (root / "data" / "departments.yaml").read_text("utf-8")
    source = tmp_path / "plan.txt"
    source.write_text(VARIANT, "utf-8")
    result = zc("import", str(source), "--into", str(root))
    assert result.exit_code == 0, result.stderr
    (backup,) = (root / ".zctasks-backup").iterdir()
    assert result.stdout == (
        "已读取 plan.txt：2 章，5 项任务（5 项有分工），6 项指标，新单位 5 个\n"
        "任务编号在各章重新开始，已按全文顺序重新编号为 1—5\n"
        "单位名录只含本计划的 5 个单位和 2 个泛指用语（原有的单位名录不沿用）\n"
        f"原文件已备份到 .zctasks-backup/{backup.name}/\n"
        "写入 data/tasks.yaml\n写入 data/departments.yaml\n"
        "检查通过，可以运行 zctasks check、zctasks list 查看。\n"
    )
    assert (backup / "data" / "departments.yaml").read_text("utf-8") == bundled
    assert zc("check", root=root).exit_code == 0
    departments = (root / "data" / "departments.yaml").read_text("utf-8")
    assert "淄川" not in departments and "区发改局" not in departments
    assert "  市科技局: {kind: 政府工作部门}  # 由 zctasks import 推断类别，请核对" in departments
    units = json.loads(zc("depts", "-f", "json", root=root).stdout)
    assert sorted(u["name"] for u in units) == [
        "市住建局",
        "市发改局",
        "市工信局",
        "市科技局",
        "市财政局",
    ]
    tasks = json.loads(zc("list", "--dept", "市科技局", "-f", "json", root=root).stdout)
    assert [t["id"] for t in tasks] == [1, 2]


def test_dry_run_writes_nothing(zc, tmp_path):
    result = zc("import", str(SEED), "--into", str(tmp_path), "--dry-run", "--yaml")
    assert result.exit_code == 0
    assert result.stdout.startswith("# ---- data/tasks.yaml ----\n# yaml-language-server")
    assert not (tmp_path / "data").exists()


def test_import_refuses_a_ledger_with_progress(zc, tmp_path):
    root = tmp_path / "ledger"
    zc("init", str(root))
    zc("progress", "add", "1", "--by", "区科技局", "--date", "2023-07-01", "--note", "x", root=root)
    before = (root / "data" / "tasks.yaml").read_bytes()
    result = zc("import", str(SEED), "--into", str(root))
    assert result.exit_code == 2 and "已有进展记录" in result.stderr
    assert (root / "data" / "tasks.yaml").read_bytes() == before


def test_the_written_file_round_trips(tmp_path):
    result = importer.parse(SEED)
    files = importer.files_for(result, SEED, tmp_path)
    for relative, content in files.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_bytes(content)
    checked = loading.check(tmp_path)
    assert checked.errors == []
    assert checked.ledger.tasks[30].targets[0].op == "<="


def test_attribution_forms():
    parse = importer.parse_attribution
    assert parse("区发改局、区工信局牵头，区有关产业专责部门、各相关部门等配合") == (
        {"lead": ["区发改局", "区工信局"], "cooperate": ["区有关产业专责部门", "各相关部门"]},
        "cooperate",
    )
    assert parse("牵头部门：市住建局；责任部门：市城管局") == (
        {"lead": ["市住建局"], "cooperate": ["市城管局"]},
        None,
    )
    assert parse("责任单位：市水利局、市农业农村局") == (
        {"responsible": ["市水利局", "市农业农村局"]},
        None,
    )
    assert parse("区工商联、区财政局、区人社局等配合") == (
        {"cooperate": ["区工商联", "区财政局", "区人社局"]},
        "cooperate",
    )
    assert parse("由市政府督办") is None


def test_the_import_of_the_seed_text_matches_textwrapped_input(tmp_path):
    """A document whose lines are wrapped at 40 characters reads the same."""
    lines = SEED.read_text("utf-8").splitlines()
    wrapped = []
    for line in lines:
        if (
            line.startswith(("一", "二", "三", "四", "五", "六", "七", "八", "九", "十"))
            or len(line) < 80
        ):
            wrapped.append(line)
        else:
            wrapped += textwrap.wrap(line, 40)
    source = tmp_path / "wrapped.txt"
    source.write_text("\n".join(wrapped), "utf-8")
    result = importer.parse(source)
    original = importer.parse(SEED)
    assert [(t.title, t.text, t.lead, t.cooperate, t.responsible) for t in result.tasks] == [
        (t.title, t.text, t.lead, t.cooperate, t.responsible) for t in original.tasks
    ]


def test_parenthesised_numbering_and_running_numbers(tmp_path):
    source = tmp_path / "plan.txt"
    source.write_text(
        "一、第一章\n（1）甲任务。新增项目3个。（区甲局负责）\n（2）乙任务。内容。（区乙局负责）\n"
        "二、第二章\n（3）丙任务。内容。（区甲局牵头，区乙局配合）\n",
        "utf-8",
    )
    result = importer.parse(source)
    assert [(t.id, t.chapter, t.title) for t in result.tasks] == [
        (1, 1, "甲任务"),
        (2, 1, "乙任务"),
        (3, 2, "丙任务"),
    ]
    assert not any("重新编号" in note for note in result.notes)  # the document's numbers kept
    assert (result.tasks[2].lead, result.tasks[2].cooperate) == (("区甲局",), ("区乙局",))
