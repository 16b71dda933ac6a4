"""Money: integer amounts in a currency's minor units (cents), never floats (design.md).

An amount is an `int` of minor units with its ISO 4217 code beside it. This module converts
between minor units and decimals, converts between currencies at a recorded rate, parses
what a user typed in their language and formats an amount for their language (Babel).
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import (
    NumberFormatError,
    format_currency,
    format_percent,
    get_currency_precision,
    parse_decimal,
)
from django.utils import translation

BASE_CURRENCY = "USD"
# The currencies the ledger accepts (ISO 4217); others are added here when needed.
CURRENCIES = ("USD", "MXN", "EUR", "CAD", "BRL", "COP", "CLP", "ARS", "PEN", "GTQ")
RATE_PLACES = Decimal("0.00000001")


def exponent(currency: str) -> int:
    """Digits after the decimal point in `currency` (2 for USD and MXN, 0 for CLP)."""
    return int(get_currency_precision(currency))


def to_minor(amount: Decimal, currency: str) -> int:
    """A decimal amount in minor units, rounded half to even."""
    scaled = (amount * (Decimal(10) ** exponent(currency))).quantize(
        Decimal(1), rounding=ROUND_HALF_EVEN
    )
    return int(scaled)


def from_minor(minor: int, currency: str) -> Decimal:
    """Minor units as an exact decimal (for display and export, never for arithmetic)."""
    return Decimal(minor).scaleb(-exponent(currency))


def convert(minor: int, *, currency: str, rate: Decimal, to: str = BASE_CURRENCY) -> int:
    """`minor` units of `currency` in minor units of `to` at `rate` (units of `to` per one
    unit of `currency`), rounded half to even."""
    if currency == to:
        return minor
    shift = Decimal(10) ** (exponent(to) - exponent(currency))
    return int((Decimal(minor) * rate * shift).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def _locale(language: str | None) -> str:
    return (language or translation.get_language() or "es").split("-")[0]


def format_money(minor: int, currency: str, language: str | None = None) -> str:
    """`minor` formatted for a language: "US$1,234.50" in English, "USD 1,234.50" in
    Spanish (Babel's CLDR patterns), with the language's separators."""
    return str(format_currency(from_minor(minor, currency), currency, locale=_locale(language)))


def format_amount(minor: int, currency: str, language: str | None = None) -> str:
    """The number alone, with the language's separators and the currency's decimals
    (for tables whose column names the currency)."""
    places = exponent(currency)
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return str(
        format_currency(
            from_minor(minor, currency),
            currency,
            format=pattern,
            locale=_locale(language),
            currency_digits=False,
        )
    )


def format_share(part: int, whole: int, language: str | None = None) -> str:
    """`part` of `whole` as a percentage in the language's style ("87,5 %", "87.5%"), to a
    tenth of a point; a dash when the whole is nothing (nothing was assessed)."""
    if not whole:
        return "—"
    ratio = (Decimal(part) / Decimal(whole)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
    return str(format_percent(ratio, locale=_locale(language), decimal_quantization=False))


def parse_money(text: str, currency: str, language: str | None = None) -> int:
    """What a user typed ("1.234,50" in Spanish, "1,234.50" in English) in minor units.
    Raises ValueError on text that is not an amount or has more decimals than the currency."""
    cleaned = (text or "").strip().replace(" ", "").replace("\u00a0", "")
    for prefix in (currency, "US$", "$"):
        cleaned = cleaned.removeprefix(prefix)
    try:
        value = parse_decimal(cleaned, locale=_locale(language), strict=True)
    except (NumberFormatError, InvalidOperation) as exc:
        raise ValueError(text) from exc
    places = exponent(currency)
    if value != value.quantize(Decimal(1).scaleb(-places)):
        raise ValueError(text)
    return to_minor(Decimal(value), currency)
