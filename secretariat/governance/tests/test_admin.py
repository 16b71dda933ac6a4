"""The admin shows the bodies and the preparation of sessions read-only: writes go through
the services."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from secretariat.core.testing import log_in

MODELS = [
    "body",
    "office",
    "mandate",
    "seat",
    "session",
    "agendaitem",
    "document",
    "documentfile",
    "participant",
    "proxy",
    "dispatch",
    "ballotreceipt",
]


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS)
def test_it_lists_but_does_not_add(client, django_user_model, session_world, model):
    # given: even a superuser
    root = django_user_model.objects.create_superuser(email="root@example.org", password="x")
    Authenticator.objects.create(user=root, type=Authenticator.Type.TOTP, data={"secret": "X"})
    log_in(client, root)
    # when
    listing = client.get(reverse(f"admin:governance_{model}_changelist"))
    adding = client.get(reverse(f"admin:governance_{model}_add"))
    # then
    assert listing.status_code == 200
    assert adding.status_code == 403


@pytest.mark.django_db
def test_the_comptroller_lists_who_cast_each_ballot_and_never_a_choice(
    client, comptroller, secretary_general, session_world
):
    """Decision 0012: the receipts are the ballots' audit trail, listed for staff."""
    from secretariat.governance.services import votes
    from secretariat.governance.tests.services.test_votes import delegate, motion, open_session

    # given: two ballots of a secret vote
    session = open_session(session_world.assembly)
    users = [delegate(session, inst, i) for i, inst in enumerate(session_world.full[:5])]
    vote = votes.vote_open(actor=secretary_general, motion=motion(session), method="secret")
    for user, inst in zip(users[:2], session_world.full[:2], strict=True):
        votes.ballot_cast(user=user, vote=vote, unit_key=f"i{inst.pk}", choice="abstain")
    log_in(client, comptroller)
    # when
    html = client.get(reverse("admin:governance_ballotreceipt_changelist")).content.decode()
    # then: the members and who cast for them; no choice anywhere
    assert str(session_world.full[0]) in html and str(session_world.full[1]) in html
    assert "Delegate 0" in html and "Delegate 1" in html
    assert "abstain" not in html.lower()
