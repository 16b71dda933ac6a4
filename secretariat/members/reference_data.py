"""The member registry's reference data: categories, sub-regions, countries, the member
institutions the sources name, and the requests pending in 2022 (data/ciss/, each row with
its source). Registered with core.reference_data from MembersConfig.ready."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.management.base import CommandError
from django.utils.text import slugify

from secretariat.core import reference_data
from secretariat.core.reference_data import Loader, one_line, partial_date, translated
from secretariat.members.models import (
    Category,
    Country,
    Institution,
    Membership,
    MembershipRequest,
    Source,
    SubRegion,
)
from secretariat.members.references import next_request_reference

ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5}


def institution_slug(*, name: str, acronym: str | None, country_code: str) -> str:
    return slugify(f"{acronym or name} {country_code}")[:110]


def load_categories(loader: Loader) -> dict[str, Category]:
    data = loader.read("categories.yaml")
    source = one_line(data["source"])
    result: dict[str, Category] = {}
    for row in data["categories"]:
        result[row["code"]] = loader.upsert(
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


def load_subregions(loader: Loader) -> dict[str, SubRegion]:
    data = loader.read("subregions.yaml")
    existence = one_line(data["source_existence"])
    result: dict[str, SubRegion] = {}
    roman_of = {number: roman for roman, number in ROMAN.items()}
    for row in data["subregions"]:
        source = one_line(row["source"]) if row.get("source") else existence
        result[roman_of[row["number"]]] = loader.upsert(
            SubRegion,
            {"number": row["number"]},
            {
                **translated("name", row.get("name")),
                **translated("description", row.get("description")),
                "source": source,
            },
        )
    return result


def load_countries(loader: Loader, subregions: Mapping[str, SubRegion]) -> dict[str, Country]:
    data = loader.read("countries.yaml")
    result: dict[str, Country] = {}
    for row in data["countries"]:
        roman = row.get("subregion")
        if roman is not None and roman not in subregions:
            raise CommandError(f"countries.yaml: {row['code']}: unknown sub-region {roman!r}")
        if roman is not None and not row.get("source"):
            raise CommandError(f"countries.yaml: {row['code']}: a sub-region needs its source")
        result[row["code"]] = loader.upsert(
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
    loader: Loader, countries: Mapping[str, Country], categories: Mapping[str, Category]
) -> list[Institution]:
    data = loader.read("institutions.yaml")
    result: list[Institution] = []
    for row in data["institutions"]:
        country = countries.get(row["country"])
        if country is None:
            raise CommandError(
                f"institutions.yaml: {row['name']}: unknown country {row['country']!r}"
            )
        if not row.get("source"):
            raise CommandError(f"institutions.yaml: {row['name']}: no source")
        institution = _institution(loader, row, country)
        _reference_membership(loader, institution, row, categories)
        result.append(institution)
    return result


def _institution(loader: Loader, row: Mapping[str, Any], country: Country) -> Institution:
    slug = institution_slug(name=row["name"], acronym=row.get("acronym"), country_code=country.code)
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
        if loader.apply(existing, values):
            loader.save(existing, created=False)
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
    loader.save(institution, created=True)
    return institution


def _reference_membership(
    loader: Loader,
    institution: Institution,
    row: Mapping[str, Any],
    categories: Mapping[str, Category],
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
        loader.save(membership, created=True)
        return
    # Update only the membership these files created; a membership the Secretariat has
    # since opened or closed is its record, not ours.
    ours = [m for m in memberships if m.source == row["source"]]
    if len(ours) == 1 and loader.apply(ours[0], values):
        loader.save(ours[0], created=False)


def load_pending_requests(
    loader: Loader, countries: Mapping[str, Country]
) -> list[MembershipRequest]:
    data = loader.read("pending_requests.yaml")
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
            # A protected FSM state can't be re-set by full_clean(); transitions guard it.
            loader.save(request, created=True, exclude=["state"])
        # The Secretariat takes it from here (its note may grow): nothing to update.
        result.append(request)
    return result


def load(loader: Loader) -> None:
    categories = load_categories(loader)
    subregions = load_subregions(loader)
    countries = load_countries(loader, subregions)
    load_institutions(loader, countries, categories)
    load_pending_requests(loader, countries)


def register_loaders() -> None:
    reference_data.register("members", load, order=10)
