"""Money in minor units (design.md: never floats), formatted and parsed per language."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from secretariat.core.money import (
    convert,
    exponent,
    format_amount,
    format_money,
    format_share,
    from_minor,
    parse_money,
    to_minor,
)


def test_it_knows_each_currencys_minor_units():
    assert (exponent("USD"), exponent("MXN"), exponent("CLP")) == (2, 2, 0)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("es", "1.234,50"), ("en", "1,234.50"), ("pt", "1.234,50"), ("fr", "1\u202f234,50")],
)
def test_it_formats_the_number_with_the_languages_separators(language, expected):
    assert format_amount(1_234_50, "USD", language) == expected


def test_it_formats_money_with_the_currency_for_each_language():
    assert format_money(1_234_50, "USD", "en") == "$1,234.50"
    assert format_money(1_234_50, "USD", "es") == "1.234,50\xa0US$"
    assert format_money(1_234, "CLP", "es") == "1.234\xa0CLP"


@pytest.mark.parametrize(
    ("text", "language", "minor"),
    [
        ("1.234,50", "es", 1_234_50),
        ("1,234.50", "en", 1_234_50),
        ("1234.5", "en", 1_234_50),
        ("US$ 12", "en", 12_00),
        ("0,01", "es", 1),
    ],
)
def test_it_parses_what_a_user_typed_in_their_language(text, language, minor):
    assert parse_money(text, "USD", language) == minor


@pytest.mark.parametrize("text", ["", "abc", "1,234.567", "12..5"])
def test_it_refuses_what_is_not_an_amount(text):
    with pytest.raises(ValueError):
        parse_money(text, "USD", "en")


def test_it_converts_at_a_rate_rounding_half_to_even():
    # 2,000.00 MXN at 0.0537 USD per MXN = 107.40 USD
    assert convert(2_000_00, currency="MXN", rate=Decimal("0.0537")) == 107_40
    # half a cent rounds to the even cent
    assert convert(1, currency="MXN", rate=Decimal("0.5")) == 0
    assert convert(3, currency="MXN", rate=Decimal("0.5")) == 2
    assert convert(1_00, currency="USD", rate=Decimal("7")) == 1_00


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_minor_units_survive_a_round_trip_through_decimals(minor):
    assert to_minor(from_minor(minor, "USD"), "USD") == minor


def test_it_writes_a_share_as_a_percentage_in_each_language():
    # when / then
    with translation.override("en"):
        assert format_share(625, 1000) == "62.5%"
    assert format_share(625, 1000, "es").replace("\xa0", " ") == "62,5 %"
    assert format_share(625, 1000, "fr").replace("\u202f", " ").replace("\xa0", " ") == "62,5 %"
    assert format_share(0, 0) == "—"
