"""The membership categories; whether a category votes follows from the Statute."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    """A membership category; whether it votes follows from the Statute (only full members)."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_plural = models.CharField(_("plural name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    has_vote = models.BooleanField(_("has the right to vote"), default=False)
    has_voice = models.BooleanField(_("has the right to voice"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    published_count = models.PositiveIntegerField(_("published count"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    # History is registered in translation.py, after the translated fields exist.

    class Meta:
        verbose_name = _("membership category")
        verbose_name_plural = _("membership categories")
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name
