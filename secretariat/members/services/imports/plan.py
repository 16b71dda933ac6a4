"""Step two of an import: what each checked row will do against the registry as it is now.

A row creates an institution and its membership, updates named fields, leaves everything
unchanged, or is an error. Decisions recorded here (tested in tests/services/test_imports.py):
- an empty cell never erases a recorded value;
- a category or start date already recorded differently is an error (changing it needs a
  decision of the body, not an import); a start date the file knows more precisely, and
  agreeing with the registry, refines it;
- an institution whose membership ended is not re-admitted by an import;
- an acronym that another registered institution of the same country uses is an error;
  of another country, a warning (acronyms are shared across countries: INSS in Brazil and
  in Nicaragua).
No writes; the plan is made at the preview and again, under lock, at the commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models.functions import Lower

from secretariat.members.models import (
    Country,
    DatePrecision,
    Institution,
    Membership,
    run_start,
)
from secretariat.members.services.imports.rows import acronym_key, name_key

# Institution fields an import may fill in or change (never erase).
UPDATABLE_FIELDS = ("acronym", "website", "email", "phone")
_PRECISION_RANK = {DatePrecision.YEAR: 0, DatePrecision.MONTH: 1, DatePrecision.DAY: 2}


@dataclass(frozen=True)
class Registered:
    """An institution in the registry that rows may match, with its memberships."""

    institution: Institution
    memberships: tuple[Membership, ...]

    @property
    def current(self) -> Membership | None:
        """The membership without an end (at most one: a constraint)."""
        return next((m for m in self.memberships if m.valid_to is None), None)


def _date_key(day: dt.date, precision: str) -> tuple[int, ...]:
    return (day.year, day.month, day.day)[: _PRECISION_RANK[DatePrecision(precision)] + 1]


def _compare_since(current: Membership, since: dt.date, precision: str) -> str:
    """'same', 'refine' (the file is more precise and agrees) or 'conflict'."""
    assert current.valid_from is not None
    coarser = min(
        precision, current.valid_from_precision, key=lambda p: _PRECISION_RANK[DatePrecision(p)]
    )
    if _date_key(current.valid_from, coarser) != _date_key(since, coarser):
        return "conflict"
    more_precise = (
        _PRECISION_RANK[DatePrecision(precision)]
        > _PRECISION_RANK[DatePrecision(current.valid_from_precision)]
    )
    return "refine" if more_precise else "same"


def _same(field: str, old: str, new: str) -> bool:
    if field == "website":
        return old.rstrip("/").casefold() == new.rstrip("/").casefold()
    if field == "email":
        return old.casefold() == new.casefold()
    return old == new


def _existing_index(
    rows: Iterable[Mapping[str, Any]], lock: bool = False
) -> dict[tuple[str, str | None], list[Registered]]:
    """Registered institutions in the rows' countries, keyed like the rows (two queries)."""
    codes = sorted({r["country"] for r in rows if r["country"]})
    if lock:
        # Serialize imports touching the same countries: two commits cannot both create
        # the same institution.
        list(
            Country.objects.select_for_update().filter(code__in=codes).values_list("pk", flat=True)
        )
    institutions = list(
        Institution.objects.filter(country__code__in=codes).select_related("country")
    )
    memberships: dict[int, list[Membership]] = {}
    for membership in Membership.objects.filter(
        institution__in=[i.pk for i in institutions]
    ).select_related("category"):
        memberships.setdefault(membership.institution_id, []).append(membership)
    index: dict[tuple[str, str | None], list[Registered]] = {}
    for institution in institutions:
        registered = Registered(institution, tuple(memberships.get(institution.pk, ())))
        index.setdefault(name_key(institution.name, institution.country.code), []).append(
            registered
        )
    return index


def _problem(code: str, field: str | None, **params: Any) -> dict[str, Any]:
    return {"code": code, "field": field, "params": params}


def _plan_membership(
    row: Mapping[str, Any], registered: Registered
) -> tuple[list[str], list[dict[str, Any]]]:
    """What a matched row changes in the membership (changes, problems)."""
    current = registered.current
    if current is None and registered.memberships:
        ended = max(m.valid_to for m in registered.memberships if m.valid_to is not None)
        return [], [_problem("membership_ended", None, current=ended.isoformat())]
    if current is None:
        return ["membership"], []
    changes: list[str] = []
    problems: list[dict[str, Any]] = []
    if row["category"] and current.category is None:
        changes.append("category")
    elif (
        row["category"]
        and current.category is not None
        and current.category.code != row["category"]
    ):
        problems.append(_problem("category_conflict", "category", current=current.category.code))
    # The file's "member since" is the start of the unbroken run, not of the category row in
    # force; an import only fills in or refines the row in force (when it starts the run).
    admitted = run_start(current, registered.memberships)
    if row["since"] and admitted.valid_from is None:
        if admitted.pk == current.pk:
            changes.append("member_since")
    elif row["since"] and admitted.valid_from is not None:
        verdict = _compare_since(admitted, dt.date.fromisoformat(row["since"]), row["precision"])
        if verdict == "refine" and admitted.pk == current.pk:
            changes.append("member_since")
        elif verdict == "conflict":
            problems.append(
                _problem("since_conflict", "member_since", current=admitted.valid_from.isoformat())
            )
    return changes, problems


def _plan_match(
    row: dict[str, Any], registered: Registered
) -> tuple[list[str], list[dict[str, Any]]]:
    """A row matching one registered institution: the fields it fills in or changes."""
    institution = registered.institution
    row["institution_id"], row["example"] = institution.pk, institution.is_example
    changes = [
        f for f in UPDATABLE_FIELDS if row[f] and not _same(f, getattr(institution, f), row[f])
    ]
    membership_changes, problems = _plan_membership(row, registered)
    return changes + membership_changes, problems


@dataclass(frozen=True)
class _AcronymHolder:
    pk: int
    name: str
    country: str


def _acronym_index(rows: Iterable[Mapping[str, Any]]) -> dict[str, list[_AcronymHolder]]:
    """Registered institutions using the rows' acronyms, case aside (one query)."""
    keys = {acronym_key(r["acronym"]) for r in rows if r["acronym"]}
    if not keys:
        return {}
    index: dict[str, list[_AcronymHolder]] = {}
    holders = (
        Institution.objects.annotate(acronym_lower=Lower("acronym"))
        .filter(acronym_lower__in=keys)
        .values_list("pk", "acronym", "name", "country__code")
        .order_by("pk")
    )
    for pk, acronym, name, country in holders:
        index.setdefault(acronym_key(acronym), []).append(_AcronymHolder(pk, name, country))
    return index


def _plan_acronym(
    row: dict[str, Any], holders: dict[str, list[_AcronymHolder]]
) -> list[dict[str, Any]]:
    """An acronym another registered institution uses: an error in the same country, a
    warning (on the row) in another."""
    row["warnings"] = [w for w in row["warnings"] if w["code"] != "acronym_elsewhere"]
    if not row["acronym"]:
        return []
    others = [
        h for h in holders.get(acronym_key(row["acronym"]), []) if h.pk != row["institution_id"]
    ]
    same = [h for h in others if h.country == row["country"]]
    if same:
        return [_problem("acronym_taken", "acronym", value=row["acronym"], name=same[0].name)]
    if others:
        row["warnings"].append(
            {
                "field": "acronym",
                "code": "acronym_elsewhere",
                "params": {
                    "value": row["acronym"],
                    "name": others[0].name,
                    "country": others[0].country,
                },
            }
        )
    return []


def plan_rows(rows: list[dict[str, Any]], *, lock: bool = False) -> list[dict[str, Any]]:
    """Set each valid row's action and changes against the registry now; return new errors."""
    valid = [r for r in rows if r["valid"]]
    index = _existing_index(valid, lock=lock)
    acronyms = _acronym_index(valid)
    errors: list[dict[str, Any]] = []
    for row in rows:
        if not row["valid"]:
            row["action"], row["changes"], row["institution_id"] = "error", [], None
            continue
        matches = index.get(name_key(row["name"], row["country"]), [])
        changes: list[str] = []
        problems: list[dict[str, Any]] = []
        row["institution_id"] = None
        if len(matches) > 1:
            problems = [_problem("ambiguous", "name")]
        elif matches:
            changes, problems = _plan_match(row, matches[0])
        if len(matches) <= 1:
            problems += _plan_acronym(row, acronyms)
        if problems:
            row["action"], row["changes"] = "error", []
            errors.extend({"line": row["line"], **p} for p in problems)
        elif not matches:
            row["action"], row["changes"], row["institution_id"] = "create", [], None
        else:
            row["action"], row["changes"] = ("update" if changes else "unchanged"), changes
    return errors


def count_actions(rows: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """How many rows create, update, leave unchanged or are errors (and their warnings)."""
    counts = {"rows": 0, "create": 0, "update": 0, "unchanged": 0, "error": 0, "warnings": 0}
    for row in rows:
        counts["rows"] += 1
        counts[row["action"]] += 1
        counts["warnings"] += len(row["warnings"])
    return counts
