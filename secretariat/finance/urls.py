"""Finance URLs: the whole list, by part (each part's routes in its own block)."""

from django.urls import path  # noqa: F401  (each part's block below adds its paths)

app_name = "finance"
urlpatterns: list = []

# --- ledger: chart, fiscal years and periods, rates, journals and entries ---------------

# --- banking: statements imported, matched and reconciled -------------------------------
from secretariat.finance.views import banking as banking_views  # noqa: E402

urlpatterns += [
    path("bank/", banking_views.bank_list, name="bank-list"),
    path("bank/import/", banking_views.bank_import, name="bank-import"),
    path("bank/<int:pk>/", banking_views.bank_detail, name="bank-detail"),
    path("bank/<int:pk>/auto-match/", banking_views.bank_auto_match, name="bank-auto-match"),
    path("bank/<int:pk>/reconcile/", banking_views.bank_reconcile, name="bank-reconcile"),
    path("bank/<int:pk>/report/", banking_views.bank_report, name="bank-report"),
    path("bank/lines/<int:pk>/match/", banking_views.bank_line_match, name="bank-line-match"),
    path("bank/lines/<int:pk>/unmatch/", banking_views.bank_line_unmatch, name="bank-line-unmatch"),
    path("bank/lines/<int:pk>/explain/", banking_views.bank_line_explain, name="bank-line-explain"),
]

# --- dues: scale, assessments, payments, adjustments, arrears, statements of account ----

# --- statements: IPSAS statements, the Comptroller's samples and audit package ----------
