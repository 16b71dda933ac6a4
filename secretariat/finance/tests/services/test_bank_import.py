"""The statement parsers (services/bank_import.py): camt.053 in versions 001.02 and 001.08,
hostile XML refused, CSV variants with clear per-row errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from secretariat.finance.services.bank_import import (
    FileRefused,
    detect_decimal_separator,
    parse_camt053,
    parse_csv,
)
from secretariat.finance.tests.banking_world import TWO_MOVEMENTS, camt053

DEMO = Path(__file__).resolve().parents[4] / "data" / "demo" / "finance"


@pytest.mark.parametrize("version", ["02", "08"])
def test_it_reads_a_camt053_statement_of_either_version(version):
    # given
    content = camt053(TWO_MOVEMENTS, version=version, closing="2249.50")
    # when
    parsed = parse_camt053(content)
    # then
    assert parsed.problems == ()
    assert parsed.statement_id == "STMT-2026-03"
    assert parsed.currency == "USD"
    assert (parsed.starts, parsed.ends) == (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert (parsed.opening_balance, parsed.closing_balance) == (100000, 224950)
    credit, debit = parsed.lines
    assert credit.amount == 150000 and debit.amount == -25050
    assert credit.booking_date == dt.date(2026, 3, 5)
    assert credit.value_date == dt.date(2026, 3, 5)
    assert credit.reference == "PAY-2026-0001"
    assert credit.counterparty == "Example party"
    assert debit.description == "Invoice 77 translation"
    assert parsed.movements == 150000 - 25050


def test_it_reads_the_demo_camt053_file():
    # given
    content = (DEMO / "camt053-example.xml").read_bytes()
    # when
    parsed = parse_camt053(content)
    # then
    assert parsed.problems == ()
    assert [line.amount for line in parsed.lines] == [1250000, -50000, -3000]
    assert parsed.opening_balance + parsed.movements == parsed.closing_balance
    assert parsed.lines[2].description == "Monthly account fee (example)"


def test_it_keeps_amounts_exact_without_floats():
    # given: 0.1 + 0.2 in floats is not 0.3
    content = camt053(
        [("0.10", "CRDT", "2026-03-02", "A", "a"), ("0.20", "CRDT", "2026-03-02", "B", "b")]
    )
    # when
    parsed = parse_camt053(content)
    # then
    assert parsed.movements == 30


def test_it_leaves_out_pending_movements_with_a_warning():
    # given
    content = camt053(TWO_MOVEMENTS).replace(b"<Sts>BOOK</Sts>", b"<Sts>PDNG</Sts>", 1)
    # when
    parsed = parse_camt053(content)
    # then
    assert len(parsed.lines) == 1
    assert "not booked" in parsed.warnings[0]


def test_it_names_the_movement_it_cannot_read():
    # given
    content = camt053(TWO_MOVEMENTS).replace(
        b"<CdtDbtInd>DBIT</CdtDbtInd>", b"<CdtDbtInd>XX</CdtDbtInd>"
    )
    # when
    parsed = parse_camt053(content)
    # then
    assert len(parsed.problems) == 1
    assert parsed.problems[0].line == 2
    assert "CRDT or DBIT" in str(parsed.problems[0])


@pytest.mark.parametrize(
    "hostile",
    [
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
        b"<Document><BkToCstmrStmt><Stmt><Id>&lol2;</Id></Stmt></BkToCstmrStmt></Document>",
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b"<Document>&xxe;</Document>",
        b'<?xml version="1.0"?><!doctype Document SYSTEM "http://example.org/x.dtd"><Document/>',
        "<Document/>".encode("utf-16"),
    ],
)
def test_it_refuses_hostile_xml(hostile):
    # when / then
    with pytest.raises(FileRefused):
        parse_camt053(hostile)


@pytest.mark.parametrize(
    "content",
    [
        b"not xml at all",
        b"<Document><Other/></Document>",
        b"<Other><BkToCstmrStmt><Stmt/></BkToCstmrStmt></Other>",
    ],
)
def test_it_refuses_what_is_not_a_camt053(content):
    with pytest.raises(FileRefused):
        parse_camt053(content)


def test_it_refuses_a_file_of_several_statements():
    # given
    one = camt053(TWO_MOVEMENTS)
    start = one.index(b"<Stmt>")
    end = one.index(b"</Stmt>") + len(b"</Stmt>")
    two = one[:end] + one[start:end] + one[end:]
    # when / then
    with pytest.raises(FileRefused, match="2 statements"):
        parse_camt053(two)


def test_it_reads_a_spanish_csv_with_semicolons_and_decimal_commas():
    # given
    content = (DEMO / "bank-statement-example.csv").read_bytes()
    # when
    parsed = parse_csv(content, currency="MXN")
    # then
    assert parsed.problems == ()
    assert [line.amount for line in parsed.lines] == [25000000, -1200000, -15050]
    assert parsed.lines[0].booking_date == dt.date(2026, 3, 5)
    assert parsed.lines[0].reference == "EX-DUES-2026-002"
    assert (parsed.starts, parsed.ends) == (dt.date(2026, 3, 5), dt.date(2026, 3, 31))


def test_it_reads_an_english_csv_with_commas_and_debit_and_credit_columns():
    # given
    content = (
        b"Date,Value date,Description,Reference,Debit,Credit\n"
        b'2026-03-05,2026-03-06,Dues,PAY-1,,"1,500.00"\n'
        b"2026-03-12,,Invoice,INV-77,250.50,\n"
        b"\n"
    )
    # when
    parsed = parse_csv(content, currency="USD")
    # then
    assert parsed.problems == ()
    assert [line.amount for line in parsed.lines] == [150000, -25050]
    assert parsed.lines[0].value_date == dt.date(2026, 3, 6)
    assert parsed.lines[1].value_date is None
    assert {line.currency for line in parsed.lines} == {"USD"}


def test_it_reads_a_windows_encoded_csv():
    # given
    content = "fecha;concepto;importe\n01/03/2026;Comisión;-1,50\n".encode("cp1252")
    # when
    parsed = parse_csv(content, currency="MXN")
    # then
    assert parsed.lines[0].description == "Comisión"
    assert parsed.lines[0].amount == -150


def test_it_names_each_csv_row_it_cannot_read():
    # given
    content = (
        b"date;description;amount\n"
        b"2026-03-05;ok;10.00\n"
        b"2026-13-40;bad date;10.00\n"
        b"2026-03-06;bad amount;ten\n"
        b"2026-03-07;zero;0.00\n"
    )
    # when
    parsed = parse_csv(content, currency="USD")
    # then
    assert len(parsed.lines) == 1
    assert [problem.line for problem in parsed.problems] == [3, 4, 5]
    messages = [str(problem) for problem in parsed.problems]
    assert "Line 3" in messages[0] and "not a date" in messages[0]
    assert "not an amount" in messages[1]
    assert "zero" in messages[2]


def test_it_refuses_a_csv_without_date_and_amount_columns():
    with pytest.raises(FileRefused, match="date column"):
        parse_csv(b"when;what\n2026-03-01;x\n", currency="USD")


def test_it_refuses_a_csv_mixing_currencies():
    # given
    content = b"date,amount,currency\n2026-03-01,1.00,USD\n2026-03-02,1.00,MXN\n"
    # when
    parsed = parse_csv(content, currency="USD")
    # then
    assert any("statement's currency" in str(problem) for problem in parsed.problems)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["1.234,56"], ","),
        (["1,234.56"], "."),
        (["1000", "12,5"], ","),
        (["1,000"], "."),
        ([], "."),
    ],
)
def test_it_detects_the_decimal_separator(values, expected):
    assert detect_decimal_separator(values) == expected
