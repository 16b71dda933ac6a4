"""Accessible form rendering for every form in the project.

Django 5.2 already marks an invalid field with aria-invalid and points aria-describedby at
its help text and errors (`<id>_helptext`, `<id>_error`); the templates give those ids.
"""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates


class FormRenderer(DjangoTemplates):
    form_template_name = "core/forms/div.html"
    field_template_name = "core/forms/field.html"


def add_service_error(
    form: forms.Form, exc: ValidationError, aliases: Mapping[str, str] | None = None
) -> None:
    """Attach a service's ValidationError to the form: each keyed message to its field when the
    form has it (renamed through `aliases`), everything else to the form as a whole."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for key, errors in exc.error_dict.items():
        name = (aliases or {}).get(key, key)
        form.add_error(name if name in form.fields else None, ValidationError(errors))
