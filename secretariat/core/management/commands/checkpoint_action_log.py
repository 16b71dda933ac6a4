"""Write a signed checkpoint of the action log's head (decision 0010): verify the log, then
append the checkpoint to the checkpoint file and e-mail it to the Comptroller(s).

Run hourly by a timer with --if-changed (nothing is written while the log has not moved; the
verification runs every time), and by hand whenever wanted (before a backup, after an audit).
Exits non-zero without a key, without a writable checkpoint folder, when the log does not
verify (the Comptroller is then alerted by e-mail; nothing is written), or, after writing,
when lines of the checkpoint files are damaged, edited or forged.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from secretariat.core.services.checkpoints import LogDoesNotVerify, checkpoint_write


class Command(BaseCommand):
    help = (
        "Verify the action log, then write a signed checkpoint of its head to the checkpoint "
        "file and e-mail it to the Comptroller (decision 0010)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-changed",
            action="store_true",
            help="Write nothing when the latest checkpoint already describes the log (timers).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            written = checkpoint_write(if_changed=options["if_changed"])
        except ImproperlyConfigured as exc:  # no key, or no writable folder
            raise CommandError(str(exc)) from exc
        except LogDoesNotVerify as exc:
            for finding in exc.findings[:50]:
                self.stderr.write(str(finding))
            told = ", ".join(exc.alerted) or "nobody (no active Comptroller account)"
            raise CommandError(
                f"{exc} No checkpoint was written. First row where the log and its checkpoints "
                f"part: {exc.parts_at or '-'}. Alerted: {told}. Run verify_action_log."
            ) from exc
        if written is None:
            self.stdout.write(
                "The log has not changed since the latest checkpoint: nothing written."
            )
            return
        c = written.checkpoint
        at = timezone.localtime(c.at).isoformat(sep=" ", timespec="seconds")
        self.stdout.write(
            self.style.SUCCESS(
                f"Checkpoint written to {written.path}: {c.rows} rows up to row {c.last_id} "
                f"(hash {c.last_hash}), at {at}, key {c.key_id}."
            )
        )
        if written.emailed_to:
            self.stdout.write(f"E-mailed to the Comptroller: {', '.join(written.emailed_to)}.")
        else:
            self.stderr.write(
                "No active Comptroller account: the checkpoint was not e-mailed (the file has it)."
            )
        if written.damaged_lines:
            for finding in written.damaged_lines[:50]:
                self.stderr.write(str(finding))
            raise CommandError(
                f"The checkpoint was written, but {len(written.damaged_lines)} line(s) of the "
                "checkpoint files are damaged, edited or forged, and not used: see decision 0010."
            )
