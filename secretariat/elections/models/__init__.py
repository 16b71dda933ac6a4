"""Elections models: the Call for Candidates, nominations and their review, the eligibility
report, and the contests and rounds of the ballot."""

from secretariat.elections.models.authorities import TermEndWarning
from secretariat.elections.models.ballots import Contest, Round, RoundCandidate
from secretariat.elections.models.calls import Call, CallOffice, Requirement
from secretariat.elections.models.nominations import (
    CorrectionRequest,
    Finding,
    Nomination,
    NominationDocument,
    NominationVersion,
)
from secretariat.elections.models.reports import EligibilityReport

__all__ = [
    "Call",
    "CallOffice",
    "Contest",
    "CorrectionRequest",
    "EligibilityReport",
    "Finding",
    "Nomination",
    "NominationDocument",
    "NominationVersion",
    "Requirement",
    "Round",
    "RoundCandidate",
    "TermEndWarning",
]
