"""Read one YAML file into plain data, remembering where every value stands.

Only the safe subset is accepted: no object-constructing tags, no aliases, one document.
Plain scalars are resolved by the YAML 1.2 core schema, so ``yes``, ``on`` or ``2023-07-03``
stay strings and the schema decides what they mean; a duplicated key is an error.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from zctasks.files import limits
from zctasks.files.errors import Diagnostic, Located, Path_

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_DEPTH = 64
MAX_INT = 2**63 - 1
"""Integers a ledger holds fit in 64 bits: every tool that reads its JSON can take them."""


_STANDARD_TAGS = {
    "tag:yaml.org,2002:" + name
    for name in (
        "str",
        "int",
        "float",
        "bool",
        "null",
        "map",
        "seq",
        "timestamp",
        "binary",
        "value",
        "merge",
    )
}
_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_INT = re.compile(r"[-+]?[0-9]+\Z")
_INT_OCT = re.compile(r"0o[0-7]+\Z")
_INT_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_NUMBER_HINT = "整数最多 19 位（±9223372036854775807），小数须为有限值；确需写成文字的，加引号"
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")


@dataclass
class YamlDoc(Located):
    """Plain data and the 1-based (line, column) of each value and each mapping key."""

    path: str
    data: Any
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)

    def where(self, loc: Path_, *, key: bool = False) -> tuple[int, int]:
        """Position of ``loc``, or of its nearest located ancestor."""
        table = self.keys if key else self.values
        for end in range(len(loc), -1, -1):
            prefix = loc[:end]
            if prefix in table:
                return table[prefix]
            if key and prefix in self.values:
                return self.values[prefix]
        return (1, 1)


class OutOfRange:
    """A plain scalar that reads as a number no ledger can hold: 5 000 digits, 1e999."""

    def __init__(self, text: str) -> None:
        self.text = text

    def message(self) -> str:
        shown = (
            self.text if len(self.text) <= 24 else f"{self.text[:20]}……共 {len(self.text)} 个字符"
        )
        return f"数值超出范围（{shown}）"


def _resolve_plain(text: str) -> Any:
    """The value of a plain scalar under the YAML 1.2 core schema; OutOfRange for a number
    that is too large (before Python's int() would refuse it with a traceback)."""
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    number: int | float
    if _INT.match(text):
        if len(text.lstrip("+-").lstrip("0")) > 19:
            return OutOfRange(text)
        number = int(text)
    elif _INT_OCT.match(text):
        number = int(text[2:], 8)
    elif _INT_HEX.match(text):
        number = int(text[2:], 16)
    elif _FLOAT.match(text):
        number = float(text)
        return number if math.isfinite(number) else OutOfRange(text)
    else:
        return text
    return number if -MAX_INT <= number <= MAX_INT else OutOfRange(text)


def _position(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1)


class _Problem(Exception):
    def __init__(self, mark: Any, code: str, message: str, hint: str = "") -> None:
        self.mark, self.code, self.message, self.hint = mark, code, message, hint


def decode(path: str, raw: bytes) -> tuple[str | None, list[Diagnostic]]:
    """UTF-8 text of a file (a BOM is dropped), or a located diagnostic."""
    too_large = limits.size_problem(path, raw)
    if too_large is not None:
        return None, [too_large]
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        start = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
        before = raw[start : exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        hint = "请用 UTF-8 编码保存该文件"
        try:
            raw.decode("gb18030")
            hint = "文件似乎是 GBK/GB18030 编码，请另存为 UTF-8"
        except UnicodeDecodeError:
            pass
        return None, [
            Diagnostic(
                path,
                line,
                column,
                "encoding",
                f"文件不是 UTF-8 编码（第 {exc.start + 1} 字节无法解码）",
                hint,
            )
        ]


def parse(
    path: str, raw: bytes, *, strict_numbers: bool = False
) -> tuple[YamlDoc | None, list[Diagnostic]]:
    """Parse ``raw`` (the bytes of ``path``); ``None`` data for an empty document.

    The tree is built from the parser's events with an explicit stack, not by composing
    nodes recursively: a hostile file nested a hundred thousand levels deep gets a message,
    not a crash of the C composer. With ``strict_numbers`` (progress: month files and
    batches) a number must be written in decimal digits: ``0x1F``, ``0o17`` and ``1e3`` are
    refused, never read as 31, 15 or 1000.
    """
    text, problems = decode(path, raw)
    if text is None:
        return None, problems
    doc = YamlDoc(path, None)
    try:
        doc.data = _build(yaml.parse(text, Loader=_Loader), doc, strict_numbers)
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_diagnostic(path, exc, text)]
    except yaml.reader.ReaderError as exc:
        before = text[: exc.position]
        line, column = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
        return None, [
            Diagnostic(
                path,
                line,
                column,
                "control-character",
                f"文件含有不允许的控制字符 #x{exc.character:04x}"
                if isinstance(exc.character, int)
                else "文件含有不允许的控制字符",
                "删除该字符；台账文件应为纯文本",
            )
        ]
    except yaml.YAMLError as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else "无法解析"
        return None, [Diagnostic(path, 1, 1, "yaml-syntax", f"YAML 语法错误：{first_line}")]
    except _Problem as problem:
        line, column = _position(problem.mark)
        return None, [Diagnostic(path, line, column, problem.code, problem.message, problem.hint)]
    return doc, doc.problems


def explicit_text_tag(tag: str | None) -> bool:
    return tag in ("tag:yaml.org,2002:str", "!")


class _Frame:
    __slots__ = ("container", "key", "key_mark", "loc")

    def __init__(self, container: Any, loc: Path_) -> None:
        self.container = container
        self.loc = loc
        self.key: str | None = None
        self.key_mark: Any = None


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _strict_number_problem(text: str) -> str:
    """Why a plain scalar that YAML reads as a number is not written as a figure, or ""."""
    exponent = _FLOAT.match(text) is not None and "e" in text.lower()
    if _INT_HEX.match(text) or _INT_OCT.match(text) or exponent:
        return f"数值“{text}”的写法不对：只接受十进制数字，如 31 或 12.5"
    return ""


def _build(events: Any, doc: YamlDoc, strict_numbers: bool = False) -> Any:
    stack: list[_Frame] = []
    root: Any = None
    documents = 0
    for event in events:
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise _Problem(
                    event.start_mark,
                    "yaml-syntax",
                    "一个文件只能有一个 YAML 文档",
                    "删除多余的 --- 分隔线",
                )
            continue
        if isinstance(event, yaml.AliasEvent):
            raise _Problem(
                event.start_mark,
                "alias",
                "不支持 YAML 锚点与别名（& 和 *）",
                "请直接写出重复的内容",
            )
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            stack.pop()
            continue
        if not isinstance(
            event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)
        ):
            continue
        tag = event.tag
        if tag is not None and tag not in _STANDARD_TAGS and tag != "!":
            raise _Problem(
                event.start_mark,
                "unsafe-tag",
                f"不支持的 YAML 标签 {tag}",
                "台账文件只能包含文本、数字、列表和映射",
            )
        parent = stack[-1] if stack else None
        if parent is not None and isinstance(parent.container, dict) and parent.key is None:
            if not isinstance(event, yaml.ScalarEvent):
                raise _Problem(event.start_mark, "bad-key", "映射的键必须是简单文本", "")
            parent.key, parent.key_mark = event.value, event.start_mark
            continue
        if isinstance(event, yaml.ScalarEvent):
            if tag == "tag:yaml.org,2002:binary":
                raise _Problem(event.start_mark, "unsafe-tag", "不支持二进制数据", "")
            if event.style == '"' and _SURROGATE.search(event.value):
                raise _Problem(
                    event.start_mark,
                    "escape",
                    "含有单独的 Unicode 代理项转义（如 \\ud800），不是文字",
                    "删去这个转义，或写出要表示的字",
                )
            if strict_numbers and not (event.style or explicit_text_tag(tag)):
                why = _strict_number_problem(event.value)
                if why:
                    raise _Problem(event.start_mark, "number", why, "数值只写十进制数字")
            explicit_text = tag in ("tag:yaml.org,2002:str", "!")
            value: Any = (
                event.value if event.style or explicit_text else _resolve_plain(event.value)
            )
            if isinstance(value, OutOfRange):
                raise _Problem(event.start_mark, "number-range", value.message(), _NUMBER_HINT)
        else:
            if len(stack) >= MAX_DEPTH:
                raise _Problem(
                    event.start_mark,
                    "too-deep",
                    f"嵌套超过 {MAX_DEPTH} 层",
                    "台账文件不需要这么深的结构",
                )
            value = {} if isinstance(event, yaml.MappingStartEvent) else []
        if parent is None:
            loc: Path_ = ()
            root = value
        elif isinstance(parent.container, list):
            loc = (*parent.loc, len(parent.container))
            parent.container.append(value)
        else:
            key = parent.key
            assert key is not None
            loc = (*parent.loc, key)
            if key in parent.container:
                line, column = _position(parent.key_mark)
                doc.problems.append(
                    Diagnostic(
                        doc.path,
                        line,
                        column,
                        "duplicate-key",
                        f"键 “{key}” 重复",
                        f"第一次出现在第 {doc.keys[loc][0]} 行；同一映射中的键不能重复",
                    )
                )
                value = {} if isinstance(value, dict) else [] if isinstance(value, list) else value
                loc = (*parent.loc, f"{key}\0dup")
            else:
                doc.keys[loc] = _position(parent.key_mark)
                parent.container[key] = value
            parent.key = None
        doc.values[loc] = _position(event.start_mark)
        if isinstance(value, (dict, list)) and not isinstance(event, yaml.ScalarEvent):
            stack.append(_Frame(value, loc))
    return root


def _syntax_diagnostic(path: str, exc: yaml.MarkedYAMLError, text: str) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    line, column = _position(mark) if mark is not None else (1, 1)
    problem = exc.problem or "无法解析"
    lines = text.split("\n")
    source_line = lines[line - 1] if line <= len(lines) else ""
    indent = source_line[: len(source_line) - len(source_line.lstrip(" \t"))]
    if "\t" in indent:
        return Diagnostic(
            path, line, column, "tab-indent", "YAML 不允许用制表符（Tab）缩进", "请把制表符换成空格"
        )
    if "expected a single document" in str(exc) or "but found another document" in str(exc):
        return Diagnostic(
            path,
            line,
            column,
            "yaml-syntax",
            "一个文件只能有一个 YAML 文档",
            "删除多余的 --- 分隔线",
        )
    context = f"（{exc.context}）" if exc.context else ""
    return Diagnostic(
        path,
        line,
        column,
        "yaml-syntax",
        f"YAML 语法错误：{problem}{context}",
        "检查该位置的缩进、冒号和引号",
    )
