"""Members' dues set up directly for the tests of what reads them (the statement of
account, aging, collection rates, reminders): assessments of any amount, payments and their
allocations, write-offs and exemptions, each with its posted entry (through
`services.ledger.entry_record`). Thirty years of history in a few seconds; the dues
services that write these rows are driven by their own tests (dues_world, services/).

    world = DuesWorld(actor, books)
    a2024 = world.assess(member_a, 2024, 100_000)
    world.pay(member_a, dt.date(2024, 5, 1), 60_000, {a2024: 60_000})
    world.adjust(a2024, "write_off", 10_000, dt.date(2024, 12, 1))
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from secretariat.finance.models import (
    Adjustment,
    Allocation,
    Assessment,
    ContributionScale,
    FiscalYear,
    Payment,
    ScaleRate,
    SourceKind,
)
from secretariat.finance.services.ledger import LineSpec, entry_record
from secretariat.finance.services.years import fiscal_year_open
from secretariat.finance.tests.ledger_world import make_books
from secretariat.governance.models import Body
from secretariat.members.models import Institution

_numbers = itertools.count(1)


class DuesWorld:
    def __init__(self, actor, books: dict) -> None:
        self.actor = actor
        self.books = books
        self.accounts = books["accounts"]
        self.journals = books["journals"]
        self.scale = ContributionScale.objects.get_or_create(
            effective_from_year=1990, defaults={"decision": "Test scale", "currency": "USD"}
        )[0]
        self.body = Body.objects.get_or_create(
            code="general-assembly",
            defaults={
                "name_es": "Asamblea General",
                "name_en": "General Assembly",
                "kind": "assembly",
            },
        )[0]

    def year(self, year: int) -> FiscalYear:
        found = FiscalYear.objects.filter(year=year).first()
        return found or fiscal_year_open(actor=self.actor, year=year, check_permission=False)

    def _entry(self, day: dt.date, debit: str, credit: str, amount: int, kind: str, member: int):
        self.year(day.year)
        return entry_record(
            actor=self.actor,
            journal=self.journals["DUE"],
            date=day,
            description=f"{kind} {member}",
            lines=[
                LineSpec(self.accounts[debit], "debit", amount, member_id=member),
                LineSpec(self.accounts[credit], "credit", amount, member_id=member),
            ],
            source_kind=kind,
        )

    def assess(
        self,
        institution: Institution,
        year: int,
        amount: int,
        *,
        due_on: dt.date | None = None,
        language: str = "es",
    ) -> Assessment:
        rate = ScaleRate.objects.get_or_create(
            scale=self.scale, institution=institution, defaults={"amount": amount}
        )[0]
        issued = dt.date(year, 1, 1)
        entry = self._entry(issued, "1210", "4110", amount, SourceKind.ASSESSMENT, institution.pk)
        return Assessment.objects.create(
            fiscal_year=self.year(year),
            institution=institution,
            number=f"T-{year}-{institution.pk}-{next(_numbers)}",
            amount=amount,
            full_year_amount=amount,
            scale_rate=rate,
            issued_on=issued,
            due_on=due_on or dt.date(year, 3, 31),
            language=language,
            entry=entry,
        )

    def pay(
        self,
        institution: Institution,
        day: dt.date,
        amount: int,
        applied: dict[Assessment, int] | None = None,
    ) -> Payment:
        entry = self._entry(day, "1110", "1210", amount, SourceKind.PAYMENT, institution.pk)
        payment = Payment.objects.create(
            institution=institution,
            received_on=day,
            bank_reference=f"REF-{next(_numbers)}",
            bank_account=self.accounts["1110"],
            currency="USD",
            amount=amount,
            base_amount=amount,
            entry=entry,
        )
        for assessment, part in (applied or {}).items():
            Allocation.objects.create(payment=payment, assessment=assessment, amount=part)
        return payment

    def adjust(self, assessment: Assessment, kind: str, amount: int, day: dt.date) -> Adjustment:
        entry = self._entry(
            day, "5610", "1210", amount, SourceKind.ADJUSTMENT, assessment.institution_id
        )
        return Adjustment.objects.create(
            kind=kind,
            assessment=assessment,
            amount=amount,
            body=self.body,
            decision=f"Decision {next(_numbers)}",
            decided_on=day,
            reason="Test",
            entry=entry,
        )

    def history(self, institution: Institution, years: range, amount: int = 100_000) -> None:
        """One assessment a year, paid in two halves (the second half of the last year
        left unpaid)."""
        last = years[-1]
        for year in years:
            assessment = self.assess(institution, year, amount)
            half = amount // 2
            self.pay(institution, dt.date(year, 4, 1), half, {assessment: half})
            if year != last:
                self.pay(
                    institution, dt.date(year, 9, 1), amount - half, {assessment: amount - half}
                )


@pytest.fixture(name="dues")
def dues_fixture(db, finance_officer) -> DuesWorld:
    return DuesWorld(finance_officer, make_books(finance_officer))
