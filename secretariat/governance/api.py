"""Governance API (public read endpoints): the resolutions register.

Titles and texts come in the language of `?lang=` or, failing that, of the Accept-Language
header, falling back to the authoritative Spanish text (`translation_pending` says so).
Every list runs a fixed number of queries.
"""

# No "from __future__ import annotations": django-ninja reads the real annotations.
import datetime as dt
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from secretariat.governance.models import Resolution
from secretariat.governance.selectors import records

router = Router(tags=["resolutions"])

Language = Literal["es", "en", "pt", "fr"]
MAX_LIMIT = 500


def _choose_language(request: HttpRequest, lang: str | None) -> str:
    chosen = lang or (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if chosen not in records.CONTENT_LANGUAGES:
        chosen = settings.LANGUAGE_CODE
    request.api_language = chosen  # type: ignore[attr-defined]  # read by the schema resolvers
    return chosen


def _language(request: HttpRequest) -> str:
    return getattr(request, "api_language", None) or settings.LANGUAGE_CODE


def _translated(obj: Any, field: str, lang: str) -> str:
    own = (getattr(obj, f"{field}_{lang}", "") or "").strip()
    return own or (getattr(obj, f"{field}_es", "") or "")


def _page_url(request: HttpRequest, number: int) -> str:
    template = getattr(request, "_resolution_url_template", None)
    if template is None:
        with translation.override(_language(request)):
            path = reverse("governance:resolution-detail", kwargs={"number": 999999999})
        template = request.build_absolute_uri(path)
        request._resolution_url_template = template  # type: ignore[attr-defined]  # per request
    return template.replace("999999999", str(number))


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
        return _translated(obj, "title", _language(context["request"]))

    @staticmethod
    def resolve_text(obj: Resolution, context: dict[str, Any]) -> str:
        return _translated(obj, "text", _language(context["request"]))

    @staticmethod
    def resolve_translation_pending(obj: Resolution, context: dict[str, Any]) -> bool:
        lang = _language(context["request"])
        return records.translation_pending(obj, "title", lang) or records.translation_pending(
            obj, "text", lang
        )

    @staticmethod
    def resolve_status(obj: Resolution) -> str:
        return records.resolution_status(obj)

    @staticmethod
    def resolve_session(obj: Resolution, context: dict[str, Any]) -> dict[str, Any] | None:
        if obj.session is None:
            return None
        return {
            "id": obj.session.pk,
            "title": _translated(obj.session, "title", _language(context["request"])),
            "body": obj.session.body.code,
        }

    @staticmethod
    def resolve_is_example(obj: Resolution) -> bool:
        return obj.is_example

    @staticmethod
    def resolve_url(obj: Resolution, context: dict[str, Any]) -> str:
        return _page_url(context["request"], obj.number)


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
        None, max_length=200, description="A number (exact) or words of the title or text."
    )
    kind: Literal["resolution", "declaration", "recommendation"] | None = None
    year_from: int | None = Field(None, ge=1942)
    year_to: int | None = Field(None, ge=1942)
    body: str | None = Field(None, max_length=60, description="Code of the body.")
    lang: Language | None = Field(
        None, description="Language of titles and texts; else Accept-Language; else es."
    )


class ResolutionPagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(50, ge=1, le=MAX_LIMIT, description=f"At most {MAX_LIMIT}.")
        offset: int = Field(0, ge=0)


@router.get("/resolutions", response=list[ResolutionOut], summary="Resolutions")
@paginate(ResolutionPagination, max_limit=MAX_LIMIT)
def resolution_list(request: HttpRequest, filters: Query[ResolutionFilters]) -> Any:
    """The register, newest number first, with the status of each resolution."""
    lang = _choose_language(request, filters.lang)
    return records.resolution_list(
        q=filters.q or "",
        kind=filters.kind or "",
        year_from=filters.year_from,
        year_to=filters.year_to,
        body=filters.body or "",
        language=lang,
    )


@router.get(
    "/resolutions/{number}", response=ResolutionDetailOut, summary="One resolution by number"
)
def resolution_detail(request: HttpRequest, number: int, lang: Language | None = None) -> Any:
    _choose_language(request, lang)
    return records.resolution_get(number=number)
