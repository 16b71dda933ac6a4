"""The shell every page shares: home page, language switcher, login with and without MFA."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from secretariat.conftest import PASSWORD
from secretariat.e2e.conftest import axe_check, login, logout


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["es", "en"])
def test_it_shows_the_home_page_accessibly(page: Page, ciss_data, lang: str):
    # given the reference data
    # when
    response = page.goto(f"/{lang}/")
    # then
    assert response is not None and response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("h1")).to_be_visible()
    # the site's own assets load (the live server serves static files) and htmx runs
    for asset in ("/static/core/app.css", "/static/vendor/htmx/htmx.min.js"):
        assert page.request.get(asset).ok, asset
    assert page.evaluate("() => typeof window.htmx") == "object"
    axe_check(page)


@pytest.mark.e2e
def test_it_switches_language_and_stays_on_the_same_page(page: Page, ciss_data):
    # given the Spanish home page
    page.goto("/es/bodies/")
    # when the English link of the switcher is followed
    with page.expect_navigation():
        page.locator("nav.language-switcher a[hreflang=en]").click()
    # then the same page is shown in English
    assert page.url.endswith("/en/bodies/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("nav.language-switcher a[hreflang=en]")).to_have_attribute(
        "aria-current", "true"
    )
    axe_check(page)


@pytest.mark.e2e
def test_it_asks_an_officer_for_the_totp_code(page: Page, staff_officer):
    # given an officer with a TOTP authenticator
    # when they log in with password then code
    login(page, staff_officer.email)
    # then they reach the dashboard, logged in
    assert page.url.endswith("/es/dashboard/")
    expect(page.locator("form[action*='logout']")).to_have_count(1)
    axe_check(page)


@pytest.mark.e2e
def test_it_refuses_a_wrong_totp_code(page: Page, staff_officer):
    # given an officer at the code step
    page.goto("/en/accounts/login/")
    page.fill("input[name=login]", staff_officer.email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    # when a wrong code is entered
    page.fill("input[name=code]", "000000")
    with page.expect_navigation():
        page.press("input[name=code]", "Enter")
    # then the code is asked again and the dashboard stays closed
    expect(page.locator("input[name=code]")).to_be_visible()
    page.goto("/en/dashboard/")
    assert "/dashboard/" not in page.url and "/accounts/" in page.url


@pytest.mark.e2e
def test_it_lets_a_representative_in_without_a_code(page: Page, member_representative):
    # given a member's representative (no authenticator)
    # when
    login(page, member_representative.email, lang="en")
    # then
    assert page.url.endswith("/en/dashboard/")
    axe_check(page)
    logout(page, lang="en")
    expect(page.locator("form[action*='logout']")).to_have_count(0)


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["es", "en"])
def test_it_shows_the_login_and_code_pages_accessibly(page: Page, staff_officer, lang: str):
    # given an officer with a TOTP authenticator
    # when they open the login page
    page.goto(f"/{lang}/accounts/login/")
    # then it is in the page's language and passes axe
    expect(page.locator("html")).to_have_attribute("lang", lang)
    axe_check(page)
    # when the password is accepted and the code is asked
    page.fill("input[name=login]", staff_officer.email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    # then the code page passes axe too
    expect(page.locator("input[name=code]")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", lang)
    axe_check(page)


def _menu_on_one_line(page: Page) -> dict[str, Any]:
    """The main menu's items share one line, within the menu's width (nothing overflows or
    sits under something else)."""
    return page.evaluate(
        """() => {
          const items = [...document.querySelectorAll('.main-nav__list > li')];
          const tops = new Set(items.map((li) => Math.round(li.getBoundingClientRect().top)));
          const list = document.querySelector('.main-nav__list');
          const inner = document.querySelector('.main-nav__inner').getBoundingClientRect();
          const last = items[items.length - 1].getBoundingClientRect();
          return {
            items: items.length,
            lines: tops.size,
            overflow: list.scrollWidth - list.clientWidth,
            lastInside: last.right <= inner.right + 0.5,
          };
        }"""
    )


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_staff_menu_stays_on_one_line_at_1280_px(page: Page, staff_officer, lang: str):
    """Issue #9: the staff menu wrapped at 1,280 px wide."""
    page.set_viewport_size({"width": 1280, "height": 800})
    login(page, staff_officer.email, lang=lang)
    page.goto(f"/{lang}/dashboard/")
    menu = _menu_on_one_line(page)
    page.screenshot(path=f"test-artifacts/staff-menu-1280-{lang}.png")
    assert menu["items"] >= 10, menu  # the staff menu, not the public one
    assert menu["lines"] == 1 and menu["overflow"] <= 0 and menu["lastInside"], menu
    expect(page.locator(".site-header__tools form[action*='logout']")).to_be_visible()
