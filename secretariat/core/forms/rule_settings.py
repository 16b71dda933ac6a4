"""The form an officer uses to record a rule's value from a date."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from secretariat.core.rule_settings import RuleDefinition


class RuleSettingForm(forms.Form):
    value = forms.CharField(label=_("Value"), max_length=100)
    valid_from = forms.DateField(
        label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    confirmed = forms.BooleanField(
        label=_("Confirmed by the text in force"),
        required=False,
        help_text=_("Leave unticked to keep it marked as a default to be confirmed."),
    )
    legal_basis = forms.CharField(label=_("Legal basis (article)"), max_length=300, required=False)
    source = forms.CharField(
        label=_("Source"),
        max_length=500,
        required=False,
        help_text=_(
            "The document and its date, e.g. Statute as amended by the XXX General Assembly (2022), art. 12."
        ),
    )
    reason = forms.CharField(
        label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args: Any, definition: RuleDefinition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.definition = definition
        if definition.kind == "choice":
            self.fields["value"] = forms.ChoiceField(label=_("Value"), choices=definition.choices)
        elif definition.kind == "bool":
            self.fields["value"] = forms.TypedChoiceField(
                label=_("Value"), choices=[("true", _("Yes")), ("false", _("No"))]
            )
        elif definition.kind == "int":
            self.fields["value"] = forms.IntegerField(
                label=_("Value"), min_value=definition.minimum, max_value=definition.maximum
            )
        elif definition.kind == "fraction":
            self.fields["value"].help_text = _("A fraction such as 1/2 or 2/3.")

    def clean_value(self) -> Any:
        try:
            return self.definition.clean(self.cleaned_data["value"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
