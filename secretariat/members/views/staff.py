"""Staff pages of the member registry: institutions, memberships, representatives, corrections.

Reading needs `members.view_registry` (Secretary General, officers, finance, Comptroller);
writing needs `members.manage_registry` (Secretary General and officers), checked here and
again by every service.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from secretariat.core.http import actor as _actor
from secretariat.core.http import posted as _posted
from secretariat.core.tables import paginate, sort_from_request
from secretariat.members import selectors, services
from secretariat.members.forms.staff import (
    CorrectionDecideForm,
    CorrectionFilterForm,
    InstitutionFilterForm,
    InstitutionForm,
    MembershipAdmitForm,
    MembershipChangeForm,
    MembershipEndForm,
    RepresentativeForm,
    add_service_error,
)
from secretariat.members.models import Institution
from secretariat.members.selectors_accounts import (
    correction_rows,
    institution_record_for_user,
    institution_rows,
    open_membership,
    representative_get_for_user,
)
from secretariat.members.services_accounts import (
    representative_add_with_account,
    representative_change,
)

VIEW = "members.view_registry"
MANAGE = "members.manage_registry"
INSTITUTION_SORTS = {
    "name": "name",
    "country": "country__name",
    "origin": "origin",
    "updated": "updated_at",
}


# --- Institutions -------------------------------------------------------------------


@permission_required(VIEW, raise_exception=True)
def institution_list(request: HttpRequest) -> HttpResponse:
    form = InstitutionFilterForm(request.GET)
    sort = sort_from_request(request, INSTITUTION_SORTS, "name")
    institutions = selectors.institution_list_for_user(user=_actor(request), **form.filters())
    page = paginate(request, institutions.order_by(*sort.order_by()))
    page.object_list = institution_rows(page.object_list)
    return render(
        request, "members/institution_list.html", {"form": form, "page": page, "sort": sort}
    )


@permission_required(MANAGE, raise_exception=True)
def institution_create(request: HttpRequest) -> HttpResponse:
    form = InstitutionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            institution = services.institution_create(
                actor=_actor(request), reason=form.cleaned_data["reason"], **form.data_for_service()
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The institution was registered."))
            return redirect("members:institution-detail", slug=institution.slug)
    return render(request, "members/institution_form.html", {"form": form})


@permission_required(MANAGE, raise_exception=True)
def institution_edit(request: HttpRequest, slug: str) -> HttpResponse:
    institution = selectors.institution_get_for_user(user=_actor(request), slug=slug)
    initial = {name: getattr(institution, name) for name in services.INSTITUTION_FIELDS}
    form = InstitutionForm(_posted(request), initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.institution_update(
                actor=_actor(request),
                institution=institution,
                data=form.data_for_service(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            if [name for name in form.changed_data if name != "reason"]:
                messages.success(request, _("The institution's data were updated."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("members:institution-detail", slug=institution.slug)
    return render(
        request, "members/institution_form.html", {"form": form, "institution": institution}
    )


@permission_required(VIEW, raise_exception=True)
def institution_detail(request: HttpRequest, slug: str) -> HttpResponse:
    record = institution_record_for_user(user=_actor(request), slug=slug)
    return render(
        request,
        "members/institution_detail.html",
        {"record": record, "institution": record.institution},
    )


# --- Memberships --------------------------------------------------------------------


def _membership_page(
    request: HttpRequest, form: forms.Form, institution: Institution, mode: str
) -> HttpResponse:
    """The admit / change-category / end form (one template, `mode` says which)."""
    return render(
        request,
        "members/membership_form.html",
        {
            "form": form,
            "institution": institution,
            "mode": mode,
            "current": open_membership(institution),
        },
    )


@permission_required(MANAGE, raise_exception=True)
def membership_admit(request: HttpRequest, slug: str) -> HttpResponse:
    institution = selectors.institution_get_for_user(user=_actor(request), slug=slug)
    form = MembershipAdmitForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_open(
                actor=_actor(request),
                institution=institution,
                category=form.cleaned_data["category"],
                valid_from=form.cleaned_data["valid_from"],
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The institution was admitted as a member."))
            return redirect("members:institution-detail", slug=institution.slug)
    return _membership_page(request, form, institution, "admit")


@permission_required(MANAGE, raise_exception=True)
def membership_change(request: HttpRequest, slug: str) -> HttpResponse:
    institution = selectors.institution_get_for_user(user=_actor(request), slug=slug)
    form = MembershipChangeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_change_category(
                actor=_actor(request),
                institution=institution,
                category=form.cleaned_data["category"],
                on=form.cleaned_data["on"],
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_error(form, exc, {"valid_from": "on", "valid_to": "on"})
        else:
            messages.success(request, _("The member's category was changed."))
            return redirect("members:institution-detail", slug=institution.slug)
    return _membership_page(request, form, institution, "change")


@permission_required(MANAGE, raise_exception=True)
def membership_end(request: HttpRequest, slug: str) -> HttpResponse:
    institution = selectors.institution_get_for_user(user=_actor(request), slug=slug)
    current = open_membership(institution)
    form = MembershipEndForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            if current is None:
                raise ValidationError(_("This institution has no membership in force."))
            services.membership_end(
                actor=_actor(request),
                membership=current,
                on=form.cleaned_data["on"],
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_error(form, exc, {"valid_to": "on"})
        else:
            messages.success(request, _("The membership was ended."))
            return redirect("members:institution-detail", slug=institution.slug)
    return _membership_page(request, form, institution, "end")


# --- Representatives ----------------------------------------------------------------

ACCOUNT_ALIASES = {"user": "account_email"}


@permission_required(MANAGE, raise_exception=True)
def representative_add(request: HttpRequest, slug: str) -> HttpResponse:
    institution = selectors.institution_get_for_user(user=_actor(request), slug=slug)
    form = RepresentativeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            representative_add_with_account(
                actor=_actor(request),
                institution=institution,
                account=form.account,
                reason=form.cleaned_data["reason"],
                **form.data_for_service(),
            )
        except ValidationError as exc:
            add_service_error(form, exc, ACCOUNT_ALIASES)
        else:
            messages.success(request, _("The representative was recorded."))
            return redirect("members:institution-detail", slug=institution.slug)
    return render(
        request, "members/representative_form.html", {"form": form, "institution": institution}
    )


@permission_required(MANAGE, raise_exception=True)
def representative_edit(request: HttpRequest, pk: int) -> HttpResponse:
    representative = representative_get_for_user(user=_actor(request), pk=pk)
    initial = {
        name: getattr(representative, name)
        for name in ("full_name", "title", "role", "email", "phone", "valid_from", "valid_to")
    }
    initial["account_email"] = representative.user.email if representative.user else ""
    form = RepresentativeForm(_posted(request), initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            representative_change(
                actor=_actor(request),
                representative=representative,
                data=form.data_for_service(),
                account=form.account,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_error(form, exc, ACCOUNT_ALIASES)
        else:
            messages.success(request, _("The representative's record was updated."))
            return redirect("members:institution-detail", slug=representative.institution.slug)
    return render(
        request,
        "members/representative_form.html",
        {"form": form, "institution": representative.institution, "representative": representative},
    )


# --- Contact corrections ------------------------------------------------------------


@permission_required(VIEW, raise_exception=True)
def correction_list(request: HttpRequest) -> HttpResponse:
    form = CorrectionFilterForm(request.GET)
    state = form.cleaned_data.get("state", "") if form.is_valid() else ""
    corrections = selectors.correction_list_for_user(user=_actor(request), state=state)
    return render(
        request,
        "members/correction_list.html",
        {"form": form, "page": paginate(request, corrections), "state": state},
    )


@permission_required(VIEW, raise_exception=True)
def correction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    correction = selectors.correction_get_for_user(user=_actor(request), pk=pk)
    form = CorrectionDecideForm(_posted(request))
    if request.method == "POST":
        if not request.user.has_perm(MANAGE):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.correction_decide(
                    actor=_actor(request),
                    correction=correction,
                    accept=form.accept,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                if form.accept:
                    messages.success(request, _("The correction was accepted and applied."))
                else:
                    messages.success(request, _("The correction was rejected."))
                return redirect("members:correction-detail", pk=correction.pk)
    return render(
        request,
        "members/correction_detail.html",
        {
            "correction": correction,
            "rows": correction_rows(correction),
            "history": selectors.record_history(target=correction),
            "form": form,
        },
    )
