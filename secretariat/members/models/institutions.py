"""Social security institutions: members, former members and applicants."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from secretariat.core.validators import validate_no_bidi_controls
from secretariat.members.models.common import Source
from secretariat.members.models.geography import Country


class Institution(models.Model):
    """A social security institution (member, former member or applicant)."""

    name = models.CharField(_("name"), max_length=300, validators=[validate_no_bidi_controls])
    acronym = models.CharField(
        _("acronym"), max_length=40, blank=True, validators=[validate_no_bidi_controls]
    )
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="institutions"
    )
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telephone"), max_length=60, blank=True)
    address = models.TextField(_("postal address"), blank=True)
    origin = models.CharField(
        _("origin"), max_length=20, choices=Source.choices, default=Source.SECRETARIAT
    )
    source = models.CharField(_("source"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # History is registered in translation.py, after the translated fields exist.

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["name"]
        indexes = [models.Index(fields=["country", "name"], name="institution_country_name_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    @property
    def is_example(self) -> bool:
        return self.origin in (Source.EXAMPLE, Source.SYNTHETIC)
