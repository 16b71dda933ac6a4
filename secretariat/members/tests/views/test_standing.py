"""A member's standing: suspending and restoring the right to vote (the pages).

Rules and sources: "Only full members have the right to vote. The other members have a
right to voice." (shared/domain.md, CISS General Assembly page) — so only a member whose
category votes can have its vote suspended, and it keeps its voice; issue #4 — a suspension
has a reason, a legal basis and dates, and every quorum and vote uses the standing in force
on its date; [D] arrears suspend the vote (recorded later by finance through the same
service, origin "arrears").
"""

from __future__ import annotations

import html as htmllib
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from secretariat.conftest import client_for, make_member
from secretariat.members.models import VotingSuspension
from secretariat.members.services.standing import voting_suspension_lift
from secretariat.members.tests.conftest import D, suspend

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_today")]


def _text(response) -> str:  # type: ignore[no-untyped-def]
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return htmllib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


# --- Pages ------------------------------------------------------------------------------


def _list_url(status: str = "") -> str:
    url = reverse("members:standing-list")
    return f"{url}?status={status}" if status else url


def test_the_list_shows_current_suspensions_and_all_on_request(
    member_a, officer, categories, countries
):
    lifted = make_member("Instituto Gamma", countries["PE"], categories["full"])
    current = suspend(officer, member_a, reason="Arrears 2022-2023")
    old = suspend(officer, lifted, valid_from=D(2020, 1, 1), reason="Arrears 2018-2019")
    voting_suspension_lift(actor=officer, suspension=old, on=D(2021, 3, 1), reason="Paid in full")
    client = client_for(officer)
    text = _text(client.get(_list_url()))
    assert "Arrears 2022-2023" in text and "In force" in text
    assert "Arrears 2018-2019" not in text
    text = _text(client.get(_list_url("all")))
    assert "Arrears 2018-2019" in text and "Lifted" in text and "Paid in full" in text
    assert (
        reverse("members:standing-lift", args=[current.pk])
        in client.get(_list_url()).content.decode()
    )


@pytest.mark.parametrize("persona", ["finance_officer", "comptroller"])
def test_finance_and_the_comptroller_read_the_list_without_lift_links(
    member_a, officer, persona, request
):
    s = suspend(officer, member_a)
    response = client_for(request.getfixturevalue(persona)).get(_list_url())
    assert response.status_code == 200
    assert member_a.name in _text(response)
    assert reverse("members:standing-lift", args=[s.pk]) not in response.content.decode()


def test_representatives_and_anonymous_visitors_cannot_read_the_list(rep_a):
    assert client_for(rep_a).get(_list_url()).status_code == 403
    response = client_for(None).get(_list_url())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_list_is_paginated_and_its_queries_do_not_grow(officer, categories, countries):
    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            inst = make_member(f"Miembro {i:03d}", countries["MX"], categories["full"])
            suspend(officer, inst)

    add(3, 0)
    client = client_for(officer)
    client.get(_list_url())
    with CaptureQueriesContext(connection) as small:
        client.get(_list_url())
    add(40, 3)
    with CaptureQueriesContext(connection) as large:
        response = client.get(_list_url())
    # session, user, groups (permission), count, page of suspensions with institution,
    # country and recorder — the same for 3 or 43 rows.
    assert len(large.captured_queries) == len(small.captured_queries) <= 6
    page = response.context["page"]
    assert page.paginator.count == 43 and len(page.object_list) == 25


def test_an_officer_suspends_through_the_page_and_the_record_shows_it(member_a, officer):
    url = reverse("members:standing-suspend", args=[member_a.slug])
    client = client_for(officer)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "valid_from": "2024-05-01",
            "valid_to": "",
            "reason": "Dues 2022-2023 unpaid",
            "legal_basis": "GA Resolution 123 (test)",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("members:institution-detail", args=[member_a.slug])
    record = client.get(response["Location"])
    text = _text(record)
    assert "Right to vote suspended today." in text
    assert "Dues 2022-2023 unpaid" in text and "GA Resolution 123 (test)" in text
    assert "The member's right to vote was suspended." in text
    s = VotingSuspension.objects.get(institution=member_a)
    assert reverse("members:standing-lift", args=[s.pk]) in record.content.decode()


def test_the_suspend_page_shows_the_services_refusal_for_a_member_without_vote(member_b, officer):
    url = reverse("members:standing-suspend", args=[member_b.slug])
    client = client_for(officer)
    assert "Only a member with the right to vote can have it suspended." in _text(client.get(url))
    response = client.post(url, {"valid_from": "2024-05-01", "reason": "x", "legal_basis": "y"})
    assert response.status_code == 200
    assert "Only a member with the right to vote" in str(
        response.context["form"].non_field_errors()
    )
    assert not VotingSuspension.objects.exists()


def test_an_officer_lifts_through_the_page(member_a, officer):
    s = suspend(officer, member_a)
    url = reverse("members:standing-lift", args=[s.pk])
    client = client_for(officer)
    assert "Dues for 2022 and 2023 unpaid" in _text(client.get(url))
    response = client.post(url, {"on": "2024-05-20", "reason": "Paid on 19 May"})
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.valid_to == D(2024, 5, 20)
    text = _text(client.get(response["Location"]))
    assert "Lifted" in text and "Paid on 19 May" in text
    assert "Right to vote suspended today." not in text


@pytest.mark.parametrize("persona", ["rep_a", "finance_officer", "comptroller"])
def test_writes_are_forbidden_to_representatives_finance_and_the_comptroller(
    member_a, officer, persona, request
):
    s = suspend(officer, member_a)
    client = client_for(request.getfixturevalue(persona))
    suspend_url = reverse("members:standing-suspend", args=[member_a.slug])
    lift = reverse("members:standing-lift", args=[s.pk])
    assert client.get(suspend_url).status_code == 403
    assert (
        client.post(
            suspend_url, {"valid_from": "2025-01-01", "reason": "x", "legal_basis": "y"}
        ).status_code
        == 403
    )
    assert client.get(lift).status_code == 403
    assert client.post(lift, {"on": "2024-05-01", "reason": "x"}).status_code == 403
    assert VotingSuspension.objects.count() == 1
    s.refresh_from_db()
    assert s.valid_to is None


def test_the_record_card_says_a_voice_only_member_has_no_vote_and_offers_no_suspension(
    member_b, officer
):
    response = client_for(officer).get(reverse("members:institution-detail", args=[member_b.slug]))
    text = _text(response)
    assert "Right to vote" in text and "Associate member: voice, no vote" in text
    assert (
        reverse("members:standing-suspend", args=[member_b.slug]) not in response.content.decode()
    )


def test_the_record_card_shows_an_upcoming_suspension_without_saying_it_applies_today(
    member_a, officer
):
    suspend(officer, member_a, valid_from=D(2024, 7, 1), reason="From July")
    response = client_for(officer).get(reverse("members:institution-detail", args=[member_a.slug]))
    text = _text(response)
    assert "Upcoming" in text and "From July" in text
    assert "Right to vote suspended today." not in text
    assert "Full member: a category with the right to vote" in text


def test_the_record_page_queries_stay_constant_with_the_card(member_a, officer):
    client = client_for(officer)
    url = reverse("members:institution-detail", args=[member_a.slug])
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for year in range(2011, 2021):
        s = suspend(officer, member_a, valid_from=D(year, 1, 1), reason=f"Arrears {year}")
        voting_suspension_lift(actor=officer, suspension=s, on=D(year, 6, 1), reason="Paid")
    with CaptureQueriesContext(connection) as after:
        response = client.get(url)
    assert len(after.captured_queries) == len(before.captured_queries)
    assert "Arrears 2015" in _text(response)
