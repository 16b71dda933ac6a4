"""action_log_key (decision 0010): a new key only its owner reads, never written over; the
configured keys shown by id and public key, never the private one."""

from __future__ import annotations

import io
import stat

import pytest
from django.core.management import CommandError, call_command

from secretariat.core.anchoring import load_key, new_key_text


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("action_log_key", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_key_makes_a_key_only_its_owner_reads_and_never_overwrites(tmp_path, settings):
    # when
    path = tmp_path / "key"
    out, _err = _run("--out", str(path))
    # then
    key = load_key(path.read_text())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert f"New key {key.id} written to {path}" in out
    assert "BEGIN PUBLIC KEY" in out and path.read_text().strip() not in out
    with pytest.raises(CommandError, match="an existing file is kept"):
        _run("--out", str(path))
    assert load_key(path.read_text()).id == key.id


def test_key_shows_the_configured_keys_but_never_the_private_one(signing_key, settings):
    retired = new_key_text()
    settings.ACTION_LOG_RETIRED_KEYS = [retired]
    out, _err = _run()
    assert f"Current key: {signing_key.id}" in out
    assert f"Retired key (still verifies): {load_key(retired).id}" in out
    assert settings.ACTION_LOG_SIGNING_KEY not in out and retired not in out


def test_key_says_when_none_is_configured():
    with pytest.raises(CommandError, match="No action-log signing key is configured"):
        _run()
