"""Errata through the services: only for signed minutes, approved by the same body
(services/errata.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from secretariat.governance.models import (
    Erratum,
)
from secretariat.governance.services import errata as errata_services
from secretariat.governance.services import minutes as services
from secretariat.governance.tests.minutes_world import (
    after_comments,
    circulated_fixture,  # noqa: F401  (the `circulated` fixture)
    world_fixture,  # noqa: F401  (the `world` fixture)
)

pytestmark = pytest.mark.django_db


def test_errata_only_for_signed_minutes_and_decided_by_the_same_body(
    world, circulated, monkeypatch
):
    with pytest.raises(ValidationError) as exc:
        errata_services.erratum_propose(actor=world.secretariat, minutes=circulated, text="x")
    assert "An erratum corrects signed minutes" in exc.value.messages[0]
    after_comments(monkeypatch)
    services.minutes_approve(
        actor=world.secretariat,
        minutes=circulated,
        approved_at_session=world.next,
        approval_decision="Aprobada",
    )
    with pytest.raises(ValidationError):
        services.minutes_sign(
            actor=world.secretariat, minutes=circulated, chair_signatory="", secretary_signatory=""
        )
    signed = services.minutes_sign(
        actor=world.secretariat,
        minutes=circulated,
        chair_signatory="Presidencia",
        secretary_signatory="Secretaría",
    )
    with pytest.raises(ValidationError) as exc:
        services.minutes_update(actor=world.secretariat, minutes=signed, text_es="x", reason="y")
    assert exc.value.messages == ["Signed minutes cannot change; propose an erratum."]
    first = errata_services.erratum_propose(actor=world.secretariat, minutes=signed, text="Uno")
    second = errata_services.erratum_propose(actor=world.secretariat, minutes=signed, text="Dos")
    assert (first.number, second.number) == (1, 2)
    with pytest.raises(ValidationError) as exc:
        errata_services.erratum_approve(
            actor=world.secretariat,
            erratum=first,
            approved_at_session=world.other_body,
            approval_decision="x",
        )
    assert "another body" in exc.value.message_dict["approved_at_session"][0]
    approved = errata_services.erratum_approve(
        actor=world.secretariat,
        erratum=first,
        approved_at_session=world.next,
        approval_decision="Aprobada",
    )
    assert approved.state == Erratum.State.APPROVED
    with pytest.raises(ValidationError):
        errata_services.erratum_approve(
            actor=world.secretariat,
            erratum=first,
            approved_at_session=world.next,
            approval_decision="Otra vez",
        )
