"""Send every queued e-mail that is due (for cron, or a machine without a worker), and queue
again those a dead worker left half-sent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from secretariat.core.services.outbox import emails_send_due


class Command(BaseCommand):
    help = (
        "Send the queued e-mails that are due (the worker does it by itself; this is a safety net)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = emails_send_due()
        self.stdout.write(f"{sent} e-mail(s) sent.")
