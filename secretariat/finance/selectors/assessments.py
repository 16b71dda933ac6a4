"""Assessments of dues: who is to be assessed in a year, the list per year, one assessment
with its payments and adjustments, a run's progress, and the invoice's HTML."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import Q, QuerySet
from django.utils.text import slugify

from secretariat.core.access import can, get_for_user_or_404, list_for_user, permission_for
from secretariat.core.pdf import pdf_html
from secretariat.finance.models import (
    Adjustment,
    Allocation,
    Assessment,
    AssessmentRun,
    EntryState,
    FiscalYear,
    ScaleRate,
)
from secretariat.finance.selectors.dues import with_outstanding
from secretariat.finance.selectors.scales import rate_for, scale_in_force, scale_rates
from secretariat.governance.models import Body, RulesProfile
from secretariat.members.models import Institution, Membership, Representative
from secretariat.members.permissions import represented_institution_ids

ASSESSMENT_ACTIONS = {"view": "finance.view_dues", "manage": "finance.manage_dues"}
AssessmentAction = Literal["view", "manage"]
INVOICE_DOCUMENT = "finance.invoice"


@dataclass(frozen=True)
class Candidate:
    """A member to assess in a year: its contribution, its admission when during the year,
    and where its invoice goes (its representatives, in their language; else Spanish)."""

    fiscal_year: FiscalYear
    institution: Institution
    rate: ScaleRate
    admitted: dt.date | None
    language: str
    emails: list[str]


def _contacts(ids: list[int], on: dt.date) -> dict[int, tuple[str, list[str]]]:
    contacts: dict[int, tuple[str, list[str]]] = {}
    reps = (
        Representative.objects.active_on(on)
        .filter(institution_id__in=ids)
        .select_related("user")
        .order_by("institution_id", "valid_from", "pk")
    )
    for rep in reps:
        email = rep.email or (rep.user.email if rep.user else "")
        language = rep.user.preferred_language if rep.user else ""
        known_language, emails = contacts.get(rep.institution_id, ("", []))
        contacts[rep.institution_id] = (
            known_language or language,
            emails + ([email] if email and email not in emails else []),
        )
    return contacts


def assessment_candidates(fiscal_year: FiscalYear) -> list[Candidate]:
    """The members to assess for `fiscal_year` and not yet assessed: a membership active
    during the year (its latest row gives the category) and a contribution above zero in the
    scale in force. Five queries whatever the number of members."""
    scale = scale_in_force(fiscal_year.year)
    if scale is None:
        return []
    rates = scale_rates(scale)
    done = set(
        Assessment.objects.filter(fiscal_year=fiscal_year).values_list("institution_id", flat=True)
    )
    rows: dict[int, Membership] = {}
    for membership in (
        Membership.objects.overlapping(fiscal_year.start, fiscal_year.end + dt.timedelta(days=1))
        .filter(category__isnull=False)
        .exclude(institution_id__in=done)
        .with_member_since()
        .select_related("institution")
        .order_by("institution__name", "institution_id", "valid_from")
    ):
        rows[membership.institution_id] = membership
    contacts = _contacts(list(rows), fiscal_year.start)
    found = []
    for pk, membership in rows.items():
        rate = rate_for(rates, institution_id=pk, category_id=membership.category_id)
        if rate is None or rate.amount <= 0:
            continue
        since = getattr(membership, "member_since", None)
        language, emails = contacts.get(pk, ("", []))
        found.append(
            Candidate(
                fiscal_year=fiscal_year,
                institution=membership.institution,
                rate=rate,
                admitted=since if since is not None and since > fiscal_year.start else None,
                language=language or "es",
                emails=emails,
            )
        )
    return found


def assessment_list_for_user(
    *, user: Any, year: int | None = None, query: str = "", unpaid: bool = False
) -> QuerySet[Assessment]:
    assessments = with_outstanding(
        Assessment.objects.select_related("fiscal_year", "institution")
    ).order_by("-fiscal_year__year", "number")
    if year is not None:
        assessments = assessments.filter(fiscal_year__year=year)
    if query:
        assessments = assessments.filter(
            Q(institution__name__icontains=query) | Q(number__icontains=query)
        )
    if unpaid:
        assessments = assessments.filter(**{"outstanding__gt": 0})  # annotated
    return list_for_user(assessments, user=user, perm="finance.view_dues")


def assessment_get_for_user(*, user: Any, pk: int, action: AssessmentAction = "view") -> Assessment:
    return get_for_user_or_404(
        with_outstanding(
            Assessment.objects.select_related(
                "fiscal_year", "institution", "entry", "scale_rate", "scale_rate__scale", "run"
            )
        ),
        user=user,
        perm=permission_for(ASSESSMENT_ACTIONS, action),
        pk=pk,
    )


@dataclass(frozen=True)
class AllocationRow:
    allocation: Allocation
    is_reversed: bool


@dataclass(frozen=True)
class AssessmentPage:
    assessment: Assessment
    allocations: list[AllocationRow]
    adjustments: list[Adjustment]
    can_manage: bool


def assessment_page(*, user: Any, assessment: Assessment) -> AssessmentPage:
    allocations = [
        AllocationRow(a, a.payment.entry.state == EntryState.REVERSED)
        for a in assessment.allocations.select_related("payment", "payment__entry").order_by(
            "payment__received_on", "id"
        )
    ]
    adjustments = list(assessment.adjustments.select_related("body", "resolution"))
    return AssessmentPage(
        assessment=assessment,
        allocations=allocations,
        adjustments=adjustments,
        can_manage=can(user, "finance.manage_dues"),
    )


def year_choices() -> list[int]:
    return list(FiscalYear.objects.order_by("-year").values_list("year", flat=True))


def fiscal_year_by_year(year: int) -> FiscalYear | None:
    return FiscalYear.objects.filter(year=year).first()


def run_get_for_user(*, user: Any, pk: int) -> AssessmentRun:
    return get_for_user_or_404(
        AssessmentRun.objects.select_related("fiscal_year", "started_by"),
        user=user,
        perm="finance.view_dues",
        pk=pk,
    )


def latest_run(fiscal_year_id: int) -> AssessmentRun | None:
    return (
        AssessmentRun.objects.filter(fiscal_year_id=fiscal_year_id)
        .select_related("fiscal_year")
        .order_by("-created_at", "-pk")
        .first()
    )


def invoice_html(assessment: Assessment, language: str) -> str:
    """The HTML the invoice's PDF is laid out from, in one language; its hash names the
    version (what the invoice says: its amount, dates and member)."""
    return pdf_html("finance/pdf/invoice.html", {"assessment": assessment}, language=language)


def invoice_file_name(assessment: Assessment, language: str) -> str:
    return f"{slugify(f'{assessment.number}-{language}')}.pdf"


def invoice_target(pk: int) -> Assessment:
    return Assessment.objects.select_related("fiscal_year", "institution", "scale_rate").get(pk=pk)


def decision_body_choices() -> QuerySet[Body]:
    """The bodies whose decisions write off or exempt dues: the General Assembly and the
    Standing Committee (the service checks which one the rules in force name)."""
    return Body.objects.filter(
        rules_profile__in=[RulesProfile.GENERAL_ASSEMBLY, RulesProfile.STANDING_COMMITTEE]
    ).order_by("order", "pk")


def invoice_get_for_user(*, user: Any, pk: int) -> Assessment:
    """An assessment whose invoice the user may read: the staff who read the dues, and the
    member's own representatives (the invoice's link in their e-mail); 404 to anyone else."""
    assessments = Assessment.objects.select_related(
        "fiscal_year", "institution", "scale_rate", "scale_rate__scale"
    )
    if not can(user, "finance.view_dues"):
        if can(user, "finance.view_own_account"):
            assessments = assessments.filter(institution_id__in=represented_institution_ids(user))
        else:
            assessments = assessments.none()
    return get_for_user_or_404(assessments, user=user, perm=None, pk=pk)
