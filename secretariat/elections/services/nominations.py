"""Nominations: a full member's candidate for an office of a Call, received through the portal
or on paper, frozen once received; a correction is a new version; a withdrawal is recorded,
never a deletion (shared/domain.md "Presidency, Secretary General, Comptroller, CIESS
Director" and "Nominations" [D]).

Rules enforced:
- a nomination is received only while the Call is published and open, from its opening to
  its deadline, to the second (the deadline itself is too late), in the Call's time zone;
- only a full member (a category with the right to vote) nominates, through its
  representative; a paper nomination is recorded by the Secretariat with its date of receipt;
- a member nominates at most `elections.nominations_per_office` live candidates for an
  office (rule setting, [D] 1);
- documents are checked by content and size (governance.uploads) and kept with their digest;
- a correction is allowed only while the Secretariat's request is pending and before it is due.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from secretariat.core.access import require, require_reason
from secretariat.core.audit import locked, record_action, save_audited, snapshot
from secretariat.core.models import User
from secretariat.core.selectors.rule_settings import rule_value
from secretariat.core.services.outbox import email_queue
from secretariat.elections.models import (
    Call,
    CallOffice,
    Contest,
    Nomination,
    NominationDocument,
    NominationVersion,
    Requirement,
)
from secretariat.elections.selectors.eligibility import applicable_requirements, latest_version
from secretariat.governance.uploads import validate_document_file
from secretariat.members.models import Country, Institution, Membership
from secretariat.members.permissions import represented_institution_ids

NOMINATE = "elections.nominate"
RECORD_PAPER = "elections.review_nominations"
NOMINATION_FIELDS = [
    "call",
    "call_office",
    "institution",
    "channel",
    "received_at",
    "state",
    "withdrawn_at",
]
VERSION_FIELDS = [
    "number",
    "candidate_name",
    "candidate_nationality",
    "candidate_email",
    "candidate_biography",
    "note",
    "reason",
]
LIVE_CALL_STATES = (Call.State.PUBLISHED,)
# Uploads keyed by the pk of the document requirement they answer.
Uploads = Mapping[int, UploadedFile[bytes]]


# --- The Call's clock -------------------------------------------------------------------


def call_zone(call: Call) -> zoneinfo.ZoneInfo:
    """The Call's time zone (the site's when the name is unknown)."""
    try:
        return zoneinfo.ZoneInfo(call.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(timezone.get_default_timezone_name())


def moment_in_zone(moment: dt.datetime, zone: dt.tzinfo, zone_name: str) -> str:
    """A moment to the second in a zone, dated per the language: "15 March 2026, 23:59:59
    (America/Mexico_City)"."""
    local = timezone.localtime(moment, zone)
    return "{}, {} ({})".format(
        formats.date_format(local, "DATE_FORMAT"), local.strftime("%H:%M:%S"), zone_name
    )


def moment_in_call_zone(call: Call, moment: dt.datetime) -> str:
    return moment_in_zone(moment, call_zone(call), call.time_zone)


def call_accepts_at(call: Call, moment: dt.datetime) -> bool:
    """Whether the Call receives nominations at `moment`: published, and opens_at <= moment <
    deadline (shared/domain.md: the deadline is to the second). Private to this part until the
    Call part's `selectors.calls.call_is_open` replaces it."""
    return call.state in LIVE_CALL_STATES and call.opens_at <= moment < call.deadline


def _check_open(call: Call, moment: dt.datetime) -> None:
    """Refuse outside [opens_at, deadline), saying when, in the Call's zone."""
    if call.state not in LIVE_CALL_STATES:
        raise ValidationError(_("This Call for Candidates is not receiving nominations."))
    if moment < call.opens_at:
        raise ValidationError(
            _("Nominations open on %(when)s.") % {"when": moment_in_call_zone(call, call.opens_at)}
        )
    if moment >= call.deadline:
        raise ValidationError(
            _("The deadline was %(when)s.") % {"when": moment_in_call_zone(call, call.deadline)}
        )


# --- Who may nominate --------------------------------------------------------------------


def is_full_member(institution: Institution, day: dt.date) -> bool:
    """A member of a category with the right to vote on `day` (only full members nominate:
    CISS General Assembly page, "Only full members have the right to vote")."""
    return (
        Membership.objects.active_on(day)
        .filter(institution=institution, category__has_vote=True)
        .exists()
    )


def _check_nominator(institution: Institution, day: dt.date) -> None:
    if not is_full_member(institution, day):
        raise ValidationError(
            {
                "institution": _(
                    "%(name)s is not a full member: only full members nominate candidates."
                )
                % {"name": institution.name}
            }
        )


def _check_represents(actor: User, institution: Institution) -> None:
    if institution.pk not in represented_institution_ids(actor):
        raise ValidationError({"institution": _("You do not represent this institution.")})


def _check_limit(call_office: CallOffice, institution: Institution, day: dt.date) -> None:
    """At most `elections.nominations_per_office` live nominations of a member for an office
    (rule setting, [D] 1)."""
    limit = int(rule_value("elections.nominations_per_office", day))
    live = (
        Nomination.objects.filter(call_office=call_office, institution=institution)
        .exclude(state=Nomination.State.WITHDRAWN)
        .count()
    )
    if live >= limit:
        raise ValidationError(
            {
                "call_office": _(
                    "%(name)s already has %(count)s nomination(s) for %(office)s; the limit is "
                    "%(limit)s per office."
                )
                % {
                    "name": institution.name,
                    "count": live,
                    "office": call_office.office.name,
                    "limit": limit,
                }
            }
        )


def _check_office(call: Call, call_office: CallOffice) -> None:
    if call_office.call_id != call.pk:
        raise ValidationError({"call_office": _("This office is not in this Call.")})


# --- What a version says ------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    name: str
    nationality: Country
    email: str
    biography: str
    note: str


def _candidate(data: Mapping[str, Any]) -> Candidate:
    name = str(data.get("candidate_name") or "").strip()
    nationality = data.get("candidate_nationality")
    errors: dict[str, str] = {}
    if not name:
        errors["candidate_name"] = _("Give the candidate's name.")
    if not isinstance(nationality, Country):
        errors["candidate_nationality"] = _("Give the candidate's nationality.")
    if errors:
        raise ValidationError(errors)
    assert isinstance(nationality, Country)
    return Candidate(
        name=name,
        nationality=nationality,
        email=str(data.get("candidate_email") or "").strip(),
        biography=str(data.get("candidate_biography") or "").strip(),
        note=str(data.get("note") or "").strip(),
    )


def document_requirements(call_office: CallOffice) -> list[Requirement]:
    """The document requirements that apply to the office, in order."""
    return list(applicable_requirements(call_office).filter(kind=Requirement.Kind.DOCUMENT))


def _check_files(call_office: CallOffice, files: Uploads) -> dict[int, str]:
    """Every upload checked before anything is written; content types by requirement."""
    allowed = {r.pk for r in document_requirements(call_office)}
    errors: dict[str, list[ValidationError]] = {}
    types: dict[int, str] = {}
    for requirement_pk, upload in files.items():
        key = f"doc_{requirement_pk}"
        if requirement_pk not in allowed:
            errors.setdefault(key, []).append(
                ValidationError(_("This document is not asked for the office chosen."))
            )
            continue
        try:
            types[requirement_pk] = validate_document_file(upload)
        except ValidationError as exc:
            errors.setdefault(key, []).append(exc)
    if errors:
        raise ValidationError(errors)
    return types


def _digest(upload: UploadedFile[bytes]) -> str:
    sha = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        sha.update(chunk)
    upload.seek(0)
    return sha.hexdigest()


def _store_files(
    version: NominationVersion, files: Uploads, types: Mapping[int, str], now: dt.datetime
) -> list[NominationDocument]:
    """One row per file, under a random stored name, with its original name and digest (files
    are never replaced: a correction is a new version)."""
    rows = []
    for requirement_pk, upload in files.items():
        name = (upload.name or "file").replace("/", "_").replace("\\", "_")[-255:]
        row = NominationDocument(
            version=version,
            requirement_id=requirement_pk,
            file_name=name,
            content_type=types[requirement_pk],
            size=upload.size or 0,
            sha256=_digest(upload),
            uploaded_at=now,
        )
        row.file.save(name, upload, save=False)
        row.full_clean()
        row.save()
        rows.append(row)
    return rows


def _new_version(
    *,
    actor: User,
    nomination: Nomination,
    number: int,
    candidate: Candidate,
    reason: str,
    now: dt.datetime,
) -> NominationVersion:
    version = NominationVersion(
        nomination=nomination,
        number=number,
        candidate_name=candidate.name,
        candidate_nationality=candidate.nationality,
        candidate_email=candidate.email,
        candidate_biography=candidate.biography,
        note=candidate.note,
        created_at=now,
        created_by=actor,
        reason=reason,
    )
    save_audited(
        version,
        actor=actor,
        event="nomination.version_added",
        fields=VERSION_FIELDS,
        log_on=nomination,
    )
    return version


def _log_files(actor: User, nomination: Nomination, number: int, rows: list[Any]) -> None:
    """The files of a version, on the nomination's action log (they have no history)."""
    if not rows:
        return
    summary = [
        {"requirement": r.requirement_id, "name": r.file_name, "sha": r.sha256} for r in rows
    ]
    new = {"version": number, "documents": summary}
    record_action(actor=actor, event="nomination.documents_added", target=nomination, new=new)


# --- Receiving a nomination ----------------------------------------------------------------


def _receive(
    *,
    actor: User,
    call: Call,
    call_office: CallOffice,
    institution: Institution,
    data: Mapping[str, Any],
    files: Uploads,
    channel: str,
    received_at: dt.datetime,
    now: dt.datetime,
) -> Nomination:
    """Checks shared by the portal and paper, then the nomination, its version 1 and files."""
    day = timezone.localtime(received_at, call_zone(call)).date()
    _check_office(call, call_office)
    _check_nominator(institution, day)
    candidate = _candidate(data)
    types = _check_files(call_office, files)
    _check_limit(call_office, institution, day)
    nomination = Nomination(
        call=call,
        call_office=call_office,
        institution=institution,
        channel=channel,
        received_at=received_at,
        submitted_by=actor,
    )
    save_audited(
        nomination,
        actor=actor,
        event="nomination.received",
        new=lambda: snapshot(nomination, NOMINATION_FIELDS),
    )
    version = _new_version(
        actor=actor, nomination=nomination, number=1, candidate=candidate, reason="", now=now
    )
    _log_files(actor, nomination, 1, _store_files(version, files, types, now))
    return nomination


@transaction.atomic
def nomination_submit(
    *,
    actor: User,
    call: Call,
    call_office: CallOffice,
    institution: Institution,
    data: Mapping[str, Any],
    files: Uploads,
    now: dt.datetime | None = None,
) -> Nomination:
    """A full member's representative submits a candidate through the portal (shared/domain.md
    "Nominations" [D]; rule setting `elections.nominations_per_office`): only while the Call is
    open, to the second; a receipt is e-mailed to the submitter."""
    require(actor, NOMINATE)
    now = now or timezone.now()
    _check_open(call, now)
    _check_represents(actor, institution)
    nomination = _receive(
        actor=actor,
        call=call,
        call_office=call_office,
        institution=institution,
        data=data,
        files=files,
        channel=Nomination.Channel.PORTAL,
        received_at=now,
        now=now,
    )
    _send_receipt(actor, nomination, now)
    return nomination


def _send_receipt(actor: User, nomination: Nomination, now: dt.datetime) -> None:
    if not actor.email:
        return
    version = nomination.versions.get(number=1)
    body = _(
        "The General Secretariat received the nomination of %(candidate)s for %(office)s by "
        "%(institution)s on %(when)s.\n\nCall: %(call)s\n\nIt can no longer be changed; the "
        "Secretariat will write if it needs a correction."
    ) % {
        "candidate": version.candidate_name,
        "office": nomination.call_office.office.name,
        "institution": nomination.institution.name,
        "when": moment_in_call_zone(nomination.call, now),
        "call": nomination.call.title,
    }
    email_queue(
        purpose="elections.nomination_receipt",
        to=[actor.email],
        subject=_("Nomination received: %(candidate)s") % {"candidate": version.candidate_name},
        body=body,
        target=nomination,
    )


@transaction.atomic
def nomination_record_paper(
    *,
    actor: User,
    call: Call,
    call_office: CallOffice,
    institution: Institution,
    data: Mapping[str, Any],
    files: Uploads,
    received_at: dt.datetime,
    now: dt.datetime | None = None,
) -> Nomination:
    """The Secretariat records a nomination received on paper, with when it was received
    (shared/domain.md "Nominations" [D]): refused if it arrived after the deadline."""
    require(actor, RECORD_PAPER)
    now = now or timezone.now()
    if call.state not in (Call.State.PUBLISHED, Call.State.CLOSED):
        raise ValidationError(_("This Call for Candidates is not receiving nominations."))
    if received_at > now:
        raise ValidationError({"received_at": _("The date of receipt cannot be in the future.")})
    if received_at < call.opens_at:
        raise ValidationError(
            {
                "received_at": _("It was received before the Call opened (%(when)s).")
                % {"when": moment_in_call_zone(call, call.opens_at)}
            }
        )
    if received_at >= call.deadline:
        raise ValidationError(
            {
                "received_at": _("It was received late: the deadline was %(when)s.")
                % {"when": moment_in_call_zone(call, call.deadline)}
            }
        )
    return _receive(
        actor=actor,
        call=call,
        call_office=call_office,
        institution=institution,
        data=data,
        files=files,
        channel=Nomination.Channel.PAPER,
        received_at=received_at,
        now=now,
    )


# --- Withdrawing and correcting --------------------------------------------------------------


def _check_own(actor: User, nomination: Nomination) -> None:
    require(actor, NOMINATE)
    if nomination.institution_id not in represented_institution_ids(actor):
        raise ValidationError(_("Only the nominating member may do this."))


@transaction.atomic
def nomination_withdraw(
    *, actor: User, nomination: Nomination, reason: str | None, now: dt.datetime | None = None
) -> Nomination:
    """The nominating member withdraws its candidate, with a reason, before the election of
    the office has started (shared/domain.md "Nominations" [D]); nothing is deleted."""
    _check_own(actor, nomination)
    text = require_reason(reason)
    nomination = locked(nomination)
    if nomination.state == Nomination.State.WITHDRAWN:
        raise ValidationError(_("This nomination was already withdrawn."))
    if Contest.objects.filter(call_office_id=nomination.call_office_id).exists():
        raise ValidationError(_("The election of this office has started."))
    before = snapshot(nomination, NOMINATION_FIELDS)
    nomination.state = Nomination.State.WITHDRAWN
    nomination.withdrawn_at = now or timezone.now()
    save_audited(
        nomination,
        actor=actor,
        event="nomination.withdrawn",
        fields=NOMINATION_FIELDS,
        before=before,
        reason=text,
        clean=False,  # only the state and its time change, set here
    )
    return nomination


def _pending_due(nomination: Nomination, now: dt.datetime) -> list[int]:
    """The pending correction requests still in time; refuses when none is pending or all are
    overdue, stating when they were due (to the second, in the Call's zone)."""
    pending = list(nomination.corrections.filter(answered_by_version__isnull=True))
    if not pending or nomination.state != Nomination.State.CORRECTION_REQUESTED:
        raise ValidationError(_("The Secretariat has asked for no correction of this nomination."))
    in_time = [c.pk for c in pending if now < c.due]
    if not in_time:
        last = max(c.due for c in pending)
        raise ValidationError(
            _("The correction was due by %(when)s.")
            % {"when": moment_in_call_zone(nomination.call, last)}
        )
    return [c.pk for c in pending]


def _carry_documents(
    previous: NominationVersion, version: NominationVersion, replaced: set[int]
) -> list[NominationDocument]:
    """The previous version's documents not replaced, kept as they were (same stored file)."""
    rows = []
    for doc in previous.documents.exclude(requirement_id__in=replaced):
        row = NominationDocument(
            version=version,
            requirement_id=doc.requirement_id,
            file=doc.file.name,
            file_name=doc.file_name,
            content_type=doc.content_type,
            size=doc.size,
            sha256=doc.sha256,
            uploaded_at=doc.uploaded_at,
        )
        row.full_clean()
        row.save()
        rows.append(row)
    return rows


@transaction.atomic
def nomination_correct(
    *,
    actor: User,
    nomination: Nomination,
    data: Mapping[str, Any],
    files: Uploads,
    now: dt.datetime | None = None,
) -> NominationVersion:
    """The nominating member answers the Secretariat's correction request with a new version
    (the previous data and documents, with its changes and new files): only while a request
    is pending and before it is due, to the second (shared/domain.md "Nominations" [D]:
    frozen once submitted, corrections are new versions)."""
    _check_own(actor, nomination)
    now = now or timezone.now()
    nomination = locked(nomination)
    answered = _pending_due(nomination, now)
    candidate = _candidate(data)
    types = _check_files(nomination.call_office, files)
    previous = latest_version(nomination)
    assert previous is not None
    version = _new_version(
        actor=actor,
        nomination=nomination,
        number=previous.number + 1,
        candidate=candidate,
        reason=_("Answer to the Secretariat's request for a correction"),
        now=now,
    )
    stored = _store_files(version, files, types, now)
    _carry_documents(previous, version, set(files))
    for correction in nomination.corrections.filter(pk__in=answered):
        correction.answered_by_version = version
        save_audited(
            correction,
            actor=actor,
            event="nomination.correction_answered",
            old={"answered_by_version": None},
            new={"answered_by_version": version.pk},
            log_on=nomination,
        )
    before = snapshot(nomination, NOMINATION_FIELDS)
    nomination.state = Nomination.State.SUBMITTED
    save_audited(
        nomination,
        actor=actor,
        event="nomination.corrected",
        fields=NOMINATION_FIELDS,
        before=before,
        clean=False,  # only the state changes, set here
        reason=_("Version %(number)s") % {"number": version.number},
    )
    _log_files(actor, nomination, version.number, stored)
    return version
