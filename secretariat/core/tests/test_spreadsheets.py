"""Cells written to CSV and XLSX files: text a spreadsheet would run is written as text."""

from __future__ import annotations

import pytest

from secretariat.core.spreadsheets import safe_cell


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2+cmd|' /C calc'!A0", "'-2+cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTAB", "'\tTAB"),
        ("-1234.50", "-1234.50"),
        ("1234", "1234"),
        ("2026-01-01", "2026-01-01"),
        ("Instituto Alfa", "Instituto Alfa"),
        (12, 12),
    ],
)
def test_it_writes_formulas_as_text_and_numbers_as_numbers(cell, written):
    assert safe_cell(cell) == written
