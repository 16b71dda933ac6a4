"""Every write to the resolutions register: one continuing series of numbers since 1942.

Rules (shared/domain.md, "Documents and identity" [C]): resolutions are numbered in one
continuing series since 1942 (No. 1, Declaración de Santiago de Chile, 1942; No. 34 in 1951;
No. 55 in 1960). The Secretariat sets the next number so the series continues the real one;
a new resolution takes that number, in the same transaction that increments it (the series
row is locked with SELECT ... FOR UPDATE, so two adoptions never get the same number).

The adopted Spanish text is authoritative and immutable: only translations (en, pt, fr)
change afterwards, with a reason. A later resolution may amend or repeal an earlier one;
the earlier one's status is computed from those links (selectors.resolutions.resolution_status).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from secretariat.core.access import require, require_reason
from secretariat.core.audit import record_action, save_audited, snapshot
from secretariat.core.models import User
from secretariat.governance.models import Motion, Resolution, ResolutionSeries, Vote
from secretariat.governance.selectors.resolutions import highest_resolution_number
from secretariat.governance.services.common import touch_session
from secretariat.members.models import DatePrecision, Source

PERM = "governance.manage_resolutions"
TRANSLATED = ("title_en", "text_en", "title_pt", "text_pt", "title_fr", "text_fr")
AUTHORITATIVE = ("title_es", "text_es")
RESOLUTION_FIELDS = [
    "number",
    "kind",
    *AUTHORITATIVE,
    *TRANSLATED,
    "adopted_on",
    "adopted_on_precision",
    "session",
    "agenda_item",
    "motion",
    "vote",
    "origin",
    "source",
]
SERIES_FIELDS = ["next_number", "basis"]


def _series_locked() -> ResolutionSeries:
    """The one series row, locked for update (created empty the first time)."""
    series = ResolutionSeries.objects.select_for_update().order_by("pk").first()
    if series is None:
        ResolutionSeries.objects.create()
        series = ResolutionSeries.objects.select_for_update().order_by("pk").first()
        assert series is not None
    return series


def _clean_texts(values: dict[str, str | None]) -> dict[str, str]:
    return {k: (v or "").strip() for k, v in values.items()}


@transaction.atomic
def resolution_series_set(
    *, actor: User, next_number: int, basis: str, reason: str | None
) -> ResolutionSeries:
    """Set the number the next adopted resolution takes, so the series continues the real one.

    Refused at or below the highest number already recorded (numbers are never reused).
    """
    require(actor, PERM)
    reason = require_reason(reason)
    basis = (basis or "").strip()
    if not basis:
        raise ValidationError(
            {"basis": _("Say what the number rests on (e.g. the last resolution published).")}
        )
    if next_number is None or next_number < 1:
        raise ValidationError({"next_number": _("The next number must be a positive number.")})
    series = _series_locked()
    highest = highest_resolution_number()
    if highest is not None and next_number <= highest:
        raise ValidationError(
            {
                "next_number": _(
                    "Resolution No. %(number)s is already recorded; "
                    "the next number must be above it."
                )
                % {"number": highest}
            }
        )
    before = snapshot(series, SERIES_FIELDS)
    series.next_number = next_number
    series.basis = basis
    save_audited(
        series,
        actor=actor,
        event="resolution_series.set",
        fields=SERIES_FIELDS,
        before=before,
        reason=reason,
    )
    return series


def _closed_on(vote: Vote, tz_name: str) -> dt.date:
    when = vote.closed_at or timezone.now()
    try:
        return timezone.localtime(when, zoneinfo.ZoneInfo(tz_name)).date()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.localdate(when)


def _texts(values: dict[str, str | None]) -> dict[str, str]:
    """The titles and texts, stripped; the Spanish title is required."""
    texts = _clean_texts(values)
    if not texts["title_es"]:
        raise ValidationError({"title_es": _("The title in Spanish is required.")})
    return texts


def _check_kind(kind: str) -> None:
    if kind not in Resolution.Kind.values:
        raise ValidationError({"kind": _("Choose a kind of resolution.")})


def _carried_motion(motion: Motion) -> tuple[Motion, Vote]:
    """The motion, locked, and the closed vote by which it carried; refused unless it did,
    or if it is already a resolution (one resolution per motion)."""
    motion = (
        # Only the motion's row: PostgreSQL refuses FOR UPDATE on the nullable side of the
        # outer join to the agenda item.
        Motion.objects.select_for_update(of=("self",))
        .select_related("session", "agenda_item")
        .get(pk=motion.pk)
    )
    if motion.state != Motion.State.CARRIED:
        raise ValidationError(
            _("Only a motion that carried becomes a resolution; this one is “%(state)s”.")
            % {"state": motion.get_state_display()}
        )
    vote = motion.votes.filter(state=Vote.State.CLOSED).order_by("-closed_at", "-pk").first()
    if vote is None or not vote.carried:
        raise ValidationError(
            _("The motion's last closed vote did not carry; it cannot become a resolution.")
        )
    existing = Resolution.objects.filter(motion=motion).only("number").first()
    if existing is not None:
        raise ValidationError(
            _("This motion is already Resolution No. %(number)s.") % {"number": existing.number}
        )
    return motion, vote


def _next_free_number(series: ResolutionSeries) -> int:
    """The series' next number, set and not yet used (numbers are never reused)."""
    if series.next_number is None:
        raise ValidationError(
            {"number": _("Set the next number of the series first, so it continues the real one.")}
        )
    number = series.next_number
    if Resolution.objects.filter(number=number).exists():
        raise ValidationError(
            {
                "number": _(
                    "Resolution No. %(number)s is already recorded; set the next number of "
                    "the series above the highest recorded."
                )
                % {"number": number}
            }
        )
    return number


def _advance_series(actor: User, series: ResolutionSeries, number: int, note: str) -> None:
    """The series' next number moves above `number`, with the note in its history and log."""
    old_next = series.next_number
    series.next_number = number + 1
    save_audited(
        series,
        actor=actor,
        event="resolution_series.advanced",
        old={"next_number": old_next},
        new={"next_number": number + 1},
        reason=note,
    )


def _adopted(
    actor: User, motion: Motion, vote: Vote, *, number: int, kind: str, source: str, **texts: str
) -> Resolution:
    """The resolution a carried motion becomes: adopted the day its vote closed (in the
    session's time zone), at its session and agenda item."""
    session = motion.session
    return Resolution(
        number=number,
        kind=kind,
        adopted_on=_closed_on(vote, session.time_zone),
        adopted_on_precision=DatePrecision.DAY,
        session=session,
        agenda_item=motion.agenda_item,
        motion=motion,
        vote=vote,
        origin=Source.EXAMPLE if session.is_example else Source.SECRETARIAT,
        source=source.strip(),
        recorded_by=actor,
        **texts,
    )


@transaction.atomic
def resolution_adopt(
    *,
    actor: User,
    motion: Motion,
    title_es: str,
    text_es: str | None = None,
    title_en: str = "",
    text_en: str = "",
    title_pt: str = "",
    text_pt: str = "",
    title_fr: str = "",
    text_fr: str = "",
    kind: str = Resolution.Kind.RESOLUTION,
    source: str = "",
) -> Resolution:
    """Record a carried motion as a resolution with the next number of the one continuing
    series (shared/domain.md "Documents and identity" [C]).

    The motion must have carried (its state, and its latest closed vote); one resolution
    per motion. The Spanish text defaults to the motion's (the text adopted); the adoption
    date is the day the deciding vote closed, in the session's time zone.
    """
    require(actor, PERM)
    motion, vote = _carried_motion(motion)
    _check_kind(kind)
    texts = _texts(
        {
            "title_es": title_es,
            "text_es": getattr(motion, "text_es", "") if text_es is None else text_es,
            "title_en": title_en,
            "text_en": text_en,
            "title_pt": title_pt,
            "text_pt": text_pt,
            "title_fr": title_fr,
            "text_fr": text_fr,
        }
    )
    if not texts["text_es"]:
        raise ValidationError({"text_es": _("The adopted text in Spanish is required.")})
    series = _series_locked()
    number = _next_free_number(series)
    resolution = _adopted(actor, motion, vote, number=number, kind=kind, source=source, **texts)
    save_audited(
        resolution,
        actor=actor,
        event="resolution.adopted",
        fields=RESOLUTION_FIELDS,
        reason=_("Adopted"),
    )
    note = _("Resolution No. %(number)s adopted") % {"number": number}
    _advance_series(actor, series, number, note)
    touch_session(motion.session)
    return resolution


@transaction.atomic
def resolution_update_translations(
    *, actor: User, resolution: Resolution, reason: str | None, **translations: str
) -> Resolution:
    """Change the English, Portuguese or French title and text of a resolution.

    The Spanish title and text are the adopted text: they never change.
    """
    require(actor, PERM)
    touched_es = [k for k in translations if k in AUTHORITATIVE]
    unknown = [k for k in translations if k not in TRANSLATED and k not in AUTHORITATIVE]
    if unknown:
        raise TypeError(f"unexpected fields {unknown}")
    resolution = Resolution.objects.select_for_update().get(pk=resolution.pk)
    for key in touched_es:
        if (translations[key] or "").strip() != (getattr(resolution, key) or "").strip():
            raise ValidationError(
                {
                    key: _(
                        "The Spanish title and text are the adopted text and cannot change; "
                        "a later resolution may amend it."
                    )
                }
            )
    reason = require_reason(reason)
    before = snapshot(resolution, list(TRANSLATED))
    for key, value in _clean_texts(
        {k: v for k, v in translations.items() if k in TRANSLATED}
    ).items():
        setattr(resolution, key, value)
    resolution.full_clean()
    changed = save_audited(
        resolution,
        actor=actor,
        event="resolution.translations_updated",
        fields=list(TRANSLATED),
        before=before,
        reason=reason,
        clean=False,  # cleaned above, changed or not
    )
    if changed and resolution.session_id:
        touch_session(resolution.session_id)
    return resolution


def _check_earlier(number: int | None, source: str, kind: str) -> str:
    """An earlier resolution has a positive number, a kind, and a source (returned stripped)."""
    if number is None or number < 1:
        raise ValidationError({"number": _("The number must be a positive number.")})
    source = (source or "").strip()
    if not source:
        raise ValidationError({"source": _("Say where this resolution is recorded (the source).")})
    _check_kind(kind)
    return source


@transaction.atomic
def resolution_record_historical(
    *,
    actor: User,
    number: int,
    title_es: str,
    source: str,
    text_es: str = "",
    title_en: str = "",
    text_en: str = "",
    title_pt: str = "",
    text_pt: str = "",
    title_fr: str = "",
    text_fr: str = "",
    kind: str = Resolution.Kind.RESOLUTION,
    adopted_on: dt.date | None = None,
    adopted_on_precision: str = DatePrecision.DAY,
    origin: str = Source.SECRETARIAT,
    reason: str | None = None,
) -> Resolution:
    """Enter an earlier resolution of the one continuing series (shared/domain.md "Documents
    and identity" [C]), adopted before the register was kept here.

    Its number must be free; the source says where it is recorded. If it is at or above the
    series' next number, the next number moves above it so the series never reuses one.
    """
    require(actor, PERM)
    source = _check_earlier(number, source, kind)
    texts = _texts(
        {
            "title_es": title_es,
            "text_es": text_es,
            "title_en": title_en,
            "text_en": text_en,
            "title_pt": title_pt,
            "text_pt": text_pt,
            "title_fr": title_fr,
            "text_fr": text_fr,
        }
    )
    series = _series_locked()
    if Resolution.objects.filter(number=number).exists():
        raise ValidationError(
            {"number": _("Resolution No. %(number)s is already recorded.") % {"number": number}}
        )
    resolution = Resolution(
        number=number,
        kind=kind,
        adopted_on=adopted_on,
        adopted_on_precision=adopted_on_precision,
        origin=origin,
        source=source,
        recorded_by=actor,
        **texts,
    )
    save_audited(
        resolution,
        actor=actor,
        event="resolution.recorded",
        fields=RESOLUTION_FIELDS,
        reason=reason or _("Earlier resolution entered"),
    )
    if series.next_number is not None and number >= series.next_number:
        note = _("Resolution No. %(number)s recorded") % {"number": number}
        _advance_series(actor, series, number, note)
    return resolution


RELATIONS = ("amends", "repeals")


def _check_link(resolution: Resolution, target: Resolution) -> None:
    """The target is earlier, not linked to it yet, and not repealed already."""
    if target.number >= resolution.number:
        raise ValidationError(
            {
                "target": _(
                    "A resolution amends or repeals an earlier one: No. %(target)s is not "
                    "earlier than No. %(number)s."
                )
                % {"target": target.number, "number": resolution.number}
            }
        )
    if (
        resolution.amends.filter(pk=target.pk).exists()
        or resolution.repeals.filter(pk=target.pk).exists()
    ):
        raise ValidationError(
            {
                "target": _("No. %(number)s already records a link to No. %(target)s.")
                % {"number": resolution.number, "target": target.number}
            }
        )
    repealer = Resolution.objects.filter(repeals=target).order_by("number").first()
    if repealer is not None:
        raise ValidationError(
            {
                "target": _(
                    "No. %(target)s was already repealed by No. %(by)s; it cannot be "
                    "amended or repealed again."
                )
                % {"target": target.number, "by": repealer.number}
            }
        )


@transaction.atomic
def resolution_link(
    *, actor: User, resolution: Resolution, target: Resolution, relation: str, reason: str | None
) -> Resolution:
    """Record that a resolution amends or repeals an earlier one of the series."""
    require(actor, PERM)
    reason = require_reason(reason)
    if relation not in RELATIONS:
        raise ValidationError({"relation": _("Choose “amends” or “repeals”.")})
    resolution = Resolution.objects.select_for_update().get(pk=resolution.pk)
    target = Resolution.objects.select_for_update().get(pk=target.pk)
    _check_link(resolution, target)
    getattr(resolution, relation).add(target)
    record_action(
        actor=actor,
        event=f"resolution.{relation}",
        target=resolution,
        new={relation: target.number},
        reason=reason,
    )
    # The earlier resolution's page shows the link too: log it there as well.
    record_action(
        actor=actor,
        event="resolution.amended_by" if relation == "amends" else "resolution.repealed_by",
        target=target,
        new={"by": resolution.number},
        reason=reason,
    )
    for session_id in {resolution.session_id, target.session_id}:
        if session_id is not None:
            touch_session(session_id)
    return resolution
