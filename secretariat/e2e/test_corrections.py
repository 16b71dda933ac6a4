"""Journey c: a representative proposes a contact correction, an officer accepts it, the public
page shows the new value."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from secretariat.core.models import ActionLog
from secretariat.e2e.conftest import CissData, axe_check, login
from secretariat.members.models import ContactCorrection

NEW_WEBSITE = "https://pensiones-nuevo.example.org"


@pytest.mark.e2e
def test_it_applies_a_representatives_correction_once_accepted(
    new_page, ciss_data: CissData, member_representative, staff_officer
):
    institution = ciss_data.examples[0]
    old_website = institution.website

    # given the representative of the institution, logged in with a password only
    rep = new_page()
    login(rep, member_representative.email)
    # when they open their institution from the dashboard
    axe_check(rep)
    with rep.expect_navigation():
        rep.locator(f"main a[href$='/members/mine/{institution.slug}/']").first.click()
    expect(rep.locator("main")).to_contain_text(institution.name)
    expect(rep.locator("main")).to_contain_text(old_website)
    axe_check(rep)
    # and propose a new website
    with rep.expect_navigation():
        rep.locator(f"a[href$='/members/mine/{institution.slug}/correction/']").click()
    axe_check(rep)
    expect(rep.locator("input[name=website]")).to_have_value(old_website)
    rep.fill("input[name=website]", NEW_WEBSITE)
    rep.fill("textarea[name=comment]", "Nuevo sitio desde enero.")
    with rep.expect_navigation():
        rep.locator("main form.form button").last.click()
    # then they are back on their institution's page, told the proposal was sent
    assert rep.url.endswith(f"/es/members/mine/{institution.slug}/"), rep.url
    expect(rep.locator(".messages .callout--ok")).to_be_visible()
    axe_check(rep)
    correction = ContactCorrection.objects.get(institution=institution)
    assert correction.state == ContactCorrection.State.PROPOSED
    assert correction.changes["website"] == NEW_WEBSITE
    # and the public page still shows the data on record
    visitor = new_page()
    visitor.goto(f"/es/members/{institution.slug}/")
    expect(visitor.locator("main")).to_contain_text(old_website)
    expect(visitor.locator("main")).not_to_contain_text(NEW_WEBSITE)

    # when an officer logs in (password and TOTP), opens the proposal and accepts it
    officer = new_page()
    login(officer, staff_officer.email)
    officer.goto("/es/members/staff/corrections/?state=proposed")
    axe_check(officer)
    row = officer.locator("table.data tbody tr", has_text=institution.name)
    expect(row).to_have_count(1)
    with officer.expect_navigation():
        row.locator("a").first.click()
    expect(officer.locator("main")).to_contain_text(NEW_WEBSITE)
    axe_check(officer)
    officer.locator("input[name=decision][value=accept]").check()
    with officer.expect_navigation():
        officer.locator("main form.form button[type=submit]").click()
    # then the correction is accepted, applied and logged
    expect(officer.locator(".messages .callout--ok")).to_be_visible()
    axe_check(officer)
    correction.refresh_from_db()
    institution.refresh_from_db()
    assert correction.state == ContactCorrection.State.ACCEPTED
    assert institution.website == NEW_WEBSITE
    assert ActionLog.objects.filter(
        event="correction.accepted", target_id=str(correction.pk)
    ).exists()
    assert ActionLog.objects.filter(
        event="institution.updated",
        target_type="members.institution",
        target_id=str(institution.pk),
    ).exists()

    # and the public member page shows the new website
    visitor.goto(f"/es/members/{institution.slug}/")
    expect(visitor.locator("main")).to_contain_text(NEW_WEBSITE)
    axe_check(visitor)


@pytest.mark.e2e
def test_it_keeps_a_representative_out_of_another_institution(
    page: Page, ciss_data: CissData, member_representative
):
    # given the representative of the first example member
    login(page, member_representative.email, lang="en")
    other = ciss_data.examples[1]
    # when they try another institution's portal page and the staff list
    response = page.goto(f"/en/members/mine/{other.slug}/")
    # then it is not found (same as a missing one), and the staff pages are forbidden
    assert response is not None and response.status == 404
    axe_check(page)
    response = page.goto("/en/members/staff/institutions/")
    assert response is not None and response.status == 403
    axe_check(page)


@pytest.mark.e2e
def test_it_refuses_a_bad_correction_without_changing_anything(
    page: Page, ciss_data: CissData, member_representative
):
    institution = ciss_data.examples[0]
    before = ContactCorrection.objects.count()
    # given the representative on the correction form
    login(page, member_representative.email, lang="en")
    page.goto(f"/en/members/mine/{institution.slug}/correction/")
    # when a hostile, oversized value is sent, past the browser's own checks (as a script would)
    page.eval_on_selector(
        "main form.form",
        "f => { f.noValidate = true;"
        " f.querySelectorAll('[maxlength]').forEach(e => e.removeAttribute('maxlength')); }",
    )
    page.fill("input[name=website]", "javascript:alert(1)")
    page.fill("input[name=email]", "not an e-mail")
    page.fill("textarea[name=comment]", "x" * 10_000)
    with page.expect_navigation():
        page.locator("main form.form button").last.click()
    # then the form comes back (200) with the errors, and nothing was proposed
    assert page.url.endswith(f"/en/members/mine/{institution.slug}/correction/")
    expect(
        page.locator("main .errorlist, main [id$='_error'], main .field--error").first
    ).to_be_visible()
    assert ContactCorrection.objects.count() == before
    axe_check(page)
