"""The finance app's reference data: the starting chart of accounts, journals, funds and
programmes (data/ciss/finance/chart.yaml, a chart proposed by Secretariat, not the CISS's
own). Registered with core.reference_data from FinanceConfig.ready, after governance.

A new record is created with everything the file says; an existing one only has its names
brought up to date, since the Secretariat edits the chart (class, statement line, currency)
through the finance pages; nothing is ever deleted."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.management.base import CommandError

from secretariat.core import reference_data
from secretariat.core.reference_data import Loader, translated
from secretariat.finance.models import (
    NORMAL_SIDE,
    Account,
    AccountClass,
    Fund,
    Journal,
    Programme,
)

CHART_FILE = "finance/chart.yaml"


def _account_values(row: Mapping[str, Any], parents: Mapping[str, Account]) -> dict[str, Any]:
    klass = AccountClass(row["class"])
    parent_code = row.get("parent")
    if parent_code is not None and parent_code not in parents:
        raise CommandError(f"{CHART_FILE}: {row['code']}: unknown parent {parent_code!r}")
    return {
        "parent_id": parents[parent_code].pk if parent_code else None,
        "account_class": klass.value,
        "normal_side": row.get("side") or NORMAL_SIDE[klass].value,
        "is_postable": not row.get("header", False),
        "statement_line": row.get("line", ""),
        "cash_flow": row.get("flow", "operating"),
        "is_cash": bool(row.get("cash", False)),
        "is_receivable": bool(row.get("receivable", False)),
        "currency": row.get("currency", ""),
    }


def load_accounts(loader: Loader, rows: list[Mapping[str, Any]]) -> dict[str, Account]:
    """Accounts in file order (a parent before its children)."""
    accounts: dict[str, Account] = {}
    for row in rows:
        code = str(row["code"])
        accounts[code] = loader.upsert(
            Account,
            {"code": code},
            translated("name", row.get("name")),
            on_create=_account_values(row, accounts),
        )
    return accounts


def _named(
    loader: Loader, model: Any, rows: list[Mapping[str, Any]], on_create_keys: tuple[str, ...] = ()
) -> None:
    for row in rows:
        on_create = {key: row[key] for key in on_create_keys if key in row}
        loader.upsert(
            model,
            {"code": str(row["code"])},
            translated("name", row.get("name")),
            on_create=on_create,
        )


def load(loader: Loader) -> None:
    data = loader.read(CHART_FILE)
    if not data.get("source"):
        raise CommandError(f"{CHART_FILE}: the chart needs its source")
    load_accounts(loader, data.get("accounts") or [])
    _named(loader, Journal, data.get("journals") or [], ("kind",))
    _named(loader, Fund, data.get("funds") or [])
    _named(loader, Programme, data.get("programmes") or [])


def register_loaders() -> None:
    reference_data.register("finance", load, order=30)
