"""Writes to a session's record: create, edit and cancel (convening: `services.convocation`).

Rules enforced here (shared/domain.md):
- sessions are numbered per body and kind in Roman numerals ("XXX Asamblea General
  Ordinaria", "Documents and identity"); a number is used once;
- who may convene an extraordinary session: the General Assembly at the request of the
  President or of at least `governance.general_assembly.extraordinary_requesters` (5)
  members of the Standing Committee [C]; the Standing Committee when the President
  convenes it [C]; a CASS commission by its president or at least
  `governance.cass.extraordinary_requesters` (2) of its members [C]; the CIESS Board and
  sub-regional meetings by their president [D: default, to be confirmed]; requesters are
  chosen from the voting seat holders of the requesting body on the date of the request,
  each member counted once (`services.requesters`);
- a convened session whose opening moves is checked again against the notice period
  (`governance.<profile>.notice_days`, see `services.convocation.check_notice`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from secretariat.core.access import require, require_reason
from secretariat.core.audit import diff, locked, save_audited, snapshot
from secretariat.core.languages import AUTHORITATIVE, CONTENT_LANGUAGES
from secretariat.core.models import User
from secretariat.governance.models import Body, RulesProfile, Seat, Session, roman
from secretariat.governance.selectors.sessions import aware, in_language
from secretariat.governance.services.common import touch_session
from secretariat.governance.services.convocation import check_notice
from secretariat.governance.services.requesters import (
    check_requesters,
    requester_label,
)
from secretariat.members.models import Country, Source

MANAGE = "governance.manage_sessions"
SESSION_FIELDS = [
    "body",
    "kind",
    "number",
    "title_es",
    "title_en",
    "title_pt",
    "title_fr",
    "starts_at",
    "ends_at",
    "time_zone",
    "place",
    "country",
    "online",
    "online_url",
    "languages",
    "convened_by",
    "requested_by",
    "chair",
    "secretary",
    "notes",
    "state",
    "documents_deadline",
    "source",
]
# What may change, and when (the body and kind fix the series; a number only in preparation).
EDITABLE = [
    "title_es",
    "title_en",
    "title_pt",
    "title_fr",
    "starts_at",
    "ends_at",
    "time_zone",
    "place",
    "country",
    "online",
    "online_url",
    "languages",
    "chair",
    "secretary",
    "notes",
    "source",
]
DRAFT_ONLY = ["number", "convened_by", "requested_by", "requested_on"]
CONVENED_ONLY = ["documents_deadline"]
CHANGEABLE_STATES = (Session.State.DRAFT, Session.State.CONVENED)

# Who may convene an extraordinary session of a body, by its rules profile.
EXTRAORDINARY_CONVENERS: dict[str, tuple[str, ...]] = {
    RulesProfile.GENERAL_ASSEMBLY: (
        Session.ConvenedBy.PRESIDENT,
        Session.ConvenedBy.COMMITTEE_MEMBERS,
    ),
    RulesProfile.STANDING_COMMITTEE: (Session.ConvenedBy.PRESIDENT,),
    RulesProfile.CASS: (Session.ConvenedBy.BODY_PRESIDENT, Session.ConvenedBy.BODY_MEMBERS),
    RulesProfile.CIESS_BOARD: (Session.ConvenedBy.BODY_PRESIDENT,),
    RulesProfile.SUBREGION: (Session.ConvenedBy.BODY_PRESIDENT,),
}
REQUESTERS_RULE: dict[str, str] = {
    Session.ConvenedBy.COMMITTEE_MEMBERS: "governance.general_assembly.extraordinary_requesters",
    Session.ConvenedBy.BODY_MEMBERS: "governance.cass.extraordinary_requesters",
}


# --- Titles and numbers ------------------------------------------------------------------------


def session_title(body: Body, kind: str, number: int, lang: str) -> str:
    """The title generated for a session in a language, e.g. "XXXI Asamblea General
    Ordinaria" or "II Extraordinary Session — Standing Committee": part of the record in each
    language, its words are msgids (context "session title") rendered in that language; the
    CISS form for the General Assembly, a uniform one for the other bodies."""
    with translation.override(lang):
        kind_word = (
            pgettext("session title", "Ordinary")
            if kind == Session.Kind.ORDINARY
            else pgettext("session title", "Extraordinary")
        )
        if body.all_members_sit:
            template = pgettext("session title", "%(roman)s %(kind)s General Assembly")
        else:
            template = pgettext("session title", "%(roman)s %(kind)s Session — %(body)s")
        title = template % {
            "roman": roman(number),
            "kind": kind_word,
            "body": in_language(body, "name", lang),
        }
    return title[:250]


def next_session_number(body: Body, kind: str) -> int:
    highest = Session.objects.filter(body=body, kind=kind).aggregate(n=Max("number"))["n"]
    return (highest or 0) + 1


def _fill_titles(session: Session, given: Mapping[str, str]) -> None:
    for lang in CONTENT_LANGUAGES:
        text = (given.get(lang) or "").strip()
        setattr(
            session,
            f"title_{lang}",
            text or session_title(session.body, session.kind, session.number, lang),
        )


def _titles(session: Session) -> dict[str, str]:
    return {lang: getattr(session, f"title_{lang}") for lang in CONTENT_LANGUAGES}


def _refresh_titles(session: Session, old_number: int, old_titles: Mapping[str, str]) -> None:
    """A title left empty, or still the one generated for the old number, is generated again."""
    given = {}
    for lang in CONTENT_LANGUAGES:
        text = (getattr(session, f"title_{lang}") or "").strip()
        generated_before = session_title(session.body, session.kind, old_number, lang)
        if session.number != old_number and text == old_titles[lang] == generated_before:
            text = ""
        given[lang] = text
    _fill_titles(session, given)


def convener_lines_text(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# --- Checks ------------------------------------------------------------------------------------


class _Errors:
    """Collects the ValidationErrors of several checks, so the form shows them all at once."""

    def __init__(self) -> None:
        self.errors: dict[str, list[Any]] = {}

    def run(self, check: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return check(*args, **kwargs)
        except ValidationError as exc:
            for key, messages in exc.update_error_dict({}).items():
                self.errors.setdefault(key, []).extend(messages)
            return None

    def raise_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def _clean_languages(languages: Any) -> list[str]:
    chosen = list(languages or [])
    unknown = [code for code in chosen if code not in CONTENT_LANGUAGES]
    if unknown:
        raise ValidationError(
            {"languages": _("Unknown language: %(codes)s.") % {"codes": ", ".join(unknown)}}
        )
    if AUTHORITATIVE not in chosen:
        raise ValidationError(
            {"languages": _("Spanish must be one of the languages: it is the authoritative one.")}
        )
    return [code for code in CONTENT_LANGUAGES if code in chosen]


def _check_time_zone(name: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError({"time_zone": _("Unknown time zone.")}) from exc


def _check_convener(
    *,
    body: Body,
    kind: str,
    convened_by: str,
    requesters: Sequence[Seat],
    requested_on: dt.date | None,
) -> None:
    """Who may convene, per domain.md (see the module docstring)."""
    if kind == Session.Kind.ORDINARY:
        if convened_by != Session.ConvenedBy.STATUTE:
            raise ValidationError(
                {
                    "convened_by": _(
                        "An ordinary session is convened under the Statute; only an "
                        "extraordinary session is convened at someone's request."
                    )
                }
            )
        return
    allowed = EXTRAORDINARY_CONVENERS.get(body.rules_profile, ())
    if convened_by not in allowed:
        labels = [str(Session.ConvenedBy(code).label) for code in allowed]
        raise ValidationError(
            {
                "convened_by": _(
                    "An extraordinary session of %(body)s may be convened by: %(who)s."
                )
                % {"body": body.name, "who": "; ".join(labels)}
            }
        )
    check_requesters(
        body=body,
        convened_by=convened_by,
        requesters=requesters,
        requested_on=requested_on,
        rule=REQUESTERS_RULE.get(convened_by),
    )


def _check_dates(session: Session) -> None:
    if session.ends_at is not None and session.ends_at < session.starts_at:
        raise ValidationError({"ends_at": _("A session cannot end before it starts.")})
    if session.documents_deadline is not None and session.documents_deadline >= session.starts_at:
        raise ValidationError(
            {"documents_deadline": _("Documents must be due before the session opens.")}
        )


def _check_number_free(session: Session) -> None:
    clash = (
        Session.objects.filter(body=session.body, kind=session.kind, number=session.number)
        .exclude(pk=session.pk)
        .first()
    )
    if clash is not None:
        raise ValidationError(
            {
                "number": _(
                    "%(body)s already has session number %(number)s of this kind: “%(title)s”. "
                    "Choose another number or leave it empty for the next one (%(next)s)."
                )
                % {
                    "body": session.body.name,
                    "number": roman(session.number),
                    "title": clash.title,
                    "next": roman(next_session_number(session.body, session.kind)),
                }
            }
        )


def _check_session(
    session: Session, errors: _Errors, *, in_preparation: bool, requesters: Sequence[Seat] = ()
) -> None:
    """Every check of a session's data at once: its dates and, while it is in preparation,
    who convenes it (and who asked for it) and its number (fixed once convened)."""
    errors.run(_check_dates, session)
    if in_preparation:
        errors.run(
            _check_convener,
            body=session.body,
            kind=session.kind,
            convened_by=session.convened_by,
            requesters=requesters,
            requested_on=session.requested_on,
        )
        errors.run(_check_number_free, session)
    errors.raise_any()


def _check_new(body: Body, kind: str, time_zone: str) -> None:
    if not body.holds_sessions:
        raise ValidationError({"body": _("This body does not hold sessions.")})
    if kind not in Session.Kind.values:
        raise ValidationError({"kind": _("Choose ordinary or extraordinary.")})
    _check_time_zone(time_zone)


def _opening(starts_at: dt.datetime | None, time_zone: str) -> dt.datetime:
    starts = aware(starts_at, time_zone)
    if starts is None:
        raise ValidationError({"starts_at": _("Give the date and time the session opens.")})
    return starts


# --- Create, update, cancel --------------------------------------------------------------------


def _requesters_kept(session: Session, requesters: Sequence[Seat]) -> list[Seat]:
    """Requesters are kept only for a session convened at its members' request."""
    if REQUESTERS_RULE.get(session.convened_by) is None:
        session.requested_on = None
        return []
    return list(dict.fromkeys(requesters))  # a seat chosen twice is one seat


def _set_requesters(session: Session, seats: list[Seat]) -> list[str]:
    session.requesters.set(seats)
    return [requester_label(s) for s in seats]


def _audit_values(session: Session) -> dict[str, Any]:
    return snapshot(session, [*SESSION_FIELDS, "requested_on"])


def _current_requesters(session: Session) -> list[Seat]:
    if session.pk is None:
        return []
    return list(session.requesters.order_by("order", "title", "pk"))


@transaction.atomic
def session_create(
    *,
    actor: User,
    body: Body,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime | None = None,
    time_zone: str = "America/Mexico_City",
    place: str = "",
    country: Country | None = None,
    online: bool = False,
    online_url: str = "",
    languages: list[str] | None = None,
    convened_by: str | None = None,
    requested_by: str = "",
    requesters: Sequence[Seat] = (),
    requested_on: dt.date | None = None,
    number: int | None = None,
    title_es: str = "",
    title_en: str = "",
    title_pt: str = "",
    title_fr: str = "",
    chair: str = "",
    secretary: str = "",
    notes: str = "",
    origin: str = Source.SECRETARIAT,
    source: str = "",
    reason: str = "",
) -> Session:
    """Prepare a session (state: in preparation), numbered in the body's series of its kind
    (domain.md "Documents and identity"); an extraordinary one only by those who may convene
    it (domain.md "General Assembly", "Standing Committee", "CIESS, CASS"; rule settings
    `governance.general_assembly.extraordinary_requesters`, `governance.cass.extraordinary_requesters`)."""
    require(actor, MANAGE)
    _check_new(body, kind, time_zone)
    body = locked(body)  # one numbering at a time per body: the next number is taken here
    ordinary = kind == Session.Kind.ORDINARY
    errors = _Errors()
    session = Session(
        body=body,
        kind=kind,
        number=number or next_session_number(body, kind),
        starts_at=_opening(starts_at, time_zone),
        ends_at=aware(ends_at, time_zone),
        time_zone=time_zone,
        place=place.strip(),
        country=country,
        online=online,
        online_url=online_url.strip(),
        languages=errors.run(_clean_languages, ["es", "en"] if languages is None else languages)
        or ["es"],
        convened_by=convened_by or (Session.ConvenedBy.STATUTE if ordinary else ""),
        requested_by="\n".join(convener_lines_text(requested_by)),
        requested_on=requested_on,
        chair=chair.strip(),
        secretary=secretary.strip(),
        notes=notes.strip(),
        origin=origin,
        source=source.strip(),
    )
    chosen = _requesters_kept(session, requesters)
    _check_session(session, errors, in_preparation=True, requesters=chosen)
    _fill_titles(session, {"es": title_es, "en": title_en, "pt": title_pt, "fr": title_fr})
    save_audited(  # the state is a protected FSM field: set by transitions only
        session,
        actor=actor,
        event="session.created",
        reason=reason,
        new=lambda: {**_audit_values(session), "requesters": _set_requesters(session, chosen)},
        exclude=["state"],
    )
    return session


def _check_changeable(session: Session) -> None:
    if session.state not in CHANGEABLE_STATES:
        raise ValidationError(
            _("Only a session in preparation or convened can be changed; this one is %(state)s.")
            % {"state": session.get_state_display()}
        )


def _apply_changes(
    session: Session, data: Mapping[str, Any], allowed: list[str], errors: _Errors
) -> None:
    """Set the allowed fields given in `data`, dates made aware in the session's time zone."""
    known = [*SESSION_FIELDS, "requested_on", "requesters"]
    refused = [name for name in data if name not in allowed and name not in known]
    if refused:
        raise ValueError(f"unknown fields: {refused}")
    time_zone = str(data.get("time_zone", session.time_zone))
    _check_time_zone(time_zone)
    for name in allowed:
        if name not in data:
            continue
        value = data[name]
        if name in ("starts_at", "ends_at", "documents_deadline"):
            value = aware(value, time_zone)
        elif name == "languages":
            value = errors.run(_clean_languages, value) or session.languages
        elif name == "requested_by":
            value = "\n".join(convener_lines_text(value))
        elif isinstance(value, str):
            value = value.strip()
        setattr(session, name, value)
    if session.starts_at is None:
        raise ValidationError({"starts_at": _("Give the date and time the session opens.")})
    if not session.number:
        session.number = next_session_number(session.body, session.kind)


@transaction.atomic
def session_update(
    *,
    actor: User,
    session: Session,
    data: Mapping[str, Any],
    reason: str | None = None,
    short_notice_reason: str = "",
) -> Session:
    """Change a session in preparation or convened. Once convened, every change needs a
    reason, and a new opening date is checked against the notice period again
    (`governance.<profile>.notice_days`; a shorter notice needs `short_notice_reason`,
    recorded as a waiver)."""
    require(actor, MANAGE, session)
    session = locked(session)
    _check_changeable(session)
    convened = session.state == Session.State.CONVENED
    if convened:
        reason = require_reason(reason)
    had = _current_requesters(session)
    before = {**_audit_values(session), "requesters": [requester_label(x) for x in had]}
    old_number, old_titles = session.number, _titles(session)
    errors = _Errors()
    allowed = EDITABLE + (CONVENED_ONLY if convened else DRAFT_ONLY)
    _apply_changes(session, data, allowed, errors)
    _refresh_titles(session, old_number, old_titles)
    chosen = had
    if not convened:
        chosen = _requesters_kept(session, data.get("requesters", had))
    _check_session(session, errors, in_preparation=not convened, requesters=chosen)
    session.full_clean(exclude=["state"])  # protected FSM field: set by transitions only
    after = {**_audit_values(session), "requesters": [requester_label(x) for x in chosen]}
    old, new = diff(before, after)
    if not new:
        return session
    if "requesters" in new:
        session.requesters.set(chosen)
    if convened and ("starts_at" in new or "time_zone" in new):
        check_notice(session, session.convened_at, short_notice_reason, actor)
    save_audited(
        session, actor=actor, event="session.updated", reason=reason, old=old, new=new, clean=False
    )
    touch_session(session)
    return session


@transaction.atomic
def session_cancel(*, actor: User, session: Session, reason: str) -> Session:
    """Cancel a session in preparation or convened (never deleted: it stays, cancelled)."""
    require(actor, MANAGE, session)
    reason = require_reason(reason)
    session = locked(session)
    if session.state not in CHANGEABLE_STATES:
        raise ValidationError(
            _("Only a session in preparation or convened can be cancelled; this one is %(state)s.")
            % {"state": session.get_state_display()}
        )
    before = session.state
    session.mark_cancelled()
    save_audited(
        session,
        actor=actor,
        event="session.cancelled",
        reason=reason,
        old={"state": before},
        new={"state": session.state},
        clean=False,  # a cancellation changes the state only; the record is kept as it was
    )
    touch_session(session)
    return session
