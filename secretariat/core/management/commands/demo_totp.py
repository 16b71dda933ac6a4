"""Print the current TOTP code of a demo account (e-mail ending in @demo.ciss), for demos.

Uses allauth's own TOTP code (same secret storage, period and digits as the login check).
Refuses any other account: real second factors are never readable this way.
"""

from __future__ import annotations

import time
from typing import Any

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.core.management.base import BaseCommand, CommandError, CommandParser

from secretariat.core.demo import DEMO_DOMAIN
from secretariat.core.models import User


def current_totp_code(user: User, *, now: float | None = None) -> str:
    """The code allauth expects from `user` right now."""
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        raise CommandError(f"{user.email} has no TOTP authenticator (run seed_demo first).")
    secret = decrypt(authenticator.data["secret"])
    counter = int(now if now is not None else time.time()) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


class Command(BaseCommand):
    help = "Print the current 6-digit TOTP code of a demo account (@demo.ciss only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="A demo account's e-mail, e.g. sg@demo.ciss")

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip().lower()
        if not email.endswith(DEMO_DOMAIN):
            raise CommandError(f"Only demo accounts ({DEMO_DOMAIN}) can be read this way.")
        user = User.objects.filter(email=email).first()
        if user is None:
            raise CommandError(f"No account {email} (run seed_demo first).")
        code = current_totp_code(user)
        remaining = mfa_settings.TOTP_PERIOD - int(time.time()) % mfa_settings.TOTP_PERIOD
        self.stdout.write(code)
        self.stderr.write(f"valid for about {remaining} more seconds")
