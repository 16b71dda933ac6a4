"""Make a dated backup archive in BACKUP_DIR (`make backup`; a daily timer): the database
(pg_dump -Fc, or SQLite's online backup), the uploaded files, the action log's checkpoints
and a manifest, with a .sha256 checksum beside it. Never the signing key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from secretariat.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database, the uploaded files and the action log's checkpoints into a "
        "dated archive with a checksum (never the signing key)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dir", type=Path, default=None, help="Where to write (default: BACKUP_DIR)."
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=None,
            metavar="N",
            help="Then remove all but the newest N archives of that folder.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["keep"] is not None and options["keep"] < 1:
            raise CommandError("--keep must be at least 1.")
        try:
            result = backup_create(folder=options["dir"], keep=options["keep"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        for left in result.left_out:
            self.stderr.write(f"Left out (holds the action log's signing key): {left}")
        for old in result.removed:
            self.stdout.write(f"Removed an older backup: {old.name}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written: {result.archive} ({result.size:,} bytes, {result.tables} tables, "
                f"{result.rows:,} rows, {result.files} files, {result.seconds:.1f} s); "
                f"checksum in {result.checksum.name}."
            )
        )
