"""The financial statements (IPSAS 1 and 2) as figures, and the pages that show them.

`statement_figures(first_year=…, last_year=…)` is the one computation every output uses (the
pages, the PDFs, the XLSX, the audit package): row templates over the IPSAS account classes
and each account's `statement_line` (design.md "Finance ledger"), in USD minor units, for the
period first_year..last_year and its comparative (the same number of years just before it).
It reads the ledger in four aggregate queries whatever the number of lines, and returns a
JSON-serializable dict (what an approved set freezes), whose keys are language-free: the
labels are given at rendering time (`line_label`).

- Financial position at the end of the last year: assets (current, non-current),
  liabilities (current, non-current) and net assets by statement line; the surplus of
  years not yet closed is shown within net assets, so assets = liabilities + net assets.
- Financial performance over the period: revenue and expenses by statement line, the
  year-end closing entries left out; surplus/(deficit) = revenue − expenses.
- Changes in net assets: opening, surplus, other movements (entries on net-asset accounts,
  what a closing entry carries there being the surplus already counted), closing.
- Cash flow (IPSAS 2, direct method): the movement of the cash accounts (`is_cash`) of each
  entry is allocated to that entry's other lines, grouped by their account's `cash_flow`
  activity and statement line; revaluation entries are the effect of exchange rates on cash.
  Opening cash + net movement = closing cash.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from secretariat.core.access import can, get_for_user_or_404, list_for_user, permission_for
from secretariat.core.models import User
from secretariat.finance.models import (
    AccountClass,
    CashFlowActivity,
    FiscalYear,
    Line,
    SourceKind,
    StatementLine,
    StatementSet,
)
from secretariat.governance.models import AgendaItem, RulesProfile, Session

VIEW = "finance.view_statements"
PREPARE = "finance.prepare_statements"
APPROVE = "finance.approve_statements"
STATEMENTS_PDF = "finance.statements"
STATEMENTS_XLSX = "finance.statements_xlsx"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COUNTED = ("posted", "reversed")

StatementSetAction = Literal["view", "prepare", "approve"]
STATEMENT_SET_ACTIONS: dict[str, str | None] = {
    "view": VIEW,
    "prepare": PREPARE,
    "approve": APPROVE,
}

# Buckets of the ledger's years: before the comparative period, the comparative, the current.
BEFORE, COMPARATIVE, CURRENT = 0, 1, 2

# The row templates: which statement lines go in which section, in this order.
CURRENT_ASSETS = ("cash", "receivables", "other_receivables", "prepayments")
NON_CURRENT_ASSETS = ("investments", "ppe")
CURRENT_LIABILITIES = ("payables", "advance_receipts", "other_liabilities")
NON_CURRENT_LIABILITIES = ("employee_benefits",)
NET_ASSET_LINES = ("accumulated_surplus", "reserves")
REVENUE_LINES = (
    "assessed_contributions",
    "voluntary_contributions",
    "training_revenue",
    "investment_revenue",
    "fx_differences",
    "other_revenue",
)
EXPENSE_LINES = (
    "staff_costs",
    "travel",
    "services",
    "supplies",
    "depreciation",
    "fx_differences",
    "other_expenses",
)
CLASS_LINES: dict[str, tuple[str, ...]] = {
    AccountClass.ASSET: CURRENT_ASSETS + NON_CURRENT_ASSETS,
    AccountClass.LIABILITY: CURRENT_LIABILITIES + NON_CURRENT_LIABILITIES,
    AccountClass.NET_ASSETS: NET_ASSET_LINES,
    AccountClass.REVENUE: REVENUE_LINES,
    AccountClass.EXPENSE: EXPENSE_LINES,
}
# An account without a line of its class's template is shown on its class's "other" line.
FALLBACK_LINE: dict[str, str] = {
    AccountClass.ASSET: "other_receivables",
    AccountClass.LIABILITY: "other_liabilities",
    AccountClass.NET_ASSETS: "accumulated_surplus",
    AccountClass.REVENUE: "other_revenue",
    AccountClass.EXPENSE: "other_expenses",
}
DEBIT_CLASSES = (AccountClass.ASSET, AccountClass.EXPENSE)
FX_EFFECT = "fx_effect"
UNCLOSED_SURPLUS = "unclosed_surplus"

# Labels of the rows that are not statement lines (the statement lines' are the model's).
ROW_LABELS = {
    "current_assets": gettext_lazy("Current assets"),
    "non_current_assets": gettext_lazy("Non-current assets"),
    "current_liabilities": gettext_lazy("Current liabilities"),
    "non_current_liabilities": gettext_lazy("Non-current liabilities"),
    "net_assets": gettext_lazy("Net assets/equity"),
    "revenue": gettext_lazy("Revenue"),
    "expenses": gettext_lazy("Expenses"),
    UNCLOSED_SURPLUS: gettext_lazy("Surplus/(deficit) of years not yet closed"),
    FX_EFFECT: gettext_lazy("Effect of exchange rate changes on cash"),
    "operating": CashFlowActivity.OPERATING.label,
    "investing": CashFlowActivity.INVESTING.label,
    "financing": CashFlowActivity.FINANCING.label,
}


def line_label(key: str) -> str:
    """The label of a row key, in the active language."""
    if key in ROW_LABELS:
        return str(ROW_LABELS[key])
    try:
        return str(StatementLine(key).label)
    except ValueError:
        return key


def _statement_line(account_class: str, line: str) -> str:
    return line if line in CLASS_LINES.get(account_class, ()) else FALLBACK_LINE[account_class]


def _natural(account_class: str, debit: int, credit: int) -> int:
    return debit - credit if account_class in DEBIT_CLASSES else credit - debit


def comparative_years(first_year: int, last_year: int) -> tuple[int, int]:
    """The comparative period: as many years as the period, just before it."""
    length = last_year - first_year + 1
    return first_year - length, first_year - 1


def _bucket(field: str, comp_first: int, first_year: int) -> Case:
    return Case(
        When(**{f"{field}__lt": comp_first}, then=Value(BEFORE)),
        When(**{f"{field}__lt": first_year}, then=Value(COMPARATIVE)),
        default=Value(CURRENT),
        output_field=IntegerField(),
    )


def _closing_flag() -> Case:
    return Case(
        When(entry__source_kind=SourceKind.CLOSING, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


def _counted(last_year: int) -> QuerySet[Line]:
    return Line.objects.filter(entry__state__in=COUNTED, entry__fiscal_year__year__lte=last_year)


def _balance_rows(first_year: int, last_year: int, comp_first: int) -> list[tuple[Any, ...]]:
    """Query 1: USD debits and credits per account, bucket and closing/not."""
    return list(
        _counted(last_year)
        .annotate(
            bucket=_bucket("entry__fiscal_year__year", comp_first, first_year),
            closing=_closing_flag(),
        )
        .values(
            "account__account_class",
            "account__statement_line",
            "account__is_cash",
            "bucket",
            "closing",
        )
        .annotate(debit=Coalesce(Sum("base_debit"), 0), credit=Coalesce(Sum("base_credit"), 0))
        .values_list(
            "account__account_class",
            "account__statement_line",
            "account__is_cash",
            "bucket",
            "closing",
            "debit",
            "credit",
        )
        .order_by()
    )


def _cash_rows(first_year: int, last_year: int, comp_first: int) -> list[tuple[Any, ...]]:
    """Query 2: the counterpart lines of every entry that moves cash, by activity and line
    (credit − debit on the counterpart is the cash received)."""
    moves_cash = Exists(Line.objects.filter(entry_id=OuterRef("entry_id"), account__is_cash=True))
    return list(
        _counted(last_year)
        .filter(entry__fiscal_year__year__gte=comp_first, account__is_cash=False)
        .filter(moves_cash)
        .annotate(
            bucket=_bucket("entry__fiscal_year__year", comp_first, first_year),
            revaluation=Case(
                When(entry__source_kind=SourceKind.REVALUATION, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .values(
            "account__account_class",
            "account__statement_line",
            "account__cash_flow",
            "bucket",
            "revaluation",
        )
        .annotate(debit=Coalesce(Sum("base_debit"), 0), credit=Coalesce(Sum("base_credit"), 0))
        .values_list(
            "account__account_class",
            "account__statement_line",
            "account__cash_flow",
            "bucket",
            "revaluation",
            "debit",
            "credit",
        )
        .order_by()
    )


def _receivable_rows(first_year: int, last_year: int) -> list[tuple[Any, ...]]:
    """Query 3: dues receivable by member at the end of each period."""
    return list(
        _counted(last_year)
        .filter(account__is_receivable=True)
        .values("member__name")
        .annotate(
            current=Coalesce(Sum("base_debit"), 0) - Coalesce(Sum("base_credit"), 0),
            comparative=Coalesce(
                Sum("base_debit", filter=Q(entry__fiscal_year__year__lt=first_year)), 0
            )
            - Coalesce(Sum("base_credit", filter=Q(entry__fiscal_year__year__lt=first_year)), 0),
        )
        .values_list("member__name", "current", "comparative")
        .order_by("member__name")
    )


def _year_rows(comp_first: int, last_year: int) -> list[tuple[Any, ...]]:
    """Query 4: the fiscal years of both periods (their dates and states)."""
    return list(
        FiscalYear.objects.filter(year__gte=comp_first, year__lte=last_year)
        .order_by("year")
        .values_list("year", "start", "end", "state")
    )


Pair = list[int]  # [current, comparative]


class _Sums:
    """Accumulators keyed by (section, row) with a current and a comparative figure."""

    def __init__(self) -> None:
        self.values: dict[tuple[str, str], Pair] = defaultdict(lambda: [0, 0])

    def add(self, section: str, row: str, current: int, comparative: int) -> None:
        pair = self.values[(section, row)]
        pair[0] += current
        pair[1] += comparative

    def rows(self, section: str, order: Iterable[str]) -> list[dict[str, Any]]:
        return [
            {"line": row, "current": pair[0], "comparative": pair[1]}
            for row in order
            if (pair := self.values.get((section, row))) and (pair[0] or pair[1])
        ]


def _total(rows: list[dict[str, Any]]) -> Pair:
    return [sum(r["current"] for r in rows), sum(r["comparative"] for r in rows)]


def _section(key: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"key": key, "lines": rows, "total": _total(rows)}


def _position_and_performance(rows: list[tuple[Any, ...]]) -> dict[str, Any]:
    """Financial position, performance and changes in net assets from query 1's rows."""
    position = _Sums()  # cumulative at the end of each period
    performance = _Sums()  # movements of the period, closing entries left out
    opening = [0, 0]  # net assets (with unclosed surplus) at each period's start
    # movements of net assets other than the surplus: entries on net-asset accounts, less
    # what closing entries carry there from revenue and expenses (nothing, when they balance)
    other = [0, 0]
    cash = [0, 0, 0]  # cash at the end of: before, comparative, current
    for klass, line, is_cash, bucket, closing, debit, credit in rows:
        amount = _natural(klass, int(debit), int(credit))
        at_end = [amount, amount if bucket <= COMPARATIVE else 0]
        row = _statement_line(klass, line)
        if is_cash:
            for i in range(bucket, 3):
                cash[i] += amount
        if klass in (AccountClass.REVENUE, AccountClass.EXPENSE):
            sign = 1 if klass == AccountClass.REVENUE else -1
            position.add("net_assets", UNCLOSED_SURPLUS, sign * at_end[0], sign * at_end[1])
            if bucket == BEFORE:
                opening[1] += sign * amount
            if bucket <= COMPARATIVE:
                opening[0] += sign * amount
            if closing and bucket != BEFORE:  # what the closing entry carries to net assets
                other[0 if bucket == CURRENT else 1] += sign * amount
            if not closing and bucket != BEFORE:
                section = "revenue" if klass == AccountClass.REVENUE else "expenses"
                performance.add(
                    section,
                    row,
                    amount if bucket == CURRENT else 0,
                    amount if bucket == COMPARATIVE else 0,
                )
            continue
        section = _position_section(klass, row)
        position.add(section, row, *at_end)
        if klass == AccountClass.NET_ASSETS:
            if bucket == BEFORE:
                opening[1] += amount
            if bucket <= COMPARATIVE:
                opening[0] += amount
            if bucket != BEFORE:
                other[0 if bucket == CURRENT else 1] += amount
    return _assemble(position, performance, opening, other, cash)


def _position_section(klass: str, row: str) -> str:
    if klass == AccountClass.ASSET:
        return "current_assets" if row in CURRENT_ASSETS else "non_current_assets"
    if klass == AccountClass.LIABILITY:
        return "current_liabilities" if row in CURRENT_LIABILITIES else "non_current_liabilities"
    return "net_assets"


def _assemble(
    position: _Sums, performance: _Sums, opening: Pair, other: Pair, cash: list[int]
) -> dict[str, Any]:
    sections = {
        "current_assets": _section(
            "current_assets", position.rows("current_assets", CURRENT_ASSETS)
        ),
        "non_current_assets": _section(
            "non_current_assets", position.rows("non_current_assets", CLASS_LINES["asset"])
        ),
        "current_liabilities": _section(
            "current_liabilities", position.rows("current_liabilities", CLASS_LINES["liability"])
        ),
        "non_current_liabilities": _section(
            "non_current_liabilities",
            position.rows("non_current_liabilities", NON_CURRENT_LIABILITIES),
        ),
        "net_assets": _section(
            "net_assets", position.rows("net_assets", (*NET_ASSET_LINES, UNCLOSED_SURPLUS))
        ),
    }
    total = {key: section["total"] for key, section in sections.items()}
    assets = _add(total["current_assets"], total["non_current_assets"])
    liabilities = _add(total["current_liabilities"], total["non_current_liabilities"])
    revenue = _section("revenue", performance.rows("revenue", REVENUE_LINES))
    expenses = _section("expenses", performance.rows("expenses", EXPENSE_LINES))
    surplus = _sub(revenue["total"], expenses["total"])
    return {
        "position": {
            "sections": list(sections.values()),
            "total_assets": assets,
            "total_liabilities": liabilities,
            "total_net_assets": total["net_assets"],
            "total_liabilities_and_net_assets": _add(liabilities, total["net_assets"]),
        },
        "performance": {"sections": [revenue, expenses], "surplus": surplus},
        "changes": {
            "opening": opening,
            "surplus": surplus,
            "other": other,
            "closing": _add(_add(opening, surplus), other),
        },
        "_cash": cash,
    }


def _add(a: Pair, b: Pair) -> Pair:
    return [a[0] + b[0], a[1] + b[1]]


def _sub(a: Pair, b: Pair) -> Pair:
    return [a[0] - b[0], a[1] - b[1]]


def _cash_flow(rows: list[tuple[Any, ...]], cash: list[int]) -> dict[str, Any]:
    """The cash-flow statement from query 2's rows and the cash balances of query 1."""
    flows = _Sums()
    fx = [0, 0]
    for klass, line, activity, bucket, revaluation, debit, credit in rows:
        received = int(credit) - int(debit)
        current, comparative = (received, 0) if bucket == CURRENT else (0, received)
        if revaluation:
            fx = _add(fx, [current, comparative])
            continue
        row = _statement_line(klass, line)
        flows.add(activity, f"{klass}:{row}", current, comparative)
    sections = []
    for activity in CashFlowActivity.values:
        order = [f"{klass}:{row}" for klass, lines in CLASS_LINES.items() for row in lines]
        rows_ = [
            {**r, "line": r["line"].split(":", 1)[1], "class": r["line"].split(":", 1)[0]}
            for r in flows.rows(activity, order)
        ]
        sections.append(_section(activity, rows_))
    net = [
        sum(s["total"][0] for s in sections) + fx[0],
        sum(s["total"][1] for s in sections) + fx[1],
    ]
    return {
        "sections": sections,
        "fx_effect": fx,
        "net_change": net,
        "opening_cash": [cash[1], cash[0]],
        "closing_cash": [cash[2], cash[1]],
    }


def statement_figures(*, first_year: int, last_year: int) -> dict[str, Any]:
    """The four statements, the dues-receivable note and the years, for first_year..
    last_year with the comparative period: ints in USD minor units, JSON-serializable.
    Four queries, whatever the size of the ledger."""
    comp_first, comp_last = comparative_years(first_year, last_year)
    years = _year_rows(comp_first, last_year)
    statements = _position_and_performance(_balance_rows(first_year, last_year, comp_first))
    cash = statements.pop("_cash")
    receivables = [
        {"member": name or "", "current": int(current), "comparative": int(comparative)}
        for name, current, comparative in _receivable_rows(first_year, last_year)
        if current or comparative
    ]
    return {
        "currency": "USD",
        "first_year": first_year,
        "last_year": last_year,
        "comparative": {"first_year": comp_first, "last_year": comp_last},
        "years": [
            {"year": y, "start": s.isoformat(), "end": e.isoformat(), "state": st}
            for y, s, e, st in years
        ],
        **statements,
        "cash_flow": _cash_flow(_cash_rows(first_year, last_year, comp_first), cash),
        "notes": {"receivables_by_member": receivables},
    }


# --- the statement sets: lists, pages -----------------------------------------------------


def statement_set_get_for_user(
    *, user: Any, pk: int, action: StatementSetAction = "view"
) -> StatementSet:
    queryset: QuerySet[StatementSet] = StatementSet.objects.select_related(
        "approved_by", "created_by", "agenda_item__session"
    )
    return get_for_user_or_404(
        queryset, user=user, perm=permission_for(STATEMENT_SET_ACTIONS, action), pk=pk
    )


def statement_set_list_for_user(*, user: Any) -> QuerySet[StatementSet]:
    queryset: QuerySet[StatementSet] = StatementSet.objects.select_related(
        "approved_by", "agenda_item__session"
    ).order_by("-last_year", "-first_year", "-pk")
    return list_for_user(queryset, user=user, perm=VIEW)


def statement_set_list_can_prepare(user: Any) -> bool:
    return can(user, PREPARE)


def statement_years_open() -> list[int]:
    """The fiscal years the books have, newest first (the choices of the form)."""
    return list(FiscalYear.objects.order_by("-year").values_list("year", flat=True))


def filing_agenda_items() -> QuerySet[AgendaItem]:
    """Items of General Assembly sessions still being prepared or held, where the statements
    may be filed (governance refuses a closed or cancelled session)."""
    items: QuerySet[AgendaItem] = AgendaItem.objects.select_related("session__body")
    return items.filter(
        session__body__rules_profile=RulesProfile.GENERAL_ASSEMBLY,
        session__state__in=[Session.State.DRAFT, Session.State.CONVENED, Session.State.OPEN],
        withdrawn=False,
    ).order_by("session__starts_at", "position", "pk")


def set_figures(statement_set: StatementSet) -> dict[str, Any]:
    """The figures a set shows: frozen once approved (never the ledger again), else live."""
    if statement_set.state == StatementSet.State.APPROVED and statement_set.frozen:
        return dict(statement_set.frozen)
    return statement_figures(first_year=statement_set.first_year, last_year=statement_set.last_year)


@dataclass(frozen=True)
class StatementPage:
    statement_set: StatementSet
    figures: dict[str, Any]
    is_draft: bool
    can_approve: bool
    can_file: bool
    agenda_items: tuple[AgendaItem, ...]


def statement_page(*, user: User, statement_set: StatementSet) -> StatementPage:
    """What the detail page shows: the four statements and what the user may do."""
    is_draft = statement_set.state == StatementSet.State.DRAFT
    can_file = not is_draft and statement_set.agenda_item_id is None and can(user, APPROVE)
    return StatementPage(
        statement_set=statement_set,
        figures=set_figures(statement_set),
        is_draft=is_draft,
        can_approve=is_draft and can(user, APPROVE),
        can_file=can_file,
        agenda_items=tuple(filing_agenda_items()) if can_file else (),
    )


def period_label(first_year: int, last_year: int) -> str:
    if first_year == last_year:
        return str(first_year)
    return f"{first_year}–{last_year}"


def statements_title(statement_set: StatementSet) -> str:
    return _("Financial statements %(period)s") % {
        "period": period_label(statement_set.first_year, statement_set.last_year)
    }


def file_name(statement_set: StatementSet, extension: str, language: str = "") -> str:
    suffix = f"-{language}" if language else ""
    period = f"{statement_set.first_year}-{statement_set.last_year}"
    if statement_set.first_year == statement_set.last_year:
        period = str(statement_set.first_year)
    return f"estados-financieros-{period}-v{statement_set.version}{suffix}.{extension}"


def end_of(figures: dict[str, Any]) -> dt.date | None:
    """The end date of the period's last year, if the books have that year."""
    for row in figures.get("years", []):
        if row["year"] == figures["last_year"]:
            return dt.date.fromisoformat(row["end"])
    return None
