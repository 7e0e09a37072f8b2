"""What each document says, as plain data for templates: no rendering here.

One module per document kind — ``briefing`` (工作简报), ``status_ledger`` (台账),
``notice`` (a unit's notice), ``urge`` (催办单 and their register), ``score`` (考评结果, from
a score sheet of ``scoring``) — over ``common`` (what
every document shares) and ``wording`` (how documents say dates, figures and lights).
Contexts hold only strings, numbers, lists and dicts, so that a user's template, which runs
sandboxed, can read them and reach nothing else.
"""

from zctasks.documents.reports.briefing import briefing, iso_week
from zctasks.documents.reports.notice import department
from zctasks.documents.reports.status_ledger import status_ledger
from zctasks.documents.reports.urge import drafts, prefixes, register, urge

KINDS = ("briefing", "ledger", "dept", "urge", "register")

__all__ = [
    "KINDS",
    "briefing",
    "department",
    "drafts",
    "iso_week",
    "prefixes",
    "register",
    "status_ledger",
    "urge",
]
