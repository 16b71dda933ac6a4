"""Contact-data corrections: a representative proposes one from the portal, the staff list
them and an officer accepts or rejects each. Each page tested without permission, with it,
and with the wrong scope."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from secretariat.core.audit import record_action
from secretariat.core.models import ActionLog
from secretariat.members.models import (
    ContactCorrection,
    Institution,
)
from secretariat.members.tests.conftest import count_queries, my_institution_url, propose_url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    # Pages in English (/en/...) so the assertions do not depend on the catalogs.
    with translation.override("en"):
        yield


HOSTILE = "<script>alert('x')</script>"
SQLISH = "1' OR '1'='1"
LONG = "x" * 10_000
LONG_TEXT = "y" * 10_000


# --- Contact corrections --------------------------------------------------------------


def _correction(institution: Institution, user, **changes) -> ContactCorrection:  # type: ignore[no-untyped-def]
    changes = changes or {"phone": "+52 55 1234", "website": "https://alfa.example.org"}
    return ContactCorrection.objects.create(
        institution=institution,
        proposed_by=user,
        changes=changes,
        previous={k: getattr(institution, k) for k in changes},
        comment="New offices",
    )


def test_it_lists_corrections_for_staff_and_filters_by_state(as_officer, member_a, rep_a):
    # given
    open_one = _correction(member_a, rep_a)
    decided = _correction(member_a, rep_a, phone="1")
    ContactCorrection.objects.filter(pk=decided.pk).update(state=ContactCorrection.State.REJECTED)
    # when
    everything = as_officer.get(reverse("members:correction-list")).content.decode()
    proposed = as_officer.get(
        reverse("members:correction-list"), {"state": "proposed"}
    ).content.decode()
    # then
    detail = reverse("members:correction-detail", args=[open_one.pk])
    other = reverse("members:correction-detail", args=[decided.pk])
    assert detail in everything and other in everything
    assert detail in proposed and other not in proposed


def test_it_refuses_the_correction_list_to_representatives(as_rep_a, as_anonymous):
    assert as_rep_a.get(reverse("members:correction-list")).status_code == 403
    assert as_anonymous.get(reverse("members:correction-list")).status_code == 302


def test_it_ignores_a_hostile_state_filter(as_officer, member_a, rep_a):
    # given
    _correction(member_a, rep_a)
    # when
    response = as_officer.get(reverse("members:correction-list"), {"state": HOSTILE})
    # then
    assert response.status_code == 200
    assert "<script>alert" not in response.content.decode()


@pytest.mark.parametrize("n", [3, 30])
def test_it_lists_corrections_in_a_fixed_number_of_queries(
    as_officer, member_a, rep_a, django_assert_max_num_queries, n
):
    # given
    for i in range(n):
        _correction(member_a, rep_a, phone=str(i))
    as_officer.get(reverse("members:correction-list"))
    # when / then
    # session, user, user's groups, count, page of corrections (+institution, proposer, decider)
    with django_assert_max_num_queries(5):
        assert as_officer.get(reverse("members:correction-list")).status_code == 200


def test_it_lists_3_or_30_corrections_in_the_same_number_of_queries(as_officer, member_a, rep_a):
    # given
    for i in range(3):
        _correction(member_a, rep_a, phone=str(i))
    few = count_queries(as_officer, reverse("members:correction-list"))
    for i in range(27):
        _correction(member_a, rep_a, phone=f"x{i}")
    # when
    many = count_queries(as_officer, reverse("members:correction-list"))
    # then
    assert few == many


def test_it_shows_old_and_new_values_side_by_side(as_officer, member_a, rep_a):
    # given
    correction = _correction(member_a, rep_a)
    Institution.objects.filter(pk=member_a.pk).update(phone="+52 changed meanwhile")
    # when
    body = as_officer.get(
        reverse("members:correction-detail", args=[correction.pk])
    ).content.decode()
    # then
    assert "+52 55 1234" in body and "https://alfa.example.org" in body
    assert "+52 changed meanwhile" in body
    assert "Changed since the proposal" in body
    assert "New offices" in body


def test_it_accepts_a_correction_and_applies_it(as_officer, officer, member_a, rep_a):
    # given
    correction = _correction(member_a, rep_a)
    # when
    response = as_officer.post(
        reverse("members:correction-detail", args=[correction.pk]), {"decision": "accept"}
    )
    # then
    assert response.status_code == 302
    member_a.refresh_from_db()
    correction.refresh_from_db()
    assert member_a.phone == "+52 55 1234"
    assert correction.state == ContactCorrection.State.ACCEPTED and correction.decided_by == officer
    assert ActionLog.objects.filter(
        event="correction.accepted", target_id=str(correction.pk), actor=officer
    ).exists()
    assert ActionLog.objects.filter(
        event="institution.updated", target_id=str(member_a.pk)
    ).exists()


def test_it_requires_a_reason_to_reject(as_officer, member_a, rep_a):
    # given
    correction = _correction(member_a, rep_a)
    url = reverse("members:correction-detail", args=[correction.pk])
    # when
    without = as_officer.post(url, {"decision": "reject", "reason": " "})
    with_reason = as_officer.post(url, {"decision": "reject", "reason": "Not the official address"})
    # then
    assert (
        without.status_code == 200
        and "Say why the proposal is rejected." in without.content.decode()
    )
    assert with_reason.status_code == 302
    correction.refresh_from_db()
    member_a.refresh_from_db()
    assert correction.state == ContactCorrection.State.REJECTED
    assert member_a.phone == ""
    entry = ActionLog.objects.get(event="correction.rejected")
    assert entry.reason == "Not the official address"


@pytest.mark.parametrize(
    "data", [{}, {"decision": HOSTILE}, {"decision": "reject", "reason": LONG}]
)
def test_it_rejects_bad_decisions(as_officer, member_a, rep_a, data):
    # given
    correction = _correction(member_a, rep_a)
    # when
    response = as_officer.post(reverse("members:correction-detail", args=[correction.pk]), data)
    # then
    assert response.status_code == 200
    assert "Please correct the following" in response.content.decode()
    correction.refresh_from_db()
    assert correction.state == ContactCorrection.State.PROPOSED
    assert ActionLog.objects.count() == 0


def test_it_refuses_to_decide_twice(as_officer, member_a, rep_a):
    # given
    correction = _correction(member_a, rep_a)
    url = reverse("members:correction-detail", args=[correction.pk])
    as_officer.post(url, {"decision": "accept"})
    # when
    response = as_officer.post(url, {"decision": "reject", "reason": "Changed my mind"})
    # then
    assert response.status_code == 200
    correction.refresh_from_db()
    assert correction.state == ContactCorrection.State.ACCEPTED
    assert not ActionLog.objects.filter(event="correction.rejected").exists()


def test_it_lets_the_comptroller_read_but_not_decide(as_comptroller, member_a, rep_a):
    # given
    correction = _correction(member_a, rep_a)
    url = reverse("members:correction-detail", args=[correction.pk])
    # when
    page = as_comptroller.get(url)
    post = as_comptroller.post(url, {"decision": "accept"})
    # then
    assert page.status_code == 200 and "Record the decision" not in page.content.decode()
    assert post.status_code == 403
    correction.refresh_from_db()
    assert correction.state == ContactCorrection.State.PROPOSED


def test_it_refuses_the_correction_page_to_representatives(as_rep_a, member_a, rep_a):
    # given
    correction = _correction(member_a, rep_a)
    # when
    response = as_rep_a.get(reverse("members:correction-detail", args=[correction.pk]))
    # then: staff page (their own correction shows on their portal page)
    assert response.status_code == 403


def test_it_answers_404_for_an_unknown_correction(as_officer):
    assert as_officer.get(reverse("members:correction-detail", args=[424242])).status_code == 404


@pytest.mark.parametrize("n", [3, 30])
def test_it_shows_a_correction_in_a_fixed_number_of_queries(
    as_officer, officer, member_a, rep_a, django_assert_max_num_queries, n
):
    # given
    correction = _correction(member_a, rep_a)
    for i in range(n):
        with transaction.atomic():
            record_action(actor=officer, event="correction.noted", target=correction, new={"i": i})
    url = reverse("members:correction-detail", args=[correction.pk])
    as_officer.get(url)
    # when / then
    # session, user, user's groups, correction (+institution, proposer, decider), history (+actor)
    with django_assert_max_num_queries(5):
        assert as_officer.get(url).status_code == 200


# --- Proposing a correction -----------------------------------------------------------


def _data(**over) -> dict[str, str]:  # type: ignore[no-untyped-def]
    data = {
        "website": "https://alfa.example.org",
        "email": "",
        "phone": "+52 55 0101",
        "address": "",
        "comment": "",
    }
    data.update(over)
    return data


def test_it_prefills_the_form_with_the_data_on_record(as_rep_a, member_a):
    # given
    Institution.objects.filter(pk=member_a.pk).update(
        phone="+52 55 9999", website="https://old.example.org"
    )
    # when
    response = as_rep_a.get(propose_url(member_a))
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="+52 55 9999"' in body
    assert 'value="https://old.example.org"' in body


def test_it_sends_a_proposal_without_changing_the_record(as_rep_a, rep_a, member_a):
    # when
    response = as_rep_a.post(propose_url(member_a), _data(comment="New offices"))
    # then
    assert response.status_code == 302
    assert response["Location"] == my_institution_url(member_a)
    correction = ContactCorrection.objects.get()
    assert correction.changes == {"website": "https://alfa.example.org", "phone": "+52 55 0101"}
    assert correction.previous == {"website": "", "phone": ""}
    assert correction.proposed_by == rep_a
    member_a.refresh_from_db()
    assert member_a.phone == ""
    entry = ActionLog.objects.get(event="correction.proposed")
    assert entry.actor == rep_a
    assert entry.target_id == str(correction.pk)
    assert entry.reason == "New offices"


def test_it_says_when_nothing_differs(as_rep_a, member_a):
    # when
    response = as_rep_a.post(propose_url(member_a), _data(website="", phone=""))
    # then
    assert response.status_code == 200
    assert "Nothing differs from the data on record." in response.content.decode()
    assert ContactCorrection.objects.count() == 0


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"website": "javascript:alert(1)"}, "Enter a valid URL."),
        ({"email": HOSTILE}, "Enter a valid email address."),
        ({"email": SQLISH}, "Enter a valid email address."),
        ({"phone": LONG_TEXT}, "at most 60 characters"),
        ({"address": LONG_TEXT}, "at most 1000 characters"),
        ({"comment": LONG_TEXT}, "at most 2000 characters"),
    ],
)
def test_it_rejects_bad_contact_data(as_rep_a, member_a, over, message):
    # when
    response = as_rep_a.post(propose_url(member_a), _data(**over))
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body
    assert "<script>alert" not in body
    assert ContactCorrection.objects.count() == 0
    assert ActionLog.objects.count() == 0


def test_it_keeps_a_hostile_comment_as_escaped_text(as_rep_a, member_a, as_officer):
    # given
    as_rep_a.post(propose_url(member_a), _data(comment=HOSTILE))
    correction = ContactCorrection.objects.get()
    # when
    body = as_officer.get(
        reverse("members:correction-detail", args=[correction.pk])
    ).content.decode()
    # then
    assert "<script>alert" not in body
    assert "&lt;script&gt;" in body


def test_it_refuses_proposals_for_another_institution(as_rep_a, member_b):
    # when
    get = as_rep_a.get(propose_url(member_b))
    post = as_rep_a.post(propose_url(member_b), _data())
    # then
    assert get.status_code == 404
    assert post.status_code == 404
    assert ContactCorrection.objects.count() == 0


def test_it_refuses_proposals_from_staff(as_officer, member_a):
    # when
    get = as_officer.get(propose_url(member_a))
    post = as_officer.post(propose_url(member_a), _data())
    # then: staff correct the record directly (with a reason), they do not propose
    assert get.status_code == 403
    assert post.status_code == 403
    assert ContactCorrection.objects.count() == 0


def test_it_sends_anonymous_proposals_to_the_login(as_anonymous, member_a):
    # when
    response = as_anonymous.post(propose_url(member_a), _data())
    # then
    assert response.status_code == 302
    assert ContactCorrection.objects.count() == 0
