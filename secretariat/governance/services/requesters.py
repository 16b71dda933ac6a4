"""Who asked for an extraordinary session: the voting seat holders of the requesting body on
the date of the request, each member counted once (shared/domain.md "General Assembly" [C]:
"at the request of the President or of at least five members of the Standing Committee";
"CIESS, CASS" [C]: a commission "when convened by its president or two of its members").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from secretariat.core.selectors.rule_settings import rule_value
from secretariat.governance.models import Body, Seat, Session
from secretariat.governance.selectors.composition import requester_body, voting_seats_on


def requester_identity(seats: Sequence[Seat]) -> list[list[Seat]]:
    """The chosen seats grouped by who holds them: seats that share an account, a member
    institution or a holder's name are one requester.

    shared/domain.md [C] asks for "at least five members of the Standing Committee" (and "two
    of its members" for a CASS): members, not seats. A person or an institution holding two
    seats (a Vice-President who also coordinates a sub-region) is one member asking, so it
    counts once; grouping on any shared identity never counts one member twice.
    """
    groups: list[tuple[set[str], list[Seat]]] = []
    for seat in seats:
        keys = set()
        if seat.user_id:
            keys.add(f"u{seat.user_id}")
        if seat.institution_id:
            keys.add(f"i{seat.institution_id}")
        name = " ".join((seat.holder or "").casefold().split())
        if name:
            keys.add(f"h{name}")
        if not keys:
            keys.add(f"s{seat.pk}")
        joined = [g for g in groups if g[0] & keys]
        merged_keys, merged_seats = set(keys), [seat]
        for g in joined:
            merged_keys |= g[0]
            merged_seats = g[1] + merged_seats
            groups.remove(g)
        groups.append((merged_keys, merged_seats))
    return [g[1] for g in groups]


def requester_label(seat: Seat) -> str:
    return f"{seat.title} ({seat.holder})" if seat.holder else seat.title


def check_requesters(
    *,
    body: Body,
    convened_by: str,
    requesters: Sequence[Seat],
    requested_on: dt.date | None,
    rule: str | None,
) -> None:
    """At least the number of requesters the rule setting in force on the date of the request
    asks for, chosen from the voting seat holders of the requesting body on that date, each
    member counted once (`requester_identity`)."""
    if rule is None:
        return
    if requested_on is None:
        raise ValidationError({"requested_on": _("Give the date of the request.")})
    if requested_on > timezone.localdate():
        raise ValidationError({"requested_on": _("A request cannot be dated in the future.")})
    group_body = requester_body(body, convened_by)
    eligible = {s.pk for s in voting_seats_on(group_body, requested_on)} if group_body else set()
    refused = [s for s in requesters if s.pk not in eligible]
    if refused:
        raise ValidationError(
            {
                "requesters": _(
                    "Not a voting seat of %(body)s on %(date)s: %(seats)s. Only the holders of "
                    "its voting seats on the date of the request may ask for it."
                )
                % {
                    "body": group_body.name if group_body else body.name,
                    "date": date_format(requested_on, "DATE_FORMAT"),
                    "seats": "; ".join(requester_label(s) for s in refused),
                }
            }
        )
    needed = int(rule_value(rule, on=requested_on))
    members = requester_identity(requesters)
    if len(members) < needed:
        group = (
            _("members of the Standing Committee")
            if convened_by == Session.ConvenedBy.COMMITTEE_MEMBERS
            else _("members of the body")
        )
        raise ValidationError(
            {
                "requesters": _(
                    "At least %(needed)d %(group)s must request it; %(count)d chosen (a member "
                    "holding several seats counts once)."
                )
                % {"needed": needed, "group": group, "count": len(members)}
            }
        )
