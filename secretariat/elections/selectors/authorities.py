"""Reads of the authorities: who held each office on a date, the history of each office,
a person's mandates, the terms about to end and the vacancies (the dashboard).

Public: anyone sees the authorities and the people (elections.view_authorities); changing
them needs elections.manage_authorities (the Secretary General and the officers).

Vacancies (issue #11 "A vacancy is shown as a vacancy"; the places are Office.places): on a
date, an office with fewer holders than places shows the missing places as vacant when
something is held or the date falls in a gap of its recorded succession (a mandate ended on
or before it and another starts after it); an office with no holder and no such gap shows
"not recorded": nothing is known, so nothing is claimed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db.models import QuerySet
from django.utils import timezone

from secretariat.core.access import can, get_for_user_or_404, permission_for
from secretariat.core.languages import AUTHORITATIVE, content_language
from secretariat.core.selectors.rule_settings import rule_value
from secretariat.governance.models import Body, Mandate, Office, Person, Resolution, Session
from secretariat.members.models import Country, DatePrecision

VIEW = "elections.view_authorities"
MANAGE = "elections.manage_authorities"
# Past holders shown under each office; the rest are on each person's page.
PAST_SHOWN = 10

AuthorityAction = Literal["view", "manage"]
AUTHORITY_ACTIONS: dict[str, str | None] = {"view": VIEW, "manage": MANAGE}


@dataclass(frozen=True)
class PartialDate:
    """A date known to the day, the month or the year."""

    day: dt.date
    precision: str


def starts_of(mandate: Mandate) -> PartialDate | None:
    if mandate.valid_from is None:
        return None
    return PartialDate(mandate.valid_from, mandate.valid_from_precision)


def last_day_of(mandate: Mandate) -> PartialDate | None:
    """The last day (month, year) in office: `valid_to` is exclusive, so a term "until 2026"
    known to the year ends in 2025, one until 1 March 2026 ends on 28 February."""
    end, precision = mandate.valid_to, mandate.valid_to_precision
    if end is None:
        return None
    if precision == DatePrecision.YEAR:
        return PartialDate(dt.date(end.year - 1, 1, 1), precision)
    if precision == DatePrecision.MONTH:
        previous = end.replace(day=1) - dt.timedelta(days=1)
        return PartialDate(previous.replace(day=1), precision)
    return PartialDate(end - dt.timedelta(days=1), DatePrecision.DAY)


def biography_of(person: Person | None, language: str) -> tuple[str, bool]:
    """The person's short biography in `language`, else in Spanish; True when it is the
    Spanish text shown in place of a missing translation."""
    if person is None:
        return "", False
    text = getattr(person, f"biography_{language}", "") or ""
    if text or language == AUTHORITATIVE:
        return text, False
    spanish = getattr(person, f"biography_{AUTHORITATIVE}", "") or ""
    return spanish, bool(spanish)


@dataclass(frozen=True)
class HolderRow:
    """One mandate as the pages show it."""

    mandate: Mandate
    office: Office
    person: Person | None
    name: str
    starts: PartialDate | None
    last: PartialDate | None
    how: str
    biography: str
    biography_in_spanish: bool


def holder_row(mandate: Mandate, language: str) -> HolderRow:
    text, in_spanish = biography_of(mandate.person, language)
    return HolderRow(
        mandate=mandate,
        office=mandate.office,
        person=mandate.person,
        name=mandate.person.name if mandate.person is not None else mandate.holder,
        starts=starts_of(mandate),
        last=last_day_of(mandate),
        how=str(mandate.get_how_display()) if mandate.how else "",
        biography=text,
        biography_in_spanish=in_spanish,
    )


@dataclass(frozen=True)
class OfficeRow:
    """An office on a date: its holders, its vacant places, those not yet begun, and the
    latest of its past holders."""

    office: Office
    holders: list[HolderRow]
    vacant: int
    not_recorded: bool
    upcoming: list[HolderRow]
    past: list[HolderRow]
    past_more: int
    vacancies: list[int] = field(default_factory=list)

    @property
    def has_gap(self) -> bool:
        return bool(self.vacant or self.not_recorded)


def _vacancy(
    office: Office, holders: int, ended_before: bool, starts_after: bool
) -> tuple[int, bool]:
    """(vacant places, not recorded) — see the module docstring."""
    missing = max(office.places - holders, 0)
    if not missing:
        return 0, False
    if holders or (ended_before and starts_after):
        return missing, False
    return 0, True


def office_row(office: Office, mandates: list[Mandate], day: dt.date, language: str) -> OfficeRow:
    """The office's row from all its mandates (already read, newest first)."""
    holders, upcoming, past = [], [], []
    for mandate in mandates:
        if mandate.is_active_on(day):
            holders.append(mandate)
        elif mandate.valid_from is not None and mandate.valid_from > day:
            upcoming.append(mandate)
        else:
            past.append(mandate)
    holders.sort(key=lambda m: (m.valid_from or dt.date.min, m.pk))
    upcoming.sort(key=lambda m: (m.valid_from or dt.date.min, m.pk))
    vacant, not_recorded = _vacancy(office, len(holders), bool(past), bool(upcoming))
    return OfficeRow(
        office=office,
        holders=[holder_row(m, language) for m in holders],
        vacant=vacant,
        not_recorded=not_recorded,
        upcoming=[holder_row(m, language) for m in upcoming],
        past=[holder_row(m, language) for m in past[:PAST_SHOWN]],
        past_more=max(len(past) - PAST_SHOWN, 0),
        vacancies=list(range(vacant)),
    )


def _mandates() -> QuerySet[Mandate]:
    return Mandate.objects.select_related("office", "person", "session", "resolution").order_by(
        "-valid_from", "-pk"
    )


@dataclass(frozen=True)
class AuthoritiesPage:
    day: dt.date
    today: dt.date
    offices: list[OfficeRow]
    can_manage: bool


def office_rows(*, day: dt.date, language: str | None = None) -> list[OfficeRow]:
    """Every office, in order, on the date (2 queries: the offices, every mandate)."""
    lang = content_language(language)
    offices = list(Office.objects.select_related("electing_body").order_by("order", "name", "pk"))
    by_office: dict[int, list[Mandate]] = {o.pk: [] for o in offices}
    for mandate in _mandates():
        by_office.setdefault(mandate.office_id, []).append(mandate)
    return [office_row(o, by_office[o.pk], day, lang) for o in offices]


def authorities_page(*, user: Any, day: dt.date | None = None) -> AuthoritiesPage:
    """The public Authorities page on a date (default today): each office with its holders,
    its vacancies, what has not begun and its past holders. Queries: 2, whatever the data."""
    today = timezone.localdate()
    return AuthoritiesPage(
        day=day or today,
        today=today,
        offices=office_rows(day=day or today),
        can_manage=can(user, MANAGE),
    )


# --- People -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonPage:
    person: Person
    biography: str
    biography_in_spanish: bool
    mandates: list[HolderRow]
    can_manage: bool


def person_get_for_user(*, user: Any, slug: str, action: AuthorityAction = "view") -> Person:
    """A person by their address, with their nationality; Http404 if unknown. People are
    public; correcting one needs elections.manage_authorities (403)."""
    return get_for_user_or_404(
        Person.objects.select_related("nationality"),
        user=user,
        perm=permission_for(AUTHORITY_ACTIONS, action),
        public=True,
        slug=slug,
    )


def person_page(*, user: Any, person: Person) -> PersonPage:
    """A person's page: their biography in the reader's language and every mandate, latest
    first (1 query for the mandates, with their offices, sessions and resolutions)."""
    lang = content_language()
    rows = [
        holder_row(m, lang)
        for m in _mandates().filter(person=person).order_by("-valid_from", "office__order", "-pk")
    ]
    text, in_spanish = biography_of(person, lang)
    return PersonPage(
        person=person,
        biography=text,
        biography_in_spanish=in_spanish,
        mandates=rows,
        can_manage=can(user, MANAGE),
    )


# --- Staff: the objects the forms change ---------------------------------------------------------


def office_get_for_user(*, user: Any, code: str, action: AuthorityAction = "view") -> Office:
    """An office by its code, with its electing body; Http404 if unknown, 403 for an action
    the user may not take (offices are public)."""
    return get_for_user_or_404(
        Office.objects.select_related("electing_body"),
        user=user,
        perm=permission_for(AUTHORITY_ACTIONS, action),
        public=True,
        code=code,
    )


def mandate_get_for_user(*, user: Any, pk: int, action: AuthorityAction = "view") -> Mandate:
    """A mandate with its office, person, session and resolution; Http404 if unknown, 403 for
    an action the user may not take (mandates are public, on the Authorities page)."""
    return get_for_user_or_404(
        Mandate.objects.select_related("office", "person", "session", "resolution"),
        user=user,
        perm=permission_for(AUTHORITY_ACTIONS, action),
        public=True,
        pk=pk,
    )


def office_choices() -> QuerySet[Office]:
    return Office.objects.order_by("order", "name", "pk")


def person_choices() -> QuerySet[Person]:
    return Person.objects.order_by("name", "pk")


def electing_body_choices() -> QuerySet[Body]:
    """The bodies that meet (those with a rules profile): only they elect."""
    return Body.objects.exclude(rules_profile="").order_by("order", "name", "pk")


def session_choices() -> QuerySet[Session]:
    return Session.objects.select_related("body").order_by("-starts_at", "pk")


def resolution_choices() -> QuerySet[Resolution]:
    return Resolution.objects.order_by("-number")


def nationality_choices() -> QuerySet[Country]:
    return Country.objects.order_by("name", "code")


# --- The dashboard: terms ending and vacancies ---------------------------------------------------


@dataclass(frozen=True)
class TermEnding:
    row: HolderRow
    ends: dt.date
    days_left: int


@dataclass(frozen=True)
class TermEndsPanel:
    today: dt.date
    warning_days: int
    ending: list[TermEnding]
    gaps: list[OfficeRow]


def mandates_ending(*, today: dt.date, days: int) -> QuerySet[Mandate]:
    """Mandates whose last day falls within `days` from today (valid_to in (today, today +
    days]) — the rule setting `elections.term_end_warning_days`."""
    return (
        Mandate.objects.filter(valid_to__gt=today, valid_to__lte=today + dt.timedelta(days=days))
        .select_related("office", "person", "session", "resolution")
        .order_by("valid_to", "office__order", "pk")
    )


def term_ends_panel(*, today: dt.date | None = None) -> TermEndsPanel:
    """Staff dashboard: terms ending within the warning period and the offices with a vacancy
    or nothing recorded today (4 queries: the rule, the mandates ending, offices, mandates)."""
    day = today or timezone.localdate()
    days = int(rule_value("elections.term_end_warning_days", day))
    lang = content_language()
    ending = [
        TermEnding(row=holder_row(m, lang), ends=m.valid_to, days_left=(m.valid_to - day).days)
        for m in mandates_ending(today=day, days=days)
        if m.valid_to is not None
    ]
    gaps = [row for row in office_rows(day=day, language=lang) if row.has_gap]
    return TermEndsPanel(today=day, warning_days=days, ending=ending, gaps=gaps)
