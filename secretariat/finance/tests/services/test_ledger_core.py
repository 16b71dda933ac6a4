"""The ledger's core rules (design.md "Finance ledger"): entries balance per currency and in
USD, posting numbers and freezes, a reversal restores every balance, and on PostgreSQL the
database refuses what the service would."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from secretariat.core.models import ActionLog
from secretariat.finance.models import EntryState, Line
from secretariat.finance.services.ledger import (
    LineSpec,
    entry_draft,
    entry_post,
    entry_record,
    entry_reverse,
)
from secretariat.finance.tests.ledger_world import books_fixture, make_books  # noqa: F401

DAY = dt.date(2026, 3, 15)


def _balance(account) -> int:
    totals = Line.objects.filter(
        account=account, entry__state__in=["posted", "reversed"]
    ).aggregate(d=Sum("base_debit"), c=Sum("base_credit"))
    return (totals["d"] or 0) - (totals["c"] or 0)


@pytest.mark.django_db
def test_it_posts_a_balanced_entry_numbered_in_its_journal(books, finance_officer):
    # given
    a = books["accounts"]
    entry = entry_draft(
        actor=finance_officer,
        journal=books["journals"]["GEN"],
        date=DAY,
        description="Consultancy",
        lines=[LineSpec(a["5310"], "debit", 125_00), LineSpec(a["1110"], "credit", 125_00)],
    )
    # when
    entry = entry_post(actor=finance_officer, entry=entry)
    # then
    assert entry.state == EntryState.POSTED and entry.number == 1
    assert ActionLog.objects.filter(event="entry.posted").count() == 1
    assert _balance(a["5310"]) == 125_00


@pytest.mark.django_db
def test_it_refuses_an_entry_that_does_not_balance(books, finance_officer):
    a = books["accounts"]
    with pytest.raises(ValidationError, match="does not balance"):
        entry_draft(
            actor=finance_officer,
            journal=books["journals"]["GEN"],
            date=DAY,
            description="Wrong",
            lines=[LineSpec(a["5310"], "debit", 125_00), LineSpec(a["1110"], "credit", 120_00)],
        )


@pytest.mark.django_db
def test_it_refuses_an_entry_balanced_in_usd_but_not_per_currency(books, finance_officer):
    # given 100 USD against 2,000 MXN at 0.05: equal in USD, not per currency
    a = books["accounts"]
    with pytest.raises(ValidationError, match="does not balance"):
        entry_draft(
            actor=finance_officer,
            journal=books["journals"]["GEN"],
            date=DAY,
            description="Mixed",
            lines=[
                LineSpec(a["1110"], "debit", 100_00),
                LineSpec(a["1120"], "credit", 2_000_00, currency="MXN"),
            ],
        )


@pytest.mark.django_db
def test_it_settles_usd_rounding_on_the_largest_line(books, finance_officer):
    # given three MXN lines whose USD amounts round apart at 0.0537
    a = books["accounts"]
    entry = entry_record(
        actor=finance_officer,
        journal=books["journals"]["GEN"],
        date=DAY,
        description="Rounding",
        source_kind="manual",
        lines=[
            LineSpec(a["5310"], "debit", 33_33, currency="MXN", rate=Decimal("0.0537")),
            LineSpec(a["5110"], "debit", 33_33, currency="MXN", rate=Decimal("0.0537")),
            LineSpec(a["1120"], "credit", 66_66, currency="MXN", rate=Decimal("0.0537")),
        ],
    )
    totals = entry.lines.aggregate(d=Sum("base_debit"), c=Sum("base_credit"))
    assert totals["d"] == totals["c"]


@pytest.mark.django_db
def test_it_refuses_posting_in_a_closed_period(books, finance_officer):
    period = books["year"].periods.get(number=3)
    period.state = "closed"
    period.save()
    a = books["accounts"]
    with pytest.raises(ValidationError, match="nothing more can be posted"):
        entry_draft(
            actor=finance_officer,
            journal=books["journals"]["GEN"],
            date=DAY,
            description="Late",
            lines=[LineSpec(a["5310"], "debit", 1_00), LineSpec(a["1110"], "credit", 1_00)],
        )


@pytest.mark.django_db
def test_it_refuses_the_comptroller(books, comptroller):
    from django.core.exceptions import PermissionDenied

    a = books["accounts"]
    with pytest.raises(PermissionDenied):
        entry_draft(
            actor=comptroller,
            journal=books["journals"]["GEN"],
            date=DAY,
            description="No",
            lines=[LineSpec(a["5310"], "debit", 1_00), LineSpec(a["1110"], "credit", 1_00)],
        )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_changing_a_posted_line_and_an_unbalanced_posted_entry(
    finance_officer,
):
    books = make_books(finance_officer)
    a = books["accounts"]
    entry = entry_record(
        actor=finance_officer,
        journal=books["journals"]["GEN"],
        date=DAY,
        description="Frozen",
        source_kind="manual",
        lines=[LineSpec(a["5310"], "debit", 10_00), LineSpec(a["1110"], "credit", 10_00)],
    )
    line = entry.lines.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Line.objects.filter(pk=line.pk).update(debit=11_00, base_debit=11_00)
    # a posted entry whose lines are written around the service is refused at commit
    draft = entry_draft(
        actor=finance_officer,
        journal=books["journals"]["GEN"],
        date=DAY,
        description="Bypass",
        lines=[LineSpec(a["5310"], "debit", 10_00), LineSpec(a["1110"], "credit", 10_00)],
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Line.objects.filter(entry=draft, account=a["1110"]).update(credit=9_00, base_credit=9_00)
        type(draft).objects.filter(pk=draft.pk).update(state="posted", number=99)


class ReversalRestoresEveryBalance(HypothesisTestCase):
    """Property (issue #12): a reversal restores every balance, whatever the entry."""

    @settings(max_examples=25, deadline=None)
    @given(
        amounts=st.lists(st.integers(min_value=1, max_value=10**9), min_size=1, max_size=6),
        mxn=st.booleans(),
    )
    def test_it_restores_every_balance(self, amounts, mxn):
        from secretariat.conftest import make_user
        from secretariat.core import roles
        from secretariat.finance.models import FiscalYear

        actor = make_user(f"f{FiscalYear.objects.count()}@example.org", roles.FINANCE)
        books = make_books(actor)
        a = books["accounts"]
        currency, bank = ("MXN", a["1120"]) if mxn else ("USD", a["1110"])
        specs = [LineSpec(a["5310"], "debit", amount, currency=currency) for amount in amounts]
        specs.append(LineSpec(bank, "credit", sum(amounts), currency=currency))
        before = {code: _balance(account) for code, account in a.items()}
        entry = entry_record(
            actor=actor,
            journal=books["journals"]["GEN"],
            date=DAY,
            description="Any",
            source_kind="manual",
            lines=specs,
        )
        entry_reverse(actor=actor, entry=entry, date=DAY, reason="test", check_permission=False)
        assert {code: _balance(account) for code, account in a.items()} == before
