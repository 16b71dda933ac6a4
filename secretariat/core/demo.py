"""The demonstration database, built by each app in turn (`manage.py seed_demo`).

Core knows no app's demo: each app registers its builder from its `AppConfig.ready`
(`<app>/demo.py`), ordered as the apps depend on each other. Core's own builder makes the
demo accounts (`@demo.ciss`): staff with their role and a TOTP authenticator whose secret is
derived from the e-mail (printed at the end; `demo_totp <email>` prints the current code),
and representatives' accounts that the member registry's builder links to institutions.
Everything is idempotent: a second run adds nothing.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.utils import decrypt, encrypt
from django.contrib.auth.models import Group

from secretariat.core import roles
from secretariat.core.models import User
from secretariat.core.registry import OrderedRegistry

DEMO_DOMAIN = "@demo.ciss"
DEFAULT_PASSWORD = "demo-secretariat-2026"

# The demo accounts: e-mail, role, full name.
ACCOUNTS = [
    ("sg@demo.ciss", roles.SECRETARY_GENERAL, "Secretaría General (demo)"),
    ("officer@demo.ciss", roles.OFFICER, "Oficial de la Secretaría (demo)"),
    ("finance@demo.ciss", roles.FINANCE, "Oficial de finanzas (demo)"),
    ("comptroller@demo.ciss", roles.COMPTROLLER, "Contraloría (demo)"),
    ("rep.a@demo.ciss", roles.REPRESENTATIVE, "Representante A (demo)"),
    ("rep.b@demo.ciss", roles.REPRESENTATIVE, "Representante B (demo)"),
]


@dataclass(frozen=True)
class Login:
    email: str
    role: str
    totp_secret: str | None


@dataclass
class DemoContext:
    """What the builders share: the password, the day, what they wrote, and what to print."""

    password: str
    today: dt.date
    created: int = 0
    updated: int = 0
    logins: list[Login] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)

    def account(self, email: str) -> User:
        return User.objects.get(email=email)


Builder = Callable[[DemoContext], None]
_BUILDERS: OrderedRegistry[Builder] = OrderedRegistry()


def register(key: str, build: Builder, *, order: int) -> None:
    """Register an app's demo builder; lower orders run first."""
    _BUILDERS.register(key, build, order=order)


def builders() -> list[Builder]:
    return _BUILDERS.in_order()


# --- Core's builder: the demo accounts ------------------------------------------------


def demo_totp_secret(email: str) -> str:
    """A fixed base32 TOTP secret per demo account (demo only: derived from the e-mail)."""
    digest = hashlib.sha256(f"secretariat-demo-totp:{email.lower()}".encode()).digest()
    return base64.b32encode(digest[:20]).decode("ascii")


def _user(context: DemoContext, email: str, full_name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=context.password, full_name=full_name)
        context.created += 1
    elif not user.check_password(context.password):
        user.set_password(context.password)
        user.save(update_fields=["password"])
        context.updated += 1
    if not EmailAddress.objects.filter(user=user, email=email).exists():
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def _totp(context: DemoContext, user: User, secret: str) -> None:
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        TOTP.activate(user, secret)
        context.created += 1
    elif decrypt(authenticator.data["secret"]) != secret:
        authenticator.data = {**authenticator.data, "secret": encrypt(secret)}
        authenticator.save(update_fields=["data"])
        context.updated += 1


def build_accounts(context: DemoContext) -> None:
    for email, role, full_name in ACCOUNTS:
        user = _user(context, email, full_name)
        group, _created = Group.objects.get_or_create(name=role)
        if not user.groups.filter(pk=group.pk).exists():
            user.groups.add(group)
            context.updated += 1
        secret = None
        if role in roles.STAFF_ROLES:
            secret = demo_totp_secret(email)
            _totp(context, user, secret)
        context.logins.append(
            Login(email=email, role=str(roles.ROLE_LABELS[role]), totp_secret=secret)
        )


def register_demo() -> None:
    register("core.accounts", build_accounts, order=0)
