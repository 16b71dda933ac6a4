"""The resolutions register through the services: the continuing series, adoption from a
carried motion, the immutable Spanish text, amendments and repeals (services/resolutions.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from secretariat.conftest import make_user
from secretariat.core.models import ActionLog
from secretariat.governance.models import (
    AgendaItem,
    Resolution,
    ResolutionSeries,
    Session,
)
from secretariat.governance.selectors import resolutions as records
from secretariat.governance.services import resolutions as services
from secretariat.governance.tests.resolutions_world import (
    assembly_fixture,  # noqa: F401  (the `assembly` fixture)
    historical,
    make_motion,
    register_fixture,  # noqa: F401  (the `register` fixture)
    session_fixture,  # noqa: F401  (the `session` fixture)
    set_series,
)

pytestmark = pytest.mark.django_db


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
    statuses = {
        r.number: records.resolution_status(r) for r in records.resolution_list_for_user(user=None)
    }
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


def test_only_managers_of_resolutions_enter_them(comptroller):
    user = make_user("viewer@example.org")
    for actor in (comptroller, user):
        with pytest.raises(PermissionDenied):
            historical(actor, 3)
