"""The panels the home page and the dashboard are composed of.

Core knows no other app: each app registers its panels from its `AppConfig.ready`
(`<app>/panels.py`), and the two pages show, in order, what each panel builds for the user.
A panel gives a template (included with the page's context plus `panel`, its own data) and,
on the dashboard, the counters shown in the row of figures at the top ("what needs you").
A panel that has nothing for this user returns None and is left out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from secretariat.core.models import User
from secretariat.core.registry import OrderedRegistry


@dataclass(frozen=True)
class Figure:
    """One counter in the dashboard's row of figures, linking to where the work is."""

    label: str | Promise
    value: int
    url: str


@dataclass(frozen=True)
class PanelContent:
    """What a panel shows: a template (None: figures only), its data, and its figures."""

    template: str | None
    data: Mapping[str, Any] = field(default_factory=dict)
    figures: tuple[Figure, ...] = ()


Builder = Callable[[User | AnonymousUser], PanelContent | None]


class PanelRegistry(OrderedRegistry[Builder]):
    """The panels of one page, by key."""

    def build_for(self, user: User | AnonymousUser) -> list[PanelContent]:
        built = (build(user) for build in self.in_order())
        return [content for content in built if content is not None]


HOME = PanelRegistry()
DASHBOARD = PanelRegistry()


def figures_of(panels: list[PanelContent]) -> list[Figure]:
    return [figure for content in panels for figure in content.figures]


# --- Core's own panels -----------------------------------------------------------------


def rules_to_confirm_panel(user: User | AnonymousUser) -> PanelContent | None:
    """Staff: how many of the organization's rules are still defaults to be confirmed."""
    from secretariat.core.access import can
    from secretariat.core.selectors.rule_settings import unconfirmed_rules_count

    if not can(user, "core.view_rules"):
        return None
    return PanelContent(
        template=None,
        figures=(
            Figure(
                label=_("Rules still to be confirmed"),
                value=unconfirmed_rules_count(),
                url=reverse("core:rule-list"),
            ),
        ),
    )


def recent_actions_panel(user: User | AnonymousUser) -> PanelContent | None:
    """Those who read the action log: its last ten rows."""
    from secretariat.core.access import can
    from secretariat.core.selectors.action_log import action_log_list

    if not can(user, "core.view_action_log"):
        return None
    return PanelContent(
        template="core/partials/_dashboard_recent_actions.html",
        data={"recent_actions": list(action_log_list()[:10])},
    )


def register_panels() -> None:
    DASHBOARD.register("core.rules_to_confirm", rules_to_confirm_panel, order=80)
    DASHBOARD.register("core.recent_actions", recent_actions_panel, order=90)
