#!/usr/bin/env python3
"""A member's statement of account over 30 years of history (issue #12: p95 under 100 ms).

Not a test. Builds, once, 100 members with 30 fiscal years each (one assessment a year, two
payments a year applied to it, the last half-year unpaid: 3,000 assessments, ~6,000
payments and allocations) in its own database, then times in-process:

- the selector `finance.selectors.accounts.statement_of_account` (--timed calls, 300);
- the page `/es/finance/members/<pk>/account/` as a finance officer (Django's test client,
  --timed requests), with its queries counted for a member with 1 year and one with 30.

    createdb -h 127.0.0.1 -U postgres sec_accounts_bench
    .venv/bin/python bench/statement_of_account.py \\
        --database postgres://postgres@127.0.0.1:5432/sec_accounts_bench

The entries behind the assessments and payments are written as drafts without lines (the
statement never reads the ledger), so building takes seconds, not minutes.
Prints p50/p95 in milliseconds and the queries per page.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEMBERS = 100
YEARS = range(1997, 2027)
STAFF_EMAIL = "bench.finance@bench.invalid"


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def build() -> None:
    from allauth.mfa.models import Authenticator
    from django.contrib.auth.models import Group

    from secretariat.core import roles
    from secretariat.core.models import User
    from secretariat.finance.models import (
        Account,
        AccountClass,
        Allocation,
        Assessment,
        ContributionScale,
        Entry,
        FiscalYear,
        Journal,
        Payment,
        Period,
        ScaleRate,
        Side,
    )
    from secretariat.finance.services.years import fiscal_year_open
    from secretariat.members.models import Country, Institution

    if Assessment.objects.exists():
        return
    user = User.objects.create_user(email=STAFF_EMAIL, password="bench-password-1")
    user.groups.add(Group.objects.get_or_create(name=roles.FINANCE)[0])
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"}
    )
    country = Country.objects.get_or_create(code="MX", defaults={"name": "México"})[0]
    members = [
        Institution.objects.create(
            name=f"Bench member {i:03d}", slug=f"bench-{i:03d}", country=country
        )
        for i in range(MEMBERS)
    ]
    for year in YEARS:
        if not FiscalYear.objects.filter(year=year).exists():
            fiscal_year_open(actor=user, year=year, check_permission=False)
    journal = Journal.objects.get_or_create(code="DUE", defaults={"name": "Dues", "kind": "dues"})[
        0
    ]
    bank = Account.objects.get_or_create(
        code="1110",
        defaults=dict(
            name="Bank USD",
            account_class=AccountClass.ASSET,
            normal_side=Side.DEBIT,
            statement_line="cash",
            is_cash=True,
        ),
    )[0]
    scale = ContributionScale.objects.create(effective_from_year=1990, decision="Bench")
    rates = {
        m.pk: ScaleRate.objects.create(scale=scale, institution=m, amount=100_000) for m in members
    }
    years = {fy.year: fy for fy in FiscalYear.objects.all()}
    periods = {(p.fiscal_year_id, p.number): p for p in Period.objects.all()}

    def entry(day: dt.date, text: str) -> Entry:
        fy = years[day.year]
        return Entry(
            journal=journal,
            date=day,
            fiscal_year=fy,
            period=periods[(fy.pk, day.month)],
            description=text,
            source_kind="assessment",
        )

    plan = [(m, y) for m in members for y in YEARS]
    a_entries = Entry.objects.bulk_create([entry(dt.date(y, 1, 1), "bench") for _m, y in plan])
    assessments = Assessment.objects.bulk_create(
        [
            Assessment(
                fiscal_year=years[y],
                institution=m,
                number=f"B-{y}-{m.pk}",
                amount=100_000,
                full_year_amount=100_000,
                scale_rate=rates[m.pk],
                issued_on=dt.date(y, 1, 1),
                due_on=dt.date(y, 3, 31),
                entry=e,
            )
            for (m, y), e in zip(plan, a_entries, strict=True)
        ]
    )
    pays = []
    for (m, y), a in zip(plan, assessments, strict=True):
        pays.append((m, a, dt.date(y, 4, 1), 50_000))
        if y != YEARS[-1]:
            pays.append((m, a, dt.date(y, 9, 1), 50_000))
    p_entries = Entry.objects.bulk_create([entry(day, "bench") for _m, _a, day, _v in pays])
    payments = Payment.objects.bulk_create(
        [
            Payment(
                institution=m,
                received_on=day,
                bank_reference=f"R-{i}",
                bank_account=bank,
                currency="USD",
                amount=v,
                base_amount=v,
                entry=e,
            )
            for i, ((m, _a, day, v), e) in enumerate(zip(pays, p_entries, strict=True))
        ]
    )
    Allocation.objects.bulk_create(
        [
            Allocation(payment=p, assessment=a, amount=v)
            for (_m, a, _d, v), p in zip(pays, payments, strict=True)
        ]
    )


def _member_with_one_year():
    """A member admitted in the last year: one assessment, one payment (for the query count
    beside a member with 30 years)."""
    from secretariat.finance.models import Assessment, Entry, FiscalYear, ScaleRate
    from secretariat.members.models import Country, Institution

    member, created = Institution.objects.get_or_create(
        slug="bench-new",
        defaults={"name": "Bench new member", "country": Country.objects.get(code="MX")},
    )
    if created:
        template = Assessment.objects.filter(fiscal_year__year=YEARS[-1]).first()
        assert template is not None
        Assessment.objects.create(
            fiscal_year=FiscalYear.objects.get(year=YEARS[-1]),
            institution=member,
            number=f"B-new-{member.pk}",
            amount=100_000,
            full_year_amount=100_000,
            scale_rate=ScaleRate.objects.create(
                scale=template.scale_rate.scale, institution=member, amount=100_000
            ),
            issued_on=template.issued_on,
            due_on=template.due_on,
            entry=Entry.objects.create(
                journal=template.entry.journal,
                date=template.entry.date,
                fiscal_year=template.entry.fiscal_year,
                period=template.entry.period,
                description="bench",
                source_kind="assessment",
            ),
        )
    return member


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database", default="postgres://postgres@127.0.0.1:5432/sec_accounts_bench"
    )
    parser.add_argument("--timed", type=int, default=300)
    args = parser.parse_args()
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": args.database,
            "DEBUG": "false",
            "ALLOWED_HOSTS": "testserver",
            "LOG_LEVEL": "ERROR",
            "SECRETARIAT_ALLOW_INSECURE_KEY": "true",
            "MEDIA_ROOT": str(ROOT / "var" / "bench-media"),
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY as AM
    from allauth.account.internal.flows.login import _AUTHENTICATION_METHODS_USER_SESSION_KEY as AU
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from secretariat.core.models import User
    from secretariat.finance.selectors.accounts import statement_of_account
    from secretariat.members.models import Institution

    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    build()
    with connection.cursor() as cursor:  # fresh statistics, as autovacuum keeps them
        cursor.execute("ANALYZE")
    print(f"data ready in {time.perf_counter() - t0:.1f} s")
    members = list(Institution.objects.filter(slug__startswith="bench-").exclude(slug="bench-new"))
    one_year = _member_with_one_year()
    rng = random.Random(12)

    selector_ms = []
    for _ in range(args.timed):
        member = rng.choice(members)
        t = time.perf_counter()
        statement = statement_of_account(institution=member)
        selector_ms.append((time.perf_counter() - t) * 1000)
    print(f"rows per statement: {len(statement.rows)}")

    user = User.objects.get(email=STAFF_EMAIL)
    client = Client()
    client.force_login(user)
    session = client.session
    steps = [
        {"method": "password", "at": time.time()},
        {"method": "mfa", "at": time.time(), "type": "totp"},
    ]
    session.update({AM: steps, AU: str(user.pk)})
    session.save()
    path = f"/es/finance/members/{members[0].pk}/account/"
    assert client.get(path).status_code == 200
    counted: dict[str, int] = {}
    for label, member in (("1 year", one_year), ("30 years", members[0])):
        queries: list[str] = []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            assert client.get(f"/es/finance/members/{member.pk}/account/").status_code == 200
        counted[label] = len(queries)
    page_ms = []
    for _ in range(args.timed):
        member = rng.choice(members)
        t = time.perf_counter()
        response = client.get(f"/es/finance/members/{member.pk}/account/")
        page_ms.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200
    for name, values in (("selector", selector_ms), ("page", page_ms)):
        print(
            f"{name:9} p50 {statistics.median(values):6.1f} ms   p95 {_percentile(values, 0.95):6.1f} ms"
            f"   (n={len(values)})"
        )
    print("queries per page: " + ", ".join(f"{k}: {v}" for k, v in counted.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
