"""Session pages: the list (public), the session page, create/edit, convene, cancel, the
convocation PDF and the iCalendar feeds.

Reading a session is public once it is convened; drafts are for the Secretariat
(`governance.view_sessions`). Writing needs `governance.manage_sessions`, checked here and
again by every service.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from secretariat.core.access import public, requires
from secretariat.core.documents import document_response
from secretariat.core.http import actor, posted
from secretariat.core.languages import content_language
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
from secretariat.governance.selectors import convocation as convocation_selectors
from secretariat.governance.selectors import session_page as page_selectors
from secretariat.governance.selectors import sessions as selectors
from secretariat.governance.services import convocation as convocation_services
from secretariat.governance.services import pdfs
from secretariat.governance.services import sessions as services

MANAGE = "governance.manage_sessions"
PUBLIC_PAGE_SECONDS = 60


def _site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@public
def session_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.session_filters(user=request.user)
    form = SessionFilterForm(request.GET, years=filters.years, states=filters.states)
    sessions = selectors.session_list_for_user(user=request.user, **form.filters())
    return render(
        request,
        "governance/session_list.html",
        {
            "form": form,
            "page": paginate(request, sessions),
            "tones": selectors.STATE_TONES,
            "can_create": filters.can_create,
        },
    )


@public
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
        html = caches["local"].get(public_key)
        if html is not None:
            return HttpResponse(html)
    page = page_selectors.session_page(user=request.user, session=session)
    response = render(
        request,
        "governance/session_detail.html",
        {"session": session, "page": page, "tone": selectors.STATE_TONES.get(session.state)},
    )
    if public_key is not None:
        caches["local"].set(public_key, response.content, PUBLIC_PAGE_SECONDS)
    return response


@requires(MANAGE)
def session_create(request: HttpRequest) -> HttpResponse:
    form = SessionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(
                actor=actor(request),
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


@requires(MANAGE)
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get_for_user(user=request.user, pk=pk, action="manage")
    if session.state not in (Session.State.DRAFT, Session.State.CONVENED):
        messages.error(request, _("This session can no longer be changed."))
        return redirect("governance:session-detail", pk=session.pk)
    form = SessionForm(posted(request), session=session, initial=SessionForm.initial_for(session))
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(
                actor=actor(request),
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


def _convene(request: HttpRequest, session: Session, form: ConveneForm) -> bool:
    """Convene with the posted texts; False (errors on the form) when the service refuses."""
    try:
        convocation_services.session_convene(
            actor=actor(request),
            session=session,
            convocations=form.texts(),
            documents_deadline=form.cleaned_data.get("documents_deadline"),
            short_notice_reason=form.cleaned_data["short_notice_reason"],
            reason=form.cleaned_data["reason"],
            site_url=_site_url(request),
        )
    except ValidationError as exc:
        add_service_error(form, exc)
        return False
    return True


@requires(MANAGE)
def session_convene(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get_for_user(user=request.user, pk=pk, action="manage")
    if session.state != Session.State.DRAFT:
        messages.info(request, _("This session has already been convened or closed."))
        return redirect("governance:session-detail", pk=session.pk)
    if request.method == "POST":
        form = ConveneForm(request.POST, session=session)
        valid = form.is_valid()
        # Read before convening: a refusal about the deadline takes it off cleaned_data.
        deadline = form.cleaned_data.get("documents_deadline") if valid else None
        if valid and request.POST.get("action") == "convene" and _convene(request, session, form):
            messages.success(request, _("The session was convened; the convocation is being sent."))
            return redirect("governance:session-detail", pk=session.pk)
        preview = convocation_selectors.convocation_preview(
            session, documents_deadline=deadline, texts=form.texts() if valid else None
        )
    else:
        preview = convocation_selectors.convocation_preview(session)
        initial = {f"convocation_{lang}": text for lang, text in preview.texts.items()}
        initial["documents_deadline"] = naive_in(preview.documents_deadline, session.time_zone)
        form = ConveneForm(session=session, initial=initial)
    return render(
        request,
        "governance/session_convene.html",
        {"session": session, "form": form, "preview": preview, "tz_label": preview.tz_label},
    )


@requires(MANAGE)
def session_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get_for_user(user=request.user, pk=pk, action="manage")
    form = CancelForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.session_cancel(
                actor=actor(request), session=session, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The session was cancelled."))
            return redirect("governance:session-detail", pk=session.pk)
    return render(request, "governance/session_cancel.html", {"form": form, "session": session})


@public
def session_convocation_pdf(request: HttpRequest, pk: int, lang: str) -> HttpResponseBase:
    """The convocation PDF, built once per version by the worker (decision 0006)."""
    session = selectors.session_get_for_user(user=request.user, pk=pk)
    document = pdfs.convocation_pdf(session=session, language=lang)
    return document_response(
        request,
        document,
        title=_("Convocation of the %(session)s") % {"session": session.title},
        public=session.state != Session.State.DRAFT,
    )


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    patch_cache_control(response, public=True, max_age=900)
    return response


@public
def session_ics_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get_for_user(user=request.user, pk=pk)
    follows = selectors.session_follows(user=request.user, session=session)
    content = session_ics(
        session,
        language=content_language(),
        base_url=_site_url(request),
        with_link=follows,
    )
    response = _ics_response(content, f"session-{session.pk}.ics")
    if follows or session.state == Session.State.DRAFT:
        patch_cache_control(response, public=False, private=True, max_age=0)
    return response


@public
def session_calendar(request: HttpRequest) -> HttpResponse:
    content = sessions_calendar(
        selectors.calendar_sessions(), language=content_language(), base_url=_site_url(request)
    )
    return _ics_response(content, "sessions.ics")
