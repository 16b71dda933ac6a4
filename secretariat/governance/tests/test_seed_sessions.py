"""Reference sessions, resolutions and seats (seed_ciss), the benchmark sessions
(seed_session_scale) and the demo's example session (seed_demo)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from secretariat.core.models import ActionLog
from secretariat.governance.models import (
    AgendaItem,
    Body,
    Document,
    DocumentFile,
    Motion,
    Participant,
    Resolution,
    ResolutionSeries,
    Seat,
    Session,
)
from secretariat.governance.selectors.composition import composition_on
from secretariat.members.models import Institution, Membership, Source

pytestmark = pytest.mark.django_db

MEXICO = zoneinfo.ZoneInfo("America/Mexico_City")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def run(command: str, *args: str) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """Rows of every model, historical ones included."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"members", "governance", "core", "auth", "mfa", "account"}
    }


def seats_on(code: str, day: dt.date) -> dict[str, str]:
    """{seat title: holder} of a body's seats in force on a day."""
    return dict(Seat.objects.active_on(day).filter(body__code=code).values_list("title", "holder"))


# --- seed_ciss: sessions -----------------------------------------------------------------


def test_it_loads_the_sessions_the_sources_name():
    # when
    run("seed_ciss")

    # then
    sessions = Session.objects.order_by("starts_at")
    assert [(s.body.code, s.kind, s.number) for s in sessions] == [
        ("general-assembly", "extraordinary", 1),
        ("general-assembly", "ordinary", 25),
        ("general-assembly", "ordinary", 26),
        ("general-assembly", "ordinary", 30),
    ]
    for session in sessions:
        assert session.state == Session.State.CLOSED
        assert session.origin == Source.REFERENCE
        assert session.source and session.notes.startswith("[es] ")
        assert "\n\n[en] " in session.notes
        assert session.starts_at.astimezone(MEXICO).time() == dt.time(12)
    xxx = Session.objects.get(number=30)
    assert (xxx.title_es, xxx.title_en) == (
        "XXX Asamblea General Ordinaria",
        "XXX Ordinary General Assembly",
    )
    assert xxx.title_pt == "XXX Assembleia Geral Ordinária"
    assert xxx.starts_at.astimezone(MEXICO).date() == dt.date(2022, 9, 1)
    assert xxx.date_precision == "month"
    assert "Zoé Robledo Aburto" in xxx.notes and "Álvaro Velarca Hernández" in xxx.notes
    first = Session.objects.get(kind="extraordinary", number=1)
    assert (first.title_es, first.place, first.country.code) == (
        "I Asamblea General Extraordinaria",
        "Ciudad de México",
        "MX",
    )
    assert (first.starts_at.astimezone(MEXICO).date(), first.date_precision) == (
        dt.date(1988, 8, 1),
        "month",
    )
    guatemala = Session.objects.get(number=25)
    assert (guatemala.place, guatemala.country.code, guatemala.date_precision) == (
        "Guatemala",
        "GT",
        "year",
    )
    assert "Declaración de Guatemala" in guatemala.notes


def test_it_leaves_what_the_sources_do_not_say_empty():
    # when
    run("seed_ciss")

    # then: no place for the XXVI and XXX, no languages, who convened the 1988 one unknown
    for number in (26, 30):
        session = Session.objects.get(kind="ordinary", number=number)
        assert (session.place, session.country) == ("", None)
    assert not Session.objects.exclude(languages=[]).exists()
    assert Session.objects.get(kind="extraordinary", number=1).convened_by == ""
    assert not Session.objects.filter(chair__gt="").exists()


# --- seed_ciss: resolutions --------------------------------------------------------------


def test_it_loads_the_numbered_resolutions():
    # when
    run("seed_ciss")

    # then
    rows = list(
        Resolution.objects.order_by("number").values_list(
            "number", "kind", "title_es", "adopted_on", "adopted_on_precision"
        )
    )
    year = "year"
    assert [(n, k, t or "", d, d and p) for n, k, t, d, p in rows] == [
        (1, "declaration", "Declaración de Santiago de Chile", dt.date(1942, 1, 1), year),
        (34, "resolution", "", dt.date(1951, 1, 1), year),
        (51, "resolution", "", dt.date(1955, 1, 1), year),
        (53, "declaration", "Declaración de México", None, None),
        (55, "resolution", "", dt.date(1960, 1, 1), year),
        (58, "resolution", "", dt.date(1960, 1, 1), year),
    ]
    for resolution in Resolution.objects.all():
        assert resolution.origin == Source.REFERENCE and resolution.source
        assert resolution.session is None
    assert "CIESS" in Resolution.objects.get(number=34).source
    # The real last number is unknown: the series is left for the Secretariat to set.
    assert not ResolutionSeries.objects.exclude(next_number=None).exists()


# --- seed_ciss: seats --------------------------------------------------------------------


def test_it_seats_the_standing_committee_as_the_source_states():
    # when
    run("seed_ciss")

    # then: in 2024, the officers of the 2023-2025 term and the Vice-President for 2024
    seats = seats_on("standing-committee", dt.date(2024, 6, 1))
    assert seats == {
        "Presidencia": "Zoé Robledo Aburto",
        "Vicepresidencia 1": "Gino Dávila Herrera",
        "Vicepresidencia 2": "",
        "Vicepresidencia 3": "",
        "Coordinación de la Subregión I": "",
        "Coordinación de la Subregión II": "",
        "Coordinación de la Subregión III": "",
        "Coordinación de la Subregión IV": "",
        "Coordinación de la Subregión V": "",
        "Representación de los miembros asociados": "",
        "Representación de los miembros adherentes y vinculados (en su caso)": "",
        "Secretaría General": "Álvaro Velarca Hernández",
        "Contraloría": "Nicolas Starck Aguilera",
        "Dirección del CIESS": "Emilio A. Carrasco González",
    }
    committee = Body.objects.get(code="standing-committee")
    voting = Seat.objects.active_on(dt.date(2024, 6, 1)).filter(body=committee)
    assert sum(seat.has_vote for seat in voting) == 11
    assert {s.title for s in voting if not s.has_vote} == {
        "Secretaría General",
        "Contraloría",
        "Dirección del CIESS",
    }
    assert seats_on("standing-committee", dt.date(2023, 3, 1))["Vicepresidencia 1"] == (
        "David A. Matthias"
    )
    assert seats_on("standing-committee", dt.date(2025, 3, 1))["Vicepresidencia 1"] == (
        "André Rodrigues Veras"
    )
    # From 2026 the holders are unknown: the seats stay, empty, for the Secretariat to fill.
    later = seats_on("standing-committee", dt.date(2026, 3, 1))
    assert len(later) == 14
    assert later["Presidencia"] == later["Secretaría General"] == ""
    assert later["Contraloría"] == "Nicolas Starck Aguilera"  # named as current, no end known
    assert seats_on("standing-committee", dt.date(2022, 6, 1)) == {}
    assert not Seat.objects.filter(source="").exists()
    assert Seat.objects.get(title="Presidencia", valid_from=dt.date(2023, 1, 1)).office.code == (
        "president"
    )


def test_it_seats_the_voice_attendees_of_the_assembly_and_none_on_the_ciess_board():
    # when
    run("seed_ciss")

    # then
    assert seats_on("general-assembly", dt.date(2024, 6, 1)) == {
        "Secretaría General": "Álvaro Velarca Hernández",
        "Contraloría": "Nicolas Starck Aguilera",
        "Dirección del CIESS": "Emilio A. Carrasco González",
    }
    assert set(
        Seat.objects.filter(body__code="general-assembly").values_list("capacity", flat=True)
    ) == {Seat.Capacity.VOICE}
    assert not Seat.objects.filter(body__code="ciess-board").exists()
    rows = composition_on(Body.objects.get(code="standing-committee"), dt.date(2024, 6, 1))
    assert "Gino Dávila Herrera" in {row.holder for row in rows}


def test_seed_ciss_stays_idempotent_with_sessions_resolutions_and_seats():
    # given
    run("seed_ciss")
    entry = ActionLog.objects.get(event="seed.ciss_loaded")
    # 165 members and governance records, 59 of finance's chart (accounts, journals, funds, programmes)
    assert entry.new_values == {"created": 165 + 59, "updated": 0}
    assert (Session.objects.count(), Resolution.objects.count(), Seat.objects.count()) == (
        4,
        6,
        23,
    )
    before = row_counts()

    # when
    output = run("seed_ciss")

    # then
    assert row_counts() == before
    assert "nothing changed" in output


def test_seed_ciss_keeps_what_the_secretariat_filled_in():
    # given
    run("seed_ciss")
    seat = Seat.objects.get(title="Presidencia", valid_from=dt.date(2026, 1, 1))
    Seat.objects.filter(pk=seat.pk).update(holder="Nombre registrado por la Secretaría")
    Resolution.objects.filter(number=34).update(title_es="Título registrado por la Secretaría")
    Session.objects.filter(number=26).update(place="Lugar registrado por la Secretaría")

    # when
    run("seed_ciss")

    # then: an unknown in the files never erases a value entered since
    assert Seat.objects.get(pk=seat.pk).holder == "Nombre registrado por la Secretaría"
    assert Resolution.objects.get(number=34).title_es == "Título registrado por la Secretaría"
    assert Session.objects.get(number=26).place == "Lugar registrado por la Secretaría"


def test_seed_ciss_corrects_a_changed_known_fact():
    # given
    run("seed_ciss")
    Seat.objects.filter(title="Presidencia", valid_from=dt.date(2023, 1, 1)).update(holder="X")

    # when
    run("seed_ciss")

    # then
    assert (
        Seat.objects.get(title="Presidencia", valid_from=dt.date(2023, 1, 1)).holder
        == "Zoé Robledo Aburto"
    )


# --- seed_session_scale ------------------------------------------------------------------


def test_seed_session_scale_builds_the_benchmark_sessions(media):
    # when
    output = run("seed_session_scale", "--items", "12", "--participants", "30", "--voters", "25")

    # then: the session page's session
    bench = Session.objects.get(body__code="general-assembly", kind="ordinary", number=900)
    assert bench.origin == Source.SYNTHETIC and bench.title_en == "Benchmark session"
    assert bench.state == Session.State.CONVENED and bench.documents_published_at
    top = AgendaItem.objects.filter(session=bench, parent__isnull=True)
    assert top.count() == 12
    assert AgendaItem.objects.filter(session=bench, parent__isnull=False).count() == 2  # item 3
    assert Document.objects.filter(session=bench).count() == 24
    files = DocumentFile.objects.filter(document__session=bench)
    assert files.count() == 48
    assert set(files.values_list("language", flat=True)) == {"es", "en"}
    first = files.first()
    assert first.file.read().startswith(b"%PDF-")
    delegates = Participant.objects.filter(session=bench)
    assert delegates.count() == 30
    assert not delegates.exclude(credentials=Participant.Credentials.ACCEPTED).exists()
    # the vote session: each voter a present, accredited head of a full member, with an account
    vote = Session.objects.get(body__code="general-assembly", number=901)
    assert vote.state == Session.State.OPEN
    voters = Participant.objects.filter(session=vote)
    assert voters.count() == 25
    assert not voters.filter(user__isnull=True).exists()
    assert not voters.exclude(present=True, role=Participant.Role.HEAD).exists()
    assert voters.filter(user__email="voter0001@bench.invalid").exists()
    full = Membership.objects.filter(institution__origin=Source.SYNTHETIC, category__code="full")
    assert full.count() == 25
    assert Motion.objects.filter(session=vote, state=Motion.State.PROPOSED).count() == 1
    assert f"/es/sessions/{bench.pk}/" in output

    # when run again, then nothing new
    before = row_counts()
    run("seed_session_scale", "--items", "12", "--participants", "30", "--voters", "25")
    assert row_counts() == before
    assert Institution.objects.filter(origin=Source.SYNTHETIC).count() == 25


def test_the_benchmark_session_page_answers_anonymous_visitors(client, media):
    # given
    run("seed_session_scale", "--items", "6", "--participants", "9", "--voters", "3")
    bench = Session.objects.get(number=900)

    # when
    response = client.get(f"/es/sessions/{bench.pk}/")

    # then
    assert response.status_code == 200
    assert "Punto sintético 6" in response.content.decode()


# --- seed_demo: the example sessions ---------------------------------------------------


def test_seed_demo_builds_the_example_sessions_once(client, media):
    # when
    run("seed_demo")

    # then: the example General Assembly, next after the reference XXX, about 3 weeks ahead
    assembly = Session.objects.get(body__code="general-assembly", origin=Source.EXAMPLE)
    assert (assembly.kind, assembly.number, assembly.state) == ("ordinary", 31, "convened")
    assert assembly.title_es == "XXXI Asamblea General Ordinaria"
    assert assembly.languages == ["es", "en", "pt"] and assembly.place == "Ciudad de México"
    days_ahead = (assembly.starts_at.astimezone(MEXICO).date() - dt.date.today()).days
    assert 19 <= days_ahead <= 23
    assert assembly.is_example and "ejemplo" in assembly.notes.lower()
    assert assembly.convocation_es and assembly.convocation_pt

    # its agenda: nine items, two sub-items, documents with a PDF in es and en
    items = AgendaItem.objects.filter(session=assembly)
    assert items.filter(parent__isnull=True).count() == 9
    assert items.filter(parent__isnull=False).count() == 2
    assert items.filter(parent__isnull=True, position=1).get().title_en == (
        "Opening of the session"
    )
    documents = Document.objects.filter(session=assembly)
    # five of its own, and the example election cycle's signed eligibility report (elections.demo)
    assert documents.count() == 6
    files = DocumentFile.objects.filter(document__session=assembly)
    assert set(files.values_list("language", flat=True)) == {"es", "en"}
    assert files.first().file.read().startswith(b"%PDF-")

    # its delegates: example persons for twenty full members, rep.a heading a full member's
    delegates = Participant.objects.filter(session=assembly, institution__isnull=False)
    full = delegates.filter(
        institution__memberships__category__code="full",
        institution__memberships__valid_to__isnull=True,
    )
    assert full.values("institution").distinct().count() == 20
    examples = delegates.exclude(user__email__endswith="@demo.ciss")
    assert all(" de ejemplo " in name for name in examples.values_list("full_name", flat=True))
    rep_a = delegates.get(user__email="rep.a@demo.ciss")
    assert rep_a.role == Participant.Role.HEAD and rep_a.accredited
    assert rep_a.institution.memberships.get(valid_to__isnull=True).category.has_vote
    rep_b = delegates.get(user__email="rep.b@demo.ciss")
    assert rep_b.role == Participant.Role.HEAD
    rejected = delegates.get(credentials=Participant.Credentials.REJECTED)
    assert rejected.credentials_note.startswith("Ejemplo")
    assert delegates.filter(credentials=Participant.Credentials.ACCEPTED).count() > 15
    proxy = assembly.proxies.get()
    assert proxy.state == "accepted" and proxy.holder == rep_a.institution
    seat_holders = Participant.objects.filter(session=assembly, role=Participant.Role.SEAT_HOLDER)
    assert seat_holders.count() == 3 and all(p.accredited for p in seat_holders)

    # the Standing Committee's extraordinary session, in preparation
    committee = Session.objects.get(body__code="standing-committee", origin=Source.EXAMPLE)
    assert (committee.kind, committee.state, committee.convened_by) == (
        "extraordinary",
        "draft",
        "president",
    )

    # the pages label them as examples
    page = client.get(f"/en/sessions/{assembly.pk}/")
    assert page.status_code == 200
    assert "Example (demo)" in page.content.decode()
    listing = client.get("/en/sessions/").content.decode()
    assert "XXXI Ordinary General Assembly" in listing and "badge--example" in listing

    # when run again, then nothing new
    before = row_counts()
    run("seed_demo")
    assert row_counts() == before
