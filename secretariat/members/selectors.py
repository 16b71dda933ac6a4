"""Reads of the member registry shared by pages, exports and the API.

Each list scopes to what the user may see and preloads what the page shows, so the number
of queries does not grow with the data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from secretariat.core.models import ActionLog, User
from secretariat.core.selectors.action_log import action_log_list
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
)
from secretariat.members.permissions import represented_institution_ids

UNKNOWN = "unknown"  # filter value for "category not recorded" / "sub-region not assigned"


def category_list() -> list[Category]:
    return list(Category.objects.all())


def country_list(*, with_members_only: bool = False) -> QuerySet[Country]:
    qs = Country.objects.select_related("subregion")
    if with_members_only:
        qs = qs.filter(institutions__memberships__valid_to__isnull=True).distinct()
    return qs.order_by("name")


def subregion_list() -> QuerySet[SubRegion]:
    return SubRegion.objects.prefetch_related("countries").order_by("number")


def directory_list(
    *,
    q: str = "",
    category: str = "",
    country: str = "",
    subregion: str = "",
    as_of: dt.date | None = None,
) -> QuerySet[Membership]:
    """Memberships in force on a date (today by default), filtered; one row per member."""
    day = as_of or timezone.localdate()
    qs = Membership.objects.active_on(day).select_related(
        "institution", "institution__country", "institution__country__subregion", "category"
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


def directory_counts(
    *, on: dt.date | None = None, base: QuerySet[Membership] | None = None
) -> dict[str, Any]:
    """Members in force per category (two queries), including "category not recorded"."""
    qs = base if base is not None else Membership.objects.active_on(on or timezone.localdate())
    rows: dict[int | None, int] = {
        r["category"]: r["n"] for r in qs.order_by().values("category").annotate(n=Count("id"))
    }
    by_category: list[dict[str, Any]] = []
    for cat in Category.objects.all():
        by_category.append(
            {
                "category": cat,
                "code": cat.code,
                "label": cat.name_plural,
                "count": rows.get(cat.pk, 0),
            }
        )
    if rows.get(None):
        by_category.append({"category": None, "code": UNKNOWN, "label": None, "count": rows[None]})
    return {"total": sum(rows.values()), "by_category": by_category}


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


def _membership_prefetch() -> Prefetch[Any, Any, Any]:
    return Prefetch(
        "memberships",
        queryset=Membership.objects.select_related("category").order_by("-valid_from"),
        to_attr="membership_list",
    )


def current_membership(institution: Institution) -> Membership | None:
    """The open membership, from the prefetched list when present."""
    memberships = getattr(institution, "membership_list", None)
    if memberships is None:
        return (
            institution.memberships.filter(valid_to__isnull=True).select_related("category").first()
        )
    today = timezone.localdate()
    return next((m for m in memberships if m.is_active_on(today)), None)


def member_get_public(*, slug: str) -> Institution:
    """A member's public page: only institutions that are or were members."""
    try:
        return (
            Institution.objects.select_related("country", "country__subregion")
            .prefetch_related(_membership_prefetch())
            .filter(memberships__isnull=False)
            .distinct()
            .get(slug=slug)
        )
    except Institution.DoesNotExist as exc:
        raise Http404 from exc


def institution_list_for_user(
    *, user: User, q: str = "", status: str = "", country: str = ""
) -> QuerySet[Institution]:
    """Institutions the user may see in the staff list: all for staff, own for representatives."""
    qs = Institution.objects.select_related("country", "country__subregion").prefetch_related(
        _membership_prefetch()
    )
    if not user.has_perm("members.view_registry"):
        qs = qs.filter(pk__in=represented_institution_ids(user))
    if q:
        q = q.strip()[:100]
        qs = qs.filter(Q(name__icontains=q) | Q(acronym__icontains=q))
    if country:
        qs = qs.filter(country__code=country.upper()[:2])
    if status == "member":
        qs = qs.filter(memberships__valid_to__isnull=True).distinct()
    elif status == "former":
        qs = (
            qs.exclude(memberships__valid_to__isnull=True)
            .filter(memberships__isnull=False)
            .distinct()
        )
    elif status == "none":
        qs = qs.filter(memberships__isnull=True)
    return qs


def institution_get_for_user(*, user: User, slug: str) -> Institution:
    """One institution's full record; 404 for missing and for not-yours alike."""
    try:
        institution = (
            Institution.objects.select_related("country", "country__subregion")
            .prefetch_related(
                _membership_prefetch(),
                Prefetch(
                    "representatives",
                    queryset=Representative.objects.select_related("user").order_by(
                        "role", "-valid_from"
                    ),
                    to_attr="representative_list",
                ),
            )
            .get(slug=slug)
        )
    except Institution.DoesNotExist as exc:
        raise Http404 from exc
    if not user.has_perm("members.view_institution_record", institution):
        raise Http404
    return institution


def record_history(*, target: Any, limit: int = 50) -> list[ActionLog]:
    """The action-log rows about one record, newest first."""
    return list(
        action_log_list(target_type=target._meta.label_lower, target_id=str(target.pk))[:limit]
    )


def institution_history(*, institution: Institution, limit: int = 100) -> list[ActionLog]:
    """Every action on the institution, its memberships and its representatives."""
    membership_ids = [str(pk) for pk in institution.memberships.values_list("pk", flat=True)]
    rep_ids = [str(pk) for pk in institution.representatives.values_list("pk", flat=True)]
    return list(
        ActionLog.objects.select_related("actor")
        .filter(
            Q(target_type="members.institution", target_id=str(institution.pk))
            | Q(target_type="members.membership", target_id__in=membership_ids)
            | Q(target_type="members.representative", target_id__in=rep_ids)
        )
        .order_by("-id")[:limit]
    )


def request_list_for_user(
    *, user: User, state: str = "", kind: str = ""
) -> QuerySet[MembershipRequest]:
    qs = MembershipRequest.objects.select_related(
        "institution", "institution__country", "applicant_country", "requested_category"
    )
    if not user.has_perm("members.view_registry"):
        qs = qs.filter(
            Q(institution_id__in=represented_institution_ids(user)) | Q(submitted_by=user)
        )
    if state == "open":
        qs = qs.filter(state__in=MembershipRequest.OPEN_STATES)
    elif state in MembershipRequest.State.values:
        qs = qs.filter(state=state)
    if kind in MembershipRequest.Kind.values:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at", "-id")


def request_get_for_user(*, user: User, pk: int) -> MembershipRequest:
    try:
        request = (
            MembershipRequest.objects.select_related(
                "institution",
                "institution__country",
                "applicant_country",
                "requested_category",
                "granted_category",
                "membership",
                "submitted_by",
            )
            .prefetch_related("attachments")
            .get(pk=pk)
        )
    except MembershipRequest.DoesNotExist as exc:
        raise Http404 from exc
    if user.has_perm("members.view_registry"):
        return request
    if request.submitted_by_id == user.pk or (
        request.institution_id in represented_institution_ids(user)
    ):
        return request
    raise Http404


def correction_list_for_user(*, user: User, state: str = "") -> QuerySet[ContactCorrection]:
    qs = ContactCorrection.objects.select_related("institution", "proposed_by", "decided_by")
    if not user.has_perm("members.view_registry"):
        qs = qs.filter(institution_id__in=represented_institution_ids(user))
    if state in ContactCorrection.State.values:
        qs = qs.filter(state=state)
    return qs.order_by("-created_at", "-id")


def correction_get_for_user(*, user: User, pk: int) -> ContactCorrection:
    try:
        correction = ContactCorrection.objects.select_related(
            "institution", "proposed_by", "decided_by"
        ).get(pk=pk)
    except ContactCorrection.DoesNotExist as exc:
        raise Http404 from exc
    if user.has_perm(
        "members.view_registry"
    ) or correction.institution_id in represented_institution_ids(user):
        return correction
    raise Http404


@dataclass(frozen=True)
class RegistryWork:
    """What waits for the Secretariat in the registry (the dashboard)."""

    open_requests: list[MembershipRequest]
    open_requests_count: int
    pending_corrections: list[ContactCorrection]


def registry_work(*, user: User) -> RegistryWork:
    """Open requests and proposed corrections, ten of each, for staff who read the registry."""
    open_requests = request_list_for_user(user=user, state="open")
    return RegistryWork(
        open_requests=list(open_requests[:10]),
        open_requests_count=open_requests.count(),
        pending_corrections=list(correction_list_for_user(user=user, state="proposed")[:10]),
    )


@dataclass(frozen=True)
class OwnRecords:
    """A representative's institutions, and their latest requests and proposed corrections."""

    institutions: list[Institution]
    requests: list[MembershipRequest]
    corrections: list[ContactCorrection]


def own_records(*, user: User) -> OwnRecords:
    ids = represented_institution_ids(user)
    institutions = list(
        Institution.objects.filter(pk__in=ids).select_related("country").order_by("name")
    )
    if not ids:
        return OwnRecords(institutions=institutions, requests=[], corrections=[])
    return OwnRecords(
        institutions=institutions,
        requests=list(request_list_for_user(user=user)[:10]),
        corrections=list(correction_list_for_user(user=user)[:10]),
    )


def deciding_bodies_allowed(*, on: dt.date | None = None) -> list[str]:
    """Bodies that may decide membership requests on a date, the setting's body first:
    `members.affiliation.deciding_body` (default: the General Assembly), and the other body
    too when `members.affiliation.interim_body_allowed` (the Standing Committee between
    Assemblies)."""
    from secretariat.core.selectors.rule_settings import rule_value
    from secretariat.members.rule_settings import BODY_CHOICES

    default = str(rule_value("members.affiliation.deciding_body", on=on))
    bodies = [default]
    if rule_value("members.affiliation.interim_body_allowed", on=on):
        bodies += [code for code, _label in BODY_CHOICES if code != default]
    return bodies
