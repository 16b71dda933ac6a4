"""Server push (decision 0011): the event stream of a session's open pages, through its view
under ASGI (Django's AsyncClient): a change reaches a connected page, a page that reconnects
catches up from its last event id, and nothing reaches a page that may not see it."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.db import connections
from django.test import AsyncClient, Client

from secretariat.conftest import client_for
from secretariat.core import push
from secretariat.governance.models import Session, Vote
from secretariat.governance.selectors.console import live_id, live_version
from secretariat.governance.services import attendance as attendance_services
from secretariat.governance.services import votes as vote_services
from secretariat.governance.tests.live_world import (
    fresh,
    live_fixture,  # noqa: F401  (the `live` fixture)
    open_with_quorum,
    table_motion,
    url,
)

# The stream reads the database from the hub's thread: the data must be committed.
pytestmark = pytest.mark.django_db(transaction=True)

EVENT_DATA = re.compile(r'^\{"version": "[0-9.]+"\}$')


class Stream:
    """An open event stream: its frames as the browser's EventSource would parse them. A
    task reads the response into a queue (cancelling a read would end the stream)."""

    def __init__(self, response: Any) -> None:
        self.response = response
        self.chunks: AsyncIterator[bytes] = aiter(response.streaming_content)
        self.queue: asyncio.Queue[bytes | None] = asyncio.Queue()
        self.reader = asyncio.get_running_loop().create_task(self._read())
        self.buffer = ""

    async def _read(self) -> None:
        try:
            async for chunk in self.chunks:
                await self.queue.put(chunk)
        finally:
            await self.queue.put(None)

    async def next_event(self, timeout: float = 3.0) -> dict[str, str] | None:
        """The next event (id, event, data), or None when none comes within `timeout`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            while "\n\n" in self.buffer:
                frame, self.buffer = self.buffer.split("\n\n", 1)
                fields = dict(line.split(": ", 1) for line in frame.splitlines() if ": " in line)
                if "event" in fields:
                    return fields
            remaining = deadline - loop.time()
            if remaining <= 0:
                return None
            try:
                chunk = await asyncio.wait_for(self.queue.get(), remaining)
            except TimeoutError:
                return None
            if chunk is None:
                return None
            self.buffer += chunk.decode()

    async def close(self) -> None:
        self.reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.reader


async def open_stream(client: Client, path: str, **headers: str) -> Stream:
    async_client = AsyncClient()
    async_client.cookies = client.cookies
    response = await async_client.get(path, headers=headers)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/event-stream"
    return Stream(response)


def events_url(session: Session, panel: str, last: str = "") -> str:
    path = url("session-events", pk=session.pk) + f"?panel={panel}"
    return path + (f"&last={last}" if last else "")


def current_id(session: Session, panel: str, user: Any = None) -> str:
    version = live_version(session.pk, getattr(user, "pk", None))
    assert version is not None
    return live_id(version, panel)


def run(scenario: Callable[[], Any]) -> Any:
    """Run the scenario in a thread of its own: the browser tests leave an event loop in the
    main thread of a test process (Playwright's), where async_to_sync refuses to run."""

    def in_thread() -> Any:
        try:
            return async_to_sync(scenario)()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(in_thread).result()


def test_a_change_reaches_a_connected_console_at_once(live, officer):
    open_with_quorum(officer, live)
    client = client_for(officer)
    page = client.get(url("console", pk=live.session.pk))  # the console as first shown
    etag = page.context["etag"]
    shown = page.context["live_id"]
    assert shown == current_id(live.session, "c")
    late = live.full[5]

    async def scenario() -> tuple[dict[str, str] | None, dict[str, str] | None, float]:
        stream = await open_stream(client, events_url(live.session, "c", shown))
        try:
            quiet = await stream.next_event(timeout=0.6)  # nothing changed: nothing sent
            started = asyncio.get_running_loop().time()
            await sync_to_async(attendance_services.attendance_mark)(
                actor=officer, participant=live.heads[late.pk], present=True
            )
            event = await stream.next_event(timeout=3.0)
            return quiet, event, asyncio.get_running_loop().time() - started
        finally:
            await stream.close()

    quiet, event, delay = run(scenario)
    assert quiet is None
    assert event is not None, "no event within 3 s of the change"
    assert event["event"] == "change"
    assert event["id"] == current_id(live.session, "c") != shown
    assert EVENT_DATA.match(event["data"]), event["data"]
    assert json.loads(event["data"]) == {"version": event["id"]}
    assert delay < 1.0  # poked in this process on commit, not found by the periodic read
    # The page then asks for its panel with the ETag it showed: it gets the new one.
    response = client.get(url("console-state", pk=live.session.pk), headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert f".r{event['id'].split('.')[0]}." in response["ETag"]


def test_a_page_that_reconnects_catches_up_from_its_last_event_id(live, officer):
    open_with_quorum(officer, live)
    client = client_for(officer)
    before = current_id(live.session, "c")
    # While the page was disconnected, two changes were made.
    for inst in live.full[4:6]:
        attendance_services.attendance_mark(
            actor=officer, participant=live.heads[inst.pk], present=True
        )
    after = current_id(live.session, "c")
    assert after != before

    async def scenario() -> tuple[dict[str, str] | None, dict[str, str] | None]:
        # The browser reconnects with the id of the last event it received.
        stream = await open_stream(
            client, events_url(live.session, "c", "0.0.0"), **{"Last-Event-ID": before}
        )
        try:
            first = await stream.next_event(timeout=1.0)
            again = await stream.next_event(timeout=0.6)
            return first, again
        finally:
            await stream.close()

    first, again = run(scenario)
    assert first is not None and first["id"] == after  # at once, the latest version
    assert again is None  # and nothing twice

    async def up_to_date() -> dict[str, str] | None:
        stream = await open_stream(client, events_url(live.session, "c", after))
        try:
            return await stream.next_event(timeout=0.6)
        finally:
            await stream.close()

    assert run(up_to_date) is None  # a page already up to date is sent nothing


def test_secret_ballots_reach_the_console_but_no_delegate_or_public_page(live, officer):
    open_with_quorum(officer, live)
    motion = table_motion(officer, live)
    vote = vote_services.vote_open(actor=officer, motion=motion, method=Vote.Method.SECRET)
    voters = live.full[:3]
    delegate = live.users[live.full[3].pk]
    console, own = client_for(officer), client_for(delegate)
    public = Client()
    session = fresh(live.session)
    paths = {
        name: events_url(session, panel, current_id(session, panel))
        for name, panel in (("console", "c"), ("delegate", "d"), ("public", "p"))
    }

    async def scenario() -> dict[str, list[dict[str, str]]]:
        streams = {
            "console": await open_stream(console, paths["console"]),
            "delegate": await open_stream(own, paths["delegate"]),
            "public": await open_stream(public, paths["public"]),
        }
        seen: dict[str, list[dict[str, str]]] = {name: [] for name in streams}
        try:
            for n, inst in enumerate(voters):
                await sync_to_async(vote_services.ballot_cast)(
                    user=live.users[inst.pk],
                    vote=vote,
                    unit_key=f"i{inst.pk}",
                    choice=["yes", "no", "yes"][n],
                )
            for name, stream in streams.items():
                while (event := await stream.next_event(timeout=0.8)) is not None:
                    seen[name].append(event)
            # Closing the vote changes every page: each is told, with nothing but a version.
            await sync_to_async(vote_services.vote_close)(actor=officer, vote=vote)
            for name, stream in streams.items():
                event = await stream.next_event(timeout=3.0)
                assert event is not None, f"{name} not told that the vote closed"
                seen[name].append(event)
        finally:
            for stream in streams.values():
                await stream.close()
        return seen

    seen = run(scenario)
    assert seen["console"][-2]["id"].endswith(".3")  # the console follows the 3 receipts
    assert len(seen["delegate"]) == 1 and len(seen["public"]) == 1  # only the closing
    for events in seen.values():
        for event in events:
            assert EVENT_DATA.match(event["data"]), event["data"]  # no tally, no name


def test_no_stream_for_a_session_in_preparation_or_a_panel_not_ones_own(live, officer, rep_a):
    draft = fresh(live.session)
    Session.objects.filter(pk=draft.pk).update(state=Session.State.DRAFT)

    async def status(client: Client, path: str) -> int:
        async_client = AsyncClient()
        async_client.cookies = client.cookies
        response = await async_client.get(path)
        if response.streaming:
            await aiter(response.streaming_content).aclose()  # type: ignore[attr-defined]
        return int(response.status_code)

    def status_of(client: Client, panel: str) -> int:
        async def check() -> int:
            return await status(client, events_url(draft, panel))

        return int(run(check))

    assert status_of(Client(), "p") == 404  # the public does not know it exists
    assert status_of(client_for(live.users[live.full[0].pk]), "d") == 404
    assert status_of(client_for(officer), "c") == 200  # the Secretariat prepares it
    Session.objects.filter(pk=draft.pk).update(state=Session.State.CONVENED)
    assert status_of(client_for(rep_a), "c") == 403  # the console is the Secretariat's
    assert status_of(Client(), "c") in (302, 403)
    assert status_of(Client(), "x") == 404


def test_a_change_made_by_another_process_is_found_by_the_periodic_read(live, officer, settings):
    """Without Redis the database is the broker: a change that pokes no hub of this process
    (made by another process) is still seen within the poll interval."""
    settings.SECRETARIAT_LIVE_POLL_SECONDS = 0.2
    open_with_quorum(officer, live)
    client = client_for(officer)
    shown = current_id(live.session, "c")

    async def scenario() -> dict[str, str] | None:
        stream = await open_stream(client, events_url(live.session, "c", shown))
        try:
            await stream.next_event(timeout=0.3)
            # Another process's change: the revision moves, no publish in this one.
            await sync_to_async(
                lambda: Session.objects.filter(pk=live.session.pk).update(
                    revision=fresh(live.session).revision + 1
                )
            )()
            return await stream.next_event(timeout=2.0)
        finally:
            await stream.close()

    event = run(scenario)
    assert event is not None and event["id"] == current_id(live.session, "c")


def test_under_a_wsgi_server_the_stream_answers_once_and_the_browser_asks_again(live, officer):
    """A WSGI server has no loop to wait in: the stream says what the page missed, if
    anything, and ends; EventSource reconnects after the `retry` it was given."""
    open_with_quorum(officer, live)
    client = client_for(officer)
    now = current_id(live.session, "c")

    def body(last: str) -> str:
        response = client.get(events_url(live.session, "c", last))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/event-stream"
        return b"".join(response.streaming_content).decode()  # type: ignore[arg-type]

    behind = body("0.0.0")
    assert behind.startswith(f"retry: {push.WSGI_RETRY_MS}\n")
    assert f"id: {now}\nevent: change\n" in behind
    assert "event:" not in body(now)


def test_the_live_pages_name_their_stream_and_the_version_they_show(live, officer):
    open_with_quorum(officer, live)
    motion = table_motion(officer, live)
    vote = vote_services.vote_open(actor=officer, motion=motion, method=Vote.Method.SECRET)
    session = fresh(live.session)
    delegate = client_for(live.users[live.full[0].pk])
    staff = client_for(officer)
    stream = url("session-events", pk=session.pk)

    def live_attrs(client: Client, path: str) -> tuple[str, str] | None:
        html = client.get(path).content.decode()
        found = re.search(r'data-live-stream="([^"]+)"\s+data-live-id="([^"]+)"', html)
        return (found[1].replace("&amp;", "&"), found[2]) if found else None

    pages = {
        "console": (staff, url("console", pk=session.pk), "c", None),
        "delegate": (delegate, url("my-session", pk=session.pk), "d", live.users[live.full[0].pk]),
        "vote, staff": (staff, url("vote-detail", vote_pk=vote.pk), "c", None),
        "vote, delegate": (delegate, url("vote-detail", vote_pk=vote.pk), "d", None),
        "attendance": (staff, url("attendance", pk=session.pk), "c", None),
        "session page, public": (Client(), url("session-detail", pk=session.pk), "p", None),
    }
    for name, (client, path, panel, user) in pages.items():
        assert live_attrs(client, path) == (
            f"{stream}?panel={panel}",
            current_id(session, panel, user),
        ), name

    # A closed session's pages hold no stream: nothing will change.
    vote_services.vote_close(actor=officer, vote=vote)
    Session.objects.filter(pk=session.pk).update(state=Session.State.CLOSED)
    for client, path in [
        (staff, url("vote-detail", vote_pk=vote.pk)),
        (staff, url("attendance", pk=session.pk)),
        (Client(), url("session-detail", pk=session.pk)),
    ]:
        assert live_attrs(client, path) is None, path
