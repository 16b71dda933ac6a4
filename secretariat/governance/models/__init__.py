"""Governance models: bodies and seats, sessions, motions and votes, resolutions and minutes."""

from secretariat.governance.models.bodies import (
    Body,
    Mandate,
    MandateQuerySet,
    Office,
    RulesProfile,
    Seat,
    SeatQuerySet,
)
from secretariat.governance.models.records import (
    Erratum,
    Minutes,
    MinutesComment,
    Resolution,
    ResolutionSeries,
)
from secretariat.governance.models.sessions import (
    AgendaItem,
    AttendanceEvent,
    Dispatch,
    Document,
    DocumentFile,
    Participant,
    Proxy,
    Session,
    roman,
)
from secretariat.governance.models.votes import (
    BallotReceipt,
    Choice,
    DecisionKind,
    Motion,
    RollCallEntry,
    SecretTally,
    Vote,
)

__all__ = [
    "AgendaItem",
    "AttendanceEvent",
    "BallotReceipt",
    "Body",
    "Choice",
    "DecisionKind",
    "Dispatch",
    "Document",
    "DocumentFile",
    "Erratum",
    "Mandate",
    "MandateQuerySet",
    "Minutes",
    "MinutesComment",
    "Motion",
    "Office",
    "Participant",
    "Proxy",
    "Resolution",
    "ResolutionSeries",
    "RollCallEntry",
    "RulesProfile",
    "Seat",
    "SeatQuerySet",
    "SecretTally",
    "Session",
    "Vote",
    "roman",
]
