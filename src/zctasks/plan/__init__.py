"""The plan: tasks.yaml, departments.yaml and config.yaml validated into the model, checked
across, indexed as a Ledger and queried. Takes parsed YAML; gives a checked Ledger.
"""
