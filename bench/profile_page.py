#!/usr/bin/env python3
"""Where a page's time goes: one page requested in-process under cProfile (issue #10).

Not a test. Uses the database a benchmark left behind (bench/session_page.py's
var/bench-sessions.sqlite3 by default; bench/run.py's var/bench.sqlite3 for the directory):

    .venv/bin/python bench/profile_page.py --audience staff
    .venv/bin/python bench/profile_page.py --audience anonymous-uncached
    .venv/bin/python bench/profile_page.py --database var/bench.sqlite3 \\
        --path /es/members/ --audience anonymous

Steps: Django's test client requests the page --warmup times (3), then the median wall and
CPU time of --timed unprofiled requests (20) and their queries, then --requests requests (20) under cProfile;
prints the time, the queries, and the functions with the largest cumulative and own time.
The profiler roughly doubles the time of a request: read the shares, not the times.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAFF_EMAIL = "bench.staff@bench.invalid"  # made by seed_session_scale


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", default=str(ROOT / "var" / "bench-sessions.sqlite3"))
    parser.add_argument("--path", default="", help="the page (default: GA session No. 900)")
    parser.add_argument(
        "--audience", choices=("anonymous", "anonymous-uncached", "staff"), default="staff"
    )
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--timed", type=int, default=20)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument(
        "--cold",
        action="store_true",
        help="empty the fragment cache before each request: the cost after every change",
    )
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="cumulative", help="pstats key (cumulative, tottime)")
    args = parser.parse_args()

    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": args.database
            if args.database.startswith("postg")
            else f"sqlite:///{args.database}",
            "DEBUG": "false",
            "ALLOWED_HOSTS": "testserver",
            "LOG_LEVEL": "ERROR",
            "SECRETARIAT_ALLOW_INSECURE_KEY": "true",
            "MEDIA_ROOT": str(ROOT / "var" / "bench-media"),
        }
    )
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    import django

    django.setup()
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY as AM
    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY as AU,
    )
    from django.core.cache import caches
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from secretariat.core.models import User
    from secretariat.governance.models import Session

    path = args.path
    if not path:
        session = Session.objects.get(body__code="general-assembly", kind="ordinary", number=900)
        path = f"/es/sessions/{session.pk}/"
    client = Client()
    if args.audience == "anonymous-uncached":
        client.cookies["messages"] = "bench"  # the view then skips the public page cache
    if args.audience == "staff":
        user = User.objects.get(email=STAFF_EMAIL)
        client.force_login(user)
        s = client.session
        s.update(
            {
                AM: [
                    {"method": "password", "at": time.time()},
                    {"method": "mfa", "at": time.time(), "type": "totp"},
                ],
                AU: str(user.pk),
            }
        )
        s.save()

    def before_request() -> None:
        if args.cold:
            caches["template_fragments"].clear()

    for _ in range(args.warmup):
        response = client.get(path)
        assert response.status_code == 200, response.status_code
    before_request()
    with CaptureQueriesContext(connection) as ctx:
        client.get(path)
    queries = [q["sql"] for q in ctx.captured_queries]
    times, cpu_times = [], []
    for _ in range(args.timed):
        before_request()
        t0, c0 = time.perf_counter(), time.process_time()
        client.get(path)
        times.append((time.perf_counter() - t0) * 1000)
        cpu_times.append((time.process_time() - c0) * 1000)
    cpu0 = time.process_time()
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.requests):
        before_request()
        client.get(path)
    profile.disable()
    cpu = (time.process_time() - cpu0) * 1000 / args.requests
    print(
        f"{path} ({args.audience}): median {statistics.median(times):.1f} ms unprofiled "
        f"({statistics.median(cpu_times):.1f} ms CPU){' cold' if args.cold else ''}, "
        f"{len(queries)} queries, {len(response.content) / 1024:.0f} KB; "
        f"{cpu:.0f} ms CPU a request under the profiler"
    )
    for sql in queries:
        print("  ", sql[:160])
    stats = pstats.Stats(profile)
    stats.sort_stats(args.sort).print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
