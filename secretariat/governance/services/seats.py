"""Seats: who sits on a body, from when to when and in what capacity (every write).

Rules enforced (shared/domain.md):
- only a body that holds sessions (one with a rules profile) has seats;
- in a body of all members (the General Assembly, `Body.all_members_sit`) the member
  institutions vote through their membership ("only full members have the right to vote",
  CISS General Assembly page); the seats recorded there are for those who attend without
  being members — the Secretary General, the Comptroller, the CIESS Director, observers —
  so only voice or observer seats may be added;
- a seat held on behalf of an institution needs the institution to be a member when the seat
  starts (its standing then applies to the seat's vote, see selectors.composition);
- history is never rewritten: a seat is ended with a date, never deleted; a new holder is a
  new seat; `seat_update` only corrects what was recorded wrongly (with a reason).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from secretariat.core.access import require, require_reason
from secretariat.core.audit import diff, locked, save_audited, snapshot
from secretariat.core.models import User
from secretariat.governance.models import Body, Office, Seat, Session
from secretariat.governance.services.common import touch_session
from secretariat.members.models import Institution, Membership

PERM = "governance.manage_seats"
SEAT_FIELDS = [
    "body",
    "capacity",
    "title",
    "office",
    "institution",
    "holder",
    "user",
    "email",
    "valid_from",
    "valid_to",
    "order",
    "source",
]
# What `seat_update` may correct; dates and capacity change by ending the seat and adding one.
CORRECTABLE = ("title", "holder", "email", "user", "order", "source")
VOTING_CAPACITIES = (Seat.Capacity.MEMBER, Seat.Capacity.OFFICER)
LIVE_STATES = (Session.State.DRAFT, Session.State.CONVENED, Session.State.OPEN)


def _day(value: dt.date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def _check_body(body: Body, capacity: str) -> None:
    if not body.holds_sessions:
        raise ValidationError(
            _("%(body)s does not hold sessions, so it has no seats.") % {"body": body.name}
        )
    if capacity not in Seat.Capacity.values:
        raise ValidationError({"capacity": _("Choose the capacity in which the seat sits.")})
    if body.all_members_sit and capacity in VOTING_CAPACITIES:
        raise ValidationError(
            {
                "capacity": _(
                    "All members sit on %(body)s and vote through their membership (only full "
                    "members vote): only voice or observer seats can be added to it."
                )
                % {"body": body.name}
            }
        )


def _check_member(institution: Institution | None, day: dt.date) -> None:
    if institution is None:
        return
    if not Membership.objects.active_on(day).filter(institution=institution).exists():
        raise ValidationError(
            {
                "institution": _(
                    "%(institution)s is not a member on %(date)s: a seat can only belong to a "
                    "member institution."
                )
                % {"institution": institution, "date": _day(day)}
            }
        )


def _check_dates(valid_from: dt.date, valid_to: dt.date | None) -> None:
    if valid_to is not None and valid_to <= valid_from:
        raise ValidationError({"valid_to": _("A seat must end after it starts.")})


def _check_no_overlap(seat: Seat) -> None:
    """No two seats of one body with the same title at the same time (ranges are [from, to))."""
    others = Seat.objects.overlapping(seat.valid_from, seat.valid_to).filter(
        body_id=seat.body_id, title__iexact=seat.title
    )
    if seat.pk:
        others = others.exclude(pk=seat.pk)
    clash = others.order_by("valid_from").first()
    if clash is not None:
        raise ValidationError(
            {
                "title": _(
                    "The seat “%(title)s” is already recorded from %(date)s for part of this "
                    "period: end it first, or give this seat another title."
                )
                % {"title": clash.title, "date": _day(clash.valid_from)}
            }
        )


def _touch_sessions(seat: Seat) -> None:
    """Sessions of the body not yet closed show the composition: make their pages refresh."""
    sessions = Session.objects.filter(body_id=seat.body_id, state__in=LIVE_STATES)
    for pk in sessions.values_list("pk", flat=True):
        touch_session(pk)


@transaction.atomic
def seat_add(
    *,
    actor: User,
    body: Body,
    capacity: str,
    title: str,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    office: Office | None = None,
    institution: Institution | None = None,
    holder: str = "",
    user: User | None = None,
    email: str = "",
    order: int = 0,
    source: str = "",
    reason: str | None,
) -> Seat:
    """Record a seat on a body (see the module docstring for the rules and their source)."""
    require(actor, PERM)
    reason = require_reason(reason)
    # Lock the body so two officers adding the same seat at once cannot both pass the check.
    body = locked(body)
    _check_body(body, capacity)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Say what the seat is, e.g. “Comptroller”.")})
    _check_dates(valid_from, valid_to)
    _check_member(institution, valid_from)
    seat = Seat(
        body=body,
        capacity=capacity,
        title=title,
        office=office,
        institution=institution,
        holder=(holder or "").strip(),
        user=user,
        email=(email or "").strip() or (user.email if user is not None else ""),
        valid_from=valid_from,
        valid_to=valid_to,
        order=order,
        source=(source or "").strip(),
    )
    _check_no_overlap(seat)
    save_audited(seat, actor=actor, event="seat.added", reason=reason, fields=SEAT_FIELDS)
    _touch_sessions(seat)
    return seat


@transaction.atomic
def seat_end(*, actor: User, seat: Seat, valid_to: dt.date, reason: str | None) -> Seat:
    """End a seat on a date (exclusive: the first day it no longer sits); the record stays.

    A seat already ending later may have its end brought forward, never pushed back (that
    would rewrite who sat when: add a new seat instead).
    """
    require(actor, PERM)
    reason = require_reason(reason)
    seat = locked(seat)
    if seat.valid_to is not None and valid_to >= seat.valid_to:
        raise ValidationError(
            {
                "valid_to": _(
                    "This seat already ends on %(date)s; an end can only be brought forward."
                )
                % {"date": _day(seat.valid_to)}
            }
        )
    _check_dates(seat.valid_from, valid_to)
    before = snapshot(seat, SEAT_FIELDS)
    seat.valid_to = valid_to
    save_audited(
        seat, actor=actor, event="seat.ended", reason=reason, fields=SEAT_FIELDS, before=before
    )
    _touch_sessions(seat)
    return seat


@transaction.atomic
def seat_update(*, actor: User, seat: Seat, data: Mapping[str, Any], reason: str | None) -> Seat:
    """Correct what was recorded about a seat: its title, holder, e-mail, account, order or
    source. A different person taking the seat is not a correction: end it and add a new one."""
    require(actor, PERM)
    reason = require_reason(reason)
    unknown = set(data) - set(CORRECTABLE)
    if unknown:
        raise ValueError(f"seat_update cannot change {sorted(unknown)}")
    seat = locked(seat)
    before = snapshot(seat, SEAT_FIELDS)
    for name in CORRECTABLE:
        if name in data:
            value = data[name]
            setattr(seat, name, value.strip() if isinstance(value, str) else value)
    if not seat.title:
        raise ValidationError({"title": _("Say what the seat is, e.g. “Comptroller”.")})
    if "user" in data and data["user"] is not None and not seat.email:
        seat.email = data["user"].email
    old, new = diff(before, snapshot(seat, SEAT_FIELDS))
    if not new:
        return seat
    if "title" in new:
        _check_no_overlap(seat)
    save_audited(seat, actor=actor, event="seat.updated", reason=reason, old=old, new=new)
    _touch_sessions(seat)
    return seat
