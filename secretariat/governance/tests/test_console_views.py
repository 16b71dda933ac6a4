"""The console's pages through the views: who may see and act, attendance, motions with
their amendment diffs, and every vote method with its counts and result."""

from __future__ import annotations

import pytest
from django.urls import reverse

from secretariat.conftest import client_for, make_user
from secretariat.core.models import ActionLog
from secretariat.governance.models import AttendanceEvent, Motion, RollCallEntry, Vote
from secretariat.governance.services import console as services
from secretariat.governance.services import votes as vote_services
from secretariat.governance.tests.test_console_world import (
    fresh,
    live_fixture,  # noqa: F401  (the `live` fixture)
    mark_present,
)

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs) -> str:  # type: ignore[no-untyped-def]
    return reverse(f"governance:{name}", kwargs=kwargs)


def _open_with_quorum(officer, live, n: int = 4):  # type: ignore[no-untyped-def]
    services.session_open(actor=officer, session=live.session)
    mark_present(officer, live, live.full[:n])


def _motion(officer, live, **extra):  # type: ignore[no-untyped-def]
    return services.motion_add(
        actor=officer,
        session=fresh(live.session),
        agenda_item=live.items[1],
        title_es="Programa de actividades",
        text_es="La Asamblea aprueba el programa de actividades para 2025-2027.",
        title_en="Programme of activities",
        text_en="The Assembly approves the programme of activities for 2025-2027.",
        proposer="Secretaría General",
        **extra,
    )


# --- Console -----------------------------------------------------------------------------


def test_it_shows_the_console_with_the_live_quorum(live, officer):
    # given: open, four of six full members present
    _open_with_quorum(officer, live)
    # when
    response = client_for(officer).get(url("console", pk=live.session.pk))
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "Quorum met" in html
    assert "more than half of the members entitled to vote" in html
    assert "default, to be confirmed" in html
    assert "Close the session" in html
    assert "Programme of activities 2025-2027" in html  # the agenda, in English
    assert 'hx-get="' + url("console-state", pk=live.session.pk) in html


def test_it_shows_no_quorum_in_words_not_only_colour(live, officer):
    services.session_open(actor=officer, session=live.session)
    mark_present(officer, live, live.full[:3])
    html = client_for(officer).get(url("console", pk=live.session.pk)).content.decode()
    assert "No quorum" in html and "1 more needed" in html


def test_it_lets_finance_read_the_console_but_not_act(live, finance_officer, officer):
    # when
    client = client_for(finance_officer)
    response = client.get(url("console", pk=live.session.pk))
    # then
    assert response.status_code == 200
    assert "Open the session" not in response.content.decode()
    assert client.post(url("session-open", pk=live.session.pk)).status_code == 403
    assert fresh(live.session).state == "convened"


def test_it_refuses_the_console_to_a_representative(live, rep_a):
    assert client_for(rep_a).get(url("console", pk=live.session.pk)).status_code == 403
    assert client_for(rep_a).get(url("console-state", pk=live.session.pk)).status_code == 403


def test_it_opens_and_closes_the_session_from_the_console(live, officer):
    client = client_for(officer)
    response = client.post(url("session-open", pk=live.session.pk), follow=True)
    assert "The session is open." in response.content.decode()
    assert fresh(live.session).state == "open"
    response = client.post(url("session-close", pk=live.session.pk), follow=True)
    assert "The session is closed." in response.content.decode()
    assert fresh(live.session).state == "closed"


# --- Conditional polling -----------------------------------------------------------------


def test_console_state_answers_304_until_something_changes(
    live, officer, django_assert_num_queries
):
    # given: a first full answer gives the ETag
    client = client_for(officer)
    state_url = url("console-state", pk=live.session.pk)
    first = client.get(state_url)
    assert first.status_code == 200
    etag = first["ETag"]
    assert first["Cache-Control"] == "private, no-cache"
    # when the page asks again with that ETag: 304, and only one query of its own
    # (1 the login session, 2 the user, 3 the session's revision)
    with django_assert_num_queries(3):
        again = client.get(state_url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    # when someone arrives, the revision changes: a full answer with a new ETag
    mark_present(officer, live, live.full[:1])
    changed = client.get(state_url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "Quorum" in changed.content.decode()


def test_a_304_is_not_given_to_someone_never_allowed_the_panel(live, officer, rep_a):
    # given: the officer's ETag, replayed by a representative
    etag = client_for(officer).get(url("console-state", pk=live.session.pk))["ETag"]
    # when / then: the full check runs and refuses
    response = client_for(rep_a).get(
        url("console-state", pk=live.session.pk), headers={"If-None-Match": etag}
    )
    assert response.status_code == 403


def _grow(live, n: int) -> None:  # type: ignore[no-untyped-def]
    from secretariat.governance.tests.test_console_world import add_participant

    for i in range(n):
        p = add_participant(live.session, live.full[i % 6], f"Extra {i}")
        p.present = True
        p.save(update_fields=["present"])


def _state_queries(client, live, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    """(queries with the roll to compute, queries with the roll cached) of a full panel."""
    from django.core.cache import cache

    counts = []
    for clear in (True, False):
        if clear:
            cache.clear()
        with django_assert_max_num_queries(25) as ctx:
            response = client.get(url("console-state", pk=live.session.pk))
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    return tuple(counts)


def test_console_state_queries_do_not_grow_with_participants(
    live, officer, django_assert_max_num_queries
):
    # given: an open session with a motion under a secret ballot
    _open_with_quorum(officer, live)
    motion = _motion(officer, live)
    vote_services.vote_open(actor=officer, motion=motion, method=Vote.Method.SECRET)
    client = client_for(officer)
    client.get(url("console-state", pk=live.session.pk))  # warm: permission remembered
    # when: 10 participants, then 100
    _grow(live, 10 - len(live.heads) - 1)
    small = _state_queries(client, live, django_assert_max_num_queries)
    _grow(live, 90)
    large = _state_queries(client, live, django_assert_max_num_queries)
    # then: the same, whether the roll is computed (cold) or cached (warm)
    assert small == large
    cold, warm = large
    assert warm < cold


# --- Attendance --------------------------------------------------------------------------


def test_the_attendance_page_lists_accredited_people_and_why_others_are_not(live, officer):
    html = client_for(officer).get(url("attendance", pk=live.session.pk)).content.decode()
    assert "Delegada 1" in html and "Mark present" in html
    assert "Asesor Pendiente" in html and "Credentials not yet accepted." in html
    # search by institution
    html = (
        client_for(officer)
        .get(url("attendance", pk=live.session.pk), {"q": "Asociado 2"})
        .content.decode()
    )
    assert "Delegada 8" in html and "Delegada 1<" not in html


def test_it_toggles_attendance_with_a_plain_post_and_with_htmx(live, officer):
    client = client_for(officer)
    head = live.heads[live.full[0].pk]
    # plain form: redirect back to the row
    response = client.post(
        url("attendance-mark", pk=live.session.pk), {"participant": head.pk, "present": "1"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#participant-{head.pk}")
    # htmx: the row and the counts
    response = client.post(
        url("attendance-mark", pk=live.session.pk),
        {"participant": live.heads[live.full[1].pk].pk, "present": "1"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert "Mark absent" in html and 'hx-swap-oob="true"' in html
    assert AttendanceEvent.objects.count() == 2
    # not accredited: the reason, nothing recorded
    response = client.post(
        url("attendance-mark", pk=live.session.pk),
        {"participant": live.pending.pk, "present": "1"},
        follow=True,
    )
    assert "Credentials not yet accepted." in response.content.decode()
    assert AttendanceEvent.objects.count() == 2


# --- Motions -----------------------------------------------------------------------------


def test_it_tables_a_motion_through_the_form(live, officer):
    client = client_for(officer)
    response = client.post(
        url("motion-add", pk=live.session.pk),
        {
            "agenda_item": live.items[0].pk,
            "decision_kind": "ordinary",
            "proposer": "Presidencia",
            "title_es": "Aprobar el orden del día",
            "text_es": "Se aprueba el orden del día.",
            "reason": "",
        },
        follow=True,
    )
    assert response.status_code == 200
    motion = Motion.objects.get()
    assert motion.number == 1 and motion.proposer == "Presidencia"
    assert "Motion 1 was tabled." in response.content.decode()


def test_it_shows_the_motion_form_errors(live, officer):
    response = client_for(officer).post(
        url("motion-add", pk=live.session.pk),
        {"agenda_item": live.items[0].pk, "decision_kind": "ordinary", "title_es": "T"},
    )
    assert response.status_code == 200
    assert "Please correct the following" in response.content.decode()
    assert not Motion.objects.exists()


def test_the_motion_page_shows_the_amendment_as_a_labelled_word_diff(live, officer):
    # given
    motion = _motion(officer, live)
    services.amendment_add(
        actor=officer,
        motion=motion,
        title_es="Enmienda",
        text_es="La Asamblea aprueba el programa de actividades revisado para 2025-2027.",
        text_en="The Assembly approves the revised programme of activities for 2025-2027.",
        proposer="Instituto Asociado 1",
    )
    # when
    html = client_for(officer).get(url("motion-detail", motion_pk=motion.pk)).content.decode()
    # then: the Spanish text, the translation, the majority in words, the diff with labels
    assert "La Asamblea aprueba el programa de actividades para 2025-2027." in html
    assert "The Assembly approves the programme" in html
    assert "Simple majority of votes cast (yes &gt; no)" in html
    assert '<ins><span class="visually-hidden">[added: </span>revisado </span>' not in html
    assert '<ins><span class="visually-hidden">[added: </span>revisado <span' in html
    assert "added text is underlined" in html


def test_the_motion_page_is_hidden_from_people_outside_the_session(live, officer):
    # given: an account that neither works at the Secretariat nor sits in the Assembly
    outsider = make_user("outsider@example.org")
    motion = _motion(officer, live)
    # when / then
    assert client_for(outsider).get(url("motion-detail", motion_pk=motion.pk)).status_code == 404


def test_it_withdraws_a_motion_with_a_reason(live, officer):
    motion = _motion(officer, live)
    client = client_for(officer)
    response = client.post(url("motion-withdraw", motion_pk=motion.pk), {"reason": ""})
    assert "Please correct the following" in response.content.decode()
    client.post(url("motion-withdraw", motion_pk=motion.pk), {"reason": "Retirada"})
    assert Motion.objects.get(pk=motion.pk).state == Motion.State.WITHDRAWN


# --- Votes -------------------------------------------------------------------------------


def test_a_show_of_hands_is_entered_validated_and_shown(live, officer):
    # given
    _open_with_quorum(officer, live)
    motion = _motion(officer, live)
    client = client_for(officer)
    response = client.post(url("vote-open", motion_pk=motion.pk), {"method": "hands"})
    vote = Vote.objects.get()
    assert response["Location"] == url("vote-hands", vote_pk=vote.pk)
    # when: more hands than members present
    response = client.post(url("vote-hands", vote_pk=vote.pk), {"yes": 3, "no": 1, "abstain": 1})
    # then: the service's message, nothing recorded
    assert "only 4 voting members are present or represented" in response.content.decode()
    assert Vote.objects.get().state == Vote.State.OPEN
    # when: right counts
    response = client.post(
        url("vote-hands", vote_pk=vote.pk), {"yes": 2, "no": 1, "abstain": 1}, follow=True
    )
    html = response.content.decode()
    assert "Carried" in html and "Simple majority of votes cast" in html
    assert '<td class="num">2</td><td class="num">1</td><td class="num">1</td>' in html


def test_a_roll_call_records_each_member_in_order_then_counts(live, officer):
    # given
    _open_with_quorum(officer, live)
    motion = _motion(officer, live)
    client = client_for(officer)
    client.post(url("vote-open", motion_pk=motion.pk), {"method": "roll_call"})
    vote = Vote.objects.get()
    page = client.get(url("vote-roll-call", vote_pk=vote.pk)).content.decode()
    names = [f"Instituto Titular {i}" for i in range(1, 5)]
    assert all(name in page for name in names)
    assert "0 of 4 members have answered" in page
    # when: each answers (the third corrects to no)
    answers = ["no", "yes", "yes", "no"]
    for inst, choice in zip(live.full[:4], answers, strict=True):
        client.post(
            url("vote-roll-call", vote_pk=vote.pk), {"unit": f"i{inst.pk}", "choice": choice}
        )
    client.post(
        url("vote-roll-call", vote_pk=vote.pk), {"unit": f"i{live.full[2].pk}", "choice": "no"}
    )
    # then
    assert list(RollCallEntry.objects.order_by("position").values_list("choice", flat=True)) == [
        "no",
        "yes",
        "no",
        "no",
    ]
    response = client.post(url("vote-close", vote_pk=vote.pk), follow=True)
    html = response.content.decode()
    assert "Not carried" in html
    assert html.index("Instituto Titular 1") < html.index("Instituto Titular 4")


def test_a_roll_call_refuses_a_member_not_present(live, officer):
    _open_with_quorum(officer, live)
    motion = _motion(officer, live)
    vote = vote_services.vote_open(actor=officer, motion=motion, method=Vote.Method.ROLL_CALL)
    response = client_for(officer).post(
        url("vote-roll-call", vote_pk=vote.pk),
        {"unit": f"i{live.full[5].pk}", "choice": "yes"},
        follow=True,
    )
    assert "not present or represented" in response.content.decode()
    assert not RollCallEntry.objects.exists()


def test_acclamation_is_recorded_carried_at_once(live, officer):
    _open_with_quorum(officer, live)
    motion = _motion(officer, live)
    response = client_for(officer).post(
        url("vote-open", motion_pk=motion.pk), {"method": "acclamation"}, follow=True
    )
    html = response.content.decode()
    assert "Adopted by Acclamation, as declared by the chair" in html
    assert "Carried" in html


def test_the_chairs_ruling_is_shown_with_its_reason(live, officer):
    # given: a show of hands that did not carry (a tie)
    _open_with_quorum(officer, live)
    motion = _motion(officer, live)
    vote = vote_services.vote_open(actor=officer, motion=motion, method=Vote.Method.SHOW_OF_HANDS)
    vote_services.vote_record_hands(actor=officer, vote=vote, yes=2, no=2, abstain=0)
    client = client_for(officer)
    # when: without a reason
    response = client.post(url("vote-override", vote_pk=vote.pk), {"carried": "1", "reason": ""})
    assert "Please correct the following" in response.content.decode()
    # when: with a reason
    response = client.post(
        url("vote-override", vote_pk=vote.pk),
        {"carried": "1", "reason": "Error in the count of the hands"},
        follow=True,
    )
    html = response.content.decode()
    assert "Chair&#x27;s ruling:" in html or "Chair's ruling:" in html
    assert "Error in the count of the hands" in html
    assert "(by the count: not carried)" in html
    assert Motion.objects.get(pk=motion.pk).state == Motion.State.CARRIED
    assert ActionLog.objects.filter(event="vote.chair_ruling").exists()


def test_the_console_shows_the_open_secret_ballot_progress(live, officer):
    _open_with_quorum(officer, live)
    motion = _motion(officer, live)
    vote_services.vote_open(actor=officer, motion=motion, method=Vote.Method.SECRET)
    html = client_for(officer).get(url("console", pk=live.session.pk)).content.decode()
    assert "0 of 4 have voted" in html
    assert "The result is shown when the vote closes." in html
    assert "Close the vote" in html


def test_the_staff_pages_run_the_same_queries_for_10_or_100_participants(
    live, officer, django_assert_max_num_queries
):
    # given: an open session, a motion with an amendment, a closed roll-call
    from django.core.cache import cache

    _open_with_quorum(officer, live)
    motion = _motion(officer, live)
    amendment = services.amendment_add(
        actor=officer, motion=motion, title_es="E", text_es="Otro texto.", proposer="P"
    )
    vote = vote_services.vote_open(actor=officer, motion=amendment, method=Vote.Method.ROLL_CALL)
    for inst in live.full[:4]:
        vote_services.vote_record_roll_call(
            actor=officer, vote=vote, unit_key=f"i{inst.pk}", choice="yes"
        )
    vote_services.vote_close(actor=officer, vote=vote)
    client = client_for(officer)
    pages = [
        url("console", pk=live.session.pk),
        url("attendance", pk=live.session.pk),
        url("motion-detail", motion_pk=motion.pk),
        url("vote-detail", vote_pk=vote.pk),
        url("vote-roll-call", vote_pk=vote.pk),
    ]

    def counts() -> list[int]:
        out = []
        for page in pages:
            cache.clear()  # the roll computed each time: the larger count
            with django_assert_max_num_queries(40) as ctx:
                assert client.get(page).status_code == 200
            out.append(len(ctx.captured_queries))
        return out

    for page in pages:
        client.get(page)  # the login session saved once
    small = counts()
    # when: 90 more participants, present
    _grow(live, 90)
    # then
    assert counts() == small


def test_a_suspension_recorded_during_the_session_reaches_the_console(live, officer):
    """Standing is recorded in the members app, which knows nothing of sessions: the live
    panels' ETag follows the latest change of standing, so the quorum is redrawn at once."""
    import datetime as dt

    from django.utils import timezone

    from secretariat.members.services.standing import voting_suspend

    client = client_for(officer)
    state_url = url("console-state", pk=live.session.pk)
    etag = client.get(state_url)["ETag"]
    assert client.get(state_url, headers={"If-None-Match": etag}).status_code == 304
    voting_suspend(
        actor=officer,
        institution=live.full[0],
        valid_from=timezone.localdate() - dt.timedelta(days=1),
        reason="Cuotas impagas",
        legal_basis="Regla de atrasos [D]",
    )
    changed = client.get(state_url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
