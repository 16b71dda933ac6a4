"""Write-offs and exemptions (services.adjustments): only by the competent body's recorded
decision (settings `finance.dues.write_off_body`, `members.arrears.exemption_by_assembly`),
never above what is owed, posted debit 5610 / credit 1210."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from secretariat.core.models import ActionLog, RuleSetting
from secretariat.finance.models import Adjustment, Assessment
from secretariat.finance.selectors.dues import with_outstanding
from secretariat.finance.services.adjustments import adjustment_record
from secretariat.finance.tests.dues_world import (  # noqa: F401  (the `dues` fixture)
    FULL,
    assess,
    dues_fixture,
)

DAY = dt.date(2026, 5, 4)


def _record(dues, assessment, **kw):  # type: ignore[no-untyped-def]
    data = dict(
        actor=dues.actor,
        assessment=assessment,
        kind="write_off",
        amount=300_00,
        body=dues.assembly,
        decision="Resolución CISS/AG/2026/7",
        decided_on=DAY,
        reason="Institución en liquidación",
    )
    return adjustment_record(**(data | kw))


@pytest.mark.django_db
def test_it_writes_off_by_a_decision_of_the_assembly(dues, member_a):
    # given
    assessment = assess(dues, 2026, member_a)
    # when
    adjustment = _record(dues, assessment)
    # then
    owed = with_outstanding(Assessment.objects.filter(pk=assessment.pk)).get().outstanding
    assert owed == FULL - 300_00
    lines = {(ln.account.code, ln.debit, ln.credit) for ln in adjustment.entry.lines.all()}
    assert lines == {("5610", 300_00, 0), ("1210", 0, 300_00)}
    assert ActionLog.objects.filter(event="adjustment.recorded").count() == 1


@pytest.mark.django_db
def test_it_refuses_a_body_the_rules_do_not_name(dues, member_a):
    # given write-offs are the Assembly's ([D] default)
    assessment = assess(dues, 2026, member_a)
    # when / then
    with pytest.raises(ValidationError) as raised:
        _record(dues, assessment, body=dues.committee)
    assert "body" in raised.value.error_dict
    assert Adjustment.objects.count() == 0


@pytest.mark.django_db
def test_it_refuses_an_exemption_when_the_assembly_may_not_grant_one(
    dues, member_a, secretary_general
):
    # given the setting says the Assembly may not exempt
    RuleSetting.objects.create(
        key="members.arrears.exemption_by_assembly",
        value=False,
        valid_from=dt.date(2020, 1, 1),
        status="confirmed",
        legal_basis="Test",
        source="Test",
    )
    assessment = assess(dues, 2026, member_a)
    # when / then
    with pytest.raises(ValidationError) as raised:
        _record(dues, assessment, kind="exemption")
    assert "body" in raised.value.error_dict


@pytest.mark.django_db
def test_it_refuses_more_than_is_owed(dues, member_a):
    assessment = assess(dues, 2026, member_a)
    with pytest.raises(ValidationError, match="more than the assessment still owes"):
        _record(dues, assessment, amount=FULL + 1)
    assert Adjustment.objects.count() == 0


@pytest.mark.django_db
def test_it_needs_a_reason_and_a_decision(dues, member_a):
    assessment = assess(dues, 2026, member_a)
    with pytest.raises(ValidationError) as raised:
        _record(dues, assessment, reason=" ")
    assert "reason" in raised.value.error_dict
    with pytest.raises(ValidationError) as raised:
        _record(dues, assessment, decision="")
    assert "decision" in raised.value.error_dict
