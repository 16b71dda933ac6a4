"""Payments (services.payments): applied to the oldest dues first, never above what an
assessment owes, the rest a credit applied to the next assessment; the entry balanced per
currency; duplicates, zero and closed periods refused; a reversal restores what was owed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from secretariat.conftest import make_member, make_user
from secretariat.core import roles
from secretariat.core.models import ActionLog
from secretariat.finance.models import Allocation, Assessment, Line, Payment
from secretariat.finance.selectors.dues import outstanding_by_member, with_outstanding
from secretariat.finance.services.payments import payment_reverse
from secretariat.finance.tests.dues_world import (  # noqa: F401  (the `dues` fixture)
    FULL,
    assess,
    dues_fixture,
    make_dues,
    pay,
)
from secretariat.members.models import Category, Country

DAY = dt.date(2026, 3, 2)


def _owed(assessment: Assessment) -> int:
    return int(with_outstanding(Assessment.objects.filter(pk=assessment.pk)).get().outstanding)


def _balance(code: str, member=None) -> int:
    lines = Line.objects.filter(account__code=code)
    if member is not None:
        lines = lines.filter(member=member)
    totals = lines.aggregate(d=Sum("base_debit"), c=Sum("base_credit"))
    return (totals["d"] or 0) - (totals["c"] or 0)


@pytest.mark.django_db
def test_it_applies_a_payment_to_the_oldest_dues_first(dues, member_a):
    # given dues of 2025 and 2026
    old, new = assess(dues, 2025, member_a), assess(dues, 2026, member_a)
    # when 1,500.00 is paid
    payment = pay(dues, member_a, 1_500_00, on=DAY, ref="TRF-1")
    # then 2025 is paid in full and 2026 by half
    assert (_owed(old), _owed(new)) == (0, 500_00)
    assert list(payment.allocations.values_list("assessment__fiscal_year__year", "amount")) == [
        (2025, FULL),
        (2026, 500_00),
    ]
    assert payment.entry.journal.code == "BNK" and _balance("1210", member_a) == 500_00
    assert ActionLog.objects.filter(event="payment.recorded").count() == 1


@pytest.mark.django_db
def test_it_keeps_the_rest_as_a_credit_applied_to_the_next_assessment(dues, member_a):
    # given 2025 assessed, then paid 1,200.00
    assess(dues, 2025, member_a)
    pay(dues, member_a, 1_200_00, on=DAY, ref="TRF-1")
    assert _balance("2210", member_a) == -200_00
    # when 2026 is assessed
    new = assess(dues, 2026, member_a)
    # then the 200.00 credit is applied to it
    assert _owed(new) == FULL - 200_00
    assert _balance("2210", member_a) == 0
    assert ActionLog.objects.filter(event="payment.credit_applied").count() == 1


@pytest.mark.django_db
def test_it_records_a_payment_in_mxn_balanced_in_each_currency(dues, member_a):
    # given
    assessment = assess(dues, 2026, member_a)
    # when 30,000.00 MXN at 0.05 (1,500.00 USD) arrive in the MXN account
    payment = pay(dues, member_a, 30_000_00, on=DAY, ref="SPEI-9", currency="MXN", account="1120")
    # then 1,000.00 USD applied, 500.00 USD a credit, every line in MXN
    assert payment.rate == Decimal("0.05") and payment.base_amount == 1_500_00
    assert _owed(assessment) == 0
    lines = {
        (ln.account.code, ln.debit, ln.credit, ln.currency) for ln in payment.entry.lines.all()
    }
    assert lines == {
        ("1120", 30_000_00, 0, "MXN"),
        ("1210", 0, 20_000_00, "MXN"),
        ("2210", 0, 10_000_00, "MXN"),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("amount", "ref", "message"),
    [(0, "X-1", "more than zero"), (-5, "X-2", "more than zero"), (100, "DUP", "already recorded")],
)
def test_it_refuses_bad_payments_changing_nothing(dues, member_a, amount, ref, message):
    # given a payment with reference DUP
    pay(dues, member_a, 100_00, on=DAY, ref="DUP")
    # when / then
    with pytest.raises(ValidationError, match=message):
        pay(dues, member_a, amount, on=DAY, ref=ref)
    assert Payment.objects.count() == 1


@pytest.mark.django_db
def test_it_refuses_a_date_in_a_closed_period(dues, member_a):
    # given March 2026 closed
    period = dues.years[2026].periods.get(number=3)
    period.state = "closed"
    period.save()
    # when / then
    with pytest.raises(ValidationError) as raised:
        pay(dues, member_a, 100_00, on=DAY, ref="LATE")
    assert "received_on" in raised.value.error_dict
    assert Payment.objects.count() == 0


@pytest.mark.django_db
def test_it_refuses_a_payment_to_whoever_does_not_keep_the_books(dues, member_a, officer):
    with pytest.raises(PermissionDenied):
        dues.actor = officer
        pay(dues, member_a, 100_00, on=DAY, ref="X")


@pytest.mark.django_db
def test_it_reverses_a_payment_restoring_what_was_owed(dues, member_a):
    # given
    old = assess(dues, 2025, member_a)
    payment = pay(dues, member_a, 1_200_00, on=DAY, ref="TRF-1")
    new = assess(dues, 2026, member_a)  # takes the 200.00 credit
    # when
    payment_reverse(actor=dues.actor, payment=payment, reason="Bounced", on=dt.date(2026, 4, 1))
    # then both assessments owe all again; the rows are kept, the entries reversed
    assert (_owed(old), _owed(new)) == (FULL, FULL)
    assert Allocation.objects.filter(payment=payment).count() == 2
    payment.entry.refresh_from_db()
    assert payment.entry.state == "reversed"
    assert _balance("1210", member_a) == 2 * FULL and _balance("2210", member_a) == 0
    assert _balance("1110") == 0
    with pytest.raises(ValidationError, match="already reversed"):
        payment_reverse(actor=dues.actor, payment=payment, reason="Again")


class TestPaymentProperties(HypothesisTestCase):
    """Whatever the payments: none applies more than an assessment owes, they go oldest
    first, and reversing them all restores every amount owed."""

    @classmethod
    def setUpTestData(cls):
        cls.actor = make_user("finance.h@example.org", roles.FINANCE)
        full = Category.objects.create(code="full", name_es="Titular", has_vote=True, order=0)
        other = Category.objects.create(code="associate", name_es="Asociado", order=1)
        country = Country.objects.create(code="MX", name_es="México")
        cls.dues = make_dues(cls.actor, {"full": full, "associate": other})
        cls.member = make_member("Instituto H", country, full)

    @settings(max_examples=5, deadline=None)
    @given(st.lists(st.integers(min_value=1, max_value=3_000_00), min_size=1, max_size=3))
    def test_it_never_applies_more_than_is_due_and_goes_oldest_first(self, amounts):
        # given a member with dues of 2024, 2025 and 2026
        dues, member = self.dues, self.member
        assessed = [assess(dues, year, member) for year in (2024, 2025, 2026)]
        # when
        made = [pay(dues, member, amount, on=DAY, ref=f"P{i}") for i, amount in enumerate(amounts)]
        # then
        owed = [_owed(a) for a in assessed]
        assert all(0 <= o <= FULL for o in owed)
        first_unpaid = next((i for i, o in enumerate(owed) if o > 0), len(owed))
        assert all(o == FULL for o in owed[first_unpaid + 1 :])
        assert sum(FULL - o for o in owed) == min(sum(amounts), 3 * FULL)
        # when every payment is reversed
        for payment in reversed(made):
            payment_reverse(actor=self.actor, payment=payment, reason="test", on=DAY)
        # then
        assert [_owed(a) for a in assessed] == [FULL, FULL, FULL]
        assert outstanding_by_member(institution_ids=[member.pk]) == {member.pk: 3 * FULL}
