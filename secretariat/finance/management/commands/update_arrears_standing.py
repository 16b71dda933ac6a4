"""`manage.py update_arrears_standing [--date YYYY-MM-DD]`: apply the arrears rule to every
member as of the day (the passage of time: dues falling due), suspending and restoring
votes through members' services (services.arrears.standings_update). For cron, daily."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from secretariat.finance.services.arrears import standings_update


class Command(BaseCommand):
    help = "Suspend and restore members' votes by the arrears rule, as of a day."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="The day (default: today).")

    def handle(self, *args: Any, **options: Any) -> None:
        day = timezone.localdate()
        if options["date"]:
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"Not a date (YYYY-MM-DD): {options['date']!r}") from exc
        counts = standings_update(on=day)
        self.stdout.write(f"Suspended: {counts['suspended']}, restored: {counts['lifted']}")
