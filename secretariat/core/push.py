"""Server push: live pages are told when what they show has changed (decision 0011).

The event carries no content. It says that a *topic* (``"session:42"``) moved to a new
*version*, read from the database (for a session: its revision, the latest change of
members' standing and the receipts of an open secret ballot). The page then asks for its
panel again, through the same permission-checked view and ETag as before; so nothing
reaches a page that the page's own request could not read, and a stream needs no
permission logic of its own beyond the check made when it connects.

Three parts:

- ``publish(topic)``, called by services inside their transaction (``touch_session`` does
  it for every session change). After the commit it pokes this process's hub at once and,
  when ``REDIS_URL`` is set, publishes the topic on Redis (``secretariat:live``), so that
  every other process wakes at once too.
- ``Hub``, one per process and event loop: the topics that open streams watch, and their
  latest versions. It reads them from the database in one query per kind of topic when
  poked, and every ``SECRETARIAT_LIVE_POLL_SECONDS`` anyway (0.25 s without Redis: that
  read *is* the embedded broker, shared by every process on one database; 5 s with Redis:
  a safety net, since Redis pub/sub forgets what it sends to a process that is
  reconnecting). Reads are batched: a burst of pokes (a thousand ballots) costs one read
  per ``COALESCE_SECONDS``.
- ``event_stream``: the ``text/event-stream`` response of one open page. It sends the
  version at once if it differs from the one the page was rendered with (the page's
  ``Last-Event-ID``, or ``?last=`` on the first connection: a page that reconnects after
  missing changes catches up at once), then one event per change, at most one every
  ``MIN_GAP_SECONDS`` (later changes in the gap are merged into one: the page fetches the
  latest state anyway), a comment every ``KEEPALIVE_SECONDS`` so that proxies keep the
  connection, and closes after ``MAX_STREAM_SECONDS`` so that the browser reconnects and
  the permission is checked again.

Apps register a reader per kind of topic (``register_reader("session", fn)``); core knows
no app.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.db import close_old_connections, connections, transaction
from django.http import HttpRequest, StreamingHttpResponse

logger = logging.getLogger(__name__)

CHANNEL = "secretariat:live"
ALL = "*"  # a change that every topic may show (a member's standing)
COALESCE_SECONDS = 0.05
MIN_GAP_SECONDS = 0.3
KEEPALIVE_SECONDS = 15.0
MAX_STREAM_SECONDS = 300.0
RETRY_MS = 1000
WSGI_RETRY_MS = 2000

Version = tuple[int, ...]
Reader = Callable[[list[int]], dict[int, Version]]

_readers: dict[str, Reader] = {}


def register_reader(kind: str, reader: Reader) -> None:
    """``reader(keys)`` returns the current version of each ``"<kind>:<key>"`` topic that
    exists, in one query; called in a thread (it is synchronous ORM code)."""
    _readers[kind] = reader


def topic_name(kind: str, key: int) -> str:
    return f"{kind}:{key}"


def _split(topic: str) -> tuple[str, int]:
    kind, _sep, key = topic.partition(":")
    return kind, int(key)


# --- Publishing -----------------------------------------------------------------------------


def _redis_url() -> str:
    return str(getattr(settings, "SECRETARIAT_LIVE_REDIS_URL", "") or "")


_redis_clients: dict[str, Any] = {}
_redis_lock = threading.Lock()


def _redis_client(url: str) -> Any:
    with _redis_lock:
        client = _redis_clients.get(url)
        if client is None:
            import redis

            client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
            _redis_clients[url] = client
        return client


def _send(topic: str) -> None:
    for hub in list(_hubs.values()):
        hub.poke_threadsafe(topic)
    url = _redis_url()
    if url:
        try:
            _redis_client(url).publish(CHANNEL, topic)
        except Exception:  # the change is saved; pages see it at the next poll instead
            logger.warning("live event for %s not published on Redis", topic, exc_info=True)


def publish(topic: str) -> None:
    """Tell the open pages of ``topic`` (or of every topic: ``ALL``) that it changed, once
    the current transaction commits (nothing is said of a change rolled back)."""
    transaction.on_commit(lambda: _send(topic))


# --- The hub of a process -------------------------------------------------------------------


def _read_closing(reader: Reader, keys: list[int]) -> dict[int, Version]:
    """A read outside any request: the connection is checked before (a database restarted
    since) and given back after (closed, or to the pool), as a request's would be."""
    close_old_connections()
    try:
        return reader(keys)
    finally:
        close_old_connections()


def _give_back_connections() -> None:
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close()


@dataclass
class _Topic:
    version: Version | None = None
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    watchers: int = 0


class Hub:
    """The topics watched by the open streams of this process, and their latest versions."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.topics: dict[str, _Topic] = {}
        self.dirty: set[str] = set()
        self.wake = asyncio.Event()
        self.reads = 0  # database reads made (for tests and benchmarks)
        self.task: asyncio.Task[None] | None = None
        self.redis_task: asyncio.Task[None] | None = None

    # Called from any thread (a service's commit): wake the hub in its own loop.
    def poke_threadsafe(self, topic: str) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is closed
            self.loop.call_soon_threadsafe(self.poke, topic)

    def poke(self, topic: str) -> None:
        if topic == ALL:
            self.dirty.update(self.topics)
        elif topic in self.topics:
            self.dirty.add(topic)
        else:
            return
        self.wake.set()

    def start(self) -> None:
        if self.task is None or self.task.done():
            self.task = self.loop.create_task(self._run(), name="live-hub")
        url = _redis_url()
        if url and (self.redis_task is None or self.redis_task.done()):
            self.redis_task = self.loop.create_task(self._listen(url), name="live-hub-redis")

    async def watch(self, topic: str) -> _Topic:
        """Start watching ``topic``: its version is read now (the caller compares it with
        what the page shows)."""
        entry = self.topics.get(topic)
        if entry is None:
            entry = self.topics[topic] = _Topic()
        entry.watchers += 1
        if entry.version is None:
            versions = await self._read([topic])
            entry.version = versions.get(topic)
        self.start()
        return entry

    def unwatch(self, topic: str) -> None:
        entry = self.topics.get(topic)
        if entry is None:
            return
        entry.watchers -= 1
        if entry.watchers <= 0:
            del self.topics[topic]
            self.dirty.discard(topic)

    async def _read(self, topics: Iterable[str]) -> dict[str, Version]:
        by_kind: dict[str, list[int]] = {}
        for topic in topics:
            kind, key = _split(topic)
            by_kind.setdefault(kind, []).append(key)
        found: dict[str, Version] = {}
        for kind, keys in by_kind.items():
            reader = _readers.get(kind)
            if reader is None:
                continue
            self.reads += 1
            versions = await sync_to_async(_read_closing, thread_sensitive=True)(reader, keys)
            found.update({topic_name(kind, k): v for k, v in versions.items()})
        return found

    async def refresh(self, topics: Iterable[str]) -> None:
        """Read the topics' versions and wake the streams of those that changed."""
        wanted = [t for t in topics if t in self.topics]
        if not wanted:
            return
        versions = await self._read(wanted)
        for topic in wanted:
            entry = self.topics.get(topic)
            new = versions.get(topic)
            if entry is None or new == entry.version:
                continue
            entry.version = new
            previous, entry.changed = entry.changed, asyncio.Event()
            previous.set()

    async def _run(self) -> None:
        while self.topics:
            interval = float(settings.SECRETARIAT_LIVE_POLL_SECONDS)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), timeout=interval)
            woken = self.wake.is_set()
            if woken:
                await asyncio.sleep(COALESCE_SECONDS)  # one read for a burst of changes
            self.wake.clear()
            topics = set(self.dirty) if woken else set(self.topics)
            self.dirty.clear()
            try:
                await self.refresh(topics)
            except Exception:  # a database hiccup must not end live updates for good
                logger.warning("live hub: reading versions failed", exc_info=True)
                await asyncio.sleep(interval)
        self.task = None

    async def _listen(self, url: str) -> None:
        """Follow Redis (every process publishes there): reconnect until there is nothing to
        watch; what is missed while reconnecting is caught by the periodic read."""
        import redis.asyncio as aioredis

        while self.topics:
            client = aioredis.Redis.from_url(url)
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    while self.topics:
                        message = await pubsub.get_message(
                            ignore_subscribe_messages=True, timeout=1.0
                        )
                        if message is not None:
                            data = message.get("data")
                            if isinstance(data, bytes):
                                data = data.decode("ascii", "replace")
                            self.poke(str(data))
            except Exception:
                logger.warning("live hub: Redis connection lost, retrying", exc_info=True)
                await asyncio.sleep(1.0)
            finally:
                with contextlib.suppress(Exception):
                    await client.aclose()
        self.redis_task = None


_hubs: dict[int, Hub] = {}


def hub() -> Hub:
    """This event loop's hub (one per process in production: one loop per worker)."""
    loop = asyncio.get_running_loop()
    found = _hubs.get(id(loop))
    if found is None or found.loop is not loop:
        for key, old in list(_hubs.items()):
            if old.loop.is_closed():
                del _hubs[key]
        found = _hubs[id(loop)] = Hub(loop)
    return found


# --- The stream of one page -----------------------------------------------------------------


def version_label(part: Version) -> str:
    """How a stream names a version (its event id), and how a page states the version it
    shows (``data-live-id``): the parts joined with dots."""
    return ".".join(str(p) for p in part)


def _frame(event_id: str, data: dict[str, Any]) -> bytes:
    return f"id: {event_id}\nevent: change\ndata: {json.dumps(data)}\n\n".encode()


async def _events(
    topic: str, shown: Callable[[Version], Version], last_id: str
) -> AsyncIterator[bytes]:
    # The view's database connection (its request thread's) is given back before the stream
    # waits: held for the stream's life (up to MAX_STREAM_SECONDS), it emptied the pool of
    # DATABASE_POOL=true with a few dozen open pages (issue #10, bench/push_latency.py).
    await sync_to_async(_give_back_connections, thread_sensitive=True)()
    the_hub = hub()
    entry = await the_hub.watch(topic)
    try:
        yield f"retry: {RETRY_MS}\n: connected\n\n".encode()
        sent = last_id
        started = time.monotonic()
        last_sent_at = 0.0
        while True:
            if entry.version is None:  # the topic is gone (a session that no longer exists)
                return
            current = version_label(shown(entry.version))
            if current != sent:
                gap = MIN_GAP_SECONDS - (time.monotonic() - last_sent_at)
                if gap > 0:
                    await asyncio.sleep(gap)
                    continue  # the version may have moved on again: send the latest
                yield _frame(current, {"version": current})
                sent, last_sent_at = current, time.monotonic()
            remaining = MAX_STREAM_SECONDS - (time.monotonic() - started)
            if remaining <= 0:
                return
            try:
                await asyncio.wait_for(
                    entry.changed.wait(), timeout=min(KEEPALIVE_SECONDS, remaining)
                )
            except TimeoutError:
                yield b": keepalive\n\n"
    finally:
        the_hub.unwatch(topic)


def _once(topic: str, shown: Callable[[Version], Version], last_id: str) -> list[bytes]:
    """Under a WSGI server (a thread per request, no event loop to wait in): one read, the
    event if the page is behind, and the stream ends; the browser reconnects after
    ``WSGI_RETRY_MS``. Live pages then follow changes every few seconds instead of at once."""
    kind, key = _split(topic)
    reader = _readers.get(kind)
    version = reader([key]).get(key) if reader is not None else None
    frames = [f"retry: {WSGI_RETRY_MS}\n: no server push under WSGI\n\n".encode()]
    if version is not None and (current := version_label(shown(version))) != last_id:
        frames.append(_frame(current, {"version": current}))
    return frames


def event_stream(
    request: HttpRequest,
    *,
    topic: str,
    shown: Callable[[Version], Version],
    last_id: str,
) -> StreamingHttpResponse:
    """The ``text/event-stream`` of one open page of ``topic``.

    ``shown(version)`` keeps the part of the topic's version that this page shows (a
    delegate's page does not follow the count of ballots); an event is sent when it differs
    from what the page shows (``last_id``: the ``Last-Event-ID`` header or ``?last=``).
    Call it only after the viewer's permission for the page was checked.
    """
    last_id = last_id[:100]
    if isinstance(request, ASGIRequest):
        content: Any = _events(topic, shown, last_id)
    else:
        content = _once(topic, shown, last_id)
    response = StreamingHttpResponse(content, content_type="text/event-stream")
    response["Cache-Control"] = "private, no-cache, no-transform"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response
