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
from secretariat.elections.views import ballots as ballot_views  # noqa: E402

urlpatterns += [
    path("calls/<int:pk>/ballot/", ballot_views.ballot, name="ballot"),
    path("ballot/offices/<int:pk>/start/", ballot_views.contest_start, name="contest-start"),
    path("contests/<int:pk>/", ballot_views.contest_detail, name="contest-detail"),
    path("contests/<int:pk>/acclaim/", ballot_views.contest_acclaim, name="contest-acclaim"),
    path("contests/<int:pk>/rounds/open/", ballot_views.round_open, name="round-open"),
    path("rounds/<int:pk>/close/", ballot_views.round_close, name="round-close"),
    path("rounds/<int:pk>/draw/", ballot_views.round_draw, name="round-draw"),
]
