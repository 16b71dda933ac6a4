"""Governance reads shared by the public pages, the home page and (later) the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from secretariat.core.access import get_for_user_or_404
from secretariat.governance.models import Body, Mandate, Office

# Sort keys a list page may ask for (see secretariat.core.tables.sort_from_request).
BODY_SORTS: dict[str, str] = {"order": "order", "name": "name", "kind": "kind"}


@dataclass(frozen=True)
class OfficeHolders:
    """An office of a body and the people holding it on a date (none: vacant or unrecorded)."""

    office: Office
    mandates: list[Mandate]


@dataclass(frozen=True)
class PastAndUpcoming:
    past: list[Mandate]
    upcoming: list[Mandate]


def body_list(
    *, kind: str | None = None, top_level: bool = False, order_by: list[str] | None = None
) -> QuerySet[Body]:
    """Every body (public), with the body it belongs to preloaded."""
    qs = Body.objects.select_related("parent")
    if kind:
        qs = qs.filter(kind=kind)
    if top_level:
        qs = qs.filter(parent__isnull=True)
    return qs.order_by(*(order_by or ["order", "name", "pk"]))


def body_get_for_user(*, user: Any, code: str) -> Body:
    """The one way to a body's public page: with its parent, sub-bodies and offices preloaded;
    Http404 if unknown. Bodies are public: anyone may read them."""
    return get_for_user_or_404(
        Body.objects.select_related("parent").prefetch_related(
            Prefetch("children", queryset=Body.objects.order_by("order", "name", "pk")),
            Prefetch("offices", queryset=Office.objects.order_by("order", "name", "pk")),
        ),
        user=user,
        perm=None,
        code=code,
    )


def authorities_in_force(*, on: dt.date | None = None, body: Body | None = None) -> list[Mandate]:
    """The mandates in force on a date (default today), office preloaded, in office order."""
    day = on or timezone.localdate()
    qs = Mandate.objects.active_on(day).select_related("office", "office__body")
    if body is not None:
        qs = qs.filter(office__body=body)
    return list(qs.order_by("office__order", "office__name", "valid_from", "holder", "pk"))


def office_holders(*, body: Body, on: dt.date | None = None) -> list[OfficeHolders]:
    """Each office of the body (prefetched by `body_get_for_user`) with its holders on the date."""
    by_office: dict[int, list[Mandate]] = {}
    for mandate in authorities_in_force(on=on, body=body):
        by_office.setdefault(mandate.office_id, []).append(mandate)
    return [OfficeHolders(office=o, mandates=by_office.get(o.pk, [])) for o in body.offices.all()]


def mandates_not_in_force(*, body: Body, on: dt.date | None = None) -> PastAndUpcoming:
    """The body's mandates ended before the date (latest first) and those not yet begun."""
    day = on or timezone.localdate()
    rows = (
        Mandate.objects.not_active_on(day)
        .filter(office__body=body)
        .select_related("office")
        .order_by("-valid_from", "office__order", "pk")
    )
    past: list[Mandate] = []
    upcoming: list[Mandate] = []
    for mandate in rows:
        (upcoming if mandate.valid_from and mandate.valid_from > day else past).append(mandate)
    upcoming.reverse()
    return PastAndUpcoming(past=past, upcoming=upcoming)


def offices_without_holder(*, on: dt.date | None = None) -> list[Office]:
    """Offices with no mandate recorded in force on the date: shown as unknown, not hidden,
    so the Secretariat sees what it has to record (e.g. the 2026–2028 authorities)."""
    day = on or timezone.localdate()
    held = Mandate.objects.active_on(day).values("office_id")
    return list(
        Office.objects.exclude(pk__in=held).select_related("body").order_by("order", "name", "pk")
    )


@dataclass(frozen=True)
class BodyPage:
    """A body's public page: its offices with their holders on the day, and the mandates
    that ended before it or have not begun."""

    body: Body
    today: dt.date
    offices: list[OfficeHolders]
    other_mandates: PastAndUpcoming


def body_page(*, body: Body, on: dt.date | None = None) -> BodyPage:
    """What the page of a body fetched by `body_get_for_user` shows (2 queries)."""
    day = on or timezone.localdate()
    return BodyPage(
        body=body,
        today=day,
        offices=office_holders(body=body, on=day),
        other_mandates=mandates_not_in_force(body=body, on=day),
    )
