"""The organization's rules: the list in force today, and one rule's history and new value."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from secretariat.core.access import requires
from secretariat.core.forms import add_service_error
from secretariat.core.forms.rule_settings import RuleSettingForm
from secretariat.core.http import actor, posted
from secretariat.core.selectors.rule_settings import (
    rule_get_for_user,
    rule_history,
    rule_list_for_user,
)
from secretariat.core.services.rule_settings import rule_setting_record


@requires("core.view_rules")
def rule_list(request: HttpRequest) -> HttpResponse:
    return render(request, "core/rule_list.html", {"rules": rule_list_for_user(user=request.user)})


@requires("core.view_rules")
def rule_detail(request: HttpRequest, key: str) -> HttpResponse:
    action = "change" if request.method == "POST" else "view"
    current = rule_get_for_user(user=request.user, key=key, action=action)
    form = RuleSettingForm(posted(request), definition=current.definition)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            rule_setting_record(
                actor=actor(request),
                key=key,
                raw_value=data["value"],
                valid_from=data["valid_from"],
                confirmed=data["confirmed"],
                legal_basis=data["legal_basis"],
                source=data["source"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            add_service_error(form, exc, aliases={"raw_value": "value"})
        else:
            messages.success(request, _("The rule was recorded."))
            return redirect("core:rule-detail", key=key)
    return render(
        request,
        "core/rule_detail.html",
        {"rule": current, "history": rule_history(key=key), "form": form},
    )
