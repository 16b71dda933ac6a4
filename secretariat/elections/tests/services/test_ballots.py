"""The ballot through its services: rounds, ties, the last round, acclamation, only eligible
candidates on the ballot, the remote window, and secrecy (issue #11 "The ballot")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from secretariat.core.models import ActionLog, RuleSetting
from secretariat.elections.models import Contest, EligibilityReport, Round
from secretariat.elections.services import ballots as services
from secretariat.elections.tests.ballot_world import (  # noqa: F401
    ballot_fixture,
    cast,
    live_fixture,
    session_world,
    start,
    today,
)
from secretariat.governance.models import BallotReceipt, Mandate, Motion, SecretTally, Vote
from secretariat.governance.selectors.composition import unit_key


def logged(event: str) -> ActionLog:
    return ActionLog.objects.filter(event=event).latest("pk")


def test_it_elects_in_two_rounds_and_records_the_mandate_from_the_term_start(ballot):
    # given a contest for the Secretary General with three eligible candidates
    a, b, c = (ballot.key(n) for n in ballot.nominations)
    contest = start(ballot)
    assert logged("contest.started").target_id == str(contest.pk)
    # when round 1 gives 3, 2, 1 of 6 (no absolute majority)
    first = services.round_open(actor=ballot.officer, contest=contest)
    assert logged("round.opened").new_values["number"] == 1
    assert [o.key for o in first.vote.options.all()] == [a, b, c]
    assert first.vote.motion.title_en == "Election of Secretary General — round 1"
    assert first.vote.motion.decision_kind == "election"
    cast(ballot, first, [a, a, a, b, b, c])
    first = services.round_close(actor=ballot.officer, rnd=first)
    # then the two most voted go on
    assert first.outcome == Round.Outcome.NEXT_ROUND
    assert logged("round.closed").new_values["votes"] == {a: 3, b: 2, c: 1}
    votes = {rc.option_key: (rc.votes, rc.advances) for rc in first.candidates.all()}
    assert votes == {a: (3, True), b: (2, True), c: (1, False)}
    assert first.rules["majority_applied"] == "absolute"
    assert Motion.objects.get(pk=first.vote.motion_id).state == Motion.State.NOT_CARRIED
    # when round 2 between them gives 4 to 1 and a blank ballot
    second = services.round_open(actor=ballot.officer, contest=contest)
    assert [o.key for o in second.vote.options.all()] == [a, b]
    assert second.rules["majority_applied"] == "absolute"  # elections.later_rounds_majority
    cast(ballot, second, [a, a, a, a, b, "abstain"])
    second = services.round_close(actor=ballot.officer, rnd=second)
    # then A is elected, the motion carried, and the mandate runs from the term's start
    contest.refresh_from_db()
    assert second.outcome == Round.Outcome.ELECTED
    assert contest.state == Contest.State.ELECTED
    assert contest.elected == ballot.nominations[0]
    vote = Vote.objects.get(pk=second.vote_id)
    assert (vote.yes, vote.no, vote.abstain, vote.carried) == (4, 1, 1, True)
    assert vote.motion.state == Motion.State.CARRIED
    mandate = Mandate.objects.get(pk=contest.mandate_id)
    assert mandate.holder == "Ana Candidata" and mandate.person.name == "Ana Candidata"
    assert mandate.person.nationality.code == "MX"
    assert (mandate.valid_from, mandate.valid_to) == (dt.date(2025, 1, 1), dt.date(2028, 1, 1))
    assert mandate.term_label == "2025–2027"  # the end is exclusive
    assert mandate.how == Mandate.How.ELECTED and mandate.session_id == ballot.live.session.pk
    assert "round 2" in mandate.source
    assert logged("mandate.elected").target_id == str(mandate.pk)
    assert logged("contest.elected").new_values["state"] == "elected"
    assert Mandate.objects.active_on(dt.date(2025, 1, 1)).filter(pk=mandate.pk).exists()
    assert not Mandate.objects.active_on(dt.date(2024, 12, 31)).filter(pk=mandate.pk).exists()


def test_it_puts_only_eligible_candidates_on_the_ballot(ballot):
    contest = start(ballot)
    rnd = services.round_open(actor=ballot.officer, contest=contest)
    keys = {o.key for o in rnd.vote.options.all()}
    assert ballot.key(ballot.ineligible) not in keys and len(keys) == 3
    with pytest.raises(ValidationError):
        services.round_ballot_cast(
            user=ballot.live.users[ballot.live.full[0].pk],
            rnd=rnd,
            unit_key=unit_key(institution_id=ballot.live.full[0].pk),
            choice=ballot.key(ballot.ineligible),
        )
    assert sum(SecretTally.objects.filter(vote=rnd.vote).values_list("count", flat=True)) == 0


def test_it_refuses_to_start_without_a_signed_report_or_eligible_candidates(ballot):
    EligibilityReport.objects.update(state=EligibilityReport.State.DRAFT)
    with pytest.raises(ValidationError, match="not been signed"):
        start(ballot)
    EligibilityReport.objects.update(state=EligibilityReport.State.SIGNED)
    for n in ballot.nominations:
        n.state = n.State.WITHDRAWN
        n.save()
    with pytest.raises(ValidationError, match="no eligible candidate"):
        start(ballot)
    assert not Contest.objects.exists()


def test_it_refuses_anyone_without_the_permission(ballot, rep_a):
    with pytest.raises(PermissionDenied):
        services.contest_start(
            actor=rep_a, call_office=ballot.call_office, place=1, session=ballot.session
        )


def test_it_fails_when_the_last_round_gives_no_majority(ballot):
    rule_setting_set_for(ballot, "elections.max_rounds", 2)
    a, b, c = (ballot.key(n) for n in ballot.nominations)
    contest = start(ballot)
    first = services.round_open(actor=ballot.officer, contest=contest)
    cast(ballot, first, [a, a, b, b, c, c])
    first = services.round_close(actor=ballot.officer, rnd=first)
    assert first.outcome == Round.Outcome.NEXT_ROUND  # all tied go on (default rule)
    assert first.candidates.filter(advances=True).count() == 3
    second = services.round_open(actor=ballot.officer, contest=contest)
    cast(ballot, second, [a, a, a, b, b, b])
    second = services.round_close(actor=ballot.officer, rnd=second)
    contest.refresh_from_db()
    assert second.outcome == Round.Outcome.FAILED and contest.state == Contest.State.FAILED
    assert logged("contest.failed").target_id == str(contest.pk)
    with pytest.raises(ValidationError):
        services.round_open(actor=ballot.officer, contest=contest)


def rule_setting_set_for(world, key, value):
    RuleSetting.objects.create(
        key=key,
        value=value,
        valid_from="2024-01-01",
        status="confirmed",
        legal_basis="Reglamento de elecciones",
        source="https://example.org/reglamento",
    )


def test_it_records_the_draw_of_lots_for_a_tie(ballot):
    rule_setting_set_for(ballot, "elections.next_round_tie", "lot")
    a, b, c = (ballot.key(n) for n in ballot.nominations)
    contest = start(ballot)
    first = services.round_open(actor=ballot.officer, contest=contest)
    cast(ballot, first, [a, a, b, c, "abstain", "abstain"])
    first = services.round_close(actor=ballot.officer, rnd=first)
    assert first.outcome == Round.Outcome.TIE
    assert (first.rules["tied"], first.rules["contested"]) == ([b, c], 1)
    with pytest.raises(ValidationError, match="draw"):
        services.round_open(actor=ballot.officer, contest=contest)
    with pytest.raises(ValidationError):
        services.round_tie_resolve(actor=ballot.officer, rnd=first, keys=[a], reason="sorteo")
    services.round_tie_resolve(actor=ballot.officer, rnd=first, keys=[c], reason="Sorteo")
    assert logged("round.tie_resolved").reason == "Sorteo"
    second = services.round_open(actor=ballot.officer, contest=contest)
    assert [o.key for o in second.vote.options.all()] == [a, c]


def test_it_holds_a_round_among_the_tied_for_the_contested_place(ballot):
    rule_setting_set_for(ballot, "elections.next_round_tie", "tie_round")
    a, b, c = (ballot.key(n) for n in ballot.nominations)
    contest = start(ballot)
    first = services.round_open(actor=ballot.officer, contest=contest)
    cast(ballot, first, [a, a, b, c, "abstain", "abstain"])
    first = services.round_close(actor=ballot.officer, rnd=first)
    assert first.outcome == Round.Outcome.TIE
    tie = services.round_open(actor=ballot.officer, contest=contest)
    assert [o.key for o in tie.vote.options.all()] == [b, c]
    cast(ballot, tie, [b, b, b, c, c, c])
    tie = services.round_close(actor=ballot.officer, rnd=tie)
    assert tie.outcome == Round.Outcome.TIE  # tied again: another round among them
    tie = services.round_open(actor=ballot.officer, contest=contest)
    cast(ballot, tie, [b, b, b, b, c, c])
    tie = services.round_close(actor=ballot.officer, rnd=tie)
    assert tie.outcome == Round.Outcome.NEXT_ROUND and tie.rules["advancing"] == [a, b]
    final = services.round_open(actor=ballot.officer, contest=contest)
    assert [o.key for o in final.vote.options.all()] == [a, b]
    assert final.rules["regular_number"] == 2


def test_it_elects_the_one_eligible_candidate_by_acclamation(ballot):
    for n in ballot.nominations[1:]:
        n.state = n.State.WITHDRAWN
        n.save()
    contest = start(ballot)
    services.contest_acclaim(actor=ballot.officer, contest=contest, reason="Candidata única")
    contest.refresh_from_db()
    assert contest.state == Contest.State.ELECTED
    rnd = contest.rounds.get()
    assert rnd.method == Round.Method.ACCLAMATION and rnd.vote.method == Vote.Method.ACCLAMATION
    assert rnd.vote.quorum_required is not None
    assert Mandate.objects.get(pk=contest.mandate_id).how == Mandate.How.ACCLAMATION
    assert logged("round.acclaimed").reason == "Candidata única"


def test_it_refuses_acclamation_with_more_candidates_or_when_the_rules_say_no(ballot):
    contest = start(ballot)
    with pytest.raises(ValidationError, match="exactly one"):
        services.contest_acclaim(actor=ballot.officer, contest=contest, reason="x")
    rule_setting_set_for(ballot, "elections.acclamation_single_candidate", False)
    with pytest.raises(ValidationError, match="do not allow"):
        services.contest_acclaim(actor=ballot.officer, contest=contest, reason="x")
    assert not contest.rounds.exists()


def test_a_remote_round_takes_ballots_only_within_its_window_and_without_presence(live, officer):
    # given a convened session, nobody present, a remote round until in an hour
    from secretariat.elections.tests.ballot_world import make_world

    world = make_world(live, officer)
    contest = start(world)
    end = timezone.now() + dt.timedelta(hours=1)
    with pytest.raises(ValidationError):
        services.round_open(actor=officer, contest=contest)  # in the hall: not in session
    rnd = services.round_open(actor=officer, contest=contest, remote=True, window_end=end)
    # every accredited full member counts as taking part; nobody is marked present
    assert rnd.remote and rnd.vote.present == 6
    assert not live.session.participants.filter(present=True).exists()
    a = world.key(world.nominations[0])
    inst = live.full[0]
    # when the first delegate casts from their own account, not present: accepted
    services.round_ballot_cast(
        user=live.users[inst.pk], rnd=rnd, unit_key=unit_key(institution_id=inst.pk), choice=a
    )
    # the round does not close before its window ends
    with pytest.raises(ValidationError, match="open until"):
        services.round_close(actor=officer, rnd=rnd)
    # before and after the window: refused with the times stated
    for moment in (rnd.window_start - dt.timedelta(minutes=1), end + dt.timedelta(seconds=1)):
        Round.objects.filter(pk=rnd.pk).update(window_start=rnd.window_start, window_end=end)
        other = live.full[1]
        with (
            pytest.MonkeyPatch.context() as mp,
            pytest.raises(ValidationError, match="open from"),
        ):
            mp.setattr("django.utils.timezone.now", lambda moment=moment: moment)
            services.round_ballot_cast(
                user=live.users[other.pk],
                rnd=Round.objects.get(pk=rnd.pk),
                unit_key=unit_key(institution_id=other.pk),
                choice=a,
            )
    assert BallotReceipt.objects.filter(vote=rnd.vote).count() == 1


def test_no_table_holds_a_voter_with_a_candidate(ballot):
    a, b, c = (ballot.key(n) for n in ballot.nominations)
    contest = start(ballot)
    rnd = services.round_open(actor=ballot.officer, contest=contest)
    cast(ballot, rnd, [a, b, c, a, b, c])
    services.round_close(actor=ballot.officer, rnd=rnd)
    voter_columns = {"institution_id", "seat_id", "cast_by_id", "user_id", "participant_id"}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = {
                col.name for col in connection.introspection.get_table_description(cursor, table)
            }
            if columns & voter_columns and columns & {"choice", "option_key"}:
                # any table with both may not hold a row of this secret vote
                rows = []
                if "vote_id" in columns:
                    cursor.execute(
                        f'SELECT COUNT(*) FROM "{table}" WHERE vote_id = %s', [rnd.vote_id]
                    )
                    rows = cursor.fetchone()
                assert not rows or rows[0] == 0, table
    # the receipts name who voted, never what; the tallies only count
    receipt_fields = {f.name for f in BallotReceipt._meta.get_fields()}
    assert not receipt_fields & {"choice", "option", "candidate"}
    tally_fields = {f.name for f in SecretTally._meta.get_fields()}
    assert not tally_fields & {"institution", "seat", "cast_by", "cast_at"}
    # the action log of the ballot says who cast nothing: the closing counts only
    for row in ActionLog.objects.filter(event__in=["vote.closed", "round.closed"]):
        assert "institution" not in str(row.new_values)


def test_the_result_is_recorded_as_a_resolution_when_the_series_continues(ballot):
    # given the series' next number set by the Secretariat (it continues the real one)
    from secretariat.governance.models import Resolution, ResolutionSeries

    ResolutionSeries.objects.update_or_create(pk=1, defaults={"next_number": 250})
    a, b, _c = (ballot.key(n) for n in ballot.nominations)
    contest = start(ballot)
    rnd = services.round_open(actor=ballot.officer, contest=contest)
    # when A is elected in the first round
    cast(ballot, rnd, [a, a, a, a, b, b])
    services.round_close(actor=ballot.officer, rnd=rnd)
    # then the result is Resolution No. 250, on the contest and on the mandate
    contest.refresh_from_db()
    resolution = Resolution.objects.get(number=250)
    assert contest.resolution_id == resolution.pk
    assert resolution.motion_id == rnd.vote.motion_id
    assert Mandate.objects.get(pk=contest.mandate_id).resolution_id == resolution.pk


def test_without_the_series_number_the_person_is_elected_and_the_resolution_left_to_record(
    ballot,
):
    # given no next number set for the series
    a, b, _c = (ballot.key(n) for n in ballot.nominations)
    contest = start(ballot)
    rnd = services.round_open(actor=ballot.officer, contest=contest)
    # when A is elected
    cast(ballot, rnd, [a, a, a, a, b, b])
    services.round_close(actor=ballot.officer, rnd=rnd)
    # then the contest is decided, its motion carried, and no resolution invented
    contest.refresh_from_db()
    assert contest.state == Contest.State.ELECTED and contest.resolution_id is None
    assert Motion.objects.get(pk=rnd.vote.motion_id).state == Motion.State.CARRIED
