"""Forms of contact-data corrections: the representative's proposal, and the staff's list
filter and decision. Forms parse the input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from secretariat.members.forms.registry import history_reason
from secretariat.members.models import ContactCorrection, Institution


class CorrectionProposeForm(forms.Form):
    """New contact data, prefilled with the values on record; only what differs is proposed."""

    website = forms.URLField(
        label=_("Website"), required=False, max_length=200, assume_scheme="https"
    )
    email = forms.EmailField(label=_("E-mail"), required=False, max_length=254)
    phone = forms.CharField(label=_("Telephone"), required=False, max_length=60)
    address = forms.CharField(
        label=_("Postal address"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    comment = forms.CharField(
        label=_("Comment for the Secretariat"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: for example, since when the new data apply."),
    )

    @classmethod
    def for_institution(cls, institution: Institution, data: Any = None) -> CorrectionProposeForm:
        initial = {name: getattr(institution, name) for name in ContactCorrection.FIELDS}
        return cls(data, initial=initial)

    def changes(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name) or "" for name in ContactCorrection.FIELDS}


class CorrectionFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("Any state")), *ContactCorrection.State.choices],
    )


class CorrectionDecideForm(forms.Form):
    """Accept or reject a proposed correction; a rejection says why."""

    ACCEPT, REJECT = "accept", "reject"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (ACCEPT, _("Accept: apply the new values")),
            (REJECT, _("Reject: keep the data on record")),
        ],
        widget=forms.RadioSelect,
    )
    reason = history_reason(required=False, label=_("Reason"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == self.REJECT and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why the proposal is rejected."))
        return data

    @property
    def accept(self) -> bool:
        return self.cleaned_data.get("decision") == self.ACCEPT
