"""Registry services: institutions, memberships and representatives.

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

from secretariat.core.models import ActionLog
from secretariat.members.models import Institution, Membership, Representative
from secretariat.members.selectors.registry import directory_list
from secretariat.members.services import registry as services
from secretariat.members.tests.conftest import logged

pytestmark = pytest.mark.django_db


# --- Institutions ---------------------------------------------------------------------


def test_it_creates_an_institution_and_logs_it(officer, countries):
    # when
    inst = services.institution_create(
        actor=officer, name="  Caja Nueva ", acronym="CN", country=countries["PE"]
    )
    # then
    assert inst.name == "Caja Nueva"
    assert inst.slug == "cn-pe"
    entry = logged("institution.created")
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


def test_it_refuses_an_acronym_another_institution_of_the_country_uses(
    officer, countries, member_a
):
    # when / then: member_a is "Instituto Alfa", IA, Mexico
    with pytest.raises(ValidationError) as exc:
        services.institution_create(
            actor=officer, name="Instituto Otro", acronym="ia", country=countries["MX"]
        )
    assert exc.value.message_dict["acronym"] == [
        "Another institution of this country already uses this acronym."
    ]
    # another country may use it (INSS is both Brazil's and Nicaragua's)
    other = services.institution_create(
        actor=officer, name="Instituto Otro", acronym="IA", country=countries["PE"]
    )
    assert other.acronym == "IA"


def test_it_refuses_bidi_controls_in_a_name_or_acronym(officer, countries):
    # when / then: the same rule as the forms, the import and the API (core.validators)
    for data in ({"name": "Caja \u202eABC"}, {"name": "Caja", "acronym": "\u061cCA"}):
        with pytest.raises(ValidationError) as exc:
            services.institution_create(actor=officer, country=countries["MX"], **data)
        assert "change the direction of the text" in str(exc.value)
    assert not Institution.objects.exists()
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
    entry = logged("institution.updated")
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
    entry = logged("membership.opened")
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
    entry = logged("membership.ended")
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
    entry = logged("representative.added")
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
    entry = logged("representative.updated")
    assert entry.old_values == {"valid_to": None} and entry.new_values == {"valid_to": "2025-01-01"}
    assert entry.reason == "Left"
