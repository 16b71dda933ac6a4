"""The member registry's demo (registered with core.demo): example institutions and their
representatives, and the demo representatives' accounts linked to two of them.

Example institutions (origin "example", named "Institución de ejemplo NN (País)") fill each
category up to the CISS's published counts (31/38/6/8), since no public source states the
category of the real members. A few examples carry history (category changes in 2019, a
disaffiliation in 2021) so that "who was a member on date D" has something to show.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from secretariat.core import demo
from secretariat.core.demo import DemoContext
from secretariat.core.models import User
from secretariat.members.models import (
    Category,
    Country,
    DatePrecision,
    Institution,
    Membership,
    Representative,
    Source,
)

EXAMPLE_SOURCE = "Ejemplo de demostración (seed_demo): dato ficticio, no es un miembro real"
# The demo representatives' accounts (core.demo) and the example institution each is liaison of.
DEMO_REPRESENTATIONS = {"rep.a@demo.ciss": 1, "rep.b@demo.ciss": 2}

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


def example_slug(number: int, country_code: str) -> str:
    return f"ejemplo-{number:02d}-{country_code.lower()}"


class DemoSeeder:
    def __init__(self, context: DemoContext) -> None:
        self.context = context
        self.today = context.today
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
        country_name = getattr(country, "name_es", "")  # a column modeltranslation adds
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
        self.context.created += 1
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
            self.context.created += 1
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
            self.context.created += 1

    def example_institution(self, number: int) -> Institution:
        return Institution.objects.get(slug=example_slug(number, SCENARIOS[number][0]))

    def liaison(self, user: User, institution: Institution, full_name: str) -> None:
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
        self.context.created += 1


def build(context: DemoContext) -> None:
    seeder = DemoSeeder(context)
    seeder.examples()
    seeder.representatives()
    for email, number in DEMO_REPRESENTATIONS.items():
        user = context.account(email)
        seeder.liaison(user, seeder.example_institution(number), user.full_name)
    context.summary.append("Memberships in force today, per category (published count):")
    for category in sorted(seeder.categories.values(), key=lambda c: c.order):
        count = Membership.objects.active_on(context.today).filter(category=category).count()
        context.summary.append(f"  {category.code:<10} {count:>3} ({category.published_count})")


def register_demo() -> None:
    demo.register("members.examples", build, order=10)
