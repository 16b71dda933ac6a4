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
urlpatterns += []

# --- nominations and their review ---------------------------------------------------------
urlpatterns += []

# --- the eligibility report ----------------------------------------------------------------
urlpatterns += []

# --- the ballot: contests and rounds --------------------------------------------------------
urlpatterns += []
