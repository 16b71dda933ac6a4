"""Every write to the minutes (actas) of a session; their errata are in `services.errata`.

The cycle (shared/domain.md "Documents and identity": minutes are "Actas"; issue #4, "After
the session"): drafted from the session's record and edited by the Secretariat → circulated
to the seat holders for comments within a period (rule setting
`governance.<body>.minutes_comment_days`, default 30 days, to be confirmed) → amended →
approved at a later session of the same body, itself a recorded decision of that session →
signed by the chair and the secretary → locked and published. Locked minutes never change:
a correction is an erratum.

Spanish is authoritative. The draft is one template whose words are msgids (context
"minutes"), rendered under each of the session's languages (`render_draft`), so each text
reads in its own language.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from secretariat.core.access import require, require_reason
from secretariat.core.audit import diff, locked, save_audited, snapshot
from secretariat.core.languages import recipient_language, session_languages, translated_fields
from secretariat.core.models import User
from secretariat.core.services.outbox import email_queue
from secretariat.governance.body_rules import body_rule
from secretariat.governance.models import Dispatch, Minutes, MinutesComment, Session, Vote
from secretariat.governance.selectors.minutes import Recipient, minutes_recipients, user_label
from secretariat.governance.selectors.records import SessionRecord, session_record
from secretariat.governance.services.common import touch_session

MANAGE = "governance.manage_sessions"
COMMENT = "governance.comment_minutes"
TEXT_FIELDS = tuple(translated_fields("text"))
MINUTES_FIELDS = [
    "state",
    *TEXT_FIELDS,
    "comments_until",
    "circulated_at",
    "approved_at_session",
    "approval_vote",
    "approval_decision",
    "approved_at",
    "chair_signatory",
    "chair_signed_at",
    "secretary_signatory",
    "secretary_signed_at",
    "locked_at",
]


def render_draft(record: SessionRecord, language: str) -> str:
    """The generated text of the minutes in one language: the template's words, the date
    formats and the content fields in that language (falling back to Spanish)."""
    with translation.override(language):
        text = render_to_string("governance/minutes/draft.txt", {"r": record, "s": record.session})
    # Collapse the blank lines the template's tags leave behind.
    lines = [line.rstrip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    return "\n".join(out).strip() + "\n"


def _refuse_if_locked(minutes: Minutes) -> None:
    if minutes.locked:
        raise ValidationError(_("Signed minutes cannot change; propose an erratum."))


def _refuse_unless(minutes: Minutes, states: tuple[str, ...], message: str) -> None:
    """Refuse minutes in another state; `message` names their state (%(state)s)."""
    if minutes.state not in states:
        raise ValidationError(message % {"state": minutes.get_state_display()})


@transaction.atomic
def minutes_draft(*, actor: User, session: Session) -> Minutes:
    """Draft the minutes of a closed session from its record (or regenerate the draft), in
    each of the session's languages (`core.languages.session_languages`)."""
    require(actor, MANAGE)
    session = locked(session)
    if session.state != Session.State.CLOSED:
        raise ValidationError(_("The minutes are drafted once the session is closed."))
    minutes = Minutes.objects.select_for_update().filter(session=session).first()
    if minutes is not None and minutes.state != Minutes.State.DRAFT:
        raise ValidationError(
            _("The minutes are already “%(state)s”: the draft can no longer be regenerated.")
            % {"state": minutes.get_state_display()}
        )
    record = session_record(session)
    texts = {
        f"text_{lang}": render_draft(record, lang) for lang in session_languages(session.languages)
    }
    created = minutes is None
    minutes = minutes or Minutes(session=session)
    before = snapshot(minutes, list(TEXT_FIELDS))
    for key, value in texts.items():
        setattr(minutes, key, value)
    if created:
        old: dict[str, Any] = {}
        new: dict[str, Any] = {"session": session.pk, "languages": list(texts)}
        event, reason = "minutes.drafted", _("Drafted from the session's record")
    else:
        changed_old, changed_new = diff(before, snapshot(minutes, list(TEXT_FIELDS)))
        old = {k: bool(v) for k, v in changed_old.items()}
        new = {"languages": list(changed_new)}
        event, reason = "minutes.regenerated", _("Draft regenerated from the session's record")
    save_audited(
        minutes, actor=actor, event=event, old=old, new=new, reason=reason, exclude=["state"]
    )
    touch_session(session)
    return minutes


EDITABLE_STATES = (Minutes.State.DRAFT, Minutes.State.AMENDED)


def why_not_editable(minutes: Minutes) -> str:
    """Why the text of the minutes cannot be edited now ("" when it can): signed minutes are
    locked (corrected by an erratum); otherwise only in draft or when marked for amendment."""
    if minutes.locked:
        return str(_("Signed minutes cannot change; propose an erratum."))
    if minutes.state not in EDITABLE_STATES:
        return str(
            _(
                "The minutes can be edited in draft, or after they are marked for amendment; "
                "they are now “%(state)s”."
            )
            % {"state": minutes.get_state_display()}
        )
    return ""


@transaction.atomic
def minutes_update(
    *, actor: User, minutes: Minutes, reason: str | None = None, **texts: str
) -> Minutes:
    """Edit the text of the minutes (any language) while in draft or amended.

    A reason is required once the minutes have been circulated (the seat holders saw them).
    """
    require(actor, MANAGE)
    unknown = [k for k in texts if k not in TEXT_FIELDS]
    if unknown:
        raise TypeError(f"unexpected fields {unknown}")
    minutes = locked(minutes)
    refusal = why_not_editable(minutes)
    if refusal:
        raise ValidationError(refusal)
    if minutes.state == Minutes.State.AMENDED:
        reason = require_reason(reason)
    if "text_es" in texts and not (texts["text_es"] or "").strip():
        raise ValidationError({"text_es": _("The Spanish text is required (it is authoritative).")})
    before = snapshot(minutes, list(TEXT_FIELDS))
    for key, value in texts.items():
        setattr(minutes, key, (value or "").replace("\r\n", "\n"))
    minutes.full_clean(exclude=["state"])  # FSM-protected: the transition set it
    old, new = diff(before, snapshot(minutes, list(TEXT_FIELDS)))
    if not new:
        return minutes
    save_audited(
        minutes,
        actor=actor,
        event="minutes.updated",
        # The texts are long; the history keeps them (simple_history), the log says which.
        old={k: len(v or "") for k, v in old.items()},
        new={k: len(v or "") for k, v in new.items()},
        reason=reason,
        clean=False,  # cleaned above, before comparing
    )
    touch_session(minutes.session_id)
    return minutes


def default_comments_until(session: Session, now: dt.datetime | None = None) -> dt.datetime:
    """Now plus the body's period for comments (rule setting `minutes_comment_days`)."""
    now = now or timezone.now()
    days = int(body_rule(session.body, "minutes_comment_days", timezone.localdate(now)).value)
    return now + dt.timedelta(days=days)


def _circulation_message(
    session: Session, minutes: Minutes, recipient: Recipient, until: dt.datetime, base_url: str
) -> dict[str, Any]:
    """The message one participant receives, in the language they read (rendered under it)."""
    p = recipient.participant
    path = reverse("governance:minutes-detail", kwargs={"pk": session.pk})
    body = render_to_string(
        "governance/minutes/circulated_email.txt",
        {
            "session": session,
            "minutes": minutes,
            "recipient": p,
            "url": base_url.rstrip("/") + path,
            "until": formats.date_format(timezone.localtime(until), "DATETIME_FORMAT"),
            "tz": timezone.get_current_timezone_name(),
        },
    )
    subject = _("Minutes for comments: %(session)s") % {"session": session.title}
    return {"to": recipient.email, "subject": subject, "body": body}


def _dispatch(
    *, actor: User, session: Session, minutes: Minutes, until: dt.datetime, base_url: str
) -> int:
    """One Dispatch row and one outbox e-mail per registered participant with an e-mail, in
    their language if the session works in it, else Spanish; the worker sends them after
    the commit (decision 0006). Returns how many."""
    langs = session_languages(session.languages)
    now = minutes.circulated_at or timezone.now()
    dispatches: list[tuple[Dispatch, dict[str, Any]]] = []
    for recipient in minutes_recipients(session):
        p = recipient.participant
        lang = recipient_language(p.user, langs, langs[0])
        dispatch = Dispatch(
            session=session,
            kind=Dispatch.Kind.MINUTES,
            recipient=p.full_name[:200],
            email=recipient.email,
            institution=p.institution,
            seat=p.seat,
            language=lang,
            sent_at=now,
            sent_by=actor,
        )
        dispatch.full_clean()
        with translation.override(lang):
            message = _circulation_message(session, minutes, recipient, until, base_url)
        dispatches.append((dispatch, message | {"language": lang}))
    # Dispatch has no history: the log row counts them.
    Dispatch.objects.bulk_create([dispatch for dispatch, _message in dispatches])
    for dispatch, message in dispatches:
        email_queue(
            purpose="governance.minutes_circulated",
            target=dispatch,
            to=[message["to"]],
            subject=message["subject"],
            body=message["body"],
            language=message["language"],
        )
    return len(dispatches)


@transaction.atomic
def minutes_circulate(
    *,
    actor: User,
    minutes: Minutes,
    comments_until: dt.datetime | None = None,
    base_url: str = "",
) -> Minutes:
    """Circulate the minutes to the session's participants for comments until a deadline
    (by default the body's period, rule setting `minutes_comment_days`).

    Every registered participant with an e-mail gets one message (after the transaction
    commits) and one Dispatch row records it. `base_url` ("https://host") makes the link in
    the message absolute.
    """
    require(actor, MANAGE)
    minutes = locked(minutes)
    _refuse_if_locked(minutes)
    _refuse_unless(
        minutes,
        (Minutes.State.DRAFT, Minutes.State.AMENDED),
        _("Only draft or amended minutes are circulated; these are “%(state)s”."),
    )
    if not (getattr(minutes, "text_es", "") or "").strip():
        raise ValidationError(_("The minutes have no Spanish text to circulate."))
    session = Session.objects.select_related("body").get(pk=minutes.session_id)
    now = timezone.now()
    until = comments_until or default_comments_until(session, now)
    if until <= now:
        raise ValidationError(
            {"comments_until": _("The period for comments must end in the future.")}
        )
    before = snapshot(minutes, MINUTES_FIELDS)
    minutes.mark_circulated()
    minutes.comments_until = until
    minutes.circulated_at = now
    minutes.full_clean(exclude=["state"])  # FSM-protected: the transition set it
    sent = _dispatch(actor=actor, session=session, minutes=minutes, until=until, base_url=base_url)
    old, new = diff(before, snapshot(minutes, MINUTES_FIELDS))
    save_audited(
        minutes,
        actor=actor,
        event="minutes.circulated",
        old={k: v for k, v in old.items() if not k.startswith("text_")},
        new={**{k: v for k, v in new.items() if not k.startswith("text_")}, "sent": sent},
        reason=_("Circulated for comments"),
        clean=False,  # cleaned above
    )
    touch_session(session)
    return minutes


def _format_deadline(value: dt.datetime) -> str:
    local = timezone.localtime(value)
    zone = timezone.get_current_timezone_name()
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} ({zone})"


@transaction.atomic
def minutes_comment(*, actor: User, minutes: Minutes, text: str) -> MinutesComment:
    """A seat holder's comment on circulated minutes, within the period for comments (rule
    setting `minutes_comment_days`, fixed when they were circulated)."""
    require(actor, COMMENT, minutes.session)
    minutes = Minutes.objects.select_for_update().select_related("session").get(pk=minutes.pk)
    _refuse_unless(
        minutes,
        (Minutes.State.CIRCULATED,),
        _("Comments are taken only while the minutes are circulated; they are “%(state)s”."),
    )
    if minutes.comments_until is not None and timezone.now() > minutes.comments_until:
        raise ValidationError(
            _("The period for comments closed on %(date)s.")
            % {"date": _format_deadline(minutes.comments_until)}
        )
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write your comment.")})
    comment = MinutesComment(
        minutes=minutes,
        author=actor,
        author_label=user_label(actor, minutes.session)[:250],
        text=text,
    )
    save_audited(
        comment,
        log_on=minutes,
        actor=actor,
        event="minutes.commented",
        new=lambda: {"comment": comment.pk, "text": text[:500]},
    )
    touch_session(minutes.session_id)
    return comment


@transaction.atomic
def minutes_comment_respond(
    *, actor: User, comment: MinutesComment, response: str
) -> MinutesComment:
    """How the Secretariat addressed a comment (shown beside it)."""
    require(actor, MANAGE)
    comment = (
        MinutesComment.objects.select_for_update().select_related("minutes").get(pk=comment.pk)
    )
    _refuse_if_locked(comment.minutes)
    response = (response or "").strip()
    if not response:
        raise ValidationError({"response": _("Say how the comment was addressed.")})
    old = comment.response
    comment.response = response
    comment.addressed_by = actor
    comment.addressed_at = timezone.now()
    save_audited(
        comment,
        log_on=comment.minutes,
        actor=actor,
        event="minutes.comment_addressed",
        old={"comment": comment.pk, "response": old} if old else {"comment": comment.pk},
        new={"comment": comment.pk, "response": response[:500]},
    )
    touch_session(comment.minutes.session_id)
    return comment


@transaction.atomic
def minutes_amend(*, actor: User, minutes: Minutes, reason: str | None) -> Minutes:
    """Take circulated minutes back for amendment after the comments (edits allowed again)."""
    require(actor, MANAGE)
    reason = require_reason(reason)
    minutes = locked(minutes)
    _refuse_if_locked(minutes)
    _refuse_unless(
        minutes,
        (Minutes.State.CIRCULATED,),
        _("Only circulated minutes are amended; these are “%(state)s”."),
    )
    minutes.mark_amended()
    save_audited(
        minutes,
        actor=actor,
        event="minutes.amended",
        old={"state": Minutes.State.CIRCULATED},
        new={"state": Minutes.State.AMENDED},
        reason=reason,
        clean=False,  # a transition of a valid row, checked above (full_clean re-reads FKs)
    )
    touch_session(minutes.session_id)
    return minutes


def check_deciding_session(
    *, decided_at: Session, minutes_session: Session, field: str = "approved_at_session"
) -> None:
    """The decision belongs to a later session of the same body that has met (open or closed)."""
    if decided_at.body_id != minutes_session.body_id:
        raise ValidationError(
            {
                field: _(
                    "The minutes are approved by the same body: “%(session)s” is a session "
                    "of another body."
                )
                % {"session": decided_at.title}
            }
        )
    if decided_at.pk == minutes_session.pk or decided_at.starts_at <= minutes_session.starts_at:
        raise ValidationError(
            {
                field: _(
                    "The approving session must be a later session of the same body than "
                    "“%(session)s”."
                )
                % {"session": minutes_session.title}
            }
        )
    if decided_at.state not in (Session.State.OPEN, Session.State.CLOSED):
        raise ValidationError(
            {
                field: _(
                    "“%(session)s” has not met: the approval is a decision taken in an open "
                    "or closed session."
                )
                % {"session": decided_at.title}
            }
        )


def check_decision(approval_decision: str) -> str:
    decision = (approval_decision or "").strip()
    if not decision:
        raise ValidationError(
            {"approval_decision": _("Record the decision as the session took it.")}
        )
    return decision


def _check_approving_vote(vote: Vote | None, session: Session) -> Vote | None:
    """A vote named for the approval: closed, carried, taken in the approving session."""
    if vote is None:
        return None
    vote = Vote.objects.select_related("motion").get(pk=vote.pk)
    if vote.motion.session_id != session.pk:
        raise ValidationError(
            {"approval_vote": _("The vote must be one taken in the approving session.")}
        )
    if vote.state != Vote.State.CLOSED or not vote.carried:
        raise ValidationError(
            {"approval_vote": _("The vote named must be closed and must have carried.")}
        )
    return vote


@transaction.atomic
def minutes_approve(
    *,
    actor: User,
    minutes: Minutes,
    approved_at_session: Session,
    approval_decision: str,
    approval_vote: Vote | None = None,
) -> Minutes:
    """Record the approval of the minutes, a decision of a later session of the same body,
    once the period for comments is over (rule setting `minutes_comment_days`).

    If a vote is named it must be a closed vote of that session that carried.
    """
    require(actor, MANAGE)
    minutes = locked(minutes)
    _refuse_if_locked(minutes)
    _refuse_unless(
        minutes,
        (Minutes.State.CIRCULATED, Minutes.State.AMENDED),
        _("Only circulated or amended minutes are approved; these are “%(state)s”."),
    )
    now = timezone.now()
    until = minutes.comments_until
    if minutes.state == Minutes.State.CIRCULATED and until is not None and now < until:
        raise ValidationError(
            _("The period for comments is open until %(date)s; approve the minutes after it.")
            % {"date": _format_deadline(until)}
        )
    own_session = Session.objects.get(pk=minutes.session_id)
    approved_at_session = Session.objects.get(pk=approved_at_session.pk)
    check_deciding_session(decided_at=approved_at_session, minutes_session=own_session)
    decision = check_decision(approval_decision)
    approval_vote = _check_approving_vote(approval_vote, approved_at_session)
    before = snapshot(minutes, MINUTES_FIELDS)
    minutes.mark_approved()
    minutes.approved_at_session = approved_at_session
    minutes.approval_decision = decision
    minutes.approval_vote = approval_vote
    minutes.approved_at = now
    save_audited(
        minutes,
        actor=actor,
        event="minutes.approved",
        fields=MINUTES_FIELDS,
        before=before,
        reason=decision,
        exclude=["state"],  # FSM-protected: the transition set it
    )
    touch_session(minutes.session_id)
    touch_session(approved_at_session)
    return minutes


@transaction.atomic
def minutes_sign(
    *, actor: User, minutes: Minutes, chair_signatory: str, secretary_signatory: str
) -> Minutes:
    """Record the chair's and the secretary's signatures; the minutes are locked and public."""
    require(actor, MANAGE)
    minutes = locked(minutes)
    _refuse_unless(
        minutes,
        (Minutes.State.APPROVED,),
        _("Only approved minutes are signed; these are “%(state)s”."),
    )
    chair = (chair_signatory or "").strip()
    secretary = (secretary_signatory or "").strip()
    errors = {}
    if not chair:
        errors["chair_signatory"] = _("Name the chair who signs.")
    if not secretary:
        errors["secretary_signatory"] = _("Name the secretary who signs.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    before = snapshot(minutes, MINUTES_FIELDS)
    minutes.mark_signed()
    minutes.chair_signatory = chair
    minutes.chair_signed_at = now
    minutes.secretary_signatory = secretary
    minutes.secretary_signed_at = now
    minutes.locked_at = now
    save_audited(
        minutes,
        actor=actor,
        event="minutes.signed",
        fields=MINUTES_FIELDS,
        before=before,
        reason=_("Signed and locked"),
        exclude=["state"],  # FSM-protected: the transition set it
    )
    touch_session(minutes.session_id)
    return minutes
