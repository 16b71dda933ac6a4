"""The people who represent an institution before the CISS, each in a role for a period."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from secretariat.core.models import InForce, ValidityQuerySet
from secretariat.core.validators import validate_no_bidi_controls
from secretariat.members.models.institutions import Institution


class RepresentativeQuerySet(ValidityQuerySet["Representative"]):
    """Representations by date (`active_on`, `current`, `overlapping`)."""


class Representative(InForce, models.Model):
    """A person who represents an institution before the CISS, in a role, for a period."""

    class Role(models.TextChoices):
        HEAD = "head", _("Head (titular)")
        ALTERNATE = "alternate", _("Alternate")
        LIAISON = "liaison", _("Liaison")

    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="representatives",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="representations",
    )
    full_name = models.CharField(
        _("full name"), max_length=200, validators=[validate_no_bidi_controls]
    )
    title = models.CharField(_("position"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telephone"), max_length=60, blank=True)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("until"), null=True, blank=True)
    history = HistoricalRecords()

    objects = RepresentativeQuerySet.as_manager()

    class Meta:
        verbose_name = _("representative")
        verbose_name_plural = _("representatives")
        ordering = ["institution", "role", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="representative_ends_after_start",
                violation_error_message=_("A representation must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_role_display()})"
