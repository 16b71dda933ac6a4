"""Forms of the representative's portal: proposing corrections to the institution's contact data."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

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
