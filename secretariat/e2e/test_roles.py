"""The roles page: the Secretary General finds a person and grants a role with a reason,
accessibly (issue #9, "Doors")."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from secretariat.e2e.conftest import axe_check, login


@pytest.fixture
def secretary_general_user(transactional_db: None):
    from secretariat.conftest import make_user
    from secretariat.core import roles

    return make_user("sg.e2e@example.org", roles.SECRETARY_GENERAL)


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_secretary_general_grants_a_role_on_the_roles_page(
    page: Page, secretary_general_user, lang: str
):
    # given a person without a role, and the Secretary General logged in with the code
    from secretariat.conftest import make_user
    from secretariat.core.models import ActionLog

    make_user("nueva.persona@example.org")
    login(page, secretary_general_user.email, lang=lang)
    # when they open the Roles page from the menu and look the person up
    page.goto(f"/{lang}/dashboard/")
    with page.expect_navigation():
        page.locator(f"nav.main-nav a[href='/{lang}/roles/']").click()
    axe_check(page)
    page.fill("input[name=q]", "nueva.persona")
    with page.expect_navigation():
        page.press("input[name=q]", "Enter")
    with page.expect_navigation():
        page.locator("table.data tbody a").first.click()
    axe_check(page)
    # and grant a role with a reason
    page.select_option("select[name='grant-role']", "officer")
    page.fill("textarea[name='grant-reason']", "Nombramiento 12/2026")
    with page.expect_navigation():
        page.locator("form[action$='/grant/'] button[type=submit]").click()
    # then the role shows, and the action log has it with its reason
    expect(page.locator("dl.dl-grid")).to_contain_text(
        "Funcionario/a de la Secretaría" if lang == "es" else "Secretariat officer"
    )
    axe_check(page)
    assert ActionLog.objects.get(event="role.granted").reason == "Nombramiento 12/2026"
