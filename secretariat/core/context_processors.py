"""What every page's shell needs: the language switcher and the navigation for the user."""

from __future__ import annotations

from typing import Any

import rules
from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language_info


def shell(request: HttpRequest) -> dict[str, Any]:
    path = request.get_full_path()
    languages = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        languages.append(
            {"code": code, "name": info["name_local"], "url": translate_url(path, code)}
        )
    user = getattr(request, "user", None)
    is_staff = bool(
        user is not None
        and user.is_authenticated
        and user.has_role("secretary_general", "officer", "finance", "comptroller")
    )
    # The Roles entry: asked of rules itself, since through Django's backends a refusal goes
    # on to ModelBackend's two permission queries on every staff page.
    manages_roles = is_staff and rules.has_perm("core.manage_roles", user)
    represents = bool(
        user is not None
        and user.is_authenticated
        and not is_staff
        and user.has_role("representative")
    )
    return {
        "shell_is_representative": represents,
        "shell_languages": languages,
        "shell_is_staff": is_staff,
        "shell_manages_roles": manages_roles,
    }
