"""Bootstrap the first Secretary General account (issue #9, "Doors").

    manage.py create_secretary_general --email sg@example.org --name "Full Name"

The password is asked twice at the terminal, or read from --password-file FILE (its first
line) or from the environment variable SECRETARIAT_SG_PASSWORD; it must pass the site's
password rules. Refused while an active Secretary General exists, unless --force with
--reason (the only Secretary General has lost access: an existing account with that e-mail
is given the role and the new password). The action log records it, done by "system".

The account is staff: at its first login it is sent to set up its second factor (TOTP)
before anything else. Every other role is then granted by the Secretary General on the
Roles page, never in the admin (which is read-only) nor with `createsuperuser`.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from secretariat.core.services.roles import secretary_general_bootstrap

PASSWORD_ENV = "SECRETARIAT_SG_PASSWORD"


class Command(BaseCommand):
    help = (
        "Create the first Secretary General account (e-mail, name; the password is asked, or "
        f"read from --password-file or ${PASSWORD_ENV}). Refused if one exists, unless "
        "--force --reason. The account sets up its second factor (TOTP) at its first login; "
        "it then grants every other role on the Roles page. Recorded in the action log."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True, help="The account's e-mail (its login).")
        parser.add_argument("--name", required=True, help="The person's full name.")
        parser.add_argument(
            "--password-file",
            type=Path,
            help=f"Read the password from this file's first line (else ${PASSWORD_ENV}, "
            "else it is asked at the terminal).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Even though a Secretary General exists (with --reason).",
        )
        parser.add_argument("--reason", default="", help="Why (required with --force).")

    def handle(self, *args: Any, **options: Any) -> None:
        password = self._password(options["password_file"])
        try:
            user = secretary_general_bootstrap(
                email=options["email"],
                full_name=options["name"],
                password=password,
                force=options["force"],
                reason=options["reason"],
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Secretary General account ready: {user.email}. At the first login it sets "
                "up its second factor (an authenticator app) before anything else."
            )
        )

    def _password(self, path: Path | None) -> str:
        if path is not None:
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                raise CommandError(f"{path}: {exc.strerror or exc}") from exc
            if not lines or not lines[0]:
                raise CommandError(f"{path}: the first line (the password) is empty.")
            return lines[0]
        if os.environ.get(PASSWORD_ENV):
            return os.environ[PASSWORD_ENV]
        if not sys.stdin.isatty():
            raise CommandError(
                f"No password: give --password-file FILE or ${PASSWORD_ENV}, or run it at a "
                "terminal."
            )
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return first
