"""Convening a session: the notice check, the convocation stored in each of its languages, one
Dispatch per recipient, and the e-mails sent after the transaction commits.

Rules enforced here (rule settings, [D] until confirmed):
- notice: the session opens no earlier than the convocation's date plus the body's
  `governance.<profile>.notice_days` (or `notice_days_extraordinary`) in force on the
  session's date; a shorter notice needs a recorded reason (a waiver in the action log);
- documents are due `governance.<profile>.documents_days` before the opening unless the
  convocation says otherwise.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from secretariat.core.access import require
from secretariat.core.audit import locked, record_action, save_audited
from secretariat.core.languages import AUTHORITATIVE, CONTENT_LANGUAGES
from secretariat.core.models import User
from secretariat.core.services.outbox import Attachment, email_queue
from secretariat.governance.models import Dispatch, Session
from secretariat.governance.selectors.convocation import (
    Recipient,
    convocation_default_text,
    convocation_recipients,
)
from secretariat.governance.selectors.notice import default_documents_deadline, notice_check
from secretariat.governance.selectors.sessions import aware, in_language, local
from secretariat.governance.services.common import touch_session

logger = logging.getLogger(__name__)

MANAGE = "governance.manage_sessions"


def check_notice(
    session: Session, convened_at: dt.datetime | None, waiver: str, actor: User
) -> None:
    """Refuse a session opening before the notice period ends
    (`governance.<profile>.notice_days`), unless a reason is given; the waiver is then
    recorded in the action log."""
    check = notice_check(session, convened_at=convened_at)
    if check.ok:
        return
    waiver = (waiver or "").strip()
    if not waiver:
        raise ValidationError(
            {
                "short_notice_reason": _(
                    "Too late for the notice period: convened on %(convened)s with %(days)d "
                    "days' notice, the session may open on %(earliest)s at the earliest, but it "
                    "opens on %(starts)s. Convene by %(latest)s, move the session, or give the "
                    "reason for the shorter notice."
                )
                % {
                    "convened": date_format(check.convened_on, "DATE_FORMAT"),
                    "days": check.days,
                    "earliest": date_format(check.earliest_start, "DATE_FORMAT"),
                    "starts": date_format(check.starts_on, "DATE_FORMAT"),
                    "latest": date_format(check.latest_convocation, "DATE_FORMAT"),
                }
            }
        )
    record_action(
        actor=actor,
        event="session.notice_waived",
        target=session,
        old={"notice_days": check.days, "earliest_start": check.earliest_start},
        new={"convened_on": check.convened_on, "starts_on": check.starts_on},
        reason=waiver,
    )


def _check_can_convene(session: Session) -> None:
    if session.state != Session.State.DRAFT:
        raise ValidationError(
            _("Only a session in preparation can be convened; this one is %(state)s.")
            % {"state": session.get_state_display()}
        )
    if not session.place.strip() and not session.online:
        raise ValidationError(
            _("Say where the session is held (a place, or online) before convening it.")
        )


def _documents_deadline(
    session: Session, given: dt.datetime | None, now: dt.datetime
) -> dt.datetime:
    """The deadline given (in the session's zone), else the body's `documents_days` rule;
    before the opening and not already passed."""
    deadline = aware(given, session.time_zone) or default_documents_deadline(session)
    if deadline >= session.starts_at:
        raise ValidationError(
            {"documents_deadline": _("Documents must be due before the session opens.")}
        )
    if deadline <= now:
        raise ValidationError(
            {
                "documents_deadline": _(
                    "The deadline for documents (%(deadline)s) has already passed; set a later one."
                )
                % {"deadline": date_format(local(deadline, session.time_zone), "DATETIME_FORMAT")}
            }
        )
    return deadline


def _write_convocations(
    session: Session, given: Mapping[str, str], deadline: dt.datetime, now: dt.datetime
) -> None:
    """The convocation in each of the session's languages: the text given, else generated."""
    for lang in session.languages:
        text = (given.get(lang) or "").strip()
        if not text:
            text = convocation_default_text(
                session, lang, documents_deadline=deadline, convened_at=now
            )
        setattr(session, f"convocation_{lang}", text.strip())


def _record_dispatches(
    session: Session, recipients: list[Recipient], actor: User, now: dt.datetime
) -> list[Dispatch]:
    # Dispatch is a log of messages, not a history-tracked record: one insert for all.
    return Dispatch.objects.bulk_create(
        [
            Dispatch(
                session=session,
                kind=Dispatch.Kind.CONVOCATION,
                recipient=r.name[:200],
                email=r.email,
                institution_id=r.institution_id,
                seat_id=r.seat_id,
                language=r.language,
                sent_at=now,
                sent_by=actor,
            )
            for r in recipients
        ]
    )


@transaction.atomic
def session_convene(
    *,
    actor: User,
    session: Session,
    convocations: Mapping[str, str] | None = None,
    documents_deadline: dt.datetime | None = None,
    short_notice_reason: str = "",
    reason: str = "",
    site_url: str = "",
) -> Session:
    """Convene a session in preparation: check the notice period (module docstring), store
    the convocation in each of its languages (the text given, else the generated one), and
    queue it by e-mail to every seat's representatives (one Dispatch and one outbox e-mail
    per message), which the worker sends once the transaction commits (decision 0006).
    `site_url` (scheme and host) makes the e-mails' links absolute.
    """
    require(actor, MANAGE, session)
    session = locked(session)
    _check_can_convene(session)
    now = timezone.now()
    deadline = _documents_deadline(session, documents_deadline, now)
    check_notice(session, now, short_notice_reason, actor)
    session.convened_at = now
    session.documents_deadline = deadline
    _write_convocations(session, convocations or {}, deadline, now)
    before_state = session.state
    session.mark_convened()
    recipients = convocation_recipients(session)
    save_audited(
        session,
        actor=actor,
        event="session.convened",
        reason=reason,
        old={"state": before_state},
        new={
            "state": session.state,
            "convened_at": now,
            "documents_deadline": deadline,
            "recipients": len(recipients),
        },
        exclude=["state"],  # protected FSM field: set by the transition
    )
    for dispatch in _record_dispatches(session, recipients, actor, now):
        queue_convocation(session, dispatch, site_url)
    touch_session(session)
    return session


# --- The e-mails -------------------------------------------------------------------------------


def _session_url(name: str, language: str, site_url: str, **kwargs: Any) -> str:
    try:
        with translation.override(language):
            path = reverse(f"governance:{name}", kwargs=kwargs)
    except NoReverseMatch:
        return ""
    return f"{site_url.rstrip('/')}{path}"


def queue_convocation(session: Session, dispatch: Dispatch, site_url: str = "") -> None:
    """The e-mail of one dispatch, in its language, with the session's calendar attached,
    into the outbox (core.services.outbox): the worker sends it after the commit."""
    from secretariat.governance.ical import session_ics

    lang = dispatch.language if dispatch.language in CONTENT_LANGUAGES else AUTHORITATIVE
    context = {
        "session": session,
        "recipient": dispatch.recipient,
        "title": in_language(session, "title", lang),
        "text": in_language(session, "convocation", lang),
        "session_url": _session_url("session-detail", lang, site_url, pk=session.pk),
        "pdf_url": _session_url(
            "session-convocation-pdf", lang, site_url, pk=session.pk, lang=lang
        ),
    }
    with translation.override(lang):
        subject = " ".join(
            render_to_string("governance/email/convocation_subject.txt", context).split()
        )
        body = render_to_string("governance/email/convocation_body.txt", context)
        ics = session_ics(session, language=lang, base_url=site_url, with_link=True)
    email_queue(
        purpose="governance.convocation",
        target=dispatch,
        to=[dispatch.email],
        subject=subject,
        body=body,
        language=lang,
        attachments=[Attachment("session.ics", ics.decode("utf-8"), "text/calendar")],
    )
