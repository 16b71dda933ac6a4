"""Governance's reference data: the bodies, offices and mandates, the sessions, resolutions
and seats the sources name (data/ciss/, each row with its source). Registered with
core.reference_data from GovernanceConfig.ready; runs after the member registry's."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Mapping
from typing import Any

from django.core.management.base import CommandError

from secretariat.core import reference_data
from secretariat.core.languages import CONTENT_LANGUAGES
from secretariat.core.reference_data import (
    Loader,
    one_line,
    partial_date,
    squash,
    translated,
    with_note,
)
from secretariat.governance.models import (
    Body,
    Mandate,
    Office,
    Person,
    Resolution,
    Seat,
    Session,
)
from secretariat.members.models import Country, Source

# A session known only to the month or year starts on its first day at noon, local time.
SESSION_TIME_ZONE = "America/Mexico_City"
SESSION_HOUR = 12


def load_bodies(loader: Loader) -> dict[str, Body]:
    data = loader.read("bodies.yaml")
    result: dict[str, Body] = {}
    for row in data["bodies"]:
        parent_code = row.get("parent")
        if parent_code is not None and parent_code not in result:
            raise CommandError(
                f"bodies.yaml: {row['code']}: parent {parent_code!r} must come first"
            )
        if row["kind"] not in Body.Kind.values:
            raise CommandError(f"bodies.yaml: {row['code']}: unknown kind {row['kind']!r}")
        result[row["code"]] = loader.upsert(
            Body,
            {"code": row["code"]},
            {
                **translated("name", row.get("name")),
                **translated("description", squash(row.get("description"))),
                "kind": row["kind"],
                "parent_id": result[parent_code].pk if parent_code else None,
                "order": row.get("order", 0),
                "source": row["source"],
                "rules_profile": row.get("rules_profile", ""),
                "all_members_sit": bool(row.get("all_members_sit", False)),
            },
        )
    return result


def _load_offices(
    loader: Loader, rows: list[dict[str, Any]], bodies: Mapping[str, Body]
) -> dict[str, Office]:
    """The offices, with their electing body, places and re-election rule as the sources
    state them (null: unknown, left as the Secretariat set it)."""
    offices: dict[str, Office] = {}
    for row in rows:
        electing = row.get("electing_body")
        if electing is not None and electing not in bodies:
            raise CommandError(f"officers.yaml: {row['code']}: unknown body {electing!r}")
        if row.get("reelection_limit") is not None and not row.get("reelection_source"):
            raise CommandError(f"officers.yaml: {row['code']}: a re-election limit needs a source")
        offices[row["code"]] = loader.upsert(
            Office,
            {"code": row["code"]},
            {
                **translated("name", row.get("name")),
                "body_id": bodies[row["body"]].pk if row.get("body") else None,
                "term_years": row.get("term_years"),
                "electing_body_id": bodies[electing].pk if electing else None,
                "places": row.get("places"),
                "reelection_limit": row.get("reelection_limit"),
                "reelection_source": row.get("reelection_source") or None,
                "order": row.get("order", 0),
                "source": row["source"],
            },
        )
    return offices


def _load_people(loader: Loader, rows: list[dict[str, Any]]) -> dict[str, Person]:
    """The people who held the offices: a nationality only where a source states it."""
    countries = Country.objects.in_bulk(field_name="code")
    people: dict[str, Person] = {}
    for row in rows:
        if not row.get("source"):
            raise CommandError(f"officers.yaml: {row['slug']}: no source")
        nationality = None
        if row.get("nationality"):
            nationality = countries.get(row["nationality"])
            if nationality is None:
                raise CommandError(f"officers.yaml: {row['slug']}: unknown country")
        people[row["slug"]] = loader.upsert(
            Person,
            {"slug": row["slug"]},
            {
                "name": row["name"],
                "nationality_id": nationality.pk if nationality else None,
                "source": one_line(row["source"]),
            },
        )
    return people


def load_officers(loader: Loader, bodies: Mapping[str, Body]) -> dict[str, Office]:
    data = loader.read("officers.yaml")
    offices = _load_offices(loader, data["offices"], bodies)
    people = _load_people(loader, data.get("people") or [])
    for row in data["mandates"]:
        if not row.get("source"):
            raise CommandError(f"officers.yaml: {row['holder']}: no source")
        if row.get("person") and row["person"] not in people:
            raise CommandError(f"officers.yaml: {row['holder']}: unknown person {row['person']!r}")
        if row.get("how") and row["how"] not in Mandate.How.values:
            raise CommandError(f"officers.yaml: {row['holder']}: unknown how {row['how']!r}")
        start, start_precision = partial_date(row.get("valid_from"))
        end, end_precision = partial_date(row.get("valid_to"))
        loader.upsert(
            Mandate,
            {"office": offices[row["office"]], "holder": row["holder"]},
            {
                "person_id": people[row["person"]].pk if row.get("person") else None,
                "how": row.get("how") or None,
                "valid_from": start,
                "valid_from_precision": row.get("valid_from_precision") or start_precision,
                "valid_to": end,
                "valid_to_precision": row.get("valid_to_precision") or end_precision,
                "term_label": row.get("term_label") or None,
                "decision": row.get("decision") or None,
                "source": with_note(row["source"], row.get("note")),
            },
        )
    return offices


def _session_exclude(session: Session) -> list[str]:
    # A protected FSM state can't be re-set by full_clean(); what the source leaves unknown
    # for a reference session (who convened it, its languages) stays empty.
    return ["state"] + [name for name in ("convened_by", "languages") if not getattr(session, name)]


def load_sessions(loader: Loader, bodies: Mapping[str, Body]) -> None:
    """The sessions the sources name, closed, dated as precisely as the source is."""
    data = loader.read("sessions.yaml")
    countries = Country.objects.in_bulk(field_name="code")
    tz = zoneinfo.ZoneInfo(SESSION_TIME_ZONE)
    for row in data["sessions"]:
        label = f"sessions.yaml: {row['body']} {row['kind']} {row['number']}"
        if not row.get("source"):
            raise CommandError(f"{label}: no source")
        if row["body"] not in bodies:
            raise CommandError(f"{label}: unknown body")
        if row["kind"] not in Session.Kind.values:
            raise CommandError(f"{label}: unknown kind {row['kind']!r}")
        day, precision = partial_date(row.get("date"))
        if day is None:
            raise CommandError(f"{label}: a session needs at least its year")
        country = None
        if row.get("country"):
            country = countries.get(row["country"])
            if country is None:
                raise CommandError(f"{label}: unknown country {row['country']!r}")
        notes = row.get("notes") or {}
        notes_text = "\n\n".join(
            f"[{lang}] {one_line(notes[lang])}" for lang in CONTENT_LANGUAGES if notes.get(lang)
        )
        ordinary = row["kind"] == Session.Kind.ORDINARY
        loader.upsert(
            Session,
            {"body": bodies[row["body"]], "kind": row["kind"], "number": row["number"]},
            {
                **translated("title", row.get("title")),
                "starts_at": dt.datetime.combine(day, dt.time(SESSION_HOUR), tzinfo=tz),
                "date_precision": precision,
                "place": row.get("place") or None,
                "country_id": country.pk if country else None,
                "notes": notes_text or None,
                "source": one_line(row["source"]),
            },
            on_create={
                "state": Session.State.CLOSED,
                "origin": Source.REFERENCE,
                "time_zone": SESSION_TIME_ZONE,
                "languages": [],
                # Ordinary sessions are convened by the Statute; who convened an
                # extraordinary one is not stated: empty (unknown).
                "convened_by": Session.ConvenedBy.STATUTE if ordinary else "",
            },
            exclude=_session_exclude,
        )


def load_resolutions(loader: Loader) -> None:
    """The numbered resolutions the sources name; unknown titles and years stay empty."""
    data = loader.read("resolutions.yaml")
    for row in data["resolutions"]:
        label = f"resolutions.yaml: No. {row['number']}"
        if not row.get("source"):
            raise CommandError(f"{label}: no source")
        kind = row.get("kind") or Resolution.Kind.RESOLUTION
        if kind not in Resolution.Kind.values:
            raise CommandError(f"{label}: unknown kind {kind!r}")
        adopted, precision = partial_date(row.get("adopted"))
        loader.upsert(
            Resolution,
            {"number": row["number"]},
            {
                **translated("title", row.get("title")),
                "kind": kind,
                "adopted_on": adopted,
                "adopted_on_precision": precision,
                "source": one_line(row["source"]),
            },
            on_create={"origin": Source.REFERENCE},
        )


def load_seats(loader: Loader, bodies: Mapping[str, Body], offices: Mapping[str, Office]) -> None:
    """Seats of the bodies as the sources state them; unknown holders stay empty."""
    data = loader.read("seats.yaml")
    for row in data["seats"]:
        label = f"seats.yaml: {row['body']}: {row['title']}"
        if not row.get("source"):
            raise CommandError(f"{label}: no source")
        if row["body"] not in bodies:
            raise CommandError(f"{label}: unknown body")
        if row["capacity"] not in Seat.Capacity.values:
            raise CommandError(f"{label}: unknown capacity {row['capacity']!r}")
        office = None
        if row.get("office"):
            office = offices.get(row["office"])
            if office is None:
                raise CommandError(f"{label}: unknown office {row['office']!r}")
        for period in row["periods"]:
            start, _precision = partial_date(period["valid_from"])
            end, _precision = partial_date(period.get("valid_to"))
            loader.upsert(
                Seat,
                {"body": bodies[row["body"]], "title": row["title"], "valid_from": start},
                {
                    "capacity": row["capacity"],
                    "office_id": office.pk if office else None,
                    "holder": period.get("holder") or None,
                    "valid_to": end,
                    "order": row.get("order", 0),
                    "source": with_note(row["source"], period.get("note")),
                },
            )


def load(loader: Loader) -> None:
    bodies = load_bodies(loader)
    offices = load_officers(loader, bodies)
    load_sessions(loader, bodies)
    load_resolutions(loader)
    load_seats(loader, bodies, offices)


def register_loaders() -> None:
    reference_data.register("governance", load, order=20)
