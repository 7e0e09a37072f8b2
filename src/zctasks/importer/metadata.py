"""The plan's own facts from the lines before its body: title, document number, issuer,
date, addressees, preamble, and the 抄送 line at its end."""

from __future__ import annotations

import re
from datetime import date

from zctasks.importer.text import Line
from zctasks.plan.models import Period, Plan

_DOC_NUMBER = re.compile(r"[\u4e00-\u9fa5]{1,12}\s*〔\s*(\d{4})\s*〕\s*\d+\s*号")
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_NOTICE = re.compile(r"关于印发\s*[《〈]?(.+?)[》〉]?\s*的\s*通\s*知$")
_ISSUER = re.compile(
    r"[\u4e00-\u9fa5]{2,20}(?:人民政府办公室|人民政府办公厅|人民政府|办公室|委员会|管委会)"
)


_NOT_TITLES = ("序号", "牵头", "责任", "配合", "完成时限")


def _squeeze(text: str) -> str:
    """Spaces that web pages put between Chinese characters, out."""
    return re.sub(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])", "", text)


def _day(match: re.Match[str]) -> date | None:
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def plan_of(head: list[Line], tail: list[Line], skipped: list[str], body_years: list[int]) -> Plan:
    """The plan from the lines before its body (``head``), after it (``tail``, with 抄送) and
    the page chrome left out (``skipped``: 文号, 发布机构); ``body_years`` are the years the
    body names, for a document whose title names none."""
    texts = [line.text for line in head if line.text]
    doc_number = ""
    for text in [t for t in texts if len(t) <= 40] + skipped:
        if m := _DOC_NUMBER.search(text):
            doc_number = _squeeze(m.group(0))
            break
    cited_years = [int(m.group(1)) for t in texts for m in _DOC_NUMBER.finditer(t)]
    issued = next(
        (d for t in texts if _DATE.fullmatch(t) and (d := _day(_DATE.fullmatch(t)))),  # type: ignore[arg-type]
        None,
    )
    if issued is None:
        issued = next((d for t in texts for m in _DATE.finditer(t) if (d := _day(m))), None)
    if issued is None:
        issued = next((d for t in texts for m in _ISO_DATE.finditer(t) if (d := _day(m))), None)
    title, notice_title, issuer, title_at = "", "", "", -1
    for i, text in enumerate(texts):
        if m := _NOTICE.search(text):
            title, title_at = _squeeze(m.group(1)), i
            before = texts[i - 1] if i else ""
            if (
                before
                and not text.startswith(before)
                and before.endswith(("办公室", "政府", "委员会"))
            ):
                notice_title, issuer = before + text, before
            else:
                notice_title = text
                if m2 := re.match(
                    r"(.+?(?:人民政府办公室|人民政府办公厅|人民政府|办公室))关于", text
                ):
                    issuer = m2.group(1)
            break
    if not issuer:
        issuer = next((t for t in texts if _ISSUER.fullmatch(t)), "")
    if not title:
        candidates = [
            (i, _squeeze(t))
            for i, t in enumerate(texts)
            if not t.endswith(("。", "：", ":"))
            and not _DATE.fullmatch(t)
            and not _DOC_NUMBER.search(t)
            and not _ISSUER.fullmatch(t)
            and not re.fullmatch(r"[（(].*[）)]|\d+|[一二三四五六七八九十]+、.*|附件\d*", t)
            and not t.startswith(_NOT_TITLES)
            and 4 <= len(t) <= 60
        ]
        title_at, title = candidates[-1] if candidates else (-1, "重点工作任务")
    preamble = next(
        (t for t in texts[title_at + 1 :] if t.endswith("。") and t.startswith(("为", "根据"))),
        "",
    )
    year = (
        int(m.group(1))
        if (m := re.search(r"(\d{4})\s*年", title))
        else issued.year
        if issued
        else max(set(body_years), key=body_years.count)
        if body_years
        else max(cited_years)
        if cited_years
        else date.today().year
    )
    addressees = next(
        (t[:-1] for t in texts if t.endswith(("：", ":")) and re.search("[，,、]", t)), ""
    )
    return Plan(
        title=title,
        doc_number=doc_number or "（无文号）",
        issuer=issuer or "（未注明）",
        issued=issued or date(year, 1, 1),
        period=Period(date(year, 1, 1), date(year, 12, 31)),
        notice_title=notice_title,
        addressees=addressees,
        cc=_cc(tail),
        preamble=preamble,
    )


def _cc(lines: list[Line]) -> str:
    for i, line in enumerate(lines):
        if line.text.startswith("抄送"):
            cc = line.text.split("：", 1)[-1].split(":", 1)[-1]
            if not cc.endswith("。") and i + 1 < len(lines):
                cc += lines[i + 1].text.strip()
            return cc.strip().rstrip("。")
    return ""
