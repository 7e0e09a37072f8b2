"""Hostile workbooks get a message naming the file, never a traceback, and are read in
memory bounded by the cells that exist: NaN cells, XML entities, cells far to the right,
damage that shows only while the rows are read."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

HEADER = ["任务序号", "单位", "日期", "进展情况", "7.1"]


def _workbook(path: Path, patch=None, rows=None) -> Path:
    """A department's sheet with one report, its worksheet XML changed by ``patch``."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows or [[7, "区工信局", "2023-07-10", "甲", 12.5]]:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    with (
        zipfile.ZipFile(buffer) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            if patch is not None and item.filename == "xl/worksheets/sheet1.xml":
                data = patch(data)
            target.writestr(item.filename, data)
    return path


def _import(zc, root, path):
    return zc("progress", "import", str(path), root=root)


@pytest.fixture
def ledger(zc, tmp_path):
    root = tmp_path / "台账"
    assert zc("init", str(root)).exit_code == 0
    return root


@pytest.mark.parametrize("value", [b"NaN", b"nan", b"inf", b"-Infinity", b"1E400"])
def test_a_cell_that_is_not_a_number_is_named(zc, ledger, tmp_path, value):
    path = _workbook(
        tmp_path / "单位.xlsx", lambda xml: xml.replace(b"<v>12.5</v>", b"<v>" + value + b"</v>")
    )
    result = _import(zc, ledger, path)
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert f"{path}:" in result.stderr
    assert not (ledger / "data/progress/2023-07.yaml").exists()


def test_an_xml_entity_in_a_workbook_is_refused(zc, ledger, tmp_path):
    secret = tmp_path / "机密.txt"
    secret.write_text("不该被读到的内容", "utf-8")

    def entity(xml: bytes) -> bytes:
        doctype = f'<!DOCTYPE worksheet [<!ENTITY e SYSTEM "file://{secret}">]>'.encode()
        return doctype + xml.replace(b"<v>12.5</v>", b"<v>&e;</v>")

    result = _import(zc, ledger, _workbook(tmp_path / "单位.xlsx", entity))
    assert result.exit_code == 1
    assert "不该被读到的内容" not in result.stdout + result.stderr
    assert "工作簿含有 XML 实体或文档类型声明（DTD），为安全起见未读取" in result.stderr
    assert "Traceback" not in result.stderr


def test_damage_found_while_the_rows_are_read_is_named(zc, ledger, tmp_path):
    def damaged(xml: bytes) -> bytes:
        return xml.replace(b"<v>12.5</v>", b'<v>12.5</v></c><c r="F2" t="s"><v>99</v>')

    result = _import(zc, ledger, _workbook(tmp_path / "单位.xlsx", damaged))
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert (
        "单位.xlsx:2:1: error[unreadable]: 读取工作表“Sheet”第 2 行时出错："
        "文件内部引用了不存在的条目（如共享字符串或样式编号越界），文件已损坏\n"
    ) in result.stderr


def _far_right(cell: str) -> object:
    """6,000 more rows, each with one cell in the last column a sheet may have (XFD)."""

    def patch(xml: bytes) -> bytes:
        rows = b"".join(
            f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>x</t></is></c>{cell}</row>'.replace(
                "{n}", str(n)
            ).encode()
            for n in range(3, 6003)
        )
        return xml.replace(b"</sheetData>", rows + b"</sheetData>")

    return patch


PROBE = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1024 * 1024 * 1024, resource.RLIM_INFINITY))
from pathlib import Path
from zctasks.intake.tables import read_xlsx
path = Path(sys.argv[1])
tables, problems = read_xlsx(path, path.read_bytes())
print(max((len(cells) for table in tables for _, cells in table.rows), default=0))
print(problems[0].render().splitlines()[0] if problems else "")
"""


def _probe(path: Path) -> list[str]:
    """Read a workbook in a process that may not grow beyond 1 GiB."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(path)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.splitlines()


def test_a_workbook_is_read_in_memory_bounded_by_its_cells(tmp_path):
    """A 200 KB workbook whose rows reach the last column (XFD) with empty styled cells is
    read in the memory its cells take, not 6,000 × 16,384 cells; a value out there is named."""
    styled = _workbook(tmp_path / "宽表.xlsx", _far_right('<c r="XFD{n}" s="0"/>'))
    assert styled.stat().st_size < 250_000
    assert _probe(styled) == ["5", ""]
    valued = _workbook(
        tmp_path / "更宽.xlsx", _far_right('<c r="XFD{n}" t="inlineStr"><is><t>y</t></is></c>')
    )
    assert _probe(valued) == [
        "0",
        f"{valued}:Sheet!XFD3: error[too-wide]: 第 3 行在第 XFD 列有内容：报送表最多读到第 256 列（IV）",
    ]
