"""Delete the built documents of versions superseded long ago (their files and rows); the
latest version of each document stays, and the records they were built from are untouched."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from secretariat.core.services.documents import documents_prune


class Command(BaseCommand):
    help = "Delete superseded versions of built documents not asked for in --days days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=30, help="Keep what was asked for since.")

    def handle(self, *args: Any, **options: Any) -> None:
        removed = documents_prune(older_than=dt.timedelta(days=options["days"]))
        self.stdout.write(f"{removed} superseded document(s) deleted.")
