"""What the member registry puts on the home page and on the dashboard (core.panels)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from secretariat.core.access import can
from secretariat.core.models import User
from secretariat.core.panels import DASHBOARD, HOME, Figure, PanelContent
from secretariat.members.selectors.dashboard import own_records, registry_work
from secretariat.members.selectors.registry import directory_counts


def home_members_panel(user: User | AnonymousUser) -> PanelContent:
    """Everyone: the members recorded today, by category."""
    return PanelContent(
        template="members/partials/_home_members.html",
        data={"counts": directory_counts()},
    )


def dashboard_members_panel(user: User | AnonymousUser) -> PanelContent | None:
    """The Secretariat: requests and corrections waiting. A representative: their
    institutions, requests and proposed corrections."""
    if not isinstance(user, User):
        return None
    if can(user, "members.view_registry"):
        work = registry_work(user=user)
        return PanelContent(
            template="members/partials/_dashboard_staff.html",
            data={
                "open_requests": work.open_requests,
                "open_requests_count": work.open_requests_count,
                "pending_corrections": work.pending_corrections,
            },
            figures=(
                Figure(
                    label=_("Open membership requests"),
                    value=work.open_requests_count,
                    url=reverse("members:request-list"),
                ),
                Figure(
                    label=_("Contact corrections to review"),
                    value=len(work.pending_corrections),
                    url="#pending-corrections",
                ),
            ),
        )
    own = own_records(user=user)
    return PanelContent(
        template="members/partials/_dashboard_member.html",
        data={
            "institutions": own.institutions,
            "my_requests": own.requests,
            "my_corrections": own.corrections,
        },
    )


def register_panels() -> None:
    HOME.register("members.counts", home_members_panel, order=10)
    DASHBOARD.register("members.work", dashboard_members_panel, order=20)
