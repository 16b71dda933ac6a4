"""The session page: everything it shows, in a constant number of queries, and what the user
may do there (decided here, with `core.access.can`).

The agenda with its documents is most of the page's cost (issue #10: 60 items and 120
documents are half its queries' time and four fifths of its rendering). Its HTML depends on
the session's revision (bumped by every change of an item, a document or a file), the page's
language and which documents the reader may see (`DocumentsAudience`), nothing else: the
template keeps it as a fragment under `SessionPage.agenda_cache_key`, and the agenda is read
only when that fragment is not cached (`SessionPage.agenda` is computed on first use).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from django.db.models import Count, Q
from django.utils import translation

from secretariat.core.access import can
from secretariat.core.languages import AUTONYMS, CONTENT_LANGUAGES, content_language
from secretariat.core.models import ActionLog
from secretariat.core.selectors.action_log import action_log_list
from secretariat.core.selectors.rule_settings import RuleInForce
from secretariat.governance.body_rules import SessionRules, session_rules
from secretariat.governance.models import Dispatch, Participant, Resolution, Session
from secretariat.governance.selectors.agenda import Agenda, AgendaEntry, agenda_tree
from secretariat.governance.selectors.convocation import convocation_in
from secretariat.governance.selectors.documents import DocumentRow
from secretariat.governance.selectors.notice import NoticeCheck, notice_check
from secretariat.governance.selectors.sessions import opening_day, tz_label

# Which documents a reader of the page sees, hence which agenda fragment: "all" (the
# Secretariat and those who sit in the session: restricted and withdrawn ones included),
# "published" (anyone else once the session published them: neither restricted nor
# withdrawn), "none" (anyone else before that: not even listed).
DocumentsAudience = Literal["all", "published", "none"]


@dataclass(frozen=True)
class Delegation:
    """One delegation's participants by the state of their credentials."""

    label: str
    total: int
    accepted: int
    pending: int
    rejected: int


@dataclass(frozen=True)
class SessionAbilities:
    """What the user may do and see on the session page."""

    can_manage: bool
    can_view_staff: bool
    can_view_documents: bool
    can_follow: bool
    is_participant: bool
    is_representative: bool


@dataclass(frozen=True)
class StaffRecords:
    """What only the Secretariat sees: the messages sent and the session's history."""

    dispatches: list[Dispatch] | None = None
    dispatch_counts: list[tuple[str, int]] = field(default_factory=list)
    history: list[ActionLog] | None = None


@dataclass(frozen=True)
class SessionPage:
    """Everything the session page shows, loaded in a constant number of queries."""

    session: Session
    day: dt.date
    tz_label: str
    rules: SessionRules
    notice: NoticeCheck
    convocation: str
    convocation_lang: str
    documents_audience: DocumentsAudience
    language: str
    credentials: dict[str, int]
    participants_total: int
    delegations: list[Delegation] | None
    resolutions: list[Resolution]
    dispatches: list[Dispatch] | None
    dispatch_counts: list[tuple[str, int]]
    history: list[ActionLog] | None
    can_manage: bool
    can_view_staff: bool
    can_view_documents: bool
    can_follow: bool
    is_participant: bool
    is_representative: bool
    show_minutes: bool
    rules_list: list[RuleInForce] = field(default_factory=list)

    @property
    def agenda_cache_key(self) -> str:
        """What the agenda's HTML depends on: the session and its revision, the documents
        the reader may see and the language (the template's {% cache %} key). A reader who
        may not see restricted documents never shares a fragment with one who may."""
        s = self.session
        return f"{s.pk}.r{s.revision}.{self.documents_audience}.{self.language}"

    @cached_property
    def _agenda(self) -> Agenda:
        """Read on first use only (3-4 queries): not at all when the fragment is cached."""
        audience = self.documents_audience
        return agenda_tree(
            self.session,
            include_documents=audience != "none",
            include_restricted=audience == "all",
            include_withdrawn_documents=audience == "all",
        )

    @property
    def agenda(self) -> list[AgendaEntry]:
        """Items and sub-items in reading order, numbered, with their documents."""
        return self._agenda.flat()

    @property
    def other_documents(self) -> list[DocumentRow]:
        """The documents under no item."""
        return self._agenda.loose_documents


def _abilities(user: Any, session: Session) -> SessionAbilities:
    authenticated = bool(user and user.is_authenticated)
    if not authenticated:
        return SessionAbilities(False, False, False, False, False, False)
    return SessionAbilities(
        can_manage=can(user, "governance.manage_sessions"),
        can_view_staff=can(user, "governance.view_sessions"),
        can_view_documents=can(user, "governance.view_session_documents", session),
        can_follow=can(user, "governance.follow_session", session),
        is_participant=can(user, "governance.cast_vote", session),
        is_representative=user.has_role("representative"),
    )


def _credentials(session: Session) -> dict[str, int]:
    """Participants not withdrawn, by the state of their credentials (one query)."""
    counts = {c: 0 for c in Participant.Credentials.values}
    for row in (
        Participant.objects.filter(session=session, withdrawn_at__isnull=True)
        .values("credentials")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[row["credentials"]] = row["n"]
    return counts


def _delegations(session: Session) -> list[Delegation]:
    """Each delegation (an institution or a seat) with its credentials' counts (one query)."""
    accepted = Participant.Credentials.ACCEPTED
    pending = Participant.Credentials.PENDING
    rejected = Participant.Credentials.REJECTED
    return [
        Delegation(
            label=row["institution__name"] or row["seat__title"] or "",
            total=row["total"],
            accepted=row["accepted"],
            pending=row["pending"],
            rejected=row["rejected"],
        )
        for row in Participant.objects.filter(session=session, withdrawn_at__isnull=True)
        .values("institution_id", "institution__name", "seat_id", "seat__title")
        .annotate(
            total=Count("pk"),
            accepted=Count("pk", filter=Q(credentials=accepted)),
            pending=Count("pk", filter=Q(credentials=pending)),
            rejected=Count("pk", filter=Q(credentials=rejected)),
        )
        .order_by("institution__name", "seat__title")
    ]


def _staff_records(session: Session) -> StaffRecords:
    """The messages sent (with their count per language) and the history (two queries)."""
    dispatches = list(Dispatch.objects.filter(session=session).order_by("kind", "recipient", "pk"))
    counts: dict[str, int] = defaultdict(int)
    for d in dispatches:
        counts[d.language] += 1
    return StaffRecords(
        dispatches=dispatches,
        dispatch_counts=[(AUTONYMS[c], counts[c]) for c in CONTENT_LANGUAGES if counts.get(c)],
        history=list(
            action_log_list(target_type="governance.session", target_id=str(session.pk))[:30]
        ),
    )


def documents_audience(may: SessionAbilities, session: Session) -> DocumentsAudience:
    """Which documents the reader sees: all for those who may read them; for the others only
    once published, and never restricted or withdrawn ones (their existence is not shown)."""
    if may.can_view_documents:
        return "all"
    return "published" if session.documents_published_at is not None else "none"


def session_page(*, user: Any, session: Session) -> SessionPage:
    """The session page's data. Queries do not grow with agenda items, documents,
    participants or resolutions: rules (one per rule), participants by state (1),
    delegations (1), resolutions (1), dispatches and history for the Secretariat (2), plus
    the user's permissions; and when the agenda's fragment is not cached, agenda items (1),
    documents and their files (2, for those who may read them or once published) and the
    items added after adoption (1)."""
    day = opening_day(session)
    may = _abilities(user, session)
    credentials = _credentials(session)
    staff = _staff_records(session) if may.can_view_staff else StaffRecords()
    rules = session_rules(session.body, day)
    lang = content_language(translation.get_language())
    convocation_lang = lang if getattr(session, f"convocation_{lang}", "") else "es"
    return SessionPage(
        session=session,
        day=day,
        tz_label=tz_label(session.starts_at, session.time_zone),
        rules=rules,
        rules_list=rules.as_list(),
        notice=notice_check(session, rules=rules),
        convocation=convocation_in(session, convocation_lang),
        convocation_lang=convocation_lang,
        # The agenda as its owner numbers it (governance.selectors.agenda): a withdrawn item
        # keeps its place without a number; read when the template first asks for it.
        documents_audience=documents_audience(may, session),
        language=translation.get_language() or lang,
        credentials=credentials,
        participants_total=sum(credentials.values()),
        delegations=_delegations(session) if may.can_follow else None,
        resolutions=list(Resolution.objects.filter(session=session).order_by("number")),
        dispatches=staff.dispatches,
        dispatch_counts=staff.dispatch_counts,
        history=staff.history,
        can_manage=may.can_manage,
        can_view_staff=may.can_view_staff,
        can_view_documents=may.can_view_documents,
        can_follow=may.can_follow,
        is_participant=may.is_participant,
        is_representative=may.is_representative,
        # Minutes are public once published (their page says what may be read); before the
        # session closes, only those who follow it are pointed there.
        show_minutes=may.can_follow or session.state == Session.State.CLOSED,
    )
