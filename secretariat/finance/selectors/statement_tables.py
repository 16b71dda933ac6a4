"""The financial statements as tables: the rows the page, the PDF and the XLSX show, labelled
in the active language, from `statement_figures`'s language-free figures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from secretariat.finance.selectors.statements import FX_EFFECT, line_label, period_label

# The cash-flow statement is presented by the direct method (IPSAS 2): each movement of cash
# is shown as the receipt or payment its counterpart account makes it.
CASH_FLOW_LABELS = {
    "receivables": gettext_lazy("Contributions received"),
    "advance_receipts": gettext_lazy("Contributions received in advance"),
    "voluntary_contributions": gettext_lazy("Voluntary contributions received"),
    "training_revenue": gettext_lazy("Receipts from training and services"),
    "investment_revenue": gettext_lazy("Interest and investment income received"),
    "other_receivables": gettext_lazy("Other receipts"),
    "staff_costs": gettext_lazy("Payments to and on behalf of employees"),
    "travel": gettext_lazy("Payments for travel"),
    "services": gettext_lazy("Payments for contractual services"),
    "supplies": gettext_lazy("Payments for supplies and operating costs"),
    "payables": gettext_lazy("Payments to suppliers"),
    "prepayments": gettext_lazy("Advance payments"),
    "other_expenses": gettext_lazy("Other payments"),
    "investments": gettext_lazy("Investments placed and redeemed (net)"),
    "ppe": gettext_lazy("Purchase of property, plant and equipment"),
}


def cash_flow_label(line: str) -> str:
    """A cash-flow row's label: the receipt or payment, else the counterpart's line."""
    return str(CASH_FLOW_LABELS[line]) if line in CASH_FLOW_LABELS else line_label(line)


# --- the statements as tables (the page, the PDF and the XLSX show the same rows) ------------


@dataclass(frozen=True)
class Row:
    label: str
    current: int | None
    comparative: int | None
    kind: str = "line"  # "heading", "line", "subtotal", "total"


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    rows: tuple[Row, ...]


def _row(label: str, pair: list[int], kind: str = "line") -> Row:
    return Row(label, pair[0], pair[1], kind)


def _lines(section: dict[str, Any]) -> list[Row]:
    rows = [Row(line_label(section["key"]), None, None, "heading")]
    rows += [Row(line_label(r["line"]), r["current"], r["comparative"]) for r in section["lines"]]
    total = section["total"]
    label = _("Total %(section)s") % {"section": line_label(section["key"]).lower()}
    rows.append(Row(label, total[0], total[1], "subtotal"))
    return rows


def _position_table(figures: dict[str, Any]) -> Table:
    position = figures["position"]
    sections = {s["key"]: s for s in position["sections"]}
    rows = _lines(sections["current_assets"]) + _lines(sections["non_current_assets"])
    rows.append(_row(_("Total assets"), position["total_assets"], "total"))
    rows += _lines(sections["current_liabilities"]) + _lines(sections["non_current_liabilities"])
    rows.append(_row(_("Total liabilities"), position["total_liabilities"], "total"))
    rows += _lines(sections["net_assets"])
    rows.append(
        _row(
            _("Total liabilities and net assets"),
            position["total_liabilities_and_net_assets"],
            "total",
        )
    )
    return Table("position", _("Statement of financial position"), tuple(rows))


def _performance_table(figures: dict[str, Any]) -> Table:
    performance = figures["performance"]
    rows: list[Row] = []
    for section in performance["sections"]:
        rows += _lines(section)
    rows.append(_row(_("Surplus/(deficit) for the period"), performance["surplus"], "total"))
    return Table("performance", _("Statement of financial performance"), tuple(rows))


def _changes_table(figures: dict[str, Any]) -> Table:
    changes = figures["changes"]
    rows = (
        _row(_("Net assets at the beginning of the period"), changes["opening"]),
        _row(_("Surplus/(deficit) for the period"), changes["surplus"]),
        _row(_("Other movements in net assets"), changes["other"]),
        _row(_("Net assets at the end of the period"), changes["closing"], "total"),
    )
    return Table("changes", _("Statement of changes in net assets"), rows)


def _cash_flow_table(figures: dict[str, Any]) -> Table:
    flow = figures["cash_flow"]
    rows: list[Row] = []
    for section in flow["sections"]:
        rows.append(Row(line_label(section["key"]), None, None, "heading"))
        rows += [
            Row(cash_flow_label(r["line"]), r["current"], r["comparative"])
            for r in section["lines"]
        ]
        rows.append(
            _row(
                _("Net cash flows from %(activity)s")
                % {"activity": line_label(section["key"]).lower()},
                section["total"],
                "subtotal",
            )
        )
    rows.append(_row(line_label(FX_EFFECT), flow["fx_effect"]))
    rows.append(_row(_("Net increase/(decrease) in cash"), flow["net_change"], "subtotal"))
    rows.append(_row(_("Cash at the beginning of the period"), flow["opening_cash"]))
    rows.append(_row(_("Cash at the end of the period"), flow["closing_cash"], "total"))
    return Table("cash_flow", _("Statement of cash flow"), tuple(rows))


def statement_tables(figures: dict[str, Any]) -> tuple[Table, ...]:
    """The four statements as rows labelled in the active language."""
    return (
        _position_table(figures),
        _performance_table(figures),
        _changes_table(figures),
        _cash_flow_table(figures),
    )


def column_titles(figures: dict[str, Any]) -> tuple[str, str]:
    comparative = figures["comparative"]
    return (
        period_label(figures["first_year"], figures["last_year"]),
        period_label(comparative["first_year"], comparative["last_year"]),
    )
