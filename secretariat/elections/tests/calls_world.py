"""Fixtures and helpers of the Call for Candidates tests: the General Assembly and its offices
as the CISS has them (data/ciss/officers.yaml), a session of the Assembly, and Calls in each
state, made through the services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from secretariat.elections.models import Call
from secretariat.elections.services import call_parts, calls
from secretariat.governance.models import Body, Office, RulesProfile, Session

MX = ZoneInfo("America/Mexico_City")


@dataclass
class Organs:
    assembly: Body
    committee: Body
    ga_session: Session
    committee_session: Session
    president: Office
    secretary_general: Office
    comptroller: Office
    vice_president: Office


@pytest.fixture(name="organs")
def organs_fixture(db) -> Organs:
    assembly = Body.objects.create(
        code="general-assembly",
        name_es="Asamblea General",
        name_en="General Assembly",
        kind=Body.Kind.ASSEMBLY,
        rules_profile=RulesProfile.GENERAL_ASSEMBLY,
        all_members_sit=True,
        order=1,
    )
    committee = Body.objects.create(
        code="standing-committee",
        name_es="Comité Permanente",
        name_en="Standing Committee",
        kind=Body.Kind.COMMITTEE,
        rules_profile=RulesProfile.STANDING_COMMITTEE,
        order=2,
    )

    def office(code: str, es: str, en: str, order: int, years: int | None, places: int = 1):
        return Office.objects.create(
            code=code,
            name_es=es,
            name_en=en,
            body=committee,
            electing_body=assembly,
            term_years=years,
            places=places,
            order=order,
        )

    def session(body: Body, number: int) -> Session:
        return Session.objects.create(
            body=body,
            kind=Session.Kind.ORDINARY,
            number=number,
            title_es=f"{number} Asamblea",
            title_en=f"{number} Assembly",
            starts_at=dt.datetime(2027, 9, 10, 15, 0, tzinfo=dt.UTC),
            languages=["es", "en"],
        )

    return Organs(
        assembly=assembly,
        committee=committee,
        ga_session=session(assembly, 31),
        committee_session=session(committee, 120),
        president=office("president", "Presidente", "President", 10, 3),
        vice_president=office("vice-president", "Vicepresidente", "Vice-President", 20, None, 3),
        secretary_general=office(
            "secretary-general", "Secretario General", "Secretary General", 30, 3
        ),
        comptroller=office("comptroller", "Contralor", "Comptroller", 40, 3),
    )


def local_naive(days: int, hour: int = 23, minute: int = 59, second: int = 59) -> dt.datetime:
    """A local date and time, as typed, `days` from today in Mexico City."""
    today = timezone.now().astimezone(MX).date()
    return dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour, minute, second))


def call_data(**over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title_es": "Convocatoria a candidaturas 2028–2030",
        "title_en": "Call for Candidates 2028–2030",
        "title_pt": "",
        "title_fr": "",
        "text_es": "La Secretaría General convoca a presentar candidaturas.",
        "text_en": "The General Secretariat calls for nominations.",
        "text_pt": "",
        "text_fr": "",
        "reference": "CISS/SG/2027/01",
        "session": None,
        "opens_at": local_naive(-1, 9, 0, 0),
        "deadline": local_naive(30),
        "time_zone": "America/Mexico_City",
        "languages": ["en"],
        "correction_days": 10,
    }
    data.update(over)
    return data


def draft_call(actor, organs: Organs, *, offices: bool = True, **over: Any) -> Call:
    call = calls.call_create(actor=actor, data=call_data(**over))
    if offices:
        for office in (organs.secretary_general, organs.comptroller):
            call_parts.call_office_add(
                actor=actor, call=call, office=office, data={"term_start": dt.date(2028, 1, 1)}
            )
    return Call.objects.get(pk=call.pk)


def approved_call(actor, organs: Organs, **over: Any) -> Call:
    call = draft_call(actor, organs, **over)
    return calls.call_approve(
        actor=actor, call=call, decision="Oficio SG/123 del Secretario General"
    )


def published_call(actor, organs: Organs, **over: Any) -> Call:
    call = approved_call(actor, organs, **over)
    return calls.call_publish(actor=actor, call=call, base_url="https://secretariat.example")


def closed_call(actor, organs: Organs) -> Call:
    call = published_call(actor, organs)
    return calls.call_close(actor=actor, call=call, now=call.deadline)
