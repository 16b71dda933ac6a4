"""What finance puts on the dashboard and the home page: the work waiting for those who keep
the books, and a representative's own dues outstanding."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from secretariat.core.models import User
from secretariat.finance.models import BankStatement, Entry, EntryState
from secretariat.finance.selectors.dues import outstanding_by_member
from secretariat.members.models import Institution, VotingSuspension
from secretariat.members.permissions import represented_institution_ids


@dataclass(frozen=True)
class BooksWaiting:
    drafts: int
    statements_open: int
    suspended_for_arrears: int


@dataclass(frozen=True)
class OwnDues:
    institution: str
    outstanding: int
    vote_suspended: bool


def books_waiting(*, on: dt.date | None = None) -> BooksWaiting:
    """Drafts to post, bank statements being reconciled, members without vote for arrears."""
    day = on or timezone.localdate()
    return BooksWaiting(
        drafts=Entry.objects.filter(state=EntryState.DRAFT).count(),
        statements_open=BankStatement.objects.filter(state=BankStatement.State.OPEN).count(),
        suspended_for_arrears=VotingSuspension.objects.active_on(day)
        .filter(origin=VotingSuspension.Origin.ARREARS)
        .count(),
    )


def own_dues(*, user: User, on: dt.date | None = None) -> list[OwnDues]:
    """The dues outstanding of each institution the user represents (none: an empty list)."""
    ids = represented_institution_ids(user)
    if not ids:
        return []
    day = on or timezone.localdate()
    totals = outstanding_by_member(institution_ids=ids, on=day)
    suspended = set(
        VotingSuspension.objects.active_on(day)
        .filter(institution_id__in=ids, origin=VotingSuspension.Origin.ARREARS)
        .values_list("institution_id", flat=True)
    )
    return [
        OwnDues(
            institution=name,
            outstanding=totals.get(pk, 0),
            vote_suspended=pk in suspended,
        )
        for pk, name in Institution.objects.filter(pk__in=ids)
        .order_by("name")
        .values_list("pk", "name")
    ]
