"""Registry services: institutions, memberships, representatives, account links, corrections.

Every call asserts its action-log row; the as-of logic (who was a member of which category
on a date) is checked with property tests over random histories of category changes.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from secretariat.conftest import make_user
from secretariat.core import roles
from secretariat.core.models import ActionLog
from secretariat.members.models import ContactCorrection, Institution, Membership, Representative
from secretariat.members.selectors.registry import directory_list
from secretariat.members.services import corrections as correction_services
from secretariat.members.services import registry as services
from secretariat.members.services.accounts import (
    representative_add_with_account,
    representative_change,
    representative_link_account,
)

pytestmark = pytest.mark.django_db


def _log(event: str) -> ActionLog:
    return ActionLog.objects.get(event=event)


# --- Institutions ---------------------------------------------------------------------


def test_it_creates_an_institution_and_logs_it(officer, countries):
    # when
    inst = services.institution_create(
        actor=officer, name="  Caja Nueva ", acronym="CN", country=countries["PE"]
    )
    # then
    assert inst.name == "Caja Nueva"
    assert inst.slug == "cn-pe"
    entry = _log("institution.created")
    assert entry.actor == officer and entry.target_id == str(inst.pk)
    assert (
        entry.new_values["name"] == "Caja Nueva"
        and entry.new_values["country"] == countries["PE"].pk
    )


def test_it_refuses_a_duplicate_name_in_the_same_country(officer, member_a, countries):
    # when / then
    with pytest.raises(ValidationError) as exc:
        services.institution_create(actor=officer, name="INSTITUTO ALFA", country=countries["MX"])
    assert "name" in exc.value.message_dict
    assert not ActionLog.objects.exists()


def test_it_lets_only_managers_create(comptroller, finance_officer, rep_a, countries):
    # when / then
    for actor in (comptroller, finance_officer, rep_a):
        with pytest.raises(PermissionDenied):
            services.institution_create(actor=actor, name="X", country=countries["MX"])
    assert Institution.objects.filter(name="X").count() == 0


def test_it_updates_an_institution_logging_only_what_changed(secretary_general, member_a):
    # when
    services.institution_update(
        actor=secretary_general,
        institution=member_a,
        data={"phone": " +52 1 ", "acronym": "IA"},
        reason="Letter",
    )
    # then
    entry = _log("institution.updated")
    assert entry.actor == secretary_general
    assert entry.old_values == {"phone": ""}
    assert entry.new_values == {"phone": "+52 1"}
    assert entry.reason == "Letter"


def test_it_needs_a_reason_to_update_and_logs_nothing_without_change(officer, member_a):
    # when / then
    with pytest.raises(ValidationError):
        services.institution_update(
            actor=officer, institution=member_a, data={"phone": "1"}, reason=" "
        )
    services.institution_update(
        actor=officer, institution=member_a, data={"phone": ""}, reason="No-op"
    )
    assert not ActionLog.objects.exists()


# --- Memberships ----------------------------------------------------------------------


def test_it_opens_a_membership_and_logs_it(officer, countries, categories):
    # given
    inst = Institution.objects.create(name="Nueva", slug="nueva", country=countries["MX"])
    # when
    m = services.membership_open(
        actor=officer,
        institution=inst,
        category=categories["linked"],
        valid_from=dt.date(2024, 1, 1),
        decision="GA 2024/1",
        reason="Approved",
    )
    # then
    assert m.source == "GA 2024/1"
    entry = _log("membership.opened")
    assert entry.target_id == str(m.pk) and entry.new_values["category"] == categories["linked"].pk
    assert entry.reason == "Approved"


def test_it_refuses_an_overlapping_or_undecided_membership(officer, member_a, categories):
    # when / then
    with pytest.raises(ValidationError) as overlap:
        services.membership_open(
            actor=officer,
            institution=member_a,
            category=categories["full"],
            valid_from=dt.date(2030, 1, 1),
            decision="X",
        )
    with pytest.raises(ValidationError) as undecided:
        services.membership_open(
            actor=officer,
            institution=member_a,
            category=categories["full"],
            valid_from=dt.date(2030, 1, 1),
            decision=" ",
        )
    assert "valid_from" in overlap.value.message_dict
    assert "decision" in undecided.value.message_dict
    assert not ActionLog.objects.exists()


def test_it_ends_a_membership_and_logs_it(officer, member_a):
    # given
    m = member_a.memberships.get()
    # when
    services.membership_end(
        actor=officer, membership=m, on=dt.date(2025, 1, 1), decision="GA", reason="Left"
    )
    # then
    m.refresh_from_db()
    assert m.valid_to == dt.date(2025, 1, 1) and m.end_decision == "GA"
    entry = _log("membership.ended")
    assert entry.old_values == {"valid_to": None, "end_decision": ""}
    assert entry.new_values == {"valid_to": "2025-01-01", "end_decision": "GA"}


def test_it_refuses_to_end_before_the_start_or_twice(officer, member_a):
    # given
    m = member_a.memberships.get()
    # when / then
    with pytest.raises(ValidationError):
        services.membership_end(actor=officer, membership=m, on=dt.date(2010, 1, 1), decision="GA")
    services.membership_end(actor=officer, membership=m, on=dt.date(2011, 1, 1), decision="GA")
    with pytest.raises(ValidationError):
        services.membership_end(actor=officer, membership=m, on=dt.date(2012, 1, 1), decision="GA")
    assert ActionLog.objects.filter(event="membership.ended").count() == 1


def test_it_changes_category_by_closing_and_opening(officer, member_a, categories):
    # when
    new = services.membership_change_category(
        actor=officer,
        institution=member_a,
        category=categories["associate"],
        on=dt.date(2024, 7, 1),
        decision="SC 7",
    )
    # then
    old = member_a.memberships.exclude(pk=new.pk).get()
    assert old.valid_to == dt.date(2024, 7, 1)
    assert new.valid_from == dt.date(2024, 7, 1) and new.valid_to is None
    assert (
        Membership.objects.active_on(dt.date(2024, 6, 30)).get(institution=member_a).category
        == categories["full"]
    )
    assert (
        Membership.objects.active_on(dt.date(2024, 7, 1)).get(institution=member_a).category
        == categories["associate"]
    )
    events = list(ActionLog.objects.order_by("id").values_list("event", flat=True))
    assert events == ["membership.ended", "membership.opened"]


def test_it_refuses_a_change_without_membership_or_to_the_same_category(
    officer, member_a, countries, categories
):
    # given
    outsider = Institution.objects.create(name="Fuera", slug="fuera", country=countries["MX"])
    # when / then
    with pytest.raises(ValidationError):
        services.membership_change_category(
            actor=officer,
            institution=outsider,
            category=categories["full"],
            on=dt.date(2024, 1, 1),
            decision="X",
        )
    with pytest.raises(ValidationError):
        services.membership_change_category(
            actor=officer,
            institution=member_a,
            category=categories["full"],
            on=dt.date(2024, 1, 1),
            decision="X",
        )
    assert not ActionLog.objects.exists()


def test_it_lets_only_managers_change_memberships(comptroller, member_a, categories):
    # when / then
    with pytest.raises(PermissionDenied):
        services.membership_change_category(
            actor=comptroller,
            institution=member_a,
            category=categories["linked"],
            on=dt.date(2024, 1, 1),
            decision="X",
        )
    with pytest.raises(PermissionDenied):
        services.membership_end(
            actor=comptroller,
            membership=member_a.memberships.get(),
            on=dt.date(2024, 1, 1),
            decision="X",
        )


# --- As-of logic (property tests) ----------------------------------------------------

CATEGORY_CODES = ["full", "associate", "affiliate", "linked"]


def _history_strategy() -> st.SearchStrategy:
    return st.tuples(
        st.dates(min_value=dt.date(1942, 1, 1), max_value=dt.date(2040, 12, 31)),  # admitted on
        st.sampled_from(CATEGORY_CODES),  # first category
        st.lists(
            st.tuples(st.integers(1, 4000), st.sampled_from(CATEGORY_CODES)), max_size=6
        ),  # changes
        st.one_of(st.none(), st.integers(1, 4000)),  # ended this many days after the last change
        st.lists(
            st.dates(min_value=dt.date(1940, 1, 1), max_value=dt.date(2070, 12, 31)), max_size=8
        ),  # probes
    )


def _expected_on(
    timeline: list[tuple[dt.date, str]], end: dt.date | None, day: dt.date
) -> str | None:
    """The category in force on `day` by the plain reading of the decisions."""
    if end is not None and day >= end:
        return None
    current = None
    for start, code in timeline:
        if start <= day:
            current = code
    return current


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(history=_history_strategy())
@pytest.mark.django_db(transaction=False)
def test_it_finds_exactly_the_category_in_force_on_any_date(
    officer, countries, categories, history
):
    admitted, first, changes, end_after, probes = history
    with transaction.atomic():
        # given: one institution, admitted, moved between categories, perhaps ended
        inst = Institution.objects.create(name="Prop", slug="prop", country=countries["MX"])
        other = Institution.objects.create(name="Other", slug="other", country=countries["PE"])
        services.membership_open(
            actor=officer,
            institution=other,
            category=categories["full"],
            valid_from=dt.date(1950, 1, 1),
            decision="D",
        )
        services.membership_open(
            actor=officer,
            institution=inst,
            category=categories[first],
            valid_from=admitted,
            decision="D0",
        )
        timeline = [(admitted, first)]
        day, code = admitted, first
        for gap, new_code in changes:
            if new_code == code:
                continue  # not a change: the service refuses it
            day = day + dt.timedelta(days=gap)
            services.membership_change_category(
                actor=officer,
                institution=inst,
                category=categories[new_code],
                on=day,
                decision=f"D{len(timeline)}",
            )
            timeline.append((day, new_code))
            code = new_code
        end = None
        if end_after is not None:
            end = day + dt.timedelta(days=end_after)
            current = Membership.objects.get(institution=inst, valid_to__isnull=True)
            services.membership_end(actor=officer, membership=current, on=end, decision="END")
        boundaries = [d for start, _c in timeline for d in (start - dt.timedelta(days=1), start)]
        if end is not None:
            boundaries += [end - dt.timedelta(days=1), end]

        for probe in boundaries + probes:
            # when
            active = list(
                Membership.objects.active_on(probe)
                .filter(institution=inst)
                .select_related("category")
            )
            listed = list(directory_list(as_of=probe).filter(institution=inst))
            duplicates = (
                directory_list(as_of=probe)
                .values("institution")
                .annotate(n=Count("id"))
                .filter(n__gt=1)
            )
            # then
            expected = _expected_on(timeline, end, probe)
            assert len(active) <= 1 and len(listed) <= 1
            assert not duplicates.exists()
            assert (active[0].category.code if active else None) == expected, probe
            assert (listed[0].category.code if listed else None) == expected, probe
        # one audit row per opening and ending, in the same transactions
        assert (
            ActionLog.objects.filter(
                event="membership.opened", target_type="members.membership"
            ).count()
            == len(timeline) + 1
        )
        transaction.set_rollback(True)  # each example starts from an empty registry


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    starts=st.lists(
        st.dates(min_value=dt.date(1942, 1, 1), max_value=dt.date(2040, 1, 1)),
        min_size=2,
        max_size=5,
    ),
    probe=st.dates(min_value=dt.date(1940, 1, 1), max_value=dt.date(2050, 1, 1)),
)
@pytest.mark.django_db(transaction=False)
def test_it_never_opens_two_memberships_for_one_institution(
    officer, countries, categories, starts, probe
):
    with transaction.atomic():
        # given
        inst = Institution.objects.create(name="Twice", slug="twice", country=countries["MX"])
        opened = 0
        for start in starts:
            # when: admitting again while a membership is open is refused
            try:
                services.membership_open(
                    actor=officer,
                    institution=inst,
                    category=categories["full"],
                    valid_from=start,
                    decision="D",
                )
                opened += 1
            except ValidationError:
                pass
        # then
        assert opened == 1
        assert Membership.objects.active_on(probe).filter(institution=inst).count() <= 1
        assert ActionLog.objects.filter(event="membership.opened").count() == 1
        transaction.set_rollback(True)


# --- Representatives ------------------------------------------------------------------


def test_it_adds_a_representative_and_logs_it(officer, member_a):
    # when
    rep = services.representative_add(
        actor=officer,
        institution=member_a,
        full_name=" Rosa ",
        role="head",
        valid_from=dt.date(2024, 1, 1),
    )
    # then
    assert rep.full_name == "Rosa"
    entry = _log("representative.added")
    assert entry.target_id == str(rep.pk) and entry.new_values["role"] == "head"


def test_it_refuses_two_heads_at_once(officer, member_a):
    # given
    services.representative_add(
        actor=officer,
        institution=member_a,
        full_name="A",
        role="head",
        valid_from=dt.date(2024, 1, 1),
    )
    # when / then
    with pytest.raises(ValidationError):
        services.representative_add(
            actor=officer,
            institution=member_a,
            full_name="B",
            role="head",
            valid_from=dt.date(2025, 1, 1),
        )
    assert ActionLog.objects.filter(event="representative.added").count() == 1


def test_it_ends_a_representation(officer, rep_a):
    # given
    rep = Representative.objects.get(user=rep_a)
    # when
    services.representative_update(
        actor=officer, representative=rep, data={"valid_to": dt.date(2025, 1, 1)}, reason="Left"
    )
    # then
    entry = _log("representative.updated")
    assert entry.old_values == {"valid_to": None} and entry.new_values == {"valid_to": "2025-01-01"}
    assert entry.reason == "Left"


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
    entry = _log("representative.account_linked")
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
    assert _log("representative.account_unlinked").old_values == {"user": rep_a.pk}


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


# --- Contact corrections --------------------------------------------------------------


def test_it_records_a_proposal_with_only_what_differs(rep_a, member_a):
    # when
    correction = correction_services.correction_propose(
        actor=rep_a,
        institution=member_a,
        changes={"phone": " +52 3 ", "website": "", "name": "hijack"},
        comment="New",
    )
    # then
    assert correction.changes == {"phone": "+52 3"}
    assert correction.previous == {"phone": ""}
    entry = _log("correction.proposed")
    assert entry.actor == rep_a and entry.new_values == {"phone": "+52 3"} and entry.reason == "New"


def test_it_refuses_proposals_from_others(rep_b, officer, member_a):
    # when / then
    for actor in (rep_b, officer):
        with pytest.raises(PermissionDenied):
            correction_services.correction_propose(
                actor=actor, institution=member_a, changes={"phone": "1"}
            )
    assert not ContactCorrection.objects.exists()


def test_it_refuses_invalid_or_empty_proposals(rep_a, member_a):
    # when / then
    with pytest.raises(ValidationError) as invalid:
        correction_services.correction_propose(
            actor=rep_a, institution=member_a, changes={"email": "not-an-email"}
        )
    with pytest.raises(ValidationError):
        correction_services.correction_propose(
            actor=rep_a, institution=member_a, changes={"phone": ""}
        )
    assert "email" in invalid.value.message_dict
    assert not ActionLog.objects.exists()


def test_it_applies_an_accepted_correction(officer, rep_a, member_a):
    # given
    correction = correction_services.correction_propose(
        actor=rep_a, institution=member_a, changes={"phone": "+52 3"}
    )
    # when
    correction_services.correction_decide(actor=officer, correction=correction, accept=True)
    # then
    member_a.refresh_from_db()
    correction.refresh_from_db()
    assert member_a.phone == "+52 3"
    assert correction.state == ContactCorrection.State.ACCEPTED and correction.decided_by == officer
    assert _log("correction.accepted").actor == officer
    assert _log("institution.updated").new_values == {"phone": "+52 3"}


def test_it_rejects_a_correction_only_with_a_reason(officer, rep_a, member_a):
    # given
    correction = correction_services.correction_propose(
        actor=rep_a, institution=member_a, changes={"phone": "+52 3"}
    )
    # when / then
    with pytest.raises(ValidationError):
        correction_services.correction_decide(
            actor=officer, correction=correction, accept=False, reason=""
        )
    correction_services.correction_decide(
        actor=officer, correction=correction, accept=False, reason="Not official"
    )
    member_a.refresh_from_db()
    assert member_a.phone == ""
    assert _log("correction.rejected").reason == "Not official"


def test_it_lets_only_managers_decide(comptroller, rep_a, member_a):
    # given
    correction = correction_services.correction_propose(
        actor=rep_a, institution=member_a, changes={"phone": "+52 3"}
    )
    # when / then
    for actor in (comptroller, rep_a):
        with pytest.raises(PermissionDenied):
            correction_services.correction_decide(actor=actor, correction=correction, accept=True)
    correction.refresh_from_db()
    assert correction.state == ContactCorrection.State.PROPOSED
