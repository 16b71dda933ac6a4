"""Choices every part of the registry shares (and governance reuses): where a record came
from, and how precisely a date is known."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    """Where a record came from."""

    REFERENCE = "reference", _("CISS reference data")
    SECRETARIAT = "secretariat", _("Entered by the Secretariat")
    IMPORT = "import", _("Imported from a spreadsheet")
    EXAMPLE = "example", _("Example (demo)")
    SYNTHETIC = "synthetic", _("Synthetic (benchmark)")


class DatePrecision(models.TextChoices):
    """How precisely a recorded date is known (a member "since 1990" is a year)."""

    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")
