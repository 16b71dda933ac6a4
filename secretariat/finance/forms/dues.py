"""Forms of the dues pages: the scale, a run of the assessment, a payment and its reversal,
a write-off or an exemption. Forms only parse the input (amounts with
core.money.parse_money in the page's language); the services decide."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from secretariat.core.money import BASE_CURRENCY, CURRENCIES, parse_money
from secretariat.finance.models import Adjustment
from secretariat.finance.selectors.assessments import decision_body_choices
from secretariat.finance.selectors.payments import bank_account_choices, member_choices
from secretariat.finance.selectors.scales import category_choices

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MEMBER_OVERRIDES = 3  # rows shown at first; "more rows" adds MEMBER_ROWS_STEP at a time
MEMBER_ROWS_STEP = 5
MEMBER_ROWS_MAX = 300  # more than the organization's members


def member_rows(data: Any) -> int:
    """How many member rows the scale form shows: what the page said it showed (its hidden
    `member_rows`), and MEMBER_ROWS_STEP more when "more rows" was pressed."""
    try:
        rows = int((data or {}).get("member_rows") or MEMBER_OVERRIDES)
    except (TypeError, ValueError):
        rows = MEMBER_OVERRIDES
    if data is not None and "more_members" in data:
        rows += MEMBER_ROWS_STEP
    return max(MEMBER_OVERRIDES, min(rows, MEMBER_ROWS_MAX))


class MoneyField(forms.CharField):
    """An amount as typed in the page's language ("1.234,50" in Spanish), in minor units."""

    def __init__(self, *args: Any, currency: str = BASE_CURRENCY, **kwargs: Any) -> None:
        self.currency = currency
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(*args, **kwargs)

    def clean(self, value: Any) -> int | None:
        text = super().clean(value)
        if not text:
            return None
        try:
            return parse_money(text, self.currency, translation.get_language())
        except ValueError as exc:
            raise forms.ValidationError(
                _("Not an amount: write it as in “1234.50”, with at most the currency's decimals.")
            ) from exc


class ScaleForm(forms.Form):
    """The scale: the year it takes effect, the General Assembly's decision, a contribution
    per category (empty: none) and members' own contributions, as many rows as asked for."""

    effective_from_year = forms.IntegerField(
        label=_("Effective from the fiscal year"), min_value=2000, max_value=2100
    )
    decision = forms.CharField(
        label=_("Decision of the General Assembly"),
        max_length=300,
        help_text=_("As it is cited, e.g. “Resolution CISS/AG/… of the General Assembly”."),
    )
    resolution_number = forms.IntegerField(
        label=_("Resolution number in the register (optional)"), required=False, min_value=1
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, member_rows: int = MEMBER_OVERRIDES, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.member_rows = member_rows
        self.categories = list(category_choices())
        for category in self.categories:
            self.fields[f"category_{category.pk}"] = MoneyField(
                label=_("Yearly contribution (USD): %(category)s") % {"category": category.name},
                required=False,
            )
        for n in range(1, self.member_rows + 1):
            self.fields[f"member_{n}"] = forms.ModelChoiceField(
                label=_("Member with its own contribution (%(n)s)") % {"n": n},
                queryset=member_choices(),
                required=False,
            )
            self.fields[f"member_{n}_amount"] = MoneyField(
                label=_("Its yearly contribution (USD) (%(n)s)") % {"n": n}, required=False
            )

    def rates(self) -> list[tuple[Any, int]]:
        data = self.cleaned_data
        found: list[tuple[Any, int]] = [
            (c, data[f"category_{c.pk}"])
            for c in self.categories
            if data.get(f"category_{c.pk}") is not None
        ]
        for n in range(1, self.member_rows + 1):
            member, amount = data.get(f"member_{n}"), data.get(f"member_{n}_amount")
            if member is not None and amount is not None:
                found.append((member, amount))
        return found

    def category_fields(self) -> list[forms.BoundField]:
        return [self[f"category_{c.pk}"] for c in self.categories]

    def member_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"member_{n}"], self[f"member_{n}_amount"])
            for n in range(1, self.member_rows + 1)
        ]


class RunForm(forms.Form):
    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"] = forms.TypedChoiceField(
            label=_("Fiscal year"), choices=[(y, str(y)) for y in years], coerce=int
        )


class PaymentForm(forms.Form):
    institution = forms.ModelChoiceField(label=_("Member"), queryset=member_choices())
    received_on = forms.DateField(label=_("Received on"), widget=DATE)
    bank_reference = forms.CharField(label=_("Bank reference"), max_length=140)
    bank_account = forms.ModelChoiceField(label=_("Bank account"), queryset=bank_account_choices())
    currency = forms.ChoiceField(
        label=_("Currency"), choices=[(c, c) for c in CURRENCIES], initial=BASE_CURRENCY
    )
    amount = forms.CharField(
        label=_("Amount received"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    rate = forms.DecimalField(
        label=_("Rate (USD per unit), if not the recorded one"),
        required=False,
        max_digits=20,
        decimal_places=8,
        min_value=Decimal("0.00000001"),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("currency") and self.data.get("amount"):
            try:
                data["amount"] = parse_money(
                    str(self.data["amount"]), data["currency"], translation.get_language()
                )
            except ValueError:
                self.add_error(
                    "amount",
                    _(
                        "Not an amount: write it as in “1234.50”, with at most the currency's decimals."
                    ),
                )
        return data


class ReverseForm(forms.Form):
    on = forms.DateField(label=_("Reversal date"), widget=DATE, initial=dt.date.today)
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class AdjustmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Adjustment.Kind.choices)
    amount = MoneyField(label=_("Amount (USD)"))
    decision = forms.CharField(label=_("Decision"), max_length=300)
    resolution_number = forms.IntegerField(
        label=_("Resolution number in the register (optional)"), required=False, min_value=1
    )
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE)
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"] = forms.ModelChoiceField(
            label=_("Decided by"), queryset=decision_body_choices()
        )
        self.order_fields(["kind", "amount", "body"])
