"""The delegate's live view and the secret ballot, through the views, from several delegates'
browsers (clients)."""

from __future__ import annotations

import datetime as dt

import pytest

from secretariat.conftest import client_for, make_user
from secretariat.core.testing import log_in
from secretariat.governance.models import BallotReceipt, Proxy, SecretTally, Vote
from secretariat.governance.services import console as console_services
from secretariat.governance.services import motions as motion_services
from secretariat.governance.services import votes as vote_services
from secretariat.governance.tests.live_world import (
    fresh,
    live_fixture,  # noqa: F401  (the `live` fixture)
    mark_present,
    url,
)
from secretariat.members.models import VotingSuspension

pytestmark = pytest.mark.django_db


@pytest.fixture
def ballot(live, officer) -> Vote:
    """An open session, five full members and one associate present, a secret ballot open."""
    console_services.session_open(actor=officer, session=live.session)
    mark_present(officer, live, live.full[:5] + live.associate[:1])
    motion = motion_services.motion_add(
        actor=officer,
        session=fresh(live.session),
        agenda_item=live.items[1],
        title_es="Programa de actividades",
        text_es="La Asamblea aprueba el programa.",
        title_en="Programme of activities",
        text_en="The Assembly approves the programme.",
        proposer="Secretaría General",
    )
    return vote_services.vote_open(actor=officer, motion=motion, method=Vote.Method.SECRET)


def test_the_live_view_is_for_those_who_sit_in_the_session(live):
    outsider = make_user("outsider@example.org")
    assert client_for(outsider).get(url("my-session", pk=live.session.pk)).status_code == 404
    delegate = live.users[live.full[0].pk]
    response = client_for(delegate).get(url("my-session", pk=live.session.pk))
    assert response.status_code == 200
    assert "No vote yet" in response.content.decode()


def test_a_delegate_sees_the_ballot_buttons_when_a_secret_ballot_opens(live, ballot):
    client = client_for(live.users[live.full[0].pk])
    html = client.get(url("my-session", pk=live.session.pk)).content.decode()
    assert "Programme of activities" in html
    assert f'action="{url("ballot", vote_pk=ballot.pk)}"' in html
    assert 'name="choice" value="yes"' in html and 'value="abstain"' in html
    assert "Quorum met" in html


def test_an_associate_members_delegate_is_told_why_they_cannot_vote(live, ballot):
    """domain.md [C]: only full members vote; the others have a voice."""
    client = client_for(live.users[live.associate[0].pk])
    page = url("my-session", pk=live.session.pk)
    assert page.startswith("/en/")
    # the same page first in Spanish: what is cached for it must not leak into English
    spanish = client.get(page.replace("/en/", "/es/", 1)).content.decode()
    assert "Miembro asociado" in spanish
    html = client.get(page).content.decode()
    assert "You cannot vote:" in html
    assert "Associate member: voice, no vote" in html
    assert 'name="choice"' not in html
    # and the ballot view refuses it with the same reason
    response = client.post(
        url("ballot", vote_pk=ballot.pk), {"unit": f"i{live.associate[0].pk}", "choice": "yes"}
    )
    assert response.status_code == 400
    assert "Associate member: voice, no vote" in response.content.decode()
    assert not BallotReceipt.objects.exists()


def test_a_suspended_or_absent_members_delegate_cannot_vote(live, ballot):
    # given: full[5] is not present
    client = client_for(live.users[live.full[5].pk])
    html = client.get(url("my-session", pk=live.session.pk)).content.decode()
    assert "You are not marked present" in html
    # given: full[4]'s right to vote is suspended during the session
    VotingSuspension.objects.create(
        institution=live.full[4],
        valid_from=dt.date(2024, 1, 1),
        reason="Cuotas impagas",
        legal_basis="Estatuto",
    )
    client = client_for(live.users[live.full[4].pk])
    html = client.get(url("my-session", pk=live.session.pk)).content.decode()
    assert "Right to vote suspended: Cuotas impagas" in html


def test_a_secret_ballot_cast_by_several_delegates_counts_each_once(live, ballot, officer):
    # given: five delegates, each in their own browser
    clients = {inst.pk: client_for(live.users[inst.pk]) for inst in live.full[:5]}
    choices = ["yes", "yes", "no", "abstain", "yes"]
    # when: each casts their ballot
    for inst, choice in zip(live.full[:5], choices, strict=True):
        response = clients[inst.pk].post(
            url("ballot", vote_pk=ballot.pk), {"unit": f"i{inst.pk}", "choice": choice}
        )
        assert response.status_code == 302
        assert response["Location"] == url("my-session", pk=live.session.pk)
    # then: the first delegate sees that the ballot was recorded, never what was chosen
    page = clients[live.full[0].pk].get(url("my-session", pk=live.session.pk)).content.decode()
    assert "Your ballot was recorded." in page
    # when: the first delegate submits again (double tap, back button)
    again = clients[live.full[0].pk].post(
        url("ballot", vote_pk=ballot.pk), {"unit": f"i{live.full[0].pk}", "choice": "no"}
    )
    # then: refused, clearly
    assert again.status_code == 400
    assert "Instituto Titular 1 has already voted." in again.content.decode()
    assert BallotReceipt.objects.filter(vote=ballot).count() == 5
    # the counts are not shown while the vote is open
    detail = client_for(officer).get(url("vote-detail", vote_pk=ballot.pk)).content.decode()
    assert "5 of 5 have voted" in detail and "Carried" not in detail
    # when: the secretary closes the vote
    client_for(officer).post(url("vote-close", vote_pk=ballot.pk))
    # then
    vote = Vote.objects.get(pk=ballot.pk)
    assert (vote.yes, vote.no, vote.abstain) == (3, 1, 1)
    assert vote.carried is True
    assert sum(SecretTally.objects.filter(vote=vote).values_list("count", flat=True)) == 5
    detail = client_for(officer).get(url("vote-detail", vote_pk=ballot.pk)).content.decode()
    assert '<td class="num">3</td><td class="num">1</td><td class="num">1</td>' in detail
    page = clients[live.full[1].pk].get(url("my-session", pk=live.session.pk)).content.decode()
    assert "Carried" in page


def test_a_proxy_holder_casts_two_ballots(live, officer):
    # given: full[5] gave its proxy to full[0]; a secret ballot is open
    Proxy.objects.create(
        session=live.session, grantor=live.full[5], holder=live.full[0], state="accepted"
    )
    console_services.session_open(actor=officer, session=live.session)
    mark_present(officer, live, live.full[:3])  # with the proxy, 4 of 6: quorum
    motion = motion_services.motion_add(
        actor=officer,
        session=fresh(live.session),
        agenda_item=live.items[0],
        title_es="Orden del día",
        text_es="Se aprueba.",
        proposer="Presidencia",
    )
    vote = vote_services.vote_open(actor=officer, motion=motion, method=Vote.Method.SECRET)
    client = client_for(live.users[live.full[0].pk])
    # when
    page = client.get(url("ballot", vote_pk=vote.pk)).content.decode()
    # then: a ballot for its own member and one by proxy
    assert "Your vote for Instituto Titular 1" in page
    assert "By proxy, for Instituto Titular 6" in page
    client.post(url("ballot", vote_pk=vote.pk), {"unit": f"i{live.full[5].pk}", "choice": "no"})
    page = client.get(url("ballot", vote_pk=vote.pk)).content.decode()
    assert page.count("ballot-recorded") == 1  # one of its two ballots
    receipt = BallotReceipt.objects.get()
    assert receipt.by_proxy and receipt.institution == live.full[5]


def test_the_ballot_page_works_without_javascript_and_says_when_closed(live, ballot, officer):
    client = client_for(live.users[live.full[1].pk])
    page = client.get(url("ballot", vote_pk=ballot.pk)).content.decode()
    assert "csrfmiddlewaretoken" in page and 'value="yes"' in page
    vote_services.vote_close(actor=officer, vote=ballot)
    page = client.get(url("ballot", vote_pk=ballot.pk)).content.decode()
    assert "This vote is closed." in page
    response = client.post(
        url("ballot", vote_pk=ballot.pk), {"unit": f"i{live.full[1].pk}", "choice": "yes"}
    )
    assert response.status_code == 400 and "This vote is closed." in response.content.decode()


def test_the_ballot_needs_the_csrf_token(live, ballot):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    log_in(client, live.users[live.full[0].pk])
    response = client.post(
        url("ballot", vote_pk=ballot.pk), {"unit": f"i{live.full[0].pk}", "choice": "yes"}
    )
    assert response.status_code == 403
    assert not BallotReceipt.objects.exists()


def test_a_ballot_changes_the_casters_panel_and_the_console_not_the_others(live, ballot, officer):
    """Decision 0008: a ballot changes no one's page but the caster's; the console counts."""
    # given: three pages polling, each holding its ETag
    watcher = client_for(live.users[live.full[0].pk])
    caster = client_for(live.users[live.full[1].pk])
    console = client_for(officer)
    mine = url("my-session-state", pk=live.session.pk)
    staff = url("console-state", pk=live.session.pk)
    tags = {
        "watcher": watcher.get(mine)["ETag"],
        "caster": caster.get(mine)["ETag"],
        "console": console.get(staff)["ETag"],
    }
    assert watcher.get(mine, headers={"If-None-Match": tags["watcher"]}).status_code == 304
    # when: the second delegate votes
    cast = caster.post(
        url("ballot", vote_pk=ballot.pk), {"unit": f"i{live.full[1].pk}", "choice": "yes"}
    )
    assert cast.status_code == 302
    # then: the watcher's panel has not changed
    assert watcher.get(mine, headers={"If-None-Match": tags["watcher"]}).status_code == 304
    # the caster's panel says the ballot was recorded
    caster.get(url("my-session", pk=live.session.pk))  # the flash message is read here
    changed = caster.get(mine, headers={"If-None-Match": tags["caster"]})
    assert changed.status_code == 200
    assert "Your ballot was recorded." in changed.content.decode()
    # the console counts it
    changed = console.get(staff, headers={"If-None-Match": tags["console"]})
    assert changed.status_code == 200
    assert "1 of 5 have voted" in changed.content.decode()


def test_the_delegates_panel_queries_do_not_grow(live, ballot, django_assert_max_num_queries):
    from django.core.cache import caches

    from secretariat.governance.tests.live_world import add_participant

    client = client_for(live.users[live.full[0].pk])
    state_url = url("my-session-state", pk=live.session.pk)

    def counts() -> tuple[int, int]:
        out = []
        for clear in (True, False):  # the roll computed, then cached
            if clear:
                caches["local"].clear()
            with django_assert_max_num_queries(25) as ctx:
                assert client.get(state_url).status_code == 200
            out.append(len(ctx.captured_queries))
        return out[0], out[1]

    client.get(state_url)  # the first answer also saves the login session (permission noted)
    small = counts()
    for i in range(90):
        p = add_participant(live.session, live.full[i % 6], f"Extra {i}")
        p.present = True
        p.save(update_fields=["present"])
    assert counts() == small


def test_a_ballot_is_cast_in_twelve_queries(live, ballot, django_assert_num_queries):
    """Issue #10: 16 queries before the receipts were chained per vote (decision 0012)."""
    # given: a delegate whose login session is saved (a first request saves it)
    client = client_for(live.users[live.full[2].pk])
    client.get(url("ballot", vote_pk=ballot.pk))
    # when / then
    with django_assert_num_queries(12):
        # 1-3 the login session, the user, the user's roles (the staff-session check)
        # 4 the vote with its state, method, session and body (only those fields)
        # 5 the delegate's registrations in the session (they follow it; the voter)
        # 6 the member's membership, category and whether its vote is suspended
        # 7-12 BEGIN; the tally; the vote row locked with its chain's head; the receipt;
        #      the head moved; COMMIT
        response = client.post(
            url("ballot", vote_pk=ballot.pk), {"unit": f"i{live.full[2].pk}", "choice": "no"}
        )
    assert response.status_code == 302
    assert BallotReceipt.objects.get(vote=ballot).institution == live.full[2]


def test_a_ballot_posted_by_someone_outside_the_session_is_a_404(live, ballot, officer):
    # given: someone registered for nothing, and the Secretariat (follows, has no vote)
    outsider = client_for(make_user("outsider@example.org"))
    staff = client_for(officer)
    data = {"unit": f"i{live.full[0].pk}", "choice": "yes"}
    # when / then
    assert outsider.post(url("ballot", vote_pk=ballot.pk), data).status_code == 404
    response = staff.post(url("ballot", vote_pk=ballot.pk), data)
    assert response.status_code == 400
    assert "not registered as a delegate" in response.content.decode()
    assert not BallotReceipt.objects.exists()
