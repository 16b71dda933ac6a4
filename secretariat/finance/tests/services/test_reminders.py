"""Reminders of unpaid dues: scheduling (who, which day), cancelling with a reason, and
sending each due one once, in the member's language, to its representatives."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from secretariat.core.models import ActionLog, EmailDelivery
from secretariat.finance.models import Reminder
from secretariat.finance.services.reminders import (
    reminder_cancel,
    reminder_schedule,
    reminders_send_due,
)
from secretariat.finance.tests.accounts_world import dues_fixture  # noqa: F401
from secretariat.members.models import Representative

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 4, 10)


def _rep(member, email, lang_user=None):
    return Representative.objects.create(
        institution=member,
        full_name="Rep",
        role=Representative.Role.HEAD,
        email=email,
        valid_from=dt.date(2020, 1, 1),
    )


def test_it_schedules_members_owing_dues_on_the_due_date_plus_the_setting(
    dues, finance_officer, member_a, member_b
):
    # given
    dues.assess(member_a, 2026, 10_000, due_on=dt.date(2026, 3, 31))
    b = dues.assess(member_b, 2026, 10_000)
    dues.pay(member_b, dt.date(2026, 2, 1), 10_000, {b: 10_000})
    # when
    scheduled = reminder_schedule(
        actor=finance_officer, institutions=[member_a, member_b], today=TODAY
    )
    # then
    assert [(r.institution, r.scheduled_for, r.outstanding) for r in scheduled] == [
        (member_a, dt.date(2026, 4, 30), 10_000)
    ]
    log = ActionLog.objects.filter(event="reminder.scheduled").get()
    assert log.actor == finance_officer


def test_it_never_schedules_a_default_day_in_the_past(dues, finance_officer, member_a):
    # given
    dues.assess(member_a, 2025, 10_000, due_on=dt.date(2025, 3, 31))
    # when
    [reminder] = reminder_schedule(actor=finance_officer, institutions=[member_a], today=TODAY)
    # then
    assert reminder.scheduled_for == TODAY


def test_it_leaves_out_a_member_with_a_reminder_pending(dues, finance_officer, member_a):
    # given
    dues.assess(member_a, 2026, 10_000)
    reminder_schedule(actor=finance_officer, institutions=[member_a], today=TODAY)
    # when
    again = reminder_schedule(actor=finance_officer, institutions=[member_a], today=TODAY)
    # then
    assert again == []
    assert Reminder.objects.count() == 1


def test_it_refuses_a_day_in_the_past_and_no_members(dues, finance_officer, member_a):
    # given
    dues.assess(member_a, 2026, 10_000)
    # when / then
    with pytest.raises(ValidationError) as past:
        reminder_schedule(
            actor=finance_officer,
            institutions=[member_a],
            scheduled_for=dt.date(2026, 1, 1),
            today=TODAY,
        )
    assert "scheduled_for" in past.value.error_dict
    with pytest.raises(ValidationError):
        reminder_schedule(actor=finance_officer, institutions=[], today=TODAY)
    assert Reminder.objects.count() == 0


def test_it_refuses_scheduling_to_those_who_do_not_keep_the_books(
    dues, officer, comptroller, rep_a, member_a
):
    # given
    dues.assess(member_a, 2026, 10_000)
    # when / then
    for user in (officer, comptroller, rep_a):
        with pytest.raises(PermissionDenied):
            reminder_schedule(actor=user, institutions=[member_a], today=TODAY)
    assert Reminder.objects.count() == 0


def test_it_cancels_a_reminder_with_its_reason(dues, finance_officer, member_a):
    # given
    dues.assess(member_a, 2026, 10_000)
    [reminder] = reminder_schedule(actor=finance_officer, institutions=[member_a], today=TODAY)
    # when
    cancelled = reminder_cancel(actor=finance_officer, reminder=reminder, reason="Paid by cheque")
    # then
    assert cancelled.cancelled and cancelled.cancel_reason == "Paid by cheque"
    log = ActionLog.objects.filter(event="reminder.cancelled").get()
    assert log.reason == "Paid by cheque"
    assert log.new_values == {"cancelled": True, "cancel_reason": "Paid by cheque"}
    with pytest.raises(ValidationError):
        reminder_cancel(actor=finance_officer, reminder=reminder, reason="Again")


def test_it_refuses_a_cancellation_without_a_reason(dues, finance_officer, member_a):
    # given
    dues.assess(member_a, 2026, 10_000)
    [reminder] = reminder_schedule(actor=finance_officer, institutions=[member_a], today=TODAY)
    # when / then
    with pytest.raises(ValidationError):
        reminder_cancel(actor=finance_officer, reminder=reminder, reason="  ")
    reminder.refresh_from_db()
    assert not reminder.cancelled


def test_it_sends_each_due_reminder_once_in_the_members_language(
    dues, finance_officer, member_a, django_capture_on_commit_callbacks
):
    # given
    dues.assess(member_a, 2026, 123_456, language="en")
    _rep(member_a, "head@alfa.example")
    [reminder] = reminder_schedule(actor=finance_officer, institutions=[member_a], today=TODAY)
    # when
    early = reminders_send_due(today=dt.date(2026, 4, 29))
    sent = reminders_send_due(today=dt.date(2026, 5, 1))
    again = reminders_send_due(today=dt.date(2026, 5, 2))
    # then
    assert early == [] and again == []
    assert [r.pk for r in sent] == [reminder.pk]
    delivery = EmailDelivery.objects.get(purpose="finance.dues_reminder")
    assert delivery.to == ["head@alfa.example"]
    assert delivery.language == "en"
    assert "$1,234.56" in delivery.body
    assert "Instituto Alfa" in delivery.subject
    reminder.refresh_from_db()
    assert reminder.sent_at is not None
    assert ActionLog.objects.filter(event="reminder.sent").count() == 1


def test_it_cancels_instead_of_sending_when_the_member_has_paid(dues, finance_officer, member_a):
    # given
    a = dues.assess(member_a, 2026, 10_000)
    _rep(member_a, "head@alfa.example")
    [reminder] = reminder_schedule(actor=finance_officer, institutions=[member_a], today=TODAY)
    dues.pay(member_a, dt.date(2026, 4, 20), 10_000, {a: 10_000})
    # when
    sent = reminders_send_due(today=dt.date(2026, 5, 1))
    # then
    assert sent == []
    reminder.refresh_from_db()
    assert reminder.cancelled and reminder.cancel_reason
    assert not EmailDelivery.objects.exists()


def test_it_keeps_a_reminder_pending_while_no_representative_has_an_address(
    dues, finance_officer, member_a
):
    # given
    dues.assess(member_a, 2026, 10_000)
    [reminder] = reminder_schedule(actor=finance_officer, institutions=[member_a], today=TODAY)
    # when
    sent = reminders_send_due(today=dt.date(2026, 5, 1))
    # then
    assert sent == []
    reminder.refresh_from_db()
    assert reminder.sent_at is None and not reminder.cancelled


def test_it_sends_through_the_management_command(dues, finance_officer, member_a, capsys):
    # given
    dues.assess(member_a, 2026, 10_000)
    _rep(member_a, "head@alfa.example")
    reminder_schedule(actor=finance_officer, institutions=[member_a], today=TODAY)
    # when
    call_command("send_dues_reminders", "--date", "2026-05-01")
    # then
    assert "Reminders sent: 1" in capsys.readouterr().out
