#!/usr/bin/env python3
"""The financial statements over a large ledger on PostgreSQL (issue #12, "Benchmark").

Writes --lines ledger lines (default 1,000,000: half as many posted entries of two lines,
USD, across fiscal years 2024-2026, a quarter of them moving cash) with COPY, in batches,
with the balance triggers ON (each batch commits, so the deferred constraint triggers check
every entry: lines of posted entries must balance). Then times `statement_figures` (what
every output of the statements uses) against a hand-written SQL aggregate over the same
tables giving the same numbers, and prints both (median of --runs, ms) and their ratio
(target: at most 1.2).

A database of its own: BENCH_DATABASE_URL (PostgreSQL; its name must contain "bench"), dropped
and created again.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/sec_bench_statements \\
        .venv/bin/python bench/finance_statements.py --lines 1000000
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HAND_SQL = {
    "balances": """
        SELECT a.account_class, a.statement_line, a.is_cash,
               CASE WHEN fy.year < %(comp)s THEN 0 WHEN fy.year < %(first)s THEN 1 ELSE 2 END,
               CASE WHEN e.source_kind = 'closing' THEN 1 ELSE 0 END,
               SUM(l.base_debit), SUM(l.base_credit)
          FROM finance_line l
          JOIN finance_entry e ON e.id = l.entry_id
          JOIN finance_fiscalyear fy ON fy.id = e.fiscal_year_id
          JOIN finance_account a ON a.id = l.account_id
         WHERE e.state IN ('posted', 'reversed') AND fy.year <= %(last)s
         GROUP BY 1, 2, 3, 4, 5""",
    "cash": """
        SELECT a.account_class, a.statement_line, a.cash_flow,
               CASE WHEN fy.year < %(first)s THEN 1 ELSE 2 END,
               CASE WHEN e.source_kind = 'revaluation' THEN 1 ELSE 0 END,
               SUM(l.base_debit), SUM(l.base_credit)
          FROM finance_line l
          JOIN finance_entry e ON e.id = l.entry_id
          JOIN finance_fiscalyear fy ON fy.id = e.fiscal_year_id
          JOIN finance_account a ON a.id = l.account_id
         WHERE e.state IN ('posted', 'reversed') AND fy.year <= %(last)s
           AND fy.year >= %(comp)s AND NOT a.is_cash
           AND EXISTS (SELECT 1 FROM finance_line c JOIN finance_account ca ON ca.id = c.account_id
                        WHERE c.entry_id = l.entry_id AND ca.is_cash)
         GROUP BY 1, 2, 3, 4, 5""",
    "receivables": """
        SELECT m.name, SUM(l.base_debit) - SUM(l.base_credit),
               COALESCE(SUM(l.base_debit) FILTER (WHERE fy.year < %(first)s), 0)
               - COALESCE(SUM(l.base_credit) FILTER (WHERE fy.year < %(first)s), 0)
          FROM finance_line l
          JOIN finance_entry e ON e.id = l.entry_id
          JOIN finance_fiscalyear fy ON fy.id = e.fiscal_year_id
          JOIN finance_account a ON a.id = l.account_id
          LEFT JOIN members_institution m ON m.id = l.member_id
         WHERE e.state IN ('posted', 'reversed') AND fy.year <= %(last)s AND a.is_receivable
         GROUP BY m.name ORDER BY m.name""",
    "years": """
        SELECT year, start, "end", state FROM finance_fiscalyear
         WHERE year >= %(comp)s AND year <= %(last)s ORDER BY year""",
}


def _database() -> str:
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("BENCH_DATABASE_URL must name a PostgreSQL database (containing 'bench')")
    name = url.rsplit("/", 1)[-1]
    if "bench" not in name:
        sys.exit("BENCH_DATABASE_URL must name a database containing 'bench'")
    base = url.rsplit("/", 1)[0] + "/postgres"
    for sql in (f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'):
        subprocess.run(["psql", base, "-qc", sql], check=True)
    return url


def _generate(lines: int, batch: int) -> float:
    from django.db import connection, transaction

    from secretariat.core.models import User
    from secretariat.finance.models import Account, Journal, Period
    from secretariat.finance.services.years import fiscal_year_open
    from secretariat.finance.tests.ledger_world import make_books

    actor = User.objects.create(email="bench@example.org")
    books = make_books(actor, 2024)
    for year in (2025, 2026):
        fiscal_year_open(actor=actor, year=year, check_permission=False)
    accounts = list(Account.objects.filter(is_postable=True, currency__in=["", "USD"]))
    cash = [a for a in accounts if a.is_cash]
    others = [a for a in accounts if not a.is_cash]
    journal = Journal.objects.get(code="GEN")
    periods = {
        (p.start.year, p.start.month): (p.pk, p.fiscal_year_id) for p in Period.objects.all()
    }
    rng = random.Random(12)
    entries = lines // 2
    numbers: dict[int, int] = defaultdict(int)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM finance_entry")
        next_id = cursor.fetchone()[0] + 1
    first_day = dt.date(2024, 1, 1)
    done = 0
    while done < entries:
        size = min(batch, entries - done)
        entry_rows, line_rows = [], []
        for i in range(size):
            day = first_day + dt.timedelta(days=rng.randrange(3 * 365))
            period_id, year_id = periods[(day.year, day.month)]
            numbers[year_id] += 1
            eid = next_id + done + i
            entry_rows.append(
                (eid, journal.pk, numbers[year_id], day, year_id, period_id, "Bench", "posted")
            )
            debit = rng.choice(others)
            credit = rng.choice(cash) if rng.random() < 0.25 else rng.choice(others)
            amount = rng.randrange(1, 10**7)
            line_rows.append((eid, debit.pk, amount, 0, "USD", 1, amount, 0))
            line_rows.append((eid, credit.pk, 0, amount, "USD", 1, 0, amount))
        with transaction.atomic(), connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(
                "COPY finance_entry (id, journal_id, number, date, fiscal_year_id, period_id,"
                " description, state, source_kind, source_reference, source_file, created_at)"
                " FROM STDIN"
            ) as copy:
                now = dt.datetime.now(dt.UTC)
                for row in entry_rows:
                    copy.write_row((*row, "manual", "", "", now))
            with raw.copy(
                "COPY finance_line (entry_id, account_id, debit, credit, currency, rate,"
                " base_debit, base_credit, description) FROM STDIN"
            ) as copy:
                for row in line_rows:
                    copy.write_row((*row, ""))
        done += size
        print(f"  {done * 2:>9,} lines", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval('finance_entry_id_seq', (SELECT max(id) FROM finance_entry))")
        cursor.execute("ANALYZE finance_line; ANALYZE finance_entry")
    _ = books
    return time.perf_counter() - started


def _hand(first: int, last: int) -> dict[str, list]:
    from django.db import connection

    params = {"first": first, "last": last, "comp": first - (last - first + 1)}
    out = {}
    with connection.cursor() as cursor:
        for key, sql in HAND_SQL.items():
            cursor.execute(sql, params)
            out[key] = cursor.fetchall()
    return out


def _class_totals_hand(rows: list) -> dict[tuple[str, int], int]:
    totals: dict[tuple[str, int], int] = defaultdict(int)
    for klass, _line, _cash, bucket, _closing, debit, credit in rows:
        sign = 1 if klass in ("asset", "expense") else -1
        for b in range(bucket, 3):
            totals[(klass, b)] += sign * (int(debit) - int(credit))
    return totals


def _median_ms(run, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=50_000, help="entries per transaction")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = _database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from secretariat.finance.selectors.statements import statement_figures

    call_command("migrate", verbosity=0)
    print(f"Writing {args.lines:,} ledger lines (triggers on)…", flush=True)
    seconds = _generate(args.lines, args.batch)
    print(f"written in {seconds:.1f} s")
    first = last = 2026
    figures = statement_figures(first_year=first, last_year=last)
    hand = _hand(first, last)
    totals = _class_totals_hand(hand["balances"])
    position = figures["position"]
    assert position["total_assets"] == [totals[("asset", 2)], totals[("asset", 1)]]
    assert position["total_liabilities"] == [totals[("liability", 2)], totals[("liability", 1)]]
    assert position["total_net_assets"] == [
        totals[("net_assets", b)] + totals[("revenue", b)] - totals[("expense", b)] for b in (2, 1)
    ]
    print("statement_figures and the hand-written SQL give the same totals")
    with CaptureQueriesContext(connection) as queries:
        statement_figures(first_year=first, last_year=last)
    ours = _median_ms(lambda: statement_figures(first_year=first, last_year=last), args.runs)
    theirs = _median_ms(lambda: _hand(first, last), args.runs)
    print(f"queries per statement_figures: {len(queries)}")
    print(f"statement_figures: {ours:.1f} ms (median of {args.runs})")
    print(f"hand-written SQL:  {theirs:.1f} ms (median of {args.runs})")
    print(f"ratio: {ours / theirs:.3f} (target ≤ 1.2)")


if __name__ == "__main__":
    main()
