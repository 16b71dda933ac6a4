#!/usr/bin/env python3
"""Where one secret ballot's time and queries go: ballot POSTs in one process, profiled.

Not a test of the suite: run it by hand, after `bench/secret_vote_load.py` has built its
database (var/bench-vote.sqlite3, or the PostgreSQL database given: the same URL):

    .venv/bin/python bench/ballot_profile.py [--ballots 200] [--database-url URL] [--sql]

It adds a motion to session No. 901 with the load test's seeding command and opens a secret
ballot on it, makes a logged-in session for each delegate, and POSTs --ballots ballots
through Django's test client with the session and CSRF cookies and the X-CSRFToken header
(the CSRF check runs, as in production), after 5 unprofiled warm-up ballots. It prints the
queries of one ballot POST (`--sql`: their SQL), the mean time of a ballot without the
profiler, and the functions that take the most cumulative time under cProfile.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time

from sessions_common import ROOT, VAR, environment

CSRF_TOKEN = "benchcsrftoken0123456789abcdefgh"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--ballots", type=int, default=200)
    parser.add_argument("--sql", action="store_true", help="print the SQL of one ballot POST")
    parser.add_argument("--top", type=int, default=45)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{VAR / 'bench-vote.sqlite3'}"
    os.environ.update(environment(url))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from secretariat.core.models import User
    from secretariat.governance.models import Motion, Participant, Session, Vote
    from secretariat.governance.selectors.composition import unit_key
    from secretariat.governance.services.votes import vote_open

    exec_snippet_sessions = __import__("sessions_common").SESSIONS_SNIPPET
    session = Session.objects.get(body__code="general-assembly", kind="ordinary", number=901)
    staff = User.objects.get(email="bench.staff@bench.invalid")
    Vote.objects.filter(motion__session=session, state=Vote.State.OPEN).update(
        state=Vote.State.CLOSED
    )  # a vote a previous profile left open: this one needs the session to itself
    call_command("migrate", "--no-input", "-v0")  # the database may be older than the code
    # The load test's seeding again: it adds a proposed motion when the last one was voted.
    call_command(
        "seed_session_scale", "--items", "5", "--participants", "30", "--voters", "1000"
    )  # fmt: skip
    motion = Motion.objects.filter(session=session, state="proposed").order_by("number").first()
    vote = vote_open(actor=staff, motion=motion, method="secret")
    voters = list(
        Participant.objects.filter(session=session, user__isnull=False, present=True)
        .select_related("user")
        .order_by("user__email")[: args.ballots + 5]
    )
    keys = _sessions(exec_snippet_sessions, [p.user.email for p in voters])
    path = f"/es/votes/{vote.pk}/ballot/"

    # One client (one handler, its middleware loaded once, as in a gunicorn worker); each
    # ballot with its delegate's cookies only.
    client = Client(enforce_csrf_checks=True, HTTP_X_CSRFTOKEN=CSRF_TOKEN)

    def post(p: Participant, n: int) -> int:
        client.cookies.clear()
        client.cookies["sessionid"] = keys[p.user.email]
        client.cookies["csrftoken"] = CSRF_TOKEN
        data = {"unit": unit_key(institution_id=p.institution_id), "choice": "yes"}
        response = client.post(path, data)
        if response.status_code != 302:
            raise SystemExit(f"ballot {n}: HTTP {response.status_code}")
        return response.status_code

    for n, p in enumerate(voters[:4]):
        post(p, n)
    with CaptureQueriesContext(connection) as queries:
        post(voters[4], 4)
    print(f"queries of one ballot POST ({connection.vendor}): {len(queries)}")
    for q in queries.captured_queries:
        sql = q["sql"]
        print(f"  {float(q['time']) * 1000:6.2f} ms  {sql if args.sql else sql[:140]}")
    rest = voters[5:]
    half = len(rest) // 2
    started = time.perf_counter()
    for n, p in enumerate(rest[:half]):
        post(p, n)
    plain = (time.perf_counter() - started) / max(half, 1) * 1000
    print(f"\nmean ballot POST without the profiler: {plain:.2f} ms ({half} ballots)")
    profiler = cProfile.Profile()
    profiler.enable()
    for n, p in enumerate(rest[half:]):
        post(p, n)
    profiler.disable()
    print(f"\ncProfile over {len(rest) - half} ballots, by cumulative time:")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.top)
    return 0


def _sessions(snippet: str, emails: list[str]) -> dict[str, str]:
    import json

    namespace: dict[str, object] = {}
    out: list[str] = []
    code = snippet.replace("import django\ndjango.setup()\n", "")
    argv = sys.argv
    sys.argv = ["snippet", json.dumps(emails)]
    try:
        namespace["print"] = out.append
        exec(code, namespace)  # noqa: S102  (the benchmark's own snippet, as sessions_common runs it)
    finally:
        sys.argv = argv
    return json.loads(out[-1])


if __name__ == "__main__":
    sys.exit(main())
