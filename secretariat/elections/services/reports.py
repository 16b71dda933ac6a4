"""Every write to the eligibility report: atomic, permission-checked, audited.

Rules enforced here (shared/domain.md: the General Secretariat "reports to the GA whether
each candidate ... meets the requirements of the Call"; issue #11, "The eligibility report to
the General Assembly"):
- the report is generated from the reviews (`selectors.reports.report_content`);
- it is signed off by the Secretary General alone, and only once every candidate's review is
  complete (every applicable finding confirmed);
- once signed it is frozen: a later change is a new, dated version, with its reason, and the
  signed version it replaces is marked as replaced;
- the signed version is attached, as a PDF in Spanish and English, to the election item of
  the Call's General Assembly session (a governance document; a new signed version is a new
  version of that document).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from secretariat.core.access import require, require_reason
from secretariat.core.audit import locked, save_audited
from secretariat.core.languages import session_languages
from secretariat.core.models import GeneratedDocument, User
from secretariat.core.pdf import html_to_pdf, pdf_version
from secretariat.core.services.documents import document_request
from secretariat.elections.models import Call, EligibilityReport
from secretariat.elections.selectors.reports import (
    PREPARE,
    REPORT_PDF,
    SIGN,
    default_agenda_item,
    latest_signed_document_report,
    pending_candidates,
    report_agenda_items,
    report_content,
    report_file_name,
    report_pdf_html,
    same_content,
)
from secretariat.governance.models import AgendaItem, Document
from secretariat.governance.services.documents import document_add, document_upload

# The languages the signed report is attached in (issue #11: "as a PDF in es and en");
# others are built on request from the report's page.
ATTACHED_LANGUAGES = ("es", "en")
DRAFT = EligibilityReport.State.DRAFT
SIGNED = EligibilityReport.State.SIGNED


def _summary(report: EligibilityReport) -> dict[str, Any]:
    return {"version": report.version, "state": report.state, **report.content.get("summary", {})}


def _signed_exists(call: Call) -> bool:
    return EligibilityReport.objects.filter(call=call).exclude(state=DRAFT).exists()


@transaction.atomic
def report_draft(*, actor: User, call: Call, reason: str | None = "") -> EligibilityReport:
    """A new draft version of the Call's report, built from the current reviews. After a
    signed version, a new one must say why ("a later change is a new, dated version")."""
    require(actor, PREPARE, call)
    call = locked(call)
    if call.state == Call.State.DRAFT:
        raise ValidationError(_("The Call is still a draft: there are no nominations to report."))
    reports = EligibilityReport.objects.filter(call=call)
    if reports.filter(state=DRAFT).exists():
        raise ValidationError(
            _("A draft of the report already exists: refresh it instead of starting another.")
        )
    reason = require_reason(reason) if _signed_exists(call) else (reason or "").strip()
    last = reports.aggregate(top=Max("version"))["top"] or 0
    report = EligibilityReport(
        call=call,
        version=last + 1,
        state=DRAFT,
        content=report_content(call),
        reason=reason,
        created_by=actor,
    )
    save_audited(
        report,
        actor=actor,
        event="eligibility_report.drafted",
        reason=reason,
        new=lambda: _summary(report),
    )
    return report


@transaction.atomic
def report_refresh(*, actor: User, report: EligibilityReport) -> EligibilityReport:
    """Build a draft's content again from the current reviews. A signed or replaced version
    is frozen and never rebuilt."""
    require(actor, PREPARE, report.call)
    report = locked(report)
    if report.state != DRAFT:
        raise ValidationError(
            _("This version is signed and frozen: draft a new version to change the report.")
        )
    before = _summary(report)
    report.content = report_content(report.call)
    save_audited(
        report,
        actor=actor,
        event="eligibility_report.refreshed",
        old=before,
        new=_summary(report),
    )
    return report


def _check_signable(report: EligibilityReport) -> None:
    """Only a draft whose content is still the reviews', with no candidate pending."""
    if report.state != DRAFT:
        raise ValidationError(_("Only a draft can be signed; this version is already final."))
    if not same_content(report.content, report_content(report.call)):
        raise ValidationError(
            _(
                "The reviews changed since this draft was built: refresh it and read it again "
                "before signing."
            )
        )
    pending = pending_candidates(report.content)
    if pending:
        names = "; ".join(f"{name} ({office})" for office, name in pending)
        raise ValidationError(
            _(
                "The review of these candidates is not complete (every finding must be "
                "confirmed): %(names)s."
            )
            % {"names": names}
        )


def _check_item(call: Call, agenda_item: AgendaItem | None) -> None:
    if agenda_item is None:
        return
    if call.session_id is None or agenda_item.session_id != call.session_id:
        raise ValidationError(
            {"agenda_item": _("That item is not on the agenda of the Call's session.")}
        )


def _title(report: EligibilityReport, lang: str) -> str:
    with translation.override(lang):
        return _("Report on the eligibility of the candidates, version %(version)s") % {
            "version": report.version
        }


def _pdf_files(report: EligibilityReport, languages: list[str]) -> dict[str, SimpleUploadedFile]:
    """The signed version's PDFs, laid out now (signing is rare and the signer waits for it;
    the same HTML as `elections:report-pdf` serves, so the two never differ)."""
    return {
        lang: SimpleUploadedFile(
            report_file_name(report, lang),
            html_to_pdf(report_pdf_html(report, lang)),
            content_type="application/pdf",
        )
        for lang in languages
    }


def _attach(
    *, actor: User, report: EligibilityReport, agenda_item: AgendaItem | None, note: str
) -> Document | None:
    """File the signed version with the Call's session: a new version of the document an
    earlier signed version was filed as, else a new document on the election item."""
    session = report.call.session
    if session is None:
        return None
    languages = [
        lang for lang in ATTACHED_LANGUAGES if lang in session_languages(session.languages)
    ]
    files = _pdf_files(report, languages)
    earlier = latest_signed_document_report(report.call)
    document = earlier.document if earlier is not None else None
    if document is not None and document.withdrawn_at is None:
        document_upload(actor=actor, document=document, files=files, note=note, new_version=True)
        return document
    return document_add(
        actor=actor,
        session=session,
        agenda_item=agenda_item or default_agenda_item(list(report_agenda_items(report.call))),
        files=files,
        note=note,
        title_es=_title(report, "es"),
        title_en=_title(report, "en"),
        title_pt=_title(report, "pt"),
        title_fr=_title(report, "fr"),
    )


@transaction.atomic
def report_sign(
    *,
    actor: User,
    report: EligibilityReport,
    reason: str | None,
    agenda_item: AgendaItem | None = None,
) -> EligibilityReport:
    """The Secretary General signs a draft off: it is frozen, the signed version it replaces
    is marked as replaced, and it is filed with the election item of the Call's session
    (none when the Call names no session: the report is signed and not filed)."""
    require(actor, SIGN, report.call)
    reason = require_reason(reason)
    locked(report.call)  # one signature at a time per Call
    report = locked(report)
    _check_signable(report)
    _check_item(report.call, agenda_item)
    for earlier in EligibilityReport.objects.filter(call_id=report.call_id, state=SIGNED):
        earlier.state = EligibilityReport.State.SUPERSEDED
        save_audited(
            earlier,
            actor=actor,
            event="eligibility_report.superseded",
            reason=reason,
            old={"state": SIGNED},
            new={"state": earlier.state, "by_version": report.version},
        )
    report.state = SIGNED
    report.signed_by = actor
    report.signed_at = timezone.now()
    report.document = _attach(actor=actor, report=report, agenda_item=agenda_item, note=reason)
    save_audited(
        report,
        actor=actor,
        event="eligibility_report.signed",
        reason=reason,
        old={"state": DRAFT},
        new={
            **_summary(report),
            "signed_at": report.signed_at,
            "document": report.document.pk if report.document else None,
            "agenda_item": report.document.agenda_item_id if report.document else None,
        },
    )
    return report


def report_pdf(*, report: EligibilityReport, language: str) -> GeneratedDocument:
    """A version's PDF in one content language, built once per version by the worker (a
    draft's content or state changes its HTML, so a new PDF). Access is the caller's."""
    html = report_pdf_html(report, language)
    return document_request(
        kind=REPORT_PDF,
        target=report,
        language=language,
        version=pdf_version(html),
        file_name=report_file_name(report, language),
    )
