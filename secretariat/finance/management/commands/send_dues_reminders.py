"""`manage.py send_dues_reminders [--date YYYY-MM-DD] [--site-url https://…]`: e-mail the
reminders of unpaid dues scheduled up to the day to the members' representatives, once each
(services.reminders.reminders_send_due). For a systemd timer or cron, daily."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from secretariat.finance.services.reminders import reminders_send_due


class Command(BaseCommand):
    help = "E-mail the reminders of unpaid dues that are due (each is sent once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="The day to send as of (default: today).")
        parser.add_argument(
            "--site-url", default="", help="The site's address, for the link in the e-mail."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"Not a date (YYYY-MM-DD): {options['date']!r}") from exc
        sent = reminders_send_due(today=today, site_url=options["site_url"])
        self.stdout.write(f"Reminders sent: {len(sent)}")
