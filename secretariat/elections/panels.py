"""What elections puts on the dashboard (core.panels): for those who keep the authorities,
the terms ending within the warning period and the offices vacant or not recorded today."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from secretariat.core.access import can
from secretariat.core.models import User
from secretariat.core.panels import DASHBOARD, Figure, PanelContent
from secretariat.elections.selectors.authorities import MANAGE, term_ends_panel


def term_ends_dashboard_panel(user: User | AnonymousUser) -> PanelContent | None:
    """Staff who keep the authorities: terms ending soon (rule setting
    `elections.term_end_warning_days`) and current vacancies."""
    if not can(user, MANAGE):
        return None
    panel = term_ends_panel()
    url = reverse("elections:authorities")
    return PanelContent(
        template="elections/partials/_authorities_dashboard.html",
        data={"term_ends": panel},
        figures=(
            Figure(label=_("Terms ending soon"), value=len(panel.ending), url=url),
            Figure(label=_("Offices vacant or not recorded"), value=len(panel.gaps), url=url),
        ),
    )


def register_panels() -> None:
    DASHBOARD.register("elections.term_ends", term_ends_dashboard_panel, order=30)
