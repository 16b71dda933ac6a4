"""Payments received from members: the list, one payment with its allocations, and what is
left of members' payments as a credit (received in advance) to apply to later dues."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from secretariat.core.access import can, get_for_user_or_404, list_for_user, permission_for
from secretariat.finance.models import Account, Allocation, EntryState, Payment
from secretariat.members.models import Institution

PAYMENT_ACTIONS = {"view": "finance.view_dues", "manage": "finance.manage_dues"}
PaymentAction = Literal["view", "manage"]


def with_applied(payments: QuerySet[Payment]) -> QuerySet[Payment]:
    """`payments` annotated with `applied` (minor units of USD applied to assessments)."""
    applied = Subquery(
        Allocation.objects.filter(payment=OuterRef("pk"))
        .values("payment")
        .annotate(total=Sum("amount"))
        .values("total"),
        output_field=IntegerField(),
    )
    return payments.annotate(applied=Coalesce(applied, Value(0)))


def payment_list_for_user(
    *, user: Any, institution_id: int | None = None, year: int | None = None
) -> QuerySet[Payment]:
    payments = with_applied(
        Payment.objects.select_related("institution", "bank_account", "entry")
    ).order_by("-received_on", "-id")
    if institution_id is not None:
        payments = payments.filter(institution_id=institution_id)
    if year is not None:
        payments = payments.filter(received_on__year=year)
    return list_for_user(payments, user=user, perm="finance.view_dues")


def payment_get_for_user(*, user: Any, pk: int, action: PaymentAction = "view") -> Payment:
    return get_for_user_or_404(
        with_applied(
            Payment.objects.select_related("institution", "bank_account", "entry", "recorded_by")
        ),
        user=user,
        perm=permission_for(PAYMENT_ACTIONS, action),
        pk=pk,
    )


@dataclass(frozen=True)
class PaymentPage:
    payment: Payment
    allocations: list[Allocation]
    is_reversed: bool
    credit: int
    can_reverse: bool


def payment_page(*, user: Any, payment: Payment) -> PaymentPage:
    allocations = list(
        payment.allocations.select_related("assessment", "assessment__fiscal_year").order_by(
            "assessment__fiscal_year__year", "id"
        )
    )
    is_reversed = payment.entry.state == EntryState.REVERSED
    applied = sum(a.amount for a in allocations)
    return PaymentPage(
        payment=payment,
        allocations=allocations,
        is_reversed=is_reversed,
        credit=0 if is_reversed else payment.base_amount - applied,
        can_reverse=not is_reversed and can(user, "finance.manage_dues"),
    )


def payment_is_reversed(payment: Payment) -> bool:
    return bool(payment.entry.state == EntryState.REVERSED)


def credits_of(institution_id: int) -> list[tuple[Payment, int]]:
    """A member's payments with a part not yet applied (minor units of USD), oldest first:
    the credit applied to its next assessments. Reversed payments carry no credit."""
    payments = list(
        Payment.objects.filter(institution_id=institution_id)
        .exclude(entry__state=EntryState.REVERSED)
        .order_by("received_on", "id")
    )
    applied: dict[int, int] = {
        payment_id: int(total or 0)
        for payment_id, total in Allocation.objects.filter(payment__in=payments)
        .values("payment")
        .annotate(total=Sum("amount"))
        .values_list("payment", "total")
    }
    left = [(payment, payment.base_amount - applied.get(payment.pk, 0)) for payment in payments]
    return [(payment, credit) for payment, credit in left if credit > 0]


def bank_account_choices() -> QuerySet[Account]:
    return Account.objects.filter(is_cash=True, is_active=True, is_postable=True).order_by("code")


def member_choices() -> QuerySet[Institution]:
    return Institution.objects.filter(memberships__isnull=False).distinct().order_by("name")
