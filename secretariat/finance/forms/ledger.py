"""Forms of the ledger pages: accounts, manual entries with their lines, reversals, periods
and years, rates, and the filters of the entry list. Forms only parse the input; the
services decide (permission, rules, audit)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from secretariat.core.money import BASE_CURRENCY, CURRENCIES, parse_money
from secretariat.finance.models import (
    AccountClass,
    CashFlowActivity,
    EntryState,
    Side,
    StatementLine,
)
from secretariat.finance.selectors.chart import parent_choices
from secretariat.finance.selectors.entries import (
    fund_choices,
    journal_choices,
    member_choices,
    organ_choices,
    period_choices,
    postable_accounts,
    programme_choices,
)

REASON_MAX = 2000
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _reason(required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=_("Why?"),
        required=required,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Recorded in the history with your name and the date."),
    )


class ReasonForm(forms.Form):
    reason = _reason()


class OptionalReasonForm(forms.Form):
    reason = _reason(required=False)


class AccountForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    name_es = forms.CharField(label=_("Name (Spanish)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    name_pt = forms.CharField(label=_("Name (Portuguese)"), max_length=200, required=False)
    name_fr = forms.CharField(label=_("Name (French)"), max_length=200, required=False)
    parent = forms.ModelChoiceField(
        label=_("Parent account"), queryset=parent_choices(), required=False
    )
    account_class = forms.ChoiceField(label=_("Class"), choices=AccountClass.choices)
    normal_side = forms.ChoiceField(
        label=_("Normal side"),
        choices=Side.choices,
        help_text=_("The class's side, unless it is a contra account."),
    )
    is_postable = forms.BooleanField(
        label=_("Takes entries"),
        required=False,
        initial=True,
        help_text=_("Leave unticked for a header account that only groups others."),
    )
    statement_line = forms.ChoiceField(
        label=_("Statement line"), choices=[("", "—"), *StatementLine.choices], required=False
    )
    cash_flow = forms.ChoiceField(label=_("Cash-flow activity"), choices=CashFlowActivity.choices)
    is_cash = forms.BooleanField(label=_("Cash or bank account"), required=False)
    is_receivable = forms.BooleanField(label=_("Members' dues receivable"), required=False)
    currency = forms.ChoiceField(
        label=_("Currency"),
        choices=[("", _("Any currency")), *[(c, c) for c in CURRENCIES]],
        required=False,
    )
    reason = _reason()

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["code"]


class EntryForm(forms.Form):
    journal = forms.ModelChoiceField(label=_("Journal"), queryset=journal_choices())
    date = forms.DateField(label=_("Date"), widget=DATE)
    description = forms.CharField(label=_("Description"), max_length=500)
    source_reference = forms.CharField(
        label=_("Source reference"),
        max_length=200,
        required=False,
        help_text=_("The document the entry comes from (an invoice number, a memo)."),
    )


class LineForm(forms.Form):
    account = forms.ModelChoiceField(label=_("Account"), queryset=postable_accounts())
    debit = forms.CharField(label=_("Debit"), max_length=30, required=False)
    credit = forms.CharField(label=_("Credit"), max_length=30, required=False)
    currency = forms.ChoiceField(
        label=_("Currency"), choices=[(c, c) for c in CURRENCIES], initial=BASE_CURRENCY
    )
    rate = forms.DecimalField(
        label=_("Rate"),
        max_digits=20,
        decimal_places=8,
        required=False,
        help_text=_("USD for one unit; empty: the recorded rate of the day."),
    )
    fund = forms.ModelChoiceField(label=_("Fund"), queryset=fund_choices(), required=False)
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=programme_choices(), required=False
    )
    organ = forms.ModelChoiceField(label=_("Organ"), queryset=organ_choices(), required=False)
    member = forms.ModelChoiceField(label=_("Member"), queryset=member_choices(), required=False)
    description = forms.CharField(label=_("Line description"), max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        currency = data.get("currency") or BASE_CURRENCY
        amounts = {}
        for side in ("debit", "credit"):
            text = (data.get(side) or "").strip()
            if text:
                try:
                    amounts[side] = parse_money(text, currency, get_language())
                except ValueError:
                    self.add_error(
                        side, _("Not an amount in %(currency)s.") % {"currency": currency}
                    )
                    return data
        if len(amounts) != 1:
            raise forms.ValidationError(_("Give each line a debit or a credit, not both."))
        ((data["side"], data["amount"]),) = amounts.items()
        return data


LINE_ROWS_STEP = 4
LINE_ROWS_MAX = 40


class BaseLineFormSet(forms.BaseFormSet):
    """The entry's lines. `prefill`: lines already typed, shown again with LINE_ROWS_STEP
    empty rows after them (the "more lines" button), as new rows, not initial ones."""

    def __init__(self, *args: Any, prefill: list[dict[str, Any]] | None = None, **kwargs: Any):
        self.prefill = prefill or []
        super().__init__(*args, **kwargs)
        if self.prefill:
            self.extra = min(len(self.prefill) + LINE_ROWS_STEP, LINE_ROWS_MAX)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        if index is not None and index < len(self.prefill):
            kwargs["initial"] = self.prefill[index]
        return kwargs

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        filled = [form for form in self.forms if form.has_changed() and form.cleaned_data]
        if len(filled) < 2:
            raise forms.ValidationError(_("An entry needs at least two lines."))


LineFormSet = cast(
    type[BaseLineFormSet],
    forms.formset_factory(
        LineForm, formset=BaseLineFormSet, extra=LINE_ROWS_STEP, max_num=LINE_ROWS_MAX
    ),
)


def typed_lines(data: Any, prefix: str = "lines") -> list[dict[str, Any]]:
    """The lines as typed in a posted entry form, to show them again."""
    try:
        total = min(int(data.get(f"{prefix}-TOTAL_FORMS") or 0), LINE_ROWS_MAX)
    except ValueError:
        total = 0
    names = list(LineForm.base_fields)
    return [{name: data.get(f"{prefix}-{i}-{name}", "") for name in names} for i in range(total)]


class ReverseForm(forms.Form):
    date = forms.DateField(label=_("Date of the reversal"), widget=DATE)
    reason = _reason()


class YearOpenForm(forms.Form):
    year = forms.IntegerField(label=_("Fiscal year"), min_value=2000, max_value=2100)


class RateForm(forms.Form):
    currency = forms.ChoiceField(
        label=_("Currency"), choices=[(c, c) for c in CURRENCIES if c != BASE_CURRENCY]
    )
    day = forms.DateField(label=_("Day"), widget=DATE)
    rate = forms.DecimalField(
        label=_("Rate (USD for one unit)"), max_digits=20, decimal_places=8, min_value=0
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=300,
        help_text=_("Where the rate comes from: the Banco de México FIX rate, the bank's rate."),
    )


class EntryFilterForm(forms.Form):
    journal = forms.ChoiceField(label=_("Journal"), required=False)
    state = forms.ChoiceField(
        label=_("State"), choices=[("", _("Any state")), *EntryState.choices], required=False
    )
    period = forms.TypedChoiceField(label=_("Period"), required=False, coerce=int, empty_value=None)
    q = forms.CharField(label=_("Text"), max_length=100, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["journal"]).choices = [
            ("", _("Any journal")),
            *[(j.code, str(j)) for j in journal_choices()],
        ]
        cast(forms.ChoiceField, self.fields["period"]).choices = [
            ("", _("Any period")),
            *[(p.pk, str(p)) for p in period_choices()],
        ]


class TrialBalanceForm(forms.Form):
    on = forms.DateField(label=_("At"), required=False, widget=DATE)

    def day(self) -> dt.date:
        if self.is_valid() and self.cleaned_data.get("on"):
            return cast(dt.date, self.cleaned_data["on"])
        return timezone.localdate()
