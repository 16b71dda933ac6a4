"""Forms of the Authorities pages: they parse, the services (services/authorities.py) decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from secretariat.core.languages import CONTENT_LANGUAGES, field_label
from secretariat.elections.selectors import authorities as selectors
from secretariat.governance.models import Mandate
from secretariat.members.models import DatePrecision

REASON_MAX = 2000


def _date(label: Any, required: bool = False, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _reason(required: bool = True, help_text: Any = None) -> forms.CharField:
    return forms.CharField(
        label=_("Reason"),
        required=required,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=help_text or _("Recorded in the history with your name and the date."),
    )


def _precision(label: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=DatePrecision.choices,
        initial=DatePrecision.DAY,
        help_text=_("A date known only to the year is written as 1 January of that year."),
    )


class AuthoritiesDateForm(forms.Form):
    """The date the authorities are shown on (GET); a bad date falls back to today."""

    on = _date(_("Authorities on"))


class OfficeForm(forms.Form):
    """An office's term, places, re-election rule, electing body and requirements."""

    term_years = forms.IntegerField(
        label=_("Term (years)"),
        required=False,
        min_value=1,
        max_value=20,
        help_text=_("Empty when the source does not state it."),
    )
    places = forms.IntegerField(
        label=_("Holders at once"),
        min_value=1,
        max_value=50,
        help_text=_("How many people hold the office at the same time (three Vice-Presidents)."),
    )
    reelection_limit = forms.IntegerField(
        label=_("Consecutive terms at most"),
        required=False,
        min_value=1,
        max_value=20,
        help_text=_("Empty: re-electable, no limit stated."),
    )
    reelection_source = forms.CharField(
        label=_("Source of the re-election rule"),
        max_length=500,
        required=False,
        help_text=_("The article, page or decision that states it."),
    )
    electing_body = forms.ModelChoiceField(
        label=_("Elected by"),
        required=False,
        queryset=selectors.electing_body_choices(),
        empty_label=_("Not recorded"),
    )
    reason = _reason()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for lang in CONTENT_LANGUAGES:
            self.fields[f"requirements_{lang}"] = forms.CharField(
                label=field_label(_("Requirements"), lang),
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
        self.order_fields(
            [
                "term_years",
                "places",
                "reelection_limit",
                "reelection_source",
                "electing_body",
                *[f"requirements_{lang}" for lang in CONTENT_LANGUAGES],
                "reason",
            ]
        )

    def data_for_service(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "reason"}
        for name in ("reelection_source", *[f"requirements_{lang}" for lang in CONTENT_LANGUAGES]):
            data[name] = data.get(name) or ""
        return data


class PersonForm(forms.Form):
    """A person's name, address, nationality, biographies and source."""

    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.SlugField(
        label=_("Address of their page"),
        max_length=120,
        help_text=_("Lower-case letters, digits and hyphens, e.g. “alvaro-velarca-hernandez”."),
    )
    nationality = forms.ModelChoiceField(
        label=_("Nationality"),
        required=False,
        queryset=selectors.nationality_choices(),
        empty_label=_("Not known"),
        help_text=_("Leave it unknown unless a source states it."),
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=500,
        required=False,
        help_text=_("Where what is recorded about the person comes from."),
    )

    def __init__(self, *args: Any, reason_required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for lang in CONTENT_LANGUAGES:
            self.fields[f"biography_{lang}"] = forms.CharField(
                label=field_label(_("Short biography"), lang),
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
        self.fields["reason"] = _reason(required=reason_required)

    def biography(self) -> dict[str, str]:
        return {
            lang: self.cleaned_data.get(f"biography_{lang}") or "" for lang in CONTENT_LANGUAGES
        }

    def data_for_service(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "reason"}
        data["source"] = data.get("source") or ""
        for lang in CONTENT_LANGUAGES:
            data[f"biography_{lang}"] = data.get(f"biography_{lang}") or ""
        return data


class MandateForm(forms.Form):
    """A mandate: who, which office, from and to (each with its precision), how, where."""

    office = forms.ModelChoiceField(label=_("Office"), queryset=selectors.office_choices())
    person = forms.ModelChoiceField(
        label=_("Person"),
        queryset=selectors.person_choices(),
        help_text=_("Record the person first if they are not on the list."),
    )
    valid_from = _date(_("From"), help_text=_("The first day in office; empty when not known."))
    valid_from_precision = _precision(_("How precisely the start is known"))
    valid_to = _date(
        _("Until (exclusive)"),
        help_text=_("The first day no longer in office; empty when not known or not ended."),
    )
    valid_to_precision = _precision(_("How precisely the end is known"))
    term_label = forms.CharField(
        label=_("Term"), max_length=60, required=False, help_text=_("E.g. “2023–2025”.")
    )
    how = forms.ChoiceField(
        label=_("How they came to the office"),
        required=False,
        choices=[("", _("Not known")), *Mandate.How.choices],
    )
    session = forms.ModelChoiceField(
        label=_("Elected at (session)"),
        required=False,
        queryset=selectors.session_choices(),
        empty_label=_("Not known"),
    )
    resolution = forms.ModelChoiceField(
        label=_("Resolution"),
        required=False,
        queryset=selectors.resolution_choices(),
        empty_label=_("Not known"),
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=500,
        help_text=_("The decision, page or document that states the mandate."),
    )

    def __init__(self, *args: Any, correcting: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if correcting:
            del self.fields["office"]
        self.fields["reason"] = _reason(
            required=correcting,
            help_text=_("Why the record was wrong; kept in the history with your name.")
            if correcting
            else None,
        )

    def data_for_service(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("reason", "office")}
        data["how"] = data.get("how") or ""
        data["term_label"] = data.get("term_label") or ""
        return data
