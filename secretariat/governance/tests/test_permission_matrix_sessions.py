"""Every route of the sessions capability × every role: the expected HTTP status.

The roles and the shorthand rows are those of core/testing.py; the site's matrix
(secretariat/tests/test_permission_matrix.py) checks that every route has an entry here or there. The world: a General Assembly of all
members (member A full, member B associate, member C full), a Standing Committee seat, and
sessions in each state: draft, convened (agenda, document, delegate, proxy), open (motions,
a closed vote), closed with circulated minutes (a comment), closed with signed minutes (an
erratum proposed); a resolution; a suspension of member C's vote.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from secretariat.conftest import make_member
from secretariat.core.testing import (
    LOGGED_IN,
    POST_ONLY,
    PUBLIC,
    SCOPED_A,
    STAFF_READ,
    STAFF_WRITE,
    L,
    log_in,
    status_failures,
)
from secretariat.governance.models import (
    AgendaItem,
    Body,
    Document,
    DocumentFile,
    Erratum,
    Minutes,
    MinutesComment,
    Motion,
    Participant,
    Proxy,
    Resolution,
    RulesProfile,
    Seat,
    Session,
    Vote,
)
from secretariat.members.models import VotingSuspension

SEAT_HOLDERS = (404, 200, 200, 200, 200, 200, 200)  # members sitting in the GA and staff
STAFF_ONLY_LOGGED_IN = (L, 404, 404, 200, 200, 200, 200)  # members do not learn it exists

MATRIX: dict[str, tuple] = {
    # seats, composition, standing
    "governance:body-composition": PUBLIC,
    "governance:seat-add": STAFF_WRITE,
    "governance:seat-edit": STAFF_WRITE,
    "members:standing-list": STAFF_READ,
    "members:standing-suspend": STAFF_WRITE,
    "members:standing-lift": STAFF_WRITE,
    # sessions
    "governance:session-list": PUBLIC,
    "governance:session-create": STAFF_WRITE,
    "governance:session-calendar": PUBLIC,
    "governance:session-detail": PUBLIC,
    "governance:session-edit": STAFF_WRITE,
    "governance:session-convene": STAFF_WRITE,
    "governance:session-cancel": STAFF_WRITE,
    "governance:session-ics": PUBLIC,
    "governance:session-convocation-pdf": PUBLIC,
    # agenda and documents
    "governance:agenda-manage": STAFF_READ,
    "governance:agenda-item-add": STAFF_WRITE,
    "governance:agenda-item-edit": STAFF_WRITE,
    "governance:agenda-item-withdraw": STAFF_WRITE,
    "governance:agenda-item-move": POST_ONLY,
    "governance:agenda-adopt": POST_ONLY,
    "governance:agenda-pdf": PUBLIC,
    "governance:document-add": STAFF_WRITE,
    "governance:document-detail": SEAT_HOLDERS,
    "governance:document-file": SEAT_HOLDERS,
    "governance:document-upload": STAFF_WRITE,
    "governance:document-withdraw": STAFF_WRITE,
    "governance:documents-publish": POST_ONLY,
    # registration
    "governance:delegation": (L, 200, 200, 302, 302, 302, 302),
    "governance:delegate-add": (L, 200, 200, 200, 404, 404, 200),
    "governance:delegate-withdraw": POST_ONLY,
    "governance:participant-list": STAFF_READ,
    "governance:credentials-check": STAFF_ONLY_LOGGED_IN,
    "governance:participant-credentials-file": SCOPED_A,
    "governance:proxy-add": (L, 200, 200, 200, 404, 404, 200),
    "governance:proxy-check": SCOPED_A,  # the holder's representative sees it; staff decide
    "governance:proxy-letter": SCOPED_A,
    "governance:seat-holders-register": POST_ONLY,
    # holding the session
    "governance:console": STAFF_READ,
    "governance:console-state": STAFF_READ,
    # the public session page's stream (panel p, the default); test_push.py checks the others
    "governance:session-events": PUBLIC,
    "governance:attendance": STAFF_READ,
    "governance:attendance-mark": POST_ONLY,
    "governance:session-open": POST_ONLY,
    "governance:session-close": POST_ONLY,
    "governance:motion-add": STAFF_WRITE,
    "governance:motion-detail": LOGGED_IN,
    "governance:motion-edit": STAFF_WRITE,
    "governance:motion-withdraw": STAFF_WRITE,
    "governance:amendment-add": STAFF_WRITE,
    "governance:vote-open": STAFF_WRITE,
    "governance:vote-detail": LOGGED_IN,
    "governance:vote-hands": STAFF_WRITE,
    "governance:vote-roll-call": STAFF_READ,
    "governance:vote-close": POST_ONLY,
    "governance:vote-override": STAFF_WRITE,
    "governance:my-session": LOGGED_IN,
    "governance:my-session-state": LOGGED_IN,
    "governance:ballot": LOGGED_IN,
    # minutes
    "governance:minutes-detail": SEAT_HOLDERS,
    "governance:minutes-pdf": SEAT_HOLDERS,
    "governance:minutes-draft": POST_ONLY,
    "governance:minutes-edit": STAFF_WRITE,
    "governance:minutes-circulate": STAFF_WRITE,
    "governance:minutes-comment": (L, 200, 200, 403, 403, 403, 403),
    "governance:minutes-amend": STAFF_WRITE,
    "governance:minutes-approve": STAFF_WRITE,
    "governance:minutes-sign": STAFF_WRITE,
    "governance:minutes-comment-respond": STAFF_WRITE,
    "governance:erratum-add": STAFF_WRITE,
    "governance:erratum-approve": STAFF_WRITE,
    # resolutions
    "governance:resolution-list": PUBLIC,
    "governance:resolution-detail": PUBLIC,
    "governance:resolution-series": STAFF_WRITE,
    "governance:resolution-record": STAFF_WRITE,
    "governance:resolution-edit": STAFF_WRITE,
    "governance:resolution-link": STAFF_WRITE,
    "governance:resolution-adopt": STAFF_WRITE,
}


def _session(body, number, state, days=30, **extra) -> Session:
    session = Session.objects.create(
        body=body,
        kind=Session.Kind.ORDINARY,
        number=number,
        title_es=f"{number} Asamblea General Ordinaria",
        title_en=f"{number} Ordinary General Assembly",
        starts_at=timezone.now() + dt.timedelta(days=days),
        languages=["es", "en"],
        **extra,
    )
    Session.objects.filter(pk=session.pk).update(state=state)
    return Session.objects.get(pk=session.pk)


@pytest.fixture
def world(
    db,
    categories,
    countries,
    member_a,
    member_b,
    rep_a,
    rep_b,
    officer,
    finance_officer,
    comptroller,
    secretary_general,
):
    member_c = make_member("Instituto Gamma", countries["PE"], categories["full"])
    assembly = Body.objects.create(
        code="general-assembly",
        name_es="Asamblea General",
        name_en="General Assembly",
        kind=Body.Kind.ASSEMBLY,
        rules_profile=RulesProfile.GENERAL_ASSEMBLY,
        all_members_sit=True,
    )
    committee = Body.objects.create(
        code="standing-committee",
        name_es="Comité Permanente",
        kind=Body.Kind.COMMITTEE,
        rules_profile=RulesProfile.STANDING_COMMITTEE,
    )
    seat = Seat.objects.create(
        body=committee,
        capacity=Seat.Capacity.VOICE,
        title="Secretaría General",
        valid_from=dt.date(2020, 1, 1),
    )
    suspension = VotingSuspension.objects.create(
        institution=member_c,
        valid_from=dt.date(2020, 1, 1),
        reason="Atrasos",
        legal_basis="Regla [D]",
    )
    draft = _session(assembly, 40, Session.State.DRAFT)
    convened = _session(assembly, 31, Session.State.CONVENED, convened_at=timezone.now())
    item = AgendaItem.objects.create(session=convened, title_es="Apertura", position=1)
    document = Document.objects.create(session=convened, agenda_item=item, title_es="Informe")
    doc_file = DocumentFile(document=document, version=1, language="es", original_name="i.pdf")
    doc_file.file.save("i.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    delegate = Participant(
        session=convened,
        institution=member_a,
        full_name="Ana Delegada",
        role=Participant.Role.HEAD,
    )
    delegate.credentials_file.save("c.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    proxy = Proxy(session=convened, grantor=member_c, holder=member_a)
    proxy.letter.save("p.pdf", ContentFile(b"%PDF-1.4 test"), save=True)

    held = _session(assembly, 32, Session.State.OPEN, days=0)
    motion = Motion.objects.create(
        session=held, number=1, proposer="México", title_es="Moción", text_es="Texto."
    )
    carried = Motion.objects.create(
        session=held, number=2, proposer="Perú", title_es="Aprobada", text_es="Texto."
    )
    Motion.objects.filter(pk=carried.pk).update(state=Motion.State.CARRIED)
    vote = Vote.objects.create(
        motion=carried,
        method=Vote.Method.SHOW_OF_HANDS,
        state=Vote.State.CLOSED,
        majority="simple",
        entitled=2,
        present=2,
        yes=2,
        no=0,
        abstain=0,
        carried_computed=True,
        opened_at=timezone.now(),
        closed_at=timezone.now(),
    )
    open_votes = {}
    for number, method in ((3, Vote.Method.SHOW_OF_HANDS), (4, Vote.Method.ROLL_CALL)):
        voting = Motion.objects.create(
            session=held, number=number, proposer="Canadá", title_es="En votación", text_es="T."
        )
        Motion.objects.filter(pk=voting.pk).update(state=Motion.State.VOTING)
        open_votes[method] = Vote.objects.create(
            motion=voting,
            method=method,
            majority="simple",
            entitled=2,
            present=2,
            opened_at=timezone.now(),
        )
    resolution = Resolution.objects.create(number=100, title_es="Resolución de prueba")

    circulated_session = _session(assembly, 30, Session.State.CLOSED, days=-60)
    circulated = Minutes.objects.create(
        session=circulated_session,
        text_es="Acta.",
        comments_until=timezone.now() + dt.timedelta(days=10),
        circulated_at=timezone.now(),
    )
    Minutes.objects.filter(pk=circulated.pk).update(state=Minutes.State.CIRCULATED)
    comment = MinutesComment.objects.create(
        minutes=circulated, author=rep_a, author_label="Ana", text="Corregir el punto 2."
    )
    # minutes in draft: the only ones (with amended) whose edit form is shown
    draft_minutes_session = _session(assembly, 27, Session.State.CLOSED, days=-30)
    Minutes.objects.create(session=draft_minutes_session, text_es="Borrador del acta.")
    signed_session = _session(assembly, 29, Session.State.CLOSED, days=-400)
    signed = Minutes.objects.create(
        session=signed_session, text_es="Acta firmada.", locked_at=timezone.now()
    )
    Minutes.objects.filter(pk=signed.pk).update(state=Minutes.State.SIGNED)
    erratum = Erratum.objects.create(minutes=signed, number=1, text="Donde dice 3, debe decir 4.")

    c, h = convened.pk, held.pk
    kwargs = {
        "governance:body-composition": {"code": "general-assembly"},
        "governance:seat-add": {"code": "standing-committee"},
        "governance:seat-edit": {"seat_pk": seat.pk},
        "members:standing-suspend": {"slug": member_c.slug},
        "members:standing-lift": {"pk": suspension.pk},
        "governance:session-detail": {"pk": c},
        "governance:session-edit": {"pk": draft.pk},
        "governance:session-convene": {"pk": draft.pk},
        "governance:session-cancel": {"pk": draft.pk},
        "governance:session-ics": {"pk": c},
        "governance:session-convocation-pdf": {"pk": c, "lang": "es"},
        "governance:agenda-manage": {"pk": c},
        "governance:agenda-item-add": {"pk": c},
        "governance:agenda-item-edit": {"item_pk": item.pk},
        "governance:agenda-item-withdraw": {"item_pk": item.pk},
        "governance:agenda-item-move": {"item_pk": item.pk},
        "governance:agenda-adopt": {"pk": c},
        "governance:agenda-pdf": {"pk": c, "lang": "es"},
        "governance:document-add": {"pk": c},
        "governance:document-detail": {"doc_pk": document.pk},
        "governance:document-file": {"file_pk": doc_file.pk},
        "governance:document-upload": {"doc_pk": document.pk},
        "governance:document-withdraw": {"doc_pk": document.pk},
        "governance:documents-publish": {"pk": c},
        "governance:delegation": {"pk": c},
        "governance:delegate-add": {"pk": c},
        "governance:delegate-withdraw": {"participant_pk": delegate.pk},
        "governance:participant-list": {"pk": c},
        "governance:credentials-check": {"participant_pk": delegate.pk},
        "governance:participant-credentials-file": {"participant_pk": delegate.pk},
        "governance:proxy-add": {"pk": c},
        "governance:proxy-check": {"proxy_pk": proxy.pk},
        "governance:proxy-letter": {"proxy_pk": proxy.pk},
        "governance:seat-holders-register": {"pk": c},
        "governance:console": {"pk": h},
        "governance:console-state": {"pk": h},
        "governance:session-events": {"pk": h},
        "governance:attendance": {"pk": h},
        "governance:attendance-mark": {"pk": h},
        "governance:session-open": {"pk": c},
        "governance:session-close": {"pk": h},
        "governance:motion-add": {"pk": h},
        "governance:motion-detail": {"motion_pk": motion.pk},
        "governance:motion-edit": {"motion_pk": motion.pk},
        "governance:motion-withdraw": {"motion_pk": motion.pk},
        "governance:amendment-add": {"motion_pk": motion.pk},
        "governance:vote-open": {"motion_pk": motion.pk},
        "governance:vote-detail": {"vote_pk": vote.pk},
        "governance:vote-hands": {"vote_pk": open_votes[Vote.Method.SHOW_OF_HANDS].pk},
        "governance:vote-roll-call": {"vote_pk": open_votes[Vote.Method.ROLL_CALL].pk},
        "governance:vote-close": {"vote_pk": open_votes[Vote.Method.ROLL_CALL].pk},
        "governance:vote-override": {"vote_pk": vote.pk},
        "governance:my-session": {"pk": h},
        "governance:my-session-state": {"pk": h},
        "governance:ballot": {"vote_pk": vote.pk},
        "governance:minutes-detail": {"pk": circulated_session.pk},
        "governance:minutes-pdf": {"pk": circulated_session.pk, "lang": "es"},
        "governance:minutes-draft": {"pk": circulated_session.pk},
        "governance:minutes-edit": {"pk": draft_minutes_session.pk},
        "governance:minutes-circulate": {"pk": circulated_session.pk},
        "governance:minutes-comment": {"pk": circulated_session.pk},
        "governance:minutes-amend": {"pk": circulated_session.pk},
        "governance:minutes-approve": {"pk": circulated_session.pk},
        "governance:minutes-sign": {"pk": circulated_session.pk},
        "governance:minutes-comment-respond": {"comment_pk": comment.pk},
        "governance:erratum-add": {"pk": signed_session.pk},
        "governance:erratum-approve": {"erratum_pk": erratum.pk},
        "governance:resolution-detail": {"number": resolution.number},
        "governance:resolution-edit": {"number": resolution.number},
        "governance:resolution-link": {"number": resolution.number},
        "governance:resolution-adopt": {"motion_pk": carried.pk},
    }
    users = {
        "anonymous": None,
        "rep_a": rep_a,
        "rep_b": rep_b,
        "officer": officer,
        "finance": finance_officer,
        "comptroller": comptroller,
        "sg": secretary_general,
    }
    return {"kwargs": kwargs, "users": users}


def _url(name: str, world) -> str:
    return reverse(name, kwargs=world["kwargs"].get(name))


@pytest.mark.django_db
def test_it_gives_each_role_the_expected_status(world):
    failures = status_failures(MATRIX, world["users"], lambda name: _url(name, world))
    assert failures == [], "\n" + "\n".join(failures)


@pytest.mark.django_db
def test_it_refuses_post_actions_to_the_wrong_roles(world):
    before = {
        "sessions": list(Session.objects.order_by("pk").values_list("state", "revision")),
        "participants": list(Participant.objects.values_list("withdrawn_at", "credentials")),
        "votes": list(Vote.objects.values_list("state", "override")),
    }
    for role in ("rep_b", "finance", "comptroller"):
        client = Client()
        log_in(client, world["users"][role])
        for name, row in MATRIX.items():
            if row is not POST_ONLY:
                continue
            response = client.post(
                _url(name, world),
                {"reason": "test", "direction": "up", "present": "1", "participant": "1"},
            )
            assert response.status_code in (403, 404), (role, name, response.status_code)
    after = {
        "sessions": list(Session.objects.order_by("pk").values_list("state", "revision")),
        "participants": list(Participant.objects.values_list("withdrawn_at", "credentials")),
        "votes": list(Vote.objects.values_list("state", "override")),
    }
    assert after == before
