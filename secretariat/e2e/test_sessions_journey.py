"""Journey: a whole extraordinary session of the Standing Committee, in Spanish and in English.

Through the browser, as the people who do it:
  - the Secretariat (an officer with password and TOTP) links the holders of some seats to
    their accounts on the seat-edit page, prepares an extraordinary session convened by the
    President, convenes it (notice checked, convocation previewed and e-mailed), builds and
    adopts its agenda with a document, registers the seat holders and accepts their
    credentials, opens the session and takes attendance until there is quorum;
  - a motion goes to a roll-call vote answered on the roll-call screen; a second motion goes
    to a secret ballot cast by three delegates from their own browsers while a voice-only
    seat holder is told why they cannot vote; the console shows only how many voted until
    the vote closes, and the result reaches the delegates' live pages by polling;
  - the carried motion becomes a resolution with the next number of the series (set first
    if the series has none), public at its stable URL;
  - the session is closed, its minutes drafted, edited, circulated, amended after comments,
    approved at a second session of the Committee (prepared, convened and opened through the
    same pages) and signed; their PDF is downloaded.
axe-core runs on every distinct page, and each main page is checked for text in the page's
language (an untranslated page fails).

Data made outside the browser (`sc_people`): the accounts of the seat holders, as a real
Secretariat would already have them (accounts are created by the site's administrators,
not through these pages).
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import FilePayload, Page, expect

from secretariat.e2e.conftest import CissData, axe_check, login
from secretariat.governance.models import (
    AgendaItem,
    Minutes,
    Motion,
    Participant,
    Resolution,
    Seat,
    Session,
    Vote,
)

BODY = "standing-committee"
# A result on the delegates' pages must arrive within this time. The live server is a WSGI
# server: the pages' event streams answer once and the browser asks again every 2 seconds
# (decision 0011; the ASGI server's push is driven by test_live_push.py).
LIVE_MS = 5_000

SMALL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

# Visible text of the main pages in each language (msgstr of the Spanish catalogue).
TEXT = {
    "es": {
        "prepare": "Preparar una sesión",
        "draft": "En preparación",
        "notice_ok": "Se respeta el plazo de convocatoria.",
        "convened": "Convocada",
        "agenda": "Orden del día",
        "adopted": "Aprobado",
        "participants": "Participantes",
        "attendance": "Asistencia",
        "quorum": "Quórum",
        "quorum_met": "Hay quórum",
        "no_quorum": "No hay quórum",
        "in_session": "En sesión",
        "roll_call": "Votación nominal",
        "motion": "Moción {n}",
        "secret": "Votación secreta",
        "your_ballot": "Su papeleta",
        "carried": "Aprobada",
        "vote_in_progress": "Votación en curso",
        "have_voted": "Han votado 3 de {n}",
        "recorded": "Se registró su papeleta.",
        "cannot_vote": "No puede votar:",
        "voice_only": "Solo voz, sin voto",
        "resolution": "Resolución",
        "minutes": "Acta",
        "signed": "Firmada y publicada",
        "closed": "Cerrada",
    },
    "en": {
        "prepare": "Prepare a session",
        "draft": "In preparation",
        "notice_ok": "The notice period is respected.",
        "convened": "Convened",
        "agenda": "Agenda",
        "adopted": "Adopted",
        "participants": "Participants",
        "attendance": "Attendance",
        "quorum": "Quorum",
        "quorum_met": "Quorum met",
        "no_quorum": "No quorum",
        "in_session": "In session",
        "roll_call": "Roll-call vote",
        "motion": "Motion {n}",
        "secret": "Secret ballot",
        "your_ballot": "Your ballot",
        "carried": "Carried",
        "vote_in_progress": "Vote in progress",
        "have_voted": "3 of {n} have voted",
        "recorded": "Your ballot was recorded.",
        "cannot_vote": "You cannot vote:",
        "voice_only": "Voice only, no vote",
        "resolution": "Resolution",
        "minutes": "Minutes",
        "signed": "Signed and published",
        "closed": "Closed",
    },
}


MINUTES_NOTE = {
    "es": "La Secretaría General deja constancia de la asistencia de la Dirección del CIESS.",
    "en": "The General Secretariat records that the CIESS Director attended.",
}


T = TypeVar("T")


# --- One request at a time ---------------------------------------------------------------
#
# The test database is SQLite in memory, and pytest-django's live server hands the test's one
# connection to every request thread. Several browsers asking at once (the console and
# four delegates) then run requests at the same time on that one connection, and one
# request's transaction mixes with another's: now and then a write fails with "database table
# is locked". The site itself uses a connection per thread (SQLite file in WAL mode with a
# busy timeout, or PostgreSQL), so this is the test server's limit, not the site's: requests
# are served one at a time here, and the test's own reads wait their turn too (`_db`).

_ONE_AT_A_TIME = threading.RLock()


def _db(read: Callable[[], T]) -> T:
    """Run an ORM read of the test while no request is being served."""
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


# --- People and seats ----------------------------------------------------------------------


@dataclass
class Holder:
    """A seat holder with an account: who they are and which seat they take."""

    email: str
    seat_title: str
    name: str | None  # written on the seat when the sources named nobody; None keeps it


# Three voting seats whose holders the sources do not name (the Secretariat fills them in)
# and the CIESS Director's voice seat (its holder is named by the sources and kept).
VOTERS = [
    Holder("ana.presidencia@example.org", "Presidencia", "Ana Ejemplo Ruiz"),
    Holder("bruno.subregion1@example.org", "Coordinación de la Subregión I", "Bruno Ejemplo Paz"),
    Holder("carla.subregion4@example.org", "Coordinación de la Subregión IV", "Carla Ejemplo Lee"),
]
VOICE = Holder("direccion.ciess@example.org", "Dirección del CIESS", None)
# Voting seats present without an account of their own (they answer in the hall).
OTHER_PRESENT = ["Vicepresidencia 2", "Vicepresidencia 3", "Coordinación de la Subregión II"]


@dataclass
class People:
    officer: Any
    voters: list[Holder]
    voice: Holder


@pytest.fixture
def sc_people(ciss_data: CissData, staff_officer: Any) -> People:
    """The accounts the Secretariat already has: an officer (TOTP) and four seat holders
    (representatives' accounts, no TOTP). Linking them to their seats is done in the journey,
    on the seat-edit page."""
    from secretariat.conftest import make_user
    from secretariat.core import roles

    assert Seat.objects.filter(body__code=BODY).exists(), "seed_ciss loaded no seats"
    for holder in [*VOTERS, VOICE]:
        make_user(holder.email, roles.REPRESENTATIVE)
    return People(officer=staff_officer, voters=VOTERS, voice=VOICE)


def _seat_on(day: dt.date, title: str) -> Seat:
    return _db(lambda: Seat.objects.active_on(day).get(body__code=BODY, title=title))


# --- Small helpers ---------------------------------------------------------------------------


def _pdf(name: str) -> FilePayload:
    return {"name": name, "mimeType": "application/pdf", "buffer": SMALL_PDF}


def _submit(page: Page, button: Any) -> None:
    """Click a submit button and wait for the page that follows (PRG: redirect, then GET)."""
    with page.expect_navigation():
        button.click()


def _expect_ok(page: Page) -> None:
    """The success message of the step just taken, and no error."""
    expect(page.locator(".messages .callout--ok").first).to_be_visible()
    expect(page.locator(".messages .callout--danger")).to_have_count(0)
    expect(page.locator(".errorlist")).to_have_count(0)


def _local(moment: dt.datetime) -> str:
    """A datetime-local value (the form reads it in the session's time zone)."""
    return moment.strftime("%Y-%m-%dT%H:%M")


def _in(obj: Any, field: str, lang: str) -> str:
    """A translated field in one language (modeltranslation's column)."""
    return str(getattr(obj, f"{field}_{lang}"))


def _session_pk(page: Page, lang: str) -> int:
    match = re.search(rf"/{lang}/sessions/(\d+)/$", page.url)
    assert match, f"not on a session page: {page.url}"
    return int(match.group(1))


# --- Steps ------------------------------------------------------------------------------------


def link_seats(page: Page, lang: str, day: dt.date, holders: list[Holder]) -> None:
    """The officer writes each holder's name and account on their seat (seat-edit)."""
    for n, holder in enumerate(holders):
        seat = _seat_on(day, holder.seat_title)
        page.goto(f"/{lang}/seats/{seat.pk}/edit/")
        if n == 0:
            axe_check(page)
        if holder.name:
            page.fill("input[name=holder]", holder.name)
        page.fill("input[name=account_email]", holder.email)
        page.fill("textarea[name=reason]", "Titular comunicado por la Presidencia (prueba e2e).")
        _submit(page, page.locator("main form.form button[type=submit]").first)
        _expect_ok(page)
    # the composition on the session's date shows them
    page.goto(f"/{lang}/bodies/{BODY}/composition/?on={day.isoformat()}")
    for holder in holders:
        if holder.name:
            expect(page.locator("main")).to_contain_text(holder.name)
    axe_check(page)


def create_session(
    page: Page, lang: str, starts: dt.datetime, t: dict[str, str], *, check: bool = True
) -> int:
    """Prepare an extraordinary session of the Committee convened by the President."""
    from secretariat.governance.models import Body
    from secretariat.members.models import Country

    body = _db(lambda: Body.objects.get(code=BODY))
    page.goto(f"/{lang}/sessions/new/")
    expect(page.locator("h1")).to_contain_text(t["prepare"])
    if check:
        axe_check(page)
    page.select_option("select[name=body]", str(body.pk))
    page.check("input[name=kind][value=extraordinary]")
    page.fill("input[name=starts_at]", _local(starts))
    page.fill("input[name=ends_at]", _local(starts + dt.timedelta(hours=6)))
    page.select_option("select[name=time_zone]", "America/Mexico_City")
    page.select_option("select[name=convened_by]", "president")
    page.fill("input[name=place]", "Sede de la CISS, Ciudad de México")
    page.select_option("select[name=country]", str(_db(lambda: Country.objects.get(code="MX").pk)))
    expect(page.locator("input[name=languages][value=es]")).to_be_checked()
    page.check("input[name=languages][value=en]")
    page.fill("input[name=chair]", "Ana Ejemplo Ruiz")
    page.fill("input[name=secretary]", "Secretaría General de la CISS")
    _submit(page, page.locator("main form.session-form button[type=submit]"))
    _expect_ok(page)
    pk = _session_pk(page, lang)
    session = _db(lambda: Session.objects.get(pk=pk))
    assert (session.kind, session.convened_by, session.state) == (
        "extraordinary",
        "president",
        "draft",
    )
    assert session.languages == ["es", "en"]
    expect(page.locator("main .session__badges")).to_contain_text(t["draft"])
    return pk


def convene(page: Page, lang: str, pk: int, t: dict[str, str], *, check: bool) -> None:
    """Convene: the notice is respected, the convocation is previewed, then sent."""
    page.goto(f"/{lang}/sessions/{pk}/")
    with page.expect_navigation():
        page.locator(f"a[href$='/sessions/{pk}/convene/']").first.click()
    notice = page.locator("section[aria-labelledby=notice-heading] .callout")
    expect(notice).to_have_class(re.compile(r"callout--ok"))
    expect(notice).to_contain_text(t["notice_ok"])
    if check:
        axe_check(page)
        # an edited text is previewed before it is sent
        page.fill(
            "textarea[name=convocation_es]",
            page.input_value("textarea[name=convocation_es]")
            + "\n\nSe ruega confirmar la asistencia.",
        )
        _submit(page, page.locator("button[name=action][value=preview]"))
        expect(page.locator(".convocation-preview article[lang=es]")).to_contain_text(
            "Se ruega confirmar la asistencia."
        )
        expect(page.locator(".convocation-preview article[lang=en]")).to_be_visible()
    _submit(page, page.locator("button[name=action][value=convene]"))
    _expect_ok(page)
    assert page.url.endswith(f"/{lang}/sessions/{pk}/"), page.url
    expect(page.locator("main .session__badges")).to_contain_text(t["convened"])


def build_agenda(page: Page, lang: str, pk: int, t: dict[str, str]) -> AgendaItem:
    """Three items and a sub-item, the third moved up, the agenda adopted, a document added.
    Returns the item the motions are tabled on."""
    items = [
        ("Apertura de la sesión", "Opening of the session", "information"),
        ("Informe de la Secretaría General", "Report of the General Secretariat", "discussion"),
        ("Presupuesto extraordinario 2027", "Extraordinary budget 2027", "decision"),
    ]
    for title_es, title_en, outcome in items:
        page.goto(f"/{lang}/sessions/{pk}/agenda/items/new/")
        page.fill("input[name=title_es]", title_es)
        page.fill("input[name=title_en]", title_en)
        page.select_option("select[name=outcome]", outcome)
        _submit(page, page.locator("main form.form button[type=submit]"))
        _expect_ok(page)
    budget = _db(lambda: AgendaItem.objects.get(session_id=pk, title_es=items[2][0]))
    report = _db(lambda: AgendaItem.objects.get(session_id=pk, title_es=items[1][0]))

    # a sub-item of the budget, from the item's own "Add a sub-item" link
    with page.expect_navigation():
        page.locator(f"#item-{budget.pk} a[href*='?parent={budget.pk}']").click()
    expect(page.locator("select[name=parent]")).to_have_value(str(budget.pk))
    page.fill("input[name=title_es]", "Propuesta de la Contraloría")
    page.fill("input[name=title_en]", "Proposal of the Comptroller's Office")
    page.select_option("select[name=outcome]", "decision")
    _submit(page, page.locator("main form.form button[type=submit]"))
    _expect_ok(page)

    # the budget moves up before the report (htmx swaps the tree in place)
    top = page.locator("#agenda-tree > ol.agenda > li")
    expect(top.nth(1)).to_have_id(f"item-{report.pk}")
    page.locator(
        f"#item-{budget.pk} form:has(input[name=direction][value=up]) button"
    ).first.click()
    expect(top.nth(1)).to_have_id(f"item-{budget.pk}")
    expect(top.nth(2)).to_have_id(f"item-{report.pk}")
    expect(page.locator(f"#item-{budget.pk} .agenda-item__number").first).to_have_text("2")

    # the agenda is adopted (a confirmation dialog, accepted)
    _submit(page, page.locator("form[action$='/agenda/adopt/'] button"))
    _expect_ok(page)
    expect(page.locator(".agenda-status")).to_contain_text(t["adopted"])
    expect(page.locator(f"#item-{budget.pk} form:has(input[name=direction])")).to_have_count(0)

    # a document for the budget item, Spanish and English files
    with page.expect_navigation():
        page.locator(f"#item-{budget.pk} a[href*='documents/new/?item={budget.pk}']").first.click()
    page.fill("input[name=title_es]", "Proyecto de presupuesto extraordinario 2027")
    page.fill("input[name=title_en]", "Draft extraordinary budget 2027")
    expect(page.locator("select[name=agenda_item]")).to_have_value(str(budget.pk))
    page.set_input_files("input[name=file_es]", files=[_pdf("presupuesto-es.pdf")])
    page.set_input_files("input[name=file_en]", files=[_pdf("budget-en.pdf")])
    _submit(page, page.locator("main form.form button[type=submit]"))
    _expect_ok(page)
    expect(page.locator("main")).to_contain_text("presupuesto-es.pdf")

    page.goto(f"/{lang}/sessions/{pk}/agenda/")
    expect(page.locator("h1")).to_contain_text(t["agenda"])
    expect(page.locator(f"#item-{budget.pk}")).to_contain_text(
        "Proyecto de presupuesto" if lang == "es" else "Draft extraordinary budget"
    )
    axe_check(page)
    return budget


def register_seat_holders(page: Page, lang: str, pk: int, t: dict[str, str]) -> None:
    """The Secretariat registers every seat holder and accepts all credentials at once."""
    page.goto(f"/{lang}/sessions/{pk}/participants/")
    expect(page.locator("h1")).to_contain_text(t["participants"])
    _submit(page, page.locator("form[action$='/participants/seat-holders/'] button"))
    _expect_ok(page)
    registered = _db(Participant.objects.filter(session_id=pk, withdrawn_at=None).count)
    assert registered >= 14, registered  # 11 voting seats and 3 voice seats
    select_all = page.locator("#select-all")
    expect(select_all).to_be_visible()
    select_all.check()
    _submit(page, page.locator("#bulk-form .form-actions button[type=submit]"))
    _expect_ok(page)
    assert not _db(
        Participant.objects.filter(
            session_id=pk, credentials=Participant.Credentials.PENDING
        ).exists
    )
    axe_check(page)


def take_attendance(page: Page, lang: str, pk: int, day: dt.date, t: dict[str, str]) -> int:
    """Open the session, mark six voting seats and one voice seat present; quorum is met.
    Returns how many voting seats are present."""
    page.goto(f"/{lang}/sessions/{pk}/console/")
    # convened for a later day: opening now needs a reason, recorded with the opening
    _submit(page, page.locator("#action-open"))
    expect(page.locator(".messages .callout--danger").first).to_be_visible()
    page.fill("#open-reason", "Adelantada por acuerdo de la Presidencia (prueba).")
    _submit(page, page.locator("#action-open"))
    _expect_ok(page)
    expect(page.locator("#console-live .session-line")).to_contain_text(t["in_session"])

    page.goto(f"/{lang}/sessions/{pk}/attendance/")
    expect(page.locator("h1")).to_contain_text(t["attendance"])
    # the voice seat first, then the voting seats: the sixth of eleven makes the quorum
    titles = [VOICE.seat_title] + [h.seat_title for h in VOTERS] + OTHER_PRESENT
    seats = [_seat_on(day, title) for title in titles]
    by_seat = _db(
        lambda: dict(
            Participant.objects.filter(session_id=pk, seat__in=seats).values_list("seat_id", "pk")
        )
    )
    quorum = page.locator("#attendance-summary .quorum")
    for n, seat in enumerate(seats):
        row = page.locator(f"#participant-{by_seat[seat.pk]}")
        row.locator("button[type=submit]").click()  # htmx swaps the row and the summary
        expect(row).to_have_class(re.compile(r"attendance-row--present"))
        expect(quorum.locator(".quorum__figures dd").first).to_have_text(str(n))
        if n == len(seats) - 2:
            expect(quorum).to_have_class(re.compile(r"\bquorum--not-met\b"))
            expect(quorum).to_contain_text(t["no_quorum"])
    expect(quorum).to_have_class(re.compile(r"\bquorum--met\b"))
    expect(quorum).to_contain_text(t["quorum_met"])
    axe_check(page)
    # more than half of the voting seats (the default rule, to be confirmed)
    entitled = _db(
        Seat.objects.active_on(day)
        .filter(body__code=BODY, capacity__in=[Seat.Capacity.MEMBER, Seat.Capacity.OFFICER])
        .count
    )
    voting_present = len(VOTERS) + len(OTHER_PRESENT)
    expect(quorum.locator(".quorum__figures dd")).to_have_text(
        [str(voting_present), str(entitled // 2 + 1), str(entitled)]
    )

    page.goto(f"/{lang}/sessions/{pk}/console/")
    panel = page.locator("#console-live .quorum")
    expect(panel).to_contain_text(t["quorum"])
    expect(panel).to_contain_text(t["quorum_met"])
    axe_check(page)
    return voting_present


def last_vote_fits(page: Page, lang: str, pk: int) -> None:
    """At 1,280 × 800 the console's last-vote card holds its counts (issue #9: the table
    overflowed it) and the staff menu is on one line."""
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"/{lang}/sessions/{pk}/console/")
    table = page.locator("#console-live .current-vote table.vote-counts")
    expect(table).to_be_visible()
    sizes = page.evaluate(
        """() => {
          const card = document.querySelector('#console-live .current-vote');
          const table = card.querySelector('table.vote-counts');
          const tops = new Set([...document.querySelectorAll('.main-nav__list > li')]
            .map((li) => Math.round(li.getBoundingClientRect().top)));
          return {
            card: card.scrollWidth - card.clientWidth,
            table: table.getBoundingClientRect().right - card.getBoundingClientRect().right,
            menuLines: tops.size,
          };
        }"""
    )
    page.screenshot(path=f"test-artifacts/console-last-vote-1280-{lang}.png", full_page=True)
    assert sizes["card"] <= 0 and sizes["table"] <= 0, sizes
    assert sizes["menuLines"] == 1, sizes
    page.set_viewport_size({"width": 1280, "height": 1000})


def table_motion(page: Page, lang: str, pk: int, item: AgendaItem, n: int) -> Motion:
    page.goto(f"/{lang}/sessions/{pk}/motions/new/?item={item.pk}")
    expect(page.locator("select[name=agenda_item]")).to_have_value(str(item.pk))
    page.select_option("select[name=decision_kind]", "ordinary")
    page.fill("input[name=proposer]", "Presidencia del Comité Permanente")
    page.fill("input[name=title_es]", f"Aprobación del presupuesto extraordinario 2027 ({n})")
    page.fill(
        "textarea[name=text_es]",
        "El Comité Permanente aprueba el presupuesto extraordinario para 2027 presentado "
        "por la Secretaría General.",
    )
    page.fill("input[name=title_en]", f"Approval of the extraordinary budget 2027 ({n})")
    page.fill(
        "textarea[name=text_en]",
        "The Standing Committee approves the extraordinary budget for 2027 submitted by the "
        "General Secretariat.",
    )
    _submit(page, page.locator("main form.form button[type=submit]"))
    _expect_ok(page)
    motion = _db(lambda: Motion.objects.get(session_id=pk, title_es__endswith=f"({n})"))
    assert page.url.endswith(f"/{lang}/motions/{motion.pk}/"), page.url
    return motion


def roll_call(page: Page, lang: str, motion: Motion, expected: int, t: dict[str, str]) -> None:
    """Put the motion to a roll-call vote: each member's answer, then close; it carries."""
    expect(page.locator("h1")).to_contain_text(t["motion"].format(n=motion.number))
    axe_check(page)  # the motion's page
    with page.expect_navigation():
        page.locator(f"main a[href$='/motions/{motion.pk}/vote/']").first.click()
    page.check("input[name=method][value=roll_call]")
    _submit(page, page.locator("main form.method-choices button[type=submit]"))
    _expect_ok(page)
    vote = _db(lambda: Vote.objects.get(motion=motion))
    assert page.url.endswith(f"/{lang}/votes/{vote.pk}/roll-call/"), page.url
    expect(page.locator("h1")).to_contain_text(t["roll_call"])
    rows = page.locator("ol.roll-call > li")
    expect(rows).to_have_count(expected)
    axe_check(page)
    answers = ["yes"] * (expected - 1) + ["abstain"]
    for n, answer in enumerate(answers):
        _submit(page, rows.nth(n).locator(f"button[name=choice][value={answer}]"))
        expect(rows.nth(n)).to_have_class(re.compile(r"roll-call__row--answered"))
    expect(page.locator("#roll-progress")).to_have_attribute("value", str(expected))
    _submit(page, page.locator(f"form[action$='/votes/{vote.pk}/close/'] button"))
    _expect_ok(page)
    outcome = page.locator("main .vote-outcome")
    expect(outcome).to_contain_text(t["carried"])
    counts = page.locator("main table.vote-counts tbody td")
    expect(counts.nth(0)).to_have_text(str(expected - 1))
    expect(counts.nth(2)).to_have_text("1")
    vote = _db(lambda: Vote.objects.get(pk=vote.pk))
    assert (vote.state, vote.yes, vote.no, vote.abstain, vote.carried) == (
        Vote.State.CLOSED,
        expected - 1,
        0,
        1,
        True,
    )


def secret_ballot(
    page: Page,
    lang: str,
    pk: int,
    motion: Motion,
    delegates: list[Page],
    voice: Page,
    expected: int,
    t: dict[str, str],
) -> None:
    """Three delegates vote from their own browsers; the voice-only holder cannot; the
    console shows only how many voted; the result reaches everyone by polling."""
    for d in [*delegates, voice]:
        d.goto(f"/{lang}/sessions/{pk}/live/")
        expect(d.locator("#delegate-live .quorum")).to_contain_text(t["quorum_met"])

    page.goto(f"/{lang}/motions/{motion.pk}/vote/")
    page.check("input[name=method][value=secret]")
    _submit(page, page.locator("main form.method-choices button[type=submit]"))
    _expect_ok(page)
    assert page.url.endswith(f"/{lang}/sessions/{pk}/console/"), page.url

    # the ballot appears on each delegate's page by itself (polling), no reload
    for d in delegates:
        expect(d.locator("#delegate-live .ballot-buttons")).to_be_visible(timeout=LIVE_MS)
        expect(d.locator("#delegate-live #vote-heading")).to_have_text(t["vote_in_progress"])
        expect(d.locator("#delegate-live .current-vote")).to_contain_text(t["secret"])
        expect(d.locator("#delegate-live #ballot-heading")).to_have_text(t["your_ballot"])
    axe_check(delegates[0])
    # the voice-only seat holder is told why they cannot vote
    expect(voice.locator("#delegate-live .cannot-vote")).to_be_visible(timeout=LIVE_MS)
    expect(voice.locator("#delegate-live .cannot-vote")).to_contain_text(t["cannot_vote"])
    expect(voice.locator("#delegate-live .cannot-vote")).to_contain_text(t["voice_only"])
    expect(voice.locator("#delegate-live .ballot-buttons")).to_have_count(0)
    axe_check(voice)

    for d, choice in zip(delegates, ["yes", "yes", "no"], strict=True):
        _submit(d, d.locator(f"#delegate-live .ballot-buttons button[value={choice}]"))
        assert d.url.endswith(f"/{lang}/sessions/{pk}/live/"), d.url
        expect(d.locator(".messages .callout--ok")).to_contain_text(t["recorded"])
        expect(d.locator("#delegate-live .ballot-recorded")).to_be_visible()
        expect(d.locator("#delegate-live .ballot-buttons")).to_have_count(0)

    # the console: how many voted, never what they chose, while the vote is open
    vote_card = page.locator("#console-live .current-vote")
    expect(vote_card).to_contain_text(t["have_voted"].format(n=expected), timeout=LIVE_MS)
    expect(vote_card.locator("table.vote-counts")).to_have_count(0)
    expect(vote_card.locator(".vote-outcome")).to_have_count(0)
    axe_check(page)

    # the officer closes the vote from the console
    _submit(page, page.locator("#action-vote-close"))
    _expect_ok(page)
    vote = _db(lambda: Vote.objects.get(motion=motion))
    assert (vote.yes, vote.no, vote.abstain, vote.carried) == (2, 1, 0, True)
    expect(page.locator("main .vote-outcome")).to_contain_text(t["carried"])
    page.goto(f"/{lang}/sessions/{pk}/console/")
    expect(page.locator("#console-live .current-vote .vote-outcome")).to_contain_text(t["carried"])
    # and on the delegates' pages by polling alone
    for d in [*delegates, voice]:
        expect(d.locator("#delegate-live .vote-outcome")).to_contain_text(
            t["carried"], timeout=LIVE_MS
        )
        expect(d.locator("#delegate-live table.vote-counts tbody td").first).to_have_text("2")
        d.goto("about:blank")  # they leave the hall: their pages stop polling


def adopt_resolution(page: Page, lang: str, motion: Motion, public: Page, t: dict[str, str]) -> int:
    """The carried motion becomes a resolution; its public page is at its stable URL."""
    highest = _db(lambda: max(Resolution.objects.values_list("number", flat=True), default=0))
    page.goto(f"/{lang}/motions/{motion.pk}/resolution/")
    if page.locator("main .callout--warn a[href$='/resolutions/series/']").count():
        # no next number yet: the Secretariat sets it first, with its basis
        page.goto(f"/{lang}/resolutions/series/")
        axe_check(page)
        expect(page.locator("input[name=next_number]")).not_to_have_value("")
        page.fill(
            "input[name=basis]",
            "Continúa el número más alto registrado en el registro (prueba e2e).",
        )
        page.fill("textarea[name=reason]", "Fijar la serie antes de la primera adopción.")
        _submit(page, page.locator("main form.form button[type=submit]"))
        _expect_ok(page)
        page.goto(f"/{lang}/motions/{motion.pk}/resolution/")
    expect(page.locator("input[name=title_es]")).to_have_value(_in(motion, "title", "es"))
    expect(page.locator("textarea[name=text_es]")).not_to_have_value("")
    axe_check(page)
    _submit(page, page.locator("main form.form button[type=submit]"))
    _expect_ok(page)
    resolution = _db(lambda: Resolution.objects.get(motion=motion))
    assert page.url.endswith(f"/{lang}/resolutions/{resolution.number}/"), page.url
    assert resolution.number == highest + 1, (resolution.number, highest)

    # anyone reads it at its stable URL
    public.goto(f"/{lang}/resolutions/{resolution.number}/")
    main = public.locator("main")
    expect(main).to_contain_text(t["resolution"])
    expect(main).to_contain_text(str(resolution.number))
    expect(main).to_contain_text(_in(motion, "title", lang))
    axe_check(public)
    return resolution.number


def close_session(page: Page, lang: str, pk: int, t: dict[str, str]) -> None:
    page.goto(f"/{lang}/sessions/{pk}/console/")
    _submit(page, page.locator("#action-close"))
    _expect_ok(page)
    expect(page.locator("#console-live .session-line")).to_contain_text(t["closed"])


def draft_and_circulate_minutes(page: Page, lang: str, pk: int, t: dict[str, str]) -> None:
    """Draft from the record, edit, circulate for comments, then amend after the comments."""
    page.goto(f"/{lang}/sessions/{pk}/minutes/")
    _submit(page, page.locator(f"form[action$='/sessions/{pk}/minutes/draft/'] button"))
    _expect_ok(page)
    expect(page.locator("h1")).to_contain_text(t["minutes"])
    axe_check(page)

    with page.expect_navigation():
        page.locator(f"main a[href$='/sessions/{pk}/minutes/edit/']").first.click()
    for code, title in (
        ("es", "Presupuesto extraordinario 2027"),
        ("en", "Extraordinary budget 2027"),
    ):
        text = page.input_value(f"textarea[name=text_{code}]")
        assert title in text, text[:500]
        page.fill(f"textarea[name=text_{code}]", text + "\n\n" + MINUTES_NOTE[code])
    _submit(page, page.locator("main form.form button[type=submit]"))
    _expect_ok(page)
    expect(page.locator("main .minutes__text")).to_contain_text(MINUTES_NOTE[lang])

    with page.expect_navigation():
        page.locator(f"main a[href$='/sessions/{pk}/minutes/circulate/']").first.click()
    _submit(page, page.locator("main form.form button[type=submit]"))
    _expect_ok(page)
    minutes = _db(lambda: Minutes.objects.get(session_id=pk))
    assert minutes.state == Minutes.State.CIRCULATED
    assert any("/minutes/" in m.body for m in mail.outbox if m.to), "no minutes e-mail"

    # The comments came in: the Secretariat amends the minutes (they would otherwise wait
    # until the period for comments ends before the approval can be recorded).
    with page.expect_navigation():
        page.locator(f"main a[href$='/sessions/{pk}/minutes/amend/']").first.click()
    page.fill("textarea[name=reason]", "Comentarios recibidos de la Contraloría.")
    _submit(page, page.locator("main form.form button[type=submit]"))
    _expect_ok(page)
    assert _db(lambda: Minutes.objects.get(session_id=pk).state) == Minutes.State.AMENDED


def approve_and_sign_minutes(
    page: Page, lang: str, pk: int, approving_pk: int, public: Page, t: dict[str, str]
) -> None:
    page.goto(f"/{lang}/sessions/{pk}/minutes/")
    with page.expect_navigation():
        page.locator(f"main a[href$='/sessions/{pk}/minutes/approve/']").first.click()
    axe_check(page)
    page.select_option("select[name=approved_at_session]", str(approving_pk))
    page.fill("input[name=approval_decision]", "El Comité Permanente aprobó el acta sin cambios.")
    _submit(page, page.locator("main form.form button[type=submit]"))
    _expect_ok(page)

    with page.expect_navigation():
        page.locator(f"main a[href$='/sessions/{pk}/minutes/sign/']").first.click()
    expect(page.locator("input[name=chair_signatory]")).to_have_value("Ana Ejemplo Ruiz")
    _submit(page, page.locator("main form.form button[type=submit]"))
    _expect_ok(page)
    expect(page.locator("main .minutes")).to_contain_text(t["signed"])
    minutes = _db(lambda: Minutes.objects.get(session_id=pk))
    assert minutes.state == Minutes.State.SIGNED
    assert minutes.approved_at_session_id == approving_pk

    # the PDF, from the page's own link
    href = page.locator(f"a[href$='/minutes/minutes-{lang}.pdf']").first.get_attribute("href")
    assert href
    response = page.request.get(href)
    assert response.ok, response.status
    assert response.body().startswith(b"%PDF"), response.body()[:40]

    # signed minutes are public
    public.goto(f"/{lang}/sessions/{pk}/minutes/")
    expect(public.locator("main .minutes__text")).to_contain_text(MINUTES_NOTE[lang])
    axe_check(public)
    response = public.request.get(f"/{lang}/sessions/{pk}/minutes/minutes-{lang}.pdf")
    assert response.ok and response.body().startswith(b"%PDF")


# --- The journey -----------------------------------------------------------------------------


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["es", "en"])
def test_standing_committee_session_from_convocation_to_signed_minutes(
    new_page: Callable[..., Page], sc_people: People, one_request_at_a_time: None, lang: str
) -> None:
    t = TEXT[lang]
    locale = "es-MX" if lang == "es" else "en-US"
    tz = dt.timezone(dt.timedelta(hours=-6))  # Mexico City, no daylight saving time
    starts = (timezone.now().astimezone(tz) + dt.timedelta(days=20)).replace(
        hour=10, minute=0, second=0, microsecond=0, tzinfo=None
    )
    day = starts.date()

    officer = new_page(locale)
    login(officer, sc_people.officer.email, lang=lang)
    delegates = [new_page(locale) for _ in sc_people.voters]
    for d, holder in zip(delegates, sc_people.voters, strict=True):
        login(d, holder.email, lang=lang)
    voice = new_page(locale)
    login(voice, sc_people.voice.email, lang=lang)
    public = new_page(locale)

    # 1. the seats' holders and accounts, on the seat-edit page
    link_seats(officer, lang, day, [*sc_people.voters, sc_people.voice])

    # 2. prepare and convene the session; the convocation is e-mailed
    pk = create_session(officer, lang, starts, t)
    mail.outbox.clear()
    convene(officer, lang, pk, t, check=True)
    axe_check(officer)  # the session page, convened
    sent_to = {address for message in mail.outbox for address in message.to}
    for holder in [*sc_people.voters, sc_people.voice]:
        assert holder.email in sent_to, (holder.email, sorted(sent_to))
    session = _db(lambda: Session.objects.get(pk=pk))
    assert session.state == Session.State.CONVENED
    assert _db(session.dispatches.count) == len(mail.outbox)
    for message in mail.outbox:  # each in the recipient's language (Spanish by default)
        assert _in(session, "title", "es") in message.subject, message.subject
        assert "Se ruega confirmar la asistencia." in message.body, message.body[:400]

    # 3. agenda and document
    budget = build_agenda(officer, lang, pk, t)

    # 4. the seat holders are registered, their credentials accepted
    register_seat_holders(officer, lang, pk, t)

    # 5. open, attendance, quorum
    voting_present = take_attendance(officer, lang, pk, day, t)

    # 6. a motion to a roll-call vote
    first = table_motion(officer, lang, pk, budget, 1)
    roll_call(officer, lang, first, voting_present, t)
    last_vote_fits(officer, lang, pk)

    # 7. a second motion to a secret ballot from the delegates' browsers
    second = table_motion(officer, lang, pk, budget, 2)
    secret_ballot(officer, lang, pk, second, delegates, voice, voting_present, t)

    # 8. the resolution
    adopt_resolution(officer, lang, first, public, t)

    # 9. close, minutes, a second session that approves them, signatures and PDF
    close_session(officer, lang, pk, t)
    draft_and_circulate_minutes(officer, lang, pk, t)
    later = create_session(officer, lang, starts + dt.timedelta(days=21), t, check=False)
    convene(officer, lang, later, t, check=False)
    officer.goto(f"/{lang}/sessions/{later}/console/")
    officer.fill("#open-reason", "Sesión adelantada para aprobar el acta (prueba).")
    _submit(officer, officer.locator("#action-open"))
    _expect_ok(officer)
    approve_and_sign_minutes(officer, lang, pk, later, public, t)
