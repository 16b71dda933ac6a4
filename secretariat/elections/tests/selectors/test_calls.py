"""The Call's selectors: what each persona sees, the typed rows of its page, and who it is
sent to."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import translation

from secretariat.conftest import make_member
from secretariat.elections.selectors.calls import (
    call_get_for_user,
    call_list_for_user,
    call_office_get_for_user,
    call_page,
    call_recipients,
    requirement_get_for_user,
)
from secretariat.elections.tests.calls_world import (
    approved_call,
    closed_call,
    draft_call,
    organs_fixture,  # noqa: F401  (the `organs` fixture)
    published_call,
)
from secretariat.members.models import Representative

pytestmark = pytest.mark.django_db


def test_drafts_and_approved_calls_are_the_staffs_only(
    officer, finance_officer, comptroller, rep_a, organs
):
    draft = draft_call(officer, organs)
    approved = approved_call(officer, organs)
    published = published_call(officer, organs)
    closed = closed_call(officer, organs)
    for user in (None, rep_a):
        assert set(call_list_for_user(user=user)) == {published, closed}
        for hidden in (draft, approved):
            with pytest.raises(Http404):
                call_get_for_user(user=user, pk=hidden.pk)
        assert call_get_for_user(user=user, pk=published.pk) == published
    for user in (officer, finance_officer, comptroller):
        assert set(call_list_for_user(user=user)) == {draft, approved, published, closed}
        assert call_get_for_user(user=user, pk=draft.pk) == draft


def test_a_missing_call_and_a_hidden_one_are_the_same_404(officer, organs):
    draft = draft_call(officer, organs)
    for pk in (draft.pk, 999_999):
        with pytest.raises(Http404):
            call_get_for_user(user=None, pk=pk)


def test_managing_a_published_call_is_refused_outside_the_secretariat(
    officer, finance_officer, rep_a, organs
):
    published = published_call(officer, organs)
    for user in (rep_a, finance_officer):
        with pytest.raises(PermissionDenied):
            call_get_for_user(user=user, pk=published.pk, action="manage")
    assert call_get_for_user(user=officer, pk=published.pk, action="manage") == published


def test_the_parts_of_a_call_are_for_the_secretariat(officer, finance_officer, organs):
    call = draft_call(officer, organs)
    row = call.offices.first()
    req = call.requirements.first()
    assert call_office_get_for_user(user=officer, pk=row.pk) == row
    assert requirement_get_for_user(user=officer, pk=req.pk) == req
    with pytest.raises(Http404):
        call_office_get_for_user(user=finance_officer, pk=row.pk)
    with pytest.raises(Http404):
        requirement_get_for_user(user=finance_officer, pk=req.pk)


def test_the_page_offers_each_step_in_its_state(officer, comptroller, organs):
    draft = call_page(user=officer, call=draft_call(officer, organs))
    assert (draft.can_edit, draft.can_approve, draft.can_publish) == (True, True, False)
    assert draft.phase == "unpublished"
    approved = call_page(user=officer, call=approved_call(officer, organs))
    assert (approved.can_edit, approved.can_approve, approved.can_publish) == (False, False, True)
    call = published_call(officer, organs)
    page = call_page(user=officer, call=call)
    assert page.phase == "open" and not page.can_close
    later = call_page(user=officer, call=call, now=call.deadline)
    assert later.phase == "after" and later.can_close
    assert not call_page(user=comptroller, call=call, now=call.deadline).can_close


def test_the_page_marks_the_spanish_shown_for_a_pending_translation(officer, organs):
    call = published_call(officer, organs)
    page = call_page(user=None, call=call, lang="pt")
    assert page.title == "Convocatoria a candidaturas 2028–2030"
    assert page.title_pending and page.text_pending
    with translation.override("en"):
        page = call_page(user=None, call=call)
    assert page.title == "Call for Candidates 2028–2030"
    assert not page.title_pending
    assert [code for code, _name in page.languages] == ["es", "en"]
    assert len(page.requirements) == 7
    assert page.requirements[-1].office == "Comptroller"


def test_the_call_goes_to_the_representatives_of_full_members_in_office(
    officer, organs, rep_a, rep_b, categories, countries
):
    # given: member A is full (rep A), member B associate (rep B); member C full, with two
    # representatives sharing an e-mail and one without any
    call = approved_call(officer, organs)
    member_c = make_member("Instituto Gamma", countries["PE"], categories["full"])
    for name, email in [("Uno", "c@example.org"), ("Dos", "C@example.org "), ("Tres", "")]:
        Representative.objects.create(
            institution=member_c,
            full_name=name,
            role=Representative.Role.ALTERNATE,
            email=email,
            valid_from=dt.date(2020, 1, 1),
        )
    # when
    found = call_recipients(call, dt.date(2026, 12, 7))
    # then
    assert [(r.email, r.institution) for r in found] == [
        ("rep.a@example.org", "Instituto Alfa"),
        ("C@example.org", "Instituto Gamma"),  # "Dos" comes first; "Uno" shares it
    ]
    # before the members were admitted (2010), nobody
    assert [r.email for r in call_recipients(call, dt.date(2009, 12, 31))] == []
