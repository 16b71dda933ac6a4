"""Who may do what in the member registry; object scope for representatives."""

from __future__ import annotations

import rules
from django.utils import timezone

from secretariat.core.rules import is_representative, manages_records, reads_everything


@rules.predicate
def represents(user, institution) -> bool:  # type: ignore[no-untyped-def]  # rules signature
    """The user is a current representative of the institution (or of the request's/correction's)."""
    if not (user and user.is_authenticated) or institution is None:
        return False
    inst_id = getattr(institution, "institution_id", None) or getattr(institution, "pk", None)
    if inst_id is None:
        return False
    return inst_id in represented_institution_ids(user)


def represented_institution_ids(user) -> set[int]:  # type: ignore[no-untyped-def]
    """Ids of the institutions the user currently represents (cached on the user object)."""
    cached = getattr(user, "_represented_ids", None)
    if cached is None:
        from secretariat.members.models import Representative

        today = timezone.localdate()
        cached = set(
            Representative.objects.filter(user=user, valid_from__lte=today)
            .exclude(valid_to__lte=today)
            .values_list("institution_id", flat=True)
        )
        user._represented_ids = cached
    return cached


rules.add_perm("members.view_registry", reads_everything)
rules.add_perm("members.manage_registry", manages_records)
rules.add_perm(
    "members.view_institution_record", reads_everything | (is_representative & represents)
)
rules.add_perm("members.propose_correction", is_representative & represents)
rules.add_perm("members.request_disaffiliation", is_representative & represents)
rules.add_perm("members.view_request", reads_everything | (is_representative & represents))
rules.add_perm("members.import_members", manages_records)
