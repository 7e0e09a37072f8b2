"""考评: unit scores from the office's rules in data/scoring.yaml, every point explained.
Takes a judged ledger, its progress, the 催办 register and the rules; gives score sheets.

``rules`` is the file's model, ``reading`` validates it (located diagnostics, JSON Schema),
``facts`` is what a score is counted from (arrivals, lights at cycle ends, answers to
slips), ``engine`` turns the rules and the facts into lines of points, ``whatif`` lays
hypothetical figures over the log, and ``register`` keeps the issued score sheets.
"""
