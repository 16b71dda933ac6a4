"""`manage.py warn_term_ends [--date YYYY-MM-DD] [--site-url https://…]`: e-mail the Secretary
General and the officers about the terms ending within the warning period, once per mandate
and term end (services.authorities.term_end_warnings_send). For cron, daily."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from secretariat.elections.services.authorities import term_end_warnings_send


class Command(BaseCommand):
    help = "E-mail the Secretariat about the terms of office ending soon (once per term end)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="The day to warn as of (default: today).")
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
        warned = term_end_warnings_send(today=today, site_url=options["site_url"])
        self.stdout.write(f"Warnings queued: {len(warned)}")
