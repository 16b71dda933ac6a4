"""Bank statements for tests: camt.053 files written by hand after the ISO 20022 schema
(versions 001.02 and 001.08), CSV variants, ledger lines posted with `entry_record` on the
bank accounts of `ledger_world.books` (1110 USD, 1120 MXN), and a statement imported."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest

from secretariat.finance.models import Account, BankStatement, Entry, SourceKind
from secretariat.finance.services.banking import bank_statement_import
from secretariat.finance.services.ledger import LineSpec, entry_record
from secretariat.finance.tests.ledger_world import books_fixture  # noqa: F401  (the `books` fixture)

Movement = tuple[str, str, str, str, str]  # amount, CRDT/DBIT, booking date, end-to-end id, text


def _ntry(version: str, amount: str, side: str, day: str, ref: str, text: str, ccy: str) -> str:
    status = "<Sts>BOOK</Sts>" if version == "02" else "<Sts><Cd>BOOK</Cd></Sts>"
    role = "Dbtr" if side == "CRDT" else "Cdtr"
    name = "<Nm>Example party</Nm>" if version == "02" else "<Pty><Nm>Example party</Nm></Pty>"
    return f"""
      <Ntry>
        <NtryRef>N-{ref}</NtryRef>
        <Amt Ccy="{ccy}">{amount}</Amt>
        <CdtDbtInd>{side}</CdtDbtInd>
        {status}
        <BookgDt><Dt>{day}</Dt></BookgDt>
        <ValDt><DtTm>{day}T10:00:00</DtTm></ValDt>
        <AcctSvcrRef>BANK-{ref}</AcctSvcrRef>
        <NtryDtls><TxDtls>
          <Refs><EndToEndId>{ref}</EndToEndId></Refs>
          <RltdPties><{role}>{name}</{role}></RltdPties>
          <RmtInf><Ustrd>{text}</Ustrd></RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>"""


def _bal(code: str, amount: str, day: str, ccy: str) -> str:
    side = "DBIT" if amount.startswith("-") else "CRDT"
    return f"""
      <Bal>
        <Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>
        <Amt Ccy="{ccy}">{amount.lstrip("-")}</Amt>
        <CdtDbtInd>{side}</CdtDbtInd>
        <Dt><Dt>{day}</Dt></Dt>
      </Bal>"""


def camt053(
    movements: Sequence[Movement],
    *,
    version: str = "02",
    ccy: str = "USD",
    opening: str | None = "1000.00",
    closing: str | None = None,
    statement_id: str = "STMT-2026-03",
    starts: str = "2026-03-01",
    ends: str = "2026-03-31",
) -> bytes:
    """A camt.053.001.<version> statement of one account with `movements`."""
    balances = ""
    if opening is not None:
        balances += _bal("OPBD", opening, starts, ccy)
    if closing is not None:
        balances += _bal("CLBD", closing, ends, ccy)
    entries = "".join(_ntry(version, *m, ccy) for m in movements)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version}"
          xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>MSG-1</MsgId><CreDtTm>2026-04-01T06:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>{statement_id}</Id>
      <CreDtTm>2026-04-01T06:00:00</CreDtTm>
      <FrToDt><FrDtTm>{starts}T00:00:00</FrDtTm><ToDtTm>{ends}T23:59:59</ToDtTm></FrToDt>
      <Acct><Id><Othr><Id>0001234567</Id></Othr></Id><Ccy>{ccy}</Ccy></Acct>{balances}{entries}
    </Stmt>
  </BkToCstmrStmt>
</Document>""".encode()


TWO_MOVEMENTS: list[Movement] = [
    ("1500.00", "CRDT", "2026-03-05", "PAY-2026-0001", "Dues 2026 member A"),
    ("250.50", "DBIT", "2026-03-12", "INV-77", "Invoice 77 translation"),
]


def receive(
    books: dict, actor, *, amount: int, day: dt.date, reference: str, code: str = "1110"
) -> Entry:
    """Money received on bank account `code` (debit bank, credit dues receivable)."""
    bank: Account = books["accounts"][code]
    return entry_record(
        actor=actor,
        journal=books["journals"]["BNK"],
        date=day,
        description=f"Receipt {reference}",
        lines=[
            LineSpec(bank, "debit", amount, bank.currency),
            LineSpec(books["accounts"]["1210"], "credit", amount, bank.currency),
        ],
        source_kind=SourceKind.TRANSFER,
        source_reference=reference,
    )


def pay(
    books: dict, actor, *, amount: int, day: dt.date, reference: str, code: str = "1110"
) -> Entry:
    """Money paid out of bank account `code` (debit services, credit bank)."""
    bank: Account = books["accounts"][code]
    return entry_record(
        actor=actor,
        journal=books["journals"]["BNK"],
        date=day,
        description=f"Payment {reference}",
        lines=[
            LineSpec(books["accounts"]["5310"], "debit", amount, bank.currency),
            LineSpec(bank, "credit", amount, bank.currency),
        ],
        source_kind=SourceKind.SUPPLIER_INVOICE,
        source_reference=reference,
    )


def bank_line_of(entry: Entry, account: Account):
    return entry.lines.get(account=account)


def import_file(
    actor, account: Account, content: bytes, file_format: str = "camt053"
) -> BankStatement:
    return bank_statement_import(
        actor=actor,
        account=account,
        file_name="statement.xml",
        content=content,
        file_format=file_format,
    )


@pytest.fixture(name="bank_world")
def bank_world_fixture(books, finance_officer) -> dict:
    """The books with a receipt and a payment on 1110, and a statement of both (opening
    1,000.00, closing 2,249.50: the two movements)."""
    receipt = receive(
        books, finance_officer, amount=150000, day=dt.date(2026, 3, 4), reference="PAY-2026-0001"
    )
    payment = pay(
        books, finance_officer, amount=25050, day=dt.date(2026, 3, 12), reference="INV-77"
    )
    statement = import_file(
        finance_officer, books["accounts"]["1110"], camt053(TWO_MOVEMENTS, closing="2249.50")
    )
    lines = list(statement.lines.order_by("sequence"))
    return {
        **books,
        "statement": statement,
        "credit": lines[0],
        "debit": lines[1],
        "receipt": bank_line_of(receipt, books["accounts"]["1110"]),
        "payment": bank_line_of(payment, books["accounts"]["1110"]),
    }
