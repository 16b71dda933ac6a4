"""Journey b: an affiliation from the request to the public directory.

An officer logs in with MFA, records a request for a new institution, starts the review,
ticks the checklist, forwards it to the General Assembly and records the approval; the new
member then shows in the public directory and on its own page. And an institution applies
through the public form with a PDF; the officer finds the application in the request list.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.utils import timezone, translation
from playwright.sync_api import FilePayload, Page, expect

from secretariat.core.models import ActionLog
from secretariat.e2e.conftest import CissData, axe_check, login
from secretariat.members.models import Category, Country, Institution, MembershipRequest

NEW_NAME = "Instituto de Previsión Social del Ejemplo"


def _file(name: str, content: bytes, mime: str = "application/pdf") -> FilePayload:
    return {"name": name, "mimeType": mime, "buffer": content}


SMALL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _country(code: str = "CL") -> Country:
    return Country.objects.filter(code=code).first() or Country.objects.get(code="PE")


def _submit(page: Page, form: str) -> None:
    """Submit one of the page's forms and wait for the next page (PRG: a redirect, then GET)."""
    with page.expect_navigation():
        page.locator(f"{form} button").last.click()


def _expect_done(page: Page) -> None:
    """The success message of the step just taken (and no error callout)."""
    expect(page.locator(".messages .callout--ok")).to_be_visible()
    expect(page.locator(".callout--danger")).to_have_count(0)


@pytest.mark.e2e
def test_it_takes_an_affiliation_from_request_to_directory(
    new_page: Callable[..., Page], ciss_data: CissData, staff_officer
):
    page = new_page()
    country = _country()
    associate = Category.objects.get(code="associate")
    today = timezone.localdate().isoformat()

    # given an officer logged in with password and TOTP code
    login(page, staff_officer.email)

    # when they record a request received by letter for an institution not in the registry
    page.goto("/es/members/staff/requests/new/")
    axe_check(page)
    page.select_option("select[name=kind]", "affiliation")
    page.fill("input[name=applicant_name]", NEW_NAME)
    page.fill("input[name=applicant_acronym]", "IPSE")
    page.select_option("select[name=applicant_country]", str(country.pk))
    page.select_option("select[name=requested_category]", str(associate.pk))
    page.fill("input[name=contact_name]", "María Ejemplo")
    page.fill("input[name=contact_email]", "maria@ipse.example")
    page.fill("textarea[name=statement]", "Carta del director general recibida por correo.")
    _submit(page, "main form.form")
    # then the request page shows it as submitted, with its reference
    request = MembershipRequest.objects.get(applicant_name=NEW_NAME)
    assert re.search(rf"/es/members/staff/requests/{request.pk}/$", page.url), page.url
    _expect_done(page)
    expect(page.locator("main")).to_contain_text(request.reference)
    axe_check(page)

    # when the review starts
    _submit(page, "form[action$='/review/']")
    _expect_done(page)
    axe_check(page)
    # and the checklist is ticked in full
    checklist = page.locator("form[action$='/checklist/']")
    for box in checklist.locator("input[type=checkbox]").all():
        box.check()
    _submit(page, "form[action$='/checklist/']")
    _expect_done(page)
    axe_check(page)

    # and the request is forwarded to the General Assembly (the default deciding body)
    forward = page.locator("form[action$='/forward/']")
    expect(forward.locator("select[name=deciding_body]")).to_have_value("general_assembly")
    _submit(page, "form[action$='/forward/']")
    _expect_done(page)
    axe_check(page)

    # and the approval is recorded with the decision, its dates and the category granted
    approve = page.locator("form[action$='/approve/']")
    approve.locator("input[name=decision_reference]").fill(
        "Resolución CISS No. 999, XXXI Asamblea General"
    )
    approve.locator("input[name=decided_on]").fill(today)
    approve.locator("input[name=effective_on]").fill(today)
    approve.locator("select[name=granted_category]").select_option(str(associate.pk))
    _submit(page, "form[action$='/approve/']")
    _expect_done(page)
    axe_check(page)

    # then the request is approved, the institution exists and each step is in the action log
    # (a fresh read: the protected FSM state cannot be refreshed in place)
    request = MembershipRequest.objects.get(pk=request.pk)
    assert request.state == MembershipRequest.State.APPROVED
    institution = Institution.objects.get(name=NEW_NAME)
    events = set(
        ActionLog.objects.filter(
            target_type="members.membershiprequest", target_id=str(request.pk)
        ).values_list("event", flat=True)
    )
    assert {
        "request.recorded",
        "request.review_started",
        "request.checklist_updated",
        "request.forwarded",
        "request.approved",
    } <= events

    # and the new member is in the public directory (seen by anyone)
    public = new_page()
    public.goto("/es/members/?q=" + NEW_NAME.replace(" ", "+"))
    rows = public.locator("#directory-results table.data tbody tr")
    expect(rows).to_have_count(1)
    with translation.override("es"):
        expect(rows.first).to_contain_text(str(associate.name))
    axe_check(public)
    # and on its own public page
    with public.expect_navigation():
        rows.first.locator("a").first.click()
    assert public.url.endswith(f"/es/members/{institution.slug}/")
    expect(public.locator("h1")).to_contain_text(NEW_NAME)
    expect(public.locator("main")).to_contain_text("Resolución CISS No. 999")
    axe_check(public)


@pytest.mark.e2e
def test_it_receives_a_public_application_with_a_pdf(
    new_page: Callable[..., Page], ciss_data: CissData, staff_officer, tmp_path
):
    country = _country("CO")
    applicant = "Caja de Compensación del Ejemplo"
    before = MembershipRequest.objects.count()

    # given an anonymous visitor on the public application form
    visitor = new_page()
    visitor.goto("/es/members/apply/")
    axe_check(visitor)
    # when they fill it in, attach a small PDF and send it
    visitor.fill("input[name=applicant_name]", applicant)
    visitor.fill("input[name=applicant_acronym]", "CCE")
    visitor.select_option("select[name=applicant_country]", str(country.pk))
    visitor.fill("input[name=contact_name]", "Pedro Ejemplo")
    visitor.fill("input[name=contact_email]", "pedro@cce.example")
    visitor.fill("textarea[name=statement]", "Solicitamos la afiliación como miembro asociado.")
    visitor.set_input_files(
        "main form.form input[type=file]",
        files=[_file("carta.pdf", SMALL_PDF)],
    )
    with visitor.expect_navigation():
        visitor.locator("main form.form button[type=submit]").click()
    # then a reference is shown and the request is recorded with its attachment
    assert visitor.url.endswith("/es/members/apply/done/"), visitor.url
    assert MembershipRequest.objects.count() == before + 1
    request = MembershipRequest.objects.get(applicant_name=applicant)
    assert request.channel == MembershipRequest.Channel.PUBLIC_FORM
    assert [a.original_name for a in request.attachments.all()] == ["carta.pdf"]
    expect(visitor.locator(".reference")).to_have_text(request.reference)
    assert ActionLog.objects.filter(
        event="request.submitted",
        target_type="members.membershiprequest",
        target_id=str(request.pk),
    ).exists()
    axe_check(visitor)

    # when an officer logs in and opens the request list
    officer = new_page()
    login(officer, staff_officer.email)
    officer.goto("/es/members/staff/requests/?state=open")
    # then the application is listed; its page shows the attachment
    row = officer.locator("table.data tbody tr", has_text=applicant)
    expect(row).to_have_count(1)
    axe_check(officer)
    with officer.expect_navigation():
        row.locator("a").first.click()
    expect(officer.locator("main")).to_contain_text("carta.pdf")
    axe_check(officer)
    with officer.expect_download() as info:
        officer.locator("a", has_text="carta.pdf").first.click()
    assert info.value.path().read_bytes() == SMALL_PDF


@pytest.mark.e2e
def test_it_refuses_a_public_application_with_a_fake_pdf(page: Page, ciss_data: CissData):
    country = _country("CO")
    before = MembershipRequest.objects.count()
    # given the public form filled in, with a "PDF" that is really a script
    page.goto("/en/members/apply/")
    page.fill("input[name=applicant_name]", "<script>alert('x')</script>")
    page.select_option("select[name=applicant_country]", str(country.pk))
    page.fill("input[name=contact_name]", "Robert'); DROP TABLE members_institution;--")
    page.fill("input[name=contact_email]", "robert@example.org")
    page.set_input_files(
        "main form.form input[type=file]",
        files=[_file("letter.pdf", b"<script>alert(1)</script>")],
    )
    # when it is sent
    with page.expect_navigation():
        page.locator("main form.form button[type=submit]").click()
    # then the form comes back with the error on the file, and nothing was recorded
    assert page.url.endswith("/en/members/apply/")
    expect(page.locator("main")).to_contain_text("letter.pdf")
    expect(page.locator("input[name=applicant_name]")).to_have_value("<script>alert('x')</script>")
    assert MembershipRequest.objects.count() == before
    axe_check(page)
