"""Restore a backup archive (`make restore ARCHIVE=…`): check its checksum and files, refuse a
database that already has tables unless --force, restore the database, the uploaded files and
the checkpoints, compare every table's row count and content hash with the manifest, then
verify the action log against the restored checkpoints. Exits non-zero on any difference."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from secretariat.core.backup import BackupError, backup_restore


def _verify_action_log() -> str:
    out = io.StringIO()
    try:
        call_command("verify_action_log", stdout=out, stderr=out)
    except CommandError as exc:
        raise BackupError(
            f"The restored action log does not verify against the restored checkpoints: {exc}\n"
            + out.getvalue()
        ) from exc
    return out.getvalue().strip().splitlines()[-1]


class Command(BaseCommand):
    help = (
        "Restore a backup archive into an empty database (or --force), compare every table "
        "with the manifest, and verify the action log."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="secretariat-backup-….tar.gz")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that already has tables; move existing checkpoint files "
            "into a superseded-… subfolder.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        archive: Path = options["archive"]
        if not archive.is_file():
            raise CommandError(f"No archive at {archive}.")
        try:
            result = backup_restore(archive, force=options["force"], verify_log=_verify_action_log)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        app = result.manifest["app"]
        self.stdout.write(
            f"Backup of {result.manifest['created_at']} (version {app['version']}, "
            f"commit {app['commit']})."
        )
        if result.superseded:
            self.stdout.write(f"Earlier checkpoint files moved to {result.superseded}.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {result.tables} tables ({result.rows:,} rows, each count and content "
                f"hash as in the manifest) and {result.files} files in {result.seconds:.1f} s. "
                f"{result.verification}"
            )
        )
        self.stdout.write("Next: `manage.py migrate` if this code is newer than the backup.")
