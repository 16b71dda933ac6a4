"""core.validators and the core_text filters: bidirectional control characters refused in
names, and isolated or stripped when text stored before is shown; the last day of a period
from its exclusive end (issue #9)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template

from secretariat.core.validators import BIDI_CONTROLS, validate_no_bidi_controls

CONTROLS = [
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200e",
    "\u200f",
    "\u061c",
]


@pytest.mark.parametrize("char", CONTROLS)
def test_it_refuses_each_bidirectional_control_character(char):
    # when / then
    with pytest.raises(ValidationError) as exc:
        validate_no_bidi_controls(f"Instituto {char}ABC")
    assert exc.value.code == "bidi_controls"
    assert "change the direction of the text" in exc.value.messages[0]


def test_it_lists_exactly_the_controls_of_the_issue():
    assert sorted(BIDI_CONTROLS) == sorted(CONTROLS)


@pytest.mark.parametrize(
    "text",
    ["Instituto Mexicano del Seguro Social", "Caixa Econômica", "مؤسسة الضمان", "ÅÑ-ß (IMSS)"],
)
def test_it_accepts_names_in_any_script(text):
    validate_no_bidi_controls(text)  # no exception


def test_it_isolates_text_in_bdi_and_strips_it_from_titles():
    # given
    template = Template(
        "{% load core_text %}<title>{% filter strip_bidi %}{{ name }}{% endfilter %}</title>"
        "<p>{{ name|isolate }} (IA)</p>{{ empty|isolate }}"
    )
    # when
    html = template.render(Context({"name": "Caja \u202e<b>X</b>", "empty": ""}))
    # then
    assert html == (
        "<title>Caja &lt;b&gt;X&lt;/b&gt;</title><p><bdi>Caja \u202e&lt;b&gt;X&lt;/b&gt;</bdi> (IA)</p>"
    )


def test_it_shows_the_last_day_of_a_period_from_its_exclusive_end():
    # given: a period whose exclusive end is 31 March 2026
    template = Template('{% load core_text %}{{ end|last_day|date:"Y-m-d" }}|{{ none|last_day }}')
    # when
    text = template.render(Context({"end": dt.date(2026, 3, 31), "none": None}))
    # then
    assert text == "2026-03-30|None"
