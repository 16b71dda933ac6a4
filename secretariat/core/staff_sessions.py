"""What a staff session must have proved, and when (issue #9, "Doors").

A staff user (a staff role of core.roles, Django's `is_staff`, or a superuser) works only in a
session that passed the second factor (TOTP) itself: allauth records each authentication step
of a session (`account_authentication_methods`: password, mfa, reauthentication), and the
middleware reads that record rather than whether an authenticator merely exists, so no login
path (the admin's, a password alone, a forced login) gets around it.

Recent authentication (signing minutes, closing a vote, approving a request, granting a role)
is the last step recorded within SECRETARIAT_REAUTH_MINUTES: for a user with TOTP, a step
with the code; without one (the demo's relaxation), any step.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from allauth.account.authentication import get_authentication_records
from allauth.core.exceptions import ReauthenticationRequired
from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from secretariat.core.roles import STAFF_ROLES

MFA_METHOD = "mfa"
V = TypeVar("V", bound=Callable[..., HttpResponseBase])


def is_staff_user(user: Any) -> bool:
    """Whether `user` works inside the Secretariat (and must use a second factor)."""
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_superuser or user.is_staff or user.has_role(*STAFF_ROLES))


def has_totp(user: Any) -> bool:
    from allauth.mfa.models import Authenticator

    return bool(
        user.remembered(
            "has_totp",
            lambda: Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists(),
        )
    )


def passed_second_factor(request: HttpRequest, user: Any) -> bool:
    """Whether this session, for this user, entered a second-factor code."""
    return any(
        record.get("method") == MFA_METHOD for record in get_authentication_records(request, user)
    )


def last_authenticated_at(request: HttpRequest, user: Any) -> float | None:
    """When this session last proved who its user is (a Unix time), counting for a user with
    TOTP only the steps that entered the code."""
    records = get_authentication_records(request, user)
    if has_totp(user):
        records = [r for r in records if r.get("method") == MFA_METHOD]
    times = [float(r["at"]) for r in records if isinstance(r.get("at"), int | float)]
    return max(times) if times else None


def authenticated_recently(request: HttpRequest, user: Any) -> bool:
    at = last_authenticated_at(request, user)
    return at is not None and time.time() - at < settings.SECRETARIAT_REAUTH_MINUTES * 60


def recent_authentication_required(view: V) -> V:
    """A view whose POST takes a weighty step (signing minutes, closing a vote, approving a
    request, granting a role): unless this session proved who its user is within
    SECRETARIAT_REAUTH_MINUTES, allauth's reauthentication asks again (the TOTP code for a
    user who has one), keeps the POST, and replays it once the code is entered. GETs (the
    form) pass."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "POST" and not authenticated_recently(request, request.user):
            raise ReauthenticationRequired()
        return view(request, *args, **kwargs)

    return cast(V, wrapped)
