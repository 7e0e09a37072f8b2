"""What probe 1 found `zctasks import` recording wrongly or losing, each as it was found:
the plan must say exactly what the document says, and what the importer is unsure of is
listed, never dropped."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from zctasks import importer

BAR_TABLE = """\
测试区2024年重点工作任务分解表
| 序号 | 重点任务 | 牵头责任单位 | 配合单位 | 分 管 县领导 | 完成时限 |
| --- | --- | --- | --- | --- | --- |
| 一、推动经济高质量发展 |  |  |  |  |  |
| 1 | 扩大有效投资，新建项目10个 | 区发改局 | 区财政局、区自然资源局 | 张 三 | 2024年12月 |
| 2 | 壮大工业经济，新增规上企业20家 | 区工信局 |  | 李四 | 2024年12月 |
| 二、保障和改善民生 |  |  |  |  |  |
| 3 | 办好民生实事，新建幼儿园3处 | 区教体局 | 各镇（街道） | 王五 | 2024年9月 |
"""

SPACE_TABLE = """\
测试区2024年重点工作任务分解表
序号  重点任务                          牵头单位    配合单位            完成时限
1     扩大有效投资，新建项目10个        区发改局    区财政局            2024年12月
2     壮大工业经济，新增规上企业20家    区工信局    区发改局 区财政局   2024年12月
3     办好民生实事，新建幼儿园3处       区教体局                        2024年9月
"""

WRAPPED = """\
测试区2024年重点工作任务
一、推动经济高质量发展
1.扩大有效投资。全年完成固定资产投资增长
5.5%以上。（区发改局负责）
2.推进农业现代化。新建高标准农田
1.5万亩，粮食产量稳定在
3.2万吨以上。（区农业农村局负责）
3.办好民生实事。新建幼儿园3处。（区教体局负责）
"""

CHROME_WORDS = """\
测试区2024年重点工作任务
一、推动经济高质量发展
1.扩大有效投资。新建项目10个。（区发改局负责）
2.推进政务公开。
阅读次数统计纳入政务公开考核。
来源：各部门门户网站信息实行统一审核。
公开日期：每月10日前公开上月工作进展。
您现在的位置：由区大数据中心统一建设导航。
（区政务服务中心负责）
3.加强信息化建设。
设为首页的政务网站完成适老化改造。
• 来源: 全区政务网站集约化平台
（区大数据中心负责）
阅读次数：1024
"""

YEAR_FROM_NUMBER = """\
关于印发《测试区重点工作任务》的通知
测政发〔2023〕25号
测试区人民政府
2023年12月28日
测试区重点工作任务
一、推动经济高质量发展
1.扩大有效投资。2024年新建项目10个。（区发改局负责）
"""


def _parse(tmp_path: Path, name: str, text: str) -> importer.ImportResult:
    source = tmp_path / name
    source.write_text(text, "utf-8")
    return importer.parse(source)


def _roles(
    result: importer.ImportResult,
) -> list[tuple[int, int, str, tuple[str, ...], tuple[str, ...]]]:
    return [(t.id, t.chapter, t.title, t.lead, t.cooperate) for t in result.tasks]


def test_p1_a_markdown_separator_row_is_not_a_task(tmp_path):
    result = _parse(tmp_path, "bar.txt", BAR_TABLE)
    assert result.chapters == [(1, "推动经济高质量发展"), (2, "保障和改善民生")]
    assert _roles(result) == [
        (1, 1, "扩大有效投资，新建项目10个", ("区发改局",), ("区财政局", "区自然资源局")),
        (2, 1, "壮大工业经济，新增规上企业20家", ("区工信局",), ()),
        (3, 2, "办好民生实事，新建幼儿园3处", ("区教体局",), ("各镇（街道）",)),
    ]
    assert "---" not in result.units
    assert (3, "| --- | --- | --- | --- | --- | --- |") in result.skipped
    assert result.unparsed == []


def test_p2_an_empty_cell_of_a_space_aligned_table_does_not_shift_the_cells(tmp_path):
    result = _parse(tmp_path, "spc.txt", SPACE_TABLE)
    assert [(t.id, t.lead, t.cooperate, t.due and t.due.isoformat()) for t in result.tasks] == [
        (1, ("区发改局",), ("区财政局",), None),  # the year's end: the plan's own
        (2, ("区工信局",), ("区发改局", "区财政局"), None),
        (3, ("区教体局",), (), "2024-09-30"),
    ]
    assert sorted(result.units) == ["区发改局", "区工信局", "区教体局", "区财政局"]
    assert result.unparsed == []


def test_p2_a_space_aligned_row_that_fits_no_header_position_is_listed(tmp_path):
    text = SPACE_TABLE.replace(
        "3     办好民生实事，新建幼儿园3处       区教体局                        2024年9月",
        "3     办好民生实事，新建幼儿园3处 区教体局                2024年9月",
    )
    result = _parse(tmp_path, "spc.txt", text)
    assert [t.id for t in result.tasks] == [1, 2]
    assert result.unparsed == [
        (5, "3     办好民生实事，新建幼儿园3处 区教体局                2024年9月")
    ]


def test_p3_a_wrapped_line_starting_with_a_decimal_figure_is_not_an_item(tmp_path):
    result = _parse(tmp_path, "wrap.txt", WRAPPED)
    assert [(t.id, t.title, t.text, t.responsible) for t in result.tasks] == [
        (1, "扩大有效投资", "全年完成固定资产投资增长5.5%以上。", ("区发改局",)),
        (
            2,
            "推进农业现代化",
            "新建高标准农田1.5万亩，粮食产量稳定在3.2万吨以上。",
            ("区农业农村局",),
        ),
        (3, "办好民生实事", "新建幼儿园3处。", ("区教体局",)),
    ]
    assert [(t.value, t.unit) for t in result.tasks[1].targets] == [(1.5, "万亩"), (3.2, "万吨")]
    assert not any("重新开始" in note for note in result.notes)


def test_p4_sentences_that_begin_like_page_chrome_are_kept(tmp_path):
    result = _parse(tmp_path, "chrome.txt", CHROME_WORDS)
    second, third = result.tasks[1], result.tasks[2]
    assert second.text == "阅读次数统计纳入政务公开考核。"
    assert third.text == "设为首页的政务网站完成适老化改造。"
    # a sentence under a label of unknown meaning is listed, and the label named
    assert result.unparsed == [
        (6, "来源：各部门门户网站信息实行统一审核。"),
        (7, "公开日期：每月10日前公开上月工作进展。"),
        (8, "您现在的位置：由区大数据中心统一建设导航。"),
    ]
    assert (
        '第6行的标签“来源”含义不明，这些行列在未能归入的文字中（可用 --columns "来源=…" 指明）'
        in (result.notes)
    )
    assert result.skipped == [(12, "• 来源: 全区政务网站集约化平台"), (14, "阅读次数：1024")]


def test_p4_a_real_import_lists_the_page_chrome_it_left_out(zc, tmp_path):
    source = tmp_path / "chrome.txt"
    source.write_text(CHROME_WORDS, "utf-8")
    root = tmp_path / "ledger"
    zc("init", str(root))
    result = zc("import", str(source), "--into", str(root))
    assert result.exit_code == 0, result.stderr
    assert "略去网页文字 2 行：第12行 • 来源: 全区政务网站集约化平台、第14行 阅读次数：1024" in (
        result.stdout.splitlines()
    )
    dry = zc("import", str(source), "--into", str(root), "--dry-run")
    assert "略去网页文字 2 行：第12行 • 来源: 全区政务网站集约化平台、第14行 阅读次数：1024" in (
        dry.stdout.splitlines()
    )


def _docx_with_content_control(path: Path) -> None:
    from docx import Document
    from docx.oxml import parse_xml

    document = Document()
    document.add_paragraph("测试区2024年重点工作任务")
    document.add_paragraph("一、推动经济高质量发展")
    document.add_paragraph("1.扩大有效投资。新建项目10个。（区发改局负责）")
    namespace = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    control = parse_xml(
        f"<w:sdt {namespace}><w:sdtPr/><w:sdtContent>"
        "<w:p><w:r><w:t>2.办好民生实事。新建幼儿园3处。（区教体局负责）</w:t></w:r></w:p>"
        "<w:sdt><w:sdtContent><w:p><w:r><w:t>3.推进城市更新。改造老旧小区5个。</w:t></w:r>"
        "</w:p></w:sdtContent></w:sdt>"
        "</w:sdtContent></w:sdt>"
    )
    document.element.body.insert(len(document.element.body) - 1, control)
    document.add_paragraph("（区住建局负责）")
    document.save(str(path))


def test_p5_paragraphs_inside_content_controls_are_read(tmp_path):
    source = tmp_path / "sdt.docx"
    _docx_with_content_control(source)
    result = importer.parse(source)
    assert [(t.id, t.title, t.responsible) for t in result.tasks] == [
        (1, "扩大有效投资", ("区发改局",)),
        (2, "办好民生实事", ("区教体局",)),
        (3, "推进城市更新", ("区住建局",)),
    ]
    assert result.unparsed == []


SPANNING = [
    ("序号", "重点工作", "牵头单位", "配合单位", "完成时限"),
    ("一、推动经济高质量发展", None, None, None, None),
    (1, "扩大有效投资，新建项目10个", "区发改局", "区财政局", "2024年12月"),
    (2, "壮大工业经济，新增规上企业20家", "区工信局", None, "2024年12月"),
    ("二、保障和改善民生", None, None, None, None),
    (3, "办好民生实事，新建幼儿园3处", "区教体局", None, "2024年9月"),
]


@pytest.mark.parametrize("form", ["xlsx", "csv", "xlsx-no-numerals", "xlsx-title"])
def test_p6_a_table_whose_chapter_rows_span_it_is_imported_with_them(tmp_path, form):
    rows = [list(row) for row in SPANNING]
    if form == "xlsx-no-numerals":
        rows[1][0], rows[4][0] = "推动经济高质量发展", "保障和改善民生"
    if form == "xlsx-title":
        rows.insert(0, ["测试区2024年重点工作任务分解表", None, None, None, None])
    if form == "csv":
        source = tmp_path / "plan.csv"
        source.write_text(
            "\n".join(",".join("" if c is None else str(c) for c in row) for row in rows) + "\n",
            "utf-8",
        )
    else:
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        for row in rows:
            sheet.append(row)
        for number, row in enumerate(rows, 1):
            if row[1] is None and row[0] is not None:
                sheet.merge_cells(f"A{number}:E{number}")
        source = tmp_path / "plan.xlsx"
        book.save(source)
    result = importer.parse(source, year=2024)
    assert result.chapters == [(1, "推动经济高质量发展"), (2, "保障和改善民生")]
    assert _roles(result) == [
        (1, 1, "扩大有效投资，新建项目10个", ("区发改局",), ("区财政局",)),
        (2, 1, "壮大工业经济，新增规上企业20家", ("区工信局",), ()),
        (3, 2, "办好民生实事，新建幼儿园3处", ("区教体局",), ()),
    ]
    assert result.unparsed == []


def test_p7_a_year_the_evidence_disagrees_on_is_said_and_needs_year(zc, tmp_path):
    source = tmp_path / "yr2.txt"
    source.write_text(YEAR_FROM_NUMBER, "utf-8")
    root = tmp_path / "ledger"
    zc("init", str(root))
    note = "计划年度不确定：文号写〔2023〕，正文写2024年；请用 --year 指定计划年度"
    dry = zc("import", str(source), "--into", str(root), "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert note in dry.stdout.splitlines()
    refused = zc("import", str(source), "--into", str(root))
    assert (refused.exit_code, refused.stderr) == (
        2,
        f"错误：{source} 的计划年度不确定：文号写〔2023〕，正文写2024年\n"
        f"提示：请用 --year 指定，如 zctasks import {source} --year 2024\n",
    )
    done = zc("import", str(source), "--into", str(root), "--year", "2024")
    assert done.exit_code == 0, done.stderr
    assert "period: {start: 2024-01-01, end: 2024-12-31}" in (root / "data/tasks.yaml").read_text(
        "utf-8"
    )


def test_p7_a_title_year_wins_and_a_disagreeing_number_is_said(tmp_path):
    text = YEAR_FROM_NUMBER.replace("《测试区重点工作任务》", "《测试区2024年重点工作任务》")
    result = _parse(tmp_path, "yr.txt", text)
    assert result.year == 2024
    assert "计划年度按标题取2024年；文号写〔2023〕，如有误请用 --year 指定" in result.notes


def test_a_utf16_plan_is_read(tmp_path):
    source = tmp_path / "plan.txt"
    source.write_bytes(CHROME_WORDS.encode("utf-16"))
    assert [t.title for t in importer.parse(source).tasks] == [
        "扩大有效投资",
        "推进政务公开",
        "加强信息化建设",
    ]
    source.write_bytes(CHROME_WORDS.encode("utf-16-le"))  # no BOM: cannot be told
    with pytest.raises(importer.ImportProblem) as refused:
        importer.parse(source)
    assert (refused.value.message, refused.value.hint) == (
        f"{source} 看来是没有 BOM 的 UTF-16 文本，无法确定字节顺序",
        "请在记事本中“另存为”，编码选 UTF-8，再导入",
    )


def _paragraphs_docx(count: int) -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph("测试区2024年重点工作任务")
    document.add_paragraph("一、推动经济高质量发展")
    document.add_paragraph("1.扩大有效投资。新建项目10个。（区发改局负责）")
    for _ in range(count):
        document.add_paragraph("全区上下要统一思想狠抓落实")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_r2_a_docx_with_more_text_than_a_plan_is_refused_while_it_is_read(
    zc, tmp_path, monkeypatch
):
    monkeypatch.setattr("zctasks.importer.readers.MAX_DOCX_CHARACTERS", 10_000)
    source = tmp_path / "bomb.docx"
    source.write_bytes(_paragraphs_docx(1_000))  # 13,000 characters
    result = zc("import", str(source), "--into", str(tmp_path), "--dry-run")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        f"错误：{source} 的正文超过 1 万字，未读取\n"
        "提示：一份计划通常只有几万字：文件可能嵌有大量无关内容；请删去后另存为 .docx，"
        "或导出为纯文本 .txt\n",
    )


def test_r2_a_docx_that_lies_about_its_unpacked_size_is_refused(zc, tmp_path):
    raw = bytearray(_paragraphs_docx(200))
    name = b"word/document.xml"
    at = 0
    while True:  # the central directory entry of the main part: declare 1,000 bytes
        at = raw.index(b"PK\x01\x02", at)
        length = int.from_bytes(raw[at + 28 : at + 30], "little")
        if raw[at + 46 : at + 46 + length] == name:
            raw[at + 24 : at + 28] = (1000).to_bytes(4, "little")
            break
        at += 4
    source = tmp_path / "lie.docx"
    source.write_bytes(bytes(raw))
    result = zc("import", str(source), "--into", str(tmp_path), "--dry-run")
    assert (result.exit_code, result.stderr) == (
        1,
        f"错误：{source} 无法作为 .docx 打开：压缩包已损坏（内容与其声明的大小或校验和不符）\n"
        "提示：请用 Word 重新另存为 .docx\n",
    )


def _workbook(path: Path, rows: list[list[object]], date_cell: str | None = None) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    if date_cell:
        sheet[date_cell].number_format = "yyyy-mm-dd"
    book.save(path)


def _bad_shared_string(path: Path) -> None:
    """The last number cell of the first sheet becomes a shared string that is not there."""
    with zipfile.ZipFile(path) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode("utf-8")
    at = sheet.rindex('t="n"><v>')
    end = sheet.index("<", at + len('t="n"><v>'))
    parts["xl/worksheets/sheet1.xml"] = (sheet[:at] + 't="s"><v>9999' + sheet[end:]).encode()
    with zipfile.ZipFile(path, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)


REPORT = [["填报单位", "日期", "任务序号", "本期进展", "1.1"], ["区科技局", 99999999, 1, "甲", 4]]


def test_a_date_cell_out_of_range_is_a_located_chinese_error_not_a_warning(zc, tmp_path):
    root = tmp_path / "ledger"
    zc("init", str(root))
    source = tmp_path / "区科技局.xlsx"
    _workbook(source, REPORT, "B2")
    with _no_warning():
        result = zc("progress", "import", str(source), "--received", "2023-09-25", root=root)
    assert (result.exit_code, result.stderr) == (
        1,
        f"错误：区科技局.xlsx 有 1 处错误，全部没有导入\n"
        f"{source}:Sheet!B2: error[type]: 单元格设为日期格式，但数值 99999999 超出日期范围，无法读作日期\n"
        "  提示：把单元格改为日期格式的有效日期（如 2023-09-30）或文本后另存\n"
        "提示：改正后重新导入；没有写入任何记录\n",
    )


def test_a_bad_shared_string_index_is_a_located_chinese_error(zc, tmp_path):
    root = tmp_path / "ledger"
    zc("init", str(root))
    source = tmp_path / "区科技局.xlsx"
    _workbook(source, [REPORT[0], ["区科技局", "2023-09-20", 1, "甲", 4]])
    _bad_shared_string(source)
    result = zc("progress", "import", str(source), "--received", "2023-09-25", root=root)
    assert (result.exit_code, result.stderr) == (
        1,
        "错误：区科技局.xlsx 有 1 处错误，全部没有导入\n"
        f"{source}:2:1: error[unreadable]: 读取工作表“Sheet”第 2 行时出错："
        "文件内部引用了不存在的条目（如共享字符串或样式编号越界），文件已损坏\n"
        "  提示：请用 Excel 或 WPS 重新另存为 .xlsx\n"
        "提示：改正后重新导入；没有写入任何记录\n",
    )


PLAN_ROWS: list[list[object]] = [
    ["序号", "重点工作", "牵头单位", "完成时限"],
    [1, "扩大有效投资，新建项目10个", "区发改局", 99999999],
    [2, "壮大工业经济，新增规上企业20家", "区工信局", "2024年12月"],
]


def test_the_importer_says_the_same_about_plan_workbooks(tmp_path):
    source = tmp_path / "plan.xlsx"
    _workbook(source, PLAN_ROWS, "D2")
    with _no_warning():
        result = importer.parse(source, year=2024)
    assert (
        "plan.xlsx 工作表“Sheet”D2：单元格设为日期格式，但数值 99999999 超出日期范围，无法读作日期"
        in (result.notes)
    )
    _workbook(source, PLAN_ROWS[:1] + PLAN_ROWS[2:])
    _bad_shared_string(source)
    with pytest.raises(importer.ImportProblem) as refused:
        importer.parse(source, year=2024)
    assert (refused.value.message, refused.value.hint) == (
        f"{source} 的工作表“Sheet”第 2 行无法读取："
        "文件内部引用了不存在的条目（如共享字符串或样式编号越界），文件已损坏",
        "请用 Excel 或 WPS 打开后重新另存为 .xlsx",
    )


def _no_warning() -> object:
    import warnings

    class Guard:
        def __enter__(self) -> None:
            self.catching = warnings.catch_warnings(record=True)
            self.records = self.catching.__enter__()
            warnings.simplefilter("always")

        def __exit__(self, *exc: object) -> None:
            self.catching.__exit__(*exc)
            assert [str(r.message) for r in self.records] == []

    return Guard()


def test_a_sub_heading_over_a_table_keeps_its_line(tmp_path):
    """Found by test_import_coverage's random documents: the sub-heading was the first
    table task's section, but its line was dropped from the task's lines — lost."""
    from test_import_coverage import lost

    source = tmp_path / "plan.txt"
    source.write_text(
        "测试区2024年重点工作任务\n一、主要目标\n（一）经济发展\n1.扩大有效投资。（区发改局负责）\n"
        "（二）社会事业\n序号\t重点工作\t牵头单位\n2\t办好民生实事\t区教体局\n",
        "utf-8",
    )
    result = importer.parse(source)
    assert [(t.id, t.section, result.task_lines[t.id]) for t in result.tasks] == [
        (1, "（一）经济发展", [4, 3]),
        (2, "（二）社会事业", [5, 7]),
    ]
    assert lost(source, result) == []
    # under a merged grouping cell (工作任务) the task keeps both
    source.write_text(
        source.read_text("utf-8").replace(
            "序号\t重点工作\t牵头单位\n2\t办好民生实事",
            "序号\t工作任务\t重点工作\t牵头单位\n2\t民生实事\t办好民生实事",
        ),
        "utf-8",
    )
    result = importer.parse(source)
    assert result.tasks[1].section == "（二）社会事业 民生实事"
    assert lost(source, result) == []


def test_p3_an_item_running_into_digits_right_under_a_heading_is_still_an_item(tmp_path):
    result = _parse(
        tmp_path,
        "plan.txt",
        "测试区2024年重点工作任务\n一、重大项目\n1.5G基站建设。新建基站100个。（区工信局负责）\n"
        "2.推进农业现代化。新建高标准农田\n3.2万亩。（区农业农村局负责）\n",
    )
    assert [(t.id, t.title, t.text) for t in result.tasks] == [
        (1, "5G基站建设", "新建基站100个。"),
        (2, "推进农业现代化", "新建高标准农田3.2万亩。"),
    ]
