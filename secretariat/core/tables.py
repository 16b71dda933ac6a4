"""Pagination and sorting shared by every list page (and kept in the query string)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest


@dataclass(frozen=True)
class Sort:
    key: str
    descending: bool
    allowed: dict[str, str]

    def order_by(self) -> list[str]:
        field = self.allowed[self.key]
        return [f"-{field}" if self.descending else field, "pk"]


def sort_from_request(request: HttpRequest, allowed: dict[str, str], default: str) -> Sort:
    """Read `?sort=name` / `?sort=-name`; an unknown key falls back to the default."""
    raw = request.GET.get("sort", default)
    descending = raw.startswith("-")
    key = raw.lstrip("-")
    if key not in allowed:
        descending = default.startswith("-")
        key = default.lstrip("-")
    return Sort(key=key, descending=descending, allowed=allowed)


def paginate(
    request: HttpRequest, items: QuerySet[Any] | list[Any], per_page: int | None = None
) -> Page:
    paginator = Paginator(items, per_page or settings.SECRETARIAT_PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def querystring_without(request: HttpRequest, *keys: str) -> str:
    params = request.GET.copy()
    for key in keys:
        params.pop(key, None)
    return params.urlencode()
