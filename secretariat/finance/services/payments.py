"""Payments received from members and how they are applied (domain.md "Finance").

Rules:
- A payment is applied to the member's OLDEST outstanding assessment first (by fiscal year,
  then issue date), partly when it does not cover it, never above what an assessment owes.
- What is left is a credit (2210, contributions received in advance), applied by itself to
  the member's next assessments when they are issued (`credit_apply`, from `assess_member`).
- Entry (BNK): debit the bank account in the payment's currency; credit dues receivable for
  the applied part and received in advance for the rest, in the same currency at the
  payment's rate, so it balances per currency and in USD.
- Refused: a bank reference already recorded for the member, an amount not above zero, a
  date in a period that is not open. A payment is reversed with a reason: its entries are
  reversed, its rows stay (marked by the reversed entry) and no longer count.
- After each change the member's standing is updated (the arrears rule, services.arrears).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from secretariat.core.access import require, require_reason
from secretariat.core.audit import locked, save_audited
from secretariat.core.models import User
from secretariat.core.money import BASE_CURRENCY, convert
from secretariat.finance.models import (
    Account,
    Allocation,
    Assessment,
    Entry,
    EntryState,
    Payment,
    SourceKind,
)
from secretariat.finance.selectors.dues import with_outstanding
from secretariat.finance.selectors.payments import credits_of
from secretariat.finance.services import arrears
from secretariat.finance.services.dues_books import (
    ADVANCE,
    BANK_JOURNAL,
    DUES_JOURNAL,
    RECEIVABLE,
    account,
    journal,
)
from secretariat.finance.services.ledger import LineSpec, entry_record, entry_reverse, rate_on
from secretariat.members.models import Institution

PERM = "finance.manage_dues"
PAYMENT_FIELDS = [
    "institution",
    "received_on",
    "bank_reference",
    "bank_account",
    "currency",
    "amount",
    "rate",
    "base_amount",
    "note",
    "entry",
]
ALLOCATION_FIELDS = ["payment", "assessment", "amount"]
OWED_COLUMNS: tuple[str, ...] = ("pk", "outstanding")  # with_outstanding's annotation


def source_reference(payment: Payment) -> str:
    """What every entry of a payment names as its source (the member and the bank reference,
    unique together), so its reversal finds them all."""
    return f"payment {payment.institution_id}:{payment.bank_reference}"[:200]


def in_currency(usd: int, *, currency: str, rate: Decimal) -> int:
    """`usd` minor units of USD in `currency` at `rate` (USD per unit of `currency`)."""
    if currency == BASE_CURRENCY:
        return usd
    return convert(usd, currency=BASE_CURRENCY, rate=Decimal(1) / rate, to=currency)


def oldest_first(institution: Institution) -> list[tuple[Assessment, int]]:
    """The member's assessments that still owe something, oldest first, with what each owes."""
    rows = with_outstanding(Assessment.objects.filter(institution=institution)).order_by(
        "fiscal_year__year", "issued_on", "id"
    )
    owed = [(pk, int(value)) for pk, value in rows.values_list(*OWED_COLUMNS) if value > 0]
    by_pk = Assessment.objects.select_related("fiscal_year").in_bulk([pk for pk, _v in owed])
    return [(by_pk[pk], value) for pk, value in owed]


def plan_allocations(
    owed: list[tuple[Assessment, int]], available: int
) -> list[tuple[Assessment, int]]:
    """Split `available` over `owed` in order: each assessment gets at most what it owes."""
    plan = []
    for assessment, outstanding in owed:
        if available <= 0:
            break
        part = min(outstanding, available)
        plan.append((assessment, part))
        available -= part
    return plan


def _check_payment(
    *,
    institution: Institution,
    bank_reference: str,
    amount: int,
    currency: str,
    bank_account: Account,
) -> None:
    errors: dict[str, str] = {}
    if not bank_reference:
        errors["bank_reference"] = _("Give the bank's reference of the payment.")
    elif Payment.objects.filter(institution=institution, bank_reference=bank_reference).exists():
        errors["bank_reference"] = _("This bank reference is already recorded for this member.")
    if amount <= 0:
        errors["amount"] = _("A payment must be more than zero.")
    if not bank_account.is_cash:
        errors["bank_account"] = _("Choose a bank account.")
    elif bank_account.currency and bank_account.currency != currency:
        errors["currency"] = _("Account %(code)s is kept in %(currency)s.") % {
            "code": bank_account.code,
            "currency": bank_account.currency,
        }
    if errors:
        raise ValidationError(errors)


def _payment_lines(payment: Payment, institution: Institution, applied_usd: int) -> list[LineSpec]:
    currency, rate = payment.currency, Decimal(payment.rate)
    applied = min(in_currency(applied_usd, currency=currency, rate=rate), payment.amount)
    rest = payment.amount - applied
    lines = [LineSpec(payment.bank_account, "debit", payment.amount, currency, rate)]
    if applied:
        lines.append(
            LineSpec(
                account(RECEIVABLE), "credit", applied, currency, rate, member_id=institution.pk
            )
        )
    if rest:
        lines.append(
            LineSpec(account(ADVANCE), "credit", rest, currency, rate, member_id=institution.pk)
        )
    return lines


def _write_allocations(actor: User, payment: Payment, plan: list[tuple[Assessment, int]]) -> None:
    for assessment, part in plan:
        allocation = Allocation(payment=payment, assessment=assessment, amount=part)
        save_audited(
            allocation,
            actor=actor,
            event="payment.applied",
            fields=ALLOCATION_FIELDS,
            reason=str(assessment),
        )


@transaction.atomic
def payment_record(
    *,
    actor: User,
    institution: Institution,
    received_on: dt.date,
    bank_reference: str,
    bank_account: Account,
    currency: str,
    amount: int,
    rate: Decimal | None = None,
    note: str = "",
) -> Payment:
    """Record a payment, apply it oldest first and post its entry (module docstring)."""
    require(actor, PERM)
    bank_reference = (bank_reference or "").strip()
    _check_payment(
        institution=institution,
        bank_reference=bank_reference,
        amount=amount,
        currency=currency,
        bank_account=bank_account,
    )
    institution = locked(institution)
    rate = Decimal(rate) if rate is not None else rate_on(currency, received_on)
    if rate <= 0:
        raise ValidationError({"rate": _("A rate must be more than zero.")})
    payment = Payment(
        institution=institution,
        received_on=received_on,
        bank_reference=bank_reference,
        bank_account=bank_account,
        currency=currency,
        amount=amount,
        rate=rate,
        base_amount=convert(amount, currency=currency, rate=rate),
        note=(note or "").strip(),
        recorded_by=actor,
    )
    plan = plan_allocations(oldest_first(institution), payment.base_amount)
    applied = sum(part for _a, part in plan)
    payment.entry = _post(
        actor,
        payment,
        BANK_JOURNAL,
        _("Payment of %(member)s, %(reference)s")
        % {"member": institution, "reference": bank_reference},
        _payment_lines(payment, institution, applied),
        day=received_on,
        field="received_on",
    )
    save_audited(payment, actor=actor, event="payment.recorded", fields=PAYMENT_FIELDS, reason=note)
    _write_allocations(actor, payment, plan)
    arrears.standing_update(
        actor=actor, institution=institution, on=received_on, reason_context=str(payment.entry)
    )
    return payment


def _post(
    actor: User,
    payment: Payment,
    journal_code: str,
    description: str,
    lines: list[LineSpec],
    *,
    day: dt.date,
    field: str,
) -> Entry:
    try:
        return entry_record(
            actor=actor,
            journal=journal(journal_code),
            date=day,
            description=description[:500],
            lines=lines,
            source_kind=SourceKind.PAYMENT,
            source_reference=source_reference(payment),
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "date" in exc.error_dict:
            raise ValidationError({field: exc.error_dict["date"]}) from exc
        raise


def credit_apply(*, actor: User, assessment: Assessment) -> list[Allocation]:
    """Apply what is left of the member's payments (its credit, oldest first) to a new
    assessment: debit received in advance / credit dues receivable, in each payment's
    currency at its rate, dated the assessment's issue day. Inside assess_member's
    transaction and permission."""
    owed = assessment.amount
    made = []
    for payment, credit in credits_of(assessment.institution_id):
        if owed <= 0:
            break
        part = min(owed, credit)
        rate = Decimal(payment.rate)
        in_pc = in_currency(part, currency=payment.currency, rate=rate)
        member = assessment.institution_id
        _post(
            actor,
            payment,
            DUES_JOURNAL,
            _("Credit of %(member)s applied to %(number)s")
            % {"member": assessment.institution, "number": assessment.number},
            [
                LineSpec(
                    account(ADVANCE), "debit", in_pc, payment.currency, rate, member_id=member
                ),
                LineSpec(
                    account(RECEIVABLE), "credit", in_pc, payment.currency, rate, member_id=member
                ),
            ],
            day=assessment.issued_on,
            field="issued_on",
        )
        allocation = Allocation(payment=payment, assessment=assessment, amount=part)
        save_audited(
            allocation,
            actor=actor,
            event="payment.credit_applied",
            fields=ALLOCATION_FIELDS,
            reason=str(assessment),
        )
        made.append(allocation)
        owed -= part
    return made


@transaction.atomic
def payment_reverse(
    *, actor: User, payment: Payment, reason: str, on: dt.date | None = None
) -> Payment:
    """Reverse a payment with a reason: its entry and the entries that applied its credit
    are reversed on `on` (today by default); its allocations stay in the record and no
    longer count (finance.selectors.dues.with_outstanding), so what the member owes is
    what it was before the payment."""
    require(actor, PERM)
    reason = require_reason(reason)
    payment = locked(payment)
    day = on or timezone.localdate()
    if payment.entry.state == EntryState.REVERSED:
        raise ValidationError(_("This payment is already reversed."))
    entries = Entry.objects.filter(
        source_kind=SourceKind.PAYMENT,
        source_reference=source_reference(payment),
        state=EntryState.POSTED,
    ).order_by("-id")
    for entry in entries:
        entry_reverse(actor=actor, entry=entry, date=day, reason=reason, check_permission=False)
    save_audited(
        payment, actor=actor, event="payment.reversed", fields=PAYMENT_FIELDS, reason=reason
    )
    arrears.standing_update(
        actor=actor, institution=payment.institution, on=day, reason_context=reason
    )
    return payment
