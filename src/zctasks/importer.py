"""Reading a key-task document (.txt or .docx) into a plan: chapters, tasks, units, targets.

The parser knows the genre rather than one file: chapter headings 一、; sub-headings （一）;
tasks numbered 1. 1、 1． （1）, restarting in each chapter or running through; attributions
in round or square brackets at the end of a task, before its final 。 or on a line of their
own, in the forms X牵头，Y等部门配合 / X负责 / 牵头单位：X，配合单位：Y / 责任单位：X; tables
with 序号, 任务, 牵头单位, 配合单位, 责任单位, 完成时限 columns; quantitative targets with the
words that set their operator. Nothing is dropped silently: whatever looks like an item
and cannot be read is reported with its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from zctasks.errors import ZctasksError
from zctasks.models import ROLES, Op, Period, Plan, Role, Target, Task, Unit, UnitKind

CHINESE_DIGITS = {
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "两": 2,
}
UNITS = (
    "个百分点|万千瓦时|万千瓦|千瓦|亿立方米|万立方米|立方米|万平方米|平方米|平方公里|公顷|万亩|亩|万吨|吨|"
    "亿元|万元|元|公里|千米|人次|家|个|项|名|人|件|座|处|条|台|部|种|支|所|户|套|辆|场|批|篇|%|％"
)
_NUMERAL = r"(?:[一二三四五六七八九]?十[一二三四五六七八九]?|[一二三四五六七八九])"  # 一 … 九十九
_CHAPTER = re.compile(rf"^({_NUMERAL})[、．.]\s*(.+)$")
_SUBHEADING = re.compile(rf"^[（(]({_NUMERAL})[）)]\s*(.+)$")
_ITEM = re.compile(r"^(?:(\d{1,3})\s*[.、．](?!\d)|[（(](\d{1,3})[）)])\s*(.*)$")
_ROLE_WORDS = (
    "牵头|负责|配合|责任单位|责任部门|牵头单位|牵头部门|配合单位|配合部门|参与单位|协办单位"
)
_BRACKETED = re.compile(
    r"[（(\[【]([^（）()\[\]【】]*?(?:"
    + _ROLE_WORDS
    + r")[^（）()\[\]【】]*)[）)\]】]\s*([。.;；]?)\s*$"
)
_ATTRIBUTION_LINE = re.compile(
    r"^[（(\[【]?\s*((?:牵头|责任|配合)(?:单位|部门)\s*[:：].+?)[）)\]】]?\s*[。.]?$"
)
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fa5]{1,12}〔(\d{4})〕\d+号")
_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_INSTITUTION = re.compile(
    r"(局|委|部|办|中心|公司|院|会|队|所|站|社|行|联|厅|处|室|政府|组|集团|办事处)$"
)
_TARGET = re.compile(
    r"(?<![\d.+\-A-Za-z])(?P<num>\d+(?:\.\d+)?)(?:\s*[—–\-~～至到]\s*(?P<max>\d+(?:\.\d+)?))?"
    r"(?P<more>余)?\s*(?P<unit>" + UNITS + r")(?![A-Za-z0-9+])"
)
_HEADER_WORDS = {
    "number": ("序号", "编号"),
    "task": ("重点工作", "工作任务", "主要任务", "任务内容", "重点任务", "任务", "工作内容"),
    "lead": ("牵头单位", "牵头部门"),
    "cooperate": ("配合单位", "配合部门", "协办单位", "参与单位"),
    "responsible": ("责任单位", "责任部门"),
    "due": ("完成时限", "时间节点", "完成时间", "时限"),
}


MAX_BYTES = 64 * 1024 * 1024


class ImportProblem(ZctasksError):
    pass


@dataclass
class Line:
    number: int
    text: str
    cells: list[str] | None = None  # a table row


@dataclass
class Draft:
    number: int
    chapter: int
    line: int
    body: str
    attribution: str | None = None
    table_roles: dict[str, str] = field(default_factory=dict)
    due: date | None = None


@dataclass
class ImportResult:
    plan: Plan
    chapters: list[tuple[int, str]]
    tasks: list[Task]
    units: dict[str, Unit]
    placeholders: list[str]
    new_units: list[str]
    new_placeholders: list[str]
    guessed: set[str]
    unparsed: list[tuple[int, str]]
    notes: list[str]


# ---------------------------------------------------------------- reading files


def read_lines(path: Path) -> list[Line]:
    """The document as numbered lines (docx paragraphs and table rows in document order)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportProblem(f"无法读取 {path}：{exc.strerror}") from None
    if not raw.strip():
        raise ImportProblem(f"{path} 是空文件", "请确认导出的文件有内容")
    if len(raw) > MAX_BYTES:
        raise ImportProblem(
            f"{path} 过大（{len(raw)} 字节，上限 {MAX_BYTES} 字节）",
            "计划文件应为文本或 .docx 文档",
        )
    if path.suffix.lower() == ".docx":
        return _docx_lines(path, raw)
    if raw.startswith(b"PK\x03\x04"):
        raise ImportProblem(
            f"{path} 看起来是 Word 等压缩格式文件", "请另存为 .docx 后导入，或导出为纯文本 .txt"
        )
    text = _decode(path, raw)
    return [Line(i, line) for i, line in enumerate(text.splitlines(), 1)]


def _decode(path: Path, raw: bytes) -> str:
    if b"\x00" in raw:
        raise ImportProblem(
            f"{path} 不是文本文件（含有二进制内容）", "请导出为 .txt（UTF-8 或 GB18030）或 .docx"
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if (
            encoding == "gb18030"
            and sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff") < len(text) / 10
        ):
            break  # decodable by chance: binary, not Chinese text
        return text
    raise ImportProblem(
        f"{path} 不是 UTF-8 或 GB18030 编码的文本", "请导出为 .txt（UTF-8）或 .docx"
    )


def _docx_lines(path: Path, raw: bytes) -> list[Line]:
    import io
    import zipfile

    if not zipfile.is_zipfile(io.BytesIO(raw)):
        raise ImportProblem(
            f"{path} 不是有效的 .docx 文件（不是 zip 压缩包）", "请用 Word 重新另存为 .docx"
        )
    from docx import Document
    from docx.oxml.ns import qn

    try:
        document = Document(io.BytesIO(raw))
    except Exception as exc:  # python-docx raises several kinds for a damaged package
        raise ImportProblem(f"{path} 无法作为 .docx 打开：{exc}") from None
    lines: list[Line] = []
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            lines.append(
                Line(len(lines) + 1, "".join(t.text or "" for t in element.iter(qn("w:t"))))
            )
        elif element.tag == qn("w:tbl"):
            for row in element.iter(qn("w:tr")):
                cells = [
                    "".join(t.text or "" for t in cell.iter(qn("w:t")))
                    for cell in row.iter(qn("w:tc"))
                ]
                lines.append(Line(len(lines) + 1, "\t".join(cells), cells))
    return lines


# ---------------------------------------------------------------- cleaning


def clean(text: str) -> str:
    """Word and web artifacts out: bookmarks, tabs, full-width and no-break spaces at the ends."""
    text = re.sub(r"\[bookmark:[^\]]*\]", "", text)
    text = text.replace("\xa0", " ").replace("\u200b", "")
    return text.strip(" \t\u3000\r")


def chinese_number(text: str) -> int:
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (CHINESE_DIGITS[tens] if tens else 1) * 10 + (CHINESE_DIGITS[ones] if ones else 0)
    return CHINESE_DIGITS[text]


# ---------------------------------------------------------------- the document


def parse(
    path: Path,
    known_units: dict[str, Unit] | None = None,
    known_placeholders: list[str] | None = None,
) -> ImportResult:
    lines = [Line(line.number, clean(line.text), line.cells) for line in read_lines(path)]
    chapters: list[tuple[int, str]] = []
    drafts: list[Draft] = []
    unparsed: list[tuple[int, str]] = []
    notes: list[str] = []
    table_columns: dict[str, int] | None = None
    first_chapter_line = None
    ended = False
    for line in lines:
        text = line.text
        if not text or ended:
            continue
        if drafts and (text.startswith("抄送") or text.endswith("印发")):
            ended = True  # the document's end matter: 抄送, 印发
            continue
        cells = line.cells if line.cells is not None else _text_cells(text)
        header = _table_header(cells) if cells else None
        if header:
            table_columns = header
            continue
        if table_columns is not None and cells and len(cells) >= 2:
            draft = _table_draft(cells, table_columns, line.number, chapters, drafts)
            if draft is None:
                unparsed.append((line.number, text))
            else:
                drafts.append(draft)
            continue
        table_columns = None if line.cells is None else table_columns
        if m := _CHAPTER.match(text):
            chapters.append((chinese_number(m.group(1)), m.group(2).strip()))
            first_chapter_line = first_chapter_line or line.number
            continue
        if _SUBHEADING.match(text):
            continue
        if m := _ITEM.match(text):
            if not chapters:
                unparsed.append((line.number, text))
                continue
            number = int(m.group(1) or m.group(2))
            drafts.append(Draft(number, chapters[-1][0], line.number, m.group(3).strip()))
            continue
        if drafts and first_chapter_line is not None:
            standalone = _standalone_attribution(text)
            if (
                standalone is not None
                and drafts[-1].attribution is None
                and not _split_attribution(drafts[-1].body)[1]
            ):
                drafts[-1].attribution = standalone
            elif _is_end_matter(text):
                ended = True
            else:
                drafts[-1].body += text  # a sentence broken across lines
    if not drafts:
        raise ImportProblem(
            f"{path} 中没有找到编号的任务",
            "任务应以 1. 1、 1． 或（1）编号，并位于 一、 这样的章节标题之下",
        )
    if not chapters:
        chapters = [(1, "重点工作任务")]
    plan = _plan(lines, first_chapter_line or 1)
    numbers = [d.number for d in drafts]
    restarts = len(set(numbers)) != len(numbers)
    if restarts:
        notes.append(f"任务编号在各章重新开始，已按全文顺序重新编号为 1—{len(drafts)}")
    registry = _Registry(dict(known_units or {}), list(known_placeholders or []))
    tasks = []
    for index, draft in enumerate(drafts, 1):
        task_id = index if restarts else draft.number
        task, problem = _task(task_id, draft, registry)
        if problem:
            unparsed.append((draft.line, problem))
        tasks.append(task)
    return ImportResult(
        plan,
        chapters,
        tasks,
        registry.units,
        registry.placeholders,
        registry.new,
        registry.new_placeholders,
        registry.guessed,
        unparsed,
        notes,
    )


def _is_end_matter(text: str) -> bool:
    return text.startswith(("抄送", "附件", "（此件", "(此件")) or bool(
        _DATE.fullmatch(text.split()[-1])
    )


def _plan(lines: list[Line], first_chapter_line: int) -> Plan:
    head = [line.text for line in lines if line.number < first_chapter_line and line.text]
    everything = "\n".join(line.text for line in lines if line.text)
    doc_number = m.group(0) if (m := _DOC_NUMBER.search(everything)) else ""
    issued = (
        date(int(d.group(1)), int(d.group(2)), int(d.group(3)))
        if (d := _DATE.search(everything))
        else None
    )
    title, notice_title, issuer = "", "", ""
    for i, text in enumerate(head):
        if m := re.search(r"关于印发《?(.+?)》?的通知$", text):
            title = m.group(1)
            notice_title = (
                head[i - 1]
                if i
                and not text.startswith(head[i - 1])
                and head[i - 1].endswith(("办公室", "政府", "委员会"))
                else ""
            ) + text
            issuer = head[i - 1] if notice_title != text else ""
            break
    if not issuer:
        issuer = next(
            (
                t
                for t in head
                if re.fullmatch(r"[\u4e00-\u9fa5]{2,20}(人民政府办公室|人民政府|办公室|委员会)", t)
            ),
            "",
        )
    preamble = next((t for t in reversed(head) if t.endswith("。") and not t.startswith("《")), "")
    if not title:
        before = [t for t in head if t != preamble]
        title = before[-1] if before else "重点工作任务"
    year = (
        int(m.group(1))
        if (m := re.search(r"(\d{4})年", title))
        else (issued.year if issued else date.today().year)
    )
    addressees = next((t[:-1] for t in head if t.endswith(("：", ":")) and "，" in t), "")
    cc = ""
    for i, line in enumerate(lines):
        if line.text.startswith("抄送"):
            cc = line.text.split("：", 1)[-1].split(":", 1)[-1]
            if not cc.endswith("。") and i + 1 < len(lines):
                cc += lines[i + 1].text
            cc = cc.strip().rstrip("。")
            break
    return Plan(
        title=title,
        doc_number=doc_number or "（无文号）",
        issuer=issuer or "（未注明）",
        issued=issued or date(year, 1, 1),
        period=Period(date(year, 1, 1), date(year, 12, 31)),
        notice_title=notice_title,
        addressees=addressees,
        cc=cc,
        preamble=preamble,
    )


# ---------------------------------------------------------------- tables


def _text_cells(text: str) -> list[str] | None:
    if "\t" in text:
        return [cell.strip() for cell in text.split("\t")]
    if text.count("|") >= 2:
        return [cell.strip() for cell in text.strip("|").split("|")]
    return None


def _table_header(cells: list[str]) -> dict[str, int] | None:
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = cell.replace(" ", "")
        for key, words in _HEADER_WORDS.items():
            if key not in columns and any(
                name == w or (key == "task" and w in name) for w in words
            ):
                columns[key] = index
                break
    if "task" in columns and ({"lead", "responsible"} & columns.keys()):
        return columns
    return None


def _table_draft(
    cells: list[str],
    columns: dict[str, int],
    line: int,
    chapters: list[tuple[int, str]],
    drafts: list[Draft],
) -> Draft | None:
    def cell(key: str) -> str:
        index = columns.get(key)
        return clean(cells[index]) if index is not None and index < len(cells) else ""

    body = cell("task")
    if not body:
        return None
    number_text = cell("number")
    number = int(number_text) if number_text.isdigit() else len(drafts) + 1
    roles = {key: cell(key) for key in ("lead", "cooperate", "responsible") if cell(key)}
    if not chapters:
        chapters.append((1, "重点工作任务"))
    return Draft(number, chapters[-1][0], line, body, table_roles=roles, due=_due(cell("due")))


def _due(text: str) -> date | None:
    if m := re.search(r"(\d{4})年(\d{1,2})月(?:(\d{1,2})日|底)?", text):
        year, month = int(m.group(1)), int(m.group(2))
        if m.group(3):
            return date(year, month, int(m.group(3)))
        from calendar import monthrange

        return date(year, month, monthrange(year, month)[1])
    if m := re.search(r"(\d{4})年底", text):
        return date(int(m.group(1)), 12, 31)
    return None


# ---------------------------------------------------------------- attributions


def _standalone_attribution(text: str) -> str | None:
    """An attribution written on a line of its own after its item."""
    m = _BRACKETED.search(text)
    if m is not None and m.start() == 0:
        return m.group(1)
    m = _ATTRIBUTION_LINE.match(text)
    return m.group(1) if m else None


def _split_attribution(body: str) -> tuple[str, str | None]:
    """The body without its bracketed attribution, and the attribution (verbatim)."""
    m = _BRACKETED.search(body)
    if m is None:
        return body, None
    rest = body[: m.start()].rstrip()
    if m.group(2) in ("。", ".") and not rest.endswith("。"):
        rest += "。"
    return rest, m.group(1).strip()


def _normalise(text: str) -> str:
    table = str.maketrans({",": "，", ";": "；", ":": "：", "(": "（", ")": "）"})
    return text.translate(table).replace(" ", "")


_LABELS: list[tuple[str, Role]] = [
    ("牵头单位", "lead"),
    ("牵头部门", "lead"),
    ("配合单位", "cooperate"),
    ("配合部门", "cooperate"),
    ("协办单位", "cooperate"),
    ("参与单位", "cooperate"),
    ("责任单位", "responsible"),
    ("责任部门", "responsible"),
]


_ROLE_OF_WORD: dict[str, Role] = {"牵头": "lead", "配合": "cooperate", "负责": "responsible"}


def parse_attribution(text: str) -> tuple[dict[Role, list[str]], Role | None] | None:
    """Units by role from an attribution; None when no role can be read."""
    text = _normalise(text).rstrip("。")
    roles: dict[Role, list[str]] = {}
    others: Role | None = None
    labelled = [
        (m.start(), m.end(), role)
        for label, role in _LABELS
        for m in re.finditer(label + "：", text)
    ]
    if labelled:
        labelled.sort()
        for i, (_, end, labelled_role) in enumerate(labelled):
            stop = labelled[i + 1][0] if i + 1 < len(labelled) else len(text)
            units, more = _units(text[end:stop].strip("，；"))
            role: Role = (
                "cooperate" if labelled_role == "responsible" and "lead" in roles else labelled_role
            )
            roles.setdefault(role, []).extend(units)
            others = role if more else others
        return (roles, others) if any(roles.values()) else None
    for m in re.finditer(r"(.+?)(牵头|配合|负责)(?:[，；]|$)", text):
        role = _ROLE_OF_WORD[m.group(2)]
        segment = re.sub(r"按职责分工$|分别$|共同$", "", m.group(1).strip("，；"))
        units, more = _units(segment)
        if units:
            roles.setdefault(role, []).extend(units)
            others = role if more else others
    return (roles, others) if any(roles.values()) else None


def _units(segment: str) -> tuple[list[str], bool]:
    """Unit names of one role, and whether the list ends in 等 ("and others")."""
    stripped = re.sub(r"等(?:部门单位|部门和单位|部门|单位|有关部门)?$", "", segment)
    units: list[str] = []
    for piece in re.split(r"[、，]", stripped):
        if not piece:
            continue
        if units and units[-1].startswith("各") and _INSTITUTION.search(piece) is None:
            units[-1] += "、" + piece  # 各区、县级市 is one placeholder, not two units
        else:
            units.append(piece)
    return units, stripped != segment


class _Registry:
    """Units met while importing: known ones reused, new ones added with a guessed kind."""

    def __init__(self, units: dict[str, Unit], placeholders: list[str]) -> None:
        self.units = units
        self.placeholders = placeholders
        self.new: list[str] = []
        self.new_placeholders: list[str] = []
        self.guessed: set[str] = set()

    def name(self, raw: str) -> str:
        name = raw.strip()
        if name in self.units or name in self.placeholders:
            return name
        for short, unit in self.units.items():
            if name == unit.full_name or name in unit.aliases:
                return short
        if is_placeholder(name):
            self.placeholders.append(name)
            self.new_placeholders.append(name)
        else:
            self.units[name] = Unit(kind=guess_kind(name))
            self.new.append(name)
            self.guessed.add(name)
        return name


def is_placeholder(name: str) -> bool:
    return name.startswith("各") or re.search(r"有关|相关|成员单位", name) is not None


def guess_kind(name: str) -> UnitKind:
    rules: list[tuple[str, UnitKind]] = [
        (r"^(区委|市委|县委|中共).*(部|委|办)$|机关工委$|政法委$", "党委部门"),
        (r"^(团|共青团)|妇联$|残联$|工商联$|总工会$|科协$|文联$|侨联$", "群团组织"),
        (r"分局$|税务局$|大队$|支队$|供电|人民银行|海关$|气象局$|消防", "垂直管理或派驻"),
        (r"公司$|集团$", "企业"),
        (r"中心$|院$|所$|站$", "事业单位"),
        (r"局$|委$|办$|厅$", "政府工作部门"),
    ]
    return next((kind for pattern, kind in rules if re.search(pattern, name)), "其他")


def _task(task_id: int, draft: Draft, registry: _Registry) -> tuple[Task, str | None]:
    body, attribution = _split_attribution(draft.body)
    if attribution is None and draft.attribution is not None:
        attribution = draft.attribution
    problem = None
    roles: dict[Role, list[str]] = {}
    others: Role | None = None
    if draft.table_roles:
        attribution = "；".join(
            f"{label}：{draft.table_roles[key]}"
            for key, label in (
                ("lead", "牵头单位"),
                ("cooperate", "配合单位"),
                ("responsible", "责任单位"),
            )
            if key in draft.table_roles
        )
    if attribution is not None:
        parsed = parse_attribution(attribution)
        if parsed is None:
            problem = f"第{draft.number}项的分工“{attribution}”无法识别"
        else:
            roles, others = parsed
            if "responsible" in roles and "lead" in roles:
                roles.setdefault("cooperate", []).extend(roles.pop("responsible"))
    title, sep, text = body.partition("。")
    if not sep:
        title, text = body.rstrip("。"), body
    text = text.strip() or body
    clean_roles = {
        role: tuple(dict.fromkeys(registry.name(u) for u in roles.get(role, []))) for role in ROLES
    }
    task = Task(
        id=task_id,
        chapter=draft.chapter,
        title=title.strip(),
        text=text,
        attribution=attribution,
        lead=clean_roles["lead"],
        cooperate=clean_roles["cooperate"],
        responsible=clean_roles["responsible"],
        and_others=others,
        due=draft.due,
    )
    return replace(task, targets=tuple(find_targets(task))), problem


# ---------------------------------------------------------------- targets

_STRIVE = re.compile("力争|争取|争创")
_NOT_A_TARGET = r"措施|举措|意见|政策|规定|条例|办法"
_LEVEL_WORDS = re.compile(r"率|比例|占比|数量|拥有量|规模|容量|水平|指数|增长|增速|同比")
_LEADING = re.compile(
    r"^(力争|争取|争创|确保|全力确保|全力|年内|全年|全区|全市|实现|完成|推动|推进|其中|累计|新增加)+"
)


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    left = max(text.rfind(mark, 0, start) for mark in "，。；：") + 1
    rights = [i for i in (text.find(mark, end) for mark in "，。；") if i != -1]
    return left, min(rights) if rights else len(text)


def _operator(lead_in: str, after: str, between: bool, more: bool) -> Op:
    """The operator from the words around a figure: those after it, then those leading to it
    in its clause (完成充电设施1220个 is at least 1220)."""
    if between:
        return "between"
    if after.startswith("左右"):
        return "~"
    if after.startswith(("之内", "以内")) or re.search(r"控制在|不超过|不高于", lead_in):
        return "<="
    if more or re.search(r"超过|突破|高于|多于", lead_in):
        return ">"
    if after.startswith("以上") or re.search(
        r"不少于|不低于|至少|达到|完成|稳定在|保持在|达$|吸引|引进|增长", lead_in
    ):
        return ">="
    return "="


def _inside_quotes(text: str, index: int) -> bool:
    opened = text.rfind("“", 0, index)
    return opened != -1 and text.find("”", opened) > index


def find_targets(task: Task) -> list[Target]:
    text = task.text
    targets: list[Target] = []
    for m in _TARGET.finditer(text):
        start, end = m.span()
        if _inside_quotes(text, start) or text[end : end + 1] in ("年", "月", "日"):
            continue
        if re.match(r"(?![和及与、])[\u4e00-\u9fa5]{1,4}\d", text[end : end + 5]) or re.match(
            _NOT_A_TARGET, text[end : end + 2]
        ):
            continue  # 2个片区15个小区: a scope before the figure; 20条措施: a name
        after_unit = text[end : end + 4]
        left, right = _clause(text, start, end)
        quote = text[left:right]
        lead_in = text[left:start]
        value = _number(m.group("num"))
        maximum = _number(m.group("max")) if m.group("max") else None
        op = _operator(lead_in, after_unit, maximum is not None, bool(m.group("more")))
        sentence_start = text.rfind("。", 0, start) + 1
        firm = _STRIVE.search(text[sentence_start:end]) is None
        name = _target_name(quote, m.group(0))
        unit = m.group("unit").replace("％", "%")
        accrues = unit != "%" and _LEVEL_WORDS.search(name) is None
        change = unit == "%" and "增长" in quote
        targets.append(
            Target(
                id=f"{task.id}.{len(targets) + 1}",
                name=name or quote,
                op=op,
                value=value,
                unit=unit,
                max=maximum,
                firm=firm,
                accrues=accrues,
                quote=quote,
                change=change,
            )
        )
    return targets


def _number(text: str) -> int | float:
    return float(text) if "." in text else int(text)


def _target_name(quote: str, figure: str) -> str:
    name = quote.replace(figure, "", 1)
    name = re.sub(
        r"(以上|左右|之内|以内|不少于|不低于|至少|达到|超过|突破|控制在|稳定在|保持在|分别)",
        "",
        name,
    )
    name = _LEADING.sub("", name)
    return name.strip("，。；、 ") or quote


# ---------------------------------------------------------------- the whole command


def summary(result: ImportResult) -> dict[str, Any]:
    return {
        "chapters": len(result.chapters),
        "tasks": len(result.tasks),
        "attributions": sum(1 for t in result.tasks if t.attribution is not None),
        "targets": sum(len(t.targets) for t in result.tasks),
        "new_units": len(result.new_units),
    }


def known_departments(folder: Path) -> tuple[dict[str, Unit], list[str]]:
    """The units a ledger folder already knows (none when it has no departments file)."""
    from zctasks import schema, yamlfile
    from zctasks.errors import LedgerInvalid
    from zctasks.root import DEPARTMENTS_FILE
    from zctasks.schema import DepartmentsFile

    path = folder / DEPARTMENTS_FILE
    if not path.exists():
        return {}, []
    doc, problems = yamlfile.parse(DEPARTMENTS_FILE.as_posix(), path.read_bytes())
    if doc is None or problems or doc.data is None:
        raise LedgerInvalid(problems or [])
    value, problems = schema.validate(doc, DepartmentsFile)
    if value is None:
        raise LedgerInvalid(problems)
    return dict(value.units), list(value.placeholders)


def files_for(result: ImportResult, source: Path, folder: Path) -> dict[Path, bytes]:
    """The two plan files; an existing departments file keeps its text (and comments) and
    gets the new units added."""
    from zctasks.root import DEPARTMENTS_FILE, TASKS_FILE
    from zctasks.yamlout import departments_yaml, tasks_yaml

    header = [
        f"《{result.plan.title}》（{result.plan.doc_number}）",
        f"Imported by zctasks import from {source.name}; check it against the document.",
    ]
    existing = folder / DEPARTMENTS_FILE
    departments = None
    if existing.exists():
        departments = _extended_departments(existing.read_text("utf-8"), result)
    if departments is None:
        departments = departments_yaml(result.units, result.placeholders, result.guessed)
    return {
        TASKS_FILE: tasks_yaml(result.plan, result.chapters, result.tasks, header).encode("utf-8"),
        DEPARTMENTS_FILE: departments.encode("utf-8"),
    }


def _extended_departments(text: str, result: ImportResult) -> str | None:
    """The file's own text with new units (and placeholders) inserted; None if its layout
    does not allow a safe edit."""
    from zctasks.yamlout import scalar

    new_placeholders = result.new_placeholders
    lines = text.rstrip("\n").split("\n")
    at = next((i for i, line in enumerate(lines) if line.startswith("placeholders:")), len(lines))
    if new_placeholders and (at == len(lines) or lines[at].strip() != "placeholders:"):
        return None
    while at > 0 and lines[at - 1].startswith("#"):
        at -= 1  # keep the comment that introduces the placeholders with them
    added = [
        f"  {scalar(name)}: {{kind: {result.units[name].kind}}}  # 由 zctasks import 加入并推断类别，请核对"
        for name in result.new_units
    ]
    lines[at:at] = added
    lines += [f"  - {scalar(p)}" for p in new_placeholders]
    return "\n".join(lines) + "\n"
