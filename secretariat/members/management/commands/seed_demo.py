"""A demonstration database: the CISS reference data, example members and demo accounts.

Example institutions (origin "example", named "Institución de ejemplo NN (País)") fill each
category up to the CISS's published counts (31/38/6/8), since no public source states the
category of the real members. A few examples carry history (category changes in 2019, a
disaffiliation in 2021) so that "who was a member on date D" has something to show.

Then, through the governance services, the example sessions (`governance.management.
demo_sessions`): an ordinary General Assembly about three weeks ahead, convened, with its
agenda, documents, delegates (rep.a@demo.ciss heads its full member's delegation), a proxy
and the seat holders; and an extraordinary Standing Committee session in preparation. The
convocation e-mails of the example session are not sent (its dispatches are recorded).

Demo accounts use the `@demo.ciss` domain; the staff ones get a TOTP authenticator with a
fixed secret derived from the e-mail, printed at the end (`demo_totp <email>` prints the
current code). Everything is idempotent: a second run adds nothing.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.utils import decrypt, encrypt
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from secretariat.core import roles
from secretariat.core.audit import record_action
from secretariat.core.models import User
from secretariat.governance.management.demo_sessions import seed_example_sessions
from secretariat.members.models import (
    Category,
    Country,
    DatePrecision,
    Institution,
    Membership,
    Representative,
    Source,
)

DEMO_DOMAIN = "@demo.ciss"
DEFAULT_PASSWORD = "demo-secretariat-2026"
EXAMPLE_SOURCE = "Ejemplo de demostración (seed_demo): dato ficticio, no es un miembro real"

# Real countries of the region, cycled over to spread the examples.
EXAMPLE_COUNTRIES = [
    "MX", "AR", "BR", "CL", "CO", "CR", "CU", "DO", "EC", "SV", "GT", "HN", "NI", "PA", "PY",
    "PE", "UY", "VE", "BO", "HT", "US", "CA", "JM", "BB", "TT", "BS", "BZ", "GY", "SR", "AW",
    "CW", "LC",
]  # fmt: skip


@dataclass(frozen=True)
class Period:
    category: str
    start: dt.date
    end: dt.date | None = None
    precision: str = DatePrecision.DAY
    end_decision: str = ""


# Fixed examples with a story, numbered 1-6; the fillers continue from 7.
SCENARIOS: dict[int, tuple[str, list[Period]]] = {
    1: ("MX", [Period("full", dt.date(1990, 5, 12))]),
    2: ("PE", [Period("associate", dt.date(2001, 9, 1))]),
    3: (
        "CL",
        [
            Period(
                "associate",
                dt.date(2008, 3, 15),
                dt.date(2019, 7, 1),
                end_decision="Ejemplo — cambio de categoría (2019)",
            ),
            Period("full", dt.date(2019, 7, 1)),
        ],
    ),
    4: (
        "CO",
        [
            Period(
                "associate",
                dt.date(2010, 1, 1),
                dt.date(2019, 7, 1),
                DatePrecision.YEAR,
                "Ejemplo — cambio de categoría (2019)",
            ),
            Period("full", dt.date(2019, 7, 1)),
        ],
    ),
    5: (
        "JM",
        [
            Period(
                "affiliate",
                dt.date(2012, 1, 1),
                dt.date(2019, 11, 20),
                DatePrecision.YEAR,
                "Ejemplo — cambio de categoría (2019)",
            ),
            Period("associate", dt.date(2019, 11, 20)),
        ],
    ),
    6: (
        "UY",
        [
            Period(
                "full",
                dt.date(1998, 1, 1),
                dt.date(2021, 10, 1),
                DatePrecision.YEAR,
                "Ejemplo — desafiliación aprobada (2021)",
            )
        ],
    ),
}

# (e-mail, role, full name, example institution number for representatives)
ACCOUNTS: list[tuple[str, str, str, int | None]] = [
    ("sg@demo.ciss", roles.SECRETARY_GENERAL, "Secretaría General (demo)", None),
    ("officer@demo.ciss", roles.OFFICER, "Oficial de la Secretaría (demo)", None),
    ("finance@demo.ciss", roles.FINANCE, "Oficial de finanzas (demo)", None),
    ("comptroller@demo.ciss", roles.COMPTROLLER, "Contraloría (demo)", None),
    ("rep.a@demo.ciss", roles.REPRESENTATIVE, "Representante A (demo)", 1),
    ("rep.b@demo.ciss", roles.REPRESENTATIVE, "Representante B (demo)", 2),
]


def demo_totp_secret(email: str) -> str:
    """A fixed base32 TOTP secret per demo account (demo only: derived from the e-mail)."""
    digest = hashlib.sha256(f"secretariat-demo-totp:{email.lower()}".encode()).digest()
    return base64.b32encode(digest[:20]).decode("ascii")


def example_slug(number: int, country_code: str) -> str:
    return f"ejemplo-{number:02d}-{country_code.lower()}"


class DemoSeeder:
    def __init__(self, *, password: str, today: dt.date) -> None:
        self.password = password
        self.today = today
        self.created = 0
        self.updated = 0
        self.categories = {c.code: c for c in Category.objects.all()}
        self.countries = {c.code: c for c in Country.objects.filter(code__in=EXAMPLE_COUNTRIES)}

    # --- institutions --------------------------------------------------------------------

    def _example_numbers(self) -> set[int]:
        numbers = set()
        for slug in Institution.objects.filter(
            origin=Source.EXAMPLE, slug__startswith="ejemplo-"
        ).values_list("slug", flat=True):
            part = slug.split("-")[1]
            if part.isdigit():
                numbers.add(int(part))
        return numbers

    def _example(self, number: int, country_code: str, periods: list[Period]) -> Institution:
        country = self.countries[country_code]
        country_name = country.name_es  # type: ignore[attr-defined]  # added by modeltranslation
        institution = Institution(
            name=f"Institución de ejemplo {number:02d} ({country_name})",
            slug=example_slug(number, country_code),
            country=country,
            origin=Source.EXAMPLE,
            source=EXAMPLE_SOURCE,
            description_es="Institución ficticia creada para la demostración.",
            description_en="Fictitious institution created for the demonstration.",
        )
        institution.full_clean()
        institution.save()
        self.created += 1
        for period in periods:
            membership = Membership(
                institution=institution,
                category=self.categories[period.category],
                valid_from=period.start,
                valid_from_precision=period.precision,
                valid_to=period.end,
                decision="Ejemplo — admisión (dato ficticio)"
                if period is periods[0]
                else "Ejemplo — cambio de categoría",
                end_decision=period.end_decision,
                source=EXAMPLE_SOURCE,
            )
            membership.full_clean()
            membership.save()
            self.created += 1
        return institution

    def examples(self) -> None:
        existing = self._example_numbers()
        for number, (country_code, periods) in SCENARIOS.items():
            if number not in existing:
                self._example(number, country_code, periods)
                existing.add(number)
        # Fill each category up to its published count with examples in force today.
        number = max(existing | set(SCENARIOS)) + 1
        for category in sorted(self.categories.values(), key=lambda c: c.order):
            current = Membership.objects.active_on(self.today).filter(category=category).count()
            for _ in range(max(0, (category.published_count or 0) - current)):
                country_code = EXAMPLE_COUNTRIES[number % len(EXAMPLE_COUNTRIES)]
                year = 1960 + (number * 7) % 62
                start = dt.date(year, 1 + number % 12, 1 + number % 28)
                precision = DatePrecision.YEAR if number % 5 == 0 else DatePrecision.DAY
                if precision == DatePrecision.YEAR:
                    start = dt.date(year, 1, 1)
                self._example(
                    number, country_code, [Period(category.code, start, precision=precision)]
                )
                number += 1

    def representatives(self) -> None:
        """Heads and alternates for the first examples, with one past head to show history."""
        people = [
            (
                1,
                "Persona de ejemplo 1",
                Representative.Role.HEAD,
                dt.date(2015, 1, 1),
                dt.date(2020, 1, 1),
            ),
            (1, "Persona de ejemplo 2", Representative.Role.HEAD, dt.date(2020, 1, 1), None),
            (1, "Persona de ejemplo 3", Representative.Role.ALTERNATE, dt.date(2021, 3, 1), None),
            (2, "Persona de ejemplo 4", Representative.Role.HEAD, dt.date(2018, 6, 1), None),
            (2, "Persona de ejemplo 5", Representative.Role.ALTERNATE, dt.date(2022, 2, 1), None),
            (3, "Persona de ejemplo 6", Representative.Role.HEAD, dt.date(2019, 7, 1), None),
            (4, "Persona de ejemplo 7", Representative.Role.HEAD, dt.date(2017, 1, 1), None),
            (5, "Persona de ejemplo 8", Representative.Role.LIAISON, dt.date(2023, 5, 1), None),
        ]
        for number, full_name, role, start, end in people:
            institution = self.example_institution(number)
            if institution.representatives.filter(full_name=full_name).exists():
                continue
            rep = Representative(
                institution=institution,
                full_name=full_name,
                title="Cargo de ejemplo",
                role=role,
                email=f"persona{full_name.rsplit(' ', 1)[1]}@ejemplo.invalid",
                valid_from=start,
                valid_to=end,
            )
            rep.full_clean()
            rep.save()
            self.created += 1

    def sessions(self) -> None:
        """The example General Assembly and Standing Committee sessions (once)."""
        self.created += seed_example_sessions(
            actor=User.objects.get(email="sg@demo.ciss"),
            today=self.today,
            rep_a=User.objects.get(email="rep.a@demo.ciss"),
            rep_b=User.objects.get(email="rep.b@demo.ciss"),
        )

    def example_institution(self, number: int) -> Institution:
        return Institution.objects.get(slug=example_slug(number, SCENARIOS[number][0]))

    # --- accounts ------------------------------------------------------------------------

    def accounts(self) -> list[tuple[str, str, str | None]]:
        rows: list[tuple[str, str, str | None]] = []
        for email, role, full_name, institution_number in ACCOUNTS:
            user = self._user(email, full_name)
            group, _ = Group.objects.get_or_create(name=role)
            if not user.groups.filter(pk=group.pk).exists():
                user.groups.add(group)
                self.updated += 1
            secret = None
            if role in roles.STAFF_ROLES:
                secret = demo_totp_secret(email)
                self._totp(user, secret)
            if institution_number is not None:
                self._liaison(user, self.example_institution(institution_number), full_name)
            rows.append((email, str(roles.ROLE_LABELS[role]), secret))
        return rows

    def _user(self, email: str, full_name: str) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email, password=self.password, full_name=full_name
            )
            self.created += 1
        elif not user.check_password(self.password):
            user.set_password(self.password)
            user.save(update_fields=["password"])
            self.updated += 1
        address = EmailAddress.objects.filter(user=user, email=email).first()
        if address is None:
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return user

    def _totp(self, user: User, secret: str) -> None:
        authenticator = Authenticator.objects.filter(
            user=user, type=Authenticator.Type.TOTP
        ).first()
        if authenticator is None:
            TOTP.activate(user, secret)
            self.created += 1
        elif decrypt(authenticator.data["secret"]) != secret:
            authenticator.data = {**authenticator.data, "secret": encrypt(secret)}
            authenticator.save(update_fields=["data"])
            self.updated += 1

    def _liaison(self, user: User, institution: Institution, full_name: str) -> None:
        if Representative.objects.filter(user=user, institution=institution).exists():
            return
        rep = Representative(
            institution=institution,
            user=user,
            full_name=full_name,
            title="Enlace (cuenta de demostración)",
            role=Representative.Role.LIAISON,
            email=user.email,
            valid_from=dt.date(2024, 1, 1),
        )
        rep.full_clean()
        rep.save()
        self.created += 1


class Command(BaseCommand):
    help = "Load the CISS reference data, example members and demo accounts (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password", default=DEFAULT_PASSWORD, help="Password of every demo account."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        # The example session's convocation is recorded, not e-mailed (sent after commit).
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
            transaction.atomic(),
        ):
            call_command("seed_ciss", stdout=self.stdout, stderr=self.stderr)
            seeder = DemoSeeder(password=options["password"], today=today)
            seeder.examples()
            seeder.representatives()
            logins = seeder.accounts()
            seeder.sessions()
            if seeder.created or seeder.updated:
                record_action(
                    actor=None,
                    event="seed.demo_loaded",
                    target=seeder.categories["full"],
                    new={"created": seeder.created, "updated": seeder.updated},
                    reason="seed_demo",
                )
        self.stdout.write(f"Demo data: {seeder.created} created, {seeder.updated} updated.")
        self.stdout.write("Memberships in force today, per category (published count):")
        for category in sorted(seeder.categories.values(), key=lambda c: c.order):
            count = Membership.objects.active_on(today).filter(category=category).count()
            self.stdout.write(f"  {category.code:<10} {count:>3} ({category.published_count})")
        self._print_logins(logins, options["password"])

    def _print_logins(self, logins: list[tuple[str, str, str | None]], password: str) -> None:
        self.stdout.write("")
        self.stdout.write("Demo logins (demo only — never use these on a real server):")
        header = f"  {'e-mail':<24} {'password':<24} {'role':<26} TOTP secret"
        self.stdout.write(header)
        self.stdout.write("  " + "-" * (len(header) + 30))
        for email, role, secret in logins:
            self.stdout.write(
                f"  {email:<24} {password:<24} {role:<26} {secret or '— (no second factor)'}"
            )
        self.stdout.write("")
        self.stdout.write(
            "`python manage.py demo_totp <email>` prints the current 6-digit code"
            " of a staff demo account."
        )
