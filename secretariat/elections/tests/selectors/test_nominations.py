"""selectors/nominations.py: scope, and the list's eligibility counted as eligibility.py does."""

from __future__ import annotations

import pytest
from django.http import Http404

from secretariat.elections.models import Finding
from secretariat.elections.selectors import nominations as selectors
from secretariat.elections.selectors.eligibility import eligibility
from secretariat.elections.tests.nominations_world import make_nomination, nom_world

__all__ = ["nom_world"]


@pytest.mark.django_db
def test_a_representative_gets_only_its_institutions_nominations(nom_world, rep_a, rep_b, officer):
    nomination = make_nomination(
        nom_world["co_president"], nom_world["member_a"], "Ana", nom_world["countries"]["MX"]
    )
    assert selectors.nomination_get_for_user(user=rep_a, pk=nomination.pk) == nomination
    assert selectors.nomination_get_for_user(user=officer, pk=nomination.pk) == nomination
    with pytest.raises(Http404):
        selectors.nomination_get_for_user(user=rep_b, pk=nomination.pk)
    with pytest.raises(Http404):
        selectors.nomination_get_for_user(user=officer, pk=nomination.pk, action="withdraw")
    assert [r.nomination for r in selectors.nomination_list_for_user(user=rep_b)] == []


@pytest.mark.django_db
def test_the_staff_list_concludes_as_the_eligibility_rule_does(nom_world, officer):
    # given: one nomination with every requirement met, one with one not met, one untouched
    rows = []
    for name, office in (
        ("Ana", "co_secretary"),
        ("Beto", "co_president"),
        ("Cira", "co_president"),
    ):
        rows.append(
            make_nomination(
                nom_world[office], nom_world["member_a"], name, nom_world["countries"]["MX"]
            )
        )
    ana, beto, _cira = rows
    for key in ("standing", "nationality", "cv", "other"):
        Finding.objects.create(
            version=ana.versions.get(),
            requirement=nom_world["reqs"][key],
            result=Finding.Result.MET,
            confirmed=True,
            reviewed_by=officer,
        )
    Finding.objects.create(
        version=beto.versions.get(),
        requirement=nom_world["reqs"]["cv"],
        result=Finding.Result.NOT_MET,
        confirmed=True,
        reviewed_by=officer,
    )
    # when
    offices = selectors.call_nominations(user=officer, call=nom_world["call"])
    # then
    listed = {r.nomination.pk: r.eligibility for o in offices for r in o.rows}
    for nomination in rows:
        expected = eligibility(nomination)
        got = listed[nomination.pk]
        assert (got.met, got.not_met, got.pending, got.required, got.conclusion) == (
            expected.met,
            expected.not_met,
            expected.pending,
            expected.required,
            expected.conclusion,
        )
    assert listed[ana.pk].conclusion == "eligible"
    assert listed[beto.pk].conclusion == "not_eligible"
