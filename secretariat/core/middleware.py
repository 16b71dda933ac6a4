"""Middleware: mandatory second factor for staff, and strict security headers."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from secretariat.core.roles import STAFF_ROLES

# Paths a staff user without a second factor may still reach (to set it up or leave).
_MFA_EXEMPT_PARTS = ("/accounts/", "/static/", "/i18n/", "/api/")
_SESSION_FLAG = "secretariat_mfa_ok"


class StaffMFAMiddleware:
    """Send a staff user who has no TOTP authenticator to set one up before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.SECRETARIAT_REQUIRE_STAFF_MFA
            and user.is_authenticated
            and request.session.get(_SESSION_FLAG) != user.pk
            and not any(part in request.path for part in _MFA_EXEMPT_PARTS)
            and user.has_role(*STAFF_ROLES)
        ):
            from allauth.mfa.models import Authenticator

            if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                request.session[_SESSION_FLAG] = user.pk
            else:
                messages.warning(
                    request, _("Secretariat staff must set up a second factor before continuing.")
                )
                return redirect("mfa_activate_totp")
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """A strict Content-Security-Policy: no inline scripts or styles, nothing from elsewhere."""

    POLICY = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
        "base-uri 'self'; object-src 'none'"
    )
    # The OpenAPI viewer (swagger-ui, served locally) sets inline styles.
    DOCS_POLICY = POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = self.DOCS_POLICY if request.path.startswith("/api/v1/docs") else self.POLICY
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Login by default for pages; the API authenticates each operation itself (public reads,
    tokens for machines), so it is left to django-ninja."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
