"""Registration for a session: delegates named by each member, credentials checked by the
Secretariat, seat holders registered (proxies: `services.proxies`).

Rules enforced here (shared/domain.md, "Members"):
- only full members have the right to vote; the other members have voice [C]: every member
  sitting on the body may name delegates (the vote is judged when it is cast);
- registration is open while the session is convened or in session.
Nothing is deleted: a delegate is withdrawn.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from secretariat.core.access import require, require_reason
from secretariat.core.audit import locked, save_audited, snapshot
from secretariat.core.models import User
from secretariat.governance.models import Participant, Seat, Session
from secretariat.governance.selectors.composition import composition_on
from secretariat.governance.selectors.registration import (
    FINISHED_STATES,
    LETTER_TYPES,
    MANAGE,
    MEMBER_ROLES,
    REGISTER,
    Place,
    participant_institution,
    place_filter,
    registration_day,
    registration_open,
    sitting_places,
)
from secretariat.governance.services.common import touch_session
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


# --- Helpers ------------------------------------------------------------------------------


def open_for_registration(session: Session) -> Session:
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


def check_not_finished(session: Session) -> None:
    """Records of a closed or cancelled session no longer change."""
    if session.state in FINISHED_STATES:
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


def _place_of(session: Session, institution: Institution) -> Place:
    """Where the institution sits on the session's body on its date (it must sit there)."""
    place = sitting_places(session).get(institution.pk)
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
    return place


def _delegate_account(
    session: Session, place: Place, role: str, email: str, user: User | None
) -> User | None:
    """One head per delegation; the delegate's account (found by e-mail when not given) must
    not be registered for the session already."""
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
    return user


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
    session = open_for_registration(session)
    place = _place_of(session, institution)
    if role not in MEMBER_ROLES:
        raise ValidationError({"role": _("Choose head of delegation, delegate or adviser.")})
    full_name = " ".join((full_name or "").split())
    if not full_name:
        raise ValidationError({"full_name": _("Enter the delegate's full name.")})
    email = (email or "").strip()
    user = _delegate_account(session, place, role, email, user)
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
    save_audited(
        participant,
        actor=actor,
        event="participant.registered",
        new={
            **snapshot(participant, PARTICIPANT_FIELDS),
            **({"for_institution": institution.pk} if place.seat is not None else {}),
            "letter": bool(credentials_file),
        },
        clean=False,
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
    participant = locked(participant)
    if participant.withdrawn_at is not None:
        raise ValidationError(_("This participant has already been withdrawn."))
    session = Session.objects.get(pk=participant.session_id)
    check_not_finished(session)
    participant.withdrawn_at = timezone.now()
    save_audited(
        participant,
        actor=actor,
        event="participant.withdrawn",
        reason=reason,
        old={"withdrawn_at": None},
        new={"withdrawn_at": participant.withdrawn_at},
        clean=False,  # only the withdrawal is recorded
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
    save_audited(
        participant,
        actor=actor,
        event="participant.credentials_accepted" if accept else "participant.credentials_rejected",
        reason=note,
        old=old,
        new={"credentials": participant.credentials, "credentials_note": note},
        exclude=["credentials_file"],
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
    participant = locked(participant)
    if participant.withdrawn_at is not None:
        raise ValidationError(_("This participant has been withdrawn."))
    session = Session.objects.get(pk=participant.session_id)
    check_not_finished(session)
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
    check_not_finished(session)
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


def _accounts_by_email(seats: list[Seat]) -> dict[str, User]:
    """Active accounts of the seats' e-mails (seats without an account), by e-mail, any case."""
    emails = {s.email.lower() for s in seats if s.email and s.user_id is None}
    if not emails:
        return {}
    query = Q()
    for email in sorted(emails):
        query |= Q(email__iexact=email)
    return {
        account.email.lower(): account for account in User.objects.filter(query, is_active=True)
    }


def _register_seat_holder(actor: User, session: Session, seat: Seat, user: User | None) -> None:
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
    save_audited(
        participant,
        actor=actor,
        event="participant.registered",
        reason=_("Seat holder"),
        fields=PARTICIPANT_FIELDS,
        exclude=["credentials_file"],
    )


@transaction.atomic
def seat_holders_register(*, actor: User, session: Session) -> int:
    """Register every seat on the body on the session's date as a seat holder (idempotent).

    In a body of all members these are the voice and observer seats (Secretary General,
    Comptroller...). Credentials start pending. Returns how many were registered.
    """
    require(actor, MANAGE)
    session = open_for_registration(session)
    rows = composition_on(session.body, registration_day(session))
    seats = [r.seat for r in rows if r.seat is not None]
    live = Participant.objects.filter(session=session, withdrawn_at=None)
    seated = set(live.filter(role=Participant.Role.SEAT_HOLDER).values_list("seat_id", flat=True))
    registered_users = set(live.exclude(user=None).values_list("user_id", flat=True))
    accounts = _accounts_by_email(seats)
    created = 0
    for seat in seats:
        if seat.pk in seated:
            continue
        user = seat.user if seat.user_id else accounts.get((seat.email or "").lower())
        if user is not None and user.pk in registered_users:
            continue  # that person is already registered for the session
        _register_seat_holder(actor, session, seat, user)
        if user is not None:
            registered_users.add(user.pk)
        created += 1
    if created:
        touch_session(session)
    return created
