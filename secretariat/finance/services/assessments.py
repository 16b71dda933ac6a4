"""The yearly assessment of members' dues (domain.md "Finance"; settings
`finance.dues.pro_rata`, `finance.dues.payment_term_days`).

- A run assesses, in the background, every member with a membership active during the
  fiscal year and a contribution in the scale in force for the year: one assessment per
  member and year, so running again skips those done.
- Each assessment: the scale's amount (a member's own contribution overrides its
  category's), pro rata for a member admitted during the year (by months from the month of
  admission, by days, or none) with a note saying how; issued on the year's first day or
  the admission day when later; due after the payment term; numbered CISS-<year>-<nnn>;
  posted in the same transaction (DUE: debit dues receivable, credit assessed
  contributions, both naming the member); the member's credit applied; its invoice
  e-mailed to the representatives after the commit.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_EVEN, Decimal
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from secretariat.core.access import require
from secretariat.core.audit import locked, save_audited
from secretariat.core.models import GeneratedDocument, User
from secretariat.core.pdf import pdf_version
from secretariat.core.selectors.rule_settings import rule_value
from secretariat.core.services.documents import document_request
from secretariat.core.services.outbox import DocumentAttachment, email_queue
from secretariat.finance.models import (
    Assessment,
    AssessmentRun,
    Entry,
    FiscalYear,
    PeriodState,
    SourceKind,
)
from secretariat.finance.selectors.assessments import (
    INVOICE_DOCUMENT,
    Candidate,
    assessment_candidates,
    invoice_file_name,
    invoice_html,
)
from secretariat.finance.services import arrears
from secretariat.finance.services.dues_books import (
    ASSESSED,
    DUES_JOURNAL,
    RECEIVABLE,
    account,
    journal,
)
from secretariat.finance.services.ledger import LineSpec, entry_record
from secretariat.finance.services.payments import credit_apply
from secretariat.members.models import Institution

PERM = "finance.manage_dues"
RUN_FIELDS = ["fiscal_year", "state", "total", "done", "error"]
ASSESSMENT_FIELDS = [
    "fiscal_year",
    "institution",
    "number",
    "currency",
    "amount",
    "full_year_amount",
    "pro_rata_note",
    "scale_rate",
    "issued_on",
    "due_on",
    "language",
    "entry",
    "run",
]


@transaction.atomic
def assessment_run_start(
    *, actor: User, fiscal_year: FiscalYear, site_url: str = ""
) -> AssessmentRun:
    """Queue the assessment of `fiscal_year` for the worker; its page shows the progress.
    Refused for a year that is not open, and while another run of the year is unfinished."""
    require(actor, PERM)
    if fiscal_year.state != PeriodState.OPEN:
        raise ValidationError(_("Dues are assessed only in an open fiscal year."))
    unfinished = AssessmentRun.State.QUEUED, AssessmentRun.State.RUNNING
    if fiscal_year.assessment_runs.filter(state__in=unfinished).exists():
        raise ValidationError(_("An assessment of this year is already under way."))
    run = AssessmentRun(fiscal_year=fiscal_year, started_by=actor)
    save_audited(run, actor=actor, event="assessment_run.started", fields=RUN_FIELDS, reason="")
    transaction.on_commit(partial(_enqueue, run.pk, site_url))
    return run


def _enqueue(run_id: int, site_url: str) -> None:
    from secretariat.finance.tasks import assess_year

    assess_year.enqueue(run_id, site_url)


def assessment_run_execute(run_id: int, site_url: str = "") -> AssessmentRun:
    """The worker's part: assess every candidate, one transaction each, counting as it goes
    (the run's progress is not audited: `done` is a counter), then update the standing of
    the members assessed (the arrears rule)."""
    run = AssessmentRun.objects.select_related("fiscal_year", "started_by").get(pk=run_id)
    if run.state in (AssessmentRun.State.DONE, AssessmentRun.State.FAILED):
        return run
    actor = run.started_by
    if actor is None:
        raise ValidationError(_("An assessment run needs the officer who started it."))
    candidates = assessment_candidates(run.fiscal_year)
    AssessmentRun.objects.filter(pk=run.pk).update(
        state=AssessmentRun.State.RUNNING, total=len(candidates), done=0
    )
    try:
        for candidate in candidates:
            assess_member(actor=actor, run=run, candidate=candidate, site_url=site_url)
            AssessmentRun.objects.filter(pk=run.pk).update(done=run_done(run) + 1)
        for candidate in candidates:
            arrears.standing_update(
                actor=actor,
                institution=candidate.institution,
                on=max(run.fiscal_year.start, timezone.localdate()),
                reason_context=_("assessment of %(year)s") % {"year": run.fiscal_year.year},
            )
    except Exception as exc:  # noqa: BLE001  # the run says why it stopped; the rest is kept
        AssessmentRun.objects.filter(pk=run.pk).update(
            state=AssessmentRun.State.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    AssessmentRun.objects.filter(pk=run.pk).update(
        state=AssessmentRun.State.DONE, finished_at=timezone.now()
    )
    run.refresh_from_db()
    return run


def run_done(run: AssessmentRun) -> int:
    return int(AssessmentRun.objects.filter(pk=run.pk).values_list("done", flat=True).get())


def pro_rata(
    full: int, fiscal_year: FiscalYear, admitted: dt.date | None, method: str
) -> tuple[int, str]:
    """The dues of a member admitted during the year and the note that says how they were
    computed (setting `finance.dues.pro_rata`); the full amount otherwise."""
    if admitted is None or admitted <= fiscal_year.start or method == "none":
        return full, ""
    end = fiscal_year.end
    if method == "days":
        days = (end - admitted).days + 1
        total = (end - fiscal_year.start).days + 1
        share = Decimal(full) * days / total
        note = _("Admitted on %(day)s: %(days)s of %(total)s days.") % {
            "day": admitted.isoformat(),
            "days": days,
            "total": total,
        }
    else:
        months = (end.year - admitted.year) * 12 + end.month - admitted.month + 1
        share = Decimal(full) * months / 12
        note = _("Admitted on %(day)s: %(months)s of 12 months, from the month of admission.") % {
            "day": admitted.isoformat(),
            "months": months,
        }
    return int(share.quantize(Decimal(1), rounding=ROUND_HALF_EVEN)), note


def next_number(fiscal_year: FiscalYear) -> str:
    """CISS-<year>-<nnn>: the next in the year (the fiscal year's row is locked)."""
    locked(fiscal_year)
    count = Assessment.objects.filter(fiscal_year=fiscal_year).count()
    return f"CISS-{fiscal_year.year}-{count + 1:03d}"


@transaction.atomic
def assess_member(
    *,
    actor: User,
    run: AssessmentRun | None,
    candidate: Candidate,
    site_url: str = "",
) -> Assessment | None:
    """Assess one member for the run's year (module docstring); None when it is done."""
    require(actor, PERM)
    fiscal_year = candidate.fiscal_year
    institution = locked(candidate.institution)
    if Assessment.objects.filter(fiscal_year=fiscal_year, institution=institution).exists():
        return None
    issued_on = max(fiscal_year.start, candidate.admitted or fiscal_year.start)
    amount, note = pro_rata(
        candidate.rate.amount,
        fiscal_year,
        candidate.admitted,
        str(rule_value("finance.dues.pro_rata", issued_on)),
    )
    assessment = Assessment(
        fiscal_year=fiscal_year,
        institution=institution,
        number=next_number(fiscal_year),
        amount=amount,
        full_year_amount=candidate.rate.amount,
        pro_rata_note=note,
        scale_rate=candidate.rate,
        issued_on=issued_on,
        due_on=issued_on
        + dt.timedelta(days=int(rule_value("finance.dues.payment_term_days", issued_on))),
        language=candidate.language,
        run=run,
    )
    assessment.entry = _assessment_entry(actor, assessment, institution)
    save_audited(
        assessment, actor=actor, event="assessment.issued", fields=ASSESSMENT_FIELDS, reason=note
    )
    credit_apply(actor=actor, assessment=assessment)
    _invoice_email(assessment, candidate.emails, site_url)
    return assessment


def _assessment_entry(actor: User, assessment: Assessment, institution: Institution) -> Entry:
    with translation.override(assessment.language):
        description = _("Dues %(year)s of %(member)s, invoice %(number)s") % {
            "year": assessment.fiscal_year.year,
            "member": institution,
            "number": assessment.number,
        }
    return entry_record(
        actor=actor,
        journal=journal(DUES_JOURNAL),
        date=assessment.issued_on,
        description=description[:500],
        lines=[
            LineSpec(account(RECEIVABLE), "debit", assessment.amount, member_id=institution.pk),
            LineSpec(account(ASSESSED), "credit", assessment.amount, member_id=institution.pk),
        ],
        source_kind=SourceKind.ASSESSMENT,
        source_reference=assessment.number,
    )


def _invoice_email(assessment: Assessment, emails: list[str], site_url: str) -> None:
    """The invoice to the member's representatives, in the invoice's language: its PDF
    attached (built by the worker when it sends) and the link to it; queued in this
    transaction, sent by the worker after the commit."""
    if not emails:
        return
    with translation.override(assessment.language):
        path = reverse(
            "finance:assessment-invoice",
            kwargs={"pk": assessment.pk, "lang": assessment.language},
        )
        context = {"assessment": assessment, "url": f"{site_url.rstrip('/')}{path}"}
        subject = render_to_string("finance/email/invoice_subject.txt", context).strip()
        body = render_to_string("finance/email/invoice_body.txt", context)
    email_queue(
        purpose="finance.invoice",
        to=emails,
        subject=subject,
        body=body,
        target=assessment,
        language=assessment.language,
        attachments=[
            DocumentAttachment(
                name=f"{assessment.number}-{assessment.language}.pdf",
                kind=INVOICE_DOCUMENT,
                target_id=str(assessment.pk),
                language=assessment.language,
            )
        ],
    )


def assessment_invoice(*, assessment: Assessment, language: str) -> GeneratedDocument:
    """The invoice's PDF in one language, built once per version by the worker (decision
    0006). Access to the assessment is the caller's to check first."""
    html = invoice_html(assessment, language)
    return document_request(
        kind=INVOICE_DOCUMENT,
        target=assessment,
        language=language,
        version=pdf_version(html),
        file_name=invoice_file_name(assessment, language),
    )
