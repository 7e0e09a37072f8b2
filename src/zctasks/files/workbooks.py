"""What openpyxl says while it reads a workbook, in words a user can act on.

Its warnings (a date cell whose serial number no calendar holds) are caught instead of
printed to standard error with a Python file and line, and returned with the cell they
name; the errors it raises on a damaged part (a shared-string index past the table) are
said in Chinese instead of Python's "list index out of range".
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

_DATE_OUT_OF_RANGE = re.compile(
    r"Cell (\$?[A-Z]{1,3}\$?\d+) is marked as a date but the serial value (\S+) is outside"
)


@contextmanager
def quiet_warnings() -> Iterator[list[tuple[str, str]]]:
    """Read inside this: the list it gives is filled, on leaving, with (cell, message) for
    each warning openpyxl gave about a cell; its other warnings (features it does not
    read: data validation, extensions) change no value and are dropped."""
    found: list[tuple[str, str]] = []
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        yield found
    for record in records:
        m = _DATE_OUT_OF_RANGE.search(str(record.message))
        if m and not any(cell == m.group(1) for cell, _ in found):  # once a cell, read twice
            found.append(
                (m.group(1), f"单元格设为日期格式，但数值 {m.group(2)} 超出日期范围，无法读作日期")
            )


def damage(exc: BaseException) -> str:
    """Why a sheet could not be read, for the message."""
    if isinstance(exc, IndexError | KeyError):
        return "文件内部引用了不存在的条目（如共享字符串或样式编号越界），文件已损坏"
    if isinstance(exc, ValueError | TypeError):
        return f"单元格内容与其类型不符（{exc}）"
    return str(exc) or type(exc).__name__
