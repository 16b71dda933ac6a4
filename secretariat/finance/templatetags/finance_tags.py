"""Money in templates, formatted for the page's language (core.money):

{% load finance_tags %}
{{ amount|money:"USD" }}        → "US$1,234.50" / "1234,50 US$"
{{ amount|amount:"MXN" }}       → "1,234.50" / "1234,50" (the column names the currency)
"""

from __future__ import annotations

from django import template

from secretariat.core.money import BASE_CURRENCY, format_amount, format_money

register = template.Library()


@register.filter
def money(minor: int | None, currency: str = BASE_CURRENCY) -> str:
    if minor is None:
        return ""
    return format_money(int(minor), currency or BASE_CURRENCY)


@register.filter
def amount(minor: int | None, currency: str = BASE_CURRENCY) -> str:
    if minor is None:
        return ""
    return format_amount(int(minor), currency or BASE_CURRENCY)
