"""Motions and amendments through the services (services/motions.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from secretariat.core.models import ActionLog
from secretariat.governance.models import (
    DecisionKind,
    Motion,
    Vote,
)
from secretariat.governance.selectors.motions import word_diff
from secretariat.governance.services import console as console_services
from secretariat.governance.services import motions as motion_services
from secretariat.governance.services import votes as vote_services
from secretariat.governance.tests.live_world import (
    live_fixture,  # noqa: F401  (the `live` fixture)
    make_session,
    mark_present,
)

pytestmark = pytest.mark.django_db


def _motion(officer, live, **extra):
    data = {
        "actor": officer,
        "session": live.session,
        "agenda_item": live.items[1],
        "title_es": "Programa de actividades",
        "text_es": "La Asamblea aprueba el programa de actividades para 2025-2027.",
        "proposer": "Secretaría General",
        **extra,
    }
    return motion_services.motion_add(**data)


def test_it_numbers_motions_in_the_session_and_logs_them(live, officer):
    # when
    first = _motion(officer, live, title_en="Programme of activities")
    second = _motion(officer, live, decision_kind=DecisionKind.STATUTE)
    # then
    assert (first.number, second.number) == (1, 2)
    assert first.title_en == "Programme of activities"
    assert second.decision_kind == DecisionKind.STATUTE
    assert ActionLog.objects.filter(event="motion.added").count() == 2


def test_it_refuses_a_motion_without_spanish_text_or_on_another_sessions_item(
    live, officer, session_world
):
    other = make_session(session_world, number=32)
    from secretariat.governance.models import AgendaItem

    foreign = AgendaItem.objects.create(session=other, position=1, title_es="Otro")
    with pytest.raises(ValidationError) as exc:
        _motion(officer, live, agenda_item=foreign)
    assert "agenda_item" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _motion(officer, live, text_es="  ")
    assert "text_es" in exc.value.message_dict
    assert not Motion.objects.exists()


def test_an_amendment_follows_its_motion_and_is_shown_as_a_word_diff(live, officer):
    # given
    motion = _motion(officer, live)
    # when
    amendment = motion_services.amendment_add(
        actor=officer,
        motion=motion,
        title_es="Enmienda de Perú",
        text_es="La Asamblea aprueba el programa de actividades revisado para 2025-2027.",
        proposer="Instituto Asociado 1",
    )
    # then
    assert amendment.amends == motion
    assert amendment.agenda_item == motion.agenda_item
    assert amendment.decision_kind == motion.decision_kind
    assert amendment.number == 2
    parts = word_diff(motion.text_es, amendment.text_es)
    assert [(p.op, p.text) for p in parts if p.op != "equal"] == [("insert", "revisado ")]
    # and an amendment cannot itself be amended
    with pytest.raises(ValidationError, match="cannot itself be amended"):
        motion_services.amendment_add(
            actor=officer, motion=amendment, title_es="x", text_es="y", proposer="z"
        )


def test_a_motion_changes_only_while_proposed_and_says_why(live, officer):
    # given
    motion = _motion(officer, live)
    # when / then: a reason is required
    with pytest.raises(ValidationError) as exc:
        motion_services.motion_update(
            actor=officer, motion=motion, data={"title_es": "X"}, reason=""
        )
    assert "reason" in exc.value.message_dict
    updated = motion_services.motion_update(
        actor=officer,
        motion=motion,
        data={"title_es": "Programa revisado", "text_en": "The Assembly approves."},
        reason="Errata",
    )
    assert updated.title_es == "Programa revisado" and updated.text_en == "The Assembly approves."
    log = ActionLog.objects.get(event="motion.updated")
    assert log.old_values == {"title_es": "Programa de actividades", "text_en": None}
    # when it is put to the vote it can no longer change
    console_services.session_open(actor=officer, session=live.session)
    mark_present(officer, live, live.full[:4])
    vote_services.vote_open(actor=officer, motion=updated, method=Vote.Method.SECRET)
    with pytest.raises(ValidationError, match="not yet put to the vote"):
        motion_services.motion_update(
            actor=officer, motion=updated, data={"title_es": "Y"}, reason="late"
        )


def test_withdrawing_a_motion_withdraws_its_pending_amendments(live, officer):
    # given
    motion = _motion(officer, live)
    amendment = motion_services.amendment_add(
        actor=officer, motion=motion, title_es="E", text_es="Otro texto.", proposer="P"
    )
    # when
    motion_services.motion_withdraw(
        actor=officer, motion=motion, reason="Retirada por el proponente"
    )
    # then
    assert Motion.objects.get(pk=motion.pk).state == Motion.State.WITHDRAWN
    assert Motion.objects.get(pk=amendment.pk).state == Motion.State.WITHDRAWN
    assert ActionLog.objects.filter(event="motion.withdrawn").count() == 2
