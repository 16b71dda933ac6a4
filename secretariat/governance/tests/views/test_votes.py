"""Votes through the console's views: every method with its counts and result, the chair's
ruling."""

from __future__ import annotations

import pytest
from django.urls import reverse

from secretariat.conftest import client_for
from secretariat.core.models import ActionLog
from secretariat.core.testing import age_authentication
from secretariat.governance.models import Motion, Resolution, RollCallEntry, Vote
from secretariat.governance.services import console as console_services
from secretariat.governance.services import minutes as minutes_services
from secretariat.governance.services import resolutions as resolution_services
from secretariat.governance.services import votes as vote_services
from secretariat.governance.tests.live_world import (
    live_fixture,  # noqa: F401  (the `live` fixture)
    mark_present,
    open_with_quorum,
    table_motion,
    url,
)

pytestmark = pytest.mark.django_db


def test_a_show_of_hands_is_entered_validated_and_shown(live, officer):
    # given
    open_with_quorum(officer, live)
    motion = table_motion(officer, live)
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
    open_with_quorum(officer, live)
    motion = table_motion(officer, live)
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
    open_with_quorum(officer, live)
    motion = table_motion(officer, live)
    vote = vote_services.vote_open(actor=officer, motion=motion, method=Vote.Method.ROLL_CALL)
    response = client_for(officer).post(
        url("vote-roll-call", vote_pk=vote.pk),
        {"unit": f"i{live.full[5].pk}", "choice": "yes"},
        follow=True,
    )
    assert "not present or represented" in response.content.decode()
    assert not RollCallEntry.objects.exists()


def test_acclamation_is_recorded_carried_at_once(live, officer):
    open_with_quorum(officer, live)
    motion = table_motion(officer, live)
    response = client_for(officer).post(
        url("vote-open", motion_pk=motion.pk), {"method": "acclamation"}, follow=True
    )
    html = response.content.decode()
    assert "Adopted by Acclamation, as declared by the chair" in html
    assert "Carried" in html


def test_the_chairs_ruling_is_shown_with_its_reason(live, officer):
    # given: a show of hands that did not carry (a tie)
    open_with_quorum(officer, live)
    motion = table_motion(officer, live)
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


def test_closing_a_vote_asks_for_the_code_again_in_a_session_not_fresh(live, officer):
    # given an open roll call, and an officer whose session proved itself 11 minutes ago
    open_with_quorum(officer, live)
    motion = table_motion(officer, live)
    client = client_for(officer)
    client.post(url("vote-open", motion_pk=motion.pk), {"method": "roll_call"})
    vote = Vote.objects.get()
    for inst in live.full[:4]:
        client.post(
            url("vote-roll-call", vote_pk=vote.pk), {"unit": f"i{inst.pk}", "choice": "yes"}
        )
    age_authentication(client, minutes=11)
    # when the vote is closed
    response = client.post(url("vote-close", vote_pk=vote.pk))
    # then the code is asked for and the vote stays open
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    assert Vote.objects.get().state == Vote.State.OPEN
    # when the session is fresh (the code was just entered), the vote closes
    fresh = client_for(officer)
    response = fresh.post(url("vote-close", vote_pk=vote.pk))
    assert response.status_code == 302
    assert Vote.objects.get().state != Vote.State.OPEN


@pytest.mark.parametrize("method", [m.value for m in Vote.Method])
def test_no_vote_by_any_method_and_no_resolution_without_quorum(live, officer, method):
    """shared/domain.md "Quorum" [D] (General Assembly: more than half of the full members
    entitled to vote, present or represented; rule setting `general_assembly.quorum`). The
    review's case: with nobody present, a motion was adopted by acclamation ("0 of 11 voting
    members present … carried") and recorded as a resolution."""
    # given: the session is open, nobody is present
    console_services.session_open(actor=officer, session=live.session)
    motion = table_motion(officer, live)
    client = client_for(officer)
    # when: the chair puts it to the vote (or declares it adopted) through the page
    response = client.post(url("vote-open", motion_pk=motion.pk), {"method": method})
    # then: refused, in words, and nothing changed
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "There is no quorum: 0 of 6 voting members are present or represented, and 4 are "
        "needed." in html
    )
    assert not Vote.objects.exists()
    assert Motion.objects.get(pk=motion.pk).state == Motion.State.PROPOSED
    assert not ActionLog.objects.filter(event__startswith="vote.").exists()
    # and the motion cannot become a resolution
    client.post(
        url("resolution-series"), {"next_number": "59", "basis": "Serie", "reason": "Inicio"}
    )
    response = client.post(
        url("resolution-adopt", motion_pk=motion.pk),
        {"kind": "resolution", "title_es": "Programa", "text_es": "Texto", "source": ""},
    )
    assert response.status_code == 200
    assert not Resolution.objects.exists()
    # three of six present is still no quorum
    mark_present(officer, live, live.full[:3])
    html = client.post(url("vote-open", motion_pk=motion.pk), {"method": method}).content.decode()
    assert "There is no quorum: 3 of 6 voting members" in html
    assert not Vote.objects.exists()


def test_acclamation_with_quorum_records_the_quorum_it_was_taken_with(live, officer):
    """shared/domain.md "Quorum" [D]: a decision by acclamation or consensus is taken with
    quorum, and the record says with which: present, required, of those entitled."""
    # given: four of six present (more than half: quorum, 4 needed)
    open_with_quorum(officer, live)
    motion = table_motion(officer, live)
    client = client_for(officer)
    # when
    response = client.post(
        url("vote-open", motion_pk=motion.pk), {"method": "acclamation"}, follow=True
    )
    # then: the vote keeps the quorum; its page, the console and the resolution show it
    vote = Vote.objects.get()
    assert (vote.present, vote.quorum_required, vote.entitled) == (4, 4, 6)
    shown = "Quorum met: 4 of 6 voting members present or represented, 4 required"
    assert shown in response.content.decode()
    assert shown in client.get(url("console", pk=live.session.pk)).content.decode()
    resolution_services.resolution_series_set(
        actor=officer, next_number=59, basis="Serie", reason="Inicio"
    )
    resolution = resolution_services.resolution_adopt(
        actor=officer, motion=motion, title_es="Programa"
    )
    page = client.get(url("resolution-detail", number=resolution.number)).content.decode()
    assert shown in page
    # and the minutes drafted from the record say it
    console_services.session_close(actor=officer, session=live.session)
    minutes = minutes_services.minutes_draft(actor=officer, session=live.session)
    assert "voting members present or represented: 4 of 6; quorum: 4 required, met" in (
        minutes.text_en
    )
