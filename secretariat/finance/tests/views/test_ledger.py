"""The ledger's pages: manual entries through the form (an unbalanced one shows the
service's message and saves nothing), posting, reversing and discarding, periods closed
and reopened, the account's running balance, the trial balance, and constant query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from secretariat.conftest import client_for
from secretariat.finance.models import Entry, EntryState, ExchangeRate, PeriodState
from secretariat.finance.services.ledger import LineSpec, entry_record
from secretariat.finance.tests.ledger_world import books_fixture  # noqa: F401

DAY = dt.date(2026, 3, 10)


def _line(prefix: int, account, debit="", credit="", currency="USD"):
    p = f"lines-{prefix}-"
    return {
        f"{p}account": account.pk,
        f"{p}debit": debit,
        f"{p}credit": credit,
        f"{p}currency": currency,
    }


def _entry_post_data(books, lines):
    data = {
        "journal": books["journals"]["GEN"].pk,
        "date": DAY.isoformat(),
        "description": "Office supplies",
        "lines-TOTAL_FORMS": "4",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "40",
    }
    for index, line in enumerate(lines):
        data |= _line(index, *line)
    for index in range(len(lines), 4):
        data[f"lines-{index}-currency"] = "USD"
    return data


def _post(books, actor, amount=10_00, day=DAY, description="x"):
    a = books["accounts"]
    return entry_record(
        actor=actor,
        journal=books["journals"]["GEN"],
        date=day,
        description=description,
        lines=[LineSpec(a["5310"], "debit", amount), LineSpec(a["1110"], "credit", amount)],
        source_kind="manual",
    )


@pytest.mark.django_db
def test_it_drafts_a_manual_entry_from_the_form(books, finance_officer):
    # given
    a = books["accounts"]
    client = client_for(finance_officer)
    data = _entry_post_data(books, [(a["5310"], "125.50", ""), (a["1110"], "", "125.50")])
    # when
    response = client.post(reverse("finance:entry-add"), data)
    # then
    entry = Entry.objects.get()
    assert response.status_code == 302 and entry.state == EntryState.DRAFT
    assert sorted(entry.lines.values_list("debit", "credit")) == [(0, 12550), (12550, 0)]


@pytest.mark.django_db
def test_it_adds_lines_keeping_what_was_typed_and_saves_an_entry_of_six_lines(
    books, finance_officer
):
    # given four lines typed (the rows shown at first)
    a = books["accounts"]
    client = client_for(finance_officer)
    typed = [(a["5110"], "100", ""), (a["5310"], "50", ""), (a["5610"], "25", "")]
    data = _entry_post_data(books, [*typed, (a["1110"], "", "10")])
    # when "more lines" is pressed
    response = client.post(reverse("finance:entry-add"), {**data, "more_lines": "1"})
    # then eight rows, the four typed kept, no error shown, nothing saved
    lines = response.context["lines"]
    assert response.status_code == 200 and lines.total_form_count() == 8
    body = response.content.decode()
    assert 'name="lines-7-account"' in body and 'value="Office supplies"' in body
    assert "field--error" not in body
    assert lines.forms[1].initial["debit"] == "50"
    assert not Entry.objects.exists()
    # when six lines are sent
    data = _entry_post_data(
        books,
        [*typed, (a["1110"], "", "100"), (a["1110"], "", "50"), (a["1110"], "", "25")],
    )
    data["lines-TOTAL_FORMS"] = "8"
    for index in (6, 7):
        data[f"lines-{index}-currency"] = "USD"
    response = client.post(reverse("finance:entry-add"), data)
    # then
    entry = Entry.objects.get()
    assert response.status_code == 302 and entry.lines.count() == 6


@pytest.mark.django_db
def test_it_shows_the_services_message_for_an_unbalanced_entry(books, finance_officer):
    # given
    a = books["accounts"]
    client = client_for(finance_officer)
    data = _entry_post_data(books, [(a["5310"], "100", ""), (a["1110"], "", "90")])
    # when
    response = client.post(reverse("finance:entry-add"), data)
    # then
    assert response.status_code == 200
    assert "does not balance" in response.content.decode()
    assert not Entry.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_line_with_both_a_debit_and_a_credit(books, finance_officer):
    a = books["accounts"]
    data = _entry_post_data(books, [(a["5310"], "1", "1"), (a["1110"], "", "1")])
    response = client_for(finance_officer).post(reverse("finance:entry-add"), data)
    assert response.status_code == 200 and not Entry.objects.exists()


@pytest.mark.django_db
def test_it_posts_reverses_and_discards_from_the_entry_page(books, finance_officer):
    # given
    a = books["accounts"]
    client = client_for(finance_officer)
    data = _entry_post_data(books, [(a["5310"], "10", ""), (a["1110"], "", "10")])
    client.post(reverse("finance:entry-add"), data)
    draft = Entry.objects.get()
    # when: post, then reverse
    client.post(reverse("finance:entry-post", args=[draft.pk]))
    client.post(
        reverse("finance:entry-reverse", args=[draft.pk]),
        {"reverse-date": "2026-03-20", "reverse-reason": "Wrong account"},
    )
    # then
    draft.refresh_from_db()
    assert draft.state == EntryState.REVERSED
    reversal = Entry.objects.get(reversal_of=draft)
    page = client.get(reverse("finance:entry-detail", args=[draft.pk])).content.decode()
    assert str(reversal) in page
    # and a second draft is discarded with a reason
    client.post(reverse("finance:entry-add"), data)
    other = Entry.objects.filter(state=EntryState.DRAFT).get()
    client.post(reverse("finance:entry-discard", args=[other.pk]), {"discard-reason": "Dup"})
    other.refresh_from_db()
    assert other.state == EntryState.DISCARDED


@pytest.mark.django_db
def test_it_closes_and_reopens_a_period_from_the_years_page(books, finance_officer):
    # given
    client = client_for(finance_officer)
    period = books["year"].periods.get(number=1)
    # when
    client.post(reverse("finance:period-close", args=[period.pk]))
    period.refresh_from_db()
    closed = period.state
    client.post(reverse("finance:period-reopen", args=[period.pk]), {"reason": "Late bill"})
    period.refresh_from_db()
    # then
    assert closed == PeriodState.CLOSED and period.state == PeriodState.OPEN
    page = client.get(reverse("finance:year-list")).content.decode()
    assert "2026-01" in page


@pytest.mark.django_db
def test_it_opens_the_next_year(books, finance_officer):
    client_for(finance_officer).post(reverse("finance:year-open"), {"year": "2027"})
    assert books["year"].__class__.objects.filter(year=2027).exists()


@pytest.mark.django_db
def test_it_records_a_rate_from_the_form(books, finance_officer):
    response = client_for(finance_officer).post(
        reverse("finance:rate-add"),
        {"currency": "MXN", "day": "2026-02-27", "rate": "0.0581", "source": "FIX"},
    )
    assert response.status_code == 302
    assert ExchangeRate.objects.filter(day=dt.date(2026, 2, 27)).exists()


@pytest.mark.django_db
def test_it_shows_the_running_balance_across_pages(books, finance_officer, settings):
    # given: three lines of 1.00, 2.00, 3.00 on 5310, two per page
    settings.SECRETARIAT_PAGE_SIZE = 2
    for amount in (1_00, 2_00, 3_00):
        _post(books, finance_officer, amount)
    client = client_for(finance_officer)
    # when
    second = client.get(reverse("finance:account-detail", args=["5310"]) + "?page=2")
    # then: the opening balance of the second page is 3.00
    assert second.context["rows"][0].running == 6_00


@pytest.mark.django_db
def test_it_shows_a_balanced_trial_balance(books, finance_officer):
    # given
    _post(books, finance_officer, 75_00)
    # when
    response = client_for(finance_officer).get(reverse("finance:trial-balance") + "?on=2026-12-31")
    # then
    balance = response.context["balance"]
    assert balance.debit == balance.credit == 75_00


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["finance:home", "finance:account-list", "finance:year-list"])
def test_it_serves_the_reading_pages(books, officer, name):
    assert client_for(officer).get(reverse(name)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (reverse("finance:entry-list"), 9),
        (reverse("finance:account-detail", args=["5310"]), 9),
        (reverse("finance:account-list"), 7),
        (reverse("finance:year-list"), 9),
        (reverse("finance:rate-list"), 7),
        (reverse("finance:trial-balance"), 6),
    ],
)
def test_it_reads_each_list_in_constant_queries(books, finance_officer, url, expected):
    # given
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(finance_officer)
    client.get(url)  # warm the session and caches
    counts = []
    for size in (2, 12):
        for index in range(size):
            _post(books, finance_officer, 1_00 + index, day=dt.date(2026, 2, 1 + index))
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    # then
    assert counts == [expected, expected], counts


@pytest.mark.django_db
def test_the_years_page_reads_the_same_queries_for_three_years_as_for_one(
    books, finance_officer, django_assert_num_queries
):
    # given two more fiscal years (twelve periods each)
    from secretariat.finance.services.years import fiscal_year_open

    for year in (2027, 2028):
        fiscal_year_open(actor=finance_officer, year=year, check_permission=False)
    client = client_for(finance_officer)
    url = reverse("finance:year-list")
    client.get(url)
    # when / then (each period used to read its year again)
    with django_assert_num_queries(9):
        assert client.get(url).status_code == 200
