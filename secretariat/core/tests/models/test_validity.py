"""Validity ranges (core.models.validity): in force from `valid_from` (inclusive; unknown =
since always) until `valid_to` (exclusive; open while empty), at each boundary."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, models
from django.test.utils import isolate_apps

from secretariat.core.models import InForce, ValidityQuerySet
from secretariat.core.models.validity import is_in_force

D = dt.date


@pytest.fixture
def dated(transactional_db):
    """A throwaway dated model with its table, for these tests only."""
    with isolate_apps("secretariat.core"):

        class Dated(InForce, models.Model):
            name = models.CharField(max_length=20)
            valid_from = models.DateField(null=True)
            valid_to = models.DateField(null=True)
            objects = ValidityQuerySet.as_manager()

            class Meta:
                app_label = "core"
                db_table = "core_test_dated"

            def __str__(self) -> str:
                return self.name

        with connection.schema_editor() as editor:
            editor.create_model(Dated)
        Dated.objects.create(name="closed", valid_from=D(2019, 7, 1), valid_to=D(2021, 1, 1))
        Dated.objects.create(name="open", valid_from=D(2021, 1, 1), valid_to=None)
        Dated.objects.create(name="unknown start", valid_from=None, valid_to=D(2020, 1, 1))
        yield Dated
        with connection.schema_editor() as editor:
            editor.delete_model(Dated)


def names(queryset) -> set[str]:
    return set(queryset.values_list("name", flat=True))


def test_in_force_on_each_boundary(dated):
    # valid_from is inclusive, valid_to exclusive: on 2021-01-01 "open" starts as "closed" ends
    assert names(dated.objects.active_on(D(2019, 6, 30))) == {"unknown start"}
    assert names(dated.objects.active_on(D(2019, 7, 1))) == {"closed", "unknown start"}
    assert names(dated.objects.active_on(D(2020, 1, 1))) == {"closed"}
    assert names(dated.objects.active_on(D(2020, 12, 31))) == {"closed"}
    assert names(dated.objects.active_on(D(2021, 1, 1))) == {"open"}
    assert names(dated.objects.active_on(D(1900, 1, 1))) == {"unknown start"}


def test_the_same_rule_in_memory(dated):
    for row in dated.objects.all():
        for day in (D(1900, 1, 1), D(2019, 7, 1), D(2020, 1, 1), D(2021, 1, 1), D(2030, 1, 1)):
            assert row.is_active_on(day) == (row in dated.objects.active_on(day))
            assert is_in_force(row.valid_from, row.valid_to, day) == row.is_active_on(day)


def test_overlapping_meets_half_open_ranges(dated):
    # [2020-06-01, 2021-01-01) meets "closed" only: "open" starts on its (exclusive) end
    assert names(dated.objects.overlapping(D(2020, 6, 1), D(2021, 1, 1))) == {"closed"}
    assert names(dated.objects.overlapping(D(2020, 6, 1), D(2021, 1, 2))) == {"closed", "open"}
    assert names(dated.objects.overlapping(D(2021, 1, 1), None)) == {"open"}
    assert names(dated.objects.overlapping(None, D(2019, 7, 1))) == {"unknown start"}
    assert names(dated.objects.overlapping(None, None)) == {"closed", "open", "unknown start"}


def test_not_active_on_is_the_rest(dated):
    for day in (D(1900, 1, 1), D(2019, 7, 1), D(2021, 1, 1)):
        assert names(dated.objects.not_active_on(day)) == names(dated.objects.all()) - names(
            dated.objects.active_on(day)
        )


def test_open_ended_and_current(dated):
    assert names(dated.objects.open_ended()) == {"open"}
    assert names(dated.objects.current()) == {"open"}
