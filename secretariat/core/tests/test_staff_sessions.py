"""Staff sessions end when idle, and nothing shown to staff is cached (issue #9, "Doors")."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from secretariat.conftest import client_for

LAST_SEEN = "secretariat_staff_last_seen"


def _idle_for(client: Client, minutes: float) -> None:
    session = client.session
    session[LAST_SEEN] = time.time() - minutes * 60
    session.save()


@pytest.mark.django_db
def test_it_ends_a_staff_session_after_the_idle_timeout(officer, settings):
    # given an officer who used the site, then nothing for 31 minutes (the limit is 30)
    settings.SECRETARIAT_STAFF_IDLE_MINUTES = 30
    client = client_for(officer)
    assert client.get("/en/dashboard/").status_code == 200
    _idle_for(client, 31)
    # when the next request comes
    response = client.get("/en/action-log/")
    # then it goes to the login page, which says why, and the session is over
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/login/?next=/en/action-log/"
    login = client.get(response["Location"])
    assert "Your session ended after 30 minutes without activity" in login.content.decode()
    assert client.get("/en/dashboard/").status_code == 302


@pytest.mark.django_db
def test_it_keeps_a_staff_session_used_within_the_timeout(officer, settings):
    settings.SECRETARIAT_STAFF_IDLE_MINUTES = 30
    client = client_for(officer)
    client.get("/en/dashboard/")
    _idle_for(client, 29)
    assert client.get("/en/dashboard/").status_code == 200


@pytest.mark.django_db
def test_it_leaves_a_representatives_session_as_it_was(rep_a, settings):
    settings.SECRETARIAT_STAFF_IDLE_MINUTES = 30
    client = client_for(rep_a)
    client.get("/en/dashboard/")
    _idle_for(client, 600)
    assert client.get("/en/dashboard/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/en/", "/en/dashboard/", "/en/action-log/", "/en/members/staff/institutions/"]
)
def test_it_tells_browsers_not_to_keep_staff_pages(officer, path):
    response = client_for(officer).get(path)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_it_does_not_change_caching_for_others(rep_a):
    response = client_for(rep_a).get("/en/dashboard/")
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.django_db
def test_a_live_panels_poll_does_not_keep_a_staff_session_alive(officer, settings):
    # given an officer whose last own request was 29 minutes ago, the console still polling
    settings.SECRETARIAT_STAFF_IDLE_MINUTES = 30
    client = client_for(officer)
    client.get("/en/dashboard/")
    _idle_for(client, 29)
    seen = client.session[LAST_SEEN]
    # when the console polls
    polled = client.get("/en/dashboard/", headers={"X-Live-Poll": "1", "HX-Request": "true"})
    # then it is answered, but the session's last-seen time stays where it was
    assert polled.status_code == 200
    assert client.session[LAST_SEEN] == seen
    # and once past the limit, the poll sends the whole page to the login, back to the page
    _idle_for(client, 31)
    ended = client.get(
        "/en/dashboard/",
        headers={
            "X-Live-Poll": "1",
            "HX-Request": "true",
            "HX-Current-URL": "http://testserver/en/sessions/7/console/",
        },
    )
    assert ended.status_code == 204
    assert ended["HX-Redirect"] == "/en/accounts/login/?next=/en/sessions/7/console/"
    assert client.get("/en/dashboard/").status_code == 302
