"""Small request helpers every app's thin views share, and the request types views declare."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest, QueryDict
from django_htmx.middleware import HtmxDetails

from secretariat.core.models import User


class HtmxHttpRequest(HttpRequest):
    """A request that went through django-htmx's middleware (`request.htmx`)."""

    htmx: HtmxDetails


def posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data on POST (even when empty, so an empty form shows its errors)."""
    return request.POST if request.method == "POST" else None


def actor(request: HttpRequest) -> User:
    """The signed-in user acting (LoginRequiredMiddleware and the permission checks run first)."""
    return cast(User, request.user)
