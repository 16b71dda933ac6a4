"""Account links of representations: linking, unlinking, and the staff form's one-call services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from secretariat.conftest import make_user
from secretariat.core import roles
from secretariat.core.models import ActionLog
from secretariat.members.models import Representative
from secretariat.members.services import registry as services
from secretariat.members.services.accounts import (
    representative_add_with_account,
    representative_change,
    representative_link_account,
)
from secretariat.members.tests.conftest import logged

pytestmark = pytest.mark.django_db


def test_it_links_an_account_and_grants_the_representative_role(officer, member_a):
    # given
    rep = services.representative_add(
        actor=officer,
        institution=member_a,
        full_name="R",
        role="alternate",
        valid_from=dt.date(2024, 1, 1),
    )
    person = make_user("person@example.org")
    # when
    representative_link_account(
        actor=officer, representative=rep, user=person, reason="Asked by the member"
    )
    # then
    rep.refresh_from_db()
    assert rep.user == person
    assert person.has_role(roles.REPRESENTATIVE)
    entry = logged("representative.account_linked")
    assert entry.actor == officer and entry.target_id == str(rep.pk)
    assert entry.old_values == {"user": None}
    assert entry.new_values == {
        "user": person.pk,
        "account": "person@example.org",
        "role_granted": True,
    }
    assert entry.reason == "Asked by the member"


def test_it_does_nothing_when_the_account_is_already_linked(officer, rep_a):
    # given
    rep = Representative.objects.get(user=rep_a)
    # when
    representative_link_account(actor=officer, representative=rep, user=rep_a, reason="again")
    # then
    assert not ActionLog.objects.exists()


def test_it_refuses_to_link_a_staff_or_disabled_account(officer, comptroller, member_a):
    # given
    rep = services.representative_add(
        actor=officer,
        institution=member_a,
        full_name="R",
        role="alternate",
        valid_from=dt.date(2024, 1, 1),
    )
    disabled = make_user("gone@example.org")
    disabled.is_active = False
    disabled.save()
    # when / then
    for account in (comptroller, disabled):
        with pytest.raises(ValidationError):
            representative_link_account(actor=officer, representative=rep, user=account)
    assert not comptroller.groups.filter(name=roles.REPRESENTATIVE).exists()
    assert not ActionLog.objects.filter(event="representative.account_linked").exists()


def test_it_lets_only_managers_link_accounts(comptroller, rep_a, rep_b):
    # given
    rep = Representative.objects.get(user=rep_a)
    # when / then
    for actor in (comptroller, rep_a):
        with pytest.raises(PermissionDenied):
            representative_link_account(actor=actor, representative=rep, user=rep_b)
    rep.refresh_from_db()
    assert rep.user == rep_a


def test_it_unlinks_an_account_keeping_its_roles(officer, rep_a):
    # given
    rep = Representative.objects.get(user=rep_a)
    # when
    representative_link_account(actor=officer, representative=rep, user=None, reason="Wrong person")
    # then
    rep.refresh_from_db()
    assert rep.user is None
    assert rep_a.groups.filter(name=roles.REPRESENTATIVE).exists()
    assert logged("representative.account_unlinked").old_values == {"user": rep_a.pk}


def test_it_adds_with_an_account_in_one_transaction(officer, comptroller, member_a):
    # when: linking a staff account fails, so the representative is not recorded either
    with pytest.raises(ValidationError):
        representative_add_with_account(
            actor=officer,
            institution=member_a,
            full_name="R",
            role="alternate",
            valid_from=dt.date(2024, 1, 1),
            account=comptroller,
        )
    # then
    assert not Representative.objects.filter(full_name="R").exists()
    assert not ActionLog.objects.exists()


def test_it_refuses_an_edit_that_makes_two_heads(officer, member_a):
    # given
    services.representative_add(
        actor=officer,
        institution=member_a,
        full_name="Head",
        role="head",
        valid_from=dt.date(2020, 1, 1),
    )
    alt = services.representative_add(
        actor=officer,
        institution=member_a,
        full_name="Alt",
        role="alternate",
        valid_from=dt.date(2021, 1, 1),
    )
    # when / then
    with pytest.raises(ValidationError):
        representative_change(
            actor=officer,
            representative=alt,
            data={"role": "head"},
            account=None,
            reason="Promoted",
        )
    alt.refresh_from_db()
    assert alt.role == "alternate"
    assert not ActionLog.objects.filter(event="representative.updated").exists()


def test_it_changes_a_representation_and_its_account_in_one_call(officer, member_a):
    # given
    rep = services.representative_add(
        actor=officer,
        institution=member_a,
        full_name="R",
        role="alternate",
        valid_from=dt.date(2024, 1, 1),
    )
    person = make_user("r@example.org")
    # when
    representative_change(
        actor=officer,
        representative=rep,
        data={"title": "Director"},
        account=person,
        reason="Update",
    )
    # then
    rep.refresh_from_db()
    assert rep.title == "Director" and rep.user == person
    assert ActionLog.objects.filter(event="representative.updated", reason="Update").exists()
    assert ActionLog.objects.filter(event="representative.account_linked", reason="Update").exists()
