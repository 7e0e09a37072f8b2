"""Quantitative targets in a task's text: a number, a unit, and the words that set the operator."""

from __future__ import annotations

import re

from zctasks.plan.models import Op, Target, Task

UNITS = (
    "个百分点|个工作日|工作日|万千瓦时|万千瓦|千瓦|亿立方米|万立方米|立方米|万平方米|平方米|平方公里|公顷|万亩|亩|万吨|吨|"
    "亿元|万元|元|公里|千米|人次|家|个|项|名|人|件|座|处|条|台|部|种|支|所|户|套|辆|场|批|篇|%|％"
)
_TARGET = re.compile(
    r"(?<![\d.+\-A-Za-z])(?P<num>\d+(?:\.\d+)?)(?:\s*[—–\-~～至到]\s*(?P<max>\d+(?:\.\d+)?))?"
    r"(?P<more>余)?\s*(?P<unit>(?:"
    + UNITS
    + r")(?:/(?:人次|万人|人|户|吨|亩|平方米|千瓦时|年|月|天|日|辆|台|次))?)(?![A-Za-z0-9+])"
)

_STRIVE = re.compile("力争|争取|争创")
_NOT_A_TARGET = r"措施|举措|意见|政策|规定|条例|办法"
_LEVEL_WORDS = re.compile(r"率|比例|占比|数量|拥有量|规模|容量|水平|指数|增长|增速|同比")
_LEADING = re.compile(
    r"^(力争|争取|争创|确保|全力确保|全力|年内|全年|全区|全市|实现|完成|推动|推进|其中|累计|新增加)+"
)


_BOUNDARY = "，,。；;：:！？"


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause around a figure: between the marks that end clauses (full- or half-width)."""
    left = max(text.rfind(mark, 0, start) for mark in _BOUNDARY) + 1
    rights = [i for i in (text.find(mark, end) for mark in _BOUNDARY) if i != -1]
    return left, min(rights) if rights else len(text)


def _operator(lead_in: str, after: str, between: bool, more: bool) -> Op:
    """The operator from the words around a figure: those after it, then those leading to it
    in its clause (完成充电设施1220个 is at least 1220)."""
    if between:
        return "between"
    if after.startswith("左右"):
        return "~"
    if after.startswith(("之内", "以内", "内")) or re.search(r"控制在|不超过|不高于", lead_in):
        return "<="
    if more or re.search(r"超过|突破|高于|多于", lead_in):
        return ">"
    if after.startswith("以上") or re.search(
        r"不少于|不低于|至少|达到|完成|稳定在|保持在|达$|吸引|引进|增长", lead_in
    ):
        return ">="
    return "="


def _inside_brackets(text: str, index: int) -> bool:
    opened = max(text.rfind("（", 0, index), text.rfind("(", 0, index))
    closed = max(text.rfind("）", 0, index), text.rfind(")", 0, index))
    return opened > closed


def _inside_quotes(text: str, index: int) -> bool:
    opened = text.rfind("“", 0, index)
    return opened != -1 and text.find("”", opened) > index


def find_targets(task: Task) -> list[Target]:
    text = task.text
    found = [m for m in _TARGET.finditer(text) if _is_target(text, m)]
    names = target_names(text, [m.span() for m in found])
    targets: list[Target] = []
    for m, name in zip(found, names, strict=True):
        start, end = m.span()
        after_unit = text[end : end + 4]
        left, right = _clause(text, start, end)
        quote = text[left:right]
        lead_in = text[left:start]
        value = _number(m.group("num"))
        maximum = _number(m.group("max")) if m.group("max") else None
        op = _operator(lead_in, after_unit, maximum is not None, bool(m.group("more")))
        sentence_start = text.rfind("。", 0, start) + 1
        firm = _STRIVE.search(text[sentence_start:end]) is None
        unit = m.group("unit").replace("％", "%")
        accrues = unit != "%" and _LEVEL_WORDS.search(name) is None
        change = unit == "%" and "增长" in quote  # a growth rate: may be negative
        targets.append(
            Target(
                id=f"{task.id}.{len(targets) + 1}",
                name=name or quote,
                op=op,
                value=value,
                unit=unit,
                max=maximum,
                firm=firm,
                accrues=accrues,
                quote=quote,
                change=change,
            )
        )
    return targets


def _is_target(text: str, m: re.Match[str]) -> bool:
    start, end = m.span()
    if _inside_quotes(text, start) or text[end : end + 1] in ("年", "月", "日"):
        return False
    if _inside_brackets(text, start):
        return False  # (不含6亩): a condition, not a target
    if re.match(r"(?:以上|以下)?(?:[（(][^）)]*[）)])?的", text[end : end + 12]):
        return False  # 6亩以下(不含6亩)的土地: the figure bounds what the task is about
    # 2个片区15个小区: a scope before the figure; 20条措施: a name
    scope = re.match(r"(?![和及与、])[\u4e00-\u9fa5]{1,4}\d", text[end : end + 5])
    return scope is None and re.match(_NOT_A_TARGET, text[end : end + 2]) is None


def _number(text: str) -> int | float:
    return float(text) if "." in text else int(text)


_BEFORE_FIGURE = re.compile(
    r"(?:分别)?(?:达到|超过|突破|控制在|稳定在|保持在|不少于|不低于|不超过|至少|达|完成|为|均|力争|"
    r"增加到|提高到|提升到|降低到|下降到)+$"
)
_AFTER_FIGURE = re.compile(r"^(?:以上|左右|以内|之内|以下|内|余|的|，|,)+")
_ADVERBS = re.compile(
    r"^(?:力争|争取|确保|全力确保|全力|年内|全年|今年|全区|全市|全县|全省|其中|累计|实现|努力|持续|"
    r"进一步|要|将|并|同时|年底前|年末|至少|完成|实施)+"
)
_VERB = re.compile(
    r"^(?:(?:配套|全新|重点|加快|新增和)?(?:新增|建设|新建|改造|改造提升|培育认定|培育|引育|引进|"
    r"创建|实施|推动|推进|开发|铺设|组织|开展|争创|创排|认定|吸引|打造|提升|新改建|改扩建|新引进|"
    r"完成|治理|招引|发放|举办|建成|开工|落地|签约|入库)+)"
)
_CHANGE = re.compile(r"^(?:同比)?(?:增长|增速|增幅|增长率|提高|下降)")
_MEASURE = re.compile(r"(?:数量|产量|面积|比例|占比|总量|规模|产值|总额|收入|投资|人数)$")


def _bare_name(segment: str, figure: str, at: int | None = None) -> str:
    """A clause without its figure and the words that only say how much or how sure; after
    a list that ends in 等, only what the list is of (…职工运动会等全民健身赛事活动)."""
    at = segment.find(figure) if at is None else at
    before, after = segment[:at], segment[at + len(figure) :]
    if before.endswith("等"):
        before = ""  # 淄河、…、五里河等6条河道: the figure counts the list
    elif "、" in before and (listed := before.rfind("等")) > before.rfind("、"):
        before = before[listed + 1 :]
    before = _BEFORE_FIGURE.sub("", before.rstrip())
    after = _AFTER_FIGURE.sub("", after)
    name = _ADVERBS.sub("", (before + after).strip("，,。；;、 和及与★☆●◆※"))
    name = re.sub(r"[（(][^（()）]*\d[^（()）]*[）)]", "", name)  # (不含6亩): a condition
    name = re.sub(r"\d+(?:\.\d+)?(?:" + UNITS + ")", "", name)  # 2个片区: a scope
    return name.strip("，,。；;、 和及与★☆●◆※")


def target_names(text: str, figures: list[tuple[int, int]]) -> list[str]:
    """A noun phrase for each figure, from its own clause: ``新增3—5家市级创新平台、1—2家省级
    创新平台`` names 新增市级创新平台 and 新增省级创新平台; ``高新技术企业和科技型中小企业数量
    分别达到170家和175家`` names 高新技术企业数量 and 科技型中小企业数量; ``同比增长12%`` after
    制造业技改投资 names 制造业技改投资同比增长."""
    names: list[str] = []
    previous: tuple[int, str, str] | None = None  # clause start, its first name, its verb
    done: dict[int, list[str]] = {}
    for index, (start, end) in enumerate(figures):
        left, right = _clause(text, start, end)
        clause = text[left:right]
        figure = text[start:end]
        mine = [(s, e) for s, e in figures if left <= s and e <= right]
        if left in done:
            name = done[left][mine.index((start, end))]
        elif len(mine) > 1 and "分别" in clause:
            name = _respectively(clause, [text[s:e] for s, e in mine], left, done)[
                mine.index((start, end))
            ]
        else:
            pieces = _split_pieces(clause)
            offset = start - left
            begin, piece = next(
                ((b, p) for b, p in pieces if b <= offset < b + len(p)), (0, clause)
            )
            name = _bare_name(piece, figure, offset - begin)
            if begin > 0:
                first = pieces[0][1]
                name = _borrow(name, _bare_name(first, _first_figure(first)))
        if previous is not None and (not name or _CHANGE.match(name)):
            name = previous[1] + name  # 同比增长12% after 制造业技改投资
        verb = _VERB.match(name)
        same_sentence = previous is not None and "。" not in text[previous[0] : left]
        if previous is not None and same_sentence and not verb and left != previous[0]:
            bare = clause.lstrip()
            plain = (
                not _ADVERBS.match(bare)
                and not _VERB.match(bare)
                and len(name) <= 8
                and not re.search(r"[率比]|%", clause)
            )
            if previous[2] and (plain or _starts_with_figure(clause, figure)):
                name = previous[2] + name  # 配套建设城市书房2处，文化驿站2处
        names.append(name or clause)
        previous = (left, name, verb.group(0) if verb else (previous[2] if previous else ""))
        del index
    return names


def _starts_with_figure(clause: str, figure: str) -> bool:
    return clause.lstrip().startswith(figure)


def _first_figure(piece: str) -> str:
    m = _TARGET.search(piece)
    return m.group(0) if m else "\0"


def _split_pieces(clause: str) -> list[tuple[int, str]]:
    """A clause cut at 、 between the parts that each hold a figure: (offset, piece)."""
    parts = clause.split("、")
    if sum(1 for p in parts if _TARGET.search(p)) < 2:
        return [(0, clause)]
    pieces: list[tuple[int, str]] = []
    at = 0
    for part in parts:
        if pieces and not _TARGET.search(pieces[-1][1]):
            begin, text = pieces[-1]
            pieces[-1] = (begin, text + "、" + part)  # 社区游园（公园）、街头游园…10个: one piece
        else:
            pieces.append((at, part))
        at += len(part) + 1
    return pieces


def _borrow(name: str, first: str) -> str:
    """A name that leans on the first of its list: 示范村 after 新增区级人居环境示范片 is
    新增区级人居环境示范村; 省级创新平台 after 新增市级创新平台 is 新增省级创新平台."""
    for size in range(min(len(name), 4), 1, -1):
        at = first.rfind(name[:size])
        if at > 0:
            return first[:at] + name
    verb = _VERB.match(first)
    if verb and not _VERB.match(name):
        return verb.group(0) + name
    return name


def _respectively(
    clause: str, figures: list[str], left: int, done: dict[int, list[str]]
) -> list[str]:
    """Names of A和B数量分别达到X和Y: A数量, B数量."""
    subject = _ADVERBS.sub("", clause[: clause.find("分别")]).strip()
    parts = [p for p in re.split(r"[和、及与]", subject) if p]
    if len(parts) != len(figures):
        names = [_bare_name(clause, f) for f in figures]
    else:
        head = _MEASURE.search(parts[-1])
        names = [p + head.group(0) if head and not _MEASURE.search(p) else p for p in parts]
    done[left] = names
    return names


def _target_name(quote: str, figure: str) -> str:
    return _bare_name(quote, figure) or quote
