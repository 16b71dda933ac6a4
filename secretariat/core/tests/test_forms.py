"""The project's form renderer (core.forms.FormRenderer): a refused value is not shown again
in full (issue #9, "a rejected 10 MB value is echoed back in full")."""

from __future__ import annotations

from django import forms


class _Form(forms.Form):
    name = forms.CharField(max_length=10)
    note = forms.CharField(max_length=20, widget=forms.Textarea)
    kind = forms.ChoiceField(choices=[("a", "A")])


def test_it_shows_a_value_over_its_limit_cut_at_the_limit_and_says_the_limit():
    # given
    form = _Form(data={"name": "n" * 100_000, "note": "t" * 100_000, "kind": "k" * 100_000})
    # when
    html = str(form)
    # then
    assert not form.is_valid()
    assert 'value="nnnnnnnnnn"' in html
    assert ">\n" + "t" * 20 + "</textarea>" in html or ">" + "t" * 20 + "</textarea>" in html
    assert "Ensure this value has at most 10 characters (it has 100000)." in html
    assert "k" * 600 not in html  # the choice error quotes the value: cut too
    assert len(html) < 10_000


def test_it_leaves_a_value_within_its_limit_alone():
    form = _Form(data={"name": "Caja", "note": "Nota", "kind": "x"})
    html = str(form)
    assert 'value="Caja"' in html and ">\nNota</textarea>" in html
