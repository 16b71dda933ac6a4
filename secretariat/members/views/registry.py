"""Staff pages of the registry: institutions, memberships and representatives.

Reading needs `members.view_registry` (Secretary General, officers, finance, Comptroller);
writing needs `members.manage_registry` (Secretary General and officers), declared here and
checked again by every service.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from secretariat.core.access import requires
from secretariat.core.forms import add_service_error
from secretariat.core.http import actor, posted
from secretariat.core.tables import paginate, sort_from_request
from secretariat.members.forms.registry import (
    InstitutionFilterForm,
    InstitutionForm,
    MembershipAdmitForm,
    MembershipChangeForm,
    MembershipEndForm,
    RepresentativeForm,
)
from secretariat.members.models import Institution
from secretariat.members.selectors.common import registry_offers
from secretariat.members.selectors.registry import (
    institution_get_for_user,
    institution_list_for_user,
    institution_record,
    institution_rows,
    open_membership,
    representative_get_for_user,
)
from secretariat.members.services import accounts as account_services
from secretariat.members.services import registry as services

VIEW = "members.view_registry"
MANAGE = "members.manage_registry"
INSTITUTION_SORTS = {
    "name": "name",
    "country": "country__name",
    "origin": "origin",
    "updated": "updated_at",
}
# Service error keys that belong to a differently named form field.
ACCOUNT_ALIASES = {"user": "account_email"}


# --- Institutions -------------------------------------------------------------------


@requires(VIEW)
def institution_list(request: HttpRequest) -> HttpResponse:
    form = InstitutionFilterForm(request.GET)
    sort = sort_from_request(request, INSTITUTION_SORTS, "name")
    institutions = institution_list_for_user(user=actor(request), **form.filters())
    page = paginate(request, institutions.order_by(*sort.order_by()))
    return render(
        request,
        "members/institution_list.html",
        {
            "form": form,
            "page": page,
            "rows": institution_rows(page.object_list),
            "sort": sort,
            "offers": registry_offers(user=actor(request)),
        },
    )


@requires(MANAGE)
def institution_create(request: HttpRequest) -> HttpResponse:
    form = InstitutionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            institution = services.institution_create(
                actor=actor(request), reason=form.cleaned_data["reason"], **form.data_for_service()
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The institution was registered."))
            return redirect("members:institution-detail", slug=institution.slug)
    return render(request, "members/institution_form.html", {"form": form})


@requires(MANAGE)
def institution_edit(request: HttpRequest, slug: str) -> HttpResponse:
    institution = institution_get_for_user(user=actor(request), slug=slug, action="manage")
    initial = {name: getattr(institution, name) for name in services.INSTITUTION_FIELDS}
    form = InstitutionForm(posted(request), initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.institution_update(
                actor=actor(request),
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


@requires(VIEW)
def institution_detail(request: HttpRequest, slug: str) -> HttpResponse:
    institution = institution_get_for_user(user=actor(request), slug=slug)
    record = institution_record(user=actor(request), institution=institution, staff=True)
    return render(
        request, "members/institution_detail.html", {"record": record, "institution": institution}
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


@requires(MANAGE)
def membership_admit(request: HttpRequest, slug: str) -> HttpResponse:
    institution = institution_get_for_user(user=actor(request), slug=slug, action="manage")
    form = MembershipAdmitForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_open(
                actor=actor(request),
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


@requires(MANAGE)
def membership_change(request: HttpRequest, slug: str) -> HttpResponse:
    institution = institution_get_for_user(user=actor(request), slug=slug, action="manage")
    form = MembershipChangeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_change_category(
                actor=actor(request),
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


@requires(MANAGE)
def membership_end(request: HttpRequest, slug: str) -> HttpResponse:
    institution = institution_get_for_user(user=actor(request), slug=slug, action="manage")
    current = open_membership(institution)
    form = MembershipEndForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            if current is None:
                raise ValidationError(_("This institution has no membership in force."))
            services.membership_end(
                actor=actor(request),
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


@requires(MANAGE)
def representative_add(request: HttpRequest, slug: str) -> HttpResponse:
    institution = institution_get_for_user(user=actor(request), slug=slug, action="manage")
    form = RepresentativeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            account_services.representative_add_with_account(
                actor=actor(request),
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


@requires(MANAGE)
def representative_edit(request: HttpRequest, pk: int) -> HttpResponse:
    representative = representative_get_for_user(user=actor(request), pk=pk, action="manage")
    initial = {
        name: getattr(representative, name)
        for name in ("full_name", "title", "role", "email", "phone", "valid_from", "valid_to")
    }
    initial["account_email"] = representative.user.email if representative.user else ""
    form = RepresentativeForm(posted(request), initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            account_services.representative_change(
                actor=actor(request),
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
