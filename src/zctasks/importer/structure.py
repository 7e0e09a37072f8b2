"""The structure finder: chapters, tasks and their attributions in a document's lines.

Whatever the reader, the finder sees numbered lines (a table row carries its cells). It
knows the genre rather than one file:

- numbering at four levels, full- or half-width: ``一、`` / ``（一）`` / ``1.`` ``1、`` / ``（1）``.
  The tasks are the items of the level whose items carry the attributions — an item's own
  lines and those of the items under it: the deepest level where most items do, so that
  ``1.`` with ``（1）…（4）`` and one ``（责任单位：…）`` after them is one task with four
  sub-items, while ``（1）`` items with an attribution each are tasks. The shallowest level
  above the tasks is the chapters; levels between are the task's section;
- a number that runs into the title's own digits (``11.121人才梯队项目``) when it is the
  next number of its level;
- attributions in brackets at the end of a task, or on labelled lines of their own after it
  (any label shaped 牵头责任单位：, 分管县领导：, 完成时限：, 具体措施：, 部门分工：), or in table
  columns; a chapter heading may name its leaders (``一、王丹县长牵头重点工作``,
  ``（牵头领导：…）``);
- tables in every form (``tables``), with a 类别 column or a row spanning the table as chapters.

Nothing is dropped silently. Every line of the document is either placed (in a chapter, a
task, a section, the plan's own facts), or named as what it is (page chrome, the covering
notice before the body, a table header, what follows the end), or listed as unplaced.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from zctasks.importer.columns import Column, column_of
from zctasks.importer.tables import (
    Row,
    alignment,
    cell_row,
    display_starts,
    header_columns,
    line_rows,
    positioned_cells,
    space_aligned,
    spaced_header,
    spaced_row,
    text_cells,
)
from zctasks.importer.text import NUMERAL, Line, chinese_number
from zctasks.plan.attribution import (
    labelled_at_start,
    leaders,
    split_attribution,
    standalone_attribution,
    trailing_bracket,
)
from zctasks.plan.models import LabelField

DEFAULT_CHAPTER = "重点工作任务"

_CHAPTER = re.compile(rf"^({NUMERAL})\s*[、．.，,]\s*(.+)$")
_SUBHEADING = re.compile(rf"^[（(]\s*({NUMERAL})\s*[）)]\s*(.*)$")
_ITEM = re.compile(r"^(\d{1,3})\s*[.、．](?!\d)\s*(.*)$")
_ITEM_INTO_DIGITS = re.compile(r"^(\d{1,3})[.．](\d.*)$")
_MID_SENTENCE = re.compile(r"[\u4e00-\u9fa5A-Za-z0-9，,、]$")
"""A line that ends inside a sentence: the next line continues it (a hard-wrapped line)."""
_PAREN_ITEM = re.compile(r"^[（(]\s*(\d{1,3})\s*[）)]\s*(.*)$")
_DATE_LINE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日?$")
_END_MATTER = re.compile(r"^(?:抄送|附件[:：]|（此件|\(此件)")
_ATTACHMENTS = re.compile(r"^附件\s*[:：]")
_POST = (
    r"(?:常务)?副?(?:县|市|区|省|州|旗|镇|乡)长|(?:常务)?副?主任|副?书记|副?秘书长|"
    r"(?:县|市|区)长助理|党组成员|调研员|巡视员"
)
_LEADER_HEADING = re.compile(
    rf"^(?P<name>[\u4e00-\u9fa5](?:\s?[\u4e00-\u9fa5]){{1,2}}?)(?:{_POST})(?:同志)?(?:牵头|负责|分管|联系)"
)

_HEADER_LIKE = re.compile(r"[\u4e00-\u9fa5](?:\s*[\u4e00-\u9fa5]){1,7}")
"""A header cell whose words name nothing known (督查情况): it may stand in a header run."""
_SAYS_RESPONSIBLE = re.compile(r"责任|负责|承办|实施|落实|主管")
UNIT_CELLS = ("lead", "cooperate", "responsible", "leaders", "due", "person")


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
    """Leaders its chapter heading names (一、…（牵头领导：张三）, 一、王丹县长牵头重点工作)."""
    sub_items: list[str] = field(default_factory=list)
    """The numbered items under it (（1）…), verbatim with their numbers."""
    measures: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    """Other table cells, written 表头：内容."""
    section: str = ""
    lines: list[int] = field(default_factory=list)
    """The document lines it was read from."""
    from_table: bool = False
    position: int = 0
    """Where it starts among the lines read (a flattened line gives several)."""


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
    chapter_lines: dict[int, list[int]] = field(default_factory=dict)
    """Chapter id → the lines that made it (heading, category cells)."""
    left_out: list[tuple[int, str, str]] = field(default_factory=list)
    """Lines of the body named and left out: (line, text, what) — a table's header, a
    chapter without tasks."""


@dataclass
class _Numbered:
    level: int  # 1 一、 2 （一） 3 1. 4 （1）
    number: int
    text: str


def _heading(title: str) -> bool:
    """一、 starts a chapter heading when what follows is short and not a sentence."""
    found = trailing_bracket(title)
    bare = title[: found[0]] if found is not None and found[0] > 0 else title
    return len(bare) <= 60 and "。" not in bare.rstrip("。")


class _Levels:
    """Reads the numbering of a line, knowing the last number of each level (so that
    ``11.121人才梯队项目`` is item 11 when item 10 came before it)."""

    def __init__(self) -> None:
        self.last: dict[int, int] = {}
        self.previous = ""
        self.after_heading = False

    def read(self, text: str) -> _Numbered | None:
        found = self._match(text)
        self.previous = text
        self.after_heading = found is not None and found.level < 3
        if found is not None:
            if found.level < 3:  # items are numbered again under each heading
                self.last = {k: v for k, v in self.last.items() if k <= found.level}
            self.last[found.level] = found.number
        return found

    def _match(self, text: str) -> _Numbered | None:
        if (m := _CHAPTER.match(text)) and _heading(m.group(2)):
            return _Numbered(1, chinese_number(m.group(1)), m.group(2).strip())
        if m := _SUBHEADING.match(text):
            return _Numbered(2, chinese_number(m.group(1)), m.group(2).strip())
        if m := _ITEM.match(text):
            return _Numbered(3, int(m.group(1)), m.group(2).strip())
        if (
            (m := _ITEM_INTO_DIGITS.match(text))
            and int(m.group(1)) == self.last.get(3, 0) + 1
            and (self.after_heading or not _MID_SENTENCE.search(self.previous))
        ):  # 11.121人才梯队项目 after item 10; never 1.5万亩 wrapped from the line before
            return _Numbered(3, int(m.group(1)), m.group(2).strip())
        if m := _PAREN_ITEM.match(text):
            return _Numbered(4, int(m.group(1)), m.group(2).strip())
        return None


def heading_leaders(title: str) -> list[str]:
    """Leaders a chapter heading names: （牵头领导：张三、李四） at its end, or 王丹县长牵头….
    A name justified with a space (俞 悦) is read without it."""
    found = trailing_bracket(title)
    if found is not None and found[0] > 0 and (names := leaders(found[1])):
        return names
    if m := _LEADER_HEADING.match(title):
        return [re.sub(r"\s", "", m.group("name"))]
    return []


def find_structure(
    lines: list[Line],
    skipped: list[tuple[int, str]],
    columns: Mapping[str, Column] | None = None,
    labels: Mapping[str, LabelField] | None = None,
) -> Structure:
    finder = _Finder(lines, columns or {}, labels or {})
    finder.run()
    return finder.result(skipped)


class _Finder:
    def __init__(
        self, lines: list[Line], columns: Mapping[str, Column], labels: Mapping[str, LabelField]
    ) -> None:
        self.lines = lines
        self.columns = columns
        self.labels = labels
        self.chapters: list[tuple[int, str, int, int]] = []  # number, title, line, position
        self.chapter_lines: dict[int, list[int]] = {}
        self.chapter_at = -1  # the chapter tasks go to now (a repeated category is its first)
        self.drafts: list[Draft] = []  # chapter: an index into self.chapters until result()
        self.unplaced: list[tuple[int, str, bool, int]] = []  # line, text, an item?, position
        self.notes: list[str] = []
        self.counts = {"chapters": 0, "subheadings": 0, "items": 0, "tables": 0, "attributions": 0}
        self.current: Draft | None = None
        self.end = len(lines)
        self.table_starts: list[int] = []  # positions in self.lines
        self.at = 0  # the position of the line being read
        self.left_out: list[tuple[int, str, str]] = []
        self.chapter_leaders: dict[int, list[str]] = {}
        self.sections: dict[int, str] = {}
        self.section_lines: dict[int, tuple[int, str, int]] = {}
        self.all_sections: list[tuple[int, str, int]] = []
        self.used_sections: set[tuple[int, str, int]] = set()
        self.unknown_labels: dict[str, int] = {}
        self.group = ""  # the merged group cell of the table rows being read
        self.pending_label: Line | None = None
        self.header_starts: list[int] = []  # a space-aligned header's cells: display columns

    # ------------------------------------------------------------ the whole document

    def run(self) -> None:
        levels = self._numbering()
        task_level = self._task_level(levels)
        above = sorted({n.level for n in levels if n is not None and n.level < task_level})
        chapter_level = above[0] if above else None
        index = 0
        in_attachments = False
        while index < len(self.lines):
            line = self.lines[index]
            self.at = index
            if self.drafts and self._ends(line.text):
                self.end = index
                self._flush_label()
                return
            numbered = levels[index]
            if numbered is not None:
                self._flush_label()
            table = self._table_at(index)
            if table is not None:
                index = table
                continue
            index += 1
            if _ATTACHMENTS.match(line.text) and not self.drafts:
                in_attachments = True  # 附件：1.… 2.… in the notice: names, not tasks
                self.unplaced.append((line.number, line.text, False, self.at))
                continue
            if in_attachments and numbered is not None and numbered.level >= 3:
                self.unplaced.append((line.number, line.text, False, self.at))
                continue
            in_attachments = False
            if numbered is not None and numbered.level < task_level:
                if numbered.level == chapter_level:
                    self._chapter(numbered.number, numbered.text, line.number)
                else:
                    self.counts["subheadings"] += 1
                    self._section(numbered.level, line)
                continue
            if numbered is not None and numbered.level == task_level:
                self._item(line, numbered, chapter_level is not None)
                continue
            if (
                numbered is not None
                and numbered.level > task_level
                and self.current is not None
                and self.current.attribution is None
            ):
                self.current.sub_items.append(line.text)
                self.current.lines.append(line.number)
                continue
            self._text(line)
        self._flush_label()

    def _flush_label(self) -> None:
        """A label left without the value that should have followed it: unplaced."""
        if self.pending_label is not None:
            line, self.pending_label = self.pending_label, None
            self.unplaced.append((line.number, line.text, False, self.at))

    def result(self, skipped: list[tuple[int, str]]) -> Structure:
        """Chapters that hold tasks (numbered as the document numbers them, or through when
        a number repeats), the head before the body, and what could not be placed."""
        used = sorted({draft.chapter for draft in self.drafts})
        numbers = [self.chapters[i][0] for i in used]
        through = len(set(numbers)) != len(numbers)
        ids = {i: (k if through else self.chapters[i][0]) for k, i in enumerate(used, 1)}
        chapters = [(ids[i], self.chapters[i][1]) for i in used]
        starts = [self.chapters[i][3] for i in used] + [d.position for d in self.drafts]
        starts += self.table_starts
        body_start = min(starts) if starts else len(self.lines)
        notes = list(self.notes)
        if through:
            notes.append("章节编号有重复，已按全文顺序重新编号")
        left_out = list(self.left_out)
        for i, (_, title, line, _position) in enumerate(self.chapters):
            if i not in ids:
                notes.append(f"第{line}行的章节“{title}”下没有任务，未导入")
                left_out += [(n, title, "无任务的章节") for n in self.chapter_lines.get(i, [line])]
        for label, line in self.unknown_labels.items():
            notes.append(
                f"第{line}行的标签“{label}”含义不明，这些行列在未能归入的文字中"
                f'（可用 --columns "{label}=…" 指明）'
            )
        for draft in self.drafts:
            draft.chapter = ids[draft.chapter]
        chapter_lines = {ids[i]: self.chapter_lines.get(i, []) for i in used}
        unplaced = [
            (line, text) for line, text, item, at in self.unplaced if item or at >= body_start
        ]
        unplaced += [  # a sub-heading with no task under it
            (line, text)
            for line, text, at in self.all_sections
            if at >= body_start and (line, text, at) not in self.used_sections
        ]
        head = self.lines[:body_start]
        return Structure(
            head,
            chapters,
            self.drafts,
            unplaced,
            skipped,
            notes,
            self.counts,
            self.lines[self.end :],
            chapter_lines,
            left_out,
        )

    def _numbering(self) -> list[_Numbered | None]:
        reader = _Levels()
        return [None if line.cells is not None else reader.read(line.text) for line in self.lines]

    def _attributed(self, text: str) -> bool:
        return (
            split_attribution(text, self.labels)[1] is not None
            or standalone_attribution(text, self.labels) is not None
        )

    def _task_level(self, levels: list[_Numbered | None]) -> int:
        """The deepest level where most items carry an attribution in their own lines or in
        those of the items under them; the level where the most do when none has a majority;
        the deepest level present when no item has one."""
        items: dict[int, int] = {}
        attributed: dict[int, int] = {}
        for index, numbered in enumerate(levels):
            if numbered is None:
                continue
            items[numbered.level] = items.get(numbered.level, 0) + 1
            block = [self.lines[index].text]
            for later in range(index + 1, len(levels)):
                found = levels[later]
                if self.lines[later].cells is not None or (
                    found is not None and found.level <= numbered.level
                ):
                    break
                block.append(self.lines[later].text)
            if any(self._attributed(text) for text in block):
                attributed[numbered.level] = attributed.get(numbered.level, 0) + 1
        present = sorted(items)
        candidates = [level for level in present if level > 1] or present
        shares = {level: attributed.get(level, 0) / items[level] for level in candidates}
        if any(shares.values()):
            most = [level for level in candidates if shares[level] > 0.5]
            if most:
                return max(most)
            return max(candidates, key=lambda level: (shares[level], level))
        deeper = [level for level in present if level > 1]
        return max(deeper) if deeper else 3

    def _ends(self, text: str) -> bool:
        return text.startswith("抄送") or (text.endswith("印发") and len(text) < 40)

    def _chapter(self, number: int, title: str, line: int) -> None:
        names = heading_leaders(title)
        title = title.strip()  # verbatim, with the leaders it names
        self.sections = {}
        self.section_lines = {}
        self.group = ""
        self.current = None
        for i, (_, known, _line, _position) in enumerate(self.chapters):
            if known == title:
                self.chapter_at = i  # a category repeated (after a page break): the same
                self.chapter_lines.setdefault(i, []).append(line)
                return
        self.chapters.append((number, title, line, self.at))
        self.chapter_at = len(self.chapters) - 1
        self.chapter_lines[self.chapter_at] = [line]
        if names:
            self.chapter_leaders[self.chapter_at] = names
        self.counts["chapters"] += 1

    def _section(self, level: int, line: Line) -> None:
        self.sections = {k: v for k, v in self.sections.items() if k < level}
        self.section_lines = {k: v for k, v in self.section_lines.items() if k < level}
        self.sections[level] = line.text
        self.section_lines[level] = (line.number, line.text, self.at)
        self.all_sections.append((line.number, line.text, self.at))
        self.current = None

    def _chapter_for_item(self, has_chapters: bool, line: int) -> int | None:
        if self.chapters:
            return self.chapter_at
        if has_chapters:
            return None
        self.chapters.append((1, DEFAULT_CHAPTER, line, self.at))
        self.chapter_lines[0] = []
        self.chapter_at = 0
        return 0

    def _new_draft(self, number: int, chapter: int, line: int, body: str) -> Draft:
        draft = Draft(number, chapter, line, body, lines=[line], position=self.at)
        draft.chapter_leaders = self.chapter_leaders.get(chapter, [])
        draft.section = " ".join(self.sections[k] for k in sorted(self.sections))
        for section in self.section_lines.values():
            self.used_sections.add(section)
            draft.lines.append(section[0])
        self.drafts.append(draft)
        self.counts["items"] += 1
        return draft

    def _item(self, line: Line, numbered: _Numbered, has_chapters: bool) -> None:
        chapter = self._chapter_for_item(has_chapters, line.number)
        if chapter is None:
            self.counts["items"] += 1
            self.unplaced.append((line.number, line.text, True, self.at))
            self.current = None
            return
        self.current = self._new_draft(numbered.number, chapter, line.number, numbered.text)

    def _text(self, line: Line) -> None:
        text = line.text
        current = self.current
        if self.pending_label is not None and current is not None:
            label, self.pending_label = self.pending_label, None
            current.lines.append(label.number)
            text = label.text + text  # 牵头单位： on one line, 区发改局 on the next
        elif (
            current is not None
            and (only := labelled_at_start(text, self.labels))
            and only[1] is not None
            and not only[2].strip()
        ):
            self.pending_label = line
            return
        if current is None:
            if _END_MATTER.match(text) or _DATE_LINE.match(text):
                self.left_out.append((line.number, text, "日期或附注"))
            else:
                self.unplaced.append((line.number, text, False, self.at))
            return
        labelled = labelled_at_start(text, self.labels)
        if labelled is not None and labelled[1] == "measures":
            current.measures.append(labelled[2].strip())
            current.lines.append(line.number)
            return
        standalone = standalone_attribution(text, self.labels)
        if standalone is not None:
            self.counts["attributions"] += 1
            previous = current.attribution
            current.attribution = f"{previous}；{standalone}" if previous else standalone
            current.lines.append(line.number)
            return
        if labelled is not None and labelled[1] is None and len(labelled[0]) <= 8:
            self.unknown_labels.setdefault(labelled[0], line.number)
            self.unplaced.append((line.number, text, False, self.at))
            return
        if _END_MATTER.match(text) or _DATE_LINE.match(text):
            self.left_out.append((line.number, text, "日期或附注"))
            self.current = None
            return
        if current.attribution is not None or split_attribution(current.body, self.labels)[1]:
            self.unplaced.append((line.number, text, False, self.at))  # prose after the attribution
            return
        current.body += text  # a sentence broken across lines
        current.lines.append(line.number)

    # ------------------------------------------------------------ tables

    def _table_at(self, index: int) -> int | None:
        """Read a table starting at ``index``; returns the index after it, or None."""
        line = self.lines[index]
        cells = line.cells if line.cells is not None else text_cells(line.text)
        if cells is not None:
            columns = header_columns(cells, self.columns)
            if columns is not None:
                self._start_table([line])
                self._header_notes(cells, columns)
                if line.cells is None and space_aligned(line.text):
                    self.header_starts = [width for width, _ in display_starts(line.text)]
                return self._cell_table(index + 1, columns, cells)
        if line.cells is None and (columns := spaced_header(line.text, self.columns)):
            self._start_table([line])
            self._header_notes(line.text.split(), columns)
            return self._spaced_table(index + 1, columns, line.text.split())
        run: list[str] = []
        end = index
        while (
            end < len(self.lines)
            and self.lines[end].cells is None
            and len(run) < 12
            and (
                column_of(self.lines[end].text, self.columns) is not None
                or (run and _HEADER_LIKE.fullmatch(self.lines[end].text) is not None)
            )
        ):
            run.append(self.lines[end].text)
            end += 1
        # the header is as long as makes the lines after it align best (莲都: 分类 序号 事项
        # 责任单位 牵头单位, and 发展目标 after them is the first category, not a column)
        sample = [
            line.text
            for line in self.lines[index + len(run) : index + len(run) + 40]
            if line.cells is None and not _CHAPTER.match(line.text)
        ]
        best: tuple[float, int, list[Column | None], list[str]] | None = None
        for size in range(len(run), 2, -1):
            found = header_columns(run[:size], self.columns)
            if found is None:
                continue
            for columns, headers, changed in _readings(found, run[:size]):
                cost = alignment(run[size:] + sample, columns)[1]
                cost += 2.0 * (len(run) - size) + 0.5 * changed
                if best is None or cost < best[0] - 1e-9:
                    best = (cost, size, columns, headers)
        if best is None:
            return None
        _, size, columns, headers = best
        self._start_table(self.lines[index : index + size])
        self._header_notes(run[:size], [c for c, h in zip(columns, headers, strict=True) if h])
        return self._line_table(index + size, columns, headers)

    def _header_notes(self, cells: list[str], columns: list[Column | None]) -> None:
        """Say how header words that name no role, or nothing known, were read."""
        for cell, column in zip(cells, columns, strict=False):
            name = re.sub(r"\s", "", cell)
            if not name or name in self.columns:
                continue
            if column is None:
                note = f'表头“{name}”含义不明，其内容写入任务正文（可用 --columns "{name}=…" 指明）'
            elif column == "responsible" and not _SAYS_RESPONSIBLE.search(name):
                note = f'表头“{name}”没有说明是牵头还是配合，按负责单位读取（可用 --columns "{name}=lead" 等指明）'
            else:
                continue
            if note not in self.notes:
                self.notes.append(note)

    def _start_table(self, header: list[Line]) -> None:
        self._flush_label()
        self.group = ""
        self.header_starts = []
        self.counts["tables"] += 1
        self.table_starts.append(self.at)
        self.left_out += [(line.number, line.text, "表头") for line in header]
        self.current = None

    def _cell_table(self, index: int, columns: list[Column | None], headers: list[str]) -> int:
        """A table whose rows come with their cells: Word, Excel, CSV, tab- or bar-separated.
        A header on one line over cells that come one a line is read as a line table."""
        start = index
        while index < len(self.lines):
            line = self.lines[index]
            cells = line.cells if line.cells is not None else text_cells(line.text)
            if cells is None:
                if index == start and line.cells is None and not self._spanning(index):
                    return self._line_table(index, columns, headers)
                if self._ends(line.text) or not _heading(line.text) or line.text.isdigit():
                    break
                self._chapter_row(line.text, line.number)  # a row spanning the table
                index += 1
                continue
            index += 1
            values = [c for c in cells if c]
            again = header_columns(cells, self.columns)
            if again is not None:
                columns, headers = again, cells
                self._header_notes(cells, columns)
                self.left_out.append((line.number, line.text, "表头"))
                continue
            if len(values) == 1 and not values[0].strip().isdigit():
                self._chapter_row(values[0], line.number)
                continue
            if (
                line.cells is None
                and len(cells) < len(columns)
                and len(self.header_starts) == len(columns)
                and space_aligned(line.text)
            ):
                placed = positioned_cells(line.text, self.header_starts)
                if placed is None:  # cells under no header cell: which column is unknown
                    self.unplaced.append((line.number, line.text, True, self.at))
                    continue
                cells = placed
            row, leftover = cell_row(cells, columns, headers, line.number)
            self._row(row, line.text, columns)
            self.unplaced += [(line.number, text, False, self.at) for text in leftover]
        return index

    def _spanning(self, index: int) -> bool:
        """A row spanning the table (a chapter) right under its header: a row of one value
        with rows of cells after it."""
        line = self.lines[index]
        if not line.spans or not _heading(line.text) or index + 1 >= len(self.lines):
            return False
        after = self.lines[index + 1]
        return after.cells is not None or text_cells(after.text) is not None

    def _spaced_table(self, index: int, columns: list[Column | None], headers: list[str]) -> int:
        """A table pasted as text with its cells separated by single spaces."""
        while index < len(self.lines):
            line = self.lines[index]
            if line.cells is not None or self._ends(line.text):
                break
            if (m := _CHAPTER.match(line.text)) and _heading(m.group(2)):
                self._chapter(chinese_number(m.group(1)), m.group(2), line.number)
                index += 1
                continue
            if len(line.text.split()) < 2:
                break
            index += 1
            row, leftover = spaced_row(line.text, columns, headers, line.number)
            self._row(row, line.text, columns)
            self.unplaced += [(line.number, text, False, self.at) for text in leftover]
        return index

    def _chapter_row(self, text: str, line: int) -> None:
        if m := _CHAPTER.match(text):
            self._chapter(chinese_number(m.group(1)), m.group(2), line)
        else:
            self._chapter(len(self.chapters) + 1, text, line)

    def _row(self, row: Row, text: str, columns: list[Column | None]) -> Draft | None:
        """A row as a task: its serial number, its task cell and the rest by column. A row
        whose task cell repeats the row above (a merged cell carried down), or a row without
        a task or a serial number of its own (a second sub-item), adds to the task above."""
        number = row.lines[0] if row.lines else 0
        if "category" in row.cells:
            category = "".join(row.cells["category"])
            title = self.chapters[self.chapter_at][1] if self.chapters else None
            if category != title:
                self._chapter(len(self.chapters) + 1, category, number)
        if "group" in row.cells:
            self.group = "".join(row.cells["group"])  # a merged cell: the rows below share it
        body = "".join(row.cells.get("task", []))
        numbers = [n for n in row.cells.get("number", []) if n.isdigit()]
        last = self.drafts[-1] if self.drafts else None
        if last is not None and last.from_table and last.chapter == self.chapter_at and row.cells:
            same = bool(numbers) and int(numbers[0]) == last.number
            carried = not numbers and bool(body) and body == last.body
            second = not numbers and "number" in columns
            if same or carried or second:
                self._fill(last, row, with_task=bool(body) and body != last.body)
                return last
        if not body:
            self.unplaced.append((number, text, True, self.at))
            return None
        task_number = int(numbers[0]) if numbers else len(self.drafts) + 1
        chapter = self._chapter_for_item(False, number)
        assert chapter is not None
        draft = self._new_draft(task_number, chapter, number, body)
        draft.lines = draft.lines[1:]  # its row's lines come with the row; a section's stay
        if self.group:  # under the sub-heading above the table, if any
            draft.section = f"{draft.section} {self.group}".strip()
        self._fill(draft, row, with_task=False)
        return draft

    def _fill(self, draft: Draft, row: Row, with_task: bool = True) -> None:
        draft.from_table = True
        for column, values in row.cells.items():
            if column == "group":
                continue
            if column == "task":
                if with_task:
                    draft.body += "".join(values)
            elif column in UNIT_CELLS:
                draft.cells.setdefault(column, []).extend(values)
            elif column == "measures":
                draft.measures.extend(values)
            elif column.startswith("extra:"):
                name = column.removeprefix("extra:")
                draft.extra.append(f"{name}：{''.join(values)}" if name else "".join(values))
        draft.lines += [n for n in row.lines if n not in draft.lines]

    def _line_table(self, index: int, columns: list[Column | None], headers: list[str]) -> int:
        """A table copied from a web page one cell a line."""
        end = index
        while end < len(self.lines):
            line = self.lines[end]
            if line.cells is not None or _END_MATTER.match(line.text) or self._ends(line.text):
                break
            end += 1
        segment: list[Line] = []
        for item in [*self.lines[index:end], None]:
            heading = item is not None and (m := _CHAPTER.match(item.text)) and _heading(m.group(2))
            if item is not None and not heading:
                segment.append(item)
                continue
            self._line_segment(segment, columns, headers)
            segment = []
            if item is not None:
                self._chapter_row(item.text, item.number)
        return end

    def _line_segment(
        self, lines: list[Line], columns: list[Column | None], headers: list[str]
    ) -> None:
        if not lines:
            return
        rows, leftover = line_rows(lines, columns, headers)
        for row in rows:
            if row.category is not None:
                self._chapter(len(self.chapters) + 1, row.category[1], row.category[0])
            texts = [t for values in row.cells.values() for t in values]
            self._row(row, " ".join(texts), columns)
        self.unplaced += [(line.number, line.text, False, self.at) for line in leftover]


def _readings(
    columns: list[Column | None], headers: list[str]
) -> list[tuple[list[Column | None], list[str], int]]:
    """The ways to read a header copied one cell a line, with how many changes each makes:
    as written; with a serial-number column the header does not name (rows numbered 1, 2 …
    under 工作任务 | 具体要求 | …); with its task column read as a merged grouping cell and the
    text column after it as the task (the grouping cell written once for several rows)."""
    readings = [(columns, headers, 0)]
    if "task" in columns:
        at = columns.index("task")
        later = next((j for j in range(at + 1, len(columns)) if columns[j] in ("text", None)), None)
        if later is not None:
            grouped = list(columns)
            grouped[at], grouped[later] = "group", "task"
            readings.append((grouped, headers, 1))
    if "number" not in columns:
        for reading, names, changed in list(readings):
            for k in range(len(reading) + 1):
                numbered: list[Column | None] = [*reading[:k], "number", *reading[k:]]
                readings.append((numbered, [*names[:k], "", *names[k:]], changed + 1))
    return readings


__all__ = ["Draft", "Structure", "find_structure", "heading_leaders"]
