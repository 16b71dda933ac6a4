"""A representative's page of their institution's delegation to a session: its people, the
proxy it gives or holds, and what it may still do."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404

from secretariat.core.models import User
from secretariat.core.selectors.rule_settings import RuleInForce
from secretariat.governance.body_rules import body_rule
from secretariat.governance.models import Participant, Proxy, Session
from secretariat.governance.selectors.composition import SeatRow, composition_on
from secretariat.governance.selectors.proxies import (
    LIVE_PROXY_STATES,
    holders_at_limit,
    proxies_allowed_refusal,
    proxy_party_refusal,
)
from secretariat.governance.selectors.registration import (
    MEMBER_ROLES,
    Place,
    own_places,
    place_filter,
    registration_day,
    registration_open,
    sitting_places,
    voting_members,
)
from secretariat.members.models import Institution
from secretariat.members.permissions import represented_institution_ids

# The order people are listed in a delegation: the head first, the seat holder last.
ROLE_ORDER: dict[str, int] = {
    str(role): i for i, role in enumerate((*MEMBER_ROLES, Participant.Role.SEAT_HOLDER))
}


@dataclass(frozen=True)
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


def _people(session: Session, place: Place) -> list[Participant]:
    """Everyone registered for the place, withdrawn ones included, head first (1 query)."""
    everyone = list(
        Participant.objects.filter(place_filter(place), session=session)
        .select_related("institution", "seat")
        .order_by("role", "full_name", "pk")
    )
    everyone.sort(key=lambda p: (ROLE_ORDER.get(p.role, 9), p.full_name.casefold()))
    return everyone


def _holders(
    session: Session,
    institution: Institution,
    members: dict[int, SeatRow],
    rule: RuleInForce,
    refusal: str,
) -> list[Institution]:
    """The full members with a vote the institution may give its proxy to (by name)."""
    full = holders_at_limit(session, rule) if not refusal else set()
    return sorted(
        (
            r.institution
            for r in members.values()
            if r.has_vote
            and r.institution is not None
            and r.institution.pk != institution.pk
            and r.institution.pk not in full
        ),
        key=lambda i: i.name.casefold(),
    )


def delegation_for_user(*, user: User, session: Session, institution_id: int | None) -> Delegation:
    """A representative's delegation (404 when they represent no institution sitting on it)."""
    if session.state == Session.State.DRAFT or not represented_institution_ids(user):
        raise Http404
    rows = composition_on(session.body, registration_day(session))
    own = own_places(sitting_places(session, rows), user)
    if not own:
        raise Http404
    place = next((p for p in own if p.institution.pk == institution_id), own[0])
    everyone = _people(session, place)
    inst = place.institution
    proxies = list(
        Proxy.objects.filter(Q(grantor=inst) | Q(holder=inst), session=session)
        .select_related("grantor", "holder")
        .order_by("-registered_at", "-pk")
    )
    rule = body_rule(session.body, "proxies_per_member", registration_day(session))
    members = voting_members(session, rows)
    refusal = proxies_allowed_refusal(rule) or proxy_party_refusal(inst, members, giving=True)
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
        holders=_holders(session, inst, members, rule, refusal),
    )
