"""Templates to documents: Jinja renders Markdown; HTML, DOCX, XLSX and CSV are made from it.

Every format is derived from the one Markdown text, so a document says the same in each.
Templates run in Jinja's immutable sandbox with StrictUndefined: a user's template can read
the report's data and nothing else, and a misspelt name is an error, not an empty string.
The sandbox is bounded (``_sandbox_class``): a template cannot make more than the one size
limit, run longer than ``limits.TEMPLATE_SECONDS`` or exhaust memory. The template folder of
the ledger comes before the packaged one, so one file can be overridden; names, symlinks and
the folder itself are resolved inside those folders only.
"""

from __future__ import annotations

import functools
import math
import os
import re
import string
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from zctasks.files import limits
from zctasks.files.errors import UsageError, ZctasksError
from zctasks.files.root import bundled_root

# Control characters XML cannot hold, C1 controls, and the bidi overrides that would
# reorder a line of an official document.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<|&])")


class TemplateProblem(ZctasksError):
    pass


def printable(text: str) -> str:
    """Text without control characters: XML (DOCX, XLSX) cannot hold them, a terminal acts
    on them."""
    return _CONTROL.sub("", text)


def md_text(value: Any) -> str:
    """User text inside a Markdown line: one line, markup characters escaped."""
    return _INLINE_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def cn_numeral(value: int) -> str:
    from zctasks.judge.views import chapter_numeral

    return chapter_numeral(value)


def template_folders(root: Path) -> list[Path]:
    """The ledger's templates/ (which must not lead out of the ledger), then the packaged ones."""
    own = root / "templates"
    if own.is_dir() and not own.resolve().is_relative_to(root.resolve()):
        raise TemplateProblem(
            f"台账的 templates 目录指向台账以外（{own.resolve()}），不会使用", _FOLDER_HINT
        )
    folders = [own, bundled_root() / "templates"]
    return [folder for folder in dict.fromkeys(folders) if folder.is_dir()]


_FOLDER_HINT = "模板须是 templates/ 目录中的文件，不能是指向别处的符号链接"
_LIMITS_HINT = "模板渲染有上限：输出不超过 64 MiB，用时不超过 60 秒，重复、乘方、宽度和区间也有上限"


def read_template(path: Path, name: str) -> str:
    """A template's text: at most the one size limit, UTF-8."""
    try:
        raw = limits.read_bounded(path, name)
    except OSError as exc:
        raise UsageError(f"无法读取模板 {name}：{exc.strerror or exc}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TemplateProblem(f"模板 {name} 不是 UTF-8 编码", "请把模板另存为 UTF-8") from None


def environment(root: Path) -> Any:
    """The bounded sandbox (``_sandbox_class``) over the template folders."""
    from jinja2 import ChoiceLoader, StrictUndefined, select_autoescape

    env = _sandbox_class()(
        loader=ChoiceLoader([_folder_loader(folder) for folder in template_folders(root)]),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("html", "htm", "html.j2"), default=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_text
    env.filters["cn"] = cn_numeral
    env.bound_filters()
    return env


def render_template(
    root: Path, name: str, context: dict[str, Any], template_file: Path | None = None
) -> str:
    """Render a packaged (or ledger-overridden) template, or ``template_file`` if given.

    Every way a template can fail — a syntax error, a missing name, an error at run time, a
    bound reached — is one message naming the template and, where known, its line.
    """
    from jinja2 import TemplateNotFound, TemplateSyntaxError

    env = environment(root)
    shown = str(template_file) if template_file is not None else name
    try:
        if template_file is not None:
            template = env.from_string(read_template(template_file, shown))
        else:
            template = env.get_template(name)
        with _bounds(env):
            text = env.render_bounded(template, context)
        return printable(text)
    except TemplateNotFound as exc:
        raise TemplateProblem(
            f"找不到模板 {exc.name}", "模板放在台账的 templates/ 目录中"
        ) from None
    except TemplateSyntaxError as exc:
        where = f"{_shown_name(exc.filename, env, shown)}:{exc.lineno}"
        raise TemplateProblem(f"模板语法错误 {where}：{exc.message}") from None
    except ZctasksError:
        raise
    except (TemplateLimit, RecursionError, MemoryError) as exc:
        what = str(exc)
        if isinstance(exc, RecursionError):
            what = "宏或循环的递归过深"
        elif isinstance(exc, MemoryError):
            what = f"占用内存超过上限（{limits.TEMPLATE_MEMORY // 2**20} MiB）"
        raise TemplateProblem(
            f"模板 {_where(exc, env, shown)} 超出上限：{what}", _LIMITS_HINT
        ) from None
    except Exception as exc:  # anything else a user's template can raise: 1 / 0, 'a' - 1 …
        raise TemplateProblem(
            f"模板 {_where(exc, env, shown)} 渲染失败：{exc}",
            "检查模板中的变量名；可用的数据见 README “Reports”",
        ) from None


def _where(exc: BaseException, env: Any, shown: str) -> str:
    """``name:line`` of the innermost template frame the error passed through, else the name."""
    found = ""
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename == "<template>" or filename in env.template_names:
            found = f"{_shown_name(filename, env, shown)}:{tb.tb_lineno}"
        tb = tb.tb_next
    return found or shown


def _shown_name(filename: str | None, env: Any, shown: str) -> str:
    if filename is None or filename == "<template>":
        return shown
    return str(env.template_names.get(filename, filename))


def _folder_loader(folder: Path) -> Any:
    """Templates from one folder: a name cannot climb out, a symlink cannot lead out, a file
    is bounded in size and must be UTF-8."""
    from jinja2 import BaseLoader, TemplateNotFound
    from jinja2.loaders import split_template_path

    base = folder.resolve()

    class FolderLoader(BaseLoader):
        def get_source(self, environment: Any, template: str) -> tuple[str, str, Any]:
            path = base.joinpath(*split_template_path(template))
            if not path.is_file():
                raise TemplateNotFound(template)
            real = path.resolve()
            if not real.is_relative_to(base):
                raise TemplateProblem(
                    f"模板 {template} 指向模板目录以外（{real}），不会读取", _FOLDER_HINT
                )
            environment.template_names[str(path)] = template
            return read_template(real, template), str(path), lambda: True

    return FolderLoader()


class TemplateLimit(Exception):
    """A bound of rendering was reached inside a template; the message says which."""


MAX_WIDTH = 10_000
"""A width, a padding, a batch or a slice count beyond this is never a report's."""
MAX_INT_BITS = 4096
MAX_RANGE = 100_000
_PERCENT_FIELD = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
_WIDTH_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})
_WIDTH_FILTERS = frozenset({"center", "indent", "batch", "slice"})


@functools.cache
def _sandbox_class() -> type:
    """Jinja's immutable sandbox, bounded.

    What could grow without limit in one step is checked before it is made: repetition
    (``*``), powers, ranges, format widths, padding, replacement and joining. What grows
    step by step — a call's or filter's result, ``+`` and ``~``, each printed value, all
    text printed (into ``{% set %}`` blocks too) and the output — is checked against the one
    size limit as it is made. Rendering stops after ``limits.TEMPLATE_SECONDS`` (a timer on
    POSIX, and a check at every call and operator), and on Linux the address space may grow
    by at most ``limits.TEMPLATE_MEMORY`` while a template renders.
    """
    from jinja2.compiler import CodeGenerator
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class CheckedConcat(CodeGenerator):
        def visit_Concat(self, node: Any, frame: Any) -> None:  # ``a ~ b``
            self.write("environment.checked(")
            super().visit_Concat(node, frame)
            self.write(")")

    class BoundedSandbox(ImmutableSandboxedEnvironment):
        code_generator_class = CheckedConcat
        intercepted_binops = frozenset({"*", "**", "%", "+"})

        def __init__(self, **options: Any) -> None:
            super().__init__(finalize=self.printed, **options)
            self.globals.pop("lipsum", None)
            self.globals["range"] = _bounded_range
            self.template_names: dict[str, str] = {}
            self.deadline = math.inf
            self.printed_total = 0

        def bound_filters(self) -> None:
            self.filters = {name: self._bounded_filter(name, f) for name, f in self.filters.items()}

        def _bounded_filter(self, name: str, func: Any) -> Any:
            skip = 1 if getattr(func, "jinja_pass_arg", None) is not None else 0

            @functools.wraps(func)  # keeps jinja_pass_arg, so Jinja passes the same arguments
            def bounded(*args: Any, **kwargs: Any) -> Any:
                self.tick()
                args = (*args[:skip], *_check_filter(name, args[skip:], kwargs))
                return self.checked(func(*args, **kwargs))

            return bounded

        def render_bounded(self, template: Any, context: dict[str, Any]) -> str:
            parts: list[str] = []
            chunks: list[str] = []  # joined every few thousand, to hold text, not references
            size = 0
            for chunk in template.generate(**context):
                size += len(chunk)
                if size > limits.MAX_BYTES:
                    raise TemplateLimit(f"输出过大（超过 {limits.MAX_BYTES} 个字符）")
                chunks.append(chunk)
                if len(chunks) >= 4096:
                    parts.append("".join(chunks))
                    chunks.clear()
            return "".join(parts) + "".join(chunks)

        def tick(self) -> None:
            if time.monotonic() > self.deadline:
                raise TemplateLimit(_over_time())

        def checked(self, value: Any) -> Any:
            self.tick()
            if isinstance(value, (str, list, tuple, dict)) and len(value) > limits.MAX_BYTES:
                raise TemplateLimit(f"生成的文字过大（{len(value)} 个字符）")
            return value

        def printed(self, value: Any) -> Any:
            self.checked(value)
            self.printed_total += len(value) if isinstance(value, str) else 1
            if self.printed_total > 2 * limits.MAX_BYTES:
                raise TemplateLimit(f"生成的文字累计过大（超过 {2 * limits.MAX_BYTES} 个字符）")
            return value

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            self.tick()
            _check_binop(operator, left, right)
            return self.checked(super().call_binop(context, operator, left, right))

        def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
            __self.tick()
            args = _check_call(__obj, args)
            return __self.checked(super().call(__context, __obj, *args, **kwargs))

        def wrap_str_format(self, value: Any) -> Any:
            wrapped = super().wrap_str_format(value)
            if wrapped is None:
                return None
            text = value.__self__

            @functools.wraps(wrapped)
            def bounded(*args: Any, **kwargs: Any) -> Any:
                _check_format(text, args, kwargs)
                return wrapped(*args, **kwargs)

            return bounded

    return BoundedSandbox


def _over_time() -> str:
    return f"渲染超过 {limits.TEMPLATE_SECONDS:g} 秒，已停止"


@contextmanager
def _bounds(env: Any) -> Iterator[None]:
    """The time limit (a deadline, and a timer where signals allow) and the memory cap."""
    env.deadline = time.monotonic() + limits.TEMPLATE_SECONDS
    with _timer(limits.TEMPLATE_SECONDS), _memory_cap(limits.TEMPLATE_MEMORY):
        yield


@contextmanager
def _timer(seconds: float) -> Iterator[None]:
    """Interrupt a template's own loops, which call nothing the sandbox sees."""
    import signal
    import threading

    if (
        not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise TemplateLimit(_over_time())

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL if previous is None else previous)


@contextmanager
def _memory_cap(headroom: int) -> Iterator[None]:
    """On Linux, let the address space grow by at most ``headroom``: an allocation past it
    is a MemoryError, not a machine brought down. Elsewhere the checks above must do."""
    try:
        import resource

        with open("/proc/self/statm", "rb") as handle:
            used = int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    except (ImportError, OSError, ValueError, IndexError):
        yield
        return
    cap = used + headroom
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    if soft != resource.RLIM_INFINITY and soft <= cap:
        yield
        return
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _bounded_range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise TemplateLimit(f"区间过大（超过 {MAX_RANGE} 项）")
    return numbers


def _check_binop(operator: str, left: Any, right: Any) -> None:
    if operator == "*":
        for sequence, times in ((left, right), (right, left)):
            if (
                isinstance(sequence, (str, list, tuple))
                and isinstance(times, int)
                and len(sequence) * times > limits.MAX_BYTES
            ):
                what = "文字" if isinstance(sequence, str) else "列表"
                unit = "个字符" if isinstance(sequence, str) else "项"
                raise TemplateLimit(f"重复得到的{what}过大（{len(sequence)} × {times} {unit}）")
    elif operator == "**":
        if (
            isinstance(left, int)
            and isinstance(right, int)
            and abs(left) > 1
            and right * left.bit_length() > MAX_INT_BITS
        ):
            raise TemplateLimit(f"乘方的结果过大（{left} ** {right}）")
    elif operator == "%" and isinstance(left, str):
        _check_percent(left, right)


def _check_width(value: Any) -> None:
    if isinstance(value, int) and value > MAX_WIDTH:
        raise TemplateLimit(f"宽度过大（{value}）")
    if isinstance(value, str) and len(value) > MAX_WIDTH:  # indent takes a string too
        raise TemplateLimit(f"宽度过大（{len(value)}）")


def _check_percent(text: str, values: Any) -> None:
    """``'%09d' % x``: a width or precision past MAX_WIDTH, written or taken by ``*``."""
    args = values if isinstance(values, tuple) else (values,)
    for match in _PERCENT_FIELD.finditer(text):
        for part in match.groups():
            if part == "*":
                for value in args:
                    if isinstance(value, int) and value > MAX_WIDTH:
                        raise TemplateLimit(f"格式宽度过大（{value}）")
            elif part and int(part) > MAX_WIDTH:
                raise TemplateLimit(f"格式宽度过大（{int(part)}）")


def _check_format(text: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """``'{:>9}'.format(x)``: a width past MAX_WIDTH, written or taken from an argument."""
    for _, _, spec, _ in string.Formatter().parse(text):
        if not spec:
            continue
        if "{" in spec:
            for value in (*args, *kwargs.values()):
                if isinstance(value, int) and value > MAX_WIDTH:
                    raise TemplateLimit(f"格式宽度过大（{value}）")
        for digits in re.findall(r"\d+", spec):
            if int(digits) > MAX_WIDTH:
                raise TemplateLimit(f"格式宽度过大（{int(digits)}）")


def _check_replace(text: Any, old: Any, new: Any) -> None:
    if isinstance(text, str) and isinstance(old, str) and isinstance(new, str):
        count = text.count(old) if old else len(text) + 1
        size = len(text) + count * (len(new) - len(old))
        if size > limits.MAX_BYTES:
            raise TemplateLimit(f"替换得到的文字过大（约 {size} 个字符）")


def _check_join(separator: Any, items: list[Any]) -> None:
    if isinstance(separator, str):
        size = len(separator) * max(len(items) - 1, 0)
        size += sum(len(item) for item in items if isinstance(item, str))
        if size > limits.MAX_BYTES:
            raise TemplateLimit(f"连接得到的文字过大（约 {size} 个字符）")


def _listed(items: Any) -> Any:
    """A generator (``range(9) | map('string')``) as a list, so that its size can be known."""
    return items if hasattr(items, "__len__") or isinstance(items, str) else list(items)


def _check_call(func: Any, args: tuple[Any, ...]) -> tuple[Any, ...]:
    """Bounds on the str methods that can make a large string from small arguments; the
    arguments to call with (an iterable to join comes back as a list)."""
    owner = getattr(func, "__self__", None)
    if not isinstance(owner, str):
        return args
    name = getattr(func, "__name__", "")
    if name in _WIDTH_METHODS:
        for value in args:
            _check_width(value)
    elif name == "replace" and len(args) >= 2:
        _check_replace(owner, args[0], args[1])
    elif name == "join" and len(args) == 1:
        args = (_listed(args[0]),)
        _check_join(owner, args[0])
    return args


def _check_filter(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """Bounds on the filters that can make a large value from small arguments; the
    arguments to call with, as ``_check_call``."""
    values = [*args[1:], *kwargs.values()]
    if name in _WIDTH_FILTERS:
        for value in values:
            _check_width(value)
    elif name == "format" and args:
        _check_percent(str(args[0]), tuple(values))
    elif name == "replace" and len(args) >= 3:
        _check_replace(args[0], args[1], args[2])
    elif name == "join" and args:
        args = (_listed(args[0]), *args[1:])
        _check_join(args[1] if len(args) > 1 else kwargs.get("d", ""), args[0])
    return args


def markdown_parser() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")


class Block:
    """One block of a Markdown document, in the terms the writers need."""

    def __init__(
        self,
        kind: str,
        level: int = 0,
        runs: list[tuple[str, bool]] | None = None,
        rows: list[list[str]] | None = None,
        marker: str = "",
    ) -> None:
        self.kind = kind  # heading, paragraph, quote, table, rule, pagebreak
        self.level = level
        self.runs = runs or []
        self.rows = rows or []
        self.marker = marker

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.runs)


def blocks(markdown: str) -> list[Block]:
    """Headings, paragraphs (with bold runs), quotes, tables and rules of a Markdown text.

    ``***`` is a page break; list items become paragraphs with their marker; a paragraph
    in a ``>`` quote is a ``quote`` block whose lines stay lines (the signature and date).
    What the blocks mean in an official document is read off them in ``layout.py``.
    """
    tokens = markdown_parser().parse(markdown)
    result: list[Block] = []
    i = 0
    list_stack: list[list[int]] = []  # per open list: [ordered?, next number]
    quoted = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type in ("blockquote_open", "blockquote_close"):
            quoted += 1 if token.type == "blockquote_open" else -1
        elif quoted and token.type == "paragraph_open":
            result.append(Block("quote", runs=_runs(tokens[i + 1], lines=True)))
            i += 3
            continue
        if token.type == "heading_open":
            result.append(Block("heading", int(token.tag[1]), _runs(tokens[i + 1])))
            i += 3
            continue
        if token.type in ("bullet_list_open", "ordered_list_open"):
            start = int(token.attrGet("start") or 1)
            list_stack.append([token.type == "ordered_list_open", start])
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            list_stack.pop()
        elif token.type == "paragraph_open":
            runs = _runs(tokens[i + 1])
            marker = ""
            if list_stack and tokens[i - 1].type == "list_item_open":
                ordered, number = list_stack[-1]
                marker = f"{number}. " if ordered else "· "
                list_stack[-1][1] += 1
            result.append(Block("paragraph", runs=runs, marker=marker))
            i += 3
            continue
        elif token.type == "table_open":
            rows, i = _table(tokens, i)
            result.append(Block("table", rows=rows))
            continue
        elif token.type == "hr":
            result.append(Block("pagebreak" if token.markup.startswith("*") else "rule"))
        i += 1
    return result


def _runs(inline: Any, lines: bool = False) -> list[tuple[str, bool]]:
    """Text runs with their boldness; a hard break is "\n", and so is a soft one in
    ``lines`` (a quote, whose lines are the signature's)."""
    runs: list[tuple[str, bool]] = []
    bold = False
    for child in inline.children or []:
        if child.type == "strong_open":
            bold = True
        elif child.type == "strong_close":
            bold = False
        elif child.type in ("text", "code_inline"):
            runs.append((child.content, bold))
        elif child.type in ("softbreak", "hardbreak"):
            runs.append(("\n" if child.type == "hardbreak" or lines else "", bold))
    return runs


def _table(tokens: list[Any], i: int) -> tuple[list[list[str]], int]:
    rows: list[list[str]] = []
    row: list[str] = []
    while tokens[i].type != "table_close":
        kind = tokens[i].type
        if kind == "tr_open":
            row = []
        elif kind == "inline":
            row.append("".join(text for text, _ in _runs(tokens[i])))
        elif kind == "tr_close":
            rows.append(row)
        i += 1
    return rows, i + 1


def tables(markdown: str) -> list[tuple[str, list[list[str]]]]:
    """Every table with the heading that stands nearest above it."""
    found: list[tuple[str, list[list[str]]]] = []
    heading = ""
    for block in blocks(markdown):
        if block.kind == "heading":
            heading = block.text
        elif block.kind == "table":
            found.append((heading, block.rows))
    return found
