"""New ledgers: a folder that works with git from its first commit, and synthetic demo
progress. Takes a path; gives a ledger.
"""
