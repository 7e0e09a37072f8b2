"""The plan's own facts from the lines before its body: title, document number, issuer,
date, addressees, preamble, and the 抄送 line at its end.

Only the document's own lines count: a page's navigation, its publication time and the
title of the page are chrome (set aside before this). The page's metadata fields (文号,
成文日期) restate the document's and are used only where its own lines say nothing. A 文号 is
read in its usual forms: 〔2020〕, [2020], （2020）, 【2020】, with or without spaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from zctasks.importer.text import Line
from zctasks.plan.attribution import RULE
from zctasks.plan.models import Period, Plan

_DOC_NUMBER = re.compile(
    r"[\u4e00-\u9fa5]{1,12}\s*[〔［\[【（(]\s*(\d{4})\s*[〕］\]】）)]\s*第?\s*\d{1,4}\s*号"
)
_DIGIT = "〇○零一二三四五六七八九"
_CN_DATE = re.compile(
    rf"([{_DIGIT}Ｏ０-９\d]{{4}})\s*年\s*([{_DIGIT}十\d]{{1,3}})\s*月\s*([{_DIGIT}十\d]{{1,3}})\s*日"
)
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_NOTICE = re.compile(r"关于印发\s*[《〈]?(.+?)[》〉]?\s*的\s*通\s*知$")
_ISSUER = re.compile(
    r"[\u4e00-\u9fa5]{0,20}(?:人民政府办公室|人民政府办公厅|人民政府|政府办公室|办公室|办公厅|委员会|管委会|国务院)"
)
_ISSUER_BEFORE = re.compile(
    r"^(.*?(?:人民政府办公室|人民政府办公厅|人民政府|办公室|办公厅|委员会|国务院))关于"
)
_SPAM = re.compile(r"\s*[-_|｜–—]\s*[^-_|｜–—《》“”]{2,20}$")
_TITLE_WORDS = re.compile(r"通知|方案|分解|任务|计划|要点|意见|清单|安排|分工|目标|工作")
_NOT_TITLES = ("序号", "牵头", "责任", "配合", "完成时限", "附件")


def _squeeze(text: str) -> str:
    """Spaces that web pages put between Chinese characters, out."""
    return re.sub(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])", "", text)


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    digits = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0, "Ｏ": 0}
    if all(c in digits for c in text):
        return int("".join(str(digits[c]) for c in text))
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (digits[tens] if tens else 1) * 10 + (digits[ones] if ones else 0)
    return -1


def day(text: str) -> date | None:
    """The date a line writes, in Arabic or Chinese numerals (二○○六年四月二十八日)."""
    if m := _CN_DATE.search(text):
        numbers = [_number(_fullwidth(g)) for g in m.groups()]
    elif m := _ISO_DATE.search(text):
        numbers = [int(g) for g in m.groups()]
    else:
        return None
    try:
        return date(numbers[0], numbers[1], numbers[2])
    except ValueError:
        return None


def _fullwidth(text: str) -> str:
    return text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))


@dataclass
class Facts:
    """What the plan's own lines say; ``year`` is None when no line names one."""

    plan: Plan
    year: int | None
    notes: list[str]
    year_conflict: str = ""
    """Where the title names no year and the 文号 (or the date) and the body disagree: what
    each says. ``--year`` decides."""


def lead_rule(texts: list[str]) -> str:
    """The document's rule that the first unit listed leads, quoted in its own words."""
    for text in texts:
        if m := RULE.search(text):
            left = max(text.rfind(mark, 0, m.start()) for mark in "，。；（(：:") + 1
            ends = [i for i in (text.find(mark, m.end()) for mark in "。；）)") if i != -1]
            return text[left : min(ends) if ends else len(text)].strip()
    return ""


def plan_of(
    head: list[Line],
    tail: list[Line],
    fields: dict[str, str],
    body_years: list[int],
    year: int | None = None,
    fallback_title: str = "",
) -> Facts:
    """The plan from the lines before its body (``head``), after it (``tail``, with 抄送) and
    the page's own metadata fields (``fields``: 文号, 成文日期); ``body_years`` are the years
    the body names, for a document whose title names none; ``year`` overrides them all."""
    notes: list[str] = []
    texts = [line.text for line in head if line.text]
    doc_number = ""
    for text in [t for t in texts if len(t) <= 40]:
        if m := _DOC_NUMBER.search(text):
            doc_number = re.sub(r"\s", "", m.group(0))
            break
    if not doc_number:
        for name in ("文号", "发文字号", "文件编号", "发布文号"):
            if (value := fields.get(name)) and (m := _DOC_NUMBER.search(value)):
                doc_number = re.sub(r"\s", "", m.group(0))
                break
    cited_years = [int(m.group(1)) for t in texts for m in _DOC_NUMBER.finditer(t)]
    issued = next((d for t in texts if _alone_date(t) and (d := day(t))), None)
    if issued is None:
        issued = next((d for t in texts if _CN_DATE.search(t) and (d := day(t))), None)
    if issued is None:
        for name in ("成文日期", "发文日期"):
            if (value := fields.get(name)) and (found := day(value)):
                issued = found
                break
    title, notice_title, issuer, title_at = "", "", "", -1
    joined = _joined_titles(texts)
    for i, text in joined:
        if "关于" not in text or not re.search(r"(?:通\s*知|意见|决定|方案|批复|函)$", text):
            continue
        notice_title = _squeeze(text)
        if m := _NOTICE.search(notice_title):
            title, title_at = _squeeze(m.group(1)), i
        if m2 := _ISSUER_BEFORE.match(notice_title):
            issuer = m2.group(1)
        before = texts[i - 1] if i else ""
        if before and _ISSUER.fullmatch(before) and not notice_title.startswith(before):
            issuer, notice_title = before, before + notice_title
        break
    signature = next((t for t in texts if _ISSUER.fullmatch(t) and len(t) >= 3), "")
    if signature and (not issuer or issuer in signature):
        issuer = signature
    if not title:
        candidates = [
            (i, _squeeze(t))
            for i, t in enumerate(texts)
            if not t.endswith(("。", "：", ":"))
            and not _alone_date(t)
            and not _DOC_NUMBER.search(t)
            and not _ISSUER.fullmatch(t)
            and not re.fullmatch(r"[（(].*[）)]|\d+|[一二三四五六七八九十]+、.*|附件\d*", t)
            and not t.startswith(_NOT_TITLES)
            and not re.search(r"[，,]", t)
            and 4 <= len(t) <= 60
        ]
        if candidates:
            title_at, title = candidates[-1]
        elif notice_title:
            title = notice_title
    title = _without_spam(title)
    if not title:
        title = fallback_title
        notes.append(f"文件中没有找到标题，已用文件名“{fallback_title}”作标题")
    preamble = next(
        (t for t in texts[title_at + 1 :] if t.endswith("。") and t.startswith(("为", "根据"))),
        "",
    )
    plan_year = year
    conflict = ""
    if plan_year is None:
        own = [int(m.group(1)) for m in _DOC_NUMBER.finditer(doc_number)]
        conflict = _year_evidence(title, own, issued, body_years, notes)
        plan_year = (
            int(m.group(1))
            if (m := re.search(r"(\d{4})\s*年", title))
            else own[0]
            if own
            else issued.year
            if issued
            else max(set(body_years), key=body_years.count)
            if body_years
            else max(cited_years)
            if cited_years
            else None
        )
    known_year = plan_year if plan_year is not None else date.today().year
    if issued is None:
        notes.append(f"文件中没有成文日期，印发日期暂记为 {known_year}-01-01，请核对")
    addressees = next(
        (t[:-1] for t in texts if t.endswith(("：", ":")) and re.search("[，,、]", t)), ""
    )
    plan = Plan(
        title=title,
        doc_number=doc_number or "（无文号）",
        issuer=issuer or "（未注明）",
        issued=issued or date(known_year, 1, 1),
        period=Period(date(known_year, 1, 1), date(known_year, 12, 31)),
        notice_title=notice_title if notice_title != title else "",
        addressees=addressees,
        cc=_cc(tail),
        preamble=preamble,
    )
    return Facts(plan, plan_year, notes, conflict)


def _year_evidence(
    title: str, own: list[int], issued: date | None, body_years: list[int], notes: list[str]
) -> str:
    """Whether the title, the 文号 and the body agree on the plan's year. A year in the title
    decides, and a 文号 or body that says otherwise is noted; without one, a 文号 (or, without
    a 文号, the date) whose year the body never names while it names the year before or after
    (a plan for 2024 issued in December 2023) is a conflict, returned in words. Years further
    off (到2035年) are goals, not the plan's year."""

    def other(year: int) -> int | None:
        if year in body_years:
            return None
        near = [found for found in body_years if abs(found - year) == 1]
        return max(set(near), key=near.count) if near else None

    if m := re.search(r"(\d{4})\s*年", title):
        titled = int(m.group(1))
        others = [f"文号写〔{own[0]}〕"] if own and own[0] != titled else []
        if (body := other(titled)) is not None:
            others.append(f"正文写{body}年")
        if others:
            notes.append(f"计划年度按标题取{titled}年；{'，'.join(others)}，如有误请用 --year 指定")
        return ""
    if own and (body := other(own[0])) is not None:
        return f"文号写〔{own[0]}〕，正文写{body}年"
    if not own and issued is not None and (body := other(issued.year)) is not None:
        return f"成文日期为{issued.year}年{issued.month}月{issued.day}日，正文写{body}年"
    return ""


def _alone_date(text: str) -> bool:
    """A line that is only a date (the date under the signature)."""
    bare = re.sub(r"\s", "", text)
    m = _CN_DATE.fullmatch(bare)
    return m is not None


def _joined_titles(texts: list[str]) -> list[tuple[int, str]]:
    """Each line, and a notice title broken over several lines joined back (县人民政府办公室关于 /
    对县《政府工作报告》确定的2021年 / … / 重点事项进行责任分解的通知)."""
    found: list[tuple[int, str]] = []
    for i, text in enumerate(texts):
        found.append((i, text))
        if _squeeze(text).endswith("通知") and "关于" not in text and len(text) > 4:
            for back in range(i - 1, max(-1, i - 6), -1):
                if len(texts[back]) > 40 or texts[back].endswith(("。", "：", ":")):
                    break
                if "关于" in texts[back]:
                    found.append((back, "".join(texts[back : i + 1])))
                    break
    return sorted(found, key=lambda item: (item[0], -len(item[1])))


def _without_spam(title: str) -> str:
    """A title without what a copying site appended to it (…责任分解-欧洲杯网络平台)."""
    m = _SPAM.search(title)
    if m and _TITLE_WORDS.search(title[: m.start()]) and not _TITLE_WORDS.search(m.group(0)):
        return title[: m.start()]
    return title


def _cc(lines: list[Line]) -> str:
    for i, line in enumerate(lines):
        if line.text.startswith("抄送"):
            cc = line.text.split("：", 1)[-1].split(":", 1)[-1]
            if not cc.endswith("。") and i + 1 < len(lines):
                cc += lines[i + 1].text.strip()
            return cc.strip().rstrip("。")
    return ""
