"""Charts drawn with matplotlib: PNG at print resolution in Word and Excel, SVG in HTML, and a
clear message instead of empty boxes where no Chinese font is found."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from zctasks.documents import plots

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def test_a_briefing_in_word_gets_a_page_of_charts_before_its_imprint(zc, reported, tmp_path):
    plain, charted = tmp_path / "plain.docx", tmp_path / "charts.docx"
    args = ["report", "briefing", "--week", "2023-W31", "-f", "docx"]
    assert zc(*args, "-o", str(plain), root=reported).exit_code == 0
    result = zc(*args, "-o", str(charted), "--charts", root=reported)
    assert result.exit_code == 0, result.stderr
    with zipfile.ZipFile(plain) as package:
        assert not [n for n in package.namelist() if n.startswith("word/media/")]
    with zipfile.ZipFile(charted) as package:
        media = sorted(n for n in package.namelist() if n.startswith("word/media/"))
        images = [package.read(n) for n in media]
    assert len(media) == 3
    from PIL import Image

    for data in images:
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "PNG"
            assert round(image.info["dpi"][0]) == 300
            assert image.width >= 1800  # 6.3 inches at 300 dpi
    from docx import Document

    paragraphs = [(p.style.name, p.text) for p in Document(str(charted)).paragraphs]
    label = paragraphs.index(("附件标识", "附图"))
    first_imprint = next(i for i, (style, _) in enumerate(paragraphs) if style == "版记")
    assert label < first_imprint
    captions = [text for style, text in paragraphs[label:first_imprint] if text and style == "居中"]
    assert captions == ["各章任务进度", "各牵头单位任务进度", "主要指标完成情况"]
    assert all(style == "版记" for style, _ in paragraphs[first_imprint:])


def test_the_ledger_in_excel_gets_a_sheet_of_charts(zc, reported, tmp_path):
    out = tmp_path / "台账.xlsx"
    result = zc(
        "report",
        "ledger",
        "--as-of",
        "2023-07-31",
        "-f",
        "xlsx",
        "-o",
        str(out),
        "--charts",
        root=reported,
    )
    assert result.exit_code == 0, result.stderr
    from openpyxl import load_workbook

    book = load_workbook(out)
    assert book.sheetnames[-1] == "图表"
    sheet = book["图表"]
    assert len(sheet._images) == 3
    assert sheet["A1"].value == "附图"


def test_html_charts_are_svg_with_text_and_the_same_every_time(zc, reported):
    args = ["report", "ledger", "--as-of", "2023-07-31", "-f", "html", "--charts"]
    first = zc(*args, root=reported).stdout
    assert first == zc(*args, root=reported).stdout
    assert first.count("<svg ") == 3
    assert 'aria-label="主要指标完成情况"' in first
    svg = first[first.index('aria-label="各章任务进度"') :]
    assert ">严重滞后<" in svg and ">未报送<" in svg  # legend text stays text, not glyph paths
    assert "Matplotlib" not in first and "<dc:date>" not in first


@pytest.mark.parametrize(
    ("kind", "fmt", "message"),
    [
        (
            "dept 区科技局",
            "docx",
            "错误：--charts 只用于简报和台账（briefing、ledger），report dept 不用它\n",
        ),
        (
            "ledger",
            "md",
            "错误：--charts 用于 docx、xlsx、html 格式，md 格式放不下图表\n提示：例如 -f docx -o 简报.docx --charts\n",
        ),
    ],
)
def test_charts_where_they_cannot_go_are_refused(zc, reported, tmp_path, kind, fmt, message):
    args = ["report", *kind.split(), "-f", fmt, "--charts"]
    if fmt == "docx":
        args += ["-o", str(tmp_path / "x.docx")]
    result = zc(*args, root=reported)
    assert (result.exit_code, result.stderr) == (2, message)
    assert not (tmp_path / "x.docx").exists()


@pytest.fixture
def fresh_font(monkeypatch):
    monkeypatch.setattr(plots, "_FONTS", {})


def test_a_missing_configured_font_is_named(zc, reported, tmp_path, monkeypatch, fresh_font):
    monkeypatch.setenv("ZCTASKS_CHART_FONT", "/no/such/font.ttf")
    out = tmp_path / "b.docx"
    result = zc(
        "report",
        "briefing",
        "--week",
        "2023-W31",
        "-f",
        "docx",
        "-o",
        str(out),
        "--charts",
        root=reported,
    )
    assert (result.exit_code, result.stderr) == (
        1,
        "错误：ZCTASKS_CHART_FONT 指定的字体文件 /no/such/font.ttf 不存在\n"
        "提示：ZCTASKS_CHART_FONT 应为字体文件路径（.ttf、.otf、.ttc）或已安装字体的名称，如 Noto Sans CJK SC\n",
    )
    assert not out.exists()


@pytest.mark.skipif(not DEJAVU.exists(), reason="needs fonts-dejavu-core")
def test_a_font_without_chinese_is_refused_rather_than_printing_boxes(
    zc, reported, monkeypatch, fresh_font
):
    monkeypatch.setenv("ZCTASKS_CHART_FONT", str(DEJAVU))
    result = zc("report", "ledger", "-f", "html", "--charts", root=reported)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"错误：ZCTASKS_CHART_FONT 指定的字体 {DEJAVU} 不含中文字形，图表会显示为方框\n"
    )


def test_no_chinese_font_on_the_machine_gives_a_message_not_tofu(
    zc, reported, monkeypatch, fresh_font
):
    monkeypatch.delenv("ZCTASKS_CHART_FONT", raising=False)
    monkeypatch.setattr(plots, "CJK_FAMILIES", ("No Such Family",))
    result = zc("report", "ledger", "-f", "html", "--charts", root=reported)
    assert (result.exit_code, result.stderr) == (
        1,
        "错误：本机没有能显示中文的字体，无法绘制图表（否则文字会显示为方框）\n"
        "提示：安装中文字体（Debian、Ubuntu：apt-get install fonts-noto-cjk），"
        "或用环境变量 ZCTASKS_CHART_FONT 指定字体文件，如 ZCTASKS_CHART_FONT=/path/to/simhei.ttf\n",
    )


def test_a_configured_family_name_is_used(monkeypatch, fresh_font):
    monkeypatch.setenv("ZCTASKS_CHART_FONT", "Noto Sans CJK SC")
    assert plots.cjk_font() == "Noto Sans CJK SC"
