"""Public member pages: the directory (with its exports) and a member's page. No login
needed; nothing personal about representatives is shown.
"""

from __future__ import annotations

from typing import Any, cast

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_safe

from secretariat.core.access import public
from secretariat.core.http import HtmxHttpRequest
from secretariat.core.tables import paginate, sort_from_request
from secretariat.members import exports
from secretariat.members.forms.directory import DirectoryFilterForm, DirectoryFilters
from secretariat.members.selectors.registry import (
    DIRECTORY_SORTS,
    DirectoryCounts,
    category_list,
    country_list,
    directory_cache_key,
    directory_counts,
    directory_list,
    directory_sorted,
    member_get_for_user,
    member_page,
)

EXPORT_FORMATS = ("csv", "xlsx")


def _directory_filters(request: HttpRequest) -> tuple[DirectoryFilterForm, DirectoryFilters]:
    form = DirectoryFilterForm(
        request.GET,
        categories=category_list(),
        countries=list(country_list(with_members_only=True)),
    )
    return form, form.filters()


@public
@require_safe
def directory(request: HtmxHttpRequest) -> HttpResponse:
    form, filters = _directory_filters(request)
    sort = sort_from_request(request, DIRECTORY_SORTS, "name")
    # The results are read when the template renders them, so not at all when it has them
    # cached under `results_key` (members/partials/_directory_table.html). Counts ignore the
    # category filter, so each one says what its link will show.
    counts = cast(
        DirectoryCounts,
        SimpleLazyObject(
            lambda: directory_counts(
                base=directory_list(**filters.selector_kwargs(without_category=True))
            )
        ),
    )
    context: dict[str, Any] = {
        "form": form,
        "filters": filters,
        "problems": form.problems(),
        "sort": sort,
        "page": SimpleLazyObject(
            lambda: paginate(
                request, directory_sorted(directory_list(**filters.selector_kwargs()), sort)
            )
        ),
        "counts": counts,
        "category_links": SimpleLazyObject(lambda: filters.category_links(counts)),
        "all_href": filters.query(category=""),
        "as_of": filters.as_of or timezone.localdate(),
        "export_query": filters.query(sort=request.GET.get("sort", "")),
        "results_key": directory_cache_key(query=request.GET.urlencode(), day=timezone.localdate()),
    }
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    template = "members/partials/_directory_table.html" if partial else "members/member_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@public
@require_safe
def directory_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _form, filters = _directory_filters(request)
    sort = sort_from_request(request, DIRECTORY_SORTS, "name")
    members = directory_sorted(directory_list(**filters.selector_kwargs()), sort)
    day = filters.as_of or timezone.localdate()
    if fmt == "csv":
        return exports.csv_response(members, day=day)
    return exports.xlsx_response(members, day=day)


@public
@require_safe
def member_detail(request: HttpRequest, slug: str) -> HttpResponse:
    page = member_page(member_get_for_user(user=request.user, slug=slug))
    return render(
        request,
        "members/member_detail.html",
        {
            "institution": page.institution,
            "current": page.current,
            "admitted": page.admitted,
            "memberships": page.memberships,
        },
    )
