"""A ledger folder read once: the plan and the log checked and cached by the bytes they came
from. Takes a ledger root; gives its Ledger, its Progress and every diagnostic.
"""
