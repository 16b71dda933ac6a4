"""The ordered registries the apps fill (core.registry) and the panels built from them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from secretariat.conftest import client_for
from secretariat.core.models import RuleSetting
from secretariat.core.registry import OrderedRegistry


def test_entries_come_in_order_then_by_key_and_a_key_registered_again_replaces():
    registry: OrderedRegistry[str] = OrderedRegistry()
    registry.register("b", "second", order=10)
    registry.register("a", "first", order=10)
    registry.register("z", "zeroth", order=0)
    registry.register("b", "second, replaced", order=20)
    assert registry.in_order() == ["zeroth", "first", "second, replaced"]


@pytest.mark.django_db
def test_the_dashboard_shows_every_panels_figures_in_one_row(officer):
    # given: nothing waits but the rules to confirm
    client = client_for(officer)
    # when
    html = client.get(reverse("core:dashboard")).content.decode()
    # then: the figures of members (requests, corrections) and core (rules) in one row
    row = html[html.index('class="stats"') : html.index("</ul>", html.index('class="stats"'))]
    labels = [
        "Open membership requests",
        "Contact corrections to review",
        "Rules still to be confirmed",
    ]
    positions = [row.index(label) for label in labels]
    assert positions == sorted(positions)
    assert "Nothing is waiting for you today." not in html  # the rules are still defaults


@pytest.mark.django_db
def test_the_dashboard_says_nothing_waits_when_every_figure_is_zero(officer, settings):
    # given: every rule confirmed
    from secretariat.core.rule_settings import REGISTRY

    for key in REGISTRY:
        RuleSetting.objects.create(
            key=key,
            value=REGISTRY[key].default,
            valid_from="2000-01-01",
            status="confirmed",
            source="s",
        )
    # when
    html = client_for(officer).get(reverse("core:dashboard")).content.decode()
    # then
    assert "Nothing is waiting for you today." in html


@pytest.mark.django_db
def test_a_representative_sees_no_staff_figures(rep_a):
    html = client_for(rep_a).get(reverse("core:dashboard")).content.decode()
    assert 'class="stats"' not in html and "Your institutions" in html
