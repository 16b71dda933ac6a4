"""Server push in the browser (issue #10, decision 0011): four delegates' phones and the
Secretariat's console, served by the ASGI server (uvicorn) as in production, see a secret
vote open, fill and close without reloading and without polling.

The data is made with the services (the journeys of test_sessions_journey.py drive the same
steps through the pages); the ballots are cast by the delegates on their pages.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection

from secretariat.e2e.conftest import axe_check, login
from secretariat.governance.models import Vote
from secretariat.governance.services import votes as vote_services
from secretariat.governance.tests.conftest import (  # noqa: F401  (fixtures)
    organs,
    session_world,
    today,
)
from secretariat.governance.tests.live_world import (
    live_fixture,  # noqa: F401  (the `live` fixture)
    open_with_quorum,
    table_motion,
)

pytestmark = pytest.mark.e2e

PUSH_SECONDS = 3_000  # ms: what a page may take to show a change (1 s p95 is measured in bench/)


@pytest.fixture
def asgi_server(transactional_db: None) -> Iterator[str]:
    """The project's ASGI application under uvicorn, in a thread of this process (the test
    database is this process's), with the static files served as the live server does."""
    if connection.vendor == "sqlite":
        pytest.skip(
            "SQLite's shared in-memory test database locks whole tables between the "
            "threads of an ASGI server; this journey runs on PostgreSQL"
        )
    import uvicorn
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.core.asgi import get_asgi_application
    from django.db import connections

    # As config/asgi.py does: each request's thread closes its connection at the end.
    connections.settings["default"]["CONN_MAX_AGE"] = 0
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        ASGIStaticFilesHandler(get_asgi_application()),
        host="127.0.0.1",
        port=port,
        lifespan="off",
        log_level="warning",
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=5)
        with connection.cursor() as cursor:  # what the server's threads left open
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


def _count_requests(page: Any, fragment: str) -> list[str]:
    seen: list[str] = []
    page.on(
        "request", lambda request: seen.append(request.url) if fragment in request.url else None
    )
    return seen


def test_four_delegates_and_the_console_follow_a_secret_vote_without_polling(
    new_page: Callable[..., Any], asgi_server: str, live: Any, officer: Any
) -> None:
    from playwright.sync_api import expect

    open_with_quorum(officer, live, n=4)
    motion = table_motion(officer, live)
    pk = live.session.pk
    voters = live.full[:4]

    console = new_page("en-US", base_url=asgi_server)
    login(console, officer.email, lang="en")
    console.goto(f"/en/sessions/{pk}/console/")
    console_polls = _count_requests(console, "/console/state/")
    phones = []
    for inst in voters:
        phone = new_page("en-US", base_url=asgi_server)
        phone.set_viewport_size({"width": 390, "height": 844})
        login(phone, live.users[inst.pk].email, lang="en")
        phone.goto(f"/en/sessions/{pk}/live/")
        phones.append(phone)
    phone_polls = [_count_requests(phone, "/live/state/") for phone in phones]
    for page in [console, *phones]:
        expect(page.locator("[data-live-status]")).to_have_attribute("data-state", "ok")
        page.evaluate("window.__notReloaded = true")

    # Quiet: nothing changes, nothing is asked.
    time.sleep(2.5)
    assert console_polls == [] and all(p == [] for p in phone_polls)

    # The vote opens: every phone shows the ballot, the console the progress.
    vote = vote_services.vote_open(actor=officer, motion=motion, method=Vote.Method.SECRET)
    for phone in phones:
        expect(phone.locator(".ballot-buttons")).to_be_visible(timeout=PUSH_SECONDS)
    expect(console.locator("#console-live")).to_contain_text(
        "0 of 4 have voted", timeout=PUSH_SECONDS
    )
    for page in [console, *phones]:
        assert page.evaluate("window.__notReloaded === true"), "the page was reloaded"
    axe_check(phones[0])

    # Each delegate votes on their phone; the console counts without reloading.
    for n, phone in enumerate(phones):
        phone.locator(".ballot-buttons button[value=yes]").first.click()
        expect(phone.locator(".ballot-recorded")).to_be_visible()
        expect(console.locator("#console-live")).to_contain_text(
            f"{n + 1} of 4 have voted", timeout=PUSH_SECONDS
        )
    assert console.evaluate("window.__notReloaded === true")
    for phone in phones:  # the ballot's answer is a page of its own: mark the new one
        phone.evaluate("window.__notReloaded = true")

    # The vote closes: every page shows the result.
    vote_services.vote_close(actor=officer, vote=vote)
    for page in [console, *phones]:
        expect(page.locator(".live")).to_contain_text("Carried", timeout=PUSH_SECONDS)
        assert page.evaluate("window.__notReloaded === true"), "the page was reloaded"
    axe_check(console)

    # And quiet again: the pages asked only when told.
    asked = len(console_polls) + sum(len(p) for p in phone_polls)
    time.sleep(2.5)
    assert len(console_polls) + sum(len(p) for p in phone_polls) == asked
