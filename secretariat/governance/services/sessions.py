"""Every write to a session's record: create, edit, convene (with its e-mails) and cancel.

Rules enforced here (shared/domain.md):
- sessions are numbered per body and kind in Roman numerals ("XXX Asamblea General
  Ordinaria"); a number is used once;
- who may convene an extraordinary session: the General Assembly at the request of the
  President or of at least `governance.general_assembly.extraordinary_requesters` (5)
  members of the Standing Committee [C]; the Standing Committee when the President
  convenes it [C]; a CASS commission by its president or at least
  `governance.cass.extraordinary_requesters` (2) of its members [C]; the CIESS Board and
  sub-regional meetings by their president [D: default, to be confirmed];
- notice: the session opens no earlier than the convocation's date plus the body's
  `notice_days` (or `notice_days_extraordinary`) in force on the session's date [D]; a
  shorter notice needs a recorded reason (a waiver in the action log);
- documents are due `documents_days` before the opening unless the convocation says
  otherwise [D].
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from secretariat.core.audit import diff, record_action, snapshot
from secretariat.core.models import User
from secretariat.core.selectors.rule_settings import rule_value
from secretariat.governance.models import Body, Dispatch, RulesProfile, Session, roman
from secretariat.governance.selectors.sessions import (
    LANGUAGES,
    convocation_default_text,
    convocation_recipients,
    default_documents_deadline,
    in_language,
    local,
    notice_check,
    opening_day,
    zone,
)
from secretariat.governance.services.common import (
    locked,
    require,
    require_reason,
    touch_session,
    with_reason,
)
from secretariat.members.models import Country, Source

logger = logging.getLogger(__name__)

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
DRAFT_ONLY = ["number", "convened_by", "requested_by"]
CONVENED_ONLY = ["documents_deadline"]

# Generated titles are part of the record in each language (not interface strings), so each
# language has its own pattern: the CISS form for the General Assembly, a uniform one else.
_TITLES = {
    "es": {
        "assembly": "{roman} Asamblea General {kind}",
        "other": "{roman} Sesión {kind} — {body}",
        "ordinary": "Ordinaria",
        "extraordinary": "Extraordinaria",
    },
    "en": {
        "assembly": "{roman} {kind} General Assembly",
        "other": "{roman} {kind} Session — {body}",
        "ordinary": "Ordinary",
        "extraordinary": "Extraordinary",
    },
    "pt": {
        "assembly": "{roman} Assembleia Geral {kind}",
        "other": "{roman} Sessão {kind} — {body}",
        "ordinary": "Ordinária",
        "extraordinary": "Extraordinária",
    },
    "fr": {
        "assembly": "{roman} Assemblée générale {kind}",
        "other": "{roman} Session {kind} — {body}",
        "ordinary": "ordinaire",
        "extraordinary": "extraordinaire",
    },
}

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


def session_title(body: Body, kind: str, number: int, lang: str) -> str:
    """The title generated for a session in a language, e.g. "XXXI Asamblea General
    Ordinaria" or "II Extraordinary Session — Standing Committee"."""
    pattern = _TITLES[lang]
    template = pattern["assembly"] if body.all_members_sit else pattern["other"]
    return template.format(
        roman=roman(number), kind=pattern[kind], body=in_language(body, "name", lang)
    )[:250]


def next_session_number(body: Body, kind: str) -> int:
    highest = Session.objects.filter(body=body, kind=kind).aggregate(n=Max("number"))["n"]
    return (highest or 0) + 1


def _aware(moment: dt.datetime | None, tz_name: str) -> dt.datetime | None:
    if moment is None or timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment, zone(tz_name))


class _Errors:
    """Collects the ValidationErrors of several checks, so the form shows them all at once."""

    def __init__(self) -> None:
        self.errors: dict[str, list[Any]] = {}

    def run(self, check: Any, *args: Any, **kwargs: Any) -> Any:
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
    unknown = [code for code in chosen if code not in LANGUAGES]
    if unknown:
        raise ValidationError(
            {"languages": _("Unknown language: %(codes)s.") % {"codes": ", ".join(unknown)}}
        )
    if "es" not in chosen:
        raise ValidationError(
            {"languages": _("Spanish must be one of the languages: it is the authoritative one.")}
        )
    return [code for code in LANGUAGES if code in chosen]


def _check_time_zone(name: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError({"time_zone": _("Unknown time zone.")}) from exc


def _check_requesters(text: str) -> list[str]:
    names = [line.strip() for line in text.splitlines() if line.strip()]
    seen: set[str] = set()
    for name in names:
        key = " ".join(name.casefold().split())
        if key in seen:
            raise ValidationError(
                {"requested_by": _("“%(name)s” is named twice.") % {"name": name}}
            )
        seen.add(key)
    return names


def _check_convener(
    *, body: Body, kind: str, convened_by: str, requested_by: str, day: dt.date
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
    names = _check_requesters(requested_by)
    rule = REQUESTERS_RULE.get(convened_by)
    if rule is None:
        return
    needed = int(rule_value(rule, on=day))
    if len(names) < needed:
        group = (
            _("members of the Standing Committee")
            if convened_by == Session.ConvenedBy.COMMITTEE_MEMBERS
            else _("members of the body")
        )
        raise ValidationError(
            {
                "requested_by": _(
                    "At least %(needed)d %(group)s must request it; %(count)d named. "
                    "Name each one on its own line."
                )
                % {"needed": needed, "group": group, "count": len(names)}
            }
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


def _fill_titles(session: Session, given: Mapping[str, str]) -> None:
    for lang in LANGUAGES:
        text = (given.get(lang) or "").strip()
        setattr(
            session,
            f"title_{lang}",
            text or session_title(session.body, session.kind, session.number, lang),
        )


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
    """Prepare a session (state: in preparation), numbered in the body's series of its kind."""
    require(actor, MANAGE)
    if not body.holds_sessions:
        raise ValidationError({"body": _("This body does not hold sessions.")})
    if kind not in Session.Kind.values:
        raise ValidationError({"kind": _("Choose ordinary or extraordinary.")})
    _check_time_zone(time_zone)
    # One numbering at a time per body: lock the body row while the next number is taken.
    body = Body.objects.select_for_update().get(pk=body.pk)
    if convened_by is None or convened_by == "":
        convened_by = Session.ConvenedBy.STATUTE if kind == Session.Kind.ORDINARY else ""
    starts = _aware(starts_at, time_zone)
    if starts is None:
        raise ValidationError({"starts_at": _("Give the date and time the session opens.")})
    errors = _Errors()
    session = Session(
        body=body,
        kind=kind,
        number=number or next_session_number(body, kind),
        starts_at=starts,
        ends_at=_aware(ends_at, time_zone),
        time_zone=time_zone,
        place=place.strip(),
        country=country,
        online=online,
        online_url=online_url.strip(),
        languages=errors.run(_clean_languages, ["es", "en"] if languages is None else languages)
        or ["es"],
        convened_by=convened_by,
        requested_by="\n".join(convener_lines_text(requested_by)),
        chair=chair.strip(),
        secretary=secretary.strip(),
        notes=notes.strip(),
        origin=origin,
        source=source.strip(),
    )
    errors.run(_check_dates, session)
    errors.run(
        _check_convener,
        body=body,
        kind=kind,
        convened_by=convened_by,
        requested_by=session.requested_by,
        day=opening_day(session),
    )
    errors.run(_check_number_free, session)
    errors.raise_any()
    _fill_titles(session, {"es": title_es, "en": title_en, "pt": title_pt, "fr": title_fr})
    session.full_clean(exclude=["state"])  # protected FSM field: set by transitions only
    with_reason(session, reason)
    session.save()
    record_action(
        actor=actor,
        event="session.created",
        target=session,
        new=snapshot(session, SESSION_FIELDS),
        reason=reason,
    )
    return session


def convener_lines_text(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


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
    reason, and a new opening date is checked against the notice period again (a shorter
    notice needs `short_notice_reason`, recorded as a waiver)."""
    require(actor, MANAGE, session)
    session = locked(session)
    if session.state not in (Session.State.DRAFT, Session.State.CONVENED):
        raise ValidationError(
            _("Only a session in preparation or convened can be changed; this one is %(state)s.")
            % {"state": session.get_state_display()}
        )
    convened = session.state == Session.State.CONVENED
    if convened:
        reason = require_reason(reason)
    before = snapshot(session, SESSION_FIELDS)
    old_titles = {lang: getattr(session, f"title_{lang}") for lang in LANGUAGES}
    old_number = session.number
    allowed = EDITABLE + (CONVENED_ONLY if convened else DRAFT_ONLY)
    refused = [name for name in data if name not in allowed and name not in SESSION_FIELDS]
    if refused:
        raise ValueError(f"unknown fields: {refused}")
    time_zone = str(data.get("time_zone", session.time_zone))
    _check_time_zone(time_zone)
    errors = _Errors()
    for name in allowed:
        if name not in data:
            continue
        value = data[name]
        if name in ("starts_at", "ends_at", "documents_deadline"):
            value = _aware(value, time_zone)
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
    # A title left empty, or still the one generated for the old number, is generated again.
    given = {}
    for lang in LANGUAGES:
        text = (getattr(session, f"title_{lang}") or "").strip()
        generated_before = session_title(session.body, session.kind, old_number, lang)
        if session.number != old_number and text == old_titles[lang] == generated_before:
            text = ""
        given[lang] = text
    _fill_titles(session, given)
    errors.run(_check_dates, session)
    if not convened:
        errors.run(
            _check_convener,
            body=session.body,
            kind=session.kind,
            convened_by=session.convened_by,
            requested_by=session.requested_by,
            day=opening_day(session),
        )
        errors.run(_check_number_free, session)
    errors.raise_any()
    session.full_clean(exclude=["state"])  # protected FSM field: set by transitions only
    old, new = diff(before, snapshot(session, SESSION_FIELDS))
    if not new:
        return session
    if convened and ("starts_at" in new or "time_zone" in new):
        _check_notice(session, session.convened_at, short_notice_reason, actor)
    with_reason(session, reason)
    session.save()
    record_action(
        actor=actor, event="session.updated", target=session, old=old, new=new, reason=reason
    )
    touch_session(session)
    return session


def _check_notice(
    session: Session, convened_at: dt.datetime | None, waiver: str, actor: User
) -> None:
    """Refuse a session opening before the notice period ends, unless a reason is given;
    the waiver is then recorded in the action log."""
    check = notice_check(session, convened_at=convened_at)
    if check.ok:
        return
    waiver = (waiver or "").strip()
    if not waiver:
        raise ValidationError(
            {
                "short_notice_reason": _(
                    "Too late for the notice period: convened on %(convened)s with %(days)d "
                    "days' notice, the session may open on %(earliest)s at the earliest, but it "
                    "opens on %(starts)s. Convene by %(latest)s, move the session, or give the "
                    "reason for the shorter notice."
                )
                % {
                    "convened": date_format(check.convened_on, "DATE_FORMAT"),
                    "days": check.days,
                    "earliest": date_format(check.earliest_start, "DATE_FORMAT"),
                    "starts": date_format(check.starts_on, "DATE_FORMAT"),
                    "latest": date_format(check.latest_convocation, "DATE_FORMAT"),
                }
            }
        )
    record_action(
        actor=actor,
        event="session.notice_waived",
        target=session,
        old={"notice_days": check.days, "earliest_start": check.earliest_start},
        new={"convened_on": check.convened_on, "starts_on": check.starts_on},
        reason=waiver,
    )


@transaction.atomic
def session_convene(
    *,
    actor: User,
    session: Session,
    convocations: Mapping[str, str] | None = None,
    documents_deadline: dt.datetime | None = None,
    short_notice_reason: str = "",
    reason: str = "",
    site_url: str = "",
) -> Session:
    """Convene a session in preparation: check the notice period, store the convocation in
    each of its languages (the text given, else the generated one), and send it by e-mail
    to every seat's representatives after the transaction commits (one Dispatch per message).

    `site_url` (scheme and host) makes the links in the e-mails absolute.
    """
    require(actor, MANAGE, session)
    session = locked(session)
    if session.state != Session.State.DRAFT:
        raise ValidationError(
            _("Only a session in preparation can be convened; this one is %(state)s.")
            % {"state": session.get_state_display()}
        )
    if not session.place.strip() and not session.online:
        raise ValidationError(
            _("Say where the session is held (a place, or online) before convening it.")
        )
    now = timezone.now()
    deadline = _aware(documents_deadline, session.time_zone) or default_documents_deadline(session)
    if deadline >= session.starts_at:
        raise ValidationError(
            {"documents_deadline": _("Documents must be due before the session opens.")}
        )
    if deadline <= now:
        raise ValidationError(
            {
                "documents_deadline": _(
                    "The deadline for documents (%(deadline)s) has already passed; set a later one."
                )
                % {"deadline": date_format(local(deadline, session.time_zone), "DATETIME_FORMAT")}
            }
        )
    _check_notice(session, now, short_notice_reason, actor)
    given = convocations or {}
    session.convened_at = now
    session.documents_deadline = deadline
    for lang in session.languages:
        text = (given.get(lang) or "").strip()
        if not text:
            text = convocation_default_text(
                session, lang, documents_deadline=deadline, convened_at=now
            )
        setattr(session, f"convocation_{lang}", text.strip())
    before_state = session.state
    session.mark_convened()
    session.full_clean(exclude=["state"])  # protected FSM field: set by transitions only
    with_reason(session, reason)
    session.save()
    recipients = convocation_recipients(session)
    # Dispatch is a log of messages, not a history-tracked record: one insert for all.
    dispatches = Dispatch.objects.bulk_create(
        [
            Dispatch(
                session=session,
                kind=Dispatch.Kind.CONVOCATION,
                recipient=r.name[:200],
                email=r.email,
                institution_id=r.institution_id,
                seat_id=r.seat_id,
                language=r.language,
                sent_at=now,
                sent_by=actor,
            )
            for r in recipients
        ]
    )
    record_action(
        actor=actor,
        event="session.convened",
        target=session,
        old={"state": before_state},
        new={
            "state": session.state,
            "convened_at": now,
            "documents_deadline": deadline,
            "recipients": len(dispatches),
        },
        reason=reason,
    )
    touch_session(session)
    session_pk = session.pk
    transaction.on_commit(lambda: send_convocations(session_pk, site_url=site_url))
    return session


def _session_url(name: str, language: str, site_url: str, **kwargs: Any) -> str:
    try:
        with translation.override(language):
            path = reverse(f"governance:{name}", kwargs=kwargs)
    except NoReverseMatch:
        return ""
    return f"{site_url.rstrip('/')}{path}"


def convocation_message(session: Session, dispatch: Dispatch, site_url: str = "") -> Any:
    """The e-mail of one dispatch, in its language, with the session's calendar attached."""
    from secretariat.governance.ical import session_ics

    lang = dispatch.language if dispatch.language in LANGUAGES else "es"
    context = {
        "session": session,
        "recipient": dispatch.recipient,
        "title": in_language(session, "title", lang),
        "text": in_language(session, "convocation", lang),
        "session_url": _session_url("session-detail", lang, site_url, pk=session.pk),
        "pdf_url": _session_url(
            "session-convocation-pdf", lang, site_url, pk=session.pk, lang=lang
        ),
    }
    with translation.override(lang):
        subject = " ".join(
            render_to_string("governance/email/convocation_subject.txt", context).split()
        )
        body = render_to_string("governance/email/convocation_body.txt", context)
        ics = session_ics(session, language=lang, base_url=site_url, with_link=True)
    message = EmailMultiAlternatives(subject=subject, body=body, to=[dispatch.email])
    message.attach("session.ics", ics, "text/calendar")
    return message


def send_convocations(session_pk: int, *, site_url: str = "") -> int:
    """Send the convocation of every dispatch recorded for the session (after commit)."""
    session = Session.objects.select_related("body", "country").get(pk=session_pk)
    dispatches = list(
        Dispatch.objects.filter(session=session, kind=Dispatch.Kind.CONVOCATION).order_by("pk")
    )
    messages = [convocation_message(session, d, site_url) for d in dispatches]
    try:
        with get_connection() as connection:
            return int(connection.send_messages(messages) or 0)
    except Exception:  # the session stays convened; the log says what to resend
        logger.exception("Sending the convocation of session %s failed", session_pk)
        return 0


@transaction.atomic
def session_cancel(*, actor: User, session: Session, reason: str) -> Session:
    """Cancel a session in preparation or convened (never deleted: it stays, cancelled)."""
    require(actor, MANAGE, session)
    reason = require_reason(reason)
    session = locked(session)
    if session.state not in (Session.State.DRAFT, Session.State.CONVENED):
        raise ValidationError(
            _("Only a session in preparation or convened can be cancelled; this one is %(state)s.")
            % {"state": session.get_state_display()}
        )
    before = session.state
    session.mark_cancelled()
    with_reason(session, reason)
    session.save()
    record_action(
        actor=actor,
        event="session.cancelled",
        target=session,
        old={"state": before},
        new={"state": session.state},
        reason=reason,
    )
    touch_session(session)
    return session
