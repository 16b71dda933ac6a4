"""The key, the row seal and the checkpoint line (decision 0010), and the system checks."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ImproperlyConfigured

from secretariat.core.anchoring import (
    CheckpointLineError,
    NoSigningKey,
    check_key,
    check_key_deploy,
    checkpoint_parse,
    checkpoint_sign,
    keyring,
    load_key,
    new_key_text,
    signing_key,
)

AT = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)
HASH = "ab" * 32


def _checkpoint(key, **changes):
    values = {"at": AT, "rows": 3, "last_id": 7, "last_hash": HASH, "sealed_from": 1} | changes
    return checkpoint_sign(key=key, **values)


# --- The key ------------------------------------------------------------------------------------


def test_it_reads_a_key_in_base64_or_pem_as_the_same_key():
    # given
    text = new_key_text()
    private = load_key(text).private
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    # when
    from_base64, from_pem = load_key(text), load_key(f"\n{pem}\n")
    # then
    assert from_base64.id == from_pem.id and len(from_base64.id) == 16
    assert from_base64.seal(HASH) == from_pem.seal(HASH)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("not base64!", "neither PEM nor base64"),
        (base64.b64encode(b"x" * 31).decode(), "32 bytes, this one has 31"),
        (base64.b64encode(b"x" * 33).decode(), "32 bytes, this one has 33"),
    ],
)
def test_it_refuses_what_is_not_an_ed25519_key(text, why):
    with pytest.raises(ValueError, match=why):
        load_key(text)


def test_it_refuses_a_pem_key_of_another_kind():
    rsa_pem = (
        rsa.generate_private_key(public_exponent=65537, key_size=1024)
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    with pytest.raises(ValueError, match="not an Ed25519 key"):
        load_key(rsa_pem)


def test_it_refuses_to_sign_without_a_key(settings):
    # given: no key (the suite's default)
    assert keyring().current is None and keyring().seal(HASH) == ""
    # then
    with pytest.raises(NoSigningKey, match="No action-log signing key"):
        signing_key()


def test_it_says_which_setting_holds_a_bad_key(settings):
    settings.ACTION_LOG_SIGNING_KEY = "bad"
    with pytest.raises(ImproperlyConfigured, match="ACTION_LOG_SIGNING_KEY is not a usable"):
        keyring()
    settings.ACTION_LOG_SIGNING_KEY = new_key_text()
    settings.ACTION_LOG_RETIRED_KEYS = ["bad"]
    with pytest.raises(ImproperlyConfigured, match="ACTION_LOG_RETIRED_KEYS holds a key"):
        keyring()


# --- The seal -----------------------------------------------------------------------------------


def test_a_seal_holds_for_its_hash_and_key_only(signing_key, settings):
    # given
    seal = keyring().seal(HASH)
    other = load_key(new_key_text())
    # then
    assert seal.startswith(f"{signing_key.id}:")
    assert keyring().seal_problem(HASH, seal) is None
    assert keyring().seal_problem("cd" * 32, seal) == "the seal does not match the row's hash"
    assert keyring().seal_problem(HASH, f"{signing_key.id}:{'0' * 64}") is not None
    assert "not configured" in keyring().seal_problem(HASH, other.seal(HASH))
    assert "not configured" in keyring().seal_problem(HASH, "")


def test_a_retired_key_still_verifies_but_no_longer_seals(signing_key, settings):
    # given: the key is rotated
    old_seal = keyring().seal(HASH)
    settings.ACTION_LOG_RETIRED_KEYS = [settings.ACTION_LOG_SIGNING_KEY]
    settings.ACTION_LOG_SIGNING_KEY = new_key_text()
    # then
    assert keyring().seal_problem(HASH, old_seal) is None
    assert not keyring().seal(HASH).startswith(signing_key.id)
    assert signing_key.id in keyring().by_id


# --- The checkpoint line ------------------------------------------------------------------------


def test_a_checkpoint_is_one_line_of_json_that_reads_back_the_same(signing_key):
    # given
    checkpoint = _checkpoint(signing_key)
    # when
    line = checkpoint.line()
    read = checkpoint_parse(line, keyring(), source="f:1")
    # then
    assert "\n" not in line
    assert json.loads(line) == {
        "v": 1,
        "at": "2026-12-07T10:00:00+00:00",
        "rows": 3,
        "last_id": 7,
        "last_hash": HASH,
        "sealed_from": 1,
        "key": signing_key.id,
        "sig": checkpoint.signature,
    }
    assert read == checkpoint and read.source == "f:1"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("rows", 4),
        ("last_id", 8),
        ("last_hash", "cd" * 32),
        ("at", "2026-12-08T10:00:00+00:00"),
        ("sealed_from", None),
    ],
)
def test_an_edited_checkpoint_line_fails_its_signature(signing_key, field, value):
    # given
    data = json.loads(_checkpoint(signing_key).line())
    # when: one field is changed in the file
    data[field] = value
    # then
    with pytest.raises(CheckpointLineError, match="bad signature"):
        checkpoint_parse(json.dumps(data), keyring())


def test_a_checkpoint_forged_without_the_key_is_not_trusted(signing_key):
    # given: someone signs a line with a key of their own, or with none
    forger = load_key(new_key_text())
    forged = _checkpoint(forger)
    data = json.loads(forged.line()) | {"key": signing_key.id}
    # then
    with pytest.raises(CheckpointLineError, match="key that is not configured"):
        checkpoint_parse(forged.line(), keyring())
    with pytest.raises(CheckpointLineError, match="bad signature"):
        checkpoint_parse(json.dumps(data), keyring())
    with pytest.raises(CheckpointLineError, match="bad signature"):
        checkpoint_parse(json.dumps(data | {"sig": "%%%"}), keyring())


@pytest.mark.parametrize(
    "change",
    [
        None,  # not JSON at all
        {"rows": "3"},
        {"last_id": 7.0},
        {"rows": True},
        {"at": "2026-12-07T10:00:00"},  # no time zone
        {"at": "yesterday"},
        {"v": 2},
        {"sealed_from": "1"},
        {"key": 5},
    ],
)
def test_it_does_not_read_what_is_not_a_checkpoint(signing_key, change):
    data = json.loads(_checkpoint(signing_key).line())
    text = "{not json" if change is None else json.dumps(data | change)
    with pytest.raises(CheckpointLineError, match="unreadable"):
        checkpoint_parse(text, keyring())


def test_a_missing_field_is_unreadable(signing_key):
    data = json.loads(_checkpoint(signing_key).line())
    del data["last_hash"]
    with pytest.raises(CheckpointLineError, match="unreadable"):
        checkpoint_parse(json.dumps(data), keyring())


def test_same_state_compares_what_the_log_held_not_when(signing_key):
    a = _checkpoint(signing_key)
    assert a.same_state(_checkpoint(signing_key, at=AT + dt.timedelta(hours=1)))
    assert not a.same_state(_checkpoint(signing_key, rows=4))
    assert dataclasses.replace(a, source="x") == a


# --- System checks ------------------------------------------------------------------------------


def test_check_deploy_warns_without_a_key(settings):
    # given: no key
    # then
    assert [m.id for m in check_key_deploy()] == ["core.W101"]
    assert check_key() == []


def test_the_checks_are_quiet_with_a_key(signing_key):
    assert check_key() == [] and check_key_deploy() == []


def test_a_bad_key_is_an_error_in_every_check(settings):
    settings.ACTION_LOG_SIGNING_KEY = base64.b64encode(b"short").decode()
    assert [m.id for m in check_key()] == ["core.E101"]
    assert check_key_deploy() == []  # said once, by core.E101


def test_the_checks_are_registered(settings):
    from django.core import checks

    settings.ACTION_LOG_SIGNING_KEY = ""
    deploy = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])
    assert "core.W101" in {m.id for m in deploy}
    plain = checks.run_checks(tags=[checks.Tags.security])
    assert "core.W101" not in {m.id for m in plain}


def test_an_ed25519_public_key_alone_verifies_a_checkpoint(signing_key):
    """The Comptroller (or anyone) can check a signature with the public key only."""
    checkpoint = _checkpoint(signing_key)
    public = serialization.load_pem_public_key(signing_key.public_pem().encode())
    public.verify(base64.b64decode(checkpoint.signature), checkpoint.payload())  # no raise
    assert not isinstance(public, Ed25519PrivateKey)
