"""Tiny typed helpers that read settings from the environment; bad values fail at start-up."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# Known to everyone who reads the code: signs sessions and tokens only on a developer's
# machine (DEBUG=true) or a benchmark (SECRETARIAT_ALLOW_INSECURE_KEY=true).
DEVELOPMENT_SECRET_KEY = "insecure-development-key-change-me-in-production-0123456789"
MISSING_SECRET_KEY = (
    "SECRET_KEY is not set, and DEBUG is false: the server will not start on the built-in "
    "development key. Set SECRET_KEY (or SECRET_KEY_FILE, the path of a file holding it) to "
    "a long random value kept secret, for example the output of "
    "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`. "
    "On a developer's machine, set DEBUG=true instead."
)


def envstr(name: str, default: str) -> str:
    """Return the variable, or the content of the file named by NAME_FILE (for secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def envbool(name: str, default: str) -> bool:
    value = envstr(name, default).strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {value!r}")


def envint(name: str, default: str) -> int:
    value = envstr(name, default)
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in envstr(name, default).split(",") if item.strip()]
