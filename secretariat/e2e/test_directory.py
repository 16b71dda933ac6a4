"""Journey a: the public directory, filtered, exported and switched between languages.

Data: the CISS reference data (seed_ciss: members whose category is not recorded) plus three
example members with a category (see conftest.EXAMPLE_MEMBERS).
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from secretariat.e2e.conftest import CissData, axe_check
from secretariat.members import exports
from secretariat.members.selectors.registry import directory_list

ROWS = "#directory-results table.data tbody tr"
TOTAL = "#directory-results .stats li:first-child .stat__value"


def _filter(page: Page, action) -> None:
    """Change a filter and wait for htmx to swap the results (the form submits on change)."""
    with page.expect_response(
        lambda r: "/members/?" in r.url and r.request.method == "GET"
    ) as info:
        action()
    assert info.value.status == 200
    page.wait_for_load_state("load")


def _download_csv(page: Page) -> list[list[str]]:
    with page.expect_download() as info:
        page.locator("#directory-results a[href*='export.csv']").click()
    download = info.value
    assert re.fullmatch(r"ciss-members-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    text = download.path().read_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _headers(lang: str) -> list[str]:
    with translation.override(lang):
        return [str(h) for h in exports.headers()]


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["es", "en"])
def test_it_filters_and_exports_the_directory(page: Page, ciss_data: CissData, lang: str):
    # given the reference data and three example members with a category
    total = directory_list().count()
    examples = {inst.acronym: inst for inst in ciss_data.examples}

    # when the directory is opened
    page.goto(f"/{lang}/members/")
    # then every member in force is listed and counted
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator(TOTAL)).to_have_text(str(total))
    expect(page.locator(ROWS)).to_have_count(min(total, 25))
    # example institutions say so
    example_row = page.locator(ROWS, has_text="Instituto Ejemplo de Pensiones")
    expect(example_row.locator(".badge--example")).to_be_visible()
    axe_check(page)

    # when filtered by category (full members)
    _filter(page, lambda: page.select_option("select[name=category]", "full"))
    # then only the two full example members remain; the page address keeps the filter
    expect(page.locator(ROWS)).to_have_count(2)
    expect(page.locator(ROWS, has_text="Caja Ejemplo de Salud")).to_have_count(0)
    assert "category=full" in page.url
    # the "All categories" count ignores the category filter, so it still counts everyone
    expect(page.locator(TOTAL)).to_have_text(str(total))
    axe_check(page)

    # when also filtered by country (Mexico)
    _filter(page, lambda: page.select_option("select[name=country]", "MX"))
    # then one row: the Mexican full member
    expect(page.locator(ROWS)).to_have_count(1)
    expect(page.locator(ROWS).first).to_contain_text(examples["IEP"].name)
    axe_check(page)

    # when the CSV is downloaded
    rows = _download_csv(page)
    # then its header is in the page's language and it holds the filtered row
    assert rows[0] == _headers(lang)
    assert [r[0] for r in rows[1:]] == [examples["IEP"].name]

    # when the filters are cleared and a search text is entered
    with page.expect_navigation():
        page.locator("form.filters a", has_text=re.compile(".+")).last.click()
    expect(page.locator(ROWS)).to_have_count(min(total, 25))
    page.fill("input[name=q]", "Caja Ejemplo")
    _filter(page, lambda: page.press("input[name=q]", "Enter"))
    # then only the matching member is listed
    expect(page.locator(ROWS)).to_have_count(1)
    expect(page.locator(ROWS).first).to_contain_text("Caja Ejemplo de Salud")
    axe_check(page)

    # when searching for something no member is called
    page.fill("input[name=q]", "<script>alert(1)</script>")
    _filter(page, lambda: page.press("input[name=q]", "Enter"))
    # then nothing is listed, the text is shown as text and a notice says so
    expect(page.locator(ROWS)).to_have_count(0)
    expect(page.locator("#directory-results .callout--info")).to_be_visible()
    axe_check(page)


@pytest.mark.e2e
def test_it_exports_headers_in_each_language(page: Page, ciss_data: CissData):
    # given the directory in Spanish and in English
    files = {}
    for lang in ("es", "en"):
        page.goto(f"/{lang}/members/?category=associate")
        # when the CSV is downloaded
        files[lang] = _download_csv(page)
    # then each file carries the headings of its language, and the languages differ
    assert files["es"][0] == _headers("es")
    assert files["en"][0] == _headers("en")
    assert files["es"][0] != files["en"][0], (
        "the CSV headings are the same in Spanish and English: "
        "the es catalog lacks them (make messages)"
    )
    assert [r[0] for r in files["es"][1:]] == ["Caja Ejemplo de Salud"]
    assert files["es"][1:] != [] and files["es"][1][0] == files["en"][1][0]


@pytest.mark.e2e
def test_it_switches_language_on_the_directory(page: Page, ciss_data: CissData):
    # given the Spanish directory filtered by country (loaded as a page, not through htmx)
    page.goto("/es/members/?country=MX")
    rows_es = page.locator(ROWS).count()
    # when the English link of the language switcher is followed
    with page.expect_navigation():
        page.locator("nav.language-switcher a[hreflang=en]").click()
    # then the same page, with the same filter, is shown in English
    assert re.search(r"/en/members/\?country=MX$", page.url), page.url
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(ROWS)).to_have_count(rows_es)
    axe_check(page)


@pytest.mark.e2e
def test_it_keeps_the_filters_when_switching_language_after_filtering(
    page: Page, ciss_data: CissData
):
    # given the Spanish directory filtered through the form (htmx swaps the results only)
    page.goto("/es/members/")
    _filter(page, lambda: page.select_option("select[name=category]", "full"))
    expect(page.locator(ROWS)).to_have_count(2)
    # when the English link of the language switcher is followed
    with page.expect_navigation():
        page.locator("nav.language-switcher a[hreflang=en]").click()
    # then the English directory shows the same filtered members
    assert page.url.split("?")[0].endswith("/en/members/")
    expect(page.locator(ROWS)).to_have_count(2)


@pytest.mark.e2e
def test_it_shows_a_member_page_from_the_directory(page: Page, ciss_data: CissData):
    # given the English directory
    page.goto("/en/members/?q=Fondo+Ejemplo")
    # when a member's name is followed
    with page.expect_navigation():
        page.locator(ROWS).first.locator("a").first.click()
    # then its public page shows its data, flagged as an example
    expect(page.locator("h1", has_text="Fondo Ejemplo del Caribe")).to_be_visible()
    expect(page.locator(".badge--example").first).to_be_visible()
    axe_check(page)
