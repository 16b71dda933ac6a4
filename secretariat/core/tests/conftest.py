"""Core's fixtures: the action log's signing key (decision 0010)."""

from __future__ import annotations

import pytest

from secretariat.core.anchoring import SigningKey, load_key, new_key_text


@pytest.fixture
def signing_key(settings) -> SigningKey:
    """A fresh key for this test, configured as the site's."""
    text = new_key_text()
    settings.ACTION_LOG_SIGNING_KEY = text
    return load_key(text)
