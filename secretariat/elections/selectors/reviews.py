"""Reading the review of a nomination: each requirement that applies to its office, the
finding recorded on the latest version, and what the data say (services.reviews)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from secretariat.core.access import can
from secretariat.elections.models import Finding, Nomination, NominationVersion, Requirement
from secretariat.elections.selectors.eligibility import (
    Eligibility,
    applicable_requirements,
    eligibility,
    latest_version,
)
from secretariat.elections.services.reviews import Suggestion, findings_prefill


@dataclass(frozen=True)
class ReviewRow:
    requirement: Requirement
    finding: Finding | None
    suggestion: Suggestion | None

    @property
    def initial_result(self) -> str:
        if self.finding is not None:
            return self.finding.result
        if self.suggestion is not None:
            return self.suggestion.result
        return Finding.Result.PENDING


@dataclass(frozen=True)
class ReviewPage:
    nomination: Nomination
    version: NominationVersion | None
    rows: list[ReviewRow]
    eligibility: Eligibility
    can_review: bool


def review_page(*, user: Any, nomination: Nomination) -> ReviewPage:
    """The latest version's requirements with their findings and the data's suggestions."""
    version = latest_version(nomination)
    requirements = list(
        applicable_requirements(nomination.call_office).select_related("other_office")
    )
    findings: dict[int, Finding] = {}
    suggestions: dict[int, Suggestion] = {}
    if version is not None:
        findings = {
            f.requirement_id: f
            for f in Finding.objects.filter(version=version).select_related("reviewed_by")
        }
        suggestions = findings_prefill(version=version)
    rows = [ReviewRow(r, findings.get(r.pk), suggestions.get(r.pk)) for r in requirements]
    return ReviewPage(
        nomination=nomination,
        version=version,
        rows=rows,
        eligibility=eligibility(nomination),
        can_review=can(user, "elections.review_nominations"),
    )
