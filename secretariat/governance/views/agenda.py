"""Agenda and documents of a session: the Secretariat's management pages, the agenda PDF,
document pages and file downloads.

Management needs `governance.manage_sessions` (checked here and again by every service);
the agenda page itself is readable by every Secretariat member (`governance.view_sessions`).
Documents and files are read by the Secretariat and those who sit in the session, and by
anyone once published (see selectors.agenda); to everyone else they do not exist (404).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from secretariat.core.http import actor as _actor
from secretariat.core.http import posted as _posted
from secretariat.core.languages import session_languages
from secretariat.core.pdf import pdf_response, render_pdf
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
from secretariat.governance.services import agenda as services

VIEW = "governance.view_sessions"
MANAGE = "governance.manage_sessions"
PDF_LANGUAGES = {code for code, _name in settings.LANGUAGES}


def _manage_url(session: Session | int, anchor: str = "") -> str:
    pk = session if isinstance(session, int) else session.pk
    url = reverse("governance:agenda-manage", kwargs={"pk": pk})
    return f"{url}#{anchor}" if anchor else url


def _error_text(exc: ValidationError) -> str:
    return " ".join(str(message) for message in exc.messages)


def _labels(agenda: selectors.Agenda, top_level_only: bool = False) -> dict[int, str]:
    return dict(selectors.item_choices(agenda, top_level_only=top_level_only))


# --- Agenda ----------------------------------------------------------------------------------


@permission_required(VIEW, raise_exception=True)
def agenda_manage(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.agenda_session_get(pk=pk)
    agenda = selectors.agenda_tree(session)
    context = {
        "session": session,
        "agenda": agenda,
        "can_manage": request.user.has_perm(MANAGE),
        "editable": session.state in services.EDITABLE_STATES,
        "pdf_languages": session_languages(session.languages),
    }
    if request.htmx:  # type: ignore[attr-defined]  # django-htmx middleware
        return render(request, "governance/agenda_tree.html", context)
    return render(request, "governance/agenda_manage.html", context)


@permission_required(MANAGE, raise_exception=True)
def agenda_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.agenda_session_get(pk=pk)
    agenda = selectors.agenda_tree(session)
    initial = {}
    if request.GET.get("parent", "").isdigit():
        initial["parent"] = int(request.GET["parent"])
    form = AgendaItemForm(
        _posted(request),
        initial=initial,
        languages=session_languages(session.languages),
        adopted=agenda.adopted,
        parents=selectors.session_items(session).filter(parent__isnull=True),
        parent_labels=_labels(agenda, top_level_only=True),
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = services.agenda_item_add(
                actor=_actor(request),
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


@permission_required(MANAGE, raise_exception=True)
def agenda_item_edit(request: HttpRequest, item_pk: int) -> HttpResponse:
    item = selectors.agenda_item_get(pk=item_pk)
    session = item.session
    languages = session_languages(session.languages)
    initial = {
        f"{name}_{lang}": getattr(item, f"{name}_{lang}")
        for name in ("title", "description")
        for lang in languages
    }
    initial.update(presenter=item.presenter, outcome=item.outcome)
    form = AgendaItemForm(
        _posted(request),
        initial=initial,
        languages=languages,
        adopted=session.agenda_adopted_at is not None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_update(
                actor=_actor(request),
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
@permission_required(MANAGE, raise_exception=True)
def agenda_item_move(request: HttpRequest, item_pk: int) -> HttpResponse:
    item = selectors.agenda_item_get(pk=item_pk)
    form = MoveForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(list(form.non_field_errors()) or _("Say where the item goes."))
        services.agenda_item_move(
            actor=_actor(request),
            item=item,
            direction=form.cleaned_data.get("direction") or None,
            to=form.cleaned_data.get("to"),
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("The item was moved."))
    if request.htmx:  # type: ignore[attr-defined]  # django-htmx middleware
        # Swap the tree in place; the messages travel with it.
        return agenda_manage(request, item.session_id)
    return redirect(_manage_url(item.session_id, f"item-{item.pk}"))


@permission_required(MANAGE, raise_exception=True)
def agenda_item_withdraw(request: HttpRequest, item_pk: int) -> HttpResponse:
    item = selectors.agenda_item_get(pk=item_pk)
    form = ReasonForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_withdraw(
                actor=_actor(request), item=item, reason=form.cleaned_data["reason"]
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
@permission_required(MANAGE, raise_exception=True)
def agenda_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.agenda_session_get(pk=pk)
    form = NoteForm(request.POST)
    try:
        services.agenda_adopt(
            actor=_actor(request),
            session=session,
            reason=form.cleaned_data["reason"] if form.is_valid() else "",
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("The agenda was adopted; its order is now fixed."))
    return redirect(_manage_url(session))


@login_not_required
def agenda_pdf(request: HttpRequest, pk: int, lang: str) -> HttpResponse:
    """The agenda as a PDF in one language: provisional until adopted."""
    if lang not in PDF_LANGUAGES:
        raise Http404
    session = selectors.agenda_session_for_user(user=request.user, pk=pk)
    agenda = selectors.agenda_tree(
        session,
        include_restricted=selectors.may_read_session_documents(request.user, session),
        include_withdrawn_documents=False,
    )
    content = render_pdf(
        "governance/pdf/agenda.html", {"session": session, "agenda": agenda}, language=lang
    )
    return pdf_response(content, f"agenda-{session.roman_number}-{session.body.code}-{lang}")


# --- Documents ---------------------------------------------------------------------------------


@permission_required(MANAGE, raise_exception=True)
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.agenda_session_get(pk=pk)
    agenda = selectors.agenda_tree(session)
    initial = {}
    if request.GET.get("item", "").isdigit():
        initial["agenda_item"] = int(request.GET["item"])
    form = DocumentForm(
        _posted(request),
        request.FILES if request.method == "POST" else None,
        initial=initial,
        languages=session_languages(session.languages),
        items=selectors.session_items(session),
        item_labels=_labels(agenda),
    )
    if request.method == "POST" and form.is_valid():
        try:
            document = services.document_add(
                actor=_actor(request), session=session, **form.data_for_service()
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


@permission_required(MANAGE, raise_exception=True)
def document_upload(request: HttpRequest, doc_pk: int) -> HttpResponse:
    document = selectors.document_get(pk=doc_pk)
    form = DocumentUploadForm(
        _posted(request),
        request.FILES if request.method == "POST" else None,
        languages=session_languages(document.session.languages),
    )
    if request.method == "POST" and form.is_valid():
        try:
            rows = services.document_upload(
                actor=_actor(request),
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


@permission_required(MANAGE, raise_exception=True)
def document_withdraw(request: HttpRequest, doc_pk: int) -> HttpResponse:
    document = selectors.document_get(pk=doc_pk)
    form = ReasonForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.document_withdraw(
                actor=_actor(request), document=document, reason=form.cleaned_data["reason"]
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


@login_not_required
def document_detail(request: HttpRequest, doc_pk: int) -> HttpResponse:
    detail = selectors.document_get_for_user(user=request.user, pk=doc_pk)
    return render(
        request,
        "governance/document_detail.html",
        {
            "detail": detail,
            "document": detail.document,
            "session": detail.document.session,
            "can_manage": request.user.has_perm(MANAGE),
        },
    )


@login_not_required
def document_file(request: HttpRequest, file_pk: int) -> FileResponse:
    """Stream one file to whoever may read it, with its original name; 404 otherwise."""
    row = selectors.document_file_get_for_user(user=request.user, pk=file_pk)
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
    public = selectors.document_is_public(row.document)
    response["Cache-Control"] = "public, max-age=300" if public else "private, no-store"
    return response


@require_POST
@permission_required(MANAGE, raise_exception=True)
def documents_publish(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.agenda_session_get(pk=pk)
    form = NoteForm(request.POST)
    try:
        services.documents_publish(
            actor=_actor(request),
            session=session,
            reason=form.cleaned_data["reason"] if form.is_valid() else "",
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request, _("The documents were published: anyone may now read those not restricted.")
        )
    return redirect(_manage_url(session, "documents"))
