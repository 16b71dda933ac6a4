"""Who may do what with sessions, votes, resolutions and minutes.

- The Secretariat (Secretary General, officers) prepares, holds and records sessions.
- Finance officers and the Comptroller read everything, change nothing here.
- A member's representative names its delegates and proxies, reads the session's
  documents before they are published, and comments on circulated minutes.
- An accredited delegate present in the session casts their member's vote.
"""

from __future__ import annotations

from typing import Any

import rules

from secretariat.core.models import User
from secretariat.core.permissions import is_representative, manages_records, reads_everything
from secretariat.members.permissions import represented_institution_ids, represents


def _session_of(obj: Any) -> Any:
    """A session from a session, or from anything with a `session` (minutes, documents), or
    a document's file."""
    from secretariat.governance.models import DocumentFile, Session

    if isinstance(obj, Session):
        return obj
    if isinstance(obj, DocumentFile):
        return obj.document.session
    return getattr(obj, "session", None)


def seat_holder_session_ids(user: User) -> set[int]:
    """Ids of sessions the user takes part in (registered), remembered for the request."""

    def compute() -> set[int]:
        from secretariat.governance.models import Participant

        return set(
            Participant.objects.filter(user=user, withdrawn_at__isnull=True).values_list(
                "session_id", flat=True
            )
        )

    return user.remembered("participant_session_ids", compute)


@rules.predicate
def sits_in_session(user, obj) -> bool:
    """The user is registered for the session, holds a seat on its body on the session's
    date, or represents a member institution that sits on it."""
    if not (user and user.is_authenticated) or obj is None:
        return False
    session = _session_of(obj)
    if session is None:
        return False
    if session.pk in seat_holder_session_ids(user):
        return True
    from secretariat.governance.models import Seat
    from secretariat.governance.selectors.sessions import sitting_day
    from secretariat.members.models import Membership

    day = sitting_day(session)  # the day it sits (the date it opened), else its scheduled date
    seats = Seat.objects.active_on(day).filter(body_id=session.body_id)
    if seats.filter(user=user).exists():
        return True
    institutions = represented_institution_ids(user)
    if not institutions:
        return False
    if seats.filter(institution_id__in=institutions).exists():
        return True
    body = session.body
    return bool(
        body.all_members_sit
        and Membership.objects.active_on(day).filter(institution_id__in=institutions).exists()
    )


@rules.predicate
def is_participant(user, obj) -> bool:
    session = _session_of(obj)
    return bool(
        user and user.is_authenticated and session and session.pk in seat_holder_session_ids(user)
    )


@rules.predicate
def is_not_a_draft(user: Any, obj: Any) -> bool:
    """A session past its preparation: convened, open, closed or cancelled, public."""
    session = _session_of(obj)
    return bool(session is not None and session.state != "draft")


@rules.predicate
def is_public_document(user: Any, obj: Any) -> bool:
    """A document (or a file of one) its session published, neither restricted nor withdrawn."""
    from secretariat.governance.models import Document, DocumentFile

    document = obj.document if isinstance(obj, DocumentFile) else obj
    return isinstance(document, Document) and document.is_public


@rules.predicate
def represents_participant(user: Any, obj: Any) -> bool:
    """The user represents the institution a participant comes for (directly or by its seat)."""
    if not (user and user.is_authenticated) or obj is None:
        return False
    institution_id = obj.institution_id or (obj.seat.institution_id if obj.seat_id else None)
    return institution_id is not None and institution_id in represented_institution_ids(user)


@rules.predicate
def represents_proxy_party(user: Any, obj: Any) -> bool:
    """The user represents the member giving or the member holding a proxy."""
    if not (user and user.is_authenticated) or obj is None:
        return False
    mine = represented_institution_ids(user)
    return obj.grantor_id in mine or obj.holder_id in mine


def register_permissions() -> None:
    """Called from the app's AppConfig.ready."""
    rules.set_perm("governance.view_sessions", reads_everything)
    rules.set_perm("governance.view_session", is_not_a_draft | reads_everything)
    rules.set_perm(
        "governance.register_in_session", manages_records | (is_representative & sits_in_session)
    )
    rules.set_perm("governance.manage_sessions", manages_records)
    rules.set_perm("governance.manage_seats", manages_records)
    rules.set_perm("governance.view_session_documents", reads_everything | sits_in_session)
    rules.set_perm(
        "governance.view_document", is_public_document | reads_everything | sits_in_session
    )
    rules.set_perm("governance.view_participant", reads_everything | represents_participant)
    rules.set_perm("governance.view_proxy", reads_everything | represents_proxy_party)
    rules.set_perm(
        "governance.register_delegates", manages_records | (is_representative & represents)
    )
    rules.set_perm("governance.follow_session", reads_everything | sits_in_session)
    rules.set_perm("governance.cast_vote", is_participant)
    rules.set_perm("governance.comment_minutes", sits_in_session)
    rules.set_perm("governance.manage_resolutions", manages_records)
