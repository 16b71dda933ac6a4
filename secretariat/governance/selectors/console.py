"""Reads of the live panels: the Secretariat's console and the delegate's view.

Every read here runs a fixed number of queries whatever the size of the session (asserted in
tests/views/test_console.py); the polled panels first ask only for the session's version
(`live_version`, one query) and answer 304 when the page already shows it (decision 0007).
Who sees which panel (`session_get_for_user`'s actions): the console is the Secretariat's
("console": `governance.view_sessions`, also finance and the Comptroller, who read it; 403
to others, the session being public); the delegate's view is for those who follow the
session ("follow", 404 to others).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db import connection

from secretariat.core import push
from secretariat.core.access import can
from secretariat.governance.models import BallotReceipt, Motion, Participant, Session, Vote
from secretariat.governance.selectors.attendance import AttendanceCounts, attendance_counts
from secretariat.governance.selectors.motions import ItemRow, agenda_with_motions
from secretariat.governance.selectors.quorum import LiveRoll, QuorumPanel, VoterUnit, live_roll
from secretariat.governance.selectors.sessions import opening_day
from secretariat.governance.selectors.votes import VoteView, current_vote, vote_view

READ = "governance.view_sessions"
MANAGE = "governance.manage_sessions"

# --- What a live panel's ETag is made of --------------------------------------------------


@dataclass(frozen=True)
class LiveVersion:
    """What a live panel's ETag is made of.

    `revision` counts every change a session page shows (services call touch_session);
    a secret ballot does not touch it (decision 0008: a ballot changes no one's page but
    the caster's), so the console also counts the receipts of the open vote (`ballots`,
    its "N of M have voted") and a delegate's panel the receipts cast by that user
    (`mine`, "your ballot was recorded")."""

    revision: int
    ballots: int
    mine: int
    # The latest change to any member's standing (a suspension of the right to vote is
    # recorded in the members app, which does not know about sessions): the quorum changes.
    standing: int = 0


@functools.cache
def _live_version_sql(vendor: str) -> str:
    """Built once per database engine, `vendor` (the history model's manager is slow to
    reach)."""
    from secretariat.members.models import VotingSuspension

    q = connection.ops.quote_name
    session, vote, motion = (q(m._meta.db_table) for m in (Session, Vote, Motion))
    receipt, participant = q(BallotReceipt._meta.db_table), q(Participant._meta.db_table)
    standing = q(VotingSuspension.history.model._meta.db_table)
    # Only table and column names of our own models, quoted; values go as parameters.
    open_votes = (
        f"SELECT v.{q('id')} FROM {vote} v INNER JOIN {motion} m "  # noqa: S608
        f"ON v.{q('motion_id')} = m.{q('id')} "
        f"WHERE m.{q('session_id')} = s.{q('id')} AND v.{q('state')} = 'open'"
    )
    return (
        f"SELECT s.{q('revision')}, "  # noqa: S608
        f"(SELECT COUNT(*) FROM {receipt} r WHERE r.{q('vote_id')} IN ({open_votes})), "
        f"(SELECT COUNT(*) FROM {receipt} r INNER JOIN {participant} p "
        f"ON r.{q('cast_by_id')} = p.{q('id')} "
        f"WHERE p.{q('user_id')} = %s AND r.{q('vote_id')} IN ({open_votes})), "
        f"(SELECT MAX({q('history_id')}) FROM {standing}) "
        f"FROM {session} s WHERE s.{q('id')} = %s"
    )


def live_version(pk: int, user_pk: int | None) -> LiveVersion | None:
    """The session's revision and the open ballot's receipts, all and the user's: one query."""
    with connection.cursor() as cursor:
        cursor.execute(_live_version_sql(connection.vendor), [user_pk or 0, pk])
        row = cursor.fetchone()
    return LiveVersion(int(row[0]), int(row[1]), int(row[2]), int(row[3] or 0)) if row else None


# --- The console ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsoleState:
    session: Session
    revision: int
    quorum: QuorumPanel
    attendance: AttendanceCounts
    items: list[ItemRow]
    vote: VoteView | None
    open_vote: bool
    current_item: ItemRow | None
    can_manage: bool
    scheduled_day: dt.date  # the date it was convened for, in its own time zone


def current_item(items: list[ItemRow], vote: Vote | None) -> ItemRow | None:
    """The item being dealt with: the open vote's, else the latest motion still to be voted,
    else the last vote's (the session records no separate "current item")."""
    if vote is not None and vote.state == Vote.State.OPEN:
        return next((r for r in items if r.item.pk == vote.motion.agenda_item_id), None)
    latest: tuple[int, ItemRow] | None = None
    for row in items:
        for motion in [m for line in row.motions for m in (line.motion, *line.amendments)]:
            if motion.state == Motion.State.PROPOSED and (latest is None or motion.pk > latest[0]):
                latest = (motion.pk, row)
    if latest is not None:
        return latest[1]
    if vote is not None:
        return next((r for r in items if r.item.pk == vote.motion.agenda_item_id), None)
    return None


def console_state(session: Session, revision: int, *, user: Any) -> ConsoleState:
    """Everything the console shows, in a fixed number of queries (about 11)."""
    items = agenda_with_motions(session)
    vote = current_vote(session)
    return ConsoleState(
        session=session,
        revision=revision,
        quorum=live_roll(session).quorum,
        attendance=attendance_counts(session),
        items=items,
        vote=vote_view(vote) if vote is not None else None,
        open_vote=vote is not None and vote.state == Vote.State.OPEN,
        current_item=current_item(items, vote),
        can_manage=can(user, MANAGE, session),
        scheduled_day=opening_day(session),
    )


# --- The delegate's live view ----------------------------------------------------------------


@dataclass(frozen=True)
class BallotUnit:
    """A voting member the user may cast a ballot for, and whether it has already voted."""

    key: str
    label: str
    by_proxy: bool
    voted: bool


@dataclass(frozen=True)
class DelegateState:
    """The delegate's live view. What this user may do (their voting members, whether each
    has voted, why they cannot vote) is computed at once; what every delegate sees alike
    (the vote's figures, the current item) only when the page renders it, so that a
    fragment already cached for this revision costs no query (templates: {% cache %})."""

    session: Session
    revision: int
    stamp: str
    quorum: QuorumPanel
    vote: Vote | None
    units: list[BallotUnit]
    cannot_vote: str

    @cached_property
    def vote_view(self) -> VoteView | None:
        return vote_view(self.vote) if self.vote is not None else None

    @cached_property
    def current_item(self) -> ItemRow | None:
        return current_item(agenda_with_motions(self.session), self.vote)

    @property
    def secret_open(self) -> bool:
        vote = self.vote
        return bool(vote and vote.state == Vote.State.OPEN and vote.method == Vote.Method.SECRET)


def ballot_units(units: list[VoterUnit], vote: Vote | None) -> list[BallotUnit]:
    """The user's voting members, each marked when its receipt exists (1 query with a vote)."""
    voted: set[str] = set()
    if vote is not None and units:
        receipts = BallotReceipt.objects.filter(vote=vote).values_list("institution_id", "seat_id")
        voted = {f"s{s}" if s else f"i{i}" for i, s in receipts}
    return [BallotUnit(u.key, u.label, u.by_proxy, u.key in voted) for u in units]


def delegate_state(
    session: Session, user: Any, revision: int, vote: Vote | None = None
) -> DelegateState:
    """The delegate's view: quorum, the item, the vote (the current one unless given) and what
    this user can do (fixed queries)."""
    live: LiveRoll = live_roll(session)
    vote = vote or current_vote(session)
    units = ballot_units(
        live.units_for(user), vote if vote and vote.method == Vote.Method.SECRET else None
    )
    return DelegateState(
        session=session,
        revision=revision,
        stamp=live.stamp,
        quorum=live.quorum,
        vote=vote,
        units=units,
        cannot_vote="" if units else live.why_not(session, user),
    )


# --- Server push: the versions the open streams follow (decision 0011) -----------------------


def live_versions(pks: list[int]) -> dict[int, tuple[int, ...]]:
    """Each session's (revision, latest change of standing, receipts of its open secret
    ballot), in one query whatever the number of sessions: the hub of each process reads
    it for the sessions its open pages follow (`core.push`, registered in apps.py)."""
    from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    from secretariat.members.models import VotingSuspension

    receipts = (
        BallotReceipt.objects.filter(
            vote__motion__session=OuterRef("pk"), vote__state=Vote.State.OPEN
        )
        .order_by()
        .values("vote__motion__session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    standing = VotingSuspension.history.model.objects.order_by("-history_id").values("history_id")[
        :1
    ]
    rows = (
        Session.objects.filter(pk__in=pks)
        .annotate(
            ballots=Coalesce(Subquery(receipts, output_field=IntegerField()), Value(0)),
            standing=Coalesce(Subquery(standing, output_field=IntegerField()), Value(0)),
        )
        .values_list("pk", "revision", "standing", "ballots")
    )
    return {pk: (revision, standing, ballots) for pk, revision, standing, ballots in rows}


# What each live panel shows of a session's version (revision, standing, ballots), as
# `live_versions` reads it: the console follows the count of ballots too; a delegate's page
# not (a ballot changes no one's page but the caster's, decision 0008); the public session
# page only the revision (it shows no quorum). The stream and the page's `live_id` both use it.
PANEL_PARTS: dict[str, Callable[[tuple[int, ...]], tuple[int, ...]]] = {
    "c": lambda v: v[:3],
    "d": lambda v: v[:2],
    "p": lambda v: v[:1],
}


def live_id(version: LiveVersion, panel: str) -> str:
    """What an open page of `panel` shows of the session's version, named as its stream
    names it (`core.push.version_label`)."""
    parts = PANEL_PARTS[panel]((version.revision, version.standing, version.ballots))
    return push.version_label(parts)
