"""Accessible form rendering for every form in the project.

Django 5.2 already marks an invalid field with aria-invalid and points aria-describedby at
its help text and errors (`<id>_helptext`, `<id>_error`); the templates give those ids.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates


class FormRenderer(DjangoTemplates):
    form_template_name = "core/forms/div.html"
    field_template_name = "core/forms/field.html"
