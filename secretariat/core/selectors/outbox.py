"""Reads of the outbox: the e-mails the site has queued and sent, newest first."""

from __future__ import annotations

from typing import Any, Literal

from django.db.models import QuerySet

from secretariat.core.access import get_for_user_or_404, list_for_user, permission_for
from secretariat.core.models import EmailDelivery

OutboxAction = Literal["view", "retry"]
OUTBOX_ACTIONS = {"view": "core.view_outbox", "retry": "core.manage_outbox"}


def email_list_for_user(*, user: Any, state: str = "") -> QuerySet[EmailDelivery]:
    """Every e-mail (staff who read everything), optionally in one state."""
    queryset = EmailDelivery.objects.order_by("-id")
    if state in EmailDelivery.State.values:
        queryset = queryset.filter(state=state)
    return list_for_user(queryset, user=user, perm=OUTBOX_ACTIONS["view"])


def email_get_for_user(*, user: Any, pk: int, action: OutboxAction = "view") -> EmailDelivery:
    return get_for_user_or_404(
        EmailDelivery.objects.all(),
        user=user,
        perm=permission_for(OUTBOX_ACTIONS, action),
        public=True,
        pk=pk,
    )
