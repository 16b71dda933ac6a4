#!/usr/bin/env python3
"""The live console's updates: how cheap a poll is, and how soon a change is seen.

Not a test of the suite: run it by hand (figures for docs/decisions/0007).

    .venv/bin/python bench/console_poll.py
    .venv/bin/python bench/console_poll.py --delegates 300 --changes 20 --port 8216

Steps, on a database of its own (var/bench-console.sqlite3, or --database-url: PostgreSQL,
its name must contain "bench": it is dropped and created again):
  1. migrate, seed_ciss, seed_session_scale: the open General Assembly session No. 901 with
     --voters full members, each with a present, accredited head of delegation; a secret
     ballot opened on its motion (so the console shows "N of M have voted"); logged-in
     sessions made in the session store for the staff account and the delegates;
  2. gunicorn, 4 sync workers, DEBUG=false (bench/run.py's start code), warmed up;
  3. throughput: --concurrency threads GET the polled panels in a loop for --duration s:
     the console's `console-state` and a delegate's `my-session-state`, each twice: with
     the ETag the page holds (If-None-Match: 304 Not Modified, the steady state of a poll)
     and without it (200: a full panel, what every poller fetches once after a change);
  4. time from a change to its display, measured as a browser would see it: pollers that
     behave like console.js (one conditional GET per second, starting at random phases,
     keeping the last ETag) while the staff client makes --changes changes (a POST to
     `attendance-mark`, 2–3 s apart). For each change: from the POST's answer to the first
     poll that brings the new panel. Once with one console alone, once with --delegates
     delegate pollers and 4 consoles polling at the same time;
  5. optionally (--browser, default when /usr/bin/chromium exists): the same in headless
     Chromium on the real console page (htmx + console.js), until the "Present" count
     shown on the page changes;
  6. a Markdown report on stdout and in bench/results/console-poll-<engine>.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from run import LoadResult  # bench/run.py
from sessions_common import (
    HOST,
    MFA_IMPORTS,
    MFA_SESSION_RECORDS,
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
    start_gunicorn,
    stop_gunicorn,
    wait_until_up,
)

RESULTS = ROOT / "bench" / "results"
STAFF_EMAIL = "bench.staff@bench.invalid"  # made by seed_session_scale (officer)
CSRF_TOKEN = "benchcsrftoken0123456789abcdefgh"
CHROMIUM = os.environ.get("SECRETARIAT_CHROMIUM", "/usr/bin/chromium")

SETUP_SNIPPET = """
import json, sys
import django
django.setup()
from secretariat.core.models import User
from secretariat.governance.models import Motion, Participant, Session
from secretariat.governance.services.votes import vote_open

session = Session.objects.get(body__code="general-assembly", kind="ordinary", number=901)
staff = User.objects.get(email=sys.argv[1])
motion = Motion.objects.filter(session=session, state="proposed").order_by("number").first()
vote = vote_open(actor=staff, motion=motion, method="secret")
heads = list(
    Participant.objects.filter(session=session, user__isnull=False, present=True)
    .select_related("user").order_by("user__email")
)
print(json.dumps({
    "session": session.pk, "vote": vote.pk, "present": vote.present,
    "participants": Participant.objects.filter(session=session).count(),
    "toggle": [p.pk for p in heads[-5:]],
    "delegates": [p.user.email for p in heads],
}))
"""


# CPU time of one request in-process (Django's test client, no network): what a poll costs
# the server whatever else the machine is doing. Runs in a child process (its own Django).
CPU_SNIPPET = """
import json, sys, time
import django
django.setup()
MFA_IMPORTSfrom django.core.cache import cache
from django.test import Client
from secretariat.core.models import User

session, staff_email, delegate_emails = int(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3])
out = {}

def client_for(email):
    c = Client()
    user = User.objects.get(email=email)
    c.force_login(user)
    s = c.session
    s.update(MFA_RECORDS)
    s.save()
    return c

def cpu_ms(fn, n):
    t = time.process_time()
    for _ in range(n):
        fn()
    return (time.process_time() - t) / n * 1000

staff = client_for(staff_email)
console = f"/es/sessions/{session}/console/state/"
live = f"/es/sessions/{session}/live/state/"
staff.get(console)
etag = staff.get(console)["ETag"]
out["console-state, 304"] = cpu_ms(lambda: staff.get(console, headers={"If-None-Match": etag}), 200)
out["console-state, 200"] = cpu_ms(lambda: staff.get(console), 50)
def cold():
    cache.clear()
    staff.get(console)
out["console-state, 200, roll computed"] = cpu_ms(cold, 10)
delegates = [client_for(e) for e in delegate_emails]
for c in delegates:
    c.get(live)
d_etag = delegates[0].get(live)["ETag"]
out["my-session-state, 304"] = cpu_ms(
    lambda: delegates[0].get(live, headers={"If-None-Match": d_etag}), 200
)
it = iter(delegates * 3)
out["my-session-state, 200"] = cpu_ms(lambda: next(it).get(live), len(delegates) * 3)
print(json.dumps(out))
""".replace("MFA_IMPORTS", MFA_IMPORTS).replace("MFA_RECORDS", MFA_SESSION_RECORDS)


def request(
    port: int, method: str, path: str, headers: dict[str, str], body: str | None = None
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request(method, path, body=body, headers={"Accept-Encoding": "identity", **headers})
        response = conn.getresponse()
        content = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, content
    finally:
        conn.close()


def etag_of(port: int, path: str, cookie: str) -> str:
    status, headers, _ = request(port, "GET", path, {"Cookie": cookie})
    if status != 200 or "etag" not in headers:
        raise RuntimeError(f"{path}: HTTP {status} without an ETag")
    return headers["etag"]


def load(
    port: int,
    path: str,
    headers: dict[str, str],
    *,
    expected: int,
    concurrency: int,
    warmup: float,
    duration: float,
) -> LoadResult:
    """Like sessions_common.run_load, counting `expected` (304 or 200) as the good answer."""
    result = LoadResult()
    lock = threading.Lock()
    measure_from = time.perf_counter() + warmup
    stop_at = measure_from + duration
    sent = {"Accept-Encoding": "identity", **headers}

    def worker() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        latencies: list[float] = []
        statuses: dict[int, int] = {}
        while True:
            t0 = time.perf_counter()
            if t0 >= stop_at:
                break
            try:
                conn.request("GET", path, headers=sent)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
                status = 0
            t1 = time.perf_counter()
            if t0 >= measure_from:
                statuses[status] = statuses.get(status, 0) + 1
                if status == expected:
                    latencies.append((t1 - t0) * 1000)
        conn.close()
        with lock:
            result.latencies_ms.extend(latencies)
            for status, n in statuses.items():
                result.statuses[status] = result.statuses.get(status, 0) + n
            result.requests += sum(statuses.values())
            result.errors += sum(n for status, n in statuses.items() if status != expected)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=warmup + duration + 60)
    result.seconds = duration
    return result


# --- Pollers that behave like console.js -------------------------------------------------


@dataclass
class Poller:
    """One page polling its panel every `interval` s with the ETag it holds."""

    port: int
    path: str
    cookie: str
    interval: float = 1.0
    etag: str = ""
    fresh: list[tuple[float, str]] = field(default_factory=list)  # (received at, new ETag)
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        time.sleep(random.uniform(0, self.interval))  # pages are opened at random moments
        next_at = time.perf_counter()
        while not self.stop.is_set():
            headers = {"Cookie": self.cookie}
            if self.etag:
                headers["If-None-Match"] = self.etag
            t0 = time.perf_counter()
            try:
                status, response_headers, _ = request(self.port, "GET", self.path, headers)
            except (OSError, http.client.HTTPException):
                status, response_headers = 0, {}
            t1 = time.perf_counter()
            self.latencies_ms.append((t1 - t0) * 1000)
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if status == 200:
                self.etag = response_headers.get("etag", "")
                self.fresh.append((t1, self.etag))
            # htmx "every 1s": the next poll is scheduled a second after this one was
            next_at += self.interval
            time.sleep(max(0.0, next_at - time.perf_counter()))


def start(pollers: list[Poller]) -> list[threading.Thread]:
    threads = [threading.Thread(target=p.run, daemon=True) for p in pollers]
    for thread in threads:
        thread.start()
    return threads


def finish(pollers: list[Poller], threads: list[threading.Thread]) -> None:
    for p in pollers:
        p.stop.set()
    for thread in threads:
        thread.join(timeout=30)


def toggle(port: int, session: int, participant: int, present: bool, staff_cookie: str) -> int:
    status, _, _ = request(
        port,
        "POST",
        f"/es/sessions/{session}/attendance/mark/",
        {
            "Cookie": f"{staff_cookie}; csrftoken={CSRF_TOKEN}",
            "X-CSRFToken": CSRF_TOKEN,
            "Content-Type": "application/x-www-form-urlencoded",
        },
        urlencode({"participant": participant, "present": "1" if present else "0"}),
    )
    return status


def flip(info: dict, participant: int) -> bool:
    """The participant's next attendance (they start present): absent, present, absent..."""
    state = info.setdefault("present_now", {})
    state[participant] = not state.get(participant, True)
    return state[participant]


@dataclass
class Delays:
    """Seconds from each change (the POST answered) to the first poll that brought it."""

    console: list[float] = field(default_factory=list)
    delegate: list[float] = field(default_factory=list)
    missed: int = 0
    poll_latencies_ms: list[float] = field(default_factory=list)
    poll_statuses: dict[int, int] = field(default_factory=dict)
    polls_per_second: float = 0.0


def revision_of(etag: str) -> int:
    """The session's revision in a live panel's ETag ("c12.r345.es.u7.v1" -> 345)."""
    found = re.search(r"\.r(\d+)\.", etag)
    return int(found.group(1)) if found else -1


def first_with(fresh: list[tuple[float, str]], revision: int, done: float) -> float | None:
    """Seconds from `done` to the first panel received that shows `revision` or later."""
    for received, etag in fresh:
        if revision_of(etag) >= revision:
            return max(0.0, received - done)
    return None


def measure_delays(
    port: int,
    info: dict,
    cookies: dict[str, str],
    *,
    delegates: int,
    consoles: int,
    changes: int,
) -> Delays:
    session = info["session"]
    console_path = f"/es/sessions/{session}/console/state/"
    delegate_path = f"/es/sessions/{session}/live/state/"
    staff = cookies[STAFF_EMAIL]
    emails = info["delegates"]
    watched_console = Poller(port, console_path, staff)
    watched_delegate = Poller(port, delegate_path, cookies[emails[0]])
    crowd = [Poller(port, console_path, staff) for _ in range(max(0, consoles - 1))]
    crowd += [
        Poller(port, delegate_path, cookies[emails[(i + 1) % len(emails)]])
        for i in range(max(0, delegates - 1))
    ]
    pollers = [watched_console, watched_delegate, *crowd]
    threads = start(pollers)
    time.sleep(3.0)  # every poller has its first full panel and ETag
    for p in pollers:
        p.fresh.clear()
    delays = Delays()
    began = time.perf_counter()
    marks: list[tuple[int, float]] = []
    for n in range(changes):
        participant = info["toggle"][n % len(info["toggle"])]
        present = flip(info, participant)
        status = toggle(port, session, participant, present, staff)
        done = time.perf_counter()
        if status != 302:
            raise RuntimeError(f"attendance-mark answered HTTP {status}")
        # The revision this change made (only this client changes the session here).
        marks.append((revision_of(etag_of(port, console_path, staff)), done))
        time.sleep(random.uniform(2.0, 3.0))
    elapsed = time.perf_counter() - began
    finish(pollers, threads)
    for revision, done in marks:
        for poller, out in ((watched_console, delays.console), (watched_delegate, delays.delegate)):
            seen = first_with(poller.fresh, revision, done)
            if seen is None:
                delays.missed += 1
            else:
                out.append(seen)
    for p in pollers:
        delays.poll_latencies_ms.extend(p.latencies_ms)
        for status, n in p.statuses.items():
            delays.poll_statuses[status] = delays.poll_statuses.get(status, 0) + n
    delays.polls_per_second = sum(delays.poll_statuses.values()) / (elapsed + 3.0)
    return delays


# --- In a real browser ------------------------------------------------------------------


def browser_delays(port: int, info: dict, staff_cookie_value: str, changes: int) -> list[float]:
    """Headless Chromium on the console page: seconds until the Present count changes."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    session = info["session"]
    staff = f"sessionid={staff_cookie_value}"
    out: list[float] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context()
        context.add_cookies(
            [{"name": "sessionid", "value": staff_cookie_value, "url": f"http://{HOST}:{port}"}]
        )
        page = context.new_page()
        page.goto(f"http://{HOST}:{port}/es/sessions/{session}/console/")
        count = page.locator("section[aria-labelledby='attendance-heading'] dd").first
        for n in range(changes):
            before = count.inner_text().strip()
            participant = info["toggle"][n % len(info["toggle"])]
            present = flip(info, participant)
            toggle(port, session, participant, present, staff)
            done = time.perf_counter()
            expected = str(int(before) + (1 if present else -1))
            page.locator(
                "section[aria-labelledby='attendance-heading'] dd",
                has_text=re.compile(rf"^\s*{expected}\s*$"),
            ).first.wait_for(timeout=10_000)
            out.append(time.perf_counter() - done)
            time.sleep(random.uniform(0.5, 1.5))
        browser.close()
    return out


# --- Main ----------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", ""),
        help="PostgreSQL URL (name containing 'bench'); SQLite when empty",
    )
    parser.add_argument("--voters", type=int, default=300, help="members present (300)")
    parser.add_argument(
        "--delegates",
        type=int,
        nargs="+",
        default=[100, 300],
        help="delegate pollers, one timing per number (100 300)",
    )
    parser.add_argument("--changes", type=int, default=20, help="changes timed (20)")
    parser.add_argument("--concurrency", type=int, default=16, help="load threads (16)")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per load (5)")
    parser.add_argument("--warmup", type=float, default=1.0, help="warm-up seconds (1)")
    parser.add_argument("--port", type=int, default=8216)
    parser.add_argument(
        "--browser",
        action=argparse.BooleanOptionalAction,
        default=Path(CHROMIUM).exists(),
        help="also time the change in headless Chromium (default when it exists)",
    )
    args = parser.parse_args()
    if not port_is_free(args.port):
        sys.exit(f"{HOST}:{args.port} is already in use; stop what listens there or pass --port")

    database_url = fresh_database(args.database_url, "bench-console.sqlite3")
    env = environment(database_url)
    proc: subprocess.Popen[bytes] | None = None
    loads: dict[str, LoadResult] = {}
    cpu: dict[str, float] = {}
    try:
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "seed_ciss")
        manage(
            env, "seed_session_scale",
            "--items", "60", "--participants", "30", "--voters", str(args.voters),
        )  # fmt: skip
        manage(env, "collectstatic", "--no-input", "-v0")
        info = django_json(env, SETUP_SNIPPET, STAFF_EMAIL)
        keys = login_sessions(env, [STAFF_EMAIL, *info["delegates"][: max(args.delegates)]])
        cookies = {email: f"sessionid={key}" for email, key in keys.items()}
        session = info["session"]
        console_path = f"/es/sessions/{session}/console/state/"
        delegate_path = f"/es/sessions/{session}/live/state/"
        delegate = info["delegates"][0]
        proc = start_gunicorn(env, args.port, VAR / "bench-gunicorn.log")
        wait_until_up(args.port, proc)
        prime(args.port, [console_path], {"Cookie": cookies[STAFF_EMAIL]}, n=8)
        prime(args.port, [delegate_path], {"Cookie": cookies[delegate]}, n=8)

        print("CPU time per request, in-process …", flush=True)
        cpu = django_json(
            env, CPU_SNIPPET, str(session), STAFF_EMAIL, json.dumps(info["delegates"][:30])
        )
        console_etag = etag_of(args.port, console_path, cookies[STAFF_EMAIL])
        delegate_etag = etag_of(args.port, delegate_path, cookies[delegate])
        plan = [
            ("console-state, 304", console_path, cookies[STAFF_EMAIL], console_etag),
            ("console-state, 200", console_path, cookies[STAFF_EMAIL], ""),
            ("my-session-state, 304", delegate_path, cookies[delegate], delegate_etag),
            ("my-session-state, 200", delegate_path, cookies[delegate], ""),
        ]
        for name, path, cookie, etag in plan:
            headers = {"Cookie": cookie}
            if etag:
                headers["If-None-Match"] = etag
            print(f"load: {name} …", flush=True)
            loads[name] = load(
                args.port,
                path,
                headers,
                expected=304 if etag else 200,
                concurrency=args.concurrency,
                warmup=args.warmup,
                duration=args.duration,
            )
        print("delays: one console alone …", flush=True)
        alone = measure_delays(
            args.port, info, cookies, delegates=1, consoles=1, changes=args.changes
        )
        crowded: dict[int, Delays] = {}
        for n in args.delegates:
            print(f"delays: {n} delegates and 4 consoles polling …", flush=True)
            crowded[n] = measure_delays(
                args.port, info, cookies, delegates=n, consoles=4, changes=args.changes
            )
        in_browser: list[float] = []
        if args.browser:
            print("delays: headless Chromium on the console page …", flush=True)
            in_browser = browser_delays(
                args.port, info, keys[STAFF_EMAIL], changes=min(args.changes, 10)
            )
    finally:
        stop_gunicorn(proc)

    text = report(args, database_url, info, cpu, loads, alone, crowded, in_browser)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"console-poll-{engine_name(database_url).lower()}.md"
    out.write_text(text, encoding="utf-8")
    print()
    print(text)
    print(f"written to {out.relative_to(ROOT)}")
    return 0


def _delay_row(name: str, values: list[float]) -> str:
    if not values:
        return f"| {name} | 0 | — | — | — |"
    return (
        f"| {name} | {len(values)} | {percentile(values, 50):.2f} | "
        f"{percentile(values, 95):.2f} | {max(values):.2f} |"
    )


def report(args, database_url, info, cpu, loads, alone, crowded, in_browser) -> str:  # type: ignore[no-untyped-def]
    engine = engine_name(database_url)
    lines = [
        f"# Live console: conditional polling ({engine})",
        "",
        f"- When: {dt.datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"- Commit: {git_commit()}",
        f"- Database: {engine}; server: gunicorn, 4 sync workers, DEBUG=false, {HOST}:{args.port}",
        f"- Machine: {machine_line()}",
        f"- CPU calibration: `sum(range(1000))` × 1000 takes {cpu_calibration_ms():.0f} ms",
        f"- Session: General Assembly No. 901, {info['participants']} participants, "
        f"{info['present']} voting members present, a secret ballot open",
        "",
        "## CPU time per request",
        "",
        "In-process (Django's test client, no network), CPU time of the process, so that other "
        "work on the machine does not count: what one poll costs the server. 200 = a full "
        'panel with the roll cached (its normal case); "roll computed" = the first panel '
        "after attendance, a proxy, a credential or a standing changed.",
        "",
        "| Panel | CPU ms per request | Requests per CPU-second |",
        "|---|---:|---:|",
        *[f"| {name} | {ms:.1f} | {1000 / ms:.0f} |" for name, ms in cpu.items()],
        "",
        "## Throughput of the polled panels",
        "",
        f"{args.concurrency} client threads, {args.warmup:g} s warm-up, {args.duration:g} s "
        "measured. 304 = the page already shows the latest revision (one query of the view's "
        "own, plus the login session and the user); 200 = a full panel.",
        "",
        "| Panel | Requests/s | p50 ms | p95 ms | Errors |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, result in loads.items():
        lines.append(
            f"| {name} | {result.rps:.0f} | {percentile(result.latencies_ms, 50):.1f} | "
            f"{percentile(result.latencies_ms, 95):.1f} | {result.errors} |"
        )
    lines += [
        "",
        "## From a change to its display",
        "",
        f"{args.changes} changes (a participant marked present or absent through "
        "`attendance-mark`), 2–3 s apart; seconds from the POST's answer to the first poll "
        "that brought the new panel. Pollers behave like console.js: one conditional GET a "
        "second, from a random phase.",
        "",
        "| Watched panel (conditions) | Changes seen | p50 s | p95 s | max s |",
        "|---|---:|---:|---:|---:|",
        _delay_row("console, alone", alone.console),
        _delay_row("delegate, alone", alone.delegate),
    ]
    for n, result in crowded.items():
        lines.append(_delay_row(f"console, with {n} delegates + 4 consoles", result.console))
        lines.append(_delay_row(f"delegate, with {n} delegates + 4 consoles", result.delegate))
    if in_browser:
        lines.append(_delay_row("console page in headless Chromium (htmx), alone", in_browser))
    lines.append("")
    for n, result in crowded.items():
        lines.append(
            f"- With {n} delegates + 4 consoles: {result.polls_per_second:.0f} polls/s served; "
            f"poll p50 {percentile(result.poll_latencies_ms, 50):.0f} ms, p95 "
            f"{percentile(result.poll_latencies_ms, 95):.0f} ms; statuses "
            + ", ".join(f"{k}: {v}" for k, v in sorted(result.poll_statuses.items()))
            + f"; changes not seen before the end: {result.missed}"
        )
    lines.append("")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
