"""The session revision: every governance service that changes what a session page shows
bumps it (`touch_session`), so that open pages and caches see the change, and the pages held
open are told at once (server push, `core.push`, decision 0011).

Permission, reason, locking and the audited save are core's (`core.access.require`,
`require_reason`; `core.audit.locked`, `save_audited`, `set_history_reason`).
"""

from __future__ import annotations

from django.db.models import F

from secretariat.core import push
from secretariat.governance.models import Session


def touch_session(session: Session | int) -> None:
    """Bump the session's revision: every open page of the session sees a change (ETag).

    Call inside the service's transaction after any change a session page shows. The
    revision is not audited (it is a counter), hence `update()`.
    """
    pk = session if isinstance(session, int) else session.pk
    Session.objects.filter(pk=pk).update(revision=F("revision") + 1)
    push.publish(push.topic_name("session", pk))  # after the commit (decision 0011)
