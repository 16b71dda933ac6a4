"""The member registry's own fixtures and helpers, shared by its test packages (services/,
selectors/, views/). The personas and reference rows are in secretariat/conftest.py."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from secretariat.conftest import client_for
from secretariat.core.models import ActionLog
from secretariat.members.models import (
    ImportBatch,
    Institution,
    Membership,
    MembershipRequest,
    VotingSuspension,
)
from secretariat.members.services import requests as request_services
from secretariat.members.services.standing import voting_suspend

# --- Any page or service ------------------------------------------------------------------


def logged(event: str) -> ActionLog:
    """The one action-log row of an event."""
    return ActionLog.objects.get(event=event)


def count_queries(client: Client, url: str) -> int:
    """The queries of a page once the session is settled."""
    client.get(url)  # warm up: the first staff request checks the second factor once per session
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture
def as_comptroller(comptroller) -> Client:  # type: ignore[no-untyped-def]
    return client_for(comptroller)


@pytest.fixture
def as_sg(secretary_general) -> Client:  # type: ignore[no-untyped-def]
    return client_for(secretary_general)


def my_institution_url(inst: Institution) -> str:
    return reverse("members:my-institution", args=[inst.slug])


def propose_url(inst: Institution) -> str:
    return reverse("members:correction-propose", args=[inst.slug])


# --- Requests -------------------------------------------------------------------------------

State = MembershipRequest.State
DECISION = "Resolución CISS No. 140, XXXI Asamblea General Ordinaria"


def pdf(name: str = "carta.pdf", body: bytes = b"%PDF-1.4 test letter") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def fresh(req: MembershipRequest) -> MembershipRequest:
    # refresh_from_db() cannot reset a protected FSM field; read the row again instead.
    return MembershipRequest.objects.get(pk=req.pk)


def url(name: str, req: MembershipRequest | None = None, **kwargs) -> str:  # type: ignore[no-untyped-def]
    if req is not None:
        kwargs["pk"] = req.pk
    # English pages: the assertions below read the interface's English text.
    with translation.override("en"):
        return reverse(f"members:{name}", kwargs=kwargs or None)


def applicant(  # type: ignore[no-untyped-def]
    officer, countries, categories, name: str = "Caja Nueva de Previsión", **extra
) -> MembershipRequest:
    return request_services.request_record(
        actor=officer,
        kind=MembershipRequest.Kind.AFFILIATION,
        applicant_name=name,
        applicant_acronym="CNP",
        applicant_country=countries["PE"],
        requested_category=categories["associate"],
        received_on=dt.date(2025, 3, 1),
        **extra,
    )


def disaffiliation_of(rep, member) -> MembershipRequest:  # type: ignore[no-untyped-def]
    return request_services.request_disaffiliation_by_member(
        actor=rep, institution=member, statement="Nos retiramos"
    )


def under_review(officer, req: MembershipRequest, complete: bool = True) -> MembershipRequest:  # type: ignore[no-untyped-def]
    req = request_services.request_start_review(actor=officer, request=req)
    if complete:
        req = request_services.request_update_checklist(
            actor=officer, request=req, checks={name: True for name, _l, _d in req.checklist}
        )
    return req


def forwarded(officer, req: MembershipRequest) -> MembershipRequest:  # type: ignore[no-untyped-def]
    return request_services.request_forward(actor=officer, request=under_review(officer, req))


def assert_login_redirect(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- Standing ---------------------------------------------------------------------------

D = dt.date
TODAY = D(2024, 6, 1)


@pytest.fixture
def pinned_today(monkeypatch):  # type: ignore[no-untyped-def]
    # Pages in English and "today" fixed, so statuses do not depend on the clock.
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
    with translation.override("en"):
        yield


def suspend(actor, inst, **kw) -> VotingSuspension:  # type: ignore[no-untyped-def]
    args = {
        "valid_from": D(2024, 1, 1),
        "reason": "Dues for 2022 and 2023 unpaid",
        "legal_basis": "Statute, arrears rule (default, to be confirmed)",
    }
    args.update(kw)
    return voting_suspend(actor=actor, institution=inst, **args)


# --- Imports ----------------------------------------------------------------------------

HEADER = "name,acronym,country,category,member_since,website,email,phone,source"
ROW_ALFA = (
    "Instituto Nuevo Uno,INU,MX,full,2015-03-01,www.inu.example.org,info@inu.example.org,"
    "+52 55 1234 5678,Acta AG 2015"
)
ROW_BETA = "Caja Nueva Dos,CND,Perú,Asociado,2018,,,,Lista de miembros 2022"
ROW_GAMMA = "Fondo Nuevo Tres,,Canada,,,,,,Member list 2022"


def csv_upload(
    *lines: str, name: str = "members.csv", encoding: str = "utf-8"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, "\n".join(lines).encode(encoding), content_type="text/csv")


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_upload(rows: list[list[object]], name: str = "members.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(rows))


def registry_counts() -> dict[str, int]:
    return {
        "institutions": Institution.objects.count(),
        "memberships": Membership.objects.count(),
        "institution_history": Institution.history.count(),
        "membership_history": Membership.history.count(),
        "action_log": ActionLog.objects.count(),
    }


def row_errors(batch: ImportBatch, line: int) -> list[str]:
    return [e["code"] for e in batch.errors if e["line"] == line]


@pytest.fixture
def reference(categories, countries):  # type: ignore[no-untyped-def]
    return {"categories": categories, "countries": countries}
