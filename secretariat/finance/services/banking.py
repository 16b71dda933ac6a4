"""Bank statements: imported (after a preview), their lines matched one-to-one to ledger
lines of the bank account, explained, and the statement reconciled (issue #12 "Bank
statements"; design.md "Finance ledger").

Rules:
- A file is imported once: its SHA-256 refuses a second import of the same file.
- The statement's currency is the bank account's (a cash account kept in one currency).
- A statement line matches one ledger line of a posted entry on the same account, in the
  same currency, for the same amount on the other side (a credit on the statement is a
  debit in the books); a ledger line is matched at most once.
- A statement is reconciled when none of its lines is unmatched; then it no longer changes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from secretariat.core.access import require, require_reason
from secretariat.core.audit import locked, save_audited, snapshot
from secretariat.core.models import User
from secretariat.core.money import format_money
from secretariat.finance.models import Account, BankStatement, BankStatementLine, Line
from secretariat.finance.selectors.banking import auto_match_pairs
from secretariat.finance.selectors.ledger import COUNTED
from secretariat.finance.services.bank_import import (
    FileRefused,
    ParsedStatement,
    parse_statement,
)

PERM = "finance.manage_banking"
MAX_FILE_BYTES = 2 * 1024 * 1024
STATEMENT_FIELDS = [
    "account",
    "file_format",
    "file_name",
    "sha256",
    "statement_id",
    "currency",
    "starts",
    "ends",
    "opening_balance",
    "closing_balance",
    "state",
]
LINE_FIELDS = [
    "statement",
    "sequence",
    "booking_date",
    "value_date",
    "amount",
    "currency",
    "reference",
    "counterparty",
    "description",
    "state",
    "matched_line",
    "explanation",
]
MATCH_FIELDS = ["state", "matched_line", "explanation", "matched_by", "matched_at"]


@dataclass(frozen=True)
class ImportPreview:
    """What importing the file would record: its lines, the problems that stop it (none
    means it can be confirmed) and the warnings the officer should read first."""

    parsed: ParsedStatement | None
    sha256: str
    errors: tuple[str, ...]
    warnings: tuple[str, ...]

    @property
    def can_confirm(self) -> bool:
        return self.parsed is not None and not self.errors


def file_digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _check_account(account: Account) -> list[str]:
    if not account.is_cash or not account.is_postable or not account.is_active:
        return [_("Account %(code)s is not an open bank account.") % {"code": account.code}]
    if not account.currency:
        return [
            _("Account %(code)s is not kept in one currency: a bank account needs its currency.")
            % {"code": account.code}
        ]
    return []


def _balance_warnings(parsed: ParsedStatement) -> list[str]:
    if parsed.opening_balance is None or parsed.closing_balance is None:
        return [_("The file gives no opening and closing balances: they were not checked.")]
    expected = parsed.opening_balance + parsed.movements
    if expected == parsed.closing_balance:
        return []
    return [
        _(
            "The balances do not add up: opening %(opening)s plus movements %(movements)s is "
            "%(expected)s, but the closing balance is %(closing)s."
        )
        % {
            "opening": format_money(parsed.opening_balance, parsed.currency),
            "movements": format_money(parsed.movements, parsed.currency),
            "expected": format_money(expected, parsed.currency),
            "closing": format_money(parsed.closing_balance, parsed.currency),
        }
    ]


def _parsed_errors(parsed: ParsedStatement, account: Account) -> list[str]:
    errors = [str(problem) for problem in parsed.problems]
    if parsed.currency != account.currency:
        errors.append(
            _("The statement is in %(statement)s but account %(code)s is kept in %(account)s.")
            % {
                "statement": parsed.currency or "?",
                "code": account.code,
                "account": account.currency,
            }
        )
    if not parsed.lines:
        errors.append(_("The file holds no movements."))
    if parsed.starts and parsed.ends and parsed.starts > parsed.ends:
        errors.append(_("The statement ends before it starts."))
    return errors


def bank_statement_preview(
    *, actor: User, account: Account, file_name: str, content: bytes, file_format: str
) -> ImportPreview:
    """Read the file and say what would be imported; nothing is saved."""
    require(actor, PERM)
    digest = file_digest(content)
    errors = _check_account(account)
    if len(content) > MAX_FILE_BYTES:
        errors.append(
            _("The file is larger than %(size)s MB.") % {"size": MAX_FILE_BYTES // (1024 * 1024)}
        )
    if not content.strip():
        errors.append(_("The file is empty."))
    if errors:
        return ImportPreview(None, digest, tuple(errors), ())
    existing = BankStatement.objects.filter(sha256=digest).select_related("account").first()
    if existing is not None:
        errors.append(
            _("This file was already imported on %(day)s as the statement of %(statement)s.")
            % {"day": existing.imported_at.date().isoformat(), "statement": str(existing)}
        )
    try:
        parsed = parse_statement(content, file_format=file_format, currency=account.currency)
    except FileRefused as exc:
        return ImportPreview(None, digest, (*errors, str(exc)), ())
    errors += _parsed_errors(parsed, account)
    warnings = [*parsed.warnings, *_balance_warnings(parsed)] if parsed.lines else []
    return ImportPreview(parsed, digest, tuple(errors), tuple(warnings))


@transaction.atomic
def bank_statement_import(
    *, actor: User, account: Account, file_name: str, content: bytes, file_format: str
) -> BankStatement:
    """Import a previewed file: the statement and its lines, all unmatched. Refused with
    the preview's errors when it has any (nothing is saved)."""
    preview = bank_statement_preview(
        actor=actor, account=account, file_name=file_name, content=content, file_format=file_format
    )
    if not preview.can_confirm or preview.parsed is None:
        raise ValidationError(list(preview.errors))
    parsed = preview.parsed
    assert parsed.starts is not None and parsed.ends is not None  # noqa: S101  (lines give dates)
    statement = BankStatement(
        account=account,
        file_format=file_format,
        file_name=(file_name or "")[:200],
        sha256=preview.sha256,
        statement_id=parsed.statement_id,
        currency=parsed.currency,
        starts=parsed.starts,
        ends=parsed.ends,
        opening_balance=parsed.opening_balance,
        closing_balance=parsed.closing_balance,
        imported_by=actor,
    )
    save_audited(statement, actor=actor, event="bank_statement.imported", fields=STATEMENT_FIELDS)
    for row in parsed.lines:
        line = BankStatementLine(
            statement=statement,
            sequence=row.sequence,
            booking_date=row.booking_date,
            value_date=row.value_date,
            amount=row.amount,
            currency=row.currency,
            reference=row.reference,
            counterparty=row.counterparty,
            description=row.description,
        )
        save_audited(
            line, actor=actor, event="bank_line.imported", fields=LINE_FIELDS, log_on=statement
        )
    return statement


def _check_open(line: BankStatementLine) -> None:
    if line.statement.state != BankStatement.State.OPEN:
        raise ValidationError(_("The statement is reconciled: its lines no longer change."))


def _check_pair(line: BankStatementLine, ledger_line: Line) -> None:
    """One-to-one, same account, currency and amount on the other side, a posted entry."""
    if line.state != BankStatementLine.State.UNMATCHED:
        raise ValidationError(_("This statement line is already matched or explained."))
    if ledger_line.account_id != line.statement.account_id:
        raise ValidationError(_("The ledger line is not on this bank account."))
    if ledger_line.entry.state not in COUNTED:
        raise ValidationError(_("The ledger line's entry is not posted."))
    if ledger_line.currency != line.currency:
        raise ValidationError(_("The ledger line is in another currency."))
    signed = ledger_line.debit - ledger_line.credit
    if signed != line.amount:
        raise ValidationError(
            _("The amounts differ: %(bank)s on the statement, %(ledger)s in the books.")
            % {
                "bank": format_money(line.amount, line.currency),
                "ledger": format_money(signed, ledger_line.currency),
            }
        )
    if BankStatementLine.objects.filter(matched_line=ledger_line).exists():
        raise ValidationError(_("The ledger line is already matched to another statement line."))


def _set_match(
    line: BankStatementLine,
    *,
    actor: User,
    event: str,
    state: str,
    ledger_line: Line | None,
    explanation: str,
    reason: str,
) -> BankStatementLine:
    before = snapshot(line, MATCH_FIELDS)
    line.state = state
    line.matched_line = ledger_line
    line.explanation = explanation
    line.matched_by = actor if state != BankStatementLine.State.UNMATCHED else None
    line.matched_at = timezone.now() if state != BankStatementLine.State.UNMATCHED else None
    save_audited(line, actor=actor, event=event, fields=MATCH_FIELDS, before=before, reason=reason)
    return line


@transaction.atomic
def bank_line_match(
    *, actor: User, bank_line: BankStatementLine, ledger_line: Line
) -> BankStatementLine:
    """Match a statement line to a ledger line (refused unless same account, currency and
    amount, a posted entry, and neither already matched)."""
    require(actor, PERM)
    line = locked(bank_line)
    ledger_line = Line.objects.select_for_update().select_related("entry").get(pk=ledger_line.pk)
    _check_open(line)
    _check_pair(line, ledger_line)
    return _set_match(
        line,
        actor=actor,
        event="bank_line.matched",
        state=BankStatementLine.State.MATCHED,
        ledger_line=ledger_line,
        explanation="",
        reason="",
    )


@transaction.atomic
def bank_line_unmatch(
    *, actor: User, bank_line: BankStatementLine, reason: str
) -> BankStatementLine:
    """Undo a match or an explanation, saying why (the line is unmatched again)."""
    require(actor, PERM)
    reason = require_reason(reason)
    line = locked(bank_line)
    _check_open(line)
    if line.state == BankStatementLine.State.UNMATCHED:
        raise ValidationError(_("This statement line is not matched."))
    return _set_match(
        line,
        actor=actor,
        event="bank_line.unmatched",
        state=BankStatementLine.State.UNMATCHED,
        ledger_line=None,
        explanation="",
        reason=reason,
    )


@transaction.atomic
def bank_line_explain(
    *, actor: User, bank_line: BankStatementLine, explanation: str
) -> BankStatementLine:
    """Explain a line with no ledger line to match (bank charges the officer then posts, a
    timing difference); the explanation is recorded and shown in the reconciliation."""
    require(actor, PERM)
    explanation = (explanation or "").strip()
    if not explanation:
        raise ValidationError({"explanation": _("Say what this movement is.")})
    if len(explanation) > 300:
        raise ValidationError({"explanation": _("At most 300 characters.")})
    line = locked(bank_line)
    _check_open(line)
    if line.state != BankStatementLine.State.UNMATCHED:
        raise ValidationError(_("This statement line is already matched or explained."))
    return _set_match(
        line,
        actor=actor,
        event="bank_line.explained",
        state=BankStatementLine.State.EXPLAINED,
        ledger_line=None,
        explanation=explanation,
        reason=explanation,
    )


@transaction.atomic
def bank_statement_auto_match(*, actor: User, statement: BankStatement) -> int:
    """Match every line whose only suggestion is an exact one (same amount, within the date
    window) that no other line of the statement shares; returns how many were matched. The
    officer confirms the proposals first (selectors.banking.auto_match_pairs)."""
    require(actor, PERM)
    statement = locked(statement)
    if statement.state != BankStatement.State.OPEN:
        raise ValidationError(_("The statement is reconciled: its lines no longer change."))
    count = 0
    for bank_line, ledger_line in auto_match_pairs(statement):
        bank_line_match(actor=actor, bank_line=bank_line, ledger_line=ledger_line)
        count += 1
    return count


@transaction.atomic
def bank_statement_reconcile(*, actor: User, statement: BankStatement) -> BankStatement:
    """Record the statement reconciled: refused while any line is unmatched."""
    require(actor, PERM)
    statement = locked(statement)
    if statement.state != BankStatement.State.OPEN:
        raise ValidationError(_("The statement is already reconciled."))
    left = statement.lines.filter(state=BankStatementLine.State.UNMATCHED).count()
    if left:
        raise ValidationError(
            ngettext(
                "%(count)s line is still unmatched: match or explain it first.",
                "%(count)s lines are still unmatched: match or explain each one first.",
                left,
            )
            % {"count": left}
        )
    before = snapshot(statement, [*STATEMENT_FIELDS, "reconciled_at"])
    statement.state = BankStatement.State.RECONCILED
    statement.reconciled_at = timezone.now()
    save_audited(
        statement,
        actor=actor,
        event="bank_statement.reconciled",
        fields=[*STATEMENT_FIELDS, "reconciled_at"],
        before=before,
    )
    return statement
