#!/usr/bin/env python3
"""Load test of a secret ballot: 1,000 delegates cast their vote within a few seconds.

Not a test of the suite: run it by hand.

    .venv/bin/python bench/secret_vote_load.py
    .venv/bin/python bench/secret_vote_load.py \\
        --database-url postgres://postgres@127.0.0.1:5432/secretariat_bench

Steps, on a database of its own (var/bench-vote.sqlite3, or the PostgreSQL database given,
whose name must contain "bench": it is dropped and created again):
  1. migrate, seed_ciss, seed_session_scale --voters N: an open General Assembly session
     (No. 901) where N synthetic full members each have one present, accredited head of
     delegation with an account, and a motion; collectstatic;
  2. a logged-in session for each delegate, made directly in the session store (no login
     round-trip), and the secret vote opened with the service (`votes.vote_open`);
  3. gunicorn, 4 sync workers, DEBUG=false, on 127.0.0.1:8199 (bench/run.py's start code);
     each worker is warmed up with GET requests to the ballot page;
  4. the N ballots: POST /es/votes/<pk>/ballot/ (form fields `unit` = "i<institution id>"
     and `choice`), each with its delegate's session cookie, the CSRF cookie and the
     X-CSRFToken header, from a pool of --concurrency threads (48). Each delegate's choice
     is fixed by its number (yes, yes, no, abstain, yes, no, yes: 4/7 yes, 2/7 no, 1/7
     abstain), so the expected result is known. A ballot is accepted when the server
     redirects (302) to the delegate's live page;
  5. the vote closed with the service (`votes.vote_close`), then the checks: every request
     answered 302, receipts = N, the tallies add up to N, yes/no/abstain = what was sent,
     the outcome computed; a second ballot by the same delegate is refused; the vote's
     chain of receipts holds N and verifies, and its closing entry anchors N (decision 0012);
  6. a Markdown report on stdout and in bench/results/secret-vote-<engine>.md; exit 1 when
     a check fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

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
    start_gunicorn,
    stop_gunicorn,
    wait_until_up,
)

RESULTS = ROOT / "bench" / "results"
STAFF_EMAIL = "bench.staff@bench.invalid"  # made by seed_session_scale
CHOICES = ["yes", "yes", "no", "abstain", "yes", "no", "yes"]
CSRF_TOKEN = "benchcsrftoken0123456789abcdefgh"  # 32 characters, as Django's secrets are

OPEN_SNIPPET = """
import json, sys
import django
django.setup()
from secretariat.core.models import User
from secretariat.governance.models import Motion, Participant, Session
from secretariat.governance.selectors.composition import unit_key
from secretariat.governance.services.votes import vote_open

session = Session.objects.get(body__code="general-assembly", kind="ordinary", number=901)
staff = User.objects.get(email=sys.argv[1])
motion = Motion.objects.filter(session=session, state="proposed").order_by("number").first()
vote = vote_open(actor=staff, motion=motion, method="secret")
voters = [
    {"email": p.user.email, "unit": unit_key(institution_id=p.institution_id)}
    for p in Participant.objects.filter(session=session, user__isnull=False, present=True)
    .select_related("user").order_by("user__email")
]
print(json.dumps({"vote": vote.pk, "session": session.pk, "entitled": vote.entitled,
                  "present": vote.present, "voters": voters}))
"""

CLOSE_SNIPPET = """
import json, sys
import django
django.setup()
from secretariat.core.anchoring import keyring
from secretariat.core.models import ActionLog, User
from secretariat.governance.models import BallotReceipt, SecretTally, Vote
from secretariat.governance.selectors.ballot_chains import ballot_chains_verify
from secretariat.governance.services.votes import vote_close

staff = User.objects.get(email=sys.argv[1])
vote = Vote.objects.get(pk=int(sys.argv[2]))
tallies = dict(SecretTally.objects.filter(vote=vote).values_list("choice", "count"))
receipts = BallotReceipt.objects.filter(vote=vote)
distinct = receipts.values("institution_id").distinct().count()
vote = vote_close(actor=staff, vote=vote)
print(json.dumps({
    "receipts": receipts.count(), "distinct_members": distinct, "tallies": tallies,
    "yes": vote.yes, "no": vote.no, "abstain": vote.abstain, "carried": vote.carried,
    "majority": vote.majority, "state": vote.state,
    "chained": vote.ballots_cast,
    "anchored": ActionLog.objects.get(event="vote.closed", target_id=str(vote.pk)).new_values.get("ballots"),
    "chain_problems": [f"{p.where}: {p.problem}: {p.detail}" for p in ballot_chains_verify(keyring() if keyring().by_id else None)],
}))
"""


def choice_for(n: int) -> str:
    return CHOICES[n % len(CHOICES)]


def cast(port: int, path: str, session_key: str, unit: str, choice: str) -> tuple[int, float, str]:
    """One ballot: (status, latency ms, Location or error)."""
    body = urlencode({"unit": unit, "choice": choice})
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"sessionid={session_key}; csrftoken={CSRF_TOKEN}",
        "X-CSRFToken": CSRF_TOKEN,
        "Accept-Encoding": "identity",
    }
    t0 = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        content = response.read()
        status = response.status
        detail = response.getheader("Location") or content[:200].decode("utf-8", "replace")
    except (OSError, http.client.HTTPException) as exc:
        status, detail = 0, repr(exc)
    finally:
        conn.close()
    return status, (time.perf_counter() - t0) * 1000, detail


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", ""),
        help="PostgreSQL URL (name containing 'bench'); SQLite when empty",
    )
    parser.add_argument("--voters", type=int, default=1000, help="delegates voting (1000)")
    parser.add_argument("--concurrency", type=int, default=48, help="concurrent ballots (48)")
    parser.add_argument("--port", type=int, default=8199)
    args = parser.parse_args()
    if not 1 <= args.concurrency <= 256:
        parser.error("keep --concurrency within 1..256")
    if not port_is_free(args.port):
        sys.exit(f"{HOST}:{args.port} is already in use; stop what listens there or pass --port")

    database_url = fresh_database(args.database_url, "bench-vote.sqlite3")
    env = environment(database_url)
    proc: subprocess.Popen[bytes] | None = None
    try:
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "seed_ciss")
        manage(
            env,
            "seed_session_scale",
            "--items", "5", "--participants", "30", "--voters", str(args.voters),
        )  # fmt: skip
        manage(env, "collectstatic", "--no-input", "-v0")
        opened = django_json(env, OPEN_SNIPPET, STAFF_EMAIL)
        voters = opened["voters"]
        keys = login_sessions(env, [v["email"] for v in voters])
        path = f"/es/votes/{opened['vote']}/ballot/"
        proc = start_gunicorn(env, args.port, VAR / "bench-gunicorn.log")
        wait_until_up(args.port, proc)
        # Warm every worker on the ballot page (GET: shows the ballot, casts nothing).
        prime(args.port, [path], {"Cookie": f"sessionid={keys[voters[-1]['email']]}"}, n=8)

        jobs = [(keys[v["email"]], v["unit"], choice_for(n)) for n, v in enumerate(voters, start=1)]
        print(f"casting {len(jobs)} ballots, {args.concurrency} at a time …", flush=True)
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            results = list(pool.map(lambda job: cast(args.port, path, *job), jobs))
        wall = time.perf_counter() - started
        # The same delegate again: must be refused, and change nothing.
        again = cast(args.port, path, *jobs[0])
    finally:
        stop_gunicorn(proc)

    closed = django_json(env, CLOSE_SNIPPET, STAFF_EMAIL, str(opened["vote"]))
    sent = {c: sum(1 for _k, _u, choice in jobs if choice == c) for c in ("yes", "no", "abstain")}
    statuses: dict[int, int] = {}
    for status, _ms, _detail in results:
        statuses[status] = statuses.get(status, 0) + 1
    accepted = [r for r in results if r[0] == 302 and "/live/" in r[2]]
    errors = [r for r in results if not (r[0] == 302 and "/live/" in r[2])]
    latencies = [ms for _s, ms, _d in results]
    n = len(jobs)
    checks = [
        ("every ballot accepted (302 to the live page)", len(accepted) == n),
        ("no errors", not errors),
        ("receipts = ballots sent", closed["receipts"] == n),
        ("one receipt per member", closed["distinct_members"] == n),
        ("tallies add up to the ballots sent", sum(closed["tallies"].values()) == n),
        (
            "yes/no/abstain = what was sent",
            (closed["yes"], closed["no"], closed["abstain"])
            == (sent["yes"], sent["no"], sent["abstain"]),
        ),
        ("a second ballot by the same delegate is refused", again[0] == 400),
        (
            "every ballot in the vote's chain of receipts, anchored by its closing entry",
            closed["chained"] == closed["anchored"] == n,
        ),
        ("the chain of receipts verifies", not closed["chain_problems"]),
        ("vote closed", closed["state"] == "closed"),
    ]
    text = report(args, database_url, opened, closed, sent, statuses, wall, latencies, checks)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"secret-vote-{engine_name(database_url).lower()}.md"
    out.write_text(text, encoding="utf-8")
    print()
    print(text)
    for status, _ms, detail in errors[:5]:
        print(f"error: HTTP {status}: {detail[:200]}")
    print(f"written to {out.relative_to(ROOT)}")
    return 0 if all(ok for _name, ok in checks) else 1


def report(
    args: argparse.Namespace,
    database_url: str,
    opened: dict,
    closed: dict,
    sent: dict[str, int],
    statuses: dict[int, int],
    wall: float,
    latencies: list[float],
    checks: list[tuple[str, bool]],
) -> str:
    engine = engine_name(database_url)
    n = len(latencies)
    lines = [
        f"# Load test: a secret ballot of {n} delegates ({engine})",
        "",
        f"- When: {dt.datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"- Commit: {git_commit()}",
        f"- Database: {engine}; server: gunicorn, 4 sync workers, DEBUG=false, {HOST}:{args.port}",
        f"- Machine: {machine_line()}",
        f"- CPU calibration: `sum(range(1000))` × 1000 takes {cpu_calibration_ms():.0f} ms",
        f"- Vote: secret ballot, {opened['present']} voting members present of "
        f"{opened['entitled']} entitled; {n} ballots POSTed to `/es/votes/{opened['vote']}/"
        f"ballot/`, {args.concurrency} at a time",
        "",
        "| Engine | Ballots | Wall time s | Ballots/s | p50 ms | p95 ms | max ms | Errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        f"| {engine} | {n} | {wall:.2f} | {n / wall:.0f} | {percentile(latencies, 50):.0f} | "
        f"{percentile(latencies, 95):.0f} | {max(latencies):.0f} | "
        f"{sum(v for k, v in statuses.items() if k != 302)} |",
        "",
        f"- HTTP statuses: {', '.join(f'{k}: {v}' for k, v in sorted(statuses.items()))}",
        f"- Sent: yes {sent['yes']}, no {sent['no']}, abstain {sent['abstain']}",
        f"- Counted: yes {closed['yes']}, no {closed['no']}, abstain {closed['abstain']}; "
        f"receipts {closed['receipts']} ({closed['distinct_members']} members); "
        f"in the vote's chain {closed['chained']}, anchored by its closing entry "
        f"{closed['anchored']}; majority {closed['majority']}: "
        f"{'carried' if closed['carried'] else 'not carried'}",
        "",
        "## Checks",
        "",
        *[f"- {'ok' if ok else 'FAILED'}: {name}" for name, ok in checks],
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
