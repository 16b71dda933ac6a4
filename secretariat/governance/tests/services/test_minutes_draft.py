"""The generated draft of the minutes, in each language, word for word.

The words of the draft are msgids rendered under each language (one template per text);
these texts were written by the four per-language templates that came before, and the
draft must still read exactly so. Two sessions cover every branch: a General Assembly in
four languages (delegations with and without a head, a proxy, a member with voice only,
observers, nested and withdrawn items, every way of voting, both rulings of the chair,
amendments, every kind of decision and of resolution, loose motions and resolutions), and
a Standing Committee in Spanish and French with no place, chair or agenda.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

import pytest

from secretariat.conftest import make_member
from secretariat.core.models import User
from secretariat.governance.models import (
    AgendaItem,
    AttendanceEvent,
    Body,
    DecisionKind,
    Motion,
    Participant,
    Proxy,
    Resolution,
    RulesProfile,
    Seat,
    Session,
    Vote,
)
from secretariat.governance.services import minutes as services
from secretariat.members.models import Country

pytestmark = pytest.mark.django_db
DRAFTS = Path(__file__).parent / "drafts"
ZONE = zoneinfo.ZoneInfo("America/Mexico_City")


def _at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2024, 6, day, hour, minute, tzinfo=ZONE)


@dataclass
class Drafted:
    assembly: Session
    committee: Session


def _attend(session: Session, name: str, role: str, **kw) -> Participant:
    participant = Participant.objects.create(
        session=session,
        full_name=name,
        role=role,
        credentials=Participant.Credentials.ACCEPTED,
        **kw,
    )
    AttendanceEvent.objects.create(
        session=session, participant=participant, present=True, at=session.starts_at
    )
    return participant


def _vote(motion: Motion, method: str, **kw) -> Vote:
    counted = method in (Vote.Method.SHOW_OF_HANDS, Vote.Method.ROLL_CALL, Vote.Method.SECRET)
    yes, no = kw.pop("yes", 3 if counted else None), kw.pop("no", 1 if counted else None)
    return Vote.objects.create(
        motion=motion,
        method=method,
        state=kw.pop("state", Vote.State.CLOSED),
        majority=kw.pop("majority", "simple"),
        entitled=5,
        present=4,
        yes=yes,
        no=no,
        abstain=kw.pop("abstain", 0 if counted else None),
        carried_computed=kw.pop("carried_computed", True),
        opened_at=motion.session.starts_at + dt.timedelta(minutes=motion.number),
        **kw,
    )


def _motion(session: Session, number: int, item: AgendaItem | None, **kw) -> Motion:
    return Motion.objects.create(
        session=session,
        agenda_item=item,
        number=number,
        proposer=kw.pop("proposer", "Presidencia"),
        title_es=kw.pop("title_es", f"Moción {number}"),
        text_es=kw.pop("text_es", f"Texto de la moción {number}."),
        **kw,
    )


def _assembly(categories, countries) -> Session:
    ga = Body.objects.create(
        code="general-assembly",
        name_es="Asamblea General",
        name_en="General Assembly",
        name_pt="Assembleia Geral",
        name_fr="Assemblée générale",
        kind=Body.Kind.ASSEMBLY,
        rules_profile=RulesProfile.GENERAL_ASSEMBLY,
        all_members_sit=True,
    )
    mexico, peru = countries["MX"], countries["PE"]
    imss = make_member("Instituto Mexicano del Seguro Social", mexico, categories["full"])
    alfa = make_member("Instituto Alfa", mexico, categories["full"], acronym="IA")
    beta = make_member("Caja Beta", peru, categories["full"])
    gamma = make_member("Fondo Gamma", peru, categories["full"])
    make_member("Instituto Delta", peru, categories["full"])
    asociado = make_member("Asociación Épsilon", peru, categories["associate"])
    essalud = make_member("Seguro Social de Salud del Perú", peru, categories["full"])
    session = Session.objects.create(
        body=ga,
        kind=Session.Kind.ORDINARY,
        number=30,
        title_es="XXX Asamblea General Ordinaria",
        title_en="XXX Ordinary General Assembly",
        title_pt="XXX Assembleia Geral Ordinária",
        title_fr="XXXe Assemblée générale ordinaire",
        starts_at=_at(3, 9, 0),
        ends_at=_at(4, 18, 0),
        opened_at=_at(3, 9, 20),
        closed_at=_at(4, 13, 45),
        state=Session.State.CLOSED,
        languages=["fr", "en", "pt"],
        place="Ciudad de Panamá",
        country=Country.objects.create(code="PA", name_es="Panamá", name_en="Panama"),
        online=True,
        chair="Zoé Robledo Aburto",
        secretary="Álvaro Velarca Hernández",
        time_zone="America/Mexico_City",
    )
    head = Participant.Role.HEAD
    _attend(session, "Ana Alfa", head, institution=alfa)
    _attend(session, "Diego Alfa", Participant.Role.ADVISER, institution=alfa)
    _attend(session, "Berta Beta", Participant.Role.DELEGATE, institution=beta)
    _attend(session, "Bruno Beta", Participant.Role.ADVISER, institution=beta)
    _attend(session, "Ignacio Seguro", head, institution=imss)
    _attend(session, "Elisa Épsilon", head, institution=asociado)
    _attend(session, "Olga Observadora", Participant.Role.OBSERVER, institution=imss)
    _attend(session, "Omar Invitado", Participant.Role.OBSERVER, position="Consultor")
    _attend(session, "Rita Relatora", Participant.Role.DELEGATE)
    _attend(session, "Sara Salud", head, institution=essalud)
    Participant.objects.create(  # registered, never came: not in the minutes
        session=session, institution=gamma, full_name="Gerardo Ausente", role=head
    )
    Proxy.objects.create(session=session, grantor=gamma, holder=alfa, state=Proxy.State.ACCEPTED)
    first = AgendaItem.objects.create(
        session=session,
        position=1,
        title_es="Informe de la Secretaría General",
        title_en="Report of the Secretary General",
        title_fr="Rapport du Secrétaire général",
        presenter="Secretaría General",
    )
    AgendaItem.objects.create(
        session=session, parent=first, position=1, title_es="Estados financieros"
    )
    second = AgendaItem.objects.create(session=session, position=2, title_es="Reforma del Estatuto")
    AgendaItem.objects.create(session=session, position=3, title_es="Retirado", withdrawn=True)
    AgendaItem.objects.create(session=session, position=4, title_es="Elecciones")

    m1 = _motion(
        session,
        1,
        first,
        title_en="Approve the report",
        title_pt="Aprovar o relatório",
        title_fr="Approuver le rapport",
        text_en="The Assembly approves the report.",
        state=Motion.State.CARRIED,
    )
    _vote(m1, Vote.Method.SHOW_OF_HANDS, yes=3, no=1, abstain=1)
    m2 = _motion(session, 2, first, amends=m1, proposer="Caja Beta", state=Motion.State.CARRIED)
    _vote(
        m2,
        Vote.Method.ROLL_CALL,
        yes=2,
        no=2,
        carried_computed=False,
        override=True,
        override_reason="Error de cómputo reconocido",
    )
    m3 = _motion(session, 3, first, amends=m1, state=Motion.State.PROPOSED)  # never voted
    del m3
    m4 = _motion(
        session,
        4,
        second,
        decision_kind=DecisionKind.STATUTE,
        state=Motion.State.NOT_CARRIED,
    )
    _vote(
        m4,
        Vote.Method.SECRET,
        majority="two_thirds",
        yes=2,
        no=2,
        abstain=0,
        carried_computed=True,
        override=False,
    )
    m5 = _motion(
        session, 5, second, decision_kind=DecisionKind.ADMISSION, state=Motion.State.CARRIED
    )
    _vote(m5, Vote.Method.ACCLAMATION, majority="absolute_members")
    m6 = _motion(session, 6, None, decision_kind=DecisionKind.ELECTION, state=Motion.State.CARRIED)
    _vote(m6, Vote.Method.CONSENSUS, majority="two_thirds_present")
    _vote(m6, Vote.Method.SHOW_OF_HANDS, state=Vote.State.OPEN, yes=None, no=None)  # not closed
    _motion(session, 7, first, state=Motion.State.WITHDRAWN)
    for number, kind, motion, item, title in [
        (101, Resolution.Kind.RESOLUTION, m1, first, "Informe aprobado"),
        (102, Resolution.Kind.DECLARATION, m5, second, "Declaración de Panamá"),
        (103, Resolution.Kind.RECOMMENDATION, m6, None, "Recomendación electoral"),
        (104, Resolution.Kind.RESOLUTION, None, second, "Resolución sobre el Estatuto"),
        (105, Resolution.Kind.DECLARATION, None, None, "Declaración final"),
    ]:
        Resolution.objects.create(
            number=number,
            kind=kind,
            title_es=title,
            title_en=f"{title} (en)",
            session=session,
            motion=motion,
            agenda_item=item,
        )
    return session


def _committee(countries) -> Session:
    committee = Body.objects.create(
        code="standing-committee",
        name_es="Comité Permanente",
        name_fr="Comité permanent",
        kind=Body.Kind.COMMITTEE,
        rules_profile=RulesProfile.STANDING_COMMITTEE,
    )
    session = Session.objects.create(
        body=committee,
        kind=Session.Kind.EXTRAORDINARY,
        number=85,
        title_es="85.ª Reunión Extraordinaria del Comité Permanente",
        starts_at=_at(10, 16, 5),
        state=Session.State.CLOSED,
        languages=["fr"],
        time_zone="America/Lima",
    )
    since = dt.date(2020, 1, 1)
    chair = Seat.objects.create(
        body=committee, capacity=Seat.Capacity.OFFICER, title="Presidencia", valid_from=since
    )
    voice = Seat.objects.create(
        body=committee, capacity=Seat.Capacity.VOICE, title="Contraloría", valid_from=since
    )
    _attend(session, "Paula Presidenta", Participant.Role.SEAT_HOLDER, seat=chair)
    _attend(session, "Carla Contralora", Participant.Role.SEAT_HOLDER, seat=voice)
    return session


@pytest.fixture
def drafted(categories, countries, officer: User) -> Drafted:
    assembly = _assembly(categories, countries)
    committee = _committee(countries)
    return Drafted(
        services.minutes_draft(actor=officer, session=assembly).session,
        services.minutes_draft(actor=officer, session=committee).session,
    )


CASES = [
    ("assembly", "es"),
    ("assembly", "en"),
    ("assembly", "pt"),
    ("assembly", "fr"),
    ("committee", "es"),
    ("committee", "fr"),
]


@pytest.mark.parametrize(("which", "language"), CASES)
def test_it_writes_the_draft_in_each_language_as_before(drafted, which, language):
    # given: the session's minutes drafted from its record
    session: Session = getattr(drafted, which)
    # when
    text = getattr(session.minutes, f"text_{language}")
    # then
    expected = (DRAFTS / f"{which}_{language}.txt").read_text(encoding="utf-8")
    assert text == expected


def test_it_writes_only_the_sessions_languages(drafted):
    assert not drafted.committee.minutes.text_en and not drafted.committee.minutes.text_pt
