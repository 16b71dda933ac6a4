"""Forms of the statements and the Comptroller's tools: they parse, the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from secretariat.core.money import parse_money
from secretariat.finance.models import FiscalYear
from secretariat.governance.models import AgendaItem

REASON_MAX = 500


class StatementSetForm(forms.Form):
    first_year = forms.TypedChoiceField(label=_("First fiscal year"), coerce=int, choices=())
    last_year = forms.TypedChoiceField(
        label=_("Last fiscal year"),
        coerce=int,
        choices=(),
        help_text=_("The same year for one year's statements; two years later for a period."),
    )
    notes = forms.CharField(
        label=_("Notes to the statements"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Shown after the accounting policies, in the notes."),
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(year, str(year)) for year in years]
        for name in ("first_year", "last_year"):
            field = self.fields[name]
            assert isinstance(field, forms.TypedChoiceField)
            field.choices = choices


class StatementApproveForm(forms.Form):
    reason = forms.CharField(
        label=_("Note recorded with the approval"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "The figures are frozen as they are now: the approved statements never change."
        ),
    )


class AgendaItemField(forms.ModelChoiceField[AgendaItem]):
    def label_from_instance(self, obj: AgendaItem) -> str:
        return f"{obj.session} — {obj.title}"


class StatementFileForm(forms.Form):
    agenda_item = AgendaItemField(
        label=_("Agenda item of the General Assembly"),
        queryset=AgendaItem.objects.none(),
    )

    def __init__(self, *args: Any, items: QuerySet[AgendaItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agenda_item"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = items


class SampleDrawForm(forms.Form):
    fiscal_year: forms.ModelChoiceField[FiscalYear] = forms.ModelChoiceField(
        label=_("Fiscal year"), queryset=FiscalYear.objects.none(), empty_label=None
    )
    size = forms.IntegerField(label=_("Number of entries"), min_value=1, max_value=500, initial=25)
    minimum_amount = forms.CharField(
        label=_("From an amount of (USD)"),
        required=False,
        help_text=_("Only entries of this amount or more; empty for every entry."),
    )
    seed = forms.CharField(
        label=_("Seed"),
        required=False,
        max_length=64,
        help_text=_("Empty for a new random seed; the seed of an earlier sample draws it again."),
    )

    def __init__(self, *args: Any, years: QuerySet[FiscalYear], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["fiscal_year"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = years

    def clean_minimum_amount(self) -> int:
        text = (self.cleaned_data.get("minimum_amount") or "").strip()
        if not text:
            return 0
        try:
            return parse_money(text, "USD")
        except Exception as exc:  # parse_money raises ValidationError or ValueError
            raise forms.ValidationError(_("Write an amount, such as 1,000.00.")) from exc


class PackageForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Fiscal year"), coerce=int, choices=())

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["year"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(year, str(year)) for year in years]
