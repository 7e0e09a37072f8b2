"""A document's lines made ready for the structure finder: page chrome named and set aside,
bars read as cell separators, and a body that a web page flattened onto one line cut back
into its lines.

Nothing is dropped here without a name: chrome (设为首页, 索引号 …, a line of bars) goes to
``skipped``, everything else is kept.
"""

from __future__ import annotations

import re

from zctasks.importer.text import NUMERAL, Line, clean

_CRUMBS = r"首页|[^。]*[>＞»›→][^。]*"
"""A page's breadcrumbs after 您现在的位置：, 首页 > 政务公开 > …"""
_WHEN = r"[\d\-—/.:年月日时分秒]*"
_BOILERPLATE = re.compile(
    r"^(?:设为首页|加入收藏|无障碍(?:阅读|浏览|版)?|信息无障碍|长者(?:版|模式|助手)|长辈版|关怀版|适老版|"
    r"简体版|繁體版|简体|繁体|登录|注册|返回首页|返回|返回顶部|首页|网站首页|相关内容|听全文|"
    r"打印(?:本页|整页|页面|正文)?|打印整页打印内容分享|关闭(?:窗口|本页)?|【关闭】|【打印】|"
    r"分享(?:到)?[:：]?|字号[:：].*|字体[:：].*|【字体[:：].*|扫一扫.*|视力保护色.*|"
    rf"(?:您(?:现在)?(?:的|所在的)?|当前|所在)位置[:：]?(?:{_CRUMBS})?|(?:浏览|阅读|点击)(?:次数|量)[:：]?\d*次?|"
    r"点击(?:量|数|率)[:：].*|来源[:：].*|作者[:：].*|信息来源[:：].*|发布(?:时间|日期)[:：].*|"
    rf"公开日期[:：]?{_WHEN}|时间[:：].*|智能推荐|[>＞»].*|[|｜]+|[-•·*]|朗读|"
    r"索引号.*|主题分类.*|组配分类.*|公开方式.*|公开范围.*|发布机构.*|发文机关.*|发文单位.*|文件类型.*|"
    r"生成日期.*|成文日期.*|有效性.*|效力状态.*|名称[:：].*|标题[:：].*|文号[:：]?.*|发文字号.*|主题词.*|"
    r"文件编号.*|分类[:：].*|政府信息公开|信息公开|相关附件.*|下载地址.*|【?大中小】?|上一篇.*|下一篇.*|"
    r"【(?:法宝引证码|时效性|发布部门|发布文号|发文字号|发布日期|实施日期|效力级别|法规类别|批准日期|"
    r"失效日期|标题|文号|效力)】.*)$"
)
_BULLET = re.compile(r"^[-•·*]\s+")
_RULE_CELL = re.compile(r"\s*:?-{3,}:?\s*")
"""A cell of a Markdown table's separator row (``| --- | :---: |``)."""
_FIELD_LABEL = re.compile(r"^[\u4e00-\u9fa5 ]{2,8}[:：]?$")

# Where a flattened body breaks: before a heading, an item, a label or a date, or after the
# end of a sentence or of a bracket.
_BREAK_BEFORE = re.compile(
    rf"(?:{NUMERAL}\s*[、．.]|[（(]\s*(?:{NUMERAL}|\d{{1,3}})\s*[）)]|\d{{1,3}}\s*[.、．](?!\d)|"
    r"[\u4e00-\u9fa5]{2,8}[:：]|\d{4}\s*年\s*\d{1,2}\s*月|[（(]此件)"
)
_BREAK_AFTER = "。：:；;）)"
_MARKER = re.compile(rf"\s(?:{NUMERAL}、|\d{{1,3}}[.、．](?!\d))")


def is_boilerplate(text: str) -> bool:
    bare = _BULLET.sub("", text).replace(" ", "").replace("\u3000", "")
    if _BULLET.match(text) and len(bare) <= 24 and not re.match(r"\d+[.、]", bare):
        return True  # a bullet of the page's own list: • 听全文, • 2006-05-17, - 设为首页
    if "。" in bare:
        return False  # a sentence, whatever word it starts with (来源：各部门…审核。)
    return bool(bare) and _BOILERPLATE.match(bare) is not None


def bar_cells(text: str) -> list[str] | None:
    """A line with bars as its cell separators, as cells without the empty ones at either
    end; None when it has no bar."""
    if "|" not in text and "｜" not in text:
        return None
    cells = [cell.strip() for cell in re.split(r"[|｜]", text)]
    while cells and not cells[0]:
        cells.pop(0)
    while cells and not cells[-1]:
        cells.pop()
    return cells


def flattened(text: str) -> list[str]:
    """A body that a web page put on one line, its parts separated by spaces, cut into its
    lines; any other line as it is."""
    if len(text) < 120 or len(_MARKER.findall(text)) < 2:
        return [text]
    parts: list[str] = []
    start = 0
    for m in re.finditer(r"[ \u3000]+", text):
        before, after = text[start : m.start()], text[m.end() :]
        if before and (before[-1] in _BREAK_AFTER or _BREAK_BEFORE.match(after)):
            parts.append(before)
            start = m.end()
    parts.append(text[start:])
    return [part for part in parts if part.strip()]


def prepare(lines: list[Line]) -> tuple[list[Line], list[tuple[int, str]]]:
    """The lines to read, and the page chrome set aside (by line number)."""
    kept: list[Line] = []
    skipped: list[tuple[int, str]] = []
    for line in lines:
        if line.cells is not None:
            cells = [clean(cell) for cell in line.cells]
            values = list(dict.fromkeys(cell for cell in cells if cell))
            if len(values) == 1 and not values[0].isdigit():
                texts = [values[0]]  # a title row, or a row spanning the table
            elif values:
                kept.append(Line(line.number, "\t".join(cells), cells))
                continue
            else:
                continue
        else:
            texts = flattened(clean(line.text))
        spans = line.cells is not None
        for raw in texts:
            text = clean(raw)
            bars = bar_cells(text)
            if bars is not None:
                values = [cell for cell in bars if cell]
                if not values or all(_RULE_CELL.fullmatch(cell) for cell in values):
                    skipped.append((line.number, text))  # a line of the table's rules
                    continue
                if len(values) == 1:
                    spans = len(re.findall(r"[|｜]", text)) > 2  # | 一、… |  |  | : a spanning row
                    text = values[0]
                elif _metadata_row(bars):
                    skipped.append((line.number, text))
                    continue
                else:
                    kept.append(Line(line.number, text, None))
                    continue
            if not text:
                continue
            if is_boilerplate(text):
                skipped.append((line.number, text))
                continue
            kept.append(Line(line.number, text, spans=spans))
    return kept, skipped


def _metadata_row(cells: list[str]) -> bool:
    """A row of a page's metadata table: 索引号: | … | 成文日期: | … ."""
    values = [cell for cell in cells if cell]
    labels = values[0::2]
    return len(values) >= 2 and all(
        _FIELD_LABEL.match(label) and label.rstrip(":：").replace(" ", "") in _FIELDS
        for label in labels
    )


_FIELDS = {
    "索引号",
    "成文日期",
    "文件编号",
    "发布文号",
    "发布部门",
    "组配分类",
    "发布机构",
    "有效性",
    "主题分类",
    "发文日期",
    "发文字号",
    "文号",
    "发布日期",
    "发文机关",
    "发文单位",
    "文件类型",
    "公开方式",
    "名称",
    "效力状态",
    "所属机构",
    "文件分类",
    "生成日期",
    "公开范围",
}


_FIELD_AT = re.compile(
    "("
    + "|".join(r"\s*".join(name) for name in sorted(_FIELDS, key=len, reverse=True))
    + r")\s*[:：]?"
)


def page_fields(skipped: list[tuple[int, str]]) -> dict[str, str]:
    """The page's own metadata fields (文号, 成文日期, 发布机构) from the chrome set aside:
    ``文    号 蔡政办〔2023〕1号``, ``文件编号: | 盐政办发〔2022〕16号 |``."""
    found: dict[str, str] = {}
    for _, text in skipped:
        bare = _BULLET.sub("", text).replace("|", " ").replace("｜", " ")
        matches = list(_FIELD_AT.finditer(bare))
        for i, m in enumerate(matches):
            stop = matches[i + 1].start() if i + 1 < len(matches) else len(bare)
            name = re.sub(r"\s", "", m.group(1))
            value = bare[m.end() : stop].strip()
            if value and name not in found:
                found[name] = value
    return found
