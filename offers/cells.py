"""Spreadsheet cells that cannot run as formulas: one rule for the public CSV export and the admin CSV/XLSX.

A text starting with `=`, `+`, `-`, `@`, a tab or a carriage return may be taken as a formula by Excel or
LibreOffice (`=HYPERLINK(…)`, `@SUM(…)`, DDE). Such a text gets a leading apostrophe, so it stays text
(OWASP "CSV injection"). Numbers, dates and empty cells stay as they are. `restore()` undoes it when an
exported file comes back through the admin import.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def restore(value):
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value
