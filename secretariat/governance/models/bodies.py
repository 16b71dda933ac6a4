"""The organs of the organization, who holds their offices and who sits on them, dated.

A body's composition on a date is a query: for a body of all members (the General Assembly)
it is the memberships in force plus the seats recorded for those who attend without being
members (Secretary General, Comptroller, CIESS Director, observers); for the others it is
the seats recorded for it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from secretariat.core.models import InForce, ValidityQuerySet
from secretariat.members.models import Country, DatePrecision, Institution


class RulesProfile(models.TextChoices):
    """Which set of rules (quorum, majorities, proxies, notice) a body is judged by.

    The rules themselves are dated rule settings (governance.rule_settings), keyed
    `governance.<profile>.<rule>`, so a session is judged by those in force on its date.
    """

    GENERAL_ASSEMBLY = "general_assembly", _("General Assembly")
    STANDING_COMMITTEE = "standing_committee", _("Standing Committee")
    CIESS_BOARD = "ciess_board", _("CIESS Board of Directors")
    CASS = "cass", _("CASS commissions")
    SUBREGION = "subregion", _("Sub-regional meetings")


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
    rules_profile = models.CharField(
        _("rules"),
        max_length=30,
        choices=RulesProfile.choices,
        blank=True,
        help_text=_("Empty for organs that do not hold sessions (offices)."),
    )
    all_members_sit = models.BooleanField(
        _("all members sit on it"),
        default=False,
        help_text=_("Its voting members are the member institutions (the General Assembly)."),
    )
    # History is registered in translation.py, after the translated fields exist.

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def holds_sessions(self) -> bool:
        return bool(self.rules_profile)


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
    electing_body = models.ForeignKey(
        Body,
        verbose_name=_("elected by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="elected_offices",
    )
    places = models.PositiveSmallIntegerField(
        _("holders at once"),
        default=1,
        help_text=_("How many people hold the office at the same time (three Vice-Presidents)."),
    )
    reelection_limit = models.PositiveSmallIntegerField(
        _("consecutive terms at most"),
        null=True,
        blank=True,
        help_text=_("Empty: re-electable, no limit stated."),
    )
    reelection_source = models.CharField(
        _("source of the re-election rule"), max_length=500, blank=True
    )
    requirements = models.TextField(_("requirements"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    source = models.CharField(_("source"), max_length=500, blank=True)
    # History is registered in translation.py, after the translated fields exist.

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """Someone who holds or held an office, or stood for one: named once, with a short
    biography in the site's languages and the source of what is known."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    nationality = models.ForeignKey(
        Country,
        verbose_name=_("nationality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: not known."),
    )
    biography = models.TextField(_("short biography"), blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # History is registered in translation.py, after the translated fields exist.

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class MandateQuerySet(ValidityQuerySet["Mandate"]):
    pass


class Mandate(InForce, models.Model):
    """A person holding an office for a period (dates may be known only to the year)."""

    class How(models.TextChoices):
        ELECTED = "elected", _("Elected by secret ballot")
        ACCLAMATION = "acclamation", _("Elected by acclamation")
        RATIFIED = "ratified", _("Ratified")
        APPOINTED = "appointed", _("Appointed")
        INTERIM = "interim", _("Interim")

    office = models.ForeignKey(
        Office, verbose_name=_("office"), on_delete=models.PROTECT, related_name="mandates"
    )
    holder = models.CharField(_("holder"), max_length=200)
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mandates",
    )
    how = models.CharField(
        _("how they came to the office"),
        max_length=20,
        choices=How.choices,
        blank=True,
        help_text=_("Empty: not known."),
    )
    session = models.ForeignKey(
        "governance.Session",
        verbose_name=_("elected at"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mandates",
    )
    resolution = models.ForeignKey(
        "governance.Resolution",
        verbose_name=_("resolution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mandates",
    )
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


class SeatQuerySet(ValidityQuerySet["Seat"]):
    pass


class Seat(InForce, models.Model):
    """Who sits on a body from when to when, and in what capacity.

    A seat is held by a person (named, optionally with an account), on behalf of an office
    (the President), an institution (a sub-region's coordinator institution) or neither (an
    invited personality). In a body of all members the member institutions vote through
    their memberships; the seats recorded there are voice or observer seats.
    """

    class Capacity(models.TextChoices):
        MEMBER = "member", _("Member with vote")
        OFFICER = "officer", _("Officer with vote")
        VOICE = "voice", _("Voice only")
        OBSERVER = "observer", _("Observer")

    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="seats"
    )
    capacity = models.CharField(_("capacity"), max_length=20, choices=Capacity.choices)
    title = models.CharField(
        _("seat"),
        max_length=200,
        help_text=_("What the seat is, e.g. 'Coordinator of Sub-region IV' or 'Comptroller'."),
    )
    office = models.ForeignKey(
        Office,
        verbose_name=_("office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="seats",
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="seats",
        help_text=_("The member institution the seat belongs to, if any; its standing applies."),
    )
    holder = models.CharField(_("holder"), max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="seats",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("until"), null=True, blank=True, help_text=_("Exclusive."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    source = models.CharField(_("source"), max_length=500, blank=True)
    history = HistoricalRecords()

    objects = SeatQuerySet.as_manager()

    class Meta:
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        ordering = ["body", "order", "title", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="seat_ends_after_start",
                violation_error_message=_("A seat must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body}: {self.title}" + (f" ({self.holder})" if self.holder else "")

    @property
    def has_vote(self) -> bool:
        """By capacity; in a body of all members only member institutions vote."""
        if self.body.all_members_sit:
            return False
        return self.capacity in (self.Capacity.MEMBER, self.Capacity.OFFICER)
