"""Session pages: what each user sees, the forms, the convocation PDF and the calendars."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from secretariat.conftest import client_for
from secretariat.core.models import ActionLog
from secretariat.core.testing import get_document
from secretariat.governance.models import (
    AgendaItem,
    Dispatch,
    Document,
    DocumentFile,
    Participant,
    Session,
)
from secretariat.governance.services.convocation import session_convene
from secretariat.governance.services.documents import document_withdraw
from secretariat.governance.tests.helpers import new_session
from secretariat.members.models import Institution


def url(name: str, page_language: str = "en", **kwargs) -> str:
    with translation.override(page_language):
        return reverse(f"governance:{name}", kwargs=kwargs or None)


def file_url_exists() -> bool:
    try:
        reverse("governance:document-file", kwargs={"file_pk": 1})
    except NoReverseMatch:
        return False
    return True


@pytest.fixture
def sessions(officer, mailing):
    """A convened Assembly, a draft and a cancelled Committee session, and a past session."""
    convened = new_session(officer, mailing.assembly, days=45)
    session_convene(actor=officer, session=convened)
    draft = new_session(officer, mailing.committee, Session.Kind.EXTRAORDINARY, days=20)
    cancelled = new_session(officer, mailing.committee, days=90)
    from secretariat.governance.services.sessions import session_cancel

    session_cancel(actor=officer, session=cancelled, reason="Moved to next year.")
    past = new_session(officer, mailing.assembly, number=30, days=-700, place="Lima")
    # a past session held and closed (the console's transitions are not part of this test)
    Session.objects.filter(pk=past.pk).update(state=Session.State.CLOSED)
    return {
        "convened": Session.objects.get(pk=convened.pk),
        "draft": draft,
        "cancelled": cancelled,
        "past": past,
    }


def add_agenda(session: Session, items: int, participants: int = 0) -> None:
    """Agenda items (every fourth a sub-item), two documents each in two languages, and
    registered participants, created directly: the page reads them."""
    parent = None
    for n in range(items):
        item = AgendaItem.objects.create(
            session=session,
            parent=parent if n % 4 else None,
            position=n,
            title_es=f"Punto {n}",
            title_en=f"Item {n}",
            presenter="Secretaría General",
            withdrawn=(n == 2),
        )
        if n % 4 == 0:
            parent = item
        for d in range(2):
            doc = Document.objects.create(
                session=session,
                agenda_item=item,
                symbol=f"DOC/{n}/{d}",
                title_es=f"Documento {n}.{d}",
                title_en=f"Document {n}.{d}",
                restricted=(d == 1),
            )
            for lang in ("es", "en"):
                DocumentFile.objects.create(
                    document=doc,
                    version=1,
                    language=lang,
                    file=f"governance/test/{n}-{d}-{lang}.pdf",
                    original_name=f"{n}-{d}-{lang}.pdf",
                )
    members = list(Institution.objects.all())
    for n in range(participants):
        Participant.objects.create(
            session=session,
            institution=members[n % len(members)],
            full_name=f"Delegado {n}",
            role=Participant.Role.DELEGATE,
            credentials=Participant.Credentials.ACCEPTED if n % 3 else "pending",
        )


# --- The list ----------------------------------------------------------------------------


def test_it_lists_sessions_upcoming_first_without_drafts_for_the_public(client, sessions):
    # when
    response = client.get(url("session-list"))
    # then
    assert response.status_code == 200
    titles = [s.title for s in response.context["page"].object_list]
    assert titles == [
        "I Ordinary General Assembly",
        "I Ordinary Session — Standing Committee",
        "XXX Ordinary General Assembly",
    ]
    html = response.content.decode()
    assert "Upcoming sessions" in html and "Past sessions" in html
    assert "Cancelled" in html and "Extraordinary Session" not in html
    assert "Prepare a session" not in html


def test_the_secretariat_also_sees_drafts(officer, sessions):
    # when
    response = client_for(officer).get(url("session-list"))
    # then
    html = response.content.decode()
    assert "I Extraordinary Session — Standing Committee" in html and "In preparation" in html
    assert "Prepare a session" in html


def test_it_filters_the_list(client, sessions):
    # when
    committee = client.get(url("session-list"), {"body": "standing-committee"})
    past_year = client.get(url("session-list"), {"year": sessions["past"].starts_at.year})
    cancelled = client.get(url("session-list"), {"state": "cancelled"})
    nonsense = client.get(url("session-list"), {"state": "draft", "year": "x", "body": "y"})
    # then
    assert [s.pk for s in committee.context["page"].object_list] == [sessions["cancelled"].pk]
    assert sessions["past"].pk in [s.pk for s in past_year.context["page"].object_list]
    assert [s.pk for s in cancelled.context["page"].object_list] == [sessions["cancelled"].pk]
    # a draft filter from the public shows everything public, never the draft
    assert sessions["draft"].pk not in [s.pk for s in nonsense.context["page"].object_list]


def test_the_list_query_count_does_not_grow(client, officer, session_world):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("session-list")).status_code == 200
        return len(ctx)

    for n in range(3):
        new_session(officer, session_world.committee, days=10 + n, number=n + 1)
    few = count()
    for n in range(3, 20):
        new_session(officer, session_world.committee, days=10 + n, number=n + 1)
    # sessions (drafts hidden) + count, bodies and years for the filters
    assert count() == few <= 6


# --- The session page ----------------------------------------------------------------------


def test_a_draft_is_not_found_by_the_public_or_a_representative(client, rep_a, sessions):
    draft = sessions["draft"]
    assert client.get(url("session-detail", pk=draft.pk)).status_code == 404
    assert client_for(rep_a).get(url("session-detail", pk=draft.pk)).status_code == 404
    assert client.get(url("session-convocation-pdf", pk=draft.pk, lang="es")).status_code == 404
    assert client.get(url("session-ics", pk=draft.pk)).status_code == 404


def test_the_public_sees_the_convened_session(client, sessions):
    # given
    session = sessions["convened"]
    add_agenda(session, 5)
    # when
    response = client.get(url("session-detail", pk=session.pk))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "I Ordinary General Assembly" in html and "Convened" in html
    assert "CONVOCATION" in html  # the convocation in the page's language
    # numbered as the agenda numbers it: the withdrawn sub-item keeps its place, no number
    assert ">1.1<" in html and ">1.2<" in html and ">1.3<" not in html and "Withdrawn" in html
    assert "<del>Item 2</del>" in html
    assert "default, to be confirmed" in html and "Rules in force on" in html
    # documents are for the seat holders until the session publishes them: not even listed
    assert "Document 0.0" not in html and "Document 0.1" not in html
    assert "they become public when the session publishes them" in html
    # the Secretariat's parts are not offered; the dispatch list is not shown
    assert "Messages sent" not in html
    for name in ("session-edit", "session-convene", "session-cancel"):
        assert url(name, pk=session.pk) not in html
    assert "rep2@example.org" not in html


def test_the_convocation_falls_back_to_spanish(client, sessions):
    response = client.get(url("session-detail", "fr", pk=sessions["convened"].pk))
    html = response.content.decode()
    assert 'lang="es"' in html


def test_the_convocation_falls_back_to_the_spanish_text(client, sessions):
    response = client.get(url("session-detail", "fr", pk=sessions["convened"].pk))
    html = response.content.decode()
    assert 'lang="es"' in html and "CONVOCATORIA" in html


def test_published_documents_open_for_the_public_except_restricted_ones(client, sessions):
    # given
    session = sessions["convened"]
    add_agenda(session, 1)
    Session.objects.filter(pk=session.pk).update(documents_published_at=timezone.now())
    # when
    html = client.get(url("session-detail", pk=session.pk)).content.decode()
    # then
    assert "Document 0.0" in html and "Document 0.1" not in html
    if file_url_exists():
        file_pk = DocumentFile.objects.get(document__title_en="Document 0.0", language="es").pk
        assert reverse("governance:document-file", kwargs={"file_pk": file_pk}) in html


def test_the_secretariat_sees_documents_dispatches_and_history(officer, sessions):
    # given
    session = sessions["convened"]
    add_agenda(session, 1, participants=4)
    # when
    html = client_for(officer).get(url("session-detail", pk=session.pk)).content.decode()
    # then
    assert "Document 0.1" in html and "Restricted" in html
    assert "Messages sent" in html and "10 messages sent" in html
    assert "rep2@example.org" in html
    assert "session.convened" in html  # history
    assert "Delegations" in html  # delegations for staff
    assert "Edit" in html and "Cancel the session" in html


def test_a_seat_holder_sees_the_documents_and_the_delegations(rep_a, sessions, mailing):
    # given rep_a's institution is a member, so it sits in the Assembly
    session = sessions["convened"]
    add_agenda(session, 1, participants=2)
    # when
    html = client_for(rep_a).get(url("session-detail", pk=session.pk)).content.decode()
    # then
    assert "Document 0.1" in html and "Delegations" in html
    assert "Messages sent" not in html


def test_the_documents_are_listed_with_their_files_and_badges(officer, sessions):
    # given an item with a document in two languages and a restricted one, withdrawn, whose
    # files were removed, and a document under no item whose title holds markup
    session = sessions["convened"]
    add_agenda(session, 1)
    Document.objects.filter(symbol="DOC/0/1").update(withdrawn_at=timezone.now())
    DocumentFile.objects.filter(document__symbol="DOC/0/1").delete()
    Document.objects.create(session=session, symbol="", title_en="Loose & <i>x</i>")
    es, en = DocumentFile.objects.filter(document__symbol="DOC/0/0").order_by("-language")
    # when
    html = client_for(officer).get(url("session-detail", pk=session.pk)).content.decode()
    # then (the HTML the page had when a template partial wrote it, character for character)
    files = (
        f'<a href="/en/documents/files/{es.pk}/" hreflang="es"><abbr title="Español">ES</abbr> '
        '<span class="documents__version">v1</span></a> · '
        f'<a href="/en/documents/files/{en.pk}/" hreflang="en"><abbr title="English">EN</abbr> '
        '<span class="documents__version">v1</span></a>'
    )
    assert (
        '<ul class="documents">\n  \n  <li class="documents__item">\n'
        '    <span class="documents__symbol">DOC/0/0</span>\n    Document 0.0\n    \n'
        f'    <span class="documents__files">{files}</span>\n  </li>\n  \n'
        '  <li class="documents__item documents__item--withdrawn">\n'
        '    <span class="documents__symbol">DOC/0/1</span>\n'
        '    <del>Document 0.1</del> <span class="badge badge--unknown">Withdrawn</span>\n'
        '    <span class="badge badge--warn">Restricted</span>\n'
        '    <span class="muted">no file yet</span>\n  </li>\n  \n</ul>\n'
    ) in html
    assert (
        '<ul class="documents">\n  \n  <li class="documents__item">\n    \n'
        "    Loose &amp; &lt;i&gt;x&lt;/i&gt;\n    \n"
        '    <span class="muted">no file yet</span>\n  </li>\n  \n</ul>\n'
    ) in html


def page_cache_skipped(client):
    """An anonymous visitor with a pending message: the view renders the public page instead
    of answering from the page cache (the agenda's fragment cache still applies)."""
    client.cookies["messages"] = "pending"
    return client


def count_queries(client, session: Session) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url("session-detail", pk=session.pk)).status_code == 200
    return len(ctx)


def test_the_session_page_query_count_does_not_grow(officer, sessions):
    # given a session at 1x and one at 10x (agenda, documents, participants)
    small, large = sessions["convened"], sessions["past"]
    add_agenda(small, 6, participants=30)
    add_agenda(large, 60, participants=300)
    client = client_for(officer)
    client.get(url("session-detail", pk=small.pk))  # MFA check, cached in the session
    caches["local"].clear()
    # when the agenda's fragment is not cached yet, then: Django session and user (2),
    # roles (1), session (1), rules in force (10), agenda (1), documents and files (2),
    # participants by credentials and delegations (2), resolutions (1), dispatches (1),
    # history (1), the seat-holder predicate (2)
    first = count_queries(client, small)
    assert first == count_queries(client, large) <= 24
    # when it is cached: the same without the agenda, its documents and files (3)
    assert count_queries(client, small) == count_queries(client, large) == first - 3


def test_the_public_session_page_query_count_does_not_grow(client, sessions):
    # given a session at 1x and one at 10x, their documents published
    small, large = sessions["convened"], sessions["past"]
    add_agenda(small, 6, participants=30)
    add_agenda(large, 60, participants=300)
    Session.objects.filter(pk__in=[small.pk, large.pk]).update(
        documents_published_at=timezone.now()
    )
    # when the page is rendered (its page cache skipped) without the agenda's fragment: the
    # session (1), rules in force (10), agenda, documents, files (3), participants (1),
    # resolutions (1)
    page_cache_skipped(client)
    first = count_queries(client, small)
    assert first == count_queries(client, large) <= 16
    # then with the agenda's fragment cached: the same without the agenda (3)
    assert count_queries(client, small) == count_queries(client, large) == first - 3
    # and from the page cache: the session and the rules' latest change (2)
    del client.cookies["messages"]
    count_queries(client, small), count_queries(client, large)  # now in the page cache
    assert count_queries(client, small) == count_queries(client, large) == 2


def test_the_public_never_gets_the_agenda_of_those_who_read_every_document(
    client, officer, rep_a, sessions
):
    # given published documents, one restricted (0.1) and one withdrawn (1.0), and the
    # page rendered for the Secretariat first (its agenda fragment cached, every document)
    session = sessions["convened"]
    add_agenda(session, 2)
    Session.objects.filter(pk=session.pk).update(documents_published_at=timezone.now())
    Document.objects.filter(symbol="DOC/1/0").update(withdrawn_at=timezone.now())
    page = url("session-detail", pk=session.pk)
    staff_html = client_for(officer).get(page).content.decode()
    assert "Document 0.1" in staff_html and "<del>Document 1.0</del>" in staff_html
    # when the public reads the page, rendered for it (page cache skipped) and from its cache
    rendered = page_cache_skipped(client).get(page).content.decode()
    del client.cookies["messages"]
    cached = client.get(page).content.decode()
    # then neither has the restricted or the withdrawn document
    for html in (rendered, cached):
        assert "Document 0.0" in html
        assert "Document 0.1" not in html and "Document 1.0" not in html
        assert "Restricted" not in html
    # and a seat holder, after the public, still gets every document
    rep_html = client_for(rep_a).get(page).content.decode()
    assert "Document 0.1" in rep_html and "<del>Document 1.0</del>" in rep_html


def test_the_agenda_fragment_changes_with_the_session_revision_and_language(officer, sessions):
    # given the page rendered once (the agenda's fragment cached)
    session = sessions["convened"]
    add_agenda(session, 1)
    client = client_for(officer)
    page = url("session-detail", pk=session.pk)
    assert "Document 0.0" in client.get(page).content.decode()
    # when a document changes without the services (the revision is not bumped)
    Document.objects.filter(symbol="DOC/0/0").update(title_en="Document renamed")
    # then the cached fragment is still served: it is what the revision says
    assert "Document renamed" not in client.get(page).content.decode()
    # when a service changes the agenda (it bumps the revision)
    document_withdraw(
        actor=officer, document=Document.objects.get(symbol="DOC/0/1"), reason="Superseded."
    )
    # then the page shows the agenda as it is now
    html = client.get(page).content.decode()
    assert "Document renamed" in html and "<del>Document 0.1</del>" in html
    # and each language has its own fragment
    es_html = client.get(url("session-detail", "es", pk=session.pk)).content.decode()
    assert "Punto 0" in es_html and "Item 0" not in es_html


# --- Create, edit, convene, cancel ------------------------------------------------------------


def test_the_secretariat_creates_a_session(officer, session_world):
    # when
    response = client_for(officer).post(
        url("session-create"),
        {
            "body": session_world.assembly.pk,
            "kind": "ordinary",
            "number": "31",
            "starts_at": "2030-09-28T09:00",
            "time_zone": "America/Panama",
            "languages": ["es", "en"],
            "convened_by": "statute",
            "place": "Ciudad de Panamá",
        },
    )
    # then
    session = Session.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{session.pk}/")
    assert session.title_es == "XXXI Asamblea General Ordinaria"
    # the time entered is in the session's time zone (UTC−5)
    assert session.starts_at == dt.datetime(2030, 9, 28, 14, 0, tzinfo=dt.UTC)


def test_the_create_form_shows_every_error(officer, session_world):
    # when
    response = client_for(officer).post(
        url("session-create"),
        {
            "body": session_world.assembly.pk,
            "kind": "extraordinary",
            "starts_at": "2030-09-28T09:00",
            "time_zone": "America/Mexico_City",
            "languages": ["en"],
            "convened_by": "committee_members",
            "requesters": [seat.pk for seat in session_world.seats[:4]],
            "requested_on": "2024-05-20",
        },
    )
    # then
    html = response.content.decode()
    assert response.status_code == 200 and not Session.objects.exists()
    assert "Spanish must be one of the languages" in html
    assert "At least 5 members of the Standing Committee must request it; 4 chosen" in html


def test_requesters_are_chosen_from_the_voting_seats_and_named(officer, session_world):
    """shared/domain.md "General Assembly" [C]: an extraordinary session at the request of at
    least five members of the Standing Committee. The review's case: "a b c d e" typed in the
    form passed as five members."""
    client = client_for(officer)
    form = {
        "body": session_world.assembly.pk,
        "kind": "extraordinary",
        "starts_at": "2030-09-28T09:00",
        "time_zone": "America/Mexico_City",
        "languages": ["es", "en"],
        "convened_by": "committee_members",
        "requested_on": "2024-05-20",
    }
    page = client.get(url("session-create")).content.decode()
    assert 'type="checkbox" name="requesters"' in page
    assert "Standing Committee: Coordinación de la Subregión 1 — Coordinador 1" in page
    assert "Secretaría General" not in page  # a voice seat cannot request
    # when: the old free text is posted
    html = client.post(
        url("session-create"), {**form, "requested_by": "a b c d e"}
    ).content.decode()
    assert "must request it; 0 chosen" in html and not Session.objects.exists()
    # when: five voting seats are chosen
    response = client.post(
        url("session-create"), {**form, "requesters": [s.pk for s in session_world.seats]}
    )
    # then: the session page names them
    session = Session.objects.get()
    assert response.status_code == 302
    page = client.get(url("session-detail", pk=session.pk)).content.decode()
    assert "Coordinación de la Subregión 3 (Coordinador 3)" in page
    assert "Presidencia (Presidente de prueba)" in page


@pytest.mark.parametrize("persona", ["rep_a", "finance_officer", "comptroller"])
def test_others_cannot_use_the_secretariat_pages(persona, request, sessions):
    # given
    user = request.getfixturevalue(persona)
    client = client_for(user)
    draft = sessions["draft"]
    # when / then
    assert client.get(url("session-create")).status_code == 403
    assert client.post(url("session-create"), {}).status_code == 403
    for name in ("session-edit", "session-convene", "session-cancel"):
        assert client.post(url(name, pk=draft.pk), {"reason": "x"}).status_code == 403
    assert Session.objects.get(pk=draft.pk).state == Session.State.DRAFT


def test_anonymous_is_sent_to_log_in(client, sessions):
    response = client.get(url("session-create"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_convene_page_previews_the_texts_and_the_notice(officer, sessions):
    # given
    draft = sessions["draft"]  # extraordinary, 20 days ahead: notice 15 days is met
    # when
    response = client_for(officer).get(url("session-convene", pk=draft.pk))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "The notice period is respected." in html
    assert "CONVOCATION" in html
    assert "The convocation will be e-mailed to 10 people" in html


def test_the_convene_page_previews_the_spanish_text(officer, sessions):
    # given
    draft = sessions["draft"]  # extraordinary, convened by the President
    # when
    response = client_for(officer).get(url("session-convene", pk=draft.pk))
    # then
    html = response.content.decode()
    assert "CONVOCATORIA" in html and "CONVOCATION" in html
    assert "convocada por la Presidencia de la CISS" in html


def test_the_convene_page_warns_when_the_notice_is_short(officer, session_world):
    session = new_session(officer, session_world.committee, days=10)
    html = client_for(officer).get(url("session-convene", pk=session.pk)).content.decode()
    assert "Too late for the notice period." in html
    # documents would be due 15 days before the opening: already passed
    assert "which has passed: set a later deadline" in html


def test_convening_from_the_page_sends_the_convocation(
    officer, sessions, mailoutbox, django_capture_on_commit_callbacks
):
    # given
    draft = sessions["draft"]
    client = client_for(officer)
    page = client.get(url("session-convene", pk=draft.pk))
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["convocation_en"] = "Edited English text."
    # when previewing the edited text, nothing is convened
    preview = client.post(url("session-convene", pk=draft.pk), {**data, "action": "preview"})
    assert "Edited English text." in preview.content.decode()
    assert Session.objects.get(pk=draft.pk).state == Session.State.DRAFT
    # when convening
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("session-convene", pk=draft.pk), {**data, "action": "convene"})
    # then
    session = Session.objects.get(pk=draft.pk)
    assert response.status_code == 302
    assert session.state == Session.State.CONVENED
    assert session.convocation_en == "Edited English text."
    assert len(mailoutbox) == Dispatch.objects.filter(session=session).count() == 10
    assert any("http://testserver/en/sessions/" in m.body for m in mailoutbox)


def test_editing_a_convened_session_needs_a_reason(officer, sessions):
    # given
    session = sessions["convened"]
    client = client_for(officer)
    form = client.get(url("session-edit", pk=session.pk)).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: v for k, v in data.items() if v not in (None, False)}
    data["place"] = "Quito"
    data["reason"] = ""
    # when
    refused = client.post(url("session-edit", pk=session.pk), data)
    data["reason"] = "The host changed."
    accepted = client.post(url("session-edit", pk=session.pk), data)
    # then
    assert refused.status_code == 200 and "This field is required" in refused.content.decode()
    assert accepted.status_code == 302
    assert Session.objects.get(pk=session.pk).place == "Quito"
    assert ActionLog.objects.get(event="session.updated").reason == "The host changed."


def test_cancelling_from_the_page(officer, sessions, client):
    # given
    draft = sessions["draft"]
    # when
    response = client_for(officer).post(
        url("session-cancel", pk=draft.pk), {"reason": "The President withdrew it."}
    )
    # then
    assert response.status_code == 302
    assert Session.objects.get(pk=draft.pk).state == Session.State.CANCELLED
    assert "Cancelled" in client.get(url("session-detail", pk=draft.pk)).content.decode()


# --- PDF and calendars --------------------------------------------------------------------------


def test_the_convocation_pdf_in_each_language_of_the_session(client, sessions):
    session = sessions["convened"]
    for lang in ("es", "en"):
        response = get_document(
            client, url("session-convocation-pdf", lang, pk=session.pk, lang=lang)
        )
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    missing = client.get(url("session-convocation-pdf", pk=session.pk, lang="fr"))
    assert missing.status_code == 404


def _events(content: bytes) -> list:
    calendar = icalendar.Calendar.from_ical(content)
    return [c for c in calendar.walk() if c.name == "VEVENT"]


def test_the_session_calendar_has_the_session_and_its_deadline(client, sessions):
    # given
    session = sessions["convened"]
    # when
    response = client.get(url("session-ics", "es", pk=session.pk))
    # then
    assert response["Content-Type"].startswith("text/calendar")
    events = {str(e["UID"]): e for e in _events(response.content)}
    main = events[f"session-{session.pk}@secretariat.ciss.invalid"]
    deadline = events[f"session-{session.pk}-documents@secretariat.ciss.invalid"]
    assert str(main["SUMMARY"]) == "I Asamblea General Ordinaria"
    start = main.decoded("DTSTART")
    assert start == session.starts_at and str(start.tzinfo) == "America/Mexico_City"
    assert deadline.decoded("DTSTART") == session.documents_deadline
    assert "Ciudad de México" in str(main["LOCATION"])


def test_the_calendar_feed_lists_public_sessions_in_the_request_language(client, sessions):
    # when
    response = client.get(url("session-calendar", "en"))
    # then
    assert response.status_code == 200 and "public" in response["Cache-Control"]
    events = _events(response.content)
    summaries = {str(e["SUMMARY"]) for e in events}
    assert "I Ordinary General Assembly" in summaries
    assert "Deadline for documents: I Ordinary General Assembly" in summaries
    assert "I Extraordinary Session — Standing Committee" not in summaries  # a draft
    cancelled = next(
        e for e in events if str(e["UID"]).startswith(f"session-{sessions['cancelled'].pk}@")
    )
    assert str(cancelled["STATUS"]) == "CANCELLED"
    # the UID does not depend on the request
    again = _events(client.get(url("session-calendar", "es")).content)
    assert {str(e["UID"]) for e in events} == {str(e["UID"]) for e in again}


def test_the_public_calendar_does_not_give_the_link_to_join(client, officer, session_world):
    # given an online session
    session = new_session(
        officer,
        session_world.committee,
        days=40,
        online=True,
        online_url="https://meet.example.org/secret-room",
    )
    session_convene(actor=officer, session=session)
    # when
    public = client.get(url("session-ics", pk=session.pk)).content
    staff = client_for(officer).get(url("session-ics", pk=session.pk)).content
    # then
    assert b"secret-room" not in public
    assert b"secret-room" in staff
    assert b"secret-room" not in client.get(url("session-calendar")).content


def test_the_staff_can_see_a_draft_convocation_pdf(officer, sessions):
    response = get_document(
        client_for(officer), url("session-convocation-pdf", pk=sessions["draft"].pk, lang="en")
    )
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
