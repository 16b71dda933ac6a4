"""A fixed, deterministic ledger for the statements' tests: fiscal years 2025 and 2026 with
opening balances, assessments of two members, payments in USD and MXN, salaries, services,
equipment and investments, a closing entry for 2025 and a reversal in 2026. The same data
gives the same figures on SQLite and PostgreSQL (tests/statements_golden.json)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from secretariat.finance.models import SourceKind
from secretariat.finance.services.ledger import LineSpec, entry_record, entry_reverse
from secretariat.finance.services.years import fiscal_year_open
from secretariat.finance.tests.dues_world import make_bodies
from secretariat.finance.tests.ledger_world import make_books
from secretariat.governance.models import AgendaItem
from secretariat.governance.tests.helpers import registration_session


def post(books, actor, day, description, lines, *, journal="GEN", kind=SourceKind.MANUAL):
    return entry_record(
        actor=actor,
        journal=books["journals"][journal],
        date=day,
        description=description,
        lines=lines,
        source_kind=kind,
    )


def make_statements_world(actor, member_a, member_b) -> SimpleNamespace:
    books = make_books(actor, 2025)
    year_2026 = fiscal_year_open(actor=actor, year=2026, check_permission=False)
    a = books["accounts"]
    d = dt.date
    post(
        books,
        actor,
        d(2025, 1, 2),
        "Opening balances",
        [
            LineSpec(a["1110"], "debit", 100_000_00),
            LineSpec(a["3100"], "credit", 100_000_00),
        ],
        kind=SourceKind.OPENING,
    )
    post(
        books,
        actor,
        d(2025, 1, 15),
        "Dues 2025",
        [
            LineSpec(a["1210"], "debit", 50_000_00, member_id=member_a.pk),
            LineSpec(a["1210"], "debit", 30_000_00, member_id=member_b.pk),
            LineSpec(a["4110"], "credit", 80_000_00),
        ],
        journal="DUE",
        kind=SourceKind.ASSESSMENT,
    )
    post(
        books,
        actor,
        d(2025, 3, 1),
        "Payment A",
        [
            LineSpec(a["1110"], "debit", 40_000_00),
            LineSpec(a["1210"], "credit", 40_000_00, member_id=member_a.pk),
        ],
        journal="BNK",
        kind=SourceKind.PAYMENT,
    )
    post(
        books,
        actor,
        d(2025, 4, 1),
        "Payment B in MXN",
        [
            LineSpec(a["1120"], "debit", 200_000_00, currency="MXN"),
            LineSpec(a["1210"], "credit", 200_000_00, currency="MXN", member_id=member_b.pk),
        ],
        journal="BNK",
        kind=SourceKind.PAYMENT,
    )
    post(
        books,
        actor,
        d(2025, 6, 30),
        "Salaries 2025",
        [
            LineSpec(a["5110"], "debit", 35_000_00),
            LineSpec(a["1110"], "credit", 35_000_00),
        ],
    )
    post(
        books,
        actor,
        d(2025, 7, 10),
        "Equipment",
        [
            LineSpec(a["1510"], "debit", 12_000_00),
            LineSpec(a["1110"], "credit", 12_000_00),
        ],
    )
    post(
        books,
        actor,
        d(2025, 9, 1),
        "Consultancy invoice",
        [
            LineSpec(a["5310"], "debit", 8_000_00),
            LineSpec(a["2110"], "credit", 8_000_00),
        ],
        kind=SourceKind.SUPPLIER_INVOICE,
    )
    post(
        books,
        actor,
        d(2025, 12, 31),
        "Closing 2025",
        [
            LineSpec(a["4110"], "debit", 80_000_00),
            LineSpec(a["5110"], "credit", 35_000_00),
            LineSpec(a["5310"], "credit", 8_000_00),
            LineSpec(a["3100"], "credit", 37_000_00),
        ],
        journal="CLO",
        kind=SourceKind.CLOSING,
    )
    # 2026
    post(
        books,
        actor,
        d(2026, 1, 15),
        "Dues 2026",
        [
            LineSpec(a["1210"], "debit", 50_000_00, member_id=member_a.pk),
            LineSpec(a["1210"], "debit", 30_000_00, member_id=member_b.pk),
            LineSpec(a["4110"], "credit", 80_000_00),
        ],
        journal="DUE",
        kind=SourceKind.ASSESSMENT,
    )
    post(
        books,
        actor,
        d(2026, 2, 1),
        "Payment of the consultancy",
        [
            LineSpec(a["2110"], "debit", 8_000_00),
            LineSpec(a["1110"], "credit", 8_000_00),
        ],
        journal="BNK",
        kind=SourceKind.PAYMENT,
    )
    post(
        books,
        actor,
        d(2026, 3, 1),
        "Payment B in MXN at another rate",
        [
            LineSpec(a["1120"], "debit", 300_000_00, currency="MXN", rate=Decimal("0.055")),
            LineSpec(
                a["1210"],
                "credit",
                300_000_00,
                currency="MXN",
                rate=Decimal("0.055"),
                member_id=member_b.pk,
            ),
        ],
        journal="BNK",
        kind=SourceKind.PAYMENT,
    )
    post(
        books,
        actor,
        d(2026, 5, 31),
        "Salaries 2026",
        [
            LineSpec(a["5110"], "debit", 36_000_00),
            LineSpec(a["1110"], "credit", 36_000_00),
        ],
    )
    post(
        books,
        actor,
        d(2026, 6, 15),
        "Term deposit",
        [
            LineSpec(a["1410"], "debit", 15_000_00),
            LineSpec(a["1110"], "credit", 15_000_00),
        ],
    )
    wrong = post(
        books,
        actor,
        d(2026, 7, 1),
        "Services (wrong account)",
        [
            LineSpec(a["5610"], "debit", 2_500_00),
            LineSpec(a["1110"], "credit", 2_500_00),
        ],
    )
    entry_reverse(
        actor=actor, entry=wrong, date=d(2026, 7, 2), reason="Wrong account", check_permission=False
    )
    post(
        books,
        actor,
        d(2026, 7, 2),
        "Services",
        [
            LineSpec(a["5310"], "debit", 2_500_00),
            LineSpec(a["1110"], "credit", 2_500_00),
        ],
    )
    post(
        books,
        actor,
        d(2026, 9, 30),
        "Dues received in advance",
        [
            LineSpec(a["1110"], "debit", 5_000_00),
            LineSpec(a["2210"], "credit", 5_000_00),
        ],
        journal="BNK",
    )
    return SimpleNamespace(books=books, year_2025=books["year"], year_2026=year_2026)


@pytest.fixture(name="statements_world")
def statements_world_fixture(db, finance_officer, member_a, member_b):
    return make_statements_world(finance_officer, member_a, member_b)


@pytest.fixture(name="assembly_item")
def assembly_item_fixture(db):
    """An item of a convened General Assembly session (in Spanish and English), where
    approved statements are filed."""
    assembly, _committee = make_bodies()
    return AgendaItem.objects.create(
        session=registration_session(assembly),
        title_es="Estados financieros",
        title_en="Financial statements",
        position=1,
    )
