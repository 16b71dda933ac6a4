"""Where members are: the CISS sub-regions and the countries and territories."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SubRegion(models.Model):
    """One of the CISS sub-regions (I to V), with its coordinator on the Standing Committee."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    # History is registered in translation.py, after the translated fields exist.

    class Meta:
        verbose_name = _("sub-region")
        verbose_name_plural = _("sub-regions")
        ordering = ["number"]

    def __str__(self) -> str:
        return self.name

    @property
    def roman(self) -> str:
        return ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"][self.number]


class Country(models.Model):
    """A country or territory; its sub-region may be unknown until the Secretariat assigns it."""

    code = models.CharField(_("ISO 3166 code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=120)
    subregion = models.ForeignKey(
        SubRegion,
        verbose_name=_("sub-region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="countries",
        help_text=_("Empty when not yet known."),
    )
    subregion_source = models.CharField(_("source of the sub-region"), max_length=500, blank=True)
    # History is registered in translation.py, after the translated fields exist.

    class Meta:
        verbose_name = _("country or territory")
        verbose_name_plural = _("countries and territories")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
