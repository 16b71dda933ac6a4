"""Load the organization's reference data (data/ciss/, see its README): every app's loader,
in one transaction, idempotently (core.reference_data)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from secretariat.core.reference_data import DATA_DIR, load_all


class Command(BaseCommand):
    help = "Load the CISS reference data (data/ciss/*.yaml): facts only, each with its source."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data-dir", type=Path, default=DATA_DIR, help="Folder of the YAML files."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        tally = load_all(options["data_dir"])
        if tally.changed:
            self.stdout.write(
                self.style.SUCCESS(
                    f"CISS reference data: {tally.created} created, {tally.updated} updated."
                )
            )
        else:
            self.stdout.write("CISS reference data: already up to date, nothing changed.")
