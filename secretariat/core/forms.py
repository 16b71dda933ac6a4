"""Accessible form rendering: errors tied to their field, for every form in the project."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import DjangoTemplates


class AccessibleBoundField(forms.BoundField):
    """Marks an invalid field with aria-invalid and points aria-describedby at its errors."""

    def build_widget_attrs(self, attrs: dict[str, Any], widget: Any = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        if self.form.is_bound and self.errors:
            attrs["aria-invalid"] = "true"
            described = attrs.get("aria-describedby", "")
            error_id = f"{self.auto_id}_error"
            attrs["aria-describedby"] = f"{error_id} {described}".strip()
        return attrs


class FormRenderer(DjangoTemplates):
    form_template_name = "core/forms/div.html"
    field_template_name = "core/forms/field.html"
    bound_field_class = AccessibleBoundField
