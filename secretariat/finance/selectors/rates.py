"""Reads of the recorded exchange rates."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from secretariat.core.access import can, list_for_user
from secretariat.finance.models import ExchangeRate

VIEW = "finance.view_ledger"
MANAGE = "finance.manage_ledger"


def rate_list_for_user(*, user: Any, currency: str = "") -> QuerySet[ExchangeRate]:
    rates = ExchangeRate.objects.select_related("recorded_by").order_by("-day", "currency")
    if currency:
        rates = rates.filter(currency=currency)
    return list_for_user(rates, user=user, perm=VIEW)


def can_record_rates(user: Any) -> bool:
    return can(user, MANAGE)
