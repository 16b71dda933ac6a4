"""What finance puts on the dashboard (core.panels): for those who keep the books, the drafts
to post, the bank statements to reconcile and the members whose vote is suspended for
arrears; for a member's representative, its dues outstanding and a link to its account."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from secretariat.core.access import can
from secretariat.core.models import User
from secretariat.core.panels import DASHBOARD, Figure, PanelContent
from secretariat.finance.selectors.panels import books_waiting, own_dues


def books_dashboard_panel(user: User | AnonymousUser) -> PanelContent | None:
    if not can(user, "finance.manage_ledger"):
        return None
    waiting = books_waiting()
    return PanelContent(
        template=None,
        figures=(
            Figure(
                label=_("Draft entries to post"),
                value=waiting.drafts,
                url=reverse("finance:entry-list") + "?state=draft",
            ),
            Figure(
                label=_("Bank statements to reconcile"),
                value=waiting.statements_open,
                url=reverse("finance:bank-list"),
            ),
            Figure(
                label=_("Members without vote for arrears"),
                value=waiting.suspended_for_arrears,
                url=reverse("finance:arrears"),
            ),
        ),
    )


def own_dues_dashboard_panel(user: User | AnonymousUser) -> PanelContent | None:
    if not isinstance(user, User) or not can(user, "finance.view_own_account"):
        return None
    rows = own_dues(user=user)
    if not rows:
        return None
    return PanelContent(
        template="finance/partials/_own_dues.html",
        data={"rows": rows, "url": reverse("finance:my-account")},
    )


def register_panels() -> None:
    DASHBOARD.register("finance.books", books_dashboard_panel, order=40)
    DASHBOARD.register("finance.own_dues", own_dues_dashboard_panel, order=41)
