"""Helpers shared by the session benchmarks (session_page.py, secret_vote_load.py).

The server start/stop, the environment and the `manage.py` runner are bench/run.py's; this
adds a database per benchmark, Django snippets run in the project's virtualenv, login
sessions made directly in the session store, and a load loop that sends headers (cookies).
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from run import (  # bench/run.py: the same server, environment and commands
    HOST,
    MAX_REQUESTS_PER_RUN,
    PYTHON,
    ROOT,
    VAR,
    LoadResult,
    bench_env,
    cpu_calibration_ms,
    git_commit,
    manage,
    port_is_free,
    start_gunicorn,
    stop_gunicorn,
    wait_until_up,
)

__all__ = [
    "MFA_IMPORTS",
    "MFA_SESSION_RECORDS",
    "HOST",
    "ROOT",
    "VAR",
    "LoadResult",
    "cpu_calibration_ms",
    "django_json",
    "engine_name",
    "environment",
    "fresh_database",
    "git_commit",
    "login_sessions",
    "machine_line",
    "manage",
    "percentile",
    "port_is_free",
    "prime",
    "run_load",
    "server_cpu_seconds",
    "start_gunicorn",
    "stop_gunicorn",
    "wait_until_up",
]

LOAD_AT_START = os.getloadavg()  # before the benchmark adds its own load
# What a session that entered its second factor holds (allauth's record of the session's
# authentication steps, which secretariat.core.staff_sessions reads; core/testing.py's log_in
# writes the same): Python code for the snippets, with `user` and `time` in scope.
MFA_SESSION_RECORDS = (
    "{AM: [{'method': 'password', 'at': time.time()},"
    " {'method': 'mfa', 'at': time.time(), 'type': 'totp'}], AU: str(user.pk)}"
)
MFA_IMPORTS = (
    "from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY as AM\n"
    "from allauth.account.internal.flows.login import "
    "_AUTHENTICATION_METHODS_USER_SESSION_KEY as AU\n"
)

# Run inside Django: make a logged-in session for each e-mail, print {email: session key}.
# The session holds what django.contrib.auth.login() would put there (user id, backend, the
# password hash's HMAC) and the record of a password and a second factor entered in this
# session: no login round-trip, no TOTP.
SESSIONS_SNIPPET = """
import json, sys, time, datetime as dt
import django
django.setup()
MFA_IMPORTSfrom django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from django.utils.crypto import get_random_string
from secretariat.core.models import User

emails = json.loads(sys.argv[1])
store = SessionStore()
expire = timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
rows, keys = [], {}
for user in User.objects.filter(email__in=emails):
    key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
    data = {
        SESSION_KEY: str(user.pk),
        BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
        HASH_SESSION_KEY: user.get_session_auth_hash(),
        **MFA_RECORDS,
    }
    rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expire))
    keys[user.email] = key
Session.objects.bulk_create(rows, batch_size=500)
print(json.dumps(keys))
""".replace("MFA_IMPORTS", MFA_IMPORTS).replace("MFA_RECORDS", MFA_SESSION_RECORDS)


def environment(database_url: str) -> dict[str, str]:
    """bench/run.py's environment, with uploaded files kept apart from the development ones."""
    env = bench_env(database_url)
    env["MEDIA_ROOT"] = str(VAR / "bench-media")
    return env


def engine_name(database_url: str) -> str:
    return "PostgreSQL" if database_url.startswith("postg") else "SQLite"


def fresh_database(url: str, sqlite_name: str) -> str:
    """The database to use, emptied first: `url` (PostgreSQL, its name must contain "bench":
    it is dropped and created again) or, when empty, var/<sqlite_name>."""
    if not url:
        path = VAR / sqlite_name
        VAR.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    parsed = urlparse(url)
    if parsed.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit("the database URL must be a PostgreSQL URL (postgres://…) or empty for SQLite")
    name = parsed.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"{name!r} is dropped and re-created, so its name must contain 'bench'")
    import psycopg  # the project's dependency; only needed for PostgreSQL

    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url


def django_json(env: dict[str, str], code: str, *args: str) -> Any:
    """Run `code` in the project's Python with Django's settings; parse its last output line."""
    result = subprocess.run(
        [str(PYTHON), "-c", code, *args], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise RuntimeError("a Django snippet failed (output above)")
    return json.loads(result.stdout.strip().splitlines()[-1])


def login_sessions(env: dict[str, str], emails: list[str]) -> dict[str, str]:
    """{e-mail: session key} of a fresh logged-in session for each account."""
    return django_json(env, SESSIONS_SNIPPET, json.dumps(emails))


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def run_load(
    port: int,
    path: str,
    *,
    concurrency: int,
    warmup: float,
    duration: float,
    headers: dict[str, str] | None = None,
    server_pid: int | None = None,
) -> LoadResult:
    """bench/run.py's load loop, with request headers (a session cookie for a logged-in user)
    and, given the server's process group, the server's CPU time during the loop.

    `concurrency` threads, each with its own connection, GET `path` in a loop; requests
    started during the warm-up are not counted; none starts after the measured period.
    """
    result = LoadResult()
    lock = threading.Lock()
    start = time.perf_counter()
    measure_from = start + warmup
    stop_at = measure_from + duration
    sent = {"Accept-Encoding": "identity", **(headers or {})}

    def worker() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        latencies: list[float] = []
        statuses: dict[int, int] = {}
        errors = 0
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
            if status:
                with lock:
                    result.answered += 1
            if t0 >= measure_from:
                statuses[status] = statuses.get(status, 0) + 1
                if status == 200:
                    latencies.append((t1 - t0) * 1000)
                else:
                    errors += 1
                with lock:
                    result.requests += 1
                    if result.requests >= MAX_REQUESTS_PER_RUN:
                        break
        conn.close()
        with lock:
            result.latencies_ms.extend(latencies)
            result.errors += errors
            for status, n in statuses.items():
                result.statuses[status] = result.statuses.get(status, 0) + n

    cpu_before = server_cpu_seconds(server_pid) if server_pid else 0.0
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=warmup + duration + 60)
    result.seconds = duration
    if server_pid:
        result.server_cpu_ms = (server_cpu_seconds(server_pid) - cpu_before) * 1000
    return result


def server_cpu_seconds(pgid: int) -> float:
    """CPU time (user + system) used so far by the processes of a process group (gunicorn's
    master and workers: start_gunicorn makes it a session of its own), from /proc. Divided by
    the requests answered, it is the server's CPU per request, which other work on the
    machine slows far less than it slows the latencies."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        if int(fields[2]) == pgid:  # pgrp; then utime, stime are fields[11], fields[12]
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def prime(port: int, paths: list[str], headers: dict[str, str] | None = None, n: int = 16) -> None:
    """Send each page a few times from several threads, so that every worker's first request
    (imports, template compilation) falls outside a measured period."""

    def hit(path: str) -> None:
        for _ in range(3):
            conn = http.client.HTTPConnection(HOST, port, timeout=120)
            try:
                conn.request("GET", path, headers=headers or {})
                conn.getresponse().read()
            except (OSError, http.client.HTTPException):
                pass
            finally:
                conn.close()

    threads = [threading.Thread(target=hit, args=(p,)) for p in paths for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)


def machine_line() -> str:
    import platform

    load = ", ".join(f"{x:.1f}" for x in LOAD_AT_START)
    return (
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
        f" (the load generator runs on the same CPUs as the server); load average before the"
        f" run {load} (other work on the machine slows every figure)"
    )
