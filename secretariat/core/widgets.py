"""Widgets for hot pages: the same HTML as Django's, rendered without a template per option.

Django renders each <option> through its own template include; a filter bar with a few
dozen countries spent a fifth of the directory's time there (bench/README.md).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


class FastSelect(forms.Select):
    """A single <select> rendered in Python (flat or grouped choices)."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        context = self.get_context(name, value, attrs)
        widget = context["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            rendered = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (option["value"], flatatt(option["attrs"]), option["label"])
                    for option in options
                ),
            )
            if group_name:
                groups.append(
                    format_html('<optgroup label="{}">{}</optgroup>', group_name, rendered)
                )
            else:
                groups.append(rendered)
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            SafeString("".join(groups)),
        )
