"""The leader's view: a static site of the ledger as of a date, and a local read-only server.
Takes a ledger, its progress and a date; gives a folder of pages that works offline.

``build`` writes the overview, the 作战图 board, a page per chapter, task and unit and an
offline search — from ``file://`` or any plain web server, with nothing requested from
outside the folder, and the same bytes for the same commit and date. ``serve`` is only a
window onto it on 127.0.0.1, rebuilt when the ledger's files change.
"""
