"""Import of the member spreadsheet: upload, preview, commit or discard, history, template.

Every page needs `members.import_members` (the Secretary General and Secretariat officers).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from secretariat.core.access import requires
from secretariat.core.http import actor
from secretariat.core.limits import accepts_uploads
from secretariat.core.tables import paginate
from secretariat.members.forms.imports import ImportCommitForm, ImportDiscardForm, ImportUploadForm
from secretariat.members.models import ImportBatch
from secretariat.members.selectors.imports import (
    SHOW_CHOICES,
    can_commit,
    filter_rows,
    import_batch_get_for_user,
    import_batch_list_for_user,
    preview_rows,
    template_csv,
    template_xlsx,
)
from secretariat.members.services.imports import commit as services
from secretariat.members.services.imports.parse import COLUMNS

PERM = "members.import_members"
PREVIEW_PAGE_SIZE = 100


def _add_error(form: forms.Form, field: str, exc: ValidationError) -> None:
    # A dict of errors names its own fields; a plain one belongs to `field`.
    form.add_error(None if hasattr(exc, "error_dict") else field, exc)


def _preview_context(
    request: HttpRequest, batch: ImportBatch, commit_form: ImportCommitForm | None = None
) -> dict[str, Any]:
    show = request.GET.get("show", "all")
    show = show if show in SHOW_CHOICES else "all"
    page = paginate(request, filter_rows(batch.rows, show), PREVIEW_PAGE_SIZE)
    committable = can_commit(batch)
    commit_form = commit_form or ImportCommitForm()
    if not committable:
        commit_form.fields["reason"].disabled = True
    return {
        "batch": batch,
        "page": page,
        "rows": preview_rows(batch=batch, rows=page.object_list),
        "counts": batch.summary.get("counts", {}),
        "show": show,
        "commit_form": commit_form,
        "discard_form": ImportDiscardForm(),
        "can_commit": committable,
    }


@requires(PERM)
@accepts_uploads(files=1)
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportUploadForm()
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                batch = services.import_preview(
                    actor=actor(request), upload=form.cleaned_data["file"]
                )
            except ValidationError as exc:
                _add_error(form, "file", exc)
            else:
                messages.success(
                    request, _("The file was read. Check the preview, then commit or discard it.")
                )
                return redirect("members:import-preview", pk=batch.pk)
    return render(request, "members/import_upload.html", {"form": form, "columns": COLUMNS})


@requires(PERM)
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    batch = import_batch_get_for_user(user=actor(request), pk=pk)
    return render(request, "members/import_preview.html", _preview_context(request, batch))


@require_POST
@requires(PERM)
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    batch = import_batch_get_for_user(user=actor(request), pk=pk)
    form = ImportCommitForm(request.POST)
    if form.is_valid():
        try:
            batch = services.import_commit(
                actor=actor(request), batch=batch, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _add_error(form, "reason", exc)
        else:
            changes = batch.summary["result"]["changes"]
            messages.success(
                request,
                ngettext(
                    "The import was committed: %(count)s row changed the registry.",
                    "The import was committed: %(count)s rows changed the registry.",
                    changes,
                )
                % {"count": changes},
            )
            return redirect("members:import-preview", pk=batch.pk)
    return render(request, "members/import_preview.html", _preview_context(request, batch, form))


@require_POST
@requires(PERM)
def import_discard(request: HttpRequest, pk: int) -> HttpResponse:
    batch = import_batch_get_for_user(user=actor(request), pk=pk)
    form = ImportDiscardForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(list(form.errors["reason"]))
        services.import_discard(
            actor=actor(request), batch=batch, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("members:import-preview", pk=batch.pk)
    messages.success(request, _("The import was discarded; nothing was changed in the registry."))
    return redirect("members:import-upload")


@requires(PERM)
def import_list(request: HttpRequest) -> HttpResponse:
    batches = import_batch_list_for_user(user=actor(request))
    return render(request, "members/import_list.html", {"page": paginate(request, batches)})


@requires(PERM)
def import_template(request: HttpRequest, fmt: str) -> HttpResponse:
    language = get_language() or "es"
    if fmt == "xlsx":
        content = template_xlsx(language)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "csv":
        content = template_csv(language)
        content_type = "text/csv; charset=utf-8"
    else:
        raise Http404
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="ciss-members-template.{fmt}"'
    return response
