"""The composition page (governance:body-composition) and the seat pages (seat-add, seat-edit).

Sources of the rules shown: shared/domain.md — "only full members have the right to vote;
the other members have a right to voice" (CISS General Assembly page); the Standing
Committee's voice-only seats (CISS Standing Committee page); quorum [D] "more than half of
those entitled to vote", a default shown as "to be confirmed" until the Secretariat records
the rule in force; a suspended member keeps its voice but not its vote (issue #4, standing).
"""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from secretariat.conftest import client_for, make_member
from secretariat.core.models import ActionLog, RuleSetting
from secretariat.governance.models import Body, Seat
from secretariat.governance.tests.conftest import TODAY
from secretariat.members.models import VotingSuspension

pytestmark = pytest.mark.django_db

D = dt.date
YESTERDAY = TODAY - dt.timedelta(days=1)
TOMORROW = TODAY + dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    with translation.override("en"):
        yield


def _url(body: Body, on: str | None = None) -> str:
    url = reverse("governance:body-composition", kwargs={"code": body.code})
    return f"{url}?on={on}" if on is not None else url


def _text(response) -> str:  # type: ignore[no-untyped-def]
    """The page's visible text, whitespace collapsed (assert on what a reader sees)."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return htmllib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def _row(response, label: str) -> str:  # type: ignore[no-untyped-def]
    """The text of the table row whose place is `label`."""
    html = response.content.decode()
    for tr in re.findall(r"<tr>.*?</tr>", html, flags=re.S):
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", tr))
        if label in text:
            return text
    raise AssertionError(f"no row for {label!r}")


def _suspend(inst, start, end=None, reason="Arrears of dues 2022-2023"):  # type: ignore[no-untyped-def]
    return VotingSuspension.objects.create(
        institution=inst,
        valid_from=start,
        valid_to=end,
        reason=reason,
        legal_basis="Statute (default rule, to be confirmed)",
    )


# --- Who sits and who votes, on a date ----------------------------------------------------


def test_it_shows_the_general_assembly_public_with_full_members_voting_and_associates_with_voice__domain_md_ciss_ga_page(
    session_world, today
):
    response = client_for(None).get(_url(session_world.assembly))
    assert response.status_code == 200
    full = _row(response, "Instituto Titular 1")
    assert "Yes" in full
    associate = _row(response, "Instituto Asociado 1")
    assert " No " in associate and "Associate member: voice, no vote" in associate
    text = _text(response)
    assert "Only full members have the right to vote" in text


def test_a_seat_ended_yesterday_is_not_in_todays_composition(session_world, today):
    # given the Comptroller's voice seat ended yesterday
    comptroller = session_world.voice_seats[1]
    Seat.objects.filter(pk=comptroller.pk).update(valid_to=TODAY)  # ends are exclusive
    client = client_for(None)
    # then today it is gone, yesterday it was there
    assert "Contraloría" not in _text(client.get(_url(session_world.committee)))
    assert "Contraloría" in _text(client.get(_url(session_world.committee, YESTERDAY.isoformat())))


def test_a_suspension_from_tomorrow_does_not_apply_today(session_world, today):
    member = session_world.full[0]
    _suspend(member, TOMORROW)
    client = client_for(None)
    assert "Yes" in _row(client.get(_url(session_world.assembly)), member.name)
    tomorrow = _row(client.get(_url(session_world.assembly, TOMORROW.isoformat())), member.name)
    assert "Right to vote suspended: Arrears of dues 2022-2023" in tomorrow


def test_a_suspended_full_member_shows_no_vote_with_the_reason_and_is_not_counted(
    session_world, today
):
    # given one of six full members suspended since yesterday
    _suspend(session_world.full[0], YESTERDAY, reason="Unpaid dues, GA decision 12")
    response = client_for(None).get(_url(session_world.assembly))
    row = _row(response, session_world.full[0].name)
    assert " No " in row and "Right to vote suspended: Unpaid dues, GA decision 12" in row
    # then 5 vote, 4 have voice only (3 associates + the suspended member); quorum > 1/2 of 5 = 3
    comp = response.context["composition"]
    assert (comp.with_vote, comp.voice_only, comp.observers) == (5, 4, 0)
    assert comp.quorum_needed == 3
    assert "Entitled to vote: 5." in _text(response)


def test_a_seat_of_a_suspended_institution_loses_its_vote_on_the_committee(session_world, today):
    coordinator = session_world.seats[1]  # held for Instituto Titular 1
    _suspend(coordinator.institution, YESTERDAY)
    row = _row(client_for(None).get(_url(session_world.committee)), coordinator.title)
    assert " No " in row and "Right to vote suspended" in row


def test_the_summary_counts_places_and_the_default_quorum_is_shown_as_to_be_confirmed__domain_md_d(
    session_world, today
):
    # Standing Committee: 5 voting seats, 2 voice seats; quorum [D] more than half of 5 = 3
    response = client_for(None).get(_url(session_world.committee))
    comp = response.context["composition"]
    assert (comp.with_vote, comp.voice_only, comp.observers, comp.quorum_needed) == (5, 2, 0, 3)
    text = _text(response)
    assert "more than 1/2 of them present or represented, that is at least 3" in text
    assert "Default, to be confirmed" in text
    row = _row(response, "Secretaría General")
    assert "Voice only, no vote" in row


def test_the_quorum_shown_is_the_rule_in_force_on_the_date(session_world, today, officer):
    # given a confirmed two-thirds quorum for the committee from 2024-01-01
    RuleSetting.objects.create(
        key="governance.standing_committee.quorum",
        value=[2, 3],
        valid_from=D(2024, 1, 1),
        status=RuleSetting.Status.CONFIRMED,
        legal_basis="Reglamento del Comité Permanente, art. 5 (test)",
        source="Test source",
        recorded_by=officer,
    )
    client = client_for(None)
    now = client.get(_url(session_world.committee))
    assert now.context["composition"].quorum_needed == 4  # more than 2/3 of 5
    assert "Confirmed" in _text(now) and "Reglamento del Comité Permanente" in _text(now)
    before = client.get(_url(session_world.committee, "2023-06-01"))
    assert before.context["composition"].quorum_needed == 3
    assert "Default, to be confirmed" in _text(before)


def test_a_date_not_understood_says_so_and_shows_today(session_world, today):
    response = client_for(None).get(_url(session_world.committee, "31/12/2023"))
    assert response.status_code == 200
    assert response.context["day"] == TODAY
    assert "was not understood (use YYYY-MM-DD)" in _text(response)


def test_a_body_that_holds_no_sessions_has_no_composition_page(session_world, today):
    Body.objects.create(code="presidency", name="Presidencia", kind=Body.Kind.OFFICE)
    assert (
        client_for(None)
        .get(reverse("governance:body-composition", args=["presidency"]))
        .status_code
        == 404
    )
    assert (
        client_for(None).get(reverse("governance:body-composition", args=["nope"])).status_code
        == 404
    )


def test_the_general_assembly_page_is_paginated_and_its_queries_do_not_grow_with_members(
    session_world, today, categories, countries
):
    client = client_for(None)
    url = _url(session_world.assembly)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    # given 90 more members (the CISS has about 90), some suspended
    for i in range(90):
        inst = make_member(f"Miembro extra {i:02d}", countries["MX"], categories["full"])
        if i % 10 == 0:
            _suspend(inst, YESTERDAY)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    # Queries (anonymous): body, suspensions, memberships, seats, quorum rule — the same five
    # for 9 or 99 members.
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(large.captured_queries) <= 5
    page = response.context["page"]
    assert page.paginator.count == 99 and len(page.object_list) == 50
    assert response.context["composition"].with_vote == 6 + 90 - 9
    second = client.get(url + "&page=2" if "?" in url else url + "?page=2")
    assert len(second.context["page"].object_list) == 49


def test_the_committee_page_stays_within_its_query_budget_for_staff(
    session_world, today, officer, django_assert_max_num_queries
):
    client = client_for(officer)
    client.get(_url(session_world.committee))
    # session, user, body, suspensions, seats, quorum rule, the user's groups (the staff
    # links' permission check); no query per seat for the Edit/End links.
    with django_assert_max_num_queries(7):
        response = client.get(_url(session_world.committee))
    assert response.status_code == 200


# --- Staff links and seat pages ---------------------------------------------------------


def test_staff_see_add_edit_and_end_links_and_the_public_does_not(session_world, today, officer):
    seat = session_world.seats[0]
    edit = reverse("governance:seat-edit", args=[seat.pk])
    add = reverse("governance:seat-add", args=[session_world.committee.code])
    staff_html = client_for(officer).get(_url(session_world.committee)).content.decode()
    assert edit in staff_html and f"{edit}?action=end" in staff_html and add in staff_html
    public_html = client_for(None).get(_url(session_world.committee)).content.decode()
    assert edit not in public_html and add not in public_html


def test_an_officer_adds_a_seat_through_the_page(session_world, today, officer):
    url = reverse("governance:seat-add", args=[session_world.committee.code])
    client = client_for(officer)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "capacity": Seat.Capacity.VOICE,
            "title": "Dirección del CIESS",
            "holder": "",
            "valid_from": "2024-01-01",
            "order": "60",
            "reason": "Attends with voice (CISS SC page)",
        },
    )
    assert response.status_code == 302
    seat = Seat.objects.get(title="Dirección del CIESS")
    assert seat.capacity == Seat.Capacity.VOICE and seat.holder == ""
    page = client.get(response["Location"])
    assert "Dirección del CIESS" in _row(page, "Dirección del CIESS")
    assert "The seat was recorded." in _text(page)


def test_the_general_assembly_form_offers_only_voice_and_observer_seats(
    session_world, today, officer
):
    url = reverse("governance:seat-add", args=[session_world.assembly.code])
    client = client_for(officer)
    html = client.get(url).content.decode()
    assert 'value="voice"' in html and 'value="observer"' in html
    assert 'value="member"' not in html and 'value="officer"' not in html
    response = client.post(
        url,
        {
            "capacity": "member",
            "title": "X",
            "valid_from": "2024-01-01",
            "order": "0",
            "reason": "x",
        },
    )
    assert response.status_code == 200
    assert not Seat.objects.filter(title="X").exists()


def test_a_service_refusal_is_shown_on_the_form_field(session_world, today, officer):
    url = reverse("governance:seat-add", args=[session_world.committee.code])
    response = client_for(officer).post(
        url,
        {
            "capacity": "member",
            "title": "Presidencia",
            "valid_from": "2024-01-01",
            "order": "0",
            "reason": "Duplicate on purpose",
        },
    )
    assert response.status_code == 200
    assert "already recorded" in str(response.context["form"].errors["title"])


def test_an_officer_corrects_and_ends_a_seat_through_the_page(session_world, today, officer):
    seat = session_world.voice_seats[0]
    url = reverse("governance:seat-edit", args=[seat.pk])
    client = client_for(officer)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "action": "update",
            "title": seat.title,
            "holder": "Nombre corregido",
            "email": "",
            "order": str(seat.order),
            "source": "",
            "reason": "Misspelt",
        },
    )
    assert response.status_code == 302
    seat.refresh_from_db()
    assert seat.holder == "Nombre corregido"
    assert client.get(url + "?action=end").status_code == 200
    response = client.post(
        url, {"action": "end", "valid_to": YESTERDAY.isoformat(), "reason": "End of the term"}
    )
    assert response.status_code == 302
    seat.refresh_from_db()
    assert seat.valid_to == YESTERDAY
    assert ActionLog.objects.filter(event="seat.ended", target_id=str(seat.pk)).exists()
    assert seat.title not in _text(client.get(response["Location"]))


@pytest.mark.parametrize("persona", ["rep_a", "finance_officer", "comptroller"])
def test_seat_pages_are_forbidden_to_those_who_do_not_manage_seats(
    session_world, today, persona, request
):
    client = client_for(request.getfixturevalue(persona))
    seat = session_world.voice_seats[0]
    add = reverse("governance:seat-add", args=[session_world.committee.code])
    edit = reverse("governance:seat-edit", args=[seat.pk])
    assert client.get(add).status_code == 403
    post = {
        "capacity": "voice",
        "title": "Y",
        "valid_from": "2024-01-01",
        "order": "0",
        "reason": "x",
    }
    assert client.post(add, post).status_code == 403
    assert (
        client.post(edit, {"action": "end", "valid_to": "2024-01-01", "reason": "x"}).status_code
        == 403
    )
    assert not Seat.objects.filter(title="Y").exists()
    seat.refresh_from_db()
    assert seat.valid_to is None


def test_anonymous_visitors_are_sent_to_log_in_for_seat_pages(session_world, today):
    add = reverse("governance:seat-add", args=[session_world.committee.code])
    response = client_for(None).get(add)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_body_page_links_to_its_composition_only_when_it_holds_sessions(session_world, today):
    office = Body.objects.create(code="presidency", name="Presidencia", kind=Body.Kind.OFFICE)
    client = client_for(None)
    committee_html = client.get(
        reverse("governance:body-detail", args=[session_world.committee.code])
    ).content.decode()
    assert _url(session_world.committee) in committee_html
    office_html = client.get(reverse("governance:body-detail", args=[office.code])).content.decode()
    assert "/composition/" not in office_html


def test_the_seat_forms_show_the_last_day_of_a_seat_not_its_exclusive_end(
    session_world, today, officer
):
    # given: a seat whose exclusive end is 31 March 2030
    seat = session_world.seats[0]
    Seat.objects.filter(pk=seat.pk).update(valid_to=dt.date(2030, 3, 31))
    url = reverse("governance:seat-edit", args=[seat.pk])
    for page in (url, f"{url}?action=end"):
        # when
        text = _text(client_for(officer).get(page))
        # then: it applies through 30 March
        assert "Last day" in text and "Until (exclusive)" not in text
        assert "March 30, 2030" in text and "March 31, 2030" not in text
