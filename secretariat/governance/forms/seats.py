"""Forms of the composition page and the seat pages: they parse, the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from secretariat.core.models import User
from secretariat.governance.models import Body, Seat
from secretariat.governance.selectors.seats import office_choices, seat_institution_choices
from secretariat.members.selectors.accounts import account_find_by_email

REASON_MAX = 2000


def _date(label: Any, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _reason(help_text: Any = None) -> forms.CharField:
    return forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=help_text or _("Recorded in the history with your name and the date."),
    )


class CompositionDateForm(forms.Form):
    """The date the composition is shown on (GET); a bad date falls back to today."""

    on = forms.DateField(
        label=_("Composition on"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class _AccountMixin(forms.Form):
    """An optional account, found by its e-mail (the holder signs in to take part)."""

    account_email = forms.EmailField(
        label=_("Account of the holder (e-mail)"),
        required=False,
        help_text=_("The e-mail of the holder's Secretariat account, if they have one."),
    )
    account: User | None = None

    def clean_account_email(self) -> str:
        email: str = self.cleaned_data.get("account_email", "")
        self.account = None
        if email:
            self.account = account_find_by_email(email=email)
            if self.account is None:
                raise forms.ValidationError(_("No active account has this e-mail."))
        return email


class SeatForm(_AccountMixin):
    """A new seat on a body (seat_add)."""

    capacity = forms.ChoiceField(label=_("Capacity"), choices=Seat.Capacity.choices)
    title = forms.CharField(
        label=_("Seat"),
        max_length=200,
        help_text=_("What the seat is, e.g. “Coordinator of Sub-region IV” or “Comptroller”."),
    )
    office = forms.ModelChoiceField(
        label=_("Office"),
        required=False,
        queryset=office_choices(),
        empty_label=_("No office"),
        help_text=_("The office the seat goes with, if any (the President, the Comptroller…)."),
    )
    institution = forms.ModelChoiceField(
        label=_("Institution"),
        required=False,
        queryset=seat_institution_choices(),
        empty_label=_("No institution"),
        help_text=_(
            "The member institution the seat belongs to, if any: its standing applies to the "
            "seat's vote. It must be a member when the seat starts."
        ),
    )
    holder = forms.CharField(
        label=_("Holder"),
        max_length=200,
        required=False,
        help_text=_("The person's name as recorded by a source; leave empty when not known."),
    )
    email = forms.EmailField(label=_("E-mail of the holder"), required=False)
    valid_from = _date(_("From"), help_text=_("The first day the seat sits."))
    valid_to = _date(
        _("Until (exclusive)"),
        required=False,
        help_text=_("The first day it no longer sits; empty while it has no end date."),
    )
    order = forms.IntegerField(
        label=_("Order on the list"), min_value=0, max_value=32767, initial=0
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=500,
        required=False,
        help_text=_("The decision or document that establishes the seat and its holder."),
    )
    reason = _reason()

    field_order = [
        "capacity",
        "title",
        "office",
        "institution",
        "holder",
        "account_email",
        "email",
        "valid_from",
        "valid_to",
        "order",
        "source",
        "reason",
    ]

    def __init__(self, *args: Any, body: Body, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if body.all_members_sit:
            capacity = self.fields["capacity"]
            assert isinstance(capacity, forms.ChoiceField)
            capacity.choices = [
                (value, label)
                for value, label in Seat.Capacity.choices
                if value in (Seat.Capacity.VOICE, Seat.Capacity.OBSERVER)
            ]
            capacity.help_text = _(
                "All members sit on this body and vote through their membership: "
                "seats here are voice or observer seats."
            )

    def data_for_service(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("account_email", "reason")}
        data["user"] = self.account
        data["order"] = data.get("order") or 0
        return data


class SeatUpdateForm(_AccountMixin):
    """Corrections to a seat's record (seat_update)."""

    title = forms.CharField(label=_("Seat"), max_length=200)
    holder = forms.CharField(
        label=_("Holder"),
        max_length=200,
        required=False,
        help_text=_(
            "Correct a name recorded wrongly. A different person taking the seat is not a "
            "correction: end this seat and add a new one."
        ),
    )
    email = forms.EmailField(label=_("E-mail of the holder"), required=False)
    order = forms.IntegerField(label=_("Order on the list"), min_value=0, max_value=32767)
    source = forms.CharField(label=_("Source"), max_length=500, required=False)
    reason = _reason(_("Why the record was wrong; kept in the history with your name."))

    field_order = ["title", "holder", "account_email", "email", "order", "source", "reason"]

    def data_for_service(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("account_email", "reason")}
        data["user"] = self.account
        return data


class SeatEndForm(forms.Form):
    """End a seat on a date (seat_end)."""

    valid_to = _date(
        _("Ends on (exclusive)"), help_text=_("The first day the seat no longer sits.")
    )
    reason = _reason(_("E.g. the end of the term, a resignation, the decision that ended it."))
