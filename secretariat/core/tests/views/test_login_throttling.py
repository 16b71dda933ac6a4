"""Login throttling (issue #9): counted by the client's real address behind the site's
proxies, so one person's failures do not lock out another; and not escapable by writing
X-Forwarded-For when no proxy is declared. (Shared between processes:
secretariat/tests/test_processes.py.)"""

from __future__ import annotations

import pytest
from django.test import Client

from secretariat.conftest import PASSWORD, make_user

LOGIN = "/en/accounts/login/"
TOO_MANY = "Too many failed login attempts"
PROXY = "10.0.0.1"


def _login(client: Client, email: str, password: str, **extra: str):
    return client.post(LOGIN, {"login": email, "password": password}, **extra)


@pytest.mark.django_db
def test_it_lets_another_person_in_behind_the_proxy_after_failures_on_one_account(settings):
    # given: every request comes through one reverse proxy, declared
    settings.SECRETARIAT_TRUSTED_PROXY_COUNT = 1
    make_user("victim@example.org")
    make_user("colleague@example.org")
    attacker = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5")
    for _ in range(12):
        _login(attacker, "victim@example.org", "wrong")
    # when: a different person, at a different address, behind the same proxy
    colleague = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    response = _login(colleague, "colleague@example.org", PASSWORD)
    # then
    assert response.status_code == 302
    assert colleague.get("/en/dashboard/").status_code == 200
    # and the attacker is still held back
    held = _login(attacker, "victim@example.org", "wrong")
    assert TOO_MANY in held.content.decode()


@pytest.mark.django_db
def test_it_ignores_a_forged_x_forwarded_for_without_a_declared_proxy():
    # given: no proxy declared; the attacker writes a new X-Forwarded-For each time
    make_user("victim@example.org")
    make_user("other@example.org")
    for i in range(5):
        client = Client(REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
        assert TOO_MANY not in _login(client, "other@example.org", "wrong").content.decode()
    # when: a sixth failure within the minute, on another account, "from" yet another address
    client = Client(REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="192.0.2.99")
    response = _login(client, "victim@example.org", "wrong")
    # then: the address is REMOTE_ADDR's, and it is over its limit
    assert TOO_MANY in response.content.decode()


@pytest.mark.django_db
def test_it_counts_failures_in_the_shared_database_cache(settings):
    # given: the production default on the embedded database (config/settings.py)
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "secretariat_cache",
        },
    }
    make_user("victim@example.org")
    client = Client(REMOTE_ADDR="203.0.113.5")
    for _ in range(5):
        _login(client, "victim@example.org", "wrong")
    # when
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM secretariat_cache")
        keys = [row[0] for row in cursor.fetchall()]
    response = _login(Client(REMOTE_ADDR="198.51.100.1"), "victim@example.org", "wrong")
    # then: the counters are rows every process reads, and the account is held
    assert any("login_failed" in key for key in keys)
    assert TOO_MANY in response.content.decode()
