"""Holding a session: opening and closing it, attendance, motions and amendments.

Every function here is a write of the live console: atomic, permission checked first
(`governance.manage_sessions`: the Secretary General and officers, who act as the body's
secretariat), validated with a translated message, audited, and followed by
`touch_session`, so that every open console and delegate page sees the change within a
poll (docs/decisions/0007-live-console-updates.md). Votes are in `services.votes`.

Rules (shared/domain.md):
- quorum is counted on the voting members *present or represented* [D]; attendance is what
  feeds it, so only accredited participants (credentials accepted, not withdrawn) can be
  marked present, and every arrival and departure is kept as an `AttendanceEvent`;
- Spanish is the authoritative language of a motion's text; translations are optional;
- an amendment proposes the full new text of the motion it amends, on the same agenda item
  and for the same kind of decision; records are never deleted: a motion is withdrawn.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from secretariat.core.audit import diff, record_action, snapshot
from secretariat.core.models import User
from secretariat.governance.models import (
    AgendaItem,
    AttendanceEvent,
    DecisionKind,
    Motion,
    Participant,
    Session,
    Vote,
)
from secretariat.governance.services.common import (
    locked,
    require,
    require_reason,
    touch_session,
    with_reason,
)

MANAGE = "governance.manage_sessions"
LANGS = ("es", "en", "pt", "fr")
TRANSLATED = [f"{name}_{lang}" for name in ("title", "text") for lang in LANGS]
MOTION_FIELDS = [
    "number",
    "agenda_item",
    "amends",
    "proposer",
    "proposer_participant",
    "decision_kind",
    "state",
    *TRANSLATED,
]
# Where attendance may be taken: at the door before the chair opens the session, and during it.
ATTENDANCE_STATES = (Session.State.CONVENED, Session.State.OPEN)
# Where motions may be tabled: before the opening (circulated in advance) and during the session.
MOTION_STATES = (Session.State.CONVENED, Session.State.OPEN)


# --- Opening and closing ---------------------------------------------------------------


@transaction.atomic
def session_open(*, actor: User, session: Session, reason: str = "") -> Session:
    """The chair opens a convened session: from now on its votes can be taken."""
    require(actor, MANAGE, session)
    session = locked(session)
    if session.state != Session.State.CONVENED:
        raise ValidationError(
            _("Only a convened session can be opened; this one is %(state)s.")
            % {"state": session.get_state_display()}
        )
    session.mark_open()
    session.opened_at = timezone.now()
    with_reason(session, reason)
    session.save()
    record_action(
        actor=actor,
        event="session.opened",
        target=session,
        old={"state": Session.State.CONVENED},
        new={"state": session.state, "opened_at": session.opened_at},
        reason=reason,
    )
    touch_session(session)
    return session


@transaction.atomic
def session_close(*, actor: User, session: Session, reason: str = "") -> Session:
    """The chair closes the session; not while a vote is open (it must be closed first)."""
    require(actor, MANAGE, session)
    session = locked(session)
    if session.state != Session.State.OPEN:
        raise ValidationError(
            _("Only a session in progress can be closed; this one is %(state)s.")
            % {"state": session.get_state_display()}
        )
    if Vote.objects.filter(motion__session=session, state=Vote.State.OPEN).exists():
        raise ValidationError(_("A vote is still open: close it before closing the session."))
    session.mark_closed()
    session.closed_at = timezone.now()
    with_reason(session, reason)
    session.save()
    record_action(
        actor=actor,
        event="session.closed",
        target=session,
        old={"state": Session.State.OPEN},
        new={"state": session.state, "closed_at": session.closed_at},
        reason=reason,
    )
    touch_session(session)
    return session


# --- Attendance ------------------------------------------------------------------------


def not_accredited_reason(participant: Participant) -> str:
    """Why a participant cannot be marked present (empty when they can)."""
    if participant.withdrawn_at is not None:
        return _("Registration withdrawn.")
    if participant.credentials == Participant.Credentials.REJECTED:
        return _("Credentials rejected.")
    if participant.credentials != Participant.Credentials.ACCEPTED:
        return _("Credentials not yet accepted.")
    return ""


def _check_attendance_session(session: Session) -> None:
    if session.state not in ATTENDANCE_STATES:
        raise ValidationError(
            _("Attendance is taken while the session is convened or in progress; it is %(state)s.")
            % {"state": session.get_state_display()}
        )


def _mark(actor: User, participant: Participant, present: bool, now: Any) -> bool:
    """Mark one (locked) participant; True if something changed. No touch, no checks of session."""
    reason = not_accredited_reason(participant)
    if reason:
        raise ValidationError(
            _("%(name)s cannot be marked present: %(reason)s")
            % {"name": participant.full_name, "reason": reason}
        )
    if participant.present == present:
        return False
    old = {"present": participant.present}
    participant.present = present
    participant.present_since = now if present else None
    participant.save(update_fields=["present", "present_since"])
    AttendanceEvent.objects.create(
        session_id=participant.session_id,
        participant=participant,
        present=present,
        at=now,
        recorded_by=actor,
    )
    record_action(
        actor=actor,
        event="attendance.arrived" if present else "attendance.left",
        target=participant,
        old=old,
        new={"present": present},
    )
    return True


@transaction.atomic
def attendance_mark(*, actor: User, participant: Participant, present: bool) -> Participant:
    """Record that an accredited participant arrived (present) or left (absent).

    Only accredited participants count (credentials accepted, not withdrawn); marking what
    is already recorded changes nothing and appends no event.
    """
    session = participant.session
    require(actor, MANAGE, session)
    _check_attendance_session(Session.objects.get(pk=session.pk))
    participant = locked(participant)
    if _mark(actor, participant, bool(present), timezone.now()):
        touch_session(participant.session_id)
    return participant


@transaction.atomic
def attendance_mark_many(*, actor: User, session: Session, marks: Mapping[int, bool]) -> int:
    """The chair's roll: mark many participants at once (all or none); returns how many changed."""
    require(actor, MANAGE, session)
    _check_attendance_session(Session.objects.get(pk=session.pk))
    participants = {
        p.pk: p
        # order_by("pk"): the default ordering joins the institution, which PostgreSQL
        # refuses to lock (FOR UPDATE on the nullable side of an outer join).
        for p in Participant.objects.select_for_update()
        .filter(session=session, pk__in=marks)
        .order_by("pk")
    }
    missing = set(marks) - set(participants)
    if missing:
        raise ValidationError(_("Some of these people are not registered for this session."))
    now = timezone.now()
    refused = [p for p in participants.values() if not_accredited_reason(p) and marks[p.pk]]
    if refused:
        raise ValidationError(
            [
                _("%(name)s cannot be marked present: %(reason)s")
                % {"name": p.full_name, "reason": not_accredited_reason(p)}
                for p in refused
            ]
        )
    changed = 0
    for pk in sorted(participants):
        participant = participants[pk]
        if not_accredited_reason(participant):
            continue  # absent already: nothing to record
        changed += _mark(actor, participant, bool(marks[pk]), now)
    if changed:
        touch_session(session)
    return changed


# --- Motions and amendments ------------------------------------------------------------


def _clean_texts(values: Mapping[str, Any]) -> dict[str, str | None]:
    """Stripped texts; an empty translation is stored as NULL, like one never written."""
    texts: dict[str, str | None] = {}
    for key in TRANSLATED:
        if key in values:
            value = (values.get(key) or "").strip()
            texts[key] = value if value or key.endswith("_es") else None
    return texts


def _check_motion_session(session: Session) -> None:
    if session.state not in MOTION_STATES:
        raise ValidationError(
            _("Motions are tabled while the session is convened or in progress; it is %(state)s.")
            % {"state": session.get_state_display()}
        )


def _check_proposer(
    session: Session, proposer: str, participant: Participant | None
) -> tuple[str, Participant | None]:
    proposer = (proposer or "").strip()
    if participant is not None:
        if participant.session_id != session.pk:
            raise ValidationError(
                {"proposer_participant": _("This person is not registered for this session.")}
            )
        if not proposer:
            proposer = participant.full_name
            if participant.institution_id:
                proposer = f"{participant.full_name} ({participant.institution})"
    if not proposer:
        raise ValidationError({"proposer": _("Say who proposes the motion.")})
    return proposer, participant


def _next_number(session: Session) -> int:
    top = Motion.objects.filter(session=session).aggregate(top=Max("number"))["top"]
    return (top or 0) + 1


def _save_new_motion(actor: User, motion: Motion, reason: str, event: str) -> Motion:
    if not (motion.title_es or "").strip():  # type: ignore[attr-defined]  # modeltranslation
        raise ValidationError({"title_es": _("The title in Spanish is required (authoritative).")})
    if not (motion.text_es or "").strip():  # type: ignore[attr-defined]
        raise ValidationError({"text_es": _("The text in Spanish is required (authoritative).")})
    motion.full_clean(exclude=["state"])  # FSM-protected: clean_fields would reassign it
    with_reason(motion, reason)
    motion.save()
    record_action(
        actor=actor,
        event=event,
        target=motion,
        new=snapshot(motion, MOTION_FIELDS),
        reason=reason,
    )
    touch_session(motion.session_id)
    return motion


@transaction.atomic
def motion_add(
    *,
    actor: User,
    session: Session,
    agenda_item: AgendaItem,
    title_es: str,
    text_es: str,
    proposer: str = "",
    proposer_participant: Participant | None = None,
    decision_kind: str = DecisionKind.ORDINARY,
    reason: str = "",
    **translations: str,
) -> Motion:
    """Table a motion on an agenda item of the session; it takes the session's next number.

    The kind of decision selects the majority that applies when it is put to the vote
    (`body_rules.majority_rule`). Translations: title_en, text_en, title_pt, ... (optional).
    """
    require(actor, MANAGE, session)
    session = locked(session)  # serialises the numbering
    _check_motion_session(session)
    if agenda_item is None or agenda_item.session_id != session.pk:
        raise ValidationError({"agenda_item": _("Choose an item of this session's agenda.")})
    if agenda_item.withdrawn:
        raise ValidationError({"agenda_item": _("This agenda item was withdrawn.")})
    if decision_kind not in DecisionKind.values:
        raise ValidationError({"decision_kind": _("Choose the kind of decision.")})
    unknown = set(translations) - set(TRANSLATED)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    proposer, proposer_participant = _check_proposer(session, proposer, proposer_participant)
    texts = _clean_texts({**translations, "title_es": title_es, "text_es": text_es})
    motion = Motion(
        session=session,
        agenda_item=agenda_item,
        number=_next_number(session),
        proposer=proposer,
        proposer_participant=proposer_participant,
        decision_kind=decision_kind,
        created_by=actor,
        **texts,
    )
    return _save_new_motion(actor, motion, reason, "motion.added")


@transaction.atomic
def amendment_add(
    *,
    actor: User,
    motion: Motion,
    title_es: str,
    text_es: str,
    proposer: str = "",
    proposer_participant: Participant | None = None,
    reason: str = "",
    **translations: str,
) -> Motion:
    """Table an amendment: the full new text proposed for a motion still to be voted.

    It is a motion that `amends` the other, on the same agenda item and for the same kind of
    decision; the amendments are voted before the motion (services.votes.vote_open).
    """
    require(actor, MANAGE, motion.session)
    session = locked(motion.session)  # serialises the numbering
    _check_motion_session(session)
    motion = Motion.objects.get(pk=motion.pk)
    if motion.is_amendment:
        raise ValidationError(
            _("An amendment cannot itself be amended here: table a new amendment to the motion.")
        )
    if motion.state != Motion.State.PROPOSED:
        raise ValidationError(
            _("Only a motion not yet put to the vote can be amended; this one is %(state)s.")
            % {"state": motion.get_state_display()}
        )
    unknown = set(translations) - set(TRANSLATED)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    proposer, proposer_participant = _check_proposer(session, proposer, proposer_participant)
    texts = _clean_texts({**translations, "title_es": title_es, "text_es": text_es})
    amendment = Motion(
        session=session,
        agenda_item_id=motion.agenda_item_id,
        amends=motion,
        number=_next_number(session),
        proposer=proposer,
        proposer_participant=proposer_participant,
        decision_kind=motion.decision_kind,
        created_by=actor,
        **texts,
    )
    return _save_new_motion(actor, amendment, reason, "motion.amendment_added")


EDITABLE = ["proposer", "proposer_participant", "decision_kind", "agenda_item", *TRANSLATED]


@transaction.atomic
def motion_update(
    *, actor: User, motion: Motion, data: Mapping[str, Any], reason: str | None
) -> Motion:
    """Correct a motion's text, translations, proposer or kind while it is still proposed."""
    require(actor, MANAGE, motion.session)
    text = require_reason(reason)
    motion = locked(motion)
    if motion.state != Motion.State.PROPOSED:
        raise ValidationError(
            _("Only a motion not yet put to the vote can be changed; this one is %(state)s.")
            % {"state": motion.get_state_display()}
        )
    before = snapshot(motion, MOTION_FIELDS)
    texts = _clean_texts(data)
    for key, value in texts.items():
        setattr(motion, key, value)
    if "decision_kind" in data:
        if motion.is_amendment and data["decision_kind"] != motion.decision_kind:
            raise ValidationError(
                {"decision_kind": _("An amendment takes the kind of decision of its motion.")}
            )
        if data["decision_kind"] not in DecisionKind.values:
            raise ValidationError({"decision_kind": _("Choose the kind of decision.")})
        motion.decision_kind = data["decision_kind"]
    if "agenda_item" in data and data["agenda_item"] is not None:
        item = data["agenda_item"]
        if item.session_id != motion.session_id:
            raise ValidationError({"agenda_item": _("Choose an item of this session's agenda.")})
        if motion.is_amendment and item.pk != motion.agenda_item_id:
            raise ValidationError(
                {"agenda_item": _("An amendment stays on the agenda item of its motion.")}
            )
        motion.agenda_item = item
    if "proposer" in data or "proposer_participant" in data:
        motion.proposer, motion.proposer_participant = _check_proposer(
            motion.session,
            data.get("proposer", motion.proposer),
            data.get("proposer_participant", motion.proposer_participant),
        )
    if not (motion.title_es or "").strip():  # type: ignore[attr-defined]  # modeltranslation
        raise ValidationError({"title_es": _("The title in Spanish is required (authoritative).")})
    if not (motion.text_es or "").strip():  # type: ignore[attr-defined]
        raise ValidationError({"text_es": _("The text in Spanish is required (authoritative).")})
    motion.full_clean(exclude=["state"])  # FSM-protected: clean_fields would reassign it
    old, new = diff(before, snapshot(motion, MOTION_FIELDS))
    if not new:
        return motion
    with_reason(motion, text)
    motion.save()
    if "decision_kind" in new and not motion.is_amendment:
        # The amendments follow their motion's kind of decision (and so its majority).
        for amendment in Motion.objects.filter(amends=motion, state=Motion.State.PROPOSED):
            amendment.decision_kind = motion.decision_kind
            with_reason(amendment, text)
            amendment.save()
    record_action(actor=actor, event="motion.updated", target=motion, old=old, new=new, reason=text)
    touch_session(motion.session_id)
    return motion


@transaction.atomic
def motion_withdraw(*, actor: User, motion: Motion, reason: str | None) -> Motion:
    """The proposer withdraws a motion not yet put to the vote; its pending amendments fall."""
    require(actor, MANAGE, motion.session)
    text = require_reason(reason)
    motion = locked(motion)
    if motion.state != Motion.State.PROPOSED:
        raise ValidationError(
            _("Only a motion not yet put to the vote can be withdrawn; this one is %(state)s.")
            % {"state": motion.get_state_display()}
        )
    if Motion.objects.filter(amends=motion, state=Motion.State.VOTING).exists():
        raise ValidationError(
            _("An amendment to this motion is being voted: close that vote first.")
        )
    withdrawn = [motion]
    if not motion.is_amendment:
        withdrawn += list(
            Motion.objects.select_for_update().filter(amends=motion, state=Motion.State.PROPOSED)
        )
    for item in withdrawn:
        item.mark_withdrawn()
        with_reason(item, text)
        item.save()
        record_action(
            actor=actor,
            event="motion.withdrawn",
            target=item,
            old={"state": Motion.State.PROPOSED},
            new={"state": item.state},
            reason=text,
        )
    touch_session(motion.session_id)
    return motion
