"""A world for dues: the books (fiscal years 2024 to 2026 open, the chart, the journals),
the General Assembly and the Standing Committee, a scale from 2024 (full members
1,000.00 USD, associates 500.00), and helpers to assess a member, pay and adjust."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from secretariat.finance.models import Assessment, ContributionScale, FiscalYear
from secretariat.finance.selectors.assessments import assessment_candidates
from secretariat.finance.services.assessments import assess_member
from secretariat.finance.services.payments import payment_record
from secretariat.finance.services.scales import scale_record
from secretariat.finance.tests.ledger_world import make_books
from secretariat.governance.models import Body, RulesProfile
from secretariat.members.models import Institution

FULL = 1_000_00
ASSOCIATE = 500_00


@dataclass
class Dues:
    books: dict[str, Any]
    years: dict[int, FiscalYear]
    scale: ContributionScale
    assembly: Body
    committee: Body
    actor: Any


def make_bodies() -> tuple[Body, Body]:
    assembly, _c = Body.objects.get_or_create(
        code="general-assembly",
        defaults=dict(
            name_es="Asamblea General",
            name_en="General Assembly",
            kind=Body.Kind.ASSEMBLY,
            rules_profile=RulesProfile.GENERAL_ASSEMBLY,
            all_members_sit=True,
            order=1,
        ),
    )
    committee, _c = Body.objects.get_or_create(
        code="standing-committee",
        defaults=dict(
            name_es="Comité Permanente",
            name_en="Standing Committee",
            kind=Body.Kind.COMMITTEE,
            rules_profile=RulesProfile.STANDING_COMMITTEE,
            order=2,
        ),
    )
    return assembly, committee


def make_dues(actor, categories, years=(2024, 2025, 2026)) -> Dues:  # type: ignore[no-untyped-def]
    books = {}
    for year in years:
        books = make_books(actor, year)
    scale = scale_record(
        actor=actor,
        effective_from_year=min(years),
        decision="Resolución CISS/AG/2023 sobre cuotas",
        rates=[(categories["full"], FULL), (categories["associate"], ASSOCIATE)],
    )
    assembly, committee = make_bodies()
    return Dues(
        books=books,
        years={y: FiscalYear.objects.get(year=y) for y in years},
        scale=scale,
        assembly=assembly,
        committee=committee,
        actor=actor,
    )


@pytest.fixture(name="dues")
def dues_fixture(db, finance_officer, categories) -> Dues:
    return make_dues(finance_officer, categories)


def assess(dues: Dues, year: int, institution: Institution) -> Assessment:
    """Assess one member for a year, as a run would."""
    candidate = next(
        c for c in assessment_candidates(dues.years[year]) if c.institution.pk == institution.pk
    )
    assessment = assess_member(actor=dues.actor, run=None, candidate=candidate)
    assert assessment is not None
    return assessment


def pay(dues: Dues, institution: Institution, amount: int, *, on: dt.date, ref: str, **kw):  # type: ignore[no-untyped-def]
    return payment_record(
        actor=dues.actor,
        institution=institution,
        received_on=on,
        bank_reference=ref,
        bank_account=dues.books["accounts"][kw.pop("account", "1110")],
        currency=kw.pop("currency", "USD"),
        amount=amount,
        **kw,
    )
