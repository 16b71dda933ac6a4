"""A General Assembly with a closed session whose minutes are written, shared by the minutes'
services' and views' tests.

`world`: the closed session 30 (attendance by events, a proxy, an absent registrant, an
agenda with a sub-item, a carried motion and an amendment carried by the chair's ruling,
Resolution No. 59), an earlier and the next session of the same body, a later session of
another body, the Secretariat, a seat holder and an outsider. `circulated`: its minutes,
drafted and circulated with comments open for an hour.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from secretariat.conftest import make_user
from secretariat.core import roles
from secretariat.core.models import User
from secretariat.governance.models import (
    AgendaItem,
    AttendanceEvent,
    Minutes,
    Motion,
    Participant,
    Proxy,
    Session,
    Vote,
)
from secretariat.governance.services import minutes as services
from secretariat.governance.services import resolutions as resolution_services

NOW = timezone.now()


def page_url(name: str, language: str = "en", **kwargs) -> str:
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


@pytest.fixture(name="world")
def world_fixture(session_world, officer, rep_a, member_a) -> World:
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


@pytest.fixture(name="circulated")
def circulated_fixture(world, monkeypatch) -> Minutes:
    minutes = services.minutes_draft(actor=world.secretariat, session=world.session)
    services.minutes_circulate(
        actor=world.secretariat,
        minutes=minutes,
        comments_until=timezone.now() + dt.timedelta(hours=1),
    )
    return minutes


def after_comments(monkeypatch) -> None:
    later = timezone.now() + dt.timedelta(days=2)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
