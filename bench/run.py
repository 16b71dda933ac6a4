#!/usr/bin/env python3
"""Benchmark of the public reads: directory page, a member's page and /api/v1/members.

Not a test: `make bench` runs it. Steps, all on a database of its own:
  1. a fresh database: var/bench.sqlite3, or BENCH_DATABASE_URL (PostgreSQL; its name must
     contain "bench", because it is dropped and created again);
  2. migrate, seed_demo, seed_scale --factor 1 (about 91 institutions: "1×");
  3. queries per request, measured in-process (Django's test Client + CaptureQueriesContext);
  4. collectstatic, gunicorn with 4 workers on 127.0.0.1:8199 (DEBUG=false), then for each
     page a bounded loopback load: N client threads with keep-alive connections, a warm-up,
     then a measured period (requests/s, p50, p95);
  5. seed_scale --factor 10 (about 910 institutions: "10×"), steps 3 and 4 again;
  6. a Markdown table on stdout and in bench/results/latest.md; gunicorn is always stopped.

Options: --duration S (5), --warmup S (1), --concurrency N (8), --factor N (10),
--port P (8199), --strict (exit 1 when a target is missed). Standard library only, plus the
project's own virtualenv (gunicorn, Django) for the server and the query counts.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
RESULTS = ROOT / "bench" / "results"
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
HOST = "127.0.0.1"
IN_PROCESS_REPEAT = 20
MAX_REQUESTS_PER_RUN = 200_000  # the load loop is bounded by count as well as by time
# Targets (see bench/README.md).
P95_TARGET_MS = 100.0


@dataclass
class Target:
    name: str
    path: str


@dataclass
class LoadResult:
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    answered: int = 0  # every request answered, warm-up included (for the server's CPU share)
    server_cpu_ms: float = 0.0  # CPU time of the server's processes during the whole loop

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        if len(self.latencies_ms) == 1:
            return self.latencies_ms[0]
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[int(q) - 1]


# --- Environment and commands ----------------------------------------------------------


def bench_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": database_url,
            "DEBUG": "false",
            "ALLOWED_HOSTS": f"{HOST},localhost,testserver",
            "LOG_LEVEL": "ERROR",
            # The benchmark serves no real data; the insecure development key is acceptable.
            "SECRETARIAT_ALLOW_INSECURE_KEY": "true",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def manage(env: dict[str, str], *args: str) -> None:
    print(f"$ manage.py {' '.join(args)}", flush=True)
    subprocess.run([str(PYTHON), str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, check=True)


def fresh_database() -> str:
    """The database URL to use, emptied first."""
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if not url:
        path = VAR / "bench.sqlite3"
        VAR.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    parsed = urlparse(url)
    if parsed.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit("BENCH_DATABASE_URL must be a PostgreSQL URL (postgres://…)")
    name = parsed.path.lstrip("/")
    if "bench" not in name:
        sys.exit(
            f"BENCH_DATABASE_URL names {name!r}: it is dropped and re-created, "
            "so its name must contain 'bench'"
        )
    import psycopg  # the project's dependency; only needed for PostgreSQL

    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex((HOST, port)) != 0


# --- Queries per request (in-process) -------------------------------------------------


def measure_queries(env: dict[str, str], targets: list[Target]) -> dict[str, dict[str, Any]]:
    """Queries and status of one request per page, after a warm-up request, and the median
    time of IN_PROCESS_REPEAT more (one thread, no network: the server's own cost).

    Runs in a child process so that Django is set up against the benchmark database."""
    code = (
        "import json, statistics, sys, time, django\n"
        f"REPEAT = {IN_PROCESS_REPEAT}\n"
        "django.setup()\n"
        "from django.db import connection\n"
        "from django.test import Client\n"
        "from django.test.utils import CaptureQueriesContext\n"
        "client = Client()\n"
        "out = {}\n"
        "for name, path in json.loads(sys.argv[1]):\n"
        "    client.get(path)  # warm-up: content types, translations, caches\n"
        "    with CaptureQueriesContext(connection) as ctx:\n"
        "        response = client.get(path)\n"
        "    # Count now: every request_started resets the connection's query log.\n"
        "    queries = len(ctx.captured_queries)\n"
        "    times = []\n"
        "    for _ in range(REPEAT):\n"
        "        t0 = time.perf_counter()\n"
        "        client.get(path)\n"
        "        times.append((time.perf_counter() - t0) * 1000)\n"
        "    out[name] = {'queries': queries, 'status': response.status_code,\n"
        "                 'ms': statistics.median(times)}\n"
        "print(json.dumps(out))\n"
    )
    payload = json.dumps([(t.name, t.path) for t in targets])
    result = subprocess.run(
        [str(PYTHON), "-c", code, payload],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def institution_counts(env: dict[str, str]) -> dict[str, int]:
    code = (
        "import json, django\n"
        "django.setup()\n"
        "from secretariat.members.models import Institution, Membership\n"
        "print(json.dumps({'institutions': Institution.objects.count(),"
        " 'members_in_force': Membership.objects.filter(valid_to__isnull=True).count()}))\n"
    )
    result = subprocess.run(
        [str(PYTHON), "-c", code], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def member_slug(env: dict[str, str]) -> str:
    """A real (reference) member's slug, the same one at 1× and 10×."""
    code = (
        "import django\n"
        "django.setup()\n"
        "from secretariat.members.models import Membership, Source\n"
        "m = (Membership.objects\n"
        "     .filter(valid_to__isnull=True, institution__origin=Source.REFERENCE)\n"
        "     .select_related('institution').order_by('institution__name').first()\n"
        "     or Membership.objects.filter(valid_to__isnull=True).select_related('institution')"
        ".order_by('institution__name').first())\n"
        "print(m.institution.slug)\n"
    )
    result = subprocess.run(
        [str(PYTHON), "-c", code], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    return result.stdout.strip().splitlines()[-1]


# --- The server ----------------------------------------------------------------------


# BENCH_SERVER=asgi serves as production does since issue #10 (gunicorn with 4 uvicorn
# workers, config.asgi, a connection pool on PostgreSQL: decision 0014); wsgi (the default)
# with 4 sync workers, as the figures before it were taken.
SERVER = os.environ.get("BENCH_SERVER", "wsgi")
SERVER_LABEL = (
    "gunicorn, 4 uvicorn workers (ASGI)" if SERVER == "asgi" else "gunicorn, 4 sync workers"
)


def server_command(port: int) -> list[str]:
    if SERVER == "asgi":
        return [
            str(GUNICORN),
            "config.asgi:application",
            "-k",
            "uvicorn_worker.UvicornWorker",
            "-w",
            "4",
            "-b",
            f"{HOST}:{port}",
        ]
    return [
        str(GUNICORN),
        "config.wsgi",
        "-w",
        "4",
        "-b",
        f"{HOST}:{port}",
        "--access-logfile",
        "-",
    ]


def start_gunicorn(env: dict[str, str], port: int, log_path: Path) -> subprocess.Popen[bytes]:
    log = log_path.open("wb")
    if SERVER == "asgi" and env.get("DATABASE_URL", "").startswith("postg"):
        env = env | {"DATABASE_POOL": "true"}
    proc = subprocess.Popen(
        server_command(port),
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,  # the access log would cost time; errors go to the log file
        stderr=log,
        start_new_session=True,  # its own process group: stopped as a whole in stop_gunicorn
    )
    return proc


def wait_until_up(port: int, proc: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"gunicorn exited with status {proc.returncode}; see var/bench-gunicorn.log"
            )
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/es/")
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on {HOST}:{port} within {timeout:.0f} s")


def prime(port: int, targets: list[Target], workers: int = 4) -> None:
    """Send each page to every worker a few times, so that no worker's first request (imports,
    URL resolvers, template compilation: seconds on a slow machine) falls in a measured period."""

    def hit(path: str) -> None:
        for _ in range(3):
            conn = http.client.HTTPConnection(HOST, port, timeout=120)
            try:
                conn.request("GET", path)
                conn.getresponse().read()
            except (OSError, http.client.HTTPException):
                pass
            finally:
                conn.close()

    threads = [
        threading.Thread(target=hit, args=(t.path,)) for t in targets for _ in range(workers * 2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)


def cpu_calibration_ms() -> float:
    """How long this machine takes for a fixed pure-Python loop (compares runs across machines)."""
    import timeit

    return min(timeit.repeat("sum(range(1000))", number=1000, repeat=5)) * 1000


def stop_gunicorn(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


# --- Load ----------------------------------------------------------------------------


def run_load(
    port: int, path: str, *, concurrency: int, warmup: float, duration: float
) -> LoadResult:
    """`concurrency` threads, each with its own keep-alive connection, GET `path` in a loop.

    Requests started during the warm-up are not counted; no request starts after the end of
    the measured period, and the loop also stops after MAX_REQUESTS_PER_RUN requests.
    """
    result = LoadResult()
    lock = threading.Lock()
    start = time.perf_counter()
    measure_from = start + warmup
    stop_at = measure_from + duration

    def worker() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=10)
        latencies: list[float] = []
        statuses: dict[int, int] = {}
        errors = 0
        while True:
            t0 = time.perf_counter()
            if t0 >= stop_at:
                break
            try:
                conn.request("GET", path, headers={"Accept-Encoding": "identity"})
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=10)
                status = 0
            t1 = time.perf_counter()
            if (
                t0 >= measure_from
            ):  # started in the measured period (finished a little after, maybe)
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

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=warmup + duration + 30)
    result.seconds = duration
    return result


# --- Report --------------------------------------------------------------------------


def git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True
        )
        return out.stdout.strip() + (" (with uncommitted changes)" if dirty.stdout.strip() else "")
    except OSError:
        return "unknown"


def report(
    *,
    args: argparse.Namespace,
    database_url: str,
    targets: list[Target],
    counts: dict[str, dict[str, int]],
    queries: dict[str, dict[str, dict[str, Any]]],
    loads: dict[str, dict[str, LoadResult]],
    calibration_ms: float,
) -> tuple[str, bool]:
    scales = list(queries)
    engine = "PostgreSQL" if database_url.startswith("postg") else "SQLite"
    lines = [
        "# Benchmark: public reads",
        "",
        f"- When: {dt.datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"- Commit: {git_commit()}",
        f"- Database: {engine}; server: {SERVER_LABEL}, DEBUG=false, 127.0.0.1:{args.port}",
        f"- Machine: {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}"
        " (the load generator runs on the same CPUs as the server)",
        f"- CPU calibration: `sum(range(1000))` × 1000 takes {calibration_ms:.0f} ms here"
        " (about 10–15 ms on a recent laptop core): scale the latencies accordingly",
        f"- Load: {args.concurrency} client threads with keep-alive, {args.warmup:g} s warm-up, "
        f"{args.duration:g} s measured per page",
        "- Data: "
        + "; ".join(
            f"{scale}: {c['institutions']} institutions, "
            f"{c['members_in_force']} memberships in force"
            for scale, c in counts.items()
        ),
        "",
        "| Page | Data | Requests/s | p50 ms | p95 ms | Errors | Queries/request | In-process ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    ok = True
    for target in targets:
        for scale in scales:
            q = queries[scale][target.name]
            q_text = (
                str(q["queries"]) if q["status"] == 200 else f"{q['queries']} (HTTP {q['status']})"
            )
            load = loads.get(scale, {}).get(target.name)
            if load is None:
                lines.append(
                    f"| {target.name} `{target.path}` | {scale} | — | — | — | — | {q_text} "
                    f"| {q['ms']:.1f} |"
                )
                continue
            errors = str(load.errors)
            if load.errors:
                errors += (
                    " ("
                    + ", ".join(
                        f"HTTP {s}: {n}" for s, n in sorted(load.statuses.items()) if s != 200
                    )
                    + ")"
                )
            lines.append(
                f"| {target.name} `{target.path}` | {scale} | {load.rps:.0f} | "
                f"{load.percentile(50):.1f} | "
                f"{load.percentile(95):.1f} | {errors} | {q_text} | {q['ms']:.1f} |"
            )
    lines += ["", "## Targets", ""]
    last = scales[-1]
    for target in targets:
        load = loads.get(last, {}).get(target.name)
        if load is not None:
            p95 = load.percentile(95)
            met = p95 < P95_TARGET_MS and load.errors == 0
            ok &= met
            lines.append(
                f"- {target.name}: p95 at {last} = {p95:.1f} ms "
                f"(target < {P95_TARGET_MS:.0f} ms, no errors): "
                f"{'met' if met else 'MISSED'}"
            )
        per_scale = [queries[s][target.name]["queries"] for s in scales]
        answered = all(queries[s][target.name]["status"] == 200 for s in scales)
        constant = len(set(per_scale)) == 1 and answered
        ok &= constant
        lines.append(
            f"- {target.name}: queries per request "
            + " → ".join(f"{n} ({s})" for n, s in zip(per_scale, scales, strict=True))
            + (
                f": {'constant' if constant else 'GROWS WITH THE DATA'}"
                if answered
                else ": the page did not answer 200"
            )
        )
    return "\n".join(lines) + "\n", ok


# --- Main ----------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--duration", type=float, default=5.0, help="measured seconds per page (default 5)"
    )
    parser.add_argument(
        "--warmup", type=float, default=1.0, help="warm-up seconds per page (default 1)"
    )
    parser.add_argument("--concurrency", type=int, default=8, help="client threads (default 8)")
    parser.add_argument(
        "--factor", type=int, default=10, help="the large data set, × 91 institutions (default 10)"
    )
    parser.add_argument("--port", type=int, default=8199)
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    if not (1 <= args.concurrency <= 64 and 0 < args.duration <= 60 and 0 <= args.warmup <= 30):
        parser.error(
            "keep --concurrency within 1..64, --duration within (0, 60] and --warmup within [0, 30]"
        )
    if not port_is_free(args.port):
        sys.exit(f"{HOST}:{args.port} is already in use; stop what listens there or pass --port")

    database_url = fresh_database()
    env = bench_env(database_url)
    proc: subprocess.Popen[bytes] | None = None
    counts: dict[str, dict[str, int]] = {}
    queries: dict[str, dict[str, dict[str, Any]]] = {}
    loads: dict[str, dict[str, LoadResult]] = {}
    try:
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "seed_demo")
        manage(env, "seed_scale", "--factor", "1")
        manage(env, "collectstatic", "--no-input", "-v0")
        slug = member_slug(env)
        targets = [
            Target("Directory", "/es/members/"),
            Target("Member page", f"/es/members/{slug}/"),
            Target("API members", "/api/v1/members"),
        ]
        proc = start_gunicorn(env, args.port, VAR / "bench-gunicorn.log")
        wait_until_up(args.port, proc)
        prime(args.port, targets)
        for scale, factor in (("1×", 1), (f"{args.factor}×", args.factor)):
            if factor != 1:
                manage(env, "seed_scale", "--factor", str(factor))
            counts[scale] = institution_counts(env)
            queries[scale] = measure_queries(env, targets)
            loads[scale] = {}
            for target in targets:
                print(f"load: {target.path} at {scale} …", flush=True)
                loads[scale][target.name] = run_load(
                    args.port,
                    target.path,
                    concurrency=args.concurrency,
                    warmup=args.warmup,
                    duration=args.duration,
                )
    finally:
        stop_gunicorn(proc)

    text, ok = report(
        args=args,
        database_url=database_url,
        targets=targets,
        counts=counts,
        queries=queries,
        loads=loads,
        calibration_ms=cpu_calibration_ms(),
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.md").write_text(text, encoding="utf-8")
    print()
    print(text)
    print(f"written to {RESULTS.relative_to(ROOT) / 'latest.md'}")
    return 1 if (args.strict and not ok) else 0


if __name__ == "__main__":
    sys.exit(main())
