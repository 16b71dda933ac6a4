"""Drafting, refreshing and signing the eligibility report (services.reports)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from secretariat.core.models import ActionLog
from secretariat.elections.models import Call, EligibilityReport, Finding
from secretariat.elections.services.reports import report_draft, report_refresh, report_sign
from secretariat.elections.tests.report_world import (
    find,
    make_session,
    review_everyone,
    world_fixture,  # noqa: F401  (the `world` fixture)
)
from secretariat.governance.models import AgendaItem, DocumentFile

pytestmark = pytest.mark.django_db


def _log(event: str, report: EligibilityReport) -> ActionLog:
    return ActionLog.objects.get(event=event, target_id=str(report.pk))


def _signed(world, reason="Informe a la Asamblea") -> EligibilityReport:
    review_everyone(world)
    draft = report_draft(actor=world.officer, call=world.call)
    return report_sign(actor=world.secretary_general, report=draft, reason=reason)


def test_it_drafts_version_one_from_the_reviews(world):
    # given
    review_everyone(world)
    # when
    report = report_draft(actor=world.officer, call=world.call)
    # then
    assert (report.version, report.state) == (1, EligibilityReport.State.DRAFT)
    assert report.content["summary"]["eligible"] == 1
    assert report.created_by == world.officer
    log = _log("eligibility_report.drafted", report)
    assert log.actor == world.officer
    assert log.new_values["version"] == 1
    assert log.new_values["not_eligible"] == 1


def test_it_refuses_a_draft_to_those_who_only_read(world, finance_officer, comptroller, rep_a):
    for user in (finance_officer, comptroller, rep_a):
        with pytest.raises(PermissionDenied):
            report_draft(actor=user, call=world.call)
    assert not EligibilityReport.objects.exists()


def test_it_refuses_a_second_draft_and_a_draft_call(world):
    report_draft(actor=world.officer, call=world.call)
    with pytest.raises(ValidationError, match="refresh it"):
        report_draft(actor=world.officer, call=world.call)
    Call.objects.filter(pk=world.call.pk).update(state=Call.State.DRAFT)
    EligibilityReport.objects.all().delete()
    with pytest.raises(ValidationError, match="still a draft"):
        report_draft(actor=world.officer, call=Call.objects.get(pk=world.call.pk))
    assert not EligibilityReport.objects.exists()


def test_it_refreshes_a_draft_from_the_current_reviews(world):
    # given a draft before any review
    report = report_draft(actor=world.officer, call=world.call)
    assert report.content["summary"]["pending"] == 2
    # when the reviews are done and the draft is refreshed
    review_everyone(world)
    report = report_refresh(actor=world.officer, report=report)
    # then
    report.refresh_from_db()
    assert report.content["summary"]["pending"] == 0
    log = _log("eligibility_report.refreshed", report)
    assert (log.old_values["pending"], log.new_values["pending"]) == (2, 0)


def test_it_lets_only_the_secretary_general_sign(world):
    review_everyone(world)
    draft = report_draft(actor=world.officer, call=world.call)
    with pytest.raises(PermissionDenied):
        report_sign(actor=world.officer, report=draft, reason="x")
    draft.refresh_from_db()
    assert draft.state == EligibilityReport.State.DRAFT
    assert not ActionLog.objects.filter(event="eligibility_report.signed").exists()


def test_it_refuses_to_sign_while_a_candidate_is_pending_and_says_which(world):
    # given Bruno's curriculum not reviewed yet
    find(world.ana, world.standing, Finding.Result.MET, world.officer)
    find(world.ana, world.cv, Finding.Result.MET, world.officer)
    find(world.bruno, world.standing, Finding.Result.MET, world.officer)
    draft = report_draft(actor=world.officer, call=world.call)
    # when / then
    with pytest.raises(ValidationError) as refused:
        report_sign(actor=world.secretary_general, report=draft, reason="Informe")
    assert "Bruno Silva (Secretary General)" in refused.value.messages[0]
    assert "Ana" not in refused.value.messages[0]
    draft.refresh_from_db()
    assert draft.state == EligibilityReport.State.DRAFT


def test_it_refuses_to_sign_a_draft_the_reviews_have_overtaken(world):
    review_everyone(world)
    draft = report_draft(actor=world.officer, call=world.call)
    find(world.bruno, world.cv, Finding.Result.MET, world.officer)
    with pytest.raises(ValidationError, match="refresh it"):
        report_sign(actor=world.secretary_general, report=draft, reason="Informe")


def test_it_requires_a_reason_to_sign(world):
    review_everyone(world)
    draft = report_draft(actor=world.officer, call=world.call)
    with pytest.raises(ValidationError):
        report_sign(actor=world.secretary_general, report=draft, reason=" ")


def test_signing_freezes_the_version_and_files_it_with_the_election_item(world):
    # when
    report = _signed(world)
    # then
    report.refresh_from_db()
    assert report.state == EligibilityReport.State.SIGNED
    assert report.signed_by == world.secretary_general
    assert report.signed_at is not None
    document = report.document
    assert document.session == world.session
    assert document.agenda_item == world.election_item
    assert "version 1" in document.title_en
    files = DocumentFile.objects.filter(document=document)
    assert sorted(files.values_list("version", "language")) == [(1, "en"), (1, "es")]
    for row in files:
        assert row.file.read().startswith(b"%PDF-")
    log = _log("eligibility_report.signed", report)
    assert log.reason == "Informe a la Asamblea"
    assert log.new_values["document"] == document.pk
    assert log.new_values["agenda_item"] == world.election_item.pk


def test_a_signed_version_is_never_changed_again(world):
    report = _signed(world)
    frozen = dict(report.content)
    find(world.bruno, world.cv, Finding.Result.MET, world.officer)
    with pytest.raises(ValidationError, match="frozen"):
        report_refresh(actor=world.officer, report=report)
    with pytest.raises(ValidationError, match="already final"):
        report_sign(actor=world.secretary_general, report=report, reason="otra vez")
    report.refresh_from_db()
    assert report.content == frozen


def test_a_new_version_needs_a_reason_and_supersedes_the_signed_one(world):
    # given a signed version, then a changed finding
    first = _signed(world)
    find(world.bruno, world.cv, Finding.Result.MET, world.officer, note="Recibido tarde.")
    # when a new version is drafted without a reason
    with pytest.raises(ValidationError):
        report_draft(actor=world.officer, call=world.call, reason="")
    second = report_draft(actor=world.officer, call=world.call, reason="Currículum recibido")
    second = report_sign(actor=world.secretary_general, report=second, reason="Versión 2")
    # then
    first.refresh_from_db()
    assert first.state == EligibilityReport.State.SUPERSEDED
    assert second.version == 2 and second.reason == "Currículum recibido"
    assert second.content["summary"]["eligible"] == 2
    assert second.document == first.document  # a new version of the same session document
    files = DocumentFile.objects.filter(document=first.document)
    assert sorted(files.values_list("version", "language")) == [
        (1, "en"),
        (1, "es"),
        (2, "en"),
        (2, "es"),
    ]
    log = _log("eligibility_report.superseded", first)
    assert log.new_values == {"state": "superseded", "by_version": 2}
    assert log.reason == "Versión 2"


def test_it_signs_without_filing_when_the_call_names_no_session(world):
    Call.objects.filter(pk=world.call.pk).update(session=None)
    world.call = Call.objects.get(pk=world.call.pk)
    report = _signed(world)
    assert report.state == EligibilityReport.State.SIGNED
    assert report.document is None


def test_it_files_on_the_item_the_signer_chooses_of_that_session_only(world):
    review_everyone(world)
    draft = report_draft(actor=world.officer, call=world.call)
    other = make_session(world.election_item.session.body, 32, ["es"])
    elsewhere = AgendaItem.objects.create(session=other, title_es="Elecciones", position=1)
    with pytest.raises(ValidationError):
        report_sign(actor=world.secretary_general, report=draft, reason="x", agenda_item=elsewhere)
    opening = AgendaItem.objects.get(session=world.session, position=1)
    report = report_sign(
        actor=world.secretary_general, report=draft, reason="x", agenda_item=opening
    )
    assert report.document.agenda_item == opening


def test_it_files_only_the_languages_the_session_works_in(world):
    from secretariat.governance.models import Session

    Session.objects.filter(pk=world.session.pk).update(languages=["es"])
    report = _signed(world)
    assert list(
        DocumentFile.objects.filter(document=report.document).values_list("language", flat=True)
    ) == ["es"]
