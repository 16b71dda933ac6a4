"""Members API (public read endpoints)."""

from ninja import Router

router = Router(tags=["members"])
