"""The demo's example books, built through the finance services (registered with core.demo;
`manage.py seed_demo`).

An EXAMPLE, labelled as one wherever it shows: the fiscal years are `is_example`, the scale
is `is_example` with the decision "Example scale — not a CISS decision", every description
starts "Ejemplo —", the rates' source and the bank references say "ejemplo". The members are
the demo's members (the example institutions of members/demo.py: the real members named in
public sources have no recorded category, so no scale applies to them); every figure is
invented for the demonstration: no real amount, no real payment, no real decision.

Over three fiscal years (the current calendar year and the two before it):

- the chart of accounts from `seed_ciss` (data/ciss/finance/chart.yaml), example MXN rates;
- an example scale by category, in force from the first of the three years;
- each year assessed by the assessment run (the same service the page starts) and paid:
  every member pays its first year; the second year a few pay half; the current year most
  pay in full, one pays part, one pays in MXN. One full member (Institución de ejemplo 04)
  pays nothing for two years: the arrears rule suspends its vote (members.VotingSuspension
  with origin "arrears", recorded by the dues service);
- salaries, contractual services and travel each year (journal GEN, paid from the USD bank);
- the banking part's sample camt.053 imported on the USD bank account and reconciled (its
  movements are the bank's side of example receipts and charges posted here first);
- the two earlier years closed (periods, then the year with its closing entry), the current
  year's periods closed up to two months ago;
- a draft set of statements for the last closed year.

Nothing runs twice: when an example fiscal year exists, the builder leaves the books as they
are; when real (not example) books exist, it adds nothing to them.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db.models import Q

from secretariat.core import demo
from secretariat.core.audit import save_audited, snapshot
from secretariat.core.demo import DemoContext
from secretariat.core.models import User
from secretariat.finance.models import (
    Account,
    AssessmentRun,
    FiscalYear,
    Journal,
    Period,
    PeriodState,
    SourceKind,
)
from secretariat.finance.services.ledger import LineSpec, entry_record
from secretariat.members.models import Category, Institution, Membership, Source

REASON = "seed_demo: contabilidad de ejemplo"
DECISION = "Example scale — not a CISS decision"
SCALE_NOTES = (
    "[es] Escala de EJEMPLO creada para la demostración: los importes son ficticios y no son "
    "cuotas de la CISS.\n\n"
    "[en] EXAMPLE scale created for the demonstration: the amounts are fictitious, not the "
    "CISS's dues."
)
RATE_SOURCE = "Ejemplo — tipo de cambio ficticio para la demostración (no es un dato oficial)"
# Yearly contribution per category, in cents of USD: round, obviously invented figures.
SCALE = {"full": 10_000_00, "associate": 5_000_00, "affiliate": 2_500_00, "linked": 1_000_00}
# USD for one MXN at the start of each month of a year (index 0 = January): invented.
MXN_RATES = [Decimal("0.0500") + Decimal("0.0002") * month for month in range(12)]
# The full member that pays nothing for two years and loses its vote (members/demo.py: 04, CO).
ARREARS_SLUG = "ejemplo-04-co"
PARTIAL_SLUG = "ejemplo-03-cl"  # pays part of the current year
MXN_SLUG = "ejemplo-01-mx"  # pays the current year in MXN
SAMPLE_CAMT = Path(settings.BASE_DIR) / "data" / "demo" / "finance" / "camt053-example.xml"
NEEDS = (
    "secretariat.finance.services.scales",
    "secretariat.finance.services.assessments",
    "secretariat.finance.services.payments",
    "secretariat.finance.services.rates",
)
BANKING = ("secretariat.finance.services.banking", "secretariat.finance.services.bank_import")
STATEMENTS = ("secretariat.finance.services.statements",)
# (account, description, amount in cents, month) of each year's expenses, paid from 1110.
EXPENSES = [
    ("5110", "Ejemplo — sueldos del personal, primer trimestre", 90_000_00, 3),
    ("5110", "Ejemplo — sueldos del personal, segundo trimestre", 90_000_00, 6),
    ("5310", "Ejemplo — servicios de auditoría externa (ficticio)", 18_000_00, 5),
    ("5210", "Ejemplo — viajes a la sesión del Comité Permanente", 12_500_00, 4),
    ("5110", "Ejemplo — sueldos del personal, tercer trimestre", 90_000_00, 9),
    ("5310", "Ejemplo — servicios de traducción e interpretación", 9_750_00, 10),
    ("5210", "Ejemplo — viajes a la Asamblea General", 21_300_00, 11),
    ("5110", "Ejemplo — sueldos del personal, cuarto trimestre", 90_000_00, 12),
]


def parts_ready(names: tuple[str, ...] = NEEDS) -> bool:
    """Whether the finance parts the example uses are installed (built in parallel)."""
    return all(importlib.util.find_spec(name) is not None for name in names)


class ExampleBooks:
    """Builds the example books step by step, each step through the finance services."""

    def __init__(self, context: DemoContext) -> None:
        self.context = context
        self.today = context.today
        self.year = context.today.year
        self.years = [self.year - 2, self.year - 1, self.year]
        self.officer: User = context.account("finance@demo.ciss")
        self.accounts: dict[str, Account] = {}
        self.journals: dict[str, Journal] = {}
        self.fiscal_years: dict[int, FiscalYear] = {}

    # --- the pieces it stands on ----------------------------------------------------------

    def ready(self) -> str:
        """Why the example cannot be built here, or "" when it can."""
        if FiscalYear.objects.filter(is_example=True).exists():
            return "Finance example: already built (left as it is)."
        if FiscalYear.objects.exists():
            return "Finance example: real fiscal years exist; no example books added."
        if not parts_ready():
            return "Finance example: the finance services are not all installed yet."
        self.accounts = {a.code: a for a in Account.objects.filter(is_postable=True)}
        self.journals = {j.code: j for j in Journal.objects.all()}
        missing = {"1110", "1120", "1210", "4110", "5110", "5210", "5310"} - set(self.accounts)
        if missing or not {"GEN", "DUE", "BNK"} <= set(self.journals):
            return "Finance example: the chart of accounts is not loaded (seed_ciss)."
        return ""

    def members(self) -> list[Institution]:
        """The demo's example members with a category in the scale, by slug."""
        ids = (
            Membership.objects.filter(category__code__in=SCALE)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=dt.date(self.years[0], 1, 1)))
            .values("institution_id")
        )
        return list(Institution.objects.filter(pk__in=ids, origin=Source.EXAMPLE).order_by("slug"))

    def day(self, year: int, month: int, day: int = 15) -> dt.date:
        """A day of `year`; in the current year never after yesterday (nothing in the future)."""
        wanted = dt.date(year, month, min(day, 28))
        if year == self.year:
            latest = max(dt.date(year, 1, 2), self.today - dt.timedelta(days=1))
            return min(wanted, latest)
        return wanted

    # --- the books ------------------------------------------------------------------------

    def run(self) -> None:
        why = self.ready()
        if why:
            self.context.summary.append(why)
            return
        self.open_years()
        self.rates()
        self.scale()
        for year in self.years:
            self.assess(year)
            self.pay(year)
            self.expenses(year)
        statement = self.bank_statement()
        self.close()
        statements = self.statements()
        self.context.summary.append(
            f"Finance example (every figure invented): fiscal years {self.years[0]}–{self.year}, "
            f"{self.assessed} assessments, {self.paid} payments, "
            f"bank statement {statement or '—'}, statements draft {statements or '—'}."
        )

    assessed = 0
    paid = 0

    def open_years(self) -> None:
        from secretariat.finance.services.years import fiscal_year_open

        for year in self.years:
            self.fiscal_years[year] = fiscal_year_open(
                actor=self.officer, year=year, is_example=True
            )
            self.context.created += 13

    def rates(self) -> None:
        from secretariat.finance.services.rates import rate_record

        for year in self.years:
            for month, rate in enumerate(MXN_RATES, start=1):
                day = dt.date(year, month, 1)
                if day > self.today:
                    break
                rate_record(
                    actor=self.officer, currency="MXN", day=day, rate=rate, source=RATE_SOURCE
                )
                self.context.created += 1

    def scale(self) -> None:
        from secretariat.finance.services.scales import scale_record

        categories = {c.code: c for c in Category.objects.filter(code__in=SCALE)}
        scale_record(
            actor=self.officer,
            effective_from_year=self.years[0],
            decision=DECISION,
            rates=[(categories[code], amount) for code, amount in SCALE.items()],
            notes=SCALE_NOTES,
            is_example=True,
        )
        self.context.created += 1 + len(SCALE)

    def assess(self, year: int) -> None:
        """The year's assessment run, started as the page starts it and run to the end here
        (seed_demo runs tasks in-process; the run skips what is done, so running it again is
        harmless)."""
        from secretariat.finance.services.assessments import (
            assessment_run_execute,
            assessment_run_start,
        )

        run = assessment_run_start(actor=self.officer, fiscal_year=self.fiscal_years[year])
        run.refresh_from_db()
        if run.state != AssessmentRun.State.DONE:
            assessment_run_execute(run.pk)
            run.refresh_from_db()
        self.assessed += run.done
        self.context.created += run.done

    def _outstanding(self, year: int) -> dict[int, int]:
        """What each member still owes of its assessment of `year`."""
        from secretariat.finance.models import Assessment
        from secretariat.finance.selectors.dues import with_outstanding

        rows = with_outstanding(Assessment.objects.filter(fiscal_year__year=year))
        return {
            a.institution_id: int(a.outstanding)  # type: ignore[attr-defined]  # annotated
            for a in rows
        }

    def pay(self, year: int) -> None:
        """Who pays what (see the module's docstring): by member, in slug order."""
        from secretariat.finance.services.payments import payment_record

        dues = self._outstanding(year)
        current = year == self.year
        for n, institution in enumerate(self.members()):
            outstanding = dues.get(institution.pk, 0)
            if outstanding <= 0 or institution.slug == ARREARS_SLUG:
                continue
            amount, currency, rate = outstanding, "USD", None
            if year == self.years[1] and n % 7 == 3:
                amount = outstanding // 2  # a few pay half the second year
            if current:
                if institution.slug == PARTIAL_SLUG:
                    amount = outstanding * 2 // 5
                elif institution.slug == MXN_SLUG:
                    currency = "MXN"
                elif n % 3 == 2:
                    continue  # not paid yet this year
            if currency == "MXN":
                received = self.day(year, 4, 20)
                rate = MXN_RATES[received.month - 1]
                amount = int((Decimal(outstanding) / rate).to_integral_value())
            else:
                received = self.day(year, 2 + n % 9, 5 + n % 20)
            payment_record(
                actor=self.officer,
                institution=institution,
                received_on=received,
                bank_reference=f"EJEMPLO-{year}-{n + 1:03d}",
                bank_account=self.accounts["1120" if currency == "MXN" else "1110"],
                currency=currency,
                amount=amount,
                rate=rate,
                note="Ejemplo — pago ficticio para la demostración.",
            )
            self.paid += 1
            self.context.created += 1

    def expenses(self, year: int) -> None:
        for code, description, amount, month in EXPENSES:
            day = self.day(year, month, 25)
            if year == self.year and dt.date(year, month, 1) > self.today:
                continue
            entry_record(
                actor=self.officer,
                journal=self.journals["GEN"],
                date=day,
                description=description,
                lines=[
                    LineSpec(account=self.accounts[code], side="debit", amount=amount),
                    LineSpec(account=self.accounts["1110"], side="credit", amount=amount),
                ],
                source_kind=SourceKind.MANUAL,
                source_reference="EJEMPLO",
                reason=REASON,
            )
            self.context.created += 1

    # --- the bank statement ---------------------------------------------------------------

    def bank_statement(self) -> str:
        """The banking part's sample camt.053 on the USD bank: each of its movements is
        first posted as the example receipt or charge it stands for (same day, amount and
        reference), then the file is imported, auto-matched and reconciled."""
        if not SAMPLE_CAMT.exists() or not parts_ready(BANKING):
            return ""
        from secretariat.finance.services import bank_import, banking

        content = SAMPLE_CAMT.read_bytes()
        parsed = bank_import.parse_camt053(content)
        account = self.accounts["1110"]
        rows = [row for row in parsed.lines if row.currency == account.currency]
        fiscal = (
            [y.start for y in self.fiscal_years.values()],
            [y.end for y in self.fiscal_years.values()],
        )
        if not rows or not all(min(fiscal[0]) <= r.booking_date <= max(fiscal[1]) for r in rows):
            return ""
        for row in rows:
            counterpart = self.accounts["4210" if row.amount > 0 else "5310"]
            amount = abs(row.amount)
            bank_side = "debit" if row.amount > 0 else "credit"
            other_side = "credit" if row.amount > 0 else "debit"
            entry_record(
                actor=self.officer,
                journal=self.journals["BNK"],
                date=row.booking_date,
                description=f"Ejemplo — {row.description or row.reference}"[:500],
                lines=[
                    LineSpec(account=account, side=bank_side, amount=amount),
                    LineSpec(account=counterpart, side=other_side, amount=amount),
                ],
                source_kind=SourceKind.MANUAL,
                source_reference=row.reference[:100],
                reason=REASON,
            )
        statement = banking.bank_statement_import(
            actor=self.officer,
            account=account,
            file_name=SAMPLE_CAMT.name,
            content=content,
            file_format="camt053",
        )
        banking.bank_statement_auto_match(actor=self.officer, statement=statement)
        banking.bank_statement_reconcile(actor=self.officer, statement=statement)
        self.context.created += 1 + len(rows)
        return str(statement)

    # --- closing and statements -----------------------------------------------------------

    def close(self) -> None:
        """The two earlier years closed; the current year's periods up to two months ago."""
        from secretariat.finance.services.years import fiscal_year_close, period_close

        last_closed_month = self.today.month - 2
        for year in self.years:
            periods = Period.objects.filter(fiscal_year=self.fiscal_years[year]).order_by("start")
            for period in periods:
                if year == self.year and period.number > last_closed_month:
                    break
                if period.state == PeriodState.OPEN:
                    period_close(actor=self.officer, period=period)
                    self.context.updated += 1
            if year < self.year:
                fiscal_year_close(
                    actor=self.officer,
                    fiscal_year=self.fiscal_years[year],
                    reason="Ejemplo — cierre del ejercicio para la demostración.",
                )
                self.context.updated += 1

    def statements(self) -> str:
        if not parts_ready(STATEMENTS):
            return ""
        from secretariat.finance.services.statements import statement_set_create

        statement_set = statement_set_create(
            actor=self.officer, first_year=self.year - 1, last_year=self.year - 1
        )
        if not statement_set.is_example:
            before = snapshot(statement_set, ["is_example"])
            statement_set.is_example = True
            save_audited(
                statement_set,
                actor=self.officer,
                event="statement_set.marked_example",
                fields=["is_example"],
                before=before,
                reason=REASON,
            )
        self.context.created += 1
        return str(statement_set)


def build(context: DemoContext) -> None:
    """The example books (once)."""
    ExampleBooks(context).run()


def register_demo() -> None:
    demo.register("finance.example", build, order=40)
