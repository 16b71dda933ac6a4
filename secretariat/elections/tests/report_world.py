"""The eligibility report's test world, made with the ORM (the Calls', nominations' and
reviews' services are other parts'): a convened General Assembly with an election item, a
published Call for the Secretary General and the Comptroller, two candidates for Secretary
General (members A and B) and a withdrawn one for Comptroller, and helpers to record
findings. A test module imports `world_fixture` (the `world` fixture).
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from secretariat.elections.models import (
    Call,
    CallOffice,
    Finding,
    Nomination,
    NominationVersion,
    Requirement,
)
from secretariat.elections.selectors.eligibility import applicable_requirements
from secretariat.governance.models import AgendaItem, Body, Office, RulesProfile, Session

PDF = b"%PDF-"


def make_session(body: Body, number: int, languages: list[str]) -> Session:
    session = Session.objects.create(
        body=body,
        kind=Session.Kind.ORDINARY,
        number=number,
        title_es=f"{number} Asamblea General",
        title_en=f"{number} General Assembly",
        starts_at=timezone.now() + dt.timedelta(days=60),
        languages=languages,
    )
    Session.objects.filter(pk=session.pk).update(
        state=Session.State.CONVENED, convened_at=timezone.now()
    )
    return Session.objects.get(pk=session.pk)


def nominate(world: SimpleNamespace, call_office: CallOffice, institution, name: str, country):
    """A nomination received through the portal, with its first version."""
    nomination = Nomination.objects.create(
        call=world.call,
        call_office=call_office,
        institution=institution,
        received_at=world.call.opens_at + dt.timedelta(days=3, minutes=Nomination.objects.count()),
    )
    NominationVersion.objects.create(
        nomination=nomination,
        number=1,
        candidate_name=name,
        candidate_nationality=country,
        created_at=nomination.received_at,
    )
    return nomination


def find(nomination: Nomination, requirement: Requirement, result: str, reviewer, **extra):
    """A confirmed finding on the nomination's latest version."""
    version = nomination.versions.order_by("-number").first()
    return Finding.objects.update_or_create(
        version=version,
        requirement=requirement,
        defaults={
            "result": result,
            "confirmed": True,
            "reviewed_by": reviewer,
            "reviewed_at": timezone.now(),
            **extra,
        },
    )[0]


def find_all(nomination: Nomination, reviewer, result: str = Finding.Result.MET) -> None:
    for requirement in applicable_requirements(nomination.call_office):
        find(nomination, requirement, result, reviewer, evidence="Registro de miembros")


def add_candidates(world: SimpleNamespace, n: int, *, reviewed: bool = True) -> None:
    """`n` more candidates for Secretary General, every finding confirmed met."""
    for i in range(n):
        nomination = nominate(
            world, world.sg_office, world.member_a, f"Candidata {i}", world.countries["MX"]
        )
        if reviewed:
            find_all(nomination, world.officer)


@pytest.fixture(name="world")
def world_fixture(
    db, categories, countries, member_a, member_b, officer, secretary_general
) -> SimpleNamespace:
    assembly = Body.objects.create(
        code="general-assembly",
        name_es="Asamblea General",
        name_en="General Assembly",
        kind=Body.Kind.ASSEMBLY,
        rules_profile=RulesProfile.GENERAL_ASSEMBLY,
        all_members_sit=True,
    )
    session = make_session(assembly, 31, ["es", "en"])
    AgendaItem.objects.create(session=session, title_es="Apertura", position=1)
    election_item = AgendaItem.objects.create(
        session=session, title_es="Elección de las autoridades", position=2
    )
    sg = Office.objects.create(
        code="secretary-general",
        name_es="Secretario General",
        name_en="Secretary General",
        name_pt="Secretário-Geral",
        name_fr="Secrétaire général",
        order=3,
    )
    comptroller = Office.objects.create(
        code="comptroller", name_es="Contralor", name_en="Comptroller", order=4
    )
    opens = timezone.now() - dt.timedelta(days=60)
    call = Call.objects.create(
        title_es="Convocatoria 2027",
        title_en="Call for Candidates 2027",
        reference="CISS/2027/1",
        session=session,
        opens_at=opens,
        deadline=opens + dt.timedelta(days=30),
        languages=["es", "en"],
    )
    Call.objects.filter(pk=call.pk).update(state=Call.State.PUBLISHED)
    call = Call.objects.get(pk=call.pk)
    term = {"term_start": dt.date(2028, 1, 1), "term_end": dt.date(2031, 1, 1)}
    sg_office = CallOffice.objects.create(call=call, office=sg, order=1, **term)
    comptroller_office = CallOffice.objects.create(call=call, office=comptroller, order=2, **term)
    standing = Requirement.objects.create(
        call=call,
        kind=Requirement.Kind.NOMINATOR_IN_GOOD_STANDING,
        label_es="Postulado por un miembro titular al corriente",
        label_en="Nominated by a full member in good standing",
        order=1,
    )
    cv = Requirement.objects.create(
        call=call,
        call_office=sg_office,
        kind=Requirement.Kind.DOCUMENT,
        label_es="Currículum",
        label_en="Curriculum vitae",
        label_fr="Curriculum vitæ",
        order=2,
    )
    w = SimpleNamespace(
        call=call,
        session=session,
        election_item=election_item,
        sg_office=sg_office,
        comptroller_office=comptroller_office,
        standing=standing,
        cv=cv,
        member_a=member_a,
        member_b=member_b,
        countries=countries,
        officer=officer,
        secretary_general=secretary_general,
    )
    w.ana = nominate(w, sg_office, member_a, "Ana Pérez", countries["MX"])
    w.bruno = nominate(w, sg_office, member_b, "Bruno Silva", countries["PE"])
    w.carla = nominate(w, comptroller_office, member_a, "Carla Roy", countries["CA"])
    Nomination.objects.filter(pk=w.carla.pk).update(
        state=Nomination.State.WITHDRAWN, withdrawn_at=timezone.now()
    )
    return w


def review_everyone(w: SimpleNamespace) -> None:
    """Ana meets everything; Bruno's curriculum is missing (not met)."""
    find_all(w.ana, w.officer)
    find(w.bruno, w.standing, Finding.Result.MET, w.officer)
    find(w.bruno, w.cv, Finding.Result.NOT_MET, w.officer, note="No se recibió el currículum.")
