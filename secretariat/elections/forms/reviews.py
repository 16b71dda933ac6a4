"""Forms of the review: a finding on one requirement, and a request for a correction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from secretariat.elections.models import Finding, Requirement


class FindingForm(forms.Form):
    """One requirement's finding; `requirement` says which (the service checks it applies)."""

    requirement = forms.IntegerField(widget=forms.HiddenInput())
    result = forms.ChoiceField(label=_("Finding"), choices=Finding.Result.choices)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    evidence = forms.CharField(
        label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class _RequirementChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.label)


class CorrectionRequestForm(forms.Form):
    message = forms.CharField(
        label=_("What the member must send or correct"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, requirements: Sequence[Requirement], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = _RequirementChoice(
            label=_("Requirement"),
            queryset=Requirement.objects.filter(pk__in=[r.pk for r in requirements]).order_by(
                "order", "pk"
            ),
            required=False,
            empty_label=_("(none in particular)"),
        )
        self.fields = {"requirement": field, **self.fields}
