"""The Word documents as an office prints them: rendered once through LibreOffice from the
demo ledger, read page by page with pdftotext. CI installs LibreOffice and poppler; where
they are missing these tests are skipped."""

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

AS_OF = ["--as-of", "2023-10-31"]
DOCUMENTS = {
    "briefing": ["briefing", "--week", "2023-W43"],
    "ledger": ["ledger", *AS_OF],
    "urge": ["urge", *AS_OF],
    "dept": ["dept", "区住建局", *AS_OF],
}
HEADING = re.compile(r"^[一二三四五六七八九十]+、")


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
    markdown = runner.invoke(app, ["--root", str(root), "report", "urge", *AS_OF]).stdout
    (out / "urge.md").write_text(markdown, "utf-8")
    grid = out / "grid.docx"
    grid.write_bytes(docx_bytes("正文" * 400 + "\n"))  # 800 characters of body text
    sources.append(grid)
    profile = (base / "profile").as_uri()
    subprocess.run(
        ["libreoffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(out), *map(str, sources)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    pages = {path.stem: _pages(out / f"{path.stem}.pdf") for path in sources}
    pages["urge.md"] = [[markdown]]
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
    assert main[:3] == ["绿色低碳高质量发展工作简报", "第 17 期", "区发改局 2023 年 10 月 29 日"]
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
    pages = rendered["urge"]
    markdown = rendered["urge.md"][0][0]
    units = re.findall(r"^(\S+)：$", markdown, flags=re.MULTILINE)
    assert len(units) >= 8 and len(pages) == len(units)
    for page, unit in zip(pages, units, strict=True):
        assert page[0] == "重点工作任务催办单" and f"{unit}：" in page
        assert sum("签收回执" in line for line in page) == 1


def test_the_unit_notice_ends_with_its_signature_and_imprint(rendered):
    pages = rendered["dept"]
    assert len(pages) <= 3
    assert pages[0][:2] == ["关于区住建局承担", "重点工作任务推进情况的通知"]
    last = pages[-1]
    assert last[-3:-1] == ["区发改局", "2023 年 10 月 31 日"]
    assert re.fullmatch(r"区发改局\s+2023 年 10 月 31 日印发", last[-1])
