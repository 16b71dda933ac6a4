"""A General Assembly session ready to be held, shared by the console and voting tests.

`live` builds on `session_world` (6 full members, 3 associates): a convened XXXI Ordinary
General Assembly on the pinned day, two agenda items, and one accredited head of delegation
with an account for every member; plus one delegate whose credentials are still pending.
Nobody is present yet. Helpers mark people present, build extra participants, open the
session with a quorum and table a motion (shared by the services' and the views' tests).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone

from secretariat.conftest import make_user
from secretariat.core.models import User
from secretariat.governance.models import AgendaItem, Participant, Session
from secretariat.governance.services import attendance as attendance_services
from secretariat.governance.services import console as console_services
from secretariat.governance.services import motions as motion_services
from secretariat.members.models import Institution


@dataclass
class Live:
    session: Session
    items: list[AgendaItem]
    full: list[Institution]
    associate: list[Institution]
    heads: dict[int, Participant]  # institution pk -> accredited head of delegation
    users: dict[int, User]  # institution pk -> the head's account
    pending: Participant  # credentials not yet checked


def make_session(world, state: str = Session.State.CONVENED, number: int = 31) -> Session:  # type: ignore[no-untyped-def]
    return Session.objects.create(
        body=world.assembly,
        kind=Session.Kind.ORDINARY,
        number=number,
        title_es=f"Asamblea General Ordinaria {number}",
        title_en=f"Ordinary General Assembly {number}",
        starts_at=timezone.make_aware(dt.datetime(2024, 6, 1, 10, 0)),
        languages=["es", "en"],
        state=state,
    )


def add_participant(
    session: Session,
    institution: Institution | None,
    name: str,
    *,
    role: str = Participant.Role.HEAD,
    credentials: str = Participant.Credentials.ACCEPTED,
    user: User | None = None,
) -> Participant:
    return Participant.objects.create(
        session=session,
        institution=institution,
        full_name=name,
        role=role,
        credentials=credentials,
        user=user,
    )


@pytest.fixture(name="live")
def live_fixture(session_world, today) -> Live:  # type: ignore[no-untyped-def]
    session = make_session(session_world)
    items = [
        AgendaItem.objects.create(
            session=session,
            position=1,
            title_es="Aprobación del orden del día",
            title_en="Adoption of the agenda",
            outcome=AgendaItem.Outcome.DECISION,
        ),
        AgendaItem.objects.create(
            session=session,
            position=2,
            title_es="Programa de actividades 2025-2027",
            title_en="Programme of activities 2025-2027",
            outcome=AgendaItem.Outcome.DECISION,
        ),
    ]
    heads: dict[int, Participant] = {}
    users: dict[int, User] = {}
    for n, inst in enumerate(session_world.full + session_world.associate, start=1):
        user = make_user(f"delegate{n}@example.org")
        users[inst.pk] = user
        heads[inst.pk] = add_participant(session, inst, f"Delegada {n}", user=user)
    pending = add_participant(
        session,
        session_world.full[0],
        "Asesor Pendiente",
        role=Participant.Role.DELEGATE,
        credentials=Participant.Credentials.PENDING,
    )
    return Live(session, items, session_world.full, session_world.associate, heads, users, pending)


def mark_present(actor: User, live: Live, institutions: list[Institution]) -> None:
    for inst in institutions:
        attendance_services.attendance_mark(
            actor=actor, participant=live.heads[inst.pk], present=True
        )


def fresh(session: Session) -> Session:
    return Session.objects.select_related("body").get(pk=session.pk)


def url(name: str, **kwargs) -> str:
    return reverse(f"governance:{name}", kwargs=kwargs)


def open_with_quorum(officer, live, n: int = 4):
    console_services.session_open(actor=officer, session=live.session)
    mark_present(officer, live, live.full[:n])


def table_motion(officer, live, **extra):
    return motion_services.motion_add(
        actor=officer,
        session=fresh(live.session),
        agenda_item=live.items[1],
        title_es="Programa de actividades",
        text_es="La Asamblea aprueba el programa de actividades para 2025-2027.",
        title_en="Programme of activities",
        text_en="The Assembly approves the programme of activities for 2025-2027.",
        proposer="Secretaría General",
        **extra,
    )


def grow(live, n: int) -> None:
    for i in range(n):
        p = add_participant(live.session, live.full[i % 6], f"Extra {i}")
        p.present = True
        p.save(update_fields=["present"])
