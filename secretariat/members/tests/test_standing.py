"""A member's standing: suspending and restoring the right to vote (services and pages).

Rules and sources: "Only full members have the right to vote. The other members have a
right to voice." (shared/domain.md, CISS General Assembly page) — so only a member whose
category votes can have its vote suspended, and it keeps its voice; issue #4 — a suspension
has a reason, a legal basis and dates, and every quorum and vote uses the standing in force
on its date; [D] arrears suspend the vote (recorded later by finance through the same
service, origin "arrears").
"""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from secretariat.conftest import client_for, make_member
from secretariat.core.models import ActionLog
from secretariat.members.models import Institution, VotingSuspension
from secretariat.members.selectors import registry as selectors
from secretariat.members.services.standing import voting_suspend, voting_suspension_lift

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2024, 6, 1)


@pytest.fixture(autouse=True)
def _pinned(monkeypatch):  # type: ignore[no-untyped-def]
    # Pages in English and "today" fixed, so statuses do not depend on the clock.
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
    with translation.override("en"):
        yield


def _suspend(actor, inst, **kw):  # type: ignore[no-untyped-def]
    args = {
        "valid_from": D(2024, 1, 1),
        "reason": "Dues for 2022 and 2023 unpaid",
        "legal_basis": "Statute, arrears rule (default, to be confirmed)",
    }
    args.update(kw)
    return voting_suspend(actor=actor, institution=inst, **args)


def _text(response) -> str:  # type: ignore[no-untyped-def]
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return htmllib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def _messages(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


# --- voting_suspend -------------------------------------------------------------------


def test_it_suspends_a_full_members_vote_with_reason_legal_basis_history_and_log(member_a, officer):
    s = _suspend(officer, member_a, valid_to=D(2025, 1, 1))
    s.refresh_from_db()
    assert (s.valid_from, s.valid_to, s.origin) == (
        D(2024, 1, 1),
        D(2025, 1, 1),
        VotingSuspension.Origin.SECRETARIAT,
    )
    assert s.recorded_by == officer
    log = ActionLog.objects.get(event="standing.suspended", target_id=str(s.pk))
    assert log.actor == officer and log.reason == "Dues for 2022 and 2023 unpaid"
    assert log.new_values["legal_basis"].startswith("Statute")
    assert s.history.latest().history_change_reason == "Dues for 2022 and 2023 unpaid"


def test_voting_members_on_a_date_leave_out_those_suspended_that_day__issue_4_standing(
    member_a, member_b, officer
):
    _suspend(officer, member_a, valid_to=D(2025, 1, 1))
    assert member_a in selectors.voting_members_on(day=D(2023, 12, 31))
    assert member_a not in selectors.voting_members_on(day=D(2024, 1, 1))
    assert member_a not in selectors.voting_members_on(day=D(2024, 12, 31))
    assert member_a in selectors.voting_members_on(day=D(2025, 1, 1))  # ends are exclusive
    # an associate member never votes (CISS GA page)
    assert member_b not in selectors.voting_members_on(day=D(2023, 12, 31))


def test_only_a_member_with_the_right_to_vote_can_have_it_suspended__domain_md_ciss_ga_page(
    member_a, member_b, officer, countries
):
    # an associate member (voice only)
    with pytest.raises(ValidationError) as exc:
        _suspend(officer, member_b)
    assert "Only a member with the right to vote can have it suspended" in _messages(exc.value)
    # a full member, but not yet a member on the date (member since 2010)
    with pytest.raises(ValidationError):
        _suspend(officer, member_a, valid_from=D(2005, 1, 1))
    # an institution that never was a member
    outsider = Institution.objects.create(name="Externa", slug="externa", country=countries["MX"])
    with pytest.raises(ValidationError):
        _suspend(officer, outsider)
    assert not VotingSuspension.objects.exists()
    assert not ActionLog.objects.filter(event="standing.suspended").exists()


def test_suspensions_of_one_member_cannot_overlap(member_a, officer):
    _suspend(officer, member_a, valid_to=D(2024, 7, 1))
    with pytest.raises(ValidationError) as exc:
        _suspend(officer, member_a, valid_from=D(2024, 6, 30))
    assert "valid_from" in exc.value.error_dict
    assert "already suspended" in _messages(exc.value)
    # an open-ended one starting earlier overlaps as well
    with pytest.raises(ValidationError):
        _suspend(officer, member_a, valid_from=D(2023, 1, 1), valid_to=D(2024, 1, 2))
    # from the day the first ends: accepted
    assert _suspend(officer, member_a, valid_from=D(2024, 7, 1)).pk


def test_a_suspension_needs_a_reason_a_legal_basis_and_an_end_after_its_start(member_a, officer):
    with pytest.raises(ValidationError) as exc:
        _suspend(officer, member_a, reason=" ", legal_basis="", valid_to=D(2024, 1, 1))
    assert set(exc.value.error_dict) == {"reason", "legal_basis", "valid_to"}


def test_the_finance_module_records_arrears_through_the_same_service(member_a, officer):
    s = _suspend(officer, member_a, origin=VotingSuspension.Origin.ARREARS)
    assert s.origin == VotingSuspension.Origin.ARREARS


@pytest.mark.parametrize("persona", ["rep_a", "finance_officer", "comptroller"])
def test_only_the_secretariat_suspends_or_lifts(member_a, officer, persona, request):
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        _suspend(actor, member_a)
    s = _suspend(officer, member_a)
    with pytest.raises(PermissionDenied):
        voting_suspension_lift(actor=actor, suspension=s, on=D(2024, 5, 1), reason="Paid")
    s.refresh_from_db()
    assert s.valid_to is None


# --- voting_suspension_lift -------------------------------------------------------------


def test_lifting_sets_the_end_keeps_the_record_and_logs_why(member_a, officer):
    s = _suspend(officer, member_a)
    voting_suspension_lift(
        actor=officer, suspension=s, on=D(2024, 5, 15), reason="Dues paid on 14 May"
    )
    s.refresh_from_db()
    assert s.valid_to == D(2024, 5, 15) and s.lift_reason == "Dues paid on 14 May"
    log = ActionLog.objects.get(event="standing.lifted", target_id=str(s.pk))
    assert log.old_values["valid_to"] is None and log.new_values["valid_to"] == "2024-05-15"
    assert member_a in selectors.voting_members_on(day=D(2024, 5, 15))


def test_a_suspension_is_lifted_only_after_it_starts_before_it_ends_and_with_a_reason(
    member_a, officer
):
    s = _suspend(officer, member_a, valid_to=D(2024, 12, 1))
    for on in (D(2024, 1, 1), D(2023, 12, 1), D(2024, 12, 1), D(2025, 1, 1)):
        with pytest.raises(ValidationError) as exc:
            voting_suspension_lift(actor=officer, suspension=s, on=on, reason="x")
        assert "on" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        voting_suspension_lift(actor=officer, suspension=s, on=D(2024, 6, 1), reason="")
    assert "reason" in exc.value.error_dict
    s.refresh_from_db()
    assert s.valid_to == D(2024, 12, 1) and s.lift_reason == ""


# --- Pages ------------------------------------------------------------------------------


def _list_url(status: str = "") -> str:
    url = reverse("members:standing-list")
    return f"{url}?status={status}" if status else url


def test_the_list_shows_current_suspensions_and_all_on_request(
    member_a, officer, categories, countries
):
    lifted = make_member("Instituto Gamma", countries["PE"], categories["full"])
    current = _suspend(officer, member_a, reason="Arrears 2022-2023")
    old = _suspend(officer, lifted, valid_from=D(2020, 1, 1), reason="Arrears 2018-2019")
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
    s = _suspend(officer, member_a)
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
            _suspend(officer, inst)

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
    s = _suspend(officer, member_a)
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
    s = _suspend(officer, member_a)
    client = client_for(request.getfixturevalue(persona))
    suspend = reverse("members:standing-suspend", args=[member_a.slug])
    lift = reverse("members:standing-lift", args=[s.pk])
    assert client.get(suspend).status_code == 403
    assert (
        client.post(
            suspend, {"valid_from": "2025-01-01", "reason": "x", "legal_basis": "y"}
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
    _suspend(officer, member_a, valid_from=D(2024, 7, 1), reason="From July")
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
        s = _suspend(officer, member_a, valid_from=D(year, 1, 1), reason=f"Arrears {year}")
        voting_suspension_lift(actor=officer, suspension=s, on=D(year, 6, 1), reason="Paid")
    with CaptureQueriesContext(connection) as after:
        response = client.get(url)
    assert len(after.captured_queries) == len(before.captured_queries)
    assert "Arrears 2015" in _text(response)
