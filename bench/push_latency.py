#!/usr/bin/env python3
"""From a change to the screen with server push (issue #10): every live page holds the
session's event stream and asks for its panel again on each event, as console.js does.

Not a test of the suite: run it by hand.

    .venv/bin/python bench/push_latency.py                      # SQLite, 300 delegates
    .venv/bin/python bench/push_latency.py --voters 1000 --delegates 1000
    .venv/bin/python bench/push_latency.py --modes redis --redis-url redis://127.0.0.1:6379/7
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/secretariat_bench_push \\
        .venv/bin/python bench/push_latency.py --modes redis

Steps, on a database of its own (var/bench-push.sqlite3, or --database-url: PostgreSQL, its
name must contain "bench": it is dropped and created again):
  1. bench/console_poll.py's setup: migrate, seed_ciss, seed_session_scale (the open General
     Assembly session No. 901 with --voters present, accredited heads of delegation), a secret
     ballot opened; logged-in sessions made in the session store for the staff account and
     the delegates (one account per delegate client while there are enough voters);
  2. for each --modes entry: the ASGI server, gunicorn with 4 uvicorn workers, DEBUG=false
     ("plain": no Redis, each process's hub reads the database every 0.25 s; "redis":
     REDIS_URL set, its database emptied first, changes published on Redis);
  3. for each --delegates count: that many delegate clients and --consoles console clients
     in one asyncio process (no thread per client). Each holds one event stream
     (`/es/sessions/<pk>/events/?panel=d|c`, raw HTTP/1.1 on loopback, reconnecting with
     Last-Event-ID like EventSource) and on each `change` event asks for its panel
     (`live/state/` or `console/state/`) with If-None-Match and its session cookie: one
     request at a time, one more after it when another event came meanwhile (console.js);
  4. once every client shows its first panel, the staff client makes --changes changes
     (`attendance-mark`, 2–3 s apart). For each change and each client: seconds from the
     POST's answer to the event, and to the client's first panel (200, new ETag) that shows
     the change's revision or a later one. A client that never shows it has missed it;
  5. the server's CPU (utime + stime of gunicorn's processes, from /proc) and the client's;
  6. a Markdown report on stdout and in bench/results/push-<engine>.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from console_poll import (  # bench/console_poll.py: the same session, staff and change
    SETUP_SNIPPET,
    STAFF_EMAIL,
    flip,
    revision_of,
    toggle,
)
from run import GUNICORN  # bench/run.py
from sessions_common import (
    HOST,
    ROOT,
    VAR,
    cpu_calibration_ms,
    django_json,
    engine_name,
    environment,
    fresh_database,
    git_commit,
    login_sessions,
    machine_line,
    manage,
    percentile,
    port_is_free,
    prime,
    stop_gunicorn,
    wait_until_up,
)

RESULTS = ROOT / "bench" / "results"
OLD_POLLING = "8.7 s p95 (delegate, 300 delegates + 4 consoles polling once a second, SQLite, gunicorn 4 sync workers; decision 0007)"
CLK_TCK = os.sysconf("SC_CLK_TCK")
READ_LIMIT = 1 << 20


# --- The server ------------------------------------------------------------------------------


def start_asgi(env: dict[str, str], port: int, log_path: Path) -> subprocess.Popen[bytes]:
    """gunicorn with 4 uvicorn workers, in its own process group (bench/run.py stops it)."""
    log = log_path.open("wb")
    return subprocess.Popen(
        [
            str(GUNICORN),
            "config.asgi:application",
            "-k",
            "uvicorn_worker.UvicornWorker",
            "-w",
            "4",
            "-b",
            f"{HOST}:{port}",
            "--graceful-timeout",
            "5",
            "--timeout",
            "120",
        ],  # fmt: skip
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=log,
        start_new_session=True,
    )


def process_tree(root: int) -> list[int]:
    """The pid of `root` and of its descendants (gunicorn's master and workers)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime of the processes, in seconds (the threads' included)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / CLK_TCK


def session_revision(database_url: str, pk: int) -> int:
    """The session's revision, read from the database itself: asking the server (a console
    GET after each change, as console_poll.py does) would queue behind the panels' burst and
    space the changes out by as much as the server is late."""
    if database_url.startswith("sqlite:///"):
        import sqlite3

        with contextlib.closing(sqlite3.connect(database_url.removeprefix("sqlite:///"))) as db:
            row = db.execute("SELECT revision FROM governance_session WHERE id = ?", [pk])
            return int(row.fetchone()[0])
    import psycopg

    with psycopg.connect(database_url) as db:
        found = db.execute("SELECT revision FROM governance_session WHERE id = %s", [pk])
        return int(found.fetchone()[0])  # type: ignore[index]


def redis_flush(url: str) -> None:
    import redis  # the project's dependency

    redis.Redis.from_url(url).flushdb()


# --- A page: its event stream and its panel -------------------------------------------------


async def http_get(port: int, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
    """One GET on a connection of its own (Connection: close): status and headers."""
    reader, writer = await asyncio.open_connection(HOST, port, limit=READ_LIMIT)
    try:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n{head}Connection: close\r\n\r\n".encode()
        )
        data = await reader.read()  # to the end: the server closes after the answer
    finally:
        writer.close()
    status, found = parse_head(data.split(b"\r\n\r\n", 1)[0])
    return status, found


def parse_head(raw: bytes) -> tuple[int, dict[str, str]]:
    lines = raw.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    headers = {}
    for line in lines[1:]:
        name, _sep, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers


@dataclass
class Page:
    """One open live page: console.js's behaviour, recorded."""

    kind: str  # "c" (console) or "d" (delegate)
    port: int
    session: int
    cookie: str
    etag: str = ""
    last_id: str = ""
    busy: bool = False
    pending: bool = False
    events: list[tuple[float, int]] = field(default_factory=list)  # (when, revision)
    shown: list[tuple[float, int]] = field(default_factory=list)  # (when, revision) on 200
    statuses: dict[int, int] = field(default_factory=dict)
    fetch_ms: list[float] = field(default_factory=list)
    connects: int = 0
    stream_errors: int = 0
    load_errors: int = 0
    first_shown: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def panel_path(self) -> str:
        state = "console/state" if self.kind == "c" else "live/state"
        return f"/es/sessions/{self.session}/{state}/"

    async def open(self) -> None:
        """The page's load (its panel and ETag), tried again each second until it comes, then
        its EventSource: connect, read events, reconnect (with Last-Event-ID) when closed."""
        while not self.first_shown.is_set():
            await self._fetch()
            if not self.first_shown.is_set():
                self.load_errors += 1
                await asyncio.sleep(1.0)
        await self.follow()

    async def follow(self) -> None:
        retry = 1.0
        while True:
            try:
                retry = await self._stream(retry)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                self.stream_errors += 1
            await asyncio.sleep(retry)

    async def _stream(self, retry: float) -> float:
        path = f"/es/sessions/{self.session}/events/?panel={self.kind}&last={self.last_id}"
        reader, writer = await asyncio.open_connection(HOST, self.port, limit=READ_LIMIT)
        self.connects += 1
        try:
            extra = f"Last-Event-ID: {self.last_id}\r\n" if self.last_id else ""
            writer.write(
                f"GET {path} HTTP/1.1\r\nHost: {HOST}:{self.port}\r\nCookie: {self.cookie}\r\n"
                f"Accept: text/event-stream\r\nCache-Control: no-cache\r\n{extra}\r\n".encode()
            )
            status, headers = parse_head((await reader.readuntil(b"\r\n\r\n"))[:-4])
            if status != 200:
                self.stream_errors += 1
                return 5.0  # console.js: a refused stream is tried again after 5 s
            chunked = "chunked" in headers.get("transfer-encoding", "")
            buffer = b""
            async for data in body(reader, chunked):
                buffer += data.replace(b"\r\n", b"\n")
                while b"\n\n" in buffer:
                    block, buffer = buffer.split(b"\n\n", 1)
                    retry = self._dispatch(block.decode(), retry)
            return retry
        finally:
            writer.close()

    def _dispatch(self, block: str, retry: float) -> float:
        event, event_id = "message", None
        for line in block.split("\n"):
            name, _sep, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "event":
                event = value
            elif name == "id":
                event_id = value
            elif name == "retry" and value.isdigit():
                retry = int(value) / 1000
        if event_id is not None:
            self.last_id = event_id
        if event == "change":
            revision = int(event_id.split(".", 1)[0]) if event_id else -1
            self.events.append((time.perf_counter(), revision))
            self.refresh()
        return retry

    def refresh(self) -> None:
        if self.busy:
            self.pending = True
            return
        self.busy = True
        asyncio.get_running_loop().create_task(self._fetch_loop())

    async def _fetch_loop(self) -> None:
        try:
            while True:
                self.pending = False
                await self._fetch()
                if not self.pending:
                    break
        finally:
            self.busy = False

    async def _fetch(self) -> None:
        headers = {"Cookie": self.cookie, "HX-Request": "true", "X-Live-Poll": "1"}
        if self.etag:
            headers["If-None-Match"] = self.etag
        t0 = time.perf_counter()
        try:
            status, answer = await asyncio.wait_for(
                http_get(self.port, self.panel_path, headers), timeout=60
            )
        except (OSError, TimeoutError, ValueError):
            status, answer = 0, {}
        t1 = time.perf_counter()
        self.fetch_ms.append((t1 - t0) * 1000)
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if status == 200 and answer.get("etag"):
            self.etag = answer["etag"]
            self.shown.append((t1, revision_of(self.etag)))
            self.first_shown.set()


async def body(reader: asyncio.StreamReader, chunked: bool):  # type: ignore[no-untyped-def]
    """The body's bytes as they come (HTTP/1.1 chunked transfer coding undone)."""
    if not chunked:
        while data := await reader.read(65536):
            yield data
        return
    while True:
        size_line = await reader.readline()
        if not size_line:
            return
        size = int(size_line.split(b";")[0].strip() or b"0", 16)
        if size == 0:
            return
        yield (await reader.readexactly(size + 2))[:-2]


# --- One run: N delegates and the consoles follow --changes changes ----------------------------


@dataclass
class Run:
    mode: str
    delegates: int
    consoles: int
    changes: int = 0
    screen: dict[str, list[float]] = field(default_factory=dict)  # kind -> seconds
    event: dict[str, list[float]] = field(default_factory=dict)
    missed: int = 0
    missed_event: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    fetch_ms: list[float] = field(default_factory=list)
    post_ms: list[float] = field(default_factory=list)
    post_errors: int = 0
    connects: int = 0
    clients: int = 0
    stream_errors: int = 0
    load_errors: int = 0
    not_open: int = 0
    server_cpu: float = 0.0  # CPU-seconds per wall second during the changes
    client_cpu: float = 0.0
    seconds: float = 0.0
    first_panels_s: float = 0.0
    load: tuple[float, float, float] = (0.0, 0.0, 0.0)


def first_after(seen: list[tuple[float, int]], revision: int, done: float) -> float | None:
    """Seconds from `done` to the first panel or event showing `revision` or a later one; 0
    when it came before the POST's answer (the change is committed before its answer is
    sent: the push may arrive first when the server is busy)."""
    for when, shown in seen:
        if shown >= revision:
            return max(0.0, when - done)
    return None


async def run_one(
    port: int,
    info: dict,
    cookies: list[str],
    staff_cookie: str,
    database_url: str,
    *,
    mode: str,
    delegates: int,
    consoles: int,
    changes: int,
    server_pid: int,
) -> Run:
    session = info["session"]
    result = Run(mode=mode, delegates=delegates, consoles=consoles, load=os.getloadavg())
    pages = [Page("c", port, session, staff_cookie) for _ in range(consoles)]
    pages += [Page("d", port, session, cookies[i % len(cookies)]) for i in range(delegates)]
    result.clients = len(pages)
    started = time.perf_counter()
    tasks = []
    for n, page in enumerate(pages):  # pages opened 200 a second, not all at once
        tasks.append(asyncio.create_task(page.open()))
        if n % 50 == 49:
            await asyncio.sleep(0.25)
    with contextlib.suppress(TimeoutError):  # measured with the pages that did open
        await asyncio.wait_for(asyncio.gather(*(p.first_shown.wait() for p in pages)), timeout=300)
    result.first_panels_s = time.perf_counter() - started
    result.not_open = sum(not p.first_shown.is_set() for p in pages)
    pages = [p for p in pages if p.first_shown.is_set()]
    await asyncio.sleep(3.0)  # each stream connected, its first event's request answered
    for page in pages:
        page.events.clear()
        page.shown.clear()
    marks: list[tuple[int, float]] = []
    pids = process_tree(server_pid)
    cpu0, client0, wall0 = cpu_seconds(pids), time.process_time(), time.perf_counter()
    for n in range(changes):
        participant = info["toggle"][n % len(info["toggle"])]
        present = flip(info, participant)
        posted = time.perf_counter()
        status = await asyncio.to_thread(toggle, port, session, participant, present, staff_cookie)
        done = time.perf_counter()
        result.post_ms.append((done - posted) * 1000)
        if status != 302:  # not made (a 500 when the server is overwhelmed): not timed
            result.post_errors += 1
            flip(info, participant)
            await asyncio.sleep(random.uniform(2.0, 3.0))
            continue
        revision = await asyncio.to_thread(session_revision, database_url, session)
        marks.append((revision, done))
        await asyncio.sleep(random.uniform(2.0, 3.0))
    # The last change: every page has it, or 30 s have passed.
    for _ in range(300):
        if all(p.shown and p.shown[-1][1] >= marks[-1][0] for p in pages):
            break
        await asyncio.sleep(0.1)
    result.seconds = time.perf_counter() - wall0
    result.server_cpu = (cpu_seconds(pids) - cpu0) / result.seconds
    result.client_cpu = (time.process_time() - client0) / result.seconds
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await asyncio.sleep(0.5)
    result.changes = len(marks)
    for revision, done in marks:
        for page in pages:
            kind = "console" if page.kind == "c" else "delegate"
            seen = first_after(page.shown, revision, done)
            if seen is None:
                result.missed += 1
            else:
                result.screen.setdefault(kind, []).append(seen)
            heard = first_after(page.events, revision, done)
            if heard is None:
                result.missed_event += 1
            else:
                result.event.setdefault(kind, []).append(heard)
    for page in pages:
        result.fetch_ms.extend(page.fetch_ms)
        for status, n in page.statuses.items():
            result.statuses[status] = result.statuses.get(status, 0) + n
        result.connects += page.connects
        result.stream_errors += page.stream_errors
        result.load_errors += page.load_errors
    return result


def run_loop(coroutine):  # type: ignore[no-untyped-def]
    """asyncio.run, on uvloop when installed (uvicorn's dependency): the clients' own CPU time
    is taken from the server's CPUs, so the less the better."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


# --- Main ------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", ""),
        help="PostgreSQL URL (name containing 'bench'); SQLite when empty",
    )
    parser.add_argument(
        "--voters",
        type=int,
        default=0,
        help="members present, one account per delegate client (default: the most delegates)",
    )
    parser.add_argument(
        "--delegates", type=int, nargs="+", default=[300], help="delegate clients per run (300)"
    )
    parser.add_argument("--consoles", type=int, default=4, help="console clients (4)")
    parser.add_argument("--changes", type=int, default=20, help="changes timed per run (20)")
    parser.add_argument(
        "--modes",
        nargs="+",
        choices=["plain", "redis"],
        default=["plain", "redis"],
        help="servers: without Redis (the database is the broker), with Redis (both)",
    )
    parser.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379/7",
        help="Redis database of the benchmark's own: emptied first (redis://127.0.0.1:6379/7)",
    )
    parser.add_argument(
        "--pool",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="PostgreSQL: DATABASE_POOL=true (psycopg_pool, decision 0014; default)",
    )
    parser.add_argument("--port", type=int, default=8217)
    parser.add_argument(
        "--label", default="", help="added to the report's name: push-<engine>-<label>.md"
    )
    args = parser.parse_args()
    args.voters = args.voters or max(args.delegates)
    if not port_is_free(args.port):
        sys.exit(f"{HOST}:{args.port} is already in use; stop what listens there or pass --port")

    database_url = fresh_database(args.database_url, "bench-push.sqlite3")
    env = environment(database_url)
    env.pop("REDIS_URL", None)
    env.pop("LIVE_REDIS_URL", None)
    if engine_name(database_url) == "PostgreSQL" and args.pool:
        env["DATABASE_POOL"] = "true"
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "seed_ciss")
    manage(
        env, "seed_session_scale",
        "--items", "60", "--participants", "30", "--voters", str(args.voters),
    )  # fmt: skip
    manage(env, "collectstatic", "--no-input", "-v0")
    info = django_json(env, SETUP_SNIPPET, STAFF_EMAIL)
    keys = login_sessions(env, [STAFF_EMAIL, *info["delegates"][: max(args.delegates)]])
    staff_cookie = f"sessionid={keys[STAFF_EMAIL]}"
    cookies = [f"sessionid={keys[e]}" for e in info["delegates"] if e in keys]
    session = info["session"]
    runs: list[Run] = []
    for mode in args.modes:
        server_env = dict(env)
        if mode == "redis":
            redis_flush(args.redis_url)
            server_env["REDIS_URL"] = args.redis_url
        proc = None
        try:
            proc = start_asgi(server_env, args.port, VAR / f"bench-push-{mode}.log")
            wait_until_up(args.port, proc)
            prime(args.port, [f"/es/sessions/{session}/console/state/"], {"Cookie": staff_cookie})
            prime(args.port, [f"/es/sessions/{session}/live/state/"], {"Cookie": cookies[0]})
            for n in args.delegates:
                print(f"{mode}: {n} delegates + {args.consoles} consoles …", flush=True)
                run = run_loop(
                    run_one(
                        args.port,
                        info,
                        cookies,
                        staff_cookie,
                        database_url,
                        mode=mode,
                        delegates=n,
                        consoles=args.consoles,
                        changes=args.changes,
                        server_pid=proc.pid,
                    )  # fmt: skip
                )
                runs.append(run)
                print(summary_line(run), flush=True)
                write_report(args, database_url, info, runs)  # each run kept as it ends
        finally:
            stop_gunicorn(proc)

    text, out = write_report(args, database_url, info, runs)
    print()
    print(text)
    print(f"written to {out.relative_to(ROOT)}")
    return 0


def write_report(args, database_url, info, runs: list[Run]) -> tuple[str, Path]:  # type: ignore[no-untyped-def]
    text = report(args, database_url, info, runs)
    RESULTS.mkdir(parents=True, exist_ok=True)
    label = f"-{args.label}" if args.label else ""
    out = RESULTS / f"push-{engine_name(database_url).lower()}{label}.md"
    out.write_text(text, encoding="utf-8")
    return text, out


def _all(values: dict[str, list[float]]) -> list[float]:
    return [v for vs in values.values() for v in vs]


def _seconds(values: list[float]) -> str:
    if not values:
        return "— | — | —"
    return f"{percentile(values, 50):.2f} | {percentile(values, 95):.2f} | {max(values):.2f}"


def summary_line(run: Run) -> str:
    screen = _all(run.screen)
    return (
        f"  screen p50 {percentile(screen, 50):.2f} s, p95 {percentile(screen, 95):.2f} s, "
        f"max {max(screen or [float('nan')]):.2f} s; missed {run.missed}; "
        f"server CPU {run.server_cpu:.2f}; statuses {dict(sorted(run.statuses.items()))}"
    )


def report(args, database_url, info, runs: list[Run]) -> str:  # type: ignore[no-untyped-def]
    engine = engine_name(database_url)
    pool = " (DATABASE_POOL=true)" if engine == "PostgreSQL" and args.pool else ""
    lines = [
        f"# Change to screen with server push ({engine})",
        "",
        f"- When: {dt.datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"- Commit: {git_commit()}",
        f"- Database: {engine}{pool}; server: gunicorn config.asgi, 4 uvicorn workers, "
        f"DEBUG=false, {HOST}:{args.port}",
        f"- Machine: {machine_line()}",
        f"- CPU calibration: `sum(range(1000))` × 1000 takes {cpu_calibration_ms():.0f} ms",
        f"- Session: General Assembly No. 901, {info['participants']} participants, "
        f"{info['present']} voting members present, a secret ballot open",
        f"- Before server push: {OLD_POLLING}",
        "",
        "Seconds from the POST's answer (a participant marked present or absent) to each "
        "client's new panel (a 200 with the new ETag, asked for on the stream's event with "
        "If-None-Match), over every (change, client) pair; `event` = to the event's arrival.",
        "",
        "| Server | Clients | Pairs | Screen p50 | p95 | max | Event p50 | p95 | max | "
        "Missed | Server CPU | Load avg |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for run in runs:
        screen, event = _all(run.screen), _all(run.event)
        lines.append(
            f"| {run.mode} | {run.delegates} d + {run.consoles} c | {len(screen)} | "
            f"{_seconds(screen)} | {_seconds(event)} | {run.missed} | "
            f"{run.server_cpu:.2f} | {', '.join(f'{x:.1f}' for x in run.load)} |"
        )
    lines += [
        "",
        "By panel (screen, seconds):",
        "",
        "| Server | Clients | Panel | Pairs | p50 | p95 | max |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for run in runs:
        for kind, values in sorted(run.screen.items()):
            lines.append(
                f"| {run.mode} | {run.delegates} d + {run.consoles} c | {kind} | "
                f"{len(values)} | {_seconds(values)} |"
            )
    lines.append("")
    for run in runs:
        lines.append(
            f"- {run.mode}, {run.delegates} d + {run.consoles} c: {run.changes} changes in "
            f"{run.seconds:.0f} s; first panels of all {run.clients} clients in "
            f"{run.first_panels_s:.1f} s ({run.load_errors} loads failed and tried again, "
            f"{run.not_open} pages never opened); POST p50 {percentile(run.post_ms, 50):.0f} ms, "
            f"max {max(run.post_ms or [float('nan')]):.0f} ms, {run.post_errors} failed; "
            "panel requests: statuses "
            + ", ".join(f"{k}: {v}" for k, v in sorted(run.statuses.items()))
            + f", p50 {percentile(run.fetch_ms, 50):.0f} ms, p95 "
            f"{percentile(run.fetch_ms, 95):.0f} ms; stream connections {run.connects} "
            f"(errors {run.stream_errors}); events missed {run.missed_event}, panels missed "
            f"{run.missed}; CPU (cores busy on average): server {run.server_cpu:.2f}, "
            f"client {run.client_cpu:.2f}"
        )
    lines.append("")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
