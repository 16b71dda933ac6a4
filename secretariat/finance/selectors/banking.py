"""Reading bank statements: the list, a statement's lines with their suggested ledger lines
(one query for a page of lines), the proposals of auto-match, and the reconciliation report
(also read by the audit package: keep `reconciliation_report(statement)` stable)."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import Count, Min, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from secretariat.core.access import can, get_for_user_or_404, list_for_user, permission_for
from secretariat.finance.models import Account, BankStatement, BankStatementLine, Line
from secretariat.finance.selectors.ledger import COUNTED

WINDOW_DAYS = 10
MAX_SUGGESTIONS = 3
BANK_ACTIONS: dict[str, str | None] = {
    "view": "finance.view_ledger",
    "manage": "finance.manage_banking",
}
BankAction = Literal["view", "manage"]


# --- Lists and objects ------------------------------------------------------------------


def bank_statement_list_for_user(*, user: Any) -> QuerySet[BankStatement]:
    """Every statement, newest first, with its account and its counts of lines."""
    rows = BankStatement.objects.select_related("account").annotate(
        line_count=Count("lines"),
        unmatched_count=Count("lines", filter=Q(lines__state=BankStatementLine.State.UNMATCHED)),
    )
    return list_for_user(rows.order_by("-ends", "-id"), user=user, perm="finance.view_ledger")


def bank_statement_list_can_manage(user: Any) -> bool:
    return can(user, "finance.manage_banking")


def bank_statement_get_for_user(
    *, user: Any, pk: int, action: BankAction = "view"
) -> BankStatement:
    return get_for_user_or_404(
        BankStatement.objects.select_related("account", "imported_by"),
        user=user,
        perm=permission_for(BANK_ACTIONS, action),
        pk=pk,
    )


def bank_line_get_for_user(
    *, user: Any, pk: int, action: BankAction = "manage"
) -> BankStatementLine:
    return get_for_user_or_404(
        BankStatementLine.objects.select_related(
            "statement", "statement__account", "matched_line__entry__journal"
        ),
        user=user,
        perm=permission_for(BANK_ACTIONS, action),
        pk=pk,
    )


def bank_accounts() -> QuerySet[Account]:
    """The open bank accounts kept in one currency (where a statement can be imported)."""
    return (
        Account.objects.filter(is_cash=True, is_postable=True, is_active=True)
        .exclude(currency="")
        .order_by("code")
    )


def bank_account(*, pk: object) -> Account | None:
    """One of `bank_accounts()` by its id (None when it is not one)."""
    try:
        number = int(str(pk))
    except ValueError:
        return None
    return bank_accounts().filter(pk=number).first()


def bank_lines_of(statement: BankStatement) -> QuerySet[BankStatementLine]:
    """A statement's lines in order, with their matched ledger line and its entry."""
    return statement.lines.select_related("matched_line__entry__journal").order_by("sequence")


def ledger_line_for_match(*, bank_line: BankStatementLine, pk: int) -> Line | None:
    """A ledger line of the bank line's account (the service checks the rest)."""
    return (
        Line.objects.select_related("entry")
        .filter(pk=pk, account_id=bank_line.statement.account_id)
        .first()
    )


def match_candidates(bank_line: BankStatementLine) -> QuerySet[Line]:
    """Every unmatched posted ledger line of the bank line's account in its currency and for
    its amount, whatever its date (a cheque that cleared weeks later), newest first: what the
    officer chooses from when no suggestion falls within the window."""
    side = Q(debit=bank_line.amount) if bank_line.amount > 0 else Q(credit=-bank_line.amount)
    return (
        Line.objects.filter(
            account_id=bank_line.statement.account_id,
            currency=bank_line.currency,
            entry__state__in=COUNTED,
            bank_line__isnull=True,
        )
        .filter(side)
        .select_related("entry__journal")
        .order_by("-entry__date", "-pk")
    )


# --- Suggestions ------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """An unmatched ledger line that could be this statement line: same amount and
    currency, dated within the window; ranked by reference similarity then date distance."""

    line: Line
    days: int
    similarity: float

    @property
    def date(self) -> dt.date:
        return self.line.entry.date

    @property
    def label(self) -> str:
        return str(self.line.entry)

    @property
    def text(self) -> str:
        return self.line.entry.description


_TOKEN = re.compile(r"[0-9a-z]{3,}")


def _tokens(*texts: str) -> set[str]:
    return {t for text in texts for t in _TOKEN.findall((text or "").lower())}


def _ledger_texts(line: Line) -> list[str]:
    entry = line.entry
    payment = getattr(entry, "payment", None)
    texts = [entry.source_reference, entry.description, line.description]
    if payment is not None:
        texts.insert(0, payment.bank_reference)
    return [text for text in texts if text]


def similarity(bank_line: BankStatementLine, ledger_line: Line) -> float:
    """1 when the bank's reference is one of the ledger's references, else the share of
    the ledger's words found in the bank line's reference, description and counterparty."""
    texts = _ledger_texts(ledger_line)
    reference = bank_line.reference.strip().lower()
    if reference and any(reference == text.strip().lower() for text in texts):
        return 1.0
    ledger = _tokens(*texts)
    bank = _tokens(bank_line.reference, bank_line.description, bank_line.counterparty)
    if not ledger or not bank:
        return 0.0
    return round(len(ledger & bank) / min(len(ledger), len(bank)), 2)


def _candidates(account_id: int, lines: Sequence[BankStatementLine]) -> list[Line]:
    """One query: the unmatched posted ledger lines on the account that could match any of
    `lines` (same currency, one of their amounts, within the window of their dates)."""
    if not lines:
        return []
    credits = {line.amount for line in lines if line.amount > 0}
    debits = {-line.amount for line in lines if line.amount < 0}
    first = min(line.booking_date for line in lines) - dt.timedelta(days=WINDOW_DAYS)
    last = max(line.booking_date for line in lines) + dt.timedelta(days=WINDOW_DAYS)
    return list(
        Line.objects.filter(
            account_id=account_id,
            currency__in={line.currency for line in lines},
            entry__state__in=COUNTED,
            entry__date__range=(first, last),
            bank_line__isnull=True,
        )
        .filter(Q(debit__in=credits) | Q(credit__in=debits))
        .select_related("entry__journal", "entry__payment")
        .order_by("entry__date", "pk")
    )


def suggestions_for(
    account_id: int, lines: Sequence[BankStatementLine], limit: int | None = MAX_SUGGESTIONS
) -> dict[int, list[Suggestion]]:
    """Each unmatched line's suggestions, best first (one query for all of them)."""
    open_lines = [line for line in lines if line.state == BankStatementLine.State.UNMATCHED]
    by_amount: dict[tuple[str, int], list[Line]] = defaultdict(list)
    for candidate in _candidates(account_id, open_lines):
        by_amount[(candidate.currency, candidate.debit - candidate.credit)].append(candidate)
    found: dict[int, list[Suggestion]] = {}
    for line in open_lines:
        rows = []
        for candidate in by_amount.get((line.currency, line.amount), []):
            days = abs((candidate.entry.date - line.booking_date).days)
            if days <= WINDOW_DAYS:
                rows.append(Suggestion(candidate, days, similarity(line, candidate)))
        rows.sort(key=lambda s: (-s.similarity, s.days, s.line.pk))
        found[line.pk] = rows[:limit] if limit else rows
    return found


def auto_match_pairs(statement: BankStatement) -> list[tuple[BankStatementLine, Line]]:
    """The exact, unique proposals: a line with exactly one suggestion that no other line
    of the statement has."""
    lines = list(
        statement.lines.filter(state=BankStatementLine.State.UNMATCHED).order_by("sequence")
    )
    suggestions = suggestions_for(statement.account_id, lines, limit=None)
    claims: dict[int, int] = defaultdict(int)
    for rows in suggestions.values():
        for row in rows:
            claims[row.line.pk] += 1
    pairs = []
    for line in lines:
        rows = suggestions.get(line.pk, [])
        if len(rows) == 1 and claims[rows[0].line.pk] == 1:
            pairs.append((line, rows[0].line))
    return pairs


# --- The statement page -----------------------------------------------------------------


@dataclass(frozen=True)
class StatementLineRow:
    line: BankStatementLine
    suggestions: list[Suggestion]


@dataclass(frozen=True)
class StatementPage:
    statement: BankStatement
    rows: list[StatementLineRow]
    line_count: int
    unmatched_count: int
    matched_count: int
    explained_count: int
    movements: int
    can_manage: bool

    @property
    def can_reconcile(self) -> bool:
        return (
            self.can_manage
            and self.unmatched_count == 0
            and self.statement.state == BankStatement.State.OPEN
        )

    @property
    def is_open(self) -> bool:
        return self.statement.state == BankStatement.State.OPEN


def statement_page(
    *, user: Any, statement: BankStatement, lines: Sequence[BankStatementLine]
) -> StatementPage:
    """The page's lines (already paginated) with their suggestions, and the statement's
    counts (one aggregate query)."""
    counts = statement.lines.aggregate(
        total=Count("id"),
        unmatched=Count("id", filter=Q(state=BankStatementLine.State.UNMATCHED)),
        matched=Count("id", filter=Q(state=BankStatementLine.State.MATCHED)),
        explained=Count("id", filter=Q(state=BankStatementLine.State.EXPLAINED)),
        movements=Coalesce(Sum("amount"), 0),
    )
    manage = can(user, "finance.manage_banking")
    suggestions = (
        suggestions_for(statement.account_id, lines)
        if manage and statement.state == BankStatement.State.OPEN
        else {}
    )
    return StatementPage(
        statement=statement,
        rows=[StatementLineRow(line, suggestions.get(line.pk, [])) for line in lines],
        line_count=counts["total"],
        unmatched_count=counts["unmatched"],
        matched_count=counts["matched"],
        explained_count=counts["explained"],
        movements=counts["movements"],
        can_manage=manage,
    )


# --- The reconciliation report ----------------------------------------------------------


@dataclass(frozen=True)
class OutstandingLine:
    """A ledger line on the bank account not (yet) on a statement by the end date: signed
    in the account's currency (positive money in)."""

    pk: int
    date: dt.date
    entry: str
    description: str
    amount: int


@dataclass(frozen=True)
class BankOnlyLine:
    """A statement line with no ledger line matched: unmatched, or explained."""

    pk: int
    sequence: int
    date: dt.date
    reference: str
    description: str
    amount: int
    state: str
    explanation: str


@dataclass(frozen=True)
class ReconciliationReport:
    """The statement's closing balance against the ledger's balance of the account at the
    statement's end date (in the account's currency), and the items that explain the
    difference:

        closing = ledger balance + bank-only items − ledger-only items + unexplained
    """

    statement_pk: int
    account_code: str
    account_name: str
    currency: str
    starts: dt.date
    ends: dt.date
    state: str
    reconciled_at: dt.datetime | None
    closing_balance: int | None
    ledger_balance: int
    bank_only: tuple[BankOnlyLine, ...]
    ledger_only: tuple[OutstandingLine, ...]

    @property
    def bank_only_total(self) -> int:
        return sum(row.amount for row in self.bank_only)

    @property
    def ledger_only_total(self) -> int:
        return sum(row.amount for row in self.ledger_only)

    @property
    def difference(self) -> int | None:
        if self.closing_balance is None:
            return None
        return self.closing_balance - self.ledger_balance

    @property
    def adjusted_ledger_balance(self) -> int:
        return self.ledger_balance + self.bank_only_total - self.ledger_only_total

    @property
    def unexplained(self) -> int | None:
        if self.closing_balance is None:
            return None
        return self.closing_balance - self.adjusted_ledger_balance

    @property
    def is_reconciled(self) -> bool:
        return self.state == BankStatement.State.RECONCILED


def _ledger_lines(statement: BankStatement) -> QuerySet[Line]:
    return Line.objects.filter(
        account_id=statement.account_id,
        currency=statement.currency,
        entry__state__in=COUNTED,
        entry__date__lte=statement.ends,
    )


def reconciliation_report(statement: BankStatement) -> ReconciliationReport:
    """The report of one statement (four queries, whatever its size). Ledger-only items are
    the bank account's lines from the start of its first imported statement to this one's
    end not matched by then (earlier lines are in that first statement's opening balance)."""
    totals = _ledger_lines(statement).aggregate(
        debit=Coalesce(Sum("debit"), 0), credit=Coalesce(Sum("credit"), 0)
    )
    first_start = BankStatement.objects.filter(account_id=statement.account_id).aggregate(
        first=Min("starts")
    )["first"]
    outstanding = (
        _ledger_lines(statement)
        .filter(entry__date__gte=first_start or statement.starts)
        .filter(Q(bank_line__isnull=True) | Q(bank_line__booking_date__gt=statement.ends))
        .select_related("entry__journal")
        .order_by("entry__date", "pk")
    )
    bank_only = statement.lines.exclude(state=BankStatementLine.State.MATCHED).order_by("sequence")
    account = statement.account
    return ReconciliationReport(
        statement_pk=statement.pk,
        account_code=account.code,
        account_name=account.name,
        currency=statement.currency,
        starts=statement.starts,
        ends=statement.ends,
        state=statement.state,
        reconciled_at=statement.reconciled_at,
        closing_balance=statement.closing_balance,
        ledger_balance=totals["debit"] - totals["credit"],
        bank_only=tuple(
            BankOnlyLine(
                line.pk,
                line.sequence,
                line.booking_date,
                line.reference,
                line.description,
                line.amount,
                line.state,
                line.explanation,
            )
            for line in bank_only
        ),
        ledger_only=tuple(
            OutstandingLine(
                line.pk,
                line.entry.date,
                str(line.entry),
                line.description or line.entry.description,
                line.debit - line.credit,
            )
            for line in outstanding
        ),
    )
