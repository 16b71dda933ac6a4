"""The documents elections builds (core.documents): each part registers its kinds here."""

from __future__ import annotations


def register_documents() -> None:
    # --- calls for candidates: the Call's PDF per language ---

    # --- the eligibility report's PDF ---

    return None
