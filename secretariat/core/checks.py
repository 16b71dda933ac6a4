"""System checks of the site's own settings (`manage.py check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from config.env import DEVELOPMENT_SECRET_KEY


def check_secret_key_deploy(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Production never signs with the built-in development key (or no key at all)."""
    if settings.SECRET_KEY and settings.SECRET_KEY != DEVELOPMENT_SECRET_KEY:
        return []
    return [
        checks.Error(
            "SECRET_KEY is the built-in development key, known to everyone who reads the code.",
            hint=(
                "Set SECRET_KEY (or SECRET_KEY_FILE) to a long random value, e.g. "
                "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`, and do not "
                "set SECRETARIAT_ALLOW_INSECURE_KEY in production."
            ),
            id="secretariat.E001",
        )
    ]


def check_trusted_proxy_deploy(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Behind a reverse proxy (BEHIND_PROXY) with no proxy declared for the client's address,
    every client has the proxy's address: one person's failed logins throttle everyone."""
    declared = (
        settings.SECRETARIAT_TRUSTED_PROXY_COUNT or settings.SECRETARIAT_TRUSTED_CLIENT_IP_HEADER
    )
    if not settings.SECURE_PROXY_SSL_HEADER or declared:
        return []
    return [
        checks.Warning(
            "The site is behind a reverse proxy, but throttling counts every client by the "
            "proxy's address.",
            hint=(
                "Set SECRETARIAT_TRUSTED_PROXY_COUNT=1 (the proxy appends the client to "
                "X-Forwarded-For) or SECRETARIAT_TRUSTED_CLIENT_IP_HEADER=X-Real-IP."
            ),
            id="secretariat.W001",
        )
    ]
