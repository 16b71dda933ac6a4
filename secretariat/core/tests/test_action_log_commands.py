"""The action log's commands (decision 0010): verify_action_log's dated summary and exit
status, checkpoint_action_log for the timer and by hand."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from secretariat.core.audit import record_action
from secretariat.core.models import ActionLog
from secretariat.core.selectors.checkpoints import checkpoint_file
from secretariat.core.tests import tampering

pytestmark = pytest.mark.django_db


def _log(n, target):
    for i in range(n):
        with transaction.atomic():
            record_action(actor=None, event="test.event", target=target, new={"i": i})


def _run(name, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command(name, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# --- verify_action_log --------------------------------------------------------------------------


def test_verify_gives_a_dated_summary_of_an_intact_anchored_log(officer, signing_key):
    # given
    _log(2, officer)
    _run("checkpoint_action_log")
    _log(1, officer)
    # when
    out, err = _run("verify_action_log")
    # then
    assert out.startswith("Action log verification, 20")
    assert "Log: 3 rows" in out and "sealed from row" in out
    assert f"Checkpoints {checkpoint_file()}: 1 lines, 1 signed checkpoints." in out
    assert "Latest checkpoint that holds:" in out and "1 row(s) written since" in out
    assert "Action log intact: 3 rows verified against 1 checkpoint(s)." in out
    assert err == ""


def test_verify_fails_and_names_the_row_where_they_part(officer, signing_key):
    # given: a checkpoint, then the tail deleted and the head rolled back
    _log(3, officer)
    _run("checkpoint_action_log")
    second = ActionLog.objects.order_by("id")[1]
    tampering.delete_from(second.id)
    # when / then
    out = io.StringIO()
    err = io.StringIO()
    with pytest.raises(
        CommandError, match=f"tampered: 1 problem\\(s\\) in 1 rows. They part at row {second.id}"
    ):
        call_command("verify_action_log", stdout=out, stderr=err)
    assert (
        f"First row where the log and its checkpoints part: row {second.id} (not in the log)."
        in out.getvalue()
    )
    assert "the checkpoint vouched for 3 rows" in err.getvalue()


def test_verify_reads_the_copies_it_is_given(officer, signing_key, tmp_path):
    # given: the Comptroller's copy holds a checkpoint the folder lost
    _log(1, officer)
    _run("checkpoint_action_log")
    copy = tmp_path / "kept.jsonl"
    copy.write_text(checkpoint_file().read_text())
    checkpoint_file().write_text("")
    # when / then
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "verify_action_log", "--checkpoints", str(copy), stdout=out, stderr=io.StringIO()
        )
    assert f"Copy {copy}: 1 lines, 1 signed checkpoints." in out.getvalue()


def test_verify_names_the_first_parting_row_with_its_date_and_event(officer, signing_key):
    _log(2, officer)
    _run("checkpoint_action_log")
    first = ActionLog.objects.order_by("id").first()
    ActionLog.objects.filter(pk=first.pk).update(reason="never given")
    tampering.rehash_from(first.id)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_action_log", stdout=out, stderr=io.StringIO())
    assert f"part: row {first.id} (" in out.getvalue() and "test.event" in out.getvalue()


def test_verify_without_a_key_checks_the_chain_and_says_so(officer):
    _log(2, officer)
    out, _err = _run("verify_action_log")
    assert "no key configured: seals and checkpoints not checked" in out
    assert "Action log intact: 2 rows verified (no checkpoint: against itself only)." in out


def test_verify_shows_at_most_fifty_problems(officer, signing_key):
    _log(1, officer)
    _run("checkpoint_action_log")
    for _ in range(55):
        tampering.append_forged()
    err = io.StringIO()
    with pytest.raises(CommandError, match="55 problem"):
        call_command("verify_action_log", stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert len(lines) == 51 and lines[-1] == "… and 5 more."


# --- checkpoint_action_log ----------------------------------------------------------------------


def test_checkpoint_refuses_clearly_without_a_key(officer):
    with pytest.raises(CommandError, match="No action-log signing key"):
        _run("checkpoint_action_log")


def test_checkpoint_says_what_it_wrote_and_to_whom(officer, comptroller, signing_key):
    _log(2, officer)
    out, err = _run("checkpoint_action_log")
    assert f"Checkpoint written to {checkpoint_file()}: 2 rows up to row" in out
    assert f"key {signing_key.id}" in out
    assert "E-mailed to the Comptroller: comptroller@example.org." in out
    assert err == ""


def test_checkpoint_warns_when_nobody_can_be_emailed(officer, signing_key):
    _log(1, officer)
    _out, err = _run("checkpoint_action_log")
    assert "No active Comptroller account" in err


def test_checkpoint_if_changed_says_when_it_wrote_nothing(officer, signing_key):
    _log(1, officer)
    _run("checkpoint_action_log")
    out, _err = _run("checkpoint_action_log", "--if-changed")
    assert out.strip() == "The log has not changed since the latest checkpoint: nothing written."


def test_checkpoint_fails_when_the_log_does_not_verify(officer, comptroller, signing_key):
    _log(2, officer)
    _run("checkpoint_action_log")
    tampering.wipe()
    err = io.StringIO()
    with pytest.raises(
        CommandError,
        match="No checkpoint was written. First row .* part: 1. Alerted: comptroller@example.org",
    ):
        call_command("checkpoint_action_log", stdout=io.StringIO(), stderr=err)
    assert "the log is empty" in err.getvalue()


def test_checkpoint_fails_after_writing_when_lines_of_the_file_are_damaged(officer, signing_key):
    _log(1, officer)
    _run("checkpoint_action_log")
    with checkpoint_file().open("a") as f:
        f.write("garbage\n")
    _log(1, officer)
    with pytest.raises(CommandError, match="The checkpoint was written, but 1 line"):
        _run("checkpoint_action_log")
    assert len(checkpoint_file().read_text().splitlines()) == 3
