"""Every write to the minutes (actas) of a session and their errata.

The cycle (issue #4, "After the session"): drafted from the session's record and edited by
the Secretariat → circulated to the seat holders for comments within a period (setting
`governance.<body>.minutes_comment_days`, default 30 days, to be confirmed) → amended →
approved at a later session of the same body, itself a recorded decision of that session →
signed by the chair and the secretary → locked and published. Locked minutes never change:
a correction is an erratum, valid once approved at a later session of the same body.

Spanish is authoritative. The draft is generated in each of the session's languages from
one template per language (`governance/minutes/draft_<lang>.txt`), so the Spanish text is
Spanish whatever the state of the interface's translations.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from secretariat.core.audit import diff, record_action, snapshot
from secretariat.core.languages import session_languages
from secretariat.core.models import User
from secretariat.governance.body_rules import body_rule, majority_label
from secretariat.governance.models import (
    Dispatch,
    Erratum,
    Minutes,
    MinutesComment,
    Session,
    Vote,
)
from secretariat.governance.selectors.records import (
    CONTENT_LANGUAGES,
    MotionLine,
    SessionRecord,
    minutes_recipients,
    session_record,
    user_label,
)
from secretariat.governance.services.common import (
    locked,
    require,
    require_reason,
    touch_session,
    with_reason,
)

MANAGE = "governance.manage_sessions"
COMMENT = "governance.comment_minutes"
TEXT_FIELDS = tuple(f"text_{lang}" for lang in CONTENT_LANGUAGES)
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

# Words of the generated draft, per language: the draft must read in its own language even
# where the interface's catalogue has no translation yet.
WORDS: dict[str, dict[str, dict[str, str]]] = {
    "es": {
        "method": {
            "hands": "a mano alzada",
            "roll_call": "por llamamiento nominal",
            "secret": "por voto secreto",
            "acclamation": "por aclamación",
            "consensus": "por consenso",
        },
        "role": {
            "head": "jefe o jefa de delegación",
            "delegate": "delegado/a",
            "adviser": "asesor/a",
            "seat": "titular del puesto",
            "observer": "observador/a",
        },
        "decision": {
            "ordinary": "decisión ordinaria",
            "statute": "reforma del Estatuto o de los reglamentos",
            "admission": "admisión o desafiliación",
            "election": "elección",
        },
        "kind": {
            "resolution": "Resolución",
            "declaration": "Declaración",
            "recommendation": "Recomendación",
        },
    },
    "en": {
        "method": {
            "hands": "by show of hands",
            "roll_call": "by roll-call",
            "secret": "by secret ballot",
            "acclamation": "by acclamation",
            "consensus": "by consensus",
        },
        "role": {
            "head": "head of delegation",
            "delegate": "delegate",
            "adviser": "adviser",
            "seat": "seat holder",
            "observer": "observer",
        },
        "decision": {
            "ordinary": "ordinary decision",
            "statute": "amendment of the Statute or regulations",
            "admission": "admission or disaffiliation",
            "election": "election",
        },
        "kind": {
            "resolution": "Resolution",
            "declaration": "Declaration",
            "recommendation": "Recommendation",
        },
    },
    "pt": {
        "method": {
            "hands": "por braço levantado",
            "roll_call": "por chamada nominal",
            "secret": "por voto secreto",
            "acclamation": "por aclamação",
            "consensus": "por consenso",
        },
        "role": {
            "head": "chefe de delegação",
            "delegate": "delegado/a",
            "adviser": "assessor/a",
            "seat": "titular do assento",
            "observer": "observador/a",
        },
        "decision": {
            "ordinary": "decisão ordinária",
            "statute": "reforma do Estatuto ou dos regulamentos",
            "admission": "admissão ou desfiliação",
            "election": "eleição",
        },
        "kind": {
            "resolution": "Resolução",
            "declaration": "Declaração",
            "recommendation": "Recomendação",
        },
    },
    "fr": {
        "method": {
            "hands": "à main levée",
            "roll_call": "par appel nominal",
            "secret": "au scrutin secret",
            "acclamation": "par acclamation",
            "consensus": "par consensus",
        },
        "role": {
            "head": "chef de délégation",
            "delegate": "délégué(e)",
            "adviser": "conseiller/ère",
            "seat": "titulaire du siège",
            "observer": "observateur/trice",
        },
        "decision": {
            "ordinary": "décision ordinaire",
            "statute": "réforme du Statut ou des règlements",
            "admission": "admission ou désaffiliation",
            "election": "élection",
        },
        "kind": {
            "resolution": "Résolution",
            "declaration": "Déclaration",
            "recommendation": "Recommandation",
        },
    },
}


def _label_motions(lines: list[MotionLine], words: dict[str, dict[str, str]]) -> None:
    for line in lines:
        line.motion.decision_label = words["decision"].get(  # type: ignore[attr-defined]  # template-only
            line.motion.decision_kind, line.motion.decision_kind
        )
        for v in line.votes:
            v.label_words = {
                "method": words["method"].get(v.vote.method, v.vote.method),
                "majority": majority_label(v.vote.majority),
            }
        if line.resolution is not None:
            line.resolution.kind_label = words["kind"].get(  # type: ignore[attr-defined]
                line.resolution.kind, line.resolution.kind
            )
        _label_motions(line.amendments, words)


def render_draft(record: SessionRecord, language: str) -> str:
    """The generated text of the minutes in one language (its template, its words, its
    date formats; content fields in that language, falling back to Spanish)."""
    words = WORDS[language]
    with translation.override(language):
        for item in record.items:
            _label_motions(item.motions, words)
            for r in item.resolutions:
                r.kind_label = words["kind"].get(r.kind, r.kind)  # type: ignore[attr-defined]
        _label_motions(record.loose_motions, words)
        for r in record.loose_resolutions:
            r.kind_label = words["kind"].get(r.kind, r.kind)  # type: ignore[attr-defined]
        for d in record.delegations:
            for p in [d.head, *d.others]:
                if p is not None:
                    p.role_label = words["role"].get(p.role, p.role)  # type: ignore[attr-defined]
        for p in [*record.seat_holders, *record.others]:
            p.role_label = words["role"].get(p.role, p.role)  # type: ignore[attr-defined]
        text = render_to_string(
            f"governance/minutes/draft_{language}.txt", {"r": record, "s": record.session}
        )
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


@transaction.atomic
def minutes_draft(*, actor: User, session: Session) -> Minutes:
    """Draft the minutes of a closed session from its record (or regenerate the draft)."""
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
    if minutes is None:
        minutes = Minutes(session=session)
    before = snapshot(minutes, list(TEXT_FIELDS)) if not created else {}
    for key, value in texts.items():
        setattr(minutes, key, value)
    minutes.full_clean(exclude=["state"])  # FSM-protected: the transition set it
    with_reason(minutes, _("Drafted from the session's record"))
    minutes.save()
    if created:
        record_action(
            actor=actor,
            event="minutes.drafted",
            target=minutes,
            new={"session": session.pk, "languages": list(texts)},
        )
    else:
        old, new = diff(before, snapshot(minutes, list(TEXT_FIELDS)))
        record_action(
            actor=actor,
            event="minutes.regenerated",
            target=minutes,
            old={k: bool(v) for k, v in old.items()},
            new={"languages": list(new)},
            reason=_("Draft regenerated from the session's record"),
        )
    touch_session(session)
    return minutes


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
    _refuse_if_locked(minutes)
    if minutes.state not in (Minutes.State.DRAFT, Minutes.State.AMENDED):
        raise ValidationError(
            _(
                "The minutes can be edited in draft, or after they are marked for amendment; "
                "they are now “%(state)s”."
            )
            % {"state": minutes.get_state_display()}
        )
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
    with_reason(minutes, reason)
    minutes.save()
    record_action(
        actor=actor,
        event="minutes.updated",
        target=minutes,
        # The texts are long; the history keeps them (simple_history), the log says which.
        old={k: len(v or "") for k, v in old.items()},
        new={k: len(v or "") for k, v in new.items()},
        reason=reason,
    )
    touch_session(minutes.session_id)
    return minutes


def default_comments_until(session: Session, now: dt.datetime | None = None) -> dt.datetime:
    """Now plus the body's period for comments (rule `minutes_comment_days`)."""
    now = now or timezone.now()
    days = int(body_rule(session.body, "minutes_comment_days", timezone.localdate(now)).value)
    return now + dt.timedelta(days=days)


def _send_minutes_emails(messages: list[dict[str, Any]]) -> None:
    connection = get_connection()
    batch = [
        EmailMessage(
            subject=m["subject"],
            body=m["body"],
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[m["to"]],
            connection=connection,
        )
        for m in messages
    ]
    connection.send_messages(batch)


@transaction.atomic
def minutes_circulate(
    *,
    actor: User,
    minutes: Minutes,
    comments_until: dt.datetime | None = None,
    base_url: str = "",
) -> Minutes:
    """Circulate the minutes to the session's participants for comments until a deadline.

    Every registered participant with an e-mail gets one message (after the transaction
    commits) and one Dispatch row records it. `base_url` ("https://host") makes the link in
    the message absolute.
    """
    require(actor, MANAGE)
    minutes = locked(minutes)
    _refuse_if_locked(minutes)
    if minutes.state not in (Minutes.State.DRAFT, Minutes.State.AMENDED):
        raise ValidationError(
            _("Only draft or amended minutes are circulated; these are “%(state)s”.")
            % {"state": minutes.get_state_display()}
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
    with_reason(minutes, _("Circulated for comments"))
    minutes.save()
    langs = session_languages(session.languages)
    outgoing: list[dict[str, Any]] = []
    dispatches = []
    for p in minutes_recipients(session):
        preferred = getattr(p.user, "preferred_language", "") if p.user else ""
        lang = preferred if preferred in langs else langs[0]
        email = p.dispatch_email  # type: ignore[attr-defined]  # set by minutes_recipients
        dispatches.append(
            Dispatch(
                session=session,
                kind=Dispatch.Kind.MINUTES,
                recipient=p.full_name[:200],
                email=email,
                institution=p.institution,
                seat=p.seat,
                language=lang,
                sent_at=now,
                sent_by=actor,
            )
        )
        with translation.override(lang):
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
        outgoing.append({"to": email, "subject": subject, "body": body})
    for d in dispatches:
        d.full_clean()
    Dispatch.objects.bulk_create(dispatches)  # Dispatch has no history: a log row per send
    after = snapshot(minutes, MINUTES_FIELDS)
    old, new = diff(before, after)
    record_action(
        actor=actor,
        event="minutes.circulated",
        target=minutes,
        old={k: v for k, v in old.items() if not k.startswith("text_")},
        new={**{k: v for k, v in new.items() if not k.startswith("text_")}, "sent": len(outgoing)},
    )
    touch_session(session)
    if outgoing:
        transaction.on_commit(lambda: _send_minutes_emails(outgoing))
    return minutes


def _format_deadline(value: dt.datetime) -> str:
    local = timezone.localtime(value)
    zone = timezone.get_current_timezone_name()
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} ({zone})"


@transaction.atomic
def minutes_comment(*, actor: User, minutes: Minutes, text: str) -> MinutesComment:
    """A seat holder's comment on circulated minutes, within the period for comments."""
    require(actor, COMMENT, minutes.session)
    minutes = Minutes.objects.select_for_update().select_related("session").get(pk=minutes.pk)
    if minutes.state != Minutes.State.CIRCULATED:
        raise ValidationError(
            _("Comments are taken only while the minutes are circulated; they are “%(state)s”.")
            % {"state": minutes.get_state_display()}
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
    comment.full_clean()
    comment.save()
    record_action(
        actor=actor,
        event="minutes.commented",
        target=minutes,
        new={"comment": comment.pk, "text": text[:500]},
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
    comment.full_clean()
    comment.save()
    record_action(
        actor=actor,
        event="minutes.comment_addressed",
        target=comment.minutes,
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
    if minutes.state != Minutes.State.CIRCULATED:
        raise ValidationError(
            _("Only circulated minutes are amended; these are “%(state)s”.")
            % {"state": minutes.get_state_display()}
        )
    minutes.mark_amended()
    with_reason(minutes, reason)
    minutes.save()
    record_action(
        actor=actor,
        event="minutes.amended",
        target=minutes,
        old={"state": Minutes.State.CIRCULATED},
        new={"state": Minutes.State.AMENDED},
        reason=reason,
    )
    touch_session(minutes.session_id)
    return minutes


def _check_deciding_session(
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


@transaction.atomic
def minutes_approve(
    *,
    actor: User,
    minutes: Minutes,
    approved_at_session: Session,
    approval_decision: str,
    approval_vote: Vote | None = None,
) -> Minutes:
    """Record the approval of the minutes, a decision of a later session of the same body.

    If a vote is named it must be a closed vote of that session that carried.
    """
    require(actor, MANAGE)
    minutes = locked(minutes)
    _refuse_if_locked(minutes)
    if minutes.state not in (Minutes.State.CIRCULATED, Minutes.State.AMENDED):
        raise ValidationError(
            _("Only circulated or amended minutes are approved; these are “%(state)s”.")
            % {"state": minutes.get_state_display()}
        )
    now = timezone.now()
    if (
        minutes.state == Minutes.State.CIRCULATED
        and minutes.comments_until is not None
        and now < minutes.comments_until
    ):
        raise ValidationError(
            _("The period for comments is open until %(date)s; approve the minutes after it.")
            % {"date": _format_deadline(minutes.comments_until)}
        )
    own_session = Session.objects.get(pk=minutes.session_id)
    approved_at_session = Session.objects.get(pk=approved_at_session.pk)
    _check_deciding_session(decided_at=approved_at_session, minutes_session=own_session)
    decision = (approval_decision or "").strip()
    if not decision:
        raise ValidationError(
            {"approval_decision": _("Record the decision as the session took it.")}
        )
    if approval_vote is not None:
        approval_vote = Vote.objects.select_related("motion").get(pk=approval_vote.pk)
        if approval_vote.motion.session_id != approved_at_session.pk:
            raise ValidationError(
                {"approval_vote": _("The vote must be one taken in the approving session.")}
            )
        if approval_vote.state != Vote.State.CLOSED or not approval_vote.carried:
            raise ValidationError(
                {"approval_vote": _("The vote named must be closed and must have carried.")}
            )
    before = snapshot(minutes, MINUTES_FIELDS)
    minutes.mark_approved()
    minutes.approved_at_session = approved_at_session
    minutes.approval_decision = decision
    minutes.approval_vote = approval_vote
    minutes.approved_at = now
    minutes.full_clean(exclude=["state"])  # FSM-protected: the transition set it
    with_reason(minutes, decision)
    minutes.save()
    old, new = diff(before, snapshot(minutes, MINUTES_FIELDS))
    record_action(
        actor=actor, event="minutes.approved", target=minutes, old=old, new=new, reason=decision
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
    if minutes.state != Minutes.State.APPROVED:
        raise ValidationError(
            _("Only approved minutes are signed; these are “%(state)s”.")
            % {"state": minutes.get_state_display()}
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
    minutes.full_clean(exclude=["state"])  # FSM-protected: the transition set it
    with_reason(minutes, _("Signed and locked"))
    minutes.save()
    old, new = diff(before, snapshot(minutes, MINUTES_FIELDS))
    record_action(actor=actor, event="minutes.signed", target=minutes, old=old, new=new)
    touch_session(minutes.session_id)
    return minutes


@transaction.atomic
def erratum_propose(*, actor: User, minutes: Minutes, text: str) -> Erratum:
    """Propose a correction to signed minutes (the minutes' text itself never changes)."""
    require(actor, MANAGE)
    minutes = locked(minutes)
    if not minutes.locked:
        raise ValidationError(_("An erratum corrects signed minutes; these can still be edited."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the correction.")})
    last = minutes.errata.aggregate(last=Max("number"))["last"] or 0
    erratum = Erratum(minutes=minutes, number=last + 1, text=text, created_by=actor)
    erratum.full_clean()
    with_reason(erratum, _("Proposed"))
    erratum.save()
    record_action(
        actor=actor,
        event="minutes.erratum_proposed",
        target=minutes,
        new={"erratum": erratum.number, "text": text[:500]},
    )
    touch_session(minutes.session_id)
    return erratum


@transaction.atomic
def erratum_approve(
    *, actor: User, erratum: Erratum, approved_at_session: Session, approval_decision: str
) -> Erratum:
    """Approve an erratum: a decision of a later session of the same body."""
    require(actor, MANAGE)
    erratum = Erratum.objects.select_for_update().get(pk=erratum.pk)
    if erratum.state != Erratum.State.PROPOSED:
        raise ValidationError(_("This erratum is already approved."))
    minutes = Minutes.objects.select_related("session").get(pk=erratum.minutes_id)
    approved_at_session = Session.objects.get(pk=approved_at_session.pk)
    _check_deciding_session(decided_at=approved_at_session, minutes_session=minutes.session)
    decision = (approval_decision or "").strip()
    if not decision:
        raise ValidationError(
            {"approval_decision": _("Record the decision as the session took it.")}
        )
    erratum.state = Erratum.State.APPROVED
    erratum.approved_at_session = approved_at_session
    erratum.approval_decision = decision
    erratum.approved_at = timezone.now()
    erratum.full_clean()
    with_reason(erratum, decision)
    erratum.save()
    record_action(
        actor=actor,
        event="minutes.erratum_approved",
        target=minutes,
        new={
            "erratum": erratum.number,
            "approved_at_session": approved_at_session.pk,
            "approval_decision": decision,
        },
        reason=decision,
    )
    touch_session(minutes.session_id)
    touch_session(approved_at_session)
    return erratum
