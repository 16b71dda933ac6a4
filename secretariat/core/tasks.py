"""Core's background tasks (django-tasks; decision 0006): building a document, sending an
e-mail, the worker's heartbeat. Each is a thin call to the service that does the work, so a task and its service
are tested the same way."""

from __future__ import annotations

from django_tasks import task

from secretariat.core.health import heartbeat_write
from secretariat.core.services.documents import document_build
from secretariat.core.services.outbox import email_deliver


@task()
def build_document(document_id: int) -> None:
    document_build(document_id=document_id)


@task()
def send_email(delivery_id: int) -> None:
    email_deliver(delivery_id=delivery_id)


@task()
def worker_heartbeat() -> None:
    """Queued every minute by `manage.py worker_heartbeat`; `/readyz` reads what it writes."""
    heartbeat_write()
