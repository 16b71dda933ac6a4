"""The demo's example election cycle (elections/demo.py, run by `manage.py seed_demo`)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from secretariat.core.models import ActionLog
from secretariat.elections.models import (
    Call,
    Contest,
    CorrectionRequest,
    EligibilityReport,
    Finding,
    Nomination,
    NominationDocument,
)
from secretariat.governance.models import Mandate

pytestmark = pytest.mark.django_db


def seed_demo() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_it_builds_an_example_cycle_labelled_as_an_example():
    # when
    output = seed_demo()

    # then: one example Call, published, for the 2029–2031 term, electing at the example GA
    call = Call.objects.get()
    assert call.is_example
    assert call.title_es.startswith("Ejemplo — ")
    assert call.title_en.startswith("Example — ")
    assert call.state == Call.State.PUBLISHED
    assert call.approval_decision and call.published_at
    assert call.session is not None and call.session.origin == "example"
    assert call.session.state == "convened"
    offices = list(call.offices.order_by("order").values_list("office__code", flat=True))
    assert offices == ["secretary-general", "comptroller"]
    assert {(o.term_start, o.term_end) for o in call.offices.all()} == {
        (dt.date(2029, 1, 1), dt.date(2032, 1, 1))
    }
    kinds = set(call.requirements.values_list("kind", flat=True))
    assert {
        "nominator_standing",
        "member_nationality",
        "document",
        "reelection_limit",
        "nationality_differs",
    } <= kinds
    assert "Example election" in output


def test_its_nominations_come_from_two_members_one_missing_a_document():
    # when
    seed_demo()

    # then: every candidate is a fictitious example
    nominations = list(Nomination.objects.order_by("pk"))
    assert len(nominations) == 3
    assert len({n.institution_id for n in nominations}) == 2
    assert all(n.institution.origin == "example" for n in nominations)
    names = [n.versions.get().candidate_name for n in nominations]
    assert all("de ejemplo" in name and "ficti" in name for name in names), names
    assert {n.channel for n in nominations} == {"portal", "paper"}
    # the paper one lacks its letter of acceptance: found not met, and asked for
    paper = next(n for n in nominations if n.channel == "paper")
    assert NominationDocument.objects.filter(version__nomination=paper).count() == 2
    request = CorrectionRequest.objects.get()
    assert request.nomination == paper and request.answered_by_version is None
    assert paper.state == Nomination.State.CORRECTION_REQUESTED
    missing = Finding.objects.get(version__nomination=paper, result=Finding.Result.NOT_MET)
    assert missing.requirement == request.requirement and missing.confirmed


def test_it_is_reviewed_and_reported_but_not_voted():
    # when
    seed_demo()

    # then: every finding confirmed, the report signed, the list of candidates public
    assert not Finding.objects.filter(confirmed=False).exists()
    assert Finding.objects.count() > 0
    report = EligibilityReport.objects.get()
    assert report.state == EligibilityReport.State.SIGNED
    assert report.signed_by.email == "sg@demo.ciss"
    assert Call.objects.get().candidates_published_at is not None
    # no ballot: nobody fictitious holds an office
    assert not Contest.objects.exists()
    assert not Mandate.objects.filter(valid_from__gte=dt.date(2029, 1, 1)).exists()


def test_it_went_through_the_services():
    # when
    seed_demo()

    # then: the action log has each step
    events = set(ActionLog.objects.values_list("event", flat=True))
    assert {
        "call.created",
        "call.approved",
        "call.published",
        "call.candidates_published",
        "eligibility_report.drafted",
        "eligibility_report.signed",
    } <= events, sorted(events)
    prefixes = {e.split(".")[0] for e in events}
    assert {"nomination", "finding"} <= prefixes, sorted(events)


def test_it_runs_once():
    # given
    seed_demo()
    counts = (Call.objects.count(), Nomination.objects.count(), Finding.objects.count())

    # when
    seed_demo()

    # then
    assert (Call.objects.count(), Nomination.objects.count(), Finding.objects.count()) == counts
