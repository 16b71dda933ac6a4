"""Public member pages: the directory (with its exports), a member's page and the public
affiliation form. No login needed; nothing personal about representatives is shown.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import CharField, F, QuerySet, Value
from django.db.models.functions import Coalesce, Lower, NullIf
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from secretariat.core.tables import Sort, paginate, sort_from_request
from secretariat.members import exports, selectors, services
from secretariat.members.forms.public import ApplicationForm, DirectoryFilterForm, DirectoryFilters
from secretariat.members.models import Membership

DIRECTORY_SORTS = {
    "name": "name_sort",
    "country": "country_sort",
    "category": "category_sort",
    "since": "valid_from",
}
EXPORT_FORMATS = ("csv", "xlsx")
APPLY_LIMIT_PER_HOUR = 5
APPLY_SESSION_KEY = "members_apply_reference"
UPLOAD_ERROR_CODES = {"type", "empty", "size", "content"}


# --- Directory ------------------------------------------------------------------------


def _directory_filters(request: HttpRequest) -> tuple[DirectoryFilterForm, DirectoryFilters]:
    form = DirectoryFilterForm(
        request.GET,
        categories=selectors.category_list(),
        countries=list(selectors.country_list(with_members_only=True)),
    )
    return form, form.filters()


def _sorted(members: QuerySet[Membership], sort: Sort) -> QuerySet[Membership]:
    """Order by name (case-blind), country (in the page's language), category or start date."""
    lang = (translation.get_language() or "es").split("-")[0]
    country_name = f"institution__country__name_{lang}"
    return members.annotate(
        name_sort=Lower("institution__name"),
        country_sort=Coalesce(
            NullIf(F(country_name), Value("")),
            F("institution__country__name_es"),
            output_field=CharField(),
        ),
        # Members whose category is not recorded come after the four categories.
        category_sort=Coalesce(F("category__order"), Value(32767)),
    ).order_by(*sort.order_by())


@login_not_required
@require_safe
def directory(request: HttpRequest) -> HttpResponse:
    form, filters = _directory_filters(request)
    sort = sort_from_request(request, DIRECTORY_SORTS, "name")
    members = _sorted(selectors.directory_list(**filters.selector_kwargs()), sort)
    # Counts ignore the category filter, so each one says what its link will show.
    counts = selectors.directory_counts(
        base=selectors.directory_list(**filters.selector_kwargs(without_category=True))
    )
    for row in counts["by_category"]:
        row["href"] = filters.query(category=row["code"])
        row["current"] = row["code"] == filters.category
    context: dict[str, Any] = {
        "form": form,
        "filters": filters,
        "problems": form.problems(),
        "sort": sort,
        "page": paginate(request, members),
        "counts": counts,
        "all_href": filters.query(category=""),
        "as_of": filters.as_of or timezone.localdate(),
        "export_query": filters.query(sort=request.GET.get("sort", "")),
    }
    partial = bool(request.htmx) and not request.htmx.history_restore_request  # type: ignore[attr-defined]
    template = "members/partials/_directory_table.html" if partial else "members/directory.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_not_required
@require_safe
def directory_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _form, filters = _directory_filters(request)
    sort = sort_from_request(request, DIRECTORY_SORTS, "name")
    members = _sorted(selectors.directory_list(**filters.selector_kwargs()), sort)
    day = filters.as_of or timezone.localdate()
    if fmt == "csv":
        return exports.csv_response(members, day=day)
    return exports.xlsx_response(members, day=day)


# --- A member's page ------------------------------------------------------------------


@login_not_required
@require_safe
def member_detail(request: HttpRequest, slug: str) -> HttpResponse:
    institution = selectors.member_get_public(slug=slug)
    return render(
        request,
        "members/member_detail.html",
        {
            "institution": institution,
            "current": selectors.current_membership(institution),
            "memberships": institution.membership_list,  # type: ignore[attr-defined]  # prefetched
        },
    )


# --- Public affiliation form ---------------------------------------------------------


def _rate_key(request: HttpRequest) -> str:
    # REMOTE_ADDR is the client behind no proxy; behind one, the proxy must set it (see report).
    return f"members:apply:{request.META.get('REMOTE_ADDR') or 'unknown'}"


def _rate_limited(request: HttpRequest) -> bool:
    return int(cache.get(_rate_key(request), 0)) >= APPLY_LIMIT_PER_HOUR


def _count_submission(request: HttpRequest) -> None:
    key = _rate_key(request)
    if not cache.add(key, 1, timeout=3600):
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, timeout=3600)


def _attach_error(form: ApplicationForm, exc: ValidationError) -> None:
    """Put a service error on the field it is about (upload errors on the documents field)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    elif any(getattr(e, "code", None) in UPLOAD_ERROR_CODES for e in exc.error_list):
        form.add_error("documents", exc)
    else:
        form.add_error(None, exc)


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    form = ApplicationForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST":
        if _rate_limited(request):
            form.add_error(
                None,
                _(
                    "Too many applications were sent from this address; "
                    "please try again in an hour."
                ),
            )
            return render(request, "members/apply_form.html", {"form": form}, status=429)
        if form.is_bot:
            # Pretend it worked: telling a robot why it failed only helps it adapt.
            _count_submission(request)
            return redirect("members:apply-done")
        if form.is_valid():
            _count_submission(request)
            data = form.cleaned_data
            try:
                submitted = services.request_submit_public(
                    applicant_name=data["applicant_name"],
                    applicant_acronym=data["applicant_acronym"],
                    applicant_country=data["applicant_country"],
                    applicant_website=data["applicant_website"],
                    requested_category=data["requested_category"],
                    contact_name=data["contact_name"],
                    contact_email=data["contact_email"],
                    contact_phone=data["contact_phone"],
                    statement=data["statement"],
                    files=data["documents"],
                )
            except ValidationError as exc:
                _attach_error(form, exc)
            else:
                request.session[APPLY_SESSION_KEY] = submitted.reference
                messages.success(request, _("Your application was received."))
                return redirect("members:apply-done")
    return render(request, "members/apply_form.html", {"form": form})


@login_not_required
@require_safe
def apply_done(request: HttpRequest) -> HttpResponse:
    return render(
        request, "members/apply_done.html", {"reference": request.session.get(APPLY_SESSION_KEY)}
    )
