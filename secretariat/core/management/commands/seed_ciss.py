"""Load the CISS reference data committed in data/ciss/ (see its README), idempotently.

Facts only, each with its source. Known values in the files win on every run; a value the
files leave null (unknown) never erases what the Secretariat has since entered. A record is
saved only when something differs, so a second run writes nothing: no history row, no
action-log row.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction
from django.utils.text import slugify

from secretariat.core.audit import record_action
from secretariat.governance.models import Body, Mandate, Office, Resolution, Seat, Session
from secretariat.members.models import (
    Category,
    Country,
    DatePrecision,
    Institution,
    Membership,
    MembershipRequest,
    Source,
    SubRegion,
)
from secretariat.members.references import next_request_reference

DATA_DIR = Path(settings.BASE_DIR) / "data" / "ciss"
LANGUAGES = [code for code, _name in settings.LANGUAGES]
ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5}
# A session known only to the month or year starts on its first day at noon, local time.
SESSION_TIME_ZONE = "America/Mexico_City"
SESSION_HOUR = 12

M = TypeVar("M", bound=models.Model)


def translated(field: str, values: Mapping[str, str | None] | None) -> dict[str, str | None]:
    """`{"es": "x", "en": "y"}` → `{"name_es": "x", "name_en": "y", ...}`; missing or empty → None.

    None means "no translation": modeltranslation then shows the Spanish value.
    """
    values = values or {}
    return {f"{field}_{lang}": (values.get(lang) or None) for lang in LANGUAGES}


def partial_date(value: Any) -> tuple[dt.date | None, str | None]:
    """ "2022" → (2022-01-01, year); "2022-05" → (2022-05-01, month); a full date → (date, day)."""
    if value is None or value == "":
        return None, None
    if isinstance(value, dt.date):
        return value, DatePrecision.DAY
    text = str(value)
    parts = text.split("-")
    try:
        if len(parts) == 1:
            return dt.date(int(parts[0]), 1, 1), DatePrecision.YEAR
        if len(parts) == 2:
            return dt.date(int(parts[0]), int(parts[1]), 1), DatePrecision.MONTH
        return dt.date.fromisoformat(text), DatePrecision.DAY
    except ValueError as exc:
        raise CommandError(f"Not a date: {value!r}") from exc


def with_note(source: str, note: str | None) -> str:
    return f"{source}. {note}" if note else source


def institution_slug(*, name: str, acronym: str | None, country_code: str) -> str:
    return slugify(f"{acronym or name} {country_code}")[:110]


@dataclass
class Tally:
    created: int = 0
    updated: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


class Loader:
    """Creates or updates records from the files, counting what it wrote."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.tally = Tally()

    def read(self, name: str) -> dict[str, Any]:
        path = self.data_dir / name
        if not path.exists():
            raise CommandError(f"Missing reference file: {path}")
        with path.open(encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
        if not isinstance(data, dict):
            raise CommandError(f"{path}: expected a mapping at the top level")
        return data

    def save(self, obj: models.Model, *, created: bool) -> None:
        # A protected FSM state can't be re-set by full_clean(); transitions guard it anyway.
        exclude = ["state"] if isinstance(obj, MembershipRequest | Session) else []
        if isinstance(obj, Session):
            # Unknown for a reference session (who convened it, its languages): left empty.
            exclude += [name for name in ("convened_by", "languages") if not getattr(obj, name)]
        obj.full_clean(exclude=exclude or None)
        obj.save()
        if created:
            self.tally.created += 1
        else:
            self.tally.updated += 1

    def apply(self, obj: models.Model, values: Mapping[str, Any]) -> bool:
        """Set the known (non-None) values that differ; True when something changed."""
        changed = False
        for name, value in values.items():
            if value is None:
                continue  # unknown in the files: keep whatever the record holds
            if getattr(obj, name) != value:
                setattr(obj, name, value)
                changed = True
        return changed

    def upsert(
        self,
        model: type[M],
        lookup: Mapping[str, Any],
        values: Mapping[str, Any],
        *,
        on_create: Mapping[str, Any] | None = None,
    ) -> M:
        """The record matching `lookup`, created or brought up to date with `values`.

        `on_create` values are written only when the record is new (e.g. a note about an
        unknown the Secretariat will replace).
        """
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            fields = {k: v for k, v in {**(on_create or {}), **values}.items() if v is not None}
            for name, value in (on_create or {}).items():
                if fields.get(name) is None and value is not None:
                    fields[name] = value
            obj = model(**lookup, **fields)
            self.save(obj, created=True)
        elif self.apply(obj, values):
            self.save(obj, created=False)
        return obj

    # --- members -------------------------------------------------------------------------

    def load_categories(self) -> dict[str, Category]:
        data = self.read("categories.yaml")
        source = " ".join(str(data["source"]).split())
        result: dict[str, Category] = {}
        for row in data["categories"]:
            result[row["code"]] = self.upsert(
                Category,
                {"code": row["code"]},
                {
                    **translated("name", row.get("name")),
                    **translated("name_plural", row.get("name_plural")),
                    **translated("description", row.get("description")),
                    "has_vote": bool(row["has_vote"]),
                    "has_voice": bool(row.get("has_voice", True)),
                    "order": row["order"],
                    "published_count": row.get("published_count"),
                    "source": source,
                },
            )
        return result

    def load_subregions(self) -> dict[str, SubRegion]:
        data = self.read("subregions.yaml")
        existence = " ".join(str(data["source_existence"]).split())
        result: dict[str, SubRegion] = {}
        roman_of = {number: roman for roman, number in ROMAN.items()}
        for row in data["subregions"]:
            source = " ".join(str(row["source"]).split()) if row.get("source") else existence
            result[roman_of[row["number"]]] = self.upsert(
                SubRegion,
                {"number": row["number"]},
                {
                    **translated("name", row.get("name")),
                    **translated("description", row.get("description")),
                    "source": source,
                },
            )
        return result

    def load_countries(self, subregions: Mapping[str, SubRegion]) -> dict[str, Country]:
        data = self.read("countries.yaml")
        result: dict[str, Country] = {}
        for row in data["countries"]:
            roman = row.get("subregion")
            if roman is not None and roman not in subregions:
                raise CommandError(f"countries.yaml: {row['code']}: unknown sub-region {roman!r}")
            if roman is not None and not row.get("source"):
                raise CommandError(f"countries.yaml: {row['code']}: a sub-region needs its source")
            result[row["code"]] = self.upsert(
                Country,
                {"code": row["code"]},
                {
                    **translated("name", row.get("name")),
                    "subregion_id": subregions[roman].pk if roman else None,
                    "subregion_source": row.get("source") if roman else None,
                },
                # Why the sub-region is empty, until the Secretariat assigns one.
                on_create={"subregion_source": row["note"]} if row.get("note") else None,
            )
        return result

    def load_institutions(
        self, countries: Mapping[str, Country], categories: Mapping[str, Category]
    ) -> list[Institution]:
        data = self.read("institutions.yaml")
        result: list[Institution] = []
        for row in data["institutions"]:
            country = countries.get(row["country"])
            if country is None:
                raise CommandError(
                    f"institutions.yaml: {row['name']}: unknown country {row['country']!r}"
                )
            if not row.get("source"):
                raise CommandError(f"institutions.yaml: {row['name']}: no source")
            institution = self._institution(row, country)
            self._reference_membership(institution, row, categories)
            result.append(institution)
        return result

    def _institution(self, row: Mapping[str, Any], country: Country) -> Institution:
        slug = institution_slug(
            name=row["name"], acronym=row.get("acronym"), country_code=country.code
        )
        existing = (
            Institution.objects.filter(slug=slug, country=country).first()
            or Institution.objects.filter(
                name=row["name"], country=country, origin=Source.REFERENCE
            ).first()
        )
        values = {
            "name": row["name"],
            "acronym": row.get("acronym") or None,
            "country_id": country.pk,
            "source": row["source"],
        }
        if existing is not None:
            if self.apply(existing, values):
                self.save(existing, created=False)
            return existing
        unique = slug
        suffix = 2
        while Institution.objects.filter(slug=unique).exists():
            unique = f"{slug}-{suffix}"
            suffix += 1
        institution = Institution(
            slug=unique,
            origin=Source.REFERENCE,
            **{k: v for k, v in values.items() if v is not None},
        )
        self.save(institution, created=True)
        return institution

    def _reference_membership(
        self, institution: Institution, row: Mapping[str, Any], categories: Mapping[str, Category]
    ) -> None:
        code = row.get("category")
        if code is not None and code not in categories:
            raise CommandError(f"institutions.yaml: {row['name']}: unknown category {code!r}")
        since, precision = partial_date(row.get("member_since"))
        values = {
            "category_id": categories[code].pk if code else None,
            "valid_from": since,
            "valid_from_precision": precision,
            "source": row["source"],
        }
        memberships = list(institution.memberships.all())
        if not memberships:
            membership = Membership(
                institution=institution, **{k: v for k, v in values.items() if v is not None}
            )
            self.save(membership, created=True)
            return
        # Update only the membership these files created; a membership the Secretariat has
        # since opened or closed is its record, not ours.
        ours = [m for m in memberships if m.source == row["source"]]
        if len(ours) == 1 and self.apply(ours[0], values):
            self.save(ours[0], created=False)

    def load_pending_requests(self, countries: Mapping[str, Country]) -> list[MembershipRequest]:
        data = self.read("pending_requests.yaml")
        result: list[MembershipRequest] = []
        for row in data["requests"]:
            country = countries[row["country"]]
            note = f"{row['note']} Source: {row['source']}."
            request = MembershipRequest.objects.filter(
                applicant_name=row["applicant_name"], applicant_country=country, kind=row["kind"]
            ).first()
            if request is None:
                request = MembershipRequest(
                    reference=next_request_reference(year=int(row["year"])),
                    kind=row["kind"],
                    channel=MembershipRequest.Channel.SECRETARIAT,
                    applicant_name=row["applicant_name"],
                    applicant_country=country,
                    note=note,
                )
                self.save(request, created=True)
            # The Secretariat takes it from here (its note may grow): nothing to update.
            result.append(request)
        return result

    # --- governance ----------------------------------------------------------------------

    def load_bodies(self) -> dict[str, Body]:
        data = self.read("bodies.yaml")
        result: dict[str, Body] = {}
        for row in data["bodies"]:
            parent_code = row.get("parent")
            if parent_code is not None and parent_code not in result:
                raise CommandError(
                    f"bodies.yaml: {row['code']}: parent {parent_code!r} must come first"
                )
            if row["kind"] not in Body.Kind.values:
                raise CommandError(f"bodies.yaml: {row['code']}: unknown kind {row['kind']!r}")
            result[row["code"]] = self.upsert(
                Body,
                {"code": row["code"]},
                {
                    **translated("name", row.get("name")),
                    **translated("description", _squash(row.get("description"))),
                    "kind": row["kind"],
                    "parent_id": result[parent_code].pk if parent_code else None,
                    "order": row.get("order", 0),
                    "source": row["source"],
                    "rules_profile": row.get("rules_profile", ""),
                    "all_members_sit": bool(row.get("all_members_sit", False)),
                },
            )
        return result

    def load_officers(self, bodies: Mapping[str, Body]) -> tuple[dict[str, Office], list[Mandate]]:
        data = self.read("officers.yaml")
        offices: dict[str, Office] = {}
        for row in data["offices"]:
            offices[row["code"]] = self.upsert(
                Office,
                {"code": row["code"]},
                {
                    **translated("name", row.get("name")),
                    "body_id": bodies[row["body"]].pk if row.get("body") else None,
                    "term_years": row.get("term_years"),
                    "order": row.get("order", 0),
                    "source": row["source"],
                },
            )
        mandates: list[Mandate] = []
        for row in data["mandates"]:
            if not row.get("source"):
                raise CommandError(f"officers.yaml: {row['holder']}: no source")
            start, start_precision = partial_date(row.get("valid_from"))
            end, end_precision = partial_date(row.get("valid_to"))
            mandates.append(
                self.upsert(
                    Mandate,
                    {"office": offices[row["office"]], "holder": row["holder"]},
                    {
                        "valid_from": start,
                        "valid_from_precision": row.get("valid_from_precision") or start_precision,
                        "valid_to": end,
                        "valid_to_precision": row.get("valid_to_precision") or end_precision,
                        "term_label": row.get("term_label") or None,
                        "decision": row.get("decision") or None,
                        "source": with_note(row["source"], row.get("note")),
                    },
                )
            )
        return offices, mandates

    # --- sessions, resolutions, seats ----------------------------------------------------

    def load_sessions(
        self, bodies: Mapping[str, Body], countries: Mapping[str, Country]
    ) -> list[Session]:
        """The sessions the sources name, closed, dated as precisely as the source is."""
        data = self.read("sessions.yaml")
        tz = zoneinfo.ZoneInfo(SESSION_TIME_ZONE)
        result: list[Session] = []
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
                f"[{lang}] {' '.join(str(notes[lang]).split())}"
                for lang in LANGUAGES
                if notes.get(lang)
            )
            ordinary = row["kind"] == Session.Kind.ORDINARY
            result.append(
                self.upsert(
                    Session,
                    {"body": bodies[row["body"]], "kind": row["kind"], "number": row["number"]},
                    {
                        **translated("title", row.get("title")),
                        "starts_at": dt.datetime.combine(day, dt.time(SESSION_HOUR), tzinfo=tz),
                        "date_precision": precision,
                        "place": row.get("place") or None,
                        "country_id": country.pk if country else None,
                        "notes": notes_text or None,
                        "source": " ".join(str(row["source"]).split()),
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
                )
            )
        return result

    def load_resolutions(self) -> list[Resolution]:
        """The numbered resolutions the sources name; unknown titles and years stay empty."""
        data = self.read("resolutions.yaml")
        result: list[Resolution] = []
        for row in data["resolutions"]:
            label = f"resolutions.yaml: No. {row['number']}"
            if not row.get("source"):
                raise CommandError(f"{label}: no source")
            kind = row.get("kind") or Resolution.Kind.RESOLUTION
            if kind not in Resolution.Kind.values:
                raise CommandError(f"{label}: unknown kind {kind!r}")
            adopted, precision = partial_date(row.get("adopted"))
            result.append(
                self.upsert(
                    Resolution,
                    {"number": row["number"]},
                    {
                        **translated("title", row.get("title")),
                        "kind": kind,
                        "adopted_on": adopted,
                        "adopted_on_precision": precision,
                        "source": " ".join(str(row["source"]).split()),
                    },
                    on_create={"origin": Source.REFERENCE},
                )
            )
        return result

    def load_seats(self, bodies: Mapping[str, Body], offices: Mapping[str, Office]) -> list[Seat]:
        """Seats of the bodies as the sources state them; unknown holders stay empty."""
        data = self.read("seats.yaml")
        result: list[Seat] = []
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
                result.append(
                    self.upsert(
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
                )
        return result


def _squash(values: Mapping[str, str] | None) -> dict[str, str] | None:
    """Folded YAML text keeps a trailing newline and may wrap: one clean line per language."""
    if not values:
        return None
    return {lang: " ".join(str(text).split()) for lang, text in values.items() if text}


def load_all(data_dir: Path = DATA_DIR) -> Tally:
    """Load every file of `data_dir` in one transaction; one action-log row if anything changed."""
    loader = Loader(data_dir)
    with transaction.atomic():
        categories = loader.load_categories()
        subregions = loader.load_subregions()
        countries = loader.load_countries(subregions)
        loader.load_institutions(countries, categories)
        loader.load_pending_requests(countries)
        bodies = loader.load_bodies()
        offices, _mandates = loader.load_officers(bodies)
        loader.load_sessions(bodies, countries)
        loader.load_resolutions()
        loader.load_seats(bodies, offices)
        if loader.tally.changed:
            record_action(
                actor=None,
                event="seed.ciss_loaded",
                target=categories["full"],
                new={"created": loader.tally.created, "updated": loader.tally.updated},
                reason="seed_ciss",
            )
    return loader.tally


class Command(BaseCommand):
    help = "Load the CISS reference data (data/ciss/*.yaml): facts only, each with its source."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data-dir", type=Path, default=DATA_DIR, help="Folder of the YAML files."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        tally = load_all(options["data_dir"])
        if tally.changed:
            self.stdout.write(
                self.style.SUCCESS(
                    f"CISS reference data: {tally.created} created, {tally.updated} updated."
                )
            )
        else:
            self.stdout.write("CISS reference data: already up to date, nothing changed.")
