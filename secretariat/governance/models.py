"""The organs of the organization and who holds their offices, from when to when.

Sessions, seats, motions and votes come with the statutory-sessions capability; this module
starts with what the public pages and the member registry need: the bodies and the mandates
of the elected authorities, each dated and sourced.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from secretariat.members.models import DatePrecision


class Body(models.Model):
    """An organ of the organization (General Assembly, Standing Committee, CIESS Board, CASS...)."""

    class Kind(models.TextChoices):
        ASSEMBLY = "assembly", _("Assembly")
        COMMITTEE = "committee", _("Committee")
        OFFICE = "office", _("Office")
        CENTRE = "centre", _("Centre")
        COMMISSION = "commission", _("Technical commission")
        SUBREGION = "subregion", _("Sub-regional body")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    source = models.CharField(_("source"), max_length=500, blank=True)
    # History is registered in translation.py, after the translated fields exist.

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Office(models.Model):
    """An office of the organization (President, Vice-President, Secretary General...)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    body = models.ForeignKey(
        Body,
        verbose_name=_("body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="offices",
    )
    term_years = models.PositiveSmallIntegerField(_("term (years)"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    source = models.CharField(_("source"), max_length=500, blank=True)
    # History is registered in translation.py, after the translated fields exist.

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class MandateQuerySet(models.QuerySet["Mandate"]):
    def active_on(self, day: dt.date) -> MandateQuerySet:
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=day)
        )


class Mandate(models.Model):
    """A person holding an office for a period (dates may be known only to the year)."""

    office = models.ForeignKey(
        Office, verbose_name=_("office"), on_delete=models.PROTECT, related_name="mandates"
    )
    holder = models.CharField(_("holder"), max_length=200)
    valid_from = models.DateField(_("from"), null=True, blank=True)
    valid_from_precision = models.CharField(
        _("precision"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    valid_to = models.DateField(_("until"), null=True, blank=True, help_text=_("Exclusive."))
    valid_to_precision = models.CharField(
        _("precision"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    term_label = models.CharField(_("term"), max_length=60, blank=True)
    decision = models.CharField(_("decision"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    history = HistoricalRecords()

    objects = MandateQuerySet.as_manager()

    class Meta:
        verbose_name = _("mandate")
        verbose_name_plural = _("mandates")
        ordering = ["office__order", "-valid_from"]

    def __str__(self) -> str:
        return f"{self.office}: {self.holder}"
