"""services/nominations.py: receiving, withdrawing and correcting nominations."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from secretariat.core.models import ActionLog, EmailDelivery, RuleSetting
from secretariat.elections.models import (
    Contest,
    CorrectionRequest,
    Nomination,
    NominationDocument,
)
from secretariat.elections.services import nominations as services
from secretariat.elections.tests.nominations_world import (
    MEXICO,
    PDF,
    candidate_data,
    make_call,
    make_nomination,
    nom_world,
    pdf,
)
from secretariat.governance.models import Session

__all__ = ["nom_world"]


def _submit(world, actor, now=None, files=None, call=None, institution=None, name="María Pérez"):
    call = call or world["call"]
    co = world["co_president"] if call.pk == world["call"].pk else call.offices.first()
    return services.nomination_submit(
        actor=actor,
        call=call,
        call_office=co,
        institution=institution or world["member_a"],
        data=candidate_data(world["countries"], name),
        files=files if files is not None else {},
        now=now,
    )


@pytest.mark.django_db
def test_it_receives_a_nomination_with_its_documents_a_log_and_a_receipt(nom_world, rep_a):
    # given
    cv = nom_world["reqs"]["cv"]
    # when
    nomination = _submit(nom_world, rep_a, files={cv.pk: pdf()})
    # then
    assert nomination.channel == Nomination.Channel.PORTAL
    version = nomination.versions.get()
    assert version.number == 1 and version.candidate_name == "María Pérez"
    doc = NominationDocument.objects.get(version=version)
    assert doc.sha256 == hashlib.sha256(PDF).hexdigest()
    assert doc.file_name == "cv.pdf" and doc.content_type == "application/pdf"
    assert "cv.pdf" not in doc.file.name
    log = ActionLog.objects.get(event="nomination.received", target_id=str(nomination.pk))
    assert log.actor == rep_a and log.new_values["institution"] == nom_world["member_a"].pk
    assert ActionLog.objects.filter(event="nomination.version_added").count() == 1
    assert ActionLog.objects.filter(event="nomination.documents_added").count() == 1
    email = EmailDelivery.objects.get(purpose="elections.nomination_receipt")
    assert email.to == ["rep.a@example.org"] and "María Pérez" in email.body


@pytest.mark.django_db
def test_it_accepts_one_second_before_the_deadline_and_refuses_at_it(nom_world, rep_a):
    # given: a deadline at 23:59:59 in Mexico City
    deadline = dt.datetime(2026, 3, 15, 23, 59, 59, tzinfo=MEXICO)
    call = make_call(opens_at=deadline - dt.timedelta(days=30), deadline=deadline, title="C1")
    from secretariat.elections.tests.nominations_world import add_office

    add_office(call, nom_world["president"])
    # when: one second before
    ok = _submit(nom_world, rep_a, now=deadline - dt.timedelta(seconds=1), call=call)
    # then
    assert ok.received_at == deadline - dt.timedelta(seconds=1)
    # when: at the deadline, observed from UTC (05:59:59 the next day)
    at = deadline.astimezone(dt.UTC)
    assert at.hour == 5 and at.day == 16
    with pytest.raises(ValidationError) as exc:
        _submit(nom_world, rep_a, now=at, call=call, name="Otro")
    # then: the message states the deadline in the Call's zone
    assert "The deadline was March 15, 2026, 23:59:59 (America/Mexico_City)." in exc.value.messages
    assert Nomination.objects.filter(call=call).count() == 1


@pytest.mark.django_db
def test_it_refuses_before_the_call_opens_and_a_call_not_published(nom_world, rep_a):
    opens = timezone.now() + dt.timedelta(hours=1)
    call = make_call(opens_at=opens, deadline=opens + dt.timedelta(days=3), title="Futura")
    from secretariat.elections.tests.nominations_world import add_office

    add_office(call, nom_world["president"])
    with pytest.raises(ValidationError, match="Nominations open on"):
        _submit(nom_world, rep_a, call=call)
    draft = make_call(state="draft", title="Borrador")
    add_office(draft, nom_world["president"])
    with pytest.raises(ValidationError, match="not receiving nominations"):
        _submit(nom_world, rep_a, call=draft)
    assert not Nomination.objects.exists()


@pytest.mark.django_db
def test_it_refuses_more_nominations_per_office_than_the_rule_allows(nom_world, rep_a, officer):
    # given: one live nomination (the [D] limit is 1)
    _submit(nom_world, rep_a)
    # when / then
    with pytest.raises(ValidationError, match="the limit is 1 per office"):
        _submit(nom_world, rep_a, name="Segundo")
    # given: the rule in force allows two
    RuleSetting.objects.create(
        key="elections.nominations_per_office",
        value=2,
        valid_from=dt.date(2000, 1, 1),
        status=RuleSetting.Status.CONFIRMED,
        legal_basis="Reglamento",
        source="Reglamento de elecciones, art. 3",
        recorded_by=officer,
    )
    assert _submit(nom_world, rep_a, name="Segundo").pk
    assert Nomination.objects.count() == 2


@pytest.mark.django_db
def test_a_withdrawn_nomination_does_not_count_toward_the_limit(nom_world, rep_a):
    first = _submit(nom_world, rep_a)
    services.nomination_withdraw(actor=rep_a, nomination=first, reason="Renunció")
    assert _submit(nom_world, rep_a, name="Segundo").pk


@pytest.mark.django_db
def test_it_refuses_an_institution_not_represented_or_not_a_full_member(nom_world, rep_a, rep_b):
    with pytest.raises(ValidationError, match="do not represent"):
        _submit(nom_world, rep_a, institution=nom_world["member_b"])
    with pytest.raises(ValidationError, match="not a full member"):
        _submit(nom_world, rep_b, institution=nom_world["member_b"])
    assert not Nomination.objects.exists()


@pytest.mark.django_db
def test_it_refuses_staff_who_may_not_nominate(nom_world, officer):
    with pytest.raises(PermissionDenied):
        _submit(nom_world, officer)


@pytest.mark.django_db
def test_it_refuses_an_upload_whose_content_is_not_what_its_name_says(nom_world, rep_a):
    cv = nom_world["reqs"]["cv"]
    with pytest.raises(ValidationError) as exc:
        _submit(nom_world, rep_a, files={cv.pk: pdf("cv.pdf", b"MZ not a pdf at all")})
    assert f"doc_{cv.pk}" in exc.value.message_dict
    assert not Nomination.objects.exists() and not NominationDocument.objects.exists()


@pytest.mark.django_db
def test_it_refuses_an_upload_over_the_size_limit(nom_world, rep_a, settings):
    settings.SECRETARIAT_MAX_UPLOAD_BYTES = 10
    cv = nom_world["reqs"]["cv"]
    with pytest.raises(ValidationError, match="too large"):
        _submit(nom_world, rep_a, files={cv.pk: pdf()})


@pytest.mark.django_db
def test_it_records_a_paper_nomination_received_in_time(nom_world, officer):
    received = timezone.now() - dt.timedelta(hours=2)
    nomination = services.nomination_record_paper(
        actor=officer,
        call=nom_world["call"],
        call_office=nom_world["co_secretary"],
        institution=nom_world["member_a"],
        data=candidate_data(nom_world["countries"]),
        files={},
        received_at=received,
    )
    assert nomination.channel == Nomination.Channel.PAPER
    assert nomination.received_at == received
    assert ActionLog.objects.get(event="nomination.received").actor == officer


@pytest.mark.django_db
def test_it_refuses_a_paper_nomination_received_late(nom_world, officer):
    deadline = dt.datetime(2026, 3, 15, 23, 59, 59, tzinfo=MEXICO)
    call = make_call(opens_at=deadline - dt.timedelta(days=30), deadline=deadline, title="C2")
    from secretariat.elections.tests.nominations_world import add_office

    co = add_office(call, nom_world["president"])
    with pytest.raises(ValidationError) as exc:
        services.nomination_record_paper(
            actor=officer,
            call=call,
            call_office=co,
            institution=nom_world["member_a"],
            data=candidate_data(nom_world["countries"]),
            files={},
            received_at=deadline,
        )
    assert exc.value.message_dict["received_at"] == [
        "It was received late: the deadline was March 15, 2026, 23:59:59 (America/Mexico_City)."
    ]
    assert not Nomination.objects.exists()


@pytest.mark.django_db
def test_it_withdraws_with_a_reason_and_keeps_the_record(nom_world, rep_a):
    nomination = _submit(nom_world, rep_a)
    with pytest.raises(ValidationError):
        services.nomination_withdraw(actor=rep_a, nomination=nomination, reason="")
    done = services.nomination_withdraw(actor=rep_a, nomination=nomination, reason="Renunció")
    assert done.state == Nomination.State.WITHDRAWN and done.withdrawn_at
    log = ActionLog.objects.get(event="nomination.withdrawn")
    assert log.reason == "Renunció" and log.new_values["state"] == "withdrawn"
    with pytest.raises(ValidationError, match="already withdrawn"):
        services.nomination_withdraw(actor=rep_a, nomination=done, reason="Otra vez")


@pytest.mark.django_db
def test_it_refuses_a_withdrawal_by_another_member_or_once_the_election_started(
    nom_world, rep_a, rep_b, officer
):
    nomination = _submit(nom_world, rep_a)
    with pytest.raises(ValidationError, match="Only the nominating member"):
        services.nomination_withdraw(actor=rep_b, nomination=nomination, reason="No")
    from secretariat.governance.models import Body, RulesProfile
    from secretariat.governance.tests.test_permission_matrix_sessions import _session

    body = Body.objects.create(
        code="ga",
        name_es="AG",
        kind=Body.Kind.ASSEMBLY,
        rules_profile=RulesProfile.GENERAL_ASSEMBLY,
    )
    session = _session(body, 33, Session.State.OPEN, days=0)
    Contest.objects.create(
        call_office=nom_world["co_president"], session=session, started_at=timezone.now()
    )
    with pytest.raises(ValidationError, match="has started"):
        services.nomination_withdraw(actor=rep_a, nomination=nomination, reason="Tarde")


def _ask(nomination, officer, now, days=10):
    correction = CorrectionRequest.objects.create(
        nomination=nomination,
        message="Falta el CV",
        due=now + dt.timedelta(days=days),
        requested_by=officer,
        requested_at=now,
    )
    Nomination.objects.filter(pk=nomination.pk).update(state=Nomination.State.CORRECTION_REQUESTED)
    return correction


@pytest.mark.django_db
def test_it_corrects_with_a_new_version_carrying_the_documents_not_replaced(
    nom_world, rep_a, officer
):
    # given: a nomination with a CV, and a correction asked for
    cv = nom_world["reqs"]["cv"]
    nomination = _submit(nom_world, rep_a, files={cv.pk: pdf()})
    now = timezone.now()
    correction = _ask(nomination, officer, now)
    nomination.refresh_from_db()
    # when
    data = candidate_data(nom_world["countries"], "María Pérez López")
    version = services.nomination_correct(
        actor=rep_a, nomination=nomination, data=data, files={}, now=now
    )
    # then: version 2, version 1 unchanged, the CV carried, the request answered
    assert version.number == 2 and version.candidate_name == "María Pérez López"
    assert nomination.versions.get(number=1).candidate_name == "María Pérez"
    carried = NominationDocument.objects.get(version=version)
    first = NominationDocument.objects.get(version__number=1)
    assert carried.file.name == first.file.name and carried.sha256 == first.sha256
    correction.refresh_from_db()
    assert correction.answered_by_version == version
    nomination.refresh_from_db()
    assert nomination.state == Nomination.State.SUBMITTED
    assert ActionLog.objects.filter(event="nomination.corrected").count() == 1


@pytest.mark.django_db
def test_it_refuses_a_correction_at_its_due_time_stating_it(nom_world, rep_a, officer):
    nomination = _submit(nom_world, rep_a)
    asked = dt.datetime(2026, 3, 1, 12, 0, 0, tzinfo=MEXICO)
    correction = _ask(nomination, officer, asked)
    nomination.refresh_from_db()
    data = candidate_data(nom_world["countries"])
    with pytest.raises(ValidationError) as exc:
        services.nomination_correct(
            actor=rep_a, nomination=nomination, data=data, files={}, now=correction.due
        )
    assert exc.value.messages == [
        "The correction was due by March 11, 2026, 12:00:00 (America/Mexico_City)."
    ]
    version = services.nomination_correct(
        actor=rep_a,
        nomination=nomination,
        data=data,
        files={},
        now=correction.due - dt.timedelta(seconds=1),
    )
    assert version.number == 2


@pytest.mark.django_db
def test_it_refuses_a_correction_nobody_asked_for(nom_world, rep_a):
    nomination = _submit(nom_world, rep_a)
    with pytest.raises(ValidationError, match="asked for no correction"):
        services.nomination_correct(
            actor=rep_a,
            nomination=nomination,
            data=candidate_data(nom_world["countries"]),
            files={},
        )
    assert nomination.versions.count() == 1


@pytest.mark.django_db
def test_make_nomination_builds_what_the_services_build(nom_world, rep_a):
    """The world's shortcut gives the same shape (one version) as the service."""
    made = make_nomination(
        nom_world["co_secretary"], nom_world["member_a"], "Ana", nom_world["countries"]["PE"]
    )
    assert made.versions.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("zone_name", "stated"),
    [
        ("America/Sao_Paulo", "June 30, 2026, 18:00:00 (America/Sao_Paulo)"),
        ("Pacific/Auckland", "June 30, 2026, 18:00:00 (Pacific/Auckland)"),
        ("America/Los_Angeles", "June 30, 2026, 18:00:00 (America/Los_Angeles)"),
    ],
)
def test_the_deadline_holds_to_the_second_in_the_calls_own_zone(
    nom_world, rep_a, zone_name, stated
):
    # given: a deadline at 18:00:00 local time in the Call's zone
    import zoneinfo

    from secretariat.elections.tests.nominations_world import add_office

    deadline = dt.datetime(2026, 6, 30, 18, 0, 0, tzinfo=zoneinfo.ZoneInfo(zone_name))
    call = make_call(
        opens_at=deadline - dt.timedelta(days=30), deadline=deadline, time_zone=zone_name
    )
    add_office(call, nom_world["president"])
    # when / then: 17:59:59 there is in time, 18:00:00 there is late
    assert _submit(nom_world, rep_a, call=call, now=deadline - dt.timedelta(seconds=1)).pk
    with pytest.raises(ValidationError) as exc:
        _submit(nom_world, rep_a, call=call, now=deadline.astimezone(dt.UTC), name="Tarde")
    assert exc.value.messages == [f"The deadline was {stated}."]
