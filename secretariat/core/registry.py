"""An ordered registry: what the apps contribute to core (panels, reference data loaders,
demo builders), by key, used in order. Registering a key again replaces its entry."""

from __future__ import annotations

from typing import Generic, TypeVar

T = TypeVar("T")


class OrderedRegistry(Generic[T]):
    def __init__(self) -> None:
        self._entries: dict[str, tuple[int, T]] = {}

    def register(self, key: str, item: T, *, order: int) -> None:
        """Add `item` under `key`; lower orders come first (an app after those it reads)."""
        self._entries[key] = (order, item)

    def in_order(self) -> list[T]:
        keys = sorted(self._entries, key=lambda key: (self._entries[key][0], key))
        return [self._entries[key][1] for key in keys]
