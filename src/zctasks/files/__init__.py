"""Files: bytes on disk, read within bounds, YAML with every position, written atomically under
a lock, committed to git. Takes paths; gives located data, diagnostics and durable writes.
"""
