"""What the sessions capability puts on the home page and on the dashboard (core.panels)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from secretariat.core.models import User
from secretariat.core.panels import DASHBOARD, HOME, PanelContent
from secretariat.governance.selectors import bodies, dashboard


def home_sessions_panel(user: User | AnonymousUser) -> PanelContent | None:
    """Everyone: the sessions convened or open, soonest first."""
    sessions = dashboard.upcoming_public_sessions()
    if not sessions:
        return None
    return PanelContent(
        template="governance/partials/_home_sessions.html", data={"sessions": sessions}
    )


def home_bodies_panel(user: User | AnonymousUser) -> PanelContent:
    """Everyone: the top-level bodies and the authorities in office today."""
    return PanelContent(
        template="governance/partials/_home_bodies.html",
        data={
            "bodies": bodies.body_list(top_level=True),
            "authorities": bodies.authorities_in_force(),
            "vacant_offices": bodies.offices_without_holder(),
        },
    )


def dashboard_sessions_panel(user: User | AnonymousUser) -> PanelContent | None:
    """Staff: sessions coming and minutes to finish. Representatives: their sessions."""
    if not isinstance(user, User):
        return None
    return PanelContent(
        template="governance/partials/_dashboard_sessions.html",
        data=dashboard.dashboard_sessions(user=user),
    )


def register_panels() -> None:
    HOME.register("governance.sessions", home_sessions_panel, order=20)
    HOME.register("governance.bodies", home_bodies_panel, order=30)
    DASHBOARD.register("governance.sessions", dashboard_sessions_panel, order=10)
