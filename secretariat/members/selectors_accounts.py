"""Reads for the staff registry pages and the representative's portal not (yet) in selectors.py.

- `account_find_by_email`: the user account a representative may be linked to;
- `institution_record_for_user` / `portal_record_for_user`: everything one record page shows,
  preloaded in a fixed number of queries whatever the number of memberships, representatives,
  requests, corrections or history rows;
- `institution_rows`: the current membership of each institution of a list page, from the
  prefetched memberships (no query per row).

Candidates to move into selectors.py (the lead decides).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from secretariat.core.models import ActionLog, User
from secretariat.members.models import (
    ContactCorrection,
    Institution,
    Membership,
    MembershipRequest,
    Representative,
)
from secretariat.members.selectors import (
    correction_list_for_user,
    current_membership,
    institution_get_for_user,
    request_list_for_user,
)


def account_find_by_email(*, email: str) -> User | None:
    """The active account with this e-mail (case-insensitive), or None."""
    email = (email or "").strip()
    if not email:
        return None
    return User.objects.filter(email__iexact=email, is_active=True).first()


def institution_rows(institutions: Iterable[Institution]) -> list[Institution]:
    """Attach `current` (the membership in force today, or None) to each listed institution.

    Uses the `membership_list` prefetched by `institution_list_for_user`: no query per row.
    """
    rows = list(institutions)
    for institution in rows:
        institution.current = current_membership(institution)  # type: ignore[attr-defined]  # page attribute
    return rows


def open_membership(institution: Institution) -> Membership | None:
    """The membership without an end date (at most one: constraint), from the prefetched list."""
    memberships = getattr(institution, "membership_list", None)
    if memberships is None:
        return (
            institution.memberships.filter(valid_to__isnull=True).select_related("category").first()
        )
    return next((m for m in memberships if m.valid_to is None), None)


def _history(
    institution: Institution, corrections: Iterable[ContactCorrection], limit: int
) -> list[ActionLog]:
    """Every action on the institution, its memberships, representatives and corrections.

    Like `selectors.institution_history`, but takes the ids from the prefetched lists (one
    query instead of three) and includes the contact corrections.
    """
    membership_ids = [str(m.pk) for m in getattr(institution, "membership_list", [])]
    rep_ids = [str(r.pk) for r in getattr(institution, "representative_list", [])]
    correction_ids = [str(c.pk) for c in corrections]
    return list(
        ActionLog.objects.select_related("actor")
        .filter(
            Q(target_type="members.institution", target_id=str(institution.pk))
            | Q(target_type="members.membership", target_id__in=membership_ids)
            | Q(target_type="members.representative", target_id__in=rep_ids)
            | Q(target_type="members.contactcorrection", target_id__in=correction_ids)
        )
        .order_by("-id")[:limit]
    )


@dataclass
class InstitutionRecord:
    """What an institution's record page shows."""

    institution: Institution
    today: dt.date
    memberships: list[Membership]
    current: Membership | None
    open_membership: Membership | None
    current_representatives: list[Representative]
    past_representatives: list[Representative]
    requests: list[MembershipRequest]
    corrections: list[ContactCorrection]
    history: list[ActionLog] = field(default_factory=list)

    @property
    def open_corrections(self) -> list[ContactCorrection]:
        return [c for c in self.corrections if c.state == ContactCorrection.State.PROPOSED]


def _record(*, user: User, slug: str, with_history: bool) -> InstitutionRecord:
    institution = institution_get_for_user(user=user, slug=slug)
    today = timezone.localdate()
    representatives: list[Representative] = getattr(institution, "representative_list", [])
    requests = list(request_list_for_user(user=user).filter(institution=institution))
    corrections = list(correction_list_for_user(user=user).filter(institution=institution))
    memberships: list[Membership] = getattr(institution, "membership_list", [])
    return InstitutionRecord(
        institution=institution,
        today=today,
        memberships=memberships,
        current=current_membership(institution),
        open_membership=open_membership(institution),
        current_representatives=[
            r for r in representatives if r.is_active_on(today) or r.valid_from > today
        ],
        past_representatives=[
            r for r in representatives if r.valid_to is not None and r.valid_to <= today
        ],
        requests=requests,
        corrections=corrections,
        history=_history(institution, corrections, 100) if with_history else [],
    )


def institution_record_for_user(*, user: User, slug: str) -> InstitutionRecord:
    """The staff record page: data, memberships, representatives, requests, corrections and
    history. Queries: institution, memberships, representatives, requests, corrections, history."""
    return _record(user=user, slug=slug, with_history=True)


def portal_record_for_user(*, user: User, slug: str) -> InstitutionRecord:
    """The representative's page for their own institution (404 for any other): no history."""
    return _record(user=user, slug=slug, with_history=False)


def representative_get_for_user(*, user: User, pk: int) -> Representative:
    """One representation for the staff edit page; 404 when missing or not visible."""
    if not user.has_perm("members.view_registry"):
        raise Http404
    try:
        return Representative.objects.select_related(
            "institution", "institution__country", "user"
        ).get(pk=pk)
    except Representative.DoesNotExist as exc:
        raise Http404 from exc


@dataclass(frozen=True)
class CorrectionRow:
    """One field of a correction: value when proposed, value on record now, proposed value."""

    name: str
    label: str
    previous: str
    current: str
    proposed: str

    @property
    def changed_since(self) -> bool:
        """The data on record changed after the proposal was made."""
        return self.previous != self.current


def correction_rows(correction: ContactCorrection) -> list[CorrectionRow]:
    """The side-by-side comparison of a correction (no query: the institution is preloaded)."""
    institution = correction.institution
    rows = []
    for name in ContactCorrection.FIELDS:
        if name not in correction.changes:
            continue
        rows.append(
            CorrectionRow(
                name=name,
                label=str(getattr(Institution._meta.get_field(name), "verbose_name", name)),
                previous=str(correction.previous.get(name) or ""),
                current=str(getattr(institution, name) or ""),
                proposed=str(correction.changes.get(name) or ""),
            )
        )
    return rows
