"""An election at a General Assembly in session, for the ballot's tests (built with the ORM:
the Calls, nominations and report parts are built elsewhere in parallel).

`ballot` builds on governance's `live` world (6 full members with an accredited head of
delegation each): the session opened with every full member present, an election item on
its agenda, a published Call for the Secretary General (term 2025-01-01 to 2028-01-01)
with one requirement, three eligible candidates (every finding met and confirmed), one
candidate not eligible (a finding not met), and the signed eligibility report.

Test modules import the fixtures they use from here (and `session_world`, `today`, `live`
with them, from governance's test modules).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from secretariat.core.models import User
from secretariat.elections.models import (
    Call,
    CallOffice,
    Contest,
    EligibilityReport,
    Finding,
    Nomination,
    NominationVersion,
    Requirement,
    Round,
)
from secretariat.elections.services import ballots as services
from secretariat.governance.models import AgendaItem, Office, Session
from secretariat.governance.selectors.composition import unit_key
from secretariat.governance.services import console as console_services
from secretariat.governance.tests.conftest import session_world, today
from secretariat.governance.tests.live_world import Live, live_fixture, mark_present
from secretariat.members.models import Country, Institution

__all__ = ["live_fixture", "session_world", "today"]

NAMES = ["Ana Candidata", "Bruno Candidato", "Carla Candidata"]


@dataclass
class BallotWorld:
    live: Live
    officer: User
    call: Call
    office: Office
    call_office: CallOffice
    requirement: Requirement
    item: AgendaItem
    nominations: list[Nomination]  # eligible, in order received
    ineligible: Nomination
    report: EligibilityReport

    @property
    def session(self) -> Session:
        return Session.objects.select_related("body").get(pk=self.live.session.pk)

    def key(self, nomination: Nomination) -> str:
        return f"n{nomination.pk}"


def make_call(assembly, session: Session, places: int = 1) -> tuple[Call, Office, CallOffice]:  # type: ignore[no-untyped-def]
    office = Office.objects.create(
        code="secretary-general",
        name_es="Secretaría General",
        name_en="Secretary General",
        electing_body=assembly,
        places=places,
        order=3,
    )
    call = Call.objects.create(
        title_es="Convocatoria 2024",
        title_en="Call 2024",
        session=session,
        opens_at=timezone.make_aware(dt.datetime(2024, 1, 8, 9, 0)),
        deadline=timezone.make_aware(dt.datetime(2024, 3, 29, 18, 0)),
        languages=["es", "en"],
        state=Call.State.PUBLISHED,
    )
    call_office = CallOffice.objects.create(
        call=call,
        office=office,
        places=places,
        term_start=dt.date(2025, 1, 1),
        term_end=dt.date(2028, 1, 1),
    )
    return call, office, call_office


def make_nomination(  # type: ignore[no-untyped-def]
    officer: User,
    call_office: CallOffice,
    requirement: Requirement,
    institution: Institution,
    name: str,
    country: Country,
    *,
    met: bool = True,
    n: int = 1,
) -> Nomination:
    nomination = Nomination.objects.create(
        call=call_office.call,
        call_office=call_office,
        institution=institution,
        received_at=timezone.make_aware(dt.datetime(2024, 2, 1, 10, n % 60)),
    )
    version = NominationVersion.objects.create(
        nomination=nomination,
        number=1,
        candidate_name=name,
        candidate_nationality=country,
        created_at=nomination.received_at,
    )
    Finding.objects.create(
        version=version,
        requirement=requirement,
        result=Finding.Result.MET if met else Finding.Result.NOT_MET,
        confirmed=True,
        reviewed_by=officer,
        reviewed_at=timezone.now(),
    )
    return nomination


def make_world(live: Live, officer: User, *, candidates: int = 3, places: int = 1) -> BallotWorld:
    session = live.session
    item = AgendaItem.objects.create(
        session=session,
        position=3,
        title_es="Elección de la Secretaría General",
        title_en="Election of the Secretary General",
        outcome=AgendaItem.Outcome.ELECTION,
    )
    call, office, call_office = make_call(session.body, session, places)
    requirement = Requirement.objects.create(
        call=call,
        kind=Requirement.Kind.MEMBER_NATIONALITY,
        label_es="Nacionalidad de un país miembro",
        label_en="National of a member country",
    )
    country = Country.objects.get(code="MX")
    names = NAMES + [f"Candidata {i}" for i in range(4, candidates + 1)]
    nominations = [
        make_nomination(
            officer, call_office, requirement, live.full[i % len(live.full)], names[i], country, n=i
        )
        for i in range(candidates)
    ]
    ineligible = make_nomination(
        officer,
        call_office,
        requirement,
        live.full[5],
        "Diego Inelegible",
        country,
        met=False,
        n=59,
    )
    report = EligibilityReport.objects.create(
        call=call, version=1, state=EligibilityReport.State.SIGNED, signed_at=timezone.now()
    )
    return BallotWorld(
        live, officer, call, office, call_office, requirement, item, nominations, ineligible, report
    )


@pytest.fixture(name="ballot")
def ballot_fixture(live, officer) -> BallotWorld:  # type: ignore[no-untyped-def]
    """The session in progress, every full member present, three eligible candidates."""
    console_services.session_open(actor=officer, session=live.session)
    mark_present(officer, live, live.full)
    return make_world(live, officer)


def start(world: BallotWorld, place: int = 1) -> Contest:
    return services.contest_start(
        actor=world.officer, call_office=world.call_office, place=place, session=world.session
    )


def cast(world: BallotWorld, rnd: Round, choices: list[str]) -> None:
    """One ballot per full member, in order: `choices[i]` is member i's (an option's key or
    "abstain")."""
    rnd = Round.objects.select_related("vote__motion__session").get(pk=rnd.pk)
    for inst, choice in zip(world.live.full, choices, strict=False):
        services.round_ballot_cast(
            user=world.live.users[inst.pk],
            rnd=rnd,
            unit_key=unit_key(institution_id=inst.pk),
            choice=choice,
        )
