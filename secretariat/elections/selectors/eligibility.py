"""Who is eligible: the one rule the review, the eligibility report and the ballot share.

A candidate is eligible for an office of a Call when their nomination is not withdrawn and,
on its latest version, every requirement that applies to that office (the Call's general
requirements and the office's own) has a finding "met" confirmed by an officer
(shared/domain.md: the General Secretariat "reports to the GA whether each candidate ...
meets the requirements of the Call"; the issue: "Only eligible candidates are on the ballot").
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from secretariat.elections.models import (
    CallOffice,
    Finding,
    Nomination,
    NominationVersion,
    Requirement,
)


def applicable_requirements(call_office: CallOffice) -> QuerySet[Requirement]:
    """The Call's requirements for every office and those of this office, in order."""
    return Requirement.objects.filter(
        Q(call_office__isnull=True) | Q(call_office=call_office), call_id=call_office.call_id
    ).order_by("order", "pk")


def latest_version(nomination: Nomination) -> NominationVersion | None:
    return nomination.versions.order_by("-number").first()


@dataclass(frozen=True)
class Eligibility:
    """A nomination's standing against the requirements on its latest version."""

    nomination: Nomination
    version: NominationVersion | None
    met: int
    not_met: int
    pending: int
    required: int

    @property
    def eligible(self) -> bool:
        return (
            self.version is not None
            and self.nomination.state != Nomination.State.WITHDRAWN
            and self.met == self.required
        )

    @property
    def conclusion(self) -> str:
        """ "eligible", "not_eligible" (a requirement not met) or "pending"."""
        if self.eligible:
            return "eligible"
        if self.not_met or self.nomination.state == Nomination.State.WITHDRAWN:
            return "not_eligible"
        return "pending"


def eligibility(nomination: Nomination) -> Eligibility:
    """Count the confirmed findings of the nomination's latest version against the
    requirements that apply to its office (an unconfirmed or missing finding is pending)."""
    version = latest_version(nomination)
    required = list(applicable_requirements(nomination.call_office).values_list("pk", flat=True))
    met = not_met = 0
    if version is not None:
        rows = Finding.objects.filter(version=version, requirement_id__in=required)
        for result, confirmed in rows.values_list("result", "confirmed"):
            if not confirmed:
                continue
            if result == Finding.Result.MET:
                met += 1
            elif result == Finding.Result.NOT_MET:
                not_met += 1
    return Eligibility(
        nomination=nomination,
        version=version,
        met=met,
        not_met=not_met,
        pending=len(required) - met - not_met,
        required=len(required),
    )


def eligible_nominations(call_office: CallOffice) -> list[Nomination]:
    """The nominations of the office whose candidates are eligible, in order received."""
    nominations = (
        Nomination.objects.filter(call_office=call_office)
        .exclude(state=Nomination.State.WITHDRAWN)
        .select_related("call_office", "institution")
        .order_by("received_at", "pk")
    )
    return [n for n in nominations if eligibility(n).eligible]
