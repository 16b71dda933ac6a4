"""iCalendar (RFC 5545) for sessions: one event per session and one per documents deadline.

UIDs are stable (they name the session, not the request) so that calendar clients update
an event when the session moves; SEQUENCE follows the session's revision. Times carry the
session's time zone (a VTIMEZONE is added for each zone used).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from secretariat.governance.models import Session
from secretariat.governance.selectors.sessions import in_language, local

PRODID = "-//CISS General Secretariat//Secretariat//ES"
STATUS = {
    Session.State.CONVENED: "CONFIRMED",
    Session.State.OPEN: "CONFIRMED",
    Session.State.CLOSED: "CONFIRMED",
    Session.State.CANCELLED: "CANCELLED",
    Session.State.DRAFT: "TENTATIVE",
}


def _uid_domain() -> str:
    return str(getattr(settings, "SECRETARIAT_ICAL_UID_DOMAIN", "secretariat.ciss.invalid"))


def session_uid(session: Session) -> str:
    return f"session-{session.pk}@{_uid_domain()}"


def deadline_uid(session: Session) -> str:
    return f"session-{session.pk}-documents@{_uid_domain()}"


def _url(session: Session, base_url: str) -> str:
    try:
        path = reverse("governance:session-detail", kwargs={"pk": session.pk})
    except NoReverseMatch:
        return ""
    return f"{base_url.rstrip('/')}{path}" if base_url else ""


def _location(session: Session, lang: str) -> str:
    parts = [session.place]
    if session.country is not None:
        parts.append(in_language(session.country, "name", lang))
    text = ", ".join(p for p in parts if p)
    if session.online:
        online = _("Online")
        text = f"{text} · {online}" if text else str(online)
    return text


def _events(session: Session, lang: str, base_url: str, with_link: bool) -> list[Event]:
    title = in_language(session, "title", lang)
    stamp = timezone.now()
    url = _url(session, base_url)
    event = Event()
    event.add("uid", session_uid(session))
    event.add("dtstamp", stamp)
    event.add("dtstart", local(session.starts_at, session.time_zone))
    if session.ends_at is not None:
        event.add("dtend", local(session.ends_at, session.time_zone))
    event.add("summary", title)
    event.add("status", STATUS.get(session.state, "CONFIRMED"))
    event.add("sequence", session.revision)
    location = _location(session, lang)
    if location:
        event.add("location", location)
    description = [str(session.body.name)]
    if with_link and session.online and session.online_url:
        description.append(_("Link to join: %(url)s") % {"url": session.online_url})
        event.add("conference", session.online_url, parameters={"VALUE": "URI"})
    if url:
        event.add("url", url)
        description.append(url)
    event.add("description", "\n".join(description))
    events = [event]
    if session.documents_deadline is not None:
        deadline = Event()
        deadline.add("uid", deadline_uid(session))
        deadline.add("dtstamp", stamp)
        moment = local(session.documents_deadline, session.time_zone)
        deadline.add("dtstart", moment)
        deadline.add("dtend", moment)
        deadline.add("summary", _("Deadline for documents: %(title)s") % {"title": title})
        deadline.add(
            "status",
            "CANCELLED" if session.state == Session.State.CANCELLED else "CONFIRMED",
        )
        deadline.add("sequence", session.revision)
        deadline.add("transp", "TRANSPARENT")
        if url:
            deadline.add("url", url)
        events.append(deadline)
    return events


def sessions_calendar(
    sessions: Iterable[Session],
    *,
    language: str,
    base_url: str = "",
    name: str = "",
    with_link: bool = False,
) -> bytes:
    """A calendar of the sessions and their documents deadlines, in the language given.

    The link to join an online session is for those convened: `with_link` only in the
    convocation's attachment and for users who follow the session."""
    with translation.override(language):
        cal = Calendar()
        cal.add("prodid", PRODID)
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("method", "PUBLISH")
        cal.add("x-wr-calname", name or _("Sessions of the CISS bodies"))
        for session in sessions:
            for event in _events(session, language, base_url, with_link):
                cal.add_component(event)
        cal.add_missing_timezones()
        return bytes(cal.to_ical())


def session_ics(
    session: Session, *, language: str, base_url: str = "", with_link: bool = False
) -> bytes:
    """One session (and its documents deadline) as a calendar file."""
    return sessions_calendar(
        [session],
        language=language,
        base_url=base_url,
        name=in_language(session, "title", language),
        with_link=with_link,
    )
