"""The governance API (api.py): the resolutions register, listed and one by number."""

from __future__ import annotations

import pytest

from secretariat.governance.tests.resolutions_world import (
    assembly_fixture,  # noqa: F401  (the `assembly` fixture)
    register_fixture,  # noqa: F401  (the `register` fixture)
    session_fixture,  # noqa: F401  (the `session` fixture)
)

pytestmark = pytest.mark.django_db


def test_the_api_lists_and_shows_resolutions(register):
    from ninja.testing import TestClient

    from secretariat.governance.api import router

    api = TestClient(router)
    data = api.get("/resolutions?q=declaración&lang=en").json()
    assert data["count"] == 2
    first = data["items"][0]
    assert first["number"] == 53 and first["title"] == "Declaration of Mexico"
    assert first["status"] == "not_recorded" and first["kind"] == "declaration"
    one = api.get("/resolutions/1?lang=en").json()
    assert one["title"] == "Declaración de Santiago de Chile" and one["translation_pending"]
    assert api.get("/resolutions/999").status_code == 404
