"""The authorities' services: people, offices, mandates and the warnings that a term ends."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import TestCase

from secretariat.conftest import make_user
from secretariat.core import roles
from secretariat.core.models import ActionLog, EmailDelivery
from secretariat.core.rule_settings import get_definition
from secretariat.core.services.rule_settings import rule_setting_record
from secretariat.elections.models import TermEndWarning
from secretariat.elections.services import authorities as services
from secretariat.elections.tests.authorities_world import (
    assembly_fixture,  # noqa: F401  (the `assembly` fixture)
    make_mandate,
    make_person,
    mandates_fixture,  # noqa: F401  (the `mandates` fixture)
    offices_fixture,  # noqa: F401  (the `offices` fixture)
    people_fixture,  # noqa: F401  (the `people` fixture)
)
from secretariat.governance.models import Body, Mandate, Person

pytestmark = pytest.mark.django_db
d = dt.date


def last_log(event: str) -> ActionLog:
    return ActionLog.objects.filter(event=event).latest("id")


# --- people ------------------------------------------------------------------------------------


def test_it_records_a_person_with_their_biographies_and_logs_it(officer, countries):
    # when
    person = services.person_create(
        actor=officer,
        name=" Ana Pérez ",
        slug="ana-perez",
        nationality=countries["MX"],
        biography={"es": "Actuaria.", "en": "Actuary."},
        source="CV sent by the member",
    )

    # then
    person.refresh_from_db()
    assert (person.name, person.biography_es, person.biography_en) == (
        "Ana Pérez",
        "Actuaria.",
        "Actuary.",
    )
    log = last_log("person.created")
    assert log.actor == officer and log.target_id == str(person.pk)
    assert log.new_values["slug"] == "ana-perez"
    assert log.new_values["nationality"] == countries["MX"].pk


def test_it_leaves_an_unstated_nationality_unknown(officer):
    # when
    person = services.person_create(actor=officer, name="Ana", slug="ana")

    # then
    assert person.nationality is None


@pytest.mark.parametrize("slug", ["zoe-robledo-aburto", "new"])
def test_it_refuses_an_address_taken_or_reserved(officer, people, slug):
    # when / then
    with pytest.raises(ValidationError) as exc:
        services.person_create(actor=officer, name="Otra", slug=slug)
    assert "slug" in exc.value.message_dict
    assert Person.objects.count() == 4


@pytest.mark.parametrize("who", ["rep_a", "finance_officer", "comptroller"])
def test_it_lets_only_the_secretariat_record_people(who, request):
    # given
    user = request.getfixturevalue(who)

    # when / then
    with pytest.raises(PermissionDenied):
        services.person_create(actor=user, name="Ana", slug="ana")
    assert not Person.objects.exists()


def test_it_corrects_a_person_with_a_reason_kept_in_the_history(secretary_general, people):
    # given
    person = people["omar"]

    # when
    services.person_update(
        actor=secretary_general,
        person=person,
        data={"biography_fr": "Ancien secrétaire général."},
        reason="Traduction reçue",
    )

    # then
    person.refresh_from_db()
    assert person.biography_fr == "Ancien secrétaire général."
    log = last_log("person.updated")
    assert log.old_values == {"biography_fr": None} or log.old_values == {"biography_fr": ""}
    assert log.new_values == {"biography_fr": "Ancien secrétaire général."}
    assert log.reason == "Traduction reçue"
    assert person.history.latest().history_change_reason == "Traduction reçue"


def test_it_wants_a_reason_to_correct_a_person(officer, people):
    # when / then
    with pytest.raises(ValidationError) as exc:
        services.person_update(actor=officer, person=people["omar"], data={"name": "X"}, reason="")
    assert "reason" in exc.value.message_dict
    people["omar"].refresh_from_db()
    assert people["omar"].name == "Omar de la Torre"


# --- offices -----------------------------------------------------------------------------------


def test_it_changes_an_office_and_logs_only_what_changed(officer, offices):
    # given
    office = offices["secretary-general"]

    # when
    services.office_update(
        actor=officer,
        office=office,
        data={
            "reelection_limit": 2,
            "reelection_source": "Statute, art. 20",
            "requirements_es": "Ser nacional de un país miembro.",
            "term_years": 3,
        },
        reason="Statute received",
    )

    # then
    office.refresh_from_db()
    assert (office.reelection_limit, office.reelection_source) == (2, "Statute, art. 20")
    log = last_log("office.updated")
    assert set(log.new_values) == {"reelection_limit", "reelection_source", "requirements_es"}
    assert log.reason == "Statute received"


def test_it_wants_the_source_of_a_reelection_limit(officer, offices):
    # when / then
    with pytest.raises(ValidationError) as exc:
        services.office_update(
            actor=officer,
            office=offices["president"],
            data={"reelection_limit": 1, "reelection_source": ""},
            reason="x",
        )
    assert "reelection_source" in exc.value.message_dict


def test_it_refuses_fewer_places_than_the_holders_recorded(officer, offices, people):
    # given: two Vice-Presidents at once in 2024
    vp = offices["vice-president"]
    make_mandate(vp, people["omar"], d(2024, 1, 1), d(2025, 1, 1))
    make_mandate(vp, people["gino"], d(2024, 6, 1), d(2025, 1, 1))

    # when / then
    with pytest.raises(ValidationError) as exc:
        services.office_update(actor=officer, office=vp, data={"places": 1}, reason="x")
    assert "places" in exc.value.message_dict
    vp.refresh_from_db()
    assert vp.places == 3
    services.office_update(actor=officer, office=vp, data={"places": 2}, reason="x")


def test_it_refuses_an_electing_body_that_does_not_meet(officer, offices):
    # given
    office_body = Body.objects.get(code="presidency")

    # when / then
    with pytest.raises(ValidationError) as exc:
        services.office_update(
            actor=officer,
            office=offices["president"],
            data={"electing_body": office_body},
            reason="x",
        )
    assert "electing_body" in exc.value.message_dict


def test_it_lets_only_the_secretariat_change_an_office(rep_a, finance_officer, offices):
    for user in (rep_a, finance_officer):
        with pytest.raises(PermissionDenied):
            services.office_update(
                actor=user, office=offices["president"], data={"places": 2}, reason="x"
            )


# --- mandates: recording -------------------------------------------------------------------------


def test_it_records_a_mandate_with_how_and_where_and_logs_it(officer, offices, people):
    # when
    mandate = services.mandate_record(
        actor=officer,
        office=offices["president"],
        person=people["zoe"],
        valid_from=d(2026, 1, 1),
        valid_to=d(2029, 1, 1),
        valid_from_precision="year",
        valid_to_precision="year",
        term_label="2026–2028",
        how=Mandate.How.ELECTED,
        source="Minutes of the XXXI GA",
    )

    # then
    assert mandate.holder == "Zoé Robledo Aburto" and mandate.person == people["zoe"]
    log = last_log("mandate.recorded")
    assert log.target_id == str(mandate.pk) and log.new_values["how"] == "elected"
    assert log.new_values["valid_from"] == "2026-01-01"


def test_it_refuses_a_mandate_that_ends_before_it_starts(officer, offices, people):
    for end in (d(2026, 1, 1), d(2025, 12, 31)):
        with pytest.raises(ValidationError) as exc:
            services.mandate_record(
                actor=officer,
                office=offices["president"],
                person=people["zoe"],
                valid_from=d(2026, 1, 1),
                valid_to=end,
                source="s",
            )
        assert "valid_to" in exc.value.message_dict
    assert not Mandate.objects.exists()


def test_it_refuses_a_year_precision_date_that_is_not_the_first_of_january(
    officer, offices, people
):
    with pytest.raises(ValidationError) as exc:
        services.mandate_record(
            actor=officer,
            office=offices["president"],
            person=people["zoe"],
            valid_from=d(2026, 3, 1),
            valid_from_precision="year",
            source="s",
        )
    assert "valid_from" in exc.value.message_dict


def test_it_refuses_a_second_holder_of_a_one_place_office_on_any_day(officer, mandates, people):
    # given: Álvaro Velarca Hernández is Secretary General 2023-2025
    office = mandates["alvaro"].office

    # when / then: overlapping by one day at either end, or inside
    for start, end in [
        (d(2025, 12, 31), d(2029, 1, 1)),
        (d(2020, 1, 1), d(2023, 1, 2)),
        (d(2024, 5, 1), d(2024, 6, 1)),
        (None, d(2023, 6, 1)),  # an unknown start counts as open
        (d(2025, 1, 1), None),
    ]:
        with pytest.raises(ValidationError):
            services.mandate_record(
                actor=officer,
                office=office,
                person=people["gino"],
                valid_from=start,
                valid_to=end,
                source="s",
            )
    assert Mandate.objects.filter(office=office).count() == 2


def test_it_accepts_a_successor_from_the_day_the_term_ends(officer, mandates, people):
    # given: the term ends on 1 January 2026 (exclusive)
    office = mandates["alvaro"].office

    # when
    mandate = services.mandate_record(
        actor=officer,
        office=office,
        person=people["gino"],
        valid_from=d(2026, 1, 1),
        valid_to=d(2029, 1, 1),
        source="s",
    )

    # then
    assert mandate.pk


def test_it_fills_the_three_vice_presidencies_and_refuses_a_fourth(officer, offices):
    # given
    vp = offices["vice-president"]
    names = ["Uno", "Dos", "Tres", "Cuatro"]
    persons = [make_person(n, n.lower()) for n in names]

    # when: three at once, staggered
    for i, person in enumerate(persons[:3]):
        services.mandate_record(
            actor=officer,
            office=vp,
            person=person,
            valid_from=d(2026, 1 + i, 1),
            valid_to=d(2029, 1, 1),
            source="s",
        )

    # then: a fourth overlapping any day of all three is refused, one after is not
    with pytest.raises(ValidationError):
        services.mandate_record(
            actor=officer,
            office=vp,
            person=persons[3],
            valid_from=d(2028, 12, 31),
            valid_to=d(2030, 1, 1),
            source="s",
        )
    services.mandate_record(
        actor=officer,
        office=vp,
        person=persons[3],
        valid_from=d(2026, 1, 1),
        valid_to=d(2026, 2, 1),
        source="s",
    )


def test_it_lets_only_the_secretariat_record_a_mandate(comptroller, offices, people):
    with pytest.raises(PermissionDenied):
        services.mandate_record(
            actor=comptroller,
            office=offices["president"],
            person=people["zoe"],
            valid_from=d(2026, 1, 1),
            source="s",
        )
    assert not Mandate.objects.exists()


# --- mandates: correcting --------------------------------------------------------------------------


def test_it_corrects_a_mandate_keeping_the_earlier_values_in_its_history(officer, mandates):
    # given
    mandate = mandates["omar"]

    # when
    services.mandate_update(
        actor=officer,
        mandate=mandate,
        data={"valid_to": d(2022, 12, 1), "valid_to_precision": "month", "how": "elected"},
        reason="Minutes of the XXIX GA found",
    )

    # then
    mandate.refresh_from_db()
    assert (mandate.valid_to, mandate.how) == (d(2022, 12, 1), "elected")
    log = last_log("mandate.updated")
    assert log.old_values == {"valid_to": "2023-01-01", "valid_to_precision": "year", "how": ""}
    assert log.reason == "Minutes of the XXIX GA found"
    history = list(mandate.history.order_by("history_date"))
    assert len(history) == 2 and history[0].valid_to == d(2023, 1, 1)
    assert history[-1].history_change_reason == "Minutes of the XXIX GA found"


def test_it_renames_the_holder_with_the_person(officer, mandates, people):
    # when
    services.mandate_update(
        actor=officer, mandate=mandates["gino"], data={"person": people["omar"]}, reason="Wrong"
    )

    # then
    mandates["gino"].refresh_from_db()
    assert mandates["gino"].holder == "Omar de la Torre"


def test_it_refuses_a_correction_that_overlaps_another_holder(officer, mandates):
    # when / then: Omar's mandate pushed into Álvaro's
    with pytest.raises(ValidationError):
        services.mandate_update(
            actor=officer,
            mandate=mandates["omar"],
            data={"valid_to": d(2023, 6, 1), "valid_to_precision": "day"},
            reason="x",
        )
    mandates["omar"].refresh_from_db()
    assert mandates["omar"].valid_to == d(2023, 1, 1)


def test_it_wants_a_reason_to_correct_a_mandate(officer, mandates):
    with pytest.raises(ValidationError) as exc:
        services.mandate_update(
            actor=officer, mandate=mandates["omar"], data={"term_label": "x"}, reason=" "
        )
    assert "reason" in exc.value.message_dict


def test_it_cannot_move_a_mandate_to_another_office(officer, mandates, offices):
    with pytest.raises(ValueError):
        services.mandate_update(
            actor=officer,
            mandate=mandates["omar"],
            data={"office": offices["president"]},
            reason="x",
        )


# --- warnings that a term ends ----------------------------------------------------------------------


@pytest.fixture
def recipients(officer, secretary_general, finance_officer):
    """The officer and the Secretary General receive the warnings; finance does not."""
    inactive = make_user("gone@example.org", roles.OFFICER)
    inactive.is_active = False
    inactive.save()
    return {officer.email, secretary_general.email}


def test_it_warns_the_secretariat_once_of_a_term_ending_within_the_period(recipients, mandates):
    # given: the 2023-2025 terms end on 1 January 2026; the default period is 180 days
    today = d(2025, 9, 1)

    # when
    with TestCase.captureOnCommitCallbacks(execute=False):
        warned = services.term_end_warnings_send(today=today, site_url="https://s.example")
        again = services.term_end_warnings_send(today=d(2025, 9, 2))

    # then: the President and the Secretary General, each once; not Gino (ended 2025)
    assert {w.mandate for w in warned} == {mandates["zoe"], mandates["alvaro"]}
    assert again == []
    assert TermEndWarning.objects.count() == 2
    emails = EmailDelivery.objects.filter(purpose="elections.term_end")
    assert emails.count() == 2
    email = emails.get(target_id=str(mandates["alvaro"].pk))
    assert set(email.to) == recipients
    assert "Álvaro Velarca Hernández" in email.subject and "Secretario General" in email.subject
    assert "2025" in email.body and "https://s.example/es/elections/authorities/" in email.body
    log = last_log("mandate.term_end_warned")
    assert log.actor is None and log.new_values["recipients"] == 2


def test_it_does_not_warn_outside_the_period_set_by_the_rule(recipients, mandates, officer):
    # given: the period shortened to 30 days
    rule_setting_record(
        actor=officer,
        key="elections.term_end_warning_days",
        raw_value="30",
        valid_from=d(2025, 1, 1),
        confirmed=False,
        legal_basis="",
        source="Test",
        reason="Test",
    )

    # when
    assert services.term_end_warnings_send(today=d(2025, 11, 1)) == []
    warned = services.term_end_warnings_send(today=d(2025, 12, 2))

    # then
    assert len(warned) == 2
    assert get_definition("elections.term_end_warning_days").default == 180


def test_it_warns_again_when_the_end_is_moved(recipients, mandates, officer):
    # given
    services.term_end_warnings_send(today=d(2025, 12, 1))
    services.mandate_update(
        actor=officer,
        mandate=mandates["zoe"],
        data={"valid_to": d(2026, 3, 1), "valid_to_precision": "day"},
        reason="Term extended until the Assembly",
    )

    # when
    warned = services.term_end_warnings_send(today=d(2025, 12, 2))

    # then
    assert [w.mandate for w in warned] == [mandates["zoe"]]


def test_it_records_nothing_without_anyone_to_warn(mandates):
    # when
    warned = services.term_end_warnings_send(today=d(2025, 12, 1))

    # then
    assert warned == [] and not TermEndWarning.objects.exists()


def test_the_command_sends_the_warnings(recipients, mandates):
    # when
    out = StringIO()
    call_command("warn_term_ends", "--date", "2025-12-01", stdout=out)

    # then
    assert "Warnings queued: 2" in out.getvalue()
    assert TermEndWarning.objects.count() == 2
