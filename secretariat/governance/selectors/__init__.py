"""Governance reads shared by pages, exports, commands and the API.

Bodies and mandates live in `bodies`; composition, voting rights, quorum in `composition`;
each part of the sessions capability adds its own module.
"""

from secretariat.governance.selectors.bodies import (
    BODY_SORTS,
    BodyPage,
    OfficeHolders,
    PastAndUpcoming,
    authorities_in_force,
    body_get_for_user,
    body_list,
    body_page,
    mandates_not_in_force,
    office_holders,
    offices_without_holder,
)

__all__ = [
    "BODY_SORTS",
    "BodyPage",
    "OfficeHolders",
    "PastAndUpcoming",
    "authorities_in_force",
    "body_get_for_user",
    "body_list",
    "body_page",
    "mandates_not_in_force",
    "office_holders",
    "offices_without_holder",
]
