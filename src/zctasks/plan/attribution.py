"""Reading an attribution: who leads, who cooperates, who is responsible, and who answers for it.

The forms of the genre: ``X牵头，Y等部门配合`` / ``X负责`` / ``牵头单位：X，配合单位：Y、Z，各区、县级市``
/ ``牵头部门：X；责任部门：Y`` / ``责任单位：X  责任领导：张三  完成时限：6月底前``, in full- or
half-width punctuation. Placeholders (各有关单位, 各区、县级市, 区有关部门) are kept verbatim.

This module imports nothing heavy: ``zctasks check`` uses it to see that a task's roles still
agree with the attribution they were read from.
"""

from __future__ import annotations

import re
from typing import Literal

from zctasks.plan.models import Role

Field = Literal["lead", "cooperate", "responsible", "leaders", "due", "person"]

LABELS: dict[str, Field] = {
    "牵头单位": "lead",
    "牵头部门": "lead",
    "主责单位": "lead",
    "配合单位": "cooperate",
    "配合部门": "cooperate",
    "协办单位": "cooperate",
    "参与单位": "cooperate",
    "协同单位": "cooperate",
    "责任单位": "responsible",
    "责任部门": "responsible",
    "实施单位": "responsible",
    "责任领导": "leaders",
    "牵头领导": "leaders",
    "分管领导": "leaders",
    "包保领导": "leaders",
    "完成时限": "due",
    "完成时间": "due",
    "时间节点": "due",
    "时限要求": "due",
    "项目责任人": "person",
    "责任人": "person",
}
_LABEL = re.compile("(" + "|".join(sorted(LABELS, key=len, reverse=True)) + r")\s*[:：]\s*")
_ROLE_WORD = re.compile("牵头|负责|配合|" + "|".join(LABELS))
_ROLE_OF_WORD: dict[str, Role] = {"牵头": "lead", "配合": "cooperate", "负责": "responsible"}
_OPENERS = "（([【〔"
_CLOSERS = "）)]】〕"
_INSTITUTION = re.compile(
    r"(局|委|部|办|中心|公司|院|会|队|所|站|社|行|联|厅|处|室|政府|组|集团|办事处|管委会|分局)$"
)
# A level of local government: 各区、县级市 names two levels, one placeholder.
_ADMIN = (
    r"(?:区|县|市|县级市|县（市、区）|镇|乡|街道|乡镇|县区|区县|县市区|开发区|园区|管委会|新区)"
)
_ADMIN_HEAD = re.compile(rf"^各{_ADMIN}(?:、{_ADMIN})*$")
_ADMIN_TAIL = re.compile(rf"^{_ADMIN}(?:人民政府|政府|管委会|党委和政府)?$")


_AND_OTHERS = r"等(?:部门单位|部门和单位|部门|单位|有关部门)?"


def is_placeholder(name: str) -> bool:
    """Generic wording (各有关单位, 区有关部门, 区直各部门, 安委会成员单位), never a department."""
    return "各" in name or re.search(r"有关|相关|成员单位", name) is not None


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


def names_roles(text: str) -> bool:
    return _ROLE_WORD.search(text) is not None


def split_attribution(body: str) -> tuple[str, str | None]:
    """The body without its bracketed attribution at the end, and the attribution (verbatim)."""
    found = trailing_bracket(body)
    if found is None or not names_roles(found[1]):
        return body, None
    start, inside, mark = found
    rest = body[:start].rstrip(" \u3000")
    if mark in ("。", ".") and not rest.endswith("。"):
        rest += "。"
    return rest, inside.strip()


def standalone_attribution(text: str) -> str | None:
    """An attribution written on a line of its own after its item, without its brackets."""
    if _LABEL.match(text.lstrip("（([【")):
        inside = text
        found = trailing_bracket(text)
        if found is not None and found[0] == 0:
            inside = found[1]
        return inside.strip().rstrip("。;；")
    found = trailing_bracket(text)
    if found is not None and found[0] == 0 and names_roles(found[1]):
        return found[1].strip()
    return None


def _normalise(text: str) -> str:
    table = str.maketrans({",": "，", ";": "；", ":": "："})
    return re.sub(r"[ \u3000\t]+", "", text.translate(table))


def fields(text: str) -> dict[Field, str]:
    """The labelled parts of an attribution (牵头单位：…；责任领导：…), each verbatim."""
    text = _normalise(text).rstrip("。")
    found: dict[Field, str] = {}
    matches = list(_LABEL.finditer(text))
    for i, m in enumerate(matches):
        stop = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        value = text[m.end() : stop].strip("，；、")
        field = LABELS[m.group(1)]
        found[field] = f"{found[field]}、{value}" if field in found and value else value
    return found


def leaders(text: str) -> list[str]:
    """The leaders an attribution names (责任领导：张三、李四)."""
    return [name for name in re.split(r"[、，,]", fields(text).get("leaders", "")) if name]


def parse_attribution(text: str) -> tuple[dict[Role, list[str]], Role | None] | None:
    """Units by role from an attribution, and the role whose list ends in 等 ("and others");
    None when no role can be read.

    A 责任单位 named beside a 牵头单位 cooperates; a unit already leading is not repeated.
    """
    labelled = fields(text)
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
    else:
        plain = _normalise(text).rstrip("。")
        for m in re.finditer(r"(.+?)(牵头|配合|负责)(?:[，；]|$)", plain):
            word_role = _ROLE_OF_WORD[m.group(2)]
            segment = re.sub(r"按职责分工$|按职责$|分别$|共同$", "", m.group(1).strip("，；"))
            units, more = split_names(segment)
            if units:
                roles.setdefault(word_role, []).extend(units)
                others = word_role if more else others
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
    return (roles, others) if roles else None


def split_names(segment: str) -> tuple[list[str], bool]:
    """Unit names of one role, and whether the list ends in 等 ("and others").

    ``各区、县级市`` stays one placeholder; ``各有关单位，各区、县级市`` is two.
    """
    stripped = re.sub(_AND_OTHERS + "$", "", segment)
    names: list[str] = []
    more = stripped != segment
    pieces = re.split(r"([、，])", stripped)
    separator = ""
    for piece in pieces:
        if piece in ("、", "，"):
            separator = piece
            continue
        bare = re.sub(_AND_OTHERS + "$", "", piece)  # 区水务局等部门，区国投公司…配合
        more, piece = more or bare != piece, bare
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
        else:
            names.append(piece)
    return names, more
