"""Middleware: staff sessions (second factor, idle timeout, no caching) and strict security
headers."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _

from secretariat.core.staff_sessions import (
    MFA_METHOD,
    has_totp,
    is_staff_user,
    passed_second_factor,
)

# What a staff session that has not entered its code may still reach, by URL name: with
# TOTP, the page that asks for the code; without, the pages that set one up (activation asks
# for the password again first); both may leave or change the language.
_LEAVING = frozenset({"account_logout", "set_language"})
_WITH_TOTP = _LEAVING | {"mfa_reauthenticate"}
_ENROLLING = _LEAVING | {"mfa_activate_totp", "account_reauthenticate"}


_LAST_SEEN = "secretariat_staff_last_seen"
# The last-seen time is written at most this often (seconds): a session save per request
# would be a database write per page.
_LAST_SEEN_GRAIN = 30


class StaffSessionMiddleware:
    """A staff session ends after SECRETARIAT_STAFF_IDLE_MINUTES without a request (the next
    one goes to the login page, saying why), and nothing a staff user is shown is kept by a
    browser or a proxy (`Cache-Control: private, no-store`). Other sessions are unchanged."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        staff = is_staff_user(request.user)
        if staff:
            now = time.time()
            last_seen = request.session.get(_LAST_SEEN)
            idle = settings.SECRETARIAT_STAFF_IDLE_MINUTES * 60
            if isinstance(last_seen, int | float) and now - last_seen > idle:
                return self._ended(request)
            # A live panel's poll, or a page's event stream (server push, decision 0011),
            # is not the person at work.
            polled = request.headers.get("X-Live-Poll") == "1" or request.path.endswith("/events/")
            if not polled and (
                not isinstance(last_seen, int | float) or now - last_seen > _LAST_SEEN_GRAIN
            ):
                request.session[_LAST_SEEN] = now
        response = self.get_response(request)
        if staff and not request.path.startswith((settings.STATIC_URL, settings.MEDIA_URL)):
            response["Cache-Control"] = "private, no-store"
        return response

    @staticmethod
    def _ended(request: HttpRequest) -> HttpResponse:
        """Log out, say why, and go to the login page (the whole page, from an htmx poll)."""
        logout(request)
        messages.info(
            request,
            _(
                "Your session ended after %(minutes)s minutes without activity. "
                "Please sign in again."
            )
            % {"minutes": settings.SECRETARIAT_STAFF_IDLE_MINUTES},
        )
        if not request.headers.get("HX-Request"):
            return redirect_to_login(request.get_full_path())
        # A fragment (a live panel's poll): htmx sends the whole page to the login, which
        # comes back to the page the person was on.
        page = urlsplit(request.headers.get("HX-Current-URL", ""))
        same_site = url_has_allowed_host_and_scheme(
            page.geturl(), allowed_hosts={request.get_host()}
        )
        back = (page.path + (f"?{page.query}" if page.query else "")) if same_site else ""
        response = HttpResponse(status=204)
        response["HX-Redirect"] = redirect_to_login(back or request.get_full_path())["Location"]
        return response


class StaffMFAMiddleware:
    """Every staff session, superusers included, must have passed the second factor itself.

    Whatever path signed the user in (the login with its code, a password alone, the admin,
    a forced login), this session's own record of its authentication steps decides: a staff
    user without TOTP is sent to set it up; one with TOTP whose session never entered the
    code is asked for it before anything else. SECRETARIAT_REQUIRE_STAFF_MFA=false (the
    demo) turns this off.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        if (
            not settings.SECRETARIAT_REQUIRE_STAFF_MFA
            or not is_staff_user(user)
            or passed_second_factor(request, user)
        ):
            return None
        match = request.resolver_match
        name = match.view_name if match else ""
        if has_totp(user):
            if name in _WITH_TOTP:
                return None
            messages.warning(request, _("Enter the code from your authenticator app to continue."))
            query = urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
            return redirect(f"{reverse('mfa_reauthenticate')}?{query}")
        if name in _ENROLLING:
            return None
        messages.warning(
            request, _("Secretariat staff must set up a second factor before continuing.")
        )
        return redirect("mfa_activate_totp")


def record_enrolment(
    sender: Any, request: HttpRequest, user: Any, authenticator: Any, **_kw: Any
) -> None:
    """Setting up TOTP enters a valid code: the session that did it has passed the factor.
    (allauth's `authenticator_added` signal, connected in CoreConfig.ready.)"""
    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.models import Authenticator

    if authenticator.type == Authenticator.Type.TOTP and request.user.pk == user.pk:
        record_authentication(request, user, MFA_METHOD, id=authenticator.pk, type="totp")
        # allauth sends the signal once the activation commits, which may be after the
        # response has saved the session: save it with the record.
        request.session.save()


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
