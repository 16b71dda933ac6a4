"""Import, step two: what each row will do against the registry (updates, unchanged rows,
conflicts), in a number of queries that does not grow with the file."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from secretariat.conftest import make_member
from secretariat.core.models import ActionLog
from secretariat.members.models import DatePrecision, Institution, Membership
from secretariat.members.services.imports import commit as imports
from secretariat.members.tests.conftest import (
    HEADER,
    ROW_ALFA,
    ROW_BETA,
    csv_upload,
    registry_counts,
    row_errors,
    xlsx_upload,
)


def test_it_plans_updates_and_unchanged_rows_against_the_registry(reference, officer, member_a):
    # given: member_a is "Instituto Alfa" (MX, full, since 2010-01-01)
    upload = csv_upload(
        HEADER,
        "instituto alfa,IA,MX,full,2010-01-01,,,,Lista 2022",
        "Instituto Alfa,IA,PE,,,,,,Lista 2022",
    )
    Institution.objects.filter(pk=member_a.pk).update(website="")
    # when
    batch = imports.import_preview(actor=officer, upload=upload)
    # then
    assert batch.rows[0]["action"] == "unchanged"
    assert batch.rows[0]["institution_id"] == member_a.pk
    assert batch.rows[1]["action"] == "create"  # same name, other country: another institution


def test_it_refuses_to_change_a_recorded_category(reference, officer, member_a):
    # when
    batch = imports.import_preview(
        actor=officer, upload=csv_upload(HEADER, "Instituto Alfa,,MX,associate,,,,,L")
    )
    # then
    assert row_errors(batch, 2) == ["category_conflict"]
    assert batch.rows[0]["action"] == "error"


def test_it_refuses_a_since_date_that_contradicts_the_registry(reference, officer, member_a):
    # when
    batch = imports.import_preview(
        actor=officer, upload=csv_upload(HEADER, "Instituto Alfa,,MX,,2001,,,,L")
    )
    # then
    assert row_errors(batch, 2) == ["since_conflict"]


def test_it_plans_a_file_in_constant_queries(reference, officer):
    # given: the same file shape with 3 and with 30 rows
    def count(n: int) -> int:
        lines = [HEADER] + [f"Inst {i},,MX,full,2010,,,,A" for i in range(n)]
        with CaptureQueriesContext(connection) as ctx:
            imports.import_preview(actor=officer, upload=csv_upload(*lines))
        return len(ctx.captured_queries)

    count(1)  # the officer's roles are read once, then cached on the user
    # when / then
    assert count(3) == count(30)


def test_it_finds_nothing_to_do_when_the_same_rows_come_in_another_file(reference, officer):
    # given: committed from CSV, then the same rows arrive as XLSX (another checksum)
    first = imports.import_preview(actor=officer, upload=csv_upload(HEADER, ROW_ALFA, ROW_BETA))
    imports.import_commit(actor=officer, batch=first, reason="First")
    rows = [HEADER.split(",")] + [line.split(",") for line in (ROW_ALFA, ROW_BETA)]
    before = registry_counts()
    # when
    second = imports.import_preview(actor=officer, upload=xlsx_upload(rows))
    imports.import_commit(actor=officer, batch=second, reason="Second")
    # then
    assert second.summary["previous_batch"] is None
    assert [r["action"] for r in second.rows] == ["unchanged", "unchanged"]
    assert registry_counts() == {**before, "action_log": before["action_log"] + 1}


def test_it_refines_a_start_date_known_only_by_its_year(reference, officer, countries, categories):
    # given
    institution = make_member(
        "Caja Anual", countries["PE"], categories["full"], since=dt.date(2010, 1, 1)
    )
    Membership.objects.filter(institution=institution).update(
        valid_from_precision=DatePrecision.YEAR
    )
    upload = csv_upload(
        HEADER, "Caja Anual,,PE,full,2010-05-03,,,,Acta", "Caja Anual,,MX,,2009,,,,Acta"
    )
    # when
    batch = imports.import_preview(actor=officer, upload=upload)
    imports.import_commit(actor=officer, batch=batch, reason="Exact date found")
    # then
    assert batch.rows[0]["changes"] == ["member_since"]
    membership = institution.memberships.get()
    assert (membership.valid_from, membership.valid_from_precision) == (dt.date(2010, 5, 3), "day")
    assert ActionLog.objects.filter(event="membership.updated").count() == 1


def test_it_refuses_rows_for_ended_memberships_and_ambiguous_names(
    reference, officer, countries, categories
):
    # given
    former = make_member("Caja Antigua", countries["PE"], categories["full"])
    Membership.objects.filter(institution=former).update(valid_to=dt.date(2015, 1, 1))
    Institution.objects.create(name="Doble", country=countries["MX"], slug="doble-1")
    Institution.objects.create(name="DOBLE", country=countries["MX"], slug="doble-2")
    # when
    batch = imports.import_preview(
        actor=officer, upload=csv_upload(HEADER, "Caja Antigua,,PE,,,,,,A", "doble,,MX,,,,,,A")
    )
    # then
    assert row_errors(batch, 2) == ["membership_ended"]
    assert row_errors(batch, 3) == ["ambiguous"]


def test_it_compares_member_since_with_the_admission_not_the_category_change(
    reference, officer, categories, member_a
):
    # given: member_a, a member since 2010-01-01, an associate member since 2020
    from secretariat.members.services import registry as services

    services.membership_change_category(
        actor=officer,
        institution=member_a,
        category=categories["associate"],
        on=dt.date(2020, 6, 1),
        decision="Resolución CISS No. 150",
    )
    # when
    batch = imports.import_preview(
        actor=officer,
        upload=csv_upload(
            HEADER, "Instituto Alfa,,MX,associate,2010,,,,L", "Instituto Alfa,,MX,,2020,,,,L"
        ),
    )
    # then: 2010 agrees with the registry; 2020 (the change of category) does not
    assert batch.rows[0]["action"] == "unchanged"
    assert [e["code"] for e in batch.errors if e["line"] == 3] == ["duplicate"]
    again = imports.import_preview(
        actor=officer, upload=csv_upload(HEADER, "Instituto Alfa,,MX,,2020,,,,L")
    )
    assert row_errors(again, 2) == ["since_conflict"]
