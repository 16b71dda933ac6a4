"""Every write to a session's agenda: atomic, permission-checked, audited (documents:
`services.documents`).

Rules enforced here (issue #4, "Agenda"):
- items are numbered by their order; sub-items go one level deep ("2.1"); a withdrawn item
  keeps its row (never deleted) and loses its number;
- the agenda can be reordered until the body adopts it; afterwards an item added to it needs
  a reason and is recorded as an addition to the adopted agenda, and texts may still be
  corrected (with a reason).
A closed or cancelled session's agenda and documents do not change.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from secretariat.core.access import require, require_reason
from secretariat.core.audit import (
    locked,
    record_action,
    save_audited,
    set_history_reason,
    snapshot,
)
from secretariat.core.languages import CONTENT_LANGUAGES
from secretariat.core.models import User
from secretariat.governance.models import AgendaItem, Session
from secretariat.governance.selectors.agenda import EDITABLE_STATES
from secretariat.governance.services.common import touch_session

MANAGE = "governance.manage_sessions"
TEXT_FIELDS = [f"{name}_{lang}" for name in ("title", "description") for lang in CONTENT_LANGUAGES]
ITEM_FIELDS = ["parent", "position", *TEXT_FIELDS, "presenter", "outcome", "withdrawn"]
ITEM_EDITABLE = [*TEXT_FIELDS, "presenter", "outcome"]

# --- Helpers -------------------------------------------------------------------------------


def when(moment: Any) -> str:
    """A date in the active language, for messages."""
    return formats.date_format(timezone.localtime(moment), "DATE_FORMAT")


def open_session(session: Session) -> Session:
    """The session row again, locked (it serializes every change of its agenda), refused once
    the session is closed or cancelled."""
    session = locked(session)
    if session.state not in EDITABLE_STATES:
        raise ValidationError(
            _("The session is “%(state)s”: its agenda and documents can no longer change.")
            % {"state": session.get_state_display()}
        )
    return session


def _texts(values: Mapping[str, Any]) -> dict[str, str]:
    return {name: (values.get(name) or "").strip() for name in TEXT_FIELDS if name in values}


def _siblings(item: AgendaItem) -> list[AgendaItem]:
    return list(
        AgendaItem.objects.select_for_update()
        .filter(session_id=item.session_id, parent_id=item.parent_id)
        .order_by("position", "pk")
    )


def _renumber(ordered: list[AgendaItem], reason: str | None) -> None:
    """Give siblings the positions 1..n in the given order, saving only those that moved.

    Each saved row keeps its history (with the reason); the move is one action-log entry,
    written by the caller."""
    for index, sibling in enumerate(ordered, start=1):
        if sibling.position != index:
            sibling.position = index
            set_history_reason(sibling, reason)
            sibling.save(update_fields=["position"])


def _rank(node: AgendaItem) -> int:
    active = [
        s.pk
        for s in AgendaItem.objects.filter(
            session_id=node.session_id, parent_id=node.parent_id, withdrawn=False
        ).order_by("position", "pk")
    ]
    return active.index(node.pk) + 1 if node.pk in active else 0


def _agenda_number(item: AgendaItem) -> str:
    """The item's current number ("2", "2.1"), as the action log records it."""
    own = _rank(item)
    if item.parent_id is None:
        return str(own)
    parent = AgendaItem.objects.get(pk=item.parent_id)
    return f"{_rank(parent)}.{own}"


def _next_number(session: Session, parent: AgendaItem | None) -> str:
    """The number an item added at the end of its level gets (it is last, and not withdrawn)."""
    own = AgendaItem.objects.filter(session=session, parent=parent, withdrawn=False).count() + 1
    return str(own) if parent is None else f"{_rank(parent)}.{own}"


# --- Agenda items --------------------------------------------------------------------------


def _addition_reason(session: Session, reason: str | None) -> str | None:
    """Once the agenda is adopted an addition says why (it is an addition to the adopted
    agenda); before, the reason is an optional note."""
    if session.agenda_adopted_at is None:
        return reason
    text = (reason or "").strip()
    if not text:
        raise ValidationError(
            {
                "reason": _("The agenda was adopted on %(date)s: say why this item is added to it.")
                % {"date": when(session.agenda_adopted_at)}
            }
        )
    return text


def _locked_parent(session: Session, parent: AgendaItem | None) -> AgendaItem | None:
    """The parent again, locked: of this session, a numbered item, not withdrawn."""
    if parent is None:
        return None
    parent = locked(parent)
    if parent.session_id != session.pk:
        raise ValidationError({"parent": _("That item belongs to another session.")})
    if parent.parent_id is not None:
        raise ValidationError(
            {
                "parent": _(
                    "Sub-items go one level deep only: choose a numbered item, not a sub-item."
                )
            }
        )
    if parent.withdrawn:
        raise ValidationError(
            {"parent": _("That item was withdrawn; sub-items cannot be added to it.")}
        )
    return parent


def _check_spanish_title(texts: Mapping[str, str]) -> None:
    if not (texts.get("title_es") or "").strip():
        raise ValidationError(
            {"title_es": _("Give the item's title in Spanish (the authoritative language).")}
        )


@transaction.atomic
def agenda_item_add(
    *,
    actor: User,
    session: Session,
    title_es: str,
    title_en: str = "",
    title_pt: str = "",
    title_fr: str = "",
    description_es: str = "",
    description_en: str = "",
    description_pt: str = "",
    description_fr: str = "",
    presenter: str = "",
    outcome: str = AgendaItem.Outcome.DISCUSSION,
    parent: AgendaItem | None = None,
    reason: str | None = None,
) -> AgendaItem:
    """Add an item at the end of its level (the agenda, or its parent's sub-items).

    Sub-items go one level deep. Once the agenda is adopted an addition needs a reason and
    is recorded as an addition to the adopted agenda (module docstring).
    """
    require(actor, MANAGE, session)
    session = open_session(session)
    adopted = session.agenda_adopted_at is not None
    reason = _addition_reason(session, reason)
    parent = _locked_parent(session, parent)
    texts = _texts(
        {
            "title_es": title_es,
            "title_en": title_en,
            "title_pt": title_pt,
            "title_fr": title_fr,
            "description_es": description_es,
            "description_en": description_en,
            "description_pt": description_pt,
            "description_fr": description_fr,
        }
    )
    _check_spanish_title(texts)
    last = AgendaItem.objects.filter(session=session, parent=parent).aggregate(top=Max("position"))
    item = AgendaItem(
        session=session,
        parent=parent,
        position=(last["top"] or 0) + 1,
        presenter=presenter.strip(),
        outcome=outcome,
        **texts,
    )
    item.full_clean()
    save_audited(
        item,
        actor=actor,
        event="agenda.item_added_after_adoption" if adopted else "agenda.item_added",
        reason=reason,
        new={**snapshot(item, ITEM_FIELDS), "number": _next_number(session, parent)},
        clean=False,
    )
    touch_session(session)
    return item


@transaction.atomic
def agenda_item_update(
    *, actor: User, item: AgendaItem, data: Mapping[str, Any], reason: str | None = None
) -> AgendaItem:
    """Correct an item's texts, translations, presenter or expected outcome.

    Before adoption a reason is optional; once the agenda is adopted every change says why.
    """
    require(actor, MANAGE, item.session)
    session = open_session(item.session)
    if session.agenda_adopted_at is not None:
        reason = require_reason(reason)
    item = locked(item)
    before = snapshot(item, ITEM_EDITABLE)
    for name, value in _texts(data).items():
        setattr(item, name, value)
    if "presenter" in data:
        item.presenter = (data["presenter"] or "").strip()
    if "outcome" in data:
        item.outcome = data["outcome"]
    _check_spanish_title({"title_es": getattr(item, "title_es", "")})  # modeltranslation's
    changed = save_audited(
        item,
        actor=actor,
        event="agenda.item_updated",
        reason=reason,
        fields=ITEM_EDITABLE,
        before=before,
    )
    if changed:
        touch_session(session)
    return item


def _target_place(
    active: list[AgendaItem], current: int, direction: str | None, to: int | None
) -> int:
    """Where among the items still on the agenda the item goes (0-based)."""
    if direction == "up":
        target = current - 1
    elif direction == "down":
        target = current + 1
    elif direction is None and to is not None:
        target = to - 1
    else:
        raise ValidationError(_("Say where the item goes: up, down or a number."))
    if not 0 <= target < len(active):
        if direction == "up":
            raise ValidationError(_("The item is already the first of its level."))
        if direction == "down":
            raise ValidationError(_("The item is already the last of its level."))
        raise ValidationError(
            _("Choose a number between 1 and %(count)s.") % {"count": len(active)}
        )
    return target


@transaction.atomic
def agenda_item_move(
    *,
    actor: User,
    item: AgendaItem,
    direction: str | None = None,
    to: int | None = None,
    reason: str | None = None,
) -> AgendaItem:
    """Move an item up or down among its siblings, or to a number (1 = first), and renumber
    them. Withdrawn siblings keep their place relative to the others but are not counted.

    Refused once the agenda is adopted: the body adopted that order.
    """
    require(actor, MANAGE, item.session)
    session = open_session(item.session)
    if session.agenda_adopted_at is not None:
        raise ValidationError(
            _("The agenda was adopted on %(date)s; it can no longer be reordered.")
            % {"date": when(session.agenda_adopted_at)}
        )
    siblings = _siblings(item)
    item = next(s for s in siblings if s.pk == item.pk)
    if item.withdrawn:
        raise ValidationError(_("A withdrawn item cannot be moved."))
    active = [s for s in siblings if not s.withdrawn]
    current = active.index(item)
    target = _target_place(active, current, direction, to)
    if target == current:
        return item
    old_number = _agenda_number(item)
    ordered = [s for s in siblings if s.pk != item.pk]
    at = ordered.index(active[target]) + (1 if target > current else 0)
    ordered.insert(at, item)
    _renumber(ordered, reason)
    record_action(  # one entry for the move; each renumbered row keeps its own history
        actor=actor,
        event="agenda.item_moved",
        target=item,
        old={"number": old_number},
        new={"number": _agenda_number(item)},
        reason=reason,
    )
    touch_session(session)
    return item


@transaction.atomic
def agenda_item_withdraw(*, actor: User, item: AgendaItem, reason: str | None) -> AgendaItem:
    """Withdraw an item (and its sub-items): it stays on record, struck and without number."""
    require(actor, MANAGE, item.session)
    reason = require_reason(reason)
    session = open_session(item.session)
    item = locked(item)
    if item.withdrawn:
        raise ValidationError(_("This item was already withdrawn."))
    number = _agenda_number(item)
    children = list(AgendaItem.objects.select_for_update().filter(parent=item, withdrawn=False))
    item.withdrawn = True
    save_audited(
        item,
        actor=actor,
        event="agenda.item_withdrawn",
        reason=reason,
        old={"number": number, "withdrawn": False},
        new={"withdrawn": True, "sub_items_withdrawn": [c.pk for c in children]},
        clean=False,  # only the flag changes; the item's texts stay as recorded
    )
    for child in children:  # part of the same withdrawal: their history says why
        child.withdrawn = True
        set_history_reason(child, reason)
        child.save(update_fields=["withdrawn"])
    touch_session(session)
    return item


@transaction.atomic
def agenda_adopt(*, actor: User, session: Session, reason: str | None = "") -> Session:
    """Record that the body adopted its agenda (once): from then on its order is fixed."""
    require(actor, MANAGE, session)
    session = open_session(session)
    if session.agenda_adopted_at is not None:
        raise ValidationError(
            _("The agenda was already adopted on %(date)s.")
            % {"date": when(session.agenda_adopted_at)}
        )
    if not AgendaItem.objects.filter(session=session, withdrawn=False).exists():
        raise ValidationError(_("The agenda has no items: add them before adopting it."))
    session.agenda_adopted_at = timezone.now()
    save_audited(
        session,
        actor=actor,
        event="agenda.adopted",
        reason=reason,
        new={"agenda_adopted_at": session.agenda_adopted_at},
        clean=False,  # only the adoption is recorded; the session's data is not re-judged
    )
    touch_session(session)
    return session
