"""The Comptroller's reads: the audit page, the samples of entries, and the files of the
audit package (trial balance, general ledger and bank reconciliations as CSV).

Who: `finance.audit` (the Comptroller, the Secretary General and the finance officers) sees
the page and downloads the package; `finance.draw_samples` (the Comptroller) draws samples.
"""

from __future__ import annotations

import csv
import hashlib
import io
import random
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse

from secretariat.core.access import can, get_for_user_or_404, list_for_user, permission_for
from secretariat.core.money import format_amount
from secretariat.core.spreadsheets import safe_cell
from secretariat.finance.models import (
    AuditSample,
    BankStatementLine,
    Entry,
    FiscalYear,
    Line,
    StatementSet,
)
from secretariat.finance.selectors.ledger import COUNTED, trial_balance

AUDIT = "finance.audit"
DRAW = "finance.draw_samples"
AUDIT_PACKAGE = "finance.audit_package"

SampleAction = Literal["view"]
SAMPLE_ACTIONS: dict[str, str | None] = {"view": AUDIT}
YEAR_ACTIONS: dict[str, str | None] = {"view": AUDIT}


def audit_sample_get_for_user(*, user: Any, pk: int, action: SampleAction = "view") -> AuditSample:
    queryset: QuerySet[AuditSample] = AuditSample.objects.select_related("fiscal_year", "drawn_by")
    return get_for_user_or_404(
        queryset, user=user, perm=permission_for(SAMPLE_ACTIONS, action), pk=pk
    )


def audit_sample_list_for_user(*, user: Any) -> QuerySet[AuditSample]:
    queryset: QuerySet[AuditSample] = AuditSample.objects.select_related(
        "fiscal_year", "drawn_by"
    ).order_by("-drawn_at", "-pk")
    return list_for_user(queryset, user=user, perm=AUDIT)


def audit_year_get_for_user(*, user: Any, year: int) -> FiscalYear:
    queryset: QuerySet[FiscalYear] = FiscalYear.objects.all()
    return get_for_user_or_404(
        queryset, user=user, perm=permission_for(YEAR_ACTIONS, "view"), year=year
    )


@dataclass(frozen=True)
class AuditPage:
    years: tuple[FiscalYear, ...]
    can_draw: bool


def audit_page(*, user: Any) -> AuditPage:
    years: QuerySet[FiscalYear] = FiscalYear.objects.order_by("-year")
    return AuditPage(years=tuple(years), can_draw=can(user, DRAW))


def sample_population(*, fiscal_year: FiscalYear, minimum_amount: int) -> list[int]:
    """The ids of the year's posted (and reversed) entries whose USD debits reach
    `minimum_amount`, in id order: what a sample is drawn from (one query)."""
    return list(
        Entry.objects.filter(fiscal_year=fiscal_year, state__in=COUNTED)
        .annotate(total=Coalesce(Sum("lines__base_debit"), 0))
        .filter(total__gte=minimum_amount)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def draw(population: list[int], *, size: int, seed: str) -> list[int]:
    """The sample of a population by a seed: the same seed and population, the same sample."""
    return random.Random(seed).sample(population, min(size, len(population)))


def sample_redrawn(sample: AuditSample) -> list[int]:
    """The sample drawn again from its recorded seed over today's population."""
    population = sample_population(
        fiscal_year=sample.fiscal_year, minimum_amount=sample.minimum_amount
    )
    return draw(population, size=sample.size, seed=sample.seed)


@dataclass(frozen=True)
class SampleRow:
    entry: Entry
    total: int
    url: str | None


def _entry_url(pk: int) -> str | None:
    """The ledger part's page of an entry, when the ledger pages are installed."""
    try:
        return reverse("finance:entry-detail", kwargs={"pk": pk})
    except NoReverseMatch:
        return None


def sample_entries(sample: AuditSample) -> list[SampleRow]:
    """The entries drawn, in the order drawn, with their USD totals (one query)."""
    ids = [int(pk) for pk in sample.entry_ids]
    entries = {
        entry.pk: entry
        for entry in Entry.objects.filter(pk__in=ids)
        .select_related("journal")
        .annotate(total=Coalesce(Sum("lines__base_debit"), 0))
    }
    return [
        SampleRow(
            entry=entries[pk], total=int(getattr(entries[pk], "total", 0)), url=_entry_url(pk)
        )
        for pk in ids
        if pk in entries
    ]


@dataclass(frozen=True)
class SamplePage:
    sample: AuditSample
    rows: tuple[SampleRow, ...]
    redraws_the_same: bool


def sample_page(sample: AuditSample) -> SamplePage:
    """The sample's entries, and whether drawing it again by its seed gives the same ones."""
    return SamplePage(
        sample=sample,
        rows=tuple(sample_entries(sample)),
        redraws_the_same=sample_redrawn(sample) == [int(pk) for pk in sample.entry_ids],
    )


def audit_years() -> QuerySet[FiscalYear]:
    years: QuerySet[FiscalYear] = FiscalYear.objects.order_by("-year")
    return years


# --- the audit package's files ------------------------------------------------------------


def _csv(header: list[str], rows: Iterable[Iterable[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    # Free text (descriptions, names, a bank's counterparty) is never a formula.
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue()


def _usd(minor: int) -> str:
    return format_amount(minor, "USD", "en").replace(",", "")


def trial_balance_csv(fiscal_year: FiscalYear) -> str:
    """The trial balance at the year's end (one query)."""
    rows = trial_balance(end=fiscal_year.end)
    return _csv(
        ["account", "name", "class", "statement_line", "debit_usd", "credit_usd", "balance_usd"],
        (
            [r.code, r.name, r.account_class, r.statement_line]
            + [_usd(r.debit), _usd(r.credit), _usd(r.balance)]
            for r in rows
        ),
    )


def general_ledger_csv(fiscal_year: FiscalYear) -> str:
    """Every line of the year's posted and reversed entries, by entry (one query)."""
    lines = (
        Line.objects.filter(entry__fiscal_year=fiscal_year, entry__state__in=COUNTED)
        .order_by("entry__date", "entry__journal__code", "entry__number", "pk")
        .values_list(
            "entry__date",
            "entry__journal__code",
            "entry__number",
            "entry__state",
            "entry__source_kind",
            "entry__description",
            "account__code",
            "account__name",
            "currency",
            "debit",
            "credit",
            "rate",
            "base_debit",
            "base_credit",
            "member__name",
            "description",
        )
        .iterator(chunk_size=5000)
    )
    header = ["date", "journal", "number", "state", "source", "entry", "account"]
    header += ["account_name", "currency", "debit", "credit", "rate", "debit_usd", "credit_usd"]
    header += ["member", "description"]
    return _csv(
        header,
        (
            [d.isoformat(), j, n, st, src, desc, code, name, cur]
            + [str(debit), str(credit), str(rate), _usd(bd), _usd(bc), member or "", text]
            for (
                d,
                j,
                n,
                st,
                src,
                desc,
                code,
                name,
                cur,
                debit,
                credit,
                rate,
                bd,
                bc,
                member,
                text,
            ) in lines
        ),
    )


def bank_reconciliations_csv(fiscal_year: FiscalYear) -> str:
    """Every line of the bank statements of the year, with its state and the ledger line it
    is matched to (one query)."""
    lines = (
        BankStatementLine.objects.filter(
            booking_date__gte=fiscal_year.start, booking_date__lte=fiscal_year.end
        )
        .order_by("statement__account__code", "booking_date", "statement_id", "sequence")
        .values_list(
            "statement__account__code",
            "statement__file_name",
            "statement__state",
            "sequence",
            "booking_date",
            "currency",
            "amount",
            "reference",
            "counterparty",
            "description",
            "state",
            "matched_line__entry__journal__code",
            "matched_line__entry__number",
            "explanation",
        )
    )
    header = ["account", "statement", "statement_state", "line", "booking_date", "currency"]
    header += ["amount", "reference", "counterparty", "description", "state"]
    header += ["matched_journal", "matched_number", "explanation"]
    return _csv(
        header,
        (
            [acc, fname, sstate, seq, day.isoformat(), cur, str(amount), ref, cp, desc, state]
            + [journal or "", number or "", explanation]
            for (
                acc,
                fname,
                sstate,
                seq,
                day,
                cur,
                amount,
                ref,
                cp,
                desc,
                state,
                journal,
                number,
                explanation,
            ) in lines
        ),
    )


def year_statement_set(fiscal_year: FiscalYear) -> StatementSet | None:
    """The statements of the year alone, if prepared."""
    return StatementSet.objects.filter(
        first_year=fiscal_year.year, last_year=fiscal_year.year
    ).first()


def package_version(fiscal_year: FiscalYear) -> str:
    """What the year's audit package would contain: the year's entries and bank lines and
    its statements' state (two queries); any change, a new package."""
    entries = Entry.objects.filter(fiscal_year=fiscal_year).aggregate(
        n=Count("pk"),
        last=Max("pk"),
        posted=Count("pk", filter=Q(state__in=COUNTED)),
        reversed=Count("pk", filter=Q(state="reversed")),
    )
    bank = BankStatementLine.objects.filter(
        booking_date__gte=fiscal_year.start, booking_date__lte=fiscal_year.end
    ).aggregate(n=Count("pk"), matched=Max("matched_at"), last=Max("pk"))
    sets = StatementSet.objects.filter(
        first_year=fiscal_year.year, last_year=fiscal_year.year
    ).values_list("state", "version", "notes")
    key = repr((fiscal_year.state, sorted(entries.items()), sorted(bank.items()), list(sets)))
    return hashlib.sha256(key.encode()).hexdigest()[:32]
