"""The minutes of a session, end to end through the pages: drafted from the record,
circulated for comments within a period, amended, approved at a later session of the same
body, signed and locked, corrected only by approved errata; PDF; who sees what."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from secretariat.conftest import client_for, make_user
from secretariat.core import roles
from secretariat.core.models import ActionLog, User
from secretariat.governance.models import (
    AgendaItem,
    AttendanceEvent,
    Dispatch,
    Erratum,
    Minutes,
    MinutesComment,
    Motion,
    Participant,
    Proxy,
    Resolution,
    ResolutionSeries,
    Session,
    Vote,
)
from secretariat.governance.services import minutes as services
from secretariat.governance.services import resolutions as resolution_services

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def _url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(f"governance:{name}", kwargs=kwargs or None)


def make_session(body, number: int, *, days_ago: int, state: str = "closed") -> Session:
    starts = NOW - dt.timedelta(days=days_ago)
    return Session.objects.create(
        body=body,
        kind=Session.Kind.ORDINARY,
        number=number,
        title_es=f"{number}.ª sesión de {body.name_es}",
        title_en=f"Session {number} of the {body.name_en}",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=4),
        state=state,
        languages=["es", "en"],
        place="Ciudad de México",
        chair="Zoé Robledo Aburto",
        secretary="Álvaro Velarca Hernández",
        time_zone="America/Mexico_City",
    )


def attend(session: Session, institution, name: str, role: str, **kw) -> Participant:
    participant = Participant.objects.create(
        session=session,
        institution=institution,
        full_name=name,
        role=role,
        credentials=Participant.Credentials.ACCEPTED,
        present=False,  # the session is closed: attendance comes from the events
        **kw,
    )
    AttendanceEvent.objects.create(
        session=session, participant=participant, present=True, at=session.starts_at
    )
    return participant


def closed_vote(motion: Motion, *, yes: int, no: int, abstain: int = 0, **kw) -> Vote:
    return Vote.objects.create(
        motion=motion,
        method=kw.pop("method", Vote.Method.SHOW_OF_HANDS),
        state=Vote.State.CLOSED,
        majority=kw.pop("majority", "simple"),
        entitled=7,
        present=4,
        yes=yes,
        no=no,
        abstain=abstain,
        carried_computed=yes > no,
        opened_at=motion.session.starts_at + dt.timedelta(hours=1),
        closed_at=motion.session.starts_at + dt.timedelta(hours=1, minutes=10),
        **kw,
    )


@dataclass
class World:
    session: Session  # the closed session whose minutes are written
    earlier: Session  # an earlier closed session of the same body
    next: Session  # the next session of the same body (open)
    other_body: Session  # a later closed session of another body
    secretariat: User
    seat_holder: User  # represents a member that sits in the Assembly, registered
    outsider: User


@pytest.fixture
def world(session_world, officer, rep_a, member_a) -> World:
    ga = session_world.assembly
    session = make_session(ga, 30, days_ago=40)
    earlier = make_session(ga, 29, days_ago=900)
    nxt = make_session(ga, 31, days_ago=1, state=Session.State.OPEN)
    other = make_session(session_world.committee, 85, days_ago=2)
    full = session_world.full
    attend(session, member_a, "Ana Alfa", Participant.Role.HEAD, user=rep_a, email="ana@alfa.org")
    attend(session, full[0], "Carlos Uno", Participant.Role.HEAD, email="carlos@uno.org")
    attend(session, full[0], "Diana Uno", Participant.Role.ADVISER)
    attend(session, full[1], "Elena Dos", Participant.Role.DELEGATE, email="ana@alfa.org")
    attend(session, session_world.associate[0], "Fabio Asociado", Participant.Role.HEAD)
    Proxy.objects.create(
        session=session, grantor=full[2], holder=full[0], state=Proxy.State.ACCEPTED
    )
    Participant.objects.create(  # registered, never came: not in the minutes
        session=session,
        institution=full[3],
        full_name="Gabriel Ausente",
        role=Participant.Role.HEAD,
        credentials=Participant.Credentials.ACCEPTED,
        email="gabriel@cuatro.org",
    )
    item = AgendaItem.objects.create(
        session=session, position=1, title_es="Programa de actividades", title_en="Programme"
    )
    AgendaItem.objects.create(session=session, position=2, title_es="Asuntos varios")
    AgendaItem.objects.create(
        session=session, parent=item, position=1, title_es="Presupuesto trienal"
    )
    motion = Motion.objects.create(
        session=session,
        agenda_item=item,
        number=1,
        proposer="Presidencia",
        title_es="Aprobar el programa",
        title_en="Approve the programme",
        text_es="La Asamblea aprueba el programa de actividades.",
        state=Motion.State.CARRIED,
    )
    closed_vote(motion, yes=3, no=1, abstain=1)
    amendment = Motion.objects.create(
        session=session,
        agenda_item=item,
        amends=motion,
        number=2,
        proposer="Instituto Titular 1",
        title_es="Añadir un anexo",
        text_es="Añádase un anexo.",
        state=Motion.State.CARRIED,
    )
    closed_vote(
        amendment,
        yes=2,
        no=2,
        override=True,
        override_reason="Error de cómputo reconocido",
    )
    resolution_services.resolution_series_set(
        actor=officer, next_number=59, basis="Prueba", reason="Prueba"
    )
    resolution_services.resolution_adopt(actor=officer, motion=motion, title_es="Programa")
    outsider = make_user("outsider@example.org", roles.REPRESENTATIVE)
    return World(session, earlier, nxt, other, officer, rep_a, outsider)


def minutes_of(session: Session) -> Minutes:
    return Minutes.objects.get(session=session)


# --- The draft ----------------------------------------------------------------------------


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


def test_only_a_closed_session_gets_minutes(world):
    with pytest.raises(ValidationError) as exc:
        services.minutes_draft(actor=world.secretariat, session=world.next)
    assert exc.value.messages == ["The minutes are drafted once the session is closed."]
    with pytest.raises(PermissionDenied):
        services.minutes_draft(actor=world.seat_holder, session=world.session)


# --- The whole cycle, through the pages ----------------------------------------------------


def test_the_minutes_go_from_draft_to_signed_and_errata(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    staff = client_for(world.secretariat)
    holder = client_for(world.seat_holder)
    anonymous = client_for(None)
    outsider = client_for(world.outsider)
    pk = world.session.pk
    page = _url("minutes-detail", pk=pk)
    page_es = _url("minutes-detail", "es", pk=pk)

    # Nothing yet: staff see the button, others a 404
    assert "Draft the minutes" in staff.get(page).content.decode()
    assert anonymous.get(page).status_code == 404
    assert holder.get(page).status_code == 404

    # Drafted (POST only); the draft is for the Secretariat only
    assert staff.get(_url("minutes-draft", pk=pk)).status_code == 405
    response = staff.post(_url("minutes-draft", pk=pk))
    assert response.status_code == 302 and response["Location"] == page
    assert "Regenerate the draft" in staff.get(page).content.decode()
    for client in (anonymous, holder, outsider):
        assert client.get(page).status_code == 404

    # Edited
    minutes = minutes_of(world.session)
    edited = minutes.text_es.replace("Hubo quórum.", "Hubo quórum desde las 10:05.")
    response = staff.post(
        _url("minutes-edit", pk=pk), {"text_es": edited, "text_en": minutes.text_en, "reason": ""}
    )
    assert response.status_code == 302
    assert "desde las 10:05" in minutes_of(world.session).text_es

    # Circulated: one message per address, each recorded
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(_url("minutes-circulate", pk=pk), {"comments_until": ""})
    assert response.status_code == 302
    minutes = minutes_of(world.session)
    assert minutes.state == Minutes.State.CIRCULATED
    days = (minutes.comments_until - minutes.circulated_at).days
    assert days == 30  # the rule's default period
    sent = sorted(d.email for d in Dispatch.objects.filter(kind=Dispatch.Kind.MINUTES))
    assert sent == ["ana@alfa.org", "carlos@uno.org", "gabriel@cuatro.org"]
    assert sorted(m.to[0] for m in mail.outbox) == sent
    assert "http://testserver" + _url("minutes-detail", "es", pk=pk) in mail.outbox[0].body

    # Seat holders now see it and comment within the period; outsiders still do not
    assert "Hubo quórum desde las 10:05" in holder.get(page_es).content.decode()
    assert "Send the comment" in holder.get(page).content.decode()
    assert anonymous.get(page).status_code == 404 and outsider.get(page).status_code == 404
    assert outsider.post(_url("minutes-comment", pk=pk), {"text": "x"}).status_code == 404
    response = holder.post(
        _url("minutes-comment", pk=pk), {"text": "Punto 1: falta el nombre del presentador."}
    )
    assert response.status_code == 302
    comment = MinutesComment.objects.get()
    assert comment.author_label == "Ana Alfa — Instituto Alfa (IA)"

    # ... and not after it
    later = timezone.now() + dt.timedelta(days=31)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    # (signed in again: the clock moved past the browser sessions' expiry)
    holder, staff = client_for(world.seat_holder), client_for(world.secretariat)
    anonymous = client_for(None)
    response = holder.post(_url("minutes-comment", pk=pk), {"text": "Otro comentario"})
    assert response.status_code == 200
    assert "The period for comments closed on" in response.content.decode()
    assert MinutesComment.objects.count() == 1

    # The Secretariat answers and amends
    response = staff.post(
        _url("minutes-comment-respond", comment_pk=comment.pk),
        {"response": "Se añadió el nombre."},
    )
    assert response.status_code == 302
    response = staff.post(_url("minutes-amend", pk=pk), {"reason": "Comentario de Instituto Alfa"})
    assert response.status_code == 302
    response = staff.post(
        _url("minutes-edit", pk=pk), {"text_es": edited + "\nAñadido.", "text_en": "x"}
    )
    assert "Reason for the change" in response.content.decode()  # required once circulated
    response = staff.post(
        _url("minutes-edit", pk=pk),
        {"text_es": edited + "\nAñadido.", "text_en": "x", "reason": "Comentario 1"},
    )
    assert response.status_code == 302

    # Approved at the next session of the same body (not another body's, not an earlier one)
    response = staff.post(
        _url("minutes-approve", pk=pk),
        {"approved_at_session": world.other_body.pk, "approval_decision": "Aprobada"},
    )
    assert response.status_code == 200 and minutes_of(world.session).approved_at is None
    approve_page = staff.get(_url("minutes-approve", pk=pk)).content.decode()
    assert world.next.title_en in approve_page and world.earlier.title_en not in approve_page
    response = staff.post(
        _url("minutes-approve", pk=pk),
        {
            "approved_at_session": world.next.pk,
            "approval_decision": "La Asamblea aprobó el acta de la sesión 30.",
        },
    )
    assert response.status_code == 302
    minutes = minutes_of(world.session)
    assert minutes.state == Minutes.State.APPROVED and minutes.approved_at_session == world.next

    # Signed: locked and public
    response = staff.post(
        _url("minutes-sign", pk=pk),
        {"chair_signatory": "Zoé Robledo Aburto", "secretary_signatory": "Álvaro Velarca"},
    )
    assert response.status_code == 302
    minutes = minutes_of(world.session)
    assert minutes.state == Minutes.State.SIGNED and minutes.locked
    public = anonymous.get(page_es)
    assert public.status_code == 200
    html = public.content.decode()
    assert "Hubo quórum desde las 10:05" in html and "Zoé Robledo Aburto" in html
    assert "Punto 1: falta" not in html  # comments are not public

    # Locked: no edit
    response = staff.post(
        _url("minutes-edit", pk=pk), {"text_es": "Nuevo", "text_en": "x", "reason": "x"}
    )
    assert "Signed minutes cannot change; propose an erratum." in response.content.decode()
    assert "Nuevo" not in minutes_of(world.session).text_es

    # An erratum, proposed then approved, shown with the minutes; the text does not change
    text_before = minutes_of(world.session).text_es
    response = staff.post(
        _url("erratum-add", pk=pk), {"text": "Punto 2: donde dice «varios» debe decir «otros»."}
    )
    assert response.status_code == 302
    erratum = Erratum.objects.get()
    assert "donde dice" not in anonymous.get(page).content.decode()  # not approved yet
    response = staff.post(
        _url("erratum-approve", erratum_pk=erratum.pk),
        {"approved_at_session": world.next.pk, "approval_decision": "Fe de erratas aprobada."},
    )
    assert response.status_code == 302
    html = anonymous.get(page).content.decode()
    assert "Erratum No. 1" in html and "donde dice «varios»" in html
    assert minutes_of(world.session).text_es == text_before

    # PDF for everyone now
    pdf = anonymous.get(_url("minutes-pdf", pk=pk, lang="es"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    events = list(
        ActionLog.objects.filter(target_type="governance.minutes").values_list("event", flat=True)
    )
    for event in (
        "minutes.drafted",
        "minutes.updated",
        "minutes.circulated",
        "minutes.commented",
        "minutes.comment_addressed",
        "minutes.amended",
        "minutes.approved",
        "minutes.signed",
        "minutes.erratum_proposed",
        "minutes.erratum_approved",
    ):
        assert event in events


# --- Rules of approval, signature and errata (services) --------------------------------------


@pytest.fixture
def circulated(world, monkeypatch) -> Minutes:
    minutes = services.minutes_draft(actor=world.secretariat, session=world.session)
    services.minutes_circulate(
        actor=world.secretariat,
        minutes=minutes,
        comments_until=timezone.now() + dt.timedelta(hours=1),
    )
    return minutes


def _after_comments(monkeypatch) -> None:
    later = timezone.now() + dt.timedelta(days=2)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)


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
    _after_comments(monkeypatch)
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
    _after_comments(monkeypatch)
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


def test_errata_only_for_signed_minutes_and_decided_by_the_same_body(
    world, circulated, monkeypatch
):
    with pytest.raises(ValidationError) as exc:
        services.erratum_propose(actor=world.secretariat, minutes=circulated, text="x")
    assert "An erratum corrects signed minutes" in exc.value.messages[0]
    _after_comments(monkeypatch)
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
    first = services.erratum_propose(actor=world.secretariat, minutes=signed, text="Uno")
    second = services.erratum_propose(actor=world.secretariat, minutes=signed, text="Dos")
    assert (first.number, second.number) == (1, 2)
    with pytest.raises(ValidationError) as exc:
        services.erratum_approve(
            actor=world.secretariat,
            erratum=first,
            approved_at_session=world.other_body,
            approval_decision="x",
        )
    assert "another body" in exc.value.message_dict["approved_at_session"][0]
    approved = services.erratum_approve(
        actor=world.secretariat,
        erratum=first,
        approved_at_session=world.next,
        approval_decision="Aprobada",
    )
    assert approved.state == Erratum.State.APPROVED
    with pytest.raises(ValidationError):
        services.erratum_approve(
            actor=world.secretariat,
            erratum=first,
            approved_at_session=world.next,
            approval_decision="Otra vez",
        )


def test_the_draft_cannot_be_regenerated_once_circulated(world, circulated):
    with pytest.raises(ValidationError) as exc:
        services.minutes_draft(actor=world.secretariat, session=world.session)
    assert "can no longer be regenerated" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        services.minutes_update(actor=world.secretariat, minutes=circulated, text_es="x")


# --- Who sees and does what ---------------------------------------------------------------------


def test_the_pages_check_who_may_act(world, circulated, finance_officer):
    pk = world.session.pk
    reader = client_for(finance_officer)  # reads everything, changes nothing
    holder = client_for(world.seat_holder)
    anonymous = client_for(None)
    assert reader.get(_url("minutes-detail", pk=pk)).status_code == 200
    staff_only = [
        _url("minutes-edit", pk=pk),
        _url("minutes-circulate", pk=pk),
        _url("minutes-amend", pk=pk),
        _url("minutes-approve", pk=pk),
        _url("minutes-sign", pk=pk),
        _url("erratum-add", pk=pk),
    ]
    for url in staff_only:
        assert anonymous.get(url).status_code == 302
        assert holder.get(url).status_code == 403
        assert reader.get(url).status_code == 403
    assert holder.post(_url("minutes-draft", pk=pk)).status_code == 403
    assert reader.get(_url("minutes-comment", pk=pk)).status_code == 403
    # seat holders read the circulated PDF; the public does not
    assert holder.get(_url("minutes-pdf", pk=pk, lang="en")).content.startswith(b"%PDF")
    assert anonymous.get(_url("minutes-pdf", pk=pk, lang="en")).status_code == 404
    assert holder.get(_url("minutes-pdf", pk=pk, lang="xx")).status_code == 404


def test_the_minutes_page_runs_constant_queries(world, circulated, django_assert_max_num_queries):
    for i in range(8):
        services.minutes_comment(actor=world.seat_holder, minutes=circulated, text=f"C{i}")
    staff = client_for(world.secretariat)
    url = _url("minutes-detail", pk=world.session.pk)
    staff.get(url)  # warm the session's MFA flag
    # queries: session + user + groups (3), session row, minutes, permissions (manage, view,
    # comment: participant sessions, seats, representatives, memberships), comments, errata,
    # action log
    with django_assert_max_num_queries(16):
        response = staff.get(url)
    assert response.status_code == 200 and "C7" in response.content.decode()


def test_the_spanish_text_stands_in_for_a_missing_translation(world, monkeypatch):
    minutes = services.minutes_draft(actor=world.secretariat, session=world.session)
    html = client_for(world.secretariat).get(_url("minutes-detail", "fr", pk=world.session.pk))
    text = html.content.decode()
    assert "ACTA" in text and not minutes.text_fr
    assert 'lang="es"' in text


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
