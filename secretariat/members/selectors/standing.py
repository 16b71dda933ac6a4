"""Reads of members' standing: the suspensions of the right to vote, with their status on a
day, for the staff list, the lift page and the "Right to vote" card of a record."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, NamedTuple

from django.db.models import QuerySet

from secretariat.core.access import get_for_user_or_404, list_for_user, permission_for, require
from secretariat.members.models import Institution, VotingSuspension

VIEW = "members.view_registry"
SuspensionStatus = Literal["in_force", "upcoming", "lifted", "ended"]
SuspensionAction = Literal["view", "lift"]
SUSPENSION_ACTIONS: dict[str, str] = {"view": VIEW, "lift": "members.manage_standing"}


class SuspensionRow(NamedTuple):
    """One suspension and its status on the page's day."""

    suspension: VotingSuspension
    status: SuspensionStatus

    @property
    def can_lift(self) -> bool:
        """Whether it still runs (in force or upcoming): lifting sets its end."""
        return self.status in ("in_force", "upcoming")


def suspension_status(suspension: VotingSuspension, day: dt.date) -> SuspensionStatus:
    if suspension.valid_from > day:
        return "upcoming"
    if suspension.is_active_on(day):
        return "in_force"
    return "lifted" if suspension.lift_reason else "ended"


def suspension_list_for_user(
    *, user: Any, current_only: bool, day: dt.date
) -> QuerySet[VotingSuspension]:
    """Suspensions (in force or upcoming on `day`, or all), newest first, with what the list
    shows preloaded: institution, its country, who recorded it. Staff who read the registry."""
    qs = VotingSuspension.objects.select_related(
        "institution", "institution__country", "recorded_by"
    )
    if current_only:
        qs = qs.overlapping(day, None)
    return list_for_user(qs.order_by("-valid_from", "-pk"), user=user, perm=VIEW)


def suspension_rows_of(suspensions: list[VotingSuspension], day: dt.date) -> list[SuspensionRow]:
    return [SuspensionRow(s, suspension_status(s, day)) for s in suspensions]


def suspension_rows(*, institution: Institution, day: dt.date) -> list[SuspensionRow]:
    """An institution's suspensions, newest first, each with its status (one query)."""
    return suspension_rows_of(list(VotingSuspension.objects.filter(institution=institution)), day)


def suspension_get_for_user(
    *, user: Any, pk: int, action: SuspensionAction = "view"
) -> VotingSuspension:
    """One suspension with its institution; 404 when missing or when the user does not read
    the registry, 403 when the action is refused (`SUSPENSION_ACTIONS`)."""
    suspension = get_for_user_or_404(
        VotingSuspension.objects.select_related("institution", "institution__country"),
        user=user,
        perm=VIEW,
        pk=pk,
    )
    perm = permission_for(SUSPENSION_ACTIONS, action)
    if action != "view" and perm is not None:
        require(user, perm, suspension)
    return suspension
