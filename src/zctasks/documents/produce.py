"""`zctasks report`: build a report's data, render it, and produce the requested format."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from zctasks.files.errors import UsageError, ZctasksError
from zctasks.log.store import Progress
from zctasks.plan.ledger import Ledger

if TYPE_CHECKING:
    from zctasks.scoring.sheet import ScoreSheet

Kind = Literal["briefing", "ledger", "dept", "urge", "register", "score"]
Format = Literal["md", "docx", "xlsx", "html", "csv", "txt"]
BINARY_FORMATS = ("docx", "xlsx")
SHEET_TITLES = {
    "briefing": "简报",
    "ledger": "台账",
    "dept": "任务清单",
    "urge": "催办单",
    "register": "催办登记",
    "score": "考评结果",
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
    """urge: record the slips in the register (issue them); briefing: record the issue in
    the briefing register; without it, a preview."""
    day: date | None = None
    """The day the document is dated (成文日期); default: the as-of date."""
    charts: bool = False
    """briefing and ledger: add the charts (lights by chapter and unit, completion of the
    main targets) — a 附图 page in Word, a sheet in Excel, SVG in HTML."""
    members: dict[str, Any] | None = None
    """briefing and ledger of a roll-up: the members' section and attachment (各区县进展),
    as ``rollup.view.section`` makes it; None for a ledger of its own."""


CHART_KINDS = ("briefing", "ledger")
CHART_FORMATS = ("docx", "xlsx", "html")


def context_for(ledger: Ledger, progress: Progress, request: Request) -> dict[str, Any]:
    from zctasks.documents import reports
    from zctasks.documents.workdays import deadline

    day = request.day or request.as_of
    due = deadline(day, ledger.report_settings.urge_days)
    notes = [due.warning] if due.warning and request.kind in ("briefing", "dept") else []
    if request.kind == "briefing":
        context = _briefing(ledger, progress, request, day, due.day, notes)
    elif request.kind == "ledger":
        context = reports.status_ledger(ledger, progress, request.as_of, day)
    elif request.kind == "dept":
        if request.unit is None:
            raise UsageError("dept 需要指定单位", "例如 zctasks report dept 区发改局")
        context = reports.department(ledger, progress, request.unit, request.as_of, day, due.day)
    else:
        context = _urge(ledger, progress, request, day, notes)
    context["notice"] = "\n".join(notes)
    context["members"] = request.members
    return context


def _briefing(
    ledger: Ledger,
    progress: Progress,
    request: Request,
    day: date,
    due: date,
    notes: list[str],
) -> dict[str, Any]:
    """The briefing, numbered and compared through the briefing register; recorded there
    with ``--record``."""
    from zctasks.documents import reports
    from zctasks.log import briefings

    since, until = request.since, request.until
    if since is None or until is None:
        raise UsageError("简报需要时间范围", "用 --week 2023-W30，或 --since 和 --until")
    if until < since:
        raise UsageError("--until 早于 --since")
    register = briefings.load_register(ledger, ledger.root)
    same = briefings.same_period(register, since, until)
    if same is not None and request.issue is not None and request.issue != same.number:
        raise UsageError(
            f"这一期简报（{since}至{until}）已登记为第{same.number}期，期号不再改变",
            "去掉 --issue 即按登记的期号重印",
        )
    number = request.issue or (same.number if same else briefings.next_number(register))
    taken = None if same is not None else next((i for i in register if i.number == number), None)
    if taken is not None:
        raise UsageError(
            f"第{number}期已登记为{taken.since}至{taken.until}的简报",
            "期号登记后不再改变：不加 --issue 时自动接续上一期",
        )
    previous = briefings.previous_of(register, since, same.number if same else None)
    extra = list(request.members["paragraphs"]) if request.members else []
    context = reports.briefing(
        ledger, progress, since, until, request.as_of, day, number, previous, due, extra
    )
    figures = context.pop("record")
    if request.record and same is None:  # recorded by produce() once the document is written
        context["issue_record"] = briefings.Issue(
            number,
            day,
            since,
            until,
            request.as_of,
            {key: tuple(ids) for key, ids in figures["lights"].items()},
            figures["values"],
        )
    elif request.record and same is not None:
        notes.append(f"第{number}期已于{same.dated}登记，沿用原期号，没有重复登记")
    elif same is None:
        notes.append(f"预览：简报尚未登记；确认后加 --record 登记为第{number}期")
    return context


def _urge(
    ledger: Ledger, progress: Progress, request: Request, day: date, notes: list[str]
) -> dict[str, Any]:
    """催办单 (previewed, or issued into the register with ``--record``), or the register."""
    from zctasks.documents import reports
    from zctasks.log import urges

    register = urges.load_register(ledger, ledger.root)
    if request.kind == "register":
        return reports.register(ledger, progress, register, request.as_of, day, request.unit)
    drafts, found = reports.drafts(ledger, progress, request.as_of, request.unit, day)
    notes += found
    slips = [urges.issued_on(register, d.unit, d.issued) or d for d in drafts]
    context = reports.urge(ledger, progress, request.as_of, day, slips, register, request.unit)
    if request.record:  # nothing to issue (_issue handles the rest)
        notes.insert(0, _issued_notice(slips, register))
    elif any(not s.number for s in slips):
        notes.insert(0, "预览：催办单尚未编号、登记；确认后加 --record 签发")
    return context


class Produced(NamedTuple):
    content: bytes
    """The document in the requested format (text formats as UTF-8)."""
    notice: str
    """What the command did besides (a preview, slips issued), for standard error."""


def _issued_notice(slips: list[Any], before: list[Any]) -> str:
    earlier = {(s.by, s.issued.year, s.number, s.moment) for s in before}
    new = [
        s.code
        for s in slips
        if s.number and (s.by, s.issued.year, s.number, s.moment) not in earlier
    ]
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
    to ``output``; returns what the command did besides (a preview, slips issued, an issue
    recorded). Nothing is recorded unless its document was written: issued slips are
    written and then recorded under the register's lock, and a document whose slips could
    not be recorded is taken back; a briefing is recorded once it is written."""
    output.check()
    if request.kind == "urge" and request.record:
        notice = _issue(ledger, progress, request, output)
        if notice is not None:
            return notice
    context = context_for(ledger, progress, request)
    issue = context.pop("issue_record", None)
    document = _document(ledger, progress, request, context)
    notice = str(context.get("notice", ""))
    if issue is not None:
        return _record_briefing(ledger, progress, request, output, issue, document, notice)
    output.write(document)
    return notice


def _record_briefing(
    ledger: Ledger,
    progress: Progress,
    request: Request,
    output: Output,
    issue: Any,
    document: bytes,
    notice: str,
) -> str:
    """Record a briefing, then write it under the register's lock: a document never
    carries an issue number the register does not hold, and one that cannot be written
    takes its record back. If another issue took its number meanwhile, it is recorded
    under the next one and made with that number; if another run recorded the same period
    meanwhile, that record's number is kept and nothing is recorded twice."""
    from dataclasses import replace as replaced

    from zctasks.log import briefings

    def deliver(recorded: briefings.Issue) -> None:
        content = document
        if recorded.number != issue.number:
            again = context_for(
                ledger, progress, replaced(request, issue=recorded.number, record=False)
            )
            again.pop("issue_record", None)
            content = _document(ledger, progress, request, again)
        output.write(content)

    recorded, fresh = briefings.record(
        ledger.root, issue, renumber=request.issue is None, then=deliver, ledger=ledger
    )
    if fresh:
        done = f"已登记简报第{recorded.number}期，登记在 data/briefings/"
    else:
        done = f"第{recorded.number}期已于{recorded.dated}登记，沿用原期号，没有重复登记"
    lines = [line for line in notice.split("\n") if line and not line.startswith("预览：简报")]
    return "\n".join([*lines, done])


def _issue(ledger: Ledger, progress: Progress, request: Request, output: Output) -> str | None:
    """Issue the slips the day calls for, delivering their document before recording them;
    None when there is nothing to issue."""
    from zctasks.documents import reports
    from zctasks.log import urges

    day = request.day or request.as_of
    before = urges.load_register(ledger, ledger.root)
    drafts, notes = reports.drafts(ledger, progress, request.as_of, request.unit, day)
    if not drafts:
        return None
    notices: list[str] = []

    def deliver(slips: list[urges.Slip], register: list[urges.Slip]) -> None:
        context = reports.urge(ledger, progress, request.as_of, day, slips, register, request.unit)
        content = _document(ledger, progress, request, context)
        try:
            output.write(content)
        except OSError as exc:  # standard output closed or full
            raise ZctasksError(
                f"催办单没有登记：无法写入标准输出（{exc.strerror or exc}）",
                "已输出的部分编号无效，不要发出；排除原因后重新签发，或用 -o 写入文件",
            ) from None
        except ZctasksError as exc:
            raise ZctasksError(
                f"催办单没有登记：{exc.message}", output.retract() + "；排除原因后重新签发"
            ) from None
        notices.append(_issued_notice(slips, before))

    urges.issue(ledger, drafts, reports.prefixes(ledger), deliver)
    return "\n".join([notices[-1], *notes])


def produce_score(
    ledger: Ledger,
    sheet: ScoreSheet,
    fmt: Format,
    unit: str | None = None,
    template: Path | None = None,
) -> Produced:
    """The 考评结果 (or one unit's sheet) in the requested format."""
    from zctasks.documents.reports.score import score
    from zctasks.files import limits

    context = score(ledger, sheet, unit)
    request = Request("score", fmt, sheet.as_of, unit=unit, template=template)
    content = _made(ledger, request, context)
    if len(content) > limits.MAX_BYTES:
        raise ZctasksError(f"考评结果过大（{len(content)} 字节，上限 {limits.MAX_BYTES} 字节）")
    return Produced(content, "")


def _charts(ledger: Ledger, progress: Progress, request: Request) -> list[Any]:
    from zctasks.documents.plots import status_charts
    from zctasks.judge.schedule import status_report

    if request.kind not in CHART_KINDS:
        raise UsageError(
            f"--charts 只用于简报和台账（briefing、ledger），report {request.kind} 不用它"
        )
    if request.fmt not in CHART_FORMATS:
        raise UsageError(
            f"--charts 用于 docx、xlsx、html 格式，{request.fmt} 格式放不下图表",
            "例如 -f docx -o 简报.docx --charts",
        )
    report = status_report(ledger, progress, list(ledger.tasks.values()), request.as_of)
    return status_charts(ledger, report)


def _document(
    ledger: Ledger, progress: Progress, request: Request, context: dict[str, Any]
) -> bytes:
    """The document in its format, with its charts where asked, at most the one limit."""
    from zctasks.files import limits

    charts = _charts(ledger, progress, request) if request.charts else []
    if charts and request.fmt == "html":
        from markupsafe import Markup

        from zctasks.documents.plots import svg

        context = {**context, "figures": [(c.title, Markup(svg(c))) for c in charts]}
    content = _made(ledger, request, context)
    if charts and request.fmt == "docx":
        from zctasks.documents.attach import attach_docx

        content = attach_docx(content, charts)
    elif charts and request.fmt == "xlsx":
        from zctasks.documents.attach import attach_xlsx

        content = attach_xlsx(content, charts)
    if request.fmt in BINARY_FORMATS:
        content = dated_package(content, request.day or request.as_of)
    if len(content) > limits.MAX_BYTES:
        raise ZctasksError(
            f"报告过大（{len(content)} 字节，上限 {limits.MAX_BYTES} 字节）",
            "台账文件、批量文件、模板和报告都不能超过 64 MiB；请检查模板",
        )
    return content


def dated_package(content: bytes, day: date) -> bytes:
    """A Word or Excel file whose properties and parts are dated the day the document is
    dated (成文日期), at midnight in China: the same ledger, date and options give the same
    bytes on every machine and at every hour — a roll-up reproduced from its lock too."""
    import io
    import re
    import zipfile
    from datetime import UTC, datetime, timedelta, timezone

    moment = datetime(day.year, day.month, day.day, tzinfo=timezone(timedelta(hours=8)))
    stamp = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    when = (day.year, day.month, day.day, 0, 0, 0)
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rb"\g<1>" + stamp + rb"\g<2>",
                    data,
                )
            entry = zipfile.ZipInfo(item.filename, when)
            entry.compress_type = item.compress_type
            entry.external_attr = item.external_attr
            target.writestr(entry, data)
    return out.getvalue()


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
        return sheets.xlsx_bytes(
            found,
            _sheet_heading(context),
            SHEET_TITLES[request.kind],
            str(context.get("supervisor_signer" if request.kind == "urge" else "signer", "")),
        )
    from zctasks.documents.docx_writer import docx_bytes

    meta = {
        "title": str(context.get("title", "")),
        "subject": ledger.plan.title,
        "issuer": str(context.get("supervisor_signer" if request.kind == "urge" else "signer", "")),
    }
    return docx_bytes(
        markdown, landscape=request.kind in LANDSCAPE, meta=meta, numbered=request.kind != "urge"
    )


def _sheet_heading(context: dict[str, Any]) -> tuple[str, str]:
    """The title row and the as-of row every worksheet starts with."""
    title = str(context.get("title", ""))
    if context.get("kind") == "score":
        return title, f"截至{context['as_of']}，按《{context['rules_title']}》"
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

    if kind == "score":
        return _score_tables(context)
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


def _score_tables(context: dict[str, Any]) -> list[tuple[str, list[list[str]]]]:
    """The scores as one table, every line of points as another (numbers as numbers)."""
    summary = [["序列", "名次", "单位", "得分", "等次", "备注"]]
    for series in context["series"]:
        for row in series["rows"]:
            summary.append(
                [
                    series["name"],
                    str(row["rank"]),
                    row["unit"],
                    row["total"],
                    row["grade"],
                    row["note"],
                ]
            )
    lines = [["单位", "序号", "考评项目", "期间", "类别", "依据", "依据记录", "计算", "得分"]]
    for unit in context["units"]:
        for n, line in enumerate(unit["lines"], 1):
            lines.append(
                [
                    unit["unit"],
                    str(n),
                    line["rule"],
                    line["period"],
                    line["kind"],
                    line["what"],
                    line["sources"],
                    line["arithmetic"],
                    line["value"],
                ]
            )
    found = [("得分明细", lines)]
    return found if context["single"] else [("考评结果", summary), *found]


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
            f"输出路径 {path} 在台账数据或 git 目录中，或是 git 的设置文件",
            "报告不能写进任何台账的 data/、git 的 .git 目录或 .gitattributes、.gitignore 等文件；"
            "请写到别处，如 -o 简报.docx",
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
    """Whether ``target`` (its folder resolved) is a git file (``.gitattributes``,
    ``.gitignore`` …), is or lies in a ``.git`` folder, or in the ``data/`` folder of any ledger — this one or another; names compared without case, as a
    case-insensitive file system would."""
    if target.name.casefold().startswith(".git"):
        return True  # .gitattributes, .gitignore, .gitmodules: the ledger's own rules
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
