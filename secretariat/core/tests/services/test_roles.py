"""Granting and revoking roles: the Secretary General alone, with a reason, audited; the
organization keeps one Secretary General (issue #9, "Doors")."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from secretariat.conftest import make_user
from secretariat.core import roles
from secretariat.core.models import ActionLog
from secretariat.core.services.roles import role_grant, role_revoke

pytestmark = pytest.mark.django_db


def test_it_grants_a_role_with_its_action_log_row(secretary_general):
    # given a person with no role
    person = make_user("new.person@example.org")
    # when the Secretary General grants a role
    held = role_grant(
        actor=secretary_general, user=person, role=roles.OFFICER, reason="Nombramiento 12/2026"
    )
    # then they hold it, and the action log says who, what and why
    assert held == [roles.OFFICER]
    assert person.has_role(roles.OFFICER)
    row = ActionLog.objects.get(event="role.granted")
    assert (row.actor, row.target_id, row.reason) == (
        secretary_general,
        str(person.pk),
        "Nombramiento 12/2026",
    )
    assert row.old_values == {"roles": []}
    assert row.new_values == {"roles": [roles.OFFICER], "granted": roles.OFFICER}


def test_it_revokes_a_role_with_its_action_log_row(secretary_general, officer):
    held = role_revoke(
        actor=secretary_general, user=officer, role=roles.OFFICER, reason="Fin del encargo"
    )
    assert held == []
    assert not officer.groups.filter(name=roles.OFFICER).exists()
    row = ActionLog.objects.get(event="role.revoked")
    assert row.old_values == {"roles": [roles.OFFICER]} and row.reason == "Fin del encargo"


@pytest.mark.parametrize("who", ["officer", "comptroller", "rep_a"])
def test_only_the_secretary_general_grants(request, who):
    # given someone else, even staff
    actor = request.getfixturevalue(who)
    person = make_user("someone@example.org")
    # when / then
    with pytest.raises(PermissionDenied):
        role_grant(actor=actor, user=person, role=roles.OFFICER, reason="x")
    with pytest.raises(PermissionDenied):
        role_grant(actor=actor, user=actor, role=roles.SECRETARY_GENERAL, reason="x")
    assert not person.groups.exists()
    assert not ActionLog.objects.filter(event__startswith="role.").exists()


def test_it_needs_a_reason(secretary_general):
    person = make_user("someone@example.org")
    with pytest.raises(ValidationError) as exc:
        role_grant(actor=secretary_general, user=person, role=roles.OFFICER, reason="  ")
    assert "reason" in exc.value.message_dict
    assert not person.groups.exists()


def test_it_refuses_an_unknown_or_held_role_and_a_disabled_account(secretary_general, officer):
    with pytest.raises(ValidationError) as exc:
        role_grant(actor=secretary_general, user=officer, role="superuser", reason="x")
    assert exc.value.message_dict["role"] == ["Choose one of the roles."]
    with pytest.raises(ValidationError) as exc:
        role_grant(actor=secretary_general, user=officer, role=roles.OFFICER, reason="x")
    assert exc.value.message_dict["role"] == ["This person already holds that role."]
    with pytest.raises(ValidationError) as exc:
        role_revoke(actor=secretary_general, user=officer, role=roles.FINANCE, reason="x")
    assert exc.value.message_dict["role"] == ["This person does not hold that role."]
    gone = make_user("gone@example.org")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    with pytest.raises(ValidationError):
        role_grant(actor=secretary_general, user=gone, role=roles.OFFICER, reason="x")
    assert not ActionLog.objects.filter(event__startswith="role.").exists()


def test_the_last_secretary_general_cannot_give_the_role_up(secretary_general):
    # when the only Secretary General revokes their own role
    with pytest.raises(ValidationError) as exc:
        role_revoke(
            actor=secretary_general,
            user=secretary_general,
            role=roles.SECRETARY_GENERAL,
            reason="Renuncia",
        )
    # then it is refused, and they keep it
    assert "must keep one Secretary General" in exc.value.message_dict["role"][0]
    assert secretary_general.groups.filter(name=roles.SECRETARY_GENERAL).exists()
    # once a successor holds it, they may
    successor = make_user("successor@example.org")
    role_grant(
        actor=secretary_general,
        user=successor,
        role=roles.SECRETARY_GENERAL,
        reason="Elección",
    )
    role_revoke(
        actor=secretary_general,
        user=secretary_general,
        role=roles.SECRETARY_GENERAL,
        reason="Fin del mandato",
    )
    assert not secretary_general.groups.filter(name=roles.SECRETARY_GENERAL).exists()
