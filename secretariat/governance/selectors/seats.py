"""Reads for the composition page and the seat forms.

`composition_page` wraps `composition.composition_on` with what the page's summary shows:
how many places vote, have voice only or observe, and the quorum those entitled to vote
need under the body's rule in force on the date (a default rule is shown as such).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import QuerySet

from secretariat.core.access import can, get_for_user_or_404, permission_for
from secretariat.core.selectors.rule_settings import RuleInForce
from secretariat.governance.arithmetic import quorum
from secretariat.governance.body_rules import body_rule
from secretariat.governance.models import Body, Office, Seat
from secretariat.governance.selectors.composition import SeatRow, composition_on
from secretariat.members.models import Institution

MANAGE_SEATS = "governance.manage_seats"


@dataclass(frozen=True)
class Composition:
    """A body's composition on a date and the figures of its summary."""

    body: Body
    day: dt.date
    rows: list[SeatRow]
    with_vote: int
    voice_only: int
    observers: int
    quorum_rule: RuleInForce
    quorum_needed: int
    can_manage_seats: bool
    can_view_rules: bool

    @property
    def entitled(self) -> int:
        """Those entitled to vote on the date (category, standing and seat capacity)."""
        return self.with_vote

    @property
    def quorum_share(self) -> tuple[int, int]:
        value = self.quorum_rule.value
        return int(value[0]), int(value[1])


SeatBodyAction = Literal["view", "manage_seats"]
SEAT_BODY_ACTIONS: dict[str, str | None] = {"view": None, "manage_seats": MANAGE_SEATS}


def seat_body_get_for_user(*, user: Any, code: str, action: SeatBodyAction = "view") -> Body:
    """A body that holds sessions (has a rules profile), whose composition is public; Http404
    for any other code. Adding a seat to it needs `governance.manage_seats` (403)."""
    return get_for_user_or_404(
        Body.objects.exclude(rules_profile=""),
        user=user,
        perm=permission_for(SEAT_BODY_ACTIONS, action),
        public=True,
        code=code,
    )


def composition_page(*, user: Any, body: Body, day: dt.date) -> Composition:
    """Every place on the body on the date, the summary, and what the user may do there.

    Queries: memberships (1, bodies of all members only), suspensions (1), seats (1), the
    quorum rule (1) — whatever the number of members.
    """
    # Voting places first; members by name, then seats in their recorded order (the
    # President before the Vice-Presidents), not alphabetically.
    rows = sorted(
        composition_on(body, day),
        key=lambda r: (
            not r.has_vote,
            r.seat is not None,
            r.seat.order if r.seat is not None else 0,
            r.label.casefold(),
        ),
    )
    with_vote = sum(1 for r in rows if r.has_vote)
    observers = sum(1 for r in rows if r.capacity == Seat.Capacity.OBSERVER)
    rule = body_rule(body, "quorum", day)
    share = rule.value
    return Composition(
        body=body,
        day=day,
        rows=rows,
        with_vote=with_vote,
        voice_only=len(rows) - with_vote - observers,
        observers=observers,
        quorum_rule=rule,
        quorum_needed=quorum(entitled=with_vote, present=0, share=share).needed,
        can_manage_seats=can(user, MANAGE_SEATS),
        can_view_rules=can(user, "core.view_rules"),
    )


SeatAction = Literal["view", "manage"]
SEAT_ACTIONS: dict[str, str | None] = {"view": None, "manage": MANAGE_SEATS}


def seat_get_for_user(*, user: Any, pk: int, action: SeatAction = "view") -> Seat:
    """One seat with its body, office, institution and account; Http404 if unknown. Seats are
    public (the composition); correcting or ending one needs `governance.manage_seats`."""
    return get_for_user_or_404(
        Seat.objects.select_related("body", "office", "institution", "user"),
        user=user,
        perm=permission_for(SEAT_ACTIONS, action),
        public=True,
        pk=pk,
    )


def office_choices() -> QuerySet[Office]:
    return Office.objects.order_by("order", "name", "pk")


def seat_institution_choices() -> QuerySet[Institution]:
    """Institutions that are or were members (the service checks membership on the date)."""
    return Institution.objects.filter(memberships__isnull=False).distinct().order_by("name", "pk")
