"""zctasks: a plain-text ledger for a government plan's key tasks."""

__version__ = "0.1.0"
