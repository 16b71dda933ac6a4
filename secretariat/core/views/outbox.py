"""The outbox: the e-mails the site has sent, and sending a failed one again."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from secretariat.core.access import can, requires
from secretariat.core.http import actor
from secretariat.core.models import EmailDelivery
from secretariat.core.selectors.outbox import email_get_for_user, email_list_for_user
from secretariat.core.services.outbox import email_retry
from secretariat.core.tables import paginate


@requires("core.view_outbox")
def outbox(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    deliveries = email_list_for_user(user=request.user, state=state)
    return render(
        request,
        "core/outbox.html",
        {
            "page": paginate(request, deliveries, 50),
            "state": state,
            "states": EmailDelivery.State.choices,
            "can_retry": can(request.user, "core.manage_outbox"),
        },
    )


@require_POST
@requires("core.manage_outbox")
def outbox_retry(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = email_get_for_user(user=request.user, pk=pk, action="retry")
    try:
        email_retry(actor=actor(request), delivery=delivery, reason=request.POST.get("reason"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The e-mail is queued to be sent again."))
    return redirect("core:outbox")
