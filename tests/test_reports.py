"""Reports in every format: Markdown exactly (golden files), DOCX and XLSX structurally."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import load_workbook

from conftest import TASKS

GOLDEN = Path(__file__).parent / "golden"
CONFIG = """\
reports: {publication: 测试工作简报, issuer: 区发改局, supervisor: 区政府督查室}
reporting: {first_due: 2023-07-03}
"""
REPORTS = {
    "briefing": ["briefing", "--since", "2023-07-17", "--until", "2023-07-31", "--issue", "3"],
    "ledger": ["ledger", "--as-of", "2023-07-31"],
    "dept": ["dept", "区科技局", "--as-of", "2023-07-31"],
    "urge": ["urge", "--as-of", "2023-07-31"],
}


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
@pytest.mark.parametrize("fmt", ["md", "docx", "xlsx", "html", "csv"])
def test_every_kind_renders_in_every_format(zc, demo, tmp_path, kind, fmt):
    out = tmp_path / f"{kind}.{fmt}"
    result = zc("report", *REPORTS[kind], "--format", fmt, "-o", str(out), root=demo)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"已生成 {out}\n"
    assert out.stat().st_size > 0


@pytest.mark.parametrize("kind", sorted(REPORTS))
def test_the_bundled_ledger_renders_with_everything_unreported(zc, tmp_path, kind):
    args = ["dept", "区发改局"] if kind == "dept" else [kind]
    if kind == "briefing":
        args += ["--week", "2023-W30"]
    for fmt in ("md", "docx", "xlsx", "html", "csv"):
        result = zc("report", *args, "--format", fmt, "-o", str(tmp_path / f"out.{fmt}"))
        assert result.exit_code == 0, (fmt, result.stderr)
    text = (tmp_path / "out.md").read_text("utf-8")
    assert "Traceback" not in text
    if kind == "briefing":
        assert "未报送66项" in text


def _docx(zc, root, tmp_path, kind="briefing") -> Document:
    out = tmp_path / "out.docx"
    assert zc("report", *REPORTS[kind], "-f", "docx", "-o", str(out), root=root).exit_code == 0
    return Document(str(out))


def _east_asian(style) -> str:
    return style.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


def test_docx_official_layout(zc, demo, tmp_path):
    document = _docx(zc, demo, tmp_path)
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [
        round(m.mm)
        for m in (
            section.top_margin,
            section.bottom_margin,
            section.left_margin,
            section.right_margin,
        )
    ] == [37, 35, 28, 26]
    styles = document.styles
    assert _east_asian(styles["Normal"]) == "仿宋" and styles["Normal"].font.size == Pt(16)
    assert styles["Normal"].paragraph_format.line_spacing == Pt(29)
    assert styles["Normal"].paragraph_format.first_line_indent == Pt(32)
    assert _east_asian(styles["公文标题"]) == "方正小标宋简体" and styles[
        "公文标题"
    ].font.size == Pt(22)
    assert _east_asian(styles["一级标题"]) == "黑体"
    assert _east_asian(styles["二级标题"]) == "楷体"
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    assert paragraphs[0] == ("公文报头", "测试工作简报")
    assert ("公文居中", "第3期") in paragraphs
    assert ("公文标题", "重点工作任务推进情况") in paragraphs
    assert ("一级标题", "一、总体进展") in paragraphs
    assert ("二级标题", "（一）科技创新") in paragraphs
    assert document.paragraphs[0].runs[0].font.color.rgb is not None  # the red masthead


def test_docx_page_numbers_and_font_fallback(zc, demo, tmp_path):
    document = _docx(zc, demo, tmp_path)
    section = document.sections[0]
    assert document.settings.odd_and_even_pages_header_footer
    for footer in (section.footer, section.even_page_footer):
        xml = footer.paragraphs[0]._p.xml
        assert "PAGE" in xml and footer.paragraphs[0].text == "— 1 —"
    archive = zipfile.ZipFile(tmp_path / "out.docx")
    fonts = archive.read("word/fontTable.xml").decode("utf-8")
    assert '<w:font w:name="方正小标宋简体"><w:altName w:val="宋体"/>' in fonts


def test_docx_tables_repeat_their_header(zc, demo, tmp_path):
    document = _docx(zc, demo, tmp_path, "ledger")
    assert document.sections[0].page_width > document.sections[0].page_height  # landscape 台账
    (table,) = document.tables
    assert [c.text for c in table.rows[0].cells][:3] == ["序号", "任务", "牵头/负责"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert [c.text for c in table.rows[1].cells][:6] == [
        "1",
        "建设创新平台",
        "区科技局",
        "区发改局等",
        "1.1 新增市级以上创新平台",
        "≥10家",
    ]


def test_docx_urge_one_matter_a_page(zc, demo, tmp_path):
    document = _docx(zc, demo, tmp_path, "urge")
    assert len(document.tables) == 1  # only task 2 is red or grey at 2023-07-31
    rows = {r.cells[0].text: r.cells[1].text for r in document.tables[0].rows}
    assert (
        rows["承办单位"] == "区水利局"
        and rows["颜色等级"] == "黄色"
        and rows["督办单位"] == "区政府督查室"
    )


def test_xlsx_ledger(zc, demo, tmp_path):
    out = tmp_path / "ledger.xlsx"
    zc("report", *REPORTS["ledger"], "-f", "xlsx", "-o", str(out), root=demo)
    workbook = load_workbook(out)
    sheet = workbook.active
    assert sheet.title == "台账"
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    assert header == [
        "序号",
        "任务",
        "牵头/负责",
        "配合",
        "指标",
        "目标",
        "最新值",
        "完成率",
        "序时进度",
        "进度",
        "最近报送",
    ]
    assert sheet["A1"].font.bold
    row = [c.value for c in sheet[2]]
    assert (
        row[0] == 1
        and row[6] == 4
        and row[7] == pytest.approx(0.4)
        and row[8] == pytest.approx(0.581)
    )
    assert sheet["H2"].number_format == "0.0%"
    assert sheet["J2"].value == "滞后" and sheet["J2"].fill.fgColor.rgb == "00FFEB9C"
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width


NASTY = '<b>粗体</b> & "引号" \x07铃 =1+2 | 管道'


def test_hostile_user_text_breaks_no_format(zc, demo, tmp_path):
    zc(
        "progress",
        "add",
        "3",
        "--by",
        "区发改局",
        "--date",
        "2023-07-28",
        "--note",
        NASTY,
        "--next",
        '=HYPERLINK("http://x")',
        root=demo,
    )
    outputs = {}
    for fmt in ("md", "docx", "xlsx", "html", "csv"):
        out = tmp_path / f"b.{fmt}"
        result = zc("report", *REPORTS["briefing"], "-f", fmt, "-o", str(out), root=demo)
        assert result.exit_code == 0, (fmt, result.stderr)
        outputs[fmt] = out
    html = outputs["html"].read_text("utf-8")
    assert "<b>粗体</b>" not in html and "&lt;b&gt;粗体&lt;/b&gt;" in html
    assert "\x07" not in html and "=HYPERLINK(&quot;http://x&quot;)" in html  # text, not a link
    assert "href=" not in html and "src=" not in html
    text = "\n".join(p.text for p in Document(str(outputs["docx"])).paragraphs)
    assert '<b>粗体</b> & "引号" 铃 =1+2 | 管道' in text
    markdown = outputs["md"].read_text("utf-8")
    assert r"\<b>粗体\</b> \& \"引号\"".replace('\\"', '"') in markdown


def test_spreadsheet_formulas_are_neutralised(zc, demo, tmp_path):
    zc(
        "progress",
        "add",
        "3",
        "--by",
        "区发改局",
        "--date",
        "2023-07-30",
        "--note",
        "=1+2",
        root=demo,
    )
    zc(
        "progress",
        "add",
        "2",
        "--by",
        "区水利局",
        "--date",
        "2023-07-30",
        "--note",
        "@SUM(A1)",
        "--value",
        "2.1=3100",
        root=demo,
    )
    out = tmp_path / "b.xlsx"
    zc(
        "report",
        "briefing",
        "--since",
        "2023-07-01",
        "--until",
        "2023-07-31",
        "-f",
        "xlsx",
        "-o",
        str(out),
        root=demo,
    )
    csv_out = tmp_path / "b.csv"
    zc(
        "report",
        "briefing",
        "--since",
        "2023-07-01",
        "--until",
        "2023-07-31",
        "-f",
        "csv",
        "-o",
        str(csv_out),
        root=demo,
    )
    assert csv_out.read_bytes().startswith(b"\xef\xbb\xbf")
    # The attachment table carries the reasons; put a hostile title into a table to be sure.
    tasks = TASKS.replace("title: 节约用水", 'title: "=HYPERLINK(1)"')
    (demo / "data" / "tasks.yaml").write_text(tasks, "utf-8")
    zc("report", "ledger", "--as-of", "2023-07-31", "-f", "xlsx", "-o", str(out), root=demo)
    sheet = load_workbook(out).active
    cells = [
        c
        for row in sheet.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith("=")
    ]
    assert cells and all(c.data_type == "s" for c in cells)
    raw = zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in raw
    zc("report", "ledger", "--as-of", "2023-07-31", "-f", "csv", "-o", str(csv_out), root=demo)
    assert ",'=HYPERLINK(1)," in csv_out.read_text("utf-8-sig")


def test_html_is_self_contained_with_charts(zc, demo, tmp_path):
    out = tmp_path / "r.html"
    zc("report", *REPORTS["ledger"], "-f", "html", "-o", str(out), root=demo)
    html = out.read_text("utf-8")
    assert html.count("<svg") == 2 and "各章任务进度" in html and "各牵头单位任务进度" in html
    for remote in ("<script", "<link", "src=", "url(", "@import"):
        assert remote not in html
    assert "@media print" in html and "<table>" in html


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
        == "# 自定义台账\n\n共4行，截至2023年7月31日。\n"
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


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_docx(zc, demo, tmp_path):
    _docx(zc, demo, tmp_path)
    subprocess.run(
        [
            "libreoffice",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "out.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF")


def test_week_numbers():
    from datetime import date

    from zctasks.reports import iso_week

    assert iso_week("2023-W30") == (date(2023, 7, 24), date(2023, 7, 30))
    assert iso_week("2023-w01") == (date(2023, 1, 2), date(2023, 1, 8))


def test_document_bytes_are_valid_zip(zc, demo, tmp_path):
    out = tmp_path / "x.docx"
    zc("report", "dept", "科技局", "--as-of", "2023-07-31", "-f", "docx", "-o", str(out), root=demo)
    assert zipfile.ZipFile(io.BytesIO(out.read_bytes())).testzip() is None


@pytest.fixture(scope="module")
def demo_ledger(tmp_path_factory):
    from typer.testing import CliRunner

    from zctasks.cli import app

    root = tmp_path_factory.mktemp("demo") / "ledger"
    assert CliRunner().invoke(app, ["init", str(root), "--demo"]).exit_code == 0
    return root


@pytest.mark.parametrize("kind", ["briefing", "ledger", "dept", "urge"])
def test_every_kind_and_format_from_the_demo_ledger(zc, demo_ledger, tmp_path, kind):
    args = {"briefing": ["briefing", "--week", "2023-W44"], "dept": ["dept", "区住建局"]}.get(
        kind, [kind]
    )
    for fmt in ("md", "docx", "xlsx", "html", "csv"):
        out = tmp_path / f"{kind}.{fmt}"
        result = zc(
            "report", *args, "--as-of", "2023-10-31", "-f", fmt, "-o", str(out), root=demo_ledger
        )
        assert result.exit_code == 0, (fmt, result.stderr)
    expected = {
        "briefing": "【示例数据】",
        "ledger": "| 2023-10-31 |",
        "dept": "淄川区住房和城乡建设局：",
        "urge": "| 颜色等级 | 红色 |",
    }
    assert expected[kind] in (tmp_path / f"{kind}.md").read_text("utf-8")
