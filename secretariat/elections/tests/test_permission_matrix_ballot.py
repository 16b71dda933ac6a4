"""Every route of the ballot × every role: the expected HTTP status (core/testing.py rows).

The world (`ballot_world`): a General Assembly in session electing the Secretary General,
a contest with a round closed and the next one open. The ballot page and its actions are the
Secretariat's (`elections.manage_ballots`); a contest's page is public once its session is
convened. POST-only actions refuse the wrong roles and change nothing.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from secretariat.core.testing import (
    POST_ONLY,
    PUBLIC,
    STAFF_WRITE,
    L,
    log_in,
    status_failures,
)
from secretariat.elections.models import Contest, Round
from secretariat.elections.services import ballots as services
from secretariat.elections.tests.ballot_world import (  # noqa: F401
    ballot_fixture,
    cast,
    live_fixture,
    session_world,
    start,
    today,
)

NOT_FOUND = (L, 404, 404, 404, 404, 404, 404)

MATRIX: dict[str, tuple] = {
    "elections:ballot": STAFF_WRITE,
    "elections:contest-detail": PUBLIC,
    "elections:contest-start": POST_ONLY,
    "elections:contest-acclaim": POST_ONLY,
    "elections:round-open": POST_ONLY,
    "elections:round-close": POST_ONLY,
    "elections:round-draw": POST_ONLY,
    # a delegate's ballot in a non-presential round: only its accredited delegates (none of
    # these roles; the round here is in the hall), tested in views/test_round_ballot.py
    "elections:round-ballot": NOT_FOUND,
}


@pytest.fixture
def world(ballot, rep_a, rep_b, officer, finance_officer, comptroller, secretary_general):
    a, b, c = (ballot.key(n) for n in ballot.nominations)
    contest = start(ballot)
    first = services.round_open(actor=officer, contest=contest)
    cast(ballot, first, [a, a, b, b, c, "abstain"])
    services.round_close(actor=officer, rnd=first)
    second = services.round_open(actor=officer, contest=contest)
    kwargs = {
        "elections:ballot": {"pk": ballot.call.pk},
        "elections:contest-detail": {"pk": contest.pk},
        "elections:contest-start": {"pk": ballot.call_office.pk},
        "elections:contest-acclaim": {"pk": contest.pk},
        "elections:round-open": {"pk": contest.pk},
        "elections:round-close": {"pk": second.pk},
        "elections:round-draw": {"pk": first.pk},
        "elections:round-ballot": {"pk": second.pk},
    }
    users = {
        "anonymous": None,
        "rep_a": rep_a,
        "rep_b": rep_b,
        "officer": officer,
        "finance": finance_officer,
        "comptroller": comptroller,
        "sg": secretary_general,
    }
    return {"kwargs": kwargs, "users": users}


def _url(name: str, world) -> str:
    return reverse(name, kwargs=world["kwargs"].get(name))


def test_it_gives_each_role_the_expected_status(world):
    failures = status_failures(MATRIX, world["users"], lambda name: _url(name, world))
    assert failures == [], "\n" + "\n".join(failures)


def test_it_refuses_post_actions_to_the_wrong_roles(world):
    before = (
        list(Contest.objects.values_list("state", "pk")),
        list(Round.objects.values_list("outcome", "rules")),
    )
    for role in ("rep_a", "rep_b", "finance", "comptroller"):
        client = Client()
        log_in(client, world["users"][role])
        for name, row in MATRIX.items():
            if row is not POST_ONLY:
                continue
            response = client.post(
                _url(name, world), {"reason": "test", "place": "1", "keys": ["n1"]}
            )
            assert response.status_code in (403, 404), (role, name, response.status_code)
    after = (
        list(Contest.objects.values_list("state", "pk")),
        list(Round.objects.values_list("outcome", "rules")),
    )
    assert after == before
