"""Journey: an election of the authorities, in Spanish and in English (issue #11, "Must show").

Through the browser, as the people who do it, one test per step of the issue's journey (each
step's test builds what the steps before it leave, through the services, so that one step's
fault fails that step only):
  1. an officer drafts a Call for Candidates (Secretary General and Comptroller, 2029–2031),
     sees the default requirements pre-filled, approves it with a recorded decision and
     publishes it; the full members' representatives are e-mailed; the public reads it;
  2. the representatives of two full members, each from their own account, submit a
     nomination in the member portal, one without the letter of acceptance;
  3. the officer reviews both (confirms the pre-filled findings, marks the missing document
     not met and asks for it), drafts the eligibility report, the Secretary General signs it
     and its PDF is produced (downloaded, turned into PNGs with `pdftoppm` for a person to
     look at: /work/notes/shots/report-<lang>-<page>.png);
  4. a two-round secret ballot for Secretary General at the General Assembly: three eligible
     candidates, round 1 with no majority, round 2 between the two most voted; the
     delegates vote from their own pages;
  5. the Authorities page before the term starts does not show the new Secretary General,
     and from the term's first day (?on=) does.
axe-core runs on every page visited; the main pages are saved as screenshots under
/work/notes/shots/ (or $E2E_SHOTS) in each language.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import threading
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import FilePayload, Page, expect

from secretariat.e2e.conftest import CissData, axe_check, login
from secretariat.elections.demo import is_acceptance_letter

SHOTS = Path(os.environ.get("E2E_SHOTS", "/work/notes/shots"))
TZ_NAME = "America/Mexico_City"
TZ = zoneinfo.ZoneInfo(TZ_NAME)
TERM_START = dt.date(2029, 1, 1)
TERM_END = dt.date(2032, 1, 1)
LIVE_MS = 5_000

SMALL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

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


def u(language: str, name: str, **kwargs: Any) -> str:
    """The path of an elections route in a language."""
    with translation.override(language):
        return reverse(f"elections:{name}", kwargs=kwargs or None)


def _pdf(name: str) -> FilePayload:
    return {"name": name, "mimeType": "application/pdf", "buffer": SMALL_PDF}


def _submit(page: Page, button: Any) -> None:
    with page.expect_navigation():
        button.click()


def _expect_ok(page: Page) -> None:
    expect(page.locator(".messages .callout--ok").first).to_be_visible()
    expect(page.locator(".messages .callout--danger")).to_have_count(0)
    expect(page.locator(".errorlist")).to_have_count(0)


def shot(page: Page, name: str, lang: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{lang}.png"), full_page=True)


def visit(page: Page, path: str, lang: str, name: str | None = None) -> None:
    """Go to a page, check it is in the language asked for, axe it, and keep a screenshot."""
    response = page.goto(path)
    assert response is not None and response.ok, (path, response and response.status)
    expect(page.locator("html")).to_have_attribute("lang", lang)
    axe_check(page)
    if name:
        shot(page, name, lang)


def _local(moment: dt.datetime) -> str:
    return moment.astimezone(TZ).strftime("%Y-%m-%dT%H:%M")


# --- The people and members -----------------------------------------------------------------


@dataclass
class World:
    officer: Any
    sg: Any
    reps: list[Any]  # representatives' accounts, one per full member (first two nominate)
    full: list[Any]  # full member institutions, in order
    assembly: Any  # the General Assembly body


MEMBERS = [
    # name, country of the member; the first two come from ciss_data (IEP MX, FEC BB)
    ("Instituto Ejemplo del Sur", "CL"),
    ("Caja Ejemplo Andina", "CO"),
    ("Seguro Ejemplo Central", "CR"),
]


@pytest.fixture
def world(ciss_data: CissData, staff_officer: Any) -> World:
    from secretariat.conftest import make_member, make_user
    from secretariat.core import roles
    from secretariat.governance.models import Body
    from secretariat.members.models import Category, Country, Representative

    full_category = Category.objects.get(code="full")
    full = [ciss_data.examples[0], ciss_data.examples[2]] + [
        make_member(name, Country.objects.get(code=code), full_category) for name, code in MEMBERS
    ]
    reps = []
    for n, institution in enumerate(full, start=1):
        user = make_user(f"rep{n}.elections@example.org", roles.REPRESENTATIVE)
        Representative.objects.create(
            institution=institution,
            user=user,
            full_name=f"Representante de ejemplo {n}",
            role=Representative.Role.HEAD,
            email=user.email,
            valid_from=dt.date(2020, 1, 1),
        )
        reps.append(user)
    sg = make_user("sg.elections@example.org", roles.SECRETARY_GENERAL)
    return World(
        officer=staff_officer,
        sg=sg,
        reps=reps,
        full=full,
        assembly=Body.objects.get(code="general-assembly"),
    )


# --- What the earlier steps leave, built through the services ----------------------------------


def ga_session(w: World, *, state: str) -> Any:
    """The General Assembly session that elects (convened; or open with every full member's
    head of delegation accredited and present)."""
    from secretariat.governance.models import AgendaItem, Participant, Session

    starts = timezone.now() + dt.timedelta(days=30)
    session = Session.objects.create(
        body=w.assembly,
        kind=Session.Kind.ORDINARY,
        number=90,
        title_es="Asamblea General Ordinaria de prueba",
        title_en="Test Ordinary General Assembly",
        starts_at=starts,
        time_zone=TZ_NAME,
        languages=["es", "en"],
        state=state,
    )
    AgendaItem.objects.create(
        session=session,
        position=1,
        title_es="Elección de autoridades",
        title_en="Election of authorities",
        outcome=AgendaItem.Outcome.ELECTION,
    )
    if state == Session.State.OPEN:
        for n, (institution, user) in enumerate(zip(w.full, w.reps, strict=True), start=1):
            Participant.objects.create(
                session=session,
                institution=institution,
                full_name=f"Delegación de ejemplo {n}",
                role=Participant.Role.HEAD,
                credentials=Participant.Credentials.ACCEPTED,
                user=user,
                present=True,
            )
    return session


def published_call(w: World, session: Any) -> Any:
    """A published Call for Secretary General and Comptroller, open for nominations."""
    from secretariat.elections.services import call_parts
    from secretariat.elections.services import calls as call_services
    from secretariat.governance.models import Office

    now = timezone.now()
    call = call_services.call_create(
        actor=w.officer,
        data={
            "title_es": "Convocatoria a candidaturas 2029–2031",
            "title_en": "Call for Candidates 2029–2031",
            "text_es": "La Secretaría General convoca a presentar candidaturas.",
            "text_en": "The General Secretariat calls for nominations.",
            "session": session,
            "opens_at": now - dt.timedelta(days=10),
            "deadline": now + dt.timedelta(days=10),
            "time_zone": TZ_NAME,
            "languages": ["es", "en"],
        },
    )
    for order, code in enumerate(["secretary-general", "comptroller"]):
        call_parts.call_office_add(
            actor=w.officer,
            call=call,
            office=Office.objects.get(code=code),
            data={"places": 1, "term_start": TERM_START, "term_end": TERM_END, "order": order},
        )
    call = call_services.call_approve(
        actor=w.officer,
        call=call,
        decision="Aprobada por la Secretaría General (prueba).",
        resolution=None,
    )
    return call_services.call_publish(actor=w.officer, call=call)


def _document_files(call: Any, *, without_acceptance: bool = False) -> dict[int, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from secretariat.elections.models import Requirement

    files = {}
    for r in Requirement.objects.filter(call=call, kind=Requirement.Kind.DOCUMENT):
        if without_acceptance and is_acceptance_letter(r):
            continue
        files[r.pk] = SimpleUploadedFile(f"doc-{r.pk}.pdf", SMALL_PDF, "application/pdf")
    return files


def nominate(
    w: World,
    call: Any,
    n: int,
    name: str,
    country: str,
    *,
    office: str,
    without_acceptance: bool = False,
) -> Any:
    from secretariat.elections.services import nominations as nomination_services
    from secretariat.members.models import Country

    call_office = call.offices.get(office__code=office)
    return nomination_services.nomination_submit(
        actor=w.reps[n],
        call=call,
        call_office=call_office,
        institution=w.full[n],
        data={
            "candidate_name": name,
            "candidate_nationality": Country.objects.get(code=country),
            "candidate_email": "candidate@example.org",
            "candidate_biography": "Biografía breve de prueba.",
            "note": "",
        },
        files=_document_files(call, without_acceptance=without_acceptance),
    )


def review_all_met(w: World, nomination: Any) -> None:
    """Every applicable requirement found met and confirmed by the officer."""
    from secretariat.elections.selectors.eligibility import applicable_requirements, latest_version
    from secretariat.elections.services import reviews as review_services

    version = latest_version(nomination)
    assert version is not None
    for requirement in applicable_requirements(nomination.call_office):
        review_services.finding_record(
            actor=w.officer,
            version=version,
            requirement=requirement,
            result="met",
            note="",
            evidence="Expediente de prueba",
        )


def signed_report(w: World, call: Any) -> Any:
    from secretariat.elections.services import reports as report_services

    report = report_services.report_draft(actor=w.officer, call=call, reason="")
    return report_services.report_sign(
        actor=w.sg, report=report, reason="Firmado por la Secretaría General (prueba)."
    )


CANDIDATES = [
    ("Ana Candidata Ejemplo", "MX"),
    ("Bruno Candidato Ejemplo", "BB"),
    ("Carla Candidata Ejemplo", "CL"),
]


def ballot_ready(w: World) -> tuple[Any, Any]:
    """An open General Assembly, a published Call electing at it, three eligible candidates
    for Secretary General and the report signed."""
    from secretariat.governance.models import Session

    session = ga_session(w, state=Session.State.OPEN)
    call = published_call(w, session)
    for n, (name, country) in enumerate(CANDIDATES):
        review_all_met(w, nominate(w, call, n, name, country, office="secretary-general"))
    signed_report(w, call)
    return session, call


# --- Step 1: the Call -------------------------------------------------------------------------


def draft_call(page: Page, lang: str, w: World, session: Any) -> int:
    from secretariat.elections.models import Call

    visit(page, u(lang, "call-list"), lang, "call-list-staff")
    visit(page, u(lang, "call-add"), lang, "call-form")
    opens = timezone.now() - dt.timedelta(hours=1)
    deadline = timezone.now() + dt.timedelta(days=20)
    page.fill("[name=title_es]", "Convocatoria a candidaturas: Secretaría General y Contraloría")
    page.fill("[name=title_en]", "Call for Candidates: Secretary General and Comptroller")
    page.fill("[name=text_es]", "La Secretaría General convoca a los miembros titulares.")
    page.fill("[name=text_en]", "The General Secretariat calls on the full members.")
    page.fill("[name=reference]", f"E2E-{lang.upper()}-2029")
    page.select_option("select[name=session]", str(session.pk))
    page.fill("[name=opens_at]", _local(opens))
    page.fill("[name=deadline]", _local(deadline))
    if page.locator("input[name=languages][value=en]").count():
        page.check("input[name=languages][value=en]")
    _submit(page, page.locator("main form button[type=submit]").last)
    _expect_ok(page)
    call = _db(lambda: Call.objects.order_by("-pk").first())
    assert call is not None and call.state == Call.State.DRAFT
    return call.pk


def add_offices(page: Page, lang: str, pk: int) -> None:
    from secretariat.governance.models import Office

    offices = _db(lambda: {o.code: o for o in Office.objects.all()})
    for code in ["secretary-general", "comptroller"]:
        office = offices[code]
        page.goto(u(lang, "call-office-add", pk=pk))
        page.select_option("select[name=office]", str(office.pk))
        page.fill("[name=term_start]", TERM_START.isoformat())
        page.fill("[name=term_end]", TERM_END.isoformat())
        if code == "secretary-general":
            axe_check(page)
        _submit(page, page.locator("main form button[type=submit]").last)
        _expect_ok(page)


def approve_and_publish(page: Page, lang: str, pk: int, w: World) -> None:
    from secretariat.elections.models import Call, Requirement

    visit(page, u(lang, "call-detail", pk=pk), lang, "call-draft")
    kinds = set(
        _db(lambda: list(Requirement.objects.filter(call_id=pk).values_list("kind", flat=True)))
    )
    assert {
        "nominator_standing",
        "member_nationality",
        "document",
        "reelection_limit",
        "nationality_differs",
    } <= kinds, kinds
    # the approval: a page of its own, from the Call's "Record the approval" link
    with page.expect_navigation():
        page.locator(f"main a[href$='{u(lang, 'call-approve', pk=pk)}']").first.click()
    axe_check(page)
    shot(page, "call-approve", lang)
    page.locator("textarea[name=decision]").fill(
        "Aprobada por la Secretaría General en su acuerdo SG/2026/15 (prueba)."
    )
    _submit(page, page.locator("main form.form button[type=submit]"))
    _expect_ok(page)
    assert _db(lambda: Call.objects.get(pk=pk).state) == Call.State.APPROVED
    mail.outbox.clear()
    _submit(
        page, page.locator(f"form[action$='{u(lang, 'call-publish', pk=pk)}'] button[type=submit]")
    )
    _expect_ok(page)
    call = _db(lambda: Call.objects.get(pk=pk))
    assert call.state == Call.State.PUBLISHED and call.published_at
    sent = {a for m in mail.outbox for a in m.to}
    for rep in w.reps:
        assert rep.email in sent, (rep.email, sorted(sent))


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["es", "en"])
def test_1_an_officer_drafts_approves_and_publishes_a_call(
    new_page: Callable[..., Page], world: World, one_request_at_a_time: None, lang: str
) -> None:
    from secretariat.governance.models import Session

    locale = "es-MX" if lang == "es" else "en-US"
    session = _db(lambda: ga_session(world, state=Session.State.CONVENED))
    officer = new_page(locale)
    login(officer, world.officer.email, lang=lang)
    pk = draft_call(officer, lang, world, session)
    add_offices(officer, lang, pk)
    approve_and_publish(officer, lang, pk, world)
    # the public reads it, with its PDF
    public = new_page(locale)
    visit(public, u(lang, "call-list"), lang, "call-list-public")
    visit(public, u(lang, "call-detail", pk=pk), lang, "call-detail-public")
    expect(public.locator("main time[datetime]").first).to_be_attached()
    response = public.request.get(u(lang, "call-pdf", pk=pk, lang=lang))
    assert response.ok and response.body().startswith(b"%PDF"), response.status


# --- Step 2: nominations ----------------------------------------------------------------------


def submit_nomination(
    page: Page,
    lang: str,
    call: Any,
    name: str,
    country: str,
    *,
    office_pk: int,
    institution_pk: int,
    without_acceptance: bool = False,
    check: bool = False,
) -> None:
    """A representative fills in the portal's nomination form and sends it."""
    from secretariat.elections.models import Requirement
    from secretariat.members.models import Country

    visit(page, u(lang, "nomination-add", pk=call.pk), lang, "nomination-form" if check else None)
    form = page.locator("main form[enctype='multipart/form-data']")
    form.locator("select[name=call_office]").select_option(str(office_pk))
    member = form.locator("select[name=institution]")
    if member.count():  # offered only when the user represents more than one full member
        member.select_option(str(institution_pk))
    form.locator("input[name=candidate_name]").fill(name)
    form.locator("select[name=candidate_nationality]").select_option(
        str(_db(lambda: Country.objects.get(code=country).pk))
    )
    form.locator("input[name=candidate_email]").fill("candidate@example.org")
    form.locator("textarea[name=candidate_biography]").fill("Biografía breve de prueba.")
    documents = _db(lambda: list(Requirement.objects.filter(call=call, kind="document")))
    for r in documents:
        if without_acceptance and is_acceptance_letter(r):
            continue
        form.locator(f"input[type=file][name=doc_{r.pk}]").set_input_files(
            files=[_pdf(f"doc-{r.pk}.pdf")]
        )
    _submit(page, form.locator("button[type=submit]"))
    _expect_ok(page)


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["es", "en"])
def test_2_two_members_submit_nominations_one_missing_a_document(
    new_page: Callable[..., Page], world: World, one_request_at_a_time: None, lang: str
) -> None:
    from secretariat.elections.models import Nomination, NominationDocument
    from secretariat.governance.models import Session

    locale = "es-MX" if lang == "es" else "en-US"
    call = _db(lambda: published_call(world, ga_session(world, state=Session.State.CONVENED)))
    sg_office = _db(lambda: call.offices.get(office__code="secretary-general"))
    pages = []
    for n, (name, country) in enumerate(CANDIDATES[:2]):
        rep = new_page(locale)
        login(rep, world.reps[n].email, lang=lang)
        if n == 0:
            visit(rep, u(lang, "call-detail", pk=call.pk), lang, "call-detail-member")
        submit_nomination(
            rep,
            lang,
            call,
            name,
            country,
            office_pk=sg_office.pk,
            institution_pk=world.full[n].pk,
            without_acceptance=n == 1,
            check=n == 0,
        )
        pages.append(rep)
    nominations = _db(lambda: list(Nomination.objects.filter(call=call).order_by("pk")))
    assert [n.institution_id for n in nominations] == [m.pk for m in world.full[:2]]
    counts = [
        _db(NominationDocument.objects.filter(version__nomination=n).count) for n in nominations
    ]
    assert counts == [3, 2], counts
    # each sees its own, in the portal, and not the other's
    visit(pages[0], u(lang, "nomination-mine"), lang, "nomination-mine")
    visit(pages[0], u(lang, "nomination-detail", pk=nominations[0].pk), lang, "nomination-detail")
    response = pages[0].goto(u(lang, "nomination-detail", pk=nominations[1].pk))
    assert response is not None and response.status == 404
    # the list of candidates is not public yet
    response = pages[1].goto(u(lang, "candidate-list", pk=call.pk))
    assert response is not None and response.status == 404


# --- Step 3: review and report ----------------------------------------------------------------


def review(page: Page, lang: str, nomination: Any, *, check: bool) -> None:
    """Confirm each requirement's pre-filled finding (what the data say); where the data
    leave it pending, the officer finds it met and says why. A missing document is found
    not met (as the data say) and asked for."""
    from secretariat.elections.models import Finding, Nomination, NominationDocument
    from secretariat.elections.selectors.eligibility import applicable_requirements

    requirements = _db(lambda: list(applicable_requirements(nomination.call_office)))
    present = set(
        _db(
            lambda: list(
                NominationDocument.objects.filter(version__nomination=nomination).values_list(
                    "requirement_id", flat=True
                )
            )
        )
    )
    visit(
        page,
        u(lang, "nomination-review", pk=nomination.pk),
        lang,
        "nomination-review" if check else None,
    )
    missing = None
    for requirement in requirements:
        form = page.locator(f"section[aria-labelledby=req-{requirement.pk}] form")
        result = form.locator("select[name=result]")
        if requirement.kind == "document" and requirement.pk not in present:
            missing = requirement
            expect(result).to_have_value("not_met")  # pre-filled from the data
            form.locator("textarea[name=note]").fill("No se recibió el documento.")
        elif result.input_value() == "pending":
            result.select_option("met")
            form.locator("textarea[name=note]").fill("Verificado por la Secretaría.")
        else:
            expect(result).to_have_value("met")
        _submit(page, form.locator("button[type=submit]"))
        _expect_ok(page)
    if check:
        shot(page, "nomination-reviewed", lang)
    if missing is not None:
        ask = page.locator(f"form[action$='{u(lang, 'correction-request', pk=nomination.pk)}']")
        ask.locator("select[name=requirement]").select_option(str(missing.pk))
        ask.locator("textarea[name=message]").fill(
            "Falta la carta de aceptación firmada; envíela por favor."
        )
        _submit(page, ask.locator("button[type=submit]"))
        _expect_ok(page)
        state = _db(lambda: Nomination.objects.get(pk=nomination.pk).state)
        assert state == Nomination.State.CORRECTION_REQUESTED, state
    unconfirmed = _db(
        Finding.objects.filter(version__nomination=nomination, confirmed=False).exists
    )
    assert not unconfirmed


def pdf_pages(page: Page, href: str, lang: str) -> list[Path]:
    """Download the report's PDF and turn each page into a PNG for a person to look at."""
    response = page.request.get(href)
    assert response.ok, response.status
    body = response.body()
    assert body.startswith(b"%PDF"), body[:40]
    SHOTS.mkdir(parents=True, exist_ok=True)
    target = SHOTS / f"report-{lang}.pdf"
    target.write_bytes(body)
    for old in SHOTS.glob(f"report-{lang}-*.png"):
        old.unlink()
    command = ["pdftoppm", "-png", "-r", "60", str(target), str(SHOTS / f"report-{lang}")]
    # a fixed command (poppler-utils, installed by .ci/run) on a file the test wrote
    subprocess.run(command, check=True)  # noqa: S603, S607
    return sorted(SHOTS.glob(f"report-{lang}-*.png"))


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["es", "en"])
def test_3_the_secretariat_reviews_and_the_secretary_general_signs_the_report(
    new_page: Callable[..., Page], world: World, one_request_at_a_time: None, lang: str
) -> None:
    from secretariat.elections.models import EligibilityReport
    from secretariat.governance.models import Session

    locale = "es-MX" if lang == "es" else "en-US"

    def given() -> tuple[Any, list[Any]]:
        call = published_call(world, ga_session(world, state=Session.State.CONVENED))
        made = [
            nominate(world, call, 0, *CANDIDATES[0], office="secretary-general"),
            nominate(
                world, call, 1, *CANDIDATES[1], office="secretary-general", without_acceptance=True
            ),
        ]
        return call, made

    call, nominations = _db(given)
    officer = new_page(locale)
    login(officer, world.officer.email, lang=lang)
    visit(officer, u(lang, "nomination-list", pk=call.pk), lang, "nomination-list")
    review(officer, lang, nominations[0], check=True)
    review(officer, lang, nominations[1], check=False)

    visit(officer, u(lang, "report", pk=call.pk), lang)
    _submit(
        officer,
        officer.locator(
            f"form[action$='{u(lang, 'report-draft', pk=call.pk)}'] button[type=submit]"
        ),
    )
    _expect_ok(officer)
    axe_check(officer)
    shot(officer, "report-draft", lang)

    sg = new_page(locale)
    login(sg, world.sg.email, lang=lang)
    report = _db(lambda: EligibilityReport.objects.get(call=call))
    assert report.state == EligibilityReport.State.DRAFT
    visit(sg, u(lang, "report", pk=call.pk), lang)
    sign = sg.locator(f"form[action$='{u(lang, 'report-sign', pk=report.pk)}']")
    # the election item of the session is offered first
    expect(sign.locator("select[name=agenda_item]")).to_be_visible()
    sign.locator("textarea[name=reason]").fill("Revisado y firmado por la Secretaría General.")
    _submit(sg, sign.locator("button[type=submit]"))
    _expect_ok(sg)
    axe_check(sg)
    shot(sg, "report-signed", lang)
    report = _db(lambda: EligibilityReport.objects.get(pk=report.pk))
    assert report.state == EligibilityReport.State.SIGNED
    assert report.signed_by_id == world.sg.pk
    assert report.document_id is not None  # filed with the session's election item
    pngs = pdf_pages(sg, u(lang, "report-pdf", pk=report.pk, lang=lang), lang)
    assert pngs, "pdftoppm made no page"


# --- Step 4: the ballot, and step 5: the Authorities page ----------------------------------------


def authorities_on(page: Page, lang: str, day: dt.date, name: str, *, shown: bool) -> None:
    """The public Authorities page on `day`: the Secretary General's holders show the
    elected candidate only from the term's start (before it they may be listed as upcoming,
    never as the holder)."""
    when = "after" if shown else "before"
    visit(page, u(lang, "authorities") + f"?on={day.isoformat()}", lang, f"authorities-{when}")
    holders = page.locator("section[aria-labelledby=office-secretary-general] ul.holders")
    expect(holders).to_be_visible()
    if shown:
        expect(holders).to_contain_text(name)
    else:
        expect(holders).not_to_contain_text(name)


def run_round(
    officer: Page,
    delegates: list[Page],
    lang: str,
    call: Any,
    session: Any,
    choices: list[str],
    number: int,
) -> None:
    """The officer opens a round; each delegate chooses on their own page; the officer closes."""
    from secretariat.elections.models import Contest, Round

    contest = _db(lambda: Contest.objects.get(call_office__call=call))
    visit(officer, u(lang, "ballot", pk=call.pk), lang, f"ballot-round{number}-before")
    opening = officer.locator(f"form[action$='{u(lang, 'round-open', pk=contest.pk)}']")
    _submit(officer, opening.locator("button[type=submit]"))
    _expect_ok(officer)
    rnd = _db(lambda: Round.objects.filter(contest__call_office__call=call).order_by("-pk").first())
    assert rnd is not None and rnd.number == number
    options = _db(
        lambda: {
            rc.nomination.versions.get(number=1).candidate_name: rc.option_key
            for rc in rnd.candidates.select_related("nomination")
        }
    )
    for d, choice in zip(delegates, choices, strict=True):
        d.goto(f"/{lang}/sessions/{session.pk}/live/")
        ballot = d.locator("#delegate-live form[action*='/ballot/']").first
        expect(ballot).to_be_visible(timeout=LIVE_MS)
        if d is delegates[0]:
            axe_check(d)
            shot(d, f"delegate-ballot-round{number}", lang)
        option = options[choice]
        radio = ballot.locator(f"input[name=choice][value='{option}']")
        if radio.count():
            radio.check()
            _submit(d, ballot.locator("button[type=submit]").first)
        else:
            _submit(d, ballot.locator(f"button[value='{option}']"))
        expect(d.locator(".messages .callout--ok").first).to_be_visible()
    visit(officer, u(lang, "ballot", pk=call.pk), lang)
    closing = officer.locator(f"form[action$='{u(lang, 'round-close', pk=rnd.pk)}']")
    _submit(officer, closing.locator("button[type=submit]"))
    _expect_ok(officer)
    axe_check(officer)
    shot(officer, f"ballot-round{number}-closed", lang)


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["es", "en"])
def test_4_a_two_round_secret_ballot_at_the_general_assembly(
    new_page: Callable[..., Page], world: World, one_request_at_a_time: None, lang: str
) -> None:
    from secretariat.elections.models import Contest, Round

    locale = "es-MX" if lang == "es" else "en-US"
    session, call = _db(lambda: ballot_ready(world))
    officer = new_page(locale)
    login(officer, world.officer.email, lang=lang)
    delegates = []
    for rep in world.reps:
        d = new_page(locale)
        login(d, rep.email, lang=lang)
        delegates.append(d)
    public = new_page(locale)
    winner = CANDIDATES[0][0]

    # the contest for Secretary General is started at the session
    visit(officer, u(lang, "ballot", pk=call.pk), lang, "ballot")
    office = _db(lambda: call.offices.get(office__code="secretary-general"))
    start = officer.locator(f"form[action$='{u(lang, 'contest-start', pk=office.pk)}']")
    start.locator("select[name=session]").select_option(str(session.pk))
    _submit(officer, start.locator("button[type=submit]"))
    _expect_ok(officer)
    a, b, c = (name for name, _ in CANDIDATES)
    # round 1: A 2, B 2, C 1 → no absolute majority; A and B go on
    run_round(officer, delegates, lang, call, session, [a, a, b, b, c], 1)
    first = _db(lambda: Round.objects.get(contest__call_office__call=call, number=1))
    assert first.outcome == Round.Outcome.NEXT_ROUND, first.outcome
    # round 2: A 3, B 2 → A elected
    run_round(officer, delegates, lang, call, session, [a, a, a, b, b], 2)
    contest = _db(lambda: Contest.objects.get(call_office__call=call))
    assert contest.state == Contest.State.ELECTED and contest.mandate_id
    visit(public, u(lang, "contest-detail", pk=contest.pk), lang, "contest-detail")
    expect(public.locator("main")).to_contain_text(winner)


def elected_through_the_services(w: World) -> Any:
    """What step 4 leaves: the two rounds run through the ballot's services (round 1: A 2,
    B 2, C 1; round 2: A 3, B 2), the candidate A elected and their mandate recorded."""
    from secretariat.elections.models import Contest
    from secretariat.elections.services import ballots as ballot_services
    from secretariat.governance.selectors.composition import unit_key

    session, call = ballot_ready(w)
    contest = ballot_services.contest_start(
        actor=w.officer,
        call_office=call.offices.get(office__code="secretary-general"),
        place=1,
        session=session,
    )
    for votes in ([0, 0, 1, 1, 2], [0, 0, 0, 1, 1]):
        rnd = ballot_services.round_open(actor=w.officer, contest=contest)
        keys = [rc.option_key for rc in rnd.candidates.order_by("order", "pk")]
        names = [
            rc.nomination.versions.get().candidate_name
            for rc in rnd.candidates.order_by("order", "pk")
        ]
        by_name = dict(zip(names, keys, strict=True))
        for user, institution, choice in zip(w.reps, w.full, votes, strict=True):
            ballot_services.round_ballot_cast(
                user=user,
                rnd=rnd,
                unit_key=unit_key(institution_id=institution.pk),
                choice=by_name[CANDIDATES[choice][0]],
            )
        ballot_services.round_close(actor=w.officer, rnd=rnd)
    contest = Contest.objects.get(pk=contest.pk)
    assert contest.state == Contest.State.ELECTED and contest.mandate is not None
    return contest


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["es", "en"])
def test_5_the_authorities_page_shows_the_new_secretary_general_from_the_term_start(
    new_page: Callable[..., Page], world: World, one_request_at_a_time: None, lang: str
) -> None:
    locale = "es-MX" if lang == "es" else "en-US"
    contest = _db(lambda: elected_through_the_services(world))
    winner = CANDIDATES[0][0]
    assert _db(lambda: contest.mandate.valid_from) == TERM_START
    public = new_page(locale)
    # the day before the term starts: not the holder (at most listed as upcoming)
    authorities_on(public, lang, TERM_START - dt.timedelta(days=1), winner, shown=False)
    # from the term's first day: the Secretary General
    authorities_on(public, lang, TERM_START, winner, shown=True)
    # and their person page lists the mandate
    with public.expect_navigation():
        public.locator(
            "section[aria-labelledby=office-secretary-general] ul.holders a", has_text=winner
        ).first.click()
    axe_check(public)
    shot(public, "person-detail", lang)
    expect(public.locator("main")).to_contain_text(winner)
