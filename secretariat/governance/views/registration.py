"""Governance pages: registration of delegates, credentials, seat holders and proxies.

A member's representative sees and fills in their own delegation (`delegation`); the
Secretariat sees every participant (`participant-list`), checks credentials and proxies.
Anyone else gets a 404: a delegation is not public.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from secretariat.core.access import requires
from secretariat.core.http import actor, posted
from secretariat.core.limits import accepts_uploads
from secretariat.core.tables import paginate, sort_from_request
from secretariat.governance.forms.registration import (
    BulkAcceptForm,
    DecisionForm,
    DelegateForm,
    InstitutionPickForm,
    ParticipantFilterForm,
    ProxyForm,
    ProxyRevokeForm,
    WithdrawForm,
    add_service_error,
)
from secretariat.governance.models import Participant, Proxy
from secretariat.governance.selectors import delegation as delegation_selectors
from secretariat.governance.selectors import proxies as proxy_selectors
from secretariat.governance.selectors import registration as sel
from secretariat.governance.selectors.sessions import session_get_for_user
from secretariat.governance.services import proxies as proxy_services
from secretariat.governance.services import registration as services

PAGE_SIZE = 50


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _delegation_url(session_pk: int, institution_id: int | None) -> str:
    url = reverse("governance:delegation", kwargs={"pk": session_pk})
    return f"{url}?institution={institution_id}" if institution_id else url


def _serve_letter(file: FieldFile, download_name: str) -> FileResponse:
    """Stream a letter to someone allowed to see it; never public, never cached."""
    if not file:
        raise Http404
    try:
        handle = file.storage.open(file.name or "", "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    name = (file.name or "").rsplit("/", 1)[-1]
    ext = name[name.rfind(".") :] if "." in name else ""
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{download_name}{ext}",
        content_type=sel.letter_content_type(name),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- A representative's delegation ----------------------------------------------------------


def delegation(request: HttpRequest, pk: int) -> HttpResponse:
    """A representative's own delegation to the session, with the proxy given or held."""
    session = session_get_for_user(user=request.user, pk=pk)
    if sel.sees_every_participant(request.user):
        return redirect("governance:participant-list", pk=pk)
    d = delegation_selectors.delegation_for_user(
        user=actor(request), session=session, institution_id=_int(request.GET.get("institution"))
    )
    institutions = [p.institution for p in d.places]
    context = {
        "d": d,
        "session": session,
        "pick_form": (
            InstitutionPickForm(
                initial={"institution": d.institution.pk}, institutions=institutions
            )
            if len(institutions) > 1
            else None
        ),
        "delegate_form": (
            DelegateForm(
                institutions=[d.institution],
                initial={
                    "institution": d.institution.pk,
                    "role": Participant.Role.DELEGATE if d.has_head else Participant.Role.HEAD,
                },
            )
            if d.open
            else None
        ),
        "proxy_form": (
            ProxyForm(
                grantors=[d.institution],
                holders=d.holders,
                initial={"grantor": d.institution.pk},
            )
            if d.open and not d.proxy_refusal and d.proxy_given is None
            else None
        ),
        "withdraw_form": WithdrawForm(),
        "revoke_form": ProxyRevokeForm(),
    }
    return render(request, "governance/delegation.html", context)


@accepts_uploads(files=1)
def delegate_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Name a delegate: a representative for their institution, the Secretariat for any member."""
    session = session_get_for_user(user=request.user, pk=pk)
    registrable = sel.registrable_for_user(user=actor(request), session=session)
    naming = _int(request.POST.get("institution")) if request.method == "POST" else None
    if request.method == "POST" and not registrable.staff and naming not in registrable.ids:
        raise Http404  # another member's delegation is not the user's to fill in
    chosen = _int(request.GET.get("institution"))
    form = DelegateForm(
        posted(request),
        request.FILES or None,
        institutions=registrable.institutions,
        initial={"institution": chosen if chosen in registrable.ids else None},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            participant = services.delegate_register(
                actor=actor(request),
                session=session,
                institution=data["institution"],
                full_name=data["full_name"],
                role=data["role"],
                position=data["position"],
                email=data["email"],
                credentials_file=data["credentials_file"] or None,
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s was registered; the credentials are to be checked by the Secretariat.")
                % {"name": participant.full_name},
            )
            if registrable.staff:
                return redirect("governance:credentials-check", participant_pk=participant.pk)
            return redirect(_delegation_url(session.pk, data["institution"].pk))
    return render(
        request,
        "governance/participant_form.html",
        {"form": form, "session": session, "staff": registrable.staff},
    )


@require_POST
def delegate_withdraw(request: HttpRequest, participant_pk: int) -> HttpResponse:
    participant = sel.participant_get_for_user(user=request.user, pk=participant_pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.delegate_withdraw(
                actor=actor(request), participant=participant, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("%(name)s was withdrawn.") % {"name": participant.full_name}
            )
    else:
        messages.error(request, _("Say why the participant is withdrawn."))
    if sel.sees_every_participant(request.user):
        return redirect("governance:participant-list", pk=participant.session_id)
    return redirect(
        _delegation_url(participant.session_id, sel.participant_institution_id(participant))
    )


# --- The Secretariat's list and checks --------------------------------------------------------


def _accept_selected(request: HttpRequest, pk: int) -> HttpResponse:
    """The list's bulk action: accept the pending credentials ticked, then back to the list."""
    session = session_get_for_user(user=request.user, pk=pk)
    bulk = BulkAcceptForm(request.POST)
    ids = bulk.cleaned_data["participant"] if bulk.is_valid() else []
    try:
        count = services.credentials_accept_all(
            actor=actor(request), session=session, participant_ids=ids
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            ngettext(
                "The credentials of %(count)d participant were accepted.",
                "The credentials of %(count)d participants were accepted.",
                count,
            )
            % {"count": count},
        )
    query = request.POST.get("next_query", "")
    url = reverse("governance:participant-list", kwargs={"pk": pk})
    return redirect(f"{url}?{query}" if query else url)


@requires(sel.VIEW)
def participant_list(request: HttpRequest, pk: int) -> HttpResponse:
    """Every participant of the session, filtered, with the counts, proxies and bulk accept."""
    if request.method == "POST":
        return _accept_selected(request, pk)
    session = session_get_for_user(user=request.user, pk=pk)
    form = ParticipantFilterForm(request.GET)
    sort = sort_from_request(request, sel.PARTICIPANT_SORTS, "institution")
    rows = sel.participant_list_for_user(user=request.user, session=session, **form.filters())
    page = paginate(request, rows.order_by(*sort.order_by()), PAGE_SIZE)
    header = sel.participant_list_page(user=request.user, session=session)
    return render(
        request,
        "governance/participant_list.html",
        {
            "session": session,
            "form": form,
            "sort": sort,
            "page": page,
            "summary": header.summary,
            "proxies": proxy_selectors.proxy_list(session=session),
            "can_manage": header.can_manage,
            "registration_open": header.registration_open,
            "has_pending": any(
                p.credentials == Participant.Credentials.PENDING for p in page.object_list
            ),
        },
    )


@require_POST
@requires(sel.MANAGE)
def seat_holders_register(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_get_for_user(user=request.user, pk=pk, action="manage")
    try:
        count = services.seat_holders_register(actor=actor(request), session=session)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if count:
            messages.success(
                request,
                ngettext(
                    "%(count)d seat holder was registered.",
                    "%(count)d seat holders were registered.",
                    count,
                )
                % {"count": count},
            )
        else:
            messages.info(request, _("Every seat holder was already registered."))
    return redirect("governance:participant-list", pk=pk)


def credentials_check(request: HttpRequest, participant_pk: int) -> HttpResponse:
    """The Secretariat checks one participant's credentials against their letter."""
    participant = sel.participant_get_for_user(user=request.user, pk=participant_pk, action="check")
    form = DecisionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.credentials_decide(
                actor=actor(request),
                participant=participant,
                accept=form.accept,
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                (
                    _("The credentials of %(name)s were accepted.")
                    if form.accept
                    else _("The credentials of %(name)s were rejected.")
                )
                % {"name": participant.full_name},
            )
            following = sel.next_pending(participant)
            if following is not None and request.POST.get("then") == "next":
                return redirect("governance:credentials-check", participant_pk=following.pk)
            return redirect("governance:credentials-check", participant_pk=participant.pk)
    page = sel.credentials_page(user=request.user, participant=participant)
    return render(
        request,
        "governance/participant_check.html",
        {
            "participant": participant,
            "session": participant.session,
            "institution": page.institution,
            "form": form,
            "can_manage": page.can_manage,
            "open": page.open,
            "next_pending": page.next_pending,
            "history": page.history,
        },
    )


def participant_credentials_file(request: HttpRequest, participant_pk: int) -> FileResponse:
    """The letter of credentials, to the Secretariat and the institution's representatives."""
    participant = sel.participant_get_for_user(user=request.user, pk=participant_pk)
    return _serve_letter(participant.credentials_file, f"credentials-{participant.pk}")


# --- Proxies ----------------------------------------------------------------------------------


@accepts_uploads(files=1)
def proxy_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Give a member's proxy (its representative), or record one for it (the Secretariat)."""
    session = session_get_for_user(user=request.user, pk=pk)
    choices = proxy_selectors.proxy_choices(session)
    grantors = proxy_selectors.proxy_grantors_for_user(
        user=actor(request), session=session, choices=choices
    )
    giving = _int(request.POST.get("grantor")) if request.method == "POST" else None
    if request.method == "POST" and not grantors.staff and giving not in grantors.ids:
        raise Http404  # only the user's own member gives its proxy
    form = ProxyForm(
        posted(request),
        request.FILES or None,
        grantors=grantors.institutions,
        holders=choices.holders,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proxy = proxy_services.proxy_give(
                actor=actor(request),
                session=session,
                grantor=data["grantor"],
                holder=data["holder"],
                letter=data["letter"] or None,
                note=data["note"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("The proxy to %(holder)s was recorded; the Secretariat checks it.")
                % {"holder": proxy.holder},
            )
            if grantors.staff:
                return redirect("governance:proxy-check", proxy_pk=proxy.pk)
            return redirect(_delegation_url(session.pk, proxy.grantor_id))
    return render(
        request,
        "governance/proxy_form.html",
        {"form": form, "session": session, "choices": choices, "staff": grantors.staff},
    )


def _decide_proxy(request: HttpRequest, proxy: Proxy, form: DecisionForm) -> HttpResponse | None:
    try:
        proxy_services.proxy_decide(
            actor=actor(request), proxy=proxy, accept=form.accept, note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        add_service_error(form, exc)
        return None
    messages.success(
        request, _("The proxy was accepted.") if form.accept else _("The proxy was rejected.")
    )
    return redirect("governance:proxy-check", proxy_pk=proxy.pk)


def _revoke_proxy(
    request: HttpRequest, page: proxy_selectors.ProxyPage, form: ProxyRevokeForm
) -> HttpResponse | None:
    proxy = page.proxy
    try:
        proxy_services.proxy_revoke(
            actor=actor(request), proxy=proxy, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        add_service_error(form, exc)
        return None
    messages.success(request, _("The proxy was revoked."))
    if page.can_manage:
        return redirect("governance:proxy-check", proxy_pk=proxy.pk)
    return redirect(_delegation_url(proxy.session_id, proxy.grantor_id))


def proxy_check(request: HttpRequest, proxy_pk: int) -> HttpResponse:
    """A proxy: the Secretariat accepts or rejects it; the grantor's side may revoke it."""
    proxy = proxy_selectors.proxy_get_for_user(user=request.user, pk=proxy_pk)
    page = proxy_selectors.proxy_page(user=request.user, proxy=proxy)
    action = request.POST.get("action") if request.method == "POST" else None
    decide_form = DecisionForm(request.POST if action == "decide" else None)
    revoke_form = ProxyRevokeForm(request.POST if action == "revoke" else None)
    done = None
    if action == "decide" and decide_form.is_valid():
        done = _decide_proxy(request, proxy, decide_form)
    elif action == "revoke" and revoke_form.is_valid():
        done = _revoke_proxy(request, page, revoke_form)
    if done is not None:
        return done
    return render(
        request,
        "governance/proxy_check.html",
        {
            "proxy": proxy,
            "session": proxy.session,
            "decide_form": decide_form if page.can_decide else None,
            "revoke_form": revoke_form if page.can_revoke else None,
            "staff": page.staff,
            "history": page.history,
        },
    )


def proxy_letter(request: HttpRequest, proxy_pk: int) -> FileResponse:
    """The letter of proxy, to the Secretariat and the two members' representatives."""
    proxy = proxy_selectors.proxy_get_for_user(user=request.user, pk=proxy_pk)
    return _serve_letter(proxy.letter, f"proxy-{proxy.pk}")
