"""Motions and amendments: tabled, corrected while proposed, withdrawn.

Rules (shared/domain.md):
- Spanish is the authoritative language of a motion's text ("Documents and identity" [D]);
  translations are optional;
- an amendment proposes the full new text of the motion it amends, on the same agenda item
  and for the same kind of decision (so the same majority, "Majorities" [D]); amendments
  are voted before their motion (services.votes.vote_open);
- records are never deleted: a motion is withdrawn, and its pending amendments fall with it.
Motions are tabled while the session is convened (circulated in advance) or open.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from secretariat.core.access import require, require_reason
from secretariat.core.audit import locked, save_audited, set_history_reason, snapshot
from secretariat.core.languages import translated_fields
from secretariat.core.models import User
from secretariat.governance.models import (
    AgendaItem,
    DecisionKind,
    Motion,
    Participant,
    Session,
)
from secretariat.governance.services.common import touch_session

MANAGE = "governance.manage_sessions"
TRANSLATED = [*translated_fields("title"), *translated_fields("text")]
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
# Where motions may be tabled: before the opening (circulated in advance) and during the session.
MOTION_STATES = (Session.State.CONVENED, Session.State.OPEN)


def _clean_texts(values: Mapping[str, Any]) -> dict[str, str | None]:
    """Stripped texts; an empty translation is stored as NULL, like one never written."""
    texts: dict[str, str | None] = {}
    for key in TRANSLATED:
        if key in values:
            value = (values.get(key) or "").strip()
            texts[key] = value if value or key.endswith("_es") else None
    return texts


def _check_spanish(motion: Motion) -> None:
    """The Spanish title and text are required: they are authoritative."""
    if not str(getattr(motion, "title_es", "") or "").strip():
        raise ValidationError({"title_es": _("The title in Spanish is required (authoritative).")})
    if not str(getattr(motion, "text_es", "") or "").strip():
        raise ValidationError({"text_es": _("The text in Spanish is required (authoritative).")})


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


def _check_translations(translations: Mapping[str, str]) -> None:
    unknown = set(translations) - set(TRANSLATED)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")


def _next_number(session: Session) -> int:
    top = Motion.objects.filter(session=session).aggregate(top=Max("number"))["top"]
    return (top or 0) + 1


def _save_new_motion(actor: User, motion: Motion, reason: str, event: str) -> Motion:
    _check_spanish(motion)
    save_audited(
        motion,
        actor=actor,
        event=event,
        fields=MOTION_FIELDS,
        reason=reason,
        exclude=["state"],  # FSM-protected: clean_fields would reassign it
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
    _check_translations(translations)
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
    decision (shared/domain.md "Majorities" [D]: the same majority); the amendments are voted
    before the motion (services.votes.vote_open).
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
    _check_translations(translations)
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


def _apply_changes(motion: Motion, data: Mapping[str, Any]) -> None:
    """Set the changed texts, kind, item and proposer on the (locked) motion, checked."""
    for key, value in _clean_texts(data).items():
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
    _check_spanish(motion)


@transaction.atomic
def motion_update(
    *, actor: User, motion: Motion, data: Mapping[str, Any], reason: str | None
) -> Motion:
    """Correct a motion's text, translations, proposer or kind while it is still proposed.

    Its amendments follow its kind of decision, and so its majority (shared/domain.md
    "Majorities" [D]); the one log row of the change says what changed on the motion.
    """
    require(actor, MANAGE, motion.session)
    text = require_reason(reason)
    motion = locked(motion)
    if motion.state != Motion.State.PROPOSED:
        raise ValidationError(
            _("Only a motion not yet put to the vote can be changed; this one is %(state)s.")
            % {"state": motion.get_state_display()}
        )
    before = snapshot(motion, MOTION_FIELDS)
    _apply_changes(motion, data)
    motion.full_clean(exclude=["state"])  # FSM-protected: clean_fields would reassign it
    changed = save_audited(
        motion,
        actor=actor,
        event="motion.updated",
        fields=MOTION_FIELDS,
        before=before,
        reason=text,
        clean=False,  # cleaned just above, changed or not
    )
    if not changed:
        return motion
    if motion.decision_kind != before["decision_kind"] and not motion.is_amendment:
        for amendment in Motion.objects.filter(amends=motion, state=Motion.State.PROPOSED):
            amendment.decision_kind = motion.decision_kind
            set_history_reason(amendment, text)  # the change is logged on the motion
            amendment.save()
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
        save_audited(
            item,
            actor=actor,
            event="motion.withdrawn",
            old={"state": Motion.State.PROPOSED},
            new={"state": item.state},
            reason=text,
            clean=False,  # a transition of a valid row, checked above (full_clean re-reads FKs)
        )
    touch_session(motion.session_id)
    return motion
