"""Reads for the roles page: people with the roles they hold (the Secretary General's)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Group
from django.db.models import Prefetch, Q, QuerySet

from secretariat.core import roles
from secretariat.core.access import get_for_user_or_404, list_for_user
from secretariat.core.models import User

MANAGE_ROLES = "core.manage_roles"


@dataclass(frozen=True)
class HeldRole:
    code: str
    label: str
    staff: bool


def _with_roles(queryset: QuerySet[User]) -> QuerySet[User]:
    return queryset.prefetch_related(
        Prefetch(
            "groups",
            queryset=Group.objects.filter(name__in=roles.ROLE_LABELS).order_by("name"),
            to_attr="role_groups",
        )
    )


def held_roles(person: User) -> list[HeldRole]:
    """The roles `person` holds, in the order of core.roles, from a `_with_roles` query."""
    names = {group.name for group in getattr(person, "role_groups", person.groups.all())}
    return [
        HeldRole(code=code, label=str(label), staff=code in roles.STAFF_ROLES)
        for code, label in roles.ROLE_LABELS.items()
        if code in names
    ]


def person_list_for_user(*, user: Any, q: str = "", role: str = "") -> QuerySet[User]:
    """Everyone with an account, by name, with their roles; `q` searches the name and the
    e-mail, `role` keeps those who hold it."""
    queryset = User.objects.order_by("full_name", "email", "pk")
    text = q.strip()
    if text:
        queryset = queryset.filter(Q(full_name__icontains=text) | Q(email__icontains=text))
    if role in roles.ROLE_LABELS:
        queryset = queryset.filter(groups__name=role)
    return list_for_user(_with_roles(queryset), user=user, perm=MANAGE_ROLES)


def person_get_for_user(*, user: Any, pk: int) -> User:
    return get_for_user_or_404(
        _with_roles(User.objects.all()), user=user, perm=MANAGE_ROLES, public=True, pk=pk
    )
