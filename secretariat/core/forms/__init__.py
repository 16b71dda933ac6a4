"""Accessible form rendering for every form in the project.

Django 5.2 already marks an invalid field with aria-invalid and points aria-describedby at
its help text and errors (`<id>_helptext`, `<id>_error`); the templates give those ids.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates


class FormRenderer(DjangoTemplates):
    """Every form's templates, and one rule for every widget: a value refused for being over
    the field's length is shown again cut at that length, never in full (a 10 MB value
    would otherwise come back in the page). The field's error says the limit."""

    form_template_name = "core/forms/div.html"
    field_template_name = "core/forms/field.html"

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget")
        if isinstance(widget, dict):
            context = {**context, "widget": _within_maxlength(widget)}
        return super().render(template_name, context, request)


def _within_maxlength(widget: dict[str, Any]) -> dict[str, Any]:
    """The widget's context with its text value cut at its `maxlength` attribute."""
    value = widget.get("value")
    limit = str((widget.get("attrs") or {}).get("maxlength", ""))
    if isinstance(value, str) and limit.isdigit() and len(value) > int(limit):
        return {**widget, "value": value[: int(limit)]}
    return widget


def service_error_text(exc: ValidationError) -> str:
    """A service's ValidationError as one line for a flash message: its messages, in order."""
    return " ".join(str(message) for message in exc.messages)


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
