"""Reports in every format on the small sample ledger: Markdown exactly (golden files), the
Word file's layout and properties, sheets, HTML, plain text, and the options each kind
takes. Page counts through LibreOffice are in test_reports_pages.py; the 催办单 register in
test_reports_register.py."""

from __future__ import annotations

import io
import os
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import load_workbook

from conftest import TASKS
from zctasks.plan.zones import plan_zone

GOLDEN = Path(__file__).parent / "golden"
CONFIG = """\
reports: {publication: 测试工作简报, issuer: 区发改局, supervisor: 区政府督查室, urge_code: 测督催}
reporting: {first_due: 2023-07-03}
"""
SIGNED = ["--date", "2023-07-31"]
REPORTS = {
    "briefing": [
        "briefing",
        "--since",
        "2023-07-17",
        "--until",
        "2023-07-31",
        "--issue",
        "3",
        *SIGNED,
    ],
    "ledger": ["ledger", "--as-of", "2023-07-31", *SIGNED],
    "dept": ["dept", "区科技局", "--as-of", "2023-07-31", *SIGNED],
    "urge": ["urge", "--as-of", "2023-07-31", *SIGNED],
    "register": ["register", "--as-of", "2023-07-31", *SIGNED],
}
FORMATS = ("md", "docx", "xlsx", "html", "csv")


@pytest.fixture
def demo(reported):
    (reported / "data" / "config.yaml").write_text(CONFIG, "utf-8")
    return reported


@pytest.mark.parametrize("kind", sorted(REPORTS))
def test_markdown_matches_the_golden_file(zc, demo, kind):
    result = zc("report", *REPORTS[kind], root=demo)
    assert result.exit_code == 0, result.stderr
    golden = GOLDEN / f"{kind}.md"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(result.stdout, "utf-8")
    assert result.stdout == golden.read_text("utf-8")


@pytest.mark.parametrize("kind", sorted(REPORTS))
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_kind_renders_in_every_format(zc, demo, tmp_path, kind, fmt):
    out = tmp_path / f"{kind}.{fmt}"
    result = zc("report", *REPORTS[kind], "--format", fmt, "-o", str(out), root=demo)
    assert result.exit_code == 0, result.stderr
    notice = "预览：催办单尚未编号、登记；确认后加 --record 签发\n" if kind == "urge" else ""
    if kind == "briefing":
        notice = "预览：简报尚未登记；确认后加 --record 登记为第3期\n"
    assert result.stderr == f"已生成 {out}\n{notice}"
    assert out.stat().st_size > 0


@pytest.mark.parametrize("kind", ["briefing", "ledger", "dept", "urge", "register"])
def test_the_bundled_ledger_renders_with_everything_unreported(zc, tmp_path, kind):
    args = ["dept", "区发改局"] if kind == "dept" else [kind]
    if kind == "briefing":
        args += ["--week", "2023-W30"]
    for fmt in FORMATS:
        result = zc("report", *args, "--format", fmt, "-o", str(tmp_path / f"out.{fmt}"))
        assert result.exit_code == 0, (fmt, result.stderr)
    text = (tmp_path / "out.md").read_text("utf-8")
    if kind == "briefing":  # tasks 65 and 66 have nobody to report them
        assert "未报送64项，占97.0%；责任单位未明确2项，占3.0%" in text
        assert "本期没有单位报送进展。" in text and "0个单位" not in text


def test_the_briefing_speaks_chinese_and_follows_the_facts(zc, demo):
    earlier = ["--since", "2023-07-10", "--until", "2023-07-16", "--issue", "2"]
    recorded = zc("report", "briefing", *earlier, "--date", "2023-07-17", "--record", root=demo)
    assert recorded.stderr == "已登记简报第2期，登记在 data/briefings/\n"
    text = zc("report", *REPORTS["briefing"], root=demo).stdout
    main = text.split("***")[0]
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)  # no ISO dates anywhere
    assert not re.search(r"\d+\.\d+ [^\d]", main)  # no target ids in prose
    assert "。。" not in text and "，。" not in text
    assert "zctasks" not in text
    # every light with its share, and the change since the previous issue
    assert (
        "已完成0项，占0.0%；序时推进1项，占33.3%；滞后1项，占33.3%；严重滞后0项，占0.0%；未报送1项，占33.3%"
        in main
    )
    assert (
        "与上期（第2期，截至7月16日）相比，新增滞后1项（“建设创新平台”）；"
        "首次报送1项（“推进产业协同”）；新增未报送1项（“节约用水”）。"
    ) in main
    assert "滞后1项：区科技局牵头的“建设创新平台”。" in main
    assert "一是对本期新增滞后的1项任务，请区科技局倒排工期" in main
    assert "二是请区水利局于8月7日前补报1项未报送任务的进展和佐证材料" in main
    assert "严重滞后的" not in main.split("## 四、")[1]  # no requirement without a fact


def test_issue_numbers_come_from_the_register(zc, demo):
    """A first issue is 第1期; a recorded issue keeps its number; the next one continues."""
    week = ["briefing", "--week", "2023-W30", "--date", "2023-07-31"]
    first = zc("report", *week, root=demo)
    assert "\n第1期\n" in first.stdout and first.stdout == zc("report", *week, root=demo).stdout
    assert zc("report", *week, "--record", root=demo).exit_code == 0
    later = ["briefing", "--week", "2023-W31", "--date", "2023-08-07"]
    assert "\n第2期\n" in zc("report", *later, root=demo).stdout
    again = zc("report", *week, "--record", root=demo)
    assert again.stderr == "第1期已于2023-07-31登记，沿用原期号，没有重复登记\n"
    refused = zc("report", *week, "--issue", "5", root=demo)
    assert refused.exit_code == 2
    assert "已登记为第1期，期号不再改变" in refused.stderr


def test_the_briefing_reports_what_units_say_is_in_their_way(zc, demo):
    zc(
        "progress", "add", "1", "--by", "区科技局", "--date", "2023-07-28", "--status", "受阻",
        "--value", "1.1=4", "--note", "平台认定延后。", "--problems", "省级评审推迟。。",
        root=demo,
    )  # fmt: skip
    text = zc("report", *REPORTS["briefing"], root=demo).stdout
    assert "单位反映的困难和问题：区科技局反映省级评审推迟（“建设创新平台”）。" in text
    assert "四是" not in text and "三是对单位反映的问题" in text


def test_the_unit_notice_gives_actual_values_and_no_software_name(zc, demo):
    text = zc("report", *REPORTS["dept"], root=demo).stdout
    assert "新增市级以上创新平台≥10家：完成4家，占40.0%" in text
    assert "zctasks" not in text and "2023-" not in text
    assert "> 淄川区发展和改革局\n> 2023年7月31日" in text  # signature and date
    assert text.endswith("\n淄川区发展和改革局\t2023年7月31日印发\n")  # 版记


def _docx(zc, root, tmp_path, kind="briefing") -> Document:
    out = tmp_path / f"{kind}.docx"
    result = zc("report", *REPORTS[kind], "-f", "docx", "-o", str(out), root=root)
    assert result.exit_code == 0, result.stderr
    return Document(str(out))


def _east_asian(style) -> str:
    return style.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


def test_docx_official_layout(zc, demo, tmp_path):
    document = _docx(zc, demo, tmp_path)
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]
    grid = section._sectPr.find(qn("w:docGrid"))
    assert (grid.get(qn("w:type")), grid.get(qn("w:linePitch"))) == ("lines", "579")
    styles = document.styles
    normal = styles["Normal"]
    assert _east_asian(normal) == "仿宋" and normal.font.size == Pt(16)
    assert normal.paragraph_format.line_spacing.twips == 579  # 22 × 579 twips fit 225 mm
    spacing = normal.element.rPr.find(qn("w:spacing"))
    assert spacing.get(qn("w:val")) == "-5"  # 28 characters of 15.75 pt fill 156 mm
    assert _east_asian(styles["公文标题"]) == "方正小标宋简体"
    assert styles["公文标题"].font.size == Pt(22)
    for name in ("一级标题", "二级标题", "公文标题", "附件标识"):
        assert styles[name].paragraph_format.keep_with_next
    assert _east_asian(styles["一级标题"]) == "黑体" and _east_asian(styles["二级标题"]) == "楷体"
    for name in ("表格文字", "小表格文字", "公文标题"):  # off the line grid
        assert styles[name].element.pPr.find(qn("w:snapToGrid")).get(qn("w:val")) == "0"
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    assert paragraphs[0] == ("公文报头", "测试工作简报")
    assert ("报头文字", "第3期") in paragraphs and (
        "报头文字",
        "淄川区发展和改革局\t2023年7月31日",
    ) in paragraphs
    assert ("公文标题", "重点工作任务推进情况") in paragraphs
    assert ("副标题", "（2023年7月17日至7月31日）") in paragraphs
    assert ("一级标题", "一、总体情况") in paragraphs
    assert ("附件说明", "附件：1．任务进度统计\n2．滞后及未报送任务清单") in paragraphs
    at = [p.style.name for p in document.paragraphs].index("附件说明")
    listed = document.paragraphs[at].paragraph_format
    assert listed.keep_together  # the list of attachments is never cut by a page break
    assert document.paragraphs[at - 1].paragraph_format.keep_with_next  # nor left alone
    assert ("附件标识", "附件1") in paragraphs and ("附件标识", "附件2") in paragraphs
    imprint = [text for style, text in paragraphs if style == "版记" and text]
    assert imprint == [
        "发：各镇人民政府、街道办事处，区政府有关部门。",
        "淄川区发展和改革局\t2023年7月31日印发",
    ]
    assert paragraphs[-1] == ("版记", "")  # the closing rule
    assert document.paragraphs[0].runs[0].font.color.rgb is not None  # the red masthead


def test_docx_properties_name_the_office_and_the_day(zc, demo, tmp_path):
    document = _docx(zc, demo, tmp_path)
    props = document.core_properties
    assert props.author == props.last_modified_by == "淄川区发展和改革局"
    assert props.title == "重点工作任务推进情况" and props.subject == "测试计划"
    china = plan_zone("Asia/Shanghai")  # the properties hold the moment in UTC
    made = {props.created.astimezone(china).date(), props.modified.astimezone(china).date()}
    assert made == {date(2023, 7, 31)}  # the day the document is dated: --date, else today
    again = tmp_path / "again"
    again.mkdir()
    assert _docx(zc, demo, again).core_properties.created == props.created
    assert (again / "briefing.docx").read_bytes() == (tmp_path / "briefing.docx").read_bytes()
    archive = zipfile.ZipFile(tmp_path / "briefing.docx")
    names = archive.namelist()
    assert "docProps/thumbnail.jpeg" not in names and "docProps/app.xml" not in names
    for name in names:
        assert b"python-docx" not in archive.read(name), name


def test_docx_signature_and_date_per_gbt9704(zc, demo, tmp_path):
    """淄川区发展和改革局 (9 characters) over 2023年7月31日 (7½: digits are half as wide, and
    a fifth of a character is set where Chinese meets digits): the office two characters
    from the right, the date starting two characters right of the office's start."""
    document = _docx(zc, demo, tmp_path, "dept")
    texts = [p.text for p in document.paragraphs]
    office = document.paragraphs[texts.index("淄川区发展和改革局")]
    day = document.paragraphs[texts.index("2023年7月31日")]
    assert office.style.name == day.style.name == "署名"
    assert document.paragraphs[texts.index("淄川区发展和改革局") - 1].text == ""  # 空一行
    assert round(office.paragraph_format.right_indent.pt, 1) == 31.5  # 2 × 15.75
    assert day.paragraph_format.right_indent.pt == pytest.approx(23.6, abs=0.1)  # (9 − 7½) × 15.75


def test_docx_titles_break_between_words(zc, make_ledger, tmp_path):
    from zctasks.documents.layout import title_lines

    assert title_lines("关于区住建局承担重点工作任务推进情况的通知", 19.8) == [
        "关于区住建局承担",
        "重点工作任务推进情况的通知",
    ]
    assert title_lines(
        "淄川区深化新旧动能转换推动绿色低碳高质量发展2023年重点工作任务工作台账", 28.8
    ) == [
        "淄川区深化新旧动能转换推动绿色低碳",
        "高质量发展2023年重点工作任务工作台账",
    ]
    assert title_lines("重点工作任务推进情况", 19.8) == ["重点工作任务推进情况"]


def test_docx_page_numbers_and_font_fallback(zc, demo, tmp_path):
    document = _docx(zc, demo, tmp_path)
    section = document.sections[0]
    assert document.settings.odd_and_even_pages_header_footer
    for footer in (section.footer, section.even_page_footer):
        xml = footer.paragraphs[0]._p.xml
        assert "PAGE" in xml and footer.paragraphs[0].text == "— 1 —"
    fonts = zipfile.ZipFile(tmp_path / "briefing.docx").read("word/fontTable.xml").decode()
    assert '<w:font w:name="方正小标宋简体"><w:altName w:val="宋体"/>' in fonts


def test_docx_ledger_is_one_row_a_task_with_coloured_lights(zc, demo, tmp_path):
    document = _docx(zc, demo, tmp_path, "ledger")
    assert document.sections[0].page_width > document.sections[0].page_height  # landscape
    (table,) = document.tables
    assert [c.text for c in table.rows[0].cells] == [
        "序号", "任务", "牵头单位", "配合单位", "目标及完成情况", "完成时限",
        "进展情况", "存在问题", "下步打算", "进度", "最近报送",
    ]  # fmt: skip
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert len(table.rows) == 4  # a header and one row for each of the three tasks
    first = [c.text for c in table.rows[1].cells]
    assert (
        first[4]
        == "新增市级以上创新平台≥10家：完成4家，占40.0%；新增省级平台2—3家：完成2家，占100.0%"
    )
    assert first[5:] == ["12月31日", "新增平台4家", "", "推进平台认定", "滞后", "7月20日"]
    fill = table.rows[1].cells[9]._tc.tcPr.find(qn("w:shd")).get(qn("w:fill"))
    assert fill == "FFEB9C"


def test_docx_urge_is_one_slip_a_unit_each_its_own_document(zc, demo, tmp_path):
    zc(
        "progress",
        "add",
        "3",
        "--by",
        "区发改局",
        "--date",
        "2023-06-01",
        "--note",
        "旧",
        root=demo,
    )
    for task, unit in ((1, "区科技局"), (3, "区发改局")):  # make them overdue: due passed
        text = (demo / "data" / "tasks.yaml").read_text("utf-8")
        (demo / "data" / "tasks.yaml").write_text(
            text.replace(f"  - id: {task}\n", f"  - id: {task}\n    due: 2023-06-30\n"), "utf-8"
        )
        assert unit
    document = _docx(zc, demo, tmp_path, "urge")
    mastheads = [p for p in document.paragraphs if p.style.name == "公文报头"]
    assert [p.text for p in mastheads] == ["重点工作任务催办单"] * 3
    assert all(p.runs[0].font.color.rgb is not None for p in mastheads)  # every slip alike
    units = [p.text for p in document.paragraphs if p.style.name == "主送机关"]
    assert units == ["区发改局：", "区科技局：", "区水利局："]  # departments.yaml order
    assert len(document.sections) == 3
    for section in document.sections:  # forms: no page numbers, so no blank pages between
        assert section._sectPr.find(qn("w:pgNumType")) is None
        assert "PAGE" not in section.footer._element.xml
    assert sum("签收回执" in p.text for p in document.paragraphs) == 3


def test_xlsx_ledger_has_title_rows_widths_and_heights(zc, demo, tmp_path):
    out = tmp_path / "ledger.xlsx"
    zc("report", *REPORTS["ledger"], "-f", "xlsx", "-o", str(out), root=demo)
    sheet = load_workbook(out).active
    assert sheet.title == "台账"
    assert sheet["A1"].value == "测试计划工作台账" and sheet["A1"].font.bold
    assert load_workbook(out).properties.creator == "淄川区发展和改革局"
    assert sheet["A2"].value == "截至2023年7月31日，序时进度58.1%"
    assert [c.value for c in sheet[4]][:3] == ["序号", "任务", "牵头单位"]
    assert sheet.freeze_panes == "A5" and sheet.print_title_rows == "$4:$4"
    setup = sheet.page_setup
    assert (setup.orientation, setup.fitToWidth, setup.fitToHeight) == ("landscape", 1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    row = [c.value for c in sheet[5]]
    assert row[0] == 1 and row[10].date() == date(2023, 7, 20)
    assert sheet["J5"].value == "滞后" and sheet["J5"].fill.fgColor.rgb == "00FFEB9C"
    widths = {k: d.width for k, d in sheet.column_dimensions.items()}
    assert all(6 <= w <= 40 for w in widths.values()) and widths["E"] > widths["A"]
    assert sheet.row_dimensions[5].height >= 2 * 15  # the targets cell wraps: room for it


def test_xlsx_and_csv_briefing_carry_the_summary(zc, demo, tmp_path):
    earlier = ["--since", "2023-07-10", "--until", "2023-07-16", "--date", "2023-07-17"]
    assert zc("report", "briefing", *earlier, "--issue", "2", "--record", root=demo).exit_code == 0
    out = tmp_path / "b.xlsx"
    zc("report", *REPORTS["briefing"], "-f", "xlsx", "-o", str(out), root=demo)
    workbook = load_workbook(out)
    assert workbook.sheetnames == ["任务进度统计", "滞后及未报送任务清单"]
    summary = workbook["任务进度统计"]
    assert summary["A2"].value == "截至2023年7月31日，序时进度58.1%；本期：2023年7月17日至7月31日"
    rows = {r[0].value: [c.value for c in r] for r in summary.iter_rows(min_row=5)}
    assert rows["滞后"][1:] == [1, pytest.approx(1 / 3, abs=1e-3), 0, 0, 1]
    assert summary["C5"].number_format == "0.0%"
    csv_out = tmp_path / "b.csv"
    zc("report", *REPORTS["briefing"], "-f", "csv", "-o", str(csv_out), root=demo)
    text = csv_out.read_bytes().decode("utf-8-sig")
    assert text.startswith("任务进度统计\r\n进度,") and "\r\n滞后,1,33.3%,0,0.0%,+1\r\n" in text


def test_xlsx_urge_is_one_sheet(zc, demo, tmp_path):
    out = tmp_path / "u.xlsx"
    zc("report", *REPORTS["urge"], "-f", "xlsx", "-o", str(out), root=demo)
    workbook = load_workbook(out)
    assert workbook.sheetnames == ["催办单"]
    sheet = workbook.active
    assert [c.value for c in sheet[5]][:6] == [
        "预览，未登记编号", "区水利局", 2, "节约用水", "未报送",
        "7月25日应报未报，已逾期6天（最近一次报送为6月10日）",
    ]  # fmt: skip
    assert sheet["G5"].value.date() == date(2023, 8, 7)


def test_plain_text_for_chat_groups(zc, demo):
    result = zc("report", *REPORTS["briefing"], "-f", "txt", root=demo)
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith(
        "【测试工作简报】\n第3期\n淄川区发展和改革局　2023年7月31日\n\n重点工作任务推进情况\n"
    )
    assert "\n一、总体情况\n　　截至2023年7月31日" in text
    for markup in ("#", "|", "**", "---", "***", ">", "\\"):
        assert markup not in text
    assert not re.search(r"印发$", text, re.MULTILINE)  # no imprint
    assert text.endswith(
        "\n附件（见正式印发的文件，未随本文发送）：1．任务进度统计；2．滞后及未报送任务清单\n"
    )  # where the attachments are


NASTY = '<b>粗体</b> & "引号" \x07铃 =1+2 | 管道'


def test_hostile_user_text_breaks_no_format(zc, demo, tmp_path):
    zc(
        "progress", "add", "3", "--by", "区发改局", "--date", "2023-07-28", "--note", NASTY,
        "--next", '=HYPERLINK("http://x")', root=demo,
    )  # fmt: skip
    outputs = {}
    for fmt in FORMATS:
        out = tmp_path / f"l.{fmt}"
        result = zc("report", *REPORTS["ledger"], "-f", fmt, "-o", str(out), root=demo)
        assert result.exit_code == 0, (fmt, result.stderr)
        outputs[fmt] = out
    html = outputs["html"].read_text("utf-8")
    assert "<b>粗体</b>" not in html and "&lt;b&gt;粗体&lt;/b&gt;" in html
    assert "\x07" not in html and "=HYPERLINK(“http://x”)" in html  # text, not a link
    assert "href=" not in html and "src=" not in html
    cells = [c.text for row in Document(str(outputs["docx"])).tables[0].rows for c in row.cells]
    assert "<b>粗体</b> & “引号” 铃 =1+2 | 管道" in cells
    markdown = outputs["md"].read_text("utf-8")
    assert r"\<b>粗体\</b> \& “引号” 铃 =1+2 \| 管道" in markdown


def test_spreadsheet_formulas_are_neutralised(zc, demo, tmp_path):
    tasks = TASKS.replace("title: 节约用水", 'title: "=HYPERLINK(1)"')
    (demo / "data" / "tasks.yaml").write_text(tasks, "utf-8")
    out = tmp_path / "l.xlsx"
    zc("report", *REPORTS["ledger"], "-f", "xlsx", "-o", str(out), root=demo)
    sheet = load_workbook(out).active
    cells = [c for row in sheet.iter_rows() for c in row if str(c.value).startswith("=")]
    assert cells and all(c.data_type == "s" for c in cells)
    assert "<f>" not in zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml").decode("utf-8")
    csv_out = tmp_path / "l.csv"
    zc("report", *REPORTS["ledger"], "-f", "csv", "-o", str(csv_out), root=demo)
    assert csv_out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert ",'=HYPERLINK(1)," in csv_out.read_text("utf-8-sig")


def test_html_is_self_contained_coloured_and_prints_landscape_for_the_ledger(zc, demo, tmp_path):
    out = tmp_path / "r.html"
    zc("report", *REPORTS["ledger"], "-f", "html", "-o", str(out), root=demo)
    html = out.read_text("utf-8")
    assert html.count("<svg") == 2 and "各章任务进度" in html and "各牵头单位任务进度" in html
    for remote in ("<script", "<link", "src=", "url(", "@import"):
        assert remote not in html
    assert "@page { size: A4 landscape;" in html and "@media print" in html
    assert (
        '<td class="light light-2">滞后</td>' in html
        and "td.light-2 { background: #FFEB9C; }" in html
    )
    zc("report", *REPORTS["dept"], "-f", "html", "-o", str(out), root=demo)
    dept = out.read_text("utf-8")
    assert "@page { size: A4 portrait;" in dept and "<svg" not in dept
    assert '<div class="signature"><p>淄川区发展和改革局</p><p>2023年7月31日</p></div>' in dept


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ledger", "区住建局"], "错误：report ledger 不按单位出，不能指定单位“区住建局”"),
        (["briefing", "区住建局", "--week", "2023-W30"], "错误：report briefing 不按单位出"),
        (["ledger", "--dept", "区科技局"], "错误：report ledger 不按单位出"),
        (["briefing", "--week", "2023-W30", "--since", "2023-07-01"], "错误：--week 与 --since/--until 只能用一种"),
        (["briefing", "--since", "2023-07-01"], "错误：--since 和 --until 要一起给出"),
        (["ledger", "--week", "2023-W30"], "错误：--week 只用于简报（report briefing），report ledger 不用它"),
        (["dept", "区科技局", "--issue", "3"], "错误：--issue 只用于简报"),
        (["ledger", "--record"], "错误：--record 只用于催办单（report urge）和简报（report briefing）"),
        (["ledger", "-f", "txt"], "错误：txt 格式只用于简报"),
        (["briefing", "--week", "2023-W30", "--issue", "0"], "错误：--issue 期号应为正整数"),
        (["urge", "区科技局", "--dept", "区水利局"], "错误：单位给了两次"),
    ],
)  # fmt: skip
def test_an_option_a_kind_cannot_use_is_an_error(zc, demo, args, message):
    result = zc("report", *args, root=demo)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(message), result.stderr


def test_output_problems_are_clear(zc, demo, tmp_path):
    result = zc("report", "ledger", "-f", "docx", root=demo)
    assert (result.exit_code, result.stderr) == (
        2,
        "错误：docx 格式需要用 -o 指定输出文件\n提示：例如 -o 报告.docx\n",
    )
    result = zc("report", "ledger", "-o", str(tmp_path), root=demo)
    assert (
        result.stderr
        == f"错误：输出路径 {tmp_path} 是一个目录\n提示：请给出文件名，如 -o 简报.docx\n"
    )
    result = zc("report", "ledger", "-o", str(tmp_path / "missing" / "x.md"), root=demo)
    assert result.stderr == f"错误：输出目录 {tmp_path / 'missing'} 不存在\n"
    assert (
        zc("report", "dept", root=demo).stderr
        == "错误：dept 需要指定单位\n提示：例如 zctasks report dept 区发改局\n"
    )
    assert zc("report", "briefing", root=demo).stderr.startswith("错误：简报需要时间范围")
    assert zc("report", "briefing", "--week", "2023-W99", root=demo).exit_code == 2


def test_templates_from_the_ledger_override_and_are_sandboxed(zc, demo, tmp_path):
    folder = demo / "templates"
    folder.mkdir()
    (folder / "ledger.md.j2").write_text(
        "# 自定义台账\n\n共{{ rows | length }}行，截至{{ as_of }}。\n", "utf-8"
    )
    assert (
        zc("report", "ledger", "--as-of", "2023-07-31", root=demo).stdout
        == "# 自定义台账\n\n共3行，截至2023年7月31日。\n"
    )
    hostile = tmp_path / "evil.md.j2"
    hostile.write_text("{{ ''.__class__.__mro__[1].__subclasses__() }}", "utf-8")
    result = zc("report", "ledger", "--template", str(hostile), root=demo)
    assert result.exit_code == 1
    assert "渲染失败：access to attribute '__class__' of 'str' object is unsafe" in result.stderr
    strict = tmp_path / "typo.md.j2"
    strict.write_text("{{ as_off }}", "utf-8")
    result = zc("report", "ledger", "--template", str(strict), root=demo)
    assert result.exit_code == 1 and "'as_off' is undefined" in result.stderr
    (folder / "dept.md.j2").write_text("{% include '../../data/tasks.yaml' %}", "utf-8")
    result = zc("report", "dept", "区科技局", root=demo)
    assert (result.exit_code, result.stderr) == (
        1,
        "错误：找不到模板 ../../data/tasks.yaml\n提示：模板放在台账的 templates/ 目录中\n",
    )


def test_official_text_is_cleaned():
    from zctasks.documents.reports.wording import clean, percent, sentence

    assert sentence("完成招标。。") == "完成招标。"
    assert sentence("已开工；") == "已开工。"
    assert clean('推进"双碳"工作,建设"零碳"园区') == "推进“双碳”工作，建设“零碳”园区"
    assert clean("学习“关于“双碳”的意见”") == "学习“关于‘双碳’的意见”"
    assert clean("投资12,300.5万元 (含配套)") == "投资12,300.5万元（含配套）"
    assert percent(0.8474) == "84.7%" and percent(0.85) == "85.0%"


def test_week_numbers():
    from zctasks.documents.reports import iso_week

    assert iso_week("2023-W30") == (date(2023, 7, 24), date(2023, 7, 30))
    assert iso_week("2023-w01") == (date(2023, 1, 2), date(2023, 1, 8))


def test_document_bytes_are_valid_zip(zc, demo, tmp_path):
    out = tmp_path / "x.docx"
    zc("report", "dept", "科技局", "--as-of", "2023-07-31", "-f", "docx", "-o", str(out), root=demo)
    assert zipfile.ZipFile(io.BytesIO(out.read_bytes())).testzip() is None
