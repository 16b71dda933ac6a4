"""Journey: a year of the books, in Spanish and in English (issue #12, Finance I).

Through the browser, as the finance officer who keeps the books (one journey per language,
the steps in order, each on the real pages, each page checked with axe-core):
  1. sets the scale of contributions (by category, from a recorded decision);
  2. assesses the year: starts the assessment run and watches its progress finish;
  3. records a partial payment of a member (the bank's sample statement's receipt);
  4. sees a member in arrears (nothing paid for two years) without its vote in the next
     Standing Committee session's quorum, records its payment, and sees it vote again;
  5. posts an entry (the sample statement's supplier payment);
  6. reconciles the bank statement: imports the sample camt.053, matches its lines to the
     ledger (the charge explained), reconciles;
  7. closes the period of the statement;
  8. prepares the statements and downloads the PDF (its pages turned into PNGs with
     `pdftoppm` for a person to look at).
Screenshots of every step go to /work/notes/shots/journey/ (or $E2E_SHOTS/journey).

The setup, through the services: the chart (seed_ciss), three fiscal years (the sample
statement's year and the two before it), the example MXN rate, three members of which one
full member (the "Fondo Ejemplo del Caribe") holds a Standing Committee seat, and a
Standing Committee session convened for next week. Between steps 1 and 2 the two earlier
years are assessed and paid by everyone but that member (history, through the services).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from secretariat.e2e.conftest import CissData, axe_check, login

SHOTS = Path(os.environ.get("E2E_SHOTS", "/work/notes/shots")) / "journey"
SAMPLE = Path(settings.BASE_DIR) / "data" / "demo" / "finance" / "camt053-example.xml"
TZ_NAME = "America/Mexico_City"
SC = "standing-committee"
SC_SEAT = "Coordinación de la Subregión I"
# The journey's scale (cents of USD a year): invented figures.
SCALE = {"full": 25_000_00, "associate": 10_000_00, "affiliate": 5_000_00, "linked": 2_000_00}

T = TypeVar("T")

# --- One request at a time (see test_sessions_journey.py: the live server shares the test's
# one SQLite connection between request threads) ----------------------------------------------

_ONE_AT_A_TIME = threading.RLock()


def _db(read: Callable[[], T]) -> T:
    with _ONE_AT_A_TIME:
        return read()


@pytest.fixture
def one_request_at_a_time(live_server: Any) -> Iterator[None]:
    httpd = live_server.thread.httpd
    app = httpd.get_app()

    def serialized(environ: dict[str, Any], start_response: Any) -> Any:
        with _ONE_AT_A_TIME:
            return app(environ, start_response)

    httpd.set_app(serialized)
    try:
        yield
    finally:
        httpd.set_app(app)


# --- Small helpers ------------------------------------------------------------------------------


def u(lang: str, name: str, **kwargs: Any) -> str:
    """The path of a route in a language (`finance:…` unless the name has its namespace)."""
    with translation.override(lang):
        return reverse(name if ":" in name else f"finance:{name}", kwargs=kwargs or None)


def shot(page: Page, name: str, lang: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{lang}.png"), full_page=True)


def visit(page: Page, path: str, lang: str, name: str | None = None) -> None:
    """Go to a page, check its language, axe it, and keep a screenshot."""
    response = page.goto(path)
    assert response is not None and response.ok, (path, response and response.status)
    expect(page.locator("html")).to_have_attribute("lang", lang)
    axe_check(page)
    if name:
        shot(page, name, lang)


def submit(page: Page, button: Any) -> None:
    """Click a submit button and wait for the page that follows (PRG: redirect, then GET)."""
    with page.expect_navigation():
        button.click()


def expect_ok(page: Page) -> None:
    """The success message of the step just taken, and no error."""
    expect(page.locator(".messages .callout--ok").first).to_be_visible()
    expect(page.locator(".messages .callout--danger")).to_have_count(0)
    expect(page.locator(".errorlist")).to_have_count(0)


def main_submit(page: Page) -> Any:
    return page.locator("main form button[type=submit]").last


def money_text(cents: int, lang: str) -> str:
    """An amount as the page writes it in the language (format_amount)."""
    from secretariat.core.money import format_amount

    with translation.override(lang):
        return str(format_amount(cents, "USD"))


def money_input(cents: int, lang: str) -> str:
    """An amount as a person types it in the language (no thousands separator)."""
    whole, part = divmod(cents, 100)
    return f"{whole}{',' if lang == 'es' else '.'}{part:02d}"


# --- The sample statement, the books and the people ----------------------------------------------


@dataclass(frozen=True)
class SampleLine:
    day: dt.date
    amount: int  # cents, positive into the account
    reference: str
    description: str


def sample_lines() -> list[SampleLine]:
    from secretariat.finance.services.bank_import import parse_camt053

    parsed = parse_camt053(SAMPLE.read_bytes())
    return [
        SampleLine(row.booking_date, row.amount, row.reference, row.description)
        for row in parsed.lines
    ]


@dataclass
class Books:
    officer: Any  # finance officer (TOTP)
    secretariat: Any  # Secretariat officer (TOTP): the session's console
    year: int  # the sample statement's year, the "current" year of the journey
    payer: Any  # full member that pays part of the year (IEP, MX)
    arrears: Any  # full member in arrears, holding the Standing Committee seat (FEC, BB)
    session: Any  # the Standing Committee session convened for next week
    receipt: SampleLine  # the sample's credit: the partial payment of `payer`
    invoice: SampleLine  # the sample's first debit: the entry the officer posts
    charges: list[SampleLine]  # the sample's other debits: explained on the statement


@pytest.fixture
def books(ciss_data: CissData, staff_officer: Any, one_request_at_a_time: None) -> Books:
    from secretariat.conftest import make_user
    from secretariat.core import roles
    from secretariat.finance.services.rates import rate_record
    from secretariat.finance.services.years import fiscal_year_open
    from secretariat.governance.models import Body, Seat, Session

    officer = make_user("finance.e2e@example.org", roles.FINANCE)
    lines = sample_lines()
    year = lines[0].day.year
    for y in (year - 2, year - 1, year):
        fiscal_year_open(actor=officer, year=y)
    rate_record(
        actor=officer,
        currency="MXN",
        day=dt.date(year - 2, 1, 1),
        rate=Decimal("0.05"),
        source="e2e: tipo de cambio de prueba",
    )
    payer, _associate, arrears = ciss_data.examples
    today = timezone.localdate()
    seat = Seat.objects.active_on(today).get(body__code=SC, title=SC_SEAT)
    seat.institution = arrears
    seat.save(update_fields=["institution"])
    starts = timezone.now() + dt.timedelta(days=7)
    session = Session.objects.create(
        body=Body.objects.get(code=SC),
        kind=Session.Kind.EXTRAORDINARY,
        number=90,
        title_es="Sesión extraordinaria de prueba del Comité Permanente",
        title_en="Test extraordinary session of the Standing Committee",
        starts_at=starts,
        time_zone=TZ_NAME,
        languages=["es", "en"],
        state=Session.State.CONVENED,
        convened_at=timezone.now(),
        convened_by="president",
    )
    credits = [line for line in lines if line.amount > 0]
    debits = [line for line in lines if line.amount < 0]
    assert len(credits) == 1 and len(debits) >= 1, lines
    return Books(
        officer=officer,
        secretariat=staff_officer,
        year=year,
        payer=payer,
        arrears=arrears,
        session=session,
        receipt=credits[0],
        invoice=debits[0],
        charges=debits[1:],
    )


def history(b: Books) -> None:
    """The two years before: assessed, and paid in full by every member but the one in
    arrears (through the services)."""
    from secretariat.finance.models import Account, Assessment, FiscalYear
    from secretariat.finance.selectors.dues import with_outstanding
    from secretariat.finance.services.assessments import (
        assessment_run_execute,
        assessment_run_start,
    )
    from secretariat.finance.services.payments import payment_record

    bank = Account.objects.get(code="1110")
    for year in (b.year - 2, b.year - 1):
        run = assessment_run_start(actor=b.officer, fiscal_year=FiscalYear.objects.get(year=year))
        assessment_run_execute(run.pk)
        for assessment in with_outstanding(Assessment.objects.filter(fiscal_year__year=year)):
            left = int(assessment.outstanding)  # type: ignore[attr-defined]  # annotated
            if assessment.institution_id == b.arrears.pk or left <= 0:
                continue
            payment_record(
                actor=b.officer,
                institution=assessment.institution,
                received_on=dt.date(year, 3, 1),
                bank_reference=f"E2E-{year}-{assessment.institution_id}",
                bank_account=bank,
                currency="USD",
                amount=int(left),
            )


# --- The steps -------------------------------------------------------------------------------------


def set_scale(page: Page, lang: str, b: Books) -> None:
    """1. The scale from the first of the three years, by category, from a decision."""
    from secretariat.members.models import Category

    categories = _db(lambda: dict(Category.objects.values_list("code", "pk")))
    visit(page, u(lang, "scale-add"), lang, "01-scale-form")
    page.fill("[name=effective_from_year]", str(b.year - 2))
    page.fill("[name=decision]", "Resolución de prueba de la Asamblea General (e2e)")
    for code, cents in SCALE.items():
        page.fill(f"[name=category_{categories[code]}]", money_input(cents, lang))
    submit(page, main_submit(page))
    expect_ok(page)
    expect(page.locator("main")).to_contain_text(money_text(SCALE["full"], lang))
    axe_check(page)
    shot(page, "01-scale", lang)


def assess_year(page: Page, lang: str, b: Books) -> None:
    """2. The year's run started from its page; the progress finishes."""
    from secretariat.finance.models import Assessment, AssessmentRun

    visit(page, u(lang, "assessment-run"), lang, "02-assessment-form")
    page.select_option("[name=year]", str(b.year))
    submit(page, main_submit(page))
    expect(page.locator("#run-progress.callout--ok")).to_be_visible(timeout=30_000)
    expect(page.locator("#run-progress progress")).to_have_attribute("value", "3")
    axe_check(page)
    run = _db(lambda: AssessmentRun.objects.filter(fiscal_year__year=b.year).get())
    assert (run.state, run.done, run.total) == (AssessmentRun.State.DONE, 3, 3)
    shot(page, "02-assessment-run", lang)
    assert _db(Assessment.objects.filter(fiscal_year__year=b.year).count) == 3
    visit(page, u(lang, "assessment-list") + f"?year={b.year}", lang, "02-assessments")


def record_payment(
    page: Page, lang: str, b: Books, institution: Any, cents: int, day: dt.date, ref: str
) -> None:
    """A payment in USD into the USD bank account, from the payment form."""
    from secretariat.finance.models import Account

    bank = _db(lambda: Account.objects.get(code="1110"))
    page.goto(u(lang, "payment-add"))
    page.select_option("[name=institution]", str(institution.pk))
    page.fill("[name=received_on]", day.isoformat())
    page.fill("[name=bank_reference]", ref)
    page.select_option("[name=bank_account]", str(bank.pk))
    page.select_option("[name=currency]", "USD")
    page.fill("[name=amount]", money_input(cents, lang))
    submit(page, main_submit(page))
    expect_ok(page)


def partial_payment(page: Page, lang: str, b: Books) -> None:
    """3. The payer pays part of its year: the sample statement's receipt."""
    from secretariat.finance.selectors.dues import outstanding_by_member

    visit(page, u(lang, "payment-add"), lang, "03-payment-form")
    record_payment(
        page, lang, b, b.payer, b.receipt.amount, b.receipt.day, b.receipt.reference or "E2E-REC"
    )
    axe_check(page)
    shot(page, "03-payment", lang)
    left = _db(lambda: outstanding_by_member(institution_ids=[b.payer.pk])[b.payer.pk])
    assert 0 < left < SCALE["full"], left


def vote_lost_and_regained(page: Page, officer: Page, lang: str, b: Books) -> None:
    """4. The member in arrears does not vote at the next Standing Committee session; it
    pays its two years; it votes again."""
    from secretariat.finance.selectors.dues import outstanding_by_member
    from secretariat.governance.models import Seat

    day = timezone.localtime(b.session.starts_at).date()
    seat = _db(lambda: Seat.objects.active_on(day).get(body__code=SC, title=SC_SEAT))
    composition = u(lang, "governance:body-composition", code=SC) + f"?on={day.isoformat()}"

    visit(page, u(lang, "arrears"), lang, "04-arrears")
    expect(page.locator("main")).to_contain_text(b.arrears.name)

    visit(officer, u(lang, "governance:console", pk=b.session.pk), lang, "04-console-before")
    entitled = officer.locator("#console-live .quorum .quorum__figures dd").last
    before = int(entitled.inner_text())
    visit(officer, composition, lang, "04-composition-before")
    expect(officer.locator("tr", has_text=SC_SEAT).locator(".no-vote-reason")).to_have_count(1)

    owed = _db(
        lambda: outstanding_by_member(
            institution_ids=[b.arrears.pk], on=dt.date(b.year - 1, 12, 31)
        )[b.arrears.pk]
    )
    record_payment(page, lang, b, b.arrears, int(owed), timezone.localdate(), f"E2E-ARREARS-{lang}")
    shot(page, "04-arrears-paid", lang)

    visit(officer, composition, lang, "04-composition-after")
    expect(officer.locator("tr", has_text=SC_SEAT).locator(".no-vote-reason")).to_have_count(0)
    visit(officer, u(lang, "governance:console", pk=b.session.pk), lang, "04-console-after")
    expect(officer.locator("#console-live .quorum .quorum__figures dd").last).to_have_text(
        str(before + 1)
    )
    assert seat.pk


def post_entry(page: Page, lang: str, b: Books) -> None:
    """5. The supplier's invoice paid from the bank: a manual entry drafted and posted."""
    from secretariat.finance.models import Account, Journal

    amount = -b.invoice.amount
    gen = _db(lambda: Journal.objects.get(code="GEN"))
    accounts = _db(lambda: {a.code: a for a in Account.objects.filter(code__in=["1110", "5310"])})
    visit(page, u(lang, "entry-add"), lang, "05-entry-form")
    page.select_option("[name=journal]", str(gen.pk))
    page.fill("[name=date]", b.invoice.day.isoformat())
    page.fill("[name=description]", f"{b.invoice.description} ({b.invoice.reference})")
    for n, (code, side) in enumerate((("5310", "debit"), ("1110", "credit"))):
        page.select_option(f"[name=lines-{n}-account]", str(accounts[code].pk))
        page.fill(f"[name=lines-{n}-{side}]", money_input(amount, lang))
    submit(page, main_submit(page))
    expect_ok(page)
    axe_check(page)
    shot(page, "05-entry-draft", lang)
    submit(page, page.locator("form[action$='/post/'] button[type=submit]").first)
    expect_ok(page)
    axe_check(page)
    shot(page, "05-entry-posted", lang)


def reconcile(page: Page, lang: str, b: Books) -> None:
    """6. The sample camt.053 imported on the USD account, matched, explained, reconciled."""
    from secretariat.finance.models import Account, BankStatement

    bank = _db(lambda: Account.objects.get(code="1110"))
    visit(page, u(lang, "bank-import"), lang, "06-bank-import")
    page.select_option("[name=account]", str(bank.pk))
    format_field = page.locator("[name=file_format]")
    if format_field.count():
        if format_field.first.evaluate("e => e.tagName") == "SELECT":
            format_field.first.select_option("camt053")
        else:
            page.check("[name=file_format][value=camt053]")
    page.set_input_files("input[type=file]", str(SAMPLE))
    submit(page, main_submit(page))
    axe_check(page)
    shot(page, "06-bank-preview", lang)
    submit(page, page.locator("form:has(input[name=step][value=confirm]) button[type=submit]"))
    expect_ok(page)
    statement = _db(lambda: BankStatement.objects.get())
    visit(page, u(lang, "bank-detail", pk=statement.pk), lang, "06-bank-statement")
    # the receipt and the invoice: their suggested ledger lines, matched
    for _n in range(2):
        submit(page, page.locator("form[action*='match'] button[type=submit]").first)
        expect_ok(page)
    # the bank's charges: explained (to be posted by the officer)
    for charge in b.charges:
        with page.expect_navigation():
            page.locator("a[href$='/explain/']").first.click()
        axe_check(page)
        page.fill("[name=explanation]", f"Comisión bancaria {charge.reference}")
        submit(page, main_submit(page))
        expect_ok(page)
    axe_check(page)
    shot(page, "06-bank-matched", lang)
    submit(page, page.locator("form[action*='reconcile'] button[type=submit]").first)
    expect_ok(page)
    assert _db(lambda: BankStatement.objects.get().state) == BankStatement.State.RECONCILED
    axe_check(page)
    shot(page, "06-bank-reconciled", lang)
    visit(page, u(lang, "bank-report", pk=statement.pk), lang, "06-bank-report")


def close_period(page: Page, lang: str, b: Books) -> None:
    """7. The statement's month closed from the fiscal years page (its revaluation first)."""
    from secretariat.finance.models import Period, PeriodState

    period = _db(lambda: Period.objects.get(fiscal_year__year=b.year, number=b.invoice.day.month))
    visit(page, u(lang, "year-list"), lang, "07-years")
    submit(
        page,
        page.locator(f"form[action='{u(lang, 'period-close', pk=period.pk)}'] button").first,
    )
    expect_ok(page)
    axe_check(page)
    shot(page, "07-period-closed", lang)
    assert _db(lambda: Period.objects.get(pk=period.pk).state) == PeriodState.CLOSED


def statements(page: Page, lang: str, b: Books) -> None:
    """8. The year's statements prepared (a draft); the PDF downloaded and looked at."""
    from secretariat.finance.models import StatementSet

    visit(page, u(lang, "statement-add"), lang, "08-statement-form")
    page.select_option("[name=first_year]", str(b.year))
    page.select_option("[name=last_year]", str(b.year))
    submit(page, main_submit(page))
    expect_ok(page)
    assert _db(lambda: StatementSet.objects.get().state) == StatementSet.State.DRAFT
    axe_check(page)
    shot(page, "08-statements", lang)
    href = page.locator(f"a[href$='statements-{lang}.pdf']").first.get_attribute("href")
    assert href
    body = b""
    for _attempt in range(30):  # the worker builds it (in-process in the tests)
        response = page.request.get(href)
        assert response.ok, response.status
        body = response.body()
        if body.startswith(b"%PDF"):
            break
        page.wait_for_timeout(1000)
    assert body.startswith(b"%PDF"), body[:80]
    SHOTS.mkdir(parents=True, exist_ok=True)
    pdf = SHOTS / f"statements-{lang}.pdf"
    pdf.write_bytes(body)
    for old in SHOTS.glob(f"08-statements-pdf-{lang}-*.png"):
        old.unlink()
    command = ["pdftoppm", "-png", "-r", "60", str(pdf), str(SHOTS / f"08-statements-pdf-{lang}")]
    # a fixed command (poppler-utils, installed by .ci/run) on a file the test wrote
    subprocess.run(command, check=True, timeout=120)  # noqa: S603, S607
    assert list(SHOTS.glob(f"08-statements-pdf-{lang}-*.png")), "pdftoppm made no page"


# --- The journey -----------------------------------------------------------------------------------


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_year_of_the_books_from_the_scale_to_the_statements(
    new_page: Callable[..., Page], books: Books, lang: str
) -> None:
    # given: the finance officer and, for the session's console, a Secretariat officer
    page = new_page("es-MX" if lang == "es" else "en-US")
    login(page, books.officer.email, lang=lang)
    officer = new_page("es-MX" if lang == "es" else "en-US")
    login(officer, books.secretariat.email, lang=lang)
    visit(page, u(lang, "home"), lang, "00-finance-home")

    # when / then: the steps of the year, in order
    set_scale(page, lang, books)
    _db(lambda: history(books))
    assess_year(page, lang, books)
    partial_payment(page, lang, books)
    vote_lost_and_regained(page, officer, lang, books)
    post_entry(page, lang, books)
    reconcile(page, lang, books)
    close_period(page, lang, books)
    statements(page, lang, books)
    assert re.match(r"^\d{4}$", str(books.year))
