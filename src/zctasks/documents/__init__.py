"""Documents: what each report says (as data), rendered through Jinja into Markdown, then into
DOCX, HTML, XLSX and CSV. Takes a judged ledger; gives the files an office hands in.
"""
