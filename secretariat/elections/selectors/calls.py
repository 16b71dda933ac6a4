"""Reads of the Calls for Candidates: the one way to a Call, its offices and requirements,
the list, whether a Call is open, and its deadline shown in several time zones.

A Call is public once published (shared/domain.md "Presidency, Secretary General,
Comptroller, CIESS Director": the General Secretariat "requests ... the nominations"; the
issue: "published on the public site"); a draft or approved Call exists only for the staff
(`elections.view_draft_calls`). Nominations are received while the Call is open: published,
from its opening to its deadline, to the microsecond (`call_is_open`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from secretariat.core.access import can, get_for_user_or_404, list_for_user, permission_for
from secretariat.core.languages import (
    AUTONYMS,
    content_language,
    recipient_language,
    session_languages,
)
from secretariat.core.pdf import pdf_html
from secretariat.elections.models import Call, CallOffice, Requirement
from secretariat.governance.models import Office, RulesProfile, Session
from secretariat.members.models import Representative
from secretariat.members.selectors.registry import members_on

MANAGE = "elections.manage_calls"
VIEW_DRAFTS = "elections.view_draft_calls"
PUBLIC_STATES = (Call.State.PUBLISHED, Call.State.CLOSED)
STATE_TONES = {
    Call.State.DRAFT: "warn",
    Call.State.APPROVED: "info",
    Call.State.PUBLISHED: "ok",
    Call.State.CLOSED: "unknown",
}
# The category whose representatives the Call is sent to (members app, categories).
FULL_CATEGORY = "full"
# The offices the Statute's nationality rule names (data/ciss/officers.yaml).
SECRETARY_GENERAL = "secretary-general"
COMPTROLLER = "comptroller"

# The kind of document the Call's PDF is (core.documents; registered in elections/documents.py).
CALL_DOCUMENT = "elections.call"

CallAction = Literal["view", "manage"]
# "view": whoever sees the Call (published ones: anyone); "manage": the Secretariat.
CALL_ACTIONS: dict[str, str | None] = {"view": None, "manage": MANAGE}


# --- Time ----------------------------------------------------------------------------------


def zone(name: str) -> ZoneInfo:
    """The named IANA zone; the project's own when the name is unknown (never crash a page)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(timezone.get_default_timezone_name())


def call_is_open(call: Call, now: dt.datetime | None = None) -> bool:
    """Whether the Call receives nominations at `now` (default: this instant): published,
    and opens_at <= now < deadline, compared as instants to the microsecond (the issue:
    "before the deadline, checked to the second"). A draft, approved or closed Call is not."""
    moment = now or timezone.now()
    return bool(call.state == Call.State.PUBLISHED and call.opens_at <= moment < call.deadline)


@dataclass(frozen=True)
class ZonedTime:
    """One instant as read in one time zone: `moment` is aware in `zone` (the template shows
    it with `|timezone:zone`), `offset` reads "UTC−06:00"."""

    zone: str
    moment: dt.datetime
    offset: str
    is_call_zone: bool
    is_viewer_zone: bool


def _offset(moment: dt.datetime) -> str:
    raw = moment.strftime("%z") or "+0000"  # +hhmm
    sign = "−" if raw.startswith("-") else "+"
    return f"UTC{sign}{raw[1:3]}:{raw[3:5]}"


def moment_display(
    moment: dt.datetime, call_tz: str, user_tz: str | None = None
) -> list[ZonedTime]:
    """An instant in the Call's zone, in the viewer's when known and different, and in UTC
    (once each): the issue's "the deadline shown in the user's time zone and in the Call's"."""
    names = [call_tz]
    if user_tz and user_tz not in names:
        names.append(user_tz)
    if "UTC" not in names:
        names.append("UTC")
    rows = []
    for name in names:
        local = moment.astimezone(zone(name))
        rows.append(
            ZonedTime(
                zone=name,
                moment=local,
                offset=_offset(local),
                is_call_zone=name == call_tz,
                is_viewer_zone=bool(user_tz) and name == user_tz,
            )
        )
    return rows


def deadline_display(call: Call, user_tz: str | None = None) -> list[ZonedTime]:
    """The Call's deadline in its own zone, the viewer's (when known) and UTC."""
    return moment_display(call.deadline, call.time_zone, user_tz)


def user_time_zone(user: Any) -> str | None:
    """The viewer's time zone, if their account records one (it does not yet: None)."""
    name = getattr(user, "time_zone", "") if user is not None else ""
    return str(name) if name else None


# --- The one way to a Call -----------------------------------------------------------------


def _visible_calls(user: Any) -> QuerySet[Call]:
    qs = Call.objects.select_related("session", "approval_resolution", "approved_by")
    if can(user, VIEW_DRAFTS):
        return qs
    return qs.filter(state__in=PUBLIC_STATES)


def call_get_for_user(*, user: Any, pk: int, action: CallAction = "view") -> Call:
    """One Call the user may see (a draft or approved one: the staff only; else 404); an
    action the user may not take on a published Call is a 403."""
    return get_for_user_or_404(
        _visible_calls(user),
        user=user,
        perm=permission_for(CALL_ACTIONS, action),
        public=True,
        pk=pk,
    )


def call_list_for_user(*, user: Any) -> QuerySet[Call]:
    """The Calls the user may see, latest deadline first, with their offices counted
    (one query, whatever the number of Calls)."""
    qs = _visible_calls(user).annotate(office_count=Count("offices", distinct=True))
    return list_for_user(qs.order_by("-deadline", "-pk"), user=user, perm=None)


def call_office_get_for_user(*, user: Any, pk: int) -> CallOffice:
    """An office of a Call, for the Secretariat to change (404 for others and unknown ones)."""
    qs = CallOffice.objects.select_related("call", "office")
    return get_for_user_or_404(qs, user=user, perm=MANAGE, pk=pk)


def requirement_get_for_user(*, user: Any, pk: int) -> Requirement:
    """A requirement of a Call, for the Secretariat to change (404 for others)."""
    qs = Requirement.objects.select_related("call", "call_office__office", "other_office")
    return get_for_user_or_404(qs, user=user, perm=MANAGE, pk=pk)


def call_can_manage(user: Any) -> bool:
    return can(user, MANAGE)


# --- Rows the pages show ---------------------------------------------------------------------


def in_language(instance: Any, field_name: str, lang: str) -> tuple[str, bool]:
    """A translated field in `lang` and whether it fell back to Spanish (authoritative)."""
    value = str(getattr(instance, f"{field_name}_{lang}", "") or "")
    if value or lang == "es":
        return value, False
    return str(getattr(instance, f"{field_name}_es", "") or ""), True


@dataclass(frozen=True)
class CallRow:
    call: Call
    title: str
    title_pending: bool
    tone: str
    is_open: bool
    deadline: ZonedTime


def call_rows(calls: Any, *, now: dt.datetime | None = None) -> list[CallRow]:
    """The list's rows: the title in the reader's language (Spanish, marked, when pending)."""
    lang = content_language()
    moment = now or timezone.now()
    rows = []
    for call in calls:
        title, pending = in_language(call, "title", lang)
        rows.append(
            CallRow(
                call=call,
                title=title,
                title_pending=pending,
                tone=STATE_TONES[call.state],
                is_open=call_is_open(call, moment),
                deadline=deadline_display(call)[0],
            )
        )
    return rows


@dataclass(frozen=True)
class RequirementRow:
    requirement: Requirement
    label: str
    description: str
    pending: bool
    office: str  # empty: every office of the Call


@dataclass(frozen=True)
class CallPage:
    """Everything the Call's page (and its PDF) shows, and what the viewer may do with it."""

    call: Call
    language: str
    title: str
    text: str
    title_pending: bool
    text_pending: bool
    offices: list[CallOffice]
    requirements: list[RequirementRow]
    opens: list[ZonedTime]
    deadline: list[ZonedTime]
    phase: str  # "before", "open", "after" (the deadline passed), "unpublished"
    tone: str
    languages: list[tuple[str, str]]
    can_manage: bool
    can_edit: bool
    can_approve: bool
    can_publish: bool
    can_close: bool


def _phase(call: Call, now: dt.datetime) -> str:
    if call.state in (Call.State.DRAFT, Call.State.APPROVED):
        return "unpublished"
    if call_is_open(call, now):
        return "open"
    return "before" if now < call.opens_at else "after"


def requirement_rows(call: Call, lang: str) -> list[RequirementRow]:
    rows = []
    reqs = call.requirements.select_related("call_office__office", "other_office")
    for req in reqs.order_by("order", "pk"):
        label, label_pending = in_language(req, "label", lang)
        description, description_pending = in_language(req, "description", lang)
        rows.append(
            RequirementRow(
                requirement=req,
                label=label,
                description=description,
                pending=label_pending or (description_pending and bool(description)),
                office=req.call_office.office.name if req.call_office else "",
            )
        )
    return rows


def call_offices(call: Call) -> list[CallOffice]:
    return list(call.offices.select_related("office").order_by("order", "office__order", "pk"))


def call_page(
    *, user: Any, call: Call, now: dt.datetime | None = None, lang: str | None = None
) -> CallPage:
    """The Call's page in the reader's language (or `lang`: the PDF's). Three queries."""
    moment = now or timezone.now()
    language = content_language(lang)
    title, title_pending = in_language(call, "title", language)
    text, text_pending = in_language(call, "text", language)
    manage = can(user, MANAGE)
    user_tz = user_time_zone(user)
    return CallPage(
        call=call,
        language=language,
        title=title,
        text=text,
        title_pending=title_pending,
        text_pending=text_pending and bool(text),
        offices=call_offices(call),
        requirements=requirement_rows(call, language),
        opens=moment_display(call.opens_at, call.time_zone, user_tz),
        deadline=deadline_display(call, user_tz),
        phase=_phase(call, moment),
        tone=STATE_TONES[call.state],
        languages=[(code, AUTONYMS[code]) for code in session_languages(call.languages)],
        can_manage=manage,
        can_edit=manage and call.state == Call.State.DRAFT,
        can_approve=manage and call.state == Call.State.DRAFT,
        can_publish=manage and call.state == Call.State.APPROVED,
        can_close=manage and call.state == Call.State.PUBLISHED and moment >= call.deadline,
    )


def call_pdf_html(call: Call, language: str) -> str:
    """The HTML the Call's PDF is laid out from, in one language: what anyone reads on its
    public page, without what changes by the minute (the countdown), so its hash names the
    version (core.pdf.pdf_version): the Call's state and content."""
    page = call_page(user=None, call=call, lang=language)
    return pdf_html("elections/pdf/call.html", {"page": page, "call": call}, language=language)


def call_file_name(call: Call, language: str) -> str:
    return f"{slugify(f'call-{call.reference or call.pk}-{language}')}.pdf"


def call_is_draft(call: Call) -> bool:
    return bool(call.state == Call.State.DRAFT)


# --- Choices for the forms -------------------------------------------------------------------


def electing_session_choices() -> QuerySet[Session]:
    """Sessions of the General Assembly, the latest first (the electing session)."""
    return (
        Session.objects.filter(body__rules_profile=RulesProfile.GENERAL_ASSEMBLY)
        .select_related("body")
        .order_by("-starts_at", "-pk")
    )


def office_choices() -> QuerySet[Office]:
    return Office.objects.order_by("order", "name")


def office_by_code(code: str) -> Office | None:
    return Office.objects.filter(code=code).first()


def call_office_choices(call: Call) -> QuerySet[CallOffice]:
    return call.offices.select_related("office").order_by("order", "office__order", "pk")


# --- Who the published Call is sent to -------------------------------------------------------


@dataclass(frozen=True)
class CallRecipient:
    name: str
    email: str
    language: str
    institution: str


def call_recipients(call: Call, day: dt.date) -> list[CallRecipient]:
    """The representatives in office on `day` of the institutions that are full members on
    that day (members app: memberships of the full category in force), once each by e-mail,
    each in their language if the Call is in it, else Spanish. Two queries."""
    languages = session_languages(call.languages)
    full = members_on(day=day, category_code=FULL_CATEGORY)
    reps = (
        Representative.objects.active_on(day)
        .filter(institution__in=full)
        .filter(Q(email__gt="") | Q(user__email__gt=""))
        .select_related("user", "institution")
        .order_by("institution__name", "role", "full_name", "pk")
    )
    seen: set[str] = set()
    found = []
    for rep in reps:
        email = (rep.email or (rep.user.email if rep.user else "")).strip()
        key = email.casefold()
        if not key or key in seen:
            continue
        seen.add(key)
        found.append(
            CallRecipient(
                name=rep.full_name,
                email=email,
                language=recipient_language(rep.user, languages),
                institution=rep.institution.name,
            )
        )
    return found
