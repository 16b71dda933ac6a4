"""Verify the action log (decisions 0003 and 0010): every row's link, hash and seal, the head,
and the log against every signed checkpoint of the checkpoint folder and of the copies given
(--checkpoints, e.g. the Comptroller's); name the first row where they part. Exits non-zero
on any problem."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from secretariat.core.models import ActionLog
from secretariat.core.selectors.checkpoints import (
    CheckpointFile,
    Verification,
    action_log_verify,
    checkpoint_folder,
)

SHOWN = 50


def _when(at: dt.datetime) -> str:
    return timezone.localtime(at).isoformat(sep=" ", timespec="seconds")


def _file_line(label: str, f: CheckpointFile) -> str:
    bad = f" ({len(f.findings)} not trusted)" if f.findings else ""
    return f"{label} {f.path}: {f.lines} lines, {len(f.checkpoints)} signed checkpoints{bad}."


class Command(BaseCommand):
    help = (
        "Verify the action log: rows, seals, head, and the signed checkpoints of the checkpoint "
        "folder and of any --checkpoints copy (decision 0010)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--checkpoints",
            action="append",
            type=Path,
            default=[],
            metavar="FILE",
            help="A copy of the checkpoints kept elsewhere (the Comptroller's); repeatable.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = action_log_verify(copies=options["checkpoints"])
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        self._summary(result)
        if result.intact:
            anchored = (
                f" against {len(result.checks)} checkpoint(s)"
                if result.checks
                else " (no checkpoint: against itself only)"
            )
            self.stdout.write(
                self.style.SUCCESS(f"Action log intact: {result.rows} rows verified{anchored}.")
            )
            return
        for finding in result.findings[:SHOWN]:
            self.stderr.write(str(finding))
        if len(result.findings) > SHOWN:
            self.stderr.write(f"… and {len(result.findings) - SHOWN} more.")
        parts = f" They part at row {result.parts_at}." if result.parts_at else ""
        raise CommandError(
            f"Action log tampered: {len(result.findings)} problem(s) in {result.rows} rows.{parts}"
        )

    def _summary(self, result: Verification) -> None:
        write = self.stdout.write
        write(
            f"Action log verification, {_when(result.checked_at)} "
            f"({timezone.get_current_timezone_name()})"
        )
        position = result.position
        sealed = (
            f"sealed from row {position.first_sealed}" if position.first_sealed else "no row sealed"
        )
        keys = "" if result.keyed else " (no key configured: seals and checkpoints not checked)"
        write(f"Log: {result.rows} rows, the last is row {position.last_id}; {sealed}{keys}.")
        if result.keyed and not result.files:
            write(f"Checkpoint folder {checkpoint_folder()}: no checkpoint file.")
        for f in result.files:
            write(_file_line("Checkpoints", f))
        for f in result.copies:
            write(_file_line("Copy", f))
        latest = result.latest_holding
        if latest is not None:
            write(
                f"Latest checkpoint that holds: {_when(latest.at)}, {latest.rows} rows up to row "
                f"{latest.last_id}; {result.unanchored} row(s) written since, not yet anchored."
            )
        if result.parts_at is not None:
            write(f"First row where the log and its checkpoints part: {self._row(result.parts_at)}")

    def _row(self, row_id: int) -> str:
        row = ActionLog.objects.filter(pk=row_id).first()
        if row is None:
            return f"row {row_id} (not in the log)."
        return f"row {row_id} ({_when(row.created_at)}, {row.event}, {row.target_label})."
