"""Judgement: reporting cycles, 序时进度 and the lights, and the words and JSON objects that say
them. Takes a Ledger and its Progress; gives each task's light and the reason for it.
"""
