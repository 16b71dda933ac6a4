"""The forms of the roles page: grant one role, or revoke one, always saying why."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from secretariat.core import roles


class _RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"))
    reason = forms.CharField(
        label=_("Why"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("Recorded in the action log with the change."),
    )

    def __init__(self, *args: Any, codes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["role"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(code, roles.ROLE_LABELS[code]) for code in codes]


class RoleGrantForm(_RoleForm):
    prefix = "grant"


class RoleRevokeForm(_RoleForm):
    prefix = "revoke"
