"""Who may do what in the member registry; object scope for representatives."""

from __future__ import annotations

import rules

from secretariat.core.models import User
from secretariat.core.permissions import is_representative, manages_records, reads_everything


@rules.predicate
def represents(user, institution) -> bool:
    """The user is a current representative of the institution (or of the request's/correction's)."""
    if not (user and user.is_authenticated) or institution is None:
        return False
    inst_id = getattr(institution, "institution_id", None) or getattr(institution, "pk", None)
    if inst_id is None:
        return False
    return inst_id in represented_institution_ids(user)


def represented_institution_ids(user: User) -> set[int]:
    """Ids of the institutions the user currently represents, remembered for the request."""

    def compute() -> set[int]:
        from secretariat.members.models import Representative

        return set(
            Representative.objects.current()
            .filter(user=user)
            .values_list("institution_id", flat=True)
        )

    return user.remembered("represented_institution_ids", compute)


def register_permissions() -> None:
    """Called from the app's AppConfig.ready."""
    rules.set_perm("members.view_registry", reads_everything)
    rules.set_perm("members.manage_registry", manages_records)
    rules.set_perm(
        "members.view_institution_record", reads_everything | (is_representative & represents)
    )
    rules.set_perm("members.propose_correction", is_representative & represents)
    rules.set_perm("members.request_disaffiliation", is_representative & represents)
    # On the request's institution: officers, or the representative of that institution.
    rules.set_perm("members.withdraw_request", manages_records | (is_representative & represents))
    rules.set_perm("members.view_request", reads_everything | (is_representative & represents))
    rules.set_perm("members.import_members", manages_records)
    rules.set_perm("members.manage_standing", manages_records)
