"""Every write to a Call for Candidates: drafting it (its text, dates, offices and
requirements), approving it by a recorded decision, publishing it (with the e-mail to the full
members' representatives) and closing it after its deadline.

Rules (shared/domain.md "Presidency, Secretary General, Comptroller, CIESS Director"):
- [C] the General Secretariat requests and receives the nominations; the election
  regulation sets the procedure and the deadline: the deadline is an instant, entered as a
  local date and time in the Call's IANA time zone (America/Mexico_City by default) and
  stored in UTC (`local_instant`); the opening comes before it;
- [D] nominations by full members in good standing, a candidate national of a member
  country, the documents (CV, letter of acceptance, nominating letter) listed in each Call,
  and the re-election limits: the default requirements each new Call starts with, marked as
  text to adjust (`DEFAULT_REQUIREMENTS`);
- [C] the Comptroller's nationality differs from the Secretary General's: added when the
  Comptroller's office is in the Call;
- the period to send a missing document is rule setting `elections.correction_days`.
Changes are only made to a draft: once approved, the Call is the decision's text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from secretariat.core.access import require, require_reason
from secretariat.core.audit import diff, locked, save_audited, snapshot
from secretariat.core.languages import CONTENT_LANGUAGES, session_languages
from secretariat.core.models import GeneratedDocument, User
from secretariat.core.pdf import pdf_version
from secretariat.core.selectors.rule_settings import rule_value
from secretariat.core.services.documents import document_request
from secretariat.core.services.outbox import email_queue
from secretariat.elections.models import Call
from secretariat.elections.selectors.calls import (
    CALL_DOCUMENT,
    CallRecipient,
    call_file_name,
    call_pdf_html,
    call_recipients,
    zone,
)
from secretariat.elections.services.call_parts import add_default_requirements, refuse_unless_draft
from secretariat.governance.models import Resolution, RulesProfile

MANAGE = "elections.manage_calls"
TEXTS = [f"{f}_{lang}" for f in ("title", "text") for lang in CONTENT_LANGUAGES]
CALL_FIELDS = [
    "reference",
    *TEXTS,
    "session",
    "opens_at",
    "deadline",
    "time_zone",
    "languages",
    "correction_days",
]
STATE_FIELDS = [
    "state",
    "approved_at",
    "approved_by",
    "approval_decision",
    "approval_resolution",
    "published_at",
]


# --- Time ------------------------------------------------------------------------------------


def check_time_zone(name: str | None) -> str:
    """An IANA time zone name that zoneinfo knows, else a translated error."""
    text = (name or "").strip()
    try:
        if not text:
            raise ZoneInfoNotFoundError(text)
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            {"time_zone": _("“%(zone)s” is not a known time zone.") % {"zone": text}}
        ) from None
    return text


def local_instant(moment: dt.datetime, tz_name: str, *, field: str = "deadline") -> dt.datetime:
    """The instant (UTC) a local date and time in `tz_name` names: 23:59:59 in
    America/Mexico_City is 05:59:59 UTC the next day. An aware value is taken as it is.

    A local time that does not exist (the clocks move forward over it) or occurs twice (they
    move back) in that zone is refused: a deadline must name one instant (the issue: "checked
    to the second")."""
    if timezone.is_aware(moment):
        return moment.astimezone(dt.UTC)
    tz = zone(tz_name)
    first = moment.replace(tzinfo=tz, fold=0)
    second = moment.replace(tzinfo=tz, fold=1)
    if first.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None) != moment:
        raise ValidationError(
            {
                field: _(
                    "%(time)s does not exist in %(zone)s: the clocks move forward over it. "
                    "Choose another time."
                )
                % {"time": moment.strftime("%Y-%m-%d %H:%M:%S"), "zone": tz_name}
            }
        )
    if first.utcoffset() != second.utcoffset():
        raise ValidationError(
            {
                field: _(
                    "%(time)s occurs twice in %(zone)s: the clocks move back over it. "
                    "Choose another time."
                )
                % {"time": moment.strftime("%Y-%m-%d %H:%M:%S"), "zone": tz_name}
            }
        )
    return first.astimezone(dt.UTC)


def check_dates(opens_at: dt.datetime | None, deadline: dt.datetime | None) -> None:
    """Both given, the opening strictly before the deadline."""
    errors: dict[str, str] = {}
    if opens_at is None:
        errors["opens_at"] = _("Give the date and time nominations open.")
    if deadline is None:
        errors["deadline"] = _("Give the deadline for nominations.")
    if opens_at is not None and deadline is not None and opens_at >= deadline:
        errors["deadline"] = _("The deadline must come after the opening.")
    if errors:
        raise ValidationError(errors)


# --- Drafting --------------------------------------------------------------------------------


def _apply_call_data(call: Call, data: Mapping[str, Any]) -> None:
    """Texts, dates (local in the Call's zone → UTC), languages and correction period."""
    tz_name = check_time_zone(data.get("time_zone") or "America/Mexico_City")
    for name in TEXTS:
        setattr(call, name, (data.get(name) or "").strip())
    errors: dict[str, str] = {}
    if not getattr(call, "title_es", ""):
        errors["title_es"] = _("The title in Spanish is required.")
    if not getattr(call, "text_es", ""):
        errors["text_es"] = _("The text in Spanish is required.")
    session = data.get("session")
    if session is not None and session.body.rules_profile != RulesProfile.GENERAL_ASSEMBLY:
        errors["session"] = _("The electing session must be a session of the General Assembly.")
    days = data.get("correction_days")
    if days is None:
        days = int(rule_value("elections.correction_days"))
    if not 1 <= int(days) <= 90:
        errors["correction_days"] = _("Between 1 and 90 days.")
    if errors:
        raise ValidationError(errors)
    opens_at = data.get("opens_at")
    deadline = data.get("deadline")
    opens_at = local_instant(opens_at, tz_name, field="opens_at") if opens_at else None
    deadline = local_instant(deadline, tz_name) if deadline else None
    check_dates(opens_at, deadline)
    assert opens_at is not None and deadline is not None  # check_dates refused them missing
    call.time_zone = tz_name
    call.opens_at = opens_at
    call.deadline = deadline
    call.reference = (data.get("reference") or "").strip()
    call.session = session
    call.languages = session_languages(data.get("languages"))
    call.correction_days = int(days)


@transaction.atomic
def call_create(*, actor: User, data: Mapping[str, Any]) -> Call:
    """Draft a Call: its texts, dates and languages, with the default requirements of
    domain.md [D] to adjust (nominator in good standing, nationality of a member country, the
    three documents, the re-election limit)."""
    require(actor, MANAGE)
    call = Call(created_by=actor)
    _apply_call_data(call, data)
    save_audited(call, actor=actor, event="call.created", fields=CALL_FIELDS, exclude=["state"])
    add_default_requirements(actor=actor, call=call)
    return call


@transaction.atomic
def call_update(
    *, actor: User, call: Call, data: Mapping[str, Any], reason: str | None = None
) -> Call:
    """Change a draft Call's texts, dates, languages or correction period."""
    require(actor, MANAGE)
    call = locked(call)
    refuse_unless_draft(call)
    before = snapshot(call, CALL_FIELDS)
    _apply_call_data(call, data)
    save_audited(
        call,
        actor=actor,
        event="call.updated",
        fields=CALL_FIELDS,
        before=before,
        reason=reason,
        exclude=["state"],
    )
    return call


# --- Approval, publication, closing --------------------------------------------------------


@transaction.atomic
def call_approve(
    *, actor: User, call: Call, decision: str, resolution: Resolution | None = None
) -> Call:
    """Approve a draft Call by a recorded decision (who approved it, when and how; optionally
    a resolution of the register). Refused for a Call with no office or no requirement, a
    deadline already passed, or an opening not before the deadline (the issue: "The Call is
    approved by a recorded decision")."""
    require(actor, MANAGE)
    decision = require_reason(decision, "decision")
    call = locked(call)
    refuse_unless_draft(call)
    now = timezone.now()
    problems = []
    if not call.offices.exists():
        problems.append(_("The Call has no office to fill."))
    if not call.requirements.exists():
        problems.append(_("The Call lists no requirement."))
    if call.deadline <= now:
        problems.append(_("The deadline has already passed."))
    if call.opens_at >= call.deadline:
        problems.append(_("The deadline must come after the opening."))
    if problems:
        raise ValidationError(problems)
    before = snapshot(call, STATE_FIELDS)
    call.mark_approved()
    call.approved_at = now
    call.approved_by = actor
    call.approval_decision = decision[:500]
    call.approval_resolution = resolution
    save_audited(
        call,
        actor=actor,
        event="call.approved",
        fields=STATE_FIELDS,
        before=before,
        reason=decision,
        exclude=["state"],  # FSM-protected: the transition set it
    )
    return call


def _message(call: Call, recipient: CallRecipient, base_url: str) -> tuple[str, str]:
    """The subject and body one representative receives, in their language."""
    lang = recipient.language
    title = getattr(call, f"title_{lang}", "") or getattr(call, "title_es", "")
    local = call.deadline.astimezone(zone(call.time_zone))
    path = reverse("elections:call-detail", kwargs={"pk": call.pk})
    body = render_to_string(
        "elections/call_published_email.txt",
        {
            "recipient": recipient.name,
            "title": title,
            "deadline": formats.date_format(local, "DATE_FORMAT"),
            "deadline_time": local.strftime("%H:%M:%S"),
            "zone": call.time_zone,
            "url": base_url.rstrip("/") + path,
        },
    )
    subject = _("Call for Candidates: %(title)s") % {"title": title}
    return subject, body


@transaction.atomic
def call_publish(*, actor: User, call: Call, base_url: str = "") -> Call:
    """Publish an approved Call on the public site and e-mail it (after the commit, through
    the outbox) to the representatives of the full members on that day, each in their
    language if the Call is in it, else Spanish (the issue: "e-mailed to the full members'
    representatives"). Refused once the deadline has passed."""
    require(actor, MANAGE)
    call = locked(call)
    if call.state != Call.State.APPROVED:
        raise ValidationError(
            _("Only an approved Call is published; this one is “%(state)s”.")
            % {"state": call.get_state_display()}
        )
    now = timezone.now()
    if call.deadline <= now:
        raise ValidationError(_("The deadline has already passed: the Call cannot be published."))
    before = snapshot(call, STATE_FIELDS)
    call.mark_published()
    call.published_at = now
    call.full_clean(exclude=["state"])  # FSM-protected: the transition set it
    recipients = call_recipients(call, timezone.localdate(now, zone(call.time_zone)))
    for recipient in recipients:
        with translation.override(recipient.language):
            subject, body = _message(call, recipient, base_url)
        email_queue(
            purpose="elections.call_published",
            target=call,
            to=[recipient.email],
            subject=subject,
            body=body,
            language=recipient.language,
        )
    old, new = diff(before, snapshot(call, STATE_FIELDS))
    save_audited(
        call,
        actor=actor,
        event="call.published",
        old=old,
        new={**new, "sent": len(recipients)},
        clean=False,  # cleaned above
    )
    return call


@transaction.atomic
def call_close(*, actor: User, call: Call, now: dt.datetime | None = None) -> Call:
    """Close a published Call once its deadline has passed (nominations are no longer
    received: `selectors.calls.call_is_open`). Refused before the deadline, which is stated."""
    require(actor, MANAGE)
    call = locked(call)
    if call.state != Call.State.PUBLISHED:
        raise ValidationError(
            _("Only a published Call is closed; this one is “%(state)s”.")
            % {"state": call.get_state_display()}
        )
    moment = now or timezone.now()
    if moment < call.deadline:
        local = call.deadline.astimezone(zone(call.time_zone))
        raise ValidationError(
            _("The deadline has not passed: it is %(date)s at %(time)s (%(zone)s).")
            % {
                "date": formats.date_format(local, "DATE_FORMAT"),
                "time": local.strftime("%H:%M:%S"),
                "zone": call.time_zone,
            }
        )
    before = snapshot(call, STATE_FIELDS)
    call.mark_closed()
    save_audited(
        call,
        actor=actor,
        event="call.closed",
        fields=STATE_FIELDS,
        before=before,
        exclude=["state"],  # FSM-protected: the transition set it
    )
    return call


def call_pdf(*, call: Call, language: str) -> GeneratedDocument:
    """The Call's PDF in one language: this version (its state and content) built once by
    the worker (decision 0006). Access to the Call is the caller's to check first."""
    html = call_pdf_html(call, language)
    return document_request(
        kind=CALL_DOCUMENT,
        target=call,
        language=language,
        version=pdf_version(html),
        file_name=call_file_name(call, language),
    )
