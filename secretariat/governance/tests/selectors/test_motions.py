"""Reads of motions: the word diff of an amendment (selectors/motions.py)."""

from __future__ import annotations

import pytest

from secretariat.governance.selectors.motions import word_diff
from secretariat.governance.tests.live_world import (
    live_fixture,  # noqa: F401  (the `live` fixture)
)

pytestmark = pytest.mark.django_db


def test_word_diff_marks_replaced_and_removed_words():
    parts = word_diff("uno dos tres cuatro", "uno DOS tres")
    assert [(p.op, p.text) for p in parts] == [
        ("equal", "uno "),
        ("delete", "dos"),
        ("insert", "DOS"),
        ("equal", " tres"),
        ("delete", " cuatro"),
    ]
