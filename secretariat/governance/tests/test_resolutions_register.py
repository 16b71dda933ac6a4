"""The resolutions register: the continuing series, adoption from a carried motion, the
immutable Spanish text, amendments and repeals, search, public pages and the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from secretariat.conftest import client_for, make_user
from secretariat.core.models import ActionLog
from secretariat.governance.models import (
    AgendaItem,
    Motion,
    Resolution,
    ResolutionSeries,
    Session,
    Vote,
)
from secretariat.governance.selectors import records
from secretariat.governance.services import resolutions as services
from secretariat.members.models import DatePrecision, Source

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def _url(name: str, language: str = "en", **kwargs) -> str:
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


@pytest.fixture
def assembly(session_world):
    return session_world.assembly


@pytest.fixture
def session(assembly) -> Session:
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


# --- The series ------------------------------------------------------------------------


def test_it_refuses_to_adopt_before_the_next_number_is_set(officer, session):
    # given
    motion, _vote = make_motion(session)
    # when / then
    with pytest.raises(ValidationError) as exc:
        services.resolution_adopt(actor=officer, motion=motion, title_es="Programa")
    assert "Set the next number of the series first" in str(exc.value)
    assert not Resolution.objects.exists()


def test_it_gives_consecutive_numbers_to_adopted_resolutions(officer, session):
    # given
    set_series(officer, 59)
    first, _ = make_motion(session, 1)
    second, _ = make_motion(session, 2)
    # when
    a = services.resolution_adopt(actor=officer, motion=first, title_es="Primera")
    b = services.resolution_adopt(actor=officer, motion=second, title_es="Segunda")
    # then
    assert (a.number, b.number) == (59, 60)
    assert ResolutionSeries.objects.get().next_number == 61
    assert ActionLog.objects.filter(event="resolution.adopted").count() == 2
    advanced = ActionLog.objects.filter(event="resolution_series.advanced").order_by("id")
    assert [e.new_values["next_number"] for e in advanced] == [60, 61]


def test_it_refuses_a_next_number_at_or_below_the_highest_recorded(officer):
    # given
    historical(officer, 58)
    # when / then
    for number in (58, 12):
        with pytest.raises(ValidationError) as exc:
            set_series(officer, number)
        assert exc.value.message_dict["next_number"] == [
            "Resolution No. 58 is already recorded; the next number must be above it."
        ]
    series = set_series(officer, 59)
    assert series.next_number == 59
    entry = ActionLog.objects.get(event="resolution_series.set")
    assert entry.new_values == {"next_number": 59, "basis": "Última resolución publicada (prueba)"}
    assert entry.reason == "Continuar la serie real"


def test_only_the_secretariat_sets_the_series(rep_a, finance_officer):
    for user in (rep_a, finance_officer):
        with pytest.raises(PermissionDenied):
            set_series(user, 10)
    assert not ResolutionSeries.objects.exclude(next_number=None).exists()


def test_an_earlier_resolution_needs_a_free_number_and_keeps_the_series_above(officer):
    # given
    set_series(officer, 59)
    historical(officer, 34, adopted_on=dt.date(1951, 1, 1))
    # when
    with pytest.raises(ValidationError) as exc:
        historical(officer, 34)
    # then
    assert exc.value.message_dict["number"] == ["Resolution No. 34 is already recorded."]
    # an earlier resolution at or above the next number moves the next number above it
    historical(officer, 63)
    assert ResolutionSeries.objects.get().next_number == 64
    with pytest.raises(ValidationError) as exc:
        services.resolution_record_historical(actor=officer, number=70, title_es="X", source="")
    assert "source" in exc.value.message_dict


# --- Adoption ---------------------------------------------------------------------------


def test_it_adopts_the_motion_text_with_its_session_item_and_vote(officer, session):
    # given
    set_series(officer, 59)
    item = AgendaItem.objects.create(session=session, position=1, title_es="Programa")
    late = dt.datetime(2024, 5, 2, 4, 30, tzinfo=dt.UTC)  # 1 May, 22:30 in Mexico City
    motion, vote = make_motion(session, item=item, closed_at=late)
    # when
    resolution = services.resolution_adopt(
        actor=officer, motion=motion, title_es="Programa de actividades", title_en="Programme"
    )
    # then
    assert resolution.text_es == motion.text_es
    assert (resolution.session, resolution.agenda_item, resolution.vote) == (session, item, vote)
    assert resolution.adopted_on == dt.date(2024, 5, 1)
    assert resolution.recorded_by == officer
    assert Session.objects.get(pk=session.pk).revision > session.revision


def test_it_refuses_a_motion_that_did_not_carry(officer, session):
    # given
    set_series(officer, 59)
    lost, _ = make_motion(session, 1, carried=False)
    overturned, _ = make_motion(session, 2, carried=True, vote_carried=False)
    # when / then
    with pytest.raises(ValidationError) as exc:
        services.resolution_adopt(actor=officer, motion=lost, title_es="X")
    assert "Only a motion that carried becomes a resolution" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.resolution_adopt(actor=officer, motion=overturned, title_es="X")
    assert "last closed vote did not carry" in str(exc.value)
    assert ResolutionSeries.objects.get().next_number == 59


def test_a_motion_becomes_one_resolution_only(officer, session):
    set_series(officer, 59)
    motion, _ = make_motion(session)
    services.resolution_adopt(actor=officer, motion=motion, title_es="X")
    with pytest.raises(ValidationError) as exc:
        services.resolution_adopt(actor=officer, motion=motion, title_es="Y")
    assert "already Resolution No. 59" in str(exc.value)
    assert ResolutionSeries.objects.get().next_number == 60


def test_the_spanish_text_cannot_change_but_translations_can(officer, session):
    # given
    set_series(officer, 59)
    motion, _ = make_motion(session)
    resolution = services.resolution_adopt(actor=officer, motion=motion, title_es="Programa")
    # when / then
    with pytest.raises(ValidationError) as exc:
        services.resolution_update_translations(
            actor=officer, resolution=resolution, reason="Corrección", text_es="Otro texto"
        )
    assert "cannot change" in exc.value.message_dict["text_es"][0]
    services.resolution_update_translations(
        actor=officer,
        resolution=resolution,
        reason="Traducción revisada",
        title_fr="Programme d'activités",
        text_fr="L'Assemblée approuve le programme.",
    )
    resolution.refresh_from_db()
    assert resolution.text_es == motion.text_es
    assert resolution.title_fr == "Programme d'activités"
    entry = ActionLog.objects.get(event="resolution.translations_updated")
    assert entry.reason == "Traducción revisada" and "title_fr" in entry.new_values


# --- Amendments, repeals, status ---------------------------------------------------------


def test_later_resolutions_amend_and_repeal_earlier_ones(officer):
    # given
    old = historical(officer, 55)
    other = historical(officer, 56)
    amender = historical(officer, 58)
    repealer = historical(officer, 60)
    # when
    services.resolution_link(
        actor=officer, resolution=amender, target=old, relation="amends", reason="Texto de 58"
    )
    services.resolution_link(
        actor=officer, resolution=repealer, target=other, relation="repeals", reason="Texto de 60"
    )
    # then
    statuses = {r.number: records.resolution_status(r) for r in records.resolution_list()}
    # 58 and 60 were entered from earlier records: nothing later is linked to them, so the
    # register does not claim they are in force
    assert statuses == {55: "amended", 56: "repealed", 58: "not_recorded", 60: "not_recorded"}
    assert ActionLog.objects.filter(event="resolution.amends", target_id=str(amender.pk)).exists()
    # a resolution links only to an earlier one, and a repealed one is not touched again
    with pytest.raises(ValidationError) as exc:
        services.resolution_link(
            actor=officer, resolution=old, target=amender, relation="amends", reason="x"
        )
    assert "is not earlier than" in exc.value.message_dict["target"][0]
    with pytest.raises(ValidationError) as exc:
        services.resolution_link(
            actor=officer, resolution=repealer, target=other, relation="amends", reason="x"
        )
    assert "already records a link" in exc.value.message_dict["target"][0]


# --- Search and pages ---------------------------------------------------------------------


@pytest.fixture
def register(officer):
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


def test_it_searches_by_number_and_by_words_in_the_language_and_in_spanish(client, register):
    def numbers(lang: str = "en", **params) -> list[int]:
        response = client.get(_url("resolution-list", lang), params)
        assert response.status_code == 200
        return [row.resolution.number for row in response.context["page"].object_list]

    assert numbers() == [53, 34, 1]
    assert numbers(q="34") == [34]
    assert numbers(q="No. 53") == [53]
    assert numbers(q="declaración") == [53, 1]
    assert numbers(q="Declaration Mexico") == [53]  # the English title
    assert numbers("es", q="Declaration") == []  # Spanish page: Spanish text only
    assert numbers(q="seguridad todos") == [53]  # words in the text
    assert numbers(kind="declaration") == [53]
    assert numbers(year_from="1950", year_to="1955") == [34]
    assert numbers(sort="number") == [1, 34, 53]


def test_the_list_is_public_with_statuses_and_constant_queries(
    client, register, django_assert_max_num_queries
):
    # given
    for n in range(100, 130):
        historical(register, n, f"Resolución {n}")
    # when
    # queries: session/auth (0 for anonymous), body filter choices, count, page
    with django_assert_max_num_queries(4):
        response = client.get(_url("resolution-list"))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    # entered from earlier records, nothing later linked: the register does not say "in force"
    assert 'href="/en/resolutions/129/"' in html and "Status not recorded" in html
    assert "translation pending" in html  # no English title recorded for most


def test_the_resolution_page_shows_adoption_links_and_pending_translation(
    client, officer, session, django_assert_max_num_queries
):
    # given
    historical(officer, 55, "Resolución sobre el CIESS")
    set_series(officer, 59)
    motion, vote = make_motion(session)
    adopted = services.resolution_adopt(actor=officer, motion=motion, title_es="Programa")
    services.resolution_link(
        actor=officer,
        resolution=adopted,
        target=Resolution.objects.get(number=55),
        relation="amends",
        reason="Texto",
    )
    # when
    # queries: resolution with session, body, item, vote, motion; four link prefetches
    with django_assert_max_num_queries(6):
        page_55 = client.get(_url("resolution-detail", number=55))
    page_59 = client.get(_url("resolution-detail", number=59))
    page_59_es = client.get(_url("resolution-detail", "es", number=59))
    # then
    html_55 = page_55.content.decode()
    assert "Amended by" in html_55 and 'href="/en/resolutions/59/"' in html_55
    assert "Translation pending" in html_55
    html = page_59.content.decode()
    assert "Show of hands" in html and "Yes: 4 · No: 1 · Abstentions: 0" in html
    assert "Carried" in html and session.title_en in html
    assert 'href="/en/resolutions/55/"' in html
    assert page_59_es.status_code == 200 and "La Asamblea aprueba" in page_59_es.content.decode()
    assert client.get(_url("resolution-detail", number=999)).status_code == 404


def test_the_staff_pages_need_the_permission(client, officer, rep_a, session):
    motion, _ = make_motion(session)
    historical(officer, 5)
    pages = [
        _url("resolution-series"),
        _url("resolution-record"),
        _url("resolution-edit", number=5),
        _url("resolution-link", number=5),
        _url("resolution-adopt", motion_pk=motion.pk),
    ]
    for url in pages:
        assert client.get(url).status_code == 302  # to the login page
        assert client_for(rep_a).get(url).status_code == 403
        assert client_for(officer).get(url).status_code == 200


def test_it_adopts_a_resolution_through_the_pages(officer, session):
    # given
    staff = client_for(officer)
    motion, _ = make_motion(session)
    adopt_url = _url("resolution-adopt", motion_pk=motion.pk)
    # the form is prefilled from the motion and points to the series first
    page = staff.get(adopt_url).content.decode()
    assert "Set the next number of the series first" in page
    assert motion.text_es in page and _url("resolution-series") in page
    response = staff.post(
        _url("resolution-series"),
        {"next_number": "59", "basis": "Serie real (prueba)", "reason": "Inicio"},
    )
    assert response.status_code == 302
    # when
    response = staff.post(
        adopt_url,
        {"kind": "resolution", "title_es": "Programa", "text_es": motion.text_es, "source": ""},
    )
    # then
    assert response.status_code == 302 and response["Location"] == _url(
        "resolution-detail", number=59
    )
    series_page = staff.get(_url("resolution-series")).content.decode()
    assert "resolution_series.set" in series_page and "Serie real (prueba)" in series_page
    # editing translations cannot reach the Spanish text
    response = staff.post(
        _url("resolution-edit", number=59),
        {"title_en": "Programme", "text_en": "Text", "reason": "Traducción"},
    )
    assert response.status_code == 302
    assert Resolution.objects.get(number=59).title_en == "Programme"


def test_the_series_page_shows_the_refusal(officer):
    historical(officer, 58)
    response = client_for(officer).post(
        _url("resolution-series"), {"next_number": "40", "basis": "x", "reason": "y"}
    )
    assert response.status_code == 200
    assert "Resolution No. 58 is already recorded; the next number must be above it." in (
        response.content.decode()
    )


def test_it_links_resolutions_through_the_page(officer):
    historical(officer, 55)
    historical(officer, 58)
    staff = client_for(officer)
    response = staff.post(
        _url("resolution-link", number=58),
        {"relation": "repeals", "target": "55", "reason": "Art. 1"},
    )
    assert response.status_code == 302
    assert "Repealed" in client_for(None).get(_url("resolution-detail", number=55)).content.decode()
    response = staff.post(
        _url("resolution-link", number=58), {"relation": "amends", "target": "77", "reason": "x"}
    )
    assert "No resolution with number 77 is recorded." in response.content.decode()


# --- API ----------------------------------------------------------------------------------


def test_the_api_lists_and_shows_resolutions(register):
    from ninja.testing import TestClient

    from secretariat.governance.api import router

    api = TestClient(router)
    data = api.get("/resolutions?q=declaración&lang=en").json()
    assert data["count"] == 2
    first = data["items"][0]
    assert first["number"] == 53 and first["title"] == "Declaration of Mexico"
    assert first["status"] == "not_recorded" and first["kind"] == "declaration"
    one = api.get("/resolutions/1?lang=en").json()
    assert one["title"] == "Declaración de Santiago de Chile" and one["translation_pending"]
    assert api.get("/resolutions/999").status_code == 404


def test_only_managers_of_resolutions_enter_them(comptroller):
    user = make_user("viewer@example.org")
    for actor in (comptroller, user):
        with pytest.raises(PermissionDenied):
            historical(actor, 3)
