"""The accounts pages: the statement (the representative's and the staff's), its CSV and
PDF, the aging report, the collection rates and the reminders, with their query counts
pinned for two sizes of data and bad input refused with nothing changed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from secretariat.conftest import client_for, make_member
from secretariat.core.testing import get_document
from secretariat.finance.models import Reminder
from secretariat.finance.services.reminders import reminder_schedule
from secretariat.finance.tests.accounts_world import dues_fixture  # noqa: F401
from secretariat.members.models import Representative

pytestmark = pytest.mark.django_db


def _count(client, url, django_assert_max_num_queries, expected):
    client.get(url)  # the first request of a staff session writes its last-seen time
    with django_assert_max_num_queries(expected) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_it_shows_the_representative_its_statement(dues, rep_a, member_a):
    # given
    a = dues.assess(member_a, 2026, 100_000)
    dues.pay(member_a, dt.date(2026, 2, 1), 40_000, {a: 40_000})
    client = client_for(rep_a)
    # when
    response = client.get(reverse("finance:my-account"))
    # then
    assert response.status_code == 200
    body = response.content.decode()
    assert "Instituto Alfa" in body
    assert "600.00" in body or "600,00" in body
    assert reverse("finance:member-account-pdf", args=[member_a.pk]) in body


def test_it_offers_a_choice_to_a_representative_of_several_institutions(
    dues, rep_a, member_a, member_b
):
    # given
    Representative.objects.create(
        institution=member_b,
        user=rep_a,
        full_name="Ana Alfa",
        role=Representative.Role.LIAISON,
        valid_from=dt.date(2020, 1, 1),
    )
    # when
    response = client_for(rep_a).get(reverse("finance:my-account"))
    # then
    body = response.content.decode()
    assert reverse("finance:member-account", args=[member_a.pk]) in body
    assert reverse("finance:member-account", args=[member_b.pk]) in body


def test_it_reads_a_statement_in_the_same_queries_for_one_and_thirty_years(
    dues, finance_officer, member_a, member_b, django_assert_max_num_queries
):
    # given
    dues.history(member_a, range(2024, 2027))
    dues.history(member_b, range(1997, 2027))
    client = client_for(finance_officer)
    # when
    small = _count(
        client,
        reverse("finance:member-account", args=[member_a.pk]),
        django_assert_max_num_queries,
        12,
    )
    large = _count(
        client,
        reverse("finance:member-account", args=[member_b.pk]),
        django_assert_max_num_queries,
        12,
    )
    # then: session and user (2), the member (1), the statement (4), the page's shell
    assert small == large


def test_it_keeps_the_period_and_refuses_a_reversed_one(dues, finance_officer, member_a):
    # given
    dues.history(member_a, range(2024, 2027))
    client = client_for(finance_officer)
    url = reverse("finance:member-account", args=[member_a.pk])
    # when
    good = client.get(url, {"start": "2025-01-01", "end": "2025-12-31"})
    bad = client.get(url, {"start": "2025-12-31", "end": "2025-01-01"})
    junk = client.get(url, {"start": "<script>alert(1)</script>", "end": "'; DROP TABLE x"})
    # then
    assert good.status_code == bad.status_code == junk.status_code == 200
    assert "Opening balance" in good.content.decode() or "Saldo" in good.content.decode()
    assert "field-error" in bad.content.decode()
    assert "<script>alert(1)</script>" not in junk.content.decode()


def test_it_downloads_the_statement_as_csv_and_pdf(dues, rep_a, member_a):
    # given
    dues.assess(member_a, 2026, 100_000)
    client = client_for(rep_a)
    # when
    csv_response = client.get(reverse("finance:member-account-csv", args=[member_a.pk]))
    pdf_response = get_document(client, reverse("finance:member-account-pdf", args=[member_a.pk]))
    # then
    assert csv_response["Content-Type"].startswith("text/csv")
    assert "attachment" in csv_response["Content-Disposition"]
    assert "1000.00" in csv_response.content.decode("utf-8-sig")
    assert pdf_response.status_code == 200
    assert pdf_response["Content-Type"] == "application/pdf"
    assert pdf_response.content.startswith(b"%PDF")


def test_it_pins_the_aging_reports_queries_for_two_sizes(
    dues, officer, categories, countries, django_assert_max_num_queries
):
    # given
    members = [make_member(f"Miembro {i}", countries["MX"], categories["full"]) for i in range(8)]
    for member in members[:2]:
        dues.history(member, range(2025, 2027))
    client = client_for(officer)
    url = reverse("finance:aging") + "?on=2026-12-31"
    # when
    small = _count(client, url, django_assert_max_num_queries, 12)
    for member in members[2:]:
        dues.history(member, range(2015, 2027))
    large = _count(client, url, django_assert_max_num_queries, 12)
    # then
    assert small == large
    assert "Miembro 7" in client.get(url).content.decode()


def test_it_pins_the_collection_pages_queries_for_two_sizes(
    dues, officer, categories, countries, django_assert_max_num_queries
):
    # given
    members = [make_member(f"Miembro {i}", countries["MX"], categories["full"]) for i in range(8)]
    for member in members[:2]:
        dues.history(member, range(2025, 2027))
    client = client_for(officer)
    url = reverse("finance:collection") + "?year=2026"
    # when
    small = _count(client, url, django_assert_max_num_queries, 14)
    for member in members[2:]:
        dues.history(member, range(2015, 2027))
    large = _count(client, url, django_assert_max_num_queries, 14)
    response = client.get(url)
    # then
    assert small == large
    body = response.content.decode()
    assert "<svg" in body and "<title" in body and "<desc" in body


def test_it_pins_the_reminders_lists_queries_for_two_sizes(
    dues, finance_officer, categories, countries, django_assert_max_num_queries
):
    # given
    members = [make_member(f"Miembro {i}", countries["MX"], categories["full"]) for i in range(30)]
    for member in members:
        dues.assess(member, 2026, 10_000)
    reminder_schedule(actor=finance_officer, institutions=members[:3], today=dt.date(2026, 1, 2))
    client = client_for(finance_officer)
    url = reverse("finance:reminder-list")
    # when
    small = _count(client, url, django_assert_max_num_queries, 12)
    reminder_schedule(actor=finance_officer, institutions=members[3:], today=dt.date(2026, 1, 2))
    large = _count(client, url, django_assert_max_num_queries, 12)
    # then
    assert small == large


def test_it_schedules_reminders_from_the_form(dues, finance_officer, member_a, member_b):
    # given
    dues.assess(member_a, 2026, 10_000)
    client = client_for(finance_officer)
    # when
    response = client.post(
        reverse("finance:reminder-schedule"), {"institutions": [str(member_a.pk)]}
    )
    # then
    assert response.status_code == 302
    assert Reminder.objects.get().institution == member_a


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"institutions": ["999999"]},
        {"institutions": ["<script>"]},
        {"institutions": ["{pk}"], "scheduled_for": "2000-01-01"},
        {"institutions": ["{pk}"], "scheduled_for": "'; DROP TABLE x"},
    ],
)
def test_it_refuses_bad_scheduling_with_nothing_recorded(dues, finance_officer, member_a, data):
    # given
    dues.assess(member_a, 2026, 10_000)
    data = {
        k: [v.replace("{pk}", str(member_a.pk)) for v in vs] if isinstance(vs, list) else vs
        for k, vs in data.items()
    }
    # when
    response = client_for(finance_officer).post(reverse("finance:reminder-schedule"), data)
    # then
    assert response.status_code == 200
    assert "field-error" in response.content.decode() or "errorlist" in response.content.decode()
    assert not Reminder.objects.exists()


def test_it_cancels_a_reminder_only_with_a_reason(dues, finance_officer, member_a):
    # given
    dues.assess(member_a, 2026, 10_000)
    [reminder] = reminder_schedule(
        actor=finance_officer, institutions=[member_a], today=dt.date(2026, 1, 2)
    )
    client = client_for(finance_officer)
    url = reverse("finance:reminder-cancel", args=[reminder.pk])
    # when
    empty = client.post(url, {"reason": ""})
    reminder.refresh_from_db()
    still = reminder.cancelled
    done = client.post(url, {"reason": "Paid at the bank <b>today</b>"})
    again = client.post(url, {"reason": "Again"})
    # then
    assert empty.status_code == 200 and not still
    assert done.status_code == 302
    reminder.refresh_from_db()
    assert reminder.cancelled and reminder.cancel_reason == "Paid at the bank <b>today</b>"
    assert again.status_code == 200
    listing = client.get(reverse("finance:reminder-list")).content.decode()
    assert "&lt;b&gt;today&lt;/b&gt;" in listing
