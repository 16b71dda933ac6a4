"""Reads of the resolutions register: public list and pages, the series, the adopt form.

Resolutions are public: the list (search, filters) and one resolution by its number, with
its adoption (session, agenda item, vote) and the later resolutions that amend or repeal it.
Its status is computed, never stored: repealed if a later resolution repeals it, amended if
one amends it, else in force (shared/domain.md, "Documents and identity").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import Exists, Max, OuterRef, Prefetch, Q, QuerySet

from secretariat.core.access import can, get_for_user_or_404, list_for_user, permission_for
from secretariat.core.languages import CONTENT_LANGUAGES, content_language
from secretariat.core.models import ActionLog
from secretariat.core.selectors.action_log import record_history
from secretariat.governance.body_rules import majority_label
from secretariat.governance.models import Body, Motion, Resolution, ResolutionSeries, Vote

MANAGE = "governance.manage_resolutions"

# Sort keys the resolution list accepts (secretariat.core.tables.sort_from_request).
RESOLUTION_SORTS: dict[str, str] = {
    "number": "number",
    "adopted": "adopted_on",
    "kind": "kind",
}

ResolutionAction = Literal["view", "manage"]
# "view": anyone (the register is public); "manage": the Secretariat, 403 to others.
RESOLUTION_ACTIONS: dict[str, str | None] = {"view": None, "manage": MANAGE}


class ResolutionStatus:
    IN_FORCE = "in_force"
    AMENDED = "amended"
    REPEALED = "repealed"
    # Entered from earlier records (no session in the register): what became of it later is
    # not known to the register unless a later resolution is linked to it.
    NOT_RECORDED = "not_recorded"


def _with_status(qs: QuerySet[Resolution]) -> QuerySet[Resolution]:
    """Annotate `is_repealed` / `is_amended` (two EXISTS sub-queries, no extra round trip)."""
    repeals = Resolution.objects.filter(repeals=OuterRef("pk"))
    amends = Resolution.objects.filter(amends=OuterRef("pk"))
    return qs.annotate(is_repealed=Exists(repeals), is_amended=Exists(amends))


def resolution_status(resolution: Resolution) -> str:
    """In force, amended or repealed: from the annotations when present, else from the links.
    A resolution entered from earlier records, with no later one linked, is "not recorded":
    the register cannot say it is still in force."""
    repealed = getattr(resolution, "is_repealed", None)
    amended = getattr(resolution, "is_amended", None)
    if repealed is None:
        repealed = Resolution.objects.filter(repeals=resolution).exists()
    if amended is None:
        amended = Resolution.objects.filter(amends=resolution).exists()
    if repealed:
        return ResolutionStatus.REPEALED
    if amended:
        return ResolutionStatus.AMENDED
    if resolution.session_id is None:
        return ResolutionStatus.NOT_RECORDED
    return ResolutionStatus.IN_FORCE


_NUMBER = re.compile(r"^\s*(?:n(?:o|º|°|\.)*\s*\.?\s*)?(\d{1,6})\s*$", re.IGNORECASE)


def parse_number_query(q: str) -> int | None:
    """ "58", "No. 58", "nº58" → 58; anything else → None (a word search)."""
    match = _NUMBER.match(q or "")
    return int(match.group(1)) if match else None


def _search(qs: QuerySet[Resolution], q: str, language: str | None) -> QuerySet[Resolution]:
    """A number (exact) or words, each of which must appear in the title or text, in the
    given language or in Spanish (the authoritative text)."""
    number = parse_number_query(q)
    if number is not None:
        return qs.filter(number=number)
    lang = content_language(language)
    fields = ["title_es", "text_es"]
    if lang != "es":
        fields += [f"title_{lang}", f"text_{lang}"]
    for word in q.split()[:10]:
        match = Q()
        for name in fields:
            match |= Q(**{f"{name}__icontains": word})
        qs = qs.filter(match)
    return qs


def resolution_list_for_user(
    *,
    user: Any,
    q: str = "",
    kind: str = "",
    year_from: int | None = None,
    year_to: int | None = None,
    body: str = "",
    session: int | None = None,
    order_by: list[str] | None = None,
    language: str | None = None,
) -> QuerySet[Resolution]:
    """The register (public), filtered; each row annotated with its status (one query)."""
    qs = _with_status(Resolution.objects.select_related("session", "session__body"))
    if q.strip():
        qs = _search(qs, q, language)
    if kind:
        qs = qs.filter(kind=kind)
    if year_from:
        qs = qs.filter(adopted_on__year__gte=year_from)
    if year_to:
        qs = qs.filter(adopted_on__year__lte=year_to)
    if body:
        qs = qs.filter(session__body__code=body)
    if session:
        qs = qs.filter(session_id=session)
    return list_for_user(qs.order_by(*(order_by or ["-number"])), user=user, perm=None)


def resolution_bodies() -> QuerySet[Body]:
    """Bodies that hold sessions (the list's body filter)."""
    return Body.objects.exclude(rules_profile="").order_by("order", "name")


def resolution_get_for_user(
    *, user: Any, number: int, action: ResolutionAction = "view"
) -> Resolution:
    """One resolution by its number with everything its page shows (six queries, whatever
    its links); Http404 when there is none; 403 for an action the user may not take."""
    links = Resolution.objects.only("pk", "number", "title_es", "title_en", "title_pt", "title_fr")
    queryset = _with_status(
        Resolution.objects.select_related(
            "session", "session__body", "agenda_item", "vote", "motion"
        ).prefetch_related(
            Prefetch("amends", queryset=links.order_by("number")),
            Prefetch("repeals", queryset=links.order_by("number")),
            Prefetch("amended_by", queryset=links.order_by("number")),
            Prefetch("repealed_by", queryset=links.order_by("number")),
        )
    )
    perm = permission_for(RESOLUTION_ACTIONS, action)
    return get_for_user_or_404(queryset, user=user, perm=perm, public=True, number=number)


def translation_pending(obj: Any, field_name: str, language: str | None = None) -> bool:
    """True when the translated field has no text in the language (Spanish is shown instead)."""
    lang = language or content_language()
    if lang == "es":
        return False
    return not (getattr(obj, f"{field_name}_{lang}", "") or "").strip() and bool(
        (getattr(obj, f"{field_name}_es", "") or "").strip()
    )


def highest_resolution_number() -> int | None:
    highest: int | None = Resolution.objects.aggregate(highest=Max("number"))["highest"]
    return highest


def resolution_by_number(number: int | None) -> Resolution | None:
    """A resolution by its number, or None (forms that name another resolution)."""
    if number is None:
        return None
    return Resolution.objects.filter(number=number).first()


def resolution_by_motion(motion: Motion) -> Resolution | None:
    return Resolution.objects.filter(motion=motion).only("pk", "number").first()


def resolution_history(*, resolution: Resolution, limit: int = 50) -> list[ActionLog]:
    return record_history(target=resolution, limit=limit)


# --- Pages ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResolutionRow:
    """A resolution as a list shows it: status and the title in the reader's language."""

    resolution: Resolution
    status: str
    title: str
    title_pending: bool


def resolution_rows(
    resolutions: Iterable[Resolution], language: str | None = None
) -> list[ResolutionRow]:
    lang = language or content_language()
    rows = []
    for r in resolutions:
        own = (getattr(r, f"title_{lang}", "") or "").strip()
        rows.append(
            ResolutionRow(
                resolution=r,
                status=resolution_status(r),
                title=own or getattr(r, "title_es", "") or "",
                title_pending=not own and lang != "es" and bool(getattr(r, "title_es", "")),
            )
        )
    return rows


def resolution_register_can_manage(user: Any) -> bool:
    """Whether the register's pages offer the Secretariat's actions to this user."""
    return can(user, MANAGE)


@dataclass(frozen=True)
class ResolutionPage:
    """One resolution's page: status, translation notes, the deciding majority, actions."""

    resolution: Resolution
    status: str
    language: str
    title_pending: bool
    text_pending: bool
    majority: str
    can_manage: bool
    history: list[ActionLog]


def resolution_page(*, user: Any, resolution: Resolution) -> ResolutionPage:
    lang = content_language()
    can_manage = can(user, MANAGE)
    vote = resolution.vote
    return ResolutionPage(
        resolution=resolution,
        status=resolution_status(resolution),
        language=lang,
        title_pending=translation_pending(resolution, "title", lang),
        text_pending=translation_pending(resolution, "text", lang),
        majority=majority_label(vote.majority) if vote else "",
        can_manage=can_manage,
        history=resolution_history(resolution=resolution) if can_manage else [],
    )


# --- The series and the adopt form --------------------------------------------------------


@dataclass(frozen=True)
class SeriesInfo:
    series: ResolutionSeries | None
    highest: int | None
    history: list[ActionLog]

    @property
    def next_number(self) -> int | None:
        return self.series.next_number if self.series else None


def series_info(*, limit: int = 50) -> SeriesInfo:
    """The series row, the highest number recorded and the history of the series' settings."""
    series = ResolutionSeries.objects.order_by("pk").first()
    history: list[ActionLog] = []
    if series is not None:
        history = record_history(target=series, limit=limit)
    return SeriesInfo(series=series, highest=highest_resolution_number(), history=history)


def adoption_defaults(motion: Motion) -> dict[str, str]:
    """Initial values of the adopt form: the motion's titles and adopted texts."""
    values = {}
    for lang in CONTENT_LANGUAGES:
        values[f"title_{lang}"] = getattr(motion, f"title_{lang}", "") or ""
        values[f"text_{lang}"] = getattr(motion, f"text_{lang}", "") or ""
    return values


@dataclass(frozen=True)
class AdoptionPage:
    """The adopt form's facts: the deciding vote, its majority and the series' numbers."""

    vote: Vote | None  # the motion's deciding vote
    majority: str
    next_number: int | None
    highest: int | None


def deciding_vote(motion: Motion) -> Vote | None:
    """The motion's latest closed vote (what decided it)."""
    votes: list[Vote] | None = getattr(motion, "closed_votes", None)  # motion_get_for_user
    if votes is None:
        return motion.votes.filter(state=Vote.State.CLOSED).order_by("-closed_at", "-pk").first()
    return votes[-1] if votes else None


def adoption_page(*, motion: Motion) -> AdoptionPage:
    """Queries: the series, the highest number (the deciding vote is preloaded)."""
    vote = deciding_vote(motion)
    info = series_info(limit=0)
    return AdoptionPage(
        vote=vote,
        majority=majority_label(vote.majority) if vote else "",
        next_number=info.next_number,
        highest=info.highest,
    )
