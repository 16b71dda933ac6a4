"""The action log: appended in the caller's transaction, hash-chained, tamper-evident."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from secretariat.core.audit import record_action, verify_chain
from secretariat.core.models import ActionLog


def _log(n, actor=None, target=None):
    for i in range(n):
        with transaction.atomic():
            record_action(
                actor=actor, event="test.event", target=target, new={"i": i}, reason=f"r{i}"
            )


@pytest.mark.django_db
def test_it_chains_each_row_to_the_previous(officer):
    # when
    _log(3, actor=officer, target=officer)
    # then
    rows = list(ActionLog.objects.order_by("id"))
    assert rows[0].prev_hash == "0" * 64
    assert rows[1].prev_hash == rows[0].hash and rows[2].prev_hash == rows[1].hash
    assert rows[2].actor == officer and rows[2].reason == "r2"
    assert list(verify_chain()) == []


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_log_outside_a_transaction(officer):
    with pytest.raises(RuntimeError):
        record_action(actor=officer, event="x", target=officer)


@pytest.mark.django_db
def test_it_detects_an_edited_row(officer, capsys):
    # given
    _log(3, actor=officer, target=officer)
    row = ActionLog.objects.order_by("id")[1]
    # when: someone edits the reason behind the application's back
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {ActionLog._meta.db_table} SET reason = %s WHERE id = %s", ["forged", row.id]
        )
    # then
    with pytest.raises(CommandError, match="tampered"):
        call_command("verify_action_log")


@pytest.mark.django_db
def test_it_detects_a_removed_row(officer):
    _log(3, actor=officer, target=officer)
    last = ActionLog.objects.order_by("id").last()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {ActionLog._meta.db_table} WHERE id = %s", [last.id])
    problems = list(verify_chain())
    assert [p.problem for p in problems] == ["head"]


@pytest.mark.django_db
def test_it_reports_an_intact_chain(officer, capsys):
    _log(2, actor=officer, target=officer)
    call_command("verify_action_log")
    assert "intact: 2 rows" in capsys.readouterr().out
