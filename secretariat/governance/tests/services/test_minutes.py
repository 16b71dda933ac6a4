"""The minutes through the services: drafted from the record of a closed session, approved
at a later session of the same body only, never regenerated once circulated
(services/minutes.py). The draft's words: test_minutes_draft.py."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from secretariat.core.models import ActionLog
from secretariat.governance.models import (
    Minutes,
    Motion,
    Resolution,
    ResolutionSeries,
    Session,
)
from secretariat.governance.services import minutes as services
from secretariat.governance.tests.minutes_world import (
    after_comments,
    circulated_fixture,  # noqa: F401  (the `circulated` fixture)
    closed_vote,
    make_session,
    minutes_of,
    world_fixture,  # noqa: F401  (the `world` fixture)
)

pytestmark = pytest.mark.django_db


def test_the_draft_says_what_the_record_says_in_each_language(world):
    # when
    minutes = services.minutes_draft(actor=world.secretariat, session=world.session)
    # then
    es = minutes.text_es
    assert es.startswith("ACTA\n30.ª SESIÓN DE ASAMBLEA GENERAL")
    assert "Presidencia: Zoé Robledo Aburto." in es
    assert "Secretaría: Álvaro Velarca Hernández." in es
    assert "- Instituto Alfa (IA) (México): Ana Alfa (jefe o jefa de delegación)." in es
    assert "Carlos Uno (jefe o jefa de delegación); Diana Uno (asesor/a)" in es
    assert "Instituto Asociado 1 (Perú): Fabio Asociado (jefe o jefa de delegación) (con voz" in es
    assert "Instituto Titular 3 (México) — representada por poder por Instituto Titular 1" in es
    assert "Gabriel Ausente" not in es
    # 7 full members (six + Instituto Alfa); present: Alfa, Titular 1, 2; represented: 3
    assert "Miembros con derecho a voto: 7. Presentes o representados durante la sesión: 4." in es
    assert "Quórum requerido: 4. Hubo quórum." in es
    assert "1. Programa de actividades" in es and "1.1. Presupuesto trienal" in es
    assert "2. Asuntos varios" in es
    assert "Moción 1: Aprobar el programa." in es
    assert "Votación a mano alzada: a favor 3, en contra 1, abstenciones 1" in es
    assert "Mayoría simple de los votos emitidos" in es
    assert "Enmienda 2 a la moción 1: Añadir un anexo." in es
    assert "La Presidencia resolvió que la moción queda aprobada; motivo: Error de cómputo" in es
    assert "Adoptada como Resolución CISS No. 59: Programa." in es
    en = minutes.text_en
    assert en.startswith("MINUTES\nSESSION 30 OF THE GENERAL ASSEMBLY")
    assert "- Instituto Alfa (IA) (Mexico): Ana Alfa (head of delegation)." in en
    assert "Motion 1: Approve the programme." in en
    assert "Vote by show of hands: yes 3, no 1, abstentions 1" in en
    assert "1. Programme" in en and "1.1. Presupuesto trienal" in en  # Spanish when untranslated
    assert not minutes.text_pt and minutes.state == Minutes.State.DRAFT
    assert ActionLog.objects.filter(event="minutes.drafted", target_id=str(minutes.pk)).exists()


def test_only_a_closed_session_gets_minutes(world):
    with pytest.raises(ValidationError) as exc:
        services.minutes_draft(actor=world.secretariat, session=world.next)
    assert exc.value.messages == ["The minutes are drafted once the session is closed."]
    with pytest.raises(PermissionDenied):
        services.minutes_draft(actor=world.seat_holder, session=world.session)


def test_the_approval_belongs_to_a_later_session_of_the_same_body(world, circulated, monkeypatch):
    # while the period for comments is open, no approval
    with pytest.raises(ValidationError) as exc:
        services.minutes_approve(
            actor=world.secretariat,
            minutes=circulated,
            approved_at_session=world.next,
            approval_decision="x",
        )
    assert "The period for comments is open until" in exc.value.messages[0]
    after_comments(monkeypatch)
    for session, message in [
        (world.other_body, "is a session of another body"),
        (world.earlier, "must be a later session of the same body"),
        (world.session, "must be a later session of the same body"),
    ]:
        with pytest.raises(ValidationError) as exc:
            services.minutes_approve(
                actor=world.secretariat,
                minutes=circulated,
                approved_at_session=session,
                approval_decision="Aprobada",
            )
        assert message in exc.value.message_dict["approved_at_session"][0]
    not_met = make_session(world.session.body, 32, days_ago=-30, state=Session.State.CONVENED)
    with pytest.raises(ValidationError) as exc:
        services.minutes_approve(
            actor=world.secretariat,
            minutes=circulated,
            approved_at_session=not_met,
            approval_decision="Aprobada",
        )
    assert "has not met" in exc.value.message_dict["approved_at_session"][0]
    assert minutes_of(world.session).state == Minutes.State.CIRCULATED


def test_an_approving_vote_must_be_of_that_session_and_carried(world, circulated, monkeypatch):
    after_comments(monkeypatch)
    elsewhere = Motion.objects.get(session=world.session, number=1).votes.get()
    lost = Motion.objects.create(
        session=world.next,
        number=1,
        proposer="Presidencia",
        title_es="Aprobar el acta",
        text_es="Se aprueba el acta.",
        state=Motion.State.NOT_CARRIED,
    )
    lost_vote = closed_vote(lost, yes=1, no=3)
    for vote in (elsewhere, lost_vote):
        with pytest.raises(ValidationError) as exc:
            services.minutes_approve(
                actor=world.secretariat,
                minutes=circulated,
                approved_at_session=world.next,
                approval_decision="Aprobada",
                approval_vote=vote,
            )
        assert "approval_vote" in exc.value.message_dict
    won = Motion.objects.create(
        session=world.next,
        number=2,
        proposer="Presidencia",
        title_es="Aprobar el acta",
        text_es="Se aprueba el acta.",
        state=Motion.State.CARRIED,
    )
    vote = closed_vote(won, yes=5, no=0)
    minutes = services.minutes_approve(
        actor=world.secretariat,
        minutes=circulated,
        approved_at_session=world.next,
        approval_decision="Aprobada por votación",
        approval_vote=vote,
    )
    assert minutes.approval_vote == vote and minutes.approval_decision == "Aprobada por votación"


def test_the_draft_cannot_be_regenerated_once_circulated(world, circulated):
    with pytest.raises(ValidationError) as exc:
        services.minutes_draft(actor=world.secretariat, session=world.session)
    assert "can no longer be regenerated" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        services.minutes_update(actor=world.secretariat, minutes=circulated, text_es="x")


def test_resolution_series_is_untouched_by_minutes(world):
    services.minutes_draft(actor=world.secretariat, session=world.session)
    assert ResolutionSeries.objects.get().next_number == 60
    assert Resolution.objects.count() == 1


def test_the_draft_gives_the_times_the_session_actually_opened_and_closed(world):
    # given: opened an hour and a quarter late, closed before the planned end
    session = world.session
    opened = session.starts_at + dt.timedelta(hours=1, minutes=15)
    closed = session.starts_at + dt.timedelta(hours=2, minutes=40)
    Session.objects.filter(pk=session.pk).update(opened_at=opened, closed_at=closed)
    # when
    minutes = services.minutes_draft(
        actor=world.secretariat, session=Session.objects.get(pk=session.pk)
    )
    # then
    tz = zoneinfo.ZoneInfo("America/Mexico_City")
    opened_text = opened.astimezone(tz).strftime("%H:%M")
    closed_text = closed.astimezone(tz).strftime("%H:%M")
    planned_end = session.ends_at.astimezone(tz).strftime("%H:%M")
    assert opened_text in minutes.text_en and closed_text in minutes.text_en
    assert planned_end not in minutes.text_en
