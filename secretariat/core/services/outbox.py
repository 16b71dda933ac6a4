"""The outbox: e-mails are recorded in the caller's transaction and sent by the worker after
it commits (decision 0006); a failed send is tried again later, then given up and shown.

A delivery goes queued → sending → sent, or back to queued with a later `next_attempt_at`
while tries remain (`SECRETARIAT_EMAIL_RETRY_SECONDS`), then failed. "Sending" is claimed in
its own short transaction and the message is sent outside any transaction, so a slow mail
server never holds a database lock; a claim older than `STALE_CLAIM` (a worker that died
mid-send) is queued again by `send_queued_emails`. A worker that dies after the mail server
accepted the message but before recording it makes that message go twice: a duplicate is
better than a lost convocation.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from functools import partial
from typing import NamedTuple

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.utils import timezone
from django_tasks import default_task_backend

from secretariat.core import documents
from secretariat.core.access import require, require_reason
from secretariat.core.audit import record_action
from secretariat.core.models import EmailDelivery, User

logger = logging.getLogger(__name__)

STALE_CLAIM = dt.timedelta(minutes=10)


class Attachment(NamedTuple):
    """A text attachment (a calendar entry): kept with the e-mail, sent with it."""

    name: str
    content: str
    mimetype: str


class DocumentAttachment(NamedTuple):
    """A document of a registered kind (core.documents: an invoice, minutes), built by the
    worker when the e-mail is sent, as the record then is; nothing heavy in the caller's
    transaction."""

    name: str
    kind: str
    target_id: str
    language: str


def email_queue(
    *,
    purpose: str,
    to: Sequence[str],
    subject: str,
    body: str,
    target: models.Model | None = None,
    reply_to: Sequence[str] = (),
    language: str = "",
    attachments: Sequence[Attachment | DocumentAttachment] = (),
) -> EmailDelivery:
    """Record an e-mail; the worker sends it once the caller's transaction has committed."""
    delivery = EmailDelivery.objects.create(
        purpose=purpose,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:300] if target is not None else "",
        to=list(to),
        reply_to=list(reply_to),
        from_email=settings.DEFAULT_FROM_EMAIL,
        subject=subject[:300],
        body=body,
        language=language,
        attachments=[a._asdict() for a in attachments],
    )
    transaction.on_commit(partial(_enqueue, delivery.pk))
    return delivery


def _enqueue(delivery_id: int, *, run_after: dt.datetime | None = None) -> None:
    from secretariat.core.tasks import send_email

    task = send_email
    if run_after is not None:
        if not default_task_backend.supports_defer:
            return  # `send_queued_emails` sends it when it is due
        task = send_email.using(run_after=run_after)
    task.enqueue(delivery_id)


def _claim(delivery_id: int) -> EmailDelivery | None:
    """Mark the delivery as being sent, unless it is not due or another worker has it."""
    with transaction.atomic():
        delivery = EmailDelivery.objects.select_for_update().filter(pk=delivery_id).first()
        now = timezone.now()
        if (
            delivery is None
            or delivery.state != EmailDelivery.State.QUEUED
            or (delivery.next_attempt_at is not None and delivery.next_attempt_at > now)
        ):
            return None
        delivery.attempts += 1
        delivery.state = EmailDelivery.State.SENDING
        delivery.claimed_at = now
        delivery.save(update_fields=["attempts", "state", "claimed_at"])
        return delivery


def _message(delivery: EmailDelivery) -> EmailMessage:
    message = EmailMessage(
        subject=delivery.subject,
        body=delivery.body,
        from_email=delivery.from_email,
        to=delivery.to,
        reply_to=delivery.reply_to or None,
    )
    for attachment in delivery.attachments:
        if "kind" in attachment:  # a DocumentAttachment: built now, by the worker
            document = documents.kind(attachment["kind"])
            content = document.build(attachment["target_id"], attachment["language"])
            message.attach(attachment["name"], content, document.content_type)
        else:
            message.attach(attachment["name"], attachment["content"], attachment["mimetype"])
    return message


def email_deliver(*, delivery_id: int) -> EmailDelivery | None:
    """Send one queued e-mail (the worker's task). Returns the delivery as it ends, or None
    when there was nothing to send (already sent, not yet due, or being sent)."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return None
    try:
        _message(delivery).send()
    except Exception as exc:  # any failure of the mail server: recorded, tried again later
        logger.warning("E-mail %s failed (attempt %s): %s", delivery.pk, delivery.attempts, exc)
        return _record_failure(delivery, f"{type(exc).__name__}: {exc}")
    delivery.state = EmailDelivery.State.SENT
    delivery.sent_at = timezone.now()
    delivery.last_error = ""
    delivery.next_attempt_at = None
    delivery.save(update_fields=["state", "sent_at", "last_error", "next_attempt_at"])
    return delivery


def _record_failure(delivery: EmailDelivery, error: str) -> EmailDelivery:
    delays = settings.SECRETARIAT_EMAIL_RETRY_SECONDS
    delivery.last_error = error[:2000]
    if delivery.attempts <= len(delays):
        delivery.state = EmailDelivery.State.QUEUED
        delivery.next_attempt_at = timezone.now() + dt.timedelta(
            seconds=delays[delivery.attempts - 1]
        )
    else:
        delivery.state = EmailDelivery.State.FAILED
        delivery.next_attempt_at = None
    delivery.save(update_fields=["state", "last_error", "next_attempt_at"])
    if delivery.state == EmailDelivery.State.QUEUED and delivery.next_attempt_at is not None:
        _enqueue(delivery.pk, run_after=delivery.next_attempt_at)
    return delivery


def emails_send_due() -> int:
    """Send every queued e-mail that is due, and queue again the claims of workers that died
    mid-send (`manage.py send_queued_emails`, for cron or a machine without a worker)."""
    EmailDelivery.objects.filter(
        state=EmailDelivery.State.SENDING, claimed_at__lt=timezone.now() - STALE_CLAIM
    ).update(state=EmailDelivery.State.QUEUED, next_attempt_at=None)
    due = EmailDelivery.objects.filter(state=EmailDelivery.State.QUEUED).filter(
        models.Q(next_attempt_at__isnull=True) | models.Q(next_attempt_at__lte=timezone.now())
    )
    sent = 0
    for delivery_id in list(due.values_list("pk", flat=True)):
        result = email_deliver(delivery_id=delivery_id)
        if result is not None and result.state == EmailDelivery.State.SENT:
            sent += 1
    return sent


@transaction.atomic
def email_retry(*, actor: User, delivery: EmailDelivery, reason: str | None) -> EmailDelivery:
    """Send a failed e-mail again (an officer, after fixing an address or the mail server)."""
    require(actor, "core.manage_outbox")
    reason = require_reason(reason)
    delivery = EmailDelivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.state != EmailDelivery.State.FAILED:
        return delivery
    delivery.state = EmailDelivery.State.QUEUED
    delivery.next_attempt_at = None
    delivery.save(update_fields=["state", "next_attempt_at"])
    record_action(
        actor=actor,
        event="email.retried",
        target=delivery,
        old={"state": EmailDelivery.State.FAILED, "attempts": delivery.attempts},
        new={"state": EmailDelivery.State.QUEUED},
        reason=reason,
    )
    transaction.on_commit(partial(_enqueue, delivery.pk))
    return delivery
