"""django-allauth adapter: no open sign-up; accounts are created by the Secretariat; a person
with a second factor re-authenticates with its code, not with the password alone."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from secretariat.core.client import client_address


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        """The address login throttling counts by: the site's own (core/client.py), which
        trusts `X-Forwarded-For` only as far as the proxies declared in the settings."""
        return client_address(request)

    def get_reauthentication_methods(self, user: AbstractBaseUser | AnonymousUser) -> list[dict]:
        """With TOTP, only the code proves the person is still there: the password, which
        the session already used, is not offered (issue #9)."""
        methods: list[dict] = super().get_reauthentication_methods(user)
        with_code = [m for m in methods if m["id"] == "mfa_reauthenticate"]
        return with_code or methods
