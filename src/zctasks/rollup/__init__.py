"""汇总: a city (or province) over its members' own ledgers, each read from git at a pin.
Takes a roll-up ledger and its members' repositories; gives aggregated lights and documents.

``model`` is the three files of a roll-up — ``data/members.yaml`` (who the members are and
where their repositories are), ``data/crosswalk.yaml`` (which member tasks and targets make
up each of the city's) and ``data/members.lock`` (the commit each member is read at) —
``reading`` validates them with located diagnostics, ``units`` converts 万元 to 亿元,
``mirrors`` fetches each member with ordinary git into a bare mirror in the roll-up's own
git folder and pins what passed ``check``, ``members`` reads a member at its pinned commit
(without a checkout) and reduces it to what the roll-up needs, cached by commit,
``combine`` lays the members' figures and lights over the city's plan as a ``Progress``
that the judgement and the documents read like any other, ``league`` ranks the members
within their series, and ``view`` says it all as tables, JSON and the documents' section.
"""
