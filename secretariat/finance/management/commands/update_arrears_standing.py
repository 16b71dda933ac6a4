"""`manage.py update_arrears_standing --actor EMAIL [--date YYYY-MM-DD]`: apply the arrears rule to every
member as of the day (the passage of time: dues falling due), suspending and restoring
votes through members' services (services.arrears.standings_update). For cron, daily."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from secretariat.core.models import User
from secretariat.finance.services.arrears import standings_update


class Command(BaseCommand):
    help = "Suspend and restore members' votes by the arrears rule, as of a day."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="The day (default: today).")
        parser.add_argument(
            "--actor",
            required=True,
            help="E-mail of the finance officer in whose name the changes are recorded.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        day = timezone.localdate()
        if options["date"]:
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"Not a date (YYYY-MM-DD): {options['date']!r}") from exc
        actor = User.objects.filter(email=options["actor"].lower(), is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user {options['actor']!r}.")
        try:
            counts = standings_update(actor=actor, on=day)
        except PermissionDenied as exc:
            raise CommandError(f"{actor} does not keep the books.") from exc
        self.stdout.write(f"Suspended: {counts['suspended']}, restored: {counts['lifted']}")
