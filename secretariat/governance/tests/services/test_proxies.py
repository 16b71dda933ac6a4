"""Proxy rules, tested through the services (services/proxies.py).

The rules come from shared/domain.md: "Only full members have the right to vote. The other
members have a right to voice." [C]; "One vote per full member; proxies between full members
allowed up to one proxy each." [D] (General Assembly rule `proxies_per_member`, default 1;
other bodies default 0).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from secretariat.core.models import ActionLog
from secretariat.core.services.rule_settings import rule_setting_record
from secretariat.governance.models import Participant, Proxy, Session
from secretariat.governance.selectors.composition import session_roll
from secretariat.governance.services import proxies as proxy_services
from secretariat.governance.services import registration as services
from secretariat.governance.tests.helpers import letter
from secretariat.governance.tests.helpers import register_delegate as register
from secretariat.governance.tests.helpers import registration_session as make_session
from secretariat.members.models import VotingSuspension


@pytest.fixture
def assembly(session_world) -> Session:  # type: ignore[no-untyped-def]
    return make_session(session_world.assembly)


@pytest.fixture
def committee(session_world) -> Session:  # type: ignore[no-untyped-def]
    return make_session(session_world.committee, number=90)


# --- Proxies ---------------------------------------------------------------------------------


def test_it_records_a_proxy_between_full_members(assembly, session_world, member_a, rep_a):
    # when
    proxy = proxy_services.proxy_give(
        actor=rep_a,
        session=assembly,
        grantor=member_a,
        holder=session_world.full[0],
        letter=letter(),
        note="Por imposibilidad de viajar",
    )
    # then
    assert proxy.state == Proxy.State.PENDING and proxy.letter.name
    assert ActionLog.objects.filter(event="proxy.given", target_id=str(proxy.pk)).exists()


def test_it_refuses_a_proxy_given_by_an_associate_member(assembly, session_world, member_b, rep_b):
    # "Only full members have the right to vote" (domain.md [C]): an associate has voice only
    with pytest.raises(ValidationError, match="voice, no vote"):
        proxy_services.proxy_give(
            actor=rep_b, session=assembly, grantor=member_b, holder=session_world.full[0]
        )


def test_it_refuses_a_proxy_held_by_an_associate_member(assembly, session_world, member_a, rep_a):
    with pytest.raises(ValidationError) as exc:
        proxy_services.proxy_give(
            actor=rep_a, session=assembly, grantor=member_a, holder=session_world.associate[0]
        )
    assert "cannot hold a proxy" in str(exc.value.message_dict["holder"])


def test_it_refuses_a_proxy_to_oneself_and_a_second_proxy_from_the_same_member(
    assembly, session_world, member_a, rep_a
):
    with pytest.raises(ValidationError):
        proxy_services.proxy_give(actor=rep_a, session=assembly, grantor=member_a, holder=member_a)
    proxy_services.proxy_give(
        actor=rep_a, session=assembly, grantor=member_a, holder=session_world.full[0]
    )
    with pytest.raises(ValidationError, match="already given a proxy"):
        proxy_services.proxy_give(
            actor=rep_a, session=assembly, grantor=member_a, holder=session_world.full[1]
        )


def test_it_allows_up_to_one_proxy_per_holder_in_the_assembly(
    assembly, session_world, member_a, officer
):
    # domain.md [D]: "proxies between full members allowed up to one proxy each"
    holder = session_world.full[0]
    first = proxy_services.proxy_give(
        actor=officer, session=assembly, grantor=session_world.full[1], holder=holder
    )
    proxy_services.proxy_decide(actor=officer, proxy=first, accept=True)
    # when / then: a second proxy to the same holder is one too many
    with pytest.raises(ValidationError) as exc:
        proxy_services.proxy_give(actor=officer, session=assembly, grantor=member_a, holder=holder)
    assert "already holds 1" in str(exc.value.message_dict["holder"])
    # a pending proxy counts too
    pending = proxy_services.proxy_give(
        actor=officer, session=assembly, grantor=member_a, holder=session_world.full[2]
    )
    with pytest.raises(ValidationError):
        proxy_services.proxy_give(
            actor=officer, session=assembly, grantor=session_world.full[3], holder=pending.holder
        )
    # and with the rule raised to 2 from before the session, the second is allowed
    rule_setting_record(
        actor=officer,
        key="governance.general_assembly.proxies_per_member",
        raw_value="2",
        valid_from=dt.date(2000, 1, 1),
        confirmed=False,
        legal_basis="",
        source="",
        reason="Prueba",
    )
    assert proxy_services.proxy_give(
        actor=officer, session=assembly, grantor=session_world.full[4], holder=holder
    ).pk


def test_it_refuses_proxies_in_the_standing_committee(committee, session_world, officer):
    # the Standing Committee's rule proxies_per_member defaults to 0
    with pytest.raises(ValidationError, match="Proxies are not allowed in this body"):
        proxy_services.proxy_give(
            actor=officer,
            session=committee,
            grantor=session_world.full[0],
            holder=session_world.full[1],
        )


def test_it_refuses_a_proxy_to_or_from_a_suspended_member(
    assembly, session_world, member_a, officer
):
    # given
    suspended = session_world.full[0]
    VotingSuspension.objects.create(
        institution=suspended,
        valid_from=dt.date(2020, 1, 1),
        reason="Cuotas atrasadas",
        legal_basis="Estatuto",
    )
    # when / then
    with pytest.raises(ValidationError, match="Right to vote suspended: Cuotas atrasadas"):
        proxy_services.proxy_give(
            actor=officer, session=assembly, grantor=suspended, holder=member_a
        )
    with pytest.raises(ValidationError) as exc:
        proxy_services.proxy_give(
            actor=officer, session=assembly, grantor=member_a, holder=suspended
        )
    assert "Cuotas atrasadas" in str(exc.value.message_dict["holder"])


def test_it_decides_and_revokes_proxies(assembly, session_world, member_a, rep_a, rep_b, officer):
    proxy = proxy_services.proxy_give(
        actor=rep_a, session=assembly, grantor=member_a, holder=session_world.full[0]
    )
    with pytest.raises(PermissionDenied):
        proxy_services.proxy_decide(actor=rep_a, proxy=proxy, accept=True)
    with pytest.raises(ValidationError) as exc:
        proxy_services.proxy_decide(actor=officer, proxy=proxy, accept=False)
    assert "note" in exc.value.message_dict
    proxy_services.proxy_decide(actor=officer, proxy=proxy, accept=True)
    with pytest.raises(ValidationError, match="already been decided"):
        proxy_services.proxy_decide(actor=officer, proxy=proxy, accept=True)
    with pytest.raises(PermissionDenied):
        proxy_services.proxy_revoke(actor=rep_b, proxy=proxy, reason="No")
    proxy_services.proxy_revoke(actor=rep_a, proxy=proxy, reason="Viajamos al final")
    proxy.refresh_from_db()
    assert proxy.state == Proxy.State.REVOKED
    assert ActionLog.objects.filter(event="proxy.revoked", actor=rep_a).exists()
    # the member may give its proxy again
    assert proxy_services.proxy_give(
        actor=rep_a, session=assembly, grantor=member_a, holder=session_world.full[1]
    ).pk


def test_it_counts_an_accepted_proxy_only_while_the_grantor_is_absent(
    assembly, session_world, member_a, rep_a, officer
):
    # given: member_a gives its proxy to Titular 1, whose head is present
    holder = session_world.full[0]
    head = register(officer, assembly, holder, "Jefa", "head")
    services.credentials_decide(actor=officer, participant=head, accept=True)
    Participant.objects.filter(pk=head.pk).update(present=True)
    proxy = proxy_services.proxy_give(
        actor=rep_a, session=assembly, grantor=member_a, holder=holder
    )
    proxy_services.proxy_decide(actor=officer, proxy=proxy, accept=True)
    # then
    unit = session_roll(assembly).unit(f"i{member_a.pk}")
    assert unit is not None and unit.represented_by == holder
    # when the grantor's own accredited delegate is present, the proxy does not count
    own = register(rep_a, assembly, member_a, "Delegado propio", "head")
    services.credentials_decide(actor=officer, participant=own, accept=True)
    Participant.objects.filter(pk=own.pk).update(present=True)
    unit = session_roll(assembly).unit(f"i{member_a.pk}")
    assert unit is not None and unit.present and unit.represented_by is None
