"""The action log verified against its seals and signed checkpoints (decision 0010): each of
the issue's tamper cases is found, and the first row where the log and its checkpoints part
is named. Each case also shows what the chain alone (verify_action_log before) said of it:
nothing.

The log of most tests (`anchored`): rows r0–r2, checkpoint A (3 rows, up to r2), rows r3–r5,
checkpoint B (6 rows, up to r5), rows r6–r7 not yet anchored.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import pytest
from django.db import transaction

from secretariat.core.anchoring import checkpoint_sign, load_key, new_key_text
from secretariat.core.audit import record_action, verify_chain
from secretariat.core.models import ActionLog
from secretariat.core.selectors.checkpoints import action_log_verify, checkpoint_file
from secretariat.core.services.checkpoints import checkpoint_write
from secretariat.core.tests import tampering


def _log(n: int, target) -> list[int]:
    """n rows written by the application."""
    for i in range(n):
        with transaction.atomic():
            record_action(actor=None, event="test.event", target=target, new={"i": i})
    return list(ActionLog.objects.order_by("-id").values_list("id", flat=True)[:n])[::-1]


@dataclass
class Anchored:
    r: list[int]  # the rows' ids, in order
    a: object  # checkpoint A
    b: object  # checkpoint B


@pytest.fixture
def anchored(db, officer, signing_key) -> Anchored:
    first = _log(3, officer)
    a = checkpoint_write().checkpoint
    second = _log(3, officer)
    b = checkpoint_write().checkpoint
    third = _log(2, officer)
    return Anchored(first + second + third, a, b)


def _kinds(result) -> set[tuple[str, str]]:
    return {(f.where, f.kind) for f in result.findings}


def _chain_alone_saw_nothing() -> None:
    """What verify_action_log checked before: links, hashes and the head, nothing else."""
    assert list(verify_chain()) == []


# --- Intact -------------------------------------------------------------------------------------


def test_it_reports_an_intact_log_and_what_anchors_it(anchored):
    # when
    result = action_log_verify()
    # then
    assert result.intact and result.parts_at is None
    assert result.rows == 8 and result.position.last_id == anchored.r[-1]
    assert result.position.first_sealed == anchored.r[0]
    assert [c.checkpoint for c in result.checks] == [anchored.a, anchored.b]
    assert result.latest_holding == anchored.b and result.unanchored == 2
    assert [f.lines for f in result.files] == [2]


# --- 1. A forged row appended, its hash recomputed, the head moved ------------------------------


def test_it_names_a_forged_row_appended_with_its_hash_and_the_head(anchored):
    # when: the forger has the database, not the key
    forged = tampering.append_forged()
    # then
    _chain_alone_saw_nothing()
    result = action_log_verify()
    assert not result.intact and result.parts_at == forged.id
    assert _kinds(result) == {(f"row {forged.id}", "unsealed")}


def test_it_names_a_forged_row_carrying_another_rows_seal(anchored):
    # given
    forged = tampering.append_forged()
    # when: the forger copies the seal of the row before
    before = ActionLog.objects.get(pk=anchored.r[-1])
    ActionLog.objects.filter(pk=forged.pk).update(seal=before.seal)
    # then
    result = action_log_verify()
    assert result.parts_at == forged.id
    assert _kinds(result) == {(f"row {forged.id}", "seal")}


def test_it_names_a_backdated_row_even_when_sealed_with_the_key(anchored):
    # when: a server administrator with the key appends a row dated before checkpoint B
    forged = tampering.append_forged(at=anchored.b.at - dt.timedelta(days=3), with_key=True)
    # then
    _chain_alone_saw_nothing()
    result = action_log_verify()
    assert result.parts_at == forged.id
    assert _kinds(result) == {(f"row {forged.id}", "dated")}
    assert "before the checkpoint of" in result.findings[0].detail


def test_it_cannot_tell_a_row_appended_with_the_key_after_the_last_checkpoint(anchored):
    """The limit (decision 0010): whoever holds the key writes what the application writes."""
    tampering.append_forged(with_key=True)
    assert action_log_verify().intact


# --- 2. A middle row edited and every later hash recomputed --------------------------------------


def test_it_names_an_edited_middle_row_whose_later_hashes_were_recomputed(anchored):
    # when: row r4 (not the first after A) is edited, every later hash and the head recomputed
    edited = anchored.r[4]
    ActionLog.objects.filter(pk=edited).update(reason="never given")
    tampering.rehash_from(edited)
    # then: the edited row is the first whose seal fails; checkpoint B no longer holds
    _chain_alone_saw_nothing()
    result = action_log_verify()
    assert result.parts_at == edited
    seals = sorted(int(f.where.split()[1]) for f in result.findings if f.kind == "seal")
    assert seals == anchored.r[4:]
    [b] = [c for c in result.checks if c.problem]
    assert b.checkpoint == anchored.b
    assert b.parts_at == anchored.r[3]  # B alone can only say "after A"; the seals say where
    assert f"row {anchored.r[5]} has the hash" in b.problem


def test_it_finds_a_rewrite_resealed_with_the_key_from_the_checkpoints(anchored):
    # when: someone with the key edits r3 and re-seals everything after it
    edited = anchored.r[3]
    ActionLog.objects.filter(pk=edited).update(reason="never given")
    tampering.rehash_from(edited, with_key=True)
    # then: A holds, B does not; they part after A's row
    result = action_log_verify()
    assert [(c.checkpoint, bool(c.problem)) for c in result.checks] == [
        (anchored.a, False),
        (anchored.b, True),
    ]
    assert result.parts_at == edited
    assert _kinds(result) == {(f"{checkpoint_file()}:2", "checkpoint")}


def test_it_names_the_start_when_no_earlier_checkpoint_holds(anchored):
    # when: r1, before A, is rewritten with the key
    ActionLog.objects.filter(pk=anchored.r[1]).update(reason="never given")
    tampering.rehash_from(anchored.r[1], with_key=True)
    # then: neither holds; all that can be said is "from the first row"
    result = action_log_verify()
    assert all(c.problem for c in result.checks)
    assert result.parts_at == anchored.r[0]


# --- 3. The tail deleted and the head rolled back -----------------------------------------------


def test_it_names_the_first_missing_row_when_the_tail_is_deleted(anchored):
    # when: r4 onwards (covered by B) are deleted and the head rolled back to r3
    tampering.delete_from(anchored.r[4])
    # then
    _chain_alone_saw_nothing()
    result = action_log_verify()
    assert result.parts_at == anchored.r[4]
    [b] = [c for c in result.checks if c.problem]
    assert b.checkpoint == anchored.b
    assert b.problem == (
        f"the log ends at row {anchored.r[3]} with 4 rows; the checkpoint vouched for 6 rows "
        f"up to row {anchored.r[5]}"
    )


def test_it_names_a_row_removed_from_the_middle_and_the_chain_relinked(anchored):
    # when: r5 (B's row) is deleted, and what follows relinked
    ActionLog.objects.filter(pk=anchored.r[5]).delete()
    tampering.rehash_from(anchored.r[6], with_key=True)
    # then
    result = action_log_verify()
    [b] = [c for c in result.checks if c.problem]
    assert b.problem == f"row {anchored.r[5]} is missing" and b.parts_at == anchored.r[3]


def test_it_cannot_tell_rows_deleted_after_the_last_checkpoint(anchored):
    """The limit (decision 0010): rows written since the last checkpoint are not anchored."""
    tampering.delete_from(anchored.r[6])
    assert action_log_verify().intact


# --- 4. The whole log wiped ---------------------------------------------------------------------


def test_it_finds_a_wiped_log(anchored):
    # when
    tampering.wipe()
    # then
    _chain_alone_saw_nothing()
    result = action_log_verify()
    assert result.rows == 0 and result.parts_at == 1
    assert [c.problem for c in result.checks] == [
        f"the log is empty with 0 rows; the checkpoint vouched for 3 rows up to row {anchored.r[2]}",
        f"the log is empty with 0 rows; the checkpoint vouched for 6 rows up to row {anchored.r[5]}",
    ]


# --- 5. An older backup restored ----------------------------------------------------------------


@pytest.fixture
def restored(db, officer, signing_key):
    """A backup taken at checkpoint A is restored after checkpoint B was written."""
    _log(3, officer)
    checkpoint_write()
    saved = tampering.backup()
    _log(3, officer)
    checkpoint_write()
    tampering.restore(saved)
    return saved[0][-1].id


def test_it_finds_an_older_backup_restored(restored):
    # then: A holds, B vouched for rows the log no longer has
    _chain_alone_saw_nothing()
    result = action_log_verify()
    assert [bool(c.problem) for c in result.checks] == [False, True]
    assert result.parts_at == restored + 1


def test_it_finds_an_older_backup_restored_and_written_to_since(restored, officer):
    # when: the application goes on writing on the restored log (new rows take the old ids)
    new = _log(2, officer)
    # then: the new rows are dated after checkpoint B, which counted rows with their ids
    _chain_alone_saw_nothing()
    result = action_log_verify()
    assert new[0] == restored + 1
    assert result.parts_at == new[0]
    assert (f"row {new[0]}", "dated") in _kinds(result)
    assert "after the checkpoint of" in next(f.detail for f in result.findings if f.kind == "dated")


# --- 6. The checkpoints themselves --------------------------------------------------------------


def test_it_refuses_a_checkpoint_line_edited_in_the_file(anchored):
    # given: B's line edited to vouch for fewer rows (to cover a deleted tail)
    path = checkpoint_file()
    lines = path.read_text().splitlines()
    data = json.loads(lines[1]) | {"rows": 4, "last_id": anchored.r[3]}
    path.write_text(f"{lines[0]}\n{json.dumps(data)}\n")
    tampering.delete_from(anchored.r[4])
    # then
    result = action_log_verify()
    assert (f"{path}:2", "checkpoint line") in _kinds(result)
    assert "bad signature" in str(result.findings[0])
    assert [c.checkpoint for c in result.checks] == [anchored.a]  # the edited line is not used


def test_it_refuses_a_checkpoint_forged_without_the_key(anchored):
    # given: a line signed by another key, vouching for a forged row
    forged_row = tampering.append_forged()
    forger = load_key(new_key_text())
    forged = checkpoint_sign(
        key=forger,
        at=forged_row.created_at,
        rows=9,
        last_id=forged_row.id,
        last_hash=forged_row.hash,
        sealed_from=anchored.r[0],
    )
    with checkpoint_file().open("a") as f:
        f.write(forged.line() + "\n")
    # then
    result = action_log_verify()
    assert (f"{checkpoint_file()}:3", "checkpoint line") in _kinds(result)
    assert "key that is not configured" in str(result.findings[0])


def _comptrollers_copy(mailbox, tmp_path):
    """The Comptroller's copy: the attachments of the checkpoint e-mails, in one file."""
    lines = [
        a[1]
        for m in mailbox
        for a in m.attachments
        if m.subject.startswith("Punto de control de la bitácora")
    ]
    path = tmp_path / "comptroller.jsonl"
    path.write_text("".join(lines))
    return path


def test_it_finds_a_truncated_checkpoint_file_from_the_comptrollers_copy(
    db, officer, comptroller, signing_key, mailoutbox, tmp_path, django_capture_on_commit_callbacks
):
    # given: two checkpoints, each e-mailed to the Comptroller
    with django_capture_on_commit_callbacks(execute=True):
        _log(3, officer)
        checkpoint_write()
        kept = _log(3, officer)
        checkpoint_write()
    copy = _comptrollers_copy(mailoutbox, tmp_path)
    # when: someone on the server without the key deletes the rows after A, rolls the head
    # back, and removes B's line from the checkpoint file
    tampering.delete_from(kept[0])
    path = checkpoint_file()
    path.write_text(path.read_text().splitlines()[0] + "\n")
    # then: the folder alone cannot tell
    assert action_log_verify().intact
    # the Comptroller's copy can
    result = action_log_verify(copies=[copy])
    assert (str(copy), "checkpoint missing") in _kinds(result)
    assert result.parts_at == kept[0]
    assert [f.lines for f in result.copies] == [2]


# --- Keys, seals and configuration --------------------------------------------------------------


def test_it_will_not_call_a_log_intact_with_checkpoints_it_cannot_check(anchored, settings):
    # given: the key is gone from the configuration
    settings.ACTION_LOG_SIGNING_KEY = ""
    # then
    result = action_log_verify()
    assert not result.intact and not result.keyed
    assert ("settings", "no key") in _kinds(result)


def test_with_a_key_it_asks_for_at_least_one_checkpoint(db, officer, signing_key):
    # given: rows, no checkpoint
    _log(2, officer)
    # then
    assert "no checkpoint" in {f.kind for f in action_log_verify().findings}
    assert action_log_verify(require_checkpoints=False).intact


def test_without_a_key_it_checks_the_chain_alone(db, officer):
    _log(2, officer)
    result = action_log_verify()
    assert result.intact and not result.keyed and result.checks == ()


def test_rows_written_before_the_key_need_no_seal(db, officer, settings):
    # given: two rows without a key, then a key, a row and a checkpoint
    old = _log(2, officer)
    settings.ACTION_LOG_SIGNING_KEY = new_key_text()
    new = _log(1, officer)
    checkpoint = checkpoint_write().checkpoint
    # then
    assert checkpoint.sealed_from == new[0]
    result = action_log_verify()
    assert result.intact and result.position.first_sealed == new[0]
    assert ActionLog.objects.get(pk=old[0]).seal == ""


def test_it_finds_seals_stripped_by_someone_without_the_key(anchored):
    # when: every seal is removed (so that no row looks sealed)
    ActionLog.objects.update(seal="")
    # then: the checkpoints say sealing began at r0
    result = action_log_verify()
    assert result.parts_at == anchored.r[0]
    assert {f.kind for f in result.findings} == {"unsealed"}
    assert len(result.findings) == 8


def test_it_finds_one_seal_stripped(anchored):
    ActionLog.objects.filter(pk=anchored.r[6]).update(seal="")
    result = action_log_verify()
    assert _kinds(result) == {(f"row {anchored.r[6]}", "unsealed")}


def test_what_a_retired_key_sealed_and_signed_still_verifies(anchored, settings, officer):
    # when: the key is rotated, then the log goes on
    settings.ACTION_LOG_RETIRED_KEYS = [settings.ACTION_LOG_SIGNING_KEY]
    settings.ACTION_LOG_SIGNING_KEY = new_key_text()
    _log(1, officer)
    checkpoint_write()
    # then
    result = action_log_verify()
    assert result.intact and len(result.checks) == 3
    assert len({c.checkpoint.key_id for c in result.checks}) == 2


def test_a_checkpoint_of_the_empty_log_holds_for_any_log(db, officer, signing_key):
    # given
    empty = checkpoint_write().checkpoint
    _log(2, officer)
    checkpoint_write()
    # then
    assert (empty.rows, empty.last_id) == (0, 0)
    assert action_log_verify().intact
