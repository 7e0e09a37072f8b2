"""`zctasks report`: build a report's data, render it, and produce the requested format."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from zctasks.errors import UsageError, ZctasksError
from zctasks.ledger import Ledger
from zctasks.store import Progress

Kind = Literal["briefing", "ledger", "dept", "urge"]
Format = Literal["md", "docx", "xlsx", "html", "csv"]
BINARY_FORMATS = ("docx", "xlsx")
SHEET_TITLES = {"briefing": "简报", "ledger": "台账", "dept": "任务清单", "urge": "催办单"}


@dataclass(frozen=True)
class Request:
    kind: Kind
    fmt: Format
    as_of: date
    since: date | None = None
    until: date | None = None
    issue: int | None = None
    unit: str | None = None
    template: Path | None = None


def context_for(ledger: Ledger, progress: Progress, request: Request) -> dict[str, object]:
    from zctasks import reports

    if request.kind == "briefing":
        if request.since is None or request.until is None:
            raise UsageError("简报需要时间范围", "用 --week 2023-W30，或 --since 和 --until")
        if request.until < request.since:
            raise UsageError("--until 早于 --since")
        return reports.briefing(
            ledger, progress, request.since, request.until, request.as_of, request.issue
        )
    if request.kind == "ledger":
        return reports.status_ledger(ledger, progress, request.as_of)
    if request.kind == "dept":
        if request.unit is None:
            raise UsageError("dept 需要指定单位", "例如 zctasks report dept 区发改局")
        return reports.department(ledger, progress, request.unit, request.as_of)
    return reports.urge(ledger, progress, request.as_of, request.unit)


def produce(ledger: Ledger, progress: Progress, request: Request) -> bytes:
    """The finished document in the requested format (text formats as UTF-8), at most the
    one size limit."""
    from zctasks import limits

    content = _document(ledger, progress, request)
    if len(content) > limits.MAX_BYTES:
        raise ZctasksError(
            f"报告过大（{len(content)} 字节，上限 {limits.MAX_BYTES} 字节）",
            "台账文件、批量文件、模板和报告都不能超过 64 MiB；请检查模板",
        )
    return content


def _document(ledger: Ledger, progress: Progress, request: Request) -> bytes:
    from zctasks.rendering import html_document, render_template

    context = context_for(ledger, progress, request)
    markdown = render_template(ledger.root, f"{request.kind}.md.j2", context, request.template)
    if request.fmt == "md":
        return markdown.encode("utf-8")
    if request.fmt == "html":
        return html_document(ledger.root, markdown, context).encode("utf-8")
    if request.fmt == "csv":
        from zctasks.sheets import csv_text

        return csv_text(markdown).encode("utf-8")
    if request.fmt == "xlsx":
        from zctasks.sheets import xlsx_bytes

        return xlsx_bytes(markdown, SHEET_TITLES[request.kind])
    from zctasks.docx_writer import docx_bytes

    return docx_bytes(markdown, landscape=request.kind == "ledger")


_NOT_REGULAR = {
    stat.S_IFIFO: "命名管道",
    stat.S_IFCHR: "字符设备",
    stat.S_IFBLK: "块设备",
    stat.S_IFSOCK: "套接字",
}


def write_output(path: Path, content: bytes) -> None:
    """Write a report atomically where ``-o`` says, if that is a place for a report.

    An earlier report (a regular, writable file) is replaced; a folder, a missing folder,
    anything inside a ledger's ``data/`` or a ``.git`` folder (through symlinked folders
    too), a symlink, a pipe or device, and a read-only file are refused with a message.
    """
    from zctasks.writer import atomic_write

    if path.is_dir():
        raise UsageError(f"输出路径 {path} 是一个目录", "请给出文件名，如 -o 简报.docx")
    if not path.parent.is_dir():
        raise UsageError(f"输出目录 {path.parent} 不存在")
    target = path.parent.resolve() / path.name
    if _inside_ledger_data_or_git(target):
        raise UsageError(
            f"输出路径 {path} 在台账数据或 git 目录中",
            "报告不能写进任何台账的 data/ 或 git 的 .git 目录；请写到别处，如 -o 简报.docx",
        )
    _refuse_unless_replaceable(path)
    try:
        atomic_write(target, content)
    except OSError as exc:
        raise ZctasksError(f"无法写入 {path}：{exc.strerror or exc}") from None


def _inside_ledger_data_or_git(target: Path) -> bool:
    """Whether ``target`` (its folder resolved) is or lies in a ``.git`` folder, or in the
    ``data/`` folder of any ledger — this one or another; names compared without case, as a
    case-insensitive file system would."""
    for folder in (target, *target.parents):
        name = folder.name.casefold()
        if name == ".git":
            return True
        if name == "data" and any(
            (folder / child).exists() for child in ("tasks.yaml", "departments.yaml")
        ):
            return True
    return False


def _refuse_unless_replaceable(path: Path) -> None:
    try:
        info = path.lstat()
    except FileNotFoundError:
        return
    if stat.S_ISLNK(info.st_mode):
        raise UsageError(f"输出路径 {path} 是符号链接，不会替换", "请给出普通文件的路径")
    if not stat.S_ISREG(info.st_mode):
        kind = _NOT_REGULAR.get(stat.S_IFMT(info.st_mode), "特殊文件")
        raise UsageError(
            f"输出路径 {path} 不是普通文件（{kind}）",
            "-o 只写普通文件；要输出到屏幕或管道，不加 -o",
        )
    if not info.st_mode & 0o222 or not os.access(path, os.W_OK):
        raise UsageError(f"输出文件 {path} 是只读的，不会替换", "换一个文件名，或先把它改为可写")
