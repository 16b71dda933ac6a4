"""The resolutions register's world, shared by its services', views' and API tests: a closed
General Assembly session (`session`), motions carried or not with their vote, the series
set, earlier resolutions entered from their sources (`register`: Nos. 1, 34 and 53).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from secretariat.governance.models import (
    AgendaItem,
    Motion,
    Resolution,
    ResolutionSeries,
    Session,
    Vote,
)
from secretariat.governance.services import resolutions as services
from secretariat.members.models import DatePrecision, Source

NOW = timezone.now()


def page_url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(f"governance:{name}", kwargs=kwargs or None)


def make_session(body, number: int = 30, *, days_ago: int = 10, state: str = "closed") -> Session:
    starts = NOW - dt.timedelta(days=days_ago)
    return Session.objects.create(
        body=body,
        kind=Session.Kind.ORDINARY,
        number=number,
        title_es=f"Sesión {number} de {body.name_es}",
        title_en=f"Session {number} of the {body.name_en}",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=3),
        state=state,
        languages=["es", "en"],
        time_zone="America/Mexico_City",
    )


def make_motion(
    session: Session,
    number: int = 1,
    *,
    carried: bool = True,
    vote_carried: bool | None = None,
    item: AgendaItem | None = None,
    closed_at: dt.datetime | None = None,
) -> tuple[Motion, Vote]:
    motion = Motion.objects.create(
        session=session,
        agenda_item=item,
        number=number,
        proposer="Presidencia",
        title_es=f"Programa de actividades {number}",
        title_en=f"Programme of activities {number}",
        text_es=f"La Asamblea aprueba el programa de actividades {number}.",
        text_en=f"The Assembly approves the programme of activities {number}.",
        state=Motion.State.CARRIED if carried else Motion.State.NOT_CARRIED,
    )
    vote_carried = carried if vote_carried is None else vote_carried
    vote = Vote.objects.create(
        motion=motion,
        method=Vote.Method.SHOW_OF_HANDS,
        state=Vote.State.CLOSED,
        majority="simple",
        entitled=6,
        present=5,
        yes=4 if vote_carried else 1,
        no=1 if vote_carried else 4,
        abstain=0,
        carried_computed=vote_carried,
        opened_at=session.starts_at + dt.timedelta(hours=1),
        closed_at=closed_at or session.starts_at + dt.timedelta(hours=1, minutes=5),
    )
    return motion, vote


@pytest.fixture(name="assembly")
def assembly_fixture(session_world):
    return session_world.assembly


@pytest.fixture(name="session")
def session_fixture(assembly) -> Session:
    return make_session(assembly)


def set_series(officer, number: int = 59) -> ResolutionSeries:
    return services.resolution_series_set(
        actor=officer,
        next_number=number,
        basis="Última resolución publicada (prueba)",
        reason="Continuar la serie real",
    )


def historical(officer, number: int, title: str = "Declaración de prueba", **kw) -> Resolution:
    return services.resolution_record_historical(
        actor=officer,
        number=number,
        title_es=title,
        source="Fuente de prueba",
        adopted_on=kw.pop("adopted_on", dt.date(1960, 1, 1)),
        adopted_on_precision=kw.pop("adopted_on_precision", DatePrecision.YEAR),
        origin=Source.REFERENCE,
        **kw,
    )


@pytest.fixture(name="register")
def register_fixture(officer):
    historical(officer, 1, "Declaración de Santiago de Chile", adopted_on=dt.date(1942, 1, 1))
    historical(
        officer,
        34,
        "Creación del Centro Interamericano de Estudios",
        adopted_on=dt.date(1951, 1, 1),
        kind=Resolution.Kind.RESOLUTION,
    )
    historical(
        officer,
        53,
        "Declaración de México",
        title_en="Declaration of Mexico",
        text_es="Seguridad social para todos.",
        adopted_on=dt.date(1960, 1, 1),
        kind=Resolution.Kind.DECLARATION,
    )
    return officer
