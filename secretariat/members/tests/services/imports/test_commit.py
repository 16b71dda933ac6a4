"""Import, step three: the all-or-nothing commit, idempotence, discarding, and who may import."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from secretariat.conftest import make_member
from secretariat.core.models import ActionLog
from secretariat.members.models import DatePrecision, ImportBatch, Institution, Membership, Source
from secretariat.members.services.imports import commit as imports
from secretariat.members.tests.conftest import (
    HEADER,
    ROW_ALFA,
    ROW_BETA,
    ROW_GAMMA,
    csv_upload,
    registry_counts,
    xlsx_upload,
)

# --- Commit ---------------------------------------------------------------------------


def test_it_commits_new_institutions_and_memberships_with_their_source(reference, officer):
    # given
    batch = imports.import_preview(
        actor=officer, upload=csv_upload(HEADER, ROW_ALFA, ROW_BETA, ROW_GAMMA)
    )
    # when
    batch = imports.import_commit(actor=officer, batch=batch, reason="Member list 2022")
    # then
    assert batch.state == ImportBatch.State.COMMITTED and batch.committed_at is not None
    alfa = Institution.objects.get(name="Instituto Nuevo Uno")
    assert (alfa.origin, alfa.source, alfa.acronym, alfa.website) == (
        Source.IMPORT,
        "Acta AG 2015",
        "INU",
        "https://www.inu.example.org",
    )
    membership = alfa.memberships.get()
    assert membership.category.code == "full"
    assert (membership.valid_from, membership.valid_from_precision) == (
        dt.date(2015, 3, 1),
        DatePrecision.DAY,
    )
    assert membership.decision == "Imported from members.csv"
    assert membership.source == "Acta AG 2015"
    beta = Membership.objects.get(institution__name="Caja Nueva Dos")
    assert (beta.valid_from, beta.valid_from_precision) == (dt.date(2018, 1, 1), DatePrecision.YEAR)
    gamma = Membership.objects.get(institution__name="Fondo Nuevo Tres")
    assert gamma.category is None and gamma.valid_from is None
    events = list(ActionLog.objects.order_by("id").values_list("event", flat=True))
    assert events == ["institution.created", "membership.opened"] * 3 + ["import.committed"]
    summary = ActionLog.objects.get(event="import.committed")
    assert summary.actor == officer
    assert summary.reason == "Member list 2022"
    assert summary.target_id == str(batch.pk)
    assert summary.new_values["institutions_created"] == 3
    assert summary.new_values["changes"] == 3
    created = ActionLog.objects.filter(event="institution.created").first()
    assert "Member list 2022" in created.reason and "members.csv" in created.reason


def test_it_commits_an_xlsx(reference, officer):
    # given
    upload = xlsx_upload(
        [
            HEADER.split(","),
            ["Instituto Nuevo Uno", "INU", "MX", "full", "2015", None, None, None, "Acta"],
        ]
    )
    batch = imports.import_preview(actor=officer, upload=upload)
    # when
    imports.import_commit(actor=officer, batch=batch, reason="List")
    # then
    assert Membership.objects.get(institution__name="Instituto Nuevo Uno").valid_from == dt.date(
        2015, 1, 1
    )


def test_it_changes_nothing_when_the_same_file_is_imported_again(reference, officer):
    # given
    lines = (HEADER, ROW_ALFA, ROW_BETA, ROW_GAMMA)
    first = imports.import_preview(actor=officer, upload=csv_upload(*lines))
    imports.import_commit(actor=officer, batch=first, reason="First import")
    before = registry_counts()
    # when
    second = imports.import_preview(actor=officer, upload=csv_upload(*lines))
    second = imports.import_commit(actor=officer, batch=second, reason="Second import")
    # then
    assert [r["action"] for r in second.rows] == ["unchanged"] * 3
    assert second.summary["previous_batch"] == first.pk
    after = registry_counts()
    assert after == {**before, "action_log": before["action_log"] + 1}
    last = ActionLog.objects.order_by("-id").first()
    assert last.event == "import.committed"
    assert last.new_values["changes"] == 0
    assert last.new_values["unchanged"] == 3


def test_it_commits_nothing_when_one_row_is_bad(reference, officer):
    # given
    batch = imports.import_preview(
        actor=officer, upload=csv_upload(HEADER, ROW_ALFA, "Bad,,Atlantis,,,,,,A")
    )
    before = registry_counts()
    # when
    with pytest.raises(ValidationError, match="rows with errors"):
        imports.import_commit(actor=officer, batch=batch, reason="List")
    # then
    assert registry_counts() == before
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.PREVIEW


def test_it_rolls_everything_back_when_a_row_fails_mid_way(reference, officer, monkeypatch):
    # given
    batch = imports.import_preview(actor=officer, upload=csv_upload(HEADER, ROW_ALFA, ROW_BETA))
    before = registry_counts()
    calls = []
    real = imports._membership_open_imported

    def fail_on_second(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise ValidationError("boom")
        return real(**kwargs)

    monkeypatch.setattr(imports, "_membership_open_imported", fail_on_second)
    # when
    with pytest.raises(ValidationError):
        imports.import_commit(actor=officer, batch=batch, reason="List")
    # then
    assert registry_counts() == before
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.PREVIEW


def test_it_records_an_unknown_category_and_date_instead_of_opening_a_period(
    reference, officer, countries, categories
):
    # given
    institution = make_member("Caja Sin Datos", countries["PE"], None, since=None)
    batch = imports.import_preview(
        actor=officer, upload=csv_upload(HEADER, "CAJA SIN DATOS,CSD,PE,linked,1990,,,,Acta")
    )
    assert batch.rows[0]["changes"] == ["acronym", "category", "member_since"]
    # when
    imports.import_commit(actor=officer, batch=batch, reason="Completing the registry")
    # then
    membership = institution.memberships.get()
    assert membership.category == categories["linked"]
    assert (membership.valid_from, membership.valid_from_precision) == (
        dt.date(1990, 1, 1),
        DatePrecision.YEAR,
    )
    institution.refresh_from_db()
    assert institution.acronym == "CSD"
    updated = ActionLog.objects.get(event="membership.updated")
    assert updated.old_values["category"] is None
    assert updated.new_values["category"] == categories["linked"].pk
    assert ActionLog.objects.get(event="institution.updated").new_values == {"acronym": "CSD"}


def test_it_opens_a_membership_for_a_registered_institution_without_one(
    reference, officer, countries
):
    # given
    institution = Institution.objects.create(
        name="Solicitante", country=countries["MX"], slug="solicitante"
    )
    batch = imports.import_preview(
        actor=officer, upload=csv_upload(HEADER, "Solicitante,,MX,affiliate,2020,,,,Acta")
    )
    assert batch.rows[0]["changes"] == ["membership"]
    # when
    imports.import_commit(actor=officer, batch=batch, reason="List")
    # then
    assert institution.memberships.get().category.code == "affiliate"
    assert Institution.objects.count() == 1


def test_it_refuses_a_commit_without_a_reason_or_twice(reference, officer):
    # given
    batch = imports.import_preview(actor=officer, upload=csv_upload(HEADER, ROW_GAMMA))
    # when / then
    with pytest.raises(ValidationError):
        imports.import_commit(actor=officer, batch=batch, reason="  ")
    imports.import_commit(actor=officer, batch=batch, reason="List")
    with pytest.raises(ValidationError, match="already been committed"):
        imports.import_commit(actor=officer, batch=batch, reason="List")
    assert Institution.objects.count() == 1


def test_it_refuses_a_commit_when_the_registry_changed_since_the_preview(
    reference, officer, countries, categories
):
    # given
    batch = imports.import_preview(
        actor=officer, upload=csv_upload(HEADER, "Inst X,,MX,full,,,,,A")
    )
    make_member("Inst X", countries["MX"], categories["associate"])
    before = registry_counts()
    # when
    with pytest.raises(ValidationError, match="changed since this preview"):
        imports.import_commit(actor=officer, batch=batch, reason="List")
    # then
    assert registry_counts() == before


def test_it_discards_a_preview_and_audits_it(reference, officer):
    # given
    batch = imports.import_preview(actor=officer, upload=csv_upload(HEADER, ROW_GAMMA))
    # when
    imports.import_discard(actor=officer, batch=batch, reason="Wrong file")
    # then
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.DISCARDED
    entry = ActionLog.objects.get()
    assert (entry.event, entry.reason, entry.new_values) == (
        "import.discarded",
        "Wrong file",
        {"state": "discarded"},
    )
    with pytest.raises(ValidationError, match="discarded"):
        imports.import_commit(actor=officer, batch=batch, reason="List")
    assert Institution.objects.count() == 0


@pytest.mark.parametrize("persona", ["comptroller", "finance_officer", "rep_a"])
def test_it_lets_only_the_secretary_general_and_officers_import(reference, request, persona):
    # given
    user = request.getfixturevalue(persona)
    # when / then
    with pytest.raises(PermissionDenied):
        imports.import_preview(actor=user, upload=csv_upload(HEADER, ROW_GAMMA))
    assert ImportBatch.objects.count() == 0


def test_it_lets_the_secretary_general_commit_an_officers_preview(
    reference, officer, secretary_general
):
    # given
    batch = imports.import_preview(actor=officer, upload=csv_upload(HEADER, ROW_GAMMA))
    # when
    imports.import_commit(actor=secretary_general, batch=batch, reason="Approved")
    # then
    assert ActionLog.objects.get(event="import.committed").actor == secretary_general
