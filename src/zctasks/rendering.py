"""Templates to documents: Jinja renders Markdown; HTML, DOCX, XLSX and CSV are made from it.

Every format is derived from the one Markdown text, so a document says the same in each.
Templates run in Jinja's immutable sandbox with StrictUndefined: a user's template can read
the report's data and nothing else, and a misspelt name is an error, not an empty string.
The template folder of the ledger comes before the packaged one, so one file can be
overridden; names are resolved inside those folders only.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from zctasks.errors import UsageError, ZctasksError
from zctasks.root import bundled_root

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<|&])")


class TemplateProblem(ZctasksError):
    pass


def printable(text: str) -> str:
    """Text without the control characters that XML (DOCX, XLSX) cannot hold."""
    return _CONTROL.sub("", text)


def md_text(value: Any) -> str:
    """User text inside a Markdown line: one line, markup characters escaped."""
    return _INLINE_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def cn_numeral(value: int) -> str:
    from zctasks.views import chapter_numeral

    return chapter_numeral(value)


def template_folders(root: Path) -> list[Path]:
    folders = [root / "templates", bundled_root() / "templates"]
    return [folder for folder in dict.fromkeys(folders) if folder.is_dir()]


def environment(root: Path) -> Any:
    from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, select_autoescape
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    env = ImmutableSandboxedEnvironment(
        loader=ChoiceLoader([FileSystemLoader(str(folder)) for folder in template_folders(root)]),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("html", "htm", "html.j2"), default=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_text
    env.filters["cn"] = cn_numeral
    return env


def render_template(
    root: Path, name: str, context: dict[str, Any], template_file: Path | None = None
) -> str:
    """Render a packaged (or ledger-overridden) template, or ``template_file`` if given."""
    from jinja2 import TemplateError, TemplateNotFound, TemplateSyntaxError

    env = environment(root)
    try:
        if template_file is not None:
            try:
                source = template_file.read_text("utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise UsageError(f"无法读取模板 {template_file}：{exc}") from None
            template = env.from_string(source)
            template.filename = str(template_file)
        else:
            template = env.get_template(name)
        return printable(template.render(**context))
    except TemplateNotFound as exc:
        raise TemplateProblem(
            f"找不到模板 {exc.name}", "模板放在台账的 templates/ 目录中"
        ) from None
    except TemplateSyntaxError as exc:
        where = f"{exc.filename or template_file or name}:{exc.lineno}"
        raise TemplateProblem(f"模板语法错误 {where}：{exc.message}") from None
    except TemplateError as exc:
        raise TemplateProblem(
            f"模板 {template_file or name} 渲染失败：{exc}",
            "检查模板中的变量名；可用的数据见 README “Reports”",
        ) from None


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
