"""People and their accounts: log in by e-mail; roles are Django groups (core.roles)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

T = TypeVar("T")


class AccountManager(UserManager["User"]):
    """Users are identified by e-mail; the username mirrors it."""

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:  # type: ignore[override]  # e-mail first
        extra.setdefault("username", email.lower())
        return super().create_user(email=email.lower(), password=password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:  # type: ignore[override]  # e-mail first
        extra.setdefault("username", email.lower())
        return super().create_superuser(email=email.lower(), password=password, **extra)


class User(AbstractUser):
    """A person with an account; may hold roles and represent a member institution."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=settings.LANGUAGES, default="es"
    )

    REQUIRED_FIELDS = ["email"]
    objects: ClassVar[AccountManager] = AccountManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def remembered(self, key: str, compute: Callable[[], T]) -> T:
        """A value computed once for this user object, that is once per request (the roles,
        the institutions they represent, the sessions they take part in)."""
        memo: dict[str, Any] = self.__dict__.setdefault("_remembered", {})
        if key not in memo:
            memo[key] = compute()
        value: T = memo[key]
        return value

    def forget(self, key: str) -> None:
        """Drop a remembered value that a write has made stale."""
        self.__dict__.get("_remembered", {}).pop(key, None)

    def has_role(self, *roles: str) -> bool:
        if not self.is_authenticated:
            return False
        names = self.remembered("roles", lambda: set(self.groups.values_list("name", flat=True)))
        return bool(names.intersection(roles))
