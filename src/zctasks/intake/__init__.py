"""The reporting round trip: the 报送表 sent to units, and what units send back (YAML, CSV,
Excel, returned 报送表) read into checked entries. Takes files; gives entries to record.
"""
