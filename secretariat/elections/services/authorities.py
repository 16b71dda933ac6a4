"""The authorities: offices and their terms, the people who hold them, and their mandates
(every write).

Rules enforced (shared/domain.md "Presidency, Secretary General, Comptroller, CIESS Director"):
- an office has its term, its number of places (three Vice-Presidents), its re-election
  rule with the source of that rule, its electing body and its requirements;
- a mandate records the person, the office, from and to (each date known to the day, the
  month or the year: unknown stays empty), how they came to the office, and the session and
  resolution that elected them; it ends after it starts;
- an office never has more holders on one day than it has places;
- history is never rewritten in silence: a mandate is corrected with a reason (the
  correction is in its history and in the action log), never deleted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from secretariat.core import roles
from secretariat.core.access import require, require_reason
from secretariat.core.audit import locked, save_audited, snapshot
from secretariat.core.languages import AUTHORITATIVE, translated_fields
from secretariat.core.models import User
from secretariat.core.selectors.rule_settings import rule_value
from secretariat.core.services.outbox import email_queue
from secretariat.elections.models import TermEndWarning
from secretariat.elections.selectors.authorities import last_day_of, mandates_ending
from secretariat.governance.models import Body, Mandate, Office, Person, Resolution, Session
from secretariat.members.models import Country, DatePrecision

PERM = "elections.manage_authorities"
# Slugs the URLs use for pages of their own (people/new/).
RESERVED_SLUGS = frozenset({"new"})

PERSON_FIELDS = ["name", "slug", "nationality", *translated_fields("biography"), "source"]
OFFICE_FIELDS = [
    "term_years",
    "places",
    "reelection_limit",
    "reelection_source",
    "electing_body",
    *translated_fields("requirements"),
]
MANDATE_FIELDS = [
    "office",
    "person",
    "holder",
    "how",
    "session",
    "resolution",
    "valid_from",
    "valid_from_precision",
    "valid_to",
    "valid_to_precision",
    "term_label",
    "source",
]


def _text(value: str | None) -> str:
    return (value or "").strip()


def _apply(instance: Any, data: Mapping[str, Any], allowed: Iterable[str], what: str) -> None:
    allowed = list(allowed)
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValueError(f"{what} cannot change {sorted(unknown)}")
    for name in allowed:
        if name in data:
            value = data[name]
            setattr(instance, name, value.strip() if isinstance(value, str) else value)


# --- People -----------------------------------------------------------------------------------


def _check_person(person: Person) -> None:
    if not person.name:
        raise ValidationError({"name": _("Give the person's name.")})
    if person.slug in RESERVED_SLUGS:
        raise ValidationError({"slug": _("This address is reserved: choose another.")})
    taken = Person.objects.filter(slug=person.slug).exclude(pk=person.pk).exists()
    if taken:
        raise ValidationError({"slug": _("Another person already has this address.")})


@transaction.atomic
def person_create(
    *,
    actor: User,
    name: str,
    slug: str,
    nationality: Country | None = None,
    biography: Mapping[str, str] | None = None,
    source: str = "",
    reason: str | None = None,
) -> Person:
    """Record a person who holds, held or stands for an office (domain.md "Presidency...").
    The nationality stays empty (unknown) unless a source states it."""
    require(actor, PERM)
    texts = {f"biography_{lang}": _text(text) for lang, text in (biography or {}).items()}
    unknown = set(texts) - set(translated_fields("biography"))
    if unknown:
        raise ValueError(f"Unknown biography languages: {sorted(unknown)}")
    person = Person(
        name=_text(name), slug=_text(slug), nationality=nationality, source=_text(source), **texts
    )
    _check_person(person)
    save_audited(
        person, actor=actor, event="person.created", fields=PERSON_FIELDS, reason=reason or ""
    )
    return person


@transaction.atomic
def person_update(
    *, actor: User, person: Person, data: Mapping[str, Any], reason: str | None
) -> Person:
    """Correct what is recorded about a person (name, address, nationality, biographies,
    source), with a reason. Their mandates keep the name they were recorded with."""
    require(actor, PERM)
    reason = require_reason(reason)
    person = locked(person)
    before = snapshot(person, PERSON_FIELDS)
    _apply(person, data, PERSON_FIELDS, "person_update")
    _check_person(person)
    save_audited(
        person,
        actor=actor,
        event="person.updated",
        fields=PERSON_FIELDS,
        before=before,
        reason=reason,
    )
    return person


# --- Offices ----------------------------------------------------------------------------------


def _check_office(office: Office) -> None:
    if office.places is None or office.places < 1:
        raise ValidationError({"places": _("An office has at least one place.")})
    if office.term_years is not None and office.term_years < 1:
        raise ValidationError({"term_years": _("A term lasts at least one year.")})
    if office.reelection_limit is not None and office.reelection_limit < 1:
        raise ValidationError(
            {"reelection_limit": _("At least one term; leave it empty when no limit is stated.")}
        )
    if office.reelection_limit is not None and not office.reelection_source:
        raise ValidationError(
            {"reelection_source": _("Say where the re-election limit is stated.")}
        )
    if (
        office.electing_body_id is not None
        and not Body.objects.filter(pk=office.electing_body_id, rules_profile__gt="").exists()
    ):
        raise ValidationError({"electing_body": _("The electing body must be one that meets.")})


def _check_places_still_fit(office: Office) -> None:
    """Fewer places must still hold every holder already recorded on each day."""
    for mandate in Mandate.objects.filter(office=office).order_by("valid_from", "pk"):
        busiest = _most_other_holders(office, mandate.valid_from, mandate.valid_to, mandate.pk)
        if busiest + 1 > office.places:
            raise ValidationError(
                {
                    "places": _(
                        "The records already show more holders than this at once (%(holder)s "
                        "and others): correct those mandates first."
                    )
                    % {"holder": mandate.holder}
                }
            )


@transaction.atomic
def office_update(
    *, actor: User, office: Office, data: Mapping[str, Any], reason: str | None
) -> Office:
    """Change an office's term, places, re-election rule and its source, electing body or
    requirements (domain.md "Presidency...": "The GA elects them every three years"; the
    Secretary General and the Comptroller are "re-electable"), with a reason."""
    require(actor, PERM)
    reason = require_reason(reason)
    office = locked(office)
    before = snapshot(office, OFFICE_FIELDS)
    _apply(office, data, OFFICE_FIELDS, "office_update")
    _check_office(office)
    if before["places"] is not None and office.places < before["places"]:
        _check_places_still_fit(office)
    save_audited(
        office,
        actor=actor,
        event="office.updated",
        fields=OFFICE_FIELDS,
        before=before,
        reason=reason,
    )
    return office


# --- Mandates ---------------------------------------------------------------------------------


def _day(value: dt.date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def _most_other_holders(
    office: Office, start: dt.date | None, end: dt.date | None, exclude_pk: int | None
) -> int:
    """The most mandates of the office, other than `exclude_pk`, in force on any one day of
    [start, end) (None: open on that side; an unknown start counts as "since always")."""
    others = Mandate.objects.filter(office=office).overlapping(start, end)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    ranges = list(others.values_list("valid_from", "valid_to"))
    if not ranges:
        return 0
    # The count can only rise where a range begins: check the first day and each beginning.
    points = {start or dt.date.min}
    points.update(f for f, _t in ranges if f is not None and (start is None or f > start))
    best = 0
    for point in points:
        if end is not None and point >= end:
            continue
        count = sum(1 for f, t in ranges if (f is None or f <= point) and (t is None or t > point))
        best = max(best, count)
    return best


def _check_dates(mandate: Mandate) -> None:
    for field in ("valid_from", "valid_to"):
        day = getattr(mandate, field)
        precision = getattr(mandate, f"{field}_precision")
        if precision not in DatePrecision.values:
            raise ValidationError({f"{field}_precision": _("Choose how precisely it is known.")})
        if day is None:
            continue
        if precision == DatePrecision.YEAR and (day.month, day.day) != (1, 1):
            raise ValidationError(
                {field: _("A date known only to the year is written as 1 January of that year.")}
            )
        if precision == DatePrecision.MONTH and day.day != 1:
            raise ValidationError(
                {field: _("A date known only to the month is written as its first day.")}
            )
    start, end = mandate.valid_from, mandate.valid_to
    if start is not None and end is not None and end <= start:
        raise ValidationError({"valid_to": _("A mandate must end after it starts.")})


def check_places(mandate: Mandate) -> None:
    """The office is never held by more people at once than it has places (Office.places;
    domain.md: the GA elects "the President, three Vice-Presidents, Secretary General,
    Comptroller and CIESS Director"). Also called when a ballot creates a mandate."""
    office = mandate.office
    others = _most_other_holders(office, mandate.valid_from, mandate.valid_to, mandate.pk)
    if others + 1 > office.places:
        raise ValidationError(
            {
                "valid_from": _(
                    "%(office)s: every place (%(places)s) is already held for part of this "
                    "period. End or correct the mandate recorded there first (an unknown start "
                    "or end counts as open)."
                )
                % {"office": office.name, "places": office.places}
            }
        )


def _check_mandate(mandate: Mandate) -> None:
    if mandate.person_id is None:
        raise ValidationError({"person": _("Choose the person who holds the office.")})
    if mandate.how and mandate.how not in Mandate.How.values:
        raise ValidationError({"how": _("Choose how they came to the office.")})
    _check_dates(mandate)
    check_places(mandate)


@transaction.atomic
def mandate_record(
    *,
    actor: User,
    office: Office,
    person: Person,
    valid_from: dt.date | None,
    valid_to: dt.date | None = None,
    valid_from_precision: str = DatePrecision.DAY,
    valid_to_precision: str = DatePrecision.DAY,
    term_label: str = "",
    how: str = "",
    session: Session | None = None,
    resolution: Resolution | None = None,
    source: str = "",
    reason: str | None = None,
) -> Mandate:
    """Record that a person holds (held, will hold) an office for a period (see the module
    docstring for the rules). `valid_to` is exclusive: the first day they no longer hold it."""
    require(actor, PERM)
    # Lock the office so that two officers recording holders at once cannot both fit.
    office = locked(office)
    mandate = Mandate(
        office=office,
        person=person,
        holder=person.name,
        how=how or "",
        session=session,
        resolution=resolution,
        valid_from=valid_from,
        valid_from_precision=valid_from_precision,
        valid_to=valid_to,
        valid_to_precision=valid_to_precision,
        term_label=_text(term_label),
        source=_text(source),
    )
    _check_mandate(mandate)
    save_audited(
        mandate,
        actor=actor,
        event="mandate.recorded",
        fields=MANDATE_FIELDS,
        reason=reason or "",
    )
    return mandate


CORRECTABLE = [name for name in MANDATE_FIELDS if name not in ("office", "holder")]


@transaction.atomic
def mandate_update(
    *, actor: User, mandate: Mandate, data: Mapping[str, Any], reason: str | None
) -> Mandate:
    """Correct a mandate (its holder, dates, how, session, resolution, term or source) with a
    reason; the earlier values stay in its history. A mandate is never deleted: one recorded
    by mistake is corrected, and a different office is a new mandate."""
    require(actor, PERM)
    reason = require_reason(reason)
    locked(mandate.office)
    mandate = locked(mandate)
    before = snapshot(mandate, MANDATE_FIELDS)
    _apply(mandate, data, CORRECTABLE, "mandate_update")
    if "person" in data and mandate.person is not None:
        mandate.holder = mandate.person.name
    _check_mandate(mandate)
    save_audited(
        mandate,
        actor=actor,
        event="mandate.updated",
        fields=MANDATE_FIELDS,
        before=before,
        reason=reason,
    )
    return mandate


# --- Warnings that a term is ending -------------------------------------------------------------


def _warning_recipients() -> list[str]:
    """The active accounts of the Secretary General and the officers, by e-mail."""
    emails = (
        User.objects.filter(
            Q(groups__name=roles.SECRETARY_GENERAL) | Q(groups__name=roles.OFFICER),
            is_active=True,
        )
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
        .order_by("email")
    )
    return list(emails)


def _queue_warning(mandate: Mandate, today: dt.date, to: list[str], site_url: str) -> None:
    with translation.override(AUTHORITATIVE):
        path = reverse("elections:authorities")
        context = {
            "mandate": mandate,
            "office": mandate.office.name,
            "holder": mandate.person.name if mandate.person is not None else mandate.holder,
            "last": last_day_of(mandate),
            "days_left": (mandate.valid_to - today).days if mandate.valid_to else 0,
            "url": f"{site_url.rstrip('/')}{path}",
        }
        subject = " ".join(
            render_to_string("elections/email/authorities_term_end_subject.txt", context).split()
        )
        body = render_to_string("elections/email/authorities_term_end_body.txt", context)
    email_queue(
        purpose="elections.term_end",
        to=to,
        subject=subject,
        body=body,
        target=mandate,
        language=AUTHORITATIVE,
    )


@transaction.atomic
def term_end_warnings_send(
    *, today: dt.date | None = None, site_url: str = ""
) -> list[TermEndWarning]:
    """Warn the Secretary General and the officers by e-mail, once per mandate and term end,
    that a term ends within the rule setting `elections.term_end_warning_days` (issue #11
    "Term ends are warned about ahead of time ... by e-mail"). Run daily (`warn_term_ends`);
    a term whose end is moved is warned again for its new end. Without any recipient
    nothing is recorded, so the warning goes once someone can receive it."""
    day = today or timezone.localdate()
    days = int(rule_value("elections.term_end_warning_days", day))
    to = _warning_recipients()
    if not to:
        return []
    warned = []
    for mandate in mandates_ending(today=day, days=days).select_for_update(of=("self",)):
        assert mandate.valid_to is not None  # mandates_ending filters on it
        if TermEndWarning.objects.filter(mandate=mandate, term_ends=mandate.valid_to).exists():
            continue
        _queue_warning(mandate, day, to, site_url)
        warning = TermEndWarning(
            mandate=mandate, term_ends=mandate.valid_to, sent_at=timezone.now()
        )
        save_audited(
            warning,
            actor=None,
            event="mandate.term_end_warned",
            fields=["mandate", "term_ends", "sent_at"],
            new={"term_ends": mandate.valid_to, "recipients": len(to)},
        )
        warned.append(warning)
    return warned
