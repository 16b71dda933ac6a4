"""The public home page and the signed-in user's dashboard, composed of the apps' panels."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from secretariat.core import panels
from secretariat.core.access import public, requires


@public
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"panels": panels.HOME.build_for(request.user)})


@requires("core.view_dashboard")
def dashboard(request: HttpRequest) -> HttpResponse:
    built = panels.DASHBOARD.build_for(request.user)
    figures = panels.figures_of(built)
    return render(
        request,
        "core/dashboard.html",
        {
            "panels": built,
            "figures": figures,
            "nothing_waiting": bool(figures) and not any(f.value for f in figures),
        },
    )
