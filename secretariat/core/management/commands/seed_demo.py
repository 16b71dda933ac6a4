"""A demonstration database: the CISS reference data, then each app's demo (core.demo).

The example members, the demo accounts and the example sessions are labelled as examples
wherever they show. The example session's convocation goes through the outbox to an
in-memory mailbox while the demo is built: the outbox shows it sent, and nothing leaves the
machine. Idempotent: a second run adds nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from secretariat.core import demo
from secretariat.core.audit import record_action
from secretariat.core.models import User


class Command(BaseCommand):
    help = "Load the CISS reference data, example members and demo accounts (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password", default=demo.DEFAULT_PASSWORD, help="Password of every demo account."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        context = demo.DemoContext(password=options["password"], today=timezone.localdate())
        # The example session's e-mails go to an in-memory mailbox, sent as soon as the
        # demo's transaction commits (not left for the worker to send for real).
        with (
            override_settings(
                EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
                TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
            ),
            transaction.atomic(),
        ):
            call_command("seed_ciss", stdout=self.stdout, stderr=self.stderr)
            for build in demo.builders():
                build(context)
            if context.created or context.updated:
                record_action(
                    actor=None,
                    event="seed.demo_loaded",
                    target=User.objects.get(email=demo.ACCOUNTS[0][0]),
                    new={"created": context.created, "updated": context.updated},
                    reason="seed_demo",
                )
        self.stdout.write(f"Demo data: {context.created} created, {context.updated} updated.")
        for line in context.summary:
            self.stdout.write(line)
        self._print_logins(context.logins, options["password"])

    def _print_logins(self, logins: list[demo.Login], password: str) -> None:
        self.stdout.write("")
        self.stdout.write("Demo logins (demo only — never use these on a real server):")
        header = f"  {'e-mail':<24} {'password':<24} {'role':<26} TOTP secret"
        self.stdout.write(header)
        self.stdout.write("  " + "-" * (len(header) + 30))
        for login in logins:
            secret = login.totp_secret or "— (no second factor)"
            self.stdout.write(f"  {login.email:<24} {password:<24} {login.role:<26} {secret}")
        self.stdout.write("")
        self.stdout.write(
            "`python manage.py demo_totp <email>` prints the current 6-digit code"
            " of a staff demo account."
        )
