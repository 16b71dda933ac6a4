"""Server push across processes (issue #10, decision 0011): two ASGI servers, each its own
process, on one database and one Redis. A page held open on one process is told at once of a
change made through the other: the change is published on Redis, not found by the periodic
read (set to 30 s here, so that only Redis can explain an event within a second).

The servers are gunicorn with one uvicorn worker each, as in production, on two ports. SQLite
only, as tests/test_processes.py (the servers need a database file).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import queue
import re
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from secretariat.conftest import client_for
from secretariat.governance.models import Participant, Session
from secretariat.governance.services import console as console_services
from secretariat.governance.tests.conftest import (  # noqa: F401  (fixtures)
    organs,
    session_world,
    today,
)
from secretariat.governance.tests.live_world import live_fixture  # noqa: F401  (`live`)
from secretariat.tests.test_processes import HOST, database_file, free_port, gunicorn, server_env

REDIS_DB = 13  # a database of the local Redis of its own, emptied first


def redis_up() -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", 6379), 1):
        return True
    return False


pytestmark = [
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="the servers share a SQLite database file",
    ),
    pytest.mark.skipif(not redis_up(), reason="no Redis on 127.0.0.1:6379"),
]


@contextlib.contextmanager
def event_reader(port: int, path: str, cookie: str = "") -> Iterator[queue.Queue[str]]:
    """An open event stream on `port`; each event's id arrives on the queue."""
    events: queue.Queue[str] = queue.Queue()
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = conn.getresponse()
    assert response.status == 200, response.status
    assert response.getheader("Content-Type") == "text/event-stream"

    def read() -> None:
        # Until the test closes the connection (the reads then fail, one way or another).
        with contextlib.suppress(OSError, ValueError, AttributeError, http.client.HTTPException):
            frame: list[str] = []
            while line := response.readline():
                text = line.decode().rstrip("\n")
                if text:
                    frame.append(text)
                    continue
                fields = dict(f.split(": ", 1) for f in frame if ": " in f)
                if fields.get("event") == "change":
                    events.put(fields["id"])
                frame = []

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    try:
        yield events
    finally:
        with contextlib.suppress(OSError):
            conn.sock.shutdown(socket.SHUT_RDWR)  # type: ignore[union-attr]
        conn.close()
        thread.join(timeout=5)


def request(port: int, method: str, path: str, cookie: str, body: str = "") -> tuple[int, str]:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    conn.request(method, path, body=body or None, headers=headers)
    response = conn.getresponse()
    return response.status, response.read().decode()


@pytest.mark.django_db(transaction=True)
def test_a_change_on_one_process_reaches_a_page_held_open_on_the_other(
    live, officer, tmp_path: Path
):
    import redis

    redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB).flushdb()
    console_services.session_open(actor=officer, session=live.session)
    staff = client_for(officer)  # a signed-in staff session, saved in the database
    staff.get(f"/en/sessions/{live.session.pk}/attendance/")  # the CSRF cookie
    cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in staff.cookies.items())
    token = staff.cookies["csrftoken"].value
    late: Participant = live.heads[live.full[0].pk]

    env = server_env(database_file(tmp_path), tmp_path) | {
        "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
        "LIVE_POLL_SECONDS": "30",
    }
    a, b = free_port(), free_port()
    shown = Session.objects.get(pk=live.session.pk).revision  # what the page shows
    stream = f"/en/sessions/{live.session.pk}/events/?panel=p&last={shown}"
    worker = ["-k", "uvicorn_worker.UvicornWorker"]
    with (
        gunicorn(env, [a, b], app="config.asgi:application", extra=worker),
        event_reader(b, stream) as on_b,
        event_reader(a, stream) as on_a,
    ):
        time.sleep(0.5)  # both streams are watched by their process's hub
        assert on_a.empty() and on_b.empty()
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "participant": late.pk, "present": "1"}
        )
        status, page = request(
            a, "POST", f"/en/sessions/{live.session.pk}/attendance/mark/", cookie, body
        )
        assert status in (200, 302), (status, page[:300])
        marked = time.monotonic()
        on_b_id = on_b.get(timeout=5)
        seen_after = time.monotonic() - marked
        on_a_id = on_a.get(timeout=5)
    assert re.fullmatch(r"\d+", on_b_id)
    assert int(on_b_id) > shown and on_a_id == on_b_id
    assert seen_after < 2.0, f"the other process was told after {seen_after:.2f} s"
