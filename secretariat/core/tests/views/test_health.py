"""/healthz and /readyz: public, never cached, each check named in JSON, 503 when any fails."""

from __future__ import annotations

import io
import time

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.urls import reverse

from secretariat.core import health
from secretariat.core.health import heartbeat_write

pytestmark = pytest.mark.django_db


def _ready(client):
    response = client.get(reverse("health:readyz"))
    return response, response.json()


def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    # when
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    # then
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert client.post("/healthz").status_code == 405


def test_readyz_is_200_when_the_database_the_cache_and_the_worker_answer(client):
    # given: the timer's command queues the heartbeat (run at once by the suite's backend)
    call_command("worker_heartbeat", stdout=io.StringIO())
    # when
    response, body = _ready(client)
    # then
    assert response.status_code == 200, body
    assert response.request["PATH_INFO"] == "/readyz"
    assert body["status"] == "ok"
    assert {name: c["ok"] for name, c in body["checks"].items()} == {
        "database": True,
        "cache": True,
        "worker": True,
    }
    assert "no-store" in response["Cache-Control"]


def test_readyz_fails_without_a_heartbeat(client):
    response, body = _ready(client)
    assert response.status_code == 503 and body["status"] == "fail"
    assert body["checks"]["worker"] == {
        "name": "worker",
        "ok": False,
        "detail": "no heartbeat yet",
    }
    assert body["checks"]["database"]["ok"] and body["checks"]["cache"]["ok"]


def test_readyz_fails_when_the_heartbeat_is_too_old(client, settings):
    # given
    settings.SECRETARIAT_HEARTBEAT_MAX_AGE = 180
    heartbeat_write(time.time() - 200)
    # when
    response, body = _ready(client)
    # then
    assert response.status_code == 503
    assert body["checks"]["worker"]["detail"].startswith("last heartbeat 200 s ago")
    # and a fresh one makes it ready again
    heartbeat_write()
    assert _ready(client)[0].status_code == 200


def test_readyz_fails_when_the_database_does_not_answer(client, monkeypatch):
    # given
    heartbeat_write()

    class Down:
        vendor = "postgresql"

        def cursor(self):
            raise OperationalError("could not connect to server at db.internal")

    monkeypatch.setattr(health, "connection", Down())
    # when
    response, body = _ready(client)
    # then
    assert response.status_code == 503
    assert body["checks"]["database"] == {
        "name": "database",
        "ok": False,
        "detail": "unavailable (OperationalError)",
    }
    assert "db.internal" not in response.content.decode()  # no detail for the public


def test_readyz_fails_when_the_cache_server_is_down(client, settings):
    # given: Redis on a port where nothing listens
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
    }
    # when
    response, body = _ready(client)
    # then
    assert response.status_code == 503
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["cache"]["detail"].startswith("unavailable (")
    assert body["checks"]["worker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_readyz_fails_when_the_cache_keeps_nothing(client, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
    response, body = _ready(client)
    assert response.status_code == 503
    assert body["checks"]["cache"] == {
        "name": "cache",
        "ok": False,
        "detail": "did not keep a value",
    }


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_heartbeat_the_timer_queues(client, settings):
    # given: the production queue (a table) and no heartbeat
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    out = io.StringIO()
    call_command("worker_heartbeat", stdout=out)
    call_command("worker_heartbeat", stdout=out)  # the first is still waiting: not twice
    assert "Heartbeat queued (last: never)." in out.getvalue()
    assert "already waiting" in out.getvalue()
    assert _ready(client)[0].status_code == 503
    # when: the worker takes what is queued
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    # then
    response, body = _ready(client)
    assert response.status_code == 200, body
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.filter(task_path=health.HEARTBEAT_TASK_PATH).count() == 1


def test_the_probes_answer_plain_http_when_the_site_redirects_to_https(client, settings):
    # given: production's redirect to HTTPS (a monitor on the machine itself speaks HTTP)
    settings.SECURE_SSL_REDIRECT = True
    heartbeat_write()
    # when / then
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/es/").status_code == 301
