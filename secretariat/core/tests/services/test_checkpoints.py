"""Writing a checkpoint of the action log (decision 0010): verified first, signed, appended to
the checkpoint file, e-mailed to each Comptroller; refused, with nothing written, without a
key, without a writable folder, or when the log does not verify (the Comptroller alerted)."""

from __future__ import annotations

import json
import stat

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from secretariat.conftest import make_user
from secretariat.core import roles
from secretariat.core.anchoring import NoSigningKey, checkpoint_parse, keyring
from secretariat.core.audit import record_action
from secretariat.core.models import ActionLog, EmailDelivery
from secretariat.core.selectors.checkpoints import action_log_verify, checkpoint_file
from secretariat.core.services.checkpoints import LogDoesNotVerify, checkpoint_write
from secretariat.core.tests import tampering

pytestmark = pytest.mark.django_db


def _log(n, target):
    for i in range(n):
        with transaction.atomic():
            record_action(actor=None, event="test.event", target=target, new={"i": i})


def _lines():
    return checkpoint_file().read_text().splitlines()


def test_it_refuses_without_a_key_and_writes_nothing(officer, comptroller):
    # given: no key (the suite's default)
    _log(1, officer)
    # when / then
    with pytest.raises(NoSigningKey, match="No checkpoint was written"):
        checkpoint_write()
    assert not checkpoint_file().exists()
    assert EmailDelivery.objects.count() == 0


def test_it_signs_the_head_and_appends_it_as_one_line(officer, signing_key):
    # given
    _log(3, officer)
    last = ActionLog.objects.order_by("id").last()
    # when
    written = checkpoint_write()
    # then
    c = written.checkpoint
    assert (c.rows, c.last_id, c.last_hash, c.key_id) == (3, last.id, last.hash, signing_key.id)
    assert c.at >= last.created_at
    assert written.path == checkpoint_file()
    assert _lines() == [c.line()]
    assert checkpoint_parse(_lines()[0], keyring()) == c


def test_it_appends_and_never_rewrites(officer, signing_key):
    # given
    _log(1, officer)
    first = checkpoint_write().checkpoint
    # when
    _log(1, officer)
    second = checkpoint_write().checkpoint
    # then
    assert _lines() == [first.line(), second.line()]
    assert second.rows == 2


def test_the_file_and_folder_are_not_open_to_everyone(officer, signing_key):
    _log(1, officer)
    checkpoint_write()
    assert stat.S_IMODE(checkpoint_file().stat().st_mode) & 0o007 == 0
    assert stat.S_IMODE(checkpoint_file().parent.stat().st_mode) & 0o007 == 0


def test_it_starts_a_new_line_after_a_line_a_crash_left_unfinished(officer, signing_key):
    # given: the last write was cut short
    _log(1, officer)
    checkpoint_write()
    with checkpoint_file().open("a") as f:
        f.write('{"at":"2026-')
    # when
    written = checkpoint_write()
    # then: the new checkpoint is whole on its own line; the broken one is reported
    assert _lines()[-1] == written.checkpoint.line()
    assert [f.kind for f in written.damaged_lines] == ["checkpoint line"]
    findings = action_log_verify().findings
    assert [(f.where, f.kind) for f in findings] == [(f"{checkpoint_file()}:2", "checkpoint line")]


def test_if_changed_writes_nothing_while_the_log_has_not_moved(officer, signing_key):
    # given
    _log(1, officer)
    checkpoint_write()
    # when / then
    assert checkpoint_write(if_changed=True) is None
    assert len(_lines()) == 1
    _log(1, officer)
    assert checkpoint_write(if_changed=True) is not None
    assert len(_lines()) == 2


def test_it_writes_the_first_checkpoint_with_if_changed(officer, signing_key):
    _log(1, officer)
    assert checkpoint_write(if_changed=True) is not None


def test_it_refuses_a_folder_it_cannot_write(officer, signing_key, settings, tmp_path):
    # given: the folder's path goes through a file
    (tmp_path / "a-file").write_text("")
    settings.SECRETARIAT_CHECKPOINT_DIR = tmp_path / "a-file" / "checkpoints"
    _log(1, officer)
    # when / then
    with pytest.raises(ImproperlyConfigured, match="cannot be written.*No checkpoint was written"):
        checkpoint_write()


def test_it_emails_the_checkpoint_to_each_active_comptroller_in_their_language(
    officer, comptroller, signing_key, django_capture_on_commit_callbacks
):
    # given: a second Comptroller who reads Spanish, an inactive one, and an officer
    other = make_user("contraloria@example.org", roles.COMPTROLLER)
    other.preferred_language = "es"
    other.save()
    gone = make_user("gone@example.org", roles.COMPTROLLER)
    gone.is_active = False
    gone.save()
    comptroller.preferred_language = "en"
    comptroller.save()
    _log(2, officer)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        written = checkpoint_write()
    # then
    assert written.emailed_to == ("comptroller@example.org", "contraloria@example.org")
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"comptroller@example.org", "contraloria@example.org"}
    english = by_address["comptroller@example.org"]
    assert english.subject.startswith("Action log checkpoint of ")
    assert "the action log held 2 entries; its last entry, number" in english.body
    assert written.checkpoint.line() in english.body
    [(name, content, mimetype)] = english.attachments
    assert name.startswith("checkpoint-") and name.endswith(".jsonl")
    assert content == written.checkpoint.line() + "\n" and mimetype == "text/plain"
    deliveries = EmailDelivery.objects.filter(purpose="core.action_log_checkpoint")
    assert sorted(d.language for d in deliveries) == ["en", "es"]


def test_it_writes_the_file_even_without_a_comptroller(officer, signing_key):
    # given: nobody holds the role
    Group.objects.filter(name=roles.COMPTROLLER).delete()
    _log(1, officer)
    # when
    written = checkpoint_write()
    # then
    assert written.emailed_to == () and len(_lines()) == 1


def test_it_refuses_to_vouch_for_a_log_that_does_not_verify_and_alerts(
    officer, comptroller, signing_key, django_capture_on_commit_callbacks
):
    # given: a checkpoint, then the tail deleted behind the application's back
    _log(3, officer)
    checkpoint_write()
    ids = list(ActionLog.objects.order_by("id").values_list("id", flat=True))
    tampering.delete_from(ids[1])
    # when
    with (
        pytest.raises(LogDoesNotVerify) as refused,
        django_capture_on_commit_callbacks(execute=True),
    ):
        checkpoint_write(if_changed=True)
    # then: nothing signed; the Comptroller told where the log parts from its checkpoints
    assert len(_lines()) == 1
    assert refused.value.parts_at == ids[1]
    assert refused.value.alerted == ("comptroller@example.org",)
    [alert] = mail.outbox
    # in the Comptroller's language (Spanish)
    assert alert.subject == (
        "La bitácora de acciones no se verifica: no se escribió ningún punto de control"
    )
    assert f"La primera entrada en que difieren es la número {ids[1]}." in alert.body
    assert "the checkpoint vouched for 3 rows" in alert.body


def test_it_refuses_when_rows_appended_while_it_verified_do_not_verify(
    officer, signing_key, monkeypatch
):
    """The head is read under its lock, and the rows appended since the walk checked there."""
    from secretariat.core.services import checkpoints

    _log(2, officer)
    verify = checkpoints.action_log_verify

    def verify_then_forge(**kwargs):
        result = verify(**kwargs)
        tampering.append_forged()  # between the walk and the lock
        return result

    monkeypatch.setattr(checkpoints, "action_log_verify", verify_then_forge)
    with pytest.raises(LogDoesNotVerify) as refused:
        checkpoint_write()
    assert [f.kind for f in refused.value.findings] == ["unsealed"]
    assert not checkpoint_file().read_text()


def test_it_still_anchors_the_log_when_a_line_of_the_file_is_damaged(officer, signing_key):
    # given: a line edited in the file (it no longer counts), the log itself untouched
    _log(1, officer)
    checkpoint_write()
    checkpoint_file().write_text(_lines()[0].replace('"rows":1', '"rows":2') + "\n")
    _log(1, officer)
    # when
    written = checkpoint_write()
    # then: written, and the damaged line returned for the command to report
    assert written is not None and len(_lines()) == 2
    assert [f.where for f in written.damaged_lines] == [f"{checkpoint_file()}:1"]


def test_the_line_is_compact_json_with_the_fields_the_decision_names(officer, signing_key):
    _log(1, officer)
    checkpoint_write()
    data = json.loads(_lines()[0])
    assert sorted(data) == ["at", "key", "last_hash", "last_id", "rows", "sealed_from", "sig", "v"]
