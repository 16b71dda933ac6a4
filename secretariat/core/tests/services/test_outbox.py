"""The outbox: e-mails recorded in the caller's transaction, sent by the worker after commit,
tried again when the mail server refuses them, then given up and shown (decision 0006)."""

from __future__ import annotations

import datetime as dt
import io
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from secretariat.core.models import ActionLog, EmailDelivery
from secretariat.core.services.outbox import email_deliver, email_queue, email_retry

pytestmark = pytest.mark.django_db


def queue(**kwargs):
    values = {"purpose": "test.notice", "to": ["a@example.org"], "subject": "S", "body": "B"}
    return email_queue(**(values | kwargs))


def test_it_sends_nothing_before_the_transaction_commits(django_capture_on_commit_callbacks):
    # given / when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        delivery = queue(subject="Convocatoria")
    # then: recorded, queued, not sent; the send waits for the commit
    assert delivery.state == EmailDelivery.State.QUEUED and mail.outbox == []
    assert len(callbacks) == 1


def test_it_sends_once_committed_and_records_it(django_capture_on_commit_callbacks, officer):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        delivery = queue(
            to=["a@example.org", "b@example.org"], target=officer, reply_to=["r@x.org"]
        )
    # then
    delivery.refresh_from_db()
    assert delivery.state == EmailDelivery.State.SENT and delivery.attempts == 1
    assert delivery.sent_at is not None and delivery.target_label == str(officer)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["a@example.org", "b@example.org"]
    assert mail.outbox[0].reply_to == ["r@x.org"]


def test_a_rolled_back_write_sends_nothing(django_capture_on_commit_callbacks):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                queue()
                raise RuntimeError("the service failed after queuing")
        except RuntimeError:
            pass
    # then
    assert EmailDelivery.objects.count() == 0 and mail.outbox == []


def test_a_refused_message_is_tried_again_later_then_given_up(settings):
    # given
    settings.SECRETARIAT_EMAIL_RETRY_SECONDS = [60, 300]
    delivery = EmailDelivery.objects.create(
        purpose="p", to=["a@example.org"], from_email="s@x.org", subject="S", body="B"
    )
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("refused")):
        # when: the first try fails
        first = email_deliver(delivery_id=delivery.pk)
        # then: queued again in a minute, the error kept
        assert first.state == EmailDelivery.State.QUEUED and first.attempts == 1
        assert "OSError: refused" in first.last_error
        assert (
            dt.timedelta(seconds=55)
            < first.next_attempt_at - timezone.now()
            <= dt.timedelta(seconds=60)
        )
        # and: not due yet, nothing happens
        assert email_deliver(delivery_id=delivery.pk) is None
        # when: due, fails again, then a last time
        EmailDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        assert email_deliver(delivery_id=delivery.pk).state == EmailDelivery.State.QUEUED
        EmailDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        last = email_deliver(delivery_id=delivery.pk)
    # then: given up after the retries, and shown as failed
    assert last.state == EmailDelivery.State.FAILED and last.attempts == 3
    assert mail.outbox == []


def test_a_sent_message_is_never_sent_twice():
    # given
    delivery = EmailDelivery.objects.create(
        purpose="p", to=["a@example.org"], from_email="s@x.org", subject="S", body="B"
    )
    email_deliver(delivery_id=delivery.pk)
    # when: the task runs again (a duplicate in the queue)
    again = email_deliver(delivery_id=delivery.pk)
    # then
    assert again is None and len(mail.outbox) == 1


def test_an_officer_sends_a_failed_message_again_with_a_reason(
    officer, django_capture_on_commit_callbacks
):
    # given
    delivery = EmailDelivery.objects.create(
        purpose="p",
        to=["a@example.org"],
        from_email="s@x.org",
        subject="S",
        body="B",
        state=EmailDelivery.State.FAILED,
        attempts=5,
    )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        email_retry(actor=officer, delivery=delivery, reason="Address corrected")
    # then
    delivery.refresh_from_db()
    assert delivery.state == EmailDelivery.State.SENT and len(mail.outbox) == 1
    entry = ActionLog.objects.get(event="email.retried")
    assert entry.actor == officer and entry.reason == "Address corrected"


def test_only_the_secretariat_sends_again_and_says_why(finance_officer, officer):
    delivery = EmailDelivery.objects.create(
        purpose="p", to=["a@x.org"], from_email="s@x.org", subject="S", body="B", state="failed"
    )
    with pytest.raises(PermissionDenied):
        email_retry(actor=finance_officer, delivery=delivery, reason="x")
    with pytest.raises(ValidationError):
        email_retry(actor=officer, delivery=delivery, reason="  ")
    assert EmailDelivery.objects.get().state == EmailDelivery.State.FAILED


def test_the_command_sends_what_is_due_and_requeues_a_dead_workers_claim():
    # given: one due, one not yet due, one claimed by a worker that died 20 minutes ago
    common = {"purpose": "p", "from_email": "s@x.org", "subject": "S", "body": "B"}
    EmailDelivery.objects.create(to=["due@x.org"], **common)
    EmailDelivery.objects.create(
        to=["later@x.org"], next_attempt_at=timezone.now() + dt.timedelta(hours=1), **common
    )
    EmailDelivery.objects.create(
        to=["stale@x.org"],
        state=EmailDelivery.State.SENDING,
        claimed_at=timezone.now() - dt.timedelta(minutes=20),
        attempts=1,
        **common,
    )
    # when
    call_command("send_queued_emails", stdout=io.StringIO())
    # then
    assert sorted(m.to[0] for m in mail.outbox) == ["due@x.org", "stale@x.org"]
    assert EmailDelivery.objects.get(to=["later@x.org"]).state == EmailDelivery.State.QUEUED


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_sends_a_queued_message(settings):
    # given: the production queue (a table), no immediate run
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with transaction.atomic():
        delivery = queue(to=["worker@example.org"])
    assert mail.outbox == []
    # when: the worker processes what is queued, then stops
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    # then
    delivery.refresh_from_db()
    assert delivery.state == EmailDelivery.State.SENT and mail.outbox[0].to == [
        "worker@example.org"
    ]


def test_a_document_attachment_is_built_by_the_worker_when_it_sends(
    django_capture_on_commit_callbacks,
):
    from secretariat.core import documents
    from secretariat.core.services.outbox import DocumentAttachment

    built = []

    def build(target_id: str, language: str) -> bytes:
        built.append((target_id, language))
        return f"%PDF-{target_id}-{language}".encode()

    documents.register("test.attached", build)
    attachment = DocumentAttachment("doc-7-en.pdf", "test.attached", "7", "en")
    # when queued: nothing is built yet
    with django_capture_on_commit_callbacks(execute=False):
        delivery = queue(attachments=[attachment])
    assert built == []
    # when the worker sends it
    email_deliver(delivery_id=delivery.pk)
    # then the document is built then, and attached with its type
    assert built == [("7", "en")]
    assert mail.outbox[0].attachments == [("doc-7-en.pdf", b"%PDF-7-en", "application/pdf")]


def test_a_document_that_cannot_be_built_is_tried_again_later(
    django_capture_on_commit_callbacks,
):
    from secretariat.core import documents
    from secretariat.core.services.outbox import DocumentAttachment

    def build(target_id: str, language: str) -> bytes:
        raise RuntimeError("the record is gone")

    documents.register("test.broken", build)
    with django_capture_on_commit_callbacks(execute=False):
        delivery = queue(attachments=[DocumentAttachment("x.pdf", "test.broken", "1", "es")])
    # when
    email_deliver(delivery_id=delivery.pk)
    # then nothing is sent; the failure is recorded and the e-mail queued again
    delivery.refresh_from_db()
    assert mail.outbox == []
    assert delivery.state == EmailDelivery.State.QUEUED
    assert "the record is gone" in delivery.last_error
