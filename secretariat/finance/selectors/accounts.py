"""A member's statement of account: what it was assessed, what it paid and how each payment
was applied, what was written off or exempted, with a running balance (issue #12 "What each
side sees": the member's representative sees its statement and can download it).

Amounts are minor units of the assessment currency ([D] USD, domain.md "Finance"). The
balance is assessed less payments received less write-offs and exemptions: a payment's part
not applied to any assessment is the member's credit, shown as its own row. What is
outstanding per fiscal year is `selectors.dues.with_outstanding`, so the statement and the
aging report agree.

A statement is read in four queries whatever the length of the history: the assessments
(with their outstanding amounts), the payments, the allocations and the adjustments.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from secretariat.core.access import can, get_for_user_or_404, permission_for
from secretariat.core.money import BASE_CURRENCY, from_minor
from secretariat.core.spreadsheets import safe_cell
from secretariat.finance.models import Adjustment, Allocation, Assessment, Entry, Payment
from secretariat.finance.selectors.dues import with_outstanding
from secretariat.members.models import Institution
from secretariat.members.permissions import represented_institution_ids

ACCOUNT_DOCUMENT = "finance.account_statement"
STAFF_PERM = "finance.view_dues"
OWN_PERM = "finance.view_own_account"
ACCOUNT_ACTIONS: dict[str, str | None] = {"view": None}

RowKind = Literal["assessment", "applied", "credit", "write_off", "exemption", "reversal"]
# Within a day: the assessment first, then what settles it, then what undoes a payment.
_ORDER = {
    "assessment": 0,
    "applied": 1,
    "credit": 2,
    "write_off": 3,
    "exemption": 4,
    "reversal": 5,
}


@dataclass(frozen=True)
class StatementRow:
    day: dt.date
    kind: RowKind
    description: str
    reference: str
    debit: int
    credit: int
    balance: int


@dataclass(frozen=True)
class YearOutstanding:
    year: int
    number: str
    due_on: dt.date
    assessed: int
    paid: int
    adjusted: int
    outstanding: int


@dataclass(frozen=True)
class Statement:
    institution: Institution
    currency: str
    start: dt.date | None
    end: dt.date | None
    opening: int
    rows: list[StatementRow]
    closing: int
    total_debit: int
    total_credit: int
    years: list[YearOutstanding]
    outstanding: int
    unapplied_credit: int


# --- Scope ------------------------------------------------------------------------------


def _scoped_institutions(user: Any) -> tuple[QuerySet[Institution], str | None]:
    """Staff who read the dues see every member; a representative, only its own."""
    if can(user, STAFF_PERM):
        return Institution.objects.all(), STAFF_PERM
    if user is None or not user.is_authenticated:
        return Institution.objects.none(), OWN_PERM
    ids = represented_institution_ids(user)
    return Institution.objects.filter(pk__in=sorted(ids)), OWN_PERM


def institution_account_get_for_user(
    *, user: Any, institution_pk: int, action: Literal["view"] = "view"
) -> Institution:
    """The member whose account `user` may see: a representative its own institution only
    (another is a 404, as a missing one); staff with `finance.view_dues` any member."""
    queryset, perm = _scoped_institutions(user)
    permission_for(ACCOUNT_ACTIONS, action)
    return get_for_user_or_404(queryset, user=user, perm=perm, pk=institution_pk)


def own_accounts_for_user(*, user: Any) -> list[Institution]:
    """The institutions the signed-in representative currently represents, by name."""
    ids = represented_institution_ids(user) if user.is_authenticated else set()
    return list(Institution.objects.filter(pk__in=sorted(ids)).order_by("name"))


# --- The statement ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Event:
    day: dt.date
    kind: RowKind
    ident: int
    description: str
    reference: str
    debit: int
    credit: int

    def key(self) -> tuple[dt.date, int, int]:
        return (self.day, _ORDER[self.kind], self.ident)


def _assessment_events(assessments: list[Assessment]) -> list[_Event]:
    return [
        _Event(
            day=a.issued_on,
            kind="assessment",
            ident=a.pk,
            description=_("Dues for %(year)s") % {"year": a.fiscal_year.year},
            reference=a.number,
            debit=a.amount,
            credit=0,
        )
        for a in assessments
    ]


def _payment_events(
    payments: list[Payment],
    allocations: list[Allocation],
    years: dict[int, Assessment],
    end: dt.date | None,
) -> list[_Event]:
    applied: dict[int, int] = {}
    events: list[_Event] = []
    for allocation in allocations:
        assessment = years.get(allocation.assessment_id)
        if assessment is None:  # applied to dues assessed after the statement's end
            continue
        payment = allocation.payment
        applied[payment.pk] = applied.get(payment.pk, 0) + allocation.amount
        events.append(
            _Event(
                day=payment.received_on,
                kind="applied",
                ident=allocation.pk,
                description=_("Payment applied to the dues for %(year)s")
                % {"year": assessment.fiscal_year.year},
                reference=payment.bank_reference,
                debit=0,
                credit=allocation.amount,
            )
        )
    for payment in payments:
        reversed_on = _reversed_on(payment, end)
        if reversed_on is not None:
            events.append(
                _Event(
                    day=reversed_on,
                    kind="reversal",
                    ident=payment.pk,
                    description=_("Payment reversed: it no longer counts"),
                    reference=payment.bank_reference,
                    debit=payment.base_amount,
                    credit=0,
                )
            )
        left = payment.base_amount - applied.get(payment.pk, 0)
        if left > 0:
            events.append(
                _Event(
                    day=payment.received_on,
                    kind="credit",
                    ident=payment.pk,
                    description=_("Payment not yet applied: credit in the member's favour"),
                    reference=payment.bank_reference,
                    debit=0,
                    credit=left,
                )
            )
    return events


def _reversed_on(payment: Payment, end: dt.date | None) -> dt.date | None:
    """The day the payment was reversed (annotated by `_load`), if by the statement's end:
    reversed later, it still counted then."""
    day: dt.date | None = getattr(payment, "reversed_on", None)
    return day if day is not None and (end is None or day <= end) else None


def _adjustment_events(adjustments: list[Adjustment], years: dict[int, Assessment]) -> list[_Event]:
    events = []
    for adjustment in adjustments:
        year = years[adjustment.assessment_id].fiscal_year.year
        if adjustment.kind == Adjustment.Kind.WRITE_OFF:
            text = _("Write-off of the dues for %(year)s") % {"year": year}
        else:
            text = _("Exemption from the dues for %(year)s") % {"year": year}
        events.append(
            _Event(
                day=adjustment.decided_on,
                kind="write_off" if adjustment.kind == Adjustment.Kind.WRITE_OFF else "exemption",
                ident=adjustment.pk,
                description=text,
                reference=adjustment.decision,
                debit=0,
                credit=adjustment.amount,
            )
        )
    return events


def _load(institution: Institution, end: dt.date | None) -> tuple[list[Any], ...]:
    """The four queries: assessments (with what is outstanding at `end`), payments,
    allocations and adjustments, each up to `end`."""
    assessments = Assessment.objects.filter(institution=institution).select_related("fiscal_year")
    payments = Payment.objects.filter(institution=institution)
    allocations = Allocation.objects.filter(payment__institution=institution).select_related(
        "payment"
    )
    adjustments = Adjustment.objects.filter(assessment__institution=institution)
    # The reversal's date, looked up by its index (a join let SQLite scan every entry).
    payments = payments.annotate(
        reversed_on=Subquery(
            Entry.objects.filter(reversal_of_id=OuterRef("entry_id")).values("date")[:1]
        )
    )
    if end is not None:
        assessments = assessments.filter(issued_on__lte=end)
        payments = payments.filter(received_on__lte=end)
        allocations = allocations.filter(payment__received_on__lte=end)
        adjustments = adjustments.filter(decided_on__lte=end)
    return (
        list(with_outstanding(assessments, on=end).order_by("fiscal_year__year")),
        list(payments.only("id", "received_on", "bank_reference", "base_amount")),
        list(allocations.order_by("id")),
        list(adjustments.order_by("id")),
    )


def _rows(events: list[_Event], start: dt.date | None) -> tuple[int, list[StatementRow]]:
    opening = 0
    balance = 0
    rows: list[StatementRow] = []
    for event in sorted(events, key=_Event.key):
        balance += event.debit - event.credit
        if start is not None and event.day < start:
            opening = balance
            continue
        rows.append(
            StatementRow(
                day=event.day,
                kind=event.kind,
                description=event.description,
                reference=event.reference,
                debit=event.debit,
                credit=event.credit,
                balance=balance,
            )
        )
    return opening, rows


def statement_of_account(
    *, institution: Institution, start: dt.date | None = None, end: dt.date | None = None
) -> Statement:
    """The member's statement from `start` (an opening balance carries what came before)
    to `end` (today's position when None), in the assessment currency, with what is
    outstanding per fiscal year at `end`. Four queries."""
    assessments, payments, allocations, adjustments = _load(institution, end)
    by_id = {a.pk: a for a in assessments}
    events = (
        _assessment_events(assessments)
        + _payment_events(payments, allocations, by_id, end)
        + _adjustment_events(adjustments, by_id)
    )
    opening, rows = _rows(events, start)
    years = [
        YearOutstanding(
            year=a.fiscal_year.year,
            number=a.number,
            due_on=a.due_on,
            assessed=a.amount,
            paid=int(a.paid),
            adjusted=int(a.adjusted),
            outstanding=int(a.outstanding),
        )
        for a in assessments
    ]
    counted = [p for p in payments if _reversed_on(p, end) is None]
    counted_ids = {p.pk for p in counted}
    paid_in = sum(p.base_amount for p in counted)
    return Statement(
        institution=institution,
        currency=assessments[0].currency if assessments else BASE_CURRENCY,
        start=start,
        end=end,
        opening=opening,
        rows=rows,
        closing=rows[-1].balance if rows else opening,
        total_debit=sum(r.debit for r in rows),
        total_credit=sum(r.credit for r in rows),
        years=[y for y in years if y.outstanding],
        outstanding=sum(y.outstanding for y in years),
        unapplied_credit=paid_in
        - sum(
            a.amount
            for a in allocations
            if a.assessment_id in by_id and a.payment_id in counted_ids
        ),
    )


# --- Downloads ----------------------------------------------------------------------------


def statement_csv(statement: Statement) -> bytes:
    """The statement as CSV (UTF-8 with a BOM, for spreadsheets), its header in the active
    language; amounts as plain decimals of the currency."""
    out = io.StringIO()
    writer = csv.writer(out)
    currency = statement.currency
    writer.writerow(
        [
            _("Date"),
            _("Description"),
            _("Reference"),
            _("Debit (%(currency)s)") % {"currency": currency},
            _("Credit (%(currency)s)") % {"currency": currency},
            _("Balance (%(currency)s)") % {"currency": currency},
        ]
    )
    if statement.start is not None:
        writer.writerow(
            [statement.start.isoformat(), _("Opening balance"), "", "", "", _d(statement.opening)]
        )
    for row in statement.rows:
        cells = [
            row.day.isoformat(),
            row.description,
            row.reference,  # a bank's reference, as typed or imported: never a formula
            _d(row.debit) if row.debit else "",
            _d(row.credit) if row.credit else "",
            _d(row.balance),
        ]
        writer.writerow([safe_cell(cell) for cell in cells])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _d(minor: int) -> str:
    return str(from_minor(minor, BASE_CURRENCY))


def statement_file_name(institution: Institution, extension: str) -> str:
    slug = institution.slug or str(institution.pk)
    return f"{_('statement-of-account')}-{slug}.{extension}"


def statement_pdf_html(institution: Institution, language: str) -> str:
    """The HTML the statement's PDF is laid out from, in `language`: the whole history to
    date (the worker builds it from the institution alone)."""
    from django.utils import timezone, translation

    from secretariat.core.pdf import pdf_html

    with translation.override(language):
        statement = statement_of_account(institution=institution)
        name = statement_file_name(institution, "pdf")
    return pdf_html(
        "finance/pdf/account_statement.html",
        {"statement": statement, "today": timezone.localdate(), "file_name": name},
        language=language,
    )
