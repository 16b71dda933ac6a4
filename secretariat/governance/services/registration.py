"""Registration for a session: delegates named by each member, credentials checked by the
Secretariat, seat holders registered, and proxies where the body's rules allow them.

Rules enforced here (shared/domain.md):
- only full members have the right to vote; the other members have voice [C]: every member
  sitting on the body may name delegates, only full members with the right to vote on the
  session's date give or hold proxies (a suspended member neither gives nor holds one);
- proxies between full members, up to the number a member may hold set by the body's rule
  `proxies_per_member` on the session's date [D] (General Assembly default 1, other bodies 0);
- registration is open while the session is convened or in session.
Nothing is deleted: a delegate is withdrawn, a proxy revoked.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from secretariat.core.audit import record_action, snapshot
from secretariat.core.models import User
from secretariat.governance.body_rules import body_rule
from secretariat.governance.models import Participant, Proxy, Session
from secretariat.governance.selectors.composition import composition_on
from secretariat.governance.selectors.registration import (
    LETTER_TYPES,
    LIVE_PROXY_STATES,
    MANAGE,
    MEMBER_ROLES,
    REGISTER,
    participant_institution,
    place_filter,
    proxies_allowed_refusal,
    proxy_party_refusal,
    registration_day,
    registration_open,
    rule_label,
    sitting_places,
    voting_members,
)
from secretariat.governance.services.common import locked, require, require_reason, touch_session
from secretariat.governance.services.common import with_reason as _with_reason
from secretariat.members.models import Institution
from secretariat.members.selectors.accounts import account_find_by_email
from secretariat.members.uploads import validate_attachment

PARTICIPANT_FIELDS = [
    "session",
    "institution",
    "seat",
    "full_name",
    "position",
    "email",
    "user",
    "role",
    "credentials",
]
PROXY_FIELDS = ["session", "grantor", "holder", "state", "note"]


# --- Helpers ------------------------------------------------------------------------------


def _open_session(session: Session) -> Session:
    """The session again, locked; registration must be open (convened or in session)."""
    fresh = locked(session)
    if not registration_open(fresh):
        raise ValidationError(
            _(
                "Registration is open only while the session is convened or in session "
                "(this session is: %(state)s)."
            )
            % {"state": fresh.get_state_display()}
        )
    return fresh


def _not_finished(session: Session) -> None:
    """Records of a closed or cancelled session no longer change."""
    if session.state in (Session.State.CLOSED, Session.State.CANCELLED):
        raise ValidationError(
            _("The session is %(state)s: its registrations can no longer change.")
            % {"state": session.get_state_display().lower()}
        )


def validate_letter(upload: UploadedFile[bytes] | None, field: str) -> None:
    """A letter of credentials or of proxy: PDF, PNG or JPEG, checked like members' uploads."""
    if upload is None:
        return
    name = (upload.name or "").lower()
    ext = name[name.rfind(".") :] if "." in name else ""
    if ext not in LETTER_TYPES:
        raise ValidationError({field: _("Only PDF, PNG or JPEG files are accepted.")})
    try:
        validate_attachment(upload)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc


# --- Delegates ----------------------------------------------------------------------------


@transaction.atomic
def delegate_register(
    *,
    actor: User,
    session: Session,
    institution: Institution,
    full_name: str,
    role: str,
    position: str = "",
    email: str = "",
    user: User | None = None,
    credentials_file: UploadedFile[bytes] | None = None,
) -> Participant:
    """A member names a delegate to a session (its representative, or the Secretariat for it).

    The institution must sit on the body on the session's date; one head per delegation.
    Credentials start pending: the Secretariat accepts them in a second step.
    """
    require(actor, REGISTER, institution)
    session = _open_session(session)
    places = sitting_places(session)
    place = places.get(institution.pk)
    if place is None:
        raise ValidationError(
            {
                "institution": _(
                    "%(name)s does not sit on %(body)s on the session's date: it cannot name "
                    "delegates."
                )
                % {"name": institution, "body": session.body}
            }
        )
    if role not in MEMBER_ROLES:
        raise ValidationError({"role": _("Choose head of delegation, delegate or adviser.")})
    full_name = " ".join((full_name or "").split())
    if not full_name:
        raise ValidationError({"full_name": _("Enter the delegate's full name.")})
    email = (email or "").strip()
    live = Participant.objects.filter(place_filter(place), session=session, withdrawn_at=None)
    if role == Participant.Role.HEAD and live.filter(role=Participant.Role.HEAD).exists():
        raise ValidationError(
            {
                "role": _(
                    "The delegation already has a head; withdraw them first or choose another role."
                )
            }
        )
    if user is None and email:
        user = account_find_by_email(email=email)
    if (
        user is not None
        and Participant.objects.filter(session=session, user=user, withdrawn_at=None).exists()
    ):
        raise ValidationError({"email": _("This person is already registered for the session.")})
    validate_letter(credentials_file, "credentials_file")
    participant = Participant(
        session=session,
        institution=None if place.seat is not None else institution,
        seat=place.seat,
        full_name=full_name,
        position=(position or "").strip(),
        email=email,
        user=user,
        role=role,
        registered_by=actor,
    )
    participant.full_clean(exclude=["credentials_file"])
    if credentials_file is not None:
        participant.credentials_file.save(
            credentials_file.name or "credentials", credentials_file, save=False
        )
    _with_reason(participant, _("Registered as a delegate"))
    participant.save()
    record_action(
        actor=actor,
        event="participant.registered",
        target=participant,
        new={
            **snapshot(participant, PARTICIPANT_FIELDS),
            **({"for_institution": institution.pk} if place.seat is not None else {}),
            "letter": bool(credentials_file),
        },
    )
    touch_session(session)
    return participant


@transaction.atomic
def delegate_withdraw(*, actor: User, participant: Participant, reason: str) -> Participant:
    """Withdraw a delegate from the session (never deleted: `withdrawn_at` is set)."""
    institution = participant_institution(participant)
    if institution is not None:
        require(actor, REGISTER, institution)
    else:
        require(actor, MANAGE)
    reason = require_reason(reason)
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.withdrawn_at is not None:
        raise ValidationError(_("This participant has already been withdrawn."))
    session = Session.objects.get(pk=participant.session_id)
    _not_finished(session)
    participant.withdrawn_at = timezone.now()
    _with_reason(participant, reason)
    participant.save()
    record_action(
        actor=actor,
        event="participant.withdrawn",
        target=participant,
        old={"withdrawn_at": None},
        new={"withdrawn_at": participant.withdrawn_at},
        reason=reason,
    )
    touch_session(session)
    return participant


# --- Credentials ---------------------------------------------------------------------------


def _decide(actor: User, participant: Participant, accept: bool, note: str) -> None:
    old = {"credentials": participant.credentials, "credentials_note": participant.credentials_note}
    participant.credentials = (
        Participant.Credentials.ACCEPTED if accept else Participant.Credentials.REJECTED
    )
    participant.credentials_note = note
    participant.checked_by = actor
    participant.checked_at = timezone.now()
    participant.full_clean(exclude=["credentials_file"])
    _with_reason(participant, note)
    participant.save()
    record_action(
        actor=actor,
        event="participant.credentials_accepted" if accept else "participant.credentials_rejected",
        target=participant,
        old=old,
        new={"credentials": participant.credentials, "credentials_note": note},
        reason=note,
    )


@transaction.atomic
def credentials_decide(
    *, actor: User, participant: Participant, accept: bool, note: str = ""
) -> Participant:
    """The Secretariat accepts or rejects a participant's credentials; a rejection says why
    (the reason is shown to the member). A decision may be revised, with a new record."""
    require(actor, MANAGE)
    note = (note or "").strip()
    if not accept and not note:
        raise ValidationError(
            {"note": _("Say why the credentials are rejected: the member sees this note.")}
        )
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.withdrawn_at is not None:
        raise ValidationError(_("This participant has been withdrawn."))
    session = Session.objects.get(pk=participant.session_id)
    _not_finished(session)
    target = Participant.Credentials.ACCEPTED if accept else Participant.Credentials.REJECTED
    if participant.credentials == target and participant.credentials_note == note:
        raise ValidationError(_("The credentials already have this decision."))
    _decide(actor, participant, accept, note)
    touch_session(session)
    return participant


@transaction.atomic
def credentials_accept_all(*, actor: User, session: Session, participant_ids: Iterable[int]) -> int:
    """Accept at once the pending credentials of the selected participants (the check list)."""
    require(actor, MANAGE)
    _not_finished(session)
    ids = {int(pk) for pk in participant_ids}
    pending = list(
        Participant.objects.select_for_update()
        .filter(
            session=session,
            pk__in=ids,
            withdrawn_at=None,
            credentials=Participant.Credentials.PENDING,
        )
        .order_by("pk")
    )
    if not pending:
        raise ValidationError(_("Select at least one participant whose credentials are pending."))
    for participant in pending:
        _decide(actor, participant, True, "")
    touch_session(session)
    return len(pending)


# --- Seat holders ------------------------------------------------------------------------


def _any_of(emails: set[str]) -> Q:
    """Any of the e-mails, ignoring case (accounts are looked up by e-mail)."""
    query = Q()
    for email in sorted(emails):
        query |= Q(email__iexact=email)
    return query


@transaction.atomic
def seat_holders_register(*, actor: User, session: Session) -> int:
    """Register every seat on the body on the session's date as a seat holder (idempotent).

    In a body of all members these are the voice and observer seats (Secretary General,
    Comptroller...). Credentials start pending. Returns how many were registered.
    """
    require(actor, MANAGE)
    session = _open_session(session)
    rows = composition_on(session.body, registration_day(session))
    seats = [r.seat for r in rows if r.seat is not None]
    live = Participant.objects.filter(session=session, withdrawn_at=None)
    seated = set(live.filter(role=Participant.Role.SEAT_HOLDER).values_list("seat_id", flat=True))
    registered_users = set(live.exclude(user=None).values_list("user_id", flat=True))
    emails = {s.email.lower() for s in seats if s.email and s.user_id is None}
    accounts: dict[str, User] = {}
    if emails:
        for account in User.objects.filter(_any_of(emails), is_active=True):
            accounts[account.email.lower()] = account
    created = 0
    for seat in seats:
        if seat.pk in seated:
            continue
        user = seat.user if seat.user_id else accounts.get((seat.email or "").lower())
        if user is not None and user.pk in registered_users:
            continue  # that person is already registered for the session
        participant = Participant(
            session=session,
            seat=seat,
            full_name=seat.holder or seat.title,
            position=seat.title if seat.holder else "",
            email=seat.email,
            user=user,
            role=Participant.Role.SEAT_HOLDER,
            registered_by=actor,
        )
        participant.full_clean(exclude=["credentials_file"])
        _with_reason(participant, _("Seat holder registered by the Secretariat"))
        participant.save()
        record_action(
            actor=actor,
            event="participant.registered",
            target=participant,
            new=snapshot(participant, PARTICIPANT_FIELDS),
            reason=_("Seat holder"),
        )
        if user is not None:
            registered_users.add(user.pk)
        created += 1
    if created:
        touch_session(session)
    return created


# --- Proxies ---------------------------------------------------------------------------------


@transaction.atomic
def proxy_give(
    *,
    actor: User,
    session: Session,
    grantor: Institution,
    holder: Institution,
    letter: UploadedFile[bytes] | None = None,
    note: str = "",
) -> Proxy:
    """A full member gives its vote in the session to another full member, where the body's
    rule `proxies_per_member` allows it (domain.md [D]: up to one proxy each in the General
    Assembly). The Secretariat checks the proxy before it counts."""
    require(actor, REGISTER, grantor)
    session = _open_session(session)
    day = registration_day(session)
    rule = body_rule(session.body, "proxies_per_member", day)
    refusal = proxies_allowed_refusal(rule)
    if refusal:
        raise ValidationError(refusal)
    if grantor.pk == holder.pk:
        raise ValidationError({"holder": _("A member cannot give its proxy to itself.")})
    members = voting_members(session, composition_on(session.body, day))
    refusal = proxy_party_refusal(grantor, members, giving=True)
    if refusal:
        raise ValidationError(refusal)
    refusal = proxy_party_refusal(holder, members, giving=False)
    if refusal:
        raise ValidationError({"holder": refusal})
    live = Proxy.objects.filter(session=session, state__in=LIVE_PROXY_STATES)
    if live.filter(grantor=grantor).exists():
        raise ValidationError(
            _("%(name)s has already given a proxy for this session; revoke it first.")
            % {"name": grantor}
        )
    limit = int(rule.value)
    held = live.filter(holder=holder).count()
    if held >= limit:
        raise ValidationError(
            {
                "holder": ngettext(
                    "%(name)s already holds %(held)s proxy (accepted or to be checked); a member "
                    "may hold %(limit)s (rule %(rule)s).",
                    "%(name)s already holds %(held)s proxies (accepted or to be checked); a member "
                    "may hold %(limit)s (rule %(rule)s).",
                    held,
                )
                % {"name": holder, "held": held, "limit": limit, "rule": rule_label(rule)}
            }
        )
    validate_letter(letter, "letter")
    proxy = Proxy(
        session=session,
        grantor=grantor,
        holder=holder,
        note=(note or "").strip(),
        registered_by=actor,
    )
    proxy.full_clean(exclude=["letter"])
    if letter is not None:
        proxy.letter.save(letter.name or "proxy", letter, save=False)
    _with_reason(proxy, proxy.note)
    proxy.save()
    record_action(
        actor=actor,
        event="proxy.given",
        target=proxy,
        new={**snapshot(proxy, PROXY_FIELDS), "letter": bool(letter)},
        reason=proxy.note,
    )
    touch_session(session)
    return proxy


@transaction.atomic
def proxy_decide(*, actor: User, proxy: Proxy, accept: bool, note: str = "") -> Proxy:
    """The Secretariat accepts or rejects a proxy to be checked; a rejection says why.
    Accepting checks again the rule, both members' right to vote and the holder's limit."""
    require(actor, MANAGE)
    note = (note or "").strip()
    if not accept and not note:
        raise ValidationError(
            {"note": _("Say why the proxy is rejected: the member sees this note.")}
        )
    proxy = Proxy.objects.select_for_update().get(pk=proxy.pk)
    if proxy.state != Proxy.State.PENDING:
        raise ValidationError(_("This proxy has already been decided."))
    session = locked(proxy.session)
    _not_finished(session)
    if accept:
        day = registration_day(session)
        rule = body_rule(session.body, "proxies_per_member", day)
        refusal = proxies_allowed_refusal(rule)
        members = voting_members(session, composition_on(session.body, day))
        refusal = (
            refusal
            or proxy_party_refusal(proxy.grantor, members, giving=True)
            or proxy_party_refusal(proxy.holder, members, giving=False)
        )
        if refusal:
            raise ValidationError(refusal)
        accepted = Proxy.objects.filter(
            session=session, holder=proxy.holder, state=Proxy.State.ACCEPTED
        ).count()
        if accepted >= int(rule.value):
            raise ValidationError(
                ngettext(
                    "%(name)s already holds %(held)s accepted proxy; the limit is %(limit)s.",
                    "%(name)s already holds %(held)s accepted proxies; the limit is %(limit)s.",
                    accepted,
                )
                % {"name": proxy.holder, "held": accepted, "limit": rule.value}
            )
    old = {"state": proxy.state, "note": proxy.note}
    proxy.state = Proxy.State.ACCEPTED if accept else Proxy.State.REJECTED
    if note:
        proxy.note = note
    proxy.checked_by = actor
    proxy.checked_at = timezone.now()
    proxy.full_clean(exclude=["letter"])
    _with_reason(proxy, note)
    proxy.save()
    record_action(
        actor=actor,
        event="proxy.accepted" if accept else "proxy.rejected",
        target=proxy,
        old=old,
        new={"state": proxy.state, "note": proxy.note},
        reason=note,
    )
    touch_session(session)
    return proxy


@transaction.atomic
def proxy_revoke(*, actor: User, proxy: Proxy, reason: str) -> Proxy:
    """The grantor (its representative) or the Secretariat revokes a proxy, saying why."""
    require(actor, REGISTER, proxy.grantor)
    reason = require_reason(reason)
    proxy = Proxy.objects.select_for_update().get(pk=proxy.pk)
    if proxy.state not in LIVE_PROXY_STATES:
        raise ValidationError(_("Only a proxy to be checked or accepted can be revoked."))
    session = Session.objects.get(pk=proxy.session_id)
    _not_finished(session)
    old = {"state": proxy.state, "note": proxy.note}
    proxy.state = Proxy.State.REVOKED
    proxy.note = reason[:500]
    proxy.full_clean(exclude=["letter"])
    _with_reason(proxy, reason)
    proxy.save()
    record_action(
        actor=actor,
        event="proxy.revoked",
        target=proxy,
        old=old,
        new={"state": proxy.state, "note": proxy.note},
        reason=reason,
    )
    touch_session(session)
    return proxy
