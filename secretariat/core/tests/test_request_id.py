"""The request id: answered in a header, on the request's log lines and action-log rows."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from secretariat.conftest import client_for
from secretariat.core.models import ActionLog, RuleSetting
from secretariat.core.request_id import RequestIdFilter, current_request_id, request_id

pytestmark = pytest.mark.django_db


def test_each_request_gets_an_id_and_a_sane_one_from_the_proxy_is_kept(client):
    first = client.get(reverse("core:home"))["X-Request-ID"]
    second = client.get(reverse("core:home"))["X-Request-ID"]
    assert len(first) == 32 and first != second
    kept = client.get(reverse("core:home"), headers={"X-Request-ID": "proxy-abc-12345"})
    assert kept["X-Request-ID"] == "proxy-abc-12345"
    # a header that could forge log lines is replaced
    forged = client.get(reverse("core:home"), headers={"X-Request-ID": "x\nERROR forged"})
    assert "\n" not in forged["X-Request-ID"] and len(forged["X-Request-ID"]) == 32


def test_the_action_log_row_names_the_request_that_wrote_it(officer):
    # given
    client = client_for(officer)
    key = "members.arrears.threshold_years"
    # when
    response = client.post(
        reverse("core:rule-detail", kwargs={"key": key}),
        {"value": "3", "valid_from": "2026-01-01", "reason": "Text received", "source": "s"},
        headers={"X-Request-ID": "req-0001-abcdef"},
    )
    # then
    assert response.status_code == 302 and RuleSetting.objects.filter(key=key).exists()
    assert ActionLog.objects.get(event="rule.recorded").request_id == "req-0001-abcdef"
    assert current_request_id() == ""  # nothing leaks past the request


def test_log_lines_carry_the_id():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "message", None, None)
    with request_id("task-123456"):
        RequestIdFilter().filter(record)
    assert record.request_id == "task-123456"
