"""Who is eligible: the one rule the review, the eligibility report and the ballot share.

A candidate is eligible for an office of a Call when their nomination is not withdrawn and,
on its latest version, every requirement that applies to that office (the Call's general
requirements and the office's own) has a finding "met" confirmed by an officer
(shared/domain.md: the General Secretariat "reports to the GA whether each candidate ...
meets the requirements of the Call"; the issue: "Only eligible candidates are on the ballot").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
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
    requirements that apply to its office (an unconfirmed or missing finding is pending):
    `eligibilities` for a list of one, so the rule is written once."""
    return eligibilities([nomination])[nomination.pk]


def latest_versions(nominations: Sequence[Nomination]) -> dict[int, NominationVersion | None]:
    """Each nomination's latest version (`latest_version`), in one query for the list."""
    latest: dict[int, NominationVersion | None] = {n.pk: None for n in nominations}
    versions = NominationVersion.objects.filter(nomination_id__in=list(latest)).order_by(
        "nomination_id", "number"
    )
    for version in versions:
        latest[version.nomination_id] = version  # the highest number last
    return latest


def eligibilities(
    nominations: Sequence[Nomination],
    latest: Mapping[int, NominationVersion | None] | None = None,
) -> dict[int, Eligibility]:
    """Each nomination's eligibility: the confirmed findings of its latest version against the
    requirements of its Call for every office and for its office (a finding is once per
    requirement; an unconfirmed or missing one is pending), in three queries for the whole list
    (two when the caller gives the latest versions it already read)."""
    if not nominations:
        return {}
    call_ids = {n.call_id for n in nominations}
    requirements = list(
        Requirement.objects.filter(call_id__in=call_ids).values_list(
            "pk", "call_id", "call_office_id"
        )
    )
    if latest is None:
        latest = latest_versions(nominations)
    version_ids = [v.pk for v in latest.values() if v is not None]
    findings: dict[int, dict[int, tuple[str, bool]]] = defaultdict(dict)
    for version_id, req_id, result, confirmed in Finding.objects.filter(
        version_id__in=version_ids
    ).values_list("version_id", "requirement_id", "result", "confirmed"):
        findings[version_id][req_id] = (result, confirmed)
    result_map = {}
    for n in nominations:
        required = [
            pk
            for pk, call_id, office_id in requirements
            if call_id == n.call_id and office_id in (None, n.call_office_id)
        ]
        version = latest.get(n.pk)
        seen = findings.get(version.pk, {}) if version else {}
        met = sum(1 for r in required if seen.get(r) == (Finding.Result.MET, True))
        not_met = sum(1 for r in required if seen.get(r) == (Finding.Result.NOT_MET, True))
        result_map[n.pk] = Eligibility(
            nomination=n,
            version=version,
            met=met,
            not_met=not_met,
            pending=len(required) - met - not_met,
            required=len(required),
        )
    return result_map


def eligible_nominations(call_office: CallOffice) -> list[Nomination]:
    """The nominations of the office whose candidates are eligible, in order received (the
    rule of `eligibility`, counted for the whole office in a fixed number of queries)."""
    nominations = list(
        Nomination.objects.filter(call_office=call_office)
        .exclude(state=Nomination.State.WITHDRAWN)
        .select_related("call_office", "institution")
        .order_by("received_at", "pk")
    )
    counted = eligibilities(nominations)
    return [n for n in nominations if counted[n.pk].eligible]
