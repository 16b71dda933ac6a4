"""The dues pages (views.dues): each form does what its service does, in the page's
language; lists keep their number of queries whatever the data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from secretariat.conftest import client_for, make_member
from secretariat.finance.models import Adjustment, AssessmentRun, ContributionScale, Payment
from secretariat.finance.tests.dues_world import (  # noqa: F401  (the `dues` fixture)
    FULL,
    assess,
    dues_fixture,
    pay,
)

DAY = dt.date(2026, 3, 2)
# Pinned: session and user (2), the page's own reads, the same for 1 row or 12.
LIST_QUERIES = {
    "finance:assessment-list": None,
    "finance:payment-list": None,
    "finance:arrears": None,
    "finance:scale-list": None,
}


def _es(name: str, **kwargs) -> str:  # type: ignore[no-untyped-def]
    with translation.override("es"):
        return reverse(name, kwargs=kwargs or None)


@pytest.mark.django_db
def test_it_records_a_scale_with_amounts_typed_in_spanish(dues, finance_officer, categories):
    # given
    client = client_for(finance_officer)
    data = {
        "effective_from_year": "2027",
        "decision": "Resolución CISS/AG/2026/3",
        f"category_{categories['full'].pk}": "1.234,50",
        f"category_{categories['associate'].pk}": "600",
    }
    # when
    response = client.post(_es("finance:scale-add"), data)
    # then
    scale = ContributionScale.objects.get(effective_from_year=2027)
    assert response.status_code == 302
    assert sorted(scale.rates.values_list("amount", flat=True)) == [600_00, 1_234_50]


@pytest.mark.django_db
def test_it_shows_a_bad_amount_on_its_field(dues, finance_officer, categories):
    client = client_for(finance_officer)
    response = client.post(
        _es("finance:scale-add"),
        {
            "effective_from_year": "2027",
            "decision": "R",
            f"category_{categories['full'].pk}": "abc",
        },
    )
    assert response.status_code == 200
    assert "No es un importe: escríbalo como en «1234,50»" in response.content.decode()
    assert ContributionScale.objects.filter(effective_from_year=2027).count() == 0
    assert response.context["form"].errors[f"category_{categories['full'].pk}"]


@pytest.mark.django_db
def test_it_adds_rows_for_members_keeping_what_was_typed_and_records_them_all(
    dues, finance_officer, categories, countries
):
    # given five members with their own contribution: more than the three rows shown at first
    members = [
        make_member(f"Instituto {n}", countries["MX"], categories["full"], acronym=f"I{n}")
        for n in range(5)
    ]
    client = client_for(finance_officer)
    data = {
        "effective_from_year": "2027",
        "decision": "Resolución CISS/AG/2026/3",
        "member_rows": "3",
        "member_1": members[0].pk,
        "member_1_amount": "100",
    }
    # when "more rows" is pressed
    response = client.post(_es("finance:scale-add"), {**data, "more_members": "1"})
    # then the page shows eight rows, what was typed kept, nothing recorded, no error shown
    form = response.context["form"]
    assert form.member_rows == 8
    body = response.content.decode()
    assert 'name="member_8"' in body and 'name="member_9"' not in body
    assert 'value="Resolución CISS/AG/2026/3"' in body
    assert "field--error" not in body
    assert not ContributionScale.objects.filter(effective_from_year=2027).exists()
    # when the five are filled in and the scale recorded
    data["member_rows"] = "8"
    for n, member in enumerate(members, start=1):
        data[f"member_{n}"] = member.pk
        data[f"member_{n}_amount"] = f"{n}00"
    response = client.post(_es("finance:scale-add"), data)
    # then
    assert response.status_code == 302
    scale = ContributionScale.objects.get(effective_from_year=2027)
    assert sorted(scale.rates.values_list("institution__acronym", "amount")) == [
        (f"I{n}", (n + 1) * 100_00) for n in range(5)
    ]


@pytest.mark.django_db
def test_it_starts_a_run_and_shows_its_progress(
    dues, finance_officer, member_a, django_capture_on_commit_callbacks
):
    # given
    client = client_for(finance_officer)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("finance:assessment-run"), {"year": "2026"})
    run = AssessmentRun.objects.get()
    # then
    assert response.status_code == 302 and response["Location"].endswith(f"/runs/{run.pk}/")
    partial = client.get(response["Location"], headers={"HX-Request": "true"})
    assert b"1 of 1 members assessed" in partial.content and b"hx-trigger" not in partial.content


@pytest.mark.django_db
def test_it_polls_while_the_run_is_queued(dues, finance_officer):
    run = AssessmentRun.objects.create(fiscal_year=dues.years[2026], started_by=finance_officer)
    response = client_for(finance_officer).get(
        reverse("finance:assessment-run-progress", kwargs={"pk": run.pk})
    )
    assert b'hx-trigger="every 2s"' in response.content


@pytest.mark.django_db
def test_it_records_a_payment_from_the_form(dues, finance_officer, member_a):
    # given
    assessment = assess(dues, 2026, member_a)
    client = client_for(finance_officer)
    data = {
        "institution": member_a.pk,
        "received_on": "2026-03-02",
        "bank_reference": "TRF-77",
        "bank_account": dues.books["accounts"]["1110"].pk,
        "currency": "USD",
        "amount": "400.00",
    }
    # when
    response = client.post(reverse("finance:payment-add"), data)
    # then
    payment = Payment.objects.get()
    assert response.status_code == 302 and payment.amount == 400_00
    assert payment.allocations.get().assessment == assessment
    # and a duplicate comes back on its field
    again = client.post(reverse("finance:payment-add"), data)
    assert again.status_code == 200 and again.context["form"].errors["bank_reference"]


@pytest.mark.django_db
def test_it_reverses_a_payment_with_a_reason(dues, finance_officer, member_a):
    # given
    payment = pay(dues, member_a, 100_00, on=DAY, ref="TRF-1")
    client = client_for(finance_officer)
    url = reverse("finance:payment-reverse", kwargs={"pk": payment.pk})
    # when without a reason / with one
    refused = client.post(url, {"on": "2026-04-01", "reason": ""})
    done = client.post(url, {"on": "2026-04-01", "reason": "Cheque devuelto"})
    # then
    assert refused.status_code == 200 and done.status_code == 302
    payment.entry.refresh_from_db()
    assert payment.entry.state == "reversed"


@pytest.mark.django_db
def test_it_records_a_write_off_from_the_assessment(dues, finance_officer, member_a):
    # given
    assessment = assess(dues, 2026, member_a)
    client = client_for(finance_officer)
    data = {
        "kind": "write_off",
        "amount": "250.00",
        "body": dues.assembly.pk,
        "decision": "Resolución CISS/AG/2026/9",
        "decided_on": "2026-05-04",
        "reason": "Liquidación",
    }
    # when
    response = client.post(reverse("finance:adjustment-add", kwargs={"pk": assessment.pk}), data)
    # then
    assert response.status_code == 302
    assert Adjustment.objects.get().amount == 250_00
    # and the committee is refused on its field
    refused = client.post(
        reverse("finance:adjustment-add", kwargs={"pk": assessment.pk}),
        data | {"body": dues.committee.pk},
    )
    assert refused.status_code == 200 and refused.context["form"].errors["body"]


def _grow(dues, categories, countries, n: int, start: int = 0) -> None:  # type: ignore[no-untyped-def]
    for i in range(start, start + n):
        member = make_member(f"Instituto {i:02d}", countries["MX"], categories["full"])
        for year in (2024, 2025, 2026):
            assess(dues, year, member)
        pay(dues, member, 50_00 + i, on=DAY, ref=f"T{i}")


def _count(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_lists_keep_their_number_of_queries(dues, finance_officer, categories, countries):
    # given one member, then twelve
    client = client_for(finance_officer)
    client.get(reverse("finance:scale-list"))  # the session warmed
    _grow(dues, categories, countries, 1)
    small = {name: _count(client, reverse(name)) for name in LIST_QUERIES}
    _grow(dues, categories, countries, 11, start=1)
    large = {name: _count(client, reverse(name)) for name in LIST_QUERIES}
    # then
    assert small == large
    assert small == PINNED


PINNED = {
    "finance:assessment-list": 8,
    "finance:payment-list": 8,
    "finance:arrears": 12,
    "finance:scale-list": 7,
}
