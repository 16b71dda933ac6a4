"""The Comptroller's writes: samples of entries drawn, and the audit package asked of the
worker.

Rules (domain.md "Finance": the Comptroller oversees the accounts; issue #12): a sample is
drawn at random, by a recorded seed, from the posted entries of one fiscal year whose USD
amount reaches a threshold; the seed and the size of the population are recorded, so anyone
can draw the same sample again. Only the Comptroller draws samples.
"""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from secretariat.core.access import require
from secretariat.core.audit import save_audited
from secretariat.core.models import GeneratedDocument, User
from secretariat.core.services.documents import document_request
from secretariat.finance.models import AuditSample, FiscalYear
from secretariat.finance.selectors.audit import (
    AUDIT,
    AUDIT_PACKAGE,
    DRAW,
    draw,
    package_version,
    sample_population,
)

SAMPLE_FIELDS = ["fiscal_year", "size", "seed", "minimum_amount", "population", "entry_ids"]
MAX_SAMPLE = 500


def _check(size: int, minimum_amount: int, seed: str) -> None:
    if size < 1 or size > MAX_SAMPLE:
        raise ValidationError(
            {"size": _("Draw between 1 and %(max)s entries.") % {"max": MAX_SAMPLE}}
        )
    if minimum_amount < 0:
        raise ValidationError({"minimum_amount": _("The amount cannot be negative.")})
    if len(seed) > 64:
        raise ValidationError({"seed": _("The seed is at most 64 characters long.")})


@transaction.atomic
def audit_sample_draw(
    *,
    actor: User,
    fiscal_year: FiscalYear,
    size: int,
    minimum_amount: int = 0,
    seed: str | None = None,
) -> AuditSample:
    """Draw `size` posted entries of the year whose USD amount reaches `minimum_amount`
    (minor units), at random by `seed` (a new random seed when none is given)."""
    require(actor, DRAW)
    seed = (seed or "").strip() or secrets.token_hex(8)
    _check(size, minimum_amount, seed)
    population = sample_population(fiscal_year=fiscal_year, minimum_amount=minimum_amount)
    if not population:
        raise ValidationError(
            _("The year has no posted entries of this amount or more: there is nothing to draw.")
        )
    sample = AuditSample(
        fiscal_year=fiscal_year,
        size=size,
        seed=seed,
        minimum_amount=minimum_amount,
        population=len(population),
        entry_ids=draw(population, size=size, seed=seed),
        drawn_by=actor,
    )
    save_audited(sample, actor=actor, event="audit_sample.drawn", fields=SAMPLE_FIELDS, reason="")
    return sample


def audit_package(*, actor: User, fiscal_year: FiscalYear) -> GeneratedDocument:
    """The year's audit package (one zip), built once per content by the worker."""
    require(actor, AUDIT)
    return document_request(
        kind=AUDIT_PACKAGE,
        target=fiscal_year,
        language="es",
        version=package_version(fiscal_year),
        file_name=f"audit-package-{fiscal_year.year}.zip",
    )
