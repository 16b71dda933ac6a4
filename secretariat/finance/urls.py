"""Finance URLs: the whole list, by part (each part's routes in its own block)."""

from django.urls import path  # noqa: F401  (each part's block below adds its paths)

app_name = "finance"
urlpatterns: list = []

# --- ledger: chart, fiscal years and periods, rates, journals and entries ---------------

# --- banking: statements imported, matched and reconciled -------------------------------

# --- dues: scale, assessments, payments, adjustments, arrears, statements of account ----

# --- statements: IPSAS statements, the Comptroller's samples and audit package ----------
