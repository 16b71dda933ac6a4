"""The console through its views: who may see and act, opening and closing, the live panel's
conditional polling (decision 0007) and its fixed cost whatever the size of the session."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from secretariat.conftest import client_for
from secretariat.core.models import ActionLog
from secretariat.governance.models import Vote
from secretariat.governance.services import console as console_services
from secretariat.governance.services import motions as motion_services
from secretariat.governance.services import votes as vote_services
from secretariat.governance.tests.live_world import (
    fresh,
    grow,
    live_fixture,  # noqa: F401  (the `live` fixture)
    mark_present,
    open_with_quorum,
    table_motion,
    url,
)

pytestmark = pytest.mark.django_db
REAL_LOCALDATE = timezone.localdate  # before the `today` fixture pins it


def test_it_shows_the_console_with_the_live_quorum(live, officer):
    # given: open, four of six full members present
    open_with_quorum(officer, live)
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
    console_services.session_open(actor=officer, session=live.session)
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


def test_console_state_answers_304_until_something_changes(
    live, officer, django_assert_num_queries
):
    # given: a first full answer gives the ETag
    client = client_for(officer)
    state_url = url("console-state", pk=live.session.pk)
    first = client.get(state_url)
    assert first.status_code == 200
    etag = first["ETag"]
    # staff answers are never stored (issue #9): the poll sends its ETag itself
    assert first["Cache-Control"] == "private, no-store"
    # when the page asks again with that ETag: 304, and only one query of its own
    # (1 the login session, 2 the user, 3 the user's roles: a staff session's idle timeout
    # and second factor, 4 the session's revision)
    with django_assert_num_queries(4):
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


def _state_queries(client, live, django_assert_max_num_queries):
    """(queries with the roll to compute, queries with the roll cached) of a full panel."""
    from django.core.cache import caches

    counts = []
    for clear in (True, False):
        if clear:
            caches["local"].clear()
        with django_assert_max_num_queries(25) as ctx:
            response = client.get(url("console-state", pk=live.session.pk))
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    return tuple(counts)


def test_console_state_queries_do_not_grow_with_participants(
    live, officer, django_assert_max_num_queries
):
    # given: an open session with a motion under a secret ballot
    open_with_quorum(officer, live)
    motion = table_motion(officer, live)
    vote_services.vote_open(actor=officer, motion=motion, method=Vote.Method.SECRET)
    client = client_for(officer)
    client.get(url("console-state", pk=live.session.pk))  # warm: permission remembered
    # when: 10 participants, then 100
    grow(live, 10 - len(live.heads) - 1)
    small = _state_queries(client, live, django_assert_max_num_queries)
    grow(live, 90)
    large = _state_queries(client, live, django_assert_max_num_queries)
    # then: the same, whether the roll is computed (cold) or cached (warm)
    assert small == large
    cold, warm = large
    assert warm < cold


def test_the_console_shows_the_open_secret_ballot_progress(live, officer):
    open_with_quorum(officer, live)
    motion = table_motion(officer, live)
    vote_services.vote_open(actor=officer, motion=motion, method=Vote.Method.SECRET)
    html = client_for(officer).get(url("console", pk=live.session.pk)).content.decode()
    assert "0 of 4 have voted" in html
    assert "The result is shown when the vote closes." in html
    assert "Close the vote" in html


def test_the_staff_pages_run_the_same_queries_for_10_or_100_participants(
    live, officer, django_assert_max_num_queries
):
    # given: an open session, a motion with an amendment, a closed roll-call
    from django.core.cache import caches

    open_with_quorum(officer, live)
    motion = table_motion(officer, live)
    amendment = motion_services.amendment_add(
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
            caches["local"].clear()  # the roll computed each time: the larger count
            with django_assert_max_num_queries(40) as ctx:
                assert client.get(page).status_code == 200
            out.append(len(ctx.captured_queries))
        return out

    for page in pages:
        client.get(page)  # the login session saved once
    small = counts()
    # when: 90 more participants, present
    grow(live, 90)
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


def test_opening_before_the_scheduled_day_asks_for_a_reason_on_the_console(
    live, officer, monkeypatch
):
    """shared/domain.md "General Assembly" [C]: the members were convened for the session's
    date; opening it the day before is recorded with the reason."""
    # given: 31 May 2024 in Mexico City; the session is convened for 1 June
    moment = dt.datetime(2024, 5, 31, 17, 0, tzinfo=dt.UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
    monkeypatch.setattr("django.utils.timezone.localdate", REAL_LOCALDATE)
    client = client_for(officer)
    page = client.get(url("console", pk=live.session.pk)).content.decode()
    assert 'name="reason"' in page and "Convened for June 1, 2024" in page
    # when: without a reason
    response = client.post(url("session-open", pk=live.session.pk), follow=True)
    # then
    assert "The session is convened for June 1, 2024. To open it earlier, say why" in (
        response.content.decode()
    )
    assert fresh(live.session).state == "convened"
    # when: with one
    response = client.post(
        url("session-open", pk=live.session.pk), {"reason": "Huracán: se adelanta"}, follow=True
    )
    assert "The session is open." in response.content.decode()
    assert ActionLog.objects.get(event="session.opened").reason == "Huracán: se adelanta"


@pytest.mark.django_db(transaction=True)
def test_panels_asked_at_once_after_a_change_compute_the_roll_once(live, officer, monkeypatch):
    # given: an open session; the roll to compute (a change just happened), and computing it
    # slow enough that the other requests arrive meanwhile, as they do with server push
    import threading
    import time

    from django.core.cache import caches
    from django.db import connections

    from secretariat.governance.selectors import quorum

    open_with_quorum(officer, live)
    clients = [client_for(officer) for _ in range(4)]
    state_url = url("console-state", pk=live.session.pk)
    poll = {"X-Live-Poll": "1"}  # console.js's header: the login session is not written
    for client in clients:  # each page shown once (its login session allowed the panel)
        assert client.get(state_url, headers=poll).status_code == 200
    caches["local"].clear()
    computed = []
    real_roll = quorum.session_roll

    def slow_roll(*args, **kwargs):  # type: ignore[no-untyped-def]
        computed.append(threading.get_ident())
        time.sleep(0.3)
        return real_roll(*args, **kwargs)

    monkeypatch.setattr(quorum, "session_roll", slow_roll)
    start = threading.Barrier(len(clients))
    statuses: list[int] = []

    def ask(client) -> None:  # type: ignore[no-untyped-def]
        try:
            start.wait()
            statuses.append(client.get(state_url, headers=poll).status_code)
        finally:
            connections.close_all()

    # when: four panels are asked for at the same moment, each in its own thread (as the
    # ASGI server runs each request)
    threads = [threading.Thread(target=ask, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # then: every panel is answered, and the roll was computed once, not once per request
    assert statuses == [200] * len(clients)
    assert len(computed) == 1
