"""The ballot's pages: the Secretariat's ballot of a Call and its actions, and the public page
of a contest; each without permission, with it, and out of scope; query counts pinned."""

from __future__ import annotations

import pytest
from django.urls import reverse

from secretariat.conftest import client_for
from secretariat.core.models import ActionLog
from secretariat.elections.models import Contest, Round
from secretariat.elections.services import ballots as services
from secretariat.elections.tests.ballot_world import (  # noqa: F401
    ballot_fixture,
    cast,
    live_fixture,
    make_world,
    session_world,
    start,
    today,
)
from secretariat.governance.models import Session
from secretariat.governance.services import console as console_services
from secretariat.governance.tests.live_world import mark_present


def url(name: str, pk: int) -> str:
    return reverse(f"elections:{name}", kwargs={"pk": pk})


def two_rounds(ballot):
    a, b, c = (ballot.key(n) for n in ballot.nominations)
    contest = start(ballot)
    first = services.round_open(actor=ballot.officer, contest=contest)
    cast(ballot, first, [a, a, b, b, c, "abstain"])
    services.round_close(actor=ballot.officer, rnd=first)
    second = services.round_open(actor=ballot.officer, contest=contest)
    return contest, first, second


def test_it_runs_an_election_through_the_ballot_page(ballot):
    client = client_for(ballot.officer)
    # start
    response = client.post(
        url("contest-start", ballot.call_office.pk),
        {"place": "1", "session": str(ballot.live.session.pk)},
    )
    assert response.status_code == 302
    contest = Contest.objects.get()
    assert ActionLog.objects.filter(event="contest.started").exists()
    # open a round in the hall
    response = client.post(url("round-open", contest.pk), {})
    assert response.status_code == 302
    rnd = contest.rounds.get()
    page = client.get(url("ballot", ballot.call.pk))
    assert page.status_code == 200
    assert "0 of 6 ballots cast" in page.content.decode()
    a = ballot.key(ballot.nominations[0])
    cast(ballot, rnd, [a, a, a, a, "abstain", "abstain"])
    # close: elected
    response = client.post(url("round-close", rnd.pk))
    assert response.status_code == 302
    contest.refresh_from_db()
    assert contest.state == Contest.State.ELECTED
    detail = client_for(None).get(url("contest-detail", contest.pk)).content.decode()
    assert "Ana Candidata" in detail and "Blank ballots" in detail


def test_it_shows_the_refusal_of_an_action(ballot):
    client = client_for(ballot.officer)
    contest = start(ballot)
    response = client.post(url("contest-acclaim", contest.pk), {"reason": "x"}, follow=True)
    assert "exactly one" in response.content.decode()
    assert not contest.rounds.exists()


def test_the_ballot_page_is_the_secretariats(ballot, rep_a, finance_officer):
    assert client_for(rep_a).get(url("ballot", ballot.call.pk)).status_code == 403
    assert client_for(finance_officer).get(url("ballot", ballot.call.pk)).status_code == 403
    assert client_for(ballot.officer).get(url("ballot", 9999)).status_code == 404


def test_the_contest_page_is_public_once_the_session_is_convened(ballot, rep_a):
    contest, _first, _second = two_rounds(ballot)
    assert client_for(None).get(url("contest-detail", contest.pk)).status_code == 200
    Session.objects.filter(pk=ballot.live.session.pk).update(state=Session.State.DRAFT)
    assert client_for(rep_a).get(url("contest-detail", contest.pk)).status_code == 404
    assert client_for(ballot.officer).get(url("contest-detail", contest.pk)).status_code == 200


def test_the_contest_page_shows_counts_only_after_each_round_closes(ballot):
    contest, first, second = two_rounds(ballot)
    html = client_for(None).get(url("contest-detail", contest.pk)).content.decode()
    assert "Goes on to the next round" in html  # round 1 counted
    assert "0 of 6 ballots cast" in html  # round 2 open: only how many voted


@pytest.mark.parametrize("extra_rounds", [1, 2])
def test_the_pages_read_a_fixed_number_of_queries(ballot, django_assert_num_queries, extra_rounds):
    a, b, c = (ballot.key(n) for n in ballot.nominations)
    contest = start(ballot)
    for _ in range(extra_rounds):
        rnd = services.round_open(actor=ballot.officer, contest=contest)
        cast(ballot, rnd, [a, a, b, b, c, c])
        services.round_close(actor=ballot.officer, rnd=rnd)
    anonymous = client_for(None)
    # contest (+ office, session), rounds (+ vote), tallies, candidates (+ nomination),
    # their latest versions
    with django_assert_num_queries(5):
        assert anonymous.get(url("contest-detail", contest.pk)).status_code == 200
    officer = client_for(ballot.officer)
    officer.get(url("ballot", ballot.call.pk))  # warm the session and the user
    with django_assert_num_queries(BALLOT_PAGE_QUERIES) as ctx:
        assert officer.get(url("ballot", ballot.call.pk)).status_code == 200
    assert ctx is not None
    assert Round.objects.filter(contest=contest).count() == extra_rounds


# session, user, MFA (3); the Call, its offices, contests (+ rounds, votes, tallies,
# candidates, versions, elected's versions: 6), the sessions, the signed report; the eligible
# candidates: the office's nominations, their requirements, latest versions and findings
# (`selectors.eligibility.eligibilities`: the same whatever the number of nominations), the
# elected of the office and the candidates' versions.
BALLOT_PAGE_QUERIES = 19


def test_a_delegate_casts_a_round_on_governances_ballot_page_with_radio_buttons(ballot):
    # given a round open in the hall
    contest = start(ballot)
    rnd = services.round_open(actor=ballot.officer, contest=contest)
    inst = ballot.live.full[0]
    delegate = client_for(ballot.live.users[inst.pk])
    page_url = reverse("governance:ballot", kwargs={"vote_pk": rnd.vote_id})
    # when the delegate opens the ballot
    html = delegate.get(page_url).content.decode()
    # then one radio button per eligible candidate and a blank ballot, each labelled
    a = ballot.key(ballot.nominations[0])
    assert f'type="radio" name="choice" value="{a}"' in html
    assert "Ana Candidata" in html and "Blank ballot" in html
    assert "Diego Inelegible" not in html
    # when they cast for a candidate
    response = delegate.post(page_url, {"unit": f"i{inst.pk}", "choice": a})
    assert response.status_code == 302
    # a choice not on this ballot is refused with its reason
    other = ballot.live.full[1]
    refused = client_for(ballot.live.users[other.pk]).post(
        page_url, {"unit": f"i{other.pk}", "choice": "yes"}
    )
    assert refused.status_code == 400 and "answers" in refused.content.decode()
    # once closed, the vote's page shows each candidate's votes
    services.round_close(actor=ballot.officer, rnd=rnd)
    detail = client_for(ballot.officer).get(
        reverse("governance:vote-detail", kwargs={"vote_pk": rnd.vote_id})
    )
    text = detail.content.decode()
    assert "Ana Candidata" in text and "Blank ballots" in text


@pytest.mark.parametrize("candidates", [3, 7])
def test_the_ballot_page_reads_the_same_queries_whatever_the_nominations(
    live, officer, django_assert_num_queries, candidates
):
    # given an office with 3 or 7 eligible candidates (and one not eligible), a round open
    console_services.session_open(actor=officer, session=live.session)
    mark_present(officer, live, live.full)
    world = make_world(live, officer, candidates=candidates)
    services.round_open(actor=officer, contest=start(world))
    client = client_for(officer)
    client.get(url("ballot", world.call.pk))  # warm the session and the user
    # then the page reads a fixed number of queries: the eligibility of the office's
    # nominations is counted for the whole list (`selectors.eligibility.eligibilities`)
    with django_assert_num_queries(BALLOT_PAGE_QUERIES):
        page = client.get(url("ballot", world.call.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Carla Candidata" in html and "Diego Inelegible" not in html


def test_the_batched_eligibility_concludes_as_the_rule_does(ballot):
    # given eligible candidates, one with a finding not met, one withdrawn, one whose finding
    # on a new version is not yet confirmed
    from secretariat.elections.models import Finding, Nomination, NominationVersion
    from secretariat.elections.selectors.eligibility import (
        eligibilities,
        eligibility,
        eligible_nominations,
    )

    first, second, third = ballot.nominations
    Nomination.objects.filter(pk=second.pk).update(state=Nomination.State.WITHDRAWN)
    version = NominationVersion.objects.create(
        nomination=first,
        number=2,
        candidate_name="Ana Candidata",
        candidate_nationality=first.versions.get().candidate_nationality,
        created_at=first.received_at,
    )
    Finding.objects.create(
        version=version, requirement=ballot.requirement, result=Finding.Result.MET
    )
    nominations = list(Nomination.objects.filter(call_office=ballot.call_office))
    batched = eligibilities(nominations)
    for n in nominations:
        one = eligibility(n)
        got = batched[n.pk]
        assert (got.version, got.met, got.not_met, got.pending, got.required, got.eligible) == (
            one.version,
            one.met,
            one.not_met,
            one.pending,
            one.required,
            one.eligible,
        )
    assert (
        [n.pk for n in eligible_nominations(ballot.call_office)]
        == [n.pk for n in nominations if eligibility(n).eligible]
        == [third.pk]
    )
