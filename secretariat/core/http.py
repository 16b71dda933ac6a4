"""Small request helpers every app's thin views share."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest, QueryDict

from secretariat.core.models import User


def posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data on POST (even when empty, so an empty form shows its errors)."""
    return request.POST if request.method == "POST" else None


def actor(request: HttpRequest) -> User:
    """The signed-in user acting (LoginRequiredMiddleware and the permission checks run first)."""
    return cast(User, request.user)
