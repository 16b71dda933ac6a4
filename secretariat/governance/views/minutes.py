"""The minutes of a session: page, drafting, circulation, comments, approval, signature, PDF.

Who sees what (selectors.minutes): signed minutes are public; seat holders (those who may
comment) see circulated and later ones; the Secretariat sees every state. Anyone else gets
a 404. Secretariat actions need `governance.manage_sessions`; comments need
`governance.comment_minutes` on the session. Every service checks again.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from secretariat.core.access import public, requires
from secretariat.core.documents import document_response
from secretariat.core.forms import add_service_error
from secretariat.core.http import actor, posted
from secretariat.core.languages import is_content_language, session_languages
from secretariat.core.staff_sessions import recent_authentication_required
from secretariat.governance.forms.records import (
    CommentRespondForm,
    DecisionForm,
    ErratumForm,
    MinutesAmendForm,
    MinutesApproveForm,
    MinutesCirculateForm,
    MinutesCommentForm,
    MinutesEditForm,
    MinutesSignForm,
)
from secretariat.governance.models import Minutes, Session
from secretariat.governance.selectors.minutes import (
    approving_sessions,
    approving_votes_in,
    erratum_get_for_user,
    minutes_comment_get_for_user,
    minutes_get_for_user,
    minutes_of,
    minutes_page,
    minutes_recipients,
)
from secretariat.governance.selectors.sessions import session_get_for_user
from secretariat.governance.services import errata as errata_services
from secretariat.governance.services import minutes as services
from secretariat.governance.services import pdfs

MANAGE = "governance.manage_sessions"


def _to_page(session: Session) -> HttpResponse:
    return redirect("governance:minutes-detail", pk=session.pk)


def _managed(request: HttpRequest, pk: int) -> tuple[Session, Minutes]:
    """Session `pk` and its minutes, for the Secretariat that manages them."""
    session = session_get_for_user(user=request.user, pk=pk, action="manage")
    return session, minutes_get_for_user(user=request.user, session=session, action="manage")


def _form_page(
    request: HttpRequest,
    *,
    session: Session,
    minutes: Minutes,
    form: Any,
    title: str,
    submit: str,
    intro: str = "",
    danger: bool = False,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    return render(
        request,
        "governance/minutes_form.html",
        {
            "session": session,
            "minutes": minutes,
            "form": form,
            "title": title,
            "submit": submit,
            "intro": intro,
            "danger": danger,
            **(extra or {}),
        },
    )


@public
def minutes_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_get_for_user(user=request.user, pk=pk)
    page = minutes_page(session=session, user=request.user)
    context: dict[str, Any] = {
        "page": page,
        "session": session,
        "minutes": page.minutes,
        "pdf_languages": session_languages(session.languages),
    }
    minutes = page.minutes
    if minutes is not None and page.access.may_comment:
        context["comment_form"] = MinutesCommentForm()
    if minutes is not None and page.access.manages and minutes.locked:
        context["erratum_form"] = ErratumForm()
    return render(request, "governance/minutes_detail.html", context)


@require_POST
@requires(MANAGE)
def minutes_draft(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_get_for_user(user=request.user, pk=pk, action="manage")
    existed = minutes_of(session) is not None
    try:
        services.minutes_draft(actor=actor(request), session=session)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The draft was regenerated from the session's record.")
            if existed
            else _("The minutes were drafted from the session's record."),
        )
    return _to_page(session)


@requires(MANAGE)
def minutes_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session, minutes = _managed(request, pk)
    refusal = services.why_not_editable(minutes)
    if refusal:  # no form at all: signed minutes are locked, the service refuses an edit too
        messages.error(request, refusal)
        return _to_page(session)
    languages = session_languages(session.languages)
    initial = {f"text_{lang}": getattr(minutes, f"text_{lang}", "") or "" for lang in languages}
    form = MinutesEditForm(
        posted(request),
        initial=initial,
        languages=languages,
        reason_required=minutes.state == Minutes.State.AMENDED,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_update(
                actor=actor(request),
                minutes=minutes,
                reason=form.cleaned_data.get("reason"),
                **form.texts(),
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The minutes were saved."))
            return _to_page(session)
    return _form_page(
        request,
        session=session,
        minutes=minutes,
        form=form,
        title=_("Edit the minutes"),
        submit=_("Save the minutes"),
        intro=_(
            "Spanish is authoritative. Other languages left empty show the Spanish text "
            "with a note that the translation is pending."
        ),
        extra={"wide": True},
    )


@requires(MANAGE)
def minutes_circulate(request: HttpRequest, pk: int) -> HttpResponse:
    session, minutes = _managed(request, pk)
    form = MinutesCirculateForm(posted(request), default=services.default_comments_until(session))
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_circulate(
                actor=actor(request),
                minutes=minutes,
                comments_until=form.cleaned_data.get("comments_until"),
                base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request, _("The minutes were circulated to the participants for comments.")
            )
            return _to_page(session)
    return _form_page(
        request,
        session=session,
        minutes=minutes,
        form=form,
        title=_("Circulate the minutes for comments"),
        submit=_("Circulate"),
        intro=_(
            "Every registered participant with an e-mail receives a message with the link to "
            "the minutes; each message is recorded."
        ),
        extra={"recipients": len(minutes_recipients(session))},
    )


def minutes_comment(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_get_for_user(user=request.user, pk=pk)
    minutes = minutes_get_for_user(user=request.user, session=session, action="comment")
    form = MinutesCommentForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_comment(
                actor=actor(request), minutes=minutes, text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Your comment was sent to the Secretariat."))
            return _to_page(session)
    return _form_page(
        request,
        session=session,
        minutes=minutes,
        form=form,
        title=_("Comment on the minutes"),
        submit=_("Send the comment"),
    )


@requires(MANAGE)
def minutes_comment_respond(request: HttpRequest, comment_pk: int) -> HttpResponse:
    comment = minutes_comment_get_for_user(user=request.user, pk=comment_pk)
    form = CommentRespondForm(posted(request), initial={"response": comment.response})
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_comment_respond(
                actor=actor(request), comment=comment, response=form.cleaned_data["response"]
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The answer to the comment was recorded."))
            return _to_page(comment.minutes.session)
    return _form_page(
        request,
        session=comment.minutes.session,
        minutes=comment.minutes,
        form=form,
        title=_("Answer a comment"),
        submit=_("Record the answer"),
        extra={"comment": comment},
    )


@requires(MANAGE)
def minutes_amend(request: HttpRequest, pk: int) -> HttpResponse:
    session, minutes = _managed(request, pk)
    form = MinutesAmendForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_amend(
                actor=actor(request), minutes=minutes, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The minutes can be amended now."))
            return redirect("governance:minutes-edit", pk=session.pk)
    return _form_page(
        request,
        session=session,
        minutes=minutes,
        form=form,
        title=_("Amend the minutes after the comments"),
        submit=_("Amend the minutes"),
        intro=_("The text becomes editable again; circulate it again or have it approved."),
    )


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@requires(MANAGE)
def minutes_approve(request: HttpRequest, pk: int) -> HttpResponse:
    session, minutes = _managed(request, pk)
    sessions = approving_sessions(session)
    chosen = None
    if request.method == "POST":
        chosen = sessions.filter(pk=_int(request.POST.get("approved_at_session")) or 0)
    votes = approving_votes_in(sessions if chosen is None else chosen)
    form = MinutesApproveForm(posted(request), sessions=sessions, votes=votes)
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_approve(actor=actor(request), minutes=minutes, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The approval of the minutes was recorded."))
            return _to_page(session)
    return _form_page(
        request,
        session=session,
        minutes=minutes,
        form=form,
        title=_("Record the approval of the minutes"),
        submit=_("Record the approval"),
        intro=_(
            "The minutes are approved by a later session of the same body: the approval is "
            "one of that session's decisions."
        ),
        extra={"no_sessions": not sessions.exists()},
    )


@requires(MANAGE)
@recent_authentication_required
def minutes_sign(request: HttpRequest, pk: int) -> HttpResponse:
    session, minutes = _managed(request, pk)
    form = MinutesSignForm(
        posted(request),
        initial={"chair_signatory": session.chair, "secretary_signatory": session.secretary},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_sign(actor=actor(request), minutes=minutes, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The minutes are signed, locked and published."))
            return _to_page(session)
    return _form_page(
        request,
        session=session,
        minutes=minutes,
        form=form,
        title=_("Record the signatures"),
        submit=_("Sign and lock the minutes"),
        intro=_(
            "Once signed the minutes are locked and public: their text never changes again; "
            "corrections are errata."
        ),
        danger=True,
    )


@public
def minutes_pdf(request: HttpRequest, pk: int, lang: str) -> HttpResponseBase:
    """The minutes as a PDF in one language, built once per version by the worker."""
    if not is_content_language(lang):
        raise Http404
    session = session_get_for_user(user=request.user, pk=pk)
    minutes = minutes_get_for_user(user=request.user, session=session)
    document = pdfs.minutes_pdf(minutes=minutes, language=lang)
    return document_response(
        request,
        document,
        title=_("Minutes of the %(session)s") % {"session": session.title},
        public=minutes.state == Minutes.State.SIGNED,
    )


@requires(MANAGE)
def erratum_add(request: HttpRequest, pk: int) -> HttpResponse:
    session, minutes = _managed(request, pk)
    form = ErratumForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            errata_services.erratum_propose(
                actor=actor(request), minutes=minutes, text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The erratum was proposed."))
            return _to_page(session)
    return _form_page(
        request,
        session=session,
        minutes=minutes,
        form=form,
        title=_("Propose an erratum"),
        submit=_("Propose the erratum"),
        intro=_(
            "The signed text never changes: an erratum, once approved at a later session of "
            "the same body, is shown with the minutes and in their PDF."
        ),
    )


@requires(MANAGE)
def erratum_approve(request: HttpRequest, erratum_pk: int) -> HttpResponse:
    erratum = erratum_get_for_user(user=request.user, pk=erratum_pk)
    sessions = approving_sessions(erratum.minutes.session)
    form = DecisionForm(posted(request), sessions=sessions)
    if request.method == "POST" and form.is_valid():
        try:
            errata_services.erratum_approve(
                actor=actor(request), erratum=erratum, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The erratum was approved."))
            return _to_page(erratum.minutes.session)
    return _form_page(
        request,
        session=erratum.minutes.session,
        minutes=erratum.minutes,
        form=form,
        title=_("Approve erratum No. %(number)s") % {"number": erratum.number},
        submit=_("Record the approval"),
        extra={"erratum": erratum, "no_sessions": not sessions.exists()},
    )
