"""The arrears rule and the vote (services.arrears, selectors.arrears; domain.md "Members",
setting `members.arrears.threshold_years`, default 2): at its limits, through a payment
that restores the vote, an exemption, the daily command, and a Standing Committee's quorum
that counts the change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from secretariat.core.models import ActionLog
from secretariat.finance.selectors.arrears import arrears_of
from secretariat.finance.services.adjustments import adjustment_record
from secretariat.finance.services.arrears import LEGAL_BASIS, standing_update
from secretariat.finance.tests.dues_world import (  # noqa: F401  (the `dues` fixture)
    FULL,
    assess,
    dues_fixture,
    make_dues,
    pay,
)
from secretariat.governance.models import Session
from secretariat.governance.selectors.composition import session_roll
from secretariat.governance.tests.conftest import session_world  # noqa: F401  (fixture)
from secretariat.members.models import VotingSuspension

ON = dt.date(2026, 6, 1)


def _in_arrears(dues, member):  # type: ignore[no-untyped-def]
    """Member assessed 2024, 2025 and 2026, nothing paid: owes two past years."""
    return [assess(dues, year, member) for year in (2024, 2025, 2026)]


def _suspension(member) -> VotingSuspension | None:  # type: ignore[no-untyped-def]
    return VotingSuspension.objects.active_on(ON).filter(institution=member).first()


@pytest.mark.django_db
def test_it_suspends_a_full_member_owing_exactly_two_years(dues, member_a):
    # given
    _in_arrears(dues, member_a)
    position = arrears_of(institution_id=member_a.pk, on=ON)
    assert (position.outstanding, position.threshold) == (2 * FULL, 2 * FULL)
    # when
    changed = standing_update(actor=dues.actor, institution=member_a, on=ON)
    # then
    suspension = _suspension(member_a)
    assert changed == "suspended" and suspension is not None
    assert suspension.origin == VotingSuspension.Origin.ARREARS
    assert suspension.legal_basis == LEGAL_BASIS and suspension.valid_from == ON
    assert ActionLog.objects.filter(event="standing.suspended").count() == 1


@pytest.mark.django_db
def test_it_does_not_suspend_one_cent_below_the_limit(dues, member_a):
    # given two years owed less one cent, paid before the day
    _in_arrears(dues, member_a)
    pay(dues, member_a, 1, on=dt.date(2026, 5, 1), ref="CENT")
    # when
    changed = standing_update(actor=dues.actor, institution=member_a, on=ON)
    # then
    assert changed is None and _suspension(member_a) is None
    assert arrears_of(institution_id=member_a.pk, on=ON).outstanding == 2 * FULL - 1


@pytest.mark.django_db
def test_a_first_year_charged_pro_rata_counts_as_a_full_year_in_the_threshold(
    dues, categories, countries
):
    # given a full member admitted on 1 July 2024: half of 2024 and all of 2025 unpaid
    from secretariat.conftest import make_member

    member = make_member(
        "Instituto Nuevo", countries["MX"], categories["full"], since=dt.date(2024, 7, 1)
    )
    first, second, _current = (assess(dues, year, member) for year in (2024, 2025, 2026))
    assert first.amount < first.full_year_amount == FULL  # charged pro rata
    # when
    position = arrears_of(institution_id=member.pk, on=ON)
    changed = standing_update(actor=dues.actor, institution=member, on=ON)
    # then: it owes a year and a half, below two full years' dues: it keeps its vote
    assert position.outstanding == first.amount + second.amount < 2 * FULL
    assert position.threshold == 2 * FULL
    assert changed is None and _suspension(member) is None


@pytest.mark.django_db
def test_it_restores_the_vote_when_a_payment_brings_the_arrears_below(dues, member_a):
    # given a suspended member
    _in_arrears(dues, member_a)
    standing_update(actor=dues.actor, institution=member_a, on=ON)
    # when it pays one cent on a later day (payment_record updates the standing)
    pay(dues, member_a, 1, on=dt.date(2026, 6, 10), ref="CENT")
    # then the suspension ends that day and says why
    suspension = VotingSuspension.objects.get(institution=member_a)
    assert suspension.valid_to == dt.date(2026, 6, 10)
    assert "inferiores" in suspension.lift_reason  # the record is in Spanish
    assert ActionLog.objects.filter(event="standing.lifted").count() == 1


@pytest.mark.django_db
def test_it_suspends_again_when_the_payment_is_reversed(dues, member_a):
    # given
    _in_arrears(dues, member_a)
    payment = pay(dues, member_a, FULL, on=dt.date(2026, 5, 1), ref="TRF")
    assert standing_update(actor=dues.actor, institution=member_a, on=ON) is None
    # when
    from secretariat.finance.services.payments import payment_reverse

    payment_reverse(actor=dues.actor, payment=payment, reason="Bounced", on=ON)
    # then
    assert _suspension(member_a) is not None


@pytest.mark.django_db
def test_it_restores_the_vote_by_an_exemption_of_the_assembly(dues, member_a):
    # given
    old, _mid, _new = _in_arrears(dues, member_a)
    standing_update(actor=dues.actor, institution=member_a, on=ON)
    # when the General Assembly exempts part of 2024
    adjustment_record(
        actor=dues.actor,
        assessment=old,
        kind="exemption",
        amount=100_00,
        body=dues.assembly,
        decision="Resolución de la Asamblea General",
        decided_on=dt.date(2026, 6, 5),
        reason="Emergencia nacional",
    )
    # then
    assert VotingSuspension.objects.get(institution=member_a).valid_to == dt.date(2026, 6, 5)


@pytest.mark.django_db
def test_it_never_suspends_a_member_without_a_vote(dues, member_b):
    # given an associate member owing two years
    _in_arrears(dues, member_b)
    # when
    changed = standing_update(actor=dues.actor, institution=member_b, on=ON)
    # then
    assert changed is None and _suspension(member_b) is None


@pytest.mark.django_db
def test_it_does_not_count_dues_not_yet_due(dues, member_a):
    # given 2025 is due on 1 April 2025; on 1 March 2025 only 2024 is past and due
    assess(dues, 2024, member_a)
    assess(dues, 2025, member_a)
    # when / then: no two preceding full years assessed yet
    assert arrears_of(institution_id=member_a.pk, on=dt.date(2025, 3, 1)).in_arrears is False


@pytest.mark.django_db
def test_it_refuses_whoever_does_not_keep_the_books(dues, member_a, officer):
    with pytest.raises(PermissionDenied):
        standing_update(actor=officer, institution=member_a, on=ON)


@pytest.mark.django_db
def test_the_daily_command_applies_the_rule_for_the_passage_of_time(dues, member_a, capsys):
    # given
    _in_arrears(dues, member_a)
    # when
    call_command("update_arrears_standing", "--date", ON.isoformat(), "--actor", dues.actor.email)
    # then
    assert "Suspended: 1" in capsys.readouterr().out
    log = ActionLog.objects.get(event="standing.suspended")
    assert log.actor == dues.actor


@pytest.mark.django_db
def test_a_standing_committee_session_counts_the_change(
    session_world,  # noqa: F811  (the fixture imported above)
    finance_officer,
    categories,
):
    # given a committee session on 15 June 2026 and a seated full member in arrears
    dues = make_dues(finance_officer, categories)
    member = session_world.full[0]
    _in_arrears(dues, member)
    session = Session.objects.create(
        body=session_world.committee,
        kind=Session.Kind.ORDINARY,
        number=1,
        title="Sesión ordinaria",
        starts_at=timezone.make_aware(dt.datetime(2026, 6, 15, 10, 0)),
        state=Session.State.CONVENED,
    )
    before = session_roll(session).quorum.entitled
    # when
    standing_update(actor=finance_officer, institution=member, on=ON)
    # then
    after = session_roll(Session.objects.get(pk=session.pk)).quorum.entitled
    assert after == before - 1
