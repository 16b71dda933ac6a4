"""The demo's example books (finance/demo.py, run by `manage.py seed_demo`).

Built once for the module (the builders of the apps below finance, then finance's own),
without governance's and elections' examples, which finance does not read."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from secretariat.core import demo as core_demo
from secretariat.core.models import ActionLog
from secretariat.finance import demo
from secretariat.finance.models import (
    Assessment,
    BankStatement,
    ContributionScale,
    Entry,
    EntryState,
    FiscalYear,
    Payment,
    Period,
    PeriodState,
    StatementSet,
)
from secretariat.members import demo as members_demo
from secretariat.members.models import VotingSuspension

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not demo.parts_ready(), reason="the finance parts are not merged yet"),
]


def build() -> core_demo.DemoContext:
    """seed_ciss, the demo accounts, the six example members with a story (members/demo.py:
    not the eighty fillers, to keep the test quick; the finance builder reads whichever
    example members exist) and the finance example."""
    context = core_demo.DemoContext(password="demo-test", today=timezone.localdate())
    call_command("seed_ciss", verbosity=0)
    core_demo.build_accounts(context)
    seeder = members_demo.DemoSeeder(context)
    for number, (country, periods) in members_demo.SCENARIOS.items():
        seeder._example(number, country, periods)
    demo.build(context)
    return context


@pytest.fixture(name="books", scope="module")
def books_fixture(django_db_setup, django_db_blocker) -> Iterator[core_demo.DemoContext]:
    """Built once for the module inside a transaction rolled back at its end (each test
    runs in a savepoint within it)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build()
        transaction.set_rollback(True)


def test_it_builds_three_example_years_labelled_as_examples(books):
    # given
    year = books.today.year

    # then: three example fiscal years, an example scale with its decision text
    years = list(FiscalYear.objects.order_by("year"))
    assert [y.year for y in years] == [year - 2, year - 1, year]
    assert all(y.is_example for y in years)
    scale = ContributionScale.objects.get()
    assert scale.is_example
    assert scale.decision == "Example scale — not a CISS decision"
    assert scale.effective_from_year == year - 2
    assert any("Finance example" in line for line in books.summary), books.summary


def test_every_member_is_an_example_member_assessed_through_the_run(books):
    # then: every assessment is of a demo (example) member, one per member and year
    assert Assessment.objects.exists()
    assert not Assessment.objects.exclude(institution__origin="example").exists()
    assert set(Assessment.objects.values_list("fiscal_year__year", flat=True)) == {
        books.today.year - 2,
        books.today.year - 1,
        books.today.year,
    }
    assert not Assessment.objects.filter(run__isnull=True).exists()


def test_payments_are_full_partial_and_one_in_mxn(books):
    # then
    assert Payment.objects.filter(currency="MXN").count() == 1
    assert Payment.objects.filter(bank_reference__startswith="EJEMPLO-").count() == (
        Payment.objects.count()
    )
    assert Payment.objects.count() >= 10


def test_one_full_member_in_arrears_has_lost_its_vote(books):
    # then: the example member 04 has paid nothing for two years and does not vote
    suspension = VotingSuspension.objects.active_on(books.today).get()
    assert suspension.institution.slug == demo.ARREARS_SLUG
    assert suspension.origin == VotingSuspension.Origin.ARREARS
    assert not Payment.objects.filter(institution=suspension.institution).exists()


def test_the_earlier_years_are_closed_and_the_current_one_up_to_two_months_ago(books):
    # given
    year = books.today.year

    # then
    closed = FiscalYear.objects.filter(year__lt=year)
    assert all(y.state == PeriodState.CLOSED and y.closing_entry_id for y in closed)
    current = Period.objects.filter(fiscal_year__year=year)
    assert set(
        current.filter(number__lte=books.today.month - 2).values_list("state", flat=True)
    ) <= {PeriodState.CLOSED}
    assert not current.filter(number__gt=max(books.today.month - 2, 0)).exclude(
        state=PeriodState.OPEN
    )
    assert not Entry.objects.filter(state=EntryState.DRAFT).exists()


def test_the_bank_statement_is_reconciled_and_the_statements_drafted(books):
    # then
    if demo.SAMPLE_CAMT.exists() and demo.parts_ready(demo.BANKING):
        statement = BankStatement.objects.get()
        assert statement.state == BankStatement.State.RECONCILED
    if not demo.parts_ready(demo.STATEMENTS):
        return
    statement_set = StatementSet.objects.get()
    assert (statement_set.first_year, statement_set.last_year) == (
        books.today.year - 1,
        books.today.year - 1,
    )
    assert statement_set.state == StatementSet.State.DRAFT and statement_set.is_example


def test_it_went_through_the_services_and_runs_once(books):
    # given
    events = set(ActionLog.objects.values_list("event", flat=True))
    counts = (Entry.objects.count(), Payment.objects.count(), Assessment.objects.count())

    # when
    context = core_demo.DemoContext(password="demo-test", today=timezone.localdate())
    demo.build(context)

    # then
    assert {"fiscal_year.opened", "entry.posted"} <= events, sorted(events)
    assert (Entry.objects.count(), Payment.objects.count(), Assessment.objects.count()) == counts
    assert context.created == 0
    assert "already built" in context.summary[0]
