"""The live quorum and the live roll of a session, as its panels show them.

Quorum (shared/domain.md, "Quorum" [D]; rule setting `quorum`): more than a share (by
default one half) of the members entitled to vote, present or represented. The roll
(composition × attendance × proxies, `selectors.composition.session_roll`) is the costly
part of a live panel, so it is cached under a fingerprint of everything it is computed from
(decision 0007): a ballot or a motion does not recompute it, a change of attendance,
credentials, proxies, seats, standing or rules always does.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.core.cache import caches
from django.db import connection
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from secretariat.core.selectors.rule_settings import RuleInForce
from secretariat.governance.arithmetic import QuorumResult
from secretariat.governance.body_rules import body_rule
from secretariat.governance.models import Participant, Session
from secretariat.governance.selectors.composition import (
    SeatRow,
    SessionRoll,
    UnitStatus,
    session_day,
    session_roll,
    units_for_user,
    why_user_cannot_vote,
)

# The roll is about 20-40 ms for a General Assembly of 300 members: kept this long, under a
# key that names every input (a change of any of them is a new key).
ROLL_CACHE_SECONDS = 300


def share_words(share: list[int] | tuple[int, int]) -> str:
    """The quorum's share in words: "more than half", "more than two-thirds", "more than 3/5"."""
    num, den = int(share[0]), int(share[1])
    if (num, den) == (1, 2):
        return _("more than half")
    if (num, den) == (2, 3):
        return _("more than two-thirds")
    return _("more than %(num)s/%(den)s") % {"num": num, "den": den}


@dataclass(frozen=True)
class QuorumPanel:
    """The live quorum as shown: the four figures, the rule in words, and whether confirmed."""

    entitled: int
    present: int
    needed: int
    met: bool
    rule_text: str
    confirmed: bool
    legal_basis: str

    @property
    def missing(self) -> int:
        return max(0, self.needed - self.present)


def quorum_panel(roll: SessionRoll, rule: RuleInForce) -> QuorumPanel:
    """The quorum of a roll with the rule in force, in words (shared/domain.md "Quorum")."""
    q = roll.quorum
    share = share_words(roll.quorum_share)
    if roll.session.body.all_members_sit:
        text = _("Quorum: %(share)s of the members entitled to vote, present or represented.")
    else:
        text = _("Quorum: %(share)s of the voting seats, present or represented.")
    return QuorumPanel(
        entitled=q.entitled,
        present=q.present,
        needed=q.needed,
        met=q.met,
        rule_text=text % {"share": share},
        confirmed=rule.confirmed,
        legal_basis=rule.legal_basis,
    )


@functools.cache
def _fingerprint_sql(vendor: str) -> str:
    """SELECT the latest change of each input of the roll (built from the models' tables),
    once per database engine, `vendor`: reaching the history models through django-simple-
    history's managers costs about 0.3 ms each, 2.4 ms a live panel (issue #10)."""
    from secretariat.core.models import RuleSetting
    from secretariat.governance.models import AttendanceEvent, Proxy, Seat
    from secretariat.members.models import Category, Membership, VotingSuspension

    q = connection.ops.quote_name

    def latest(model: Any, column: str, where: str = "") -> str:
        table = q(model._meta.db_table)
        # Only table and column names of our own models, quoted; values go as parameters.
        return f"(SELECT MAX({q(column)}) FROM {table}{where})"  # noqa: S608

    def history(model: Any) -> Any:
        return model.history.model  # django-simple-history

    by_session = f" WHERE {q('session_id')} = %s"
    parts = [
        latest(AttendanceEvent, "id", by_session),
        latest(history(Participant), "history_id", by_session),
        latest(history(Proxy), "history_id", by_session),
        latest(history(Seat), "history_id", f" WHERE {q('body_id')} = %s"),
        latest(history(Membership), "history_id"),
        latest(history(Category), "history_id"),
        latest(history(VotingSuspension), "history_id"),
        latest(history(RuleSetting), "history_id"),
    ]
    return "SELECT " + ", ".join(parts)


def roll_fingerprint(session: Session) -> tuple[Any, ...]:
    """The latest change of each input of the roll, in one query: attendance events, the
    session's participants (credentials, withdrawal) and proxies, the body's seats, every
    membership, category and suspension of the right to vote, and the rule settings. (Raw SQL:
    the ORM would spend longer compiling eight subqueries than the database running them.)"""
    with connection.cursor() as cursor:
        pk = session.pk
        cursor.execute(_fingerprint_sql(connection.vendor), [pk, pk, pk, session.body_id])
        return tuple(cursor.fetchone() or ())


@dataclass(frozen=True)
class VoterUnit:
    """A voting member a user may cast a vote for now (their own, or held by proxy)."""

    key: str
    label: str
    by_proxy: bool


@dataclass(frozen=True)
class LiveRoll:
    """What the live panels need from the roll, as plain values (cheap to cache and load):
    the quorum; the voting members each user may vote for (from
    `composition.units_for_user`); and a skeleton of the roll without people (`units`),
    against which `composition.why_user_cannot_vote` gives the reason to everyone else. It
    holds no session: the caller's is used (`why_not`)."""

    quorum: QuorumPanel
    units_by_user: dict[int, list[VoterUnit]]
    day: dt.date
    units: list[UnitStatus]
    counted: QuorumResult
    quorum_share: list[int]
    participants_present: int
    stamp: str = ""  # the cache key: names this state of the roll (for cached fragments)

    def units_for(self, user: Any) -> list[VoterUnit]:
        return self.units_by_user.get(getattr(user, "pk", None) or 0, [])

    def why_not(self, session: Session, user: Any) -> str:
        """The reason this user has no vote (one query: their registration)."""
        if not (user and user.is_authenticated):
            return _("You are not registered as a delegate for this session.")
        return why_user_cannot_vote(session, user, _roll(session, self, self.units))


def _roll(session: Session, like: SessionRoll | LiveRoll, units: list[UnitStatus]) -> SessionRoll:
    """A roll of these units, with the day and quorum of `like`."""
    counted = like.quorum if isinstance(like, SessionRoll) else like.counted
    return SessionRoll(
        session=session,
        day=like.day,
        units=units,
        quorum=counted,
        quorum_share=like.quorum_share,
        participants_present=like.participants_present,
        others=[],
    )


def _voter_units(session: Session, roll: SessionRoll) -> dict[int, list[VoterUnit]]:
    """For each user, the voting members they may vote for now. Each user is asked about the
    few units that concern them (those they are a present delegate of, and those represented
    by proxy): units_for_user stays the one rule, and the whole is linear in the roll."""
    mine: dict[int, list[UnitStatus]] = {}
    for u in roll.units:
        if u.row.has_vote:
            for p in u.delegates_present:
                if p.user_id is not None:
                    mine.setdefault(p.user_id, []).append(u)
    proxied: dict[int, list[UnitStatus]] = {}
    for u in roll.units:
        if u.represented_by is not None:
            proxied.setdefault(u.represented_by.pk, []).append(u)
    by_user: dict[int, list[VoterUnit]] = {}
    for user_id, units in mine.items():
        held = [u.row.institution.pk for u in units if u.row.institution is not None]
        relevant = units + [g for pk in held for g in proxied.get(pk, [])]
        user = SimpleNamespace(pk=user_id, is_authenticated=True)
        by_user[user_id] = [
            VoterUnit(u.row.key, u.row.label, u.represented_by is not None)
            for u in units_for_user(session, user, _roll(session, roll, relevant))
        ]
    return by_user


def _summarise(session: Session, roll: SessionRoll, rule: RuleInForce) -> LiveRoll:
    skeleton = [
        UnitStatus(
            row=SeatRow(
                key=u.row.key,
                label=u.row.label,
                capacity=u.row.capacity,
                capacity_label=u.row.capacity_label,
                has_vote=u.row.has_vote,
                no_vote_reason=u.row.no_vote_reason,
            )
        )
        for u in roll.units
    ]
    return LiveRoll(
        quorum=quorum_panel(roll, rule),
        units_by_user=_voter_units(session, roll),
        day=roll.day,
        units=skeleton,
        counted=roll.quorum,
        quorum_share=roll.quorum_share,
        participants_present=roll.participants_present,
    )


def live_roll(session: Session) -> LiveRoll:
    """The live roll: 1 query when cached (the fingerprint), else 7 more (composition 3,
    attendance 1, proxies 1, quorum rule 1) and the summary computed once."""
    day = session_day(session)
    stamp = ".".join(str(v or 0) for v in roll_fingerprint(session))
    # The summary holds translated text (the rule in words, why a member has no vote).
    lang = get_language() or ""
    key = f"governance:roll2:{session.pk}:{session.state}:{day.isoformat()}:{lang}:{stamp}"
    live = _memo_get(key)
    if live is not None and caches["local"].has_key(key):  # kept as long as the cache keeps it
        return dataclasses.replace(live, stamp=key)
    live = caches["local"].get(key)
    if live is None:
        with _computing(key):
            # Another request of this process may have computed it while this one waited.
            live = caches["local"].get(key)
            if live is None:
                roll = session_roll(session, day)
                live = _summarise(session, roll, body_rule(session.body, "quorum", roll.day))
                caches["local"].set(key, live, ROLL_CACHE_SECONDS)
    _memo_put(key, live)
    return dataclasses.replace(live, stamp=key)


# The last few rolls this process read, unpickled: a cache read unpickles the whole roll (213 kB
# with 1,000 members: 4-7 ms, a third of a delegate's panel), and with server push every open
# page asks for its panel at once after a change (bench/push_latency.py, issue #10). Keyed by
# the fingerprint of everything the roll depends on, like the cache, so never stale; used only
# while the cache still holds the key (a cheap check, no unpickling); read only.
_MEMO_SIZE = 8
_memo: OrderedDict[str, LiveRoll] = OrderedDict()
_memo_lock = threading.Lock()


def _memo_get(key: str) -> LiveRoll | None:
    with _memo_lock:
        live = _memo.get(key)
        if live is not None:
            _memo.move_to_end(key)
        return live


def _memo_put(key: str, live: LiveRoll) -> None:
    with _memo_lock:
        _memo[key] = live
        _memo.move_to_end(key)
        while len(_memo) > _MEMO_SIZE:
            _memo.popitem(last=False)


# One computation of a roll at a time per process and key. With server push every open page
# asks for its panel within milliseconds of a change (decision 0011): without this, each of
# those requests found the cache empty and computed the roll itself (107-164 ms of CPU with
# 1,000 members; bench/push_latency.py, issue #10). The others now wait for the first one.
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


@contextlib.contextmanager
def _computing(key: str) -> Iterator[None]:
    with _locks_guard:
        lock = _locks.setdefault(key, threading.Lock())
    try:
        with lock:
            yield
    finally:
        with _locks_guard:
            if _locks.get(key) is lock and not lock.locked():
                del _locks[key]


def live_quorum(session: Session) -> QuorumPanel:
    return live_roll(session).quorum
