"""The action log: appended in the caller's transaction, hash-chained, tamper-evident."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from secretariat.core.anchoring import keyring
from secretariat.core.audit import ChainWalk, record_action, verify_chain
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


@pytest.mark.django_db
def test_it_seals_each_row_with_the_key(officer, signing_key):
    # when
    _log(2, actor=officer, target=officer)
    # then: "<key id>:<HMAC of the row's hash>", which only the key reproduces
    for row in ActionLog.objects.order_by("id"):
        assert row.seal == signing_key.seal(row.hash)
        assert row.seal.startswith(f"{signing_key.id}:") and len(row.seal) == 16 + 1 + 64
    assert list(verify_chain(ring=keyring())) == []


@pytest.mark.django_db
def test_it_writes_no_seal_without_a_key(officer):
    _log(1, actor=officer, target=officer)
    assert ActionLog.objects.get().seal == ""


@pytest.mark.django_db
def test_a_seal_is_not_part_of_the_hash(officer, signing_key):
    """The row's hash is what it was before seals (rows written before still verify)."""
    _log(1, actor=officer, target=officer)
    row = ActionLog.objects.get()
    row.seal = ""
    assert row.compute_hash() == row.hash


@pytest.mark.django_db
def test_it_refuses_to_write_the_log_with_a_bad_key(officer, settings):
    # given: a key that is set but unusable (a broken file)
    settings.ACTION_LOG_SIGNING_KEY = "not-a-key"
    # then: no row is written unsealed
    with pytest.raises(ImproperlyConfigured), transaction.atomic():
        record_action(actor=officer, event="test.event", target=officer)
    assert ActionLog.objects.count() == 0


@pytest.mark.django_db
def test_a_walk_resumes_where_another_stopped(officer, signing_key):
    # given
    _log(2, actor=officer, target=officer)
    first = ChainWalk(ring=keyring()).walk()
    _log(1, actor=officer, target=officer)
    # when
    resumed = ChainWalk(ring=keyring(), start=first.position()).walk().finish()
    # then
    last = ActionLog.objects.order_by("id").last()
    assert (resumed.rows, resumed.last_id, resumed.prev) == (3, last.id, last.hash)
    assert resumed.problems == [] and resumed.first_sealed == first.first_sealed


# --- save_audited and locked: the one way a service writes ---------------------------------


def _setting(**fields):
    from secretariat.core.models import RuleSetting

    values = {"key": "x.rule", "value": 1, "valid_from": "2026-01-01", "status": "default"}
    return RuleSetting(**(values | fields))


@pytest.mark.django_db
def test_save_audited_validates_saves_with_the_reason_and_logs_once(officer):
    from secretariat.core.audit import save_audited

    # given
    setting = _setting()
    # when
    with transaction.atomic():
        saved = save_audited(
            setting, actor=officer, event="rule.recorded", fields=["key", "value"], reason="Why"
        )
    # then: the row, its history with the reason, one action-log row with the fields
    assert saved is True and setting.pk is not None
    assert setting.history.get().history_change_reason == "Why"
    entry = ActionLog.objects.get()
    assert (entry.event, entry.actor, entry.reason) == ("rule.recorded", officer, "Why")
    assert entry.new_values == {"key": "x.rule", "value": 1} and entry.old_values == {}


@pytest.mark.django_db
def test_save_audited_logs_only_what_changed_and_nothing_when_nothing_did(officer):
    from secretariat.core.audit import save_audited, snapshot

    with transaction.atomic():
        setting = _setting()
        save_audited(setting, actor=officer, event="e.created", fields=["value"])
        before = snapshot(setting, ["value", "legal_basis"])
        # when: nothing changed
        unchanged = save_audited(
            setting,
            actor=officer,
            event="e.updated",
            fields=["value", "legal_basis"],
            before=before,
        )
        # when: one field changed
        setting.legal_basis = "Art. 8"
        changed = save_audited(
            setting,
            actor=officer,
            event="e.updated",
            fields=["value", "legal_basis"],
            before=before,
        )
    # then
    assert (unchanged, changed) == (False, True)
    updates = list(ActionLog.objects.filter(event="e.updated"))
    assert len(updates) == 1
    assert updates[0].old_values == {"legal_basis": ""}
    assert updates[0].new_values == {"legal_basis": "Art. 8"}
    assert setting.history.count() == 2


@pytest.mark.django_db
def test_save_audited_refuses_an_invalid_row_and_writes_nothing(officer):
    from django.core.exceptions import ValidationError

    from secretariat.core.audit import save_audited
    from secretariat.core.models import RuleSetting

    # a confirmed rule must cite its source (a named constraint)
    with pytest.raises(ValidationError), transaction.atomic():
        save_audited(_setting(status="confirmed"), actor=officer, event="e", fields=["key"])
    assert RuleSetting.objects.count() == 0 and ActionLog.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_save_audited_refuses_to_run_outside_a_transaction(officer):
    from secretariat.core.audit import save_audited

    with pytest.raises(RuntimeError):
        save_audited(_setting(), actor=officer, event="e", fields=["key"])


@pytest.mark.django_db
def test_locked_reads_the_row_again(officer):
    from secretariat.core.audit import locked

    with transaction.atomic():
        setting = _setting()
        setting.save()
        type(setting).objects.filter(pk=setting.pk).update(value=2)
        # when
        fresh = locked(setting)
    # then: the database's row, not the stale object
    assert fresh.pk == setting.pk and fresh.value == 2 and setting.value == 1


@pytest.mark.django_db
def test_save_audited_keeps_a_long_reason_whole_in_the_log_and_shortened_in_history(officer):
    from secretariat.core.audit import save_audited

    # given a reason longer than simple_history's 100 characters (PostgreSQL enforces them)
    reason = "Arrears: " + "x" * 200
    setting = _setting()
    # when
    with transaction.atomic():
        save_audited(setting, actor=officer, event="rule.recorded", fields=["value"], reason=reason)
    # then
    kept = setting.history.get().history_change_reason
    assert len(kept) == 100 and kept.endswith("…") and reason.startswith(kept[:-1])
    assert ActionLog.objects.get().reason == reason


@pytest.mark.django_db
def test_save_audited_does_not_ask_again_for_a_related_row_it_holds(
    officer, django_assert_num_queries
):
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError

    from secretariat.core.audit import validate

    # given a rule setting that holds its recorder, read from the database
    setting = _setting(recorded_by=get_user_model().objects.get(pk=officer.pk))
    # when validated: its constraints are checked, the recorder is not looked up again
    with django_assert_num_queries(4) as ctx:  # its unique and constraint checks
        validate(setting)
    assert not any('"core_user"' in q["sql"] for q in ctx.captured_queries), ctx.captured_queries
    # and a recorder named by an id that does not exist is refused, as full_clean() does
    missing = _setting(recorded_by_id=officer.pk + 1000)
    with pytest.raises(ValidationError) as refused:
        validate(missing)
    assert "recorded_by" in refused.value.message_dict


@pytest.mark.django_db
def test_validate_gathers_field_unique_and_constraint_errors_as_full_clean_does(officer):
    from django.core.exceptions import ValidationError

    from secretariat.core.audit import save_audited, validate

    with transaction.atomic():
        save_audited(_setting(), actor=officer, event="e", fields=["key"])
    twin = _setting(status="confirmed", value=None)
    with pytest.raises(ValidationError) as ours:
        validate(twin)
    with pytest.raises(ValidationError) as django:
        twin.full_clean()
    assert ours.value.message_dict == django.value.message_dict
