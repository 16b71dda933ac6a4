"""A delegate's ballot in a non-presential round (`elections:round-ballot`): cast within the
window, refused before and after it and a second time, 404 to anyone who is not one of its
accredited delegates (staff included), the link on the contest's page; queries pinned."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from secretariat.conftest import client_for
from secretariat.elections.models import Round
from secretariat.elections.services import ballots as services
from secretariat.elections.tests.ballot_world import (  # noqa: F401
    BallotWorld,
    ballot_fixture,
    live_fixture,
    make_world,
    session_world,
    start,
    today,
)
from secretariat.governance.models import BallotReceipt, SecretTally


def url(name: str, pk: int) -> str:
    return reverse(f"elections:{name}", kwargs={"pk": pk})


@pytest.fixture
def remote(live, officer) -> tuple[BallotWorld, Round]:  # type: ignore[no-untyped-def]
    """A convened session, nobody present, a remote round open for an hour."""
    world = make_world(live, officer)
    contest = start(world)
    end = timezone.now() + dt.timedelta(hours=1)
    rnd = services.round_open(actor=officer, contest=contest, remote=True, window_end=end)
    return world, rnd


def delegate(world: BallotWorld, i: int = 0):  # type: ignore[no-untyped-def]
    inst = world.live.full[i]
    return inst, client_for(world.live.users[inst.pk])


def tally(rnd: Round, key: str) -> int:
    return SecretTally.objects.get(vote_id=rnd.vote_id, choice=key).count


def test_a_delegate_not_present_casts_within_the_window(remote):
    world, rnd = remote
    inst, client = delegate(world)
    a = world.key(world.nominations[0])
    # the page: candidates as radio buttons, a blank ballot, the window, the member
    html = client.get(url("round-ballot", rnd.pk)).content.decode()
    assert f'type="radio" name="choice" value="{a}"' in html
    assert "Ana Candidata" in html and "Blank ballot" in html
    assert "Diego Inelegible" not in html
    assert "<fieldset>" in html and "<legend>" in html
    assert str(inst) in html and "Voting closes" in html
    # cast
    response = client.post(url("round-ballot", rnd.pk), {"unit": f"i{inst.pk}", "choice": a})
    assert response.status_code == 302
    assert BallotReceipt.objects.filter(vote_id=rnd.vote_id, institution=inst).exists()
    assert tally(rnd, a) == 1
    # the confirmation, never the choice
    page = client.get(url("round-ballot", rnd.pk)).content.decode()
    assert "ballot was received" in page
    assert 'type="radio"' not in page and "checked" not in page


def test_a_second_ballot_is_refused(remote):
    world, rnd = remote
    inst, client = delegate(world)
    a, b = (world.key(n) for n in world.nominations[:2])
    client.post(url("round-ballot", rnd.pk), {"unit": f"i{inst.pk}", "choice": a})
    again = client.post(url("round-ballot", rnd.pk), {"unit": f"i{inst.pk}", "choice": b})
    assert again.status_code == 400
    assert "already received" in again.content.decode()
    assert tally(rnd, a) == 1 and tally(rnd, b) == 0
    assert BallotReceipt.objects.filter(vote_id=rnd.vote_id).count() == 1


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_ballot_outside_the_window_is_refused_with_its_times(remote, monkeypatch, when):
    world, rnd = remote
    inst, client = delegate(world)
    a = world.key(world.nominations[0])
    moment = (
        rnd.window_start - dt.timedelta(minutes=1)
        if when == "before"
        else rnd.window_end + dt.timedelta(seconds=1)
    )
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
    page = client.get(url("round-ballot", rnd.pk)).content.decode()
    assert 'type="radio"' not in page and "only between the times above" in page
    response = client.post(url("round-ballot", rnd.pk), {"unit": f"i{inst.pk}", "choice": a})
    assert response.status_code == 400
    assert "open from" in response.content.decode()
    assert not BallotReceipt.objects.filter(vote_id=rnd.vote_id).exists()
    assert tally(rnd, a) == 0


def test_only_its_accredited_delegates_reach_it(remote, rep_a, officer, secretary_general):
    world, rnd = remote
    a = world.key(world.nominations[0])
    target = url("round-ballot", rnd.pk)
    anonymous = client_for(None).get(target)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    for user in (rep_a, officer, secretary_general):
        client = client_for(user)
        assert client.get(target).status_code == 404
        inst = world.live.full[0]
        assert client.post(target, {"unit": f"i{inst.pk}", "choice": a}).status_code == 404
    assert not BallotReceipt.objects.filter(vote_id=rnd.vote_id).exists()
    # a delegate whose credentials are not accepted is not one of them
    inst, client = delegate(world, 1)
    world.live.session.participants.filter(institution=inst).update(credentials="pending")
    assert client.get(target).status_code == 404


def test_a_round_in_the_hall_has_no_such_page(ballot):
    contest = start(ballot)
    rnd = services.round_open(actor=ballot.officer, contest=contest)
    _inst, client = delegate(ballot)
    assert client.get(url("round-ballot", rnd.pk)).status_code == 404


def test_the_contest_page_links_its_delegates_to_the_open_remote_round(remote, officer, rep_a):
    world, rnd = remote
    _inst, client = delegate(world)
    link = "Cast your ballot (non-presential)"
    target = url("contest-detail", rnd.contest_id)
    assert link in client.get(target).content.decode()
    for user in (None, officer, rep_a):
        assert link not in client_for(user).get(target).content.decode()
    # once the round is counted (closing waits for the window's end), no link
    Round.objects.filter(pk=rnd.pk).update(outcome=Round.Outcome.NEXT_ROUND)
    assert link not in client.get(target).content.decode()


@pytest.mark.parametrize("candidates", [3, 6])
def test_the_page_reads_a_fixed_number_of_queries(
    live, officer, django_assert_num_queries, candidates
):
    world = make_world(live, officer, candidates=candidates)
    contest = start(world)
    end = timezone.now() + dt.timedelta(hours=1)
    rnd = services.round_open(actor=officer, contest=contest, remote=True, window_end=end)
    _inst, client = delegate(world)
    client.get(url("round-ballot", rnd.pk))  # warm the session and the user
    # session, user, MFA (3); the round (+ contest, office, session, body, vote), its
    # candidates (+ nominations), their versions (3); governance's remote roll (composition,
    # participants, proxies, the quorum rule...) and the receipts: 12 whatever the number
    # of candidates
    with django_assert_num_queries(REMOTE_PAGE_QUERIES):
        assert client.get(url("round-ballot", rnd.pk)).status_code == 200


REMOTE_PAGE_QUERIES = 12
