"""The API's errors (issue #9): the values that made it answer 500 are refused with a 422,
every error is JSON, and every operation documents what it can answer. The HTML register
validates the same values. (The fuzzing of every operation: test_schema_fuzz.py.)"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from secretariat.api.api import api

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return Client(raise_request_exception=False)


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/members?offset={10**20}",
        f"/api/v1/resolutions?offset={10**20}",
        f"/api/v1/resolutions?year_from={10**20}",
        "/api/v1/resolutions?year_to=2147483648",
        "/api/v1/resolutions?year_from=10000",
        "/api/v1/resolutions?q=a%00b",
        "/api/v1/members?q=%00",
        f"/api/v1/resolutions/{10**20}",
        "/api/v1/members/a%00b",
    ],
)
def test_it_refuses_what_used_to_answer_500(client, url):
    # when
    response = client.get(url)
    # then
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(response.content)["detail"][0]["loc"]


def test_it_answers_a_missing_object_in_json(client):
    # when
    response = client.get("/api/v1/resolutions/999")
    # then
    assert response.status_code == 404
    assert json.loads(response.content) == {"detail": "No encontrado."}  # Spanish by default


def test_it_answers_an_unknown_api_address_in_json(client):
    # when
    response = client.get("/api/v1/no-such-thing")
    # then
    assert response.status_code == 404
    assert json.loads(response.content) == {"detail": "No encontrado."}  # Spanish by default


def test_it_answers_a_server_error_in_json_and_logs_it(client, monkeypatch, caplog):
    # given: a selector fails unexpectedly
    from secretariat.members import api as members_api

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(members_api.selectors, "country_list", broken)
    # when
    response = client.get("/api/v1/countries")
    # then
    assert response.status_code == 500
    assert json.loads(response.content) == {
        "detail": "El servidor no pudo responder; el error quedó registrado."
    }
    assert "boom" not in response.content.decode()
    assert any("RuntimeError: boom" in (r.exc_text or "") or r.exc_info for r in caplog.records)


def test_every_operation_documents_its_errors():
    # given
    schema = api.get_openapi_schema()
    # then
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            documented = {str(status) for status in operation["responses"]}
            assert {"200", "404", "422", "500"} <= documented, (method, path, documented)


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("year_from=10000", "Ensure this value is less than or equal to 9999."),
        (f"year_to={10**20}", "Ensure this value is less than or equal to 9999."),
    ],
)
def test_the_html_register_shows_a_year_out_of_range_as_an_error(client, query, error):
    # when
    response = client.get(f"/en/resolutions/?{query}")
    # then
    assert response.status_code == 200
    assert error in response.content.decode()


def test_the_html_register_ignores_a_session_id_out_of_range(client):
    # when
    response = client.get(f"/en/resolutions/?session={10**20}")
    # then
    assert response.status_code == 200
