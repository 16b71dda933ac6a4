#!/usr/bin/env python3
"""Benchmark of an election round: 1,000 ballots between three candidates, counted exactly.

Not a test of the suite: run it by hand, once per engine.

    .venv/bin/python bench/election_round.py
    .venv/bin/python bench/election_round.py \\
        --database-url postgres://postgres@127.0.0.1:5432/el_bench

Steps, on a database of its own (var/bench-election.sqlite3, or the PostgreSQL database
given, whose name must contain "bench": it is dropped and created again):
  1. migrate, seed_ciss, seed_session_scale --voters N: an open General Assembly session
     (No. 901) where N synthetic full members are entitled, each with one present,
     accredited head of delegation with an account;
  2. in-process, with the ORM and the services: a Call for one office elected by the
     Assembly, three eligible candidates (every finding met and confirmed), a signed
     eligibility report, an election item; `contest_start`, `round_open` (a governance
     secret vote between the three candidates and a blank ballot);
  3. the N ballots through `round_ballot_cast` -> governance's `ballot_cast`, one per
     member, choices fixed by the member's number (so the expected counts are known): the
     seconds taken are printed;
  4. `round_close` (the vote closes: tallies == receipts == the chain's head, else it
     refuses), timed; then the checks: the tallies sum exactly to N and equal the receipts,
     each candidate's recorded votes equal what was sent, the outcome follows the
     arithmetic. Exit 1 when a check fails.
"""

from __future__ import annotations

import argparse
import os
import sys

from sessions_common import django_json, engine_name, environment, fresh_database, manage

ROUND_SNIPPET = r"""
import json, sys, time, datetime as dt
import django
django.setup()
from django.db import connection
from django.utils import timezone
from secretariat.core.models import User
from secretariat.elections.models import (Call, CallOffice, EligibilityReport, Finding,
    Nomination, NominationVersion, Requirement, RoundCandidate)
from secretariat.elections.services import ballots
from secretariat.governance.models import AgendaItem, BallotReceipt, Office, Participant, SecretTally, Session
from secretariat.governance.selectors.composition import unit_key
from secretariat.members.models import Country

staff = User.objects.get(email=sys.argv[1])
session = Session.objects.get(body__code="general-assembly", kind="ordinary", number=901)
country = Country.objects.order_by("pk").first()
office = Office.objects.create(code="bench-office", name="Oficina de benchmark",
    electing_body=session.body, places=1)
now = timezone.now()
call = Call.objects.create(title="Convocatoria de benchmark", session=session,
    opens_at=now - dt.timedelta(days=90), deadline=now - dt.timedelta(days=30),
    languages=["es"], state=Call.State.PUBLISHED)
co = CallOffice.objects.create(call=call, office=office, term_start=dt.date(2027, 1, 1),
    term_end=dt.date(2030, 1, 1))
req = Requirement.objects.create(call=call, kind="member_nationality", label="Nacionalidad")
members = list(Participant.objects.filter(session=session, user__isnull=False, present=True)
    .select_related("user").order_by("user__email"))
nominations = []
for i, name in enumerate(["Candidata A", "Candidato B", "Candidata C"]):
    n = Nomination.objects.create(call=call, call_office=co, institution_id=members[i].institution_id,
        received_at=now - dt.timedelta(days=40, minutes=i))
    v = NominationVersion.objects.create(nomination=n, number=1, candidate_name=name,
        candidate_nationality=country, created_at=n.received_at)
    Finding.objects.create(version=v, requirement=req, result="met", confirmed=True,
        reviewed_by=staff, reviewed_at=now)
    nominations.append(n)
EligibilityReport.objects.create(call=call, version=1, state="signed", signed_at=now)
position = (AgendaItem.objects.filter(session=session).order_by("-position")
    .values_list("position", flat=True).first() or 0) + 1
AgendaItem.objects.create(session=session, position=position, title="Elección",
    outcome=AgendaItem.Outcome.ELECTION)
contest = ballots.contest_start(actor=staff, call_office=co, place=1, session=session)
rnd = ballots.round_open(actor=staff, contest=contest)
keys = [f"n{n.pk}" for n in nominations]
pattern = [keys[0], keys[0], keys[1], keys[2], keys[0], keys[1], "abstain"]
sent = {}
started = time.perf_counter()
for i, p in enumerate(members):
    choice = pattern[i % len(pattern)]
    ballots.round_ballot_cast(user=p.user, rnd=rnd, unit_key=unit_key(institution_id=p.institution_id),
        choice=choice)
    sent[choice] = sent.get(choice, 0) + 1
casting = time.perf_counter() - started
tallies = dict(SecretTally.objects.filter(vote=rnd.vote).values_list("choice", "count"))
receipts = BallotReceipt.objects.filter(vote=rnd.vote).count()
started = time.perf_counter()
rnd = ballots.round_close(actor=staff, rnd=rnd)
closing = time.perf_counter() - started
recorded = dict(RoundCandidate.objects.filter(round=rnd).values_list("option_key", "votes"))
print(json.dumps({"engine": connection.vendor, "ballots": len(members), "casting_s": casting,
    "closing_s": closing, "tallies": tallies, "receipts": receipts, "sent": sent,
    "recorded": recorded, "outcome": rnd.outcome, "entitled": rnd.vote.entitled,
    "present": rnd.vote.present}))
"""

STAFF_EMAIL = "bench.staff@bench.invalid"  # made by seed_session_scale


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", ""),
        help="PostgreSQL URL (name containing 'bench'); SQLite when empty",
    )
    parser.add_argument("--voters", type=int, default=1000, help="members voting (1000)")
    args = parser.parse_args()
    database_url = fresh_database(args.database_url, "bench-election.sqlite3")
    env = environment(database_url)
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "seed_ciss")
    manage(env, "seed_session_scale", "--items", "3", "--participants", "10",
           "--voters", str(args.voters))  # fmt: skip
    out = django_json(env, ROUND_SNIPPET, STAFF_EMAIL)
    total = sum(out["tallies"].values())
    checks = {
        "tallies sum to the ballots": total == out["ballots"] == args.voters,
        "tallies equal the receipts": total == out["receipts"],
        "tallies equal what was sent": out["tallies"] == out["sent"],
        "each candidate's votes recorded": all(
            out["recorded"][k] == out["sent"].get(k, 0) for k in out["recorded"]
        ),
        "entitled and present": out["entitled"] == out["present"] == args.voters,
    }
    print(f"## Election round, {engine_name(database_url)}: {out['ballots']} ballots")
    print(
        f"- casting: {out['casting_s']:.2f} s ({1000 * out['casting_s'] / out['ballots']:.1f} ms a ballot)"
    )
    print(f"- closing and counting: {out['closing_s']:.3f} s")
    print(f"- tallies: {out['tallies']} (blank = abstain); outcome: {out['outcome']}")
    for name, ok in checks.items():
        print(f"- {'OK ' if ok else 'FAIL'} {name}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
