"""Session pages: the list (public), the session page, create/edit, convene, cancel, the
convocation PDF and the iCalendar feeds.

Reading a session is public once it is convened; drafts are for the Secretariat
(`governance.view_sessions`). Writing needs `governance.manage_sessions`, checked here and
again by every service.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from secretariat.core.http import actor as _actor
from secretariat.core.http import posted as _posted
from secretariat.core.pdf import pdf_response, render_pdf
from secretariat.core.tables import paginate
from secretariat.governance.forms.sessions import (
    CancelForm,
    ConveneForm,
    SessionFilterForm,
    SessionForm,
    add_service_error,
    naive_in,
)
from secretariat.governance.ical import session_ics, sessions_calendar
from secretariat.governance.models import Session
from secretariat.governance.selectors import sessions as selectors
from secretariat.governance.services import sessions as services

MANAGE = "governance.manage_sessions"


def _site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _language(request: HttpRequest) -> str:
    return (translation.get_language() or "es")[:2]


@login_not_required
def session_list(request: HttpRequest) -> HttpResponse:
    staff = selectors.can_see_drafts(request.user)
    states = [
        (value, label)
        for value, label in Session.State.choices
        if staff or value != Session.State.DRAFT
    ]
    form = SessionFilterForm(
        request.GET, years=selectors.session_years(include_drafts=staff), states=states
    )
    sessions = selectors.session_list_for_user(user=request.user, **form.filters())
    return render(
        request,
        "governance/session_list.html",
        {"form": form, "page": paginate(request, sessions), "tones": selectors.STATE_TONES},
    )


PUBLIC_PAGE_SECONDS = 60


@login_not_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get_for_user(user=request.user, pk=pk)
    # The public page is the same for every anonymous visitor: it is kept for a minute
    # under the session's revision (bumped by every change the page shows) and the
    # latest change of the rule settings, so a change shows at once and a busy page costs one render.
    public_key = None
    if not request.user.is_authenticated and "messages" not in request.COOKIES:
        public_key = (
            f"session-page:{session.pk}:{session.revision}:"
            f"{translation.get_language()}:{selectors.rules_stamp()}"
        )
        html = cache.get(public_key)
        if html is not None:
            return HttpResponse(html)
    page = selectors.session_page(user=request.user, session=session)
    response = render(
        request,
        "governance/session_detail.html",
        {"session": session, "page": page, "tone": selectors.STATE_TONES.get(session.state)},
    )
    if public_key is not None:
        cache.set(public_key, response.content, PUBLIC_PAGE_SECONDS)
    return response


@permission_required(MANAGE, raise_exception=True)
def session_create(request: HttpRequest) -> HttpResponse:
    form = SessionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(
                actor=_actor(request),
                reason=form.cleaned_data["reason"],
                **form.data_for_service(),
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("The session “%(title)s” was created, in preparation.")
                % {"title": session.title},
            )
            return redirect("governance:session-detail", pk=session.pk)
    return render(request, "governance/session_form.html", {"form": form})


@permission_required(MANAGE, raise_exception=True)
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get_for_user(user=request.user, pk=pk)
    if session.state not in (Session.State.DRAFT, Session.State.CONVENED):
        messages.error(request, _("This session can no longer be changed."))
        return redirect("governance:session-detail", pk=session.pk)
    form = SessionForm(_posted(request), session=session, initial=SessionForm.initial_for(session))
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(
                actor=_actor(request),
                session=session,
                data=form.data_for_service(),
                reason=form.cleaned_data.get("reason"),
                short_notice_reason=form.cleaned_data.get("short_notice_reason", ""),
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The session was updated."))
            return redirect("governance:session-detail", pk=session.pk)
    return render(request, "governance/session_form.html", {"form": form, "session": session})


@permission_required(MANAGE, raise_exception=True)
def session_convene(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get_for_user(user=request.user, pk=pk)
    if session.state != Session.State.DRAFT:
        messages.info(request, _("This session has already been convened or closed."))
        return redirect("governance:session-detail", pk=session.pk)
    if request.method == "POST":
        form = ConveneForm(request.POST, session=session)
        valid = form.is_valid()
        deadline = form.cleaned_data.get("documents_deadline") if valid else None
        if valid and request.POST.get("action") == "convene":
            try:
                services.session_convene(
                    actor=_actor(request),
                    session=session,
                    convocations=form.texts(),
                    documents_deadline=deadline,
                    short_notice_reason=form.cleaned_data["short_notice_reason"],
                    reason=form.cleaned_data["reason"],
                    site_url=_site_url(request),
                )
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(
                    request, _("The session was convened; the convocation is being sent.")
                )
                return redirect("governance:session-detail", pk=session.pk)
        preview = selectors.convocation_preview(
            session,
            documents_deadline=deadline,
            texts=form.texts() if valid else None,
        )
    else:
        preview = selectors.convocation_preview(session)
        initial = {f"convocation_{lang}": text for lang, text in preview.texts.items()}
        initial["documents_deadline"] = naive_in(preview.documents_deadline, session.time_zone)
        form = ConveneForm(session=session, initial=initial)
    return render(
        request,
        "governance/session_convene.html",
        {
            "session": session,
            "form": form,
            "preview": preview,
            "tz_label": selectors.tz_label(session.starts_at, session.time_zone),
        },
    )


@permission_required(MANAGE, raise_exception=True)
def session_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get_for_user(user=request.user, pk=pk)
    form = CancelForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.session_cancel(
                actor=_actor(request), session=session, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The session was cancelled."))
            return redirect("governance:session-detail", pk=session.pk)
    return render(request, "governance/session_cancel.html", {"form": form, "session": session})


@login_not_required
def session_convocation_pdf(request: HttpRequest, pk: int, lang: str) -> HttpResponse:
    session = selectors.session_get_for_user(user=request.user, pk=pk)
    if lang not in session.languages:
        raise Http404
    draft = session.state == Session.State.DRAFT
    deadline: dt.datetime | None = session.documents_deadline
    if draft:  # what the convocation would say if convened now
        deadline = selectors.default_documents_deadline(session)
        text = selectors.convocation_default_text(session, lang, documents_deadline=deadline)
    else:
        text = selectors.convocation_in(session, lang)
    title = selectors.in_language(session, "title", lang)
    content = render_pdf(
        "governance/pdf/convocation.html",
        {
            "session": session,
            "title": title,
            "body_name": selectors.in_language(session.body, "name", lang),
            "text": text,
            "draft": draft,
            "deadline": deadline,
            "starts_at": selectors.local(session.starts_at, session.time_zone),
            "ends_at": (
                selectors.local(session.ends_at, session.time_zone) if session.ends_at else None
            ),
            "tz_label": selectors.tz_label(session.starts_at, session.time_zone),
            "country_name": (
                selectors.in_language(session.country, "name", lang) if session.country else ""
            ),
            "languages": [selectors.LANGUAGE_NAMES_IN[lang][c] for c in session.languages],
        },
        language=lang,
    )
    return pdf_response(content, f"{title}-{lang}")


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    patch_cache_control(response, public=True, max_age=900)
    return response


@login_not_required
def session_ics_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get_for_user(user=request.user, pk=pk)
    follows = request.user.has_perm("governance.follow_session", session)
    content = session_ics(
        session, language=_language(request), base_url=_site_url(request), with_link=follows
    )
    response = _ics_response(content, f"session-{session.pk}.ics")
    if follows or session.state == Session.State.DRAFT:
        patch_cache_control(response, public=False, private=True, max_age=0)
    return response


@login_not_required
def session_calendar(request: HttpRequest) -> HttpResponse:
    content = sessions_calendar(
        selectors.calendar_sessions(), language=_language(request), base_url=_site_url(request)
    )
    return _ics_response(content, "sessions.ics")
