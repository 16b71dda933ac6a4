"""The member registry: sub-regions, countries, categories, institutions, memberships,
representatives, affiliation/disaffiliation requests, contact-data corrections, imports and
members' standing. One module per part; everything is re-exported here (migrations refer to
`secretariat.members.models.attachment_path`).

History is never rewritten: a membership runs from `valid_from` to `valid_to` (exclusive),
a category change closes one membership and opens another, and nothing an organization's
record depends on is deleted (PROTECT everywhere, no delete in any service).
"""

from secretariat.members.models.categories import Category
from secretariat.members.models.common import DatePrecision, Source
from secretariat.members.models.corrections import ContactCorrection
from secretariat.members.models.geography import Country, SubRegion
from secretariat.members.models.imports import ImportBatch
from secretariat.members.models.institutions import Institution
from secretariat.members.models.memberships import Membership, MembershipQuerySet, run_start
from secretariat.members.models.representatives import Representative, RepresentativeQuerySet
from secretariat.members.models.requests import (
    MembershipRequest,
    RequestAttachment,
    attachment_path,
)
from secretariat.members.models.standing import VotingSuspension, VotingSuspensionQuerySet

__all__ = [
    "Category",
    "ContactCorrection",
    "Country",
    "DatePrecision",
    "ImportBatch",
    "Institution",
    "Membership",
    "MembershipQuerySet",
    "MembershipRequest",
    "Representative",
    "RepresentativeQuerySet",
    "RequestAttachment",
    "Source",
    "SubRegion",
    "VotingSuspension",
    "VotingSuspensionQuerySet",
    "attachment_path",
    "run_start",
]
