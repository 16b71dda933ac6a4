"""Who sits on a body on a date, who may vote, and the live quorum of a session.

A *voting unit* is what casts one vote: a member institution in a body of all members (the
General Assembly: one vote per full member), a seat elsewhere. Its key is "i<pk>" or "s<pk>".
Voting rights on a date come from the member's category (only full members vote), its
standing (members.VotingSuspension) and, for seats, the seat's capacity.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from secretariat.core.languages import translated_fields
from secretariat.governance.arithmetic import QuorumResult, quorum
from secretariat.governance.body_rules import body_rule
from secretariat.governance.models import Body, Participant, Proxy, Seat, Session
from secretariat.governance.selectors.sessions import sitting_day
from secretariat.members.models import Institution, Membership, VotingSuspension

VOTING_ROLES = (Participant.Role.HEAD, Participant.Role.DELEGATE, Participant.Role.SEAT_HOLDER)


def unit_key(*, institution_id: int | None = None, seat_id: int | None = None) -> str:
    if institution_id is not None:
        return f"i{institution_id}"
    if seat_id is not None:
        return f"s{seat_id}"
    raise ValueError("a voting unit is an institution or a seat")


def registered_key(participant: Participant) -> str:
    """The unit a participant was registered for: its institution, else its seat ("" if none).
    In a body of seats an institution's delegate then sits in the seat it holds (callers map)."""
    if participant.institution_id:
        return unit_key(institution_id=participant.institution_id)
    if participant.seat_id:
        return unit_key(seat_id=participant.seat_id)
    return ""


@dataclass(frozen=True)
class SeatRow:
    """One place in a body's composition on a date."""

    key: str
    label: str
    capacity: str
    capacity_label: str
    has_vote: bool
    no_vote_reason: str = ""
    institution: Institution | None = None
    seat: Seat | None = None
    holder: str = ""


def suspended_on(day: dt.date, institution_ids: list[int] | None = None) -> dict[int, str]:
    """Institutions whose right to vote is suspended on the date, with the reason (one query)."""
    qs = VotingSuspension.objects.active_on(day)
    if institution_ids is not None:
        qs = qs.filter(institution_id__in=institution_ids)
    return {s.institution_id: s.reason for s in qs.order_by("valid_from")}


def _seat_rows(body: Body, day: dt.date, suspended: dict[int, str]) -> list[SeatRow]:
    rows = []
    seats = (
        Seat.objects.active_on(day)
        .filter(body=body)
        .select_related("institution", "office", "body")
        .order_by("order", "title", "pk")
    )
    for seat in seats:
        has_vote = seat.has_vote
        reason = ""
        if not has_vote:
            reason = (
                _("Observer: no vote")
                if seat.capacity == Seat.Capacity.OBSERVER
                else _("Voice only, no vote")
            )
        elif seat.institution_id in suspended:
            has_vote = False
            reason = _("Right to vote suspended: %(reason)s") % {
                "reason": suspended[seat.institution_id]
            }
        rows.append(
            SeatRow(
                key=unit_key(seat_id=seat.pk),
                label=seat.title,
                capacity=seat.capacity,
                capacity_label=str(seat.get_capacity_display()),
                has_vote=has_vote,
                no_vote_reason=reason,
                institution=seat.institution,
                seat=seat,
                holder=seat.holder,
            )
        )
    return rows


def composition_on(body: Body, day: dt.date | None = None) -> list[SeatRow]:
    """The body's composition on a date: voting places first, then voice and observers.

    Queries: memberships (1), suspensions (1), seats (1), whatever the size of the body.
    """
    day = day or timezone.localdate()
    suspended = suspended_on(day)
    rows: list[SeatRow] = []
    if body.all_members_sit:
        memberships = (
            Membership.objects.active_on(day)
            .select_related("institution", "institution__country", "category")
            .order_by("institution__name", "pk")
        )
        for m in memberships:
            inst = m.institution
            category = m.category
            has_vote = bool(category and category.has_vote)
            reason = ""
            if category is None:
                reason = _("Category not recorded: no vote until it is")
            elif not category.has_vote:
                reason = _("%(category)s: voice, no vote") % {"category": category.name}
            elif inst.pk in suspended:
                has_vote = False
                reason = _("Right to vote suspended: %(reason)s") % {"reason": suspended[inst.pk]}
            rows.append(
                SeatRow(
                    key=unit_key(institution_id=inst.pk),
                    label=str(inst),
                    capacity=category.code if category else "",
                    capacity_label=str(category.name) if category else _("Not recorded"),
                    has_vote=has_vote,
                    no_vote_reason=reason,
                    institution=inst,
                )
            )
    rows.extend(_seat_rows(body, day, suspended))
    rows.sort(key=lambda r: (not r.has_vote, r.seat is not None, r.label.casefold()))
    return rows


@dataclass
class UnitStatus:
    """A voting unit in a session: its right to vote, whether present, represented by proxy."""

    row: SeatRow
    present: bool = False
    represented_by: Institution | None = None
    delegates_present: list[Participant] = field(default_factory=list)

    @property
    def counts_for_quorum(self) -> bool:
        return self.row.has_vote and (self.present or self.represented_by is not None)


@dataclass
class SessionRoll:
    """The live picture of a session: every place, who is present, and the quorum."""

    session: Session
    day: dt.date
    units: list[UnitStatus]
    quorum: QuorumResult
    quorum_share: list[int]
    participants_present: int
    others: list[Participant]  # present participants who are not a voting unit's delegate

    @property
    def entitled(self) -> int:
        return self.quorum.entitled

    @property
    def voting_present(self) -> int:
        return self.quorum.present

    def unit(self, key: str) -> UnitStatus | None:
        for u in self.units:
            if u.row.key == key:
                return u
        return None


def session_day(session: Session) -> dt.date:
    """The date a session is judged on: the day it sits (the date it opened, in its own time
    zone), else its scheduled opening date (`selectors.sessions.sitting_day`)."""
    return sitting_day(session)


def session_roll(
    session: Session, day: dt.date | None = None, *, remote: bool = False
) -> SessionRoll:
    """Composition on the session's date, joined to attendance and proxies (constant queries).

    `remote`: the roll of a non-presential vote (an exceptional election round, issue #11):
    every accredited delegate (registered, credentials accepted) counts as taking part from
    their own account, without being marked present; no proxies."""
    day = day or session_day(session)
    rows = composition_on(session.body, day)
    by_key = {r.key: UnitStatus(row=r) for r in rows}
    attending = Q() if remote else Q(present=True)
    present = list(
        Participant.objects.filter(
            attending,
            session=session,
            withdrawn_at__isnull=True,
            credentials=Participant.Credentials.ACCEPTED,
        ).select_related("institution", "seat")
    )
    others: list[Participant] = []
    # In a body of seats, a delegate registered for an institution sits in its seat.
    seat_of_institution = {
        r.institution.pk: r.key
        for r in reversed(rows)
        if r.seat is not None and r.institution is not None
    }
    for p in present:
        key = registered_key(p)
        if key not in by_key and p.institution_id in seat_of_institution:
            key = seat_of_institution[p.institution_id]
        unit = by_key.get(key)
        if unit is not None and p.role in VOTING_ROLES:
            unit.present = True
            unit.delegates_present.append(p)
        else:
            others.append(p)
    proxies = Proxy.objects.filter(session=session, state=Proxy.State.ACCEPTED).select_related(
        "holder"
    )
    if remote:
        proxies = proxies.none()
    for proxy in proxies:
        grantor = by_key.get(unit_key(institution_id=proxy.grantor_id))
        holder = by_key.get(unit_key(institution_id=proxy.holder_id))
        if grantor and holder and holder.present and holder.row.has_vote and not grantor.present:
            grantor.represented_by = proxy.holder
    share = body_rule(session.body, "quorum", day).value
    entitled = sum(1 for u in by_key.values() if u.row.has_vote)
    counted = sum(1 for u in by_key.values() if u.counts_for_quorum)
    return SessionRoll(
        session=session,
        day=day,
        units=list(by_key.values()),
        quorum=quorum(entitled=entitled, present=counted, share=share),
        quorum_share=list(share),
        participants_present=len(present),
        others=others,
    )


def units_for_user(
    session: Session, user: Any, roll: SessionRoll | None = None
) -> list[UnitStatus]:
    """The voting units a user may cast a vote for now: their own (if they are a present,
    accredited delegate of a unit with the right to vote) and those it holds a proxy for."""
    if not (user and user.is_authenticated):
        return []
    roll = roll or session_roll(session)
    mine = [
        u
        for u in roll.units
        if u.row.has_vote and any(p.user_id == user.pk for p in u.delegates_present)
    ]
    held = {u.row.institution.pk for u in mine if u.row.institution is not None}
    proxied = [
        u for u in roll.units if u.represented_by is not None and u.represented_by.pk in held
    ]
    return mine + proxied


def why_user_cannot_vote(session: Session, user: Any, roll: SessionRoll | None = None) -> str:
    """A translated reason why the user has no vote to cast in this session (empty if they do)."""
    roll = roll or session_roll(session)
    if units_for_user(session, user, roll):
        return ""
    participant = (
        Participant.objects.filter(session=session, user=user, withdrawn_at__isnull=True)
        .select_related("institution", "seat")
        .first()
    )
    if participant is None:
        return _("You are not registered as a delegate for this session.")
    if participant.credentials != Participant.Credentials.ACCEPTED:
        return _("Your credentials have not been accepted.")
    if participant.role not in VOTING_ROLES:
        return _("Your role in the delegation (%(role)s) does not carry the vote.") % {
            "role": participant.get_role_display()
        }
    unit = roll.unit(registered_key(participant))
    if unit is None and participant.institution_id:
        unit = next(
            (
                u
                for u in roll.units
                if u.row.seat is not None
                and u.row.institution is not None
                and u.row.institution.pk == participant.institution_id
            ),
            None,
        )
    if unit is None:
        return _("Your institution does not sit on this body on the session's date.")
    if not unit.row.has_vote:
        return unit.row.no_vote_reason
    if not participant.present:
        return _("You are not marked present. Ask the Secretariat at the door.")
    return _("You have no vote to cast.")


def participant_filter_for_units(keys: list[str]) -> Q:
    inst = [int(k[1:]) for k in keys if k.startswith("i")]
    seats = [int(k[1:]) for k in keys if k.startswith("s")]
    return Q(institution_id__in=inst) | Q(seat_id__in=seats)


@dataclass(frozen=True)
class Caster:
    """Who casts which member's vote: the checks of `session_roll`, for one unit only."""

    participant: Participant
    institution: Institution | None
    seat: Seat | None
    label: str
    by_proxy: bool


@dataclass(frozen=True)
class UnitVote:
    """Whether one voting unit has a vote on a date: its label, the reason when it has none,
    and the institution or seat it is (what a ballot's receipt names)."""

    ok: bool
    label: str
    reason: str = ""
    institution: Institution | None = None
    seat: Seat | None = None


def _unit_has_vote(
    session: Session, day: dt.date, institution_id: int | None, seat_id: int | None
) -> UnitVote:
    """Whether one voting unit has a vote on a date, in one query (the seat, or the
    membership, each with whether its institution's right to vote is suspended)."""
    if seat_id is not None:
        seat = (
            Seat.objects.active_on(day)
            .filter(pk=seat_id, body=session.body_id)
            .annotate(suspended=_suspended_on(day))
            .first()
        )
        if seat is None:
            return UnitVote(False, "", _("This seat is not on the body on the session's date."))
        if not seat.has_vote:
            return UnitVote(False, seat.title, _("Voice only, no vote"))
        if seat.institution_id and _is_suspended(seat):
            return UnitVote(False, seat.title, _("Right to vote suspended"))
        return UnitVote(True, seat.title, seat=seat)
    if institution_id is None:
        return UnitVote(False, "", _("You have no vote to cast."))
    membership = (
        Membership.objects.active_on(day)
        .filter(institution_id=institution_id)
        .select_related("institution", "category")
        .only(*MEMBERSHIP_FIELDS)
        .annotate(suspended=_suspended_on(day))
        .first()
    )
    if membership is None or not session.body.all_members_sit:
        return UnitVote(
            False, "", _("Your institution does not sit on this body on the session's date.")
        )
    label = str(membership.institution)
    if membership.category is None or not membership.category.has_vote:
        name = membership.category.name if membership.category else _("Not recorded")
        return UnitVote(False, label, _("%(category)s: voice, no vote") % {"category": name})
    if _is_suspended(membership):
        return UnitVote(False, label, _("Right to vote suspended"))
    return UnitVote(True, label, institution=membership.institution)


# What a ballot reads of a membership: the institution's name (the receipt's label) and whether
# its category votes (its name, in every language, for the refusal).
MEMBERSHIP_FIELDS = (
    "institution_id",
    "category_id",
    "valid_from",
    "valid_to",
    "institution__name",
    "institution__acronym",
    "category__has_vote",
    *(f"category__{name}" for name in translated_fields("name")),
)


def _suspended_on(day: dt.date) -> Exists:
    """Whether the row's institution's right to vote is suspended on the date (a subquery)."""
    return Exists(
        VotingSuspension.objects.active_on(day).filter(institution_id=OuterRef("institution_id"))
    )


def _is_suspended(row: Seat | Membership) -> bool:
    """The `suspended` annotation of `_suspended_on` (mypy does not see annotations)."""
    return bool(row.__dict__["suspended"])


def is_present_voter(participant: Participant, *, remote: bool = False) -> bool:
    """A present, accredited head, delegate or seat holder (not withdrawn); in a remote vote,
    present or not."""
    return (
        participant.withdrawn_at is None
        and participant.credentials == Participant.Credentials.ACCEPTED
        and (participant.present or remote)
        and participant.role in VOTING_ROLES
    )


def _present_voter(
    session: Session,
    user: Any,
    registrations: Sequence[Participant] | None,
    remote: bool = False,
) -> Participant | None:
    """The user's registration as a present, accredited head, delegate or seat holder: among
    `registrations` (the user's in this session, already read), else read. In a remote vote
    the delegate need not be marked present."""
    if registrations is not None:
        voters = [
            p
            for p in registrations
            if p.session_id == session.pk and is_present_voter(p, remote=remote)
        ]
        return min(voters, key=lambda p: p.pk, default=None)
    attending = Q() if remote else Q(present=True)
    return (
        Participant.objects.filter(
            attending,
            session=session,
            user=user,
            withdrawn_at__isnull=True,
            credentials=Participant.Credentials.ACCEPTED,
            role__in=VOTING_ROLES,
        )
        .order_by("pk")
        .first()
    )


def _own_seat_id(session: Session, participant: Participant, day: dt.date) -> int | None:
    """The seat a participant votes in: theirs, or in a body of seats the seat their
    institution holds (a delegate registered for an institution sits in it)."""
    if participant.seat_id is not None:
        return participant.seat_id
    if not participant.institution_id or session.body.all_members_sit:
        return None
    return (
        Seat.objects.active_on(day)
        .filter(body=session.body, institution_id=participant.institution_id)
        .order_by("order", "pk")
        .values_list("pk", flat=True)
        .first()
    )


def _proxy_caster(session: Session, participant: Participant, key: str, day: dt.date) -> Caster:
    """Voting for another member: only by an accepted proxy held by the user's institution,
    both members with the right to vote, the grantor absent."""
    if not key.startswith("i") or participant.institution_id is None:
        raise ValidationError(_("You cannot cast this member's vote."))
    grantor_id = int(key[1:])
    proxy = Proxy.objects.filter(
        session=session,
        state=Proxy.State.ACCEPTED,
        grantor_id=grantor_id,
        holder_id=participant.institution_id,
    ).first()
    if proxy is None:
        raise ValidationError(_("You cannot cast this member's vote."))
    grantor: Institution | None = None
    for inst_id in (participant.institution_id, grantor_id):
        unit = _unit_has_vote(session, day, inst_id, None)
        if not unit.ok:
            raise ValidationError(unit.reason)
        grantor = unit.institution
    grantor_present = Participant.objects.filter(
        session=session,
        institution_id=grantor_id,
        withdrawn_at__isnull=True,
        credentials=Participant.Credentials.ACCEPTED,
        present=True,
        role__in=VOTING_ROLES,
    ).exists()
    if grantor_present:
        raise ValidationError(_("That member is present and casts its own vote."))
    return Caster(participant, grantor, None, str(grantor), True)


def caster_for(
    session: Session,
    user: Any,
    key: str,
    day: dt.date | None = None,
    registrations: Sequence[Participant] | None = None,
    *,
    remote: bool = False,
) -> Caster:
    """Check that the user may cast the vote of `key` now; raise ValidationError why not.

    The same rules as `session_roll` + `units_for_user`, for one unit (a handful of queries,
    whatever the size of the body; one for a member's own vote in the General Assembly when
    the user's `registrations` in the session were read with the vote): a present,
    accredited head or delegate of a unit with the right to vote casts its vote, and the vote
    of an absent full member whose accepted proxy its institution holds. `remote`: a
    non-presential vote (issue #11 "Non-presential voting"): an accredited delegate casts
    their own member's vote without being marked present; no proxies.
    """
    day = day or session_day(session)
    participant = _present_voter(session, user, registrations, remote)
    if participant is None:
        if remote:
            raise ValidationError(_("You are not an accredited delegate in this session."))
        raise ValidationError(why_user_cannot_vote(session, user) or _("You have no vote to cast."))
    seat_id = _own_seat_id(session, participant, day)
    own = (
        unit_key(seat_id=seat_id)
        if seat_id
        else unit_key(institution_id=participant.institution_id)
        if participant.institution_id
        else ""
    )
    if not target_key_is(own, key):
        if remote:
            raise ValidationError(_("In a non-presential vote you cast only your own member's."))
        return _proxy_caster(session, participant, key, day)
    unit = _unit_has_vote(session, day, None if seat_id else participant.institution_id, seat_id)
    if not unit.ok:
        raise ValidationError(unit.reason)
    return Caster(participant, unit.institution, unit.seat, unit.label, False)


def target_key_is(own: str, wanted: str) -> bool:
    return bool(own) and own == wanted


# --- Who may ask for an extraordinary session -------------------------------------------------


def requester_body(body: Body, convened_by: str) -> Body | None:
    """The body whose members ask for an extraordinary session of `body` (shared/domain.md
    [C]): the Standing Committee for the General Assembly ("at least five members of the
    Standing Committee"); the commission itself for a CASS ("two of its members")."""
    from secretariat.governance.models import RulesProfile

    if convened_by == Session.ConvenedBy.COMMITTEE_MEMBERS:
        return (
            Body.objects.filter(rules_profile=RulesProfile.STANDING_COMMITTEE)
            .order_by("order", "pk")
            .first()
        )
    if convened_by == Session.ConvenedBy.BODY_MEMBERS:
        return body
    return None


def voting_seats_on(body: Body, day: dt.date) -> list[Seat]:
    """The body's seats that carry a vote on the date (by capacity, and not suspended)."""
    return [r.seat for r in _seat_rows(body, day, suspended_on(day)) if r.has_vote and r.seat]
