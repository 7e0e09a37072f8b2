"""The Word documents as an office prints them: rendered once through LibreOffice from the
demo ledger, read page by page with pdftotext (words with their boxes where a position is
promised). The PDF keeps the blank pages Word and LibreOffice insert before an even page,
as a printer does. CI installs LibreOffice and poppler; where they are missing these tests
are skipped."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zctasks.cli import app

pytestmark = pytest.mark.skipif(
    shutil.which("libreoffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice or poppler-utils is not installed",
)

AS_OF = ["--as-of", "2023-10-31", "--date", "2023-10-31"]
DOCUMENTS = {
    "briefing": ["briefing", "--week", "2023-W43", "--date", "2023-10-30"],
    "ledger": ["ledger", *AS_OF],
    "urge": ["urge", *AS_OF],
    "dept": ["dept", "区住建局", *AS_OF],
}
HEADING = re.compile(r"^[一二三四五六七八九十]+、")
PDF = 'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'
"""PDF with the blank pages inserted before a section that starts on an even page."""
POINT = 72 / 25.4
LEFT, RIGHT = 28 * POINT, (210 - 26) * POINT
"""The type area's edges on an A4 page, in points."""


def _pages(pdf: Path) -> list[list[str]]:
    """Each page's text lines, without the page number line and blank lines."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = []
    for page in text.split("\f")[:-1]:
        lines = [" ".join(line.split()) for line in page.split("\n") if line.strip()]
        pages.append([line for line in lines if not re.fullmatch(r"—\s*\d+\s*—", line)])
    return pages


def _boxes(pdf: Path) -> list[dict[str, object]]:
    """Each page's size and lines, each line with its text and box, from pdftotext."""
    import html

    text = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = []
    for page in re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', text, re.S):
        lines = []
        for box, words in re.findall(r"<line ([^>]*)>(.*?)</line>", page[2], re.S):
            edges = dict(re.findall(r'(\w+)="([\d.]+)"', box))
            joined = "".join(html.unescape(w) for w in re.findall(r">([^<]*)</word>", words))
            lines.append({"text": joined, **{k: float(v) for k, v in edges.items()}})
        pages.append({"width": float(page[0]), "height": float(page[1]), "lines": lines})
    return pages


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, list[list[str]]]:
    """Every kind from the demo ledger, and a page of plain text, through LibreOffice at once."""
    from zctasks.documents.docx_writer import docx_bytes

    base = tmp_path_factory.mktemp("pages")
    root = base / "ledger"
    runner = CliRunner()
    assert runner.invoke(app, ["init", str(root), "--demo"]).exit_code == 0
    out = base / "out"
    out.mkdir()
    sources = []
    for name, args in DOCUMENTS.items():
        path = out / f"{name}.docx"
        result = runner.invoke(
            app, ["--root", str(root), "report", *args, "-f", "docx", "-o", str(path)]
        )
        assert result.exit_code == 0, result.output
        sources.append(path)
    silent = base / "silent"  # a ledger where nobody has reported: 64 tasks unreported
    assert runner.invoke(app, ["init", str(silent)]).exit_code == 0
    path = out / "silent.docx"
    args = ["briefing", "--week", "2023-W35"] + (
        ["--date", "2023-09-04"] if "--date" in AS_OF else []
    )
    result = runner.invoke(
        app, ["--root", str(silent), "report", *args, "-f", "docx", "-o", str(path)]
    )
    assert result.exit_code == 0, result.output
    sources.append(path)
    markdown = runner.invoke(app, ["--root", str(root), "report", "urge", *AS_OF]).stdout
    (out / "urge.md").write_text(markdown, "utf-8")
    grid = out / "grid.docx"
    grid.write_bytes(docx_bytes("正文" * 400 + "\n"))  # 800 characters of body text
    sources.append(grid)
    profile = (base / "profile").as_uri()
    subprocess.run(
        ["libreoffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", PDF,
         "--outdir", str(out), *map(str, sources)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    pages = {path.stem: _pages(out / f"{path.stem}.pdf") for path in sources}
    for name in ("briefing", "silent", "dept"):  # a blank page may stand before the 版记's
        blank = [i for i, page in enumerate(pages[name]) if not page]
        assert blank in ([], [len(pages[name]) - 2]), (name, blank)
        pages[name] = [page for page in pages[name] if page]
    pages["urge.md"] = [[markdown]]
    for path in sources:
        pages[f"{path.stem}.boxes"] = _boxes(out / f"{path.stem}.pdf")  # type: ignore[assignment]
    return pages


def test_a_page_holds_22_lines_of_28_characters(rendered):
    first, second = rendered["grid"][:2]
    assert len(first) == 22
    assert [len(line) for line in first] == [26] + [28] * 21  # the first line is indented
    assert len(second[0]) == 28


def test_the_briefing_main_text_is_at_most_three_pages(rendered):
    pages = rendered["briefing"]
    attachments = [i for i, page in enumerate(pages) if page[0].startswith("附件")]
    assert attachments and 1 <= attachments[0] <= 3
    main = [line for page in pages[: attachments[0]] for line in page]
    assert main[:3] == [
        "绿色低碳高质量发展工作简报",
        "第1期",
        "淄川区发展和改革局 2023 年 10 月 30 日",
    ]
    assert "一、总体情况" in main and "四、下步工作要求" in main
    assert [page[0] for page in pages[attachments[0] :]][:2] == ["附件 1", "附件 2"]
    assert pages[-1][-1].endswith("印发")


def test_no_heading_is_left_at_the_foot_of_a_page(rendered):
    for name in ("briefing", "dept"):
        for page in rendered[name][:-1]:
            assert not HEADING.match(page[-1]), (name, page[-1])


def test_the_ledger_fits_twenty_landscape_pages(rendered):
    pages = rendered["ledger"]
    assert len(pages) <= 20
    assert all(any(line.startswith("序号") for line in page) for page in pages)  # header rows
    text = "\n".join(line for page in pages for line in page)
    assert "严重滞后" in text and "存在问题" in text and "下步打算" in text


def test_every_urged_unit_gets_one_page_styled_alike(rendered):
    """A slip is one page — its signature, date and receipt with its body — and a list too
    long for it follows on an attached page."""
    pages = rendered["urge"]
    markdown = rendered["urge.md"][0][0]
    units = re.findall(r"^(\S+)：$", markdown, flags=re.MULTILINE)
    slips = [page for page in pages if page[0] == "重点工作任务催办单"]
    assert len(units) >= 8 and len(slips) == len(units)
    for page, unit in zip(slips, units, strict=True):
        assert f"{unit}：" in page and f"承办单位：{unit}" in page
        assert sum("签收回执" in line for line in page) == 1
        assert "淄川区发展和改革局" in page and "2023 年 10 月 31 日" in page
    attached = [page for page in pages if page[0] == "附件"]
    assert attached and all(page[1] == "催办事项清单" for page in attached)
    assert len(pages) == len(slips) + len(attached)


def test_the_unit_notice_ends_with_its_signature_and_imprint(rendered):
    pages = rendered["dept"]
    assert len(pages) <= 3  # two of text, the 版记's (and a blank one before it, not here)
    assert pages[0][:2] == ["关于区住建局承担", "重点工作任务推进情况的通知"]
    signed = [line for page in pages for line in page]
    at = signed.index("淄川区发展和改革局")
    assert signed[at + 1] == "2023 年 10 月 31 日"
    assert re.fullmatch(r"淄川区发展和改革局\s+2023 年 10 月 31 日印发", pages[-1][-1])


@pytest.mark.parametrize("name", ["briefing", "dept"])
def test_the_imprint_is_at_the_foot_of_an_even_last_page(rendered, name):
    """GB/T 9704 7.4: the 版记 on the last page, an even one, at its foot; 印发机关 and
    印发日期 a character in from the type area's edges."""
    pages = rendered[f"{name}.boxes"]
    assert len(pages) % 2 == 0
    last = pages[-1]
    assert all(line["yMin"] > 0.75 * last["height"] for line in last["lines"])
    bottom = max(line["yMin"] for line in last["lines"])
    imprint = sorted(
        (line for line in last["lines"] if abs(line["yMin"] - bottom) < 2),
        key=lambda box: box["xMin"],
    )
    assert "".join(line["text"] for line in imprint).endswith("印发")
    assert imprint[0]["xMin"] == pytest.approx(LEFT + 14, abs=2)  # 左空一字 (14 pt)
    assert imprint[-1]["xMax"] == pytest.approx(RIGHT - 14, abs=2)  # 右空一字


def test_no_page_or_line_is_only_digits(rendered):
    """Long lists of task numbers never reach the main text: no page of numbers, no line of
    digits that a justified line left behind."""
    for name in ("briefing", "silent", "dept", "urge", "ledger"):
        for page in rendered[name]:
            assert not all(re.fullmatch(r"[\d、，\s]*", line) for line in page), (name, page)
    for name in ("briefing", "silent"):
        pages = rendered[name]
        main = pages[: next(i for i, p in enumerate(pages) if p[0].startswith("附件"))]
        for line in (line for page in main for line in page):
            assert not re.fullmatch(r"[\d、，（）第项\s]+", line), (name, line)


def test_the_signature_is_placed_per_gbt9704(rendered):
    """7.3.5.2: the office two characters from the right edge; the date under it starting
    two characters right of the office's first character (a body character is 15.75 pt)."""
    lines = [line for page in rendered["dept.boxes"] for line in page["lines"]]
    office = next(line for line in lines if line["text"] == "淄川区发展和改革局")
    day = lines[lines.index(office) + 1]
    assert day["text"] == "2023年10月31日"
    assert office["xMax"] == pytest.approx(RIGHT - 2 * 15.75, abs=2)
    assert day["xMin"] == pytest.approx(office["xMin"] + 2 * 15.75, abs=2)
