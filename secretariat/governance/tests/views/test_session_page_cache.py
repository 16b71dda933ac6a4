"""The public session page is kept for a minute under the session's revision: a change the
page shows appears on the next request, and the same revision costs no rendering."""

from __future__ import annotations

import datetime as dt

from django.core.cache import caches
from django.utils import timezone

from secretariat.governance.models import Session
from secretariat.governance.services import agenda as agenda_services


def test_the_public_page_changes_as_soon_as_the_session_does(
    session_world, secretary_general, client, django_assert_max_num_queries
):
    caches["local"].clear()
    session = Session.objects.create(
        body=session_world.assembly,
        kind=Session.Kind.ORDINARY,
        number=31,
        title_es="XXXI Asamblea General Ordinaria",
        title_en="XXXI Ordinary General Assembly",
        starts_at=timezone.now() + dt.timedelta(days=40),
        languages=["es", "en"],
    )
    Session.objects.filter(pk=session.pk).update(state=Session.State.CONVENED)
    url = f"/en/sessions/{session.pk}/"
    first = client.get(url)
    assert first.status_code == 200
    # the same revision: served without rendering (the session and the rulebook's stamp)
    with django_assert_max_num_queries(2):
        again = client.get(url)
    assert again.content == first.content
    agenda_services.agenda_item_add(
        actor=secretary_general,
        session=Session.objects.get(pk=session.pk),
        title_es="Informe del Secretario General",
        title_en="Report of the Secretary General",
    )
    assert "Report of the Secretary General" in client.get(url).content.decode()
    # and the Spanish page is its own entry
    assert (
        "Informe del Secretario General" in client.get(url.replace("/en/", "/es/")).content.decode()
    )
