"""`zctasks report`: build a report's data, render it, and produce the requested format."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from zctasks.files.errors import UsageError, ZctasksError
from zctasks.log.store import Progress
from zctasks.plan.ledger import Ledger

Kind = Literal["briefing", "ledger", "dept", "urge", "register"]
Format = Literal["md", "docx", "xlsx", "html", "csv", "txt"]
BINARY_FORMATS = ("docx", "xlsx")
SHEET_TITLES = {
    "briefing": "简报",
    "ledger": "台账",
    "dept": "任务清单",
    "urge": "催办单",
    "register": "催办登记",
}
LANDSCAPE = ("ledger", "register")


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
    record: bool = False
    """urge: record the slips in the register (issue them); without it, a preview."""


def context_for(ledger: Ledger, progress: Progress, request: Request) -> dict[str, Any]:
    from zctasks.documents import reports

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
    from zctasks.log import urges

    register = urges.load_register(ledger, ledger.root)
    if request.kind == "register":
        return reports.register(ledger, progress, register, request.as_of, request.unit)
    drafts = reports.drafts(ledger, progress, request.as_of, request.unit)
    slips = [urges.issued_on(register, d.unit, d.issued) or d for d in drafts]
    context = reports.urge(ledger, progress, request.as_of, slips, register, request.unit)
    if request.record:
        context["notice"] = _issued_notice(slips, register)
    elif any(not s.number for s in slips):
        context["notice"] = "预览：催办单尚未编号、登记；确认后加 --record 签发"
    return context


def _issued_notice(slips: list[Any], before: list[Any]) -> str:
    earlier = {(s.issued.year, s.number, s.moment) for s in before}
    new = [s.code for s in slips if s.number and (s.issued.year, s.number, s.moment) not in earlier]
    kept = len(slips) - len(new)
    return (
        f"已签发催办单{len(new)}张"
        + (f"（{new[0]}）" if len(new) == 1 else f"（{new[0]}至{new[-1]}）" if new else "")
        + (f"；{kept}张当日已签发，沿用原编号" if kept else "")
        + "，登记在 data/urges/"
    )


class Output:
    """Where a document goes: the file ``-o`` names, or standard output."""

    def __init__(self, path: Path | None, stream: Any = None) -> None:
        self.path = path
        self.stream = stream
        self.created = False

    def check(self) -> None:
        """Refuse a place that is no place for a report before anything is made."""
        if self.path is not None:
            _refuse_place(self.path)

    def write(self, content: bytes) -> None:
        if self.path is None:
            self.stream.write(content.decode("utf-8"))
            self.stream.flush()
            return
        existed = self.path.exists()
        write_output(self.path, content)
        self.created = self.created or not existed

    def retract(self) -> str:
        """Take back a document whose slips could not be recorded, as far as that can be
        done; says what became of it."""
        if self.path is None:
            return "已输出的催办单编号无效，不要发出"
        if self.created:
            self.path.unlink(missing_ok=True)
            return f"已删去刚生成的 {self.path}（其中的编号无效，不要发出）"
        return f"{self.path} 中的编号无效，不要发出"


def produce(ledger: Ledger, progress: Progress, request: Request, output: Output) -> str:
    """Make the document in the requested format (at most the one size limit) and write it
    to ``output``; returns what the command did besides (a preview, slips issued). Issued
    slips are written first and recorded after, under the register's lock: a slip is
    recorded only if its document was written, and a document whose slips could not be
    recorded is taken back."""
    output.check()
    if request.kind == "urge" and request.record:
        notice = _issue(ledger, progress, request, output)
        if notice is not None:
            return notice
    context = context_for(ledger, progress, request)
    output.write(_document(ledger, request, context))
    return str(context.get("notice", ""))


def _issue(ledger: Ledger, progress: Progress, request: Request, output: Output) -> str | None:
    """Issue the slips the day calls for, delivering their document before recording them;
    None when there is nothing to issue."""
    from zctasks.documents import reports
    from zctasks.log import urges

    before = urges.load_register(ledger, ledger.root)
    drafts = reports.drafts(ledger, progress, request.as_of, request.unit)
    if not drafts:
        return None
    notices: list[str] = []

    def deliver(slips: list[urges.Slip], register: list[urges.Slip]) -> None:
        context = reports.urge(ledger, progress, request.as_of, slips, register, request.unit)
        output.write(_document(ledger, request, context))
        notices.append(_issued_notice(slips, before))

    try:
        urges.issue(ledger, drafts, ledger.report_settings.urge_code, deliver)
    except ZctasksError as exc:
        if not notices:
            raise
        raise ZctasksError(
            f"催办单没有登记：{exc.message}", output.retract() + "；排除原因后重新签发"
        ) from None
    return notices[-1]


def _document(ledger: Ledger, request: Request, context: dict[str, Any]) -> bytes:
    from zctasks.files import limits

    content = _made(ledger, request, context)
    if len(content) > limits.MAX_BYTES:
        raise ZctasksError(
            f"报告过大（{len(content)} 字节，上限 {limits.MAX_BYTES} 字节）",
            "台账文件、批量文件、模板和报告都不能超过 64 MiB；请检查模板",
        )
    return content


def _made(ledger: Ledger, request: Request, context: dict[str, Any]) -> bytes:
    from zctasks.documents.rendering import render_template

    markdown = render_template(ledger.root, f"{request.kind}.md.j2", context, request.template)
    if request.fmt == "md":
        return markdown.encode("utf-8")
    if request.fmt == "txt":
        from zctasks.documents.layout import plain_text
        from zctasks.documents.rendering import blocks

        return plain_text(blocks(markdown)).encode("utf-8")
    if request.fmt == "html":
        from zctasks.documents.html_writer import html_document

        landscape = request.kind in LANDSCAPE
        return html_document(ledger.root, markdown, {**context, "landscape": landscape}).encode(
            "utf-8"
        )
    if request.fmt in ("csv", "xlsx"):
        from zctasks.documents import sheets

        found = _sheet_tables(request.kind, context, markdown)
        if request.fmt == "csv":
            return sheets.csv_text(found).encode("utf-8")
        return sheets.xlsx_bytes(found, _sheet_heading(context), SHEET_TITLES[request.kind])
    from zctasks.documents.docx_writer import docx_bytes

    meta = {
        "title": str(context.get("title", "")),
        "subject": ledger.plan.title,
        "issuer": str(context.get("supervisor" if request.kind == "urge" else "issuer", "")),
    }
    return docx_bytes(markdown, landscape=request.kind in LANDSCAPE, meta=meta)


def _sheet_heading(context: dict[str, Any]) -> tuple[str, str]:
    """The title row and the as-of row every worksheet starts with."""
    title = str(context.get("title", ""))
    as_of = f"截至{context['as_of']}，序时进度{context['elapsed']}"
    if context.get("kind") == "briefing":
        title = f"{context['publication']}第{context['issue']}期：{title}"
        as_of += f"；本期：{context['period']}"
    return title, as_of


def _sheet_tables(
    kind: str, context: dict[str, Any], markdown: str
) -> list[tuple[str, list[list[str]]]]:
    """The tables of a document, as worksheets or CSV; the slips of a set as one table."""
    from zctasks.documents.rendering import tables

    if kind != "urge":
        return tables(markdown)
    rows = [["编号", "承办单位", "序号", "任务", "进度", "情况", "反馈时限"]]
    for sheet in context["sheets"]:
        for item in sheet["items"]:
            rows.append(
                [
                    sheet["code"],
                    sheet["unit"],
                    str(item["task"]),
                    item["title"],
                    item["light"],
                    item["situation"],
                    sheet["deadline"],
                ]
            )
    return [("催办事项", rows)]


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
    from zctasks.files.writer import atomic_write

    target = _refuse_place(path)
    try:
        atomic_write(target, content)
    except OSError as exc:
        raise ZctasksError(f"无法写入 {path}：{exc.strerror or exc}") from None


def _refuse_place(path: Path) -> Path:
    """The resolved place for a report at ``path``, or a UsageError saying why it is none."""
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
    return target


def output_folder(folder: Path) -> None:
    """Make a folder for several outputs (``template --all -o DIR``), refusing one that lies
    in a ledger's data or a git folder before anything is made there."""
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"输出路径 {folder} 不是目录")
    resolved = folder.resolve()
    if _inside_ledger_data_or_git(resolved / "x"):
        raise UsageError(
            f"输出目录 {folder} 在台账数据或 git 目录中",
            "报送表不能写进任何台账的 data/ 或 git 的 .git 目录；请写到别处，如 -o 报送表",
        )
    folder.mkdir(parents=True, exist_ok=True)


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
