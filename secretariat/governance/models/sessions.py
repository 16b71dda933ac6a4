"""Sessions of a body: convocation, agenda, documents, delegates, proxies and attendance."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.manager import HistoryManager
from simple_history.models import HistoricalRecords

from secretariat.core.languages import CONTENT_LANGUAGE_CHOICES
from secretariat.governance.models.bodies import Body, Seat
from secretariat.members.models import Country, DatePrecision, Institution, Source

ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)


def roman(number: int) -> str:
    """Roman numeral of a positive integer (sessions are numbered so: "XXX Asamblea")."""
    out = []
    for value, letters in ROMAN:
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


class Session(models.Model):
    """One session of a body, numbered in the body's series for its kind."""

    class Kind(models.TextChoices):
        ORDINARY = "ordinary", _("Ordinary")
        EXTRAORDINARY = "extraordinary", _("Extraordinary")

    class State(models.TextChoices):
        DRAFT = "draft", _("In preparation")
        CONVENED = "convened", _("Convened")
        OPEN = "open", _("In session")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    class ConvenedBy(models.TextChoices):
        STATUTE = "statute", _("By the Statute (ordinary session)")
        PRESIDENT = "president", _("The President")
        COMMITTEE_MEMBERS = "committee_members", _("Members of the Standing Committee")
        BODY_MEMBERS = "body_members", _("Members of the body")
        BODY_PRESIDENT = "body_president", _("The body's president")

    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="sessions"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    number = models.PositiveSmallIntegerField(
        _("number"), help_text=_("Its number in the body's series of sessions of this kind.")
    )
    title = models.CharField(_("title"), max_length=250)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    date_precision = models.CharField(
        _("precision of the date"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    time_zone = models.CharField(_("time zone"), max_length=60, default="America/Mexico_City")
    place = models.CharField(_("place"), max_length=250, blank=True)
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    online = models.BooleanField(_("held online"), default=False)
    online_url = models.URLField(_("link to join"), blank=True)
    languages = models.JSONField(_("languages"), default=list)
    state = FSMField(_("state"), default=State.DRAFT, choices=State.choices, protected=True)
    convened_by = models.CharField(
        _("convened by"), max_length=30, choices=ConvenedBy.choices, default=ConvenedBy.STATUTE
    )
    # Before requesters were chosen from the seats, they were typed, one per line: kept as
    # written, a historical note; it counts for nothing.
    requested_by = models.TextField(
        _("requested by (historical note)"),
        blank=True,
        help_text=_("Names as they were typed before requesters were chosen from the seats."),
    )
    requesters = models.ManyToManyField(
        Seat,
        verbose_name=_("requested by"),
        blank=True,
        related_name="requested_sessions",
        help_text=_(
            "The voting seat holders who asked for an extraordinary session, on the date of "
            "the request."
        ),
    )
    requested_on = models.DateField(_("date of the request"), null=True, blank=True)
    convocation = models.TextField(_("convocation"), blank=True)
    convened_at = models.DateTimeField(_("convened on"), null=True, blank=True)
    documents_deadline = models.DateTimeField(_("deadline for documents"), null=True, blank=True)
    agenda_adopted_at = models.DateTimeField(_("agenda adopted on"), null=True, blank=True)
    documents_published_at = models.DateTimeField(
        _("documents published on"), null=True, blank=True
    )
    chair = models.CharField(_("chair"), max_length=200, blank=True)
    secretary = models.CharField(_("secretary"), max_length=200, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    origin = models.CharField(
        _("origin"), max_length=20, choices=Source.choices, default=Source.SECRETARIAT
    )
    source = models.CharField(_("source"), max_length=500, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # History is registered in translation.py, after the translated fields exist.

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "kind", "number"],
                name="session_number_unique_per_body_kind",
                violation_error_message=_("This body already has a session with this number."),
            ),
        ]
        indexes = [models.Index(fields=["body", "starts_at"], name="session_body_start_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def roman_number(self) -> str:
        return roman(self.number)

    @property
    def is_example(self) -> bool:
        return self.origin in (Source.EXAMPLE, Source.SYNTHETIC)

    # Transitions are run by the services only (they check permissions and rules first).
    @transition(field=state, source=State.DRAFT, target=State.CONVENED)
    def mark_convened(self) -> None:
        pass

    @transition(field=state, source=State.CONVENED, target=State.OPEN)
    def mark_open(self) -> None:
        pass

    @transition(field=state, source=State.OPEN, target=State.CLOSED)
    def mark_closed(self) -> None:
        pass

    @transition(field=state, source=[State.DRAFT, State.CONVENED], target=State.CANCELLED)
    def mark_cancelled(self) -> None:
        pass


class Dispatch(models.Model):
    """One message sent for a session (convocation, documents, minutes) to one recipient."""

    class Kind(models.TextChoices):
        CONVOCATION = "convocation", _("Convocation")
        DOCUMENTS = "documents", _("Documents")
        MINUTES = "minutes", _("Minutes for comments")

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.PROTECT, related_name="dispatches"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    recipient = models.CharField(_("recipient"), max_length=200)
    email = models.EmailField(_("e-mail"))
    institution = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    seat = models.ForeignKey(
        Seat, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    language = models.CharField(_("language"), max_length=5, choices=CONTENT_LANGUAGE_CHOICES)
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")
        ordering = ["session", "kind", "recipient"]

    def __str__(self) -> str:
        return f"{self.recipient} <{self.email}>"


class AgendaItem(models.Model):
    """A numbered item (or sub-item) of a session's agenda."""

    class Outcome(models.TextChoices):
        INFORMATION = "information", _("Information")
        DISCUSSION = "discussion", _("Discussion")
        DECISION = "decision", _("Decision")
        ELECTION = "election", _("Election")

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.PROTECT, related_name="agenda_items"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    presenter = models.CharField(_("presented by"), max_length=200, blank=True)
    outcome = models.CharField(
        _("expected outcome"), max_length=20, choices=Outcome.choices, default=Outcome.DISCUSSION
    )
    withdrawn = models.BooleanField(_("withdrawn"), default=False)
    # History is registered in translation.py, after the translated fields exist; declared
    # here so that readers of the history (the agenda's "added after adoption") are typed.
    history: ClassVar[HistoryManager]

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["session", "parent_id", "position", "pk"]
        indexes = [models.Index(fields=["session", "position"], name="agenda_session_pos_idx")]

    def __str__(self) -> str:
        return self.title


class Document(models.Model):
    """A session document; its files are versioned, one file per language per version.

    Distributed to seat holders (and the Secretariat) until the session publishes its
    documents; public afterwards unless `restricted`.
    """

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.PROTECT, related_name="documents"
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    symbol = models.CharField(_("symbol"), max_length=80, blank=True)
    title = models.CharField(_("title"), max_length=300)
    restricted = models.BooleanField(
        _("restricted"),
        default=False,
        help_text=_("Kept for seat holders even after the session publishes its documents."),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # History is registered in translation.py, after the translated fields exist.

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["session", "symbol", "pk"]

    def __str__(self) -> str:
        return f"{self.symbol} {self.title}".strip()

    @property
    def is_public(self) -> bool:
        """Anyone may read it: its session published its documents, and it is neither
        restricted nor withdrawn (a session in preparation publishes nothing)."""
        session = self.session
        return (
            session.documents_published_at is not None
            and session.state != Session.State.DRAFT
            and not self.restricted
            and self.withdrawn_at is None
        )


def document_upload_to(instance: DocumentFile, filename: str) -> str:
    return (
        f"governance/sessions/{instance.document.session_id}/{instance.document_id}/"
        f"v{instance.version}-{instance.language}-{filename}"
    )


class DocumentFile(models.Model):
    """One version of a document in one language. Never replaced: a new upload is a new row."""

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.PROTECT, related_name="files"
    )
    version = models.PositiveSmallIntegerField(_("version"))
    language = models.CharField(_("language"), max_length=5, choices=CONTENT_LANGUAGE_CHOICES)
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size"), default=0)
    content_type = models.CharField(_("type"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document file")
        verbose_name_plural = _("document files")
        ordering = ["document", "-version", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "version", "language"],
                name="documentfile_one_per_version_language",
                violation_error_message=_("This version already has a file in this language."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.original_name} (v{self.version}, {self.language})"


class Participant(models.Model):
    """A person registered for a session: a member's delegate, a seat holder, an observer."""

    class Role(models.TextChoices):
        HEAD = "head", _("Head of delegation")
        DELEGATE = "delegate", _("Delegate")
        ADVISER = "adviser", _("Adviser")
        SEAT_HOLDER = "seat", _("Seat holder")
        OBSERVER = "observer", _("Observer")

    class Credentials(models.TextChoices):
        PENDING = "pending", _("Credentials to be checked")
        ACCEPTED = "accepted", _("Credentials accepted")
        REJECTED = "rejected", _("Credentials rejected")

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.PROTECT, related_name="participants"
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="session_participants",
    )
    seat = models.ForeignKey(
        Seat,
        verbose_name=_("seat"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="participants",
    )
    full_name = models.CharField(_("full name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="participations",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    credentials = models.CharField(
        _("credentials"),
        max_length=20,
        choices=Credentials.choices,
        default=Credentials.PENDING,
    )
    credentials_file = models.FileField(
        _("letter of credentials"),
        upload_to="governance/credentials/%Y/",
        blank=True,
        max_length=300,
    )
    credentials_note = models.CharField(_("note on the credentials"), max_length=500, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn on"), null=True, blank=True)
    present = models.BooleanField(_("present"), default=False)
    present_since = models.DateTimeField(_("present since"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["present", "present_since"])

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["session", "institution__name", "role", "full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=Q(user__isnull=False, withdrawn_at__isnull=True),
                name="participant_one_registration_per_account",
                violation_error_message=_("This person is already registered for the session."),
            ),
            models.CheckConstraint(
                condition=Q(institution__isnull=True) | Q(seat__isnull=True),
                name="participant_institution_or_seat",
                violation_error_message=_(
                    "A participant comes for an institution or for a seat, not both."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["session", "institution"], name="participant_session_inst_idx")
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def accredited(self) -> bool:
        return self.credentials == self.Credentials.ACCEPTED and self.withdrawn_at is None


class AttendanceEvent(models.Model):
    """Arrival or departure of a participant, as recorded at the door or by the chair."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="attendance_events")
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="attendance_events"
    )
    present = models.BooleanField(_("present"))
    at = models.DateTimeField(_("at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("attendance record")
        verbose_name_plural = _("attendance records")
        ordering = ["session", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.present} {self.at}"


class Proxy(models.Model):
    """A full member giving its vote in a session to another full member (where allowed)."""

    class State(models.TextChoices):
        PENDING = "pending", _("To be checked")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        REVOKED = "revoked", _("Revoked")

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.PROTECT, related_name="proxies"
    )
    grantor = models.ForeignKey(
        Institution,
        verbose_name=_("member giving the proxy"),
        on_delete=models.PROTECT,
        related_name="proxies_given",
    )
    holder = models.ForeignKey(
        Institution,
        verbose_name=_("member holding the proxy"),
        on_delete=models.PROTECT,
        related_name="proxies_held",
    )
    letter = models.FileField(
        _("letter of proxy"), upload_to="governance/proxies/%Y/", blank=True, max_length=300
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.PENDING
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("proxy")
        verbose_name_plural = _("proxies")
        ordering = ["session", "grantor__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "grantor"],
                condition=Q(state__in=["pending", "accepted"]),
                name="proxy_one_per_grantor",
                violation_error_message=_("This member has already given a proxy for the session."),
            ),
            models.CheckConstraint(
                condition=~Q(grantor=models.F("holder")),
                name="proxy_not_to_self",
                violation_error_message=_("A member cannot give its proxy to itself."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grantor} → {self.holder}"
