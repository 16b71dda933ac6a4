"""The action log's signing key (decision 0010): make a new one, or show the configured ones.

`action_log_key --out FILE` writes a new Ed25519 key to FILE (mode 0600; an existing file is
never overwritten) and prints its id and public key; point ACTION_LOG_SIGNING_KEY_FILE at it.
Without --out, prints the id and public key of the configured key and the retired keys' ids.
The private key is never printed."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from secretariat.core.anchoring import keyring, load_key, new_key_text


class Command(BaseCommand):
    help = "Make a new action-log signing key (--out FILE), or show the configured keys."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, help="Write a new key to this file (0600).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["out"] is not None:
            self._make(options["out"])
            return
        try:
            ring = keyring()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        if ring.current is None:
            raise CommandError(
                "No action-log signing key is configured (ACTION_LOG_SIGNING_KEY or "
                "ACTION_LOG_SIGNING_KEY_FILE); `action_log_key --out FILE` makes one."
            )
        self.stdout.write(f"Current key: {ring.current.id}")
        self.stdout.write(ring.current.public_pem().rstrip())
        for key_id in sorted(set(ring.by_id) - {ring.current.id}):
            self.stdout.write(f"Retired key (still verifies): {key_id}")

    def _make(self, path: Path) -> None:
        text = new_key_text()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as exc:
            raise CommandError(
                f"{path}: {exc.strerror or exc} (an existing file is kept)."
            ) from exc
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(text + "\n")
        key = load_key(text)
        self.stdout.write(f"New key {key.id} written to {path} (readable by its owner only).")
        self.stdout.write(key.public_pem().rstrip())
        self.stdout.write(
            f"Set ACTION_LOG_SIGNING_KEY_FILE={path.resolve()} for every process of the site; "
            "keep a copy of the file offline: without it, old seals and checkpoints cannot be "
            "checked."
        )
