"""Assessments (services.assessments): the scale's amount (a member's own overrides its
category's), pro rata for a member admitted during the year, one per member and year,
the entry posted with it, the run with its progress, the invoice e-mailed and its PDF."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum

from secretariat.conftest import make_member
from secretariat.core.models import ActionLog, EmailDelivery, GeneratedDocument
from secretariat.finance.models import Assessment, AssessmentRun, Line
from secretariat.finance.selectors.assessments import assessment_candidates
from secretariat.finance.services.assessments import (
    assessment_invoice,
    assessment_run_execute,
    assessment_run_start,
    pro_rata,
)
from secretariat.finance.services.scales import scale_record
from secretariat.finance.tests.dues_world import (  # noqa: F401  (the `dues` fixture)
    ASSOCIATE,
    FULL,
    assess,
    dues_fixture,
)


def _receivable(member) -> int:
    totals = Line.objects.filter(account__code="1210", member=member).aggregate(
        d=Sum("base_debit"), c=Sum("base_credit")
    )
    return (totals["d"] or 0) - (totals["c"] or 0)


@pytest.mark.django_db
def test_it_assesses_a_member_and_posts_the_entry(dues, member_a):
    # when
    assessment = assess(dues, 2026, member_a)
    # then
    assert assessment.amount == FULL and assessment.number == "CISS-2026-001"
    assert assessment.issued_on == dt.date(2026, 1, 1)
    assert assessment.due_on == dt.date(2026, 1, 1) + dt.timedelta(days=90)
    assert assessment.entry.journal.code == "DUE" and assessment.entry.state == "posted"
    assert _receivable(member_a) == FULL
    assert ActionLog.objects.filter(event="assessment.issued").count() == 1


@pytest.mark.django_db
def test_it_lets_a_member_contribution_override_its_category(
    dues, finance_officer, categories, member_a
):
    # given a scale from 2026 with member A's own contribution
    scale_record(
        actor=finance_officer,
        effective_from_year=2026,
        decision="Resolución 2025",
        rates=[(categories["full"], FULL), (member_a, 250_00)],
    )
    # when
    assessment = assess(dues, 2026, member_a)
    # then
    assert assessment.amount == 250_00 and assessment.scale_rate.institution == member_a


@pytest.mark.django_db
def test_it_prorates_by_months_from_the_month_of_admission(dues, categories, countries):
    # given a member admitted on 20 October 2026: October to December, 3 months
    newcomer = make_member(
        "Instituto Nuevo", countries["PE"], categories["full"], dt.date(2026, 10, 20)
    )
    # when
    assessment = assess(dues, 2026, newcomer)
    # then
    assert assessment.amount == FULL * 3 // 12
    assert assessment.full_year_amount == FULL
    assert "3 of 12 months" in assessment.pro_rata_note
    assert assessment.issued_on == dt.date(2026, 10, 20)


@pytest.mark.django_db
def test_it_prorates_by_days_or_not_at_all_by_the_setting(dues):
    # given
    year = dues.years[2026]
    # when
    by_days, note = pro_rata(365_00, year, dt.date(2026, 12, 31), "days")
    full, none_note = pro_rata(365_00, year, dt.date(2026, 12, 31), "none")
    # then
    assert by_days == 100 and "1 of 365 days" in note
    assert full == 365_00 and none_note == ""


@pytest.mark.django_db
def test_it_runs_the_year_once_per_member_with_its_progress(
    dues, member_a, member_b, rep_a, django_capture_on_commit_callbacks
):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        run = assessment_run_start(actor=dues.actor, fiscal_year=dues.years[2026])
    # then the worker (immediate in tests) assessed both members
    run.refresh_from_db()
    assert (run.state, run.done, run.total) == ("done", 2, 2)
    amounts = dict(Assessment.objects.values_list("institution_id", "amount"))
    assert amounts == {member_a.pk: FULL, member_b.pk: ASSOCIATE}
    # and the invoice went to member A's representative
    mail = EmailDelivery.objects.get(purpose="finance.invoice")
    assert mail.to == ["rep.a@example.org"] and "CISS-2026" in mail.subject
    # with the invoice's PDF, in the member's language, built by the worker as it sends
    assert [a["kind"] for a in mail.attachments] == ["finance.invoice"]
    from django.core import mail as outbox

    from secretariat.core.services.outbox import _message

    [(name, content, content_type)] = _message(mail).attachments
    assert name.endswith("-es.pdf") and content.startswith(b"%PDF-")
    assert content_type == "application/pdf"
    assert all(m.attachments for m in outbox.outbox if "CISS-2026" in m.subject)
    # when run again
    again = AssessmentRun.objects.create(fiscal_year=dues.years[2026], started_by=dues.actor)
    again = assessment_run_execute(again.pk)
    # then nothing more is assessed
    assert (again.state, again.total) == ("done", 0)
    assert Assessment.objects.count() == 2


@pytest.mark.django_db
def test_it_refuses_a_run_to_whoever_does_not_keep_the_books(dues, officer):
    with pytest.raises(PermissionDenied):
        assessment_run_start(actor=officer, fiscal_year=dues.years[2026])
    assert AssessmentRun.objects.count() == 0


@pytest.mark.django_db
def test_it_skips_members_without_a_contribution_in_the_scale(
    dues, categories, countries, member_a
):
    # given an affiliate member: its category has no contribution in the scale
    make_member("Instituto Adherente", countries["PE"], categories["affiliate"])
    # when
    found = assessment_candidates(dues.years[2026])
    # then
    assert [c.institution for c in found] == [member_a]


@pytest.mark.django_db
def test_it_builds_the_invoice_pdf_in_the_member_language(
    dues, member_a, rep_a, django_capture_on_commit_callbacks
):
    # given member A's representative reads English
    rep_a.preferred_language = "en"
    rep_a.save()
    assessment = assess(dues, 2026, member_a)
    assert assessment.language == "en"
    # when
    with django_capture_on_commit_callbacks(execute=True):
        document = assessment_invoice(assessment=assessment, language=assessment.language)
    # then
    document = GeneratedDocument.objects.get(pk=document.pk)
    assert document.state == "ready" and document.file_name == "ciss-2026-001-en.pdf"


@pytest.mark.django_db
def test_it_refuses_a_closed_year(dues):
    year = dues.years[2026]
    year.state = "closed"
    year.save()
    with pytest.raises(ValidationError, match="open fiscal year"):
        assessment_run_start(actor=dues.actor, fiscal_year=year)
