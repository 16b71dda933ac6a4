"""Helpers the governance tests share (fixtures are in conftest.py)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from secretariat.conftest import make_user
from secretariat.core import roles
from secretariat.governance.models import AgendaItem, Session
from secretariat.governance.selectors.agenda import agenda_tree
from secretariat.governance.services import agenda as agenda_services
from secretariat.governance.services import registration as registration_services
from secretariat.governance.services.sessions import session_create
from secretariat.members.models import Representative

MX = ZoneInfo("America/Mexico_City")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# --- Sessions ----------------------------------------------------------------------------------


def days_ahead(days: int, hour: int = 10) -> dt.datetime:
    """A moment `days` calendar days from today in Mexico City, at a fixed hour."""
    today = timezone.now().astimezone(MX).date()
    return dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour), tzinfo=MX)


def new_session(actor, body, kind=Session.Kind.ORDINARY, days=60, **extra) -> Session:
    extra.setdefault("place", "Ciudad de México")
    if kind == Session.Kind.EXTRAORDINARY:
        extra.setdefault("convened_by", Session.ConvenedBy.PRESIDENT)
    return session_create(actor=actor, body=body, kind=kind, starts_at=days_ahead(days), **extra)


# --- Agenda and documents ----------------------------------------------------------------------


def agenda_session(body, *, number: int = 31, state: str | None = None, **extra) -> Session:
    session = Session.objects.create(
        body=body,
        kind=Session.Kind.ORDINARY,
        number=number,
        title_es=f"Sesión {number}",
        title_en=f"Session {number}",
        starts_at=dt.datetime(2024, 9, 10, 9, 0, tzinfo=dt.UTC),
        languages=["es", "en"],
        **extra,
    )
    if state is not None:
        # The FSM field is protected; tests put the row in the state they need.
        Session.objects.filter(pk=session.pk).update(state=state)
        session = Session.objects.get(pk=session.pk)
    return session


def pdf_file(name: str = "informe.pdf", body: bytes = b"report") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n" + body + b"\n%%EOF", "application/pdf")


def docx_file(name: str = "informe.docx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile(name, buffer.getvalue(), "application/octet-stream")


def agenda_numbers(session: Session) -> list[tuple[str, str]]:
    """(number, Spanish title) of every item in reading order; "" for withdrawn items."""
    return [(e.number, e.item.title_es) for e in agenda_tree(session).flat()]


def add_item(actor, session, title, **kwargs) -> AgendaItem:
    return agenda_services.agenda_item_add(actor=actor, session=session, title_es=title, **kwargs)


# --- Registration ------------------------------------------------------------------------------


def letter(name: str = "carta.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def registration_session(body, state: str = "convened", number: int = 31) -> Session:  # type: ignore[no-untyped-def]
    session = Session.objects.create(
        body=body,
        kind=Session.Kind.ORDINARY,
        number=number,
        title_es=f"Sesión {number} de {body.name_es}",
        title_en=f"Session {number} of {body.name_en}",
        starts_at=timezone.now() + dt.timedelta(days=30),
        place="Ciudad de México",
        languages=["es", "en"],
    )
    if state != "draft":
        Session.objects.filter(pk=session.pk).update(state=state)  # tests only: FSM bypassed
    return Session.objects.select_related("body").get(pk=session.pk)


def represent(institution, email: str):  # type: ignore[no-untyped-def]
    user = make_user(email, roles.REPRESENTATIVE)
    Representative.objects.create(
        institution=institution,
        user=user,
        full_name=email.split("@")[0].title(),
        role=Representative.Role.HEAD,
        valid_from=dt.date(2020, 1, 1),
    )
    return user


def register_delegate(actor, session, institution, name="Delegada Uno", role="delegate", **extra):  # type: ignore[no-untyped-def]
    return registration_services.delegate_register(
        actor=actor, session=session, institution=institution, full_name=name, role=role, **extra
    )
