"""Reads of the registration part: who sits and may register, delegations, proxies, lists.

A member institution *sits* on a body on a date when the body's composition on that date
(`composition_on`) has a place for it: its membership in a body of all members (the
General Assembly), or a seat it holds elsewhere (the Standing Committee). Its delegates are
recorded against that place, so that the live roll (`session_roll`) counts them: by
institution in a body of all members, by seat elsewhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from secretariat.core.models import RuleSetting, User
from secretariat.core.selectors.rule_settings import RuleInForce
from secretariat.governance.body_rules import body_rule
from secretariat.governance.models import Participant, Proxy, Seat, Session
from secretariat.governance.selectors.composition import SeatRow, composition_on, session_day
from secretariat.members.models import Institution
from secretariat.members.permissions import represented_institution_ids

REGISTRATION_STATES = (Session.State.CONVENED, Session.State.OPEN)
MEMBER_ROLES = (Participant.Role.HEAD, Participant.Role.DELEGATE, Participant.Role.ADVISER)
LIVE_PROXY_STATES = (Proxy.State.PENDING, Proxy.State.ACCEPTED)
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


@dataclass
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


def delegation_filter(institution_id: int) -> Q:
    """Participants of an institution, recorded against it or against a seat it holds."""
    return Q(institution_id=institution_id) | Q(seat__institution_id=institution_id)


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


# --- Proxy rule and refusals --------------------------------------------------------------


def rule_label(rule: RuleInForce) -> str:
    """ "Proxies a full member may hold: 1 (default, to be confirmed)"."""
    status = dict(RuleSetting.Status.choices).get(rule.status, rule.status)
    return _("“%(label)s”: %(value)s (%(status)s)") % {
        "label": rule.definition.label,
        "value": rule.display_value,
        "status": str(status).lower(),
    }


def proxies_allowed_refusal(rule: RuleInForce) -> str:
    if int(rule.value or 0) > 0:
        return ""
    return _("Proxies are not allowed in this body (rule %(rule)s).") % {"rule": rule_label(rule)}


def proxy_party_refusal(
    institution: Institution, members: dict[int, SeatRow], *, giving: bool
) -> str:
    """Why this institution may not give (or hold) a proxy, or "" (only full members vote)."""
    row = members.get(institution.pk)
    if row is None:
        text = (
            _(
                "%(name)s cannot give a proxy: it is not a member of this body on the session's "
                "date."
            )
            if giving
            else _(
                "%(name)s cannot hold a proxy: it is not a member of this body on the session's "
                "date."
            )
        )
        return text % {"name": institution}
    if not row.has_vote:
        text = (
            _(
                "%(name)s cannot give a proxy: %(reason)s. Only full members with the right to "
                "vote give or hold proxies."
            )
            if giving
            else _(
                "%(name)s cannot hold a proxy: %(reason)s. Only full members with the right to "
                "vote give or hold proxies."
            )
        )
        return text % {"name": institution, "reason": row.no_vote_reason.rstrip(".")}
    return ""


# --- A representative's delegation page -----------------------------------------------------


@dataclass
class Delegation:
    """What a representative sees of their institution's delegation to a session."""

    session: Session
    places: list[Place]
    place: Place
    participants: list[Participant]
    withdrawn: list[Participant]
    proxies_given: list[Proxy]
    proxies_held: list[Proxy]
    proxy_rule: RuleInForce
    proxy_refusal: str
    holders: list[Institution] = field(default_factory=list)

    @property
    def institution(self) -> Institution:
        return self.place.institution

    @property
    def open(self) -> bool:
        return registration_open(self.session)

    @property
    def has_head(self) -> bool:
        return any(p.role == Participant.Role.HEAD for p in self.participants)

    @property
    def proxy_given(self) -> Proxy | None:
        return next((p for p in self.proxies_given if p.state in LIVE_PROXY_STATES), None)


def session_get(*, pk: int) -> Session:
    try:
        return Session.objects.select_related("body").get(pk=pk)
    except Session.DoesNotExist as exc:
        raise Http404 from exc


def places_for_user(*, user: User, session: Session) -> list[Place]:
    """The places of the institutions the user represents that sit on the session's body."""
    if not user.is_authenticated or session.state == Session.State.DRAFT:
        return []
    mine = represented_institution_ids(user)
    if not mine:
        return []
    places = sitting_places(session)
    return sorted(
        (p for pk, p in places.items() if pk in mine), key=lambda p: p.institution.name.casefold()
    )


def delegation_for_user(*, user: User, session: Session, institution_id: int | None) -> Delegation:
    """A representative's delegation (404 when they represent no institution sitting on it)."""
    if session.state == Session.State.DRAFT:
        raise Http404
    mine = represented_institution_ids(user)
    if not mine:
        raise Http404
    rows = composition_on(session.body, registration_day(session))
    places = sitting_places(session, rows)
    own = sorted(
        (p for pk, p in places.items() if pk in mine), key=lambda p: p.institution.name.casefold()
    )
    if not own:
        raise Http404
    place = next((p for p in own if p.institution.pk == institution_id), own[0])
    everyone = list(
        Participant.objects.filter(place_filter(place), session=session)
        .select_related("institution", "seat")
        .order_by("role", "full_name", "pk")
    )
    order: dict[str, int] = {
        str(role): i for i, role in enumerate((*MEMBER_ROLES, Participant.Role.SEAT_HOLDER))
    }
    everyone.sort(key=lambda p: (order.get(p.role, 9), p.full_name.casefold()))
    inst = place.institution
    proxies = list(
        Proxy.objects.filter(Q(grantor=inst) | Q(holder=inst), session=session)
        .select_related("grantor", "holder")
        .order_by("-registered_at", "-pk")
    )
    rule = body_rule(session.body, "proxies_per_member", registration_day(session))
    members = voting_members(session, rows)
    refusal = proxies_allowed_refusal(rule) or proxy_party_refusal(inst, members, giving=True)
    full = holders_at_limit(session, rule) if not refusal else set()
    holders = sorted(
        (
            r.institution
            for r in members.values()
            if r.has_vote
            and r.institution is not None
            and r.institution.pk != inst.pk
            and r.institution.pk not in full
        ),
        key=lambda i: i.name.casefold(),
    )
    return Delegation(
        session=session,
        places=own,
        place=place,
        participants=[p for p in everyone if p.withdrawn_at is None],
        withdrawn=[p for p in everyone if p.withdrawn_at is not None],
        proxies_given=[p for p in proxies if p.grantor_id == inst.pk],
        proxies_held=[p for p in proxies if p.holder_id == inst.pk],
        proxy_rule=rule,
        proxy_refusal=refusal,
        holders=holders,
    )


# --- The Secretariat's list of participants ----------------------------------------------------


PARTICIPANT_SORTS = {
    "name": "full_name",
    "institution": "institution__name",
    "role": "role",
    "credentials": "credentials",
    "registered": "registered_at",
}


def participant_list(
    *, session: Session, q: str = "", credentials: str = "", role: str = ""
) -> QuerySet[Participant]:
    """The session's participants, filtered; preloads what the list shows (1 query a page)."""
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
    return qs


@dataclass
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


def proxy_list(*, session: Session) -> list[Proxy]:
    return list(
        Proxy.objects.filter(session=session)
        .select_related("grantor", "holder", "checked_by")
        .order_by("grantor__name", "-registered_at")
    )


def sitting_institutions(session: Session) -> list[Institution]:
    """Institutions the Secretariat may register delegates for (sitting on the body)."""
    return sorted(
        (p.institution for p in sitting_places(session).values()),
        key=lambda i: i.name.casefold(),
    )


# --- One participant, one proxy ---------------------------------------------------------------


def participant_get_for_user(*, user: User, pk: int) -> Participant:
    """A participant for the Secretariat or for a representative of its institution; else 404."""
    try:
        participant = Participant.objects.select_related(
            "session",
            "session__body",
            "institution",
            "seat",
            "seat__institution",
            "checked_by",
            "registered_by",
            "user",
        ).get(pk=pk)
    except Participant.DoesNotExist as exc:
        raise Http404 from exc
    if user.has_perm(VIEW):
        return participant
    inst_id = participant_institution_id(participant)
    if inst_id is not None and inst_id in represented_institution_ids(user):
        return participant
    raise Http404


def proxy_get_for_user(*, user: User, pk: int) -> Proxy:
    """A proxy for the Secretariat or a representative of the grantor or holder; else 404."""
    try:
        proxy = Proxy.objects.select_related(
            "session", "session__body", "grantor", "holder", "checked_by", "registered_by"
        ).get(pk=pk)
    except Proxy.DoesNotExist as exc:
        raise Http404 from exc
    if user.has_perm(VIEW):
        return proxy
    mine = represented_institution_ids(user)
    if proxy.grantor_id in mine or proxy.holder_id in mine:
        return proxy
    raise Http404


def letter_content_type(name: str) -> str:
    lower = (name or "").lower()
    ext = lower[lower.rfind(".") :] if "." in lower else ""
    return LETTER_TYPES.get(ext, "application/octet-stream")


def holders_at_limit(session: Session, rule: RuleInForce) -> set[int]:
    """Members already holding as many proxies (accepted or to be checked) as the rule allows."""
    limit = int(rule.value or 0)
    return set(
        Proxy.objects.filter(session=session, state__in=LIVE_PROXY_STATES)
        .values("holder_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=limit)
        .values_list("holder_id", flat=True)
    )


@dataclass
class ProxyChoices:
    """What the proxy form offers: the rule in force and the full members with a vote."""

    rule: RuleInForce
    refusal: str  # why proxies are not allowed in this body at all, or ""
    voters: list[Institution]  # full members with the right to vote (may give a proxy)
    holders: list[Institution]  # those of them who may still hold one
    members: dict[int, SeatRow]


def proxy_choices(session: Session) -> ProxyChoices:
    day = registration_day(session)
    rule = body_rule(session.body, "proxies_per_member", day)
    members = voting_members(session, composition_on(session.body, day))
    voters = sorted(
        (r.institution for r in members.values() if r.has_vote and r.institution is not None),
        key=lambda i: i.name.casefold(),
    )
    refusal = proxies_allowed_refusal(rule)
    full = holders_at_limit(session, rule) if not refusal else set()
    return ProxyChoices(
        rule=rule,
        refusal=refusal,
        voters=voters,
        holders=[i for i in voters if i.pk not in full],
        members=members,
    )


def next_pending(participant: Participant) -> Participant | None:
    """The next participant of the session whose credentials wait for a check (1 query)."""
    qs = Participant.objects.filter(
        session_id=participant.session_id,
        withdrawn_at__isnull=True,
        credentials=Participant.Credentials.PENDING,
    ).exclude(pk=participant.pk)
    return qs.filter(pk__gt=participant.pk).order_by("pk").first() or qs.order_by("pk").first()
