"""FastSelect renders what Django's Select renders."""

from __future__ import annotations

from django import forms

from secretariat.core.widgets import FastSelect


class _Form(forms.Form):
    plain = forms.ChoiceField(choices=[("", "All"), ("a", "A & B"), ("b", "<b>")], required=False)
    fast = forms.ChoiceField(
        choices=[("", "All"), ("a", "A & B"), ("b", "<b>")], required=False, widget=FastSelect
    )
    grouped = forms.ChoiceField(
        choices=[("G<1>", [("x", "X")]), ("y", "Y")], required=False, widget=FastSelect
    )


def _normalise(html: str) -> str:
    return "".join(html.split())


def test_it_renders_the_same_html_as_django_select():
    form = _Form(data={"plain": "b", "fast": "b"})
    plain = str(form["plain"]).replace('name="plain"', "").replace('id="id_plain"', "")
    fast = str(form["fast"]).replace('name="fast"', "").replace('id="id_fast"', "")
    assert _normalise(fast) == _normalise(plain)
    assert "&lt;b&gt;" in fast and 'value="b" selected' in fast


def test_it_renders_option_groups_escaped():
    html = str(_Form()["grouped"])
    assert '<optgroup label="G&lt;1&gt;"><option value="x">X</option></optgroup>' in html
