"""Agenda and documents of a session: the Secretariat's management pages, the agenda PDF,
document pages and file downloads.

Management needs `governance.manage_sessions` (checked here and again by every service);
the agenda page itself is readable by every Secretariat member (`governance.view_sessions`).
Documents and files are read by the Secretariat and those who sit in the session, and by
anyone once published (see selectors.documents); to everyone else they do not exist (404).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from secretariat.core.access import public, requires
from secretariat.core.documents import document_response
from secretariat.core.forms import service_error_text
from secretariat.core.http import HtmxHttpRequest, actor, posted
from secretariat.core.languages import session_languages
from secretariat.core.limits import accepts_uploads
from secretariat.governance.forms.agenda import (
    AgendaItemForm,
    DocumentForm,
    DocumentUploadForm,
    MoveForm,
    NoteForm,
    ReasonForm,
    add_service_error,
)
from secretariat.governance.models import Session
from secretariat.governance.selectors import agenda as selectors
from secretariat.governance.selectors import documents as document_selectors
from secretariat.governance.selectors.sessions import session_get_for_user
from secretariat.governance.services import agenda as services
from secretariat.governance.services import documents as document_services
from secretariat.governance.services import pdfs

VIEW = "governance.view_sessions"
MANAGE = "governance.manage_sessions"
PDF_LANGUAGES = {code for code, _name in settings.LANGUAGES}


def _manage_url(session: Session | int, anchor: str = "") -> str:
    pk = session if isinstance(session, int) else session.pk
    url = reverse("governance:agenda-manage", kwargs={"pk": pk})
    return f"{url}#{anchor}" if anchor else url


def _agenda_response(request: HtmxHttpRequest, session: Session) -> HttpResponse:
    """The agenda page, or only its tree for htmx (which carries the messages)."""
    page = selectors.agenda_page(user=request.user, session=session)
    context = {
        "session": session,
        "agenda": page.agenda,
        "can_manage": page.can_manage,
        "editable": page.editable,
        "pdf_languages": page.pdf_languages,
    }
    if request.htmx:
        return render(request, "governance/partials/_agenda_tree.html", context)
    return render(request, "governance/agenda_manage.html", context)


# --- Agenda ----------------------------------------------------------------------------------


@requires(VIEW)
def agenda_manage(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    session = session_get_for_user(user=request.user, pk=pk)
    return _agenda_response(request, session)


@requires(MANAGE)
def agenda_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_get_for_user(user=request.user, pk=pk, action="manage")
    agenda = selectors.agenda_tree(session)
    initial = {}
    if request.GET.get("parent", "").isdigit():
        initial["parent"] = int(request.GET["parent"])
    form = AgendaItemForm(
        posted(request),
        initial=initial,
        languages=session_languages(session.languages),
        adopted=agenda.adopted,
        parents=selectors.session_items(session).filter(parent__isnull=True),
        parent_labels=selectors.item_labels(agenda, top_level_only=True),
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = services.agenda_item_add(
                actor=actor(request),
                session=session,
                parent=form.cleaned_data.get("parent"),
                reason=form.cleaned_data["reason"],
                **form.data_for_service(),
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The item was added to the agenda."))
            return redirect(_manage_url(session, f"item-{item.pk}"))
    return render(
        request,
        "governance/agenda_item_form.html",
        {"form": form, "session": session, "agenda": agenda},
    )


@requires(MANAGE)
def agenda_item_edit(request: HttpRequest, item_pk: int) -> HttpResponse:
    item = selectors.agenda_item_get_for_user(user=request.user, pk=item_pk, action="manage")
    session = item.session
    languages = session_languages(session.languages)
    initial = {
        f"{name}_{lang}": getattr(item, f"{name}_{lang}")
        for name in ("title", "description")
        for lang in languages
    }
    initial.update(presenter=item.presenter, outcome=item.outcome)
    form = AgendaItemForm(
        posted(request),
        initial=initial,
        languages=languages,
        adopted=session.agenda_adopted_at is not None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_update(
                actor=actor(request),
                item=item,
                data=form.data_for_service(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            if [name for name in form.changed_data if name != "reason"]:
                messages.success(request, _("The item was updated."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect(_manage_url(session, f"item-{item.pk}"))
    return render(
        request,
        "governance/agenda_item_form.html",
        {"form": form, "session": session, "item": item},
    )


@require_POST
@requires(MANAGE)
def agenda_item_move(request: HtmxHttpRequest, item_pk: int) -> HttpResponse:
    item = selectors.agenda_item_get_for_user(user=request.user, pk=item_pk, action="manage")
    form = MoveForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(list(form.non_field_errors()) or _("Say where the item goes."))
        services.agenda_item_move(
            actor=actor(request),
            item=item,
            direction=form.cleaned_data.get("direction") or None,
            to=form.cleaned_data.get("to"),
        )
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, _("The item was moved."))
    if request.htmx:
        # Swap the tree in place; the messages travel with it.
        return _agenda_response(
            request, session_get_for_user(user=request.user, pk=item.session_id)
        )
    return redirect(_manage_url(item.session_id, f"item-{item.pk}"))


@requires(MANAGE)
def agenda_item_withdraw(request: HttpRequest, item_pk: int) -> HttpResponse:
    item = selectors.agenda_item_get_for_user(user=request.user, pk=item_pk, action="manage")
    form = ReasonForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_withdraw(
                actor=actor(request), item=item, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The item was withdrawn from the agenda."))
            return redirect(_manage_url(item.session_id, f"item-{item.pk}"))
    return render(
        request,
        "governance/agenda_item_withdraw.html",
        {"form": form, "item": item, "session": item.session},
    )


@require_POST
@requires(MANAGE)
def agenda_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_get_for_user(user=request.user, pk=pk, action="manage")
    form = NoteForm(request.POST)
    try:
        services.agenda_adopt(
            actor=actor(request),
            session=session,
            reason=form.cleaned_data["reason"] if form.is_valid() else "",
        )
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, _("The agenda was adopted; its order is now fixed."))
    return redirect(_manage_url(session))


@public
def agenda_pdf(request: HttpRequest, pk: int, lang: str) -> HttpResponseBase:
    """The agenda as a PDF in one language, provisional until adopted; with the restricted
    documents for those who read them all. Built once per version by the worker."""
    if lang not in PDF_LANGUAGES:
        raise Http404
    session = session_get_for_user(user=request.user, pk=pk)
    with_restricted = selectors.reads_restricted_documents(user=request.user, session=session)
    document = pdfs.agenda_pdf(session=session, language=lang, with_restricted=with_restricted)
    return document_response(
        request,
        document,
        title=_("Agenda of the %(session)s") % {"session": session.title},
        public=not with_restricted and session.state != Session.State.DRAFT,
    )


# --- Documents ---------------------------------------------------------------------------------


@requires(MANAGE)
@accepts_uploads(files=len(settings.LANGUAGES))
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_get_for_user(user=request.user, pk=pk, action="manage")
    agenda = selectors.agenda_tree(session)
    initial = {}
    if request.GET.get("item", "").isdigit():
        initial["agenda_item"] = int(request.GET["item"])
    form = DocumentForm(
        posted(request),
        request.FILES if request.method == "POST" else None,
        initial=initial,
        languages=session_languages(session.languages),
        items=selectors.session_items(session),
        item_labels=selectors.item_labels(agenda),
    )
    if request.method == "POST" and form.is_valid():
        try:
            document = document_services.document_add(
                actor=actor(request), session=session, **form.data_for_service()
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("The document %(symbol)s was added.") % {"symbol": document.symbol},
            )
            return redirect("governance:document-detail", doc_pk=document.pk)
    return render(request, "governance/document_form.html", {"form": form, "session": session})


@requires(MANAGE)
@accepts_uploads(files=len(settings.LANGUAGES))
def document_upload(request: HttpRequest, doc_pk: int) -> HttpResponse:
    document = document_selectors.document_get_for_user(
        user=request.user, pk=doc_pk, action="manage"
    )
    form = DocumentUploadForm(
        posted(request),
        request.FILES if request.method == "POST" else None,
        languages=session_languages(document.session.languages),
    )
    if request.method == "POST" and form.is_valid():
        try:
            rows = document_services.document_upload(
                actor=actor(request),
                document=document,
                files=form.files_by_language(),
                note=form.cleaned_data["note"],
                new_version=form.cleaned_data["new_version"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Version %(version)s: %(count)s file(s) uploaded.")
                % {"version": rows[0].version, "count": len(rows)},
            )
            return redirect("governance:document-detail", doc_pk=document.pk)
    return render(
        request,
        "governance/document_upload.html",
        {"form": form, "document": document, "session": document.session},
    )


@requires(MANAGE)
def document_withdraw(request: HttpRequest, doc_pk: int) -> HttpResponse:
    document = document_selectors.document_get_for_user(
        user=request.user, pk=doc_pk, action="manage"
    )
    form = ReasonForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            document_services.document_withdraw(
                actor=actor(request), document=document, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The document was withdrawn."))
            return redirect("governance:document-detail", doc_pk=document.pk)
    return render(
        request,
        "governance/document_withdraw.html",
        {"form": form, "document": document, "session": document.session},
    )


@public
def document_detail(request: HttpRequest, doc_pk: int) -> HttpResponse:
    document = document_selectors.document_get_for_user(user=request.user, pk=doc_pk)
    detail = document_selectors.document_page(user=request.user, document=document)
    return render(
        request,
        "governance/document_detail.html",
        {
            "detail": detail,
            "document": document,
            "session": document.session,
            "can_manage": detail.can_manage,
        },
    )


@public
def document_file(request: HttpRequest, file_pk: int) -> FileResponse:
    """Stream one file to whoever may read it, with its original name; 404 otherwise."""
    row = document_selectors.document_file_get_for_user(user=request.user, pk=file_pk)
    try:
        handle = row.file.storage.open(row.file.name or "", "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=not row.content_type.startswith("image/")
        and row.content_type != "application/pdf",
        filename=row.original_name,
        content_type=row.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    public_file = document_selectors.document_is_public(row.document)
    response["Cache-Control"] = "public, max-age=300" if public_file else "private, no-store"
    return response


@require_POST
@requires(MANAGE)
def documents_publish(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_get_for_user(user=request.user, pk=pk, action="manage")
    form = NoteForm(request.POST)
    try:
        document_services.documents_publish(
            actor=actor(request),
            session=session,
            reason=form.cleaned_data["reason"] if form.is_valid() else "",
        )
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(
            request, _("The documents were published: anyone may now read those not restricted.")
        )
    return redirect(_manage_url(session, "documents"))
