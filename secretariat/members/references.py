"""Human references for membership requests: "SOL-2026-0001", numbered per year."""

from __future__ import annotations

from django.utils import timezone

from secretariat.members.models import MembershipRequest

REFERENCE_PREFIX = "SOL"


def next_request_reference(*, year: int | None = None) -> str:
    """The next free reference of `year` (default: this year): one more than the year's highest.

    Call it inside the transaction that saves the request; `reference` is unique, so two
    concurrent requests can't both keep the same number (the second fails and is retried).
    """
    year = year if year is not None else timezone.localdate().year
    prefix = f"{REFERENCE_PREFIX}-{year}-"
    highest = 0
    # Parsed rather than ordered as text, so numbering still works past 9999 in one year.
    for reference in MembershipRequest.objects.filter(reference__startswith=prefix).values_list(
        "reference", flat=True
    ):
        tail = reference[len(prefix) :]
        if tail.isdigit():
            highest = max(highest, int(tail))
    return f"{prefix}{highest + 1:04d}"
