"""The staff dashboard's sessions panel: one date style (the language's long date, in the
session's time zone) and a session being held shown "in progress", never "in 21 days"
(issue #9)."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from secretariat.conftest import client_for
from secretariat.governance.models import Session
from secretariat.governance.tests.live_world import make_session

pytestmark = pytest.mark.django_db
MEXICO = ZoneInfo("America/Mexico_City")
NUMERIC_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b")


def at(monkeypatch, moment: dt.datetime) -> None:
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment.astimezone(dt.UTC))


def panel_rows(html: str) -> dict[str, str]:
    """Each session's row in the "Sessions coming" table, by title, as text."""
    rows = re.findall(r"<tr>(.*?)</tr>", html, flags=re.S)
    out = {}
    for row in rows:
        text = " ".join(re.sub(r"<[^>]+>", " ", row).split())
        for title in ("Ordinary General Assembly 31", "Ordinary General Assembly 32"):
            if title in text:
                out[title] = text
    return out


def test_a_session_being_held_is_in_progress_not_in_21_days(session_world, officer, monkeypatch):
    """shared/domain.md "General Assembly" [C]: a session sits from when it opens; one
    opened before its scheduled date (with a reason) is held now."""
    # given: 11 May 2024 in Mexico City; session 31 convened for 1 June (in 21 days) and
    # opened early; session 32 convened for 1 June, not opened
    at(monkeypatch, dt.datetime(2024, 5, 11, 12, 0, tzinfo=MEXICO))
    make_session(session_world, state=Session.State.OPEN, number=31)
    make_session(session_world, state=Session.State.CONVENED, number=32)
    client = client_for(officer)
    # when
    html = client.get(reverse("core:dashboard")).content.decode()
    rows = panel_rows(html)
    # then
    assert "in progress" in rows["Ordinary General Assembly 31"]
    assert "in 21 days" not in rows["Ordinary General Assembly 31"]
    assert "in 21 days" in rows["Ordinary General Assembly 32"]
    assert "June 1, 2024" in rows["Ordinary General Assembly 32"]  # the long date, en
    # and a convened session whose start has passed and whose end has not is in progress
    at(monkeypatch, dt.datetime(2024, 6, 1, 10, 30, tzinfo=MEXICO))
    client = client_for(officer)  # signed in again: the clock moved past the login's expiry
    rows = panel_rows(client.get(reverse("core:dashboard")).content.decode())
    assert "in progress" in rows["Ordinary General Assembly 32"]
    assert "past its date" not in rows["Ordinary General Assembly 32"]


def test_the_dashboard_uses_one_date_style(session_world, officer, monkeypatch):
    """The language's long date everywhere on the dashboard (no numeric dates, no "3 days
    ago" beside them)."""
    at(monkeypatch, dt.datetime(2024, 5, 11, 12, 0, tzinfo=MEXICO))
    make_session(session_world, state=Session.State.CONVENED, number=32)
    with translation.override("es"):
        html = client_for(officer).get("/es/dashboard/").content.decode()
        assert "1 de junio de 2024" in html
        assert not NUMERIC_DATE.search(html)
        # the members' panels, with a request and a correction to show
        created = timezone.make_aware(dt.datetime(2024, 5, 3, 9, 0))
        req = SimpleNamespace(
            pk=1,
            reference="SOL-2024-001",
            get_kind_display="Afiliación",
            display_name="Instituto",
            state="submitted",
            get_state_display="Presentada",
            created_at=created,
        )
        staff = render_to_string(
            "members/partials/_dashboard_staff.html",
            {"panel": {"open_requests": [req], "corrections": []}},
        )
        assert "3 de mayo de 2024" in staff and not NUMERIC_DATE.search(staff)
        assert "hace" not in staff
