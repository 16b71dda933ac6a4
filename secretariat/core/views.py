"""Core pages: public home, the officer's dashboard, the action log and the rule settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from secretariat.core import selectors, services
from secretariat.core.forms_rules import RuleSettingForm
from secretariat.core.rulebook import REGISTRY
from secretariat.core.tables import paginate


@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    from secretariat.governance.selectors import (
        authorities_in_force,
        body_list,
        offices_without_holder,
    )
    from secretariat.governance.selectors.dashboard import upcoming_public_sessions
    from secretariat.members.selectors import directory_counts

    return render(
        request,
        "core/home.html",
        {
            "counts": directory_counts(),
            "bodies": body_list(top_level=True),
            "authorities": authorities_in_force(),
            "vacant_offices": offices_without_holder(),
            "upcoming_sessions": upcoming_public_sessions(),
        },
    )


def dashboard(request: HttpRequest) -> HttpResponse:
    from secretariat.governance.selectors.dashboard import dashboard_sessions
    from secretariat.members.selectors import dashboard_for_user

    context = dashboard_for_user(user=request.user)  # type: ignore[arg-type]  # login required
    context.update(dashboard_sessions(user=request.user))  # type: ignore[arg-type]
    return render(request, "core/dashboard.html", context)


@permission_required("core.view_action_log", raise_exception=True)
def action_log(request: HttpRequest) -> HttpResponse:
    entries = selectors.action_log_list(event=request.GET.get("event") or None)
    return render(
        request,
        "core/action_log.html",
        {"page": paginate(request, entries, 50), "event": request.GET.get("event", "")},
    )


@permission_required("core.view_rules", raise_exception=True)
def rule_list(request: HttpRequest) -> HttpResponse:
    return render(request, "core/rule_list.html", {"rules": selectors.rules_in_force()})


@permission_required("core.view_rules", raise_exception=True)
def rule_detail(request: HttpRequest, key: str) -> HttpResponse:
    if key not in REGISTRY:
        raise Http404
    current = selectors.rule_in_force(key=key)
    form = RuleSettingForm(definition=current.definition)
    if request.method == "POST":
        if not request.user.has_perm("core.change_rules"):
            return render(request, "403.html", status=403)
        form = RuleSettingForm(request.POST, definition=current.definition)
        if form.is_valid():
            try:
                services.rule_setting_record(
                    actor=request.user,  # type: ignore[arg-type]
                    key=key,
                    raw_value=form.cleaned_data["value"],
                    valid_from=form.cleaned_data["valid_from"],
                    confirmed=form.cleaned_data["confirmed"],
                    legal_basis=form.cleaned_data["legal_basis"],
                    source=form.cleaned_data["source"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The rule was recorded."))
                return redirect("core:rule-detail", key=key)
    return render(
        request,
        "core/rule_detail.html",
        {
            "rule": current,
            "history": selectors.rule_history(key=key),
            "form": form,
        },
    )
