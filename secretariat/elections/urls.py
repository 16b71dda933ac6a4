"""Elections URLs: the whole list, by part (each part's routes in its own block)."""

from django.urls import path  # noqa: F401  (each part's block below adds its paths)

app_name = "elections"
urlpatterns: list = []

# --- authorities: offices, terms, mandates, people -------------------------------------
urlpatterns += []

# --- calls for candidates ---------------------------------------------------------------
urlpatterns += []

# --- nominations and their review ---------------------------------------------------------
urlpatterns += []

# --- the eligibility report ----------------------------------------------------------------
urlpatterns += []

# --- the ballot: contests and rounds --------------------------------------------------------
urlpatterns += []
