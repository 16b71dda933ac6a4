"""Reads of the registration part: who sits and may register, delegations, the Secretariat's
list of participants, one participant.

A member institution *sits* on a body on a date when the body's composition on that date
(`composition_on`) has a place for it: its membership in a body of all members (the
General Assembly), or a seat it holds elsewhere (the Standing Committee). Its delegates are
recorded against that place, so that the live roll (`session_roll`) counts them: by
institution in a body of all members, by seat elsewhere. Proxies: `selectors.proxies`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from secretariat.core.access import can, get_for_user_or_404, list_for_user, permission_for
from secretariat.core.models import ActionLog, User
from secretariat.core.selectors.action_log import action_log_list
from secretariat.governance.models import Participant, Proxy, Seat, Session
from secretariat.governance.selectors.composition import SeatRow, composition_on, session_day
from secretariat.members.models import Institution
from secretariat.members.permissions import represented_institution_ids

REGISTRATION_STATES = (Session.State.CONVENED, Session.State.OPEN)
FINISHED_STATES = (Session.State.CLOSED, Session.State.CANCELLED)
MEMBER_ROLES = (Participant.Role.HEAD, Participant.Role.DELEGATE, Participant.Role.ADVISER)
VIEW = "governance.view_sessions"
MANAGE = "governance.manage_sessions"
REGISTER = "governance.register_delegates"

# The letters accepted for credentials and proxies (a subset of members.uploads' types).
LETTER_TYPES = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg"}
LETTER_TYPES[".jpeg"] = "image/jpeg"


def registration_day(session: Session) -> dt.date:
    """The date the session's composition is judged on (today while it is held)."""
    return session_day(session)


def registration_open(session: Session) -> bool:
    return session.state in REGISTRATION_STATES


def sees_every_participant(user: Any) -> bool:
    """The Secretariat reads every delegation (a representative only their own)."""
    return can(user, VIEW)


def letter_content_type(name: str) -> str:
    lower = (name or "").lower()
    ext = lower[lower.rfind(".") :] if "." in lower else ""
    return LETTER_TYPES.get(ext, "application/octet-stream")


# --- Places ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """How an institution sits on the session's body: its composition row and seat (if any)."""

    institution: Institution
    row: SeatRow
    seat: Seat | None = None


def sitting_places(session: Session, rows: list[SeatRow] | None = None) -> dict[int, Place]:
    """Institutions sitting on the session's body on its date, by id (3 queries).

    In a body of all members: each member (its membership row). Elsewhere: each institution
    holding a seat (its first seat in the composition's order: voting seats first).
    """
    rows = rows if rows is not None else composition_on(session.body, registration_day(session))
    places: dict[int, Place] = {}
    for row in rows:
        if row.institution is None:
            continue
        if session.body.all_members_sit:
            if row.seat is None:
                places[row.institution.pk] = Place(row.institution, row)
        elif row.seat is not None:
            places.setdefault(row.institution.pk, Place(row.institution, row, row.seat))
    return places


def own_places(places: dict[int, Place], user: User) -> list[Place]:
    """The places of the institutions the user represents, by name."""
    mine = represented_institution_ids(user)
    return sorted(
        (p for pk, p in places.items() if pk in mine), key=lambda p: p.institution.name.casefold()
    )


def places_for_user(*, user: User, session: Session) -> list[Place]:
    """The places of the institutions the user represents that sit on the session's body."""
    if not user.is_authenticated or session.state == Session.State.DRAFT:
        return []
    if not represented_institution_ids(user):
        return []
    return own_places(sitting_places(session), user)


def voting_members(session: Session, rows: list[SeatRow]) -> dict[int, SeatRow]:
    """Member institutions that vote as themselves in this body (proxies are between these).

    Only a body of all members has such units (`session_roll` keys proxies by institution).
    """
    if not session.body.all_members_sit:
        return {}
    return {r.institution.pk: r for r in rows if r.institution is not None and r.seat is None}


def place_filter(place: Place) -> Q:
    """The participants of an institution's delegation, wherever they are recorded."""
    if place.seat is not None:
        return Q(seat=place.seat)
    return Q(institution=place.institution)


def participant_institution_id(participant: Participant) -> int | None:
    """The member institution a participant comes for (directly or through its seat)."""
    if participant.institution_id:
        return participant.institution_id
    if participant.seat_id and participant.seat is not None:
        return participant.seat.institution_id
    return None


def participant_institution(participant: Participant) -> Institution | None:
    """The member institution a participant comes for (needs institution and seat loaded)."""
    if participant.institution_id:
        return participant.institution
    if participant.seat_id and participant.seat is not None:
        return participant.seat.institution
    return None


@dataclass(frozen=True)
class Registrable:
    """The institutions a user may name delegates (or give proxies) for in a session."""

    institutions: list[Institution]
    staff: bool  # the Secretariat, for any member sitting on the body

    @property
    def ids(self) -> set[int]:
        return {i.pk for i in self.institutions}


def registrable_for_user(*, user: User, session: Session) -> Registrable:
    """The Secretariat registers for any member sitting on the body; a representative for
    the institutions they represent that sit on it; anyone else gets a 404."""
    if can(user, MANAGE):
        return Registrable(sitting_institutions(session), True)
    places = places_for_user(user=user, session=session)
    if not places:
        raise Http404
    return Registrable([p.institution for p in places], False)


def sitting_institutions(session: Session) -> list[Institution]:
    """Institutions the Secretariat may register delegates for (sitting on the body)."""
    return sorted(
        (p.institution for p in sitting_places(session).values()),
        key=lambda i: i.name.casefold(),
    )


# --- The Secretariat's list of participants ----------------------------------------------------


PARTICIPANT_SORTS = {
    "name": "full_name",
    "institution": "institution__name",
    "role": "role",
    "credentials": "credentials",
    "registered": "registered_at",
}


def participant_list_for_user(
    *, user: Any, session: Session, q: str = "", credentials: str = "", role: str = ""
) -> QuerySet[Participant]:
    """The session's participants, filtered, for the Secretariat (403 for anyone else);
    preloads what the list shows (1 query a page)."""
    qs = Participant.objects.filter(session=session, withdrawn_at__isnull=True).select_related(
        "institution", "seat", "seat__institution"
    )
    if credentials:
        qs = qs.filter(credentials=credentials)
    if role:
        qs = qs.filter(role=role)
    if q:
        qs = qs.filter(
            Q(full_name__icontains=q)
            | Q(institution__name__icontains=q)
            | Q(institution__acronym__icontains=q)
            | Q(seat__title__icontains=q)
            | Q(seat__institution__name__icontains=q)
            | Q(email__icontains=q)
        )
    return list_for_user(qs, user=user, perm=VIEW)


@dataclass(frozen=True)
class Summary:
    """Counts shown above the list of participants."""

    participants: int
    pending: int
    accepted: int
    rejected: int
    delegations: int  # voting units with at least one registered participant
    entitled: int  # voting units with the right to vote on the session's date
    sitting: int  # institutions and seats on the body on the session's date
    proxies_pending: int


def participant_summary(session: Session) -> Summary:
    """Counts for the list's header (composition: 3 queries; participants: 2; proxies: 1)."""
    rows = composition_on(session.body, registration_day(session))
    live = Participant.objects.filter(session=session, withdrawn_at__isnull=True)
    counts: dict[str, Any] = live.aggregate(
        total=Count("pk"),
        pending=Count("pk", filter=Q(credentials=Participant.Credentials.PENDING)),
        accepted=Count("pk", filter=Q(credentials=Participant.Credentials.ACCEPTED)),
        rejected=Count("pk", filter=Q(credentials=Participant.Credentials.REJECTED)),
    )
    units = set()
    for inst_id, seat_id in live.values_list("institution_id", "seat_id").distinct():
        units.add(f"i{inst_id}" if inst_id else f"s{seat_id}")
    voting = {r.key for r in rows if r.has_vote}
    return Summary(
        participants=counts["total"],
        pending=counts["pending"],
        accepted=counts["accepted"],
        rejected=counts["rejected"],
        delegations=len(units & voting),
        entitled=len(voting),
        sitting=len(rows),
        proxies_pending=Proxy.objects.filter(session=session, state=Proxy.State.PENDING).count(),
    )


@dataclass(frozen=True)
class ParticipantListPage:
    """What the list's page shows besides the page of participants."""

    summary: Summary
    can_manage: bool
    registration_open: bool


def participant_list_page(*, user: Any, session: Session) -> ParticipantListPage:
    return ParticipantListPage(
        summary=participant_summary(session),
        can_manage=can(user, MANAGE),
        registration_open=registration_open(session),
    )


# --- One participant ---------------------------------------------------------------------------

ParticipantAction = Literal["view", "check"]
# "view": the Secretariat, or a representative of the participant's institution (their letter,
# withdrawing them); "check": the Secretariat only (the credentials page).
PARTICIPANT_ACTIONS: dict[str, str | None] = {
    "view": "governance.view_participant",
    "check": VIEW,
}


def participant_get_for_user(
    *, user: Any, pk: int, action: ParticipantAction = "view"
) -> Participant:
    """The one way to a participant: 404 when missing or not the user's to see (checking
    credentials is the Secretariat's: anyone else gets the 404 before any query)."""
    perm = permission_for(PARTICIPANT_ACTIONS, action)
    if action == "check" and not can(user, VIEW):
        raise Http404
    return get_for_user_or_404(
        Participant.objects.select_related(
            "session",
            "session__body",
            "institution",
            "seat",
            "seat__institution",
            "checked_by",
            "registered_by",
            "user",
        ),
        user=user,
        perm=perm,
        pk=pk,
    )


def next_pending(participant: Participant) -> Participant | None:
    """The next participant of the session whose credentials wait for a check (1 query)."""
    qs = Participant.objects.filter(
        session_id=participant.session_id,
        withdrawn_at__isnull=True,
        credentials=Participant.Credentials.PENDING,
    ).exclude(pk=participant.pk)
    return qs.filter(pk__gt=participant.pk).order_by("pk").first() or qs.order_by("pk").first()


@dataclass(frozen=True)
class CredentialsPage:
    """The Secretariat's check of one participant's credentials."""

    participant: Participant
    institution: Institution | None
    can_manage: bool
    open: bool
    next_pending: Participant | None
    history: list[ActionLog]

    @property
    def session(self) -> Session:
        return self.participant.session


def credentials_page(*, user: Any, participant: Participant) -> CredentialsPage:
    return CredentialsPage(
        participant=participant,
        institution=participant_institution(participant),
        can_manage=can(user, MANAGE),
        open=participant.session.state not in FINISHED_STATES,
        next_pending=next_pending(participant),
        history=list(
            action_log_list(target_type="governance.participant", target_id=str(participant.pk))[
                :20
            ]
        ),
    )
