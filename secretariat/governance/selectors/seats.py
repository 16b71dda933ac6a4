"""Reads for the composition page and the seat forms.

`composition_page` wraps `composition.composition_on` with what the page's summary shows:
how many places vote, have voice only or observe, and the quorum those entitled to vote
need under the body's rule in force on the date (a default rule is shown as such).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from secretariat.core.selectors.rule_settings import RuleInForce
from secretariat.governance.arithmetic import quorum
from secretariat.governance.body_rules import body_rule
from secretariat.governance.models import Body, Office, Seat
from secretariat.governance.selectors.composition import SeatRow, composition_on
from secretariat.members.models import Institution


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

    @property
    def entitled(self) -> int:
        """Those entitled to vote on the date (category, standing and seat capacity)."""
        return self.with_vote

    @property
    def quorum_share(self) -> tuple[int, int]:
        value = self.quorum_rule.value
        return int(value[0]), int(value[1])


def body_with_sessions_get(*, code: str) -> Body:
    """A body that holds sessions (has a rules profile); Http404 for any other code."""
    body = Body.objects.filter(code=code).exclude(rules_profile="").first()
    if body is None:
        raise Http404
    return body


def composition_page(*, body: Body, day: dt.date) -> Composition:
    """Every place on the body on the date, and the summary.

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
    )


def seat_get(*, pk: int) -> Seat:
    """One seat with its body, office, institution and account; Http404 if unknown."""
    seat = (
        Seat.objects.select_related("body", "office", "institution", "user").filter(pk=pk).first()
    )
    if seat is None:
        raise Http404
    return seat


def office_choices() -> QuerySet[Office]:
    return Office.objects.order_by("order", "name", "pk")


def seat_institution_choices() -> QuerySet[Institution]:
    """Institutions that are or were members (the service checks membership on the date)."""
    return Institution.objects.filter(memberships__isnull=False).distinct().order_by("name", "pk")
