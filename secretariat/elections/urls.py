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
from secretariat.elections.views import reports  # noqa: E402  (this part's views)

urlpatterns += [
    path("calls/<int:pk>/report/", reports.report_detail, name="report"),
    path("calls/<int:pk>/report/draft/", reports.report_draft, name="report-draft"),
    path("reports/<int:pk>/refresh/", reports.report_refresh, name="report-refresh"),
    path("reports/<int:pk>/sign/", reports.report_sign, name="report-sign"),
    path("reports/<int:pk>/report-<str:lang>.pdf", reports.report_pdf, name="report-pdf"),
]

# --- the ballot: contests and rounds --------------------------------------------------------
urlpatterns += []
