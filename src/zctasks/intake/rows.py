"""What the columns of a department's sheet mean, and the reports its rows hold.

Two layouts are read. A *report sheet* has a row per report: task, unit, date, status,
note and the figures, either in columns named by target (its id 7.1, or its name with or
without its unit in brackets: 新建改造乡镇商贸中心（个）) or in one column of
``7.1=12.3；7.2=4`` pairs. A returned *报送表* (``zctasks template``) has a block of rows per
task: a row per target with its figure, the narrative once per task.

Rows are placed by what they say. A row's task is its number *and* its title: when both are
given they must agree, or the import is refused naming both; a running 序号 (1, 2, 3 …)
beside titles of other tasks is a row counter, and such rows are read by their titles; a
row counter is never a task number when a 任务序号 column is there too. The reporter is the
填报单位 (or 报送单位) when the sheet has one, not the 责任单位. A column that holds figures
but names no target is an error; a column of text nobody knows (备注, 说明) is kept in the
report's note. Two columns for one field are an error, except for text, which is joined in
column order. Nothing is dropped without a word: ``--ignore-column`` names what to leave
out. Every problem is reported at once, located in its cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from zctasks.files.errors import Diagnostic, UsageError
from zctasks.files.yamlfile import YamlDoc
from zctasks.intake.tables import Cell, Table
from zctasks.log.figures import BadNumber, parse_number
from zctasks.log.inputs import DAY_FORMS, excel_date_problem, parse_day, parse_figure, parse_task
from zctasks.plan.calendar import Calendar
from zctasks.plan.ledger import Ledger
from zctasks.plan.models import Number, Target, Task

NUMBER_NAMES = ("任务序号", "任务编号", "task")
"""Headers that can only mean the task's number."""
COUNTER_NAMES = ("序号", "编号")
"""Headers that may be the task's number or a row counter."""
TITLE_NAMES = ("任务", "任务名称", "工作任务", "重点任务", "重点工作", "重点工作任务", "任务内容")
REPORTER_NAMES = ("填报单位", "报送单位", "by")
"""The unit that sent the report: preferred over any other unit column."""
UNIT_NAMES = ("单位",)
LEAD_NAMES = ("责任单位", "牵头单位")
"""The unit a task is assigned to: the reporter only when no column names the reporter."""
COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("日期", "截至日期", "报送日期", "填报日期", "date"),
    "status": ("状态", "进展状态", "完成状态", "status"),
    "values": ("指标值", "values"),
    "note": ("本期进展", "进展情况", "进展", "工作进展", "完成情况", "note"),
    "source": ("佐证材料", "依据", "佐证", "来源", "source"),
    "next": ("下步打算", "下步计划", "下一步", "下步工作", "next"),
    "problems": ("存在问题", "问题", "困难问题", "problems"),
    "forced": ("代报原因", "forced"),
    "target": ("指标编号",),
    "value": ("本期数值", "数值", "本期完成"),
}
INFORMATIONAL = (
    "本单位角色",
    "角色",
    "指标名称",
    "目标",
    "目标任务",
    "上次报送",
    "上次报送日期",
    "配合单位",
    "责任领导",
    "牵头领导",
    "完成时限",
)
"""What the office wrote into a sheet (a template's columns, the plan's own columns): read
past, never a report."""
NARRATIVE = ("status", "note", "source", "next", "problems", "forced")
TEXT_FIELDS = ("note", "source", "next", "problems", "forced")
"""Fields whose columns, when a sheet has two, are joined in column order."""
LABELS = {
    "task": "任务序号",
    "title": "任务",
    "by": "报送单位",
    "date": "日期",
    "status": "状态",
    "note": "本期进展",
    "source": "佐证材料",
    "next": "下步打算",
    "problems": "存在问题",
    "forced": "代报原因",
    "values": "指标值",
}
_TARGET_ID = re.compile(r"^(\d+\.\d+)(?:\s*(.*))?$")
_ESTIMATE_COLUMN = re.compile(r"^(?:(?:预计|预估)(\d+\.\d+)|(\d+\.\d+)(?:预计|预估)数?)$")
"""A column of a target's estimates (预计, 预估): 1.2预计, 预计1.2."""
_ESTIMATED = re.compile(r"^\s*[（(]?(?:预计|预估)[）)]?\s*")
"""A figure the unit marks as an estimate: 预计30, （预估）30."""
_BRACKETED_UNIT = re.compile(
    r"^(.*?)\s*[（(【\[]\s*(?:单位[:：]\s*)?([^（）()【】\[\]]*?)\s*[）)】\]]$"
)
_PAIRS = re.compile(r"[；;\s]+|[,，](?=\s*[0-9]+\.[0-9]+\s*=)")
_HEADER_ROWS = 15
_LEADING_NUMBER = re.compile(
    r"^(?:第?\s*\d+\s*项|\d+\s*[.、．]|[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、)\s*"
)


def text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date().isoformat()
    return str(value).strip()


def _name(value: Any) -> str:
    return text_of(value).replace("\n", "").replace(" ", "").replace("\u3000", "")


@dataclass
class Column:
    """What one column of a sheet holds."""

    index: int
    header: str
    kind: str
    """task, counter, title, by, unit, lead, a field of COLUMNS, value:<target id>,
    name:<target name>, text (kept in the note) or info (read past)."""
    unit: str | None = None
    """For a column named by a target's name: the unit its header brackets, if any."""


@dataclass
class Sheet:
    """The reports found in one table, as a document the schema can validate and locate."""

    table: Table
    doc: YamlDoc
    diagnostics: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    untouched: int = 0
    """Task blocks of a 报送表 that were left empty: not reports."""
    unit: str | None = None
    bad: dict[int, set[str]] = field(default_factory=dict)
    """Record index → fields whose cell could not be read (already reported)."""
    by_title: bool = False
    """Whether the rows were placed by their task titles (the 序号 being a row counter)."""
    ignored: set[str] = field(default_factory=set)
    """The --ignore-column names this sheet had."""
    unit_from: str = ""
    """Where the sheet's one unit was read: 文件名, 表头, 隐藏的说明页."""
    columns: dict[int, Column] = field(default_factory=dict)


class SheetDoc(YamlDoc):
    """A YamlDoc whose positions are cells of a table: diagnostics name the cell."""

    table: Table

    def diagnostic(
        self,
        loc: tuple[str | int, ...],
        code: str,
        message: str,
        hint: str = "",
        *,
        key: bool = False,
        severity: str = "error",
    ) -> Diagnostic:
        row, column = self.where(loc, key=key)
        return self.table.diagnostic(row, column, code, message, hint, severity)


@dataclass
class Intake:
    """What a whole import knows: the plan, its calendar, the day files arrived, what to
    leave out."""

    ledger: Ledger
    calendar: Calendar
    default_day: date | None
    received: date | None
    today: date
    ignore: frozenset[str] = frozenset()


def _classify(intake: Intake, names: list[str]) -> dict[int, Column]:
    """Each named column's kind, before looking at what the cells hold."""
    ledger = intake.ledger
    targets = _targets_by_name(ledger)
    template = "指标编号" in names and "本期数值" in names
    columns: dict[int, Column] = {}
    for index, name in enumerate(names):
        if not name:
            continue
        if name in intake.ignore:
            columns[index] = Column(index, name, "ignored")
            continue
        kind = "unknown"
        unit = None
        target_match = _TARGET_ID.match(name)
        estimate = _ESTIMATE_COLUMN.match(name)
        if name in NUMBER_NAMES:
            kind = "task"
        elif name in COUNTER_NAMES:
            kind = "counter"
        elif name in TITLE_NAMES:
            kind = "title"
        elif name in REPORTER_NAMES:
            kind = "by"
        elif name in UNIT_NAMES:
            kind = "unit"
        elif name in LEAD_NAMES:
            kind = "lead"
        elif template and name == "指标":
            kind = "info"
        elif name == "指标":
            kind = "values"  # 7.1=12.3；7.2=4 pairs, unless it holds names (see _settle)
        elif estimate and _target(ledger, estimate.group(1) or estimate.group(2)) is not None:
            kind = "estimate:" + (estimate.group(1) or estimate.group(2))
        elif name.startswith("ambiguous:"):
            kind = name
        elif target_match and _target(ledger, target_match.group(1)) is not None:
            target_id, rest = target_match.group(1), target_match.group(2) or ""
            target = _target(ledger, target_id)
            assert target is not None
            if _ESTIMATE_WORD.fullmatch(rest):
                kind = "estimate:" + target_id
            elif rest in _spellings(target):
                kind = "value:" + target_id
            else:
                kind = "suffix:" + target_id
        else:
            kind = next((f for f, spelled in COLUMNS.items() if name in spelled), "unknown")
        if kind == "unknown":
            bare, bracketed = name, None
            found = _BRACKETED_UNIT.match(name)
            if found and found.group(1) in targets:
                bare, bracketed = found.group(1), found.group(2)
            if bare in targets and bracketed is not None and _ESTIMATE_WORD.fullmatch(bracketed):
                kind = "estimatename:" + bare  # 新建幼儿园（预计）
            elif bare in targets:
                kind, unit = "name:" + bare, bracketed
            elif name in INFORMATIONAL:
                kind = "info"
        columns[index] = Column(index, name, kind, unit)
    return columns


_ESTIMATE_WORD = re.compile(r"[（(]?(?:预计|预估)数?[）)]?")


def _spellings(target: Target) -> set[str]:
    """What may follow a target's id in a header of its actual figures: nothing, its name,
    its unit, or its name and unit (1.1新增市级以上创新平台（家））."""
    name, unit = _name(target.name), _name(target.unit)
    spelled = {"", name}
    if unit:
        for left, right in (("（", "）"), ("(", ")")):
            spelled |= {left + unit + right, name + left + unit + right}
        spelled |= {unit, "单位：" + unit}
    return spelled


def _header_names(intake: Intake, cells: list[Cell]) -> list[str]:
    """Each header cell's text as the sheet shows it. A number is a target id only as it
    is shown: 1.1 shown as "1.10" (format 0.00) is 1.10; 1.1 in General format when the
    task also has a target 1.10 (or 1.100) is ambiguous — Excel shows 1.10 typed in a
    General cell as 1.1."""
    from zctasks.intake.tables import shown_decimals

    names = []
    for cell in cells:
        value = cell.value
        if isinstance(value, float) and not isinstance(value, bool):
            decimals = shown_decimals(cell)
            text = f"{value:.{decimals}f}" if decimals is not None else text_of(value)
            task_id, _, _ = text.partition(".")
            task = intake.ledger.tasks.get(int(task_id)) if task_id.isdigit() else None
            if decimals is None and task is not None:
                alike = [
                    t.id
                    for t in task.targets
                    if t.id.partition(".")[2].rstrip("0") == text.partition(".")[2].rstrip("0")
                    and t.id.startswith(task_id + ".")
                ]
                if len(alike) > 1 or (alike and alike != [text]):
                    names.append("ambiguous:" + "、".join(alike))
                    continue
            names.append(text)
        else:
            names.append(_name(value))
    return names


def _targets_by_name(ledger: Ledger) -> dict[str, list[Target]]:
    found: dict[str, list[Target]] = {}
    for task in ledger.tasks.values():
        for target in task.targets:
            found.setdefault(_name(target.name), []).append(target)
    return found


def _target(ledger: Ledger, target_id: str) -> Target | None:
    task_id, _, _ = target_id.partition(".")
    task = ledger.tasks.get(int(task_id)) if task_id.isdigit() else None
    if task is None:
        return None
    return next((t for t in task.targets if t.id == target_id), None)


def _header(intake: Intake, table: Table) -> tuple[int, dict[int, Column]] | None:
    """The header row's index and its columns: the first of the first rows with a task
    column (number or title) and at least one other known column."""
    for index, (_, cells) in enumerate(table.rows[:_HEADER_ROWS]):
        names = _header_names(intake, cells)
        columns = _classify(intake, names)
        kinds = [c.kind for c in columns.values()]
        keyed = any(k in ("task", "counter", "title") for k in kinds)
        known = sum(1 for k in kinds if k not in ("unknown", "info", "ignored"))
        if keyed and known >= 2:
            return index, columns
    return None


def read_sheet(intake: Intake, table: Table) -> Sheet:
    doc = SheetDoc(table.name, [])
    doc.table = table
    doc.keys = doc.values
    sheet = Sheet(table, doc)
    found = _header(intake, table)
    if found is None:
        sheet.diagnostics.append(
            table.diagnostic(
                1,
                1,
                "no-header",
                "找不到表头：前 15 行中没有同时含“任务序号”（或“序号”、“任务”）和其他已知列的行",
                (
                    "这张工作表如不是报送内容（封面、说明），删去它后重新导入；否则"
                    if table.sheet
                    else ""
                )
                + "表头写作 任务序号、任务、单位、日期、状态、进展情况、存在问题、下步计划、佐证材料，"
                "以及以指标编号（如 7.1）或指标名称为名的列；或使用 zctasks template 生成的报送表",
            )
        )
        return sheet
    header_index, columns = found
    sheet.columns = columns
    header_row = table.rows[header_index][0]
    if table.hidden:
        sheet.warnings.append(
            table.diagnostic(
                1,
                1,
                "hidden",
                f"工作表“{table.sheet}”中隐藏的{'、'.join(table.hidden)}也一并读取了",
                "隐藏的内容如不是本期报送，删去后重新导入",
                "warning",
            )
        )
    rows = table.rows[header_index + 1 :]
    sheet.ignored = {c.header for c in columns.values() if c.kind == "ignored"}
    _settle(intake, sheet, columns, rows, header_row)
    if sheet.diagnostics:
        return sheet
    template = any(c.kind == "target" for c in columns.values()) and any(
        c.kind == "value" for c in columns.values()
    )
    sheet.unit = _unit_of(intake, table, columns, sheet, template)
    if sheet.diagnostics:
        return sheet
    if template:
        _read_blocks(intake, sheet, rows, columns)
    else:
        _read_reports(intake, sheet, rows, columns)
    _drop_unplaced(sheet)
    return sheet


def _settle(
    intake: Intake,
    sheet: Sheet,
    columns: dict[int, Column],
    rows: list[tuple[int, list[Cell]]],
    header_row: int,
) -> None:
    """Decide what the cells make of ambiguous columns, and refuse what cannot be read:
    unknown columns of figures, two columns for one field."""
    table = sheet.table

    def cells_of(column: Column) -> list[Cell]:
        return [cells[column.index] for _, cells in rows if column.index < len(cells)]

    def problem(column: Column, code: str, message: str, hint: str = "") -> None:
        sheet.diagnostics.append(
            table.diagnostic(header_row, column.index + 1, code, message, hint)
        )

    for column in columns.values():
        filled = [c for c in cells_of(column) if text_of(c.value)]
        if column.kind == "title" and filled and all(parse_task(text_of(c.value)) for c in filled):
            column.kind = "counter" if column.header != "任务" else "task"
        elif column.kind == "values" and column.header == "指标" and _names_only(intake, filled):
            column.kind = "info"  # a 指标 column of names, as in the plan
        elif column.kind == "values":
            for row_number, cells in rows:
                cell = _cell(cells, column.index)
                if text_of(cell.value) and "=" not in text_of(cell.value):
                    sheet.diagnostics.append(
                        table.diagnostic(
                            row_number,
                            column.index + 1,
                            "number",
                            f"列“{column.header}”的“{text_of(cell.value)}”没有写是哪个指标的数值",
                            "写作 指标编号=数值，多个用分号隔开（如 1.1=4；1.2=2）；"
                            "或把数值填在以指标编号为名的列（如 1.1）中",
                        )
                    )
        elif column.kind.startswith("suffix:"):
            target = _target(intake.ledger, column.kind[7:])
            assert target is not None
            if filled:
                problem(
                    column,
                    "unknown-column",
                    f"列“{column.header}”以指标编号 {target.id} 开头，但其后的"
                    f"“{column.header[len(target.id) :]}”既不是该指标的名称也不是其单位，"
                    "不知这一列是不是本期的实际数",
                    f"本期实际数的列名写 {target.id} 或 {target.id}{_name(target.name)}"
                    f"（{target.unit}）；预计数写 {target.id}预计；"
                    f"不需要导入时用 --ignore-column {column.header}",
                )
            else:
                column.kind = "info"
        elif column.kind.startswith("ambiguous:"):
            found = column.kind[10:]
            problem(
                column,
                "ambiguous-target",
                f"列名是数字 {_header_number(found)}，可能是指标 {found}："
                "Excel 把输入的 1.10 显示为 1.1，无法确定是哪一个",
                "把列名单元格设为文本格式后照指标编号输入（如 1.10），或写指标名称",
            )
        elif column.kind == "unknown":
            figures = [c for c in filled if _is_figure(c)]
            if figures:
                problem(
                    column,
                    "unknown-column",
                    f"列“{column.header}”中有数字，但它不是任何指标，无法对应",
                    "列名写指标编号（如 14.1）或指标名称（如 新建改造乡镇商贸中心（个））；"
                    f"确实不需要导入时用 --ignore-column {column.header}",
                )
            else:
                column.kind = "text"
    kinds = [c.kind for c in columns.values()]
    if "value" in kinds and "target" not in kinds:
        column = next(c for c in columns.values() if c.kind == "value")
        problem(
            column,
            "unknown-column",
            f"列“{column.header}”逐行填指标的数值，但表中没有“指标编号”列，不知这些数值是哪个指标的",
            "加一列“指标编号”（如 1.1），或把数值填在以指标编号为名的列（如 1.1）中",
        )
    if "task" in kinds:  # a row counter beside a task number is only a row counter
        for column in columns.values():
            if column.kind == "counter":
                column.kind = "info"
    elif kinds.count("counter") == 1 and "title" not in kinds:
        for column in columns.values():
            if column.kind == "counter":
                column.kind = "task"
    for column in columns.values():
        if column.kind.startswith("name:") and column.unit is not None:
            units = {t.unit for t in _targets_by_name(intake.ledger)[column.kind[5:]]}
            if column.unit not in units:
                problem(
                    column,
                    "unit-mismatch",
                    f"列“{column.header}”的单位“{column.unit}”与指标的单位“{'、'.join(sorted(units))}”不同",
                    "按指标的单位填写数值，并在列名中写同样的单位",
                )
    seen: dict[str, Column] = {}
    for column in columns.values():
        kind = column.kind
        if kind in ("info", "ignored", "unknown") or kind in TEXT_FIELDS or kind == "text":
            continue
        if kind == "lead" or (kind == "unit" and any(c.kind == "by" for c in columns.values())):
            column.kind = "info"  # 责任单位, 牵头单位: the task's assignment, never the reporter
            continue
        key = kind
        if kind.startswith("name:"):
            key = "name:" + kind[5:]
        elif kind.startswith("estimatename:"):
            key = kind
        if key in seen:
            first = seen[key]
            problem(
                column,
                "duplicate-column",
                f"列“{column.header}”与第 {first.index + 1} 列“{first.header}”是同一项内容，不知以哪列为准",
                "删去多余的一列，或用 --ignore-column 指明不导入哪一列",
            )
        seen.setdefault(key, column)
    for column in columns.values():
        if column.kind == "unit":
            column.kind = "by"


def _header_number(found: str) -> str:
    first = found.partition("、")[0]
    task, _, part = first.partition(".")
    return f"{task}.{part.rstrip('0') or '0'}"


def _names_only(intake: Intake, filled: list[Cell]) -> bool:
    """Whether a 指标 column holds target names (as in the plan), not figures: every cell
    is a target's name, or text with no digit and no "="."""
    targets = _targets_by_name(intake.ledger)
    for cell in filled:
        text = _name(cell.value)
        found = _BRACKETED_UNIT.match(text)
        if text in targets or (found and found.group(1) in targets):
            continue
        if "=" in text or "＝" in text or any(ch.isdigit() for ch in text):
            return False
    return True


def _is_figure(cell: Cell) -> bool:
    value = cell.value
    if isinstance(value, bool | datetime | date):
        return False
    if isinstance(value, int | float):
        return True
    text = text_of(value).replace("％", "%").removesuffix("%").strip()
    try:
        parse_number(text)
    except BadNumber:
        return False
    return True


def _drop_unplaced(sheet: Sheet) -> None:
    """Records whose task could not be read are left out of validation (their problem is
    reported); the others keep their places."""
    drop = {i for i, fields in sheet.bad.items() if "task" in fields}
    if not drop:
        return
    old = sheet.doc
    doc = SheetDoc(old.path, [])
    doc.table = sheet.table
    doc.keys = doc.values
    moved: dict[int, int] = {}
    for i, record in enumerate(old.data):
        if i not in drop:
            moved[i] = len(doc.data)
            doc.data.append(record)
    for loc, place in old.values.items():
        if loc and isinstance(loc[0], int) and loc[0] in moved:
            doc.values[(moved[loc[0]], *loc[1:])] = place
    sheet.doc = doc


_HEADER_UNIT = re.compile(r"报送单位[:：]\s*(\S+?)(?:（|\s|$)")
_HEADER_DUE = re.compile(r"截止日期[:：]\s*(\d{4})年(\d{1,2})月(\d{1,2})日")
_FILE_NAME = re.compile(r"^报送表-(.+)-(\d{4}-\d{2}-\d{2})$")


def _unit_of(
    intake: Intake, table: Table, columns: dict[int, Column], sheet: Sheet, template: bool
) -> str | None:
    """The unit a whole sheet reports for. A 报送表 says it three times — its hidden sheet,
    its file name and the header line — and all that are there must agree."""
    ledger = intake.ledger
    claims: list[tuple[str, str | None, date | None]] = []
    if table.meta.get("kind"):
        due = table.meta.get("due", "")
        claims.append(
            ("隐藏的说明页", table.meta.get("unit") or None, parse_day(due) if due else None)
        )
    stem = table.path.stem
    named = _FILE_NAME.match(stem)
    if named:
        claims.append(("文件名", _known(ledger, named.group(1)), parse_day(named.group(2))))
    else:
        spelled = _spelled_units(ledger, stem)
        if len(spelled) > 1:
            sheet.diagnostics.append(
                table.diagnostic(
                    1,
                    1,
                    "conflicting-sheet",
                    f"文件名中有 {len(spelled)} 个单位（{'、'.join(spelled)}），无法确定是谁的报送",
                    "文件名中只写报送单位（如 区发改局9月.xlsx），或加一列“填报单位”后重新导入",
                )
            )
            return None
        if spelled:
            claims.append(("文件名", spelled[0], None))
    for _, cells in table.rows[:3]:
        for cell in cells:
            text = text_of(cell.value)
            named_unit = _HEADER_UNIT.search(text)
            named_due = _HEADER_DUE.search(text)
            if named_unit or named_due:
                claims.append(
                    (
                        "表头",
                        _known(ledger, named_unit.group(1)) if named_unit else None,
                        date(*(int(named_due.group(n)) for n in (1, 2, 3))) if named_due else None,
                    )
                )
                break
        else:
            continue
        break
    units = {u for _, u, _ in claims if u}
    dues = {d for _, _, d in claims if d}
    if len(units) > 1 or len(dues) > 1:
        said = "；".join(
            f"{where}：{unit or '未写单位'}" + (f"，截止{day.isoformat()}" if day else "")
            for where, unit, day in claims
        )
        sheet.diagnostics.append(
            table.diagnostic(
                1,
                1,
                "conflicting-sheet",
                f"这份表的报送单位或报送周期前后不一（{said}），无法确定是谁、哪一期的报送",
                "确认是哪个单位哪一期的报送后，用 zctasks template 为该单位重新生成报送表填写",
            )
        )
        return None
    if template and dues:
        table.meta.setdefault("due", next(iter(dues)).isoformat())
    if units:
        sheet.unit_from = next(where for where, unit, _ in claims if unit)
        return next(iter(units))
    if any(c.kind == "by" for c in columns.values()):
        return None  # each row says
    leads = [c.header for c in columns.values() if c.header in LEAD_NAMES]
    sheet.diagnostics.append(
        table.diagnostic(
            1,
            1,
            "no-unit",
            "无法确定报送单位：表中没有“填报单位”或“报送单位”列，文件名和表头中也没有单位名称"
            + (f"（“{leads[0]}”列是任务的分工，不是报送单位）" if leads else ""),
            "在文件名中写上单位（如 区教体局11月.xlsx），或加一列“填报单位”",
        )
    )
    return None


def _known(ledger: Ledger, name: str) -> str:
    try:
        return ledger.resolve_unit(name)
    except UsageError:
        return name


def _spelled_units(ledger: Ledger, text: str) -> list[str]:
    """The units a file name names, longest spelling first, each once (区科技局转区发改局 →
    区科技局、区发改局)."""
    found: list[str] = []
    rest = text
    for spelling in sorted(ledger.names, key=len, reverse=True):
        if len(spelling) >= 2 and spelling in rest:
            rest = rest.replace(spelling, "\0")
            unit = ledger.names[spelling]
            if unit not in found:
                found.append(unit)
    return found


def _template_day(intake: Intake, sheet: Sheet) -> date | None:
    """A 报送表's reports stand at the end of its cycle (its due date, or the end of the plan
    period for the year-end cycle), or at the day they arrived if that is earlier. A day
    outside the cycle the sheet names (``--date``, or ``--received`` before the cycle began)
    is refused: the sheet says which cycle it is for. A sheet received after its due date
    is recorded in its own cycle, with a remark."""
    table = sheet.table
    due = parse_day(table.meta.get("due", ""))
    if due is None:
        return intake.default_day
    calendar = intake.calendar
    end = calendar.cycle_end(due)
    day = intake.default_day or min(end, intake.received or intake.today)
    if due not in calendar.dues:
        return day
    start = calendar.window_start(due)
    if calendar.cycle_of(day) != due or (start is not None and day <= start):
        what = "--date" if intake.default_day is not None else "--received"
        sheet.diagnostics.append(
            table.diagnostic(
                1,
                1,
                "outside-cycle",
                f"这是 {_chinese_day(due)}截止的一期（{_span(start, end)}）的报送表，"
                f"{what} {day.isoformat()} 不在这一期内，没有导入",
                "不写 --date 时，报送表记在这一期的截止日；"
                "报送的是别的一期的进展时，请用 zctasks template 生成那一期的报送表填写",
            )
        )
        return None
    following = [d for d in calendar.dues if d > due]
    if intake.received is not None and following and intake.received >= following[0]:
        sheet.warnings.append(
            table.diagnostic(
                1,
                1,
                "past-cycle",
                f"这是 {_chinese_day(due)}截止的一期（{_span(start, end)}）的报送表，"
                f"{intake.received.isoformat()} 才收到：记在这一期（{day.isoformat()}），"
                "该单位这一期原有的报送会被它替代；填的若是之后的进展，请撤销后用本期的报送表重报",
                severity="warning",
            )
        )
    return day


def _chinese_day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _span(start: date | None, end: date) -> str:
    return (f"{start.isoformat()} 后" if start else "") + f"至 {end.isoformat()}"


def _place(doc: YamlDoc, loc: tuple[str | int, ...], row: int, column: int) -> None:
    """A field's cell; a sheet's keys are where its values are (``doc.keys`` is
    ``doc.values``), so each place is kept once."""
    doc.values[loc] = (row, column + 1)


def _read_reports(
    intake: Intake,
    sheet: Sheet,
    rows: list[tuple[int, list[Cell]]],
    columns: dict[int, Column],
) -> None:
    doc = sheet.doc
    keys = ("task", "counter", "title", "by", "date")
    counter = _counter_is_running(intake, sheet, rows, columns)
    previous_keyed = False
    for row, cells in rows:
        present = {
            c.index: c
            for c in columns.values()
            if c.index < len(cells)
            and (text_of(cells[c.index].value) != "" or cells[c.index].formula)
            and c.kind not in ("info", "ignored", "unknown")
        }
        kinds = {c.kind for c in present.values()}
        repeated = [c for c in present.values() if _name(cells[c.index].value) == c.header]
        if len(repeated) >= 2 and len(repeated) >= len(present) - 1:
            sheet.diagnostics.append(
                sheet.table.diagnostic(
                    row,
                    1,
                    "second-header",
                    "这一行又是一个表头：一张工作表中只能有一个表格",
                    "把第二个表格移到另一张工作表（或另一个文件），再重新导入",
                )
            )
            return
        if not kinds or kinds <= set(keys):
            previous_keyed = bool(kinds & {"task", "counter", "title"})
            continue  # blank, or a task listed with nothing reported
        i = len(doc.data)
        record: dict[str, Any] = {}
        doc.values[(i,)] = (row, 1)
        if not kinds & {"task", "counter", "title"}:
            first = min(present)
            sheet.diagnostics.append(
                sheet.table.diagnostic(
                    row,
                    first + 1,
                    "merged-key",
                    "这一行有报送内容，但没有任务序号或任务名称"
                    + ("（与上一行合并了单元格？）" if previous_keyed else ""),
                    "每一行都写上任务序号和任务名称，不要合并这两列的单元格",
                )
            )
            sheet.bad.setdefault(i, set()).add("task")
            doc.data.append(record)
            continue
        previous_keyed = True
        _place_task(intake, sheet, record, cells, columns, row, counter)
        texts: dict[str, list[tuple[str, str]]] = {}
        for column in present.values():
            kind = column.kind
            if kind in ("task", "counter", "title"):
                continue
            cell = cells[column.index]
            if kind in TEXT_FIELDS or kind == "text":
                field_name = "note" if kind == "text" else kind
                texts.setdefault(field_name, []).append((column.header, text_of(cell.value)))
                _place(doc, (i, field_name), row, column.index)
                continue
            if kind.startswith(("name:", "estimatename:")):
                bare = kind.partition(":")[2]
                named = _targets_named(intake.ledger, record.get("task"), bare)
                if len(named) != 1:
                    _problem(
                        sheet,
                        row,
                        column.index,
                        "unknown-target",
                        _not_on_task(record, column, bare)
                        if not named
                        else f"第{record.get('task')}项有 {len(named)} 个名为“{bare}”的指标"
                        f"（{'、'.join(t.id for t in named)}），列“{column.header}”不知是哪一个",
                        "列名改写为指标编号（如 "
                        + (named[0].id if named else "1.1")
                        + "）；各指标名称相同时请在计划中区分"
                        if named
                        else "",
                    )
                    continue
                target = named[0]
                name = ("value:" if kind.startswith("name:") else "estimate:") + target.id
            else:
                name = kind
            if name.startswith("value:"):
                loc: tuple[Any, ...] = (i, "values", name[6:])
            elif name.startswith("estimate:"):
                loc = (i, "estimates", name[9:])
            else:
                loc = (i, name)
            if loc in doc.values and name.startswith("value:"):
                _problem(
                    sheet,
                    row,
                    column.index,
                    "duplicate-column",
                    f"指标 {name[6:]} 在这一行有两列数值（列“{column.header}”）",
                    "每个指标只留一列；不导入的一列用 --ignore-column 指明",
                )
                continue
            _place(doc, loc, row, column.index)
            _set(intake, sheet, record, name, cell, row, column.index)
        for field_name, parts in texts.items():
            record[field_name] = _joined(parts, field_name, columns)
        _finish(intake, sheet, record, i, row, None)
        doc.data.append(record)


def _joined(parts: list[tuple[str, str]], field_name: str, columns: dict[int, Column]) -> str:
    """The text of a field's columns in column order. The field's one own column is kept
    as written; a second own column, and text columns nobody knows (备注), are labelled."""
    own = [h for h, _ in parts if h in COLUMNS.get(field_name, ())]
    plain = own[0] if len(own) == 1 else None
    return "；".join(text if header == plain else f"{header}：{text}" for header, text in parts)


def _not_on_task(record: dict[str, Any], column: Column, name: str) -> str:
    task = record.get("task")
    where = f"第{task}项" if isinstance(task, int) else "这一行的任务"
    return f"{where}没有名为“{name}”的指标（列“{column.header}”）"


def _targets_named(ledger: Ledger, task_id: Any, name: str) -> list[Target]:
    task = ledger.tasks.get(task_id) if isinstance(task_id, int) else None
    if task is None:
        return []
    return [t for t in task.targets if _name(t.name) == name]


def _counter_is_running(
    intake: Intake, sheet: Sheet, rows: list[tuple[int, list[Cell]]], columns: dict[int, Column]
) -> bool:
    """Whether a 序号 column beside task titles is a row counter: it runs 1, 2, 3 … and at
    least one title names another task than its number."""
    counter = next((c for c in columns.values() if c.kind == "counter"), None)
    title = next((c for c in columns.values() if c.kind == "title"), None)
    if counter is None or title is None:
        return False
    numbers = []
    disagree = False
    ledger = intake.ledger
    for _, cells in rows:
        number = parse_task(text_of(_cell(cells, counter.index).value))
        if number is None:
            continue
        numbers.append(number)
        titled = text_of(_cell(cells, title.index).value)
        if titled:
            found = match_title(ledger, titled)
            if found is not None and found.id != number:
                disagree = True
    running = numbers == list(range(1, len(numbers) + 1))
    sheet.by_title = running and disagree
    return sheet.by_title


def match_title(ledger: Ledger, text: str) -> Task | None:
    """The task a title names: the same words, or the one task whose title it begins with
    (a title followed by the task's text) or which begins with it (a title cut short)."""
    wanted = _LEADING_NUMBER.sub("", _name(text)).rstrip("。；;，,")
    if not wanted:
        return None
    exact = [t for t in ledger.tasks.values() if _name(t.title) == wanted]
    if len(exact) == 1:
        return exact[0]
    if exact:
        return None
    close = [
        t
        for t in ledger.tasks.values()
        if wanted.startswith(_name(t.title))
        or (len(wanted) >= 4 and _name(t.title).startswith(wanted))
    ]
    return close[0] if len(close) == 1 else None


def _place_task(
    intake: Intake,
    sheet: Sheet,
    record: dict[str, Any],
    cells: list[Cell],
    columns: dict[int, Column],
    row: int,
    by_title: bool,
) -> None:
    """The row's task, from its number and its title, which must agree."""
    doc = sheet.doc
    i = len(doc.data)
    ledger = intake.ledger
    number_column = next((c for c in columns.values() if c.kind in ("task", "counter")), None)
    title_column = next((c for c in columns.values() if c.kind == "title"), None)
    number_text = text_of(_cell(cells, number_column.index).value) if number_column else ""
    title_text = text_of(_cell(cells, title_column.index).value) if title_column else ""
    titled = match_title(ledger, title_text) if title_text else None
    if title_column is not None and title_text and titled is None and (by_title or not number_text):
        _problem(
            sheet,
            row,
            title_column.index,
            "unknown-task",
            f"任务“{title_text}”与计划中的任何一项任务都对不上",
            "任务名称照计划原文写（如 提升科技成果转化精度），或写上任务序号",
            field_name="task",
        )
        return
    if by_title or not number_text:
        if titled is None:
            assert number_column is not None
            _problem(
                sheet,
                row,
                number_column.index,
                "missing-field",
                "缺少任务序号和任务名称",
                field_name="task",
            )
            return
        _place(doc, (i, "task"), row, (title_column or number_column).index)  # type: ignore[union-attr]
        record["task"] = titled.id
        return
    assert number_column is not None
    _place(doc, (i, "task"), row, number_column.index)
    number = parse_task(number_text)
    if number is None:
        _problem(
            sheet,
            row,
            number_column.index,
            "type",
            f"任务序号“{number_text}”无效：应为任务的编号，如 7",
            field_name="task",
        )
        return
    record["task"] = number
    if title_text and number in ledger.tasks and (titled is None or titled.id != number):
        assert title_column is not None
        _problem(
            sheet,
            row,
            title_column.index,
            "task-mismatch",
            f"第{number}项“{ledger.tasks[number].title}”与“{title_text}”不符",
            "核对这一行的任务序号和任务名称，改正后重新导入",
            field_name="task",
        )


def _problem(
    sheet: Sheet,
    row: int,
    column: int,
    code: str,
    message: str,
    hint: str = "",
    field_name: str = "",
) -> None:
    sheet.diagnostics.append(sheet.table.diagnostic(row, column + 1, code, message, hint))
    if field_name:
        sheet.bad.setdefault(len(sheet.doc.data), set()).add(field_name)


def _read_blocks(
    intake: Intake,
    sheet: Sheet,
    rows: list[tuple[int, list[Cell]]],
    columns: dict[int, Column],
) -> None:
    """A 报送表: rows grouped by task (the task cell is merged, so later rows leave it
    empty). A row whose target, or title, belongs to another task than its block's is a
    task cell merged over two tasks: an error, never a note filed under the wrong task."""
    by_field: dict[str, int] = {}
    for column in columns.values():
        by_field.setdefault(column.kind, column.index)
    task_column = by_field.get("task", by_field.get("counter"))
    assert task_column is not None
    title_column = by_field.get("title")
    name_column = next((c.index for c in columns.values() if c.header == "指标"), None)
    blocks: list[list[tuple[int, list[Cell]]]] = []
    current = ""
    for row, cells in rows:
        task_text = text_of(_cell(cells, task_column).value)
        if (task_text and task_text != current) or not blocks:
            blocks.append([])  # a CSV 报送表 repeats the task on each of its rows
            current = task_text or current
        blocks[-1].append((row, cells))
    doc = sheet.doc
    ledger = intake.ledger
    day = _template_day(intake, sheet)
    if sheet.diagnostics:
        return
    for block in blocks:
        first_row, first_cells = block[0]
        record: dict[str, Any] = {}
        i = len(doc.data)
        doc.values[(i,)] = (first_row, 1)
        touched = False
        task_id = parse_task(text_of(_cell(first_cells, task_column).value))
        merged = False
        for row, cells in block[1:]:
            target_id = text_of(_cell(cells, by_field["target"]).value)
            title = text_of(_cell(cells, title_column).value) if title_column is not None else ""
            other = target_id.partition(".")[0] if _TARGET_ID.match(target_id) else ""
            stranger = (other and task_id is not None and other != str(task_id)) or (
                title
                and task_id in ledger.tasks
                and _name(title) != _name(ledger.tasks[task_id].title)
            )
            if stranger:
                _problem(
                    sheet,
                    row,
                    task_column,
                    "merged-key",
                    f"这一行属于另一项任务（{target_id if other else title}），"
                    f"但任务序号单元格与第{task_id}项合并在一起",
                    "取消任务序号单元格的合并，让每项任务的行各有自己的任务序号，再重新导入",
                )
                merged = True
        if merged:
            continue
        for row, cells in block:
            for name in (*NARRATIVE, "by", "date"):
                where = by_field.get(name)
                cell = _cell(cells, where)
                if where is not None and text_of(cell.value) and name not in record:
                    _place(doc, (i, name), row, where)
                    _set(intake, sheet, record, name, cell, row, where)
                    touched = touched or name in NARRATIVE
            value_column = by_field["value"]
            value_cell = _cell(cells, value_column)
            target_id = text_of(_cell(cells, by_field["target"]).value)
            target = _target(ledger, target_id) if _TARGET_ID.match(target_id) else None
            written = _name(_cell(cells, name_column).value) if name_column is not None else ""
            if target is not None and written and written != _name(target.name):
                _problem(
                    sheet,
                    row,
                    by_field["target"],
                    "target-mismatch",
                    f"指标编号 {target_id} 是“{target.name}”，与这一行的指标“{written}”不符",
                    "报送表中的指标编号和指标栏不要改动；用 zctasks template 重新生成后填写",
                )
                continue
            if text_of(value_cell.value) or value_cell.formula:
                touched = True
                if not target_id or target_id == "—":
                    _problem(
                        sheet, row, value_column, "unknown-target", "这一行没有指标编号，不能填数值"
                    )
                    continue
                _place(doc, (i, "values", target_id), row, value_column)
                _set(intake, sheet, record, "value:" + target_id, value_cell, row, value_column)
        if not touched:
            sheet.untouched += 1
            continue
        _place(doc, (i, "task"), first_row, task_column)
        if "note" in by_field and "note" not in record:  # a missing note is named in its cell
            _place(doc, (i, "note"), first_row, by_field["note"])
        _set(intake, sheet, record, "task", _cell(first_cells, task_column), first_row, task_column)
        title = text_of(_cell(first_cells, title_column).value) if title_column is not None else ""
        number = record.get("task")
        if (
            title
            and isinstance(number, int)
            and number in ledger.tasks
            and _name(title) != _name(ledger.tasks[number].title)
        ):
            _problem(
                sheet,
                first_row,
                title_column,  # type: ignore[arg-type]
                "task-mismatch",
                f"第{number}项“{ledger.tasks[number].title}”与“{title}”不符",
                "报送表中的任务栏不要改动；用 zctasks template 重新生成后填写",
                field_name="task",
            )
        _finish(intake, sheet, record, i, first_row, day)
        doc.data.append(record)


def _cell(cells: list[Cell], column: int | None) -> Cell:
    if column is None or column >= len(cells):
        return Cell(None)
    return cells[column]


def sheet_columns(sheet: Sheet) -> list[Column]:
    return list(sheet.columns.values())


def _finish(
    intake: Intake,
    sheet: Sheet,
    record: dict[str, Any],
    i: int,
    row: int,
    day: date | None,
) -> None:
    ledger = intake.ledger
    record.setdefault("status", "推进中")
    if "by" not in record and sheet.unit is not None:
        record["by"] = sheet.unit
    elif sheet.unit is not None and isinstance(record.get("by"), str):
        try:
            said = ledger.resolve_unit(record["by"])
        except UsageError:
            said = sheet.unit  # an unknown unit is named by validation
        if said != sheet.unit:
            where = sheet.doc.values.get((i, "by"), (row, 1))
            sheet.diagnostics.append(
                sheet.table.diagnostic(
                    where[0],
                    where[1],
                    "conflicting-unit",
                    f"这一行的报送单位“{record['by']}”与{sheet.unit_from}中的单位“{sheet.unit}”不同，"
                    "无法确定是谁的报送",
                    "与报送单位核实后，改正文件名、表头或这一列，再重新导入",
                )
            )
    if intake.received is not None:
        record["received"] = intake.received.isoformat()
    day = day or intake.default_day
    if "date" in sheet.bad.get(i, set()):
        record["date"] = ledger.plan.period.start.isoformat()  # reported; check the rest
    elif "date" not in record:
        if day is None:
            sheet.diagnostics.append(
                sheet.table.diagnostic(
                    row,
                    1,
                    "missing-field",
                    "缺少日期：表中没有“日期”列",
                    "加一列“日期”，或导入时用 --date 指定这批进展所截至的日期"
                    + (
                        "；报送表改过文件名时，改回 zctasks template 给的文件名"
                        "（报送表-单位-截止日期）即可"
                        if any(c.kind == "target" for c in sheet_columns(sheet))
                        else ""
                    ),
                )
            )
            sheet.bad.setdefault(i, set()).add("date")
            record["date"] = ledger.plan.period.start.isoformat()  # reported above
        else:
            record["date"] = day.isoformat()


def _set(
    intake: Intake,
    sheet: Sheet,
    record: dict[str, Any],
    name: str,
    cell: Cell,
    row: int,
    column: int,
) -> None:
    """One cell into the record, read as its field expects; a bad cell is reported."""
    index = len(sheet.doc.data)

    def problem(code: str, message: str, hint: str = "") -> None:
        _problem(sheet, row, column, code, message, hint)
        sheet.bad.setdefault(index, set()).add(name)

    if cell.formula and cell.value is None:
        problem(
            "formula",
            f"单元格是公式（{cell.formula}），文件中没有保存它的计算结果",
            "在 Excel 或 WPS 中打开这个文件再保存一次（会保存计算结果），或把公式换成数值",
        )
        return
    text = text_of(cell.value)
    if name == "task":
        number = parse_task(text)
        if number is None:
            problem("type", f"任务序号“{text}”无效：应为任务的编号，如 7")
        else:
            record["task"] = number
    elif name == "date":
        day = _date(cell.value)
        if day is None:
            problem("type", f"日期“{text}”无效", f"写作 {DAY_FORMS}")
        else:
            record["date"] = day.isoformat()
    elif name == "values":
        from zctasks.log.recording import parse_values, target_units

        pairs, found = parse_values(
            [_pair_by_id(intake.ledger, record.get("task"), p) for p in _PAIRS.split(text) if p],
            target_units(intake.ledger, record.get("task")),
            how="sheet",
        )
        for message, hint in found:
            problem("number", message, hint)
        record.setdefault("values", {}).update(pairs)
    elif name.startswith(("value:", "estimate:")):
        target_id = name.partition(":")[2]
        kind = "estimates" if name.startswith("estimate:") else "values"
        written = text
        if isinstance(cell.value, str) and _ESTIMATED.match(cell.value):
            kind = "estimates"
            cell = replace(cell, value=_ESTIMATED.sub("", cell.value, count=1))
        if kind == "estimates":  # a 预计 cell in a column of actual figures: located there too
            _place(sheet.doc, (index, "estimates", target_id), row, column)
        try:
            record.setdefault(kind, {})[target_id] = figure(intake.ledger, target_id, cell)
        except BadNumber as exc:
            message = exc.message
            if kind == "estimates" and written != text_of(cell.value):
                message = f"数值“{written}”无效：应为“预计”加数字，如 预计30"
            problem("number", f"指标 {target_id} 的{message}", exc.hint)
    else:
        record[name] = text


def _pair_by_id(ledger: Ledger, task_id: Any, pair: str) -> str:
    """新增市级以上创新平台=4 → 1.1=4: a pair may name its target by name, if the row's
    task has exactly one target of that name."""
    left, sep, right = pair.partition("=")
    named = (
        _targets_named(ledger, task_id, _name(left)) if sep and not _TARGET_ID.match(left) else []
    )
    return f"{named[0].id}={right}" if len(named) == 1 else pair


def figure(ledger: Ledger, target_id: str, cell: Cell) -> Number:
    """A figure from a cell: a number, a number written as text, 85% for a percentage; a
    date cell is explained (Excel turns 1-2 into 2 January)."""
    target = _target(ledger, target_id)
    unit = target.unit if target is not None else None
    value = cell.value
    if isinstance(value, datetime | date):
        raise excel_date_problem(value)
    if isinstance(value, bool):
        raise BadNumber(f"数值“{text_of(value)}”无效：应为数字")
    if isinstance(value, int | float):
        from zctasks.intake.tables import percent_of

        shown = percent_of(cell)
        if shown == "scaled":
            if unit != "%":
                raise BadNumber(f"数值是百分数（{value:.2%}），而指标的单位是“{unit}”")
            scaled = Decimal(repr(value)) * 100
            return parse_number(format(scaled.normalize(), "f"))
        read = parse_number(text_of(value) if isinstance(value, int) else repr(value))
        if shown == "literal" and unit != "%":  # 0"%": 85 shown as 85%
            raise BadNumber(f"数值显示为百分数（{text_of(value)}%），而指标的单位是“{unit}”")
        return read
    return parse_figure(str(value), unit)


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return parse_day(text_of(value))
