#!/usr/bin/env python3
"""Benchmark of a session page the size of a General Assembly: 60 agenda items, their
documents and 300 registered delegates.

Not a test: run it by hand (`make`-less):

    .venv/bin/python bench/session_page.py
    .venv/bin/python bench/session_page.py \\
        --database-url postgres://postgres@127.0.0.1:5432/secretariat_bench

Steps, on a database of its own (var/bench-sessions.sqlite3, or the PostgreSQL database
given, whose name must contain "bench": it is dropped and created again):
  1. migrate, seed_ciss, seed_session_scale (--items 60 --participants 300: GA session
     No. 900, convened, agenda adopted, documents published; 120 documents with a PDF in
     es and en; 300 accredited delegates of 100 synthetic full members), collectstatic;
  2. queries per request, in-process (Django's test client), anonymous and as staff;
  3. gunicorn, 4 sync workers, DEBUG=false, on 127.0.0.1:8199 (bench/run.py's start code);
  4. for each audience (anonymous; anonymous with the public page cache bypassed, by sending a
     `messages` cookie as a visitor with a pending message would; logged in as a Secretariat
     officer, which adds the delegations, dispatches and history) and each concurrency
     (4, 8): a warm-up, then --duration seconds (20) of GET /es/sessions/<pk>/ in a loop:
     requests/s, p50, p95;
  5. a Markdown table on stdout and in bench/results/session-page-<engine>.md, with the
     in-process wall and CPU time of the page (median of 10) and the server's CPU time per
     request under load (gunicorn's processes, from /proc: other work on the machine
     slows it far less than it slows the latencies).

The bar (issue #4): many times the Indico 3.3 event page of the same size, about 3-5
requests/s on this machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys

from sessions_common import (
    HOST,
    MFA_IMPORTS,
    MFA_SESSION_RECORDS,
    ROOT,
    VAR,
    LoadResult,
    cpu_calibration_ms,
    django_json,
    engine_name,
    environment,
    fresh_database,
    git_commit,
    login_sessions,
    machine_line,
    manage,
    port_is_free,
    prime,
    run_load,
    start_gunicorn,
    stop_gunicorn,
    wait_until_up,
)

RESULTS = ROOT / "bench" / "results"
STAFF_EMAIL = "bench.staff@bench.invalid"  # made by seed_session_scale
INDICO_RPS = (3, 5)
# Who asks: an anonymous visitor (the public page cache answers), an anonymous visitor whose
# request carries a `messages` cookie (the view then renders the page: the cost of a cache
# miss), a Secretariat officer (never cached).
AUDIENCES = ("anonymous", "anonymous-uncached", "staff")

# In-process: queries and median time of the page, anonymous and as staff.
QUERIES_SNIPPET = """
import json, statistics, sys, time
import django
django.setup()
MFA_IMPORTSfrom django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from secretariat.core.models import User
from secretariat.governance.models import Session, AgendaItem, Document, DocumentFile, Participant

session = Session.objects.get(body__code="general-assembly", kind="ordinary", number=900)
path = f"/es/sessions/{session.pk}/"
out = {"pk": session.pk, "path": path,
       "items": AgendaItem.objects.filter(session=session, parent__isnull=True).count(),
       "sub_items": AgendaItem.objects.filter(session=session, parent__isnull=False).count(),
       "documents": Document.objects.filter(session=session).count(),
       "files": DocumentFile.objects.filter(document__session=session).count(),
       "participants": Participant.objects.filter(session=session).count()}
anonymous = Client()
uncached = Client()
uncached.cookies["messages"] = "bench"  # a pending message: the public page cache is skipped
staff = Client()
user = User.objects.get(email=sys.argv[1])
staff.force_login(user)
s = staff.session
s.update(MFA_RECORDS)
s.save()
for name, client in (("anonymous", anonymous), ("anonymous-uncached", uncached), ("staff", staff)):
    client.get(path)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    queries = len(ctx.captured_queries)  # now: the next request resets the query log
    times, cpu = [], []
    for _ in range(10):
        t0, c0 = time.perf_counter(), time.process_time()
        client.get(path)
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    out[name] = {"status": response.status_code, "queries": queries,
                 "bytes": len(response.content), "ms": statistics.median(times),
                 "cpu_ms": statistics.median(cpu)}
print(json.dumps(out))
""".replace("MFA_IMPORTS", MFA_IMPORTS).replace("MFA_RECORDS", MFA_SESSION_RECORDS)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", ""),
        help="PostgreSQL URL (name containing 'bench'); SQLite when empty",
    )
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds (20)")
    parser.add_argument("--warmup", type=float, default=2.0, help="warm-up seconds (2)")
    parser.add_argument(
        "--concurrency", type=int, nargs="+", default=[4, 8], help="client threads (4 8)"
    )
    parser.add_argument(
        "--audiences",
        nargs="+",
        choices=AUDIENCES,
        default=list(AUDIENCES),
        help="whose page to load (all three)",
    )
    parser.add_argument(
        "--keep-database",
        action="store_true",
        help="reuse the database of the previous run (no migrate and seeding)",
    )
    parser.add_argument("--port", type=int, default=8199)
    args = parser.parse_args()
    if not port_is_free(args.port):
        sys.exit(f"{HOST}:{args.port} is already in use; stop what listens there or pass --port")

    if args.keep_database:
        database_url = args.database_url or f"sqlite:///{VAR / 'bench-sessions.sqlite3'}"
    else:
        database_url = fresh_database(args.database_url, "bench-sessions.sqlite3")
    env = environment(database_url)
    proc: subprocess.Popen[bytes] | None = None
    loads: list[tuple[str, int, LoadResult]] = []
    try:
        if not args.keep_database:
            manage(env, "migrate", "--no-input", "-v0")
            manage(env, "seed_ciss")
            manage(env, "seed_session_scale", "--items", "60", "--participants", "300")
        manage(env, "collectstatic", "--no-input", "-v0")
        info = django_json(env, QUERIES_SNIPPET, STAFF_EMAIL)
        for audience in AUDIENCES:
            if info[audience]["status"] != 200:
                sys.exit(f"the session page answered {info[audience]['status']} to {audience}")
        cookie = {"Cookie": f"sessionid={login_sessions(env, [STAFF_EMAIL])[STAFF_EMAIL]}"}
        headers_of = {
            "anonymous": {},
            "anonymous-uncached": {"Cookie": "messages=bench"},
            "staff": cookie,
        }
        audiences = {a: headers_of[a] for a in args.audiences}
        proc = start_gunicorn(env, args.port, VAR / "bench-gunicorn.log")
        wait_until_up(args.port, proc)
        for headers in audiences.values():
            prime(args.port, [info["path"]], headers)
        for audience, headers in audiences.items():
            for concurrency in args.concurrency:
                print(f"load: {info['path']} {audience}, {concurrency} clients …", flush=True)
                result = run_load(
                    args.port,
                    info["path"],
                    concurrency=concurrency,
                    warmup=args.warmup,
                    duration=args.duration,
                    headers=headers,
                    server_pid=proc.pid,
                )
                loads.append((audience, concurrency, result))
    finally:
        stop_gunicorn(proc)

    text = report(args, database_url, info, loads)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"session-page-{engine_name(database_url).lower()}.md"
    out.write_text(text, encoding="utf-8")
    print()
    print(text)
    print(f"written to {out.relative_to(ROOT)}")
    return 0 if all(r.errors == 0 for _a, _c, r in loads) else 1


def report(
    args: argparse.Namespace,
    database_url: str,
    info: dict,
    loads: list[tuple[str, int, LoadResult]],
) -> str:
    engine = engine_name(database_url)
    lines = [
        f"# Benchmark: the session page ({engine})",
        "",
        f"- When: {dt.datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"- Commit: {git_commit()}",
        f"- Database: {engine}; server: gunicorn, 4 sync workers, DEBUG=false, {HOST}:{args.port}",
        f"- Machine: {machine_line()}",
        f"- CPU calibration: `sum(range(1000))` × 1000 takes {cpu_calibration_ms():.0f} ms",
        f"- Page: `{info['path']}`: {info['items']} agenda items and {info['sub_items']} "
        f"sub-items, {info['documents']} documents ({info['files']} files, es and en), "
        f"{info['participants']} accredited delegates",
        f"- Load: {args.warmup:g} s warm-up, {args.duration:g} s measured per row; "
        "each client thread sends its next request when the previous one is answered",
        "",
        "| Audience | Clients | Requests/s | p50 ms | p95 ms | Errors | Queries | KB | "
        "In-process ms | In-process CPU ms | Server CPU ms/request |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for audience, concurrency, result in loads:
        q = info[audience]
        server_cpu = result.server_cpu_ms / result.answered if result.answered else float("nan")
        lines.append(
            f"| {audience} | {concurrency} | {result.rps:.0f} | {result.percentile(50):.0f} | "
            f"{result.percentile(95):.0f} | {result.errors} | {q['queries']} | "
            f"{q['bytes'] / 1024:.0f} | {q['ms']:.0f} | {q['cpu_ms']:.0f} | {server_cpu:.1f} |"
        )
    best = max((r.rps for _a, _c, r in loads), default=0.0)
    worst = min((r.rps for _a, _c, r in loads), default=0.0)
    lines += [
        "",
        f"The bar: Indico 3.3's event page of the same size, about {INDICO_RPS[0]}–"
        f"{INDICO_RPS[1]} requests/s on this machine. Here {worst:.0f}–{best:.0f} requests/s: "
        f"{worst / INDICO_RPS[1]:.0f}–{best / INDICO_RPS[0]:.0f} times as many.",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
