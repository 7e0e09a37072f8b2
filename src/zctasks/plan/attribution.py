"""Reading an attribution: who leads, who cooperates, who is responsible, and who answers for it.

The forms of the genre: ``X牵头，Y等部门配合`` / ``X负责`` / ``牵头单位：X，配合单位：Y、Z，各区、县级市``
/ ``牵头部门：X；责任部门：Y`` / ``责任单位：X  责任领导：张三  完成时限：6月底前`` /
``部门分工：X牵头，Y配合`` / ``国务院各部门分别负责``, in full- or half-width punctuation.

Labels are recognised by their shape, not from a list: a short phrase ending in 单位, 部门,
科室, 领导, 时限, 时间, 节点, 措施, 责任人 or 分工 before a colon (spaces that justify it, as in
``分 管 县领导``, do not count). Its words say what it holds: 领导 → leaders; 时限/时间/节点 → a
deadline; 措施 → measures; 分工 → a sentence that says the roles itself; and for units,
牵头/主要/主责 → lead, 配合/协同/参与/协办 → cooperate, anything else (责任单位, 实施单位,
监考单位) → responsible. A plan may map labels of its own (``plan.labels``, from
``zctasks import --columns``).

Unit names are split on 、，, and ；, never inside brackets (``各县（市、区）政府`` is one
placeholder, in full- or half-width brackets), on spaces only between two unit-shaped names,
and where two names run together (``区发改局区统计局``). A plan's ordering rule (首位单位为牵头单位)
makes the first of a list of units the lead and the others cooperating.

This module imports nothing heavy: ``zctasks check`` uses it to see that a task's roles still
agree with the attribution they were read from.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from zctasks.plan.models import LabelField, Role

Field = LabelField

_LABEL_TAIL = (
    r"(?:单位|部门|科室|处室|领导|时限|时间|节点|期限|措施|举措|责任人|联系人|负责人|分工)"
)
_LABEL_SHAPE = re.compile(rf"[\u4e00-\u9fa5]{{0,8}}{_LABEL_TAIL}")
# A label: Chinese characters (spaces may justify them) and a colon, at the start of the text
# or after a separator.
_LABEL_AT = re.compile(
    r"(?:^|(?<=[;；,，。\s（(\[【〔]))([\u4e00-\u9fa5][\u4e00-\u9fa5 \u3000]{1,17}?)\s*[:：]"
)
_ROLE_WORDS = r"牵头负责|牵头|配合|负责|协同|参与|协办|协助|主办"
_ROLE_OF_WORD: dict[str, Role] = {
    "牵头负责": "lead",
    "牵头": "lead",
    "主办": "lead",
    "配合": "cooperate",
    "协同": "cooperate",
    "参与": "cooperate",
    "协办": "cooperate",
    "协助": "cooperate",
    "负责": "responsible",
}
_ROLE_WORD = re.compile(_ROLE_WORDS)
_OPENERS = "（([【〔［"
_CLOSERS = "）)]】〕］"
_INSTITUTION = re.compile(
    r"(局|委|部|办|中心|公司|院|会|队|所|站|社|行|联|厅|处|室|政府|组|集团|办事处|管委会|分局|"
    r"署|总队|支队|大队|小组|专班|指挥部|街道|镇|乡|园区|开发区|新区|科|馆|台|团|司|府)$"
)
_UNIT_START = re.compile(r"^[区县市省镇乡州旗]")
# A level of local government: 各区、县级市 names two levels, one placeholder.
_ADMIN = (
    r"(?:区|县|市|县级市|县（市、区）|镇|乡|街道|乡镇|县区|区县|县市区|开发区|园区|管委会|新区)"
)
_ADMIN_HEAD = re.compile(rf"^各{_ADMIN}(?:、{_ADMIN})*$")
_ADMIN_TAIL = re.compile(rf"^{_ADMIN}(?:人民政府|政府|管委会|党委和政府)?$")

_AND_OTHERS = r"等(?:部门单位|部门和单位|有关部门|相关部门|部门|单位)?"
# Words after a list of units that say how they share the work, not who they are.
_SHARING = re.compile(
    r"(?:按照?职责分工|按职责|根据职责|结合职能|各自|分别|共同|负责|牵头|配合|落实|按职能)+$"
)
RULE = re.compile(
    r"(?:首位|第一位|列第一位|排名第一位?|排在(?:第一位|首位|第一)|排序第一|排第一|第一个|列首位|"
    r"排名首位)的?(?:责任)?(?:单位|部门)?为牵头(?:单位|部门)?(?:或汇总单位|或汇总部门)?"
)
"""A document's own rule that the first unit listed leads (首位单位为牵头单位, 列第一位的责任单位
为牵头单位或汇总单位)."""


def is_placeholder(name: str) -> bool:
    """Generic wording (各有关单位, 区有关部门, 区直各部门, 安委会成员单位), never a department."""
    return "各" in name or re.search(r"有关|相关|成员单位", name) is not None


def label_field(label: str, labels: Mapping[str, Field] | None = None) -> Field | None:
    """What a label holds, read from its words; None when it is not label-shaped."""
    name = re.sub(r"\s", "", label)
    if labels and name in labels:
        return labels[name]
    if not _LABEL_SHAPE.fullmatch(name) or len(name) > 10:
        return None
    if re.search("措施|举措", name):
        return "measures"
    if "分工" in name:
        return "division"
    if "领导" in name:
        return "leaders"
    if re.search("责任人|联系人|负责人", name):
        return "person"
    if re.search("时限|时间|节点|期限", name):
        return "due"
    if re.search("配合|协同|参与|协办|协助|协作|支持", name):
        return "cooperate"
    if re.search("牵头|主要|主责|主办|主体", name):
        return "lead"
    return "responsible"


def labelled_at_start(
    text: str, labels: Mapping[str, Field] | None = None
) -> tuple[str, Field | None, str] | None:
    """A line that starts with a label-like phrase and a colon: (label, field or None when its
    words say nothing, value). Only short phrases count (工作目标：… is a label, a sentence is
    not)."""
    m = re.match(r"^[（(\[【]?\s*([\u4e00-\u9fa5][\u4e00-\u9fa5 \u3000]{1,11}?)\s*[:：]\s*", text)
    if m is None:
        return None
    label = re.sub(r"\s", "", m.group(1))
    if len(label) > 8 and label_field(label, labels) is None:
        return None
    return label, label_field(label, labels), text[m.end() :]


def trailing_bracket(text: str) -> tuple[int, str, str] | None:
    """The bracket that closes the text (before a final 。 or ；), as (start, inside, final mark).

    Brackets nest, and round and square ones mix: ``[牵头单位:区卫健局;责任单位:各街办(新区)]``.
    """
    stripped = text.rstrip(" \u3000")
    mark = ""
    if stripped and stripped[-1] in "。.;；":
        mark, stripped = stripped[-1], stripped[:-1].rstrip(" \u3000")
    if not stripped or stripped[-1] not in _CLOSERS:
        return None
    depth = 0
    for index in range(len(stripped) - 1, -1, -1):
        char = stripped[index]
        if char in _CLOSERS:
            depth += 1
        elif char in _OPENERS:
            depth -= 1
            if depth == 0:
                return index, stripped[index + 1 : -1], mark
    return None


def names_roles(text: str, labels: Mapping[str, Field] | None = None) -> bool:
    """Whether the text says who does the work: a role word or a label of units or leaders."""
    if _ROLE_WORD.search(text):
        return True
    return any(
        label_field(m.group(1), labels)
        in ("lead", "cooperate", "responsible", "leaders", "division")
        for m in _LABEL_AT.finditer(text)
    )


def split_attribution(
    body: str, labels: Mapping[str, Field] | None = None
) -> tuple[str, str | None]:
    """The body without its bracketed attribution at the end, and the attribution (verbatim)."""
    found = trailing_bracket(body)
    if found is None or not names_roles(found[1], labels) or RULE.fullmatch(found[1]):
        return body, None
    start, inside, mark = found
    rest = body[:start].rstrip(" \u3000")
    if mark in ("。", ".") and not rest.endswith("。"):
        rest += "。"
    return rest, inside.strip()


def standalone_attribution(text: str, labels: Mapping[str, Field] | None = None) -> str | None:
    """An attribution written on a line of its own after its item, without its brackets."""
    found = trailing_bracket(text)
    inside = found[1] if found is not None and found[0] == 0 else text
    start = labelled_at_start(inside, labels)
    if start is not None and start[1] in (
        "lead",
        "cooperate",
        "responsible",
        "leaders",
        "due",
        "person",
        "division",
    ):
        return inside.strip().rstrip("。;；")
    if found is not None and found[0] == 0 and names_roles(found[1], labels):
        return found[1].strip()
    return None


def _normalise(text: str) -> str:
    table = str.maketrans({",": "，", ";": "；", ":": "："})
    return text.translate(table).strip()


def fields(text: str, labels: Mapping[str, Field] | None = None) -> dict[Field, str]:
    """The labelled parts of an attribution (牵头单位：…；责任领导：…), each verbatim; a label of
    no known meaning ends the part before it."""
    text = _normalise(text).rstrip("。")
    found: dict[Field, str] = {}
    matches = [
        m
        for m in _LABEL_AT.finditer(text)
        if label_field(m.group(1), labels) is not None or len(re.sub(r"\s", "", m.group(1))) <= 6
    ]
    for i, m in enumerate(matches):
        field = label_field(m.group(1), labels)
        stop = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        if field is None:
            continue
        value = text[m.end() : stop].strip("，；、 \u3000。")
        found[field] = f"{found[field]}、{value}" if field in found and value else value
    return found


def leaders(text: str, labels: Mapping[str, Field] | None = None) -> list[str]:
    """The leaders an attribution names (责任领导：张三、李四; 俞 悦 justified with a space)."""
    value = fields(text, labels).get("leaders", "")
    names = []
    for piece in re.split(r"[、，,；;]|\s{2,}", value):
        piece = piece.strip()
        if re.fullmatch(r"[\u4e00-\u9fa5](?:\s+[\u4e00-\u9fa5]){1,2}", piece):
            piece = re.sub(r"\s", "", piece)  # 俞 悦: a two-character name justified to three
        names += [p for p in piece.split() if p]
    return names


def parse_attribution(
    text: str,
    labels: Mapping[str, Field] | None = None,
    first_leads: bool = False,
) -> tuple[dict[Role, list[str]], Role | None] | None:
    """Units by role from an attribution, and the role whose list ends in 等 ("and others");
    None when no role can be read.

    A 责任单位 named beside a 牵头单位 cooperates; a unit already leading is not repeated.
    With ``first_leads`` (the plan's ordering rule), a list of units given no roles has its
    first unit lead and the others cooperate.
    """
    labelled = fields(text, labels)
    roles: dict[Role, list[str]] = {}
    others: Role | None = None
    if labelled:
        for field in ("lead", "cooperate", "responsible"):
            if field not in labelled:
                continue
            role: Role = field
            units, more = split_names(labelled[field])
            roles.setdefault(role, []).extend(units)
            others = role if more else others
        if "division" in labelled:
            others = _free_form(labelled["division"], roles) or others
    else:
        others = _free_form(text, roles)
    if "responsible" in roles and "lead" in roles:
        roles.setdefault("cooperate", []).extend(roles.pop("responsible"))
        others = "cooperate" if others == "responsible" else others
    if "cooperate" in roles and "lead" in roles:
        roles["cooperate"] = [u for u in roles["cooperate"] if u not in roles["lead"]]
    for role in list(roles):
        roles[role] = list(dict.fromkeys(roles[role]))
        if not roles[role]:
            del roles[role]
            others = None if others == role else others
    if first_leads and list(roles) == ["responsible"] and len(roles["responsible"]) > 1:
        first, *rest = roles.pop("responsible")
        roles = {"lead": [first], "cooperate": rest}
        others = "cooperate" if others == "responsible" else others
    return (roles, others) if roles else None


def _free_form(text: str, roles: dict[Role, list[str]]) -> Role | None:
    """Roles said in a sentence: X牵头，Y、Z等配合; X负责; 国务院各部门分别负责，年内持续推进."""
    others: Role | None = None
    plain = _normalise(text).rstrip("。")
    for m in re.finditer(rf"(.+?)({_ROLE_WORDS})(?=[，；。]|$)", plain):
        word_role = _ROLE_OF_WORD[m.group(2)]
        segment = m.group(1).strip("，；")
        units, more = split_names(segment)
        if units:
            roles.setdefault(word_role, []).extend(units)
            others = word_role if more else others
    return others


def _pieces(text: str, separators: str) -> list[tuple[str, str]]:
    """The text cut at separators outside brackets: (piece, the separator before it)."""
    pieces: list[tuple[str, str]] = []
    depth, start, before = 0, 0, ""
    for index, char in enumerate(text):
        if char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            depth = max(0, depth - 1)
        elif depth == 0 and char in separators:
            pieces.append((text[start:index], before))
            start, before = index + 1, char
    pieces.append((text[start:], before))
    return pieces


def unit_shaped(name: str) -> bool:
    """A name that looks like one unit (区统计局, 莲都经开区管委会, 各街道) rather than words."""
    bare = re.sub(r"[（(\[【〔［][^）)\]】〕］]*[）)\]】〕］]", "", name)
    return 2 <= len(bare) <= 24 and (_INSTITUTION.search(bare) is not None or is_placeholder(bare))


def _unglued(name: str) -> list[str]:
    """Two unit names written together (区发改局区统计局), apart."""
    for m in re.finditer(r"(?<=[局委办厅室])(?=[区县市省][\u4e00-\u9fa5]{1,10}[局委办厅室])", name):
        left, right = name[: m.start()], name[m.start() :]
        if len(left) >= 3 and unit_shaped(left) and unit_shaped(right):
            return [left, *_unglued(right)]
    return [name]


def _without_rule(name: str) -> str:
    """A unit with the document's ordering rule in brackets after it (县发改局(首位单位为牵头单位,下同))."""
    return re.sub(r"[（(][^（()）]*(?:为牵头|下同)[^（()）]*[）)]", "", name)


def split_names(segment: str) -> tuple[list[str], bool]:
    """Unit names of one role, and whether the list ends in 等 ("and others").

    ``各区、县级市`` stays one placeholder; ``各有关单位，各区、县级市`` is two; nothing inside
    brackets splits a name.
    """
    segment = _normalise(segment).strip("，；、 \u3000")
    segment = _SHARING.sub("", segment).rstrip("，、 ")
    names: list[str] = []
    more = False
    for piece, separator in _pieces(segment, "、，；"):
        piece = _without_rule(piece).strip(" \u3000")
        bare = re.sub(_AND_OTHERS + "$", "", piece)
        more, piece = more or bare != piece, _SHARING.sub("", bare).strip(" \u3000")
        if not piece:
            continue
        if (
            names
            and separator == "、"
            and _ADMIN_HEAD.match(names[-1])
            and _ADMIN_TAIL.match(piece)
            and _INSTITUTION.search(names[-1]) is None
        ):
            names[-1] += "、" + piece
            continue
        words = [w for w, _ in _pieces(piece, " \u3000") if w]
        if len(words) > 1 and all(unit_shaped(w) for w in words):
            spaced = words
        else:
            spaced = [re.sub(r"(?<=[\u4e00-\u9fa5])[ \u3000]+(?=[\u4e00-\u9fa5])", "", piece)]
        for word in spaced:
            names += _unglued(word)
    return names, more


__all__ = [
    "RULE",
    "Field",
    "fields",
    "is_placeholder",
    "label_field",
    "labelled_at_start",
    "leaders",
    "names_roles",
    "parse_attribution",
    "split_attribution",
    "split_names",
    "standalone_attribution",
    "trailing_bracket",
    "unit_shaped",
]
