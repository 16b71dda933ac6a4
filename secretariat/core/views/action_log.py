"""The action log, for those who audit: every write, newest first, filterable by event."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from secretariat.core.access import requires
from secretariat.core.selectors.action_log import action_log_list_for_user
from secretariat.core.tables import paginate


@requires("core.view_action_log")
def action_log(request: HttpRequest) -> HttpResponse:
    event = request.GET.get("event", "")
    entries = action_log_list_for_user(user=request.user, event=event or None)
    return render(
        request, "core/action_log.html", {"page": paginate(request, entries, 50), "event": event}
    )
