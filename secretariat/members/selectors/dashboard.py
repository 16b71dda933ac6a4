"""What the registry shows on the dashboard (members.panels): the Secretariat's work waiting,
and a representative's own institutions, requests and proposed corrections."""

from __future__ import annotations

from dataclasses import dataclass

from secretariat.core.models import User
from secretariat.members.models import ContactCorrection, Institution, MembershipRequest
from secretariat.members.permissions import represented_institution_ids
from secretariat.members.selectors.corrections import correction_list_for_user
from secretariat.members.selectors.requests import request_list_for_user


@dataclass(frozen=True)
class RegistryWork:
    """What waits for the Secretariat in the registry (the dashboard)."""

    open_requests: list[MembershipRequest]
    open_requests_count: int
    pending_corrections: list[ContactCorrection]


def registry_work(*, user: User) -> RegistryWork:
    """Open requests and proposed corrections, ten of each, for staff who read the registry."""
    open_requests = request_list_for_user(user=user, state="open")
    return RegistryWork(
        open_requests=list(open_requests[:10]),
        open_requests_count=open_requests.count(),
        pending_corrections=list(correction_list_for_user(user=user, state="proposed")[:10]),
    )


@dataclass(frozen=True)
class OwnRecords:
    """A representative's institutions, and their latest requests and proposed corrections."""

    institutions: list[Institution]
    requests: list[MembershipRequest]
    corrections: list[ContactCorrection]


def own_records(*, user: User) -> OwnRecords:
    """The user's institutions (those they represent today), with ten of their latest
    requests and proposed corrections."""
    ids = represented_institution_ids(user)
    institutions = list(
        Institution.objects.filter(pk__in=ids).select_related("country").order_by("name")
    )
    if not ids:
        return OwnRecords(institutions=institutions, requests=[], corrections=[])
    return OwnRecords(
        institutions=institutions,
        requests=list(request_list_for_user(user=user)[:10]),
        corrections=list(correction_list_for_user(user=user)[:10]),
    )
