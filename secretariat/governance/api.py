"""Governance API (public read endpoints): the resolutions register.

Titles and texts come in the language of `?lang=` or, failing that, of the Accept-Language
header, falling back to the authoritative Spanish text (`translation_pending` says so).
Every list runs a fixed number of queries.
"""

# No "from __future__ import annotations": django-ninja reads the real annotations.
import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from secretariat.core.api import (
    MAX_ID,
    MAX_LIMIT,
    MAX_OFFSET,
    MAX_YEAR,
    MIN_YEAR,
    NO_NUL,
    Language,
    choose_language,
    page_url,
    request_language,
    responses,
    translated,
)
from secretariat.governance.models import Resolution
from secretariat.governance.selectors.resolutions import (
    resolution_get_for_user,
    resolution_list_for_user,
    resolution_status,
    translation_pending,
)

router = Router(tags=["resolutions"])


class SessionRef(Schema):
    id: int
    title: str
    body: str = Field(description="Code of the body that held the session.")


class VoteRef(Schema):
    method: str
    yes: int | None
    no: int | None
    abstain: int | None
    majority: str = Field(description="Code of the majority required (e.g. simple, two_thirds).")
    carried: bool | None


class ResolutionOut(Schema):
    """A resolution of the continuing series, with its computed status."""

    number: int
    kind: Literal["resolution", "declaration", "recommendation"]
    title: str
    text: str
    translation_pending: bool = Field(
        description="True when the title or text is shown in Spanish for want of a translation."
    )
    adopted_on: dt.date | None = Field(None, description="Null when not known.")
    adopted_on_precision: Literal["day", "month", "year"]
    status: Literal["in_force", "amended", "repealed", "not_recorded"]
    session: SessionRef | None = None
    is_example: bool = Field(description="True for example (demo) records.")
    source: str
    url: str = Field(description="The resolution's public page (stable address).")

    @staticmethod
    def resolve_title(obj: Resolution, context: dict[str, Any]) -> str:
        return translated(obj, "title", request_language(context["request"]))

    @staticmethod
    def resolve_text(obj: Resolution, context: dict[str, Any]) -> str:
        return translated(obj, "text", request_language(context["request"]))

    @staticmethod
    def resolve_translation_pending(obj: Resolution, context: dict[str, Any]) -> bool:
        lang = request_language(context["request"])
        return translation_pending(obj, "title", lang) or translation_pending(obj, "text", lang)

    @staticmethod
    def resolve_status(obj: Resolution) -> str:
        return resolution_status(obj)

    @staticmethod
    def resolve_session(obj: Resolution, context: dict[str, Any]) -> dict[str, Any] | None:
        if obj.session is None:
            return None
        return {
            "id": obj.session.pk,
            "title": translated(obj.session, "title", request_language(context["request"])),
            "body": obj.session.body.code,
        }

    @staticmethod
    def resolve_is_example(obj: Resolution) -> bool:
        return obj.is_example

    @staticmethod
    def resolve_url(obj: Resolution, context: dict[str, Any]) -> str:
        return page_url(context["request"], "governance:resolution-detail", "number", obj.number)


class ResolutionDetailOut(ResolutionOut):
    vote: VoteRef | None = None
    amends: list[int] = Field(description="Numbers of the earlier resolutions it amends.")
    repeals: list[int] = Field(description="Numbers of the earlier resolutions it repeals.")
    amended_by: list[int]
    repealed_by: list[int]

    @staticmethod
    def resolve_vote(obj: Resolution) -> dict[str, Any] | None:
        vote = obj.vote
        if vote is None:
            return None
        return {
            "method": vote.method,
            "yes": vote.yes,
            "no": vote.no,
            "abstain": vote.abstain,
            "majority": vote.majority,
            "carried": vote.carried,
        }

    @staticmethod
    def resolve_amends(obj: Resolution) -> list[int]:
        return [r.number for r in obj.amends.all()]

    @staticmethod
    def resolve_repeals(obj: Resolution) -> list[int]:
        return [r.number for r in obj.repeals.all()]

    @staticmethod
    def resolve_amended_by(obj: Resolution) -> list[int]:
        return [r.number for r in obj.amended_by.all()]

    @staticmethod
    def resolve_repealed_by(obj: Resolution) -> list[int]:
        return [r.number for r in obj.repealed_by.all()]  # type: ignore[attr-defined]  # reverse M2M


class ResolutionFilters(Schema):
    q: str | None = Field(
        None,
        max_length=200,
        pattern=NO_NUL,
        description="A number (exact) or words of the title or text.",
    )
    kind: Literal["resolution", "declaration", "recommendation"] | None = None
    year_from: int | None = Field(None, ge=MIN_YEAR, le=MAX_YEAR)
    year_to: int | None = Field(None, ge=MIN_YEAR, le=MAX_YEAR)
    body: str | None = Field(None, max_length=60, pattern=NO_NUL, description="Code of the body.")
    lang: Language | None = Field(
        None, description="Language of titles and texts; else Accept-Language; else es."
    )


class ResolutionPagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(50, ge=1, le=MAX_LIMIT, description=f"At most {MAX_LIMIT}.")
        offset: int = Field(0, ge=0, le=MAX_OFFSET)


@router.get("/resolutions", response=responses(list[ResolutionOut]), summary="Resolutions")
@paginate(ResolutionPagination, max_limit=MAX_LIMIT)
def resolution_list(request: HttpRequest, filters: Query[ResolutionFilters]) -> Any:
    """The register, newest number first, with the status of each resolution."""
    lang = choose_language(request, filters.lang)
    return resolution_list_for_user(
        user=request.user,
        q=filters.q or "",
        kind=filters.kind or "",
        year_from=filters.year_from,
        year_to=filters.year_to,
        body=filters.body or "",
        language=lang,
    )


@router.get(
    "/resolutions/{number}",
    response=responses(ResolutionDetailOut),
    summary="One resolution by number",
)
def resolution_detail(
    request: HttpRequest,
    number: Annotated[int, Path(ge=1, le=MAX_ID)],
    lang: Language | None = None,
) -> Any:
    choose_language(request, lang)
    return resolution_get_for_user(user=request.user, number=number)
