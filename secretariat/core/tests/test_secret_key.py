"""Production refuses to start without SECRET_KEY (issue #9): at import of the settings,
with a message naming the variable and how to make one, and `check --deploy` fails on the
built-in development key (secretariat.E001)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from config.env import DEVELOPMENT_SECRET_KEY

ROOT = Path(__file__).resolve().parents[3]
SETUP = (
    "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)"
)


def _start(**env: str) -> subprocess.CompletedProcess[str]:
    """Start Django in a fresh process with the environment given (and nothing of ours)."""
    base = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "SECRET_KEY_FILE", "DEBUG", "SECRETARIAT_ALLOW_INSECURE_KEY"}
    }
    base |= {"DJANGO_SETTINGS_MODULE": "config.settings", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", SETUP],
        env=base | env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_refuses_to_start_in_production_without_a_secret_key():
    # when
    result = _start(DEBUG="false")
    # then
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr
    assert "secrets.token_urlsafe" in result.stderr
    assert DEVELOPMENT_SECRET_KEY not in result.stdout


def test_it_starts_on_the_development_key_only_with_debug():
    # when
    result = _start(DEBUG="true")
    # then
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == DEVELOPMENT_SECRET_KEY


def test_it_starts_in_production_with_a_key_from_a_file(tmp_path):
    # given
    key_file = tmp_path / "secret_key"
    key_file.write_text("a-production-key-" + "x" * 50 + "\n", encoding="utf-8")
    # when
    result = _start(DEBUG="false", SECRET_KEY_FILE=str(key_file))
    # then
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "a-production-key-" + "x" * 50


def test_it_fails_check_deploy_on_the_development_key(settings):
    # given: started with SECRETARIAT_ALLOW_INSECURE_KEY=true (or DEBUG=true)
    settings.SECRET_KEY = DEVELOPMENT_SECRET_KEY
    # when / then
    with pytest.raises(SystemCheckError, match=r"secretariat\.E001"):
        call_command("check", deploy=True, tags=["security"])


def test_it_passes_check_deploy_with_a_real_key(settings):
    # given
    settings.SECRET_KEY = "k3Y-" + "q" * 60
    # when
    from secretariat.core.checks import check_secret_key_deploy

    # then
    assert check_secret_key_deploy() == []
