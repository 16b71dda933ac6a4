"""A document built in the background (decision 0006), as its reader sees it: the page says
it is being prepared, and opens it by itself once the worker has built it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from secretariat.e2e.conftest import axe_check

WAITING = {
    "es": "Se está preparando el documento",
    "en": "is being prepared",
}


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_pdf_being_prepared_opens_once_the_worker_has_built_it(
    page: Page, ciss_data, staff_officer, settings, lang: str
):
    # given: the production queue (no task runs until a worker takes it) and a convened
    # session of the General Assembly
    from secretariat.governance.models import Body, Session
    from secretariat.governance.services.convocation import session_convene
    from secretariat.governance.services.sessions import session_create

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    session = session_create(
        actor=staff_officer,
        body=Body.objects.get(code="general-assembly"),
        kind=Session.Kind.ORDINARY,
        starts_at=timezone.now() + dt.timedelta(days=60),
        place="Ciudad de México",
        languages=["es", "en"],
    )
    session_convene(actor=staff_officer, session=session)
    url = f"/{lang}/sessions/{session.pk}/convocation-{lang}.pdf"
    # when: a visitor asks for the convocation's PDF
    response = page.goto(url)
    # then: it is being prepared, said where a screen reader hears it
    assert response is not None and response.status == 202
    status = page.locator("#document-status")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_contain_text(WAITING[lang])
    axe_check(page)
    # when: the worker builds it, the page goes to it by itself: htmx asks every two seconds
    # and, once it is ready, is sent on to the file (headless Chromium has no PDF viewer and
    # stops there; a reader's browser shows it)
    with page.expect_request(
        lambda r: r.url.endswith(url) and "hx-request" not in r.headers, timeout=15_000
    ):
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    # then: what it went to is the PDF, from storage
    served = page.request.get(url)
    assert served.status == 200 and served.headers["content-type"] == "application/pdf"
    assert served.body().startswith(b"%PDF") and served.headers["etag"]
