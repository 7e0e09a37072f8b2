"""The 报送表 a unit fills in: its tasks, each target with its goal and last figure, and the
cells for this cycle's report.

One block of rows per task: the task's number, title and the unit's role, then a row per
target (number, name, goal, the last figure in force and its date, and the cell for this
cycle's figure); the narrative cells (状态, 本期进展, 存在问题, 下步打算, 佐证材料) are merged
over the task's rows. What the office wrote is locked; only the cells to fill are open.
A hidden sheet names the unit and the cycle, so a returned file says whose it is.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from zctasks.documents.sheets import formula_safe, print_landscape
from zctasks.judge.cycles import Calendar
from zctasks.judge.views import role_name, target_goal
from zctasks.log.figures import number
from zctasks.log.store import Progress
from zctasks.plan.ledger import Ledger
from zctasks.plan.models import Task

SHEET = "报送表"
META_SHEET = "_zctasks"
KIND = "zctasks-报送表"
STATUSES = ("未启动", "推进中", "已完成", "受阻")
COLUMNS = (
    ("任务序号", 8),
    ("任务", 26),
    ("本单位角色", 8),
    ("指标编号", 8),
    ("指标", 22),
    ("目标", 14),
    ("上次报送", 12),
    ("上次报送日期", 12),
    ("本期数值", 12),
    ("状态", 9),
    ("本期进展", 40),
    ("存在问题", 24),
    ("下步打算", 24),
    ("佐证材料", 18),
)
HEADERS = tuple(name for name, _ in COLUMNS)
FILL_FROM = HEADERS.index("本期数值")
NARRATIVE = ("状态", "本期进展", "存在问题", "下步打算", "佐证材料")
INSTRUCTIONS = (
    "填写说明：灰色部分请勿改动。“本期数值”只填数字，不带单位：累计类指标填年初至今的累计数，"
    "比例、水平类指标填当前水平（85% 可填 85 或 85%）。“状态”从下拉列表中选择。每项任务的"
    "进展、问题、打算写在该任务合并的单元格中；本期没有进展的任务留空即可，不计为报送。"
)


@dataclass(frozen=True)
class Cycle:
    start: date | None
    """The previous due date: the cycle holds progress after it."""
    due: date


@dataclass(frozen=True)
class Row:
    task: Task
    role: str
    target_id: str
    target_name: str
    goal: str
    last: str
    last_date: str


def cycle_for(ledger: Ledger, as_of: date) -> Cycle:
    """The cycle a template made on ``as_of`` asks for: the first due date on or after it."""
    calendar = Calendar.of(ledger)
    due = next((d for d in calendar.dues if d >= as_of), calendar.dues[-1])
    return Cycle(calendar.window_start(due), due)


def rows_for(ledger: Ledger, progress: Progress, unit: str, as_of: date) -> list[Row]:
    rows = []
    for task in ledger.tasks_of(unit):
        role = task.role_of(unit)
        assert role is not None
        entries = progress.of_task(task.id, as_of)
        if not task.targets:
            rows.append(Row(task, role_name(role), "", "", "", "", ""))
        for target in task.targets:
            reported = [e for e in entries if target.id in e.values]
            last, last_date = "", ""
            if reported:
                last = number(reported[-1].values[target.id]) + target.unit
                last_date = reported[-1].date.isoformat()
            rows.append(
                Row(
                    task,
                    role_name(role),
                    target.id,
                    target.name,
                    target_goal(target),
                    last,
                    last_date,
                )
            )
    return rows


def file_name(unit: str, cycle: Cycle, suffix: str) -> str:
    """报送表-区发改局-2023-09-25.xlsx: the unit and the due date a returned file is for."""
    return f"报送表-{unit}-{cycle.due.isoformat()}.{suffix}"


def _period(cycle: Cycle) -> str:
    due = f"{cycle.due.year}年{cycle.due.month}月{cycle.due.day}日"
    if cycle.start is None:
        return f"截至{due}"
    start = cycle.start
    return f"{start.year}年{start.month}月{start.day}日后至{due}"


def xlsx_bytes(ledger: Ledger, progress: Progress, unit: str, as_of: date) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    cycle = cycle_for(ledger, as_of)
    rows = rows_for(ledger, progress, unit, as_of)
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    width = len(COLUMNS)
    last_column = get_column_letter(width)
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    locked_fill = PatternFill("solid", fgColor="EDEDED")
    wrap = Alignment(wrap_text=True, vertical="center")
    full_name = ledger.units[unit].full_name

    sheet.merge_cells(f"A1:{last_column}1")
    sheet["A1"] = f"《{ledger.plan.title}》进展报送表"
    sheet["A1"].font = Font(size=15, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.row_dimensions[1].height = 42
    sheet.merge_cells(f"A2:{last_column}2")
    sheet["A2"] = (
        f"报送单位：{unit}"
        + (f"（{full_name}）" if full_name else "")
        + f"　　报送周期：{_period(cycle)}　　截止日期："
        f"{cycle.due.year}年{cycle.due.month}月{cycle.due.day}日前报送"
    )
    sheet["A2"].font = Font(size=11, bold=True)
    sheet.row_dimensions[2].height = 22
    sheet.merge_cells(f"A3:{last_column}3")
    sheet["A3"] = INSTRUCTIONS
    sheet["A3"].alignment = wrap
    sheet["A3"].font = Font(size=10, color="404040")
    sheet.row_dimensions[3].height = 44
    for index, (title, size) in enumerate(COLUMNS, 1):
        cell = sheet.cell(row=4, column=index, value=title)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
        sheet.column_dimensions[get_column_letter(index)].width = size
    sheet.row_dimensions[4].height = 30

    figures = DataValidation(
        type="decimal",
        operator="between",
        formula1="-999999999999999",
        formula2="999999999999999",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="本期数值",
        error="请只填数字，不带单位（85% 可填 85 或 85%）。",
    )
    statuses = DataValidation(
        type="list",
        formula1='"' + ",".join(STATUSES) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="状态",
        error="请从下拉列表中选择：" + "、".join(STATUSES),
    )
    sheet.add_data_validation(figures)
    sheet.add_data_validation(statuses)

    row_number = 5
    blocks: list[tuple[int, int]] = []
    for task_id in dict.fromkeys(r.task.id for r in rows):
        block = [r for r in rows if r.task.id == task_id]
        first, last = row_number, row_number + len(block) - 1
        blocks.append((first, last))
        for offset, row in enumerate(block):
            number_row = first + offset
            values: list[Any] = [
                row.task.id,
                row.task.title,
                row.role,
                row.target_id or "—",
                row.target_name or "（无量化指标）",
                row.goal,
                row.last,
                row.last_date,
                None,
            ]
            for column, value in enumerate(values, 1):
                cell = sheet.cell(row=number_row, column=column, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # plan text is never a formula
                cell.border = border
                cell.alignment = wrap
                if column <= FILL_FROM:
                    cell.fill = locked_fill
            figure = sheet.cell(row=number_row, column=FILL_FROM + 1)
            if row.target_id:
                figure.protection = Protection(locked=False)
                figures.add(figure.coordinate)
            else:
                figure.fill = locked_fill
            for column in range(FILL_FROM + 2, width + 1):
                cell = sheet.cell(row=number_row, column=column)
                cell.border = border
                cell.alignment = wrap
                cell.protection = Protection(locked=False)
            sheet.row_dimensions[number_row].height = _height(row)
        statuses.add(
            f"{get_column_letter(FILL_FROM + 2)}{first}:{get_column_letter(FILL_FROM + 2)}{last}"
        )
        if last > first:
            for column in (1, 2, 3, *range(FILL_FROM + 2, width + 1)):
                letter = get_column_letter(column)
                sheet.merge_cells(f"{letter}{first}:{letter}{last}")
        row_number = last + 1

    sheet.freeze_panes = "A5"
    print_landscape(sheet, 4, margin=0.4)
    sheet.protection.sheet = True
    sheet.protection.formatRows = False
    sheet.protection.formatColumns = False

    meta = book.create_sheet(META_SHEET)
    for key, value in (
        ("kind", KIND),
        ("unit", unit),
        ("due", cycle.due.isoformat()),
        ("start", cycle.start.isoformat() if cycle.start else ""),
        ("plan", ledger.plan.title),
        ("made", as_of.isoformat()),
    ):
        meta.append([key, value])
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    book.properties.title = f"{unit}进展报送表"
    from zctasks.documents.reports.common import issuer_of, signer
    from zctasks.documents.sheets import without_application

    book.properties.creator = signer(ledger, issuer_of(ledger))
    book.properties.lastModifiedBy = book.properties.creator
    book.properties.subject = ledger.plan.title
    buffer = io.BytesIO()
    book.save(buffer)
    return without_application(buffer.getvalue())


def _height(row: Row) -> float:
    """Enough points for the longest wrapped cell of the row (15 points a line)."""
    lines = max(
        1,
        -(-len(row.task.title) * 2 // COLUMNS[1][1]),
        -(-len(row.target_name) * 2 // COLUMNS[4][1]),
    )
    return max(30.0, 15.0 * lines + 6)


def csv_text(ledger: Ledger, progress: Progress, unit: str, as_of: date) -> str:
    """The same sheet as CSV: a 报送单位 column, a row per target, the task repeated."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["报送单位", *HEADERS])
    for row in rows_for(ledger, progress, unit, as_of):
        writer.writerow(
            [
                unit,
                row.task.id,
                formula_safe(row.task.title),
                row.role,
                row.target_id,
                formula_safe(row.target_name),
                row.goal,
                row.last,
                row.last_date,
                *([""] * (len(HEADERS) - FILL_FROM)),
            ]
        )
    return "\ufeff" + buffer.getvalue()
