"""The Secretariat's review of nominations: requests for corrections, the findings on each
requirement (pre-filled from the registry and the mandates where data decide, confirmed by an
officer), and the publication of the list of candidates (shared/domain.md: the General
Secretariat "reports to the GA whether each candidate ... meets the requirements of the
Call"; "Nominations" [D]).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from secretariat.core.access import require
from secretariat.core.audit import locked, save_audited, snapshot
from secretariat.core.models import User
from secretariat.core.services.outbox import email_queue
from secretariat.elections.models import (
    Call,
    CorrectionRequest,
    Finding,
    Nomination,
    NominationDocument,
    NominationVersion,
    Requirement,
)
from secretariat.elections.selectors.eligibility import applicable_requirements, latest_version
from secretariat.elections.services.nominations import (
    call_zone,
    is_full_member,
    moment_in_call_zone,
)
from secretariat.governance.models import Mandate, Person
from secretariat.members.models import Membership, Representative, VotingSuspension

REVIEW = "elections.review_nominations"
FINDING_FIELDS = ["result", "suggested", "basis", "note", "evidence", "confirmed"]
MET, NOT_MET, PENDING = Finding.Result.MET, Finding.Result.NOT_MET, Finding.Result.PENDING


def _day(value: dt.date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


# --- Requests for corrections -------------------------------------------------------------------


def _check_requirement(nomination: Nomination, requirement: Requirement | None) -> None:
    if requirement is None:
        return
    if not applicable_requirements(nomination.call_office).filter(pk=requirement.pk).exists():
        raise ValidationError({"requirement": _("This requirement does not apply to this office.")})


@transaction.atomic
def correction_request(
    *,
    actor: User,
    nomination: Nomination,
    requirement: Requirement | None,
    message: str,
    now: dt.datetime | None = None,
) -> CorrectionRequest:
    """The Secretariat asks the nominating member for a missing or corrected document, due
    within the Call's days for corrections (rule setting `elections.correction_days`, the
    Call's `correction_days`); the member's representatives are told by e-mail."""
    require(actor, REVIEW)
    now = now or timezone.now()
    text = (message or "").strip()
    if not text:
        raise ValidationError({"message": _("Say what the member must send or correct.")})
    nomination = locked(nomination)
    if nomination.state == Nomination.State.WITHDRAWN:
        raise ValidationError(_("This nomination was withdrawn."))
    _check_requirement(nomination, requirement)
    correction = CorrectionRequest(
        nomination=nomination,
        requirement=requirement,
        message=text,
        due=now + dt.timedelta(days=nomination.call.correction_days),
        requested_by=actor,
        requested_at=now,
    )
    save_audited(
        correction,
        actor=actor,
        event="nomination.correction_requested",
        fields=["requirement", "message", "due"],
        log_on=nomination,
    )
    before = snapshot(nomination, ["state"])
    nomination.state = Nomination.State.CORRECTION_REQUESTED
    save_audited(
        nomination,
        actor=actor,
        event="nomination.state_changed",
        fields=["state"],
        before=before,
        clean=False,  # only the state changes, set here
    )
    _tell_representatives(nomination, correction)
    return correction


def _tell_representatives(nomination: Nomination, correction: CorrectionRequest) -> None:
    reps = Representative.objects.current().filter(institution_id=nomination.institution_id)
    emails = sorted({r.email or (r.user.email if r.user else "") for r in reps} - {""})
    if not emails:
        return
    body = _(
        "The General Secretariat asks %(institution)s for a correction of its nomination for "
        "%(office)s.\n\n%(message)s\n\nPlease send it through the member portal by %(when)s."
    ) % {
        "institution": nomination.institution.name,
        "office": nomination.call_office.office.name,
        "message": correction.message,
        "when": moment_in_call_zone(nomination.call, correction.due),
    }
    email_queue(
        purpose="elections.correction_request",
        to=emails,
        subject=_("A correction is asked for your nomination"),
        body=body,
        target=nomination,
    )


# --- Publishing the list of candidates -------------------------------------------------------


@transaction.atomic
def candidates_publish(*, actor: User, call: Call, now: dt.datetime | None = None) -> Call:
    """The Secretariat publishes the list of candidates (shared/domain.md "Nominations" [D]:
    members see only their own nominations until then)."""
    require(actor, REVIEW)
    call = locked(call)
    if call.state not in (Call.State.PUBLISHED, Call.State.CLOSED):
        raise ValidationError(_("The Call for Candidates has not been published."))
    if call.candidates_published_at is not None:
        raise ValidationError(_("The list of candidates was already published."))
    before = snapshot(call, ["candidates_published_at"])
    call.candidates_published_at = now or timezone.now()
    save_audited(
        call,
        actor=actor,
        event="call.candidates_published",
        fields=["candidates_published_at"],
        before=before,
        clean=False,  # only the publication's time changes, set here
    )
    return call


# --- What the data say: the pre-filled findings ------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """What the registry and the mandates say about one requirement, and why."""

    result: str
    basis: str


def _received_day(version: NominationVersion) -> dt.date:
    nomination = version.nomination
    return timezone.localtime(nomination.received_at, call_zone(nomination.call)).date()


def suggest_nominator_standing(version: NominationVersion) -> Suggestion:
    """Requirement "nominator_standing": the nominating institution is a full member on the day
    the nomination was received and its vote is not suspended then (members: Membership with
    a category that votes; VotingSuspension in force)."""
    institution = version.nomination.institution
    day = _received_day(version)
    values = {"name": institution.name, "day": _day(day)}
    if not is_full_member(institution, day):
        return Suggestion(NOT_MET, _("%(name)s was not a full member on %(day)s.") % values)
    suspension = VotingSuspension.objects.active_on(day).filter(institution=institution).first()
    if suspension is not None:
        return Suggestion(
            NOT_MET,
            _("%(name)s's vote was suspended on %(day)s (%(basis)s).")
            % {**values, "basis": suspension.legal_basis},
        )
    return Suggestion(MET, _("%(name)s was a full member in good standing on %(day)s.") % values)


def suggest_member_nationality(version: NominationVersion) -> Suggestion:
    """Requirement "member_nationality": the candidate's nationality is the country of an
    institution with a membership in force on the day received (members: Membership)."""
    day = _received_day(version)
    country = version.candidate_nationality
    member = (
        Membership.objects.active_on(day)
        .filter(institution__country=country)
        .select_related("institution")
        .order_by("institution__name")
        .first()
    )
    values = {"country": country.name, "day": _day(day)}
    if member is None:
        return Suggestion(
            NOT_MET, _("No institution of %(country)s was a member on %(day)s.") % values
        )
    return Suggestion(
        MET,
        _("%(institution)s (%(country)s) was a member on %(day)s.")
        % {**values, "institution": member.institution.name},
    )


def suggest_document(version: NominationVersion, requirement: Requirement) -> Suggestion:
    """Requirement "document": a document for it on this version (NominationDocument)."""
    doc = NominationDocument.objects.filter(version=version, requirement=requirement).first()
    if doc is None:
        return Suggestion(NOT_MET, _("No document was sent for it in this version."))
    return Suggestion(
        MET,
        _("Sent: “%(name)s” (SHA-256 %(sha)s).")
        % {
            "name": doc.file_name,
            "sha": doc.sha256[:12],
        },
    )


def candidate_person(version: NominationVersion) -> list[Person]:
    """The person record of the candidate: the nomination's, else those whose name is exactly
    the candidate's."""
    if version.nomination.person_id is not None:
        person = version.nomination.person
        return [person] if person is not None else []
    return list(Person.objects.filter(name=version.candidate_name).select_related("nationality"))


def consecutive_terms(person: Person, office_id: int, start: dt.date) -> list[Mandate]:
    """The person's mandates of the office in an unbroken run up to `start` (each ends on or
    after the next one's start; the last on or after `start`), latest first."""
    mandates = Mandate.objects.filter(
        person=person, office_id=office_id, valid_from__lt=start
    ).order_by("-valid_from")
    run: list[Mandate] = []
    reach = start
    for mandate in mandates:
        if mandate.valid_to is not None and mandate.valid_to < reach:
            break
        run.append(mandate)
        if mandate.valid_from is None:
            break
        reach = mandate.valid_from
    return run


def suggest_reelection_limit(version: NominationVersion) -> Suggestion:
    """Requirement "reelection_limit": Office.reelection_limit (its source in
    Office.reelection_source); the consecutive terms the candidate's person held the office up
    to the new term's start (governance Mandates) must be fewer than the limit."""
    call_office = version.nomination.call_office
    office = call_office.office
    if office.reelection_limit is None:
        return Suggestion(MET, _("No limit to re-election is stated for this office."))
    people = candidate_person(version)
    if len(people) != 1:
        if people:
            return Suggestion(
                PENDING, _("More than one person record has this name: choose the candidate's.")
            )
        return Suggestion(PENDING, _("No person record matched the candidate's name."))
    held = consecutive_terms(people[0], office.pk, call_office.term_start)
    values = {
        "name": people[0].name,
        "count": len(held),
        "limit": office.reelection_limit,
        "day": _day(call_office.term_start),
        "source": office.reelection_source or _("source not recorded"),
    }
    if len(held) >= office.reelection_limit:
        return Suggestion(
            NOT_MET,
            _(
                "%(name)s will have held the office for %(count)s consecutive term(s) on "
                "%(day)s; at most %(limit)s (%(source)s)."
            )
            % values,
        )
    return Suggestion(
        MET,
        _(
            "%(name)s has held the office for %(count)s consecutive term(s) up to %(day)s; at "
            "most %(limit)s (%(source)s)."
        )
        % values,
    )


def suggest_nationality_differs(version: NominationVersion, requirement: Requirement) -> Suggestion:
    """Requirement "nationality_differs" (Requirement.other_office): the candidate's nationality
    differs from that of the other office's holder in force when the new term starts
    (governance Mandates) and of the other office's live candidates in the same Call; a shared
    nationality with a candidate leaves it pending (it depends on who is elected)."""
    other = requirement.other_office
    if other is None:
        return Suggestion(PENDING, _("The requirement names no other office to compare with."))
    start = version.nomination.call_office.term_start
    country = version.candidate_nationality
    holders = list(
        Mandate.objects.active_on(start).filter(office=other).select_related("person__nationality")
    )
    for holder in holders:
        nationality = holder.person.nationality if holder.person else None
        if nationality is None:
            return Suggestion(
                PENDING, _("The nationality of %(name)s is not recorded.") % {"name": holder.holder}
            )
        if nationality.pk == country.pk:
            return Suggestion(
                NOT_MET,
                _("%(name)s, %(office)s on %(day)s, is also of %(country)s.")
                % {
                    "name": holder.holder,
                    "office": other.name,
                    "day": _day(start),
                    "country": country.name,
                },
            )
    rivals = _same_nationality_candidates(version, other.pk)
    if rivals:
        return Suggestion(
            PENDING,
            _(
                "Candidates for %(office)s of %(country)s too: %(names)s; it depends on who is "
                "elected."
            )
            % {"office": other.name, "country": country.name, "names": ", ".join(rivals)},
        )
    return Suggestion(
        MET,
        _("No holder of %(office)s on %(day)s nor candidate for it is of %(country)s.")
        % {"office": other.name, "day": _day(start), "country": country.name},
    )


def _same_nationality_candidates(version: NominationVersion, office_id: int) -> list[str]:
    """Names of the live candidates for the other office in the same Call whose latest
    version has the candidate's nationality."""
    names = []
    others = (
        Nomination.objects.filter(
            call_id=version.nomination.call_id, call_office__office_id=office_id
        )
        .exclude(state=Nomination.State.WITHDRAWN)
        .exclude(pk=version.nomination_id)
    )
    for nomination in others:
        latest = latest_version(nomination)
        if (
            latest is not None
            and latest.candidate_nationality_id == version.candidate_nationality_id
        ):
            names.append(latest.candidate_name)
    return names


def suggestion_for(version: NominationVersion, requirement: Requirement) -> Suggestion | None:
    """What the data say about one requirement; None for a requirement only an officer checks."""
    kind = requirement.kind
    if kind == Requirement.Kind.NOMINATOR_IN_GOOD_STANDING:
        return suggest_nominator_standing(version)
    if kind == Requirement.Kind.MEMBER_NATIONALITY:
        return suggest_member_nationality(version)
    if kind == Requirement.Kind.DOCUMENT:
        return suggest_document(version, requirement)
    if kind == Requirement.Kind.REELECTION_LIMIT:
        return suggest_reelection_limit(version)
    if kind == Requirement.Kind.NATIONALITY_DIFFERS:
        return suggest_nationality_differs(version, requirement)
    return None


def findings_prefill(*, version: NominationVersion) -> dict[int, Suggestion]:
    """What the data say about each requirement that applies to the version's office, by the
    requirement's pk (nothing is written: the officer confirms each with `finding_record`)."""
    result = {}
    for requirement in applicable_requirements(version.nomination.call_office):
        suggestion = suggestion_for(version, requirement)
        if suggestion is not None:
            result[requirement.pk] = suggestion
    return result


# --- Recording a finding ------------------------------------------------------------------------


@transaction.atomic
def finding_record(
    *,
    actor: User,
    version: NominationVersion,
    requirement: Requirement,
    result: str,
    note: str,
    evidence: str,
    now: dt.datetime | None = None,
) -> Finding:
    """An officer's finding on one requirement for the latest version, confirmed, with what the
    data said beside it (shared/domain.md: the Secretariat reports whether each candidate meets
    the requirements of the Call); a finding that departs from the data says why."""
    require(actor, REVIEW)
    if result not in Finding.Result.values:
        raise ValidationError({"result": _("Choose met, not met or pending.")})
    latest = latest_version(version.nomination)
    if latest is None or latest.pk != version.pk:
        raise ValidationError(_("Only the latest version of a nomination is reviewed."))
    if (
        not applicable_requirements(version.nomination.call_office)
        .filter(pk=requirement.pk)
        .exists()
    ):
        raise ValidationError({"requirement": _("This requirement does not apply to this office.")})
    suggestion = suggestion_for(version, requirement)
    note = (note or "").strip()
    if suggestion is not None and result != suggestion.result and not note:
        raise ValidationError({"note": _("Say why the finding differs from what the data say.")})
    finding = Finding.objects.filter(version=version, requirement=requirement).first()
    creating = finding is None
    if finding is None:
        finding = Finding(version=version, requirement=requirement)
    else:
        finding = locked(finding)
    before = snapshot(finding, FINDING_FIELDS)
    finding.result = result
    finding.suggested = suggestion.result if suggestion else ""
    finding.basis = suggestion.basis if suggestion else ""
    finding.note = note
    finding.evidence = (evidence or "").strip()
    finding.confirmed = True
    finding.reviewed_by = actor
    finding.reviewed_at = now or timezone.now()
    save_audited(
        finding,
        actor=actor,
        event="finding.recorded",
        fields=FINDING_FIELDS,
        before=None if creating else before,
        log_on=version.nomination,
    )
    return finding
