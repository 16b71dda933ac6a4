"""Structured logs: `LOG_FORMAT=json` writes one JSON object per line with the request id,
and each request is logged with its method, path, status and duration."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from secretariat.core.logs import JsonFormatter
from secretariat.core.request_id import RequestIdFilter, request_id

ROOT = Path(__file__).resolve().parents[3]


def _record(message: str, *args: object, **extra: object) -> logging.LogRecord:
    record = logging.LogRecord("secretariat.x", logging.WARNING, __file__, 1, message, args, None)
    record.__dict__.update(extra)
    return record


def test_it_writes_one_json_object_per_line_with_the_request_id():
    # given
    record = _record("Two\nlines: %s", "ünïcode")
    with request_id("req-12345678"):
        RequestIdFilter().filter(record)
    # when
    line = JsonFormatter().format(record)
    # then
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "WARNING" and entry["logger"] == "secretariat.x"
    assert entry["message"] == "Two\nlines: ünïcode"
    assert entry["request_id"] == "req-12345678"
    assert entry["time"].endswith("+00:00")
    assert "method" not in entry


def test_it_adds_the_exception():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())
    entry = json.loads(JsonFormatter().format(record))
    assert "ValueError: boom" in entry["exception"] and entry["request_id"] == ""


@pytest.mark.django_db
def test_each_request_is_logged_with_method_path_status_and_duration(client, caplog):
    # when
    with caplog.at_level(logging.INFO, logger="secretariat.request"):
        response = client.get(
            reverse("core:home") + "?q=secret", headers={"X-Request-ID": "req-abcdef-01"}
        )
    # then
    [record] = [r for r in caplog.records if r.name == "secretariat.request"]
    entry = json.loads(JsonFormatter().format(record))
    assert entry["request_id"] == "req-abcdef-01" == response["X-Request-ID"]
    assert entry["method"] == "GET"
    assert entry["path"] == reverse("core:home")  # the query string is not logged
    assert entry["status"] == 200
    assert isinstance(entry["duration_ms"], float) and entry["duration_ms"] >= 0
    assert (entry["client"], entry["scheme"]) == ("127.0.0.1", "http")
    assert "secret" not in entry["message"]


def test_the_settings_choose_the_json_format_and_refuse_an_unknown_one():
    # given
    code = "import logging; logging.getLogger('secretariat.test').warning('hello %s', 'world')"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "LOG_FORMAT": "json"}
    # when
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # then
    entry = json.loads(done.stderr.strip().splitlines()[-1])
    assert entry["message"] == "hello world" and entry["logger"] == "secretariat.test"
    bad = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env | {"LOG_FORMAT": "xml"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode != 0 and "LOG_FORMAT must be plain or json" in bad.stderr
