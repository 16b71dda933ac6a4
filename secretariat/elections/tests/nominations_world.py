"""The world of the nominations tests: a published Call (Mexico City time) for the Presidency
(re-election limit 1) and the Secretary General, with a requirement of every kind; member A
(full, Mexico) and member B (associate, Peru) from secretariat/conftest.py.

Import the fixtures in a test module: `from secretariat.elections.tests.nominations_world
import *  # noqa: F403` or by name."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from secretariat.core.models import User
from secretariat.elections.models import (
    Call,
    CallOffice,
    Nomination,
    NominationVersion,
    Requirement,
)
from secretariat.governance.models import Office
from secretariat.members.models import Country, Institution

MEXICO = zoneinfo.ZoneInfo("America/Mexico_City")
PDF = b"%PDF-1.4 a candidate's CV\n%%EOF"


def pdf(name: str = "cv.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def make_call(
    *,
    opens_at: dt.datetime | None = None,
    deadline: dt.datetime | None = None,
    state: str = Call.State.PUBLISHED,
    time_zone: str = "America/Mexico_City",
    title: str = "Convocatoria 2027",
) -> Call:
    now = timezone.now()
    call = Call.objects.create(
        title_es=title,
        title_en=title.replace("Convocatoria", "Call"),
        opens_at=opens_at or now - dt.timedelta(days=10),
        deadline=deadline or now + dt.timedelta(days=10),
        time_zone=time_zone,
        correction_days=10,
    )
    Call.objects.filter(pk=call.pk).update(state=state, published_at=now)
    return Call.objects.get(pk=call.pk)


def make_office(code: str, name: str, order: int, limit: int | None = None) -> Office:
    return Office.objects.create(
        code=code,
        name_es=name,
        name_en=name,
        order=order,
        reelection_limit=limit,
        reelection_source="Reglamento [D]" if limit else "",
    )


def add_office(call: Call, office: Office, order: int = 0) -> CallOffice:
    return CallOffice.objects.create(
        call=call,
        office=office,
        term_start=dt.date(2027, 4, 1),
        term_end=dt.date(2030, 4, 1),
        order=order,
    )


def add_requirement(call: Call, kind: str, label: str, order: int, **extra: Any) -> Requirement:
    return Requirement.objects.create(
        call=call, kind=kind, label_es=label, label_en=label, order=order, **extra
    )


def make_nomination(
    call_office: CallOffice,
    institution: Institution,
    name: str,
    nationality: Country,
    *,
    received_at: dt.datetime | None = None,
    state: str = Nomination.State.SUBMITTED,
    user: User | None = None,
) -> Nomination:
    """A nomination straight in the database (the services are tested on their own)."""
    when = received_at or timezone.now() - dt.timedelta(days=1)
    nomination = Nomination.objects.create(
        call=call_office.call,
        call_office=call_office,
        institution=institution,
        received_at=when,
        submitted_by=user,
        state=state,
    )
    NominationVersion.objects.create(
        nomination=nomination,
        number=1,
        candidate_name=name,
        candidate_nationality=nationality,
        created_at=when,
        created_by=user,
    )
    return nomination


@pytest.fixture
def nom_world(db, categories, countries, member_a, member_b) -> dict[str, Any]:
    president = make_office("president", "Presidente", 1, limit=1)
    secretary = make_office("secretary-general", "Secretario General", 2)
    call = make_call()
    co_president = add_office(call, president, 1)
    co_secretary = add_office(call, secretary, 2)
    reqs = {
        "standing": add_requirement(
            call, Requirement.Kind.NOMINATOR_IN_GOOD_STANDING, "Miembro titular al corriente", 1
        ),
        "nationality": add_requirement(
            call, Requirement.Kind.MEMBER_NATIONALITY, "Nacional de un país miembro", 2
        ),
        "cv": add_requirement(call, Requirement.Kind.DOCUMENT, "Currículum", 3),
        "reelection": add_requirement(
            call,
            Requirement.Kind.REELECTION_LIMIT,
            "Límite de reelección",
            4,
            call_office=co_president,
        ),
        "differs": add_requirement(
            call,
            Requirement.Kind.NATIONALITY_DIFFERS,
            "Nacionalidad distinta del Secretario General",
            5,
            call_office=co_president,
            other_office=secretary,
        ),
        "other": add_requirement(call, Requirement.Kind.OTHER, "Carta de aceptación", 6),
    }
    return {
        "call": call,
        "president": president,
        "secretary": secretary,
        "co_president": co_president,
        "co_secretary": co_secretary,
        "reqs": reqs,
        "countries": countries,
        "member_a": member_a,
        "member_b": member_b,
    }


def candidate_data(countries: dict[str, Country], name: str = "María Pérez") -> dict[str, Any]:
    return {
        "candidate_name": name,
        "candidate_nationality": countries["MX"],
        "candidate_email": "maria@example.org",
        "candidate_biography": "Actuaria.",
        "note": "",
    }
