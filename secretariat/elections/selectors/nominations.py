"""Reading nominations: a member sees only its own until the Secretariat publishes the list of
candidates; the Secretariat, finance and the Comptroller see all (elections.permissions); the
published list is public and shows no documents (shared/domain.md "Nominations" [D])."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from secretariat.core.access import can, get_for_user_or_404, list_for_user, permission_for
from secretariat.elections.models import (
    Call,
    CallOffice,
    CorrectionRequest,
    Nomination,
    NominationDocument,
    NominationVersion,
    Requirement,
)
from secretariat.elections.selectors.calls import call_is_open, zone
from secretariat.elections.selectors.eligibility import (
    Eligibility,
    applicable_requirements,
    eligibilities,
)
from secretariat.members.models import Institution, Membership
from secretariat.members.permissions import represented_institution_ids


def call_zone(call: Call) -> zoneinfo.ZoneInfo:
    """The Call's time zone (the site's when the name is unknown: `selectors.calls.zone`)."""
    return zone(call.time_zone)


def is_full_member(institution: Institution, day: dt.date) -> bool:
    """A member of a category with the right to vote on `day` (only full members nominate:
    CISS General Assembly page, "Only full members have the right to vote")."""
    return (
        Membership.objects.active_on(day)
        .filter(institution=institution, category__has_vote=True)
        .exists()
    )


def document_requirements(call_office: CallOffice) -> list[Requirement]:
    """The document requirements that apply to the office, in order."""
    return list(applicable_requirements(call_office).filter(kind=Requirement.Kind.DOCUMENT))


STAFF_READ = "elections.view_nominations"
NominationAction = Literal["view", "withdraw", "correct", "review", "request_correction"]
NOMINATION_ACTIONS: dict[str, str | None] = {
    "view": None,
    "withdraw": "elections.nominate",
    "correct": "elections.nominate",
    "review": "elections.review_nominations",
    "request_correction": "elections.review_nominations",
}
CallAction = Literal["nominate", "paper", "list", "publish_candidates"]
CALL_ACTIONS: dict[str, str | None] = {
    "nominate": "elections.nominate",
    "paper": "elections.review_nominations",
    "list": STAFF_READ,
    "publish_candidates": "elections.review_nominations",
}
RECEIVING = (Call.State.PUBLISHED, Call.State.CLOSED)


def _own_ids(user: Any) -> set[int]:
    if user is None or not user.is_authenticated:
        return set()
    return represented_institution_ids(user)


def _visible(user: Any) -> QuerySet[Nomination]:
    """Every nomination for those who read them all; a representative's institutions' own."""
    rows = Nomination.objects.all()
    if can(user, STAFF_READ):
        return rows
    return rows.filter(institution_id__in=_own_ids(user))


def _versions_prefetch() -> Prefetch[Any, Any, Any]:
    return Prefetch(
        "versions",
        queryset=NominationVersion.objects.select_related("candidate_nationality").order_by(
            "number"
        ),
        to_attr="version_list",
    )


def _latest(nomination: Nomination) -> NominationVersion | None:
    versions: list[NominationVersion] = getattr(nomination, "version_list", [])
    return versions[-1] if versions else None


# --- Calls, as this part reads them ---------------------------------------------------------


def nomination_call_get_for_user(*, user: Any, pk: int, action: CallAction) -> Call:
    """A published Call, for what a page of nominations does with it (nominate, record on
    paper, list, publish the list of candidates)."""
    calls = Call.objects.filter(state__in=RECEIVING)
    return get_for_user_or_404(calls, user=user, perm=permission_for(CALL_ACTIONS, action), pk=pk)


def candidates_call_get_for_user(*, user: Any, pk: int) -> Call:
    """A Call whose list of candidates is published (404 before)."""
    calls = Call.objects.filter(state__in=RECEIVING, candidates_published_at__isnull=False)
    return get_for_user_or_404(calls, user=user, perm="elections.view_calls", pk=pk)


@dataclass(frozen=True)
class CallClock:
    """A Call's opening and deadline in its zone and in the site's, and whether it is open."""

    opens_at: dt.datetime
    deadline: dt.datetime
    zone: dt.tzinfo
    zone_name: str
    is_open: bool


def call_clock(call: Call, now: dt.datetime | None = None) -> CallClock:
    return CallClock(
        opens_at=call.opens_at,
        deadline=call.deadline,
        zone=call_zone(call),
        zone_name=call.time_zone,
        is_open=call_is_open(call, now or timezone.now()),
    )


# --- One nomination -----------------------------------------------------------------------------


def nomination_get_for_user(*, user: Any, pk: int, action: NominationAction = "view") -> Nomination:
    """A nomination the user may see (404 otherwise), with what its page shows."""
    rows = _visible(user).select_related(
        "call", "call_office__office", "institution", "submitted_by", "person"
    )
    perm = permission_for(NOMINATION_ACTIONS, action)
    return get_for_user_or_404(rows, user=user, perm=perm, pk=pk)


def nomination_file_get_for_user(*, user: Any, pk: int) -> NominationDocument:
    """A document of a nomination the user may see (404 otherwise)."""
    rows = NominationDocument.objects.filter(version__nomination__in=_visible(user))
    return get_for_user_or_404(rows, user=user, perm=None, pk=pk)


@dataclass(frozen=True)
class VersionRow:
    version: NominationVersion
    documents: list[NominationDocument]


@dataclass(frozen=True)
class NominationPage:
    nomination: Nomination
    versions: list[VersionRow]
    latest: VersionRow | None
    corrections: list[CorrectionRequest]
    pending: CorrectionRequest | None
    can_withdraw: bool
    can_correct: bool
    can_review: bool
    can_list: bool


def nomination_page(*, user: Any, nomination: Nomination) -> NominationPage:
    """Versions (with documents), requests for corrections, and what the user may do."""
    versions = list(
        nomination.versions.select_related("candidate_nationality")
        .prefetch_related(
            Prefetch(
                "documents",
                queryset=NominationDocument.objects.select_related("requirement"),
                to_attr="document_list",
            )
        )
        .order_by("number")
    )
    rows = [VersionRow(v, getattr(v, "document_list", [])) for v in versions]
    corrections = list(
        nomination.corrections.select_related("requirement", "answered_by_version").order_by(
            "requested_at", "pk"
        )
    )
    pending = next((c for c in reversed(corrections) if c.answered_by_version_id is None), None)
    own = nomination.institution_id in _own_ids(user) and can(user, "elections.nominate")
    live = nomination.state != Nomination.State.WITHDRAWN
    return NominationPage(
        nomination=nomination,
        versions=rows,
        latest=rows[-1] if rows else None,
        corrections=corrections,
        pending=pending,
        can_withdraw=own and live,
        can_correct=own and nomination.state == Nomination.State.CORRECTION_REQUESTED,
        can_review=can(user, "elections.review_nominations"),
        can_list=can(user, STAFF_READ),
    )


# --- Lists --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NominationRow:
    nomination: Nomination
    latest: NominationVersion | None
    eligibility: Eligibility | None


def nomination_list_for_user(*, user: Any) -> list[NominationRow]:
    """The nominations of the institutions the user represents, every Call, newest first."""
    rows = list_for_user(
        Nomination.objects.filter(institution_id__in=_own_ids(user)),
        user=user,
        perm="elections.nominate",
    )
    nominations = (
        rows.select_related("call", "call_office__office", "institution")
        .prefetch_related(_versions_prefetch())
        .order_by("-received_at", "-pk")
    )
    return [NominationRow(n, _latest(n), None) for n in nominations]


def _eligibilities(nominations: list[Nomination]) -> dict[int, Eligibility]:
    """Each nomination's eligibility, counted as `selectors.eligibility.eligibility` counts it
    (confirmed findings of the latest version against the applicable requirements), in two
    queries for the whole list (`eligibilities`, with the versions already prefetched)."""
    return eligibilities(nominations, {n.pk: _latest(n) for n in nominations})


@dataclass(frozen=True)
class OfficeRows:
    call_office: CallOffice
    rows: list[NominationRow]


def call_nominations(*, user: Any, call: Call) -> list[OfficeRows]:
    """Every nomination of a Call by office, with its eligibility (staff)."""
    list_for_user(Nomination.objects.none(), user=user, perm=STAFF_READ)
    offices = list(call.offices.select_related("office").order_by("order", "office__order", "pk"))
    nominations = list(
        Nomination.objects.filter(call=call)
        .select_related("institution", "call_office")
        .prefetch_related(_versions_prefetch())
        .order_by("received_at", "pk")
    )
    eligibility = _eligibilities(nominations)
    by_office: dict[int, list[NominationRow]] = defaultdict(list)
    for n in nominations:
        by_office[n.call_office_id].append(NominationRow(n, _latest(n), eligibility[n.pk]))
    return [OfficeRows(o, by_office.get(o.pk, [])) for o in offices]


def candidate_list(*, call: Call) -> list[OfficeRows]:
    """The published list: each office's live candidates with the nominating member."""
    offices = list(call.offices.select_related("office").order_by("order", "office__order", "pk"))
    nominations = (
        Nomination.objects.filter(call=call)
        .exclude(state=Nomination.State.WITHDRAWN)
        .select_related("institution__country")
        .prefetch_related(_versions_prefetch())
        .order_by("received_at", "pk")
    )
    by_office: dict[int, list[NominationRow]] = defaultdict(list)
    for n in nominations:
        by_office[n.call_office_id].append(NominationRow(n, _latest(n), None))
    return [OfficeRows(o, by_office.get(o.pk, [])) for o in offices]


# --- What the forms offer ------------------------------------------------------------------------


@dataclass(frozen=True)
class NominationOffers:
    """What the nomination form offers: the institutions that may nominate, the offices and the
    documents each asks for."""

    institutions: list[Institution]
    offices: list[CallOffice]
    documents: list[Requirement]


def _documents(call: Call) -> list[Requirement]:
    return list(
        Requirement.objects.filter(call=call, kind=Requirement.Kind.DOCUMENT)
        .select_related("call_office__office")
        .order_by("order", "pk")
    )


def nomination_offers(*, user: Any, call: Call) -> NominationOffers:
    """For a representative: the full members among its institutions today."""
    today = timezone.localdate()
    institutions = [
        i
        for i in Institution.objects.filter(pk__in=_own_ids(user)).order_by("name")
        if is_full_member(i, today)
    ]
    offices = list(call.offices.select_related("office").order_by("order", "office__order", "pk"))
    return NominationOffers(institutions, offices, _documents(call))


def paper_offers(*, call: Call) -> NominationOffers:
    """For the Secretariat: every institution that is a full member today."""
    today = timezone.localdate()
    full = Membership.objects.active_on(today).filter(category__has_vote=True)
    institutions = list(
        Institution.objects.filter(pk__in=full.values("institution_id")).order_by("name")
    )
    offices = list(call.offices.select_related("office").order_by("order", "office__order", "pk"))
    return NominationOffers(institutions, offices, _documents(call))


def correction_offers(*, nomination: Nomination) -> list[Requirement]:
    return document_requirements(nomination.call_office)


def can_review(*, user: Any) -> bool:
    """Whether the pages offer the review's actions (record a finding, ask for a correction,
    record a paper nomination, publish the list)."""
    return can(user, "elections.review_nominations")
