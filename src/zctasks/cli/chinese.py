"""The command line's own words in Chinese: help headings, the help option, usage errors.

Typer (0.28) carries its own copy of click whose messages are plain English strings, not
gettext calls, and only some of Typer's own strings go through gettext; so no message
catalogue can reach them. They are translated where they come out instead: help goes
through ``Formatter``, which says 用法/参数/选项/命令 and translates the fixed texts the
library writes into option lists (显示本帮助并退出, [必填], [默认：…]); a usage error is
caught before the library prints it and said in Chinese by ``usage_error`` from the
exception's own fields (the option, the missing parameter, the value), its English
message matched against the library's few message forms. ``tests/test_chinese.py`` runs
every command's help and every kind of usage error and finds no English left.

Values people type take their Chinese words too: ``Words`` is a parameter type that
accepts 牵头 as well as lead, 红 or 严重滞后 as well as red, and says in Chinese what it
accepts; ``ChapterType`` takes 4, 四 or 第四章, ``TaskType`` 7 or 第7项.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from typer import _click as click
from typer._click import exceptions as _errors
from typer._click.types import ParamType

HEADINGS = {
    "Usage:": "用法：",
    "Arguments": "参数",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
}
TEXTS = {
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "Install completion for the current shell.": "为当前的 shell 安装命令补全。",
    "Show completion for the current shell, to copy it or customize the installation.": (
        "显示当前 shell 的命令补全脚本，可复制或自行安装。"
    ),
    "Install completion for the specified shell.": "为指定的 shell 安装命令补全。",
    "Show completion for the specified shell, to copy it or customize the installation.": (
        "显示指定 shell 的命令补全脚本，可复制或自行安装。"
    ),
}
_MARKS = (
    (r"\[required\]", "[必填]"),
    (r"\[default: (.*?)\]", r"[默认：\1]"),
    (r"\[env var: (.*?)\]", r"[环境变量：\1]"),
    (r"\[default: (.*?); required\]", r"[默认：\1；必填]"),
)
_TYPE_NAMES = {
    "integer": "整数",
    "int": "整数",
    "float": "数字",
    "text": "文字",
    "boolean": "是或否",
}


def translate_help(text: str) -> str:
    """An option's help as the library completed it, its fixed English said in Chinese."""
    text = TEXTS.get(text, text)
    for pattern, replacement in _MARKS:
        text = re.sub(pattern, replacement, text)
    return text


class Formatter(click.HelpFormatter):
    """click's help formatter with Chinese headings and fixed texts."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        args = args.replace("[OPTIONS]", "[选项]").replace("COMMAND [ARGS]...", "命令 [参数]...")
        super().write_usage(prog, args, prefix="用法：" if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{HEADINGS.get(heading, heading)}：\n")

    @contextmanager
    def section(self, name: str) -> Iterator[None]:
        with super().section(HEADINGS.get(name, name)):
            yield

    def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl(
            [(re.sub(_METAVAR, _metavar, term), translate_help(text)) for term, text in rows],
            col_max,
            col_spacing,
        )


_METAVAR = r"<(str|text|path|int|integer|float)>"
"""Patterns are kept as text and compiled by ``re`` when first used (it caches them): most
runs print no help and make no usage error, and compiling all of them cost every start."""
_METAVARS = {"str": "文字", "text": "文字", "path": "路径", "int": "整数", "integer": "整数"}


def _metavar(found: re.Match[str]) -> str:
    return f"<{_METAVARS.get(found.group(1), '数字')}>"


class Context(click.Context):
    formatter_class = Formatter


def use_chinese(command: Any) -> None:
    """Every command under ``command`` makes its help with ``Formatter``."""
    command.context_class = Context
    for sub in getattr(command, "commands", {}).values():
        use_chinese(sub)


# ---------------------------------------------------------------- usage errors

_QUOTED = r"'((?:[^'\\]|\\.)*)'"
_ERRORS: tuple[tuple[str, str], ...] = (
    (r"^No such option: (.+)$", "没有选项 {0}"),
    (rf"^No such command {_QUOTED}\.$", "没有命令“{0}”"),
    (r"^Missing command\.$", "缺少命令"),
    (r"^Got unexpected extra argument(?:s|\(s\))? \((.*)\)$", "多余的参数：{0}"),
    (rf"^Option {_QUOTED} requires an argument\.$", "选项 {0} 后面要写一个值"),
    (rf"^Option {_QUOTED} requires (\d+) arguments\.$", "选项 {0} 后面要写 {1} 个值"),
    (rf"^Option {_QUOTED} does not take a value\.$", "选项 {0} 后面不写值"),
    (rf"^Argument {_QUOTED} takes (\d+) values\.$", "参数 {0} 要写 {1} 个值"),
    (rf"^{_QUOTED} is not one of (.+)\.$", "“{0}”不是可选的值，可选：{1}"),
    (rf"^{_QUOTED} is not a valid (\w+)\.$", "“{0}”不是有效的{1}"),
    (r"^(.+) is not in the range (.+)\.$", "{0} 不在范围 {1} 内"),
)


def _say(message: str) -> str:
    """A library message in Chinese, by its form; one of another form as it is."""
    for pattern, template in _ERRORS:
        found = re.match(pattern, message.strip())
        if found:
            parts = [_TYPE_NAMES.get(p, p) for p in found.groups()]
            parts = [_choices(p) if "', '" in p or p.startswith("'") else p for p in parts]
            return template.format(*parts)
    return message


def _choices(text: str) -> str:
    """'table', 'json', 'csv' → table、json、csv."""
    return "、".join(part.strip().strip("'") for part in text.split(","))


def _hint(param: Any, ctx: Any) -> str:
    """How a parameter is written: --role（-r）, or TASK for an argument."""
    if param is None:
        return ""
    if getattr(param, "param_type_name", "") == "argument":
        return str(param.human_readable_name or param.name or "").upper()
    opts = [str(o) for o in sorted(param.opts, key=lambda o: (not o.startswith("--"), o))]
    return opts[0] + (f"（{'、'.join(opts[1:])}）" if len(opts) > 1 else "")


def usage_error(exc: Any) -> str:
    """What went wrong with the command line, in Chinese, from the exception's fields."""
    param = getattr(exc, "param", None)
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, _errors.MissingParameter):
        kind = "参数" if getattr(param, "param_type_name", "") == "argument" else "选项"
        return f"缺少{kind} {_hint(param, ctx)}".rstrip()
    if isinstance(exc, _errors.NoSuchOption):
        text = f"没有选项 {exc.option_name}"
        if exc.possibilities:
            text += f"；是否是：{'、'.join(sorted(exc.possibilities))}？"
        return text
    if isinstance(exc, _errors.BadParameter):
        where = _hint(param, ctx) if param is not None else ""
        message = _say(exc.message)
        if not where:
            return f"取值无效：{message}"
        return f"{where}{'' if where.endswith('）') else ' '}的取值无效：{message}"
    return _say(exc.format_message())


def full_stop(text: str) -> str:
    """A message ends with a Chinese full stop, not an English one."""
    text = text.rstrip()
    if text.endswith("."):
        text = text[:-1]
    return text if text.endswith(("。", "？", "！")) else text + "。"


# ---------------------------------------------------------------- values in Chinese


class Words(ParamType):
    """A choice whose values may be typed in English or in Chinese."""

    def __init__(self, name: str, words: dict[str, tuple[str, ...]]) -> None:
        self.name = name
        self.words = words
        """Each value and the other words that mean it (the first is its Chinese name)."""
        self.spellings = {
            spelling.casefold(): value
            for value, others in words.items()
            for spelling in (value, *others)
        }

    def described(self) -> str:
        return "、".join(f"{others[0]}（{value}）" for value, others in self.words.items())

    def get_metavar(self, param: Any, ctx: Any = None) -> str:
        return "[" + "|".join(others[0] for others in self.words.values()) + "]"

    def convert(self, value: Any, param: Any, ctx: Any) -> str:
        if isinstance(value, str) and value.strip().casefold() in self.spellings:
            return str(self.spellings[value.strip().casefold()])
        self.fail(f"“{value}”无效，应为 {self.described()}", param, ctx)

    def shell_complete(self, ctx: Any, param: Any, incomplete: str) -> list[Any]:
        from typer._click.shell_completion import CompletionItem

        return [
            CompletionItem(value, help=others[0])
            for value, others in self.words.items()
            if value.startswith(incomplete) or others[0].startswith(incomplete)
        ]


ROLE = Words(
    "role",
    {
        "lead": ("牵头", "牵头单位"),
        "cooperate": ("配合", "配合单位"),
        "responsible": ("负责", "负责单位", "责任单位"),
    },
)
LIGHT = Words(
    "light",
    {
        "done": ("已完成", "完成"),
        "green": ("序时推进", "绿", "绿灯"),
        "yellow": ("滞后", "黄", "黄灯"),
        "red": ("严重滞后", "红", "红灯"),
        "grey": ("未报送", "灰", "灰灯", "gray"),
    },
)
BY = Words("by", {"task": ("任务", "按任务"), "unit": ("单位", "按单位")})

_NUMERALS = "一二三四五六七八九"


def chinese_number(text: str) -> int | None:
    """四 → 4, 十二 → 12, 二十 → 20; None for anything else."""
    if not text or any(c not in _NUMERALS + "十" for c in text):
        return None
    if "十" not in text:
        return _NUMERALS.index(text) + 1 if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    value = (_NUMERALS.index(tens) + 1 if tens else 1) * 10
    return value + (_NUMERALS.index(ones) + 1 if ones else 0)


class ChapterType(ParamType):
    """A chapter: 4, 四, 四、 or 第四章."""

    name = "chapter"

    def get_metavar(self, param: Any, ctx: Any = None) -> str:
        return "章"

    def convert(self, value: Any, param: Any, ctx: Any) -> int:
        if isinstance(value, int):
            return value
        text = str(value).strip().removeprefix("第").removesuffix("章").rstrip("、.．")
        if text.isdigit() and text.isascii():
            return int(text)
        number = chinese_number(text)
        if number is None:
            self.fail(f"“{value}”无效，应为章的编号，如 4、四 或 第四章", param, ctx)
        return number


class TaskType(ParamType):
    """A task: 7 or 第7项."""

    name = "task"

    def get_metavar(self, param: Any, ctx: Any = None) -> str:
        return "任务序号"

    def convert(self, value: Any, param: Any, ctx: Any) -> int:
        from zctasks.log.inputs import parse_task

        if isinstance(value, int):
            return value
        number = parse_task(str(value))
        if number is None:
            self.fail(f"“{value}”无效，应为任务的编号，如 7 或 第7项", param, ctx)
        return number


CHAPTER = ChapterType()
TASK = TaskType()
