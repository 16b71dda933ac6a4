"""Test helpers every app's tests share: getting a document built in the background, and
the vocabulary of the permission matrices (secretariat/tests/test_permission_matrix.py and
each app's own): the roles in order, and the rows of expected HTTP statuses.

Roles: anonymous, the representative of member A (whose records the objects belong to),
the representative of member B (wrong scope), a Secretariat officer, a finance officer,
the Comptroller and the Secretary General.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.test import Client, TestCase

ROLES = ["anonymous", "rep_a", "rep_b", "officer", "finance", "comptroller", "sg"]

# Expected statuses per role, in ROLES order. "login" = redirect to the login page.
L = "login"
PUBLIC = (200, 200, 200, 200, 200, 200, 200)
LOGGED_IN = (L, 200, 200, 200, 200, 200, 200)
STAFF_READ = (L, 403, 403, 200, 200, 200, 200)
STAFF_WRITE = (L, 403, 403, 200, 403, 403, 200)
AUDIT_READ = (L, 403, 403, 200, 403, 200, 200)
SCOPED_A = (L, 200, 404, 200, 200, 200, 200)  # a record of member A: its representative and staff
REP_A_ONLY = (L, 200, 404, 403, 403, 403, 403)  # an action only member A's representative takes
POST_ONLY = (L, 405, 405, 405, 405, 405, 405)
FINANCE_WRITE = (L, 403, 403, 403, 200, 403, 200)  # the books: finance officers and the SG
SG_ONLY = (L, 403, 403, 403, 403, 403, 200)
COMPTROLLER_ONLY = (L, 403, 403, 403, 403, 200, 403)
AUDIT_PACKAGE = (L, 403, 403, 403, 200, 200, 200)  # finance, the Comptroller and the SG


def log_in(client: Client, user: Any, *, second_factor: bool = True) -> Client:
    """Sign `user` in on `client` as the login page would: a user with TOTP has entered the
    code in this session (allauth's record of the session's authentication steps), so the
    staff MFA middleware lets them through; `second_factor=False` is a session signed in by
    some other path (a password alone, the admin) that never entered it."""
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.account.internal.flows.login import _AUTHENTICATION_METHODS_USER_SESSION_KEY
    from allauth.mfa.models import Authenticator

    client.force_login(user)
    session = client.session
    records: list[dict[str, Any]] = [{"method": "password", "at": time.time()}]
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if second_factor and totp is not None:
        records.append({"method": "mfa", "at": time.time(), "id": totp.pk, "type": "totp"})
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()
    return client


def age_authentication(client: Client, minutes: float) -> None:
    """Move every authentication step of `client`'s session `minutes` into the past (a
    session signed in a while ago, for the recent re-authentication checks)."""
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY

    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {**record, "at": record["at"] - minutes * 60}
        for record in session.get(AUTHENTICATION_METHODS_SESSION_KEY, [])
    ]
    session.save()


def get_document(client: Any, url: str, **extra: Any) -> HttpResponse:
    """GET a document (a PDF built in the background, decision 0006) as its reader gets it:
    the first request of a version queues its build, which runs once that request's
    transaction commits (the worker's part); the next request serves the stored file.
    Returns the final answer with its body in `content` (a 404 or 403 as it came)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.get(url, **extra)
    if response.status_code == 202:
        response = client.get(url, **extra)
    if isinstance(response, StreamingHttpResponse):
        served = HttpResponse(response.getvalue(), status=response.status_code)
        for header, value in response.items():
            served[header] = value
        return served
    return response


def status_failures(
    matrix: Mapping[str, tuple[Any, ...]],
    users: Mapping[str, Any],
    url_for: Callable[[str], str],
) -> list[str]:
    """GET every route of `matrix` as every role of ROLES (`users[role]`, None = anonymous)
    and list each answer that is not the row's: "login" is a redirect to the login page;
    a document is asked for as its reader does (get_document). Empty when all agree."""
    failures = []
    for role_index, role in enumerate(ROLES):
        client = Client()
        if users[role] is not None:
            log_in(client, users[role])
        for name, expected_row in matrix.items():
            expected = expected_row[role_index]
            response = get_document(client, url_for(name))
            got = response.status_code
            if expected == L:
                ok = got == 302 and "/accounts/login/" in response["Location"]
            else:
                ok = got == expected
            if not ok:
                failures.append(f"{role:12} {name:40} expected {expected} got {got}")
    return failures
