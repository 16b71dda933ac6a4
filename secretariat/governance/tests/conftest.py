"""Bodies, offices and mandates shaped like the CISS's, created directly for governance tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from secretariat.governance.models import Body, Mandate, Office
from secretariat.members.models import DatePrecision

# Every test here pins the same day, so "in force today" does not depend on the clock.
TODAY = dt.date(2024, 6, 1)


@dataclass
class Organs:
    assembly: Body
    committee: Body
    ciess: Body
    ciess_board: Body
    president: Office
    vice_president: Office
    secretary_general: Office
    director: Office


@pytest.fixture
def today(monkeypatch) -> dt.date:
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)
    return TODAY


@pytest.fixture
def organs(db) -> Organs:
    assembly = Body.objects.create(
        code="general-assembly",
        name_es="Asamblea General",
        name_en="General Assembly",
        kind=Body.Kind.ASSEMBLY,
        order=1,
        description_es="Órgano supremo.",
        description_en="Highest organ.",
        source="https://ciss-bienestar.org",
    )
    committee = Body.objects.create(
        code="standing-committee",
        name_es="Comité Permanente",
        name_en="Standing Committee",
        kind=Body.Kind.COMMITTEE,
        order=2,
    )
    ciess = Body.objects.create(
        code="ciess", name_es="CIESS", name_en="CIESS", kind=Body.Kind.CENTRE, order=5
    )
    ciess_board = Body.objects.create(
        code="ciess-board",
        name_es="Junta Directiva del CIESS",
        name_en="CIESS Board of Directors",
        kind=Body.Kind.COMMITTEE,
        order=3,
        parent=ciess,
    )
    president = Office.objects.create(
        code="president",
        name_es="Presidencia",
        name_en="President",
        body=committee,
        term_years=3,
        order=1,
    )
    vice_president = Office.objects.create(
        code="vice-president",
        name_es="Vicepresidencia",
        name_en="Vice-President",
        body=committee,
        order=2,
    )
    secretary_general = Office.objects.create(
        code="secretary-general",
        name_es="Secretaría General",
        name_en="Secretary General",
        body=committee,
        term_years=3,
        order=3,
    )
    director = Office.objects.create(
        code="ciess-director",
        name_es="Dirección del CIESS",
        name_en="CIESS Director",
        body=ciess,
        order=4,
    )
    year = DatePrecision.YEAR
    Mandate.objects.create(
        office=president,
        holder="Zoé Robledo Aburto",
        valid_from=dt.date(2023, 1, 1),
        valid_from_precision=year,
        valid_to=dt.date(2026, 1, 1),
        valid_to_precision=year,
        term_label="2023–2025",
        decision="XXX Ordinary General Assembly (September 2022)",
    )
    for y, holder in [
        (2023, "David A. Matthias"),
        (2024, "Gino Dávila Herrera"),
        (2025, "André Rodrigues Veras"),
    ]:
        Mandate.objects.create(
            office=vice_president,
            holder=holder,
            valid_from=dt.date(y, 1, 1),
            valid_from_precision=year,
            valid_to=dt.date(y + 1, 1, 1),
            valid_to_precision=year,
            term_label=str(y),
        )
    Mandate.objects.create(
        office=secretary_general,
        holder="Omar de la Torre",
        valid_from=dt.date(2016, 1, 1),
        valid_to=dt.date(2023, 1, 1),
        valid_to_precision=year,
    )
    Mandate.objects.create(
        office=secretary_general,
        holder="Álvaro Velarca Hernández",
        valid_from=dt.date(2023, 1, 1),
        valid_from_precision=year,
        valid_to=dt.date(2026, 1, 1),
        valid_to_precision=year,
        term_label="2023–2025",
    )
    Mandate.objects.create(office=director, holder="Emilio A. Carrasco González", valid_from=None)
    return Organs(
        assembly,
        committee,
        ciess,
        ciess_board,
        president,
        vice_president,
        secretary_general,
        director,
    )


# --- Sessions --------------------------------------------------------------------------
# A General Assembly of all members and a Standing Committee of seats, with the rules
# profiles set, so session tests build on the same shapes as the CISS data.


@dataclass
class SessionWorld:
    assembly: Body
    committee: Body
    full: list  # full members (vote)
    associate: list  # associate members (voice)
    seats: list  # the Standing Committee's voting seats
    voice_seats: list  # Secretary General, Comptroller (voice only)


@pytest.fixture
def session_world(db, categories, countries) -> SessionWorld:
    from secretariat.conftest import make_member
    from secretariat.governance.models import RulesProfile, Seat

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
    full = [
        make_member(f"Instituto Titular {i}", countries["MX"], categories["full"])
        for i in range(1, 7)
    ]
    associate = [
        make_member(f"Instituto Asociado {i}", countries["PE"], categories["associate"])
        for i in range(1, 4)
    ]
    since = dt.date(2020, 1, 1)
    seats = [
        Seat.objects.create(
            body=committee,
            capacity=Seat.Capacity.OFFICER,
            title="Presidencia",
            holder="Presidente de prueba",
            valid_from=since,
            order=1,
        )
    ] + [
        Seat.objects.create(
            body=committee,
            capacity=Seat.Capacity.MEMBER,
            title=f"Coordinación de la Subregión {n}",
            institution=full[n - 1],
            holder=f"Coordinador {n}",
            valid_from=since,
            order=10 + n,
        )
        for n in range(1, 5)
    ]
    voice_seats = [
        Seat.objects.create(
            body=committee,
            capacity=Seat.Capacity.VOICE,
            title=title,
            holder=f"{title} de prueba",
            valid_from=since,
            order=50 + i,
        )
        for i, title in enumerate(["Secretaría General", "Contraloría"])
    ]
    return SessionWorld(assembly, committee, full, associate, seats, voice_seats)


# --- Convocations ---------------------------------------------------------------------


@pytest.fixture
def mailing(session_world) -> SessionWorld:
    """Representatives for every member (one with an English-speaking account, one without
    any e-mail), e-mails on the Standing Committee's seats, an observer seat on the Assembly
    and one address shared by a seat and a representative (sent once)."""
    from secretariat.conftest import make_user
    from secretariat.core import roles
    from secretariat.governance.models import Seat
    from secretariat.members.models import Representative

    w = session_world
    since = dt.date(2020, 1, 1)
    english = make_user("rep.full1@example.org", roles.REPRESENTATIVE)
    english.preferred_language = "en"
    english.save()
    for i, inst in enumerate(w.full + w.associate, start=1):
        Representative.objects.create(
            institution=inst,
            user=english if i == 1 else None,
            full_name=f"Representante {i}",
            role=Representative.Role.HEAD,
            email="" if i == 1 else f"rep{i}@example.org",
            valid_from=since,
        )
    # a representative whose term ended: not convened
    Representative.objects.create(
        institution=w.full[0],
        full_name="Antiguo representante",
        role=Representative.Role.ALTERNATE,
        email="old@example.org",
        valid_from=since,
        valid_to=dt.date(2021, 1, 1),
    )
    # a representative with no e-mail at all: nothing to send
    Representative.objects.create(
        institution=w.full[5],
        full_name="Sin correo",
        role=Representative.Role.ALTERNATE,
        valid_from=since,
    )
    w.seats[0].email = "president@example.org"
    w.seats[0].save()
    for n, seat in enumerate(w.seats[1:], start=1):
        # coordinator 2's seat has the same address as member 2's representative
        seat.email = "rep2@example.org" if n == 2 else f"coordinator{n}@example.org"
        seat.save()
    for seat in w.voice_seats:
        seat.email = f"{seat.title.split()[0].lower()}@example.org"
        seat.save()
    Seat.objects.create(
        body=w.assembly,
        capacity=Seat.Capacity.OBSERVER,
        title="Observador",
        holder="Organización observadora",
        email="observer@example.org",
        valid_from=since,
    )
    return w
