"""Validity ranges: every dated record (a membership, a seat, a mandate, a suspension) is in
force from `valid_from` (inclusive; null when unknown, taken as "since always") until
`valid_to` (exclusive; null while open). "Who sat on the Standing Committee in 2019" is a
query over these two columns, written once here."""

from __future__ import annotations

import datetime as dt
from typing import Self, TypeVar

from django.db import models
from django.db.models import Q
from django.utils import timezone

M = TypeVar("M", bound=models.Model)


def in_force_on(day: dt.date, *, prefix: str = "") -> Q:
    """The condition "in force on `day`", for rows reached through `prefix` (e.g. "memberships__")."""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": day})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gt": day})
    )


def overlaps(start: dt.date | None, end: dt.date | None, *, prefix: str = "") -> Q:
    """The condition "the row's range meets [start, end)"; None is open on that side."""
    condition = Q()
    if start is not None:
        condition &= Q(**{f"{prefix}valid_to__isnull": True}) | Q(
            **{f"{prefix}valid_to__gt": start}
        )
    if end is not None:
        condition &= Q(**{f"{prefix}valid_from__isnull": True}) | Q(
            **{f"{prefix}valid_from__lt": end}
        )
    return condition


class ValidityQuerySet(models.QuerySet[M]):
    """Rows of a model with `valid_from` / `valid_to`, filtered by date."""

    def active_on(self, day: dt.date) -> Self:
        """The rows in force on `day`."""
        return self.filter(in_force_on(day))

    def not_active_on(self, day: dt.date) -> Self:
        """The rows not in force on `day`: ended by then, or starting later."""
        return self.exclude(in_force_on(day))

    def current(self) -> Self:
        """The rows in force today (in the site's time zone)."""
        return self.active_on(timezone.localdate())

    def open_ended(self) -> Self:
        """The rows with no end recorded (in force now or from a future date)."""
        return self.filter(valid_to__isnull=True)

    def overlapping(self, start: dt.date | None, end: dt.date | None) -> Self:
        """The rows whose range meets [start, end); None leaves that side open."""
        return self.filter(overlaps(start, end))


def is_in_force(valid_from: dt.date | None, valid_to: dt.date | None, day: dt.date) -> bool:
    """The same rule for one row in memory."""
    return (valid_from is None or valid_from <= day) and (valid_to is None or valid_to > day)


class InForce:
    """For models with `valid_from` / `valid_to`: the same test on one row in memory."""

    valid_from: dt.date | None
    valid_to: dt.date | None

    def is_active_on(self, day: dt.date) -> bool:
        return is_in_force(self.valid_from, self.valid_to, day)
