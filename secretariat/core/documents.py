"""Documents built in the background: the kinds each app registers, and the answer a page
gives while one is being prepared (decision 0006).

An app registers a builder per kind from its `AppConfig.ready` (`<app>/documents.py`):
`register("governance.minutes", build)`, where `build(target_id, language)` returns the
file's bytes. A view that serves a document checks access to the record first (its
`_get_for_user` selector), asks for the record's current version
(`core.services.documents.document_request`) and answers with `document_response`: the
stored file when it is ready; otherwise a page that says it is being prepared and follows
it until it is (htmx), or why it could not be.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseNotModified
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from secretariat.core.models import GeneratedDocument

Build = Callable[[str, str], bytes]
# A document still pending after this long is said to be late (is the worker running?).
LATE_AFTER = dt.timedelta(minutes=2)


@dataclass(frozen=True)
class DocumentKind:
    key: str
    build: Build
    content_type: str = "application/pdf"


_KINDS: dict[str, DocumentKind] = {}


def register(key: str, build: Build, *, content_type: str = "application/pdf") -> None:
    _KINDS[key] = DocumentKind(key=key, build=build, content_type=content_type)


def kind(key: str) -> DocumentKind:
    try:
        return _KINDS[key]
    except KeyError as exc:
        raise LookupError(f"No document builder registered for {key!r}") from exc


def document_response(
    request: HttpRequest, document: GeneratedDocument, *, title: str, public: bool = False
) -> HttpResponseBase:
    """The stored file when ready (with an ETag: a repeated download costs no transfer);
    else the page, or for htmx's follow-up the fragment, saying where it stands."""
    if document.state == GeneratedDocument.State.READY:
        etag = f'"{document.sha256}"'
        if request.headers.get("If-None-Match") == etag:
            response: HttpResponseBase = HttpResponseNotModified()
        elif request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = request.get_full_path()
        else:
            try:
                stored = document.file.open("rb")
            except FileNotFoundError:
                from secretariat.core.services.documents import document_rebuild

                return document_response(
                    request, document_rebuild(document=document), title=title, public=public
                )
            response = FileResponse(
                stored, content_type=document.content_type, filename=document.file_name
            )
        response["ETag"] = etag
        response["Cache-Control"] = "public, max-age=300" if public else "private, no-cache"
        return response
    context = {
        "document": document,
        "title": title,
        "late": timezone.now() - document.requested_at > LATE_AFTER,
    }
    status = 202 if document.state == GeneratedDocument.State.PENDING else 200
    if request.headers.get("HX-Request"):
        return render(request, "core/partials/_document_status.html", context, status=200)
    response = render(request, "core/document_status.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response
