"""Governance pages: registration of delegates, credentials, seat holders and proxies.

A member's representative sees and fills in their own delegation (`delegation`); the
Secretariat sees every participant (`participant-list`), checks credentials and proxies.
Anyone else gets a 404: a delegation is not public.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from secretariat.core.models import User
from secretariat.core.selectors.action_log import action_log_list
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
from secretariat.governance.models import Participant, Proxy, Session
from secretariat.governance.selectors import registration as sel
from secretariat.governance.services import registration as services
from secretariat.members.models import Institution

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)  # LoginRequiredMiddleware: always a signed-in User here


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
    user = _user(request)
    session = sel.session_get(pk=pk)
    if user.has_perm(sel.VIEW):
        return redirect("governance:participant-list", pk=pk)
    d = sel.delegation_for_user(
        user=user, session=session, institution_id=_int(request.GET.get("institution"))
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


def _registrable(user: User, session: Session) -> tuple[list[Institution], bool]:
    """Institutions the user may name delegates for in this session, and whether as staff."""
    if user.has_perm(sel.MANAGE):
        return sel.sitting_institutions(session), True
    places = sel.places_for_user(user=user, session=session)
    if not places:
        raise Http404
    return [p.institution for p in places], False


def delegate_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Name a delegate: a representative for their institution, the Secretariat for any member."""
    user = _user(request)
    session = sel.session_get(pk=pk)
    institutions, staff = _registrable(user, session)
    allowed = {i.pk for i in institutions}
    posted = _int(request.POST.get("institution")) if request.method == "POST" else None
    if request.method == "POST" and not staff and posted not in allowed:
        raise Http404  # another member's delegation is not the user's to fill in
    chosen = _int(request.GET.get("institution"))
    form = DelegateForm(
        request.POST if request.method == "POST" else None,
        request.FILES or None,
        institutions=institutions,
        initial={"institution": chosen if chosen in allowed else None},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            participant = services.delegate_register(
                actor=user,
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
            if staff:
                return redirect("governance:credentials-check", participant_pk=participant.pk)
            return redirect(_delegation_url(session.pk, data["institution"].pk))
    return render(
        request,
        "governance/participant_form.html",
        {"form": form, "session": session, "staff": staff},
    )


@require_POST
def delegate_withdraw(request: HttpRequest, participant_pk: int) -> HttpResponse:
    user = _user(request)
    participant = sel.participant_get_for_user(user=user, pk=participant_pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.delegate_withdraw(
                actor=user, participant=participant, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("%(name)s was withdrawn.") % {"name": participant.full_name}
            )
    else:
        messages.error(request, _("Say why the participant is withdrawn."))
    if user.has_perm(sel.VIEW):
        return redirect("governance:participant-list", pk=participant.session_id)
    return redirect(
        _delegation_url(participant.session_id, sel.participant_institution_id(participant))
    )


# --- The Secretariat's list and checks --------------------------------------------------------


@permission_required(sel.VIEW, raise_exception=True)
def participant_list(request: HttpRequest, pk: int) -> HttpResponse:
    """Every participant of the session, filtered, with the counts, proxies and bulk accept."""
    user = _user(request)
    session = sel.session_get(pk=pk)
    if request.method == "POST":
        bulk = BulkAcceptForm(request.POST)
        ids = bulk.cleaned_data["participant"] if bulk.is_valid() else []
        try:
            count = services.credentials_accept_all(
                actor=user, session=session, participant_ids=ids
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
    form = ParticipantFilterForm(request.GET)
    sort = sort_from_request(request, sel.PARTICIPANT_SORTS, "institution")
    rows = sel.participant_list(session=session, **form.filters())
    page = paginate(request, rows.order_by(*sort.order_by()), PAGE_SIZE)
    can_manage = user.has_perm(sel.MANAGE)
    return render(
        request,
        "governance/participant_list.html",
        {
            "session": session,
            "form": form,
            "sort": sort,
            "page": page,
            "summary": sel.participant_summary(session),
            "proxies": sel.proxy_list(session=session),
            "can_manage": can_manage,
            "registration_open": sel.registration_open(session),
            "has_pending": any(
                p.credentials == Participant.Credentials.PENDING for p in page.object_list
            ),
        },
    )


@require_POST
@permission_required(sel.MANAGE, raise_exception=True)
def seat_holders_register(request: HttpRequest, pk: int) -> HttpResponse:
    session = sel.session_get(pk=pk)
    try:
        count = services.seat_holders_register(actor=_user(request), session=session)
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
    user = _user(request)
    if not user.has_perm(sel.VIEW):
        raise Http404
    participant = sel.participant_get_for_user(user=user, pk=participant_pk)
    form = DecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.credentials_decide(
                actor=user,
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
    return render(
        request,
        "governance/participant_check.html",
        {
            "participant": participant,
            "session": participant.session,
            "institution": sel.participant_institution(participant),
            "form": form,
            "can_manage": user.has_perm(sel.MANAGE),
            "open": participant.session.state
            not in (Session.State.CLOSED, Session.State.CANCELLED),
            "next_pending": sel.next_pending(participant),
            "history": action_log_list(
                target_type="governance.participant", target_id=str(participant.pk)
            )[:20],
        },
    )


def participant_credentials_file(request: HttpRequest, participant_pk: int) -> FileResponse:
    """The letter of credentials, to the Secretariat and the institution's representatives."""
    participant = sel.participant_get_for_user(user=_user(request), pk=participant_pk)
    return _serve_letter(participant.credentials_file, f"credentials-{participant.pk}")


# --- Proxies ----------------------------------------------------------------------------------


def proxy_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Give a member's proxy (its representative), or record one for it (the Secretariat)."""
    user = _user(request)
    session = sel.session_get(pk=pk)
    choices = sel.proxy_choices(session)
    if user.has_perm(sel.MANAGE):
        grantors, staff = choices.voters, True
    else:
        places = sel.places_for_user(user=user, session=session)
        if not places:
            raise Http404
        grantors, staff = [p.institution for p in places], False
        posted = _int(request.POST.get("grantor")) if request.method == "POST" else None
        if request.method == "POST" and posted not in {i.pk for i in grantors}:
            raise Http404  # only the user's own member gives its proxy
    form = ProxyForm(
        request.POST if request.method == "POST" else None,
        request.FILES or None,
        grantors=grantors,
        holders=choices.holders,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proxy = services.proxy_give(
                actor=user,
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
            if staff:
                return redirect("governance:proxy-check", proxy_pk=proxy.pk)
            return redirect(_delegation_url(session.pk, proxy.grantor_id))
    return render(
        request,
        "governance/proxy_form.html",
        {"form": form, "session": session, "choices": choices, "staff": staff},
    )


def proxy_check(request: HttpRequest, proxy_pk: int) -> HttpResponse:
    """A proxy: the Secretariat accepts or rejects it; the grantor's side may revoke it."""
    user = _user(request)
    proxy = sel.proxy_get_for_user(user=user, pk=proxy_pk)
    can_decide = user.has_perm(sel.MANAGE)
    can_revoke = user.has_perm(sel.REGISTER, proxy.grantor)
    decide_form = DecisionForm(
        request.POST
        if request.method == "POST" and request.POST.get("action") == "decide"
        else None
    )
    revoke_form = ProxyRevokeForm(
        request.POST
        if request.method == "POST" and request.POST.get("action") == "revoke"
        else None
    )
    if request.method == "POST":
        if request.POST.get("action") == "decide" and decide_form.is_valid():
            try:
                services.proxy_decide(
                    actor=user,
                    proxy=proxy,
                    accept=decide_form.accept,
                    note=decide_form.cleaned_data["note"],
                )
            except ValidationError as exc:
                add_service_error(decide_form, exc)
            else:
                messages.success(
                    request,
                    _("The proxy was accepted.")
                    if decide_form.accept
                    else _("The proxy was rejected."),
                )
                return redirect("governance:proxy-check", proxy_pk=proxy.pk)
        elif request.POST.get("action") == "revoke" and revoke_form.is_valid():
            try:
                services.proxy_revoke(
                    actor=user, proxy=proxy, reason=revoke_form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                add_service_error(revoke_form, exc)
            else:
                messages.success(request, _("The proxy was revoked."))
                if can_decide:
                    return redirect("governance:proxy-check", proxy_pk=proxy.pk)
                return redirect(_delegation_url(proxy.session_id, proxy.grantor_id))
    live = proxy.state in sel.LIVE_PROXY_STATES
    staff = user.has_perm(sel.VIEW)
    finished = proxy.session.state in (Session.State.CLOSED, Session.State.CANCELLED)
    return render(
        request,
        "governance/proxy_check.html",
        {
            "proxy": proxy,
            "session": proxy.session,
            "decide_form": decide_form
            if can_decide and proxy.state == Proxy.State.PENDING and not finished
            else None,
            "revoke_form": revoke_form if can_revoke and live and not finished else None,
            "staff": staff,
            "history": (
                action_log_list(target_type="governance.proxy", target_id=str(proxy.pk))[:20]
                if staff
                else []
            ),
        },
    )


def proxy_letter(request: HttpRequest, proxy_pk: int) -> FileResponse:
    """The letter of proxy, to the Secretariat and the two members' representatives."""
    proxy = sel.proxy_get_for_user(user=_user(request), pk=proxy_pk)
    return _serve_letter(proxy.letter, f"proxy-{proxy.pk}")
