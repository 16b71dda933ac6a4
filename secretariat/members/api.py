"""Members API (public read endpoints): the members in force, categories and countries.

Names come in the language of `?lang=` or, failing that, of the Accept-Language header
(Spanish by default, the authoritative language). Every list runs a fixed number of queries.
"""

# No "from __future__ import annotations": django-ninja reads the real annotations.
import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import translation
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import field_validator

from secretariat.core.api import (
    MAX_LIMIT,
    MAX_OFFSET,
    NO_NUL,
    Language,
    choose_language,
    in_language,
    page_url,
    responses,
)
from secretariat.core.validators import validate_no_bidi_controls
from secretariat.members.models import Country, Membership
from secretariat.members.selectors import registry as selectors

router = Router(tags=["members"])

# --- Schemas ---------------------------------------------------------------------------


class CountryRef(Schema):
    code: str
    name: str


class CategoryRef(Schema):
    code: str
    name: str
    has_vote: bool


class MemberOut(Schema):
    """A member in force: one institution with its current category."""

    id: int
    slug: str
    name: str
    acronym: str
    country: CountryRef
    subregion: int | None = Field(
        None, description="Sub-region number (1-5); null when not assigned."
    )
    category: CategoryRef | None = Field(
        None, description="Null when the category is not recorded."
    )
    member_since: dt.date | None = Field(None, description="Null when not known.")
    member_since_precision: Literal["day", "month", "year"]
    is_example: bool = Field(
        description="True for example (demo) institutions, which are not real members."
    )
    source: str
    url: str = Field(description="The member's public page.")

    @staticmethod
    def resolve_id(obj: Membership) -> int:
        return obj.institution_id

    @staticmethod
    def resolve_slug(obj: Membership) -> str:
        return obj.institution.slug

    @staticmethod
    def resolve_name(obj: Membership) -> str:
        return obj.institution.name

    @staticmethod
    def resolve_acronym(obj: Membership) -> str:
        return obj.institution.acronym

    @staticmethod
    def resolve_country(obj: Membership, context: dict[str, Any]) -> dict[str, str]:
        country = obj.institution.country
        with in_language(context["request"]):
            return {"code": country.code, "name": country.name}

    @staticmethod
    def resolve_subregion(obj: Membership) -> int | None:
        subregion = obj.institution.country.subregion
        return subregion.number if subregion is not None else None

    @staticmethod
    def resolve_category(obj: Membership, context: dict[str, Any]) -> dict[str, Any] | None:
        if obj.category is None:
            return None
        with in_language(context["request"]):
            return {
                "code": obj.category.code,
                "name": obj.category.name,
                "has_vote": obj.category.has_vote,
            }

    @staticmethod
    def resolve_member_since(obj: Membership) -> dt.date | None:
        # The start of the unbroken run, not of the category (directory_list annotates it).
        since: dt.date | None = obj.member_since
        return since

    @staticmethod
    def resolve_member_since_precision(obj: Membership) -> str:
        precision: str | None = obj.member_since_precision
        return precision or obj.valid_from_precision

    @staticmethod
    def resolve_is_example(obj: Membership) -> bool:
        return obj.institution.is_example

    @staticmethod
    def resolve_source(obj: Membership) -> str:
        return obj.source or obj.institution.source

    @staticmethod
    def resolve_url(obj: Membership, context: dict[str, Any]) -> str:
        return page_url(context["request"], "members:member-detail", "slug", obj.institution.slug)


class MemberFilters(Schema):
    q: str | None = Field(
        None, max_length=100, pattern=NO_NUL, description="Part of the name or acronym."
    )
    category: str | None = Field(
        None, max_length=20, pattern=NO_NUL, description='Category code, or "unknown".'
    )
    country: str | None = Field(None, max_length=2, pattern=NO_NUL, description="ISO 3166 code.")
    subregion: str | None = Field(
        None, max_length=7, pattern=NO_NUL, description='Sub-region number (1-5), or "unknown".'
    )
    as_of: dt.date | None = Field(
        None, description="Members in force on this date (YYYY-MM-DD); today by default."
    )
    lang: Language | None = Field(
        None, description="Language of the names; else Accept-Language; else es."
    )

    @field_validator("q")
    @classmethod
    def _no_bidi_controls(cls, value: str | None) -> str | None:
        """The rule of names and acronyms (core.validators): answered 422, in JSON."""
        if value is not None:
            try:
                validate_no_bidi_controls(value)
            except ValidationError as exc:
                raise ValueError(" ".join(exc.messages)) from exc
        return value


class CategoryOut(Schema):
    code: str
    name: str
    name_plural: str
    has_vote: bool
    has_voice: bool
    members: int = Field(
        description="Members in force in this category on the date asked (today by default)."
    )
    published_count: int | None = Field(
        None, description="The count published by the CISS, when recorded."
    )
    source: str


class CountryOut(Schema):
    code: str
    name: str
    subregion: int | None = Field(
        None, description="Sub-region number (1-5); null when not assigned."
    )


class MemberPagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(50, ge=1, le=MAX_LIMIT, description=f"At most {MAX_LIMIT}.")
        offset: int = Field(0, ge=0, le=MAX_OFFSET)


# --- Endpoints -------------------------------------------------------------------------


@router.get("/members", response=responses(list[MemberOut]), summary="Members in force")
@paginate(MemberPagination, max_limit=MAX_LIMIT)
def member_list(request: HttpRequest, filters: Query[MemberFilters]) -> Any:
    """Members in force on a date, filtered, ordered by name."""
    choose_language(request, filters.lang)
    return selectors.directory_list(
        q=filters.q or "",
        category=filters.category or "",
        country=filters.country or "",
        subregion=filters.subregion or "",
        as_of=filters.as_of,
    ).order_by("institution__name", "pk")


@router.get("/members/{slug}", response=responses(MemberOut), summary="One member in force")
def member_detail(
    request: HttpRequest,
    slug: Annotated[str, Path(max_length=200, pattern=r"^[-\w]+$")],
    as_of: dt.date | None = None,
    lang: Language | None = None,
) -> Any:
    choose_language(request, lang)
    return selectors.member_in_force(slug=slug, as_of=as_of)


@router.get(
    "/categories",
    response=responses(list[CategoryOut]),
    summary="Membership categories with their counts",
)
def category_list(
    request: HttpRequest, as_of: dt.date | None = None, lang: Language | None = None
) -> Any:
    with translation.override(choose_language(request, lang)):
        counts = selectors.directory_counts(on=as_of)
        return [
            {
                "code": row.code,
                "name": row.category.name,
                "name_plural": row.category.name_plural,
                "has_vote": row.category.has_vote,
                "has_voice": row.category.has_voice,
                "members": row.count,
                "published_count": row.category.published_count,
                "source": row.category.source,
            }
            for row in counts.by_category
            if row.category is not None
        ]


@router.get("/countries", response=responses(list[CountryOut]), summary="Countries and territories")
def country_list(request: HttpRequest, lang: Language | None = None) -> Any:
    with translation.override(choose_language(request, lang)):
        countries: list[Country] = list(selectors.country_list())
        return [
            {
                "code": c.code,
                "name": c.name,
                "subregion": c.subregion.number if c.subregion else None,
            }
            for c in countries
        ]
