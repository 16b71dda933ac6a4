"""The statement of account: its rows and running balance, the opening balance, what is
outstanding per year, the scope of who sees which member, and its constant queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from secretariat.finance.selectors.accounts import (
    institution_account_get_for_user,
    own_accounts_for_user,
    statement_csv,
    statement_of_account,
)
from secretariat.finance.tests.accounts_world import dues_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def test_it_lists_assessments_payments_and_adjustments_with_a_running_balance(dues, member_a):
    # given
    a2024 = dues.assess(member_a, 2024, 100_000)
    a2025 = dues.assess(member_a, 2025, 100_000)
    dues.pay(member_a, dt.date(2024, 5, 1), 70_000, {a2024: 60_000})
    dues.adjust(a2024, "write_off", 10_000, dt.date(2024, 12, 1))
    dues.adjust(a2025, "exemption", 5_000, dt.date(2025, 6, 1))
    # when
    statement = statement_of_account(institution=member_a)
    # then
    kinds = [(r.day, r.kind, r.debit, r.credit, r.balance) for r in statement.rows]
    assert kinds == [
        (dt.date(2024, 1, 1), "assessment", 100_000, 0, 100_000),
        (dt.date(2024, 5, 1), "applied", 0, 60_000, 40_000),
        (dt.date(2024, 5, 1), "credit", 0, 10_000, 30_000),
        (dt.date(2024, 12, 1), "write_off", 0, 10_000, 20_000),
        (dt.date(2025, 1, 1), "assessment", 100_000, 0, 120_000),
        (dt.date(2025, 6, 1), "exemption", 0, 5_000, 115_000),
    ]
    assert statement.closing == 115_000
    assert [(y.year, y.outstanding) for y in statement.years] == [(2024, 30_000), (2025, 95_000)]
    assert statement.outstanding == 125_000
    assert statement.unapplied_credit == 10_000
    assert statement.outstanding - statement.unapplied_credit == statement.closing
    assert statement.currency == "USD"


def test_it_carries_what_came_before_the_start_as_the_opening_balance(dues, member_a):
    # given
    a2024 = dues.assess(member_a, 2024, 100_000)
    dues.pay(member_a, dt.date(2024, 5, 1), 30_000, {a2024: 30_000})
    a2025 = dues.assess(member_a, 2025, 100_000)
    dues.pay(member_a, dt.date(2025, 5, 1), 50_000, {a2024: 50_000})
    # when
    statement = statement_of_account(
        institution=member_a, start=dt.date(2025, 1, 1), end=dt.date(2025, 3, 1)
    )
    # then
    assert statement.opening == 70_000
    assert [(r.kind, r.balance) for r in statement.rows] == [("assessment", 170_000)]
    assert statement.closing == 170_000
    assert [(y.year, y.outstanding) for y in statement.years] == [(2024, 70_000), (2025, 100_000)]
    assert a2025.pk


def test_it_is_empty_for_a_member_never_assessed(dues, member_a):
    # when
    statement = statement_of_account(institution=member_a)
    # then
    assert statement.rows == []
    assert statement.closing == 0
    assert statement.years == []


def test_it_reads_thirty_years_in_the_same_four_queries_as_one(
    dues, member_a, member_b, django_assert_num_queries
):
    # given
    dues.history(member_a, range(2026, 2027))
    dues.history(member_b, range(1997, 2027))
    # when / then: assessments, payments, allocations, adjustments
    with django_assert_num_queries(4):
        short = statement_of_account(institution=member_a)
    with django_assert_num_queries(4):
        long = statement_of_account(institution=member_b)
    assert len(short.rows) == 2
    assert len(long.rows) == 30 + 59
    assert long.outstanding == 50_000


def test_it_shows_a_representative_only_its_own_institution(dues, rep_a, member_a, member_b):
    # when
    found = institution_account_get_for_user(user=rep_a, institution_pk=member_a.pk)
    # then
    assert found == member_a
    with pytest.raises(Http404):
        institution_account_get_for_user(user=rep_a, institution_pk=member_b.pk)
    with pytest.raises(Http404):
        institution_account_get_for_user(user=rep_a, institution_pk=999_999)
    assert own_accounts_for_user(user=rep_a) == [member_a]


def test_it_shows_staff_who_read_the_dues_any_member(
    dues, officer, comptroller, finance_officer, member_a, member_b
):
    # when / then
    for user in (officer, comptroller, finance_officer):
        assert institution_account_get_for_user(user=user, institution_pk=member_b.pk) == member_b


def test_it_writes_the_csv_with_a_header_in_the_active_language(dues, member_a):
    # given
    dues.assess(member_a, 2025, 123_456)
    statement = statement_of_account(institution=member_a)
    # when
    from django.utils import translation

    with translation.override("es"):
        content = statement_csv(statement).decode("utf-8-sig")
    # then
    lines = content.splitlines()
    assert lines[0].startswith("Fecha") or lines[0].startswith("Date")
    assert "1234.56" in lines[1]


def _reverse(dues, payment, day: dt.date) -> None:
    from secretariat.finance.services.ledger import entry_reverse

    entry_reverse(
        actor=dues.actor, entry=payment.entry, date=day, reason="Bounced", check_permission=False
    )


def test_a_reversed_payment_shows_and_is_undone_from_its_reversal_date(dues, member_a):
    # given a payment of 700 (600 applied, 100 credit) reversed in July
    a2024 = dues.assess(member_a, 2024, 100_000)
    payment = dues.pay(member_a, dt.date(2024, 5, 1), 70_000, {a2024: 60_000})
    _reverse(dues, payment, dt.date(2024, 7, 1))
    # when
    statement = statement_of_account(institution=member_a)
    june = statement_of_account(institution=member_a, end=dt.date(2024, 6, 30))
    # then the statement keeps the payment and shows its reversal
    assert [(r.day, r.kind, r.debit, r.credit, r.balance) for r in statement.rows] == [
        (dt.date(2024, 1, 1), "assessment", 100_000, 0, 100_000),
        (dt.date(2024, 5, 1), "applied", 0, 60_000, 40_000),
        (dt.date(2024, 5, 1), "credit", 0, 10_000, 30_000),
        (dt.date(2024, 7, 1), "reversal", 70_000, 0, 100_000),
    ]
    assert statement.outstanding == 100_000
    assert statement.unapplied_credit == 0
    assert statement.closing == statement.outstanding - statement.unapplied_credit
    # and as of June the payment still counted
    assert june.rows[-1].kind == "credit"
    assert june.outstanding == 40_000
    assert june.unapplied_credit == 10_000
    assert june.closing == june.outstanding - june.unapplied_credit


def test_the_csv_writes_a_bank_reference_that_looks_like_a_formula_as_text(dues, member_a):
    # given a payment whose bank reference, as imported, is a spreadsheet formula
    from secretariat.finance.models import Payment

    assessment = dues.assess(member_a, 2026, 100_000)
    payment = dues.pay(member_a, dt.date(2026, 2, 1), 40_000, {assessment: 40_000})
    Payment.objects.filter(pk=payment.pk).update(bank_reference='=HYPERLINK("http://x")')
    # when
    text = statement_csv(statement_of_account(institution=member_a)).decode("utf-8-sig")
    # then
    assert '"\'=HYPERLINK(""http://x"")"' in text
    assert ",400.00,600.00" in text  # the amounts stay numbers
