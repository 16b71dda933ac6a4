"""Reads of the registry itself: the public directory and its counts, who was a member on a
date, a member's public page, and the staff's institution pages.

Each list scopes to what the user may see and preloads what the page shows, so the number
of queries does not grow with the data. Objects come through `<entity>_get_for_user`: a
missing object and one the user may not see are the same 404; an action refused on an
object the user may see is a 403.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, NamedTuple

from django.db import connection
from django.db.models import CharField, Count, F, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils import timezone, translation
from simple_history.utils import get_history_model_for_model

from secretariat.core.access import (
    can,
    get_for_user_or_404,
    list_for_user,
    permission_for,
    require,
)
from secretariat.core.models import ActionLog, User
from secretariat.core.tables import Sort
from secretariat.members.models import (
    Category,
    ContactCorrection,
    Country,
    Institution,
    Membership,
    MembershipRequest,
    Representative,
    SubRegion,
    VotingSuspension,
    run_start,
)
from secretariat.members.selectors.corrections import correction_list_for_user
from secretariat.members.selectors.requests import request_list_for_user
from secretariat.members.selectors.standing import SuspensionRow, suspension_rows

UNKNOWN = "unknown"  # filter value for "category not recorded" / "sub-region not assigned"
VIEW = "members.view_registry"
MANAGE = "members.manage_registry"

InstitutionAction = Literal[
    "view", "manage", "manage_standing", "propose_correction", "request_disaffiliation"
]
# What each action on an institution needs; "view" is the record itself (staff, or the
# institution's own representative).
INSTITUTION_ACTIONS: dict[str, str] = {
    "view": "members.view_institution_record",
    "manage": MANAGE,
    "manage_standing": "members.manage_standing",
    "propose_correction": "members.propose_correction",
    "request_disaffiliation": "members.request_disaffiliation",
}
DIRECTORY_SORTS = {
    "name": "name_sort",
    "country": "country_sort",
    "category": "category_sort",
    "since": "member_since",  # the run's start (with_member_since), not the category's
}


# --- Reference lists ------------------------------------------------------------------


def category_list() -> list[Category]:
    return list(Category.objects.all())


def country_list(*, with_members_only: bool = False) -> QuerySet[Country]:
    qs = Country.objects.select_related("subregion")
    if with_members_only:
        qs = qs.filter(pk__in=Membership.objects.open_ended().values("institution__country_id"))
    return qs.order_by("name")


# --- The public directory -------------------------------------------------------------


def directory_list(
    *,
    q: str = "",
    category: str = "",
    country: str = "",
    subregion: str = "",
    as_of: dt.date | None = None,
) -> QuerySet[Membership]:
    """Memberships in force on a date (today by default), filtered; one row per member, with
    its `member_since` (the start of its unbroken run, not of its category)."""
    day = as_of or timezone.localdate()
    qs = (
        Membership.objects.active_on(day)
        .with_member_since()
        .select_related(
            "institution", "institution__country", "institution__country__subregion", "category"
        )
    )
    if q:
        q = q.strip()[:100]
        qs = qs.filter(Q(institution__name__icontains=q) | Q(institution__acronym__icontains=q))
    if category == UNKNOWN:
        qs = qs.filter(category__isnull=True)
    elif category:
        qs = qs.filter(category__code=category)
    if country:
        qs = qs.filter(institution__country__code=country.upper()[:2])
    if subregion == UNKNOWN:
        qs = qs.filter(institution__country__subregion__isnull=True)
    elif subregion:
        try:
            qs = qs.filter(institution__country__subregion__number=int(subregion))
        except ValueError:
            qs = qs.none()
    return qs


def directory_sorted(members: QuerySet[Membership], sort: Sort) -> QuerySet[Membership]:
    """Order by name (case-blind), country (in the page's language), category or start date
    (`DIRECTORY_SORTS`)."""
    lang = (translation.get_language() or "es").split("-")[0]
    country_name = f"institution__country__name_{lang}"
    return members.annotate(
        name_sort=Lower("institution__name"),
        country_sort=Coalesce(
            NullIf(F(country_name), Value("")),
            F("institution__country__name_es"),
            output_field=CharField(),
        ),
        # Members whose category is not recorded come after the four categories.
        category_sort=Coalesce(F("category__order"), Value(32767)),
    ).order_by(*sort.order_by())


@dataclass(frozen=True)
class CategoryCount:
    """Members in force in one category (`category` None: "category not recorded")."""

    category: Category | None
    code: str
    label: str | None
    count: int


@dataclass(frozen=True)
class DirectoryCounts:
    total: int
    by_category: list[CategoryCount]


def directory_counts(
    *, on: dt.date | None = None, base: QuerySet[Membership] | None = None
) -> DirectoryCounts:
    """Members in force per category (two queries), including "category not recorded"."""
    qs = base if base is not None else Membership.objects.active_on(on or timezone.localdate())
    rows: dict[int | None, int] = {
        r["category"]: r["n"] for r in qs.order_by().values("category").annotate(n=Count("id"))
    }
    by_category = [
        CategoryCount(cat, cat.code, cat.name_plural, rows.get(cat.pk, 0))
        for cat in Category.objects.all()
    ]
    if rows.get(None):
        by_category.append(CategoryCount(None, UNKNOWN, None, rows[None]))
    return DirectoryCounts(total=sum(rows.values()), by_category=by_category)


# What the directory shows comes from these records; each change to one of them (services
# save through core.audit, the seed commands create with history) adds a history row.
DIRECTORY_SOURCES = (Institution, Membership, Country, Category, SubRegion)


@cache
def _directory_stamp_sql() -> str:
    qn = connection.ops.quote_name
    tables = [get_history_model_for_model(model)._meta.db_table for model in DIRECTORY_SOURCES]
    # Table names from the models, quoted: nothing from a request reaches this text.
    maxima = [f"(SELECT MAX({qn('history_id')}) FROM {qn(t)})" for t in tables]  # noqa: S608
    return "SELECT " + ", ".join(maxima)


def directory_stamp() -> str:
    """The latest change to anything the directory shows: the newest history row of each of
    its records (one query, each an index lookup)."""
    with connection.cursor() as cursor:
        cursor.execute(_directory_stamp_sql())
        row = cursor.fetchone()
    return ".".join(str(value or 0) for value in row)


def directory_cache_key(*, query: str, day: dt.date) -> str:
    """What the directory's results and filters depend on: the data (`directory_stamp`), the
    day (memberships in force), the page's language and the request's query string (filters,
    sort, page; problems with them). The template keeps them under this key."""
    return f"{directory_stamp()}:{day.isoformat()}:{translation.get_language()}:{query}"


def member_in_force(*, slug: str, as_of: dt.date | None = None) -> Membership:
    """The membership in force of the institution with this slug (the public API); 404 when
    it is not a member on that date."""
    return get_for_user_or_404(
        directory_list(as_of=as_of), user=None, perm=None, institution__slug=slug
    )


def members_on(*, day: dt.date, category_code: str | None = None) -> QuerySet[Institution]:
    """Institutions that were members on a date (optionally of one category): who voted then."""
    memberships = Membership.objects.active_on(day)
    if category_code:
        memberships = memberships.filter(category__code=category_code)
    return Institution.objects.filter(pk__in=memberships.values("institution_id")).order_by("name")


def voting_members_on(*, day: dt.date) -> QuerySet[Institution]:
    """Members with the right to vote on a date: categories with a vote (only full members,
    per the Statute), less those whose right to vote is suspended on that date (standing)."""
    memberships = Membership.objects.active_on(day).filter(category__has_vote=True)
    suspended = VotingSuspension.objects.active_on(day).values("institution_id")
    return (
        Institution.objects.filter(pk__in=memberships.values("institution_id"))
        .exclude(pk__in=suspended)
        .order_by("name")
    )


# --- Memberships of a listed institution ----------------------------------------------


def _membership_prefetch() -> Prefetch[Any, Any, Any]:
    return Prefetch(
        "memberships",
        queryset=Membership.objects.select_related("category").order_by("-valid_from"),
        to_attr="membership_list",
    )


def memberships_of(institution: Institution) -> list[Membership]:
    """Every membership, newest first, from the list prefetched by this module's selectors."""
    memberships: list[Membership] | None = getattr(institution, "membership_list", None)
    if memberships is None:
        return list(
            Membership.objects.filter(institution=institution)
            .select_related("category")
            .order_by("-valid_from")
        )
    return memberships


def current_membership(institution: Institution) -> Membership | None:
    """The membership in force today."""
    today = timezone.localdate()
    return next((m for m in memberships_of(institution) if m.is_active_on(today)), None)


def admission(institution: Institution) -> Membership | None:
    """The first row of the unbroken run of memberships in force today: its start is the
    member's "member since", kept through changes of category (models.memberships)."""
    current = current_membership(institution)
    return run_start(current, memberships_of(institution)) if current is not None else None


def open_membership(institution: Institution) -> Membership | None:
    """The membership without an end date (at most one: a constraint)."""
    return next((m for m in memberships_of(institution) if m.valid_to is None), None)


# --- A member's public page -------------------------------------------------------------


@dataclass(frozen=True)
class MemberPage:
    """A member's public page: the institution, its membership today (and the first row of
    its unbroken run, whose start is "member since") and its history."""

    institution: Institution
    current: Membership | None
    admitted: Membership | None
    memberships: list[Membership]


def member_get_for_user(*, user: Any, slug: str) -> Institution:
    """A member's public page: only institutions that are or were members (anyone may see
    them, anonymous visitors included); with country, sub-region and memberships."""
    members = (
        Institution.objects.select_related("country", "country__subregion")
        .prefetch_related(_membership_prefetch())
        .filter(pk__in=Membership.objects.values("institution_id"))
    )
    return get_for_user_or_404(members, user=user, perm=None, slug=slug)


def member_page(institution: Institution) -> MemberPage:
    """The public page's row, from what `member_get_for_user` preloaded (no query)."""
    return MemberPage(
        institution=institution,
        current=current_membership(institution),
        admitted=admission(institution),
        memberships=memberships_of(institution),
    )


# --- Staff lists and records ------------------------------------------------------------


class InstitutionRow(NamedTuple):
    """One institution of the staff list, with its membership in force today and the first
    row of its unbroken run (whose start is "member since")."""

    institution: Institution
    current: Membership | None
    was_member: bool
    admitted: Membership | None


def institution_list_for_user(
    *, user: User, q: str = "", status: str = "", country: str = ""
) -> QuerySet[Institution]:
    """Institutions the user may see in the staff list (staff who read the registry)."""
    qs = list_for_user(
        Institution.objects.select_related("country", "country__subregion").prefetch_related(
            _membership_prefetch()
        ),
        user=user,
        perm=VIEW,
    )
    if q:
        q = q.strip()[:100]
        qs = qs.filter(Q(name__icontains=q) | Q(acronym__icontains=q))
    if country:
        qs = qs.filter(country__code=country.upper()[:2])
    members = Membership.objects.open_ended().values("institution_id")
    if status == "member":
        qs = qs.filter(pk__in=members)
    elif status == "former":
        qs = qs.exclude(pk__in=members).filter(pk__in=Membership.objects.values("institution_id"))
    elif status == "none":
        qs = qs.filter(memberships__isnull=True)
    return qs


def institution_rows(institutions: Iterable[Institution]) -> list[InstitutionRow]:
    """The rows of a page of `institution_list_for_user` (memberships prefetched: no query)."""
    return [
        InstitutionRow(i, current_membership(i), bool(memberships_of(i)), admission(i))
        for i in institutions
    ]


def institution_get_for_user(
    *, user: User, slug: str, action: InstitutionAction = "view"
) -> Institution:
    """One institution with its memberships and representatives; 404 when missing or when
    the user may not see its record (staff, or its own representative), then 403 when the
    action is refused (`INSTITUTION_ACTIONS`)."""
    institutions = Institution.objects.select_related(
        "country", "country__subregion"
    ).prefetch_related(
        _membership_prefetch(),
        Prefetch(
            "representatives",
            queryset=Representative.objects.select_related("user").order_by("role", "-valid_from"),
            to_attr="representative_list",
        ),
    )
    institution = get_for_user_or_404(
        institutions, user=user, perm=INSTITUTION_ACTIONS["view"], slug=slug
    )
    perm = permission_for(INSTITUTION_ACTIONS, action)
    if action != "view" and perm is not None:
        require(user, perm, institution)
    return institution


@dataclass(frozen=True)
class InstitutionRecord:
    """What an institution's record page shows (the staff's, or the representative's own),
    and what the page offers the user."""

    institution: Institution
    today: dt.date
    memberships: list[Membership]
    current: Membership | None
    open_membership: Membership | None
    current_representatives: list[Representative]
    past_representatives: list[Representative]
    requests: list[MembershipRequest]
    corrections: list[ContactCorrection]
    history: list[ActionLog]
    suspensions: list[SuspensionRow]
    can_manage: bool
    can_manage_standing: bool
    can_propose: bool
    can_disaffiliate: bool

    @property
    def open_corrections(self) -> list[ContactCorrection]:
        return [c for c in self.corrections if c.state == ContactCorrection.State.PROPOSED]

    @property
    def suspension_in_force(self) -> SuspensionRow | None:
        """Only one suspension can be in force on a day (the service refuses overlaps)."""
        return next((s for s in self.suspensions if s.status == "in_force"), None)


def _history(
    institution: Institution,
    memberships: Iterable[Membership],
    representatives: Iterable[Representative],
    corrections: Iterable[ContactCorrection],
    limit: int = 100,
) -> list[ActionLog]:
    """Every action on the institution, its memberships, representatives and corrections
    (the ids from the preloaded lists: one query)."""
    return list(
        ActionLog.objects.select_related("actor")
        .filter(
            Q(target_type="members.institution", target_id=str(institution.pk))
            | Q(target_type="members.membership", target_id__in=[str(m.pk) for m in memberships])
            | Q(
                target_type="members.representative",
                target_id__in=[str(r.pk) for r in representatives],
            )
            | Q(
                target_type="members.contactcorrection",
                target_id__in=[str(c.pk) for c in corrections],
            )
        )
        .order_by("-id")[:limit]
    )


def institution_record(*, user: User, institution: Institution, staff: bool) -> InstitutionRecord:
    """The record page of an institution fetched by `institution_get_for_user`. The staff's
    page adds the history and the right to vote. Queries: requests, corrections (and
    history, suspensions for staff), whatever the number of rows."""
    today = timezone.localdate()
    memberships = memberships_of(institution)
    representatives: list[Representative] = getattr(institution, "representative_list", [])
    requests = list(request_list_for_user(user=user).filter(institution=institution))
    corrections = list(correction_list_for_user(user=user).filter(institution=institution))
    open_one = open_membership(institution)
    return InstitutionRecord(
        institution=institution,
        today=today,
        memberships=memberships,
        current=current_membership(institution),
        open_membership=open_one,
        current_representatives=[
            r for r in representatives if r.is_active_on(today) or r.valid_from > today
        ],
        past_representatives=[
            r for r in representatives if r.valid_to is not None and r.valid_to <= today
        ],
        requests=requests,
        corrections=corrections,
        history=_history(institution, memberships, representatives, corrections) if staff else [],
        suspensions=suspension_rows(institution=institution, day=today) if staff else [],
        can_manage=can(user, MANAGE),
        can_manage_standing=can(user, "members.manage_standing"),
        can_propose=can(user, "members.propose_correction", institution),
        can_disaffiliate=open_one is not None
        and can(user, "members.request_disaffiliation", institution),
    )


# --- Representatives ------------------------------------------------------------------

RepresentativeAction = Literal["view", "manage"]
REPRESENTATIVE_ACTIONS: dict[str, str] = {"view": VIEW, "manage": MANAGE}


def representative_get_for_user(
    *, user: User, pk: int, action: RepresentativeAction = "view"
) -> Representative:
    """One representation for the staff pages; 404 when missing or when the user does not
    read the registry, 403 when the action is refused."""
    representative = get_for_user_or_404(
        Representative.objects.select_related("institution", "institution__country", "user"),
        user=user,
        perm=VIEW,
        pk=pk,
    )
    perm = permission_for(REPRESENTATIVE_ACTIONS, action)
    if action != "view" and perm is not None:
        require(user, perm, representative)
    return representative
