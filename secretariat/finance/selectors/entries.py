"""Reads of journal entries: the filtered list, an entry's page (lines, totals per currency,
reversal links, history, what the user may do with it) and the choices of the entry form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from secretariat.core.access import can, get_for_user_or_404, list_for_user, permission_for
from secretariat.finance.models import (
    Account,
    Entry,
    EntryState,
    Fund,
    Journal,
    Line,
    Period,
    PeriodState,
    Programme,
)
from secretariat.governance.models import Body
from secretariat.members.models import Institution

VIEW = "finance.view_ledger"
MANAGE = "finance.manage_ledger"
EntryAction = Literal["view", "manage"]
ENTRY_ACTIONS = {"view": VIEW, "manage": MANAGE}


def _entries() -> QuerySet[Entry]:
    return Entry.objects.select_related("journal", "period__fiscal_year")


def entry_get_for_user(*, user: Any, pk: int, action: EntryAction = "view") -> Entry:
    return get_for_user_or_404(
        _entries(), user=user, perm=permission_for(ENTRY_ACTIONS, action), pk=pk
    )


def entry_list_for_user(
    *,
    user: Any,
    journal: str = "",
    state: str = "",
    period: int | None = None,
    text: str = "",
) -> QuerySet[Entry]:
    """Entries, newest first, filtered; each with its USD total (debits)."""
    entries = _entries().annotate(total=Coalesce(Sum("lines__base_debit"), 0))
    if journal:
        entries = entries.filter(journal__code=journal)
    if state:
        entries = entries.filter(state=state)
    if period:
        entries = entries.filter(period_id=period)
    text = text.strip()
    if text:
        entries = entries.filter(
            Q(description__icontains=text) | Q(source_reference__icontains=text)
        )
    return list_for_user(entries.order_by("-date", "-id"), user=user, perm=VIEW)


@dataclass(frozen=True)
class CurrencyTotal:
    currency: str
    debit: int
    credit: int


@dataclass(frozen=True)
class EntryPage:
    entry: Entry
    lines: list[Line]
    totals: list[CurrencyTotal]
    base_debit: int
    base_credit: int
    reversed_by: Entry | None
    history: list[Any]
    can_post: bool
    can_reverse: bool
    can_discard: bool


def entry_page(*, user: Any, entry: Entry) -> EntryPage:
    lines = list(
        entry.lines.select_related("account", "fund", "programme", "organ", "member").order_by("id")
    )
    totals: dict[str, list[int]] = {}
    for line in lines:
        pair = totals.setdefault(line.currency, [0, 0])
        pair[0] += line.debit
        pair[1] += line.credit
    reversed_by = Entry.objects.select_related("journal").filter(reversal_of=entry).first()
    manage = can(user, MANAGE)
    return EntryPage(
        entry=entry,
        lines=lines,
        totals=[CurrencyTotal(c, d, k) for c, (d, k) in sorted(totals.items())],
        base_debit=sum(line.base_debit for line in lines),
        base_credit=sum(line.base_credit for line in lines),
        reversed_by=reversed_by,
        history=list(entry.history.select_related("history_user").order_by("history_date")),
        can_post=manage and entry.state == EntryState.DRAFT,
        can_reverse=manage and entry.state == EntryState.POSTED,
        can_discard=manage and entry.state == EntryState.DRAFT,
    )


def journal_choices() -> QuerySet[Journal]:
    return Journal.objects.order_by("code")


def postable_accounts() -> QuerySet[Account]:
    return Account.objects.filter(is_postable=True, is_active=True).order_by("code")


def fund_choices() -> QuerySet[Fund]:
    return Fund.objects.filter(is_active=True).order_by("code")


def programme_choices() -> QuerySet[Programme]:
    return Programme.objects.filter(is_active=True).order_by("code")


def organ_choices() -> QuerySet[Body]:
    return Body.objects.order_by("pk")


def member_choices() -> QuerySet[Institution]:
    return Institution.objects.order_by("name")


def period_choices() -> QuerySet[Period]:
    return Period.objects.select_related("fiscal_year").order_by("-start")


def open_period_exists() -> bool:
    return Period.objects.filter(state=PeriodState.OPEN).exists()
