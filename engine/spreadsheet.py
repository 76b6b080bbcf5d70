"""CSV cells a spreadsheet would run as formulas (OWASP "CSV Injection").

Every CSV that sesame writes may be opened in a spreadsheet, which treats a
cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return as a
formula (`=cmd|'/Ccalc'!A0`, `=HYPERLINK(...)`). Such a cell gets a leading
single quote. The rule is reversible so that `account import` reads back what
`account export` wrote: a value that already starts with quotes followed by a
formula character gets one more quote, and `restore_cell` removes exactly one.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _needs_quote(value: str) -> bool:
    return value.lstrip("'").startswith(FORMULA_STARTS)


def neutralise_cell(value: str) -> str:
    """The cell as written to a CSV file: never read as a formula."""
    return "'" + value if _needs_quote(value) else value


def restore_cell(cell: str) -> str:
    """The value `neutralise_cell` was given (a cell it did not quote is unchanged)."""
    return cell[1:] if cell.startswith("'") and _needs_quote(cell) else cell
