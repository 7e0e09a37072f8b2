"""The progress log: month files of one-line entries, their index, corrections, checks across
files, recording, the 催办 register, git hooks. Takes a Ledger and month files; gives Progress.
"""
