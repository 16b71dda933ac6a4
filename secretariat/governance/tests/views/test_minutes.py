"""The minutes end to end through the pages: drafted from the record, circulated for
comments within a period, amended, approved at a later session of the same body, signed and
locked, corrected only by approved errata; PDF; who sees what."""

from __future__ import annotations

import datetime as dt

import pyotp
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from secretariat.conftest import client_for
from secretariat.core.models import ActionLog
from secretariat.core.testing import age_authentication, get_document
from secretariat.governance.models import (
    Dispatch,
    Erratum,
    Minutes,
    MinutesComment,
)
from secretariat.governance.services import minutes as services
from secretariat.governance.tests.minutes_world import (
    after_comments,
    circulated_fixture,  # noqa: F401  (the `circulated` fixture)
    minutes_of,
    page_url,
    world_fixture,  # noqa: F401  (the `world` fixture)
)

pytestmark = pytest.mark.django_db


def test_the_minutes_go_from_draft_to_signed_and_errata(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    staff = client_for(world.secretariat)
    holder = client_for(world.seat_holder)
    anonymous = client_for(None)
    outsider = client_for(world.outsider)
    pk = world.session.pk
    page = page_url("minutes-detail", pk=pk)
    page_es = page_url("minutes-detail", "es", pk=pk)

    # Nothing yet: staff see the button, others a 404
    assert "Draft the minutes" in staff.get(page).content.decode()
    assert anonymous.get(page).status_code == 404
    assert holder.get(page).status_code == 404

    # Drafted (POST only); the draft is for the Secretariat only
    assert staff.get(page_url("minutes-draft", pk=pk)).status_code == 405
    response = staff.post(page_url("minutes-draft", pk=pk))
    assert response.status_code == 302 and response["Location"] == page
    assert "Regenerate the draft" in staff.get(page).content.decode()
    for client in (anonymous, holder, outsider):
        assert client.get(page).status_code == 404

    # Edited
    minutes = minutes_of(world.session)
    edited = minutes.text_es.replace("Hubo quórum.", "Hubo quórum desde las 10:05.")
    response = staff.post(
        page_url("minutes-edit", pk=pk),
        {"text_es": edited, "text_en": minutes.text_en, "reason": ""},
    )
    assert response.status_code == 302
    assert "desde las 10:05" in minutes_of(world.session).text_es

    # Circulated: one message per address, each recorded
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(page_url("minutes-circulate", pk=pk), {"comments_until": ""})
    assert response.status_code == 302
    minutes = minutes_of(world.session)
    assert minutes.state == Minutes.State.CIRCULATED
    days = (minutes.comments_until - minutes.circulated_at).days
    assert days == 30  # the rule's default period
    sent = sorted(d.email for d in Dispatch.objects.filter(kind=Dispatch.Kind.MINUTES))
    assert sent == ["ana@alfa.org", "carlos@uno.org", "gabriel@cuatro.org"]
    assert sorted(m.to[0] for m in mail.outbox) == sent
    assert "http://testserver" + page_url("minutes-detail", "es", pk=pk) in mail.outbox[0].body

    # Seat holders now see it and comment within the period; outsiders still do not
    assert "Hubo quórum desde las 10:05" in holder.get(page_es).content.decode()
    assert "Send the comment" in holder.get(page).content.decode()
    assert anonymous.get(page).status_code == 404 and outsider.get(page).status_code == 404
    assert outsider.post(page_url("minutes-comment", pk=pk), {"text": "x"}).status_code == 404
    response = holder.post(
        page_url("minutes-comment", pk=pk), {"text": "Punto 1: falta el nombre del presentador."}
    )
    assert response.status_code == 302
    comment = MinutesComment.objects.get()
    assert comment.author_label == "Ana Alfa — Instituto Alfa (IA)"

    # ... and not after it
    later = timezone.now() + dt.timedelta(days=31)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    # (signed in again: the clock moved past the browser sessions' expiry)
    holder, staff = client_for(world.seat_holder), client_for(world.secretariat)
    anonymous = client_for(None)
    response = holder.post(page_url("minutes-comment", pk=pk), {"text": "Otro comentario"})
    assert response.status_code == 200
    assert "The period for comments closed on" in response.content.decode()
    assert MinutesComment.objects.count() == 1

    # The Secretariat answers and amends
    response = staff.post(
        page_url("minutes-comment-respond", comment_pk=comment.pk),
        {"response": "Se añadió el nombre."},
    )
    assert response.status_code == 302
    response = staff.post(
        page_url("minutes-amend", pk=pk), {"reason": "Comentario de Instituto Alfa"}
    )
    assert response.status_code == 302
    response = staff.post(
        page_url("minutes-edit", pk=pk), {"text_es": edited + "\nAñadido.", "text_en": "x"}
    )
    assert "Reason for the change" in response.content.decode()  # required once circulated
    response = staff.post(
        page_url("minutes-edit", pk=pk),
        {"text_es": edited + "\nAñadido.", "text_en": "x", "reason": "Comentario 1"},
    )
    assert response.status_code == 302

    # Approved at the next session of the same body (not another body's, not an earlier one)
    response = staff.post(
        page_url("minutes-approve", pk=pk),
        {"approved_at_session": world.other_body.pk, "approval_decision": "Aprobada"},
    )
    assert response.status_code == 200 and minutes_of(world.session).approved_at is None
    approve_page = staff.get(page_url("minutes-approve", pk=pk)).content.decode()
    assert world.next.title_en in approve_page and world.earlier.title_en not in approve_page
    response = staff.post(
        page_url("minutes-approve", pk=pk),
        {
            "approved_at_session": world.next.pk,
            "approval_decision": "La Asamblea aprobó el acta de la sesión 30.",
        },
    )
    assert response.status_code == 302
    minutes = minutes_of(world.session)
    assert minutes.state == Minutes.State.APPROVED and minutes.approved_at_session == world.next

    # Signed: locked and public
    response = staff.post(
        page_url("minutes-sign", pk=pk),
        {"chair_signatory": "Zoé Robledo Aburto", "secretary_signatory": "Álvaro Velarca"},
    )
    assert response.status_code == 302
    minutes = minutes_of(world.session)
    assert minutes.state == Minutes.State.SIGNED and minutes.locked
    public = anonymous.get(page_es)
    assert public.status_code == 200
    html = public.content.decode()
    assert "Hubo quórum desde las 10:05" in html and "Zoé Robledo Aburto" in html
    assert "Punto 1: falta" not in html  # comments are not public

    # Locked: no edit form (issue #9: it still showed one, with a Save button), no edit
    response = staff.get(page_url("minutes-edit", pk=pk), follow=True)
    html = response.content.decode()
    assert response.redirect_chain == [(page, 302)]
    assert "Signed minutes cannot change; propose an erratum." in html
    assert 'name="text_es"' not in html and "Save the minutes" not in html
    response = staff.post(
        page_url("minutes-edit", pk=pk),
        {"text_es": "Nuevo", "text_en": "x", "reason": "x"},
        follow=True,
    )
    assert "Signed minutes cannot change; propose an erratum." in response.content.decode()
    assert "Nuevo" not in minutes_of(world.session).text_es
    with pytest.raises(ValidationError, match="Signed minutes cannot change"):
        services.minutes_update(
            actor=world.secretariat, minutes=minutes_of(world.session), text_es="Nuevo"
        )

    # An erratum, proposed then approved, shown with the minutes; the text does not change
    text_before = minutes_of(world.session).text_es
    response = staff.post(
        page_url("erratum-add", pk=pk), {"text": "Punto 2: donde dice «varios» debe decir «otros»."}
    )
    assert response.status_code == 302
    erratum = Erratum.objects.get()
    assert "donde dice" not in anonymous.get(page).content.decode()  # not approved yet
    response = staff.post(
        page_url("erratum-approve", erratum_pk=erratum.pk),
        {"approved_at_session": world.next.pk, "approval_decision": "Fe de erratas aprobada."},
    )
    assert response.status_code == 302
    html = anonymous.get(page).content.decode()
    assert "Erratum No. 1" in html and "donde dice «varios»" in html
    assert minutes_of(world.session).text_es == text_before

    # PDF for everyone now
    pdf = get_document(anonymous, page_url("minutes-pdf", pk=pk, lang="es"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    events = list(
        ActionLog.objects.filter(target_type="governance.minutes").values_list("event", flat=True)
    )
    for event in (
        "minutes.drafted",
        "minutes.updated",
        "minutes.circulated",
        "minutes.commented",
        "minutes.comment_addressed",
        "minutes.amended",
        "minutes.approved",
        "minutes.signed",
        "minutes.erratum_proposed",
        "minutes.erratum_approved",
    ):
        assert event in events


def test_the_pages_check_who_may_act(world, circulated, finance_officer):
    pk = world.session.pk
    reader = client_for(finance_officer)  # reads everything, changes nothing
    holder = client_for(world.seat_holder)
    anonymous = client_for(None)
    assert reader.get(page_url("minutes-detail", pk=pk)).status_code == 200
    staff_only = [
        page_url("minutes-edit", pk=pk),
        page_url("minutes-circulate", pk=pk),
        page_url("minutes-amend", pk=pk),
        page_url("minutes-approve", pk=pk),
        page_url("minutes-sign", pk=pk),
        page_url("erratum-add", pk=pk),
    ]
    for url in staff_only:
        assert anonymous.get(url).status_code == 302
        assert holder.get(url).status_code == 403
        assert reader.get(url).status_code == 403
    assert holder.post(page_url("minutes-draft", pk=pk)).status_code == 403
    assert reader.get(page_url("minutes-comment", pk=pk)).status_code == 403
    # seat holders read the circulated PDF; the public does not
    assert get_document(holder, page_url("minutes-pdf", pk=pk, lang="en")).content.startswith(
        b"%PDF"
    )
    assert anonymous.get(page_url("minutes-pdf", pk=pk, lang="en")).status_code == 404
    assert holder.get(page_url("minutes-pdf", pk=pk, lang="xx")).status_code == 404


def test_the_minutes_page_runs_constant_queries(world, circulated, django_assert_max_num_queries):
    for i in range(8):
        services.minutes_comment(actor=world.seat_holder, minutes=circulated, text=f"C{i}")
    staff = client_for(world.secretariat)
    url = page_url("minutes-detail", pk=world.session.pk)
    staff.get(url)  # warm the session's MFA flag
    # queries: session + user + groups (3), session row, minutes, permissions (manage, view,
    # comment: participant sessions, seats, representatives, memberships), comments, errata,
    # action log
    with django_assert_max_num_queries(16):
        response = staff.get(url)
    assert response.status_code == 200 and "C7" in response.content.decode()


def test_the_spanish_text_stands_in_for_a_missing_translation(world, monkeypatch):
    minutes = services.minutes_draft(actor=world.secretariat, session=world.session)
    html = client_for(world.secretariat).get(page_url("minutes-detail", "fr", pk=world.session.pk))
    text = html.content.decode()
    assert "ACTA" in text and not minutes.text_fr
    assert 'lang="es"' in text


def test_signing_asks_for_the_code_again_in_a_session_not_fresh(world, circulated, monkeypatch):
    # given approved minutes, and an officer whose session proved itself 11 minutes ago
    after_comments(monkeypatch)
    services.minutes_approve(
        actor=world.secretariat,
        minutes=circulated,
        approved_at_session=world.next,
        approval_decision="Aprobada",
    )
    staff = client_for(world.secretariat)
    age_authentication(staff, minutes=11)
    signing = {"chair_signatory": "Zoé Robledo Aburto", "secretary_signatory": "Álvaro Velarca"}
    # when the signatures are posted
    response = staff.post(page_url("minutes-sign", pk=world.session.pk), signing)
    # then the code is asked for, and nothing is signed yet
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    assert minutes_of(world.session).state == Minutes.State.APPROVED
    # when the code is entered, the kept request goes through
    code = pyotp.TOTP("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP").now()
    response = staff.post(response["Location"], {"code": code})
    assert response.status_code == 302
    assert minutes_of(world.session).state == Minutes.State.SIGNED


def test_signing_goes_through_in_a_fresh_session(world, circulated, monkeypatch):
    after_comments(monkeypatch)
    services.minutes_approve(
        actor=world.secretariat,
        minutes=circulated,
        approved_at_session=world.next,
        approval_decision="Aprobada",
    )
    staff = client_for(world.secretariat)
    age_authentication(staff, minutes=9)
    response = staff.post(
        page_url("minutes-sign", pk=world.session.pk),
        {"chair_signatory": "Zoé Robledo Aburto", "secretary_signatory": "Álvaro Velarca"},
    )
    assert response.status_code == 302
    assert minutes_of(world.session).state == Minutes.State.SIGNED
