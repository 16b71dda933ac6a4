"""Cells of the files people open in a spreadsheet (CSV, XLSX): text that a spreadsheet
would run as a formula or a command is written as text (OWASP "CSV injection").

Free text reaches these files from outside: a bank statement's counterparty and reference,
an institution's name as imported, an entry's description. A cell that starts with one of
FORMULA_PREFIXES is prefixed with a quote; numbers are left as numbers.
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def neutralise(value: str) -> str:
    """Prefix a cell that a spreadsheet would take for a formula with a quote."""
    return f"'{value}" if value.startswith(FORMULA_PREFIXES) else value


def safe_cell(value: Any) -> Any:
    """A cell as written: text neutralised unless it is a plain number ("-1234.50")."""
    if isinstance(value, str) and not _NUMBER.fullmatch(value):
        return neutralise(value)
    return value
