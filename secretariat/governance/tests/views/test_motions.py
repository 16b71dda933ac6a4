"""Motions through their views: tabling, the form's errors, the page with the amendment's
word diff, who may see it, withdrawing."""

from __future__ import annotations

import pytest

from secretariat.conftest import client_for, make_user
from secretariat.governance.models import Motion
from secretariat.governance.services import motions as motion_services
from secretariat.governance.tests.live_world import (
    live_fixture,  # noqa: F401  (the `live` fixture)
    table_motion,
    url,
)

pytestmark = pytest.mark.django_db


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
    motion = table_motion(officer, live)
    motion_services.amendment_add(
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
    motion = table_motion(officer, live)
    # when / then
    assert client_for(outsider).get(url("motion-detail", motion_pk=motion.pk)).status_code == 404


def test_it_withdraws_a_motion_with_a_reason(live, officer):
    motion = table_motion(officer, live)
    client = client_for(officer)
    response = client.post(url("motion-withdraw", motion_pk=motion.pk), {"reason": ""})
    assert "Please correct the following" in response.content.decode()
    client.post(url("motion-withdraw", motion_pk=motion.pk), {"reason": "Retirada"})
    assert Motion.objects.get(pk=motion.pk).state == Motion.State.WITHDRAWN
