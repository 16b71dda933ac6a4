"""Reads of a session's convocation: its default text in each language, who it goes to, the
preview shown before convening, and what its PDF shows.

Recipients (shared/domain.md, "General Assembly" and "Standing Committee"): in a body of all
members, the representatives in office of every member institution on the session's date,
then those who attend without being members (the body's seats); elsewhere, each seat's
holder and, for a seat of an institution, that institution's representatives.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone, translation

from secretariat.core.languages import (
    AUTONYMS,
    CONTENT_LANGUAGES,
    language_name,
    recipient_language,
)
from secretariat.governance.models import Seat, Session
from secretariat.governance.selectors.notice import (
    NoticeCheck,
    default_documents_deadline,
    notice_check,
)
from secretariat.governance.selectors.sessions import (
    in_language,
    local,
    opening_day,
    tz_label,
    zone,
)
from secretariat.members.models import Membership, Representative

# --- The text -------------------------------------------------------------------------------


def convener_lines(session: Session) -> list[str]:
    """Who asked for the session: the voting seat holders chosen (title and holder); for a
    session recorded before they were chosen from the seats, the names as typed then."""
    if session.pk is not None:
        seats = list(session.requesters.order_by("order", "title", "pk"))
        if seats:
            return [f"{s.title} ({s.holder})" if s.holder else s.title for s in seats]
    return [line.strip() for line in session.requested_by.splitlines() if line.strip()]


def languages_named_in(session: Session, lang: str) -> list[str]:
    """The session's languages named in `lang`, as a sentence writes them ("español, inglés")."""
    return [
        language_name(code, in_language=lang, in_sentence=True)
        for code in session.languages
        if code in CONTENT_LANGUAGES
    ]


def _text_context(
    session: Session, lang: str, documents_deadline: dt.datetime | None, moment: dt.datetime
) -> dict[str, Any]:
    tz = session.time_zone
    country = in_language(session.country, "name", lang) if session.country else ""
    return {
        "session": session,
        "lang": lang,
        "title": in_language(session, "title", lang),
        "body_name": in_language(session.body, "name", lang),
        "extraordinary": session.kind == Session.Kind.EXTRAORDINARY,
        "requesters": convener_lines(session),
        "starts_at": local(session.starts_at, tz),
        "ends_at": local(session.ends_at, tz) if session.ends_at else None,
        "same_day": bool(
            session.ends_at
            and local(session.ends_at, tz).date() == local(session.starts_at, tz).date()
        ),
        "tz_label": tz_label(session.starts_at, tz),
        "deadline": local(documents_deadline, tz) if documents_deadline else None,
        "deadline_tz": tz_label(documents_deadline, tz) if documents_deadline else "",
        "convened_on": local(moment, tz).date(),
        "country_name": country,
        "place": f"{session.place}, {country}" if country else session.place,
        "languages": languages_named_in(session, lang),
    }


def convocation_default_text(
    session: Session,
    lang: str,
    *,
    documents_deadline: dt.datetime | None,
    convened_at: dt.datetime | None = None,
) -> str:
    """The convocation generated in a language: one template whose words are msgids (context
    "convocation") rendered under `translation.override(lang)`, with dates in the language's
    format and the session's time zone named."""
    moment = convened_at or session.convened_at or timezone.now()
    context = _text_context(session, lang, documents_deadline, moment)
    with translation.override(lang), timezone.override(zone(session.time_zone)):
        text = render_to_string("governance/session_convocation.txt", context)
    # Templates keep one paragraph per block; collapse the blank lines the tags leave.
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p).strip() + "\n"


def convocation_in(session: Session, lang: str) -> str:
    """The stored convocation in a language, falling back to Spanish (authoritative)."""
    return in_language(session, "convocation", lang)


# --- Recipients ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    """One person a convocation goes to."""

    name: str
    email: str
    language: str
    institution_id: int | None = None
    seat_id: int | None = None
    via: str = ""  # the institution or seat, for the dispatch list


@dataclass
class _Recipients:
    """Recipients in order, once each by e-mail (the first mention wins)."""

    found: list[Recipient] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)

    def add(self, recipient: Recipient) -> None:
        key = recipient.email.strip().casefold()
        if key and key not in self.seen:
            self.seen.add(key)
            self.found.append(recipient)


def _representatives(institution_ids: Iterable[int], day: dt.date) -> list[Representative]:
    ids = list(institution_ids)
    if not ids:
        return []
    return list(
        Representative.objects.active_on(day)
        .filter(institution_id__in=ids)
        .select_related("user", "institution")
        .order_by("institution__name", "role", "full_name", "pk")
    )


def _representative_recipient(
    rep: Representative, session: Session, seat: Seat | None = None
) -> Recipient:
    return Recipient(
        name=rep.full_name,
        email=rep.email or (rep.user.email if rep.user_id and rep.user else ""),
        language=recipient_language(rep.user, session.languages),
        institution_id=rep.institution_id,
        seat_id=seat.pk if seat else None,
        via=seat.title if seat else rep.institution.name,
    )


def _seat_recipient(seat: Seat, session: Session) -> Recipient:
    return Recipient(
        name=seat.holder or seat.title,
        email=seat.email or (seat.user.email if seat.user_id and seat.user else ""),
        language=recipient_language(seat.user, session.languages),
        institution_id=seat.institution_id,
        seat_id=seat.pk,
        via=seat.title,
    )


def convocation_recipients(session: Session) -> list[Recipient]:
    """Everyone the convocation goes to, by e-mail, once each (first mention wins): see the
    module docstring. Queries: four, whatever the size."""
    day = opening_day(session)
    body = session.body
    seats = list(
        Seat.objects.active_on(day)
        .filter(body=body)
        .select_related("user", "institution")
        .order_by("order", "title", "pk")
    )
    member_ids: set[int] = set()
    if body.all_members_sit:
        member_ids = set(
            Membership.objects.active_on(day)
            .order_by("institution__name")
            .values_list("institution_id", flat=True)
            .distinct()
        )
    seat_institutions = {s.institution_id for s in seats if s.institution_id}
    reps = _representatives(member_ids | seat_institutions, day)
    by_institution: dict[int, list[Representative]] = defaultdict(list)
    for rep in reps:
        by_institution[rep.institution_id].append(rep)
    recipients = _Recipients()
    for rep in reps:
        if rep.institution_id in member_ids:
            recipients.add(_representative_recipient(rep, session))
    for seat in seats:
        recipients.add(_seat_recipient(seat, session))
        if seat.institution_id:
            for rep in by_institution.get(seat.institution_id, []):
                recipients.add(_representative_recipient(rep, session, seat))
    return recipients.found


# --- The convene page ----------------------------------------------------------------------


@dataclass(frozen=True)
class ConvocationPreview:
    """What the convene page shows before confirming."""

    notice: NoticeCheck
    documents_deadline: dt.datetime
    texts: dict[str, str]
    recipients: list[Recipient]
    tz_label: str

    @property
    def deadline_passed(self) -> bool:
        return self.documents_deadline <= timezone.now()

    @property
    def recipients_by_language(self) -> list[tuple[str, int]]:
        counts: dict[str, int] = defaultdict(int)
        for r in self.recipients:
            counts[r.language] += 1
        return [(AUTONYMS[code], counts[code]) for code in CONTENT_LANGUAGES if counts.get(code)]


def convocation_preview(
    session: Session,
    *,
    documents_deadline: dt.datetime | None = None,
    texts: dict[str, str] | None = None,
) -> ConvocationPreview:
    now = timezone.now()
    deadline = documents_deadline or default_documents_deadline(session)
    given = texts or {}
    return ConvocationPreview(
        notice=notice_check(session, convened_at=now),
        documents_deadline=deadline,
        texts={
            lang: given.get(lang)
            or convocation_default_text(session, lang, documents_deadline=deadline, convened_at=now)
            for lang in session.languages
        },
        recipients=convocation_recipients(session),
        tz_label=tz_label(session.starts_at, session.time_zone),
    )


# --- The PDF ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConvocationDocument:
    """The convocation in one language, as its PDF shows it (a draft: what it would say if
    convened now)."""

    session: Session
    language: str
    title: str
    body_name: str
    text: str
    draft: bool
    deadline: dt.datetime | None
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    tz_label: str
    country_name: str
    languages: list[str]


def convocation_document(*, session: Session, lang: str) -> ConvocationDocument:
    """The convocation of a session the user may see, in one of its languages (else 404)."""
    if lang not in session.languages:
        raise Http404
    draft = session.state == Session.State.DRAFT
    deadline = session.documents_deadline
    if draft:
        deadline = default_documents_deadline(session)
        text = convocation_default_text(session, lang, documents_deadline=deadline)
    else:
        text = convocation_in(session, lang)
    tz = session.time_zone
    return ConvocationDocument(
        session=session,
        language=lang,
        title=in_language(session, "title", lang),
        body_name=in_language(session.body, "name", lang),
        text=text,
        draft=draft,
        deadline=deadline,
        starts_at=local(session.starts_at, tz),
        ends_at=local(session.ends_at, tz) if session.ends_at else None,
        tz_label=tz_label(session.starts_at, tz),
        country_name=in_language(session.country, "name", lang) if session.country else "",
        languages=languages_named_in(session, lang),
    )
