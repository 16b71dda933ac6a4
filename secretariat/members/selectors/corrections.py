"""Reads of contact-data corrections: the list, one correction, and its side-by-side page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.db.models import QuerySet

from secretariat.core.access import can, get_for_user_or_404, permission_for, require
from secretariat.core.models import ActionLog, User
from secretariat.core.selectors.action_log import record_history
from secretariat.members.models import ContactCorrection, Institution
from secretariat.members.permissions import represented_institution_ids

VIEW = "members.view_registry"
MANAGE = "members.manage_registry"
CorrectionAction = Literal["view", "decide"]
# "view": whoever the list shows it to (staff who read the registry; the institution's
# representatives).
CORRECTION_ACTIONS: dict[str, str | None] = {"view": None, "decide": MANAGE}


def _visible_corrections(user: User) -> QuerySet[ContactCorrection]:
    qs = ContactCorrection.objects.select_related("institution", "proposed_by", "decided_by")
    if not can(user, VIEW):
        qs = qs.filter(institution_id__in=represented_institution_ids(user))
    return qs


def correction_list_for_user(*, user: User, state: str = "") -> QuerySet[ContactCorrection]:
    """The corrections the user may see, newest first, optionally in one state."""
    qs = _visible_corrections(user)
    if state in ContactCorrection.State.values:
        qs = qs.filter(state=state)
    return qs.order_by("-created_at", "-id")


def correction_get_for_user(
    *, user: User, pk: int, action: CorrectionAction = "view"
) -> ContactCorrection:
    """One correction; 404 when missing or not the user's to see, 403 when the action is
    refused (`CORRECTION_ACTIONS`)."""
    correction = get_for_user_or_404(_visible_corrections(user), user=user, perm=None, pk=pk)
    perm = permission_for(CORRECTION_ACTIONS, action)
    if perm is not None:
        require(user, perm, correction)
    return correction


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


@dataclass(frozen=True)
class CorrectionPage:
    """A correction's page: the comparison, its history and whether the user may decide."""

    correction: ContactCorrection
    rows: list[CorrectionRow]
    history: list[ActionLog]
    can_decide: bool


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


def correction_page(*, user: User, correction: ContactCorrection) -> CorrectionPage:
    """The page of a correction fetched by `correction_get_for_user` (one query: history)."""
    return CorrectionPage(
        correction=correction,
        rows=correction_rows(correction),
        history=record_history(target=correction),
        can_decide=correction.state == ContactCorrection.State.PROPOSED and can(user, MANAGE),
    )
