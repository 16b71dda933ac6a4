"""Reminders of unpaid dues: scheduled by the Secretariat for members with dues outstanding,
cancelled with a reason, and e-mailed on their day to the member's representatives (issue
#12 "What each side sees": the reminders it has scheduled).

Rules: the default day is the due date of the member's latest unpaid assessment plus the
setting `finance.dues.reminder_days_after_due` ([D] 30 days), and never before today; a
reminder goes once (sending is idempotent); one whose member has paid meanwhile is
cancelled, saying so, instead of being sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from secretariat.core.access import require, require_reason
from secretariat.core.audit import locked, save_audited, snapshot
from secretariat.core.languages import AUTHORITATIVE, is_content_language
from secretariat.core.models import User
from secretariat.core.money import format_money
from secretariat.core.selectors.rule_settings import rule_value
from secretariat.core.services.outbox import email_queue
from secretariat.finance.models import Assessment, Reminder
from secretariat.finance.selectors.dues import outstanding_by_member, with_outstanding
from secretariat.members.models import Institution, Representative

PERM = "finance.manage_dues"
REMINDER_FIELDS = ["institution", "scheduled_for", "outstanding", "sent_at", "cancelled"]


def _default_day(institution: Institution, today: dt.date) -> dt.date:
    """Due date of the latest unpaid assessment + `finance.dues.reminder_days_after_due`."""
    unpaid = (
        with_outstanding(Assessment.objects.filter(institution=institution), on=today)
        .filter(Q(outstanding__gt=0))
        .order_by("-due_on")
        .values_list("due_on", flat=True)
        .first()
    )
    due = unpaid or today
    days = int(rule_value("finance.dues.reminder_days_after_due", due))
    return max(due + dt.timedelta(days=days), today)


@transaction.atomic
def reminder_schedule(
    *,
    actor: User,
    institutions: Iterable[Institution],
    scheduled_for: dt.date | None = None,
    today: dt.date | None = None,
) -> list[Reminder]:
    """Schedule a reminder for each of `institutions` owing dues (the others, and those
    already with a reminder pending, are left out: the result says who was scheduled)."""
    require(actor, PERM)
    day = today or timezone.localdate()
    if scheduled_for is not None and scheduled_for < day:
        raise ValidationError({"scheduled_for": _("A reminder cannot be scheduled in the past.")})
    chosen = list(institutions)
    if not chosen:
        raise ValidationError({"institutions": _("Choose at least one member.")})
    owing = outstanding_by_member(institution_ids=[i.pk for i in chosen], on=day)
    pending = set(
        Reminder.objects.filter(
            institution__in=chosen, sent_at__isnull=True, cancelled=False
        ).values_list("institution_id", flat=True)
    )
    scheduled = []
    for institution in chosen:
        if owing.get(institution.pk, 0) <= 0 or institution.pk in pending:
            continue
        reminder = Reminder(
            institution=institution,
            scheduled_for=scheduled_for or _default_day(institution, day),
            outstanding=owing[institution.pk],
            created_by=actor,
        )
        save_audited(reminder, actor=actor, event="reminder.scheduled", fields=REMINDER_FIELDS)
        scheduled.append(reminder)
    return scheduled


@transaction.atomic
def reminder_cancel(*, actor: User, reminder: Reminder, reason: str | None) -> Reminder:
    """Cancel a scheduled reminder, saying why (kept on the reminder and in the log)."""
    require(actor, PERM)
    text = require_reason(reason)
    reminder = locked(reminder)
    if reminder.sent_at is not None:
        raise ValidationError(_("This reminder was already sent."))
    if reminder.cancelled:
        raise ValidationError(_("This reminder is already cancelled."))
    before = snapshot(reminder, REMINDER_FIELDS + ["cancel_reason"])
    reminder.cancelled = True
    reminder.cancel_reason = text
    save_audited(
        reminder,
        actor=actor,
        event="reminder.cancelled",
        fields=REMINDER_FIELDS + ["cancel_reason"],
        before=before,
        reason=text,
    )
    return reminder


# --- Sending ------------------------------------------------------------------------------


def _recipients(institution_id: int, today: dt.date) -> list[str]:
    """The e-mail addresses of the member's representatives in office today."""
    people = Representative.objects.active_on(today).filter(institution_id=institution_id)
    addresses: list[str] = []
    for person in people.select_related("user"):
        email = person.email or (person.user.email if person.user is not None else "")
        if email and email not in addresses:
            addresses.append(email)
    return addresses


def member_language(institution_id: int) -> str:
    """The member's language: that of its latest invoice, else Spanish."""
    language = (
        Assessment.objects.filter(institution_id=institution_id)
        .order_by("-fiscal_year__year")
        .values_list("language", flat=True)
        .first()
    )
    return language if language and is_content_language(language) else AUTHORITATIVE


def _queue(reminder: Reminder, outstanding: int, to: list[str], site_url: str) -> None:
    language = member_language(reminder.institution_id)
    with translation.override(language):
        context = {
            "institution": reminder.institution,
            "outstanding": format_money(outstanding, "USD", language),
            "url": f"{site_url.rstrip('/')}{reverse('finance:my-account')}",
        }
        subject = " ".join(render_to_string("finance/email/reminder_subject.txt", context).split())
        body = render_to_string("finance/email/reminder_body.txt", context)
    email_queue(
        purpose="finance.dues_reminder",
        to=to,
        subject=subject,
        body=body,
        target=reminder,
        language=language,
    )


def _close_paid(reminder: Reminder) -> None:
    before = snapshot(reminder, REMINDER_FIELDS + ["cancel_reason"])
    reminder.cancelled = True
    with translation.override(AUTHORITATIVE):
        reminder.cancel_reason = _("Not sent: the member has no dues outstanding.")
    save_audited(
        reminder,
        actor=None,
        event="reminder.cancelled",
        fields=REMINDER_FIELDS + ["cancel_reason"],
        before=before,
        reason=reminder.cancel_reason,
    )


@transaction.atomic
def reminders_send_due(*, today: dt.date | None = None, site_url: str = "") -> list[Reminder]:
    """E-mail each reminder due by `today` to its member's representatives, in the member's
    language, with what it owes now, and mark it sent (a sent reminder is never sent
    again). A member without any representative's address keeps its reminder pending."""
    day = today or timezone.localdate()
    due = list(
        Reminder.objects.select_for_update(of=("self",))
        .select_related("institution")
        .filter(scheduled_for__lte=day, sent_at__isnull=True, cancelled=False)
        .order_by("scheduled_for", "id")
    )
    owing = outstanding_by_member(institution_ids={r.institution_id for r in due}, on=day)
    sent = []
    for reminder in due:
        outstanding = owing.get(reminder.institution_id, 0)
        if outstanding <= 0:
            _close_paid(reminder)
            continue
        to = _recipients(reminder.institution_id, day)
        if not to:
            continue
        _queue(reminder, outstanding, to, site_url)
        before = snapshot(reminder, REMINDER_FIELDS)
        reminder.sent_at = timezone.now()
        save_audited(
            reminder, actor=None, event="reminder.sent", fields=REMINDER_FIELDS, before=before
        )
        sent.append(reminder)
    return sent
