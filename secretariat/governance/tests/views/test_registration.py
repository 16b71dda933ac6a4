"""Registration pages: a representative's delegation, the Secretariat's list and checks, proxies,
letters served only to those allowed; each page without, with and with the wrong scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from secretariat.conftest import client_for, make_member, make_user
from secretariat.core import roles
from secretariat.governance.models import Participant, Proxy
from secretariat.governance.services import proxies as proxy_services
from secretariat.governance.services import registration as services
from secretariat.governance.tests.helpers import letter, represent
from secretariat.governance.tests.helpers import registration_session as make_session
from secretariat.members.models import VotingSuspension


def _url(name: str, lang: str = "en", **kwargs) -> str:  # type: ignore[no-untyped-def]
    with translation.override(lang):
        return reverse(f"governance:{name}", kwargs=kwargs or None)


@pytest.fixture
def assembly(session_world):  # type: ignore[no-untyped-def]
    return make_session(session_world.assembly)


@pytest.fixture
def committee(session_world):  # type: ignore[no-untyped-def]
    return make_session(session_world.committee, number=90)


@pytest.fixture
def as_sg(secretary_general):  # type: ignore[no-untyped-def]
    return client_for(secretary_general)


def _delegate(actor, session, institution, name="Delegada", role="delegate", **extra):  # type: ignore[no-untyped-def]
    return services.delegate_register(
        actor=actor, session=session, institution=institution, full_name=name, role=role, **extra
    )


# --- The representative's delegation page -------------------------------------------------------


def test_it_shows_a_representative_their_delegation_with_a_rejected_credential(
    assembly, member_a, rep_a, as_rep_a, officer
):
    # given
    head = _delegate(rep_a, assembly, member_a, "Ana Pérez", "head")
    services.credentials_decide(
        actor=officer, participant=head, accept=False, note="La carta no está firmada."
    )
    _delegate(rep_a, assembly, member_a, "Luis Gómez")
    # when
    response = as_rep_a.get(_url("delegation", pk=assembly.pk))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Delegation of <bdi>Instituto Alfa (IA)</bdi>" in html
    assert "Ana Pérez" in html and "Luis Gómez" in html
    assert "badge--danger" in html and "Credentials rejected" in html
    assert "La carta no está firmada." in html
    assert "Credentials to be checked" in html
    # the proxy form, with the rule stated (General Assembly: 1 by default)
    assert "Give a proxy" in html and 'name="holder"' in html
    assert "Proxies a full member may hold: 1" in html and "default, to be confirmed" in html
    assert 'name="role"' in html  # the add-delegate form


def test_it_shows_the_delegation_in_spanish(assembly, member_a, rep_a, as_rep_a):
    response = as_rep_a.get(_url("delegation", "es", pk=assembly.pk))
    assert response.status_code == 200 and '<html lang="es">' in response.content.decode()


def test_it_hides_a_delegation_from_those_not_sitting_on_the_body(
    committee, assembly, session_world, rep_a, as_rep_a, as_anonymous
):
    # member_a holds no seat on the Standing Committee
    assert as_rep_a.get(_url("delegation", pk=committee.pk)).status_code == 404
    other = client_for(make_user("nobody@example.org", roles.REPRESENTATIVE))
    assert other.get(_url("delegation", pk=assembly.pk)).status_code == 404
    response = as_anonymous.get(_url("delegation", pk=assembly.pk))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_it_hides_a_draft_sessions_delegation(session_world, member_a, as_rep_a):
    draft = make_session(session_world.assembly, state="draft")
    assert as_rep_a.get(_url("delegation", pk=draft.pk)).status_code == 404


def test_it_sends_the_secretariat_to_the_list_of_participants(assembly, as_sg):
    response = as_sg.get(_url("delegation", pk=assembly.pk))
    assert response.status_code == 302
    assert response["Location"] == _url("participant-list", pk=assembly.pk)


def test_it_says_proxies_are_not_allowed_in_the_standing_committee(committee, session_world):
    # given: the representative of the member that coordinates Sub-region 1
    rep = represent(session_world.full[0], "rep.t1@example.org")
    # when
    html = client_for(rep).get(_url("delegation", pk=committee.pk)).content.decode()
    # then
    assert "Coordinación de la Subregión 1" in html
    assert "Proxies are not allowed in this body" in html and 'name="holder"' not in html


def test_it_tells_an_associate_member_why_it_cannot_give_a_proxy(
    assembly, session_world, member_b, rep_b
):
    client = client_for(rep_b)
    html = client.get(_url("delegation", pk=assembly.pk)).content.decode()
    assert "Voice, no vote" in html
    assert "cannot give a proxy" in html and 'name="holder"' not in html
    # and posting one anyway records nothing
    response = client.post(
        _url("proxy-add", pk=assembly.pk),
        {"grantor": member_b.pk, "holder": session_world.full[0].pk},
    )
    assert response.status_code == 200 and "cannot give a proxy" in response.content.decode()
    assert not Proxy.objects.exists()


def test_it_offers_a_selector_to_a_representative_of_several_members(
    assembly, session_world, member_a, rep_a, as_rep_a
):
    # given
    from secretariat.members.models import Representative

    Representative.objects.create(
        institution=session_world.full[2],
        user=rep_a,
        full_name="Ana",
        role=Representative.Role.LIAISON,
        valid_from=dt.date(2020, 1, 1),
    )
    # when
    url = _url("delegation", pk=assembly.pk)
    first = as_rep_a.get(url).content.decode()
    second = as_rep_a.get(url, {"institution": session_world.full[2].pk}).content.decode()
    # then
    assert 'name="institution"' in first and "Delegation of Instituto Alfa" in first
    assert "Delegation of Instituto Titular 3" in second


# --- Registering and withdrawing ---------------------------------------------------------------


def test_a_representative_registers_a_delegate_of_their_own_member(assembly, member_a, as_rep_a):
    # when
    response = as_rep_a.post(
        _url("delegate-add", pk=assembly.pk),
        {
            "institution": member_a.pk,
            "full_name": "Carla Ruiz",
            "position": "Subdirectora",
            "email": "carla@example.org",
            "role": "head",
            "credentials_file": letter(),
        },
    )
    # then
    assert response.status_code == 302
    assert (
        response["Location"] == _url("delegation", pk=assembly.pk) + f"?institution={member_a.pk}"
    )
    p = Participant.objects.get()
    assert (p.full_name, p.institution, p.role) == ("Carla Ruiz", member_a, "head")
    assert p.credentials_file


def test_a_representative_cannot_register_for_another_member(
    assembly, member_a, member_b, as_rep_a
):
    response = as_rep_a.post(
        _url("delegate-add", pk=assembly.pk),
        {"institution": member_b.pk, "full_name": "Intruso", "role": "delegate"},
    )
    assert response.status_code == 404
    assert not Participant.objects.exists()


def test_it_shows_the_services_errors_on_the_form(assembly, member_a, rep_a, as_rep_a):
    _delegate(rep_a, assembly, member_a, "Jefa", "head")
    response = as_rep_a.post(
        _url("delegate-add", pk=assembly.pk),
        {"institution": member_a.pk, "full_name": "Otra jefa", "role": "head"},
    )
    assert response.status_code == 200
    assert "already has a head" in response.content.decode()
    assert Participant.objects.count() == 1


def test_it_refuses_registration_for_a_draft_session(session_world, member_a, as_sg):
    draft = make_session(session_world.assembly, state="draft")
    response = as_sg.post(
        _url("delegate-add", pk=draft.pk),
        {"institution": member_a.pk, "full_name": "X", "role": "delegate"},
    )
    assert response.status_code == 200 and "Registration is open only" in response.content.decode()
    assert not Participant.objects.exists()


def test_the_secretariat_registers_a_delegate_for_any_member_then_checks_credentials(
    assembly, member_b, as_sg
):
    response = as_sg.post(
        _url("delegate-add", pk=assembly.pk),
        {"institution": member_b.pk, "full_name": "Bruno", "role": "delegate"},
    )
    p = Participant.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("credentials-check", participant_pk=p.pk)
    assert p.credentials == "pending"  # accepted in a second step, never at once


def test_a_representative_withdraws_a_delegate(assembly, member_a, rep_a, as_rep_a, rep_b):
    p = _delegate(rep_a, assembly, member_a)
    url = _url("delegate-withdraw", participant_pk=p.pk)
    assert client_for(rep_b).post(url, {"reason": "No"}).status_code == 404
    response = as_rep_a.post(url, {"reason": "No viaja"})
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.withdrawn_at is not None
    html = as_rep_a.get(_url("delegation", pk=assembly.pk)).content.decode()
    assert "1 withdrawn" in html


# --- The Secretariat's list ---------------------------------------------------------------------


def test_it_lists_participants_with_counts_for_the_secretariat(
    assembly, session_world, member_a, rep_a, as_sg, officer
):
    # given
    _delegate(rep_a, assembly, member_a, "Ana Pérez", "head")
    accepted = _delegate(officer, assembly, session_world.full[0], "Teo Titular", "head")
    services.credentials_decide(actor=officer, participant=accepted, accept=True)
    # when
    response = as_sg.get(_url("participant-list", pk=assembly.pk))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    summary = response.context["summary"]
    # 7 full members entitled (6 + Instituto Alfa), 2 with a delegation; 1 to be checked
    assert (summary.delegations, summary.entitled, summary.pending) == (2, 7, 1)
    assert "Ana Pérez" in html and "Teo Titular" in html
    assert 'name="participant"' in html  # the bulk accept box of the pending one
    assert "Register seat holders" in html


def test_it_isolates_names_stored_with_bidi_controls_in_the_list_of_participants(
    assembly, member_a, rep_a, as_sg
):
    """Issue #9: a name holding U+202E reversed the text around it. Names stored before the
    validator refused them are shown in <bdi>, so they cannot reorder the page."""
    # given: an institution and a participant whose names were written straight to the database
    type(member_a).objects.filter(pk=member_a.pk).update(name="Instituto \u202eaflA")
    participant = _delegate(rep_a, assembly, member_a, "Ana Pérez", "head")
    Participant.objects.filter(pk=participant.pk).update(full_name="Ana \u202eZeréP")
    # when
    response = as_sg.get(_url("participant-list", pk=assembly.pk))
    # then
    html = response.content.decode()
    assert "<bdi>Instituto \u202eaflA (IA)</bdi>" in html
    assert "<bdi>Ana \u202eZeréP</bdi>" in html
    assert "\u202e" not in html.split("<title>")[1].split("</title>")[0]


def test_it_filters_the_list_of_participants(
    assembly, session_world, member_a, rep_a, as_sg, officer
):
    _delegate(rep_a, assembly, member_a, "Ana Pérez", "head")
    accepted = _delegate(officer, assembly, session_world.full[0], "Teo Titular", "adviser")
    services.credentials_decide(actor=officer, participant=accepted, accept=True)
    url = _url("participant-list", pk=assembly.pk)

    def names(**params):  # type: ignore[no-untyped-def]
        return [p.full_name for p in as_sg.get(url, params).context["page"].object_list]

    assert names(credentials="pending") == ["Ana Pérez"]
    assert names(role="adviser") == ["Teo Titular"]
    assert names(q="Titular 1") == ["Teo Titular"]
    assert names(q="alfa") == ["Ana Pérez"]
    assert sorted(names(credentials="nonsense")) == ["Ana Pérez", "Teo Titular"]


def test_it_hides_the_list_of_participants_from_representatives(assembly, as_rep_a):
    assert as_rep_a.get(_url("participant-list", pk=assembly.pk)).status_code == 403


def test_the_secretariat_accepts_selected_credentials_at_once(
    assembly, member_a, rep_a, as_sg, comptroller
):
    one = _delegate(rep_a, assembly, member_a, "Uno")
    two = _delegate(rep_a, assembly, member_a, "Dos")
    url = _url("participant-list", pk=assembly.pk)
    # a reader (the Comptroller) sees the list but cannot accept
    assert client_for(comptroller).post(url, {"participant": [one.pk]}).status_code == 403
    response = as_sg.post(url, {"participant": [one.pk, two.pk], "next_query": "role=delegate"})
    assert response.status_code == 302 and response["Location"].endswith("?role=delegate")
    assert set(Participant.objects.values_list("credentials", flat=True)) == {"accepted"}


def test_it_registers_seat_holders_from_the_list(committee, as_sg, comptroller):
    url = _url("seat-holders-register", pk=committee.pk)
    assert client_for(comptroller).post(url).status_code == 403
    assert as_sg.get(url).status_code == 405
    as_sg.post(url)
    response = as_sg.post(url, follow=True)
    assert Participant.objects.filter(session=committee).count() == 7
    assert "Every seat holder was already registered." in response.content.decode()


def _count(client, url: str) -> int:  # type: ignore[no-untyped-def]
    client.get(url)  # warm up: the first staff request checks the second factor once per session
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _fill(session, officer, countries, categories, n: int, start: int = 0) -> None:  # type: ignore[no-untyped-def]
    for i in range(start, start + n):
        inst = make_member(f"Miembro {i:03d}", countries["MX"], categories["full"])
        p = _delegate(officer, session, inst, f"Persona {i:03d}", "head")
        if i % 3 == 0:
            services.credentials_decide(actor=officer, participant=p, accept=True)


def test_it_lists_10_or_200_participants_in_the_same_number_of_queries(
    assembly, session_world, officer, as_sg, countries, categories, django_assert_max_num_queries
):
    # given
    _fill(assembly, officer, countries, categories, 10)
    proxy_services.proxy_give(
        actor=officer, session=assembly, grantor=session_world.full[0], holder=session_world.full[1]
    )
    url = _url("participant-list", pk=assembly.pk)
    few = _count(as_sg, url)
    _fill(assembly, officer, countries, categories, 190, start=10)
    proxy_services.proxy_give(
        actor=officer, session=assembly, grantor=session_world.full[2], holder=session_world.full[3]
    )
    # when
    many = _count(as_sg, url + "?sort=-name&page=2")
    # then
    assert few == many
    # session, user, groups, session (+body), memberships, suspensions, seats (composition),
    # participant counts, delegations, proxies to check, page count, page of participants,
    # proxies (+grantor, holder, checker)
    with django_assert_max_num_queries(13):
        as_sg.get(url)


# --- Credentials check --------------------------------------------------------------------------


def test_the_secretariat_rejects_credentials_with_a_note(assembly, member_a, rep_a, as_sg):
    p = _delegate(rep_a, assembly, member_a, "Ana Pérez", "head", credentials_file=letter())
    url = _url("credentials-check", participant_pk=p.pk)
    page = as_sg.get(url).content.decode()
    assert "Ana Pérez" in page and _url("participant-credentials-file", participant_pk=p.pk) in page
    # without a note
    response = as_sg.post(url, {"decision": "reject", "note": ""})
    assert response.status_code == 200 and "the member sees this note" in response.content.decode()
    p.refresh_from_db()
    assert p.credentials == "pending"
    # with a note
    response = as_sg.post(url, {"decision": "reject", "note": "Carta sin firma"}, follow=True)
    p.refresh_from_db()
    assert p.credentials == "rejected" and "Carta sin firma" in response.content.decode()
    assert "participant.credentials_rejected" in response.content.decode()  # its history


def test_it_checks_the_next_pending_credentials(assembly, member_a, rep_a, as_sg):
    first = _delegate(rep_a, assembly, member_a, "Uno")
    second = _delegate(rep_a, assembly, member_a, "Dos")
    response = as_sg.post(
        _url("credentials-check", participant_pk=first.pk), {"decision": "accept", "then": "next"}
    )
    assert response["Location"] == _url("credentials-check", participant_pk=second.pk)


def test_it_hides_the_credentials_check_from_representatives(assembly, member_a, rep_a, as_rep_a):
    p = _delegate(rep_a, assembly, member_a)
    assert as_rep_a.get(_url("credentials-check", participant_pk=p.pk)).status_code == 404


def test_it_serves_a_letter_of_credentials_only_to_those_allowed(
    assembly, member_a, rep_a, as_rep_a, rep_b, as_sg, as_anonymous
):
    p = _delegate(rep_a, assembly, member_a, credentials_file=letter())
    url = _url("participant-credentials-file", participant_pk=p.pk)
    for client in (as_sg, as_rep_a):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert client_for(rep_b).get(url).status_code == 404
    assert as_anonymous.get(url).status_code == 302
    without = _delegate(rep_a, assembly, member_a, "Sin carta")
    url = _url("participant-credentials-file", participant_pk=without.pk)
    assert as_sg.get(url).status_code == 404


# --- Proxies ----------------------------------------------------------------------------------


def test_a_representative_gives_a_proxy_and_the_secretariat_accepts_it(
    assembly, session_world, member_a, rep_a, as_rep_a, as_sg, rep_b
):
    holder = session_world.full[0]
    response = as_rep_a.post(
        _url("proxy-add", pk=assembly.pk),
        {"grantor": member_a.pk, "holder": holder.pk, "letter": letter(), "note": "Viaje"},
    )
    assert response.status_code == 302
    proxy = Proxy.objects.get()
    # the letter: staff and the two members' representatives only
    letter_url = _url("proxy-letter", proxy_pk=proxy.pk)
    assert as_rep_a.get(letter_url).status_code == 200
    assert as_sg.get(letter_url).status_code == 200
    assert client_for(rep_b).get(letter_url).status_code == 404
    assert client_for(rep_b).get(_url("proxy-check", proxy_pk=proxy.pk)).status_code == 404
    # the representative sees no decision form
    page = as_rep_a.get(_url("proxy-check", proxy_pk=proxy.pk)).content.decode()
    assert 'value="decide"' not in page and 'value="revoke"' in page
    response = as_sg.post(
        _url("proxy-check", proxy_pk=proxy.pk), {"action": "decide", "decision": "accept"}
    )
    proxy.refresh_from_db()
    assert response.status_code == 302 and proxy.state == "accepted"
    html = as_rep_a.get(_url("delegation", pk=assembly.pk)).content.decode()
    assert "Proxy accepted" in html and "Instituto Titular 1" in html
    assert 'name="holder"' not in html  # one proxy given: no form until it is revoked


def test_a_representative_cannot_give_another_members_proxy(
    assembly, session_world, member_a, as_rep_a
):
    response = as_rep_a.post(
        _url("proxy-add", pk=assembly.pk),
        {"grantor": session_world.full[1].pk, "holder": session_world.full[0].pk},
    )
    assert response.status_code == 404 and not Proxy.objects.exists()


def test_it_refuses_a_second_proxy_to_the_same_holder_on_the_page(
    assembly, session_world, member_a, as_rep_a, officer
):
    holder = session_world.full[0]
    proxy_services.proxy_give(
        actor=officer, session=assembly, grantor=session_world.full[1], holder=holder
    )
    # the member already holding a proxy is no longer offered
    page = as_rep_a.get(_url("delegation", pk=assembly.pk)).content.decode()
    assert f'<option value="{holder.pk}"' not in page
    assert f'<option value="{session_world.full[2].pk}"' in page
    # and a forced request records nothing
    response = as_rep_a.post(
        _url("proxy-add", pk=assembly.pk), {"grantor": member_a.pk, "holder": holder.pk}
    )
    assert response.status_code == 200 and "error-summary" in response.content.decode()
    assert Proxy.objects.count() == 1


def test_a_suspended_member_is_told_why_it_cannot_give_a_proxy(assembly, member_a, rep_a, as_rep_a):
    VotingSuspension.objects.create(
        institution=member_a,
        valid_from=dt.date(2020, 1, 1),
        reason="Cuotas atrasadas",
        legal_basis="Estatuto",
    )
    html = as_rep_a.get(_url("delegation", pk=assembly.pk)).content.decode()
    assert "Right to vote suspended: Cuotas atrasadas" in html
    assert 'name="holder"' not in html


def test_the_secretariat_rejects_a_proxy_with_a_note(
    assembly, session_world, member_a, rep_a, as_sg, as_rep_a
):
    proxy = proxy_services.proxy_give(
        actor=rep_a, session=assembly, grantor=member_a, holder=session_world.full[0]
    )
    url = _url("proxy-check", proxy_pk=proxy.pk)
    response = as_sg.post(url, {"action": "decide", "decision": "reject", "note": ""})
    assert response.status_code == 200 and "the member sees this note" in response.content.decode()
    as_sg.post(url, {"action": "decide", "decision": "reject", "note": "Sin carta de poder"})
    html = as_rep_a.get(_url("delegation", pk=assembly.pk)).content.decode()
    assert "Proxy rejected" in html and "Sin carta de poder" in html
    assert 'name="holder"' in html  # a rejected proxy leaves the member free to give another


def test_a_representative_revokes_their_proxy(assembly, session_world, member_a, rep_a, as_rep_a):
    proxy = proxy_services.proxy_give(
        actor=rep_a, session=assembly, grantor=member_a, holder=session_world.full[0]
    )
    response = as_rep_a.post(
        _url("proxy-check", proxy_pk=proxy.pk), {"action": "revoke", "reason": "Asistiremos"}
    )
    proxy.refresh_from_db()
    assert response.status_code == 302 and proxy.state == "revoked"


def test_the_secretariat_records_a_proxy_from_the_list(assembly, session_world, as_sg):
    page = as_sg.get(_url("proxy-add", pk=assembly.pk)).content.decode()
    assert 'name="grantor"' in page and 'name="holder"' in page
    response = as_sg.post(
        _url("proxy-add", pk=assembly.pk),
        {"grantor": session_world.full[0].pk, "holder": session_world.full[1].pk},
    )
    proxy = Proxy.objects.get()
    assert response["Location"] == _url("proxy-check", proxy_pk=proxy.pk)


def test_the_proxy_page_says_proxies_are_not_allowed_in_the_committee(committee, as_sg):
    html = as_sg.get(_url("proxy-add", pk=committee.pk)).content.decode()
    assert "Proxies are not allowed in this body" in html and 'name="holder"' not in html


@pytest.mark.parametrize("n", [3, 30])
def test_it_shows_a_delegation_in_a_fixed_number_of_queries(
    assembly, member_a, rep_a, as_rep_a, django_assert_max_num_queries, n
):
    for i in range(n):
        _delegate(rep_a, assembly, member_a, f"Persona {i}")
    url = _url("delegation", pk=assembly.pk)
    as_rep_a.get(url)
    # session, user, groups, permissions (2: the staff check), session (+body), represented
    # institutions, memberships, suspensions, seats, participants, proxies, rule, holders at
    # their limit, holders for the form
    with django_assert_max_num_queries(15):
        assert as_rep_a.get(url).status_code == 200


@pytest.mark.parametrize("n", [1, 12])
def test_it_shows_a_participants_credentials_in_a_fixed_number_of_queries(
    assembly, session_world, officer, as_sg, django_assert_max_num_queries, n
):
    # given: a participant whose credentials were decided n times, and another to check
    person = _delegate(officer, assembly, session_world.full[0], "Persona", "head")
    _delegate(officer, assembly, session_world.full[1], "Otra", "head")
    for i in range(n):
        services.credentials_decide(
            actor=officer, participant=person, accept=i % 2 == 0, note=f"Decisión {i}"
        )
    url = _url("credentials-check", participant_pk=person.pk)
    as_sg.get(url)
    # when / then: session, user, groups, the participant (+ session, body, institution, seat,
    # checker, registrar, account), the next one to check, the history
    with django_assert_max_num_queries(6):
        assert as_sg.get(url).status_code == 200


@pytest.mark.parametrize("decided", [False, True])
def test_it_shows_a_proxy_in_a_fixed_number_of_queries(
    assembly, session_world, officer, as_sg, django_assert_max_num_queries, decided
):
    # given: a proxy to check, or one accepted then revoked (three entries in its history)
    grantor, holder = session_world.full[0], session_world.full[1]
    proxy = proxy_services.proxy_give(
        actor=officer, session=assembly, grantor=grantor, holder=holder
    )
    if decided:
        proxy_services.proxy_decide(actor=officer, proxy=proxy, accept=True)
        proxy_services.proxy_revoke(actor=officer, proxy=proxy, reason="Viajan al final")
    url = _url("proxy-check", proxy_pk=proxy.pk)
    as_sg.get(url)
    # when / then: session, user, the proxy (+ session, body, grantor, holder, checker,
    # registrar), groups, the history
    with django_assert_max_num_queries(5):
        assert as_sg.get(url).status_code == 200
