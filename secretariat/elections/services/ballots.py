"""The ballot at the session: contests, rounds by secret ballot or acclamation, ties and the
result (issue #11 "The ballot"; shared/domain.md "Presidency, Secretary General,
Comptroller, CIESS Director" [D]).

A round by secret ballot is a governance secret vote between options (decisions 0008, 0012):
its receipts say who voted, its tallies only count, so the secrecy proof is the hall's. The
rules (`elections.majority`, `elections.later_rounds_majority`,
`elections.next_round_candidates`, `elections.next_round_tie`, `elections.max_rounds`,
`elections.acclamation_single_candidate`) are read in force on the session's date and
recorded on each round.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from secretariat.core.access import can, require, require_reason
from secretariat.core.audit import locked, save_audited, snapshot
from secretariat.core.models import User
from secretariat.core.selectors.rule_settings import RuleInForce, rule_in_force
from secretariat.elections import arithmetic
from secretariat.elections.models import CallOffice, Contest, Nomination, Round, RoundCandidate
from secretariat.elections.selectors.ballots import (
    ballot_candidates,
    candidate_name,
    option_key,
    signed_report,
)
from secretariat.elections.services.mandates import mandate_from_election
from secretariat.governance.models import (
    AgendaItem,
    BallotReceipt,
    DecisionKind,
    Motion,
    SecretTally,
    Session,
    Vote,
)
from secretariat.governance.selectors.composition import session_day
from secretariat.governance.services import motions as motion_services
from secretariat.governance.services import resolutions as resolution_services
from secretariat.governance.services import votes as vote_services

MANAGE = "elections.manage_ballots"
CONTEST_FIELDS = ["call_office", "place", "session", "agenda_item", "state", "started_at"]
ROUND_FIELDS = ["contest", "number", "method", "vote", "remote", "window_start", "window_end"]
LANGUAGES = ("es", "en", "pt", "fr")


def _check_election_session(call_office: CallOffice, session: Session) -> None:
    body_id = call_office.office.electing_body_id
    if body_id is not None and session.body_id != body_id:
        raise ValidationError(
            {"session": _("This office is elected by another body; choose one of its sessions.")}
        )
    if session.state not in (Session.State.CONVENED, Session.State.OPEN):
        raise ValidationError(
            {"session": _("Elections are held at a session that is convened or in progress.")}
        )


def _election_item(session: Session, agenda_item: AgendaItem | None) -> AgendaItem:
    if agenda_item is not None:
        if agenda_item.session_id != session.pk or agenda_item.withdrawn:
            raise ValidationError({"agenda_item": _("Choose an item of this session's agenda.")})
        return agenda_item
    item = (
        AgendaItem.objects.filter(
            session=session, withdrawn=False, outcome=AgendaItem.Outcome.ELECTION
        )
        .order_by("position", "pk")
        .first()
    )
    if item is None:
        raise ValidationError(
            {"agenda_item": _("Add an election item to the session's agenda first.")}
        )
    return item


@transaction.atomic
def contest_start(
    *,
    actor: User,
    call_office: CallOffice,
    place: int,
    session: Session,
    agenda_item: AgendaItem | None = None,
) -> Contest:
    """Start the election of one place of an office at a session of its electing body
    (issue #11 "each office is elected in turn"). Needs the Call's signed eligibility report
    (shared/domain.md: the Secretariat "reports to the GA whether each candidate ... meets the
    requirements") and at least one eligible candidate not already elected to another place."""
    require(actor, MANAGE)
    call_office = CallOffice.objects.select_related("office", "call").get(pk=call_office.pk)
    session = locked(session)
    _check_election_session(call_office, session)
    if not 1 <= int(place) <= call_office.places:
        raise ValidationError(
            {"place": _("This office has %(places)s places.") % {"places": call_office.places}}
        )
    if signed_report(call_office.call) is None:
        raise ValidationError(
            _(
                "The eligibility report of this Call has not been signed: it goes to the "
                "Assembly before the ballot."
            )
        )
    if not ballot_candidates(call_office):
        raise ValidationError(
            _("There is no eligible candidate for %(office)s: nobody can be put to the vote.")
            % {"office": call_office.office}
        )
    if Contest.objects.filter(call_office=call_office, place=place).exists():
        raise ValidationError(_("This place is already being elected."))
    contest = Contest(
        call_office=call_office,
        place=place,
        session=session,
        agenda_item=_election_item(session, agenda_item),
        started_by=actor,
        started_at=timezone.now(),
    )
    save_audited(contest, actor=actor, event="contest.started", fields=CONTEST_FIELDS)
    return contest


def _rules(session: Session) -> dict[str, RuleInForce]:
    day = session_day(session)
    keys = {
        "majority": "elections.majority",
        "later_majority": "elections.later_rounds_majority",
        "next_round_size": "elections.next_round_candidates",
        "tie_rule": "elections.next_round_tie",
        "max_rounds": "elections.max_rounds",
        "acclamation": "elections.acclamation_single_candidate",
    }
    return {name: rule_in_force(key=key, on=day) for name, key in keys.items()}


def _recorded(rules: dict[str, RuleInForce]) -> dict[str, Any]:
    """The rules as a round records them: values, and which ones are still [D] defaults."""
    out: dict[str, Any] = {name: r.value for name, r in rules.items()}
    out["unconfirmed"] = sorted(r.key for r in rules.values() if not r.confirmed)
    return out


def _titles(contest: Contest, number: int) -> dict[str, str]:
    office = contest.call_office.office
    texts: dict[str, str] = {}
    for lang in LANGUAGES:
        with translation.override(lang):
            name = getattr(office, f"name_{lang}", "") or office.name
            texts[f"title_{lang}"] = _("Election of %(office)s — round %(number)s") % {
                "office": name,
                "number": number,
            }
            texts[f"text_{lang}"] = _(
                "The Assembly elects %(office)s (place %(place)s) by secret ballot among the "
                "eligible candidates."
            ) % {"office": name, "place": contest.place}
    return texts


def _motion(actor: User, contest: Contest, number: int) -> Motion:
    t = _titles(contest, number)
    return motion_services.motion_add(
        actor=actor,
        session=contest.session,
        agenda_item=contest.agenda_item,  # type: ignore[arg-type]
        title_es=t["title_es"],
        text_es=t["text_es"],
        title_en=t["title_en"],
        text_en=t["text_en"],
        title_pt=t["title_pt"],
        text_pt=t["text_pt"],
        title_fr=t["title_fr"],
        text_fr=t["text_fr"],
        proposer=_("General Secretariat"),
        decision_kind=DecisionKind.ELECTION,
    )


def _nominations(contest: Contest, keys: list[str]) -> list[Nomination]:
    """The contest's candidates with these option keys, in that order (most voted first)."""
    by_key = {
        c.option_key: c.nomination
        for c in RoundCandidate.objects.filter(round__contest=contest).select_related("nomination")
    }
    return [by_key[k] for k in keys if k in by_key]


def _next_candidates(
    contest: Contest, last: Round | None
) -> tuple[list[Nomination], dict[str, Any]]:
    """Who is on the next round's ballot, and what the round is (a round among tied
    candidates for the contested places, or a regular round)."""
    if last is None:
        return ballot_candidates(contest.call_office), {"kind": "regular"}
    if last.outcome == Round.Outcome.NEXT_ROUND:
        return _nominations(contest, last.rules.get("advancing", [])), {"kind": "regular"}
    if last.outcome == Round.Outcome.TIE and "drawn" in last.rules:
        keys = list(last.rules.get("advancing", [])) + list(last.rules["drawn"])
        return _nominations(contest, keys), {"kind": "regular"}
    if last.outcome == Round.Outcome.TIE and last.rules.get("tie_rule") == "tie_round":
        tied = set(last.rules.get("tied", []))
        carried = list(last.rules.get("advancing", []))
        nominations = [c.nomination for c in last.candidates.all() if c.option_key in tied]
        return nominations, {
            "kind": "tie_round",
            "places": last.rules.get("contested", 1),
            "carried": carried,
        }
    if last.outcome == Round.Outcome.TIE:
        raise ValidationError(_("Record the draw among the tied candidates first."))
    raise ValidationError(_("This contest has no further round."))


@transaction.atomic
def round_open(
    *, actor: User, contest: Contest, remote: bool = False, window_end: Any = None
) -> Round:
    """Open the next round of a contest: a governance motion (kind ELECTION) put to a secret
    ballot between the candidates (and a blank ballot). The first round's majority is
    `elections.majority`, later rounds' `elections.later_rounds_majority` ([D]). `remote`
    (exceptional, issue #11 "Non-presential voting"): every accredited delegate votes from
    their own account until `window_end`, without being marked present."""
    require(actor, MANAGE)
    contest = locked(contest)
    if contest.state != Contest.State.OPEN:
        raise ValidationError(_("This contest is over."))
    contest = Contest.objects.select_related("call_office__office", "session", "agenda_item").get(
        pk=contest.pk
    )
    last = contest.rounds.order_by("-number").first()
    if last is not None and last.outcome == Round.Outcome.PENDING:
        raise ValidationError(_("Close the round being voted first."))
    nominations, kind = _next_candidates(contest, last)
    if not nominations:
        raise ValidationError(_("There is no candidate to put to the vote."))
    now = timezone.now()
    if remote:
        if window_end is None or window_end <= now:
            raise ValidationError(
                {"window_end": _("Set when the non-presential vote closes, in the future.")}
            )
    elif contest.session.state != Session.State.OPEN:
        raise ValidationError(_("A round in the hall is held while the session is in progress."))
    rules = _rules(contest.session)
    number = (last.number + 1) if last else 1
    regular = [r for r in contest.rounds.all() if r.rules.get("kind", "regular") == "regular"]
    majority = rules["majority"] if not regular else rules["later_majority"]
    motion = _motion(actor, contest, number)
    options = [(option_key(n), candidate_name(n)) for n in nominations]
    vote = vote_services.vote_open(
        actor=actor,
        motion=motion,
        method=Vote.Method.SECRET,
        options=options,
        majority=majority,
        remote=remote,
    )
    recorded = _recorded(rules) | kind | {"regular_number": len(regular) + 1}
    recorded["majority_applied"] = majority.value
    rnd = Round(
        contest=contest,
        number=number,
        method=Round.Method.SECRET,
        vote=vote,
        remote=remote,
        window_start=now if remote else None,
        window_end=window_end if remote else None,
        rules=recorded,
        opened_at=now,
    )
    save_audited(
        rnd,
        actor=actor,
        event="round.opened",
        fields=ROUND_FIELDS,
        new={"number": number, "candidates": dict(options), "remote": remote, "vote": vote.pk},
    )
    RoundCandidate.objects.bulk_create(
        [
            RoundCandidate(round=rnd, nomination=n, option_key=option_key(n), order=i)
            for i, n in enumerate(nominations, start=1)
        ]
    )
    return rnd


def _refuse_outside_window(rnd: Round) -> None:
    now = timezone.now()
    start, end = rnd.window_start, rnd.window_end
    if start is None or end is None or not start <= now <= end:
        raise ValidationError(
            _("This non-presential vote is open from %(start)s to %(end)s.")
            % {
                "start": date_format(timezone.localtime(start), "DATETIME_FORMAT")
                if start
                else "—",
                "end": date_format(timezone.localtime(end), "DATETIME_FORMAT") if end else "—",
            }
        )


def round_ballot_cast(*, user: User, rnd: Round, unit_key: str, choice: str) -> BallotReceipt:
    """A delegate casts their member's ballot in a round (governance's `ballot_cast`: the same
    receipts chain and tallies). A non-presential round is refused outside its window, with
    the times stated; there the delegate need not be present (issue #11)."""
    if rnd.vote is None or rnd.outcome != Round.Outcome.PENDING:
        raise ValidationError(_("This round is not being voted."))
    if rnd.remote:
        _refuse_outside_window(rnd)
    return vote_services.ballot_cast(
        user=user, vote=rnd.vote, unit_key=unit_key, choice=choice, remote=rnd.remote
    )


def _adopt_resolution(actor: User, contest: Contest, motion: Motion) -> Any:
    """The resolution recording the result, when governance's series allows it (its number
    set, the actor allowed); else none, the motion carried stands as the record."""
    if not can(actor, "governance.manage_resolutions"):
        return None
    titles = {
        f"{field}_{lang}": getattr(motion, f"{field}_{lang}", "") or ""
        for field in ("title", "text")
        for lang in LANGUAGES
    }
    try:
        with transaction.atomic():
            return resolution_services.resolution_adopt(
                actor=actor, motion=motion, kind="resolution", **titles
            )
    except (ValidationError, PermissionDenied):
        return None


def _elect(actor: User, contest: Contest, nomination: Nomination, motion: Motion) -> None:
    old = snapshot(contest, ["state", "elected", "resolution"])
    contest.state = Contest.State.ELECTED
    contest.elected = nomination
    contest.ended_at = timezone.now()
    contest.resolution = _adopt_resolution(actor, contest, motion)
    save_audited(
        contest,
        actor=actor,
        event="contest.elected",
        old=old,
        new=snapshot(contest, ["state", "elected", "resolution"]),
        clean=False,  # the outcome of the round just counted
    )
    mandate_from_election(actor=actor, contest=contest)


def _count(rnd: Round, vote: Vote) -> tuple[dict[str, int], int]:
    tallies = dict(SecretTally.objects.filter(vote=vote).values_list("choice", "count"))
    blank = tallies.pop("abstain", 0)
    return tallies, blank


@transaction.atomic
def round_close(*, actor: User, rnd: Round) -> Round:
    """Close a round: the vote closes (its tallies checked against its receipts exactly),
    the arithmetic applies the rules recorded when it opened (`elections.arithmetic`), each
    candidate's votes and whether they go on are recorded, and the outcome: elected (the
    contest, the resolution when it can be adopted, and the mandate), another round, a tie
    to resolve, or failed. It opens nothing by itself."""
    require(actor, MANAGE)
    rnd = locked(rnd)
    if rnd.outcome != Round.Outcome.PENDING or rnd.vote is None:
        raise ValidationError(_("This round is already closed."))
    rnd = Round.objects.select_related("contest__session", "vote__motion").get(pk=rnd.pk)
    vote = rnd.vote
    assert vote is not None
    early = rnd.remote and rnd.window_end and timezone.now() < rnd.window_end
    if early and vote.ballots_cast < vote.entitled:
        raise ValidationError(
            _("The non-presential vote is open until %(end)s; it closes then.")
            % {"end": date_format(timezone.localtime(rnd.window_end), "DATETIME_FORMAT")}
        )
    vote = vote_services.vote_close(actor=actor, vote=vote)
    counts, blank = _count(rnd, vote)
    rules = rnd.rules
    if rules.get("kind") == "tie_round":
        part = arithmetic.places_result(
            counts=counts, blank=blank, places=rules["places"], tie_rule="tie_round"
        )
        result = arithmetic.RoundResult(
            part.outcome,
            None,
            tuple(rules.get("carried", [])) + part.advancing,
            part.tied,
            part.contested,
            part.valid,
            blank,
        )
    else:
        result = arithmetic.round_result(
            counts=counts,
            blank=blank,
            majority=rules["majority_applied"],
            present=vote.present,
            entitled=vote.entitled,
            next_round_size=rules["next_round_size"],
            tie_rule=rules["tie_rule"],
            round_number=rules["regular_number"],
            max_rounds=rules["max_rounds"],
        )
    candidates = list(rnd.candidates.select_related("nomination"))
    for c in candidates:
        c.votes = counts.get(c.option_key, 0)
        c.advances = c.option_key in result.advancing
    RoundCandidate.objects.bulk_update(candidates, ["votes", "advances"])
    old = snapshot(rnd, ["outcome"])
    rnd.outcome = result.outcome
    rnd.closed_at = timezone.now()
    rnd.rules = rules | {
        "advancing": list(result.advancing),
        "tied": list(result.tied),
        "contested": result.contested,
    }
    save_audited(
        rnd,
        actor=actor,
        event="round.closed",
        old=old,
        new={
            "outcome": result.outcome,
            "votes": counts,
            "blank": blank,
            "elected": result.elected,
            "advancing": list(result.advancing),
            "tied": list(result.tied),
        },
        clean=False,  # counted from the closed vote above
    )
    contest = locked(rnd.contest)
    if result.outcome == arithmetic.ELECTED:
        winner = next(c.nomination for c in candidates if c.option_key == result.elected)
        _elect(actor, contest, winner, vote.motion)
    elif result.outcome == arithmetic.FAILED:
        old = snapshot(contest, ["state"])
        contest.state = Contest.State.FAILED
        contest.ended_at = timezone.now()
        save_audited(
            contest,
            actor=actor,
            event="contest.failed",
            old=old,
            new={"state": contest.state},
            clean=False,
        )
    return rnd


@transaction.atomic
def round_tie_resolve(*, actor: User, rnd: Round, keys: list[str], reason: str) -> Round:
    """Record the chair's draw of lots for the contested places of a tie
    (`elections.next_round_tie` = "lot"); those drawn go on with those already sure."""
    require(actor, MANAGE)
    text = require_reason(reason)
    rnd = locked(rnd)
    rules = rnd.rules
    if rnd.outcome != Round.Outcome.TIE or rules.get("tie_rule") != "lot" or "drawn" in rules:
        raise ValidationError(_("There is no draw of lots to record in this round."))
    keys = list(dict.fromkeys(keys))
    tied = rules.get("tied", [])
    if not set(keys) <= set(tied) or len(keys) != rules.get("contested"):
        raise ValidationError(
            {
                "keys": _("Choose %(n)s of the tied candidates, as drawn.")
                % {"n": rules.get("contested")}
            }
        )
    chosen = set(rules.get("advancing", [])) | set(keys)
    RoundCandidate.objects.filter(round=rnd, option_key__in=chosen).update(advances=True)
    rnd.rules = rules | {"drawn": keys}
    save_audited(
        rnd,
        actor=actor,
        event="round.tie_resolved",
        old={"drawn": None},
        new={"drawn": keys},
        reason=text,
        clean=False,
    )
    return rnd


@transaction.atomic
def contest_acclaim(*, actor: User, contest: Contest, reason: str) -> Contest:
    """Elect the one eligible candidate by acclamation, when the rules allow it
    (`elections.acclamation_single_candidate`, shared/domain.md [D]: "acclamation when
    there is a single eligible candidate"); a governance vote by acclamation, which needs
    quorum; the mandate follows."""
    require(actor, MANAGE)
    text = require_reason(reason)
    contest = locked(contest)
    if contest.state != Contest.State.OPEN or contest.rounds.exists():
        raise ValidationError(_("Acclamation is only possible before any round."))
    contest = Contest.objects.select_related("call_office__office", "session", "agenda_item").get(
        pk=contest.pk
    )
    rules = _rules(contest.session)
    if not rules["acclamation"].value:
        raise ValidationError(_("The rules in force do not allow election by acclamation."))
    candidates = ballot_candidates(contest.call_office)
    if len(candidates) != 1:
        raise ValidationError(
            _("Acclamation needs exactly one eligible candidate; there are %(n)s.")
            % {"n": len(candidates)}
        )
    motion = _motion(actor, contest, 1)
    vote = vote_services.vote_open(
        actor=actor, motion=motion, method=Vote.Method.ACCLAMATION, reason=text
    )
    now = timezone.now()
    rnd = Round(
        contest=contest,
        number=1,
        method=Round.Method.ACCLAMATION,
        vote=vote,
        outcome=Round.Outcome.ELECTED,
        rules=_recorded(rules) | {"kind": "acclamation"},
        opened_at=now,
        closed_at=now,
    )
    save_audited(rnd, actor=actor, event="round.acclaimed", fields=ROUND_FIELDS, reason=text)
    nomination = candidates[0]
    RoundCandidate.objects.create(
        round=rnd, nomination=nomination, option_key=option_key(nomination), order=1
    )
    _elect(actor, contest, nomination, Motion.objects.get(pk=motion.pk))
    return contest
