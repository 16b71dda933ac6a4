"""Staff forms of the registry: institutions, memberships and representatives.

Forms only parse and check the shape of the input; the services decide (permission, rules,
audit); `core.forms.add_service_error` attaches a service's ValidationError to its field.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from secretariat.core.models import User
from secretariat.core.validators import validate_no_bidi_controls
from secretariat.members.models import Category, Country, Representative
from secretariat.members.selectors.accounts import account_find_by_email
from secretariat.members.selectors.registry import country_list

REASON_MAX = 2000
DECISION_MAX = 300


def history_reason(required: bool = True, label: Any = None) -> forms.CharField:
    """Why the change is made: recorded in the history (also the corrections' decision)."""
    return forms.CharField(
        label=label or _("Reason for the change"),
        required=required,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded in the history with your name and the date."),
    )


def _date(label: Any, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


def _category_field(label: Any) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=label, queryset=Category.objects.order_by("order"), empty_label=_("Choose a category")
    )


def _decision_field(help_text: Any) -> forms.CharField:
    return forms.CharField(label=_("Decision"), max_length=DECISION_MAX, help_text=help_text)


class InstitutionFilterForm(forms.Form):
    """The filter bar of the staff institution list (GET)."""

    STATUS_CHOICES = [
        ("", _("Any status")),
        ("member", _("Member")),
        ("former", _("Former member")),
        ("none", _("Never a member")),
    ]

    q = forms.CharField(label=_("Name or acronym"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)
    country = forms.ModelChoiceField(
        label=_("Country"),
        required=False,
        queryset=country_list(),
        to_field_name="code",
        empty_label=_("Any country"),
    )

    def filters(self) -> dict[str, str]:
        """The cleaned filters, empty strings for anything invalid (a bad link shows everything)."""
        if not self.is_valid():
            return {"q": "", "status": "", "country": ""}
        country: Country | None = self.cleaned_data.get("country")
        return {
            "q": self.cleaned_data.get("q", ""),
            "status": self.cleaned_data.get("status", ""),
            "country": country.code if country else "",
        }


class InstitutionForm(forms.Form):
    """An institution's data; on edit a reason is required (it goes to the history)."""

    name = forms.CharField(label=_("Name"), max_length=300, validators=[validate_no_bidi_controls])
    acronym = forms.CharField(
        label=_("Acronym"), max_length=40, required=False, validators=[validate_no_bidi_controls]
    )
    country = forms.ModelChoiceField(
        label=_("Country or territory"), queryset=country_list(), empty_label=_("Choose a country")
    )
    website = forms.URLField(
        label=_("Website"), required=False, max_length=200, assume_scheme="https"
    )
    email = forms.EmailField(label=_("E-mail"), required=False, max_length=254)
    phone = forms.CharField(label=_("Telephone"), max_length=60, required=False)
    address = forms.CharField(
        label=_("Postal address"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    description_es = forms.CharField(
        label=_("Description (Spanish, authoritative)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    description_en = forms.CharField(
        label=_("Description (English)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["reason"] = history_reason()
        else:
            self.fields["reason"] = history_reason(required=False, label=_("Note for the history"))

    def data_for_service(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "reason"}


class MembershipAdmitForm(forms.Form):
    """Admit an institution as a member (membership_open)."""

    category = _category_field(_("Category"))
    valid_from = _date(_("Member from"), help_text=_("The first day of membership."))
    decision = _decision_field(
        _(
            "The body's decision that admits the member, "
            "e.g. “XXX General Assembly, Resolution No. …”."
        )
    )
    reason = history_reason(label=_("Reason"))


class MembershipChangeForm(forms.Form):
    """Move a member to another category from a date (membership_change_category)."""

    category = _category_field(_("New category"))
    on = _date(
        _("From"),
        help_text=_(
            "The first day in the new category; the current membership ends the day before."
        ),
    )
    decision = _decision_field(_("The body's decision that changes the category."))
    reason = history_reason(label=_("Reason"))


class MembershipEndForm(forms.Form):
    """End the membership in force (membership_end)."""

    on = _date(
        _("No longer a member from"),
        help_text=_("The first day the institution is no longer a member."),
    )
    decision = _decision_field(
        _("The body's decision that ends the membership (disaffiliation, exclusion…).")
    )
    reason = history_reason(label=_("Reason"))


class RepresentativeForm(forms.Form):
    """A representation: person, role, contact, period and (optionally) the linked account."""

    full_name = forms.CharField(
        label=_("Full name"), max_length=200, validators=[validate_no_bidi_controls]
    )
    title = forms.CharField(label=_("Position"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Representative.Role.choices)
    email = forms.EmailField(label=_("E-mail"), required=False, max_length=254)
    phone = forms.CharField(label=_("Telephone"), max_length=60, required=False)
    valid_from = _date(_("From"))
    valid_to = _date(
        _("Until"),
        required=False,
        help_text=_(
            "Leave empty while the person represents the institution; set it to end the "
            "representation (the first day no longer representing)."
        ),
    )
    account_email = forms.EmailField(
        label=_("Linked account (e-mail)"),
        required=False,
        max_length=254,
        help_text=_(
            "Optional: the e-mail of an existing account, so this person can use the member portal."
        ),
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"] = (
            history_reason()
            if editing
            else history_reason(required=False, label=_("Note for the history"))
        )

    def clean_account_email(self) -> str:
        email: str = self.cleaned_data.get("account_email", "")
        self.account: User | None = None
        if email:
            self.account = account_find_by_email(email=email)
            if self.account is None:
                raise ValidationError(_("No active account has this e-mail address."))
        return email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: dt.date | None = data.get("valid_from")
        end: dt.date | None = data.get("valid_to")
        if start and end and end <= start:
            self.add_error("valid_to", _("A representation must end after it starts."))
        return data

    def data_for_service(self) -> dict[str, Any]:
        skip = {"reason", "account_email"}
        return {k: v for k, v in self.cleaned_data.items() if k not in skip}
