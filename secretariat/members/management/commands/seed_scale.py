"""Synthetic members for benchmarks only: `--factor N` brings the registry to about N × 91.

91 is the CISS's latest published member count. Each synthetic institution (origin
"synthetic", named "Institución sintética NNNNNN") gets one membership in force and two
representatives. Rows are bulk-created, with their history rows, because this is benchmark
data, not a record of anyone's decisions. Running again with the same factor adds nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from secretariat.members.models import (
    Category,
    Country,
    DatePrecision,
    Institution,
    Membership,
    Representative,
    Source,
)

PUBLISHED_TOTAL = 91
SLUG_PREFIX = "sintetica-"
SYNTHETIC_SOURCE = "Datos sintéticos para pruebas de rendimiento (seed_scale)"
BATCH = 500


def _next_number() -> int:
    highest = 0
    for slug in Institution.objects.filter(
        origin=Source.SYNTHETIC, slug__startswith=SLUG_PREFIX
    ).values_list("slug", flat=True):
        tail = slug[len(SLUG_PREFIX) :]
        if tail.isdigit():
            highest = max(highest, int(tail))
    return highest + 1


def _category_cycle(categories: list[Category]) -> list[Category]:
    """Categories in proportion to their published counts (one of each when no count)."""
    cycle: list[Category] = []
    for category in categories:
        cycle.extend([category] * max(1, category.published_count or 0))
    return cycle


class Command(BaseCommand):
    help = "Add synthetic institutions (benchmarks only) until there are about FACTOR × 91."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--factor", type=int, default=1, help="Target: FACTOR × 91 institutions in all."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        factor = options["factor"]
        if factor < 1:
            raise CommandError("--factor must be 1 or more.")
        if not Category.objects.exists():
            call_command("seed_ciss", stdout=self.stdout, stderr=self.stderr)
        target = factor * PUBLISHED_TOTAL
        missing = target - Institution.objects.count()
        if missing <= 0:
            total = Institution.objects.count()
            self.stdout.write(f"Already {total} institutions (target {target}): nothing added.")
            return
        with transaction.atomic():
            self._add(missing)
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {missing} synthetic institutions; {Institution.objects.count()} in all."
            )
        )

    def _add(self, count: int) -> None:
        countries = list(Country.objects.order_by("code"))
        categories = _category_cycle(list(Category.objects.order_by("order")))
        start = _next_number()
        numbers = range(start, start + count)
        institutions = [
            Institution(
                name=f"Institución sintética {n:06d}",
                acronym=f"IS{n:06d}",
                slug=f"{SLUG_PREFIX}{n:06d}",
                country=countries[n % len(countries)],
                origin=Source.SYNTHETIC,
                source=SYNTHETIC_SOURCE,
            )
            for n in numbers
        ]
        bulk_create_with_history(institutions, Institution, batch_size=BATCH)
        # Not every backend returns primary keys from a bulk insert: read them back.
        by_slug = dict(
            Institution.objects.filter(slug__in=[i.slug for i in institutions]).values_list(
                "slug", "pk"
            )
        )
        memberships = []
        representatives = []
        for n, institution in zip(numbers, institutions, strict=True):
            pk = by_slug[institution.slug]
            since = dt.date(1960 + n % 63, 1 + n % 12, 1)
            memberships.append(
                Membership(
                    institution_id=pk,
                    category=categories[n % len(categories)],
                    valid_from=since,
                    valid_from_precision=DatePrecision.MONTH,
                    source=SYNTHETIC_SOURCE,
                )
            )
            for role, label in (
                (Representative.Role.HEAD, "titular"),
                (Representative.Role.ALTERNATE, "alterno"),
            ):
                representatives.append(
                    Representative(
                        institution_id=pk,
                        full_name=f"Persona sintética {n:06d} ({label})",
                        role=role,
                        email=f"{label}.{n:06d}@sintetico.invalid",
                        valid_from=dt.date(2020, 1 + n % 12, 1),
                    )
                )
        bulk_create_with_history(memberships, Membership, batch_size=BATCH)
        bulk_create_with_history(representatives, Representative, batch_size=BATCH)
