"""django-allauth adapter: no open sign-up; accounts are created by the Secretariat."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from secretariat.core.client import client_address


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        """The address login throttling counts by: the site's own (core/client.py), which
        trusts `X-Forwarded-For` only as far as the proxies declared in the settings."""
        return client_address(request)
