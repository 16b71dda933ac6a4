"""Loading the organization's reference data (data/ciss/*.yaml), idempotently.

Facts only, each with its source. Known values in the files win on every run; a value the
files leave null (unknown) never erases what the Secretariat has since entered. A record is
saved only when something differs, so a second run writes nothing: no history row, no
action-log row.

Core knows no app's data: each app registers the function that loads its files from its
`AppConfig.ready` (`<app>/reference_data.py`), in the order the apps depend on each other,
and `manage.py seed_ciss` runs them all in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from django.conf import settings
from django.core.management.base import CommandError
from django.db import models, transaction

from secretariat.core.audit import record_action
from secretariat.core.languages import CONTENT_LANGUAGES
from secretariat.core.registry import OrderedRegistry

DATA_DIR = Path(settings.BASE_DIR) / "data" / "ciss"

M = TypeVar("M", bound=models.Model)


def translated(field: str, values: Mapping[str, str | None] | None) -> dict[str, str | None]:
    """`{"es": "x", "en": "y"}` → `{"name_es": "x", "name_en": "y", ...}`; missing or empty → None.

    None means "no translation": modeltranslation then shows the Spanish value.
    """
    values = values or {}
    return {f"{field}_{lang}": (values.get(lang) or None) for lang in CONTENT_LANGUAGES}


def squash(values: Mapping[str, str] | None) -> dict[str, str] | None:
    """Folded YAML text keeps a trailing newline and may wrap: one clean line per language."""
    if not values:
        return None
    return {lang: " ".join(str(text).split()) for lang, text in values.items() if text}


def one_line(text: Any) -> str:
    return " ".join(str(text).split())


def partial_date(value: Any) -> tuple[dt.date | None, str | None]:
    """ "2022" → (2022-01-01, "year"); "2022-05" → (2022-05-01, "month"); a date → (date, "day")."""
    if value is None or value == "":
        return None, None
    if isinstance(value, dt.date):
        return value, "day"
    text = str(value)
    parts = text.split("-")
    try:
        if len(parts) == 1:
            return dt.date(int(parts[0]), 1, 1), "year"
        if len(parts) == 2:
            return dt.date(int(parts[0]), int(parts[1]), 1), "month"
        return dt.date.fromisoformat(text), "day"
    except ValueError as exc:
        raise CommandError(f"Not a date: {value!r}") from exc


def with_note(source: str, note: str | None) -> str:
    return f"{source}. {note}" if note else source


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    first_written: models.Model | None = field(default=None, repr=False)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


class Loader:
    """Creates or updates records from the files, counting what it wrote."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.tally = Tally()

    def read(self, name: str) -> dict[str, Any]:
        path = self.data_dir / name
        if not path.exists():
            raise CommandError(f"Missing reference file: {path}")
        with path.open(encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
        if not isinstance(data, dict):
            raise CommandError(f"{path}: expected a mapping at the top level")
        return data

    def save(self, obj: models.Model, *, created: bool, exclude: list[str] | None = None) -> None:
        """Validate and save; `exclude` skips fields full_clean must not touch (a protected
        FSM state) or may not judge (a value the source leaves unknown)."""
        obj.full_clean(exclude=exclude or None)
        obj.save()
        if self.tally.first_written is None:
            self.tally.first_written = obj
        if created:
            self.tally.created += 1
        else:
            self.tally.updated += 1

    def apply(self, obj: models.Model, values: Mapping[str, Any]) -> bool:
        """Set the known (non-None) values that differ; True when something changed."""
        changed = False
        for name, value in values.items():
            if value is None:
                continue  # unknown in the files: keep whatever the record holds
            if getattr(obj, name) != value:
                setattr(obj, name, value)
                changed = True
        return changed

    def upsert(
        self,
        model: type[M],
        lookup: Mapping[str, Any],
        values: Mapping[str, Any],
        *,
        on_create: Mapping[str, Any] | None = None,
        exclude: Callable[[M], list[str]] | None = None,
    ) -> M:
        """The record matching `lookup`, created or brought up to date with `values`.

        `on_create` values are written only when the record is new (e.g. a note about an
        unknown the Secretariat will replace). `exclude` names the fields full_clean skips.
        """
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            known = {k: v for k, v in values.items() if v is not None}
            fields = {k: v for k, v in {**(on_create or {}), **known}.items() if v is not None}
            obj = model(**lookup, **fields)
            self.save(obj, created=True, exclude=exclude(obj) if exclude else None)
        elif self.apply(obj, values):
            self.save(obj, created=False, exclude=exclude(obj) if exclude else None)
        return obj


LoadFunction = Callable[[Loader], None]
_LOADERS: OrderedRegistry[LoadFunction] = OrderedRegistry()


def register(key: str, load: LoadFunction, *, order: int) -> None:
    """Register an app's loader; lower orders run first (an app after those it reads)."""
    _LOADERS.register(key, load, order=order)


def load_all(data_dir: Path = DATA_DIR) -> Tally:
    """Run every app's loader in one transaction; one action-log row if anything changed."""
    loader = Loader(data_dir)
    with transaction.atomic():
        for load in _LOADERS.in_order():
            load(loader)
        if loader.tally.changed and loader.tally.first_written is not None:
            record_action(
                actor=None,
                event="seed.ciss_loaded",
                target=loader.tally.first_written,
                new={"created": loader.tally.created, "updated": loader.tally.updated},
                reason="seed_ciss",
            )
    return loader.tally
