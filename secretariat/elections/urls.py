"""Elections URLs: the whole list, by part (each part's routes in its own block)."""

from django.urls import path  # noqa: F401  (each part's block below adds its paths)

app_name = "elections"
urlpatterns: list = []

# --- authorities: offices, terms, mandates, people -------------------------------------
from secretariat.elections.views import authorities as authorities_views  # noqa: E402

urlpatterns += [
    path("authorities/", authorities_views.authorities, name="authorities"),
    path("people/new/", authorities_views.person_create, name="person-create"),
    path("people/<slug:slug>/", authorities_views.person_detail, name="person-detail"),
    path("people/<slug:slug>/edit/", authorities_views.person_edit, name="person-edit"),
    path("offices/<slug:code>/edit/", authorities_views.office_edit, name="office-edit"),
    path("mandates/new/", authorities_views.mandate_record, name="mandate-record"),
    path("mandates/<int:pk>/edit/", authorities_views.mandate_edit, name="mandate-edit"),
]

# --- calls for candidates ---------------------------------------------------------------
from secretariat.elections.views import calls as call_views  # noqa: E402

urlpatterns += [
    path("calls/", call_views.call_list, name="call-list"),
    path("calls/new/", call_views.call_add, name="call-add"),
    path("calls/<int:pk>/", call_views.call_detail, name="call-detail"),
    path("calls/<int:pk>/edit/", call_views.call_edit, name="call-edit"),
    path("calls/<int:pk>/offices/new/", call_views.call_office_add, name="call-office-add"),
    path(
        "calls/offices/<int:office_pk>/edit/", call_views.call_office_edit, name="call-office-edit"
    ),
    path(
        "calls/offices/<int:office_pk>/remove/",
        call_views.call_office_remove,
        name="call-office-remove",
    ),
    path("calls/<int:pk>/requirements/new/", call_views.requirement_add, name="requirement-add"),
    path(
        "calls/requirements/<int:requirement_pk>/edit/",
        call_views.requirement_edit,
        name="requirement-edit",
    ),
    path(
        "calls/requirements/<int:requirement_pk>/remove/",
        call_views.requirement_remove,
        name="requirement-remove",
    ),
    path("calls/<int:pk>/approve/", call_views.call_approve, name="call-approve"),
    path("calls/<int:pk>/publish/", call_views.call_publish, name="call-publish"),
    path("calls/<int:pk>/close/", call_views.call_close, name="call-close"),
    path("calls/<int:pk>/call-<str:lang>.pdf", call_views.call_pdf, name="call-pdf"),
]

# --- nominations and their review ---------------------------------------------------------
urlpatterns += []

# --- the eligibility report ----------------------------------------------------------------
urlpatterns += []

# --- the ballot: contests and rounds --------------------------------------------------------
urlpatterns += []
