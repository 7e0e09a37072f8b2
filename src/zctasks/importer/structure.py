"""The structure finder: chapters, tasks and their attributions in a document's lines.

Whatever the reader, the finder sees numbered lines (a table row carries its cells). It
knows the genre rather than one file:

- web pages: navigation and page chrome (设为首页, 无障碍阅读, 索引号 …, 分享到) are skipped
  wherever they stand; a table copied from a page comes one cell a line, or with ``|``;
- numbering at four levels, full- or half-width: ``一、`` / ``（一）`` / ``1.`` ``1、`` / ``（1）``.
  ``一、`` headings are chapters; the tasks are the numbered items of the level that carries
  the attributions (the deepest level when none does), higher levels are sub-headings;
- a number that runs into the title's own digits (``11.121人才梯队项目``) when it is the
  next number of its level;
- attributions in brackets at the end of a task, or on lines of their own after it
  (``牵头单位：…``, ``责任领导：…``, ``完成时限：…``), or in table columns (序号 | 重点工作 |
  责任领导 | 责任单位 | 完成时限), with a 分类 column or a spanning row as chapters.

Nothing is dropped silently: a numbered item before any chapter, prose inside a chapter
that belongs to no task, and table lines that fit no column are listed as unplaced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from zctasks.importer.dates import looks_like_due
from zctasks.importer.text import NUMERAL, Line, chinese_number, clean
from zctasks.plan.attribution import (
    LABELS,
    is_placeholder,
    leaders,
    split_attribution,
    standalone_attribution,
    trailing_bracket,
)

DEFAULT_CHAPTER = "重点工作任务"

_CHAPTER = re.compile(rf"^({NUMERAL})\s*[、．.，,]\s*(.+)$")
_SUBHEADING = re.compile(rf"^[（(]\s*({NUMERAL})\s*[）)]\s*(.*)$")
_ITEM = re.compile(r"^(\d{1,3})\s*[.、．](?!\d)\s*(.*)$")
_ITEM_INTO_DIGITS = re.compile(r"^(\d{1,3})[.．](\d.*)$")
_PAREN_ITEM = re.compile(r"^[（(]\s*(\d{1,3})\s*[）)]\s*(.*)$")
_DATE_LINE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日?$")

_BOILERPLATE = re.compile(
    r"^(?:设为首页|加入收藏|无障碍(?:阅读|浏览|版)?|长者(?:版|模式|助手)|长辈版|关怀版|适老版|登录|注册|"
    r"返回首页|返回|首页|网站首页|打印(?:本页|整页|页面|正文)?|打印整页打印内容分享|关闭(?:窗口|本页)?|"
    r"【关闭】|【打印】|分享(?:到)?[:：]?|字号[:：].*|字体[:：].*|【字体[:：].*|扫一扫.*|视力保护色.*|"
    r"您(?:现在)?(?:的|所在的)?位置.*|当前位置.*|所在位置.*|浏览(?:次数|量)[:：]?.*|点击(?:量|数|率)[:：].*|"
    r"来源[:：].*|作者[:：].*|信息来源[:：].*|发布(?:时间|日期)[:：].*|智能推荐|[>＞»].*|[|｜]+|朗读|"
    r"索引号.*|主题分类.*|组配分类.*|公开方式.*|公开范围.*|发布机构.*|发文机关.*|发文单位.*|文件类型.*|"
    r"生成日期.*|成文日期.*|有效性.*|效力状态.*|名称[:：].*|标题[:：].*|文号[:：]?.*|发文字号.*|主题词.*|"
    r"分类[:：].*|政府信息公开|信息公开|相关附件.*|下载地址.*|【?大中小】?|上一篇.*|下一篇.*)$"
)
_END_MATTER = re.compile(r"^(?:抄送|附件[:：]|（此件|\(此件)")

HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "number": ("序号", "编号"),
    "category": ("分类", "类别", "领域", "板块", "类型", "方面"),
    "task": (
        "重点工作",
        "工作任务",
        "主要任务",
        "任务内容",
        "重点任务",
        "目标任务",
        "民生实事",
        "事项",
        "重点事项",
        "具体任务",
        "工作内容",
        "项目名称",
        "任务",
    ),
    "leaders": ("责任领导", "牵头领导", "分管领导", "包保领导", "责任县领导", "牵头县领导"),
    "lead": ("牵头单位", "牵头部门", "主责单位"),
    "cooperate": ("配合单位", "配合部门", "协办单位", "参与单位"),
    "responsible": ("责任单位", "责任部门", "责任科室", "实施单位"),
    "due": ("完成时限", "时间节点", "完成时间", "时限", "时限要求"),
    "person": ("责任人", "项目责任人"),
    "other": ("备注", "攻坚目标", "工作目标", "目标要求", "工作措施", "具体措施", "主要内容"),
}
_UNIT_COLUMNS = ("lead", "cooperate", "responsible")
_INSTITUTION = re.compile(
    r"(局|委|部|办|中心|公司|院|会|队|所|站|社|行|联|厅|处|室|科|政府|组|集团|办事处|管委会|"
    r"分局|指挥部|专班|街道|镇|乡|园区|开发区|新区)$"
)


@dataclass
class Draft:
    """A task as found, before its units are resolved."""

    number: int
    chapter: int
    line: int
    body: str
    attribution: str | None = None
    cells: dict[str, list[str]] = field(default_factory=dict)
    """Table columns by field (lead, cooperate, responsible, leaders, due), verbatim."""
    chapter_leaders: list[str] = field(default_factory=list)
    """Leaders its chapter heading names (一、…（牵头领导：张三）)."""


@dataclass
class Structure:
    head: list[Line]
    """Lines before the first chapter or table: title, notice, preamble."""
    chapters: list[tuple[int, str]]
    drafts: list[Draft]
    unplaced: list[tuple[int, str]]
    skipped: list[tuple[int, str]]
    """Web page chrome that was recognised and left out."""
    notes: list[str]
    counts: dict[str, int]
    """What was recognised, for the message when no task is found."""
    tail: list[Line] = field(default_factory=list)


def is_boilerplate(text: str) -> bool:
    bare = re.sub(r"^[-•·*]\s*", "", text).replace(" ", "").replace("\u3000", "")
    return bool(bare) and _BOILERPLATE.match(bare) is not None


def _heading(title: str) -> bool:
    """一、 starts a chapter heading when what follows is short and not a sentence."""
    found = trailing_bracket(title)
    bare = title[: found[0]] if found is not None and found[0] > 0 else title
    return len(bare) <= 60 and "。" not in bare.rstrip("。")


@dataclass
class _Numbered:
    level: int  # 1 一、 2 （一） 3 1. 4 （1）
    number: int
    text: str


class _Levels:
    """Reads the numbering of a line, knowing the last number of each level (so that
    ``11.121人才梯队项目`` is item 11 when item 10 came before it)."""

    def __init__(self) -> None:
        self.last: dict[int, int] = {}

    def read(self, text: str) -> _Numbered | None:
        found = self._match(text)
        if found is not None:
            self.last[found.level] = found.number
        return found

    def _match(self, text: str) -> _Numbered | None:
        if (m := _CHAPTER.match(text)) and _heading(m.group(2)):
            return _Numbered(1, chinese_number(m.group(1)), m.group(2).strip())
        if m := _SUBHEADING.match(text):
            return _Numbered(2, chinese_number(m.group(1)), m.group(2).strip())
        if m := _ITEM.match(text):
            return _Numbered(3, int(m.group(1)), m.group(2).strip())
        if (m := _ITEM_INTO_DIGITS.match(text)) and int(m.group(1)) in (
            self.last.get(3, 0) + 1,
            1,
        ):
            return _Numbered(3, int(m.group(1)), m.group(2).strip())
        if m := _PAREN_ITEM.match(text):
            return _Numbered(4, int(m.group(1)), m.group(2).strip())
        return None


def _web_cell(text: str) -> str:
    """A table cell copied from a web page as ``text |`` is its text."""
    if text.endswith("|") and text.count("|") == 1:
        return text[:-1].rstrip()
    return text


def _prepared(lines: list[Line]) -> tuple[list[Line], list[tuple[int, str]]]:
    kept: list[Line] = []
    skipped: list[tuple[int, str]] = []
    for line in lines:
        if line.cells is not None:
            cells = [clean(cell) for cell in line.cells]
            values = [cell for cell in cells if cell]
            if len(values) == 1 and not values[0].isdigit():
                line = Line(line.number, values[0])  # a title row, or a row spanning the table
            elif values:
                kept.append(Line(line.number, "\t".join(cells), cells))
                continue
            else:
                continue
        text = _web_cell(clean(line.text))
        if not text:
            continue
        if is_boilerplate(text):
            skipped.append((line.number, text))
            continue
        kept.append(Line(line.number, text))
    return kept, skipped


def find_structure(raw_lines: list[Line]) -> Structure:
    lines, skipped = _prepared(raw_lines)
    finder = _Finder(lines)
    finder.run()
    return finder.result(skipped)


def _text_cells(text: str) -> list[str] | None:
    if "\t" in text:
        return [cell.strip() for cell in text.split("\t")]
    if text.count("|") >= 2:
        return [cell.strip() for cell in text.strip("|").split("|")]
    return None


def header_field(cell: str) -> str | None:
    name = re.sub(r"\s", "", cell)
    for key, words in HEADER_WORDS.items():
        if name in words:
            return key
    if "领导" in name and len(name) <= 8:
        return "leaders"
    return None


def _table_header(cells: list[str]) -> list[str | None] | None:
    columns = [header_field(cell) for cell in cells]
    known = {c for c in columns if c}
    if "task" in known and known & {"lead", "responsible", "leaders"}:
        return columns
    return None


class _Finder:
    def __init__(self, lines: list[Line]) -> None:
        self.lines = lines
        self.chapters: list[tuple[int, str, int]] = []  # number, title, line
        self.drafts: list[Draft] = []  # chapter: an index into self.chapters until result()
        self.unplaced: list[tuple[int, str, bool]] = []  # line, text, is a numbered item
        self.notes: list[str] = []
        self.counts = {"chapters": 0, "subheadings": 0, "items": 0, "tables": 0, "attributions": 0}
        self.current: Draft | None = None
        self.end = len(lines)
        self.table_starts: list[int] = []
        self.chapter_leaders: dict[int, list[str]] = {}

    # ------------------------------------------------------------ the whole document

    def run(self) -> None:
        levels = self._numbering()
        task_level = self._task_level(levels)
        has_chapters = any(n is not None and n.level == 1 for n in levels) and task_level != 1
        index = 0
        while index < len(self.lines):
            line = self.lines[index]
            if self.drafts and self._ends(line.text):
                self.end = index
                return
            table = self._table_at(index)
            if table is not None:
                index = table
                continue
            numbered = levels[index]
            index += 1
            if numbered is not None and numbered.level < task_level:
                if numbered.level == 1:
                    self._chapter(numbered.number, numbered.text, line.number)
                else:
                    self.counts["subheadings"] += 1
                    self.current = None
                continue
            if numbered is not None and numbered.level == task_level:
                self._item(line, numbered, has_chapters)
                continue
            self._text(line)

    def result(self, skipped: list[tuple[int, str]]) -> Structure:
        """Chapters that hold tasks (numbered as the document numbers them, or through when
        a number repeats), the head before the body, and what could not be placed."""
        used = sorted({draft.chapter for draft in self.drafts})
        numbers = [self.chapters[i][0] for i in used]
        through = len(set(numbers)) != len(numbers)
        ids = {i: (k if through else self.chapters[i][0]) for k, i in enumerate(used, 1)}
        chapters = [(ids[i], self.chapters[i][1]) for i in used]
        starts = [self.chapters[i][2] for i in used] + [d.line for d in self.drafts]
        starts += self.table_starts
        body_start = min(starts) if starts else self.lines[-1].number + 1 if self.lines else 0
        notes = list(self.notes)
        if through:
            notes.append("章节编号有重复，已按全文顺序重新编号")
        for i, (_, title, line) in enumerate(self.chapters):
            if i not in ids:
                notes.append(f"第{line}行的章节“{title}”下没有任务，未导入")
        for draft in self.drafts:
            draft.chapter = ids[draft.chapter]
        unplaced = [
            (line, text) for line, text, item in self.unplaced if item or line >= body_start
        ]
        head = [line for line in self.lines if line.number < body_start and line.cells is None]
        return Structure(
            head,
            chapters,
            self.drafts,
            unplaced,
            skipped,
            notes,
            self.counts,
            self.lines[self.end :],
        )

    def _numbering(self) -> list[_Numbered | None]:
        reader = _Levels()
        return [None if line.cells is not None else reader.read(line.text) for line in self.lines]

    def _task_level(self, levels: list[_Numbered | None]) -> int:
        """The level whose items carry attributions; the deepest present when none do."""
        attributed: dict[int, int] = {}
        present: set[int] = set()
        for index, numbered in enumerate(levels):
            if numbered is None:
                continue
            present.add(numbered.level)
            block = [numbered.text]
            for later in range(index + 1, len(levels)):
                if levels[later] is not None or self.lines[later].cells is not None:
                    break
                block.append(self.lines[later].text)
            if split_attribution("".join(block))[1] is not None or any(
                standalone_attribution(text) for text in block[1:]
            ):
                attributed[numbered.level] = attributed.get(numbered.level, 0) + 1
        if attributed:
            return max(attributed, key=lambda level: (attributed[level], level))
        deeper = [level for level in present if level > 1]
        return max(deeper) if deeper else 3

    def _ends(self, text: str) -> bool:
        return text.startswith("抄送") or (text.endswith("印发") and len(text) < 40)

    def _chapter(self, number: int, title: str, line: int) -> None:
        found = trailing_bracket(title)
        if found is not None and found[0] > 0:
            title = title[: found[0]].rstrip()
            if names := leaders(found[1]):
                self.chapter_leaders[len(self.chapters)] = names
        self.chapters.append((number, title.strip(), line))
        self.counts["chapters"] += 1
        self.current = None

    def _chapter_for_item(self, has_chapters: bool, line: int) -> int | None:
        if self.chapters:
            return len(self.chapters) - 1
        if has_chapters:
            return None
        self.chapters.append((1, DEFAULT_CHAPTER, line))
        return 0

    def _item(self, line: Line, numbered: _Numbered, has_chapters: bool) -> None:
        self.counts["items"] += 1
        chapter = self._chapter_for_item(has_chapters, line.number)
        if chapter is None:
            self.unplaced.append((line.number, line.text, True))
            self.current = None
            return
        self.current = Draft(numbered.number, chapter, line.number, numbered.text)
        self.current.chapter_leaders = self.chapter_leaders.get(chapter, [])
        self.drafts.append(self.current)

    def _text(self, line: Line) -> None:
        text = line.text
        if self.current is None:
            if not _END_MATTER.match(text) and not _DATE_LINE.match(text):
                self.unplaced.append((line.number, text, False))
            return
        standalone = standalone_attribution(text)
        if standalone is not None and split_attribution(self.current.body)[1] is None:
            self.counts["attributions"] += 1
            previous = self.current.attribution
            self.current.attribution = f"{previous}；{standalone}" if previous else standalone
            return
        if _END_MATTER.match(text) or _DATE_LINE.match(text):
            self.current = None
            return
        if self.current.attribution is not None:
            self.unplaced.append((line.number, text, False))  # prose after the attribution
            return
        self.current.body += text  # a sentence broken across lines

    # ------------------------------------------------------------ tables

    def _table_at(self, index: int) -> int | None:
        """Read a table starting at ``index``; returns the index after it, or None."""
        line = self.lines[index]
        cells = line.cells if line.cells is not None else _text_cells(line.text)
        if cells is not None:
            columns = _table_header(cells)
            if columns is None:
                return None
            self._start_table(line.number)
            return self._cell_table(index + 1, columns)
        columns_run: list[str | None] = []
        end = index
        while end < len(self.lines) and self.lines[end].cells is None:
            column = header_field(self.lines[end].text)
            if column is None:
                break
            columns_run.append(column)
            end += 1
        if len(columns_run) >= 3 and _table_header([c or "" for c in columns_run]) is None:
            known = set(columns_run)
            if "task" in known and known & {"lead", "responsible", "leaders"}:
                self._start_table(line.number)
                return self._line_table(end, columns_run)
        return None

    def _start_table(self, line: int) -> None:
        self.counts["tables"] += 1
        self.table_starts.append(line)
        self.current = None

    def _cell_table(self, index: int, columns: list[str | None]) -> int:
        """A table whose rows come with their cells: Word, Excel, CSV, tab-separated text."""
        category = ""
        while index < len(self.lines):
            line = self.lines[index]
            cells = line.cells if line.cells is not None else _text_cells(line.text)
            if cells is None:
                if is_boilerplate(line.text) or not _heading(line.text):
                    break
                self._chapter_row(line.text, line.number)  # a row spanning the table
                index += 1
                continue
            index += 1
            values = [c for c in cells if c]
            if _table_header(cells) is not None:
                columns = _table_header(cells) or columns
                continue
            if len(values) == 1 and not _only_number(values[0]):
                self._chapter_row(values[0], line.number)
                continue
            row: dict[str, list[str]] = {}
            for column, cell in zip(columns, cells, strict=False):
                if column is not None and cell:
                    row.setdefault(column, []).append(cell)
            if "category" in row and row["category"][0] != category:
                category = row["category"][0]
                self._chapter(len(self.chapters) + 1, category, line.number)
            self._row(line.number, row, line.text)
        return index

    def _chapter_row(self, text: str, line: int) -> None:
        if m := _CHAPTER.match(text):
            self._chapter(chinese_number(m.group(1)), m.group(2), line)
        else:
            self._chapter(len(self.chapters) + 1, text, line)

    def _row(self, number: int, row: dict[str, list[str]], text: str) -> Draft | None:
        body = "".join(row.get("task", []))
        if not body:
            self.unplaced.append((number, text, True))
            return None
        numbers = row.get("number", [])
        task_number = int(numbers[0]) if numbers and numbers[0].isdigit() else len(self.drafts) + 1
        chapter = self._chapter_for_item(False, number) or 0
        cells = {key: values for key, values in row.items() if key in _CELL_FIELDS}
        draft = Draft(task_number, chapter, number, body, cells=cells)
        draft.chapter_leaders = self.chapter_leaders.get(chapter, [])
        self.drafts.append(draft)
        self.counts["items"] += 1
        return draft

    def _line_table(self, index: int, columns: list[str | None]) -> int:
        """A table copied from a web page one cell a line: a row starts at its 序号."""
        after_number = (
            columns[columns.index("number") + 1 :] if "number" in columns else columns[1:]
        )
        category_first = "category" in columns and (
            "number" not in columns or columns.index("category") < columns.index("number")
        )
        expected = None
        row: list[Line] = []
        row_number = 0
        while index < len(self.lines):
            line = self.lines[index]
            text = line.text
            if line.cells is not None or _END_MATTER.match(text) or self._ends(text):
                break
            if text.isdigit() and (expected is None or int(text) == expected):
                self._line_row(row_number, row, after_number, category_first)
                row_number, row, expected = int(text), [], int(text) + 1
            elif (m := _CHAPTER.match(text)) and _heading(m.group(2)):
                self._line_row(row_number, row, after_number, category_first)
                self._chapter(chinese_number(m.group(1)), m.group(2), line.number)
                row = []
            else:
                row.append(line)
            index += 1
        self._line_row(row_number, row, after_number, category_first)
        return index

    def _line_row(
        self, number: int, lines: list[Line], columns: list[str | None], category_first: bool
    ) -> None:
        if not lines:
            return
        if number == 0:  # lines before the first 序号: a category, or nothing of the table
            if category_first and len(lines) == 1:
                self._chapter(len(self.chapters) + 1, lines[0].text, lines[0].number)
            else:
                self.unplaced += [(line.number, line.text, False) for line in lines]
            return
        row, leftover = _fill(lines, columns, subrows=not category_first)
        category = None
        if leftover and category_first and _short_title(leftover[-1].text):
            category = leftover.pop()
        draft = self._row(lines[0].number, row, lines[0].text)
        if draft is not None:
            draft.number = number
        self.unplaced += [(line.number, line.text, True) for line in leftover]
        if category is not None:
            self._chapter(len(self.chapters) + 1, category.text, category.number)


_CELL_FIELDS = ("lead", "cooperate", "responsible", "leaders", "due")


def _only_number(text: str) -> bool:
    return text.strip().isdigit()


def _short_title(text: str) -> bool:
    return len(text) <= 20 and "。" not in text


def _kind(text: str) -> str:
    """What a table cell copied one a line looks like: a time, a person, units, or text."""
    if looks_like_due(text):
        return "due"
    pieces = [p for p in re.split(r"[、，,；;\s]+", text) if p]
    if not pieces or "。" in text:
        return "text"
    if all(re.fullmatch(r"[\u4e00-\u9fa5]{2,3}", p) and not _INSTITUTION.search(p) for p in pieces):
        return "person"
    if all(len(p) <= 24 and (_INSTITUTION.search(p) or is_placeholder(p)) for p in pieces):
        return "units"
    return "text"


_ACCEPTS = {
    "task": {"text"},
    "leaders": {"person"},
    "lead": {"units"},
    "cooperate": {"units"},
    "responsible": {"units"},
    "due": {"due"},
    "person": {"person"},
    "category": {"text"},
    "other": {"text", "units", "person"},
}


def _fill(
    lines: list[Line], columns: list[str | None], subrows: bool
) -> tuple[dict[str, list[str]], list[Line]]:
    """Cells of one row, in column order: the first line is the task; each later line goes
    to the next column that takes its kind, or stays in the current one when no later
    column would (three units of one 责任单位 cell). With ``subrows``, a text line after the
    last column is a second line of the task (a row with two sub-items)."""
    row: dict[str, list[str]] = {}
    leftover: list[Line] = []
    usable = [c for c in columns if c is not None and c != "number"]
    if not usable:
        return row, list(lines)
    row.setdefault(usable[0], []).append(lines[0].text)
    pointer = 0
    for line in lines[1:]:
        kind = _kind(line.text)
        later = next(
            (i for i in range(pointer + 1, len(usable)) if kind in _ACCEPTS[usable[i]]), None
        )
        if later is not None:
            pointer = later
            row.setdefault(usable[pointer], []).append(line.text)
        elif pointer > 0 and kind in _ACCEPTS[usable[pointer]]:
            row[usable[pointer]].append(line.text)
        elif subrows and kind == "text" and "task" in row:
            row["task"].append(line.text)
            pointer = usable.index("task")
        else:
            leftover.append(line)
    return row, leftover


__all__ = ["LABELS", "Draft", "Structure", "find_structure", "header_field", "is_boilerplate"]
