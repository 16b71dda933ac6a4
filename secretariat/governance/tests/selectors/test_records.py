"""The record of a session, for its minutes, read in a fixed number of queries
(selectors/records.py)."""

from __future__ import annotations

import pytest

from secretariat.governance.models import (
    Motion,
    Participant,
)
from secretariat.governance.tests.minutes_world import (
    attend,
    circulated_fixture,  # noqa: F401  (the `circulated` fixture)
    closed_vote,
    world_fixture,  # noqa: F401  (the `world` fixture)
)

pytestmark = pytest.mark.django_db


def test_the_draft_reads_the_record_in_constant_queries(world, django_assert_max_num_queries):
    # given: many more participants and motions than the fixture
    for i in range(20):
        attend(world.session, None, f"Observador {i}", Participant.Role.OBSERVER)
        motion = Motion.objects.create(
            session=world.session,
            number=10 + i,
            proposer="x",
            title_es=f"Moción {i}",
            text_es="Texto",
            state=Motion.State.NOT_CARRIED,
        )
        closed_vote(motion, yes=0, no=3)
    from secretariat.governance.selectors.records import session_record

    # queries: session, participants, memberships, suspensions, seats, proxies, quorum rule
    # (2: setting and its history), resolutions, motions, votes, agenda items
    with django_assert_max_num_queries(13):
        record = session_record(world.session)
    assert len(record.loose_motions) == 20 and len(record.others) == 20
