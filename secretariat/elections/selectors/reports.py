"""Reading the eligibility report: its content built from the reviews, its versions, and the
rows its page and its PDF show (shared/domain.md: the General Secretariat "reports to the GA
whether each candidate ... meets the requirements of the Call"; issue #11, "The eligibility
report to the General Assembly").

`report_content(call)` is what a version stores: for each office of the Call, in order, each
candidate (not withdrawn) with every requirement that applies to the office, its finding and
the conclusion; withdrawn nominations apart. Labels are stored in every content language when
the content is built, so that a signed version reads the same in any language forever after.
The conclusion is the one rule of `selectors.eligibility` (`Eligibility.conclusion`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from secretariat.core.access import can, get_for_user_or_404, list_for_user, permission_for
from secretariat.core.languages import AUTHORITATIVE, CONTENT_LANGUAGES, content_language
from secretariat.core.models import User
from secretariat.elections.models import (
    Call,
    CallOffice,
    EligibilityReport,
    Finding,
    Nomination,
    NominationVersion,
    Requirement,
)
from secretariat.elections.selectors.eligibility import Eligibility
from secretariat.governance.models import AgendaItem

CONTENT_SCHEMA = 1
VIEW = "elections.view_nominations"
PREPARE = "elections.review_nominations"
SIGN = "elections.sign_report"
ReportAction = Literal["view", "prepare", "sign"]
REPORT_ACTIONS: dict[str, str | None] = {"view": VIEW, "prepare": PREPARE, "sign": SIGN}
PENDING = Finding.Result.PENDING.value


# --- The content a version stores --------------------------------------------------------


def _in_every_language(obj: Any, field: str) -> dict[str, str]:
    """A translated field in each content language; an empty translation is the Spanish."""
    spanish = str(getattr(obj, f"{field}_{AUTHORITATIVE}", "") or getattr(obj, field, "") or "")
    return {
        lang: str(getattr(obj, f"{field}_{lang}", "") or "") or spanish
        for lang in CONTENT_LANGUAGES
    }


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _finding(requirement: Requirement, finding: Finding | None) -> dict[str, Any]:
    """A finding counts only once an officer confirmed it; until then it is pending."""
    confirmed = finding is not None and finding.confirmed
    reviewer = finding.reviewed_by if finding is not None and confirmed else None
    return {
        "requirement_id": requirement.pk,
        "result": finding.result if finding is not None and confirmed else PENDING,
        "note": finding.note if finding is not None else "",
        "evidence": finding.evidence if finding is not None else "",
        "confirmed_by": (reviewer.full_name or reviewer.email) if reviewer is not None else "",
        "confirmed_at": _iso(finding.reviewed_at) if finding is not None and confirmed else None,
    }


def _conclusion(
    nomination: Nomination, version: NominationVersion, cells: list[dict[str, Any]]
) -> str:
    results = [cell["result"] for cell in cells]
    return Eligibility(
        nomination=nomination,
        version=version,
        met=results.count(Finding.Result.MET),
        not_met=results.count(Finding.Result.NOT_MET),
        pending=results.count(PENDING),
        required=len(results),
    ).conclusion


def _candidate(
    nomination: Nomination, version: NominationVersion, requirements: list[Requirement]
) -> dict[str, Any]:
    by_requirement = {f.requirement_id: f for f in version.findings.all()}
    cells = [_finding(r, by_requirement.get(r.pk)) for r in requirements]
    return {
        "nomination_id": nomination.pk,
        "name": version.candidate_name,
        "nationality": _in_every_language(version.candidate_nationality, "name"),
        "nominated_by": nomination.institution.name,
        "nominated_by_country": _in_every_language(nomination.institution.country, "name"),
        "version": version.number,
        "received_at": _iso(nomination.received_at),
        "channel": nomination.channel,
        "findings": cells,
        "conclusion": _conclusion(nomination, version, cells),
    }


def _withdrawn(nomination: Nomination, version: NominationVersion | None) -> dict[str, Any]:
    return {
        "nomination_id": nomination.pk,
        "name": version.candidate_name if version is not None else "",
        "nominated_by": nomination.institution.name,
        "version": version.number if version is not None else None,
        "received_at": _iso(nomination.received_at),
        "withdrawn_at": _iso(nomination.withdrawn_at),
    }


def _nominations(call: Call) -> list[Nomination]:
    """The Call's nominations with their versions (newest first), the findings of each and
    what the content names: five queries whatever their number."""
    versions = NominationVersion.objects.select_related("candidate_nationality").order_by("-number")
    findings = Finding.objects.select_related("reviewed_by")
    return list(
        Nomination.objects.filter(call=call)
        .select_related("institution__country")
        .prefetch_related(
            Prefetch("versions", queryset=versions),
            Prefetch("versions__findings", queryset=findings),
        )
        .order_by("received_at", "pk")
    )


def _office(
    call_office: CallOffice, requirements: list[Requirement], nominations: list[Nomination]
) -> dict[str, Any]:
    candidates, withdrawn = [], []
    for nomination in nominations:
        versions = list(nomination.versions.all())
        latest = versions[0] if versions else None
        if nomination.state == Nomination.State.WITHDRAWN:
            withdrawn.append(_withdrawn(nomination, latest))
        elif latest is not None:
            candidates.append(_candidate(nomination, latest, requirements))
    return {
        "call_office_id": call_office.pk,
        "office": _in_every_language(call_office.office, "name"),
        "places": call_office.places,
        "term_start": _iso(call_office.term_start),
        "term_end": _iso(call_office.term_end),
        "requirements": [
            {"id": r.pk, "kind": r.kind, "label": _in_every_language(r, "label")}
            for r in requirements
        ],
        "candidates": candidates,
        "withdrawn": withdrawn,
    }


def report_content(call: Call) -> dict[str, Any]:
    """The report's content from the current reviews: JSON-serializable, in a stable order
    (offices in the Call's order, candidates as received, requirements in order)."""
    offices = list(
        CallOffice.objects.filter(call=call)
        .select_related("office")
        .order_by("order", "office__order", "pk")
    )
    requirements = list(Requirement.objects.filter(call=call).order_by("order", "pk"))
    by_office: dict[int, list[Nomination]] = defaultdict(list)
    for nomination in _nominations(call):
        by_office[nomination.call_office_id].append(nomination)
    built = [
        _office(
            call_office,
            [r for r in requirements if r.call_office_id in (None, call_office.pk)],
            by_office[call_office.pk],
        )
        for call_office in offices
    ]
    conclusions = [c["conclusion"] for office in built for c in office["candidates"]]
    return {
        "schema": CONTENT_SCHEMA,
        "call": {
            "id": call.pk,
            "reference": call.reference,
            "title": _in_every_language(call, "title"),
            "time_zone": call.time_zone,
            "session": _in_every_language(call.session, "title") if call.session else None,
        },
        "built_at": _iso(timezone.now()),
        "offices": built,
        "summary": {
            "eligible": conclusions.count("eligible"),
            "not_eligible": conclusions.count("not_eligible"),
            "pending": conclusions.count("pending"),
            "withdrawn": sum(len(office["withdrawn"]) for office in built),
        },
    }


def same_content(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two contents say the same thing (when each was built aside)."""
    return {**a, "built_at": None} == {**b, "built_at": None}


def pending_candidates(content: dict[str, Any]) -> list[tuple[str, str]]:
    """(office, candidate) of every candidate whose conclusion is still pending, in the
    content's order; the office named in the active content language."""
    lang = content_language()
    return [
        (office["office"].get(lang, ""), candidate["name"])
        for office in content.get("offices", [])
        for candidate in office["candidates"]
        if candidate["conclusion"] == "pending"
    ]


# --- Access ------------------------------------------------------------------------------


def _visible_reports(user: Any) -> QuerySet[EligibilityReport]:
    """Every version for those who prepare the report; signed and replaced ones for those
    who only read (finance, the Comptroller): a draft is the Secretariat's work in progress."""
    reports = EligibilityReport.objects.select_related(
        "call__session", "signed_by", "created_by", "document"
    )
    if can(user, PREPARE):
        return reports
    return reports.exclude(state=EligibilityReport.State.DRAFT)


def report_call_get_for_user(*, user: Any, pk: int, action: ReportAction = "view") -> Call:
    """The Call whose report is asked for, for staff who may `action` its report."""
    calls: QuerySet[Call] = Call.objects.select_related("session")
    return get_for_user_or_404(calls, user=user, perm=permission_for(REPORT_ACTIONS, action), pk=pk)


def report_get_for_user(*, user: Any, pk: int, action: ReportAction = "view") -> EligibilityReport:
    """One version of a report; a draft is found only by those who prepare it."""
    return get_for_user_or_404(
        _visible_reports(user), user=user, perm=permission_for(REPORT_ACTIONS, action), pk=pk
    )


def report_list_for_call(*, user: Any, call: Call) -> list[EligibilityReport]:
    """The versions of a Call's report the user may see, newest first."""
    reports = list_for_user(_visible_reports(user), user=user, perm=VIEW)
    return list(reports.filter(call=call).order_by("-version"))


# --- The page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportCell:
    requirement: str
    result: str  # "met", "not_met", "pending"
    label: str
    note: str
    evidence: str
    confirmed_by: str
    confirmed_at: dt.datetime | None


@dataclass(frozen=True)
class ReportCandidate:
    name: str
    nationality: str
    nominated_by: str
    nominated_by_country: str
    version: int
    received_at: dt.datetime | None
    channel: str
    cells: tuple[ReportCell, ...]
    conclusion: str  # "eligible", "not_eligible", "pending"
    conclusion_label: str


@dataclass(frozen=True)
class ReportWithdrawn:
    name: str
    nominated_by: str
    version: int | None
    withdrawn_at: dt.datetime | None


@dataclass(frozen=True)
class ReportOffice:
    office: str
    places: int
    term_start: dt.date | None
    term_end: dt.date | None
    requirements: tuple[str, ...]
    candidates: tuple[ReportCandidate, ...]
    withdrawn: tuple[ReportWithdrawn, ...]

    @property
    def details(self) -> list[tuple[str, ReportCell]]:
        """(candidate, finding) of every finding with evidence or a confirmation."""
        return [
            (candidate.name, cell)
            for candidate in self.candidates
            for cell in candidate.cells
            if cell.evidence or cell.confirmed_by
        ]


@dataclass(frozen=True)
class ReportView:
    """A version's content read in one language: what the page's preview and the PDF show."""

    language: str
    call_title: str
    call_reference: str
    time_zone: str
    session_title: str
    built_at: dt.datetime | None
    offices: tuple[ReportOffice, ...]
    summary: dict[str, int]


def _datetime(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def conclusion_labels() -> dict[str, str]:
    from django.utils.translation import gettext as _

    return {
        "eligible": _("Eligible"),
        "not_eligible": _("Not eligible"),
        "pending": _("Review pending"),
    }


def _view_candidate(
    candidate: dict[str, Any], requirements: dict[int, str], lang: str
) -> ReportCandidate:
    results = {str(k): str(v) for k, v in Finding.Result.choices}
    cells = tuple(
        ReportCell(
            requirement=requirements.get(cell["requirement_id"], ""),
            result=cell["result"],
            label=results.get(cell["result"], cell["result"]),
            note=cell["note"],
            evidence=cell["evidence"],
            confirmed_by=cell["confirmed_by"],
            confirmed_at=_datetime(cell["confirmed_at"]),
        )
        for cell in candidate["findings"]
    )
    channels = {str(k): str(v) for k, v in Nomination.Channel.choices}
    return ReportCandidate(
        name=candidate["name"],
        nationality=candidate["nationality"].get(lang, ""),
        nominated_by=candidate["nominated_by"],
        nominated_by_country=candidate["nominated_by_country"].get(lang, ""),
        version=candidate["version"],
        received_at=_datetime(candidate["received_at"]),
        channel=channels.get(candidate["channel"], candidate["channel"]),
        cells=cells,
        conclusion=candidate["conclusion"],
        conclusion_label=conclusion_labels()[candidate["conclusion"]],
    )


def _view_office(office: dict[str, Any], lang: str) -> ReportOffice:
    requirements = {r["id"]: r["label"].get(lang, "") for r in office["requirements"]}
    return ReportOffice(
        office=office["office"].get(lang, ""),
        places=office["places"],
        term_start=_date(office["term_start"]),
        term_end=_date(office["term_end"]),
        requirements=tuple(requirements.values()),
        candidates=tuple(_view_candidate(c, requirements, lang) for c in office["candidates"]),
        withdrawn=tuple(
            ReportWithdrawn(
                name=w["name"],
                nominated_by=w["nominated_by"],
                version=w["version"],
                withdrawn_at=_datetime(w["withdrawn_at"]),
            )
            for w in office["withdrawn"]
        ),
    )


def report_view(content: dict[str, Any], language: str | None = None) -> ReportView:
    """The stored content in `language` (default: the active one), as typed rows."""
    lang = content_language(language)
    offices = tuple(_view_office(office, lang) for office in content.get("offices", []))
    return ReportView(
        language=lang,
        call_title=content.get("call", {}).get("title", {}).get(lang, ""),
        call_reference=content.get("call", {}).get("reference", ""),
        time_zone=content.get("call", {}).get("time_zone") or "America/Mexico_City",
        session_title=(content.get("call", {}).get("session") or {}).get(lang, ""),
        built_at=_datetime(content.get("built_at")),
        offices=offices,
        summary=dict(content.get("summary", {})),
    )


@dataclass(frozen=True)
class ReportPage:
    """The report page of a Call: the draft (if any), the versions, the preview shown (the
    draft for those who prepare it, else the latest signed version) and what the user may do."""

    call: Call
    versions: tuple[EligibilityReport, ...]
    draft: EligibilityReport | None
    shown: EligibilityReport | None
    preview: ReportView | None
    pending: tuple[tuple[str, str], ...]
    can_prepare: bool
    can_sign: bool
    reason_required: bool
    agenda_items: tuple[AgendaItem, ...]
    default_item: AgendaItem | None


def report_agenda_items(call: Call) -> QuerySet[AgendaItem]:
    """The items of the Call's General Assembly session a signed report may be attached to."""
    items: QuerySet[AgendaItem] = AgendaItem.objects.order_by("position", "pk")
    if call.session_id is None:
        return items.none()
    return items.filter(session_id=call.session_id, withdrawn=False)


def default_agenda_item(items: list[AgendaItem]) -> AgendaItem | None:
    """The election item: an item marked as an election, else the first whose title (in any
    language) speaks of one ("elección", "election", "eleição", "élection")."""
    for item in items:
        if item.outcome == AgendaItem.Outcome.ELECTION:
            return item
    for item in items:
        titles = " ".join(_in_every_language(item, "title").values()).lower()
        if "lecci" in titles or "lect" in titles or "leiç" in titles:
            return item
    return None


def report_page(*, user: User, call: Call) -> ReportPage:
    """Everything the report page shows, scoped to the user."""
    versions = tuple(report_list_for_call(user=user, call=call))
    draft = next((r for r in versions if r.state == EligibilityReport.State.DRAFT), None)
    signed = next((r for r in versions if r.state == EligibilityReport.State.SIGNED), None)
    shown = draft or signed
    can_sign = draft is not None and can(user, SIGN)
    items = list(report_agenda_items(call)) if can_sign else []
    return ReportPage(
        call=call,
        versions=versions,
        draft=draft,
        shown=shown,
        preview=report_view(shown.content) if shown is not None else None,
        pending=tuple(pending_candidates(draft.content)) if draft is not None else (),
        can_prepare=can(user, PREPARE),
        can_sign=can_sign,
        reason_required=any(r.state != EligibilityReport.State.DRAFT for r in versions),
        agenda_items=tuple(items),
        default_item=default_agenda_item(items),
    )


def latest_signed_document_report(call: Call) -> EligibilityReport | None:
    """The newest earlier version that was attached to a session document (its document
    receives the new signed version's files as a new version)."""
    reports: QuerySet[EligibilityReport] = EligibilityReport.objects.filter(
        Q(document__isnull=False), call=call
    ).select_related("document")
    return reports.order_by("-version").first()


# --- The PDF -----------------------------------------------------------------------------

REPORT_PDF = "elections.eligibility_report"


def report_pdf_html(report: EligibilityReport, language: str) -> str:
    """The HTML the PDF of a version is laid out from, in one content language: a draft says
    so on every page; a signed version carries the Secretary General's name and date."""
    from django.utils import translation

    from secretariat.core.pdf import pdf_html

    signer = report.signed_by
    with translation.override(language):  # the findings' and conclusions' words too
        view = report_view(report.content, language)
    context = {
        "report": report,
        "call": report.call,
        "view": view,
        "signed_by": (signer.full_name or signer.email) if signer is not None else "",
    }
    return pdf_html("elections/pdf/report.html", context, language=language)


def report_file_name(report: EligibilityReport, language: str) -> str:
    return f"eligibility-report-{report.call_id}-v{report.version}-{language}.pdf"


def report_for_pdf(pk: int) -> EligibilityReport:
    """A version as the worker builds its PDF (access was checked when it was asked for)."""
    return EligibilityReport.objects.select_related("call", "signed_by").get(pk=pk)
