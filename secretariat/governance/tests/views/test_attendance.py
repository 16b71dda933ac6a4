"""The attendance page through its views: the accredited and why others are not, toggling
presence with a plain form and with htmx."""

from __future__ import annotations

import pytest

from secretariat.conftest import client_for
from secretariat.governance.models import AttendanceEvent
from secretariat.governance.tests.live_world import (
    live_fixture,  # noqa: F401  (the `live` fixture)
    url,
)

pytestmark = pytest.mark.django_db


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
